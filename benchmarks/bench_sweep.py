"""Many solves of one model: rebuilding vs re-solving in place vs HiGHS alone.

For a 365-day horizon and a 1,000-point sweep of the demand elasticity, in
one run: the time per point when every point rebuilds the Pyomo model
(`reserve size` each time, on a sample of points), when the sweep engine
re-solves one model in place (reserve.sweep.Resolver), and HiGHS's own
re-solve for the same change with nothing else around it (the floor:
the same row bounds written straight into highspy and re-run warm). Every
point is two solves: the answer and the marginal cost. Then the whole
1,000-point `reserve sensitivity` call, with 1 and 2 workers.

    python benchmarks/bench_sweep.py
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from reserve.problem import net_flow_band
from reserve.problem import build_problem
from reserve.scenario import build_scenario, with_overrides
from reserve.solve import MARGINAL_STEP_USD_PER_BBL, size
from reserve.sweep import Resolver

POINTS = 1000
SETS = {"hold_days": "335", "storage.floating_storage.capacity_max_mb": "inf",
        "fill_rate_max_mbd": "inf"}   # 30 lead days + 335 = a 365-day horizon


def per_point(points: int = POINTS) -> dict:
    """Seconds a point [s], ``points`` points of the sweep: rebuilding the model
    every point (a tenth of them), re-solving one model in place, and HiGHS
    alone writing the same row bounds and re-solving warm (the floor)."""
    values = np.linspace(-0.35, -0.03, points)
    base = build_scenario(None, SETS)
    scenarios = [with_overrides(base, {"demand_elasticity": float(v)}) for v in values]

    sample = scenarios[:: max(points // 10, 1)]
    start = time.perf_counter()
    for s in sample:
        size(s)
    rebuild = (time.perf_counter() - start) / len(sample)

    resolver = Resolver(base)
    start = time.perf_counter()
    for s in scenarios:
        resolver.solve(s)
    in_place = (time.perf_counter() - start) / points

    # the floor: HiGHS alone, the same two band changes per point, warm
    highs = resolver.highs
    rows = resolver.session.built.rows_of("net_band")
    bands = []
    for s in scenarios:
        data = build_problem(s)
        bands.append(net_flow_band(data, data.target_level))
        bands.append(net_flow_band(data, data.target_level + MARGINAL_STEP_USD_PER_BBL))
    start = time.perf_counter()
    for lo, hi in bands:
        highs.changeRowsBounds(len(rows), rows, lo, hi)
        highs.run()
    floor = (time.perf_counter() - start) / points
    return {"rebuild": rebuild, "in_place": in_place, "floor": floor,
            "rebuilds": resolver.rebuilds}


def main() -> None:
    measured = per_point()
    rebuild, in_place, floor = measured["rebuild"], measured["in_place"], measured["floor"]
    print(f"365-day horizon, {POINTS}-point sweep of demand_elasticity (2 solves a point):")
    print(f"  rebuild every point  {rebuild * 1000:8.2f} ms/point")
    print(f"  re-solve in place    {in_place * 1000:8.2f} ms/point "
          f"({measured['rebuilds']} rebuilds)")
    print(f"  HiGHS alone (floor)  {floor * 1000:8.2f} ms/point")
    print(f"  in place / floor     {in_place / floor:8.1f}x   (goal <= 3)")
    print(f"  rebuild / in place   {rebuild / in_place:8.1f}x   (goal >= 20)")

    exe = shutil.which("reserve")
    if exe:
        with tempfile.TemporaryDirectory() as tmp:
            for workers in (1, 2):
                out = Path(tmp) / "sweep.csv"
                args = [exe, "sensitivity", "--vary",
                        f"demand_elasticity=-0.35:-0.03:{POINTS}", "-o", str(out),
                        "--workers", str(workers)]
                for name, value in SETS.items():
                    args += ["--set", f"{name}={value}"]
                start = time.perf_counter()
                subprocess.run(args, check=True, capture_output=True)
                print(f"  whole CLI sweep, {workers} worker(s): {time.perf_counter() - start:6.2f} s")


if __name__ == "__main__":
    main()

"""Many solves of one model: rebuilding vs re-solving in place vs HiGHS alone.

For a 365-day horizon and a 1,000-point sweep of the demand elasticity, in
one run, on two scenarios (the least-cost LP alone, and the default with
its own-price premium and closing sale, which tangent cuts solve in
rounds): the time per point when every point builds its model afresh
(`reserve size` each time, on a sample of points), when the sweep engine
re-solves one model in place (reserve.sweep.Resolver), the wall time of
HiGHS's own runs within that, and HiGHS's re-solve for the same change with
nothing else around it (the floor: the same row bounds written straight
into a copy of the model in highspy and re-run warm, one run a solve,
point by point beside the sweep's own). Every point is two solves:
the answer and the marginal cost. Then the whole 1,000-point `reserve
sensitivity` call of the LP, with 1 and 2 workers.

    python benchmarks/bench_sweep.py
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from reserve.highslp import new_highs
from reserve.price_conditions import net_flow_band
from reserve.problem import build_problem
from reserve.scenario import build_scenario, with_overrides
from reserve.solve import MARGINAL_STEP_USD_PER_BBL, size
from reserve.sweep import Resolver

POINTS = 1000
SETS = {"hold_days": "335", "storage.floating_storage.capacity_max_mb": "inf",
        "fill_rate_max_mbd": "inf"}   # 30 lead days + 335 = a 365-day horizon
#: the least-cost LP alone: the closing stock valued at cost, no own-price premium
#: (the default's premium and closing sale are solved by rounds of tangent cuts)
LP_ONLY = {"oil_valuation": "cost", "own_price_effect": "false"}


def per_point(points: int = POINTS, sets: dict | None = None, rebuild: bool = True) -> dict:
    """Seconds a point [s], ``points`` points of the sweep on the scenario
    SETS (and ``sets``): rebuilding the model every point (a tenth of them;
    skipped without ``rebuild``), re-solving one model in place, the wall
    time of HiGHS's own runs within that, and HiGHS alone writing the same
    row bounds into the last model and re-solving warm (the floor); and
    HiGHS's runs a point."""
    values = np.linspace(-0.35, -0.03, points)
    base = build_scenario(None, {**SETS, **(sets or {})})
    scenarios = [with_overrides(base, {"demand_elasticity": float(v)}) for v in values]

    rebuilt = float("nan")
    if rebuild:
        sample = scenarios[:: max(points // 10, 1)]
        start = time.perf_counter()
        for s in sample:
            size(s)
        rebuilt = (time.perf_counter() - start) / len(sample)

    # the floor: HiGHS alone on a copy of the same model, the same two band
    # changes a point, warm; measured point by point beside the sweep, so that
    # the machine's drift hits both sides alike
    resolver = Resolver(base)
    resolver.solve(scenarios[-1])          # built, and warm, before the clock starts
    rows = resolver.session.built.rows_of("net_band")
    bands = []
    for s in scenarios:
        data = build_problem(s)
        bands.append((net_flow_band(data, data.target_level),
                      net_flow_band(data, data.target_level + MARGINAL_STEP_USD_PER_BBL)))
    highs = new_highs()
    highs.passModel(resolver.highs.getLp())
    for lo, hi in bands[-1]:
        highs.changeRowsBounds(len(rows), rows, lo, hi)
        highs.run()
    before = resolver.timings
    in_place = floor = 0.0
    for s, pair in zip(scenarios, bands):
        start = time.perf_counter()
        resolver.solve(s)
        middle = time.perf_counter()
        for lo, hi in pair:
            highs.changeRowsBounds(len(rows), rows, lo, hi)
            highs.run()
        in_place += middle - start
        floor += time.perf_counter() - middle
    in_place, floor = in_place / points, floor / points
    after = resolver.timings
    runs = (after.solves - before.solves) / points
    highs_wall = (after.solve_call_s - before.solve_call_s) / points
    return {"rebuild": rebuilt, "in_place": in_place, "floor": floor,
            "highs_wall": highs_wall, "runs": runs, "rebuilds": resolver.rebuilds}


def main() -> None:
    print(f"365-day horizon, {POINTS}-point sweep of demand_elasticity (2 solves a point):")
    for label, sets in (("the LP (oil at cost, no premium)", LP_ONLY),
                        ("the default (premium and closing sale, by tangent cuts)", {})):
        m = per_point(sets=sets)
        print(f"{label}:")
        print(f"  rebuild every point  {m['rebuild'] * 1000:8.2f} ms/point")
        print(f"  re-solve in place    {m['in_place'] * 1000:8.2f} ms/point "
              f"({m['rebuilds']} rebuilds, {m['runs']:.1f} HiGHS runs a point)")
        print(f"  of which HiGHS runs  {m['highs_wall'] * 1000:8.2f} ms/point")
        print(f"  HiGHS alone (floor)  {m['floor'] * 1000:8.2f} ms/point "
              "(the same band changes, warm, on a copy of the model)")
        lp = sets is LP_ONLY      # the LP's goal is HiGHS's re-solve; the cuts', their runs
        print(f"  in place / floor     {m['in_place'] / m['floor']:8.2f}x"
              + ("   (goal <= 1.3)" if lp else ""))
        if not lp:
            print(f"  in place / its runs  {m['in_place'] / m['highs_wall']:8.2f}x   (goal <= 1.3)")
        print(f"  rebuild / in place   {m['rebuild'] / m['in_place']:8.1f}x")

    exe = shutil.which("reserve")
    if exe:
        with tempfile.TemporaryDirectory() as tmp:
            for workers in (1, 2):
                out = Path(tmp) / "sweep.csv"
                args = [exe, "sensitivity", "--vary",
                        f"demand_elasticity=-0.35:-0.03:{POINTS}", "-o", str(out),
                        "--workers", str(workers)]
                for name, value in {**SETS, **LP_ONLY}.items():
                    args += ["--set", f"{name}={value}"]
                start = time.perf_counter()
                subprocess.run(args, check=True, capture_output=True)
                print(f"  whole CLI sweep, {workers} worker(s): {time.perf_counter() - start:6.2f} s")


if __name__ == "__main__":
    main()

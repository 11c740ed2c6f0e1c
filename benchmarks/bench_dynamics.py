"""A 10-year daily horizon with dynamic adjustment and a price path, and the
own-price QP beside the LP, as ratios measured in one run.

Issue 3 asks that the 10-year dynamic model with a price path builds and
solves in under 15 s on a 2-core machine. This prints, for that model, the
Pyomo build, the hand-off to HiGHS and HiGHS's own solve (seconds and as
ratios to HiGHS's solve), and then the static model on the same path solved
as an LP and with the own-price effect as a QP, at several horizons.

    python benchmarks/bench_dynamics.py
"""

from __future__ import annotations

import time

import numpy as np

from reserve.problem import build_problem
from reserve.scenario import build_scenario
from reserve.session import Session

YEARS = 10
DAYS = YEARS * 365


def synthetic_path(days: int) -> np.ndarray:
    """A baseline that swings like 2008-09: $50-110 over a four-year cycle."""
    t = np.arange(days)
    return 80 + 30 * np.sin(2 * np.pi * t / (4 * 365))


def scenario(days: int, **extra):
    return build_scenario(None, {
        "lead_days": "0", "hold_days": str(days),
        "fill_rate_max_mbd": "inf", "release_rate_max_mbd": "inf",
        "storage.new_salt_caverns.build_days": "0",   # long horizons need the caverns
        "storage.leased_tanks.build_days": "0", "storage.floating_storage.build_days": "0",
        # a floor on a swinging path: absorb below it, free to sell above it,
        # so the schedule is not pinned and the QP is a real one
        "floor_usd_per_bbl": "70",
        **extra})


def timed(s, path) -> dict[str, float]:
    data = build_problem(s, path)
    session = Session(data)
    start = time.perf_counter()
    ok = session.least_cost(data.target_level)
    wall = time.perf_counter() - start + session.timings.build_s + session.timings.handoff_s
    assert ok, "benchmark model infeasible"
    t = session.timings
    return {"build": t.build_s, "handoff": t.handoff_s, "highs": t.highs_s, "wall": wall}


def main() -> None:
    path = synthetic_path(DAYS)
    dyn = timed(scenario(DAYS, demand_elasticity_long_run="-0.3",
                         supply_elasticity_long_run="0.15",
                         adjustment_half_life_days="180"), path)
    print(f"{YEARS}-year daily horizon, dynamic adjustment, price path ({DAYS} periods):")
    print(f"  build {dyn['build']:.2f} s, hand-off {dyn['handoff']:.2f} s, HiGHS {dyn['highs']:.2f} s;"
          f" build+solve {dyn['wall']:.2f} s (goal < 15 s)")
    print(f"  ratios to HiGHS: build {dyn['build'] / dyn['highs']:.1f}, hand-off "
          f"{dyn['handoff'] / dyn['highs']:.1f}")
    print()
    print("static model on the same path, LP against the own-price QP (solved by "
          "tangent cuts), HiGHS's time:")
    print(f"{'days':>7} {'LP s':>8} {'QP s':>8} {'QP/LP':>7}")
    for days in (180, 365, 1095):
        lp = timed(scenario(days), path[:days])
        qp = timed(scenario(days, own_price_effect="true"), path[:days])
        print(f"{days:>7} {lp['highs']:>8.3f} {qp['highs']:>8.3f} {qp['highs'] / lp['highs']:>7.1f}")
    weekly_against_daily(path)


def weekly_against_daily(path: np.ndarray, days: int = 1092) -> None:
    """The own-price QP of 3 years, daily and in weekly steps (each week's
    baseline the mean of its days): time, capacity and cost side by side."""
    from reserve.results import outputs
    from reserve.solve import size
    weekly = {"time_step_days": "7", "storage.leased_tanks.lease_term_days": "28",
              "storage.floating_storage.lease_term_days": "91",
              "storage.floating_storage_tier2.lease_term_days": "91"}
    found = {}
    for step, extra in ((1, {}), (7, weekly)):
        s = scenario(days, own_price_effect="true", **extra)
        baseline = path[:days].reshape(-1, step).mean(axis=1)
        start = time.perf_counter()
        found[step] = (outputs(size(s, baseline, check_calibration=False)),
                       time.perf_counter() - start)
    (daily, t1), (week, t7) = found[1], found[7]
    print()
    print(f"own-price QP over {days} days: daily {t1:.1f} s, weekly {t7:.2f} s "
          f"({t1 / t7:.0f} times faster); weekly against daily: storage capacity "
          f"{week['storage_capacity_mb'] / daily['storage_capacity_mb'] - 1:+.1%}, "
          f"total cost {week['total_cost_musd'] / daily['total_cost_musd'] - 1:+.2%}")


if __name__ == "__main__":
    main()

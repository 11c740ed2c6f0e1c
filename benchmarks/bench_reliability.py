"""Many futures, timed: one design for 100 paths, and a rule on 10,000.

In one run:

1. `reserve size --reliability 0.9` on 100 bootstrapped Brent paths of 180
   daily periods (a $58 floor, storage rentable at once, no cap on rates):
   a MILP with a binary a path. Its time and the MIP gap HiGHS reached,
   against the LP of the same paths at reliability 1 (every path held): the
   ratio is what letting 10 % of the paths go costs in solving time.
2. The quantile heuristic of `--confidence` on the same paths (each path
   sized alone, each design quantity at its 90th percentile, that design run
   on every path): its expected cost against the MILP's.
3. The causal rule of `reserve risk` on 10,000 paths of 10 years, daily.

    python benchmarks/bench_reliability.py
"""

from __future__ import annotations

import time

import numpy as np

import reserve
from reserve.errors import TargetUnreachable
from reserve.paths import generate
from reserve.pricepath import baseline_of
from reserve.reliability import size_reliable
from reserve.risk import Design, causal_rule
from reserve.solve import size

PATHS, DAYS, RELIABILITY, FLOOR = 100, 180, 0.9, 58.0
OPEN = {"fill_rate_max_mbd": np.inf, "storage.floating_storage.capacity_max_mb": np.inf,
        "storage.leased_tanks.build_days": 0, "storage.floating_storage.build_days": 0,
        "hold_days": DAYS - 30, "floor_usd_per_bbl": FLOOR}


def timed(call):
    start = time.perf_counter()
    out = call()
    return out, time.perf_counter() - start


def heuristic_design(s, prices) -> dict:
    """Each path sized alone; each quantity at the RELIABILITY quantile (unreachable: inf)."""
    rows = []
    for path in prices:
        try:
            sol = size(s, baseline_of(path[:s.horizon_days], s), diagnose=False,
                       check_calibration=False).solution
            rows.append([*(sol.capacity_mb - [o.existing_mb for o in s.storage]),
                         sol.fill_capacity_mbd, sol.release_capacity_mbd])
        except TargetUnreachable:
            rows.append([np.inf] * (len(s.storage) + 2))
    q = np.quantile(np.array(rows), RELIABILITY, axis=0, method="higher")
    k = len(s.storage)
    capacity = np.where([o.leased for o in s.storage], 0.0, q[:k])   # rented per path
    return {"new_capacity_mb": capacity, "built": np.array([]),
            "fill_capacity_mbd": q[k:k + 1], "release_capacity_mbd": q[k + 1:k + 2]}


def main() -> None:
    s = reserve.load_scenario(None, **OPEN)
    prices = generate("bootstrap", s.price_usd_per_bbl, s.horizon_days, PATHS, seed=2008)
    lp, lp_s = timed(lambda: size_reliable(s, prices, 1.0))
    milp, milp_s = timed(lambda: size_reliable(s, prices, RELIABILITY))
    design, heuristic_s = timed(lambda: heuristic_design(s, prices))
    priced = size_reliable(s, prices, RELIABILITY, fixed_design=design)
    a, b, h = lp.outputs(), milp.outputs(), priced.outputs()
    print(f"{PATHS} paths of {s.horizon_days} daily periods, a ${FLOOR:g} floor; one run\n")
    print(f"{'':44} {'time s':>7} {'ratio':>6} {'gap':>8} {'held':>5} {'storage mb':>10} "
          f"{'E[cost] musd':>12}")
    print(f"{'LP, reliability 1 (every path held)':44} {lp_s:7.2f} {1.0:6.2f} {'-':>8} "
          f"{a['reliability_achieved']:5.0%} {a['storage_capacity_mb']:10.1f} "
          f"{a['expected_total_cost_musd']:12.1f}")
    print(f"{'MILP, reliability 0.9 (a binary a path)':44} {milp_s:7.2f} {milp_s / lp_s:6.2f} "
          f"{b['mip_gap']:8.2e} {b['reliability_achieved']:5.0%} "
          f"{b['storage_capacity_mb']:10.1f} {b['expected_total_cost_musd']:12.1f}")
    print(f"{'quantile heuristic (--confidence), 0.9':44} {heuristic_s:7.2f} "
          f"{heuristic_s / lp_s:6.2f} {'-':>8} {h['reliability_achieved']:5.0%} "
          f"{h['storage_capacity_mb']:10.1f} {h['expected_total_cost_musd']:12.1f}")
    print(f"\nthe MILP's expected cost is {b['expected_total_cost_musd'] / h['expected_total_cost_musd']:.2f}"
          f" x the heuristic's; the causal rule holds the MILP's design on "
          f"{b['reliability_causal_rule']:.0%} of the paths")

    big = generate("bootstrap", s.price_usd_per_bbl, 3650, 10_000, seed=1)
    rule, rule_s = timed(lambda: causal_rule(s, big, Design(300.0, 2.0, 2.0, 0.0)))
    print(f"\ncausal rule (reserve risk), 10,000 paths of 3,650 days: {rule_s:.1f} s, "
          f"{rule.held.mean():.0%} held")


if __name__ == "__main__":
    main()

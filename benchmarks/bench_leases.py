"""What leases cost in time, as ratios measured in one run.

- the whole CLI call `reserve size --target-impact 5` (a fresh process,
  imports included), whose default scenario rents its quick storage: the
  goal is under 2 s;
- a 10-year daily model (3,650 periods) with two leased options (tanks by
  the month, tankers by the quarter) against the same model with the two
  options owned instead: Pyomo build, hand-off to HiGHS and HiGHS's solve,
  and their ratio (goal: leases within 3 times).

    python benchmarks/bench_leases.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from timing import time_cli

from reserve.problem import build_problem
from reserve.scenario import build_scenario
from reserve.session import Session

YEARS = 10
#: the least-cost LP alone: the closing stock valued at cost, no own-price premium
LP_ONLY = {"oil_valuation": "cost", "own_price_effect": "false"}
#: the default's options, the dearer tanker tier left out: two to rent
#: (tanks by the month, tankers by the quarter), two to build
TWO_LEASES = ("leased_tanks", "floating_storage", "new_steel_tanks", "new_salt_caverns")


def lease_model(leased: bool = True, years: int = YEARS):
    """The 10-year daily model's data (or ``years``'): two options leased, or
    the same two owned."""
    s = build_scenario(None, {"hold_days": str(years * 365 - 30),
                              # ten years of oil cannot wait for steel tanks in 210 mb
                              "storage.floating_storage.capacity_max_mb": "inf",
                              # the LP the goal is stated for: no closing sale after
                              # the horizon (it would double the periods), no premium
                              **LP_ONLY})
    storage = tuple(o if leased else replace(o, lease_term_days=0)
                    for o in s.storage if o.name in TWO_LEASES)
    return build_problem(replace(s, storage=storage))


def time_model(leased: bool) -> dict[str, float]:
    """Seconds to build, hand off and solve the 10-year daily model once."""
    data = lease_model(leased)
    start = time.perf_counter()
    session = Session(data)
    assert session.least_cost()
    total = time.perf_counter() - start
    t = session.timings
    return {"build": t.build_s, "handoff": t.handoff_s, "highs": t.highs_s, "total": total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median kept)")
    args = parser.parse_args()
    cli = statistics.median(time_cli() for _ in range(args.repeat))
    print(f"whole CLI call `reserve size --target-impact 5`: {cli:.2f} s "
          f"(median of {args.repeat}; goal < 2 s)")
    runs = {True: [], False: []}
    for _ in range(args.repeat):          # alternate, so drift hits both alike
        for leased in (True, False):
            runs[leased].append(time_model(leased))
    med = {k: {stage: statistics.median(r[stage] for r in v) for stage in v[0]}
           for k, v in runs.items()}
    print()
    print(f"{YEARS}-year daily model ({YEARS * 365:,} periods), seconds (median of {args.repeat}):")
    print(f"{'':>22} {'build':>8} {'hand-off':>9} {'HiGHS':>8} {'total':>8}")
    for leased, label in ((False, "two owned options"), (True, "two leased options")):
        m = med[leased]
        print(f"{label:>22} {m['build']:>8.2f} {m['handoff']:>9.2f} {m['highs']:>8.2f} "
              f"{m['total']:>8.2f}")
    ratio = med[True]["total"] / med[False]["total"]
    print(f"leased / owned, whole solve: {ratio:.2f} (goal <= 3)")


if __name__ == "__main__":
    main()

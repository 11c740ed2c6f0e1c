"""The owner's best reserve (net-benefit mode) against the least-cost LP, in one run.

For the 180-day default and a 3-year daily horizon: the least-cost LP of the
scenario (its $5 target, no premium), the net-benefit mode (the premium as
tangent cuts, what `reserve` does) and the same net-benefit model handed to
HiGHS's QP solver; seconds of the whole solve (build, hand-off, HiGHS) and
the ratio of each to the LP.

    python benchmarks/bench_ledger.py
"""

from __future__ import annotations

import time

from reserve.problem import build_problem
from reserve.scenario import build_scenario
from reserve.session import Session

HORIZONS = {"180 days (the default)": {}, "3 years daily": {"hold_days": str(3 * 365 - 30)}}


def timed(overrides: dict, premium_by: str = "cuts") -> tuple[float, float]:
    """Seconds to build and solve, and the net benefit found [musd]."""
    from reserve.ledger import ledger
    from reserve.solve import Answer
    data = build_problem(build_scenario(None, overrides))
    start = time.perf_counter()
    session = Session(data, premium_by=premium_by)
    assert session.least_cost(), "benchmark model infeasible"
    seconds = time.perf_counter() - start
    answer = Answer("size", data.scenario, data, session.solution(), 0.0, 0.0)
    return seconds, ledger(answer).get("net_benefit_musd", 0.0)


def main() -> None:
    print(f"{'horizon':>24} {'LP s':>7} {'net-benefit s':>14} {'/ LP':>6} "
          f"{'as HiGHS QP s':>14} {'/ LP':>7}")
    for label, extra in HORIZONS.items():
        roomy = {"storage.floating_storage.capacity_max_mb": "inf", **extra}
        lp, _ = timed(roomy)
        cuts, best_cuts = timed({**roomy, "objective": "net-benefit"})
        qp, best_qp = timed({**roomy, "objective": "net-benefit"}, premium_by="hessian")
        print(f"{label:>24} {lp:>7.2f} {cuts:>14.2f} {cuts / lp:>6.1f} {qp:>14.2f} "
              f"{qp / lp:>7.1f}   (net benefit found: {best_cuts:,.3f} and {best_qp:,.3f} musd)")


if __name__ == "__main__":
    main()

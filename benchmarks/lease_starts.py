"""Leases solved by contract starts on a grid, priced out, against cold; the grid's spacing.

bench_leases's 10-year daily model (two leased options: tanks by the month,
tankers by the quarter) is solved by reserve.lease_grid: contract starts
only every k periods first, then every start left out that prices out let in,
round by round, by HiGHS's primal simplex, until none does. This measures,
in one run, medians of --repeat solves:

- the model solved cold as it stands (every start allowed from the first run,
  HiGHS's dual simplex), the way reserve solved it before;
- by the grid, at the spacing reserve chooses (5 periods: it divides both
  terms) and at others: 2, 3 and 6 divide the terms too; 4, 7 and 9 do not,
  so contracts started on the grid end off it.

Each answer's cost is checked against the cold one's (the grid's is exact:
the last run is the full model's).

Then the same two leases over 1 to 3 years, whence the fewest starts worth
a grid (reserve.lease_grid.MIN_STARTS); and the default scenario, its
tankers uncapped (three leases and two builds; the own-price premium, whose
first run is a round of tangent cuts, and the closing sale) over 1 to 5
years of holding: cold, as reserve solves it, against the grid forced on.
This is why reserve keeps the grid to LPs.

    python benchmarks/lease_starts.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench_leases import lease_model
from reserve import lease_grid
from reserve.problem import build_problem
from reserve.scenario import build_scenario
from reserve.session import Session

SPACINGS = (5, 2, 3, 6, 4, 7, 9)


def solve(data, spacing: int | None, premium: bool = False) -> tuple[float, int, float]:
    """Seconds, HiGHS runs and cost of one least-cost solve: cold when
    ``spacing`` is None, else by the grid at that spacing (``premium``: the
    grid forced on for a model with the own-price premium too)."""
    chosen, least, eligible = lease_grid.grid_step, lease_grid.MIN_STARTS, lease_grid.eligible
    if spacing is None:
        lease_grid.MIN_STARTS = float("inf")
    else:
        lease_grid.grid_step, lease_grid.MIN_STARTS = (lambda terms: spacing), 0
        if premium:
            lease_grid.eligible = lambda data, built: True
    try:
        start = time.perf_counter()
        session = Session(data)
        assert session.least_cost()
        seconds = time.perf_counter() - start
    finally:
        lease_grid.grid_step, lease_grid.MIN_STARTS = chosen, least
        lease_grid.eligible = eligible
    return seconds, session.timings.solves, session.total_cost_musd()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="solves per row (median kept)")
    args = parser.parse_args()
    data = lease_model()
    print(f"chosen spacing for terms {[int(t) for t in data.lease_term_periods]}: "
          f"{lease_grid.grid_step(data.lease_term_periods)} periods")
    print(f"{'solve':>22} {'seconds':>8} {'runs':>5} {'cost vs cold':>13}")
    cold = None
    for spacing in (None, *SPACINGS):
        runs = [solve(data, spacing) for _ in range(args.repeat)]
        seconds = statistics.median(r[0] for r in runs)
        cost = runs[0][2]
        cold = cost if cold is None else cold
        assert abs(cost / cold - 1) < 1e-9                 # the same answer
        label = "cold, every start" if spacing is None else f"grid of {spacing} periods"
        print(f"{label:>22} {seconds:>8.3f} {runs[0][1]:>5} {cost / cold - 1:>13.1e}")
    print()
    print("the same two leases, shorter: the grid forced on, seconds")
    print(f"{'holding':>8} {'starts':>7} {'cold':>7} {'grid':>7} {'cold / grid':>12}")
    for years in (1, 2, 3):
        compare(lease_model(years=years), years, args.repeat, premium=False)
    print()
    print("the default scenario (own-price premium by tangent cuts, closing sale), seconds:")
    print(f"{'holding':>8} {'starts':>7} {'cold':>7} {'grid':>7} {'cold / grid':>12}")
    for years in range(1, 6):
        data = build_problem(build_scenario(None, {  # uncapped tankers: years of oil fit
            "hold_days": str(years * 365 - 30), "storage.floating_storage.capacity_max_mb": "inf"}))
        compare(data, years, args.repeat, premium=True)


def compare(data, years: int, repeat: int, premium: bool) -> None:
    """A row: the model solved cold and by the grid (forced on), medians of ``repeat``."""
    runs = {spacing: [solve(data, spacing, premium) for _ in range(repeat)]
            for spacing in (None, 5)}
    assert abs(runs[5][0][2] / runs[None][0][2] - 1) < 1e-9      # the same answer
    cold, grid = (statistics.median(r[0] for r in runs[k]) for k in (None, 5))
    print(f"{years:>6} y {int((data.contract_allowed > 0).sum()):>7,} {cold:>7.2f} {grid:>7.2f}"
          f" {cold / grid:>12.2f}")


if __name__ == "__main__":
    main()

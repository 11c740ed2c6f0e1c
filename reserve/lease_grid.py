r"""A leased model's first solve: contract starts on a grid, then priced out.

A leased option lets a contract start in any period, and choosing when is a
covering problem: capacity under contract must cover the stock each period,
and a stock that grows every day wants a contract starting almost every day.
Solved cold, HiGHS's dual simplex needs some 14,000 iterations for ten years
of days with two leases (docs/explanation/performance.md, "What made leases
faster").

This module solves such a model in two steps, the first a restriction of
it, the second exact:

1. **Starts on a grid.** Contracts may start only every :math:`k` periods
   from each lease's first (the rest held at zero). :math:`k` divides every
   lease term, so a contract started on the grid also ends on it: the
   capacity under contract changes only there, and HiGHS's presolve folds
   the restricted model far down (ten years of days with two leases: 2,084
   rows of 25,550, where the full model keeps 10,435). Its optimum is a
   little dearer (there, by 4e-5 of the cost).
2. **Priced out.** Every start held at zero whose reduced cost is negative
   at the restricted optimum could lower the cost: those are allowed again,
   and HiGHS's *primal* simplex goes on from the basis (still primal
   feasible, the new columns entering at zero), round by round, until no
   start left out prices out. Then the restricted optimum is the full
   model's (LP duality: every column's reduced cost has the optimal sign).
   This is column generation (Gilmore and Gomory 1961; Chvátal 1983, on
   the cutting-stock problem) on a set of columns known in advance.

Last, every start's bounds are put back as built and HiGHS runs once more
on the full model: from an optimal basis it needs no iteration, and it
certifies the answer by its own tolerances, whatever the rounds did. HiGHS
then holds the full model, solved, as a cold solve would leave it, and later
solves go on warm from there.

Any restricted run that does not end optimal (infeasible, or out of time)
ends the rounds at once: the bounds go back and that last run answers for
the full model, from wherever the rounds stopped, within what is left of
the time limit. An interrupt ends it all, the bounds put back.

References
----------
Gilmore, P. C. and Gomory, R. E. (1961). A linear programming approach to
the cutting-stock problem. *Operations Research* 9(6), 849-859.

Chvátal, V. (1983). *Linear Programming*. W. H. Freeman, New York.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import highspy
import numpy as np

#: The grid's spacing sought [periods]: of the divisors of the terms' common
#: divisor, the one closest to this. Measured on ten years of days with two
#: leases of 30 and 90 days (``python benchmarks/lease_starts.py``): 0.34 s
#: at 5, 0.39 s at 3, 0.44 to 0.47 s at 2 and 6, against 1.06 s cold; a
#: spacing that does not divide the terms (4, 7, 9) leaves contracts ending
#: off the grid, and took 0.75 to 0.89 s.
GRID_PERIODS = 5

#: Allowed contract starts below which a model is solved cold as it stands:
#: the same two leases over one year of days (670 starts) gained 1.13 times,
#: over two (1,400) 2.17 times (``python benchmarks/lease_starts.py``).
MIN_STARTS = 1000

OPTIMAL = highspy.HighsModelStatus.kOptimal

#: HiGHS's simplex_strategy for the primal simplex (the rounds) [HiGHS option value]
PRIMAL_SIMPLEX = 4


def eligible(data, built) -> bool:
    """Whether a session's first least-cost solve goes by the grid: leases, an
    LP, no integer columns. With the own-price premium the first run is a
    round of tangent cuts, and the grid is not kept: on the default scenario
    over 1 to 5 years it measured from 0.89 times (3 years) to 2.57 times (5
    years) as fast (``python benchmarks/lease_starts.py``)."""
    return bool(len(data.leases)) and not data.quadratic and not built.integer.any()


def grid_step(terms) -> int:
    """The grid's spacing [periods] for leases of these terms [periods]: the
    divisor of their greatest common divisor closest to :data:`GRID_PERIODS`
    (the smaller of two as close); 1, no grid, when they have none above 1."""
    common = math.gcd(*(int(t) for t in terms)) if len(terms) else 1
    divisors = [d for d in range(2, common + 1) if common % d == 0]
    return min(divisors, key=lambda d: (abs(d - GRID_PERIODS), d), default=1)


def on_grid(allowed: np.ndarray, step: int) -> np.ndarray:
    """Which of the allowed starts ([lease, period], bool) lie on the grid:
    every ``step`` periods from each lease's first allowed period."""
    grid = np.zeros_like(allowed)
    for j, row in enumerate(allowed):
        if row.any():
            grid[j, int(np.argmax(row))::step] = True
    return grid & allowed


def solve_on_grid(highs: highspy.Highs, run_once: Callable[[float | None], object],
                  limit_s: float | None, starts: np.ndarray, lower: np.ndarray,
                  upper: np.ndarray, terms) -> object | None:
    """Solve the model HiGHS holds by starts on a grid, priced out (module doc).

    Parameters
    ----------
    highs : the model, not yet solved, its objective minimized.
    run_once : one HiGHS run within a time limit [s] (None: none); returns
        HiGHS's model status.
    limit_s : the time limit of the whole solve, every run together [s];
        None for none.
    starts : the contract-start columns, [lease, period] flattened by lease.
    lower, upper : those columns' bounds as built [mb]; an upper bound of 0
        is a start not allowed.
    terms : each lease's term [periods].

    Returns the status of the last run, on the full model; None when the
    model is not worth it (too few starts, or terms with no common grid),
    having run nothing.
    """
    allowed = (upper > 0).reshape(len(terms), -1)
    step = grid_step(terms)
    if allowed.sum() < MIN_STARTS or step < 2:
        return None
    begun = highs.getRunTime()

    def run():
        spent = highs.getRunTime() - begun
        return run_once(None if limit_s is None else max(limit_s - spent, 0.0))

    out = np.flatnonzero((allowed & ~on_grid(allowed, step)).ravel())
    _bounds(highs, starts, out, lower, np.zeros(out.size))
    try:
        status = run()
        if status == OPTIMAL:
            status = _price_out(highs, run, starts, out, lower, upper)
    finally:
        _bounds(highs, starts, out, lower, upper[out])
    return run()


def _price_out(highs, run, starts, out, lower, upper):
    """Rounds of the primal simplex, each with the starts left out that price
    out allowed again, until none does; the last run's status."""
    _, strategy = highs.getOptionValue("simplex_strategy")
    _, tolerance = highs.getOptionValue("dual_feasibility_tolerance")
    highs.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
    status = OPTIMAL
    try:
        while status == OPTIMAL:
            reduced = np.asarray(highs.getSolution().col_dual)[starts[out]]
            enter = out[reduced < -tolerance]
            if not enter.size:
                break
            _bounds(highs, starts, enter, lower, upper[enter])
            out = np.setdiff1d(out, enter, assume_unique=True)
            status = run()
    finally:
        highs.setOptionValue("simplex_strategy", strategy)
    return status


def _bounds(highs, starts, which, lower, upper) -> None:
    """Write the bounds of the starts ``which`` (positions in ``starts``)."""
    if which.size:
        highs.changeColsBounds(which.size, starts[which].astype(np.int32),
                               np.asarray(lower, float)[which], np.asarray(upper, float))

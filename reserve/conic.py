r"""The own-price premium solved as the convex QP it is, by an interior-point method.

The least-cost model with the own-price premium is

.. math:: \min_x\ c^\top x + \sum_t w_t n_t^2 \quad \text{s.t.}\quad
          l \le A x \le u,\ \ l_x \le x \le u_x

(:mod:`reserve.formulation`; :math:`n_t` the net flows, :math:`w_t` the
premium's weights). :func:`solve_qp` hands exactly that to Clarabel, an
interior-point solver for convex conic programs (Goulart & Chen 2024,
"Clarabel: An interior-point solver for conic programs with quadratic
objectives", arXiv:2405.12762): each finite bound a row of the nonnegative
cone, each equality a row of the zero cone, the premium its diagonal
:math:`P = \mathrm{diag}(2w)` on the net-flow columns.

Measured on a decade of daily Brent with a floor (``benchmarks/bench_premium.py``),
it takes 1.4 to 2 times the LP without the premium, where Kelley's tangent
cuts (:mod:`reserve.cuts`) take 10 to 37 times and HiGHS's own QP solver 22 to
130 times; and it lands on a lower cost than the cuts do (they stop within
1e-6 of the optimum once their rounds stall on the LP's tolerance).

The cuts stay for what an interior point does not do well here: a model
with integer columns (build-or-not options, a MILP), leased options (see
:func:`eligible`), warm re-solves after a largest-impact LP, the isoelastic
market's re-drawn tangent, and any answer Clarabel does not call solved
(then the session falls back to them).
"""

from __future__ import annotations

import math

import numpy as np

from .layout import HIGHS_INFINITY

#: Clarabel's tolerances: feasibility, and the gap, absolute and relative. As
#: tight as measured to cost no time (the decade's 0.38 s at 1e-10 and at
#: 1e-14): the flows then agree with closed forms to 1e-15, where 1e-10 left
#: them 1e-6 apart on a flat optimum.
TOLERANCE = 1e-14


def eligible(data, built) -> bool:
    """Whether the session's least-cost QP goes to Clarabel: a premium, no
    integer columns, no leased option, and a market that needs no re-drawn
    tangent. Leases are left to the cuts by measurement: their contracts
    cover many periods each, and the interior point's factorizations grow
    with them (the default's 210 days: 0.45 s against 0.09 s by cuts; two
    years on a Brent path with a floor: 12.4 s against 1.2 s; an infeasible
    band over six years: 110 s against 0.06 s)."""
    return (bool(data.quadratic) and not built.integer.any() and not data.follows_curve
            and not len(data.leases))


def _bound(values: np.ndarray) -> np.ndarray:
    """Bounds as Clarabel should read them: HiGHS's infinity (1e20 and beyond,
    which the model writes for a row left free) is no bound at all."""
    values = np.asarray(values, float)
    return np.where(np.abs(values) >= HIGHS_INFINITY, np.copysign(np.inf, values), values)


#: Clarabel prints its progress (for measuring).
VERBOSE = False


def solve_qp(built, time_limit_s: float | None = None) -> tuple[str, np.ndarray | None]:
    """The least-cost QP of ``built`` (a :class:`reserve.formulation.Form`):
    ("optimal", x) when Clarabel solves it; ("infeasible", None) when it finds
    no point within the rows and bounds; ("failed", None) otherwise."""
    import clarabel
    import scipy.sparse as sp       # here, so the default answer's import stays light

    n = built.n_cols
    a = sp.csr_matrix((built.vals, (built.rows, built.cols)), shape=(built.n_rows, n))
    lo, hi = _bound(built.row_lower), _bound(built.row_upper)
    equal = np.isfinite(lo) & (lo == hi)
    parts = [(a[equal], hi[equal])]            # equalities: the zero cone
    inequalities = 0
    ones = sp.identity(n, format="csr")
    for matrix, low, high in ((a[~equal], lo[~equal], hi[~equal]),
                              (ones, _bound(built.col_lower), _bound(built.col_upper))):
        for sign, bound in ((1.0, high), (-1.0, low)):
            finite = np.isfinite(bound)
            if finite.any():
                parts.append((sign * matrix[finite], sign * bound[finite]))
                inequalities += int(finite.sum())
    constraints = sp.vstack([m for m, _ in parts]).tocsc()
    bounds = np.concatenate([b for _, b in parts])
    cones = ([clarabel.ZeroConeT(int(equal.sum()))] if equal.any() else []) + \
        ([clarabel.NonnegativeConeT(inequalities)] if inequalities else [])
    premium = sp.csc_matrix((2.0 * np.asarray(built.weights, float),
                             (built.quadratic, built.quadratic)), shape=(n, n))
    settings = clarabel.DefaultSettings()
    settings.verbose = VERBOSE
    settings.direct_solve_method = "qdldl"   # measured faster here than faer (0.45 against 0.95 s)
    settings.tol_feas = settings.tol_gap_abs = settings.tol_gap_rel = TOLERANCE
    if time_limit_s is not None and math.isfinite(time_limit_s):
        settings.time_limit = float(time_limit_s)
    solution = clarabel.DefaultSolver(premium, np.asarray(built.cost, float), constraints,
                                      bounds, cones, settings).solve()
    status = str(solution.status)
    if status == "Solved":
        return "optimal", np.asarray(solution.x, float)
    if status == "PrimalInfeasible":
        return "infeasible", None
    return "failed", None


def net_washes(x: np.ndarray, fill: np.ndarray, release: np.ndarray,
               cost: np.ndarray) -> np.ndarray:
    """``x`` with each period's fill and release netted where both are positive.

    Filling and releasing in one period moves neither the stock nor the
    price (both see f - r only; the rates bound each from above), so where
    the two cost nothing together (c_f + c_r = 0: the oil bought is the oil
    sold, no trading cost) an interior point spreads over the whole flat
    face, as a simplex vertex would not: the wash is taken out, leaving the
    schedule a reader expects at the same cost. Where they cost something,
    the optimum has no wash to take."""
    x = x.copy()
    f, r = x[fill], x[release]
    together = cost[fill] + cost[release]     # 0 up to rounding where nothing is charged
    free = together >= -1e-12 * (np.abs(cost[fill]) + np.abs(cost[release]))
    wash = np.where(free, np.minimum(f, r), 0.0)
    wash = np.maximum(wash, 0.0)
    x[fill], x[release] = f - wash, r - wash
    return x

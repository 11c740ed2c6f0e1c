r"""The own-price premium solved as the convex QP it is, by an interior-point method.

The least-cost model with the own-price premium is

.. math:: \min_x\ c^\top x + \sum_t w_t n_t^2 \quad \text{s.t.}\quad
          l \le A x \le u,\ \ l_x \le x \le u_x

(:mod:`reserve.formulation`; :math:`n_t` the net flows, :math:`w_t` the
premium's weights). :func:`solve_qp` hands exactly that to Clarabel, an
interior-point solver for convex conic programs (Goulart & Chen 2024,
"Clarabel: An interior-point solver for conic programs with quadratic
objectives", arXiv:2405.12762): each finite bound a row of the nonnegative
cone, each equality a row of the zero cone. The net flows go first
(:class:`Substitution`): each :math:`n_t = f_t - r_t` is written into the
objective as :math:`w_t (f_t - r_t)^2`, a 2x2 block of :math:`P` on the
fill and release columns, and its row and column leave the system
Clarabel factors at each iteration.

Measured on a decade of daily Brent with a floor, and on Brent from 2014 to
2024 with a floor and a discount rate (``benchmarks/bench_premium.py``, one
process, the model's build included), it takes 0.9 and 1.5 times the LP
without the premium, where Kelley's tangent cuts (:mod:`reserve.cuts`) take
19 and 4.4 times and HiGHS's own QP solver 155 and 24 times; and it lands on a
lower cost than the cuts do (they stop within 1e-6 of the optimum once their
rounds stall on the LP's tolerance).

The cuts stay for what an interior point does not do well here: a model
with integer columns (build-or-not options, a MILP), leased options (see
:func:`eligible`), warm re-solves after a largest-impact LP, the isoelastic
market's re-drawn tangent, and any answer Clarabel does not call solved
(then the session falls back to them).
"""

from __future__ import annotations

import math

import numpy as np

from .highslp import by_column
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


class Csc:
    """A compressed-sparse-column matrix from coordinates
    (:func:`reserve.highslp.by_column`), as Clarabel reads one (scipy's field
    names; Clarabel asks for no more). Built so that the QP does not import
    scipy.sparse, a fifth of a second of a whole ``reserve size``."""
    has_canonical_format = True

    def __init__(self, rows, cols, vals, shape: tuple[int, int]):
        self.indptr, self.indices, self.data = by_column(rows, cols, vals, shape[1])
        self.shape = shape


class Substitution:
    r"""The premium's columns written out of the QP.

    A premium column :math:`n` defined by one equality row
    :math:`a_n n + \sum_j a_j x_j = b`, in no other row and with no bound
    (the net flow :math:`n_t = f_t - r_t`), is :math:`n = \beta + g^\top x`
    with :math:`g_j = -a_j / a_n`, :math:`\beta = b / a_n`, and its cost
    :math:`c_n n + w n^2` is :math:`(c_n + 2 w \beta)\, g^\top x + w (g^\top x)^2`
    plus a constant. The column and its row go: on a decade of days that is
    a fifth of the KKT system Clarabel factors at each of its iterations.
    Other premium columns keep their diagonal term.
    """

    def __init__(self, built):
        n, rows, cols, vals = built.n_cols, built.rows, built.cols, built.vals
        #: the rows' and columns' bounds, HiGHS's infinity as inf (solve_qp reads them too)
        self.row_lower, self.row_upper = _bound(built.row_lower), _bound(built.row_upper)
        self.col_lower, self.col_upper = _bound(built.col_lower), _bound(built.col_upper)
        quad, weight = np.asarray(built.quadratic, np.int64), np.asarray(built.weights, float)
        ok, row, a_n = self._defined(built, quad)
        self.gone, self.kept_quad, self.kept_weight = quad[ok], quad[~ok], weight[~ok]
        w, a_n, gone_rows = weight[ok], a_n[ok], row[ok]
        self.beta = self.row_upper[gone_rows] / a_n
        # each defining row's other entries, n_k = beta_k + sum_j g_kj x_j
        # (a column twice in a row summed once; sorted by k, then j)
        which = np.full(built.n_rows, -1)
        which[gone_rows] = np.arange(self.gone.size)
        other = (which[rows] >= 0) & ~np.isin(cols, self.gone)
        k = which[rows[other]]
        key, inverse = np.unique(k * n + cols[other], return_inverse=True)
        self.g = np.bincount(inverse, weights=-vals[other] / a_n[k])
        self.k, self.j = key // n, key % n
        self.keep_col = np.ones(n, bool)
        self.keep_col[self.gone] = False
        self.new_col = np.cumsum(self.keep_col) - 1
        self.keep_row = np.ones(built.n_rows, bool)
        self.keep_row[gone_rows] = False
        cost = np.asarray(built.cost, float)
        q = cost.copy()
        np.add.at(q, self.j, (cost[self.gone] + 2 * w * self.beta)[self.k] * self.g)
        self.q = q[self.keep_col]
        self.P = self._hessian(w)

    def _defined(self, built, quad):
        """Which premium columns can go (each in one equality row with no
        other premium column, and unbounded), that row, and its coefficient."""
        rows, cols = built.rows, built.cols
        entry = np.full(built.n_cols, -1)
        entry[cols] = np.arange(cols.size)
        once = np.bincount(cols, minlength=built.n_cols)[quad] == 1
        row = np.where(once, rows[entry[quad]], 0)
        lo, hi = self.row_lower[row], self.row_upper[row]
        premiums_in_row = np.bincount(rows[np.isin(cols, quad)], minlength=built.n_rows)[row]
        free = np.isinf(self.col_lower[quad]) & np.isinf(self.col_upper[quad])
        ok = once & free & np.isfinite(lo) & (lo == hi) & (premiums_in_row == 1)
        return ok, row, built.vals[entry[quad]]

    def _hessian(self, w: np.ndarray) -> Csc:
        """P's upper triangle on the kept columns: 2w on each premium column
        kept, 2 w_k g_i g_j for each pair i <= j of a defining row k."""
        k, j, g = self.k, self.j, self.g
        rows, cols, vals = [self.kept_quad], [self.kept_quad], [2.0 * self.kept_weight]
        for d in range(int(np.bincount(k).max(initial=0))):    # pairs d entries apart
            same = k[d:] == k[:k.size - d]
            first, second = j[:k.size - d][same], j[d:][same]
            rows.append(np.minimum(first, second))
            cols.append(np.maximum(first, second))
            vals.append(2.0 * w[k[d:][same]] * g[:k.size - d][same] * g[d:][same])
        m = int(self.keep_col.sum())
        return Csc(self.new_col[np.concatenate(rows)], self.new_col[np.concatenate(cols)],
                   np.concatenate(vals), (m, m))

    def back(self, y: np.ndarray, n: int) -> np.ndarray:
        """Every column's value from the kept ones'."""
        x = np.zeros(n)
        x[self.keep_col] = y
        x[self.gone] = self.beta
        np.add.at(x, self.gone[self.k], self.g * x[self.j])
        return x


#: Clarabel prints its progress (for measuring).
VERBOSE = False

#: Iterative refinement of each KKT solve, off by measurement: on the decade of
#: Brent with a $50 floor it doubled Clarabel's time (0.37 against 0.16 s, the
#: same 31 iterations, the cost equal to 1e-15), and on 24 random Brent
#: windows with floors it left 2 short of the 1e-14 tolerances ("almost
#: solved", so the session fell back to the cuts) where without it all 24
#: were solved, every cost within 1e-13 of the other's.
REFINE = False


def solve_qp(built, time_limit_s: float | None = None) -> tuple[str, np.ndarray | None]:
    """The least-cost QP of ``built`` (a :class:`reserve.formulation.Form`):
    ("optimal", x) when Clarabel solves it; ("infeasible", None) when it finds
    no point within the rows and bounds; ("failed", None) otherwise."""
    import clarabel

    sub = Substitution(built)
    keep = sub.keep_row[built.rows] & sub.keep_col[built.cols]
    rows, cols, vals = built.rows[keep], sub.new_col[built.cols[keep]], built.vals[keep]
    lo, hi = sub.row_lower.copy(), sub.row_upper.copy()
    lo[~sub.keep_row] = hi[~sub.keep_row] = np.nan      # rows written out: no side
    m = int(sub.keep_col.sum())
    equal = np.isfinite(lo) & (lo == hi)
    # each part: (which original rows [bool], sign, right-hand side) on A, then on
    # the identity for the column bounds; each finite side is a row of a cone
    parts = [(equal, 1.0, hi)]
    for sign, side in ((1.0, hi), (-1.0, lo)):
        parts.append((~equal & np.isfinite(side), sign, side))
    out_r, out_c, out_v, rhs, first = [], [], [], [], 0
    for mask, sign, side in parts:
        number = np.cumsum(mask) - 1 + first
        take = mask[rows]
        out_r.append(number[rows[take]])
        out_c.append(cols[take])
        out_v.append(sign * vals[take])
        rhs.append(sign * side[mask])
        first += int(mask.sum())
    for sign, side in ((1.0, sub.col_upper), (-1.0, sub.col_lower)):
        finite = np.flatnonzero(np.isfinite(side) & sub.keep_col)
        out_r.append(first + np.arange(finite.size))
        out_c.append(sub.new_col[finite])
        out_v.append(np.full(finite.size, sign))
        rhs.append(sign * side[finite])
        first += finite.size
    constraints = Csc(np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_v),
                      (first, m))
    equalities = int(equal.sum())
    cones = ([clarabel.ZeroConeT(equalities)] if equalities else []) + \
        ([clarabel.NonnegativeConeT(first - equalities)] if first > equalities else [])
    settings = clarabel.DefaultSettings()
    settings.verbose = VERBOSE
    settings.direct_solve_method = "qdldl"   # measured faster here than faer (0.45 against 0.95 s)
    settings.tol_feas = settings.tol_gap_abs = settings.tol_gap_rel = TOLERANCE
    settings.iterative_refinement_enable = REFINE
    if time_limit_s is not None and math.isfinite(time_limit_s):
        settings.time_limit = float(time_limit_s)
    solution = clarabel.DefaultSolver(sub.P, sub.q, constraints, np.concatenate(rhs),
                                      cones, settings).solve()
    status = str(solution.status)
    if status == "Solved":
        return "optimal", sub.back(np.asarray(solution.x, float), built.n_cols)
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

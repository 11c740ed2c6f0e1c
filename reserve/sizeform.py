r"""The size form's LP as numpy arrays, and every number that changes between solves.

A static market's least-cost model (the *size form* of :mod:`reserve.model`:
every price condition of a period one band on its net flow) is written
here straight into HiGHS, row for row and column for column as Pyomo would
hand it over, without building a Pyomo model (importing Pyomo alone takes
0.2 s, building and handing over a decade of daily periods 0.7 s). A test
builds both for many data sets and requires the same LP, number for number
(``tests/test_sizeform.py``). The general form (impact mode, dynamic
markets) is built with Pyomo (:mod:`reserve.model`).

Every data-dependent number has a *slot*: where it sits (:func:`size_form`
here, :func:`reserve.model.slot_components` for a Pyomo model) and its value
for a data set (:func:`slot_values`). A session re-solving one built model
for new data writes only the slots whose values changed.

Columns, in order: :math:`N_k` (``new_capacity_mb``), :math:`y_k` (``built``,
build-or-not options), :math:`c_{j,t}` (``contract_mb``), :math:`C_{j,t}`
(``contracted_mb``), :math:`F`, :math:`R`, :math:`f_t`, :math:`r_t`,
:math:`s_t`, then the liquidation's pace :math:`q` (``pace_mbd``), then
:math:`n_t` (``net_mbd``, horizon periods) with the own-price premium.
Rows, in order (the equations are those of :mod:`reserve.model`):
inventory balance, storage limit, lease balance, the opening stock's fit
(when it exceeds existing storage), fill limit and release limit (horizon
periods), the liquidation's pace, build-or-not (max, then min), the
net-flow band, and :math:`n_t = f_t - r_t`.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from .costs import total_costs
from .problem import ProblemData, impact_bounds, net_flow_band

FORMS = ("size", "general")

#: HiGHS reads any bound at or beyond this as infinite (its infinite_bound).
HIGHS_INFINITY = 1e20


def finite(x):
    """``x`` with infinities as HiGHS's largest finite bound."""
    return np.clip(np.asarray(x, float), -HIGHS_INFINITY, HIGHS_INFINITY)


def static_form(data: ProblemData) -> str:
    """The form a least-cost solve uses: size form for static markets, else general."""
    return "general" if data.dynamic else "size"


def structure(data: ProblemData, form: str | None = None) -> tuple:
    """What fixes the model's rows, columns and sparsity; equal structures share a model."""
    form = form or static_form(data)
    milp = tuple(o.build_or_not for o in data.options)
    return (form, data.n_periods, data.n_horizon, data.step_days, data.in_window.tobytes(),
            data.has_target, data.dynamic, data.premium_musd_per_mbd2 is None,
            data.pace_premium_musd_per_mbd2 is None, milp, len(data.options),
            data.leases, data.lease_term_periods.tobytes(),
            data.off_window_max_usd_per_bbl is None, data.window_cap_usd_per_bbl is None,
            data.sign, data.initial_inventory_mb > sum(o.existing_mb for o in data.options),
            data.level_is_price)


def slot_values(data: ProblemData, names) -> dict[str, object]:
    """The value of each slot in ``names`` for ``data`` (see
    :func:`reserve.model.slot_components`, and :func:`size_form`'s slots)."""
    n = data.n_periods
    inf = HIGHS_INFINITY
    w = data.in_window
    existing = float(sum(o.existing_mb for o in data.options))
    coef, sign, scale = data.response_coef, data.sign, data.target_scale
    values: dict[str, object] = {f"cost:{g}": c for g, c in total_costs(data).items()}
    keep = data.keep_per_period
    milp = [k for k, o in enumerate(data.options) if o.build_or_not]
    off = data.bounded
    owned = [k for k, o in enumerate(data.options) if not o.leased]
    values.update({
        "coef:storage_usable": -data.usable[owned].ravel(),
        "coef:initial_usable": data.usable[owned, 0],
        "coef:build_or_not_max": -data.build_bound_mb[milp],
        "coef:build_or_not_min": -np.array([data.options[k].min_size_mb for k in milp]),
        "bounds:window_level": ([data.target_level], [data.target_level]),
        "bounds:new_capacity_mb": (np.zeros(len(data.options)), finite(data.new_capacity_max_mb)),
        "bounds:fill_capacity_mbd": ([0.0], [min(data.fill_rate_max_mbd, inf)]),
        "bounds:release_capacity_mbd": ([0.0], [min(data.release_rate_max_mbd, inf)]),
        "bounds:release_mbd": (np.zeros(n), np.where(data.release_allowed | (not data.dynamic),
                                                     inf, 0.0)),
        "bounds:contract_mb": (np.zeros(data.contract_allowed.size),
                               np.where(data.contract_allowed.ravel() > 0, inf, 0.0)),
        "bounds:contracted_mb": (np.zeros(len(data.leases) * n),
                                 np.repeat(finite(data.contracted_max_mb), n)),
        "bounds:end_inventory": ([0.0], [min(data.end_inventory_max_mb, inf)]),
        "bounds:liquidated": ([data.initial_inventory_mb], [data.initial_inventory_mb]),
        "rows:inventory_start": ([keep * data.initial_inventory_mb],
                                 [keep * data.initial_inventory_mb]),
        "rows:storage_limit": (np.full(n, -inf), np.full(n, existing)),
        "coef:inventory_keep": np.full(n - 1, -keep),
        "rows:initial_fits": ([data.initial_inventory_mb - existing], [inf]),
        "coef:window_target_z": -scale[w], "coef:window_cap_z": -scale[w],
        "coef:window_target_fill": sign * coef[w], "coef:window_target_release": -(sign * coef[w]),
        "coef:window_cap_fill": sign * coef[w], "coef:window_cap_release": -(sign * coef[w]),
        "coef:off_window_upper_fill": coef[off], "coef:off_window_upper_release": -coef[off],
        "coef:off_window_lower_fill": coef[off], "coef:off_window_lower_release": -coef[off],
        "coef:level_bounds_fill": coef, "coef:level_bounds_release": -coef,
    })
    if data.quadratic:
        # HiGHS minimizes c'x + x'Qx/2: the diagonal of Q is twice the weight
        values["hessian:premium"] = 2.0 * data.quadratic_weights()
    if "rows:net_band" in names:
        values["rows:net_band"] = tuple(finite(b) for b in net_flow_band(data))
    if "rows:level_bounds" in names or "bounds:impact" in names:
        lo_hi = tuple(finite(b) for b in impact_bounds(data, tracking=False))
        values["rows:level_bounds"] = values["bounds:impact"] = lo_hi
    if data.dynamic:
        lam, q0 = data.memory_decay, data.scenario.demand_mbd
        price = data.baseline_price_usd_per_bbl
        values.update({
            "coef:memory_impact": -((1 - lam) / price),
            "coef:memory_previous": np.full(n - 1, -lam),
            "coef:response_fill": np.full(n, data.keep_share),
            "coef:response_release": np.full(n, -data.keep_share),
            "coef:response_impact": -(q0 * data.response_short / price),
            "coef:response_memory": np.full(n, -(q0 * data.response_adjust)),
        })
    return {name: values[name] for name in names}


@dataclass
class SizeForm:
    """The size form in HiGHS's terms: the LP, columns by variable group, slots."""

    lp: highspy.HighsLp
    columns: dict          # group -> column indices (np.int32)
    slots: dict            # slot name -> (kind, index), as Session keeps them
    net: np.ndarray | None  # columns the quadratic weights multiply (n_t, q), or None


def size_form(data: ProblemData) -> SizeForm:
    """The size form of ``data`` as one HighsLp (module docstring); costs zero,
    as a Session writes them from the cost table."""
    if data.dynamic:
        raise ValueError("no size form for a dynamic market")
    n, k, horizon = data.n_periods, len(data.options), data.n_horizon
    t = np.arange(n)
    h = np.arange(horizon)
    liq = np.arange(horizon, n)
    leases = len(data.leases)
    milp = np.array([i for i, o in enumerate(data.options) if o.build_or_not], dtype=int)
    own = np.array([i for i, o in enumerate(data.options) if not o.leased], dtype=int)
    premium = data.premium_musd_per_mbd2 is not None
    liquidating = liq.size > 0

    # -- columns ------------------------------------------------------------------
    sizes = [("new_capacity_mb", k), ("built", len(milp)), ("contract_mb", leases * n),
             ("contracted_mb", leases * n), ("fill_capacity_mbd", 1),
             ("release_capacity_mbd", 1), ("fill_mbd", n), ("release_mbd", n),
             ("inventory_mb", n)] + ([("pace_mbd", 1)] if liquidating else []) \
        + ([("net_mbd", horizon)] if premium else [])
    columns, first = {}, 0
    for group, size in sizes:
        columns[group] = np.arange(first, first + size, dtype=np.int32)
        first += size
    n_cols = first
    col = columns
    inf = np.inf   # highs_lp writes HiGHS's own infinity

    lower, upper = np.zeros(n_cols), np.full(n_cols, inf)
    upper[col["new_capacity_mb"]] = data.new_capacity_max_mb
    upper[col["built"]] = 1.0
    upper[col["contract_mb"]] = np.where(data.contract_allowed.ravel() > 0, inf, 0.0)
    upper[col["contracted_mb"]] = np.repeat(np.asarray(data.contracted_max_mb, float), n)
    upper[col["fill_capacity_mbd"]] = data.fill_rate_max_mbd
    upper[col["release_capacity_mbd"]] = data.release_rate_max_mbd
    upper[col["inventory_mb"][horizon - 1]] = data.end_inventory_max_mb
    if liquidating:   # the stock ends where it began
        lower[col["inventory_mb"][-1]] = upper[col["inventory_mb"][-1]] = data.initial_inventory_mb
        lower[col["pace_mbd"]] = -inf
    if premium:
        lower[col["net_mbd"]] = -inf
    integer = np.zeros(n_cols, bool)
    integer[col["built"]] = True

    # -- rows: (row, column, value) triples, block by block --------------------------
    rows, cols, vals, row_lower, row_upper = [], [], [], [], []
    slots: dict = {f"cost:{g}": ("col_cost", c) for g, c in columns.items()
                   if g not in ("net_mbd", "pace_mbd")}
    first_row = 0

    def add(count: int, entries, lo, hi) -> np.ndarray:
        """A block of ``count`` rows: entries (local row, column, value) and bounds."""
        nonlocal first_row
        here = first_row + np.arange(count, dtype=np.int32)
        for r, c, v in entries:
            r, c = np.asarray(r), np.asarray(c)
            rows.append(here[r])
            cols.append(c)
            vals.append(np.broadcast_to(np.asarray(v, float), r.shape))
        row_lower.append(np.broadcast_to(np.asarray(lo, float), (count,)))
        row_upper.append(np.broadcast_to(np.asarray(hi, float), (count,)))
        first_row += count
        return here

    values = slot_values(data, ["rows:inventory_start", "coef:inventory_keep",
                                "coef:storage_usable", "coef:initial_usable",
                                "coef:build_or_not_max", "coef:build_or_not_min",
                                "rows:initial_fits", "rows:net_band"])
    dt = float(data.step_days)
    opening = values["rows:inventory_start"][0][0]
    # inventory_balance: s_t - keep s_{t-1} - dt f_t + dt r_t = keep s_{-1} (t = 0), else 0
    balance = add(n, [(t, col["inventory_mb"], 1.0),
                      (t[1:], col["inventory_mb"][:-1], values["coef:inventory_keep"]),
                      (t, col["fill_mbd"], -dt), (t, col["release_mbd"], dt)],
                  np.where(t == 0, opening, 0.0), np.where(t == 0, opening, 0.0))
    existing = float(sum(o.existing_mb for o in data.options))
    # storage_limit: s_t - sum_k a_{k,t} N_k - sum_j C_{j,t} <= existing
    usable = np.asarray(values["coef:storage_usable"], float).reshape(len(own), n)
    storage = add(n, [(t, col["inventory_mb"], 1.0)]
                  + [(t, np.full(n, col["new_capacity_mb"][option]), usable[i])
                     for i, option in enumerate(own)]
                  + [(t, col["contracted_mb"][j * n:(j + 1) * n], -1.0) for j in range(leases)],
                  -inf, existing)
    usable_rows = np.tile(storage, len(own))
    usable_cols = np.repeat(col["new_capacity_mb"][own], n)
    for j in range(leases):   # lease_balance: C_{j,t} - c_{j,t} - C_{j,t-1} + c_{j,t-L} = 0
        term = int(data.lease_term_periods[j])
        c_j, big_c = col["contract_mb"][j * n:(j + 1) * n], col["contracted_mb"][j * n:(j + 1) * n]
        add(n, [(t, big_c, 1.0), (t, c_j, -1.0), (t[1:], big_c[:-1], -1.0),
                (t[term:], c_j[:n - term] if term < n else c_j[:0], 1.0)], 0.0, 0.0)
    if data.initial_inventory_mb > existing:   # initial_fits
        fits = add(1, [(np.zeros(len(own), int), col["new_capacity_mb"][own],
                        values["coef:initial_usable"])]
                   + [([0], [col["contracted_mb"][j * n]], 1.0) for j in range(leases)],
                   *values["rows:initial_fits"])
        slots["rows:initial_fits"] = ("row_bounds", fits)
        slots["coef:initial_usable"] = ("coef", (np.repeat(fits, len(own)),
                                                 col["new_capacity_mb"][own]))
    # fill_limit f_t - F <= 0, release_limit r_t - R <= 0 (the horizon's periods)
    add(horizon, [(h, col["fill_mbd"][:horizon], 1.0),
                  (h, np.full(horizon, col["fill_capacity_mbd"][0]), -1.0)], -inf, 0.0)
    add(horizon, [(h, col["release_mbd"][:horizon], 1.0),
                  (h, np.full(horizon, col["release_capacity_mbd"][0]), -1.0)], -inf, 0.0)
    if liquidating:   # liquidation_pace: f_t - r_t - q = 0 after the horizon
        i = np.arange(liq.size)
        add(liq.size, [(i, col["fill_mbd"][liq], 1.0), (i, col["release_mbd"][liq], -1.0),
                       (i, np.full(liq.size, col["pace_mbd"][0]), -1.0)], 0.0, 0.0)
    m = len(milp)
    if m:   # build_or_not_max N_k - bound_k y_k <= 0, build_or_not_min N_k - min_k y_k >= 0
        most = add(m, [(np.arange(m), col["new_capacity_mb"][milp], 1.0),
                       (np.arange(m), col["built"], values["coef:build_or_not_max"])],
                   -inf, 0.0)
        least = add(m, [(np.arange(m), col["new_capacity_mb"][milp], 1.0),
                        (np.arange(m), col["built"], values["coef:build_or_not_min"])],
                    0.0, inf)
        slots["coef:build_or_not_max"] = ("coef", (most, col["built"]))
        slots["coef:build_or_not_min"] = ("coef", (least, col["built"]))
    # net_band: lo_t <= f_t - r_t <= hi_t (an empty band kept empty: HiGHS says infeasible)
    lo, hi = values["rows:net_band"]
    band = add(n, [(t, col["fill_mbd"], 1.0), (t, col["release_mbd"], -1.0)],
               np.minimum(lo, hi), hi)
    if premium:   # net_flow: n_t - f_t + r_t = 0 (the horizon's periods)
        add(horizon, [(h, col["net_mbd"], 1.0), (h, col["fill_mbd"][:horizon], -1.0),
                      (h, col["release_mbd"][:horizon], 1.0)], 0.0, 0.0)
    quadratic = np.concatenate([col["net_mbd"] if premium else np.zeros(0, np.int32),
                                col["pace_mbd"] if liquidating else np.zeros(0, np.int32)])
    if quadratic.size:
        slots["hessian:premium"] = ("hessian", quadratic.astype(np.int32))
    if liquidating:
        slots["bounds:liquidated"] = ("col_bounds", col["inventory_mb"][-1:])

    slots.update({
        "bounds:new_capacity_mb": ("col_bounds", col["new_capacity_mb"]),
        "bounds:fill_capacity_mbd": ("col_bounds", col["fill_capacity_mbd"]),
        "bounds:release_capacity_mbd": ("col_bounds", col["release_capacity_mbd"]),
        "bounds:release_mbd": ("col_bounds", col["release_mbd"]),
        "bounds:contract_mb": ("col_bounds", col["contract_mb"]),
        "bounds:contracted_mb": ("col_bounds", col["contracted_mb"]),
        "bounds:end_inventory": ("col_bounds", col["inventory_mb"][horizon - 1:horizon]),
        "rows:inventory_start": ("row_bounds", balance[:1]),
        "rows:storage_limit": ("row_bounds", storage),
        "coef:inventory_keep": ("coef", (balance[1:], col["inventory_mb"][:-1])),
        "coef:storage_usable": ("coef", (usable_rows, usable_cols)),
        "rows:net_band": ("row_bounds", band),
    })

    lp = highs_lp(first_row, n_cols, (np.concatenate(rows), np.concatenate(cols),
                                       np.concatenate(vals)),
                  (lower, upper), (np.concatenate(row_lower), np.concatenate(row_upper)),
                  integer=integer)
    return SizeForm(lp, {g: c for g, c in columns.items() if g not in ("net_mbd", "pace_mbd")},
                    slots, quadratic.astype(np.int32) if quadratic.size else None)


# -- HiGHS's model from numpy arrays ----------------------------------------------------

def highs_lp(n_rows: int, n_cols: int, entries, col_bounds, row_bounds,
             cost=None, integer=None, offset: float = 0.0) -> highspy.HighsLp:
    """A HighsLp from matrix ``entries`` (rows, columns, values: equal-length
    arrays, one a nonzero), column and row (lower, upper) bounds and the
    column costs; infinite bounds become HiGHS's infinity, ``integer`` (bool
    per column) marks integer columns. The matrix is stored by column,
    sorted with numpy (scipy's import alone would cost 0.3 s)."""
    r, c, v = (np.asarray(x) for x in entries)
    order = np.lexsort((r, c))
    r, c, v = r[order], c[order], v[order]
    start = np.concatenate([[0], np.cumsum(np.bincount(c, minlength=n_cols))])
    inf = highspy.kHighsInf

    def clean(x, sign):
        x = np.asarray(x, float)
        return np.where(np.isinf(x), sign * inf, x)

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, n_rows
    lp.col_cost_ = np.zeros(n_cols) if cost is None else np.asarray(cost, float)
    lp.offset_ = float(offset)
    lp.col_lower_, lp.col_upper_ = clean(col_bounds[0], -1), clean(col_bounds[1], 1)
    lp.row_lower_, lp.row_upper_ = clean(row_bounds[0], -1), clean(row_bounds[1], 1)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n_cols, n_rows
    lp.a_matrix_.start_ = start.astype(np.int32)
    lp.a_matrix_.index_ = r.astype(np.int32)
    lp.a_matrix_.value_ = v.astype(float)
    if integer is not None and np.any(integer):
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in integer]
    return lp


def lp_entries(lp: highspy.HighsLp) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A HighsLp's matrix as (rows, columns, values), whichever way HiGHS stores it."""
    a = lp.a_matrix_
    start, index, value = (np.asarray(x) for x in (a.start_, a.index_, a.value_))
    outer = np.repeat(np.arange(len(start) - 1), np.diff(start))
    if a.format_ == highspy.MatrixFormat.kRowwise:
        return outer, index, value
    return index, outer, value

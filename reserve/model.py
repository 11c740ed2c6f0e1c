r"""The reserve-sizing optimization model, in Pyomo.

Every rule below is a top-level function of ``(m, index...)`` that reads the
numbers of :class:`reserve.problem.ProblemData` (``m.data``); its docstring
gives its equation and units. The rules are grouped by concern: storage
(stock, capacity, leases), flows, price (two forms, below), build-or-not
decisions, costs.

Symbols
-------
======================  ==============================  ==================
symbol                  in the model                    unit
======================  ==============================  ==================
:math:`T, W`            ``T``, ``W``                    periods, window
:math:`K`               ``K``                           storage options
:math:`J \subset K`     ``LEASE`` (index j)             leased options
:math:`\Delta`          ``data.step_days``              d
:math:`N_k`             ``new_capacity_mb[k]``          mb (owned options)
:math:`y_k`             ``built[k]``                    1 (build-or-not)
:math:`c_{j,t}`         ``contract_mb[j, t]``           mb contracted in t
:math:`C_{j,t}`         ``contracted_mb[j, t]``         mb under contract
:math:`F, R`            ``fill_capacity_mbd`` ...       mb/d
:math:`f_t, r_t`        ``fill_mbd[t]``, ``release_mbd``  mb/d
:math:`s_t`             ``inventory_mb[t]``             mb, end of period
:math:`q`               ``pace_mbd``                    mb/d, the liquidation
:math:`z`               ``window_level``                USD/bbl held
:math:`\Delta p_t`      ``impact_usd_per_bbl[t]``       USD/bbl (dynamic)
:math:`m_t`             ``memory[t]``                   1 (dynamic)
======================  ==============================  ==================

Two forms of the price conditions
---------------------------------
*Size form* (static markets, linear or isoelastic): every price condition
of period t is one band on its net flow, :math:`lo_t \le f_t - r_t \le hi_t`
(:func:`reserve.problem.net_flow_band`), so a new target, floor or
elasticity changes row bounds only.

*General form* (the linear market; always for dynamic markets): the window
level z is a variable, so the largest reachable impact is one LP (impact
mode), and the market's memory can be written.

The objective is built from one table of unit costs
(:func:`reserve.costs.cost_vectors`), which also prices every reported
solution, so what is minimized and what is reported cannot drift apart.
"""

from __future__ import annotations

import math

import numpy as np
# the modelling layer only: pyomo.environ would also load every solver plugin (0.2 s)
import pyomo.core as pyo

from .costs import COST_PARTS, OBJECTIVE_EXTRAS, cost_vectors
from .problem import ProblemData, impact_bounds, net_flow_band
from .sizeform import FORMS, finite, static_form



def _bound(x: float) -> float | None:
    return None if math.isinf(x) else float(x)


def _may_release(data: ProblemData, t: int) -> bool:
    """Whether r_t is free: before the window a dynamic model bounds it to 0
    (a static one bounds the net flow instead, see problem.impact_bounds)."""
    return bool(data.release_allowed[t]) or not data.dynamic


# -- storage -------------------------------------------------------------------------

def inventory_balance(m, t):
    r"""Stock carried over, less losses, plus net fill [mb].

    .. math:: s_t = (1 - l\,\Delta/365)\, s_{t-1} + \Delta\,(f_t - r_t),
              \quad s_{-1} = \text{initial\_inventory\_mb}
    """
    d = m.data
    keep, dt = d.keep_per_period, float(d.step_days)
    # variables left, constants right: the rows slot_values updates in place
    if t == 0:
        return (m.inventory_mb[t] - dt * m.fill_mbd[t] + dt * m.release_mbd[t]
                == keep * d.initial_inventory_mb)
    return (m.inventory_mb[t] - keep * m.inventory_mb[t - 1] - dt * m.fill_mbd[t]
            + dt * m.release_mbd[t] == 0)


def storage_limit(m, t):
    r"""Stock fits in the capacity usable in period t [mb].

    .. math:: s_t \le \sum_k \text{existing}_k + \sum_{k \notin J} a_{k,t}\,N_k
              + \sum_{j \in J} C_{j,t},
              \quad a_{k,t} = 1 \text{ once } t\Delta \ge \text{build\_days}_k

    Existing capacity is usable at once, owned capacity once built, leased
    capacity while under contract.
    """
    d = m.data
    # every owned option is in every row, its coefficient a_{k,t} (0 or 1), so a
    # new build time is a new coefficient, not a new model
    return (m.inventory_mb[t] - sum(float(d.usable[k, t]) * m.new_capacity_mb[k] for k in m.OWN)
            - sum(m.contracted_mb[j, t] for j in m.LEASE) <= m.existing_total_mb)


def lease_balance(m, j, t):
    r"""Capacity under contract: last period's, plus contracts started, less those ended [mb].

    .. math:: C_{j,t} = C_{j,t-1} + c_{j,t} - c_{j,t-L_j}, \quad C_{j,-1} = 0,
              \ c_{j,\tau} = 0 \text{ for } \tau < 0

    a contract of exactly L_j = lease_term_days/Delta periods; written
    recursively so each row has at most four entries, however long the term.
    """
    term = int(m.data.lease_term_periods[j])
    expr = m.contracted_mb[j, t] - m.contract_mb[j, t]
    if t > 0:
        expr = expr - m.contracted_mb[j, t - 1]
    if t >= term:
        expr = expr + m.contract_mb[j, t - term]
    return expr == 0


def initial_fits(m):
    r"""The opening stock fits in the capacity usable at day 0 [mb].

    .. math:: s_{-1} \le \sum_k \text{existing}_k + \sum_{k \notin J} a_{k,0}\,N_k
              + \sum_{j \in J} C_{j,0}
    """
    d = m.data
    return (sum(float(d.usable[k, 0]) * m.new_capacity_mb[k] for k in m.OWN)
            + sum(m.contracted_mb[j, 0] for j in m.LEASE)
            >= d.initial_inventory_mb - m.existing_total_mb)


def build_or_not_max(m, k):
    r"""New capacity only if built: :math:`N_k \le \bar N_k\,y_k` [mb], :math:`\bar N_k`
    the cap less existing capacity (or, with no cap, all the oil the reserve could hold)."""
    return m.new_capacity_mb[k] <= float(m.data.build_bound_mb[k]) * m.built[k]


def build_or_not_min(m, k):
    r"""A build is at least the minimum size: :math:`N_k \ge \text{min\_size}_k\,y_k` [mb]."""
    # written as 0 <= N_k - min_k y_k: Pyomo would turn "N >= min*y" into
    # "min*y - N <= 0", and the slot written in place (slot_values) is -min_k
    return (0.0, m.new_capacity_mb[k] - m.data.options[k].min_size_mb * m.built[k], None)


# -- flows --------------------------------------------------------------------------

def fill_limit(m, t):
    r"""Fill within fill capacity [mb/d]: :math:`f_t \le F`."""
    return m.fill_mbd[t] <= m.fill_capacity_mbd


def release_limit(m, t):
    r"""Release within release capacity [mb/d]: :math:`r_t \le R`."""
    return m.release_mbd[t] <= m.release_capacity_mbd


def net_flow(m, t):
    r"""Net fill [mb/d], for the own-price premium: :math:`n_t = f_t - r_t`."""
    return m.net_mbd[t] == m.fill_mbd[t] - m.release_mbd[t]


def liquidation_pace(m, t):
    r"""After the horizon the closing stock is sold at one even pace [mb/d].

    .. math:: f_t - r_t = q, \quad t \ge T_H

    (q < 0 sells, q > 0 buys back what a release drew), and the stock ends
    where it began: :math:`s_{T-1} = s_{-1}` (a bound on the last stock).
    """
    return m.fill_mbd[t] - m.release_mbd[t] - m.pace_mbd == 0


# -- price, size form --------------------------------------------------------------------

def net_band(m, t):
    r"""Every price condition of period t as one band on its net flow [mb/d].

    .. math:: lo_t \le f_t - r_t \le hi_t

    from the window target and cap, the off-window bound and the band, each
    mapped through the price model (:func:`reserve.problem.net_flow_band`).
    """
    lo, hi = float(m.band_lo[t]), float(m.band_hi[t])
    # An empty band (lo > hi: a ceiling below the baseline before any release
    # may reach the market) makes the model infeasible. Pyomo refuses such a
    # row, so it is built at hi and the session writes the true bounds into
    # HiGHS, which reports the model infeasible as it is.
    return (min(lo, hi), m.fill_mbd[t] - m.release_mbd[t], hi)


# -- price, general form -------------------------------------------------------------

def level(m, t):
    r"""The price impact :math:`\Delta p_t` [USD/bbl] of period t.

    Static: :math:`c_t (f_t - r_t)`, :math:`c_t = \beta_t (1 - \sigma)`,
    :math:`\beta_t = P_t / (Q_0(\varepsilon_s - \varepsilon_d))`; dynamic: the
    variable :math:`\Delta p_t` of :func:`market_response`.
    """
    if m.data.dynamic:
        return m.impact_usd_per_bbl[t]
    c = float(m.data.response_coef[t])
    return c * m.fill_mbd[t] - c * m.release_mbd[t]


def window_target(m, t):
    r"""The target holds in every window period [USD/bbl].

    .. math:: \text{sign}\cdot \Delta p_t \ge z\, w_t, \quad t \in W

    w_t = 1, or P_t / mean P for a percent target on a price path.
    """
    d = m.data
    return d.sign * m.level[t] - float(d.target_scale[t]) * m.window_level >= 0


def window_cap(m, t):
    r"""In the window the price moves by the target, not more [USD/bbl].

    .. math:: \text{sign}\cdot \Delta p_t \le z\, w_t, \quad t \in W

    (a constant cap, window_impact_max, is a level bound instead). Without
    it a cheap stock would be dumped to earn interest on the oil sold
    early, moving the price far past the target.
    """
    d = m.data
    return d.sign * m.level[t] - float(d.target_scale[t]) * m.window_level <= 0


def off_window_upper(m, t):
    r"""Outside the window the price may not rise more than z [USD/bbl].

    .. math:: \Delta p_t \le z, \quad t \notin W
    """
    return m.level[t] - m.window_level <= 0


def off_window_lower(m, t):
    r"""Outside the window the price may not fall more than z [USD/bbl].

    .. math:: \Delta p_t \ge -z, \quad t \notin W
    """
    return m.level[t] + m.window_level >= 0


def level_bounds(m, t):
    r"""Price conditions that do not move with z, in one ranged row [USD/bbl].

    .. math:: lo_t \le \Delta p_t \le hi_t

    a constant window cap or off-window bound, a floor with its defence
    (:math:`F - P_t \le \Delta p_t \le \max(0, F - P_t) + b`), a ceiling with
    its defence; infinite where none applies. (The dynamic model puts these
    on the variable :math:`\Delta p_t` as bounds.)
    """
    return (float(m.level_lo[t]), m.level[t], float(m.level_hi[t]))


def memory_update(m, t):
    r"""The market's memory of relative price moves (dimensionless).

    .. math:: m_t = \lambda\, m_{t-1} + (1 - \lambda)\, \Delta p_t / P_t,
              \quad m_{-1} = 0,\ \lambda = 0.5^{\Delta/\text{half-life}}
    """
    d = m.data
    lam = d.memory_decay
    step_in = -((1 - lam) / float(d.baseline_price_usd_per_bbl[t])) * m.impact_usd_per_bbl[t]
    if t == 0:
        return m.memory[t] + step_in == 0
    return m.memory[t] - lam * m.memory[t - 1] + step_in == 0


def market_response(m, t):
    r"""Net absorption clears against short-run and adjusting elasticities [mb/d].

    .. math:: (1-\sigma)(f_t - r_t) = Q_0\,[(\varepsilon_s - \varepsilon_d)\,\pi_t
              + ((\varepsilon_s^{LR} - \varepsilon_s) - (\varepsilon_d^{LR} - \varepsilon_d))\, m_t],
              \quad \pi_t = \Delta p_t / P_t
    """
    d = m.data
    q0 = d.scenario.demand_mbd
    return (d.keep_share * (m.fill_mbd[t] - m.release_mbd[t])
            - (q0 * d.response_short / float(d.baseline_price_usd_per_bbl[t]))
            * m.impact_usd_per_bbl[t]
            - (q0 * d.response_adjust) * m.memory[t] == 0)


# -- costs -----------------------------------------------------------------------------

def variable_groups(m: pyo.ConcreteModel) -> dict[str, list]:
    """The model's variables by group name, each an ordered list (leases: j-major)."""
    return {
        "new_capacity_mb": [m.new_capacity_mb[k] for k in m.K],
        "built": [m.built[k] for k in m.MILP],
        "contract_mb": [m.contract_mb[j, t] for j in m.LEASE for t in m.T],
        "contracted_mb": [m.contracted_mb[j, t] for j in m.LEASE for t in m.T],
        "fill_capacity_mbd": [m.fill_capacity_mbd],
        "release_capacity_mbd": [m.release_capacity_mbd],
        "fill_mbd": [m.fill_mbd[t] for t in m.T],
        "release_mbd": [m.release_mbd[t] for t in m.T],
        "inventory_mb": [m.inventory_mb[t] for t in m.T],
    }


# -- the model ---------------------------------------------------------------------------

def build_model(data: ProblemData, form: str | None = None) -> pyo.ConcreteModel:
    """Build the Pyomo model of ``data`` in ``form`` ("size" or "general", see module doc).

    The window level starts at the target; the least-cost objective is active.
    """
    form = form or static_form(data)
    if form not in FORMS or (form == "size" and data.dynamic) or (
            form == "general" and not data.level_is_price):
        raise ValueError(f"no {form} form for this market")
    m = pyo.ConcreteModel(name="reserve")
    m.data = data
    m.form = form
    n, horizon = data.n_periods, data.n_horizon
    m.T = pyo.RangeSet(0, n - 1)
    m.H = pyo.RangeSet(0, horizon - 1)            # the horizon; then the liquidation
    m.LIQ = pyo.Set(initialize=list(range(horizon, n)), ordered=True)
    m.W = pyo.Set(initialize=[int(t) for t in data.window], ordered=True)
    m.OFF = pyo.Set(initialize=[int(t) for t in np.flatnonzero(data.bounded)], ordered=True)
    m.K = pyo.RangeSet(0, len(data.options) - 1)
    m.MILP = pyo.Set(initialize=[k for k, o in enumerate(data.options) if o.build_or_not])
    m.LEASE = pyo.RangeSet(0, len(data.leases) - 1)
    m.OWN = pyo.Set(initialize=[k for k, o in enumerate(data.options) if not o.leased],
                    ordered=True)
    m.existing_total_mb = float(sum(o.existing_mb for o in data.options))

    # -- variables ------------------------------------------------------------
    m.new_capacity_mb = pyo.Var(m.K, domain=pyo.NonNegativeReals,
                                bounds=lambda m, k: (0, _bound(data.new_capacity_max_mb[k])))
    m.built = pyo.Var(m.MILP, domain=pyo.Binary)
    m.contract_mb = pyo.Var(m.LEASE, m.T, domain=pyo.NonNegativeReals,
                            bounds=lambda m, j, t: (0, None if data.contract_allowed[j, t] else 0))
    m.contracted_mb = pyo.Var(m.LEASE, m.T, domain=pyo.NonNegativeReals,
                              bounds=lambda m, j, t: (0, _bound(data.contracted_max_mb[j])))
    m.fill_capacity_mbd = pyo.Var(domain=pyo.NonNegativeReals,
                                  bounds=(0, _bound(data.fill_rate_max_mbd)))
    m.release_capacity_mbd = pyo.Var(domain=pyo.NonNegativeReals,
                                     bounds=(0, _bound(data.release_rate_max_mbd)))
    m.fill_mbd = pyo.Var(m.T, domain=pyo.NonNegativeReals)
    m.release_mbd = pyo.Var(m.T, domain=pyo.NonNegativeReals,
                            bounds=lambda m, t: (0, None if _may_release(data, t) else 0))
    m.inventory_mb = pyo.Var(m.T, domain=pyo.NonNegativeReals, bounds=_inventory_bounds)
    if len(m.LIQ):
        m.pace_mbd = pyo.Var(domain=pyo.Reals)

    # -- storage and flows ------------------------------------------------------
    m.inventory_balance = pyo.Constraint(m.T, rule=inventory_balance)
    m.storage_limit = pyo.Constraint(m.T, rule=storage_limit)
    m.lease_balance = pyo.Constraint(m.LEASE, m.T, rule=lease_balance)
    if data.initial_inventory_mb > m.existing_total_mb:
        m.initial_fits = pyo.Constraint(rule=initial_fits)
    m.fill_limit = pyo.Constraint(m.H, rule=fill_limit)
    m.release_limit = pyo.Constraint(m.H, rule=release_limit)
    m.liquidation_pace = pyo.Constraint(m.LIQ, rule=liquidation_pace)
    m.build_or_not_max = pyo.Constraint(m.MILP, rule=build_or_not_max)
    m.build_or_not_min = pyo.Constraint(m.MILP, rule=build_or_not_min)

    # -- price --------------------------------------------------------------------
    if form == "size":
        m.band_lo, m.band_hi = (finite(b) for b in net_flow_band(data))
        m.net_band = pyo.Constraint(m.T, rule=net_band)
    else:
        _add_general_price(m, data)

    # -- costs [musd, present value] ---------------------------------------------
    if data.premium_musd_per_mbd2 is not None:
        # Own-price effect: the reserve pays (receives) the price it moves,
        # Delta*delta_t*(f_t - r_t)*dp_t = Delta*delta_t*c_t*n_t^2 >= 0, a convex QP.
        # n_t = f_t - r_t as its own variable keeps HiGHS's Hessian diagonal.
        m.net_mbd = pyo.Var(m.H, domain=pyo.Reals)
        m.net_flow = pyo.Constraint(m.H, rule=net_flow)
    m.least_cost = pyo.Objective(expr=_least_cost(m, data), sense=pyo.minimize)
    if form == "general" and data.has_target:
        m.most_impact = pyo.Objective(expr=m.window_level, sense=pyo.maximize)
        m.most_impact.deactivate()
    return m


def _inventory_bounds(m, t):
    """0 <= s_t; the horizon's last stock at most end_inventory_max_mb; after a
    liquidation, the opening stock again."""
    d = m.data
    upper = _bound(d.end_inventory_max_mb) if t == d.n_horizon - 1 else None
    if t == d.n_periods - 1 and d.liquidation_periods:
        return (d.initial_inventory_mb, d.initial_inventory_mb)
    return (0, upper)


def quadratic_columns(m: pyo.ConcreteModel) -> list:
    """The variables the quadratic weights (ProblemData.quadratic_weights) multiply."""
    out = [m.net_mbd[t] for t in m.H] if hasattr(m, "net_mbd") else []
    return out + ([m.pace_mbd] if m.data.pace_premium_musd_per_mbd2 is not None else [])


def _add_general_price(m: pyo.ConcreteModel, data: ProblemData) -> None:
    """The general form's price rows: a level per period, the window level z a variable."""
    lo, hi = (finite(b) for b in impact_bounds(data, tracking=False))
    if data.has_target:   # a band alone has no window level
        m.window_level = pyo.Var(domain=pyo.NonNegativeReals,
                                 bounds=(data.target_level, data.target_level))
    if data.dynamic:
        m.impact_usd_per_bbl = pyo.Var(m.T, domain=pyo.Reals,
                                       bounds=lambda m, t: (float(lo[t]), float(hi[t])))
        m.memory = pyo.Var(m.T, domain=pyo.Reals)
        m.memory_update = pyo.Constraint(m.T, rule=memory_update)
        m.market_response = pyo.Constraint(m.T, rule=market_response)
    m.level = pyo.Expression(m.T, rule=level)
    if data.has_target:
        m.window_target = pyo.Constraint(m.W, rule=window_target)
        if data.window_cap_usd_per_bbl is None:
            m.window_cap = pyo.Constraint(m.W, rule=window_cap)
        if data.off_window_max_usd_per_bbl is None:
            m.off_window_upper = pyo.Constraint(m.OFF, rule=off_window_upper)
            m.off_window_lower = pyo.Constraint(m.OFF, rule=off_window_lower)
    if not data.dynamic:
        m.level_lo, m.level_hi = lo, hi
        m.level_bounds = pyo.Constraint(m.T, rule=level_bounds)


def _least_cost(m: pyo.ConcreteModel, data: ProblemData):
    """Present cost [musd] from the cost table, plus the own-price premium."""
    costs, constants = cost_vectors(data)
    groups = variable_groups(m)
    objective = sum(constants.values())
    for part in (*COST_PARTS, *OBJECTIVE_EXTRAS):
        for group, vector in costs.get(part, {}).items():
            objective = objective + sum(float(c) * v for c, v in zip(vector, groups[group])
                                        if c != 0)
    for w, v in zip(data.quadratic_weights(), quadratic_columns(m), strict=True):
        objective = objective + float(w) * v ** 2
    return objective


# -- numbers that change between solves ------------------------------------------------
#
# A session re-solves one built model for many data sets of the same structure
# (reserve.session). Every number above that comes from the data has a slot
# here: where it sits (slot_components, once per model) and its value for a
# data set (slot_values, once per change). A test builds a model fresh for
# changed data and checks that updating the old one in place gives the same
# LP, number for number, so a slot missed here cannot go unnoticed.

def slot_components(m: pyo.ConcreteModel) -> dict[str, tuple[str, list]]:
    """Where each data-dependent number sits: name -> (kind, components).

    kinds: "col_bounds" (variables), "col_cost" (variables), "row_bounds"
    (constraints), "coef" ((constraint, variable) pairs), "hessian" (variables
    on the quadratic objective's diagonal).
    """
    data = m.data
    T, W, OFF = list(m.T), list(m.W), list(m.OFF)
    groups = variable_groups(m)
    slots = {f"cost:{g}": ("col_cost", vs) for g, vs in groups.items()}
    slots.update({
        "bounds:new_capacity_mb": ("col_bounds", groups["new_capacity_mb"]),
        "bounds:fill_capacity_mbd": ("col_bounds", [m.fill_capacity_mbd]),
        "bounds:release_capacity_mbd": ("col_bounds", [m.release_capacity_mbd]),
        "bounds:release_mbd": ("col_bounds", groups["release_mbd"]),
        "bounds:contract_mb": ("col_bounds", groups["contract_mb"]),
        "bounds:contracted_mb": ("col_bounds", groups["contracted_mb"]),
        "bounds:end_inventory": ("col_bounds", [m.inventory_mb[data.n_horizon - 1]]),
        "rows:inventory_start": ("row_bounds", [m.inventory_balance[0]]),
        "rows:storage_limit": ("row_bounds", [m.storage_limit[t] for t in T]),
        "coef:inventory_keep": ("coef", [(m.inventory_balance[t], m.inventory_mb[t - 1])
                                         for t in T[1:]]),
    })
    slots["coef:storage_usable"] = ("coef", [(m.storage_limit[t], m.new_capacity_mb[k])
                                             for k in m.OWN for t in T])
    if hasattr(m, "initial_fits"):
        slots["rows:initial_fits"] = ("row_bounds", [m.initial_fits])
        slots["coef:initial_usable"] = ("coef", [(m.initial_fits, m.new_capacity_mb[k])
                                                 for k in m.OWN])
    if data.quadratic:   # the quadratic weights, HiGHS's Hessian diagonal
        slots["hessian:premium"] = ("hessian", quadratic_columns(m))
    if len(m.LIQ):
        slots["bounds:liquidated"] = ("col_bounds", [m.inventory_mb[T[-1]]])
    if len(m.MILP):
        slots["coef:build_or_not_max"] = ("coef", [(m.build_or_not_max[k], m.built[k])
                                                   for k in m.MILP])
        slots["coef:build_or_not_min"] = ("coef", [(m.build_or_not_min[k], m.built[k])
                                                   for k in m.MILP])
    if m.form == "size":   # one band row per period holds every price condition
        slots["rows:net_band"] = ("row_bounds", [m.net_band[t] for t in T])
        return slots
    if data.has_target:
        slots["bounds:window_level"] = ("col_bounds", [m.window_level])
    if data.dynamic:
        slots["bounds:impact"] = ("col_bounds", [m.impact_usd_per_bbl[t] for t in T])
        slots.update({
            "coef:memory_impact": ("coef", [(m.memory_update[t], m.impact_usd_per_bbl[t])
                                            for t in T]),
            "coef:memory_previous": ("coef", [(m.memory_update[t], m.memory[t - 1])
                                              for t in T[1:]]),
            "coef:response_fill": ("coef", [(m.market_response[t], m.fill_mbd[t]) for t in T]),
            "coef:response_release": ("coef", [(m.market_response[t], m.release_mbd[t])
                                               for t in T]),
            "coef:response_impact": ("coef", [(m.market_response[t], m.impact_usd_per_bbl[t])
                                              for t in T]),
            "coef:response_memory": ("coef", [(m.market_response[t], m.memory[t]) for t in T]),
        })
    else:
        slots["rows:level_bounds"] = ("row_bounds", [m.level_bounds[t] for t in T])
    families = [("level_bounds", T)]
    if data.has_target:
        slots["coef:window_target_z"] = ("coef", [(m.window_target[t], m.window_level) for t in W])
        families += [("window_target", W)]
        if hasattr(m, "window_cap"):
            slots["coef:window_cap_z"] = ("coef", [(m.window_cap[t], m.window_level) for t in W])
            families += [("window_cap", W)]
        if hasattr(m, "off_window_upper"):
            families += [("off_window_upper", OFF), ("off_window_lower", OFF)]
    if not data.dynamic:   # the level's coefficients on f and r in every price row
        for family, index in families:
            rows = getattr(m, family)
            slots[f"coef:{family}_fill"] = ("coef", [(rows[t], m.fill_mbd[t]) for t in index])
            slots[f"coef:{family}_release"] = ("coef", [(rows[t], m.release_mbd[t])
                                                        for t in index])
    return slots



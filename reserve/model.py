r"""The reserve-sizing optimization model (DESIGN.md section 2), in Pyomo.

Sets
----
T : periods t = 0..T-1, each ``step_days`` = :math:`\Delta` days long.
W : window periods (subset of T) where the target must hold.
K : storage options.

Variables (units)
-----------------
``new_capacity_mb[k]``   N_k >= 0, new storage capacity of option k [mb]
``built[k]``             y_k in {0, 1}, only for build-or-not options
``fill_capacity_mbd``    F >= 0, fill capacity [mb/d]
``release_capacity_mbd`` R >= 0, release capacity [mb/d]
``fill_mbd[t]``          f_t >= 0 [mb/d]
``release_mbd[t]``       r_t >= 0 [mb/d]
``inventory_mb[t]``      s_t >= 0, stock at the end of period t [mb]
``window_level``         z, the impact level held on every window period
                         (USD/bbl in the linear model, mb/d of absorption in
                         the isoelastic one); pinned to the target in size
                         mode (by its bounds), maximized in impact mode.

Capacity of option k: K_k = existing_k + N_k.

Each constraint below states its equation and units in its docstring. The
objective is built from one table of unit costs (:func:`cost_vectors`), by
part (capital, operating, oil) plus tiny tie-breaking costs; results are
priced from the same table, so they report exactly what was minimized,
without the tie-breaking terms.
"""

from __future__ import annotations

import math

import numpy as np
import pyomo.environ as pyo

from .problem import ProblemData

#: Tie-breaking costs [musd per unit]. With zero costs many designs are
#: optimal (any release capacity is free); these tiny costs pick the smallest
#: capacities, the earlier-listed storage option, and the latest filling,
#: so reported figures never depend on the solver's choice among ties. They
#: are left out of every reported cost.
TIE_CAPACITY_MUSD_PER_MB = 1e-5
TIE_OPTION_ORDER = 1e-3          # relative extra per later-listed option
TIE_RATE_MUSD_PER_MBD = 1e-5
TIE_INVENTORY_MUSD_PER_MB_DAY = 1e-7


#: HiGHS reads any bound at or beyond this as infinite (its infinite_bound).
HIGHS_INFINITY = 1e20


def _bound(x: float) -> float | None:
    return None if math.isinf(x) else float(x)


def _finite(x: float) -> float:
    return float(np.clip(x, -HIGHS_INFINITY, HIGHS_INFINITY))


def _finite_array(values, index) -> dict:
    if values is None:
        return {t: 0.0 for t in index}
    return {t: _finite(values[t]) for t in index}


def set_constant_bounds(m: pyo.ConcreteModel, data: ProblemData) -> None:
    """Move the constant price bounds of a built model to those of ``data``.

    ``data`` must have the same time grid; used to re-solve warm instead of
    rebuilding when only a target (and so the bounds it implies) changes.
    """
    if data.window_cap_level is not None:
        m.window_cap_level.set_value(_finite(data.window_cap_level))
    if data.off_window_upper is not None:
        for t in m.OFF:
            m.off_window_upper_level[t].set_value(_finite(data.off_window_upper[t]))
            m.off_window_lower_level[t].set_value(_finite(data.off_window_lower[t]))


COST_PARTS = ("capital", "operating", "oil")


def cost_vectors(data: ProblemData) -> tuple[dict, dict]:
    """Cost per unit of each variable [musd per unit], by part, and constant costs.

    Returns ``(costs, constants)``: ``costs[part][group]`` is an array over
    the variable group (``variable_groups``); parts are capital, operating,
    oil and the tie-break ("tie", never reported). The own-price premium
    (quadratic) is added separately.

    - capital: capex_k * share_k per mb of new capacity N_k, fixed_k * share_k
      if built, rate_capex * share per mb/d of F and of R; share = CRF(r, life)*H
      (annuity) or 1 (full);
    - operating: O&M per mb of N_k over its discounted years usable (existing
      capacity: a constant), Delta*delta_t*tc per mb/d moved, Delta*delta_t*hc/365
      per mb held;
    - oil ("cost"): Delta*P_t*(delta_t - delta_H) per mb/d of net fill, delta_H*P_t
      per mb lost in storage; ("market"): Delta*delta_t*P_t per mb/d of net fill,
      opening stock at P_first, closing stock credited at delta_H*P_last.
    """
    cached = data.__dict__.get("_cost_vectors")
    if cached is not None:   # data never changes once built; sweeps ask often
        return cached
    n = data.n_periods
    k = len(data.options)
    inventory_oil = np.zeros(n)
    inventory_oil[:-1] = data.oil_loss_musd_per_mb[1:]   # s_t loses oil in period t+1
    inventory_oil[-1] += data.oil_closing_musd_per_mb
    milp = [i for i, o in enumerate(data.options) if o.build_or_not]
    costs = {
        "capital": {"new_capacity_mb": data.capital_musd_per_mb,
                    "built": data.fixed_charge_musd[milp],
                    "fill_capacity_mbd": np.array([data.rate_capital_musd_per_mbd]),
                    "release_capacity_mbd": np.array([data.rate_capital_musd_per_mbd])},
        "operating": {"new_capacity_mb": data.om_musd_per_mb_new,
                      "fill_mbd": data.transaction_musd_per_mbd,
                      "release_mbd": data.transaction_musd_per_mbd,
                      "inventory_mb": data.holding_musd_per_mb},
        "oil": {"fill_mbd": data.oil_musd_per_mbd, "release_mbd": -data.oil_musd_per_mbd,
                "inventory_mb": inventory_oil},
        "tie": {"new_capacity_mb": TIE_CAPACITY_MUSD_PER_MB * (1 + TIE_OPTION_ORDER * np.arange(k)),
                "fill_capacity_mbd": np.array([TIE_RATE_MUSD_PER_MBD]),
                "release_capacity_mbd": np.array([TIE_RATE_MUSD_PER_MBD]),
                "inventory_mb": np.full(n, TIE_INVENTORY_MUSD_PER_MB_DAY * data.step_days)},
    }
    constants = {"operating": float(data.om_existing_musd.sum()), "oil": data.oil_constant_musd}
    data.__dict__["_cost_vectors"] = (costs, constants)
    return costs, constants


def variable_groups(m: pyo.ConcreteModel) -> dict[str, list]:
    """The model's variables by group name, each an ordered list."""
    return {
        "new_capacity_mb": [m.new_capacity_mb[k] for k in m.K],
        "built": [m.built[k] for k in m.MILP],
        "fill_capacity_mbd": [m.fill_capacity_mbd],
        "release_capacity_mbd": [m.release_capacity_mbd],
        "fill_mbd": [m.fill_mbd[t] for t in m.T],
        "release_mbd": [m.release_mbd[t] for t in m.T],
        "inventory_mb": [m.inventory_mb[t] for t in m.T],
    }


def _add_price_response(m: pyo.ConcreteModel, data: ProblemData) -> None:
    """Price rows in the general form: a level per period, the window level z a variable."""
    coef = data.response_coef
    sign = data.sign
    price = data.baseline_price_usd_per_bbl

    # -- price response: the level of each period ----------------------------------
    if data.dynamic:
        m.impact_usd_per_bbl = pyo.Var(m.T, domain=pyo.Reals)
        m.memory = pyo.Var(m.T, domain=pyo.Reals)
        lam = data.memory_decay
        q0 = data.scenario.demand_mbd

        def memory_update(m, t):
            r"""The market's memory of relative price moves (dimensionless).

            .. math:: m_t = \lambda\, m_{t-1} + (1 - \lambda)\, \Delta p_t / P_t,
                      \quad m_{-1} = 0,\ \lambda = 0.5^{\Delta/\text{half-life}}
            """
            step_in = -((1 - lam) / float(price[t])) * m.impact_usd_per_bbl[t]
            if t == 0:
                return m.memory[t] + step_in == 0
            return m.memory[t] - lam * m.memory[t - 1] + step_in == 0
        m.memory_update = pyo.Constraint(m.T, rule=memory_update)

        def market_response(m, t):
            r"""Net absorption clears against short-run and adjusting elasticities [mb/d].

            .. math:: (1-\sigma)(f_t - r_t) = Q_0\,[(\varepsilon_s - \varepsilon_d)\,\pi_t
                      + ((\varepsilon_s^{LR} - \varepsilon_s) - (\varepsilon_d^{LR} - \varepsilon_d))\, m_t],
                      \quad \pi_t = \Delta p_t / P_t
            """
            return (data.keep_share * (m.fill_mbd[t] - m.release_mbd[t])
                    - (q0 * data.response_short / float(price[t])) * m.impact_usd_per_bbl[t]
                    - (q0 * data.response_adjust) * m.memory[t] == 0)
        m.market_response = pyo.Constraint(m.T, rule=market_response)

        def level(m, t):
            return m.impact_usd_per_bbl[t]
    else:
        def level(m, t):
            # static response: dp_t = c_t (f_t - r_t) (linear) or x_t (isoelastic)
            return coef[t] * (m.fill_mbd[t] - m.release_mbd[t])
    m.level = pyo.Expression(m.T, rule=level,
                             doc="price impact dp_t [USD/bbl] (linear) or net absorption "
                                 "x_t [mb/d] (isoelastic) of period t")
    scale = data.target_scale

    if data.has_target:
        def window_target(m, t):
            r"""The target holds in every window period.

            .. math:: \text{sign}\cdot \ell_t \ge z\, w_t, \quad t \in W

            \ell_t, the level, is dp_t [USD/bbl] in the linear model (c_t (f_t - r_t),
            c_t = beta_t (1 - offset_share), or a variable with dynamic adjustment)
            and x_t = (1 - offset_share)(f_t - r_t) [mb/d] in the isoelastic one (z
            then the absorption that holds the target). w_t = 1, or P_t / mean P
            for a percent target on a price path.
            """
            return sign * m.level[t] - float(scale[t]) * m.window_level >= 0
        m.window_target = pyo.Constraint(m.W, rule=window_target)

    # Bounds that are constants (not following z) are mutable Params, so a
    # session can move them and re-solve without rebuilding (isoelastic
    # search); infinite bounds are passed as HiGHS's infinity.
    m.window_cap_level = pyo.Param(mutable=True, initialize=_finite(data.window_cap_level or 0.0))
    m.off_window_upper_level = pyo.Param(m.OFF, mutable=True, initialize=_finite_array(
        data.off_window_upper, m.OFF))
    m.off_window_lower_level = pyo.Param(m.OFF, mutable=True, initialize=_finite_array(
        data.off_window_lower, m.OFF))
    cap_tracks_z = data.window_cap_level is None
    bounds_track_z = data.off_window_upper is None

    if data.has_target:
        def window_cap(m, t):
            r"""In the window the price moves by the target, not more.

            .. math:: \text{sign}\cdot \ell_t \le z_{max}, \quad t \in W

            z_max = window_impact_max (as a level), or z w_t when that is not
            set. Without it a cheap stock would be dumped to earn interest on
            the oil sold early, moving the price far past the target.
            """
            if cap_tracks_z:
                return sign * m.level[t] - float(scale[t]) * m.window_level <= 0
            return sign * m.level[t] <= m.window_cap_level
        m.window_cap = pyo.Constraint(m.W, rule=window_cap)

    def off_window_upper(m, t):
        r"""Outside the window the price may not rise more than the bound.

        .. math:: \ell_t \le M_t, \quad t \notin W

        M_t = off_window_impact_max (as a level), or z itself when that is
        not set (the bound is the size of the target).
        """
        if bounds_track_z:
            return m.level[t] - m.window_level <= 0
        return m.level[t] <= m.off_window_upper_level[t]
    m.off_window_upper = pyo.Constraint(m.OFF, rule=off_window_upper)

    def off_window_lower(m, t):
        r"""Outside the window the price may not fall more than the bound.

        .. math:: \ell_t \ge -M_t, \quad t \notin W
        """
        if bounds_track_z:
            return m.level[t] + m.window_level >= 0
        return m.level[t] >= m.off_window_lower_level[t]
    m.off_window_lower = pyo.Constraint(m.OFF, rule=off_window_lower)

    # -- price band (DESIGN.md 2.2): every period of the horizon -------------------
    # The floor and ceiling are variables pinned by their bounds, so the
    # diagnosis can ask for the highest floor (lowest ceiling) reachable.
    if data.floor_usd_per_bbl is not None:
        m.floor_usd_per_bbl = pyo.Var(bounds=(data.floor_usd_per_bbl, data.floor_usd_per_bbl))

        def price_floor(m, t):
            r"""The supported price stays at or above the floor [USD/bbl].

            .. math:: P_t + \Delta p_t \ge \text{floor}
            """
            return m.level[t] - m.floor_usd_per_bbl >= -float(price[t])
        m.price_floor = pyo.Constraint(m.T, rule=price_floor)
    if data.ceiling_usd_per_bbl is not None:
        m.ceiling_usd_per_bbl = pyo.Var(bounds=(data.ceiling_usd_per_bbl, data.ceiling_usd_per_bbl))

        def price_ceiling(m, t):
            r"""The supported price stays at or below the ceiling [USD/bbl].

            .. math:: P_t + \Delta p_t \le \text{ceiling}
            """
            return m.level[t] - m.ceiling_usd_per_bbl <= -float(price[t])
        m.price_ceiling = pyo.Constraint(m.T, rule=price_ceiling)



def net_flow_band(data: ProblemData, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Bounds lo_t <= f_t - r_t <= hi_t [mb/d] equal to the price rows at window level ``level``.

    Static models only (level_t = c_t (f_t - r_t), c_t > 0): the window target
    sign*c_t*n_t >= level*w_t, the window cap, the off-window bounds and the
    price band each divide by c_t. Infinite bounds are HiGHS's infinity.
    """
    c = data.response_coef
    n = data.n_periods
    lo = np.full(n, -np.inf)
    hi = np.full(n, np.inf)
    w = data.in_window
    if data.has_target:
        need = level * data.target_scale[w] / c[w]
        cap = need if data.window_cap_level is None else data.window_cap_level / c[w]
        if data.sign > 0:
            lo[w], hi[w] = need, cap
        else:
            lo[w], hi[w] = -cap, -need
    off = ~w
    if data.off_window_upper is None:
        lo[off], hi[off] = -level / c[off], level / c[off]
    else:
        lo[off] = data.off_window_lower[off] / c[off]
        hi[off] = data.off_window_upper[off] / c[off]
    price = data.baseline_price_usd_per_bbl
    if data.floor_usd_per_bbl is not None:
        lo = np.maximum(lo, (data.floor_usd_per_bbl - price) / c)
    if data.ceiling_usd_per_bbl is not None:
        hi = np.minimum(hi, (data.ceiling_usd_per_bbl - price) / c)
    return np.clip(lo, -HIGHS_INFINITY, HIGHS_INFINITY), np.clip(hi, -HIGHS_INFINITY, HIGHS_INFINITY)


def build_model(data: ProblemData, fixed_level: bool = False) -> pyo.ConcreteModel:
    """Build the Pyomo model of ``data``; ``window_level`` starts pinned at the target.

    ``fixed_level=True`` builds the size form for sweeps (static models): the
    window level stays at the target and every price row is a net-flow band.
    """
    m = pyo.ConcreteModel(name="reserve")
    n = data.n_periods
    dt = float(data.step_days)
    m.T = pyo.RangeSet(0, n - 1)
    m.W = pyo.Set(initialize=[int(t) for t in data.window], ordered=True)
    m.OFF = pyo.Set(initialize=[t for t in range(n) if not data.in_window[t]], ordered=True)
    m.K = pyo.RangeSet(0, len(data.options) - 1)
    options = data.options

    # -- variables -----------------------------------------------------------
    m.new_capacity_mb = pyo.Var(
        m.K, domain=pyo.NonNegativeReals,
        bounds=lambda m, k: (0, _bound(data.new_capacity_max_mb[k])))
    m.MILP = pyo.Set(initialize=[k for k, o in enumerate(options) if o.build_or_not])
    m.built = pyo.Var(m.MILP, domain=pyo.Binary)
    m.fill_capacity_mbd = pyo.Var(domain=pyo.NonNegativeReals,
                                  bounds=(0, _bound(data.fill_rate_max_mbd)))
    m.release_capacity_mbd = pyo.Var(domain=pyo.NonNegativeReals,
                                     bounds=(0, _bound(data.release_rate_max_mbd)))
    m.fill_mbd = pyo.Var(m.T, domain=pyo.NonNegativeReals)
    m.release_mbd = pyo.Var(m.T, domain=pyo.NonNegativeReals)
    m.inventory_mb = pyo.Var(m.T, domain=pyo.NonNegativeReals)
    m.window_level = pyo.Var(domain=pyo.NonNegativeReals,
                             bounds=(data.target_level, data.target_level))

    keep = data.keep_per_period
    initial = data.initial_inventory_mb

    # -- constraints -----------------------------------------------------------
    def inventory_balance(m, t):
        r"""Stock carried over, less losses, plus net fill [mb].

        .. math:: s_t = (1 - l\,\Delta/365)\, s_{t-1} + \Delta\,(f_t - r_t),
                  \quad s_{-1} = \text{initial\_inventory\_mb}
        """
        # variables left, constants right: the canonical rows that
        # numeric_slots() updates in place
        if t == 0:
            return (m.inventory_mb[t] - dt * m.fill_mbd[t] + dt * m.release_mbd[t]
                    == keep * initial)
        return (m.inventory_mb[t] - keep * m.inventory_mb[t - 1] - dt * m.fill_mbd[t]
                + dt * m.release_mbd[t] == 0)
    m.inventory_balance = pyo.Constraint(m.T, rule=inventory_balance)

    usable = data.usable
    existing = [o.existing_mb for o in options]

    total_existing = float(sum(existing))

    def storage_limit(m, t):
        r"""Stock fits in the capacity usable in period t [mb].

        .. math:: s_t \le \sum_k \text{existing}_k + \sum_k a_{k,t}\,N_k,
                  \quad a_{k,t} = 1 \text{ once } t\Delta \ge \text{build\_days}_k

        Existing capacity is usable at once; new capacity once built.
        """
        return m.inventory_mb[t] - sum(
            m.new_capacity_mb[k] for k in m.K if usable[k, t]) <= total_existing
    m.storage_limit = pyo.Constraint(m.T, rule=storage_limit)

    ready_at_start = [k for k in m.K if usable[k, 0]]
    if initial > total_existing:
        def initial_fits(m):
            r"""The opening stock fits in the capacity usable at day 0 [mb].

            .. math:: s_{-1} \le \sum_k \text{existing}_k + \sum_k a_{k,0}\,N_k
            """
            return sum(m.new_capacity_mb[k] for k in ready_at_start) >= initial - total_existing
        m.initial_fits = pyo.Constraint(rule=initial_fits)

    def fill_limit(m, t):
        r"""Fill within fill capacity [mb/d]: :math:`f_t \le F`."""
        return m.fill_mbd[t] <= m.fill_capacity_mbd
    m.fill_limit = pyo.Constraint(m.T, rule=fill_limit)

    def release_limit(m, t):
        r"""Release within release capacity [mb/d]: :math:`r_t \le R`."""
        return m.release_mbd[t] <= m.release_capacity_mbd
    m.release_limit = pyo.Constraint(m.T, rule=release_limit)

    if fixed_level and not data.dynamic:
        # Size form for sweeps: with the level fixed and a static response,
        # every price condition of period t is a bound on its net flow alone
        # (net_flow_band), so a sweep point changes row bounds only.
        lower, upper = net_flow_band(data, data.target_level)

        def net_band(m, t):
            r"""All price conditions of period t as one band on its net flow [mb/d].

            .. math:: lo_t \le f_t - r_t \le hi_t

            from the window target and cap, the off-window bound and the price
            band, each divided by the response c_t (see net_flow_band).
            """
            return (float(lower[t]), m.fill_mbd[t] - m.release_mbd[t], float(upper[t]))
        m.net_band = pyo.Constraint(m.T, rule=net_band)
    else:
        _add_price_response(m, data)

    def build_or_not_max(m, k):
        r"""New capacity only if built: :math:`N_k \le \bar N_k\,y_k` [mb], \bar N_k the cap
        less existing capacity (or, with no cap, all the oil the reserve could hold)."""
        return m.new_capacity_mb[k] <= float(data.build_bound_mb[k]) * m.built[k]
    m.build_or_not_max = pyo.Constraint(m.MILP, rule=build_or_not_max)

    def build_or_not_min(m, k):
        r"""A build is at least the minimum size: :math:`N_k \ge \text{min\_size}_k\,y_k` [mb]."""
        return m.new_capacity_mb[k] >= options[k].min_size_mb * m.built[k]
    m.build_or_not_min = pyo.Constraint(m.MILP, rule=build_or_not_min)

    # -- costs [musd, present value] --------------------------------------------
    if data.premium_musd_per_mbd2 is not None:
        # Own-price effect: the reserve pays (receives) the price it moves,
        # Delta*delta_t*(f_t - r_t)*dp_t = Delta*delta_t*c_t*n_t^2 >= 0, a convex QP.
        # n_t = f_t - r_t as its own variable keeps HiGHS's Hessian diagonal.
        m.net_mbd = pyo.Var(m.T, domain=pyo.Reals)

        def net_flow(m, t):
            r"""Net fill [mb/d]: :math:`n_t = f_t - r_t`."""
            return m.net_mbd[t] == m.fill_mbd[t] - m.release_mbd[t]
        m.net_flow = pyo.Constraint(m.T, rule=net_flow)

    # One table of costs per unit of each variable (cost_vectors) builds the
    # objective here and prices every reported solution in reserve.solve, so
    # what is minimized and what is reported cannot drift apart.
    costs, constants = cost_vectors(data)
    groups = variable_groups(m)
    objective = sum(constants.values())
    for part in (*COST_PARTS, "tie"):
        for group, vector in costs[part].items():
            variables = groups[group]
            objective = objective + sum(float(c) * v for c, v in zip(vector, variables) if c != 0)
    if data.premium_musd_per_mbd2 is not None:
        objective = objective + sum(float(w) * m.net_mbd[t] ** 2
                                    for t, w in enumerate(data.premium_musd_per_mbd2))
    m.least_cost = pyo.Objective(expr=objective, sense=pyo.minimize)
    m.most_impact = pyo.Objective(expr=m.window_level, sense=pyo.maximize)
    m.most_impact.deactivate()
    return m


# -- numbers that change between sweep points -------------------------------------------
#
# A sweep re-solves one built model for many scenarios of the same structure
# (reserve.sweep). Every number above that comes from the data has a slot
# here: where it sits (slot_components, once per model) and its value for a
# data set (slot_values, once per point). A test builds a model fresh for
# changed data and checks that updating the old one in place gives the same
# LP, number for number, so a slot missed here cannot go unnoticed.

def structure(data: ProblemData) -> tuple:
    """What fixes the model's rows, columns and sparsity; equal structures share a model."""
    milp = tuple(o.build_or_not for o in data.options)
    return (data.n_periods, data.step_days, data.in_window.tobytes(), data.has_target,
            data.dynamic, data.floor_usd_per_bbl is None, data.ceiling_usd_per_bbl is None,
            data.premium_musd_per_mbd2 is None, milp, data.usable.tobytes(),
            data.off_window_upper is None, data.window_cap_level is None, data.sign,
            data.initial_inventory_mb > sum(o.existing_mb for o in data.options),
            data.level_is_price)


def slot_components(m: pyo.ConcreteModel, data: ProblemData) -> dict[str, tuple[str, list]]:
    """Where each data-dependent number sits: name -> (kind, components).

    kinds: "col_bounds" (variables), "col_cost" (variables), "row_bounds"
    (constraints), "coef" ((constraint, variable) pairs).
    """
    T, W, OFF = list(m.T), list(m.W), list(m.OFF)
    groups = variable_groups(m)
    slots = {f"cost:{g}": ("col_cost", vs) for g, vs in groups.items()}
    slots.update({
        "bounds:new_capacity_mb": ("col_bounds", groups["new_capacity_mb"]),
        "bounds:fill_capacity_mbd": ("col_bounds", [m.fill_capacity_mbd]),
        "bounds:release_capacity_mbd": ("col_bounds", [m.release_capacity_mbd]),
        "rows:inventory_start": ("row_bounds", [m.inventory_balance[0]]),
        "rows:storage_limit": ("row_bounds", [m.storage_limit[t] for t in T]),
        "coef:inventory_keep": ("coef", [(m.inventory_balance[t], m.inventory_mb[t - 1])
                                         for t in T[1:]]),
    })
    if hasattr(m, "initial_fits"):
        slots["rows:initial_fits"] = ("row_bounds", [m.initial_fits])
    if len(m.MILP):
        slots["coef:build_or_not_max"] = ("coef", [(m.build_or_not_max[k], m.built[k])
                                                   for k in m.MILP])
        slots["coef:build_or_not_min"] = ("coef", [(m.build_or_not_min[k], m.built[k])
                                                   for k in m.MILP])
    if hasattr(m, "net_band"):   # the size form: one band row per period holds it all
        slots["rows:net_band"] = ("row_bounds", [m.net_band[t] for t in T])
        return slots
    if data.has_target or data.off_window_upper is None:   # rows that hold z exist
        slots["bounds:window_level"] = ("col_bounds", [m.window_level])
    if data.off_window_upper is not None:
        slots["rows:off_window_upper"] = ("row_bounds", [m.off_window_upper[t] for t in OFF])
        slots["rows:off_window_lower"] = ("row_bounds", [m.off_window_lower[t] for t in OFF])
    if data.has_target and data.window_cap_level is not None:
        slots["rows:window_cap"] = ("row_bounds", [m.window_cap[t] for t in W])
    if data.has_target:
        slots["coef:window_target_z"] = ("coef", [(m.window_target[t], m.window_level) for t in W])
        if data.window_cap_level is None:
            slots["coef:window_cap_z"] = ("coef", [(m.window_cap[t], m.window_level) for t in W])
    for name in ("floor", "ceiling"):
        if hasattr(m, f"price_{name}"):
            rows = getattr(m, f"price_{name}")
            slots[f"bounds:{name}"] = ("col_bounds", [getattr(m, f"{name}_usd_per_bbl")])
            slots[f"rows:price_{name}"] = ("row_bounds", [rows[t] for t in T])
    # the price response: level rows' coefficients on f and r (static), or
    # the memory and market rows (dynamic)
    families = [("off_window_upper", OFF), ("off_window_lower", OFF),
                ("price_floor", T), ("price_ceiling", T)]
    if data.has_target:
        families += [("window_target", W), ("window_cap", W)]
    if not data.dynamic:
        for family, index in families:
            if hasattr(m, family):
                rows = getattr(m, family)
                slots[f"coef:{family}_fill"] = ("coef", [(rows[t], m.fill_mbd[t]) for t in index])
                slots[f"coef:{family}_release"] = ("coef", [(rows[t], m.release_mbd[t])
                                                            for t in index])
    else:
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
    return slots


def slot_values(data: ProblemData, names) -> dict[str, object]:
    """The value of each slot in ``names`` for ``data`` (see slot_components)."""
    n = data.n_periods
    inf = HIGHS_INFINITY
    w, off = data.in_window, ~data.in_window
    existing = float(sum(o.existing_mb for o in data.options))
    coef, sign, scale = data.response_coef, data.sign, data.target_scale
    price = data.baseline_price_usd_per_bbl
    costs, _ = cost_vectors(data)
    values: dict[str, object] = {}
    for group in ("new_capacity_mb", "built", "fill_capacity_mbd", "release_capacity_mbd",
                  "fill_mbd", "release_mbd", "inventory_mb"):
        total = 0.0
        for part in (*COST_PARTS, "tie"):
            if group in costs[part]:
                total = total + np.asarray(costs[part][group], float)
        size = {"fill_capacity_mbd": 1, "release_capacity_mbd": 1, "new_capacity_mb": len(data.options),
                "built": sum(o.build_or_not for o in data.options)}.get(group, n)
        values[f"cost:{group}"] = np.broadcast_to(total, (size,)).astype(float)
    keep = data.keep_per_period
    level = data.target_level
    milp = [k for k, o in enumerate(data.options) if o.build_or_not]
    values["coef:build_or_not_max"] = -data.build_bound_mb[milp]
    values["coef:build_or_not_min"] = -np.array([data.options[k].min_size_mb for k in milp])
    values.update({
        "bounds:window_level": ([level], [level]),
        "bounds:new_capacity_mb": (np.zeros(len(data.options)),
                                   np.minimum(data.new_capacity_max_mb, inf)),
        "bounds:fill_capacity_mbd": ([0.0], [min(data.fill_rate_max_mbd, inf)]),
        "bounds:release_capacity_mbd": ([0.0], [min(data.release_rate_max_mbd, inf)]),
        "rows:inventory_start": ([keep * data.initial_inventory_mb], [keep * data.initial_inventory_mb]),
        "rows:storage_limit": (np.full(n, -inf), np.full(n, existing)),
        "coef:inventory_keep": np.full(n - 1, -keep),
        "rows:initial_fits": ([data.initial_inventory_mb - existing], [inf]),
        "coef:window_target_z": -scale[w],
        "coef:window_cap_z": -scale[w],
        "coef:window_target_fill": sign * coef[w], "coef:window_target_release": -(sign * coef[w]),
        "coef:window_cap_fill": sign * coef[w], "coef:window_cap_release": -(sign * coef[w]),
        "coef:off_window_upper_fill": coef[off], "coef:off_window_upper_release": -coef[off],
        "coef:off_window_lower_fill": coef[off], "coef:off_window_lower_release": -coef[off],
        "coef:price_floor_fill": coef, "coef:price_floor_release": -coef,
        "coef:price_ceiling_fill": coef, "coef:price_ceiling_release": -coef,
    })
    if data.off_window_upper is not None:
        values["rows:off_window_upper"] = (np.full(int(off.sum()), -inf),
                                           np.clip(data.off_window_upper[off], -inf, inf))
        values["rows:off_window_lower"] = (np.clip(data.off_window_lower[off], -inf, inf),
                                           np.full(int(off.sum()), inf))
    if data.window_cap_level is not None:
        values["rows:window_cap"] = (np.full(int(w.sum()), -inf),
                                     np.full(int(w.sum()), _finite(data.window_cap_level)))
    if "rows:net_band" in names:
        values["rows:net_band"] = net_flow_band(data, level)
    if data.floor_usd_per_bbl is not None:
        values["bounds:floor"] = ([data.floor_usd_per_bbl], [data.floor_usd_per_bbl])
        values["rows:price_floor"] = (-price, np.full(n, inf))
    if data.ceiling_usd_per_bbl is not None:
        values["bounds:ceiling"] = ([data.ceiling_usd_per_bbl], [data.ceiling_usd_per_bbl])
        values["rows:price_ceiling"] = (np.full(n, -inf), -price)
    if data.dynamic:
        lam, q0 = data.memory_decay, data.scenario.demand_mbd
        values.update({
            "coef:memory_impact": -((1 - lam) / price),
            "coef:memory_previous": np.full(n - 1, -lam),
            "coef:response_fill": np.full(n, data.keep_share),
            "coef:response_release": np.full(n, -data.keep_share),
            "coef:response_impact": -(q0 * data.response_short / price),
            "coef:response_memory": np.full(n, -(q0 * data.response_adjust)),
        })
    return {name: values[name] for name in names}

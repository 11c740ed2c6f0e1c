"""Numbers the optimization model needs, computed once with numpy from a scenario.

The Pyomo model (:mod:`reserve.model`) only reads these arrays, so no rule
scans scenario data and the equations stay in one place. Everything here is
in the model's scaled units: mb, mb/d, USD/bbl, musd, days.

Time grid: periods t = 0..T-1 of ``step_days`` days; period t covers days
[t*step, (t+1)*step). The window W is the periods whose days lie in
[lead_days, lead_days + hold_days).

Price response, written so that every price constraint is linear in the
reserve's net flow (f_t - r_t) [mb/d] and an *impact level* z:

- linear model: level = price impact [USD/bbl];
  ``response_coef[t] = beta_t * (1 - offset_share)`` so dp_t = coef_t*(f_t - r_t);
- isoelastic model: level = net absorption [mb/d] after offsets;
  ``response_coef[t] = 1 - offset_share``; the target is converted to the
  absorption that holds it (a constant, DESIGN.md 2.1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import market
from .scenario import Scenario, StorageOption

DAYS_PER_YEAR = 365.0


def capital_recovery_factor(rate: float, lifetime_yr: float) -> float:
    """CRF(r, n) = r / (1 - (1+r)^-n) [1/yr]; 1/n when r = 0."""
    if rate == 0:
        return 1.0 / lifetime_yr
    # 1 - (1+r)^-n written with expm1/log1p: exact for tiny r, where the
    # plain form rounds to 0 and divides by it
    return rate / -math.expm1(-lifetime_yr * math.log1p(rate))


@dataclass
class ProblemData:
    """Arrays and constants of one model instance (units in names)."""

    scenario: Scenario
    step_days: int
    n_periods: int
    period_start_day: np.ndarray          # [d]
    in_window: np.ndarray                 # bool per period
    sign: int                             # +1 raise (absorb), -1 lower (release)
    baseline_price_usd_per_bbl: np.ndarray
    has_price_path: bool                  # baseline from a path, not a constant
    response_coef: np.ndarray             # level per mb/d of net flow (static models)
    has_target: bool                      # False: a price band replaces the target
    target_level: float                   # |target| as a level (USD/bbl or mb/d)
    target_scale: np.ndarray              # window period t must hold z*scale_t
    level_is_price: bool                  # True for the linear model
    dynamic: bool                         # elasticities adjust toward the long run
    memory_decay: float                   # lambda = 0.5^(step/half-life)
    response_short: float                 # eps_s - eps_d
    response_adjust: float                # (eps_s,LR - eps_s) - (eps_d,LR - eps_d)
    keep_share: float                     # 1 - offset_share
    floor_usd_per_bbl: float | None
    ceiling_usd_per_bbl: float | None
    premium_musd_per_mbd2: np.ndarray | None  # own-price premium weight per (mb/d)^2
    off_window_lower: np.ndarray | None   # level bounds off the window; None:
    off_window_upper: np.ndarray | None   #   they follow the window level z
    window_cap_level: float | None        # most sign*level in the window; None: z
    discount: np.ndarray                  # delta_t, mean of the daily factors
    discount_end: float                   # delta_H
    keep_per_period: float                # 1 - loss_rate * step/365
    initial_inventory_mb: float
    fill_rate_max_mbd: float
    release_rate_max_mbd: float
    options: tuple[StorageOption, ...]
    usable: np.ndarray                    # [option, period] 1 once built
    new_capacity_max_mb: np.ndarray       # capacity_max - existing (inf: none)
    build_bound_mb: np.ndarray            # finite bound on N_k for build-or-not rows
    capital_musd_per_mb: np.ndarray       # charge per mb of new capacity
    fixed_charge_musd: np.ndarray         # charge if an option is built at all
    om_musd_per_mb_new: np.ndarray        # discounted O&M per mb new capacity
    om_existing_musd: np.ndarray          # discounted O&M of existing capacity
    rate_capital_musd_per_mbd: float      # charge per mb/d of fill or release
    oil_musd_per_mbd: np.ndarray          # oil cost of one mb/d net fill in t
    oil_loss_musd_per_mb: np.ndarray      # oil cost of one mb held into period t
    oil_closing_musd_per_mb: float        # value of closing stock (market, < 0)
    oil_constant_musd: float              # cost terms of the opening stock
    transaction_musd_per_mbd: np.ndarray  # per mb/d moved (in or out) in t
    holding_musd_per_mb: np.ndarray       # per mb held through period t

    @property
    def window(self) -> np.ndarray:
        return np.flatnonzero(self.in_window)

    @property
    def horizon_days(self) -> int:
        return self.n_periods * self.step_days

    def impact_usd_per_bbl(self, net_flow_mbd: np.ndarray) -> np.ndarray:
        """Price impact dp_t [USD/bbl] of a schedule's net flow f_t - r_t."""
        level = self.response_coef * net_flow_mbd
        if self.level_is_price:
            return level
        s = self.scenario
        return market.isoelastic_impact(level, self.baseline_price_usd_per_bbl,
                                        s.demand_mbd, s.demand_elasticity,
                                        s.supply_elasticity)

    def level_of_impact(self, impact_usd_per_bbl: float) -> float:
        """The level z that holds |impact| in every window period."""
        return _level(self.scenario, self.baseline_price_usd_per_bbl[self.in_window],
                      impact_usd_per_bbl)


def _level(s: Scenario, window_price: np.ndarray, impact_usd_per_bbl: float) -> float:
    """Level of an impact of size |impact| in the target's direction (see module doc)."""
    if s.price_model == "linear":
        return abs(impact_usd_per_bbl)
    x = market.isoelastic_absorption(s.sign * abs(impact_usd_per_bbl), window_price,
                                     s.demand_mbd, s.demand_elasticity, s.supply_elasticity)
    return float(np.max(np.abs(x)))


def _long_run_shift(s: Scenario) -> float:
    """(eps_s,LR - eps_s) - (eps_d,LR - eps_d); an unset long run equals the short run."""
    supply = s.supply_elasticity if s.supply_elasticity_long_run is None else s.supply_elasticity_long_run
    demand = s.demand_elasticity if s.demand_elasticity_long_run is None else s.demand_elasticity_long_run
    return (supply - s.supply_elasticity) - (demand - s.demand_elasticity)


def build_problem(s: Scenario, baseline_price_usd_per_bbl: np.ndarray | None = None) -> ProblemData:
    """Compute :class:`ProblemData` from a validated scenario.

    ``baseline_price_usd_per_bbl`` (one value per period) replaces the
    constant baseline price when given.
    """
    step = s.time_step_days
    n = s.horizon_days // step
    start = np.arange(n) * step
    in_window = (start >= s.lead_days) & (start < s.lead_days + s.hold_days)
    price = (np.full(n, s.price_usd_per_bbl) if baseline_price_usd_per_bbl is None
             else np.asarray(baseline_price_usd_per_bbl, float))
    sign = s.sign
    keep_share = 1.0 - s.offset_share
    band = s.floor_usd_per_bbl is not None or s.ceiling_usd_per_bbl is not None
    has_target = not band or s.target_explicit
    # A target in percent holds that share of each period's baseline (DESIGN.md 2.2).
    scale = np.ones(int(in_window.sum()))
    if s.target_percent is not None and baseline_price_usd_per_bbl is not None:
        scale = price[in_window] / price[in_window].mean()
    target_scale = np.ones(n)
    target_scale[in_window] = scale

    off_max = s.off_window_impact_max_usd_per_bbl
    window_max = s.window_impact_max_usd_per_bbl
    if s.price_model == "linear":
        coef = market.price_slope(price, s.demand_mbd, s.demand_elasticity,
                                  s.supply_elasticity) * keep_share
        target_level = abs(s.target_impact_usd_per_bbl)
        if s.target_percent is not None and baseline_price_usd_per_bbl is not None:
            target_level = abs(s.target_percent) / 100.0 * price[in_window].mean()
        off_lo = off_hi = None
        if off_max is not None or not has_target:
            # no target: only an explicit bound applies off the window
            bound = math.inf if off_max is None else off_max
            off_lo, off_hi = np.full(n, -bound), np.full(n, bound)
    else:
        coef = np.full(n, keep_share)
        target_level = _level(s, price[in_window], s.target_impact_usd_per_bbl)
        bound = abs(s.target_impact_usd_per_bbl) if off_max is None else off_max
        args = (price, s.demand_mbd, s.demand_elasticity, s.supply_elasticity)
        off_lo = market.isoelastic_absorption(-bound, *args)
        off_hi = market.isoelastic_absorption(bound, *args)
    window_cap = None
    if window_max is not None:
        window_cap = (math.inf if math.isinf(window_max) else _level(
            s, price[in_window], max(window_max, abs(s.target_impact_usd_per_bbl))))

    # Discounting: daily factors (1+r)^(-d/365); a period takes the mean of its
    # days, so a constant weekly flow costs what the same daily flows cost.
    rate = s.discount_rate
    daily = (1.0 + rate) ** (-np.arange(n * step) / DAYS_PER_YEAR)
    discount = daily.reshape(n, step).mean(axis=1)
    discount_end = (1.0 + rate) ** (-n * step / DAYS_PER_YEAR)
    horizon_yr = n * step / DAYS_PER_YEAR

    def capital_share(lifetime_yr: float) -> float:
        if s.capital_charge == "full":
            return 1.0
        return capital_recovery_factor(rate, lifetime_yr) * horizon_yr

    options = s.storage
    # An option is usable from the first period that starts on or after build_days.
    usable = np.array([(start >= o.build_days).astype(float) for o in options])
    years_discounted = discount * step / DAYS_PER_YEAR          # [yr] per period
    om_rate = np.array([o.om_usd_per_bbl_yr for o in options])
    existing = np.array([o.existing_mb for o in options])

    # Oil (DESIGN.md 2.4). "cost": a barrel bought in t costs delta_t*P_t and is
    # worth delta_H*P_t at the end; a barrel lost in storage is not there at the
    # end, so it costs delta_H*P_t once more (exact for a constant price).
    # "market": bought and sold at delta_t*P_t, opening stock at P_first, closing
    # stock credited at delta_H*P_last.
    loss_per_period = s.loss_rate_per_yr * step / DAYS_PER_YEAR
    if s.oil_valuation == "cost":
        oil = step * price * (discount - discount_end)
        oil_loss = discount_end * price * loss_per_period
        closing = 0.0
        constant = oil_loss[0] * s.initial_inventory_mb
    else:
        oil = step * price * discount
        oil_loss = np.zeros(n)
        closing = -discount_end * price[-1]
        constant = price[0] * s.initial_inventory_mb

    return ProblemData(
        scenario=s, step_days=step, n_periods=n, period_start_day=start,
        in_window=in_window, sign=sign, baseline_price_usd_per_bbl=price,
        has_price_path=baseline_price_usd_per_bbl is not None,
        response_coef=coef, target_level=target_level,
        level_is_price=(s.price_model == "linear"),
        off_window_lower=off_lo, off_window_upper=off_hi, window_cap_level=window_cap,
        has_target=has_target, target_scale=target_scale,
        dynamic=s.dynamic, memory_decay=0.5 ** (step / s.adjustment_half_life_days),
        response_short=s.supply_elasticity - s.demand_elasticity,
        response_adjust=_long_run_shift(s),
        keep_share=keep_share, floor_usd_per_bbl=s.floor_usd_per_bbl,
        ceiling_usd_per_bbl=s.ceiling_usd_per_bbl,
        premium_musd_per_mbd2=(step * discount * coef) if s.own_price_effect else None,
        discount=discount, discount_end=discount_end,
        keep_per_period=1.0 - loss_per_period,
        initial_inventory_mb=s.initial_inventory_mb,
        fill_rate_max_mbd=s.fill_rate_max_mbd,
        release_rate_max_mbd=s.release_rate_max_mbd,
        options=options, usable=usable,
        new_capacity_max_mb=np.array([o.capacity_max_mb - o.existing_mb for o in options]),
        # a build-or-not row needs a finite bound: the cap, or all the oil the
        # reserve could ever hold (validation requires one of them finite)
        build_bound_mb=np.array([min(o.capacity_max_mb - o.existing_mb,
                                     s.initial_inventory_mb + n * step * s.fill_rate_max_mbd)
                                 for o in options]),
        capital_musd_per_mb=np.array([o.capex_usd_per_bbl * capital_share(o.lifetime_yr)
                                      for o in options]),
        fixed_charge_musd=np.array([o.fixed_cost_musd * capital_share(o.lifetime_yr)
                                    for o in options]),
        om_musd_per_mb_new=om_rate * (usable @ years_discounted),
        om_existing_musd=om_rate * existing * years_discounted.sum(),
        rate_capital_musd_per_mbd=(s.rate_capex_usd_per_bbl_per_day
                                   * capital_share(s.rate_lifetime_yr)),
        oil_musd_per_mbd=oil, oil_loss_musd_per_mb=oil_loss,
        oil_closing_musd_per_mb=closing, oil_constant_musd=constant,
        transaction_musd_per_mbd=(s.transaction_cost_usd_per_bbl * step * discount),
        holding_musd_per_mb=(s.holding_cost_usd_per_bbl_yr * years_discounted),
    )

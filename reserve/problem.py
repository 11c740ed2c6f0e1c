"""Numbers the optimization model needs, computed once with numpy from a scenario.

The model (:mod:`reserve.formulation`) only reads these arrays, so no rule
scans scenario data and the equations stay in one place. Everything here is
in the model's scaled units: mb, mb/d, USD/bbl, musd, days.

Time grid: periods t = 0..T-1 of ``step_days`` days; period t covers days
[t*step, (t+1)*step). The window W is the periods whose days lie in
[lead_days, lead_days + hold_days).

The price conditions on this data, and the bands they put on the net
flows, are :mod:`reserve.price_conditions`.

The closing stock (``oil_valuation = "sale"``, the default). What the
reserve holds at the horizon beyond its opening stock is sold after it,
at an even pace over ``liquidation_days`` (a shortfall after a release is
bought back the same way). The model carries on for those days as
*liquidation periods*, appended after the horizon's: no price condition
and no rate cap applies there, the net flow is one pace q for all of
them, and the stock ends where it began. Each barrel sold there is paid
the price its own pace moves, the storage it sits in is paid until it
leaves, and the owner's ledger counts what the sale's price move costs
its trade. Outputs are read over the horizon; the liquidation is reported
apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import market
from .responses import PrivateStorage, private_storage, producer_terms
from .scenario import Scenario, StorageOption
from .storage_terms import DAYS_PER_YEAR, capital_share, storage_terms


@dataclass
class ProblemData:
    """Arrays and constants of one model instance (units in names)."""

    scenario: Scenario
    step_days: int
    n_periods: int                        # periods of the model: horizon + liquidation
    n_horizon: int                        # periods of the horizon (the question's own)
    period_start_day: np.ndarray          # [d]
    in_window: np.ndarray                 # bool per period
    sign: int                             # +1 raise (absorb), -1 lower (release)
    baseline_price_usd_per_bbl: np.ndarray
    has_price_path: bool                  # baseline from a path, not a constant
    response_coef: np.ndarray             # linear: c_t [USD/bbl per mb/d of net flow]
    has_target: bool                      # False: a price band replaces the target
    target_level: float                   # v: |target| [USD/bbl] (mean over a path for %)
    target_scale: np.ndarray              # w_t: window period t holds v*w_t
    level_is_price: bool                  # the linear model (dp is linear in the flows)
    dynamic: bool                         # elasticities adjust toward the long run
    memory_decay: float                   # lambda = 0.5^(step/half-life)
    response_short: float                 # eps_s - eps_d
    response_adjust: float                # (eps_s,LR - eps_s) - (eps_d,LR - eps_d)
    keep_share: np.ndarray                # 1 - sigma_t: the share of the flow the market keeps
    producer_offset_mbd: np.ndarray       # o_t: a price-target cartel's output against it
    private: PrivateStorage               # commercial holders' response (b = 0: none)
    floor_usd_per_bbl: float | None
    ceiling_usd_per_bbl: float | None
    band_margin_usd_per_bbl: float        # b: how far a band's defence may push past
    window_cap_usd_per_bbl: float | None  # constant cap on sign*dp in the window; None: v*w_t
    off_window_max_usd_per_bbl: float | None  # constant |dp| bound off the window; None: v
    premium_musd_per_mbd2: np.ndarray | None  # own-price premium weight per (mb/d)^2, horizon
    pace_premium_musd_per_mbd2: float | None  # the liquidation pace's premium weight
    net_benefit: bool                     # maximize the owner's net benefit (no target)
    gain_musd_per_mbd: np.ndarray | None  # the owner's gain per mb/d of net fill in t
    end_inventory_max_mb: float           # stock allowed at the horizon's end (inf: any)
    discount: np.ndarray                  # delta_t, mean of the daily factors
    discount_end: float                   # delta_H
    keep_per_period: float                # 1 - loss_rate * step/365
    initial_inventory_mb: float
    fill_rate_max_mbd: float
    release_rate_max_mbd: float
    release_allowed: np.ndarray           # bool per period: may stock leave then?
    options: tuple[StorageOption, ...]
    usable: np.ndarray                    # [option, period] 1 once an owned option is built
    new_capacity_max_mb: np.ndarray       # owned: capacity_max - existing; leased: 0
    build_bound_mb: np.ndarray            # finite bound on N_k for build-or-not rows
    capital_musd_per_mb: np.ndarray       # charge per mb of new capacity
    fixed_charge_musd: np.ndarray         # charge if an option is built at all
    om_musd_per_mb_new: np.ndarray        # discounted O&M per mb new capacity
    om_existing_musd: np.ndarray          # discounted O&M of existing capacity
    leases: tuple[int, ...]               # indices of leased options
    lease_term_periods: np.ndarray        # L_j, per leased option
    contract_allowed: np.ndarray          # [lease, period] 1 once a contract may start
    contracted_max_mb: np.ndarray         # [lease] capacity_max - existing
    lease_musd_per_mb: np.ndarray         # [lease, period] cost of one mb contracted in t
    rate_capital_musd_per_mbd: float      # charge per mb/d of fill or release
    oil_musd_per_mbd: np.ndarray          # oil cost of one mb/d net fill in t
    oil_loss_musd_per_mb: np.ndarray      # oil cost of one mb held into period t
    oil_closing_musd_per_mb: float        # value of closing stock (market, < 0)
    oil_constant_musd: float              # cost terms of the opening stock
    transaction_musd_per_mbd: np.ndarray  # per mb/d moved (in or out) in t
    holding_musd_per_mb: np.ndarray       # per mb held through period t
    # where the isoelastic curve's clearing row is a tangent (None: at dp = 0);
    # a session moves it to its last answer (reserve.market_equations.clearing_tangent)
    curve_point_usd_per_bbl: np.ndarray | None = None

    @property
    def remembers(self) -> bool:
        """Whether the price of a period depends on other periods' flows (an adjusting
        market, or commercial holders): then the model carries the impact as a variable."""
        return self.dynamic or self.private.on

    @property
    def carries_impact(self) -> bool:
        """Whether the general form carries dp_t as a variable with the market's
        clearing row: a market that remembers, or a cartel's offset (a constant
        in that row)."""
        return self.remembers or bool(self.producer_offset_mbd.any())

    @property
    def follows_curve(self) -> bool:
        """Whether the clearing row stands for the isoelastic curve, a tangent re-drawn
        at each answer until the two agree (reserve.session.Session.run)."""
        return self.carries_impact and not self.level_is_price

    @property
    def window(self) -> np.ndarray:
        return np.flatnonzero(self.in_window)

    @property
    def slope(self) -> np.ndarray:
        """beta_t [USD/bbl per mb/d the market sees]: the linear curve's slope."""
        return self.response_coef / self.keep_share

    @property
    def horizon_days(self) -> int:
        return self.n_horizon * self.step_days

    @property
    def liquidation_periods(self) -> int:
        """Periods after the horizon in which the closing stock is sold (module doc)."""
        return self.n_periods - self.n_horizon

    @property
    def in_horizon(self) -> np.ndarray:
        return np.arange(self.n_periods) < self.n_horizon

    @property
    def bounded(self) -> np.ndarray:
        """Periods held by the off-window bound: off the window, or all without a
        target; never a liquidation period."""
        return (~self.in_window if self.has_target else np.ones(self.n_periods, bool)) \
            & self.in_horizon

    @property
    def quadratic(self) -> bool:
        """Whether the objective has a quadratic part (the premium, the sale's price move)."""
        return self.premium_musd_per_mbd2 is not None or self.pace_premium_musd_per_mbd2 is not None

    def quadratic_weights(self) -> np.ndarray:
        """Weights w of the quadratic part, sum w_i n_i^2 [musd per (mb/d)^2]: one per
        horizon period's net flow with the own-price premium, then the liquidation pace's."""
        parts = []
        if self.premium_musd_per_mbd2 is not None:
            parts.append(np.asarray(self.premium_musd_per_mbd2, float))
        if self.pace_premium_musd_per_mbd2 is not None:
            parts.append(np.array([self.pace_premium_musd_per_mbd2]))
        return np.concatenate(parts) if parts else np.zeros(0)

    def quadratic_flows(self, net_mbd: np.ndarray) -> np.ndarray:
        """The flows the quadratic weights multiply, from every period's net flow f_t - r_t."""
        parts = []
        if self.premium_musd_per_mbd2 is not None:
            parts.append(net_mbd[:self.n_horizon])
        if self.pace_premium_musd_per_mbd2 is not None:
            parts.append(net_mbd[self.n_horizon:self.n_horizon + 1])
        return np.concatenate(parts) if parts else np.zeros(0)

    def impact_usd_per_bbl(self, net_flow_mbd: np.ndarray) -> np.ndarray:
        """Price impact dp_t [USD/bbl] of a schedule's net flow f_t - r_t (static models)."""
        if self.level_is_price:
            return self.response_coef * net_flow_mbd - self.slope * self.producer_offset_mbd
        s = self.scenario
        return market.isoelastic_impact(self.keep_share * net_flow_mbd - self.producer_offset_mbd,
                                        self.baseline_price_usd_per_bbl, s.demand_mbd,
                                        s.demand_elasticity, s.supply_elasticity)


# -- building the data -------------------------------------------------------------------

def owner_gain_per_impact(s: Scenario, price: np.ndarray, discount: np.ndarray,
                          step_days: int) -> np.ndarray:
    """What one USD/bbl of price impact in period t is worth to the owner [musd].

    delta_t * Delta * (E + 1000 * GDP * e_gdp / (365 * P_t)): its net exports E
    [mb/d] earn the price move for Delta days, and its GDP [USD bn/yr] moves by
    e_gdp times the relative price move for Delta/365 of a year (1000: USD bn
    to musd). Present values, discounted like the costs.
    """
    gdp_per_usd = 1000.0 * s.gdp_usd_bn * s.gdp_oil_elasticity / (DAYS_PER_YEAR * price)
    return discount * step_days * (s.net_exports_mbd + gdp_per_usd)


def _long_run_shift(s: Scenario) -> float:
    """(eps_s,LR - eps_s) - (eps_d,LR - eps_d); an unset long run equals the short run."""
    supply = s.supply_elasticity if s.supply_elasticity_long_run is None else s.supply_elasticity_long_run
    demand = s.demand_elasticity if s.demand_elasticity_long_run is None else s.demand_elasticity_long_run
    return (supply - s.supply_elasticity) - (demand - s.demand_elasticity)


def liquidation_days(s: Scenario) -> int:
    """Days over which the closing stock is sold after the horizon (0: none).

    Only ``oil_valuation = "sale"`` sells it; ``liquidation_days`` unset
    takes ``hold_days``, the days over which a target's stock is built (or
    drawn), so the sale mirrors the build.
    """
    if s.oil_valuation != "sale":
        return 0
    days = s.params.get("liquidation_days")
    return s.hold_days if days is None else int(days)


def build_problem(s: Scenario, baseline_price_usd_per_bbl: np.ndarray | None = None) -> ProblemData:
    """Compute :class:`ProblemData` from a validated scenario.

    ``baseline_price_usd_per_bbl`` (one value per horizon period) replaces
    the constant baseline price when given. The liquidation periods after
    the horizon (module doc) take the horizon's last baseline price.
    """
    step = s.time_step_days
    horizon = s.horizon_days // step
    n = horizon + liquidation_days(s) // step
    start = np.arange(n) * step
    in_horizon = np.arange(n) < horizon
    in_window = (start >= s.lead_days) & (start < s.lead_days + s.hold_days) & in_horizon
    price = (np.full(horizon, s.price_usd_per_bbl) if baseline_price_usd_per_bbl is None
             else np.asarray(baseline_price_usd_per_bbl, float))
    price = np.concatenate([price, np.full(n - horizon, price[-1])])
    keep_share, producer_offset = producer_terms(s, start, in_window)
    band = s.floor_usd_per_bbl is not None or s.ceiling_usd_per_bbl is not None
    net_benefit = s.objective == "net-benefit"
    has_target = (not band or s.target_explicit) and not net_benefit

    # A target in percent holds that share of each period's baseline:
    # v is the share of the window's mean baseline, w_t scales it per period.
    target_level = abs(s.target_impact_usd_per_bbl)
    target_scale = np.ones(n)
    if s.target_percent is not None and baseline_price_usd_per_bbl is not None:
        mean = price[in_window].mean()
        target_level = abs(s.target_percent) / 100.0 * mean
        target_scale[in_window] = price[in_window] / mean

    coef = market.price_slope(price, s.demand_mbd, s.demand_elasticity,
                              s.supply_elasticity) * keep_share
    off_max = s.off_window_impact_max_usd_per_bbl
    window_max = s.window_impact_max_usd_per_bbl

    # Discounting, capital shares, when each option is usable and what each
    # lease contract costs: the same at every point of a sweep of the market
    # or the target, so computed once for each grid and set of options
    rate = s.discount_rate
    options = s.storage
    terms = storage_terms(step, horizon, n, rate, s.capital_charge, options)
    discount, discount_end = terms.discount, terms.discount_end
    years_discounted = terms.years_discounted
    leases = terms.leases

    # Oil (docs: "Valuing the closing stock").
    # "cost": a barrel bought in t costs delta_t*P_t and is worth delta_H*P_t at
    # the end; a barrel lost in storage is not there at the end, so it costs
    # delta_H*P_t once more (exact for a constant price).
    # "market", "baseline": bought and sold at delta_t*P_t, opening stock at
    # P_first, closing stock credited at delta_H*P_last.
    # "sale": bought and sold at delta_t*P_t in every period, the liquidation's
    # included; the stock ends where it began, so nothing is left to value.
    # The premium each trade pays on the price it moves is apart (quadratic).
    loss_per_period = s.loss_rate_per_yr * step / DAYS_PER_YEAR
    oil_loss = np.zeros(n)
    closing = constant = 0.0
    if s.oil_valuation == "cost":
        oil = step * price * (discount - discount_end)
        oil_loss = discount_end * price * loss_per_period
        constant = oil_loss[0] * s.initial_inventory_mb
    else:
        oil = step * price * discount
        if s.oil_valuation != "sale":
            closing = -discount_end * price[horizon - 1]
            constant = price[0] * s.initial_inventory_mb
    weights = step * discount * coef      # premium per (mb/d)^2 of net flow in t
    own = s.own_price_effect and s.oil_valuation != "baseline"
    if own:   # a cartel's output lowers the price the reserve pays: -beta*o_t per mb/d
        oil = oil - step * discount * (coef / keep_share) * producer_offset
    gain = owner_gain_per_impact(s, price, discount, step) * coef

    return ProblemData(
        scenario=s, step_days=step, n_periods=n, n_horizon=horizon, period_start_day=start,
        in_window=in_window, sign=s.sign, baseline_price_usd_per_bbl=price,
        has_price_path=baseline_price_usd_per_bbl is not None,
        response_coef=coef, target_level=target_level, target_scale=target_scale,
        level_is_price=(s.price_model == "linear"), has_target=has_target,
        window_cap_usd_per_bbl=(None if window_max is None or not (has_target or net_benefit)
                                else window_max),
        off_window_max_usd_per_bbl=(off_max if has_target or net_benefit else None),
        band_margin_usd_per_bbl=(off_max or 0.0) if band else 0.0,
        dynamic=s.dynamic, memory_decay=0.5 ** (step / s.adjustment_half_life_days),
        response_short=s.supply_elasticity - s.demand_elasticity,
        response_adjust=_long_run_shift(s),
        keep_share=keep_share, producer_offset_mbd=producer_offset,
        private=private_storage(s), floor_usd_per_bbl=s.floor_usd_per_bbl,
        ceiling_usd_per_bbl=s.ceiling_usd_per_bbl,
        premium_musd_per_mbd2=weights[:horizon] if own else None,
        # the liquidation's one pace q pays sum over its periods of w_t q^2
        pace_premium_musd_per_mbd2=(float(weights[horizon:].sum()) if n > horizon else None),
        net_benefit=net_benefit,
        gain_musd_per_mbd=gain if net_benefit else None,
        end_inventory_max_mb=(math.inf if s.end_inventory_max_mb is None
                              else s.end_inventory_max_mb),
        discount=discount, discount_end=discount_end,
        keep_per_period=1.0 - loss_per_period,
        initial_inventory_mb=s.initial_inventory_mb,
        fill_rate_max_mbd=s.fill_rate_max_mbd,
        release_rate_max_mbd=s.release_rate_max_mbd,
        # stock reaches the market no earlier than the window
        release_allowed=(np.ones(n, bool) if s.pre_window_release
                         else (start >= s.lead_days)),
        options=options, usable=terms.usable,
        new_capacity_max_mb=terms.new_capacity_max_mb,
        # a build-or-not row needs a finite bound: the cap, or all the oil the
        # reserve could ever hold (validation requires one of them finite)
        build_bound_mb=np.array([min(o.capacity_max_mb - o.existing_mb,
                                     s.initial_inventory_mb + horizon * step * s.fill_rate_max_mbd)
                                 for o in options]),
        capital_musd_per_mb=terms.capital_musd_per_mb,
        fixed_charge_musd=terms.fixed_charge_musd,
        om_musd_per_mb_new=terms.om_musd_per_mb_new,
        om_existing_musd=terms.om_existing_musd,
        leases=leases, lease_term_periods=terms.lease_term_periods,
        contract_allowed=terms.ready[list(leases)] if leases else np.zeros((0, n)),
        contracted_max_mb=terms.contracted_max_mb,
        lease_musd_per_mb=terms.lease_musd_per_mb,
        # fill and release equipment serves the horizon (storage serves the sale too)
        rate_capital_musd_per_mbd=(s.rate_capex_usd_per_bbl_per_day
                                   * capital_share(rate, s.capital_charge, step,
                                                   s.rate_lifetime_yr, horizon)),
        oil_musd_per_mbd=oil, oil_loss_musd_per_mb=oil_loss,
        oil_closing_musd_per_mb=closing, oil_constant_musd=constant,
        transaction_musd_per_mbd=(s.transaction_cost_usd_per_bbl * step * discount),
        holding_musd_per_mb=(s.holding_cost_usd_per_bbl_yr * years_discounted),
    )

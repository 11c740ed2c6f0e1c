"""What time and storage cost on a model's grid: discount factors, capital
shares, when each option is usable, what each lease contract costs.

These numbers depend on the grid, the discount rate, the capital charge and
the storage options alone, not on the market, the price path or the target.
A sweep of an elasticity or a target asks for the same ones at every point,
so :func:`storage_terms` keeps the last few it computed (a year of days
with the default's five options: some 0.1 ms a point, half of building the
data). The
arrays it hands out are read-only: they are shared by every model built
from the same terms.

Discounting (every cost of :mod:`reserve.costs` is a present value by
these factors): daily factors :math:`(1+r)^{-d/365}`, a period taking the
mean of its days, so a constant weekly flow costs what the same daily flows
cost.

Capital: with ``capital_charge = "annuity"`` a barrel of capacity costs its
capex times the capital recovery factor CRF(r, life) times the years the
run uses it; with ``"full"``, its whole capex.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .scenario import StorageOption

DAYS_PER_YEAR = 365.0


def capital_recovery_factor(rate: float, lifetime_yr: float) -> float:
    """CRF(r, n) = r / (1 - (1+r)^-n) [1/yr]; 1/n when r = 0."""
    if rate == 0:
        return 1.0 / lifetime_yr
    # 1 - (1+r)^-n written with expm1/log1p: exact for tiny r, where the
    # plain form rounds to 0 and divides by it
    return rate / -math.expm1(-lifetime_yr * math.log1p(rate))


def capital_share(rate: float, capital_charge: str, step_days: int, lifetime_yr: float,
                  periods: int) -> float:
    """The share of a capital cost a run of ``periods`` periods carries: all
    of it (``"full"``), or the annuity for the years it is used."""
    if capital_charge == "full":
        return 1.0
    return capital_recovery_factor(rate, lifetime_yr) * periods * step_days / DAYS_PER_YEAR


@dataclass(frozen=True)
class StorageTerms:
    """Discounting and the storage options' terms on one grid (module doc);
    every array read-only."""

    discount: np.ndarray              # delta_t of each period
    discount_end: float               # delta_H, the horizon's end
    years_discounted: np.ndarray      # [yr] discounted years of each period
    leases: tuple[int, ...]           # indices of the leased options
    lease_term_periods: np.ndarray    # L_j, per leased option
    ready: np.ndarray                 # [option, period] 1 once built, or once a contract may start
    usable: np.ndarray                # [option, period] 1 once an owned option is built
    new_capacity_max_mb: np.ndarray   # owned: capacity_max - existing; leased: 0
    capital_musd_per_mb: np.ndarray   # capex times its share; leased: 0
    fixed_charge_musd: np.ndarray     # a build-or-not option's fixed cost times its share
    om_musd_per_mb_new: np.ndarray    # discounted O&M of a new owned mb over its usable years
    om_existing_musd: np.ndarray      # discounted O&M of existing capacity
    contracted_max_mb: np.ndarray     # [lease] capacity_max - existing
    lease_musd_per_mb: np.ndarray     # [lease, period] a contract of one mb started in t


@functools.lru_cache(maxsize=8)
def storage_terms(step: int, horizon: int, n: int, rate: float, capital_charge: str,
                  options: tuple[StorageOption, ...]) -> StorageTerms:
    """The terms of ``options`` on ``n`` periods of ``step`` days, ``horizon``
    of them before the closing sale (module doc).

    An owned option is usable from the first period that starts on or after
    build_days; a lease's contracts may start from then on. Storage serves
    until the closing stock has left (the liquidation included). A contract
    of one mb started in period tau is paid om*step/365 per period for its
    L periods (discounted, the last ones past the model's end if it runs
    on) plus its mobilization fee (capex) once, at its start.
    """
    start = np.arange(n) * step
    leases = tuple(k for k, o in enumerate(options) if o.leased)
    term = np.array([options[k].lease_term_days // step for k in leases], dtype=int)
    longest = int(term.max()) if term.size else 0
    # the factors run past the model's end for leases that end after it
    daily = (1.0 + rate) ** (-np.arange((n + longest) * step) / DAYS_PER_YEAR)
    discount_long = daily.reshape(n + longest, step).mean(axis=1)
    discount = discount_long[:n]
    years = discount * step / DAYS_PER_YEAR

    owned = np.array([not o.leased for o in options])
    ready = np.array([(start >= o.build_days).astype(float) for o in options])
    usable = ready * owned[:, None]
    om_rate = np.array([o.om_usd_per_bbl_yr for o in options])
    existing = np.array([o.existing_mb for o in options])
    cap = np.array([o.capacity_max_mb for o in options])

    def share(lifetime_yr: float) -> float:
        return capital_share(rate, capital_charge, step, lifetime_yr, n)

    running = np.cumsum(np.concatenate([[0.0], discount_long * step / DAYS_PER_YEAR]))
    lease_cost = np.zeros((len(leases), n))
    for j, k in enumerate(leases):
        o = options[k]
        paid = running[np.arange(n) + term[j]] - running[np.arange(n)]
        lease_cost[j] = o.om_usd_per_bbl_yr * paid + o.capex_usd_per_bbl * discount

    terms = StorageTerms(
        discount=discount, discount_end=(1.0 + rate) ** (-horizon * step / DAYS_PER_YEAR),
        years_discounted=years, leases=leases, lease_term_periods=term,
        ready=ready, usable=usable,
        new_capacity_max_mb=np.where(owned, cap - existing, 0.0),
        capital_musd_per_mb=np.array([0.0 if o.leased else o.capex_usd_per_bbl
                                      * share(o.lifetime_yr) for o in options]),
        fixed_charge_musd=np.array([o.fixed_cost_musd * share(o.lifetime_yr) for o in options]),
        om_musd_per_mb_new=np.where(owned, om_rate * (usable @ years), 0.0),
        om_existing_musd=om_rate * existing * years[:horizon].sum(),
        contracted_max_mb=np.array([cap[k] - existing[k] for k in leases]),
        lease_musd_per_mb=lease_cost)
    for value in terms.__dict__.values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return terms

"""Checking a whole scenario: what single values cannot show.

Day counts against the time step, the target against the band, storage
options against each other, the opening stock against the storage usable at
day 0, and the model's size against what this machine solves in reasonable
time. Each problem raises :class:`~reserve.errors.InputError` naming the
parameter.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .errors import InputError
from .schema import MAX_DAYS, TARGET

if TYPE_CHECKING:
    from .scenario import Scenario



def validate(s: Scenario) -> None:
    """Check what single values cannot: day counts, target, storage options."""
    step = s.time_step_days
    for name in ("hold_days", "lead_days", "tail_days", "liquidation_days"):
        if s[name] is not None and s[name] % step:
            raise InputError(name, s[name], f"a whole multiple of time_step_days = {step}")
    if s.horizon_days > MAX_DAYS:
        raise InputError("lead_days + hold_days + tail_days", s.horizon_days,
                         f"<= {MAX_DAYS} days (100 years)")
    check_model_size(s)
    target = s[TARGET]
    if target == 0:
        raise InputError(TARGET, target, "a non-zero price move (> 0 raises, < 0 lowers)")
    if target > 10 * s.price_usd_per_bbl:
        raise InputError(TARGET, target,
                         f"<= {10 * s.price_usd_per_bbl:g} (ten times the baseline price)")
    if target <= -s.price_usd_per_bbl:
        raise InputError(TARGET, target,
                         f"> -{s.price_usd_per_bbl:g} (the price cannot fall to zero or below)")
    _check_objective(s)
    _check_market_model(s)
    _check_responses(s)
    if not s.storage:
        raise InputError("storage", "[]", "at least one storage option")
    names = [o.name for o in s.storage]
    for name in names:
        if names.count(name) > 1:
            raise InputError("storage.name", name, "a name used by one option only")
    for o in s.storage:
        where = f"storage.{o.name}"
        if o.lease_term_days % step:
            raise InputError(f"{where}.lease_term_days", o.lease_term_days,
                             f"a whole multiple of time_step_days = {step}")
        if o.leased and o.build_or_not:
            field = "fixed_cost_musd" if o.fixed_cost_musd > 0 else "min_size_mb"
            raise InputError(f"{where}.{field}", getattr(o, field),
                             "0 for a leased option (lease_term_days > 0): a lease is "
                             "contracted block by block; charge a fee per barrel "
                             "contracted with capex_usd_per_bbl")
        if o.existing_mb > o.capacity_max_mb:
            raise InputError(f"{where}.existing_mb", o.existing_mb,
                             f"<= capacity_max_mb = {o.capacity_max_mb:g}")
        if o.min_size_mb > o.capacity_max_mb - o.existing_mb:
            raise InputError(f"{where}.min_size_mb", o.min_size_mb,
                             f"<= capacity_max_mb - existing_mb = {o.capacity_max_mb - o.existing_mb:g}")
        if o.build_or_not and math.isinf(o.capacity_max_mb) and math.isinf(s.fill_rate_max_mbd):
            raise InputError(f"{where}.capacity_max_mb", o.capacity_max_mb,
                             "a finite cap when fixed_cost_musd or min_size_mb is set "
                             "(or a finite fill_rate_max_mbd)")


def settle(params: dict) -> None:
    """Values one parameter implies for another: the owner's net benefit is
    priced at the price the reserve itself moves (own_price_effect)."""
    if params["objective"] == "net-benefit":
        params["own_price_effect"] = True


def _check_objective(s: Scenario) -> None:
    """The net-benefit objective finds the best impact itself (no target, no band)."""
    if s.objective != "net-benefit":
        return
    if s.target_explicit:
        raise InputError(TARGET, s[TARGET],
                         "not together with objective = net-benefit, which finds the best "
                         "impact itself: drop the target (from the command line, --set and "
                         "the scenario file), or keep it with objective = least-cost")
    for name in ("floor_usd_per_bbl", "ceiling_usd_per_bbl"):
        if s[name] is not None:
            raise InputError(name, s[name], "not together with objective = net-benefit: one "
                             "or the other (a band is a target in every period)")
    if s.price_model != "linear" or s.dynamic:
        name = "price_model" if s.price_model != "linear" else (
            "demand_elasticity_long_run" if s.demand_elasticity_long_run is not None
            else "supply_elasticity_long_run")
        raise InputError(name, s[name], "the static linear model with objective = net-benefit "
                         "(the owner's gain and the premium it pays on its own trades make a "
                         "convex QP only there)")


#: Most rows and columns one model may have: the size measured to build
#: within this machine's memory (a 100-year daily horizon with one owned
#: storage option is some 330,000).
MODEL_SIZE_MAX = 400_000
#: Most "slow periods": periods times (leased options + 2 for an adjusting
#: market). Timing a lease's contracts and a market's memory is what makes
#: HiGHS slow, and the time grows faster than the periods: the default's
#: three leases over 4,000 daily periods (12,000) took 230 s on this
#: project's 2-core machine for an out-of-reach target, whose diagnosis
#: solves some ten times; 15,000 keeps the worst case inside 10 minutes.
SLOW_PERIODS_MAX = 15_000


def model_days(s: Scenario) -> int:
    """Days the model runs: the horizon, and the closing stock's sale after it."""
    if s.oil_valuation != "sale":
        return s.horizon_days
    return s.horizon_days + (s.hold_days if s.liquidation_days is None else s.liquidation_days)


def model_size(s: Scenario) -> tuple[int, int]:
    """About how many rows and columns the scenario's model has, and its slow
    periods (see SLOW_PERIODS_MAX)."""
    leases = sum(o.leased for o in s.storage)
    periods = model_days(s) // s.time_step_days
    memory = s.dynamic or s.private_storage_response_mb_per_usd > 0
    per_period = (9 + 3 * leases + (4 if memory else 0) + (17 if s.own_price_effect else 0)
                  + (2 if s.private_storage_response_mb_per_usd > 0 else 0))
    return periods * per_period, periods * (leases + (2 if memory else 0))


def check_model_size(s: Scenario) -> None:
    """Refuse a model too big or too slow for one run, naming the largest hold that fits."""
    size, slow = model_size(s)
    periods = model_days(s) // s.time_step_days
    if size <= MODEL_SIZE_MAX and slow <= SLOW_PERIODS_MAX:
        return
    step = s.time_step_days
    ratio = max(size / MODEL_SIZE_MAX, slow / SLOW_PERIODS_MAX)
    fitting = int(periods / ratio)
    longest = fitting * step - s.lead_days - s.tail_days
    if s.oil_valuation == "sale":   # and the sale after the horizon
        longest = (longest - s.liquidation_days if s.liquidation_days is not None
                   else longest // 2)   # the sale takes hold_days too
    coarser = int(-(-ratio // 1)) * step
    why = (f"about {size:,} rows and columns, more than one run can build here "
           f"({MODEL_SIZE_MAX:,})" if size / MODEL_SIZE_MAX >= slow / SLOW_PERIODS_MAX else
           f"{periods:,} periods of leased contracts or market memory to time "
           f"({slow:,} slow periods; one run can take {SLOW_PERIODS_MAX:,} within minutes)")
    raise InputError("hold_days", s.hold_days,
                     f"at most {max(longest, 0):,} days with time_step_days = {step} and these "
                     f"storage options ({why}); or time_step_days = {coarser} or more, or "
                     "fewer leased options")


def _check_market_model(s: Scenario) -> None:
    """Features a price model cannot carry, and a band that makes sense.

    The isoelastic model answers targets and bands (each period's condition
    is a constant absorption); it has no memory of past prices, so long-run
    adjustment needs the linear model. The own-price premium is priced on
    the short-run tangent in the isoelastic and adjusting markets (the
    answer says so), which keeps it convex.
    """
    linear_only = [name for name, on in (
        ("demand_elasticity_long_run", s.demand_elasticity_long_run is not None),
        ("supply_elasticity_long_run", s.supply_elasticity_long_run is not None)) if on]
    if s.price_model != "linear" and linear_only:
        raise InputError(linear_only[0], s[linear_only[0]],
                         "only with price_model = linear (the market's adjustment toward "
                         "long-run elasticities is written for the linear curve)")
    floor, ceiling = s.floor_usd_per_bbl, s.ceiling_usd_per_bbl
    if floor is not None and ceiling is not None and floor >= ceiling:
        raise InputError("ceiling_usd_per_bbl", ceiling, f"> floor_usd_per_bbl = {floor:g}")
    if (floor is not None or ceiling is not None) and s.target_explicit:
        raise InputError(TARGET, s[TARGET],
                         "not together with floor_usd_per_bbl / ceiling_usd_per_bbl: a band "
                         "replaces the target (it holds in every period, the target only in "
                         "the window); drop the target, or drop the band to hold the target "
                         "above or below the baseline")


def _check_responses(s: Scenario) -> None:
    """What commercial holders and other producers need of the rest of the scenario
    (reserve.responses)."""
    step = s.time_step_days
    if s.private_storage_horizon_days % step:
        raise InputError("private_storage_horizon_days", s.private_storage_horizon_days,
                         f"a whole multiple of time_step_days = {step}")
    if s.private_storage_response_mb_per_usd > 0:
        if s.objective == "net-benefit":
            raise InputError("private_storage_response_mb_per_usd",
                             s.private_storage_response_mb_per_usd,
                             "0 with objective = net-benefit (the owner's gain is written for "
                             "the static market)")
    if s.producer_response == "price-target" and s.offset_share is None:
        band = s.floor_usd_per_bbl is not None or s.ceiling_usd_per_bbl is not None
        if band or s.objective == "net-benefit":
            raise InputError("producer_response", s.producer_response,
                             "none, dominant-firm or cooperative with a band or the net-benefit "
                             "objective (a price-target cartel answers a target's window); or "
                             "set offset_share")


def check_initial_inventory_fits(s: Scenario) -> None:
    """The opening stock must fit in the storage usable at day 0 (size mode).

    Impact mode replaces the storage options by the given design and checks
    against its capacity instead.
    """
    # an option usable at once (owned, or a lease whose first contract can
    # start on day 0) can hold up to its cap; the others only what exists
    usable_at_start = sum(o.capacity_max_mb if o.build_days == 0 else o.existing_mb
                          for o in s.storage)
    if s.initial_inventory_mb > usable_at_start:
        raise InputError("initial_inventory_mb", s.initial_inventory_mb,
                         f"<= {usable_at_start:g}, the storage capacity usable at day 0")

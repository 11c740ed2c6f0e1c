"""How far a scenario's limits go: the largest impact, the best band.

What is reachable does not depend on the objective, so these solve the
scenario without the own-price premium. :mod:`reserve.solve` uses them for
impact mode and the marginal cost of a band, :mod:`reserve.diagnosis` for
what binds; they sit below both.
"""

from __future__ import annotations

from dataclasses import replace

from .errors import SolverFailure
from .problem import ProblemData, build_problem
from .scenario import Scenario
from .session import Session
from .session_cache import SessionCache

#: Relative width at which a bisection stops.
BISECTION_TOLERANCE = 1e-8


def band_of(data: ProblemData) -> tuple[str, float]:
    """The band a marginal cost or diagnosis moves: the floor if there is one."""
    if data.floor_usd_per_bbl is not None:
        return "floor_usd_per_bbl", data.floor_usd_per_bbl
    return "ceiling_usd_per_bbl", data.ceiling_usd_per_bbl


def without_premium(scenario: Scenario) -> Scenario:
    """The scenario without the own-price premium: reach does not depend on the objective."""
    return scenario.with_params(own_price_effect=False) if scenario.own_price_effect else scenario


def reach_only(scenario: Scenario) -> Scenario:
    """The scenario as far as what it can reach goes, costs aside: no premium
    and no sale of the closing stock (both change what a schedule costs, never
    whether one exists), so it is an LP of the horizon alone. With commercial
    holders the sale stays: they see its price fall coming and trade ahead of
    it, so it changes what the window can hold."""
    holders = scenario.private_storage_response_mb_per_usd > 0
    if not scenario.own_price_effect and (holders or scenario.oil_valuation != "sale"):
        return scenario
    if holders:
        return scenario.with_params(own_price_effect=False)
    return scenario.with_params(own_price_effect=False, oil_valuation="market")


#: Impacts closer than this [USD/bbl] (relative above 1) are one to the model:
#: HiGHS's tolerance, not a reach. The diagnosis's tolerance; a largest
#: impact within it of 0 may be held by the idle schedule.
NOISE_USD_PER_BBL = 1e-6


def least_cost_inside(session: Session, level: float) -> None:
    """The least-cost schedule a hair inside ``level``, the largest impact found:
    at the maximum itself, HiGHS's feasibility tolerance can call the fixed
    level infeasible (and a level within NOISE_USD_PER_BBL of 0 may only be
    held idle). Raises SolverFailure if none is found."""
    tries = [level * (1 - shrink) for shrink in (1e-9, 1e-7, 1e-5)]
    if abs(level) <= NOISE_USD_PER_BBL:
        tries.append(0.0)
    for inside in tries:
        if session.least_cost(inside):
            return
    raise SolverFailure(f"no least-cost schedule at the largest impact {level:g}")


def no_cap(scenario: Scenario) -> float:
    """A cap on impact searches that never binds for a sensible reserve [USD/bbl]."""
    if scenario.price_model == "isoelastic" and scenario.sign < 0:
        return 0.99 * scenario.price_usd_per_bbl   # a price cannot be pushed to zero
    return 10.0 * max(scenario.price_usd_per_bbl, abs(scenario.target_impact_usd_per_bbl))


def max_impact(scenario: Scenario, baseline_price_usd_per_bbl=None,
               cap_usd_per_bbl: float | None = None, time_limit_s: float | None = None,
               cache: SessionCache | None = None,
               schedule: bool = True) -> tuple[float, Session | None]:
    """Largest |impact| [USD/bbl] the scenario's limits can hold over its window.

    The direction is the sign of the scenario's target. Returns the impact
    (capped at ``cap_usd_per_bbl``) and a session holding the least-cost
    schedule at that impact (None when the impact is 0, or when
    ``schedule`` is False: the number alone, one solve fewer).

    Linear model, and any model that carries the impact as a variable (the
    isoelastic one's tangent re-drawn until it meets the curve): one LP
    maximizing the window level z. The static isoelastic model: each impact's
    conditions are net-flow bands, so the largest feasible one is found by
    bisection, each step a warm re-solve.
    """
    cache = cache or SessionCache(time_limit_s)
    data = build_problem(without_premium(scenario), baseline_price_usd_per_bbl)
    cap = no_cap(scenario) if cap_usd_per_bbl is None else cap_usd_per_bbl
    if data.level_is_price or data.follows_curve:
        session = cache.session(data, "general")
        level = session.most_impact(cap)
        if level <= 1e-9:
            return 0.0, None
        if not schedule:
            return level, None
        least_cost_inside(session, level)
        return level, session
    session = cache.session(data)
    if session.least_cost(cap):
        return cap, session
    value = bisect(session.least_cost, 0.0, cap)
    if value is None or value <= 1e-9:
        return 0.0, None
    if not schedule:
        return value, None
    session.least_cost(value)
    return value, session


def bisect(feasible, good: float, bad: float) -> float | None:
    """The boundary between ``good`` (feasible) and ``bad`` (not), to BISECTION_TOLERANCE.

    Returns None when ``good`` is not feasible either.
    """
    if not feasible(good):
        return None
    while abs(bad - good) > BISECTION_TOLERANCE * max(1.0, abs(good), abs(bad)):
        mid = 0.5 * (good + bad)
        if feasible(mid):
            good = mid
        else:
            bad = mid
    return good


def best_band(scenario: Scenario, baseline_price_usd_per_bbl=None,
              time_limit_s: float | None = None,
              cache: SessionCache | None = None) -> tuple[float | None, Session | None]:
    """The highest floor (lowest ceiling) [USD/bbl] the limits can hold, at most
    (least) the one asked; a session holding its least-cost schedule.

    Found by bisection on the band, each step a warm re-solve (a band's
    defence bound moves with it, so it is not one LP). None when even the
    baseline's own extreme cannot be held.
    """
    cache = cache or SessionCache(time_limit_s)
    data = build_problem(without_premium(scenario), baseline_price_usd_per_bbl)
    session = cache.session(data)
    name, asked = band_of(data)
    price = data.baseline_price_usd_per_bbl

    def feasible(value: float) -> bool:
        session.load(replace(data, **{name: value}))
        return session.least_cost()

    easy = float(price.min() if name == "floor_usd_per_bbl" else price.max())
    if feasible(asked):
        return asked, session
    value = bisect(feasible, easy, asked)
    if value is None:
        return None, None
    feasible(value)
    return value, session

"""Why a target (or band) is out of reach, and what is reachable, found by solving.

The reachable impact (floor, ceiling) is the largest the scenario's limits
hold (:func:`reserve.reach.max_impact`, :func:`reserve.reach.best_band`).
Then every limit is lifted in turn: those whose lifting moves the reach are
*binding*. When one of them, lifted alone, reaches the target, the answer
names it and what the target needs of it (``fill capacity 0.50 mb/d can hold
at most +2.59 USD/bbl ...; the target needs 0.97 mb/d``); when several storage
caps bind together, it names them together. When no single lift reaches the
target, every limit is lifted at once and then restored one by one while the
target stays reachable: what is left is a smallest set whose joint lifting
reaches it.

Each lift is a scenario; lifts that keep the model's structure (a cap) re-solve
a model already built, warm. A lift that would build a model far longer than
the scenario's (a lead time lifted past a decades-long build) is skipped and
the message says so, so that a diagnosis stays within seconds.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import reduce
from typing import Callable

from .errors import TargetUnreachable
from .limits import Limit, limits_of
from .scenario import Scenario
from .schema import MAX_DAYS
from .session_cache import SessionCache
from .solution import Solution
from .reach import NOISE_USD_PER_BBL, best_band, max_impact, reach_only


@dataclass
class Diagnosis:
    target_usd_per_bbl: float
    reachable_usd_per_bbl: float          # signed impact, or the floor/ceiling reachable
    binding: Limit | None                 # the limit named first
    lifted_reach_usd_per_bbl: float       # the reach with the best single limit lifted
    need_value: float | None              # what the target needs of `binding`
    message: str
    limits: list[Limit] | None = None     # every limit named (binding together, or a set)
    skipped: list[str] | None = None      # lifts not tried, in words


@dataclass
class _Goal:
    """What a diagnosis measures: the target's impact, or a band's floor or ceiling.

    Values are in "harder is larger" units: |impact|, the floor, minus the ceiling.
    """

    what: str                  # "target +5.00 USD/bbl for 180 days"
    noun: str                  # "target", "floor", "ceiling"
    asked: float
    reach: Callable            # Scenario -> (value, Solution | None)
    holds: Callable            # value -> words after "can hold"
    signed: Callable           # value -> the reported reachable figure

    def reaches(self, value: float) -> bool:
        return value >= self.asked - NOISE_USD_PER_BBL * max(1.0, abs(self.asked))


def _goal(s: Scenario, baseline, cache: SessionCache) -> _Goal:
    band = s.floor_usd_per_bbl is not None or s.ceiling_usd_per_bbl is not None
    if not band or s.target_explicit:
        target = abs(s.target_impact_usd_per_bbl)
        signed = lambda v: f"{s.sign * v:+.2f}" if v > 5e-3 else "0.00"  # noqa: E731

        def reach(sc: Scenario):
            value, session = max_impact(sc, baseline, cap_usd_per_bbl=target, cache=cache)
            return value, (session.solution() if session is not None else None)

        return _Goal(f"target {signed(target)} USD/bbl for {s.hold_days} days", "target",
                     target, reach,
                     lambda v: f"at most {signed(max(v, 0.0))} USD/bbl for {s.hold_days} days",
                     lambda v: s.sign * v)
    floor = s.floor_usd_per_bbl is not None
    sign = 1 if floor else -1
    asked = s.floor_usd_per_bbl if floor else s.ceiling_usd_per_bbl

    def reach_band(sc: Scenario):
        value, session = best_band(sc, baseline, cache=cache)
        if value is None:
            return -math.inf, None
        return sign * value, session.solution()

    if floor:
        return _Goal(f"floor ${asked:.2f}/bbl", "floor", asked, reach_band,
                     lambda v: (f"a floor of at most ${v:.2f}/bbl" if math.isfinite(v)
                                else "no floor at all"), lambda v: v)
    return _Goal(f"ceiling ${asked:.2f}/bbl", "ceiling", -asked, reach_band,
                 lambda v: (f"a ceiling no lower than ${-v:.2f}/bbl" if math.isfinite(v)
                            else "no ceiling at all"), lambda v: -v)


def _lift_all(s: Scenario, chosen: list[Limit]) -> Scenario:
    return reduce(lambda sc, limit: limit.lift(sc), chosen, s)


def _needs(limits: list[Limit], solution: Solution | None) -> list[str]:
    if solution is None:
        return []
    return [f"{limit.need(solution):,.2f} {limit.need_unit} ({limit.key})"
            for limit in limits if limit.need is not None]


#: Seconds the diagnosis spends lifting limits one at a time before it stops
#: and names the ones it did not try (an out-of-reach answer comes within a
#: minute on any input the size bounds allow).
BUDGET_S = 40.0


def diagnosis_of(s: Scenario, baseline=None, time_limit_s: float | None = None,
                 progress=None, budget_s: float = BUDGET_S) -> TargetUnreachable:
    """Why the target (or band) of ``s`` is out of reach, and how far it can go (module doc).

    What is reachable does not depend on what it costs, so the diagnosis
    solves the scenario with the oil at market prices, no premium and no sale
    after the horizon: the same limits, an LP of the horizon alone.
    """
    s = reach_only(s)
    started = time.monotonic()
    cache = SessionCache(time_limit_s)
    goal = _goal(s, baseline, cache)
    unwind = _unwind_needs(s, baseline, goal)
    if unwind is not None:
        return unwind
    limits, skipped = limits_of(s, baseline)
    total = len(limits) + 1
    reach, _ = goal.reach(s)
    if goal.reaches(reach):   # the solve failed within the tolerance: no limit binds
        message = (f"{goal.what} is out of reach by less than the diagnosis's tolerance "
                   f"(1e-6 USD/bbl): the limits can hold {goal.holds(reach)}, so no limit "
                   "binds it; a move this small is below what the model resolves (ask for "
                   "at least 0.01 USD/bbl)")
        return TargetUnreachable(message, Diagnosis(
            s.target_impact_usd_per_bbl, goal.signed(reach), None, goal.signed(reach), None,
            message))
    singles, untried = [], []
    for done, limit in enumerate(limits):
        if time.monotonic() - started > budget_s:
            untried.append(limit.key)
            continue
        if progress is not None:
            progress(done, total, f"lifting {limit.key}")
        value, solution = goal.reach(limit.lift(s))
        singles.append(_Lifted(limit, value, solution))
    limits = [one.limit for one in singles]
    binding = [one for one in singles
               if one.value > reach + NOISE_USD_PER_BBL * max(1.0, abs(reach))]
    best = max(binding, key=lambda one: one.value) if binding else None
    if any(goal.reaches(one.value) for one in binding):
        found = _reached_alone(goal, reach, binding)
    else:
        if progress is not None:
            progress(total - 1, total, "lifting limits together")
        found = _reached_together(goal, reach, s, limits, best, started + 1.5 * budget_s,
                                  tuple(untried))
    if untried:
        skipped.append(f"{', '.join(untried)} (the diagnosis stopped after {budget_s:g} s; "
                       "a shorter hold_days or a coarser time_step_days answers sooner)")
    message = found.message + ("; not tried: " + "; ".join(skipped) if skipped else "")
    return TargetUnreachable(message, Diagnosis(
        s.target_impact_usd_per_bbl, goal.signed(reach), found.binding,
        goal.signed(best.value if best else reach), found.need, message,
        found.named or None, skipped or None))


def _unwind_needs(s: Scenario, baseline, goal: "_Goal") -> TargetUnreachable | None:
    """When selling back within the horizon is what binds: the tail it needs.

    None when the goal is out of reach even without the end-of-horizon limit
    (then the other limits are the story). Otherwise the shortest tail_days
    (a whole number of periods) that lets the reserve hold the goal and sell
    back, by doubling and then halving the tail, each a solve.
    """
    end = s.end_inventory_max_mb
    if end is None or math.isinf(end):
        return None
    reach, _ = goal.reach(s.with_params(end_inventory_max_mb=None))
    if not goal.reaches(reach):
        return None
    what = (f"selling back to {end:g} mb by the horizon's end "
            f"(end_inventory_max_mb = {end:g})")
    if baseline is not None:
        message = (f"{what} takes longer than tail_days = {s.tail_days} after the window, "
                   f"and the price path fixes the horizon: give a longer path and more tail_days")
        return TargetUnreachable(message, Diagnosis(
            s.target_impact_usd_per_bbl, math.nan, None, reach, None, message))
    step = s.time_step_days

    def holds(tail: int) -> bool:
        value, _ = goal.reach(s.with_params(tail_days=tail))
        return goal.reaches(value)

    longest = (MAX_DAYS - s.lead_days - s.hold_days) // step * step
    good, bad = None, s.tail_days
    tail = max(step, -(-max(s.hold_days, 2 * s.tail_days) // step) * step)
    while tail <= longest:
        if holds(tail):
            good = tail
            break
        bad, tail = tail, tail * 2
    if good is None:
        message = (f"{what} cannot be done within {MAX_DAYS:,} days: no tail_days is long "
                   "enough")
        return TargetUnreachable(message, Diagnosis(
            s.target_impact_usd_per_bbl, math.nan, None, reach, None, message))
    while good - bad > step:
        mid = (good + bad) // 2 // step * step
        if mid <= bad:
            break
        good, bad = (mid, bad) if holds(mid) else (good, mid)
    message = (f"{what} needs tail_days >= {good:,} after the window (tail_days = "
               f"{s.tail_days} is too short): the reserve sells back at the pace the "
               "scenario's bounds allow (the off-window price bound, the release capacity)")
    limit = Limit("tail_days", f"tail {s.tail_days} days (tail_days)",
                  lambda sc: sc.with_params(tail_days=good), "days")
    return TargetUnreachable(message, Diagnosis(
        s.target_impact_usd_per_bbl, math.nan, limit, reach, float(good), message, [limit]))


@dataclass
class _Lifted:
    """The reach with one limit lifted, and the least-cost solution there."""

    limit: Limit
    value: float
    solution: Solution | None


@dataclass
class _Found:
    message: str
    binding: Limit | None = None     # the limit whose need is reported
    need: float | None = None
    named: list[Limit] | None = None


def _reached_alone(goal: _Goal, reach: float, binding: list[_Lifted]) -> _Found:
    """Words when at least one binding limit, lifted alone, reaches the goal."""
    reaching = [one for one in binding if goal.reaches(one.value)]
    first = reaching[0]
    limit, solution = first.limit, first.solution
    named = sorted((one.limit for one in binding), key=lambda lim: lim.storage_cap_mb is None)
    need = (float(limit.need(solution)) if limit.need is not None and solution is not None
            else None)
    if len(named) == 1:
        message = f"{limit.describe} can hold {goal.holds(reach)}"
        message += (f"; the {goal.noun} needs {need:,.2f} {limit.need_unit}" if need is not None
                    else f"; lifting it reaches the {goal.what}")
        return _Found(message, limit, need, named)
    if all(lim.about_storage for lim in named):
        # storage usable in time, in one sentence: caps (and their sum), build
        # times, the lead time; what the goal needs is storage in all
        caps = [lim for lim in named if lim.storage_cap_mb is not None]
        shorts = [lim.short for lim in named]
        if len(caps) > 1:
            shorts.insert(len(caps), f"{sum(lim.storage_cap_mb for lim in caps):,.0f} mb "
                                     "capped in all")
        need = float(solution.usable_capacity_mb.max()) if solution is not None else None
        message = (f"storage usable in time is short ({'; '.join(shorts)}) and can hold "
                   f"{goal.holds(reach)}; the {goal.noun} needs {need:,.2f} mb of storage: "
                   "lifting any one of " + ", ".join(one.limit.key for one in reaching)
                   + " reaches it")
        return _Found(message, limit, need, named)
    alone = [one.limit.key for one in reaching]
    message = (f"{_and([lim.describe for lim in named])} all bind and together can hold "
               f"{goal.holds(reach)}; lifting "
               + (f"{alone[0]} alone" if len(alone) == 1 else f"any one of {', '.join(alone)}")
               + f" reaches the {goal.what}")
    if need is not None:
        message += f" (it needs {need:,.2f} {limit.need_unit} of {limit.key})"
    return _Found(message, limit, need, named)


def _reached_together(goal: _Goal, reach: float, s: Scenario, limits: list[Limit],
                      best: _Lifted | None, deadline: float = math.inf,
                      untried: tuple = ()) -> _Found:
    """Words when no limit lifted alone reaches the goal: every limit is lifted,
    then restored one by one while the goal stays reachable (the drastic lifts,
    waiting longer and building faster, are restored first), which leaves a
    smallest set that binds together."""
    value, solution = goal.reach(_lift_all(s, limits)) if limits else (reach, None)
    if not limits or not goal.reaches(value):
        keys = ", ".join(lim.key for lim in limits) or "none"
        every = "every limit tried" if untried else "every limit"
        return _Found(f"{goal.what} is out of reach: the limits can hold {goal.holds(reach)}; "
                      f"even with {every} lifted ({keys}) it reaches {goal.holds(value)} "
                      "(look at hold_days, offset_share or producer_response, the elasticities "
                      "and private storage)")
    chosen = list(limits)
    cut_short = False
    for limit in sorted(limits, key=lambda lim: (lim.key != "lead_days",
                                                 not lim.key.endswith("build_days"))):
        if time.monotonic() > deadline:   # a set that binds, if not the smallest
            cut_short = True
            break
        trial = [lim for lim in chosen if lim is not limit]
        trial_value, trial_solution = goal.reach(_lift_all(s, trial))
        if goal.reaches(trial_value):
            chosen, solution = trial, trial_solution
    message = (f"{_and([lim.describe for lim in chosen])} bind together and can hold "
               f"{goal.holds(reach)}: no one of them lifted alone reaches the {goal.what}, "
               "lifting " + {1: "it", 2: "both"}.get(len(chosen), f"all {len(chosen)}")
               + " does")
    if best is not None:
        message += f" (lifting {best.limit.key} alone reaches {goal.holds(best.value)})"
    if cut_short:
        message += " (the diagnosis's time ran out before it tried fewer of them)"
    needs = _needs(chosen, solution)
    if needs:
        message += "; it needs " + ", ".join(needs)
    first = chosen[0]
    need = (float(first.need(solution)) if first.need is not None and solution is not None
            else None)
    return _Found(message, first, need, chosen)


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]

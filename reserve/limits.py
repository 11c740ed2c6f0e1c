"""The limits a scenario sets on what its reserve can do, each with how to lift it.

A target out of reach is out of reach because of some limit: a cap on fill
or release capacity, a storage option's cap or build time, the opening
stock, the lead time, commercial holders who trade against a known move.
:func:`limits_of` lists every limit a scenario sets, each as a
:class:`Limit` that can make the scenario with that limit lifted and can
read off an answer what the target needs of it. :mod:`reserve.diagnosis`
lifts them in turn to find the ones that bind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

from .problem import build_problem
from .scenario import Scenario, StorageOption
from .solution import Solution

#: A lift may build a model of at most this many periods, or this many times
#: the scenario's own, whichever is larger; beyond, it is skipped and said so.
LIFT_PERIODS_MAX = 1500
LIFT_PERIODS_FACTOR = 3


@dataclass
class Limit:
    """One limit of the scenario that may keep the target out of reach."""

    key: str                              # parameter name, as a user would --set it
    describe: str                         # the limit in words, with its value and unit
    lift: Callable[[Scenario], Scenario]  # a scenario with this limit lifted
    need_unit: str = ""
    need: Callable[[Solution], float] | None = None  # what the target needs of it
    short: str = ""                       # the limit in a few words, for a group
    storage_cap_mb: float | None = None   # a storage option's cap [mb]

    @property
    def about_storage(self) -> bool:
        """A limit on storage usable in time: a cap, a build time, the lead time."""
        return bool(self.short)


def _with_option(s: Scenario, k: int, **changes) -> Scenario:
    return replace(s, storage=tuple(replace(o, **changes) if i == k else o
                                    for i, o in enumerate(s.storage)))


def limits_of(s: Scenario, baseline=None) -> tuple[list[Limit], list[str]]:
    """Every limit worth lifting, and the lifts skipped (in words)."""
    limits: list[Limit] = []
    skipped: list[str] = []
    if not math.isinf(s.fill_rate_max_mbd):
        limits.append(Limit("fill_rate_max_mbd",
                            f"fill capacity {s.fill_rate_max_mbd:.2f} mb/d (fill_rate_max_mbd)",
                            lambda sc: sc.with_params(fill_rate_max_mbd=math.inf), "mb/d",
                            lambda sol: sol.fill_capacity_mbd))
    if not math.isinf(s.release_rate_max_mbd):
        limits.append(Limit("release_rate_max_mbd",
                            f"release capacity {s.release_rate_max_mbd:.2f} mb/d "
                            "(release_rate_max_mbd)",
                            lambda sc: sc.with_params(release_rate_max_mbd=math.inf), "mb/d",
                            lambda sol: sol.release_capacity_mbd))
    for k, o in enumerate(s.storage):
        if not math.isinf(o.capacity_max_mb):
            limits.append(Limit(f"storage.{o.name}.capacity_max_mb",
                                f"storage option {o.name} capped at {o.capacity_max_mb:g} mb "
                                f"(storage.{o.name}.capacity_max_mb)",
                                lambda sc, k=k: _with_option(sc, k, capacity_max_mb=math.inf),
                                "mb", lambda sol, k=k: float(sol.capacity_mb[k]),
                                f"{o.name} capped at {o.capacity_max_mb:g} mb",
                                o.capacity_max_mb))
        if o.build_days > 0:
            what = "to mobilize" if o.leased else "to build"
            limits.append(Limit(f"storage.{o.name}.build_days",
                                f"storage option {o.name} takes {o.build_days} days {what} "
                                f"(storage.{o.name}.build_days)",
                                lambda sc, k=k: _with_option(sc, k, build_days=0),
                                short=f"{o.name} takes {o.build_days} days {what}"))
    b = s.private_storage_response_mb_per_usd
    if b > 0:
        bound = s.off_window_impact_max_usd_per_bbl
        edge = (f", with the price outside the window held within {bound:g} USD/bbl "
                "(off_window_impact_max_usd_per_bbl): holders move it before a known "
                "rise" if bound == 0 else "")
        limits.append(Limit("private_storage_response_mb_per_usd",
                            f"commercial holders' response {b:g} mb per USD/bbl "
                            "(private_storage_response_mb_per_usd), who buy ahead of a "
                            "known rise and sell into the reserve ahead of a known fall"
                            + edge,
                            lambda sc: sc.with_params(private_storage_response_mb_per_usd=0.0),
                            "mb of storage without them",
                            lambda sol: float(sol.usable_capacity_mb.max())))
    if s.sign < 0:
        volume = abs(s.target_impact_usd_per_bbl) * s.hold_days * 100.0  # ample stock
        data = build_problem(s, baseline)
        in_window = data.in_window[:data.n_horizon]
        step = s.time_step_days

        def more_stock(sc: Scenario) -> Scenario:
            storage = sc.storage + (StorageOption(name="lifted_initial", existing_mb=volume,
                                                  capacity_max_mb=volume),)
            return replace(sc.with_params(initial_inventory_mb=sc.initial_inventory_mb + volume),
                           storage=storage)

        def window_release(sol: Solution) -> float:
            # the stock the window itself draws (what is sold before it is optional)
            return step * float((sol.release_mbd - sol.fill_mbd)[in_window].sum())

        limits.append(Limit("initial_inventory_mb",
                            f"initial inventory {s.initial_inventory_mb:g} mb "
                            "(initial_inventory_mb)", more_stock, "mb of stock at day 0",
                            window_release))
    elif s.initial_inventory_mb > 0:
        limits.append(Limit("initial_inventory_mb",
                            f"initial inventory {s.initial_inventory_mb:g} mb "
                            "(initial_inventory_mb) leaves too little room",
                            lambda sc: sc.with_params(initial_inventory_mb=0.0)))
    if baseline is not None:
        skipped.append("lead_days (a price path fixes the horizon's days)")
        return limits, skipped
    # Lifting the lead time makes the next storage option usable by the window
    # (a lowering target also gets a window's length to fill first); a longer
    # lead changes nothing else, so without either it is not a limit.
    step = s.time_step_days
    later = [o.build_days for o in s.storage if o.build_days > s.lead_days]
    extra = (min(later) - s.lead_days if later else 0) + (s.hold_days if s.sign < 0 else 0)
    if extra <= 0:
        return limits, skipped
    extra = -(-extra // step) * step
    periods = s.horizon_days // step
    lifted_periods = periods + extra // step
    if lifted_periods > max(LIFT_PERIODS_MAX, LIFT_PERIODS_FACTOR * periods):
        skipped.append(f"lead_days (lifting it by {extra:,} days would build a model of "
                       f"{lifted_periods:,} periods; set lead_days yourself to try)")
    else:
        limits.append(Limit("lead_days", f"lead time {s.lead_days} days (lead_days)",
                            lambda sc: sc.with_params(lead_days=sc.lead_days + extra),
                            short=f"the lead time is {s.lead_days} days"))
    return limits, skipped

"""How likely is a reserve to hold its band when prices wander? (`reserve risk`)

A design (storage capacity, fill and release rates, an opening stock) defends
a floor or a ceiling on many daily price paths, two ways side by side:

- **a causal rule**, which knows only today's price: below a floor it buys
  what lifts the price back to the floor, as far as its fill rate and free
  storage allow, and above the floor it sells back what it can without
  pushing the price under it (a ceiling is the mirror: sell above it, buy
  back below it). The band holds on day t when the supported price is within
  a cent of it; a path is held when every day is. Vectorized over paths with
  numpy: one step a day for all paths at once.
- **perfect foresight** per path: the least-cost schedule that knows the
  whole path (the LP of `reserve size` with the design as hard limits and
  the path as baseline): held when that LP is feasible. The gap between the
  two is what a rule without foresight costs in reliability.

The price answers the reserve as in the static linear model:
Delta p_t = beta_t (1 - offset_share) x_t, beta_t = P_t / (Q0 (eps_s - eps_d)).
The rule keeps daily steps and counts only the oil it trades; storage losses
and the costs of storage and trading are the LP's (foresight's) business.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import InputError
from .responses import offset_share
from .scenario import Scenario
from .schema import check_design_value

#: A day holds when the supported price misses the band by less than this [USD/bbl].
TOLERANCE_USD_PER_BBL = 0.01


@dataclass
class RuleResult:
    """The causal rule on every path: who held, when each first failed, the flows."""

    held: np.ndarray              # bool [paths]
    first_failure_day: np.ndarray  # int [paths], -1 when held
    defended_share: np.ndarray    # float [days]: share of paths not yet failed by day t
    oil_spend_musd: np.ndarray    # float [paths]: oil bought less oil sold, at supported prices
    end_stock_mb: np.ndarray      # float [paths]


@dataclass(frozen=True)
class Design:
    """A reserve as built, the input of the many-futures tools.

    ``capacity_mb`` is its storage [mb]: one number, or one a day (storage
    that becomes usable as it is built or rented); ``fill_rate_mbd`` and
    ``release_rate_mbd`` its fill and release capacity [mb/d];
    ``initial_mb`` its opening stock [mb].
    """

    capacity_mb: float | np.ndarray
    fill_rate_mbd: float
    release_rate_mbd: float
    initial_mb: float = 0.0


def price_slope(s: Scenario, prices: np.ndarray) -> np.ndarray:
    """beta_t (1 - sigma) [USD/bbl per mb/d] for each path-day, sigma the share other
    producers offset (reserve.responses.offset_share; a rule on many paths takes it
    from day 0, without a lag or a cartel's volume)."""
    return prices / (s.demand_mbd * (s.supply_elasticity - s.demand_elasticity)) * (
        1.0 - offset_share(s))


def causal_rule(s: Scenario, prices: np.ndarray, design: Design) -> RuleResult:
    """Run the rule of the module docstring with ``design`` on ``prices``
    [paths, days] (USD/bbl), for the scenario's floor or ceiling."""
    floor, ceiling = s.floor_usd_per_bbl, s.ceiling_usd_per_bbl
    fill_rate_mbd, release_rate_mbd = design.fill_rate_mbd, design.release_rate_mbd
    if (floor is None) == (ceiling is None):
        raise InputError("--floor", floor, "a floor or a ceiling (one of them)")
    if s.price_model != "linear" or s.dynamic:
        raise InputError("price_model", s.price_model, "linear, without long-run elasticities, "
                         "for the causal rule")
    if s.private_storage_response_mb_per_usd > 0:
        # holders trade on a foreseen future; a rule that sees none cannot meet
        # them, and its share held would not compare with foresight's
        raise InputError("private_storage_response_mb_per_usd",
                         s.private_storage_response_mb_per_usd,
                         "0 for the causal rule on many paths (commercial holders trade "
                         "on the future they foresee, which a rule does not see; a band "
                         "on one path with holders is `reserve size --floor/--ceiling "
                         "--price-path`)")
    paths, days = prices.shape
    room_mb = np.broadcast_to(np.asarray(design.capacity_mb, float), (days,))
    stock = np.full(paths, float(design.initial_mb))
    failed_on = np.full(paths, -1)
    spend = np.zeros(paths)
    for t in range(days):
        p = prices[:, t]
        b = price_slope(s, p)     # a day at a time: no second [paths, days] array
        if floor is not None:
            need = np.maximum(floor - p, 0.0) / b           # buy to lift p to the floor
            room = np.maximum(p - floor, 0.0) / b           # sell without going under it
            fill = np.minimum.reduce([need, np.full(paths, fill_rate_mbd), room_mb[t] - stock])
            release = np.where(need > 0, 0.0, np.minimum.reduce(
                [room, np.full(paths, release_rate_mbd), stock]))
        else:
            need = np.maximum(p - ceiling, 0.0) / b         # sell to bring p to the ceiling
            room = np.maximum(ceiling - p, 0.0) / b         # buy back without going over it
            release = np.minimum.reduce([need, np.full(paths, release_rate_mbd), stock])
            fill = np.where(need > 0, 0.0, np.minimum.reduce(
                [room, np.full(paths, fill_rate_mbd), room_mb[t] - stock]))
        fill, release = np.maximum(fill, 0.0), np.maximum(release, 0.0)
        stock = stock + fill - release
        supported = p + b * (fill - release)
        spend += (fill - release) * supported
        ok = (supported >= floor - TOLERANCE_USD_PER_BBL if floor is not None
              else supported <= ceiling + TOLERANCE_USD_PER_BBL)
        failed_on = np.where((failed_on < 0) & ~ok, t, failed_on)
    # the share of paths not yet failed after each day
    failures = np.cumsum(np.bincount(failed_on[failed_on >= 0], minlength=days))
    alive = (paths - failures) / paths
    return RuleResult(failed_on < 0, failed_on, alive, spend, stock)


#: The design's inputs by the API's argument names (the command line says its flags).
DESIGN_NAMES = {"band": "floor_usd_per_bbl", "capacity_mb": "capacity_mb",
                "initial_mb": "initial_mb", "fill_rate_mbd": "fill_rate_mbd",
                "release_rate_mbd": "release_rate_mbd"}


def check_design(s: Scenario, capacity_mb: float, fill_rate_mbd: float | None,
                 release_rate_mbd: float | None, initial_mb: float | None,
                 names: dict = DESIGN_NAMES) -> Design:
    """The design asked for: its fill and release rates [mb/d] (default: the
    scenario's caps) and opening stock [mb] (default: empty for a floor, full
    for a ceiling), refused with the input's name in ``names`` when out of range."""
    if (s.floor_usd_per_bbl is None) == (s.ceiling_usd_per_bbl is None):
        raise InputError(names["band"], s.floor_usd_per_bbl, "a floor or a ceiling (one of them)")
    capacity_mb = check_design_value(names["capacity_mb"], capacity_mb, volume=True)
    fill = s.fill_rate_max_mbd if fill_rate_mbd is None else check_design_value(
        names["fill_rate_mbd"], fill_rate_mbd, volume=False)
    release = s.release_rate_max_mbd if release_rate_mbd is None else check_design_value(
        names["release_rate_mbd"], release_rate_mbd, volume=False)
    opening = (initial_mb if initial_mb is not None
               else (0.0 if s.floor_usd_per_bbl is not None else capacity_mb))
    if not 0 <= opening <= capacity_mb:
        raise InputError(names["initial_mb"], opening,
                         f"between 0 and {names['capacity_mb']} ({capacity_mb:g})")
    for name, value in ((names["fill_rate_mbd"], fill), (names["release_rate_mbd"], release)):
        if not value >= 0 or not np.isfinite(value):
            raise InputError(name, value, "a finite number >= 0")
    return Design(capacity_mb, fill, release, opening)


def assess(s: Scenario, prices: np.ndarray, design: Design, foresight: bool = True,
           on_path=None, workers: int = 1, scheduler: str | None = None,
           security=None) -> tuple[dict, RuleResult]:
    """What `reserve risk` reports of a checked design (:func:`check_design`) on
    ``prices`` [paths, days]: the causal rule's held share, the 5th and 50th
    percentile of its first failing day (a whole day, one a path failed on),
    its expected oil spend and closing
    stock and, with ``foresight``, the share held with each path known (the
    paths shared out as :func:`foresight_holds` says). Returns the values by
    name and the rule's result."""
    rule = causal_rule(s, prices, design)
    failed = rule.first_failure_day[~rule.held]
    values = {"paths": prices.shape[0], "days": prices.shape[1],
              "held_share_causal_rule": float(rule.held.mean()),
              # whole days: the day some path failed on at or below the percentile
              "first_failure_day_p5": (int(np.percentile(failed, 5, method="lower"))
                                       if failed.size else None),
              "first_failure_day_p50": (int(np.percentile(failed, 50, method="lower"))
                                        if failed.size else None),
              "expected_oil_spend_musd": float(rule.oil_spend_musd.mean()),
              "expected_end_stock_mb": float(rule.end_stock_mb.mean())}
    if foresight:
        horizon = s.with_params(lead_days=0, tail_days=0, hold_days=prices.shape[1],
                                time_step_days=1)
        held = foresight_holds(horizon, prices, design, on_path, workers, scheduler, security)
        values["held_share_foresight"] = float(held.mean())
    return values, rule


def foresight_holds(s: Scenario, prices: np.ndarray, d: Design, on_path=None,
                    workers: int = 1, scheduler: str | None = None,
                    security=None) -> np.ndarray:
    """For each path, whether the design holds the scenario's band with the
    whole path known (the least-cost LP with the design as limits is feasible).

    Paths are independent: ``workers`` local processes or a Dask ``scheduler``
    (``security``: its TLS settings) share them out. ``on_path(done, total)``
    is told as each is solved.
    """
    from dataclasses import replace
    from functools import partial

    from .reach import reach_only
    from .solve import design_storage
    from .workers import solve_all
    # the design as impact mode reads it (one storage usable from day 0, its
    # rates as caps), the band kept as the thing to hold. Only whether a
    # schedule exists is asked, and costs do not change that (reach_only).
    design = replace(reach_only(s).with_params(
        initial_inventory_mb=d.initial_mb, fill_rate_max_mbd=d.fill_rate_mbd,
        release_rate_max_mbd=d.release_rate_mbd, rate_capex_usd_per_bbl_per_day=0.0),
        storage=design_storage(s, d.capacity_mb))
    held = np.zeros(prices.shape[0], bool)
    done = 0

    def record(i: int, result: bool) -> None:
        nonlocal done
        held[i] = result
        done += 1
        if on_path is not None:
            on_path(done, prices.shape[0])

    solve_all(partial(ForesightSolver, design), list(prices), workers, record, scheduler,
              security)
    return held


class ForesightSolver:
    """Whether ``design`` holds its band on one daily path, each path a warm re-solve."""

    def __init__(self, design: Scenario):
        from .sweep import Resolver
        self.design = design
        self.resolver = Resolver(design)

    def __call__(self, path: np.ndarray) -> bool:
        from .errors import TargetUnreachable
        step = self.design.time_step_days
        n = self.design.horizon_days // step
        # the path's daily prices as the per-period baseline of the model
        self.resolver.path = path[:n * step].reshape(n, step).mean(axis=1)
        try:
            self.resolver.solve(self.design, marginal=False)
        except TargetUnreachable:
            return False
        return True

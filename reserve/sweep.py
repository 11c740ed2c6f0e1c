"""Many solves of one model, fast: the engine behind sensitivity, uncertainty and batch.

A :class:`Resolver` keeps built models (:class:`reserve.session_cache.SessionCache`,
one per sparsity pattern, see reserve.formulation.Form.pattern). For each
scenario of a pattern it has seen it writes only the numbers that differ
into HiGHS's own model (bounds, costs, matrix coefficients, the premium's
weights) and re-solves warm from the last basis; a scenario of another
pattern (another horizon, other storage options, a MILP) gets a model of its
own. Every point gets the answer a separate `reserve size`
would give; a test checks that.

Points are independent, so they can also be spread over processes
(:func:`run_points` with ``workers``), each process holding its own Resolver.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np

from .errors import InputError, ReserveError, TargetUnreachable
from .pricepath import baseline_of
from .problem import build_problem
from .results import outputs
from .scenario import Scenario
from .validation import check_initial_inventory_fits
from .session_cache import SessionCache
from .solve import (Answer, feasible_least_cost, answered_target, check_window_cap,
                    marginal_cost)
from .workers import solve_all


@dataclass
class PointResult:
    """One sweep point: its outputs, or why it has none."""

    status: str                 # "ok", "infeasible", "error"
    outputs: dict
    message: str = ""
    owners: tuple = ()          # each owner's ledger line ([[owner]] tables), if any


#: Built models a Resolver keeps, one per structure (a batch or tornado that
#: alternates hold times re-solves each in place instead of rebuilding).
MODELS_KEPT = 8


class Resolver:
    """Size many scenarios, re-solving kept models in place (module docstring)."""

    def __init__(self, scenario: Scenario | None = None, path=None):
        #: the baseline price path: a PricePath (each scenario takes its own
        #: horizon of it), per-period prices, or None for a constant price
        self.path = path
        self.cache = SessionCache(kept=MODELS_KEPT)
        self.session = None
        self._lifted: Resolver | None = None

    @property
    def lifted(self) -> Resolver:
        """A resolver of its own for points with their caps lifted (:func:`needs_of`):
        successive lifted points re-solve warm from each other, not from the
        capped point's infeasible basis."""
        if self._lifted is None:
            self._lifted = Resolver(path=self.path)
        self._lifted.path = self.path
        return self._lifted

    @property
    def rebuilds(self) -> int:
        """Models built after the first."""
        return max(self.cache.builds - 1, 0)

    @property
    def timings(self):
        """Time spent in every model built, the lifted points' included."""
        total = self.cache.timings
        if self._lifted is not None:
            total.add(self._lifted.timings)
        return total

    @property
    def highs(self):
        """The HiGHS instance of the last point's model."""
        return self.session.highs

    def solve(self, scenario: Scenario, marginal: bool = True) -> Answer:
        """Size ``scenario`` as `reserve size` would, re-solving a kept model when it can;
        without ``marginal``, one solve fewer and the marginal cost NaN.

        Raises the errors `reserve size` would (InputError, TargetUnreachable
        without its diagnosis: a sweep reports the point as infeasible).
        """
        check_initial_inventory_fits(scenario)
        check_window_cap(scenario)
        baseline = baseline_of(self.path, scenario)
        data = build_problem(scenario, baseline)
        self.session = session = self.cache.session(data)
        if not feasible_least_cost(session, scenario, baseline):
            raise TargetUnreachable("target out of reach at this point")
        solution = session.solution()
        cost = marginal_cost(session, solution) if marginal else float("nan")
        return Answer("size", scenario, data, solution, answered_target(data), cost,
                      session.timings)


def solve_point(resolver: Resolver, scenario: Scenario, marginal: bool = True,
                reach: bool = True) -> PointResult:
    """One point's outputs, with the status a batch row or sweep row reports.

    A point out of reach still says what it needs (:func:`needs_of`): an
    analyst comparing points must see how far each is from the limits, not a
    blank. Without ``marginal`` the marginal cost is NaN, without ``reach`` the
    reachable impact of a point out of reach: a solve fewer each, for tables
    that show neither.
    """
    try:
        answer = resolver.solve(scenario, marginal=marginal)
    except TargetUnreachable:
        needs = needs_of(resolver, scenario, reach=reach)
        return PointResult("infeasible", needs, needs_words(needs))
    except ReserveError as err:
        return PointResult("error", {}, str(err))
    return PointResult("ok", {**outputs(answer), "beyond_limits": 0})


#: What an out-of-reach point reports, beside ``beyond_limits = 1``: the most
#: its limits hold, the limit that binds, and the answer with the scenario's
#: caps on storage and rates lifted.
NEED_COLUMNS = ("reachable_impact_usd_per_bbl", "binding_limit", "needed_storage_mb",
                "needed_fill_capacity_mbd", "needed_release_capacity_mbd",
                "needed_total_cost_musd")


def lifted(scenario: Scenario) -> Scenario:
    """``scenario`` with every cap on storage and on fill and release rates lifted."""
    from dataclasses import replace
    return replace(scenario.with_params(fill_rate_max_mbd=np.inf, release_rate_max_mbd=np.inf),
                   storage=tuple(replace(o, capacity_max_mb=np.inf) for o in scenario.storage))


def needs_of(resolver: Resolver, scenario: Scenario, reach: bool = True) -> dict:
    """The NEED_COLUMNS of a point out of reach (module docstring of NEED_COLUMNS);
    without ``reach``, the reachable impact is left NaN (one solve fewer)."""
    from .reach import max_impact
    needs: dict = {"beyond_limits": 1, **{c: np.nan for c in NEED_COLUMNS}, "binding_limit": ""}
    baseline = baseline_of(resolver.path, scenario)
    band = scenario.floor_usd_per_bbl is not None or scenario.ceiling_usd_per_bbl is not None
    if reach and not band and scenario.objective != "net-benefit":
        try:
            reach, _ = max_impact(scenario, baseline, cache=resolver.cache, schedule=False)
            needs["reachable_impact_usd_per_bbl"] = scenario.sign * reach
        except ReserveError:
            pass
    try:
        free = outputs(resolver.lifted.solve(lifted(scenario), marginal=False))
    except ReserveError:
        needs["binding_limit"] = "beyond lifted caps (build times, lead time or the market)"
        return needs
    needs.update(needed_storage_mb=free["storage_capacity_mb"],
                 needed_fill_capacity_mbd=free["fill_capacity_mbd"],
                 needed_release_capacity_mbd=free["release_capacity_mbd"],
                 needed_total_cost_musd=free["total_cost_musd"],
                 **{f"needed_capacity_mb_{o.name}": free.get(f"capacity_mb_{o.name}", 0.0)
                    for o in scenario.storage})
    binding = []
    if free["fill_capacity_mbd"] > scenario.fill_rate_max_mbd * (1 + 1e-7):
        binding.append("fill_rate_max_mbd")
    if free["release_capacity_mbd"] > scenario.release_rate_max_mbd * (1 + 1e-7):
        binding.append("release_rate_max_mbd")
    for o in scenario.storage:
        if free.get(f"capacity_mb_{o.name}", 0.0) > o.capacity_max_mb * (1 + 1e-7):
            binding.append(f"storage.{o.name}.capacity_max_mb")
    needs["binding_limit"] = " + ".join(binding) or "the caps together"
    return needs


def needs_words(needs: dict) -> str:
    """The message of a point out of reach, from its needs."""
    words = "target out of reach within the scenario's limits"
    if needs["binding_limit"]:
        words += f" ({needs['binding_limit']})"
    if np.isfinite(needs["needed_storage_mb"]):
        words += (f"; with the caps lifted it needs {needs['needed_storage_mb']:.1f} mb and "
                  f"{max(needs['needed_fill_capacity_mbd'], needs['needed_release_capacity_mbd']):.2f}"
                  " mb/d")
    return words


class PointSolver:
    """Solves point after point with one Resolver (made at the first point).

    ``path`` is the baseline price path (a PricePath, whose per-period
    baseline each point takes for its own horizon), or None.
    """

    #: Points remembered by their values: a draw from a few discrete choices
    #: (the literature presets) repeats the same scenario many times, and its
    #: answer does not change.
    REMEMBERED = 1_000

    def __init__(self, make_scenario: Callable[[dict], Scenario], path=None):
        self.make_scenario = make_scenario
        self.path = path
        self.resolver = None
        self.answers: dict = {}

    def __call__(self, point: dict) -> PointResult:
        key = _values_of(point)
        if key in self.answers:
            return self.answers[key]
        try:
            scenario = self.make_scenario(point)
        except InputError as err:
            return PointResult("error", {}, str(err))
        if self.resolver is None:
            self.resolver = Resolver(scenario, self.path)
        result = solve_point(self.resolver, scenario)
        if key is not None and len(self.answers) < self.REMEMBERED:
            self.answers[key] = result
        return result


def _values_of(point: dict):
    """A point's parameter values, without its labels (sample number, sweep
    name, tornado side), as a key; None when a value cannot be one."""
    try:
        key = tuple(sorted((k, v) for k, v in point.items()
                           if k not in ("sample", "sweep", "side")))
        hash(key)
    except TypeError:
        return None
    return key


def run_points(make_scenario: Callable[[dict], Scenario], points: list[dict],
               path=None, workers: int = 1,
               on_result: Callable[[int, PointResult], None] | None = None,
               scheduler: str | None = None, security=None) -> list[PointResult | None]:
    """Solve every point (a dict of parameter values); results by point.

    ``make_scenario`` turns a point into a Scenario (raising InputError for a
    bad one); ``on_result(i, result)`` is called as each finishes. With
    ``workers > 1`` the points are spread over local processes
    (:func:`reserve.workers.run_in_workers`); with ``scheduler`` (a Dask
    scheduler address, ``security`` its TLS settings) over that cluster. On
    an interrupt the results solved so far have been passed to ``on_result``
    and the interrupt goes on; the list returned holds None for a point not
    solved.
    """
    results: list[PointResult | None] = [None] * len(points)

    def record(i: int, result: PointResult) -> None:
        results[i] = result
        if on_result is not None:
            on_result(i, result)

    solve_all(partial(PointSolver, make_scenario, path), points, workers, record,
              scheduler, security)
    return results



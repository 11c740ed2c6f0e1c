"""Many solves of one model, fast: the engine behind sensitivity, uncertainty and batch.

A :class:`Resolver` builds the Pyomo model once, hands it to HiGHS once, and
for each further scenario of the same structure (reserve.model.structure)
writes only the numbers that differ into HiGHS's own model (bounds, costs,
matrix coefficients: reserve.model.slot_values) and re-solves warm from the
last basis. A scenario of another structure (another horizon, other storage
options, a MILP, the own-price QP) is solved by a fresh model, so every point
gets the answer a separate `reserve size` would give; a test checks that.

Points are independent, so they can also be spread over processes
(:func:`run_points` with ``workers``), each process holding its own Resolver.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import Callable

import highspy
import numpy as np

from .errors import InputError, ReserveError, SolverFailure, TargetUnreachable
from .model import net_flow_band, slot_components, slot_values, structure, variable_groups
from .problem import ProblemData, build_problem
from .results import outputs
from .scenario import Scenario, check_initial_inventory_fits
from .solve import (MARGINAL_STEP_USD_PER_BBL, Answer, Session, Timings, answered_target,
                    price_solution, size, solution_from_values)


@dataclass
class PointResult:
    """One sweep point: its outputs, or why it has none."""

    status: str                 # "ok", "infeasible", "error"
    outputs: dict
    message: str = ""


#: Built models a Resolver keeps, one per structure (a batch or tornado that
#: alternates hold times re-solves each in place instead of rebuilding).
MODELS_KEPT = 8
_MODEL_STATE = ("session", "highs", "structure", "slots", "columns", "size_form",
                "z_column", "impact_columns", "data", "_last")


class Resolver:
    """Re-solve one model for scenarios of the same structure (module docstring).

    It keeps up to MODELS_KEPT built models, one per structure, and switches
    to the one a scenario needs.
    """

    def __init__(self, scenario: Scenario, baseline_price_usd_per_bbl=None):
        self.baseline = baseline_price_usd_per_bbl
        self.timings = Timings()
        self.rebuilds = 0
        self._kept: dict[tuple, dict] = {}
        self._reset(scenario)

    def _switch(self, key: tuple, scenario: Scenario) -> None:
        """Make the model of structure ``key`` current: a kept one, or a new build."""
        self._kept[self.structure] = {name: getattr(self, name) for name in _MODEL_STATE}
        if key in self._kept:
            for name, value in self._kept.pop(key).items():
                setattr(self, name, value)
            return
        while len(self._kept) >= MODELS_KEPT:
            self._kept.pop(next(iter(self._kept)))   # the oldest goes
        self.rebuilds += 1
        self._reset(scenario)

    # -- set-up ------------------------------------------------------------------
    def _reset(self, scenario: Scenario) -> None:
        data = build_problem(scenario, self.baseline)
        self.session = Session(data, fixed_level=True)
        self.session.least_cost(data.target_level)   # hands the model to HiGHS
        self.highs: highspy.Highs = self.session.solver._solver_model
        self.highs.setOptionValue("output_flag", False)
        self.structure = structure(data)
        solver = self.session.solver
        col = lambda v: solver._pyomo_var_to_solver_var_map[id(v)]  # noqa: E731
        row = lambda c: solver._pyomo_con_to_solver_con_map[c]  # noqa: E731
        self.slots = {}
        for name, (kind, parts) in slot_components(self.session.model, data).items():
            if kind == "coef":
                index = (np.array([row(c) for c, _ in parts], dtype=np.int32),
                         np.array([col(v) for _, v in parts], dtype=np.int32))
            elif kind == "row_bounds":
                index = np.array([row(c) for c in parts], dtype=np.int32)
            else:
                index = np.array([col(v) for v in parts], dtype=np.int32)
            self.slots[name] = (kind, index)
        self.columns = {g: np.array([col(v) for v in vs], dtype=np.int32)
                        for g, vs in variable_groups(self.session.model).items()}
        m = self.session.model
        self.size_form = hasattr(m, "net_band")
        self.z_column = (col(m.window_level) if "bounds:window_level" in self.slots
                         else None)   # z is in no row of the size form, nor of a band alone
        self.impact_columns = (np.array([col(m.impact_usd_per_bbl[t]) for t in m.T], dtype=np.int32)
                               if data.dynamic else None)
        self.data = data
        self._last = {}

    # -- one point -------------------------------------------------------------------
    def _write(self, data: ProblemData) -> None:
        """Write the numbers of ``data`` that differ from the last ones into HiGHS."""
        h = self.highs
        for name, value in slot_values(data, self.slots).items():
            kind, index = self.slots[name]
            if name in self._last and _same(self._last[name], value):
                continue
            self._last[name] = value
            if kind == "col_cost":
                h.changeColsCost(len(index), index, np.asarray(value, float))
            elif kind == "col_bounds":
                lo, hi = (np.asarray(v, float) for v in value)
                h.changeColsBounds(len(index), index, lo, hi)
            elif kind == "row_bounds":
                lo, hi = (np.asarray(v, float) for v in value)
                h.changeRowsBounds(len(index), index, lo, hi)
            else:
                rows, cols = index
                for r, c, v in zip(rows.tolist(), cols.tolist(), np.asarray(value, float).tolist()):
                    h.changeCoeff(r, c, v)
        self.data = data

    def _run(self) -> str:
        start = time.perf_counter()
        before = self.highs.getRunTime()
        self.highs.run()
        self.timings.highs_s += self.highs.getRunTime() - before
        self.timings.solve_call_s += time.perf_counter() - start
        self.timings.solves += 1
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal"
        if status in (highspy.HighsModelStatus.kInfeasible,
                      highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return "infeasible"
        return f"failed ({self.highs.modelStatusToString(status)})"

    def _pin_level(self, data: ProblemData, level: float) -> None:
        """Hold the window at ``level``: the band rows (size form) or z's bounds.

        At the data's own target level the last written values are restored.
        """
        if self.size_form:
            band = (self._last["rows:net_band"] if level == data.target_level
                    else net_flow_band(data, level))
            index = self.slots["rows:net_band"][1]
            self.highs.changeRowsBounds(len(index), index, band[0], band[1])
        else:
            self.highs.changeColsBounds(1, np.array([self.z_column], dtype=np.int32),
                                        np.array([level]), np.array([level]))

    def _values(self) -> dict[str, np.ndarray]:
        x = np.asarray(self.highs.getSolution().col_value)
        return {g: x[idx] for g, idx in self.columns.items()}

    def solve(self, scenario: Scenario) -> Answer:
        """Size ``scenario``: in place when the structure allows, else by a fresh model.

        Raises the errors `reserve size` would (InputError, TargetUnreachable
        without its diagnosis: a sweep reports the point as infeasible).
        """
        check_initial_inventory_fits(scenario)
        data = build_problem(scenario, self.baseline)
        if data.premium_musd_per_mbd2 is not None:   # the QP keeps its Hessian: a separate solve
            self.rebuilds += 1
            return size(scenario, self.baseline, diagnose=False)
        key = structure(data)
        if key != self.structure:
            self._switch(key, scenario)
        self._write(data)   # after a rebuild this records every value written
        status = self._run()
        if status == "infeasible":
            raise TargetUnreachable("target out of reach at this point")
        if status != "optimal":
            raise SolverFailure(f"HiGHS {status}")
        values = self._values()
        impact = None
        if data.dynamic:
            impact = np.asarray(self.highs.getSolution().col_value)[self.impact_columns]
        solution = solution_from_values(data, values, data.target_level, impact)
        marginal = self._marginal(data, solution)
        return Answer("size", scenario, data, solution, answered_target(data), marginal,
                      self.timings)

    def _marginal(self, data: ProblemData, solution) -> float:
        """Cost of 0.1 USD/bbl more target (or floor, or less ceiling), re-solved
        warm, as solve.size computes it; NaN when that is out of reach."""
        step = MARGINAL_STEP_USD_PER_BBL
        if data.has_target:
            target = data.target_level if data.level_is_price else abs(
                data.scenario.target_impact_usd_per_bbl)
            self._pin_level(data, data.level_of_impact(target + step))
        else:
            name = "floor_usd_per_bbl" if data.floor_usd_per_bbl is not None else "ceiling_usd_per_bbl"
            moved = getattr(data, name) + (step if name == "floor_usd_per_bbl" else -step)
            self._move_band(data, name, moved)
        status = self._run()
        result = math.nan
        if status == "optimal":
            moved_cost = sum(price_solution(data, self._values()).values())
            result = (moved_cost - solution.total_cost_musd) / step
        if data.has_target:
            self._pin_level(data, data.target_level)
        else:
            self._move_band(data, name, getattr(data, name))
        return result

    def _move_band(self, data: ProblemData, name: str, value: float) -> None:
        """Set the floor or ceiling to ``value``: band rows (size form) or its variable."""
        if self.size_form:
            lo, hi = net_flow_band(replace(data, **{name: value}), data.target_level)
            index = self.slots["rows:net_band"][1]
            self.highs.changeRowsBounds(len(index), index, lo, hi)
        else:
            index = self.slots[f"bounds:{name.split('_')[0]}"][1]
            self.highs.changeColsBounds(1, index, np.array([value]), np.array([value]))


def _same(a, b) -> bool:
    if isinstance(a, tuple):
        return all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a, b))
    return np.array_equal(np.asarray(a), np.asarray(b))


def solve_point(resolver: Resolver, scenario: Scenario) -> PointResult:
    """One point's outputs, with the status a batch row or sweep row reports."""
    try:
        answer = resolver.solve(scenario)
    except TargetUnreachable as err:
        return PointResult("infeasible", {}, str(err))
    except ReserveError as err:
        return PointResult("error", {}, str(err))
    return PointResult("ok", outputs(answer))


def run_points(make_scenario: Callable[[dict], Scenario], points: list[dict],
               baseline=None, workers: int = 1,
               on_result: Callable[[int, PointResult], None] | None = None,
               scheduler: str | None = None) -> list[PointResult]:
    """Solve every point (a dict of parameter values) and return results in order.

    ``make_scenario`` turns a point into a Scenario (raising InputError for a
    bad one); ``on_result(i, result)`` is called as each finishes, in order.
    With ``workers > 1`` the points are split into contiguous blocks (warm
    starts stay good inside a block), one Resolver per process; with
    ``scheduler`` (a Dask scheduler address) the blocks go to that cluster.
    """
    if scheduler is not None:
        return _run_dask(make_scenario, points, baseline, scheduler, on_result)
    if workers > 1 and len(points) > 1:
        return _run_parallel(make_scenario, points, baseline, workers, on_result)
    results: list[PointResult] = []
    resolver = None
    for i, point in enumerate(points):
        try:
            scenario = make_scenario(point)
            if resolver is None:
                resolver = Resolver(scenario, baseline)
            result = solve_point(resolver, scenario)
        except InputError as err:
            result = PointResult("error", {}, str(err))
        results.append(result)
        if on_result is not None:
            on_result(i, result)
    return results


def _block(args):
    make_scenario, baseline, points = args
    return run_points(make_scenario, points, baseline, workers=1)


def map_in_blocks(solve_block, shared: tuple, items: list, workers: int):
    """Results of ``solve_block((*shared, block))`` over contiguous blocks of
    ``items`` in ``workers`` processes, yielded one item at a time, in order.

    Contiguous blocks keep neighbouring points together, so each process's
    model re-solves warm from a close basis.
    """
    import concurrent.futures as cf
    import multiprocessing as mp
    blocks = [b for b in np.array_split(np.arange(len(items)), workers) if len(b)]
    jobs = [(*shared, [items[i] for i in block]) for block in blocks]
    context = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for block_results in pool.map(solve_block, jobs):
            yield from block_results


def _run_dask(make_scenario, points, baseline, scheduler, on_result):
    """Blocks of points on an existing Dask cluster (the optional `distributed` package)."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--scheduler", scheduler, "a Dask cluster, with the optional "
                         "package installed: pip install 'reserve[dask]'") from None
    try:
        client = Client(scheduler, timeout=5)
    except (OSError, TimeoutError, ValueError) as err:
        raise InputError("--scheduler", scheduler, f"the address of a running Dask "
                         f"scheduler ({err})") from None
    with client:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        blocks = [b for b in np.array_split(np.arange(len(points)), 4 * n_workers) if len(b)]
        futures = client.map(_block, [(make_scenario, baseline, [points[i] for i in b])
                                      for b in blocks], pure=False)
        results: list[PointResult] = []
        for future in futures:   # in order, so rows keep the points' order
            for result in future.result():
                results.append(result)
                if on_result is not None:
                    on_result(len(results) - 1, result)
    return results


def _run_parallel(make_scenario, points, baseline, workers, on_result):
    results: list[PointResult] = []
    for result in map_in_blocks(_block, (make_scenario, baseline), points, workers):
        results.append(result)
        if on_result is not None:
            on_result(len(results) - 1, result)
    return results


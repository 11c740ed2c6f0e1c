"""Many solves of one model, fast: the engine behind sensitivity, uncertainty and batch.

A :class:`Resolver` keeps built models (:class:`reserve.session.SessionCache`,
one per structure, see reserve.model.structure). For each scenario of a
structure it has seen it writes only the numbers that differ into HiGHS's
own model (bounds, costs, matrix coefficients, the premium's Hessian:
reserve.model.slot_values) and re-solves warm from the last basis; a scenario
of another structure (another horizon, other storage options, a MILP) gets a
model of its own. Every point gets the answer a separate `reserve size`
would give; a test checks that.

Points are independent, so they can also be spread over processes
(:func:`run_points` with ``workers``), each process holding its own Resolver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .errors import InputError, ReserveError, TargetUnreachable
from .problem import build_problem
from .results import outputs
from .scenario import Scenario, check_initial_inventory_fits
from .session import SessionCache
from .solve import (Answer, _feasible_least_cost, answered_target, check_window_cap,
                    marginal_cost)


@dataclass
class PointResult:
    """One sweep point: its outputs, or why it has none."""

    status: str                 # "ok", "infeasible", "error"
    outputs: dict
    message: str = ""


#: Built models a Resolver keeps, one per structure (a batch or tornado that
#: alternates hold times re-solves each in place instead of rebuilding).
MODELS_KEPT = 8


class Resolver:
    """Size many scenarios, re-solving kept models in place (module docstring)."""

    def __init__(self, scenario: Scenario | None = None, baseline_price_usd_per_bbl=None):
        self.baseline = baseline_price_usd_per_bbl
        self.cache = SessionCache(kept=MODELS_KEPT)
        self.session = None

    @property
    def rebuilds(self) -> int:
        """Models built after the first."""
        return max(self.cache.builds - 1, 0)

    @property
    def timings(self):
        return self.cache.timings

    @property
    def highs(self):
        """The HiGHS instance of the last point's model."""
        return self.session.highs

    def solve(self, scenario: Scenario) -> Answer:
        """Size ``scenario`` as `reserve size` would, re-solving a kept model when it can.

        Raises the errors `reserve size` would (InputError, TargetUnreachable
        without its diagnosis: a sweep reports the point as infeasible).
        """
        check_initial_inventory_fits(scenario)
        check_window_cap(scenario)
        data = build_problem(scenario, self.baseline)
        self.session = session = self.cache.session(data)
        if not _feasible_least_cost(session, scenario, self.baseline):
            raise TargetUnreachable("target out of reach at this point")
        solution = session.solution()
        marginal = marginal_cost(session, solution)
        return Answer("size", scenario, data, solution, answered_target(data), marginal,
                      session.timings)


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


"""The Python API's many-solve questions: ``sensitivity`` and ``uncertainty``.

Part of :mod:`reserve.api` (which re-exports both), kept apart for size: the
one sequence of engine calls behind ``reserve sensitivity`` and ``reserve
uncertainty`` as well as the notebook calls of the same names.
"""

from __future__ import annotations

import math
from pathlib import Path

from . import arguments as arg
from .errors import InputError
from .scenario import Scenario


class Rows(list):
    """Rows of many solves (one dict a point: the varied values, every output
    by name, ``status`` and ``message``), with what they came from.

    ``points``: each point's inputs; ``results``: each point's result (its
    status and outputs); ``interrupt``: the Ctrl-C that stopped the run, when
    it was asked to keep the rows solved (a point not solved is "cancelled",
    so row N still answers point N); ``centre``: a tornado's base outputs,
    solved when first read.
    """

    points: list
    results: list
    fields: list | None = None     # a batch's columns, in the sheet's order
    interrupt: BaseException | None = None
    units: dict | None = None      # a batch's units row, each column's unit
    _centre = None

    def columns(self, first: list[str]) -> list[str]:
        """Column order for a file of these rows: ``first``, then every output
        met, then status and message."""
        from .analysis import columns_of
        return columns_of(self, first)

    @property
    def centre(self) -> dict:
        if callable(self._centre):
            self._centre = self._centre()
        return self._centre

    #: what draws these rows: set by the function that made them
    _figure = None

    def plot(self):
        """The figure ``--plot`` saves for the command these rows answer (a
        sweep, a grid, a tornado or an uncertainty's histograms), a
        matplotlib figure."""
        if self._figure is None:
            raise InputError("plot", "these rows", "rows of reserve.sensitivity or "
                             "reserve.uncertainty (a batch draws nothing)")
        return self._figure(self)


def solve_points(base: Scenario, points: list[dict], workers: int = 1,
                 scheduler: str | None = None, tls: tuple | None = None, progress=None,
                 keep_interrupted: bool = False) -> Rows:
    """Every point (a dict of parameter values over ``base``) solved, warm, on
    ``workers`` processes or a Dask ``scheduler`` (``tls``: its CA, certificate
    and key files, for a ``tls://`` one); ``progress(done, total, what)`` told
    of each."""
    from . import analysis
    from .sweep import PointResult, run_points
    security = cluster_security(scheduler, tls)
    results: list = [None] * len(points)
    done = 0

    def on_result(i, result):
        nonlocal done
        results[i] = result
        done += 1
        if progress is not None:
            progress(done, len(points), f"{done}/{len(points)} points")

    interrupt = None
    try:
        run_points(analysis.make_point_scenario(base), points, base.price_path, workers,
                   on_result, scheduler, security)
    except KeyboardInterrupt as stop:
        if not keep_interrupted:
            raise
        interrupt = stop
        cancelled = PointResult("cancelled", {}, "not solved: the run was interrupted")
        results = [r if r is not None else cancelled for r in results]
    rows = Rows(analysis.result_rows(points, results))
    rows.points, rows.results, rows.interrupt = points, results, interrupt
    return rows


def cluster_security(scheduler: str | None, tls: tuple | None):
    """Dask's TLS settings for ``scheduler`` from ``tls`` (CA, certificate, key
    files), or None for no cluster or a plain ``tcp://`` one."""
    if scheduler is None:
        return None
    from .workers import dask_security
    return dask_security(scheduler, *(tls or (None, None, None)))


def _varied(vary, grid: bool, s: Scenario) -> list[dict]:
    """Points of a sweep: ``vary`` as ``{"name": [values]}`` (checked in the
    API's words) or as ``NAME=LO:HI:N`` strings (in ``--vary``'s)."""
    from . import analysis
    if isinstance(vary, dict):
        varied = arg.sweep("vary", {k: _values(k, v) for k, v in vary.items()})
        for name, _ in varied:
            analysis.check_name(name, "vary")
        count = (math.prod(len(v) for _, v in varied) if grid
                 else sum(len(v) for _, v in varied))
        analysis.check_point_count(count, "vary")
        return analysis.sweep_points(varied, grid, s)
    if not (isinstance(vary, (list, tuple)) and vary and all(isinstance(v, str) for v in vary)):
        raise InputError("vary", vary if isinstance(vary, (list, tuple)) else
                         type(vary).__name__, 'a dict such as {"demand_elasticity": '
                         '[-0.2, -0.1]} or a list of "NAME=LO:HI:N" strings')
    varied = [analysis.parse_vary(str(v)) for v in vary]
    if grid and len(varied) < 2:
        raise InputError("grid", "one vary", "two or more parameters to vary")
    return analysis.sweep_points(varied, grid, s)


def _values(name, values):
    """One parameter's values as ``vary`` may give them: a list, one number,
    or ``"LO:HI:N"`` (or ``"V1,V2,..."``) as ``--vary`` reads them."""
    from .analysis import vary_values
    if isinstance(values, str):
        try:
            return vary_values(f"{name}={values}", "vary", scenario_names=False)[1]
        except InputError:
            raise InputError(f"vary[{name!r}]", values, "a list of values, one number, or "
                             "'LO:HI:N' (N a whole number >= 2), e.g. '-0.35:-0.03:9'"
                             ) from None
    if isinstance(values, (int, float)) and not isinstance(values, bool):
        return [values]
    return values


def sensitivity(scenario: Scenario | str | Path | None = None, *, vary=None,
                grid: bool = False, tornado: bool = False, span: float = 0.25,
                params: list[str] | None = None, workers: int = 1,
                scheduler: str | None = None, tls: tuple | None = None, progress=None,
                keep_interrupted: bool = False, **overrides) -> Rows:
    """Rows of a sweep (``vary={"demand_elasticity": [-0.2, -0.1]}``), a grid
    (``grid=True``: every combination) or a tornado (``tornado=True``: every
    numeric input, or ``params``, down and up by ``span``). Like ``reserve
    sensitivity``: a :class:`Rows` list, one dict a point."""
    from . import analysis
    grid, tornado = arg.flag("grid", grid), arg.flag("tornado", tornado)
    workers = arg.whole("workers", workers)
    s = arg.scenario("scenario", scenario, overrides)
    if tornado:
        if vary is not None or grid:
            raise InputError("tornado", True, "either a tornado or vary (and grid)")
        span = arg.number("span", span, 0, 1, what="a share between 0 and 1, e.g. 0.25")
        if not 0 < span < 1:
            raise InputError("span", span, "a share between 0 and 1, exclusive")
        points = analysis.tornado_points(s, span, list(params) if params else None)
    else:
        if vary is None:
            raise InputError("vary", vary, "at least one parameter to vary, or tornado=True")
        points = _varied(vary, grid, s)
    rows = solve_points(s, points, workers, scheduler, tls, progress, keep_interrupted)
    if tornado:
        rows._centre = lambda: analysis.centre_outputs(s, s.price_path)
        rows._figure = lambda r: _plot().tornado_figure(r, r.centre)
    else:
        rows._figure = lambda r: _plot().sweep_figure(r, s, grid)
    return rows


def _plot():
    """reserve.plot_sweeps, loaded (with matplotlib) when a figure is first asked for."""
    from . import plot_sweeps
    return plot_sweeps


def uncertainty(scenario: Scenario | str | Path | None = None, *, dist, samples: int = 200,
                seed: int | None = None, confidence: float | None = None, workers: int = 1,
                scheduler: str | None = None, tls: tuple | None = None, progress=None,
                keep_interrupted: bool = False, **overrides) -> dict:
    """Quantiles (``p5``, ``p50``, ``p95``) of every output over samples of the
    inputs in ``dist`` (``{"demand_elasticity": "uniform:-0.3:-0.1"}``, or
    ``NAME=KIND:ARGS`` strings), and the rows. Like ``reserve uncertainty``:
    ``{"quantiles", "rows", "samples"}`` (how many solved, how many need more
    than the limits, how many were bad inputs) and, with ``confidence`` (a
    share), ``"design"``: one design meeting the target in that share of the
    samples, its coverage checked."""
    from . import analysis
    samples = arg.whole("samples", samples)
    seed = arg.seed("seed", seed)
    workers = arg.whole("workers", workers)
    if confidence is not None:
        confidence = arg.number("confidence", confidence, what="a share in (0, 1], e.g. 0.9")
        if not 0 < confidence <= 1:
            raise InputError("confidence", confidence, "a share in (0, 1], e.g. 0.9")
    if isinstance(dist, dict) and dist and all(
            isinstance(k, str) and isinstance(v, str) for k, v in dist.items()):
        dists = [analysis.parse_dist(f"{name}={spec}")
                 for name, spec in dist.items()]
    elif isinstance(dist, (list, tuple)) and dist and all(isinstance(d, str) for d in dist):
        dists = [analysis.parse_dist(d) for d in dist]
    else:
        raise InputError("dist", dist if isinstance(dist, (str, list, tuple)) else
                         type(dist).__name__, 'a dict of parameter names to distributions, '
                         'e.g. {"demand_elasticity": "uniform:-0.3:-0.1"}')
    s = arg.scenario("scenario", scenario, overrides)
    analysis.check_point_count(samples, "samples")
    points = analysis.draw_samples(dists, samples, seed)
    rows = solve_points(s, points, workers, scheduler, tls, progress, keep_interrupted)
    rows._figure = lambda r: _plot().histograms_figure(r, s)
    results = rows.results
    counts = {"requested": samples, "solved": sum(r.status == "ok" for r in results),
              "infeasible": sum(r.status == "infeasible" for r in results),
              "error": sum(r.status == "error" for r in results)}
    out = {"quantiles": analysis.quantiles(rows, inputs=tuple(d.name for d in dists)),
           "rows": rows, "samples": counts,
           "names": [d.name for d in dists]}
    if confidence is not None and rows.interrupt is None:
        from .confidence import confidence_design
        design = confidence_design(
            s, points, results, confidence, s.price_path, workers,
            None if progress is None else
            (lambda i, _: progress(i + 1, len(points), f"checking the design: sample {i + 1}")))
        out["design"] = {**design.outputs, "confidence": confidence}
    return out

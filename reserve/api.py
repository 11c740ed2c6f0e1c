"""The Python API: what the command line does, for notebooks and scripts.

Every function takes a scenario (from :func:`load_scenario`, or None for the
default October 2008 question) and parameter overrides by their schema names
(``reserve params`` lists them, with units). Errors are
:class:`reserve.InputError` (naming the parameter), :class:`reserve.TargetUnreachable`
(with its diagnosis) and :class:`reserve.SolverFailure`.

>>> import reserve
>>> sc = reserve.load_scenario("us-spr-2022")
>>> a = reserve.size(sc, target_impact_usd_per_bbl=-5, hold_days=90)
>>> round(a.outputs["storage_capacity_mb"], 1)
713.5
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from . import arguments as arg
from .errors import InputError
from .api_sweeps import Rows, cluster_security, sensitivity, uncertainty
from .api_runs import impact_design, save_run, save_unreachable, scenario_toml
from .scenario import Scenario, build_scenario, with_overrides

__all__ = ["load_scenario", "question", "parse_set", "size", "report", "impact",
           "sensitivity", "uncertainty", "Rows", "batch", "draw_paths", "read_paths",
           "assess_risk", "size_reliable", "equilibrium", "equilibrium_size_for",
           "save_run", "save_unreachable", "scenario_toml", "compare", "impact_design"]


def load_scenario(source: str | Path | None = None, price_path: str | Path | None = None,
                  **overrides) -> Scenario:
    """A scenario: a shipped name (``"us-spr-2022"``), a ``.toml``/``.csv`` file,
    or None for the default (October 2008), with ``overrides`` by parameter
    name (``demand_elasticity=-0.2``, ``**{"storage.leased_tanks.capacity_max_mb": 80}``).

    ``price_path`` (a CSV of ``day,price_usd_per_bbl`` or
    ``date,price_usd_per_bbl``) becomes part of the scenario: every answer
    from it uses that baseline.
    """
    arg.source("source", source)
    arg.file_name("price_path", price_path, optional=True)
    return question(source, overrides, price_path=price_path)


def question(source: str | Path | None = None, overrides: dict | None = None,
             options: dict | None = None, *, unwind: bool = False,
             price_path: str | Path | None = None) -> Scenario:
    """A scenario in the command line's layers: the file ``source``, then
    ``overrides`` (as ``--set`` gives them), then the command's own
    ``options`` (None: as the file says); ``unwind`` last (the stock ends where
    it began), then the ``price_path`` file as its baseline."""
    s = build_scenario(source, dict(overrides or {}), dict(options or {}))
    if unwind:
        s = with_overrides(s, {"end_inventory_max_mb": s.initial_inventory_mb})
    if price_path is not None:
        from .pricepath import read_price_path
        s = replace(s, price_path=read_price_path(price_path))
    return s


def parse_set(items) -> dict[str, str]:
    """``NAME=VALUE`` strings (``--set``) as overrides by name."""
    from .scenario import parse_set as parse
    return parse(items)


def _scenario(scenario: Scenario | str | Path | None, overrides: dict) -> Scenario:
    return arg.scenario("scenario", scenario, overrides)


def _baseline(scenario: Scenario):
    from .pricepath import baseline_of
    return baseline_of(scenario.price_path, scenario)


def size(scenario: Scenario | str | Path | None = None, *, time_limit_s: float | None = None,
         progress=None, range: bool = False, **overrides):
    """The least-cost reserve (or, with ``objective="net-benefit"``, the best
    for its owner): an :class:`reserve.solve.Answer` with ``outputs``,
    ``schedule``, ``sentence`` and ``to_frame()``. Like ``reserve size``.
    ``progress(done, total, what)`` is told of a diagnosis's re-solves, and of
    the range's cells. ``range=True`` also re-solves the question across the
    contested inputs (``answer.range``, a :class:`reserve.spread.Range`:
    elasticity pairs x commercial holders off/on x producer responses)."""
    from .solve import size as solve_size
    time_limit_s = arg.time_limit("time_limit_s", time_limit_s)
    s = _scenario(scenario, overrides)
    answer = solve_size(s, _baseline(s), time_limit_s=time_limit_s, progress=progress)
    if range:
        from .spread import answer_range
        answer.range = answer_range(s, s.price_path, progress)
    return answer


def report(scenario: Scenario | str | Path | None = None, *, source: str | Path | None = None,
           changed: dict | None = None, command: list[str] | None = None, progress=None,
           **overrides) -> str:
    """``reserve report``'s HTML page for a scenario: the answer, its tornado,
    its range over the contested inputs (``reserve size --range``), the
    assumptions (``source``: the scenario file or name they came from;
    ``changed``: the values shown as set by hand, default ``overrides``) and
    the ``command`` that reproduces it. A target out of reach raises
    :class:`reserve.TargetUnreachable` whose ``report`` is the page of the
    diagnosis and the range (the command line writes it and exits 3)."""
    from .errors import TargetUnreachable
    from .report import build_report, build_unreachable, tornado_for
    from .spread import answer_range
    s = _scenario(scenario, overrides)
    shown = {k: v for k, v in (overrides if changed is None else changed).items()
             if v is not None}
    command = command or ["reserve", "size"]
    try:
        answer = size(s, progress=progress, range=True)
    except TargetUnreachable as error:
        error.report = build_unreachable(s, str(error), answer_range(s, s.price_path, progress),
                                         source, shown, command)
        raise
    return build_report(answer, tornado_for(s, s.price_path), source, shown, command)


def impact(scenario: Scenario | str | Path | None = None, *, capacity_mb: float,
           fill_rate_mbd: float | None = None, release_rate_mbd: float | None = None,
           direction: str = "raise", time_limit_s: float | None = None, **overrides):
    """The largest impact a given design holds over the window. Like ``reserve impact``."""
    from .solve import impact as solve_impact
    capacity_mb = arg.design("capacity_mb", capacity_mb, volume=True)
    fill_rate_mbd = arg.design("fill_rate_mbd", fill_rate_mbd, volume=False, optional=True)
    release_rate_mbd = arg.design("release_rate_mbd", release_rate_mbd, volume=False,
                                  optional=True)
    time_limit_s = arg.time_limit("time_limit_s", time_limit_s)
    s = _scenario(scenario, overrides)
    answer = solve_impact(s, capacity_mb, fill_rate_mbd, release_rate_mbd, direction,
                          _baseline(s), time_limit_s=time_limit_s)
    answer.arguments = {"capacity_mb": capacity_mb, "fill_rate_mbd": fill_rate_mbd,
                        "release_rate_mbd": release_rate_mbd, "direction": direction}
    answer.asked = s
    return answer


def compare(a, b, *, time_limit_s: float | None = None, progress=None):
    """Two runs or scenarios side by side, like ``reserve compare A B``: a
    :class:`reserve.compare.Comparison` whose ``rows`` give each input and
    output with its unit, both values, B − A and whether they differ. A run
    file (``save_run``, ``-o run.json``) brings its own outputs; a scenario (a
    shipped name, a file or a Scenario) is answered as :func:`size` answers it
    (``progress(done, total, what)`` is told of each side)."""
    from .api_runs import compare_sides
    time_limit_s = arg.time_limit("time_limit_s", time_limit_s)
    return compare_sides(a, b, lambda s: size(s, time_limit_s=time_limit_s), progress)


def batch(sheet: str | Path, workers: int = 1, progress=None,
          keep_interrupted: bool = False) -> Rows:
    """One row of answers per row of a sheet (CSV or ``.xlsx``). Like ``reserve
    batch``: :class:`Rows`, with ``fields`` the sheet's columns then the
    answers'; on Ctrl-C with ``keep_interrupted`` the rows answered so far and
    the ``interrupt`` (the rest marked cancelled). A sheet's units row (as
    ``reserve template batch`` writes it) is no run: it comes back as
    ``rows.units``, each column's unit, outputs' included."""
    from .batches import UNITS_STATUS, run_batch
    sheet = arg.file_name("sheet", sheet)
    workers = arg.whole("workers", workers)
    columns, answered, interrupt = run_batch(
        sheet, workers, None if progress is None else
        (lambda done, total: progress(done, total, f"row {done}")))
    if interrupt is not None and not keep_interrupted:
        raise interrupt
    units = answered.pop(0) if answered and answered[0]["status"] == UNITS_STATUS else None
    rows = Rows(answered)
    rows.fields, rows.interrupt, rows.units = columns, interrupt, units
    return rows


def paths_table(paths) -> tuple[list[dict], list[str]]:
    """Drawn paths [paths, days] as rows (a day each, a column a path) and columns."""
    from .paths import paths_rows
    return paths_rows(_drawn(paths))


def paths_figure(paths, scenario: Scenario | str | Path | None = None, *,
                 method: str = "bootstrap", disruption_mbd: float = 0.0,
                 p_disrupt: float = 1 / 3650, p_recover: float = 1 / 180):
    """A fan chart of drawn paths from the scenario's price, beside the history
    (a matplotlib figure): what ``reserve paths --plot`` draws."""
    from .paths import Disruptions, fan_figure
    s = _scenario(scenario, {})
    return fan_figure(_drawn(paths), s.price_usd_per_bbl, method,
                      Disruptions(disruption_mbd, p_disrupt, p_recover))


def _drawn(paths):
    """Paths as draw_paths returns them: any 2-D array of numbers [paths, days]
    (drawn paths may wander below the prices a user may give)."""
    import numpy as np
    try:
        array = np.asarray(paths, float)
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 2 or array.size == 0:
        raise InputError("paths", type(paths).__name__, "a 2-D array of prices [paths, days]")
    return array


def read_paths(path: str | Path):
    """Price paths [paths, days] from a ``reserve paths`` file (wide or long)."""
    from .pathfile import read_paths as read
    return read(arg.file_name("prices", path), "prices")


def draw_paths(scenario: Scenario | str | Path | None = None, *, n_paths: int = 100,
               days: int | None = None, method: str = "bootstrap", seed: int | None = None,
               block_days: float = 20.0, since: int | None = None,
               disruption_mbd: float = 0.0, p_disrupt: float = 1 / 3650,
               p_recover: float = 1 / 180, **overrides):
    """Daily price paths [paths, days + 1] (USD/bbl) from the Brent history,
    starting at the scenario's price (``days`` default: its horizon), with
    optional disruption regimes. Like ``reserve paths``."""
    from .paths import Disruptions, generate
    n_paths = arg.whole("n_paths", n_paths)
    days = arg.whole("days", days, optional=True)
    seed = arg.seed("seed", seed)
    since = arg.whole("since", since, 1900, optional=True)
    block_days = arg.number("block_days", block_days, 1, what="a mean block length >= 1 day")
    disruption_mbd, p_disrupt, p_recover = (
        arg.number(name, value, what="a number") for name, value in
        (("disruption_mbd", disruption_mbd), ("p_disrupt", p_disrupt),
         ("p_recover", p_recover)))
    if not isinstance(method, str):
        raise InputError("method", method, "one of: bootstrap, mean-reverting")
    s = _scenario(scenario, overrides)
    regimes = Disruptions(disruption_mbd, p_disrupt, p_recover)
    regimes.check()
    drawn = generate(method, s.price_usd_per_bbl, s.horizon_days if days is None else days,
                     n_paths, seed, block_days, since)
    return regimes.apply(drawn, s, seed)


def assess_risk(scenario: Scenario | str | Path | None = None, *, prices,
                capacity_mb: float, fill_rate_mbd: float | None = None,
                release_rate_mbd: float | None = None, initial_mb: float | None = None,
                foresight: bool = True, workers: int = 1, scheduler: str | None = None,
                tls: tuple | None = None, progress=None, **overrides) -> dict:
    """How often a design holds the scenario's floor or ceiling on ``prices``
    [paths, days] (from :func:`draw_paths`, or a ``reserve paths`` file's name): the
    causal rule's share and, with ``foresight``, the share with each path
    known, by the names ``reserve risk --format json`` uses, and the rule's
    day-by-day result as ``"rule"``. Like ``reserve risk``."""
    from .pathfile import read_paths
    from .risk import assess, check_design
    capacity_mb = arg.design("capacity_mb", capacity_mb, volume=True)
    fill_rate_mbd = arg.design("fill_rate_mbd", fill_rate_mbd, volume=False, optional=True)
    release_rate_mbd = arg.design("release_rate_mbd", release_rate_mbd, volume=False,
                                  optional=True)
    initial_mb = arg.design("initial_mb", initial_mb, volume=True, optional=True)
    foresight = arg.flag("foresight", foresight)
    workers = arg.whole("workers", workers)
    prices = read_paths(prices, "prices") if isinstance(prices, (str, Path)) else \
        arg.prices("prices", prices)
    s = _scenario(scenario, overrides)
    design = check_design(s, capacity_mb, fill_rate_mbd, release_rate_mbd, initial_mb)
    values, rule = assess(s, prices, design, foresight,
                          None if progress is None else
                          (lambda i, n: progress(i, n, f"path {i}")),
                          workers, scheduler,
                          cluster_security(scheduler, tls) if foresight else None)
    return {**values, "rule": rule}


def size_reliable(scenario: Scenario | str | Path | None = None, *, prices,
                  reliability: float, time_limit_s: float | None = None, progress=None,
                  **overrides):
    """One design held on ``reliability`` of the paths ``prices`` [paths, days]
    (or a ``reserve paths`` file's name) at least expected cost: a
    :class:`reserve.reliability.ReliableDesign` with ``outputs()``,
    ``schedule_rows()`` and ``sentence()``. Like ``reserve size --reliability``."""
    from .reliability import size_reliable as solve_reliable
    from .pathfile import read_paths
    time_limit_s = arg.time_limit("time_limit_s", time_limit_s)
    reliability = arg.number("reliability", reliability, what="a share in (0, 1], e.g. 0.9")
    prices = read_paths(prices, "prices") if isinstance(prices, (str, Path)) else \
        arg.prices("prices", prices)
    s = _scenario(scenario, overrides)
    return solve_reliable(s, prices, reliability, time_limit_s, progress)


def equilibrium(calibration: str | Path = "recs-sto2", *, years: int = 20, paths: int = 1000,
                seed: int = 0, progress=None, **overrides):
    """The storage equilibrium with rational speculators (a floor or a band
    defended by a public stock): rules, simulated paths and figures. Like
    ``reserve equilibrium``.

    ``calibration``: a shipped name (``recs-sto1``, ``recs-sto2``,
    ``recs-sto4``, ``recs-crude-2008``) or a TOML file with an
    ``[equilibrium]`` table; ``overrides`` by its names (``floor=1.05``).
    Returns a :class:`reserve.equilibrium_runs.EquilibriumAnswer`.
    """
    from .equilibrium_runs import EquilibriumAnswer, load_calibration
    years = arg.whole("years", years, 1, 1000)
    paths = arg.whole("paths", paths, 1, 100_000)
    seed = arg.whole("seed", seed, 0, 2**32 - 1)
    return EquilibriumAnswer(load_calibration(calibration, overrides), years, paths, seed,
                             progress)


def equilibrium_calibration(calibration: str | Path = "recs-sto2", **overrides):
    """The :class:`reserve.storage_equilibrium.Calibration` ``reserve
    equilibrium -c calibration --set ...`` solves, checked."""
    from .equilibrium_runs import load_calibration
    return load_calibration(calibration, overrides)


def policy(source: str | Path = "teisberg-1981", *, method: str = "lp", **overrides):
    """The reserve as insurance (Teisberg 1981, the GAMS library's MARKOV): the
    optimal fill-and-draw policy of a Markov decision process, solved as its
    LP in HiGHS (``method="lp"``) or by value iteration (``"vi"``). Like
    ``reserve policy``; ``overrides`` by name, values as numbers, lists or
    TOML text (``discount=0.9``, ``lost_supply=[0, 20]``). Returns a
    :class:`reserve.policy.PolicyAnswer` (``figures()``, ``policy_rows()``)."""
    from .policy_runs import load_policy, solve_policy
    return solve_policy(load_policy(source, overrides), method)


def policy_sweep(source: str | Path = "teisberg-1981", *, vary: str, method: str = "lp",
                 progress=None, **overrides) -> list[dict]:
    """The policy's figures (mean level, the reserve's value, ...) at each
    value of ``vary`` (``"p_disrupt=0:0.5:11"``), one dict a value. Like
    ``reserve policy --sweep``."""
    from .policy_runs import sweep_policy
    return sweep_policy(source, overrides, vary, method, progress)


def policy_uncertainty(source: str | Path = "teisberg-1981", *, dist: list[str],
                       samples: int = 100, seed: int | None = 0, method: str = "lp",
                       progress=None, **overrides) -> tuple[list[dict], dict]:
    """The optimal policy over ``samples`` draws of uncertain inputs, ``dist``
    as ``reserve uncertainty`` reads them (``["p_disrupt=uniform:0.1:0.3"]``):
    one row a sample, and the 5th, 50th and 95th percentiles of the mean
    level, the objective and the reserve's worth. Like ``reserve policy
    --samples N --dist ...``."""
    from .policy_runs import sample_policy
    if isinstance(dist, str):
        dist = [dist]
    samples = arg.whole("samples", samples, 1, 100_000)
    seed = None if seed is None else arg.whole("seed", seed, 0, 2**32 - 1)
    return sample_policy(source, overrides, list(dist), samples, seed, method, progress)


def equilibrium_size_for(calibration: str | Path = "recs-sto2", *, probability: float,
                         years: int = 20, paths: int = 1000, seed: int = 0, progress=None,
                         **overrides) -> float:
    """The least public stock (normalized) with which the calibration's floor
    survives ``years`` with at least ``probability``. Like ``reserve
    equilibrium --size-for P``."""
    from .equilibrium_runs import load_calibration, size_for
    return size_for(load_calibration(calibration, overrides),
                    *_sizing(probability, years, paths, seed), progress)


def equilibrium_sizes(calibration: str | Path = "recs-crude-2008", *, probability: float,
                      years: int = 20, paths: int = 1000, seed: int = 0, progress=None,
                      **overrides) -> dict:
    """The public stock [mb] with which a crude calibration's floor survives
    ``years`` with ``probability``, three ways on the same shocks: the
    equilibrium with holders who foresee the floor's end, and ``reserve
    risk``'s causal rule and perfect foresight on the market's paths without
    it (:mod:`reserve.equilibrium_compare`). Like ``reserve equilibrium
    --size-for P`` on a crude calibration."""
    from .equilibrium_compare import compare_sizes
    from .equilibrium_runs import load_calibration
    return compare_sizes(load_calibration(calibration, overrides),
                         *_sizing(probability, years, paths, seed), progress)


def _sizing(probability, years, paths, seed) -> tuple[float, int, int, int]:
    """The checked probability, years, paths and seed of a ``--size-for``."""
    return (arg.number("probability", probability, 1e-6, 1.0),
            arg.whole("years", years, 1, 1000), arg.whole("paths", paths, 1, 100_000),
            arg.whole("seed", seed, 0, 2**32 - 1))


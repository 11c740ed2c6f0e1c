"""The ``reserve`` command line (typer): data to stdout, messages to stderr.

Exit codes (README, "Exit codes"): 0 answered; 2 bad input or usage; 3 target
out of reach (with a diagnosis); 4 the solver failed or hit its time limit;
1 anything unexpected. No traceback is shown unless ``--debug`` is given.
"""

from __future__ import annotations

import math
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Callable, List, Optional

import typer

from .errors import EXIT_UNEXPECTED, InputError, ReserveError, Terminated

app = typer.Typer(
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Size a strategic crude-oil reserve that moves the world price by a target "
         "amount, at least cost. Start with: reserve size --target-impact 5")

_state = {"debug": False, "csv_dialect": "comma"}


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class ParamsFormat(str, Enum):
    table = "table"
    csv = "csv"
    toml = "toml"


class Objective(str, Enum):
    least_cost = "least-cost"
    net_benefit = "net-benefit"


class Direction(str, Enum):
    raise_ = "raise"
    lower = "lower"


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors."),
          csv_dialect: str = typer.Option(
              "comma", "--csv-dialect", metavar="comma|semicolon",
              help="CSV written: comma (',' between cells, '.' in decimals) or semicolon "
                   "(';' and decimal commas, for comma-decimal locales).")):
    _state["debug"] = debug
    if csv_dialect not in ("comma", "semicolon"):
        _err(f"error: --csv-dialect = {csv_dialect!r}: one of: comma, semicolon")
        raise typer.Exit(2)
    _state["csv_dialect"] = csv_dialect


def _dialect() -> str:
    return _state["csv_dialect"]


def _check_outputs(schedule=None, output=None, rows=None) -> None:
    """Refuse output names reserve cannot write before any solving."""
    from .sheets import check_table_path
    check_table_path(schedule, "--schedule")
    check_table_path(output, "--output", (".json",))
    check_table_path(rows, "-o")


def _write_table(rows: list, columns: list, path, option: str) -> None:
    """Rows to ``path`` as its name asks (.csv in the --csv-dialect, or .xlsx)."""
    from .files import write_output
    from .sheets import table_file
    data = table_file(rows, columns, path, option, _dialect())
    with _writing(option, path):
        write_output(path, data)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _console():
    """A rich console for stdout; wide when piped, so names are not folded."""
    from rich.console import Console
    return Console(width=None if sys.stdout.isatty() else 200, soft_wrap=False)


def _guarded(body: Callable[[], int | None]) -> None:
    """Run a command body, turning errors into one message and an exit code."""
    try:
        code = body() or 0
    except ReserveError as err:
        if _state["debug"]:
            raise
        prefix = "error" if err.exit_code != 3 else "target out of reach"
        _err(f"{prefix}: {err}")
        code = err.exit_code
    except KeyboardInterrupt as err:
        terminated = isinstance(err, Terminated)
        _err("terminated" if terminated else "interrupted")
        code = 143 if terminated else 130
    except Exception as err:  # noqa: BLE001 - the last line of defence
        if _state["debug"]:
            raise
        _err(f"unexpected error: {type(err).__name__}: {err} (run `reserve --debug ...` "
             "for the traceback)")
        code = EXIT_UNEXPECTED
    raise typer.Exit(code)


@contextmanager
def _progress_bar(title: str):
    """A rich progress bar on stderr, shown from the first step reported.

    Yields a callback ``(done, total, what)``; transient, and silent when
    stderr is not a terminal.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn(title + ": {task.description}"), BarColumn(),
                   TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=True,
                   # no drawing thread and no stand-ins for sys.stdout/stderr:
                   # a solver that captures the process's output must find the
                   # real ones (with stand-ins, the hand-off to HiGHS hung)
                   auto_refresh=False, redirect_stdout=False, redirect_stderr=False)
    task = None

    def update(done: int, total: int, what: str) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task(what, total=total)
        bar.update(task, completed=done, description=what, refresh=True)

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()


# -- shared options ------------------------------------------------------------

ScenarioOpt = typer.Option(None, "--scenario", "-s",
                           help="Scenario file (.toml or name,value .csv); default: "
                                "models/sechin-2008.toml (October 2008).")
SetOpt = typer.Option(None, "--set", metavar="NAME=VALUE",
                      help="Override a parameter (repeatable); storage options as "
                           "storage.NAME.FIELD=VALUE. See `reserve params`.")
HoldOpt = typer.Option(None, "--hold-days", help="Days the impact must hold [d].")
FormatOpt = typer.Option(OutputFormat.table, "--format", "-f", help="Output format.")
ScheduleOpt = typer.Option(None, "--schedule", metavar="FILE.csv|FILE.xlsx",
                           help="Write the daily fill/release schedule (CSV or an .xlsx "
                                "workbook).")
ResultsOpt = typer.Option(None, "--output", "-o", metavar="FILE.csv|.xlsx|.json",
                          help="Also write the results to a file (CSV, .xlsx or JSON).")
TimeLimitOpt = typer.Option(None, "--time-limit", help="HiGHS time limit [s] (exit 4 when hit).")
PathOpt = typer.Option(None, "--price-path", metavar="FILE.csv",
                       help="Baseline prices over time: CSV day,price_usd_per_bbl or "
                            "date,price_usd_per_bbl (day 0 = first row).")
SchedulerOpt = typer.Option(None, "--scheduler", metavar="ADDRESS",
                            help="Run the points on an existing Dask cluster: tls://host:8786 "
                                 "with the --tls-* files (or Dask's configuration), or "
                                 "tcp://host:8786 on a trusted network only (needs pip "
                                 "install 'reserve[dask]').")
TlsCaOpt = typer.Option(None, "--tls-ca-file", metavar="CA.pem",
                        help="Certificate authority that signed the tls:// cluster's certificates.")
TlsCertOpt = typer.Option(None, "--tls-cert", metavar="CERT.pem",
                          help="This client's certificate for a tls:// cluster.")
TlsKeyOpt = typer.Option(None, "--tls-key", metavar="KEY.pem",
                         help="This client's private key for a tls:// cluster.")
TargetOpt = typer.Option(None, "--target-impact", "-t", metavar="USD|PCT%",
                         help="Signed price move to hold [USD/bbl]: 5 raises by $5, -5 lowers, "
                              "5% is percent of the baseline price.")
FloorOpt = typer.Option(None, "--floor", metavar="USD",
                        help="Price floor [USD/bbl] in every period (replaces the target).")
CeilingOpt = typer.Option(None, "--ceiling", metavar="USD",
                          help="Price ceiling [USD/bbl] in every period.")
ObjectiveOpt = typer.Option(None, "--objective",
                            help="least-cost (default): the cheapest reserve that holds the "
                                 "target; net-benefit: the reserve best for its owner "
                                 "(no target; see the ledger parameters).")
UnwindOpt = typer.Option(False, "--unwind",
                         help="Sell back what was bought within the horizon "
                              "(end_inventory_max_mb = initial_inventory_mb); give tail_days "
                              "for the sale.")
PlotOpt = typer.Option(None, "--plot", metavar="FILE.png|.svg|.pdf",
                       help="Draw baseline and supported price, fill/release and inventory.")


def _path(path: Optional[Path]):
    """The --price-path as a PricePath, or None."""
    if path is None:
        return None
    from .pricepath import read_price_path
    return read_price_path(path)


def _with_path(s, path: Optional[Path]):
    """``s`` carrying its --price-path (a PricePath: the plot dates its axis by it)."""
    from dataclasses import replace
    return s if path is None else replace(s, price_path=_path(path))


def _baseline_of(path, s):
    from .pricepath import baseline_of
    return baseline_of(path, s)


def _check_plot_path(path: Optional[Path]) -> None:
    if path is not None and path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError("--plot", str(path), "a file name ending in .png, .svg or .pdf")


def _scenario(path: Optional[Path], sets: Optional[List[str]], unwind: bool = False,
              **options):
    """The scenario of a command: file, --set, the command's options; --unwind last
    (it needs the initial inventory the others settle)."""
    from .scenario import build_scenario, parse_set, with_overrides
    if isinstance(options.get("objective"), Enum):
        options["objective"] = options["objective"].value
    s = build_scenario(path, parse_set(sets or []), options)
    if unwind:
        s = with_overrides(s, {"end_inventory_max_mb": s.initial_inventory_mb})
    return s


@contextmanager
def _writing(option: str, path: Path):
    """Turn a file that cannot be written into exit 2 naming the option."""
    try:
        yield
    except OSError as err:
        raise InputError(option, str(path), f"a writable path ({err.strerror})") from None


def _check_time_limit(value: Optional[float]) -> None:
    if value is not None and not value > 0:
        raise InputError("--time-limit", value, "a number of seconds > 0")


def _report(answer, fmt: OutputFormat, schedule_path: Optional[Path],
            plot_path: Optional[Path] = None, output_path: Optional[Path] = None) -> None:
    from . import results
    from .files import write_output
    if plot_path is not None:
        from .plot import plot_answer
        with _writing("--plot", plot_path):
            plot_answer(answer, plot_path)
        _err(f"plot written to {plot_path}")
    if schedule_path is not None:
        _write_table(*results.schedule_rows(answer), schedule_path, "--schedule")
    values = results.outputs(answer)
    if output_path is not None:
        if output_path.suffix.lower() == ".json":
            with _writing("--output", output_path):
                write_output(output_path, results.to_json(
                    {**values, "warnings": answer.warnings, "notes": results.notes(answer)}))
        else:
            _write_table([values], list(values), output_path, "--output")
    for warning in answer.warnings:
        _err(f"warning: {warning}")
    if fmt == OutputFormat.json:
        sys.stdout.write(results.to_json({**values, "warnings": answer.warnings,
                                          "notes": results.notes(answer)}))
    elif fmt == OutputFormat.csv:
        sys.stdout.write(results.to_csv([values], dialect=_dialect()))
    else:
        _print_table(answer, values)
    if schedule_path is not None:
        _err(f"schedule written to {schedule_path}")
    if output_path is not None:
        _err(f"results written to {output_path}")


def _print_table(answer, values: dict) -> None:
    from rich.table import Table

    from . import results
    units = {name: unit for name, unit, _ in results.OUTPUTS}
    labels = {name: label for name, _, label in results.OUTPUTS}
    table = Table(title=f"reserve {answer.mode}", title_justify="left")
    table.add_column("output")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("name", style="dim")
    for name, value in values.items():
        if name.startswith("capacity_mb_"):
            option = name[len("capacity_mb_"):]
            label, unit = f"  storage: {option.replace('_', ' ')}", "mb"
        else:
            label, unit = labels.get(name, name), units.get(name, "")
        table.add_row(label, _cell(value), unit, name)
    console = _console()
    console.print(table)
    console.print(results.sentence(answer), soft_wrap=True)
    for note in results.notes(answer):
        console.print(f"Note: {note}", soft_wrap=True)


def _cell(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "no limit"
    return f"{value:,.2f}"


# -- commands -------------------------------------------------------------------

@app.command()
def size(
    target_impact: Optional[str] = TargetOpt,
    hold_days: Optional[int] = HoldOpt,
    floor: Optional[str] = FloorOpt,
    ceiling: Optional[str] = CeilingOpt,
    price_path: Optional[Path] = PathOpt,
    scenario: Optional[Path] = ScenarioOpt,
    set_: Optional[List[str]] = SetOpt,
    fmt: OutputFormat = FormatOpt,
    schedule: Optional[Path] = ScheduleOpt,
    output: Optional[Path] = ResultsOpt,
    plot: Optional[Path] = PlotOpt,
    time_limit: Optional[float] = TimeLimitOpt,
    objective: Optional[Objective] = ObjectiveOpt,
    unwind: bool = UnwindOpt,
):
    """Least-cost reserve (storage, fill and release capacity, schedule) that
    holds the price moved by the target for the window; or, with --objective
    net-benefit, the reserve best for its owner."""
    def body():
        from .solve import size as solve_size
        _check_time_limit(time_limit)
        _check_plot_path(plot)
        _check_outputs(schedule=schedule, output=output)
        s = _scenario(scenario, set_, unwind, target_impact_usd_per_bbl=target_impact,
                      hold_days=hold_days, floor_usd_per_bbl=floor, ceiling_usd_per_bbl=ceiling,
                      objective=objective)
        s = _with_path(s, price_path)
        with _progress_bar("target out of reach; diagnosing") as progress:
            answer = solve_size(s, _baseline_of(s.price_path, s), time_limit_s=time_limit,
                                progress=progress)
        _report(answer, fmt, schedule, plot, output)
    _guarded(body)


@app.command()
def impact(
    capacity_mb: float = typer.Option(..., "--capacity-mb", help="Storage capacity [mb], usable from day 0."),
    fill_rate_mbd: Optional[float] = typer.Option(
        None, "--fill-rate-mbd", help="Fill capacity [mb/d]; default: the scenario's fill_rate_max_mbd."),
    release_rate_mbd: Optional[float] = typer.Option(
        None, "--release-rate-mbd",
        help="Release capacity [mb/d]; default: the scenario's release_rate_max_mbd."),
    direction: Direction = typer.Option(Direction.raise_, "--direction",
                                        help="raise (absorb) or lower (release) the price."),
    hold_days: Optional[int] = HoldOpt,
    price_path: Optional[Path] = PathOpt,
    scenario: Optional[Path] = ScenarioOpt,
    set_: Optional[List[str]] = SetOpt,
    fmt: OutputFormat = FormatOpt,
    schedule: Optional[Path] = ScheduleOpt,
    output: Optional[Path] = ResultsOpt,
    plot: Optional[Path] = PlotOpt,
    time_limit: Optional[float] = TimeLimitOpt,
    objective: Optional[Objective] = ObjectiveOpt,
    unwind: bool = UnwindOpt,
):
    """Largest price impact a given reserve can hold for hold_days (the inverse of
    size); with --objective net-benefit, its schedule best for its owner."""
    def body():
        from .solve import impact as solve_impact
        _check_time_limit(time_limit)
        _check_plot_path(plot)
        _check_outputs(schedule=schedule, output=output)
        s = _with_path(_scenario(scenario, set_, unwind, hold_days=hold_days,
                                 objective=objective), price_path)
        answer = solve_impact(s, capacity_mb, fill_rate_mbd, release_rate_mbd,
                              direction.value, _baseline_of(s.price_path, s),
                              time_limit_s=time_limit)
        _report(answer, fmt, schedule, plot, output)
    _guarded(body)


# -- many solves: sensitivity and uncertainty --------------------------------------

def _solve_points(make, points, path, workers: int, label: str, scheduler=None, tls=(None,) * 3):
    """Solve points with a progress bar; returns (results by point, the interrupt
    or None). On an interrupt a point not solved is reported "cancelled", so
    that row N still answers point N. ``tls`` is the (CA, certificate, key)
    files of a tls:// scheduler."""
    from .sweep import PointResult, dask_security, run_points
    if workers < 1:
        raise InputError("--workers", workers, "a whole number >= 1")
    security = None
    if scheduler is not None:
        security = dask_security(scheduler, *tls)
        if not scheduler.startswith("tls://"):
            _err(f"warning: {scheduler} is not encrypted or authenticated; whoever answers "
                 "there can run code in this process: use it on a trusted network only, "
                 "or a tls:// scheduler")
    results: list = [None] * len(points)
    done = 0
    with _progress_bar(label) as progress:
        def on_result(i, result):
            nonlocal done
            results[i] = result
            done += 1
            progress(done, len(points), f"{done}/{len(points)} points")
        try:
            run_points(make, points, path, workers, on_result, scheduler, security)
        except KeyboardInterrupt as interrupt:
            cancelled = PointResult("cancelled", {}, "not solved: the run was interrupted")
            return [r if r is not None else cancelled for r in results], interrupt
    return results, None


def _write_rows(rows: list, columns: list, output: Optional[Path]) -> None:
    from . import results as res
    if output is None:
        sys.stdout.write(res.to_csv(rows, columns, _dialect()))
        return
    _write_table(rows, columns, output, "-o")
    _err(f"{len(rows)} rows written to {output}")


def _interrupted(results: list, output: Optional[Path], interrupt: BaseException) -> int:
    """Say what an interrupted run kept; its exit code (143 for SIGTERM, else 130)."""
    done = sum(r.status != "cancelled" for r in results)
    where = f" to {output}" if output else ""
    word = "terminated" if isinstance(interrupt, Terminated) else "interrupted"
    _err(f"{word}: the {done} of {len(results)} points solved were written{where}, the "
         "rest marked cancelled")
    return 143 if isinstance(interrupt, Terminated) else 130


@app.command()
def sensitivity(
    vary: Optional[List[str]] = typer.Option(
        None, "--vary", metavar="NAME=LO:HI:N",
        help="A parameter and its values: LO:HI:N evenly spaced, or V1,V2,... (repeatable)."),
    grid: bool = typer.Option(False, "--grid", help="Every combination of the --vary values "
                                                     "instead of one parameter at a time."),
    tornado: bool = typer.Option(False, "--tornado", help="Every numeric input (or --params) "
                                                           "down and up by --span."),
    span: str = typer.Option("25%", "--span", help="Tornado swing, e.g. 25% (or 0.25)."),
    params_: Optional[str] = typer.Option(None, "--params", metavar="NAME,NAME",
                                          help="Inputs for the tornado (default: all numeric)."),
    target_impact: Optional[str] = TargetOpt,
    hold_days: Optional[int] = HoldOpt,
    price_path: Optional[Path] = PathOpt,
    scenario: Optional[Path] = ScenarioOpt,
    set_: Optional[List[str]] = SetOpt,
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE.csv|.xlsx",
                                          help="Write the rows here (default: stdout)."),
    plot: Optional[Path] = PlotOpt,
    workers: int = typer.Option(1, "--workers", help="Local processes to spread points over."),
    scheduler: Optional[str] = SchedulerOpt,
    tls_ca_file: Optional[Path] = TlsCaOpt,
    tls_cert: Optional[Path] = TlsCertOpt,
    tls_key: Optional[Path] = TlsKeyOpt,
):
    """How the answer moves with each input: one-way sweeps, a grid, or a tornado.

    One row a point: the varied values by name, every output of `reserve size`
    by name, status (ok, infeasible, error) and message."""
    def body():
        from . import analysis
        _check_plot_path(plot)
        _check_outputs(rows=output)
        base = _scenario(scenario, set_, target_impact_usd_per_bbl=target_impact,
                         hold_days=hold_days)
        path = _path(price_path)
        if tornado:
            if vary or grid:
                raise InputError("--tornado", "with --vary/--grid", "either --tornado or --vary")
            names = [n.strip() for n in params_.split(",")] if params_ else None
            points = analysis.tornado_points(base, _share(span, "--span"), names)
        else:
            if not vary:
                raise InputError("--vary", "(none)", "at least one NAME=LO:HI:N, or --tornado")
            varied = [analysis.parse_vary(v) for v in vary]
            if grid and len(varied) < 2:
                raise InputError("--grid", "one --vary", "two or more --vary parameters")
            points = analysis.sweep_points(varied, grid, base)
        results, interrupt = _solve_points(analysis.make_point_scenario(base), points,
                                           path, workers, "sweeping", scheduler,
                                           (tls_ca_file, tls_cert, tls_key))
        rows = analysis.result_rows(points, results)
        varied_names = [k for p in points for k in p if k not in ("sweep", "side")]
        first = ["sweep"] + (["side"] if tornado else []) + list(dict.fromkeys(varied_names))
        _write_rows(rows, analysis.columns_of(rows, first), output)
        if interrupt is not None:
            return _interrupted(results, output, interrupt)
        if plot is not None:
            from .plot import plot_sweep, plot_tornado
            with _writing("--plot", plot):
                if tornado:
                    plot_tornado(rows, base, plot, price_path=path)
                else:
                    plot_sweep(rows, base, plot, grid=grid)
            _err(f"plot written to {plot}")
    _guarded(body)


def _share(text: str, option: str) -> float:
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise InputError(option, text, "a share such as 25% or 0.25") from None
    if not 0 < value < 1:
        raise InputError(option, text, "a share between 0 and 1 (0% and 100%), exclusive")
    return value


@app.command()
def uncertainty(
    samples: int = typer.Option(200, "--samples", "-n", help="Number of samples."),
    dist: Optional[List[str]] = typer.Option(
        None, "--dist", metavar="NAME=KIND:ARGS",
        help="uniform:LO:HI, normal:MEAN:SD, triangular:LO:MODE:HI, choice:A,B,...; "
             "elasticity_preset=presets draws the literature presets (repeatable)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed (same seed, same answer)."),
    confidence: Optional[float] = typer.Option(
        None, "--confidence", help="Size one design that meets the target in this share of "
                                   "the samples (e.g. 0.9), and check its coverage."),
    target_impact: Optional[str] = TargetOpt,
    hold_days: Optional[int] = HoldOpt,
    price_path: Optional[Path] = PathOpt,
    scenario: Optional[Path] = ScenarioOpt,
    set_: Optional[List[str]] = SetOpt,
    fmt: OutputFormat = FormatOpt,
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE.csv|.xlsx",
                                          help="Also write every sample's row here."),
    plot: Optional[Path] = PlotOpt,
    workers: int = typer.Option(1, "--workers", help="Local processes to spread samples over."),
    scheduler: Optional[str] = SchedulerOpt,
    tls_ca_file: Optional[Path] = TlsCaOpt,
    tls_cert: Optional[Path] = TlsCertOpt,
    tls_key: Optional[Path] = TlsKeyOpt,
):
    """Quantiles (P5, P50, P95) of capacity, rates and cost over uncertain inputs."""
    def body():
        from . import analysis
        from . import results as res
        _check_plot_path(plot)
        _check_outputs(rows=output)
        if samples < 1:
            raise InputError("--samples", samples, "a whole number >= 1")
        analysis.check_point_count(samples, "--samples")
        if seed is not None and not 0 <= seed < 2**63:
            raise InputError("--seed", seed, "a whole number >= 0 and < 2**63")
        if not dist:
            raise InputError("--dist", "(none)", "at least one NAME=KIND:ARGS")
        if confidence is not None and not 0 < confidence <= 1:
            raise InputError("--confidence", confidence, "a share in (0, 1], e.g. 0.9")
        dists = [analysis.parse_dist(d) for d in dist]
        base = _scenario(scenario, set_, target_impact_usd_per_bbl=target_impact,
                         hold_days=hold_days)
        path = _path(price_path)
        points = analysis.draw_samples(dists, samples, seed)
        make = analysis.make_point_scenario(base)
        results, interrupt = _solve_points(make, points, path, workers, "sampling", scheduler,
                                           (tls_ca_file, tls_cert, tls_key))
        rows = analysis.result_rows(points, results)
        if output is not None or interrupt is not None:
            first = ["sample"] + [d.name for d in dists]
            _write_rows(rows, analysis.columns_of(rows, first), output)
        if interrupt is not None:
            return _interrupted(results, output, interrupt)
        counts = {"requested": samples, "solved": sum(r.status == "ok" for r in results),
                  "infeasible": sum(r.status == "infeasible" for r in results),
                  "error": sum(r.status == "error" for r in results)}
        _err(f"{counts['solved']} of {samples} samples within the scenario's limits, "
             f"{counts['infeasible']} need more (counted with their needs, the caps lifted, "
             f"in capacity, rates and cost), {counts['error']} with bad inputs")
        if confidence is not None:
            with _progress_bar("checking the design in impact mode") as progress:
                design = analysis.confidence_design(
                    base, points, results, confidence, path, workers,
                    lambda i, _: progress(i + 1, len(points), f"sample {i + 1}"))
            values = {**design.outputs, "confidence": confidence}
            _print_values(values, fmt, f"design for {confidence:.0%} confidence")
            return 0
        q = analysis.quantiles(rows)
        if plot is not None:
            from .plot import plot_histograms
            with _writing("--plot", plot):
                plot_histograms(rows, plot)
            _err(f"plot written to {plot}")
        if fmt == OutputFormat.json:
            sys.stdout.write(res.to_json({**q, "samples": counts}))
        elif fmt == OutputFormat.csv:
            sys.stdout.write(res.to_csv([{"output": k, **v} for k, v in q.items()],
                                        ["output", "p5", "p50", "p95"], _dialect()))
        else:
            _print_quantiles(q, counts)
    _guarded(body)


def _print_values(values: dict, fmt: OutputFormat, title: str) -> None:
    from rich.table import Table

    from . import results as res
    if fmt == OutputFormat.json:
        sys.stdout.write(res.to_json(values))
    elif fmt == OutputFormat.csv:
        sys.stdout.write(res.to_csv([values], dialect=_dialect()))
    else:
        table = Table(title=title, title_justify="left")
        table.add_column("name")
        table.add_column("value", justify="right")
        for name, value in values.items():
            table.add_row(name, _cell(value))
        _console().print(table)


def _print_quantiles(q: dict, counts: dict) -> None:
    from rich.table import Table

    from .analysis import KEY_OUTPUTS
    beyond = counts["infeasible"]
    title = f"reserve uncertainty: {counts['requested']} samples"
    if beyond:
        title += (f"; {beyond} need more than the scenario's limits: capacity, rates and cost "
                  "include their needs (caps lifted), the rest only samples within the limits")
    table = Table(title=title, title_justify="left")
    for column in ("output", "P5", "P50", "P95"):
        table.add_column(column, justify="left" if column == "output" else "right")
    ordered = [k for k in KEY_OUTPUTS if k in q] + [k for k in q if k not in KEY_OUTPUTS]
    for name in ordered:
        table.add_row(name, *(_cell(q[name][p]) for p in ("p5", "p50", "p95")))
    _console().print(table)


@app.command()
def batch(
    sheet: Path = typer.Argument(..., metavar="IN.csv|IN.xlsx",
                                 help="One run a row: parameter names as columns (see "
                                      "`reserve params --format csv`), plus optional id, "
                                      "scenario, mode, capacity_mb, fill_rate_mbd, "
                                      "release_rate_mbd, direction."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="OUT.csv|.xlsx",
                                          help="Write the answers here (default: stdout)."),
    workers: int = typer.Option(1, "--workers", help="Local processes to spread rows over."),
):
    """A sheet of scenarios in, a sheet of answers out: every input column, then
    every result, status (ok, infeasible, error) and message, row for row."""
    def body():
        from .batch import run_batch
        from .files import same_file
        if workers < 1:
            raise InputError("--workers", workers, "a whole number >= 1")
        _check_outputs(rows=output)
        if output is not None and same_file(output, sheet):
            raise InputError("--output", str(output), "another file than the input sheet "
                             "(the answers would overwrite the questions)")
        with _progress_bar("batch") as progress:
            columns, rows, interrupt = run_batch(
                sheet, workers, lambda done, total: progress(done, total, f"row {done}"))
        _write_rows(rows, columns, output)
        if interrupt is not None:
            word = "terminated" if isinstance(interrupt, Terminated) else "interrupted"
            cancelled = sum(r["status"] == "cancelled" for r in rows)
            _err(f"{word}: {len(rows) - cancelled} of {len(rows)} rows answered, the rest "
                 "marked cancelled")
            return 143 if isinstance(interrupt, Terminated) else 130
        bad = sum(r["status"] != "ok" for r in rows)
        if bad:
            _err(f"{bad} of {len(rows)} rows not answered: see their status and message")
    _guarded(body)


@app.command()
def paths(
    method: str = typer.Option("bootstrap", "--method", metavar="bootstrap|mean-reverting",
                               help="Block bootstrap of Brent's daily moves, or a mean-"
                                    "reverting process fitted to them."),
    n_paths: int = typer.Option(100, "--n-paths", "-n", help="Number of paths."),
    days: Optional[int] = typer.Option(None, "--days",
                                       help="Days after day 0 [d] (default: the scenario's "
                                            "horizon)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed (same seed, same "
                                                            "paths)."),
    block_days: float = typer.Option(20.0, "--block-days",
                                     help="Mean block length of the bootstrap [d]."),
    since: Optional[int] = typer.Option(None, "--since", metavar="YEAR",
                                        help="Use the history from this year on."),
    scenario: Optional[Path] = ScenarioOpt,
    set_: Optional[List[str]] = SetOpt,
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE.csv|.xlsx",
                                          help="Write the paths here (default: stdout)."),
    plot: Optional[Path] = PlotOpt,
):
    """Price paths from 40 years of Brent history, starting at the scenario's price:
    one row a day, one column a path [USD/bbl], and a fan chart with --plot."""
    def body():
        from .paths import fan_figure, generate, paths_rows
        _check_plot_path(plot)
        _check_outputs(rows=output)
        s = _scenario(scenario, set_)
        horizon = s.horizon_days if days is None else days
        drawn = generate(method, s.price_usd_per_bbl, horizon, n_paths, seed, block_days, since)
        rows, columns = paths_rows(drawn)
        _write_rows(rows, columns, output)
        if plot is not None:
            from .plot import _figure_to
            with _writing("--plot", plot):
                _figure_to(fan_figure(drawn, s.price_usd_per_bbl, method), plot)
            _err(f"plot written to {plot}")
    _guarded(body)


#: Most path-days `reserve risk` solves with foresight (an LP a path, about
#: 10 ms a path-year here): 1,000 paths of a year, some minutes.
FORESIGHT_PATH_DAYS_MAX = 1_000 * 366


@app.command()
def risk(
    capacity_mb: float = typer.Option(..., "--capacity-mb", help="Storage of the design [mb]."),
    fill_rate_mbd: Optional[float] = typer.Option(None, "--fill-rate-mbd",
                                                  help="Fill rate of the design [mb/d] "
                                                       "(default: the scenario's cap)."),
    release_rate_mbd: Optional[float] = typer.Option(None, "--release-rate-mbd",
                                                     help="Release rate [mb/d] (default: the "
                                                          "scenario's cap)."),
    initial_mb: Optional[float] = typer.Option(None, "--initial-mb",
                                               help="Opening stock [mb] (default: empty for a "
                                                    "floor, full for a ceiling)."),
    floor: Optional[str] = FloorOpt,
    ceiling: Optional[str] = CeilingOpt,
    paths_file: Optional[Path] = typer.Option(None, "--paths", metavar="FILE.csv",
                                              help="Paths from `reserve paths` (default: draw "
                                                   "them by --method)."),
    n_paths: int = typer.Option(200, "--n-paths", "-n", help="Paths to draw without a file."),
    days: int = typer.Option(365, "--days", help="Days of each path drawn [d]."),
    method: str = typer.Option("bootstrap", "--method", metavar="bootstrap|mean-reverting",
                               help="How to draw the paths (see `reserve paths`)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed of the draw."),
    foresight: bool = typer.Option(True, "--foresight/--no-foresight",
                                   help="Also solve each path with perfect foresight (an LP a "
                                        "path; slower)."),
    scenario: Optional[Path] = ScenarioOpt,
    set_: Optional[List[str]] = SetOpt,
    fmt: OutputFormat = FormatOpt,
    plot: Optional[Path] = PlotOpt,
):
    """The probability a design holds a floor or ceiling over many price paths:
    by a causal rule (today's price only) and with perfect foresight, side by side."""
    def body():
        import numpy as np

        from . import results as res
        from .risk import causal_rule, foresight_holds, read_paths
        _check_plot_path(plot)
        s = _scenario(scenario, set_, floor_usd_per_bbl=floor, ceiling_usd_per_bbl=ceiling)
        if (s.floor_usd_per_bbl is None) == (s.ceiling_usd_per_bbl is None):
            raise InputError("--floor", floor, "a floor or a ceiling (one of them)")
        if not capacity_mb >= 0 or not np.isfinite(capacity_mb):
            raise InputError("--capacity-mb", capacity_mb, "a finite number >= 0")
        if paths_file is not None:
            prices = read_paths(paths_file)
        else:
            from .paths import generate
            prices = generate(method, s.price_usd_per_bbl, days, n_paths, seed)
        fill = s.fill_rate_max_mbd if fill_rate_mbd is None else fill_rate_mbd
        release = s.release_rate_max_mbd if release_rate_mbd is None else release_rate_mbd
        opening = (initial_mb if initial_mb is not None
                   else (0.0 if s.floor_usd_per_bbl is not None else capacity_mb))
        if not 0 <= opening <= capacity_mb:
            raise InputError("--initial-mb", opening, f"between 0 and --capacity-mb "
                             f"({capacity_mb:g})")
        for name, value in (("--fill-rate-mbd", fill), ("--release-rate-mbd", release)):
            if not value >= 0 or not np.isfinite(value):
                raise InputError(name, value, "a finite number >= 0")
        rule = causal_rule(s, prices, capacity_mb, fill, release, opening,
                           s.floor_usd_per_bbl, s.ceiling_usd_per_bbl)
        failed = rule.first_failure_day[~rule.held]
        values = {"paths": prices.shape[0], "days": prices.shape[1],
                  "held_share_causal_rule": float(rule.held.mean()),
                  "first_failure_day_p5": float(np.percentile(failed, 5)) if failed.size else None,
                  "first_failure_day_p50": float(np.median(failed)) if failed.size else None,
                  "expected_oil_spend_musd": float(rule.oil_spend_musd.mean()),
                  "expected_end_stock_mb": float(rule.end_stock_mb.mean())}
        if foresight and prices.size > FORESIGHT_PATH_DAYS_MAX:
            raise InputError("--foresight", f"{prices.shape[0]:,} paths of "
                             f"{prices.shape[1]:,} days", f"at most "
                             f"{FORESIGHT_PATH_DAYS_MAX:,} path-days (an LP a path: some "
                             "minutes); or --no-foresight for the causal rule alone")
        if foresight:
            horizon = s.with_params(lead_days=0, tail_days=0, hold_days=prices.shape[1],
                                    time_step_days=1)
            with _progress_bar("solving each path with foresight") as progress:
                held = foresight_holds(horizon, prices, capacity_mb, fill, release, opening,
                                       lambda i, n: progress(i, n, f"path {i}"))
            values["held_share_foresight"] = float(held.mean())
        if plot is not None:
            from .plot import _figure_to, risk_figure
            with _writing("--plot", plot):
                _figure_to(risk_figure(rule, values.get("held_share_foresight"), s), plot)
            _err(f"plot written to {plot}")
        if fmt == OutputFormat.json:
            sys.stdout.write(res.to_json(values))
        elif fmt == OutputFormat.csv:
            sys.stdout.write(res.to_csv([values], dialect=_dialect()))
        else:
            band = (f"floor ${s.floor_usd_per_bbl:.2f}" if s.floor_usd_per_bbl is not None
                    else f"ceiling ${s.ceiling_usd_per_bbl:.2f}")
            _print_values({k: ("" if v is None else v) for k, v in values.items()}, fmt,
                          f"reserve risk: {capacity_mb:g} mb defending a {band}/bbl")
    _guarded(body)


@app.command()
def report(
    output: Path = typer.Option(..., "--output", "-o", metavar="FILE.html",
                                help="The report to write (one self-contained HTML file)."),
    target_impact: Optional[str] = TargetOpt,
    hold_days: Optional[int] = HoldOpt,
    floor: Optional[str] = FloorOpt,
    ceiling: Optional[str] = CeilingOpt,
    price_path: Optional[Path] = PathOpt,
    scenario: Optional[Path] = ScenarioOpt,
    set_: Optional[List[str]] = SetOpt,
):
    """A report to hand round: question, answer, table, charts, every assumption
    with its unit and source, and the command that reproduces it."""
    def body():
        from dataclasses import replace

        from .report import build_report, tornado_for
        from .files import write_output
        from .scenario import parse_set
        from .solve import size as solve_size
        if output.suffix.lower() not in (".html", ".htm"):
            raise InputError("--output", str(output), "a file name ending in .html")
        options = dict(target_impact_usd_per_bbl=target_impact, hold_days=hold_days,
                       floor_usd_per_bbl=floor, ceiling_usd_per_bbl=ceiling)
        s = _scenario(scenario, set_, **options)
        path = _path(price_path)
        s = replace(s, price_path=path)
        with _progress_bar("target out of reach; diagnosing") as progress:
            answer = solve_size(s, _baseline_of(path, s), progress=progress)
        rows = tornado_for(s, path)
        overrides = {**parse_set(set_ or []), **{k: v for k, v in options.items() if v is not None}}
        command = _reproduce(["reserve", "size", *sys.argv[2:]])
        text = build_report(answer, rows, scenario, overrides, command, path)
        with _writing("--output", output):
            write_output(output, text)
        _err(f"report written to {output}")
    _guarded(body)


def _reproduce(command: list[str]) -> list[str]:
    """The `reserve size` call that gives a report's answer: its arguments less -o FILE."""
    out, skip = [], False
    for arg in command:
        if skip:
            skip = False
        elif arg in ("-o", "--output"):
            skip = True
        elif not arg.startswith("--output="):
            out.append(arg)
    return out


@app.command()
def params(fmt: ParamsFormat = typer.Option(ParamsFormat.table, "--format", "-f",
                                            help="table, csv (a template to fill in and "
                                                 "pass as -s) or toml (a commented scenario)."),
           output: Optional[Path] = typer.Option(
               None, "--output", "-o", metavar="FILE.csv|.xlsx|.toml",
               help="Write the template to a file instead (its format from the name).")):
    """Every parameter: name, unit, default, allowed values, meaning."""
    def body():
        from . import templates
        if output is not None:
            from .files import write_output
            if output.suffix.lower() == ".toml":
                with _writing("--output", output):
                    write_output(output, templates.params_toml())
            else:
                _check_outputs(output=output)
                _write_table(templates.params_rows(), templates.PARAMS_COLUMNS, output,
                             "--output")
            _err(f"parameters written to {output}")
        elif fmt == ParamsFormat.csv:
            sys.stdout.write(templates.params_csv(_dialect()))
        elif fmt == ParamsFormat.toml:
            sys.stdout.write(templates.params_toml())
        else:
            templates.print_params_table(_console())
    _guarded(body)


def _terminate(signum, frame) -> None:
    raise Terminated()


def main() -> None:
    import signal
    signal.signal(signal.SIGTERM, _terminate)   # stop like Ctrl-C: clean up, keep rows
    app()


if __name__ == "__main__":
    main()

"""What every command of the command line shares: the app, options, errors to exit codes.

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

from ..errors import EXIT_UNEXPECTED, InputError, ReserveError, Terminated

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
    from ..sheets import check_table_path
    check_table_path(schedule, "--schedule")
    check_table_path(output, "--output", (".json",))
    check_table_path(rows, "-o")


def _write_table(rows: list, columns: list, path, option: str) -> None:
    """Rows to ``path`` as its name asks (.csv in the --csv-dialect, or .xlsx)."""
    from ..files import write_output
    from ..sheets import table_file
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
    from ..pricepath import read_price_path
    return read_price_path(path)


def _with_path(s, path: Optional[Path]):
    """``s`` carrying its --price-path (a PricePath: the plot dates its axis by it)."""
    from dataclasses import replace
    return s if path is None else replace(s, price_path=_path(path))


def _baseline_of(path, s):
    from ..pricepath import baseline_of
    return baseline_of(path, s)


def _check_plot_path(path: Optional[Path]) -> None:
    if path is not None and path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError("--plot", str(path), "a file name ending in .png, .svg or .pdf")


def _scenario(path: Optional[Path], sets: Optional[List[str]], unwind: bool = False,
              **options):
    """The scenario of a command: file, --set, the command's options; --unwind last
    (it needs the initial inventory the others settle)."""
    from ..scenario import build_scenario, parse_set, with_overrides
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
    from .. import results
    from ..files import write_output
    if plot_path is not None:
        from ..plot import plot_answer
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

    from .. import results
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


# -- many solves: sensitivity and uncertainty --------------------------------------

def _solve_points(make, points, path, workers: int, label: str, scheduler=None, tls=(None,) * 3):
    """Solve points with a progress bar; returns (results by point, the interrupt
    or None). On an interrupt a point not solved is reported "cancelled", so
    that row N still answers point N. ``tls`` is the (CA, certificate, key)
    files of a tls:// scheduler."""
    from ..sweep import PointResult, dask_security, run_points
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
    from .. import results as res
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


def _print_values(values: dict, fmt: OutputFormat, title: str) -> None:
    from rich.table import Table

    from .. import results as res
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


def _terminate(signum, frame) -> None:
    raise Terminated()


def main() -> None:
    import signal
    signal.signal(signal.SIGTERM, _terminate)   # stop like Ctrl-C: clean up, keep rows
    app()

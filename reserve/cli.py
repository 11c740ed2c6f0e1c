"""The ``reserve`` command line (typer): data to stdout, messages to stderr.

Exit codes (DESIGN.md section 3): 0 answered; 2 bad input or usage; 3 target
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

from .errors import EXIT_UNEXPECTED, InputError, ReserveError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Size a strategic crude-oil reserve that moves the world price by a target "
         "amount, at least cost. Start with: reserve size --target-impact 5")

_state = {"debug": False}


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class ParamsFormat(str, Enum):
    table = "table"
    csv = "csv"
    toml = "toml"


class Direction(str, Enum):
    raise_ = "raise"
    lower = "lower"


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors.")):
    _state["debug"] = debug


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
    except KeyboardInterrupt:
        _err("interrupted")
        code = 130
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
                   console=Console(stderr=True), transient=True)
    task = None

    def update(done: int, total: int, what: str) -> None:
        nonlocal task
        if task is None:
            bar.start()
            task = bar.add_task(what, total=total)
        bar.update(task, completed=done, description=what)

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
ScheduleOpt = typer.Option(None, "--schedule", metavar="FILE.csv",
                           help="Write the daily fill/release schedule as CSV.")
TimeLimitOpt = typer.Option(None, "--time-limit", help="HiGHS time limit [s] (exit 4 when hit).")
PathOpt = typer.Option(None, "--price-path", metavar="FILE.csv",
                       help="Baseline prices over time: CSV day,price_usd_per_bbl or "
                            "date,price_usd_per_bbl (day 0 = first row).")
PlotOpt = typer.Option(None, "--plot", metavar="FILE.png|FILE.svg",
                       help="Draw baseline and supported price, fill/release and inventory.")


def _baseline(path: Optional[Path], s):
    """Per-period baseline prices from --price-path, or None."""
    if path is None:
        return None
    from .pricepath import read_price_path
    return read_price_path(path).per_period(s.horizon_days // s.time_step_days,
                                            s.time_step_days)


#: Daily periods beyond which the own-price QP gets slow (README, Performance:
#: 1.6 s at 1,095 days, 27 s at 3,640, against 0.2 s for the same 10 years weekly).
QP_DAILY_PERIODS_HINT = 1500


def _hint_qp_step(s) -> None:
    periods = s.horizon_days // s.time_step_days
    if s.own_price_effect and periods > QP_DAILY_PERIODS_HINT and s.time_step_days < 7:
        _err(f"note: own_price_effect makes this a QP over {periods:,} periods, which HiGHS "
             "may take minutes on; --set time_step_days=7 solves it in under a second and "
             "changed capacity and cost by under 0.1 % in our benchmark")


def _check_plot_path(path: Optional[Path]) -> None:
    if path is not None and path.suffix.lower() not in (".png", ".svg"):
        raise InputError("--plot", str(path), "a file name ending in .png or .svg")


def _scenario(path: Optional[Path], sets: Optional[List[str]], **options):
    from .scenario import build_scenario, parse_set
    return build_scenario(path, parse_set(sets or []), options)


def _check_time_limit(value: Optional[float]) -> None:
    if value is not None and not value > 0:
        raise InputError("--time-limit", value, "a number of seconds > 0")


def _report(answer, fmt: OutputFormat, schedule_path: Optional[Path],
            plot_path: Optional[Path] = None) -> None:
    from . import results
    if plot_path is not None:
        from .plot import plot_answer
        try:
            plot_answer(answer, plot_path)
        except OSError as err:
            raise InputError("--plot", str(plot_path), f"a writable path ({err.strerror})") from None
        _err(f"plot written to {plot_path}")
    if schedule_path is not None:
        if schedule_path.suffix.lower() != ".csv":
            raise InputError("--schedule", str(schedule_path), "a file name ending in .csv")
        try:
            results.write_atomic(schedule_path, results.schedule_csv(answer))
        except OSError as err:
            raise InputError("--schedule", str(schedule_path),
                             f"a writable path ({err.strerror})") from None
    values = results.outputs(answer)
    if fmt == OutputFormat.json:
        sys.stdout.write(results.to_json(values))
    elif fmt == OutputFormat.csv:
        sys.stdout.write(results.to_csv([values]))
    else:
        _print_table(answer, values)
    if schedule_path is not None:
        _err(f"schedule written to {schedule_path}")


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
    target_impact: Optional[str] = typer.Option(
        None, "--target-impact", "-t", metavar="USD|PCT%",
        help="Signed price move to hold [USD/bbl]: 5 raises by $5, -5 lowers, "
             "5% is percent of the baseline price."),
    hold_days: Optional[int] = HoldOpt,
    floor: Optional[str] = typer.Option(None, "--floor", metavar="USD",
                                        help="Price floor [USD/bbl] in every period."),
    ceiling: Optional[str] = typer.Option(None, "--ceiling", metavar="USD",
                                          help="Price ceiling [USD/bbl] in every period."),
    price_path: Optional[Path] = PathOpt,
    scenario: Optional[Path] = ScenarioOpt,
    set_: Optional[List[str]] = SetOpt,
    fmt: OutputFormat = FormatOpt,
    schedule: Optional[Path] = ScheduleOpt,
    plot: Optional[Path] = PlotOpt,
    time_limit: Optional[float] = TimeLimitOpt,
):
    """Least-cost reserve (storage, fill and release capacity, schedule) that
    holds the price moved by the target for the window."""
    def body():
        from .solve import size as solve_size
        _check_time_limit(time_limit)
        _check_plot_path(plot)
        s = _scenario(scenario, set_, target_impact_usd_per_bbl=target_impact,
                      hold_days=hold_days, floor_usd_per_bbl=floor, ceiling_usd_per_bbl=ceiling)
        baseline = _baseline(price_path, s)
        _hint_qp_step(s)
        with _progress_bar("target out of reach; diagnosing") as progress:
            answer = solve_size(s, baseline, time_limit_s=time_limit, progress=progress)
        _report(answer, fmt, schedule, plot)
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
    plot: Optional[Path] = PlotOpt,
    time_limit: Optional[float] = TimeLimitOpt,
):
    """Largest price impact a given reserve can hold for hold_days (the inverse of size)."""
    def body():
        from .solve import impact as solve_impact
        _check_time_limit(time_limit)
        _check_plot_path(plot)
        s = _scenario(scenario, set_, hold_days=hold_days)
        answer = solve_impact(s, capacity_mb, fill_rate_mbd, release_rate_mbd,
                              direction.value, _baseline(price_path, s),
                              time_limit_s=time_limit)
        _report(answer, fmt, schedule, plot)
    _guarded(body)


@app.command()
def params(fmt: ParamsFormat = typer.Option(ParamsFormat.table, "--format", "-f",
                                            help="table, csv (a template to fill in and "
                                                 "pass as -s) or toml (a commented scenario).")):
    """Every parameter: name, unit, default, allowed values, meaning."""
    def body():
        from . import templates
        if fmt == ParamsFormat.csv:
            sys.stdout.write(templates.params_csv())
        elif fmt == ParamsFormat.toml:
            sys.stdout.write(templates.params_toml())
        else:
            templates.print_params_table(_console())
    _guarded(body)


def main() -> None:
    app()


if __name__ == "__main__":
    main()

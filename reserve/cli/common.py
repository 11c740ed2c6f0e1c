"""What every command of the command line shares: the app, options, errors to exit codes.

Exit codes (docs/guide.md, "Exit codes"): 0 answered; 2 bad input or usage; 3 target
out of reach (with a diagnosis); 4 the solver failed or hit its time limit;
1 anything unexpected. No traceback is shown unless ``--debug`` is given.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Optional

import typer

from ..errors import EXIT_UNEXPECTED, InputError, ReserveError, Terminated

app = typer.Typer(
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    # units in brackets ([d], [s], [mb]) are text, not rich markup
    rich_markup_mode="markdown",
    help="Size a strategic crude-oil reserve that moves the world price by a target "
         "amount, at least cost. Start with: reserve size --target-impact 5")

_state = {"debug": False, "csv_dialect": "comma"}


def _version(value: bool) -> None:
    if value:
        from ..version import __version__
        print(f"reserve {__version__}")
        raise typer.Exit()


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors."),
          csv_dialect: str = typer.Option(
              "comma", "--csv-dialect", metavar="comma|semicolon",
              help="CSV written: comma (',' between cells, '.' in decimals) or semicolon "
                   "(';' and decimal commas, for comma-decimal locales)."),
          version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and stop.")):
    _state["debug"] = debug
    if csv_dialect not in ("comma", "semicolon"):
        err(f"error: --csv-dialect = {csv_dialect!r}: one of: comma, semicolon")
        raise typer.Exit(2)
    _state["csv_dialect"] = csv_dialect


def command() -> list[str]:
    """The command as typed, for a run file and a report's stamp."""
    return ["reserve", *sys.argv[1:]]


def dialect() -> str:
    return _state["csv_dialect"]


def write_table(rows: list, columns: list, path, option: str) -> None:
    """Rows to ``path`` as its name asks (.csv in the --csv-dialect, or .xlsx)."""
    from ..files import write_output
    from ..sheets import table_file
    data = table_file(rows, columns, path, option, dialect())
    with writing(option, path):
        write_output(path, data)


def err(text: str) -> None:
    print(text, file=sys.stderr)


def stdout_console():
    """A rich console for stdout: the terminal's width; when piped, the width
    COLUMNS gives, else wide (200), so names are not folded."""
    from rich.console import Console
    width = None if sys.stdout.isatty() else _columns() or 200
    return Console(width=width, soft_wrap=False)


#: Narrower than this, a table leaves out its column of machine names.
NARROW = 110


def whole_lines() -> bool:
    """Whether prose goes out a paragraph a line (piped with no COLUMNS: for
    grep and scripts) rather than wrapped at words to the width."""
    return not sys.stdout.isatty() and _columns() is None


def _columns() -> int | None:
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        return None


#: Set RESERVE_PROGRESS=lines to have progress written to stderr as plain
#: lines ("progress: batch: row 3/400") where no terminal shows a bar: for
#: logs, and for scripts (and tests) that wait on evidence of work done.
PROGRESS_LINES = os.environ.get("RESERVE_PROGRESS", "") == "lines"


def progress_line(text: str) -> None:
    """One line of progress on stderr, when RESERVE_PROGRESS=lines."""
    if PROGRESS_LINES:
        print(f"progress: {text}", file=sys.stderr, flush=True)


def _drop_stdout() -> None:
    """Send what is left for stdout nowhere, so that the interpreter's last
    flush does not fail a second time."""
    try:
        sys.stdout = open(os.devnull, "w")
    except OSError:
        pass


def flag_names(command: str, aliases: dict[str, str] | None = None) -> dict[str, str]:
    """The flags of ``command`` (its function's name) by the API's argument
    names: each option's Python name, from the parameter list typer reads, to
    its long flag; and ``aliases`` where the API names an argument otherwise
    (``prices`` for ``--paths``). Scenario parameters keep their names, as
    ``--set`` spells them."""
    import inspect

    from ..schema import PARAMETER_BY_NAME
    names = {}
    for info in app.registered_commands:
        if getattr(info.callback, "__name__", None) != command:
            continue
        for name, param in inspect.signature(info.callback).parameters.items():
            flags = [d for d in getattr(param.default, "param_decls", ()) or ()
                     if d.startswith("--")]
            if flags and name not in PARAMETER_BY_NAME:
                names[name] = max(flags, key=len)
    return {**names, **(aliases or {})}


def guarded(body: Callable[[], int | None], aliases: dict[str, str] | None = None) -> None:
    """Run a command body, turning errors into one message and an exit code;
    an input error raised in the API's words is said in the command's flags
    (:func:`flag_names`)."""
    command = sys._getframe(1).f_code.co_name   # the command whose body this is
    try:
        progress_line("started")   # the signal handlers are in place by now
        code = body() or 0
        sys.stdout.flush()         # a full disk behind stdout shows here, not at exit
    except ReserveError as error:
        if _state["debug"]:
            raise
        if isinstance(error, InputError):
            error = error.renamed(flag_names(command, aliases))
        prefix = "error" if error.exit_code != 3 else "target out of reach"
        err(f"{prefix}: {error}")
        code = error.exit_code
    except KeyboardInterrupt as error:
        terminated = isinstance(error, Terminated)
        err("terminated" if terminated else "interrupted")
        code = 143 if terminated else 130
    except OSError as error:
        # files are written through writing(), which names them: what is left
        # is standard output (a full disk, a closed pipe)
        if _state["debug"]:
            raise
        _drop_stdout()
        err(f"error: standard output could not be written ({error.strerror or error})")
        code = 2
    except Exception as error:  # noqa: BLE001 - the last line of defence
        if _state["debug"]:
            raise
        err(f"unexpected error: {type(error).__name__}: {error} (run `reserve --debug ...` "
             "for the traceback)")
        code = EXIT_UNEXPECTED
    raise typer.Exit(code)


@contextmanager
def progress_bar(title: str):
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
        progress_line(f"{title}: {what} ({done}/{total})")
        if task is None:
            bar.start()
            task = bar.add_task(what, total=total)
        bar.update(task, completed=done, description=what, refresh=True)

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()


@contextmanager
def writing(option: str, path: Path):
    """Turn a file that cannot be written into exit 2 naming the option."""
    try:
        yield
    except OSError as error:
        raise InputError(option, str(path), f"a writable path ({error.strerror})") from None


def save_figure(path: Path, make) -> None:
    """Draw the figure ``make()`` builds to ``path`` (--plot), and say so; a
    path that cannot be written exits 2."""
    from ..plot import figure_to
    with writing("--plot", path):
        figure_to(make(), path)
    err(f"plot written to {path}")


# -- many solves: sensitivity and uncertainty --------------------------------------

def write_rows(rows: list, columns: list, output: Optional[Path]) -> None:
    from .. import results as res
    if output is None:
        sys.stdout.write(res.to_csv(rows, columns, dialect()))
        return
    write_table(rows, columns, output, "-o")
    err(f"{len(rows)} rows written to {output}")


def interrupted(results: list, output: Optional[Path], interrupt: BaseException) -> int:
    """Say what an interrupted run kept; its exit code (143 for SIGTERM, else 130)."""
    done = sum(r.status != "cancelled" for r in results)
    where = f" to {output}" if output else ""
    word = "terminated" if isinstance(interrupt, Terminated) else "interrupted"
    err(f"{word}: the {done} of {len(results)} points solved were written{where}, the "
         "rest marked cancelled")
    return 143 if isinstance(interrupt, Terminated) else 130


def _terminate(signum, frame) -> None:
    raise Terminated()


def main() -> None:
    import signal
    signal.signal(signal.SIGTERM, _terminate)   # stop like Ctrl-C: clean up, keep rows
    app(args=global_first(sys.argv[1:]))


#: Options of the whole command line that may also be typed after the command.
GLOBAL_OPTIONS = ("--csv-dialect", "--debug")


def global_first(args: list[str]) -> list[str]:
    """``args`` with the options every command shares (GLOBAL_OPTIONS) moved in
    front of the command, so ``reserve batch in.csv --csv-dialect semicolon``
    works as ``reserve --csv-dialect semicolon batch in.csv`` does. Only
    options before a ``--`` move; a value that merely looks like one (``--set
    x=--debug``) is the other option's and stays."""
    moved, kept, i = [], [], 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            kept += args[i:]
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS and kept:
            takes = name == "--csv-dialect" and "=" not in arg
            moved += args[i:i + 1 + takes]
            i += 1 + takes
            continue
        kept.append(arg)
        if arg.startswith("-") and "=" not in arg and i + 1 < len(args) \
                and not args[i + 1].startswith("-"):
            kept.append(args[i + 1])     # an option's value is never moved
            i += 1
        i += 1
    return moved + kept

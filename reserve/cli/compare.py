"""`reserve compare A B`: two runs or scenarios, inputs and outputs side by side."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..jsontext import to_json
from .common import (app, dialect, err, guarded, progress_bar, save_figure, stdout_console,
                     write_table, writing)
from .printing import cell
from .options import FormatOpt, OutputFormat


@app.command()
def compare(
    a: str = typer.Argument(..., metavar="A",
                            help="A run file (-o run.json), a scenario file or a shipped name."),
    b: str = typer.Argument(..., metavar="B", help="The same kinds as A."),
    fmt: OutputFormat = FormatOpt,
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="FILE.csv|.xlsx|.json",
        help="Also write every row (inputs and outputs, the same ones too) to a file."),
    plot: Optional[Path] = typer.Option(
        None, "--plot", metavar="FILE.png|.svg|.pdf",
        help="Draw the key outputs of A and B side by side."),
    every: bool = typer.Option(False, "--all",
                               help="Show the inputs that are the same too (the table "
                                    "shows only those that differ)."),
    time_limit: Optional[float] = typer.Option(None, "--time-limit",
                                               help="HiGHS time limit [s] for a scenario."),
):
    """Inputs and outputs of two runs or scenarios side by side, their differences
    marked; a scenario is answered as `reserve size` answers it."""
    def body():
        from .. import api
        from .options import check_outputs, check_plot_path
        check_outputs(output=output)
        check_plot_path(plot)          # a name that cannot be drawn: before any solving
        with progress_bar("comparing") as progress:
            found = api.compare(a, b, time_limit_s=time_limit, progress=progress)
        for side in (found.a, found.b):
            if side.message:
                err(f"note: {side.label} has no answer: {side.message.splitlines()[0]}")
        if plot is not None:
            save_figure(plot, found.plot)
        if output is not None:
            _write(found, output)
            err(f"comparison written to {output}")
        if fmt == OutputFormat.json:
            sys.stdout.write(to_json(_record(found)))
        elif fmt == OutputFormat.csv:
            from ..results import to_csv
            sys.stdout.write(to_csv(*found.sheet(), dialect=dialect()))
        else:
            _print(found, every)
    guarded(body, {"time_limit_s": "--time-limit"})


def _record(found) -> dict:
    """The comparison as one JSON object: the two sides, the rows, the summary."""
    sides = {k: {"label": s.label, "source": s.source, "kind": s.kind, "version": s.version,
                 "message": s.message} for k, s in (("a", found.a), ("b", found.b))}
    return {**sides, "summary": found.summary, "rows": found.rows}


def _write(found, path: Path) -> None:
    if path.suffix.lower() == ".json":
        from ..files import write_output
        with writing("--output", path):
            write_output(path, to_json(_record(found)))
    else:
        write_table(*found.sheet(), path, "--output")


def _print(found, every: bool) -> None:
    """Inputs that differ (all, with --all), then every output; '≠' marks a difference."""
    from rich.table import Table

    la, lb = found.labels
    table = Table(title=f"reserve compare: A = {found.a.source} ({found.a.kind}), "
                        f"B = {found.b.source} ({found.b.kind})", title_justify="left")
    for name, justify in (("", "left"), ("name", "left"), ("unit", "left"), (la, "right"),
                          (lb, "right"), ("B − A", "right")):
        table.add_column(name, justify=justify, overflow="fold")
    for section in ("input", "output"):
        shown = [r for r in found.rows if r["section"] == section
                 and (every or r["differs"] or section == "output")]
        if shown:
            table.add_section()
            table.add_row("", f"[bold]{section}s[/bold]", "", "", "", "")
        for r in shown:
            missing = "no answer" if section == "output" else "not set"
            table.add_row("≠" if r["differs"] else "", r["name"], r["unit"],
                          _cell(r["a"], missing), _cell(r["b"], missing),
                          _cell(r["difference"], "") if r["differs"] else "")
    stdout_console().print(table)
    hidden = sum(1 for r in found.rows if r["section"] == "input" and not r["differs"])
    tail = f" ({hidden} inputs the same are not shown: --all shows them)" \
        if hidden and not every else ""
    stdout_console().print(found.summary + tail, soft_wrap=True)


def _cell(value, missing: str) -> str:
    if value is None:
        return missing
    if isinstance(value, str) and len(value) > 60:   # a diagnosis: whole in CSV and JSON
        return value[:57] + "..."
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and 0 < abs(value) < 0.01:
        return f"{value:.3g}"
    return cell(value)

"""`reserve batch` and `reserve params`: sheets in and out."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..errors import InputError, Terminated
from .common import (
    app, dialect, err, guarded, progress_bar, stdout_console, write_rows, write_table, writing)
from .options import check_outputs


class ParamsFormat(str, Enum):
    table = "table"
    csv = "csv"
    toml = "toml"


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
        from .. import api
        from ..files import check_distinct
        if workers < 1:
            raise InputError("--workers", workers, "a whole number >= 1")
        check_outputs(rows=output)
        check_distinct({"the input sheet": sheet}, {"--output": output})
        with progress_bar("batch") as progress:
            rows = api.batch(sheet, workers, progress, keep_interrupted=True)
        interrupt = rows.interrupt
        write_rows(rows, rows.fields, output)
        if interrupt is not None:
            word = "terminated" if isinstance(interrupt, Terminated) else "interrupted"
            cancelled = sum(r["status"] == "cancelled" for r in rows)
            err(f"{word}: {len(rows) - cancelled} of {len(rows)} rows answered, the rest "
                 "marked cancelled")
            return 143 if isinstance(interrupt, Terminated) else 130
        bad = sum(r["status"] != "ok" for r in rows)
        if bad:
            err(f"{bad} of {len(rows)} rows not answered: see their status and message")
    guarded(body)


@app.command()
def params(fmt: ParamsFormat = typer.Option(ParamsFormat.table, "--format", "-f",
                                            help="table, csv (a template to fill in and "
                                                 "pass as -s) or toml (a commented scenario)."),
           output: Optional[Path] = typer.Option(
               None, "--output", "-o", metavar="FILE.csv|.xlsx|.toml",
               help="Write the template to a file instead (its format from the name).")):
    """Every parameter: name, unit, default, allowed values, meaning."""
    def body():
        from .. import templates
        if output is not None:
            from ..files import write_output
            if output.suffix.lower() == ".toml":
                with writing("--output", output):
                    write_output(output, templates.params_toml())
            else:
                check_outputs(output=output)
                write_table(templates.params_rows(), templates.PARAMS_COLUMNS, output,
                             "--output")
            err(f"parameters written to {output}")
        elif fmt == ParamsFormat.csv:
            sys.stdout.write(templates.params_csv(dialect()))
        elif fmt == ParamsFormat.toml:
            sys.stdout.write(templates.params_toml())
        else:
            templates.print_params_table(stdout_console())
    guarded(body)

"""`reserve batch` and `reserve params`: sheets in and out."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import InputError, Terminated
from .common import (
    app, dialect, err, guarded, progress_bar, stdout_console, write_rows, write_table, writing)
from .options import check_outputs


class TemplateKind(str, Enum):
    batch = "batch"
    scenario = "scenario"


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
        write_rows([rows.units, *rows] if rows.units else rows, rows.fields, output)
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
               help="Write the template to a file instead (its format from the name)."),
           scenario: Optional[Path] = typer.Option(
               None, "--scenario", "-s",
               help="Show (or write) this scenario's values instead of the defaults: a "
                    "shipped name, a scenario file or a run file (-o run.json)."),
           set_: Optional[List[str]] = typer.Option(
               None, "--set", metavar="NAME=VALUE",
               help="Override a parameter (repeatable), as other commands take it; with -o "
                    "x.toml this saves a modified scenario.")):
    """Every parameter: name, unit, default, allowed values, meaning; with -s or
    --set, one scenario's values (-o x.toml saves it as a scenario file)."""
    def body():
        from .. import api, templates
        s = None
        if scenario is not None or set_:
            s = api.question(scenario, api.parse_set(set_ or []))
        title = _title(scenario, set_)
        if output is not None:
            from ..files import write_output
            if output.suffix.lower() == ".toml":
                text = templates.params_toml() if s is None else api.scenario_toml(s, title)
                with writing("--output", output):
                    write_output(output, text)
            else:
                check_outputs(output=output)
                write_table(templates.params_rows(s), templates.PARAMS_COLUMNS, output,
                             "--output")
            err(f"{'parameters' if s is None else 'scenario'} written to {output}")
        elif fmt == ParamsFormat.csv:
            sys.stdout.write(templates.params_csv(dialect(), s))
        elif fmt == ParamsFormat.toml:
            sys.stdout.write(templates.params_toml() if s is None else api.scenario_toml(s, title))
        else:
            templates.print_params_table(stdout_console(), s, title)
    guarded(body)


def _title(scenario: Optional[Path], set_: Optional[List[str]]) -> str:
    """What a written scenario is, in words: its source and the changes made to it."""
    words = str(scenario) if scenario is not None else "the default scenario (sechin-2008)"
    return words + (" with " + ", ".join(set_) if set_ else "")


@app.command()
def template(kind: TemplateKind = typer.Argument(..., metavar="batch|scenario",
                                                help="batch: a sheet for `reserve batch`; "
                                                     "scenario: a commented scenario file."),
             output: Optional[Path] = typer.Option(
                 None, "--output", "-o", metavar="FILE.xlsx|.ods|.csv|.toml",
                 help="Write it here (its format from the name); default: stdout.")):
    """A file to fill in: a batch sheet (a units row and example rows that run
    as they stand) or a scenario (every parameter at its default)."""
    def body():
        from .. import templates
        from ..files import write_output
        if kind == TemplateKind.scenario:
            if output is not None and output.suffix.lower() != ".toml":
                raise InputError("--output", str(output), "a file name ending in .toml for a "
                                 "scenario (or `reserve params -o FILE.csv|.xlsx|.ods`)")
            if output is None:
                sys.stdout.write(templates.params_toml())
                return
            with writing("--output", output):
                write_output(output, templates.params_toml())
        else:
            rows, columns = templates.batch_template()
            if output is None:
                from ..results import to_csv
                sys.stdout.write(to_csv(rows, columns, dialect()))
                return
            check_outputs(output=output)
            write_table(rows, columns, output, "--output")
        err(f"{kind.value} template written to {output}; "
            + ("run it with: reserve batch " + str(output) if kind == TemplateKind.batch
               else "use it with: reserve size -s " + str(output)))
    guarded(body)

"""Answers on the terminal and in files: the answer's table, its owners and
range, a table of values with units, the cells' text (a module of
:mod:`reserve.cli`, beside ``common``, which it uses)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

from ..jsontext import to_json
from .common import NARROW, command, whole_lines, dialect, err, stdout_console, write_table, writing
from .options import OutputFormat


def print_answer(answer, out) -> None:
    """One answer to where ``out`` (an options.AnswerOutputs) sends it: files,
    the chart, warnings on stderr, then the table, CSV or JSON on stdout."""
    from .. import results
    fmt, schedule_path, plot_path, output_path = out.fmt, out.schedule, out.plot, out.output
    if plot_path is not None:
        from ..plot import plot_answer
        with writing("--plot", plot_path):
            plot_answer(answer, plot_path)
        err(f"plot written to {plot_path}")
    if schedule_path is not None:
        write_table(*results.schedule_rows(answer), schedule_path, "--schedule")
    values = results.outputs(answer)
    extras = results.extras(answer)
    owners = extras.get("owners", [])
    if output_path is not None and output_path.suffix.lower() == ".json":
        from ..api import save_run      # a run: the outputs, the scenario, the command
        with writing("--output", output_path):
            save_run(answer, output_path, command())
    elif output_path is not None:
        write_results(values, output_path, extras)
    for warning in answer.warnings:
        err(f"warning: {warning}")
    if fmt == OutputFormat.json:
        sys.stdout.write(to_json({**values, **extras}))
    elif fmt == OutputFormat.csv:
        rows = results.with_owners(values, owners)
        sys.stdout.write(results.to_csv(rows, union_columns(rows), dialect=dialect()))
    else:
        print_table(answer, values)
        if owners:
            print_owners(owners)
    if schedule_path is not None:
        err(f"schedule written to {schedule_path}")
    if output_path is not None and output_path.suffix.lower() == ".json":
        err(f"run written to {output_path} (ask it again: reserve {answer.mode} -s "
            f"{output_path}; set it beside another: reserve compare {output_path} OTHER)")
    elif output_path is not None:
        err(f"results written to {output_path}")


def write_results(values: dict, path: Path, extras: dict) -> None:
    """An answer's outputs to ``--output``: a JSON object with ``extras`` (its
    warnings, notes), or a one-row table (CSV in the --csv-dialect, .xlsx)."""
    from .. import results
    from ..files import write_output
    if path.suffix.lower() == ".json":
        with writing("--output", path):
            write_output(path, to_json({**values, **extras}))
    else:
        rows = results.with_owners(values, extras.get("owners", []))
        write_table(rows, union_columns(rows), path, "--output")


def union_columns(rows: list[dict]) -> list[str]:
    """Every column of ``rows``, in the order first met."""
    return list(dict.fromkeys(name for row in rows for name in row))


def print_owners(rows: list[dict]) -> None:
    """The owners' ledger lines as a table [M USD]."""
    from rich.table import Table
    table = Table(title="the owners' ledger (M USD; shares of the reserve's trade)",
                  title_justify="left")
    from ..results import OWNER_COLUMNS
    table.add_column("owner")
    for label in ("share", *(label for label, _, _ in OWNER_COLUMNS)):
        table.add_column(label, justify="right")
    for row in rows:
        table.add_row(row["owner"], f"{row['owner_share']:.1%}",
                      *(cell(row[key]) for _, key, _ in OWNER_COLUMNS))
    stdout_console().print(table)
    stdout_console().print("trade gain: on net exports, or saved on net imports; consumers' "
                           "surplus is what consumers gain, part of the same money, not added.")


def print_table(answer, values: dict) -> None:
    from rich.table import Table

    from .. import results
    from ..schema import OUTPUTS
    units = {name: unit for name, unit, _ in OUTPUTS}
    labels = {name: label for name, _, label in OUTPUTS}
    out = stdout_console()
    named = out.width >= NARROW     # a narrow terminal: the words, not the machine names
    table = Table(title=f"reserve {answer.mode}", title_justify="left",
                  caption=None if named else "names for CSV and JSON: reserve size -f csv, "
                  "or a terminal of 110 columns", caption_justify="left")
    table.add_column("output")
    table.add_column("value", justify="right")
    table.add_column("unit")
    if named:
        table.add_column("name", style="dim")
    left_out = results.left_out(answer)
    for name, value in values.items():
        if name.startswith("capacity_mb_"):
            option = name[len("capacity_mb_"):]
            label, unit = f"  storage: {option.replace('_', ' ')}", "mb"
        else:
            label, unit = labels.get(name, name), units.get(name, "")
        row = ([label, "not modelled", f"({left_out[name]})"] if name in left_out
               else [label, cell(value), unit])   # a term left out: no 0.00 to read as found
        table.add_row(*row, *([name] if named else []))
    out.print(table)
    out.print(results.sentence(answer), soft_wrap=whole_lines())
    for note in results.notes(answer):
        out.print(f"Note: {note}", soft_wrap=whole_lines())
    if answer.range is not None:
        print_range(answer.range)


def print_range(spread) -> None:
    """The answer's range as a terminal table, the scenario's own cell marked *."""
    from rich.table import Table
    table = Table(title="the answer's range (* the scenario's own; beyond: what an "
                        "out-of-reach cell would need, caps lifted)", title_justify="left")
    for name, justify in (("", "left"), ("elasticities", "left"), ("holders", "left"),
                          ("producers", "left"), ("storage mb", "right"),
                          ("fill mb/d", "right"), ("cost $ m", "right"),
                          ("net benefit $ m", "right"), ("", "left")):
        table.add_column(name, justify=justify)
    for c in spread.cells:
        table.add_row("*" if c["own"] else "", c["elasticities"], c["holders"],
                      c["producers"], f"{c['storage_capacity_mb']:,.0f}",
                      f"{c['fill_capacity_mbd']:.2f}", f"{c['total_cost_musd']:,.0f}",
                      cell(c["net_benefit_musd"]),
                      {"ok": "", "infeasible": "beyond"}.get(c["status"], c["status"]))
    stdout_console().print(table)


def cell(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "no limit"
    return f"{value:,.2f}"


def print_values(values: dict, fmt: OutputFormat, title: str) -> None:
    from rich.table import Table

    from .. import results as res
    if fmt == OutputFormat.json:
        sys.stdout.write(to_json(values))
    elif fmt == OutputFormat.csv:
        sys.stdout.write(res.to_csv([values], dialect=dialect()))
    else:
        units = {name: unit_words(name) for name in values}
        table = Table(title=title, title_justify="left")
        table.add_column("name")
        if any(units.values()):
            table.add_column("unit")
        table.add_column("value", justify="right")
        for name, value in values.items():
            table.add_row(name, *([units[name]] if any(units.values()) else []), cell(value))
        stdout_console().print(table)


def unit_words(name: str) -> str:
    """A value's unit for a terminal table: the schema's, or read from its
    name (``_day_p5`` is in days, ``held_share_...`` a share of 0 to 1)."""
    import re

    from ..sheets import unit_of
    unit = unit_of(name)[0]
    if unit:
        return "" if unit == "1" else unit
    if name == "days" or re.search(r"_days?(_p\d+)?$", name):
        return "d"
    return "share, 0-1" if "share" in name else ""

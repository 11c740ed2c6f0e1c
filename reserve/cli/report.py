"""`reserve report`: one self-contained HTML file to hand round."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import InputError
from .common import (
    CeilingOpt, FloorOpt, HoldOpt, PathOpt, ScenarioOpt, SetOpt, TargetOpt, _baseline_of, _err,
    _guarded, _path, _progress_bar, _scenario, _writing, app)


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

        from ..report import build_report, tornado_for
        from ..files import write_output
        from ..scenario import parse_set
        from ..solve import size as solve_size
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

"""`reserve report`: one self-contained HTML file to hand round."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..errors import InputError, TargetUnreachable
from .common import app, err, guarded, progress_bar, writing
from .options import Question, ScenarioSource, check_files, with_options


@app.command()
@with_options
def report(
    output: Path = typer.Option(..., "--output", "-o", metavar="FILE.html",
                                help="The report to write (one self-contained HTML file)."),
    *,
    question: Question,
    source: ScenarioSource,
):
    """A report to hand round: question, answer, table, charts, every assumption
    with its unit and source, and the command that reproduces it."""
    def body():
        from .. import api
        from ..files import write_output
        if output.suffix.lower() not in (".html", ".htm"):
            raise InputError("--output", str(output), "a file name ending in .html")
        check_files({"scenario": source.scenario, "price_path": question.price_path},
                    {"output": output})
        s = question.scenario(source)
        overrides = {**source.overrides(),
                     **{k: v for k, v in question.overrides().items() if v is not None}}
        failure = None
        with progress_bar("the answer, its tornado and its range") as progress:
            try:
                text = api.report(s, source=source.scenario, changed=overrides,
                                  command=_reproduce(["reserve", "size", *sys.argv[2:]]),
                                  progress=progress)
            except TargetUnreachable as error:    # the diagnosis is a report too
                text, failure = error.report, error
        with writing("--output", output):
            write_output(output, text)
        if failure is not None:
            err(f"report of the diagnosis written to {output}")
            raise failure
        err(f"report written to {output}")
    guarded(body)


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

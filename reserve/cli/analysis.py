"""`reserve sensitivity` and `reserve uncertainty`: many solves of one question."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..jsontext import to_json
from ..errors import InputError
from .common import (
    app, dialect, err, guarded, interrupted, progress_bar, stdout_console, write_rows, writing)
from .printing import cell, print_values
from .options import (Cluster, FormatOpt, OutputFormat, PlotOpt, Question, ScenarioSource,
                      check_files, check_outputs, check_plot_path, with_options)


@app.command()
@with_options
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
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE.csv|.xlsx",
                                          help="Write the rows here (default: stdout)."),
    plot: Optional[Path] = PlotOpt,
    *,
    question: Question,
    source: ScenarioSource,
    cluster: Cluster,
):
    """How the answer moves with each input: one-way sweeps, a grid, or a tornado.

    One row a point: the varied values by name, every output of `reserve size`
    by name, status (ok, infeasible, error) and message."""
    def body():
        from .. import api
        check_plot_path(plot)
        check_outputs(rows=output)
        check_files({"scenario": source.scenario, "price_path": question.price_path},
                    {"output": output, "plot": plot})
        base = question.scenario(source)
        if tornado and (vary or grid):
            raise InputError("--tornado", "with --vary/--grid", "either --tornado or --vary")
        if not tornado and not vary:
            raise InputError("--vary", "(none)", "at least one NAME=LO:HI:N, or --tornado")
        names = [n.strip() for n in params_.split(",")] if params_ else None
        with progress_bar("sweeping") as progress:
            rows = api.sensitivity(base, vary=None if tornado else vary, grid=grid,
                                   tornado=tornado, span=_share(span, "--span"), params=names,
                                   workers=cluster.workers, scheduler=cluster.scheduler,
                                   tls=cluster.tls(), progress=progress,
                                   keep_interrupted=True)
        varied_names = [k for p in rows.points for k in p if k not in ("sweep", "side")]
        first = ["sweep"] + (["side"] if tornado else []) + list(dict.fromkeys(varied_names))
        write_rows(rows, rows.columns(first), output)
        if rows.interrupt is not None:
            return interrupted(rows.results, output, rows.interrupt)
        if plot is not None:
            from ..plot_sweeps import plot_sweep, plot_tornado
            with writing("--plot", plot):
                if tornado:
                    plot_tornado(rows, rows.centre, plot)
                else:
                    plot_sweep(rows, base, plot, grid=grid)
            err(f"plot written to {plot}")
    guarded(body, {"params": "--params"})


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
@with_options
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
    fmt: OutputFormat = FormatOpt,
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE.csv|.xlsx",
                                          help="Also write every sample's row here."),
    plot: Optional[Path] = PlotOpt,
    *,
    question: Question,
    source: ScenarioSource,
    cluster: Cluster,
):
    """Quantiles (P5, P50, P95) of capacity, rates and cost over uncertain inputs."""
    def body():
        from .. import api
        from .. import results as res
        check_plot_path(plot)
        check_outputs(rows=output)
        check_files({"scenario": source.scenario, "price_path": question.price_path},
                    {"output": output, "plot": plot})
        if not dist:
            raise InputError("--dist", "(none)", "at least one NAME=KIND:ARGS")
        base = question.scenario(source)
        with progress_bar("sampling") as progress:
            answer = api.uncertainty(base, dist=dist, samples=samples, seed=seed,
                                     confidence=confidence, workers=cluster.workers,
                                     scheduler=cluster.scheduler, tls=cluster.tls(),
                                     progress=progress, keep_interrupted=True)
        rows, counts = answer["rows"], answer["samples"]
        if output is not None or rows.interrupt is not None:
            write_rows(rows, rows.columns(["sample", *answer["names"]]), output)
        if rows.interrupt is not None:
            return interrupted(rows.results, output, rows.interrupt)
        err(f"{counts['solved']} of {samples} samples within the scenario's limits, "
             f"{counts['infeasible']} need more (counted with their needs, the caps lifted, "
             f"in capacity, rates and cost), {counts['error']} with bad inputs")
        if confidence is not None:
            print_values(answer["design"], fmt, f"design for {confidence:.0%} confidence")
            return 0
        q = answer["quantiles"]
        if plot is not None:
            from ..plot_sweeps import plot_histograms
            with writing("--plot", plot):
                plot_histograms(rows, plot, base)
            err(f"plot written to {plot}")
        if fmt == OutputFormat.json:
            sys.stdout.write(to_json({**q, "samples": counts}))
        elif fmt == OutputFormat.csv:
            from ..sheets import unit_of
            sys.stdout.write(res.to_csv([{"output": k, "unit": unit_of(k)[0], **v}
                                         for k, v in q.items()],
                                        ["output", "unit", "p5", "p50", "p95", "counted",
                                         "population"], dialect()))
        else:
            _print_quantiles(q, counts, answer["names"])
    guarded(body)


def _print_quantiles(q: dict, counts: dict, inputs: list) -> None:
    """The quantiles in three sections, each row with its unit and the
    samples it counts: the inputs drawn, the outputs over every sample
    answered (those beyond the limits at their needs), and the outputs that
    exist only within the limits."""
    from rich.table import Table

    from ..schema import KEY_OUTPUTS
    from ..sheets import unit_of
    answered = counts["solved"] + counts["infeasible"]
    title = (f"reserve uncertainty: {counts['requested']} samples, {counts['solved']} within "
             f"the scenario's limits, {counts['infeasible']} needing more")
    table = Table(title=title, title_justify="left")
    for column in ("output", "unit", "P5", "P50", "P95", "samples counted"):
        table.add_column(column, justify="left" if column in ("output", "unit") else "right")
    everyone = [k for k in KEY_OUTPUTS if k in q] + [
        k for k in q if q[k]["population"].startswith("every") and k not in KEY_OUTPUTS
        and k not in inputs]
    sections = (("inputs drawn", [k for k in inputs if k in q]),
                ("every sample", everyone),
                ("within the limits only", [k for k in q if k not in everyone
                                            and k not in inputs]))
    table.caption = (f"every sample: the {counts['infeasible']} beyond the limits count at "
                     "what they would need with the caps lifted; within the limits only: "
                     "outputs a sample beyond them does not have (its schedule, ledger)")
    table.caption_justify = "left"
    for words, names in sections:
        if not names:
            continue
        table.add_section()
        table.add_row(f"[bold]{words}[/bold]", "", "", "", "", "")
        for name in names:
            unit = unit_of(name)[0]
            counted = q[name]["counted"]
            table.add_row(name, "" if unit == "1" else unit,
                          *(cell(q[name][p]) for p in ("p5", "p50", "p95")),
                          f"{counted} of {answered}")
    stdout_console().print(table)

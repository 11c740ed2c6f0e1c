"""`reserve policy`: the reserve as insurance for a consumer (Teisberg 1981)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..jsontext import to_json
from ..errors import InputError
from .common import app, dialect, err, guarded, progress_bar, save_figure, write_table
from .printing import print_values, union_columns
from .options import FormatOpt, OutputFormat, PlotOpt, check_files, check_plot_path

COLUMNS = ["regime", "level", "next_level", "change", "price_usd_per_bbl", "present_cost",
           "long_run_share"]


@app.command()
def policy(
    source: str = typer.Option("teisberg-1981", "--source", "-s",
                               help="teisberg-1981 (the GAMS library's MARKOV), or a TOML "
                                    "file with a [policy] table."),
    set_: Optional[list[str]] = typer.Option(
        None, "--set", metavar="NAME=VALUE",
        help="Override an input (repeatable), in TOML's syntax: discount=0.9, "
             "lost_supply=[0,20], transition=[[0.9,0.1],[0.5,0.5]]; scenario=default "
             "puts that scenario's market in place of Teisberg's curve."),
    sweep: Optional[str] = typer.Option(
        None, "--sweep", metavar="NAME=LO:HI:N",
        help="Instead: the figures at each value of NAME, one row a value; NAME a number "
             "of the [policy] table, or p_disrupt, p_recover, disruption (two regimes)."),
    samples: Optional[int] = typer.Option(
        None, "--samples", metavar="N",
        help="Instead: the policy over N draws of --dist, and the 5th, 50th and 95th "
             "percentiles of its figures."),
    dist: Optional[list[str]] = typer.Option(
        None, "--dist", metavar="NAME=KIND:ARGS",
        help="An uncertain input for --samples (repeatable): uniform:LO:HI, "
             "normal:MEAN:SD, triangular:LO:MODE:HI or choice:A,B,...; NAME as for --sweep."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the --samples draws."),
    method: str = typer.Option("lp", "--method", metavar="lp|vi",
                               help="The MDP's LP in HiGHS, or value iteration."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE.csv|.xlsx",
                                          help="Write the policy table (one row a state)."),
    fmt: OutputFormat = FormatOpt,
    plot: Optional[Path] = PlotOpt,
):
    """What reserve, filled and drawn by what rule, is worth holding when
    disruptions come and go as a Markov chain: the policy table, the value of
    each state, the long-run distribution, and the reserve's value against none."""
    def body():
        from .. import api
        from ..sheets import check_table_path
        check_plot_path(plot)
        check_table_path(output, "-o")
        check_files({"source": Path(source) if Path(source).is_file() else None},
                    {"output": output, "plot": plot})
        values = api.parse_set(set_ or [])
        if sweep is not None and samples is not None:
            raise InputError("--samples", samples, "--sweep or --samples, not both")
        if samples is not None and plot is not None:
            raise InputError("--plot", str(plot), "a plot of the policy or of a --sweep; "
                             "--samples writes rows (-o) and percentiles")
        if sweep is not None:
            return swept(api.policy_sweep(source, vary=sweep, method=method, **values))
        if samples is not None or dist:
            if samples is None or not dist:
                raise InputError("--dist" if samples is not None else "--samples",
                                 None, "--samples N with at least one --dist NAME=KIND:ARGS")
            with progress_bar("solving the samples") as progress:
                rows, summary = api.policy_uncertainty(source, dist=dist, samples=samples,
                                                       seed=seed, method=method,
                                                       progress=progress, **values)
            return sampled(rows, summary)
        answer = api.policy(source, method=method, **values)
        rows = answer.policy_rows()
        figures = answer.figures()
        from ..plot_policy import policy_figure
        if not deliver(rows, COLUMNS, lambda: policy_figure(answer), {**figures, "policy": rows}):
            print_values({f"{r['regime']}, level {r['level']:g}": (
                f"next {r['next_level']:g} ({r['change']:+g})  price {r['price_usd_per_bbl']:.2f}"
                f"  cost {r['present_cost']:,.2f}  long run {100 * r['long_run_share']:.1f} %")
                for r in rows}, fmt, "the policy: from each state, the level chosen")
            print_values(figures, fmt, f"reserve policy: {answer.model.name}")

    def swept(rows):
        columns = list(rows[0])
        name = columns[0]
        from ..plot_policy import sweep_figure
        if not deliver(rows, columns, lambda: sweep_figure(rows, name), rows):
            worth = next(k for k in columns if k.startswith("reserve_value_empty_"))
            print_values({f"{name} = {r[name]:g}": (
                f"mean level {r['mean_level']:.2f}  saves {r[worth]:,.2f} from empty  "
                f"objective {r['objective']:,.2f}") for r in rows},
                fmt, f"reserve policy --sweep {sweep} (saves: {worth})")

    def sampled(rows, summary):
        columns = union_columns(rows)
        if not deliver(rows, columns, None, {**summary, "samples_rows": rows}):
            print_values({name: f"P5 {q['p5']:,.2f}   P50 {q['p50']:,.2f}   P95 {q['p95']:,.2f}"
                          for name, q in summary["quantiles"].items()}, fmt,
                         f"reserve policy --samples {samples}: {summary['solved']} of "
                         f"{samples} solved")
            for r in rows:
                if r["status"] != "ok":
                    err(f"sample {r['sample']}: {r['message']}")

    def deliver(rows, columns, figure, json_value) -> bool:
        """Rows to -o, the figure to --plot, JSON or CSV to stdout; False when
        the terminal's table is still to print."""
        from .. import results as res
        if output is not None:
            write_table(rows, columns, output, "-o")
            err(f"{len(rows)} rows written to {output}")
        if plot is not None:
            save_figure(plot, figure)
        if fmt == OutputFormat.json:
            sys.stdout.write(to_json(json_value))
        elif fmt == OutputFormat.csv:
            sys.stdout.write(res.to_csv(rows, columns, dialect()))
        return fmt != OutputFormat.table

    guarded(body, {})

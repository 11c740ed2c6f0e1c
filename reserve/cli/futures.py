"""`reserve paths` and `reserve risk`: many futures, and how likely a design holds."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..jsontext import to_json
from ..errors import InputError
from .common import (
    app, dialect, guarded, progress_bar, save_figure, stdout_console, write_rows)
from .printing import print_values
from .options import (CeilingOpt, Cluster, DisruptionOptions, FloorOpt, FormatOpt,
                      OutputFormat, PlotOpt, ScenarioSource, check_files, check_outputs,
                      check_plot_path, with_options)


@app.command()
@with_options
def paths(
    method: str = typer.Option("bootstrap", "--method", metavar="bootstrap|mean-reverting",
                               help="Block bootstrap of Brent's daily moves, or a mean-"
                                    "reverting process fitted to them."),
    n_paths: int = typer.Option(100, "--n-paths", "-n", help="Number of paths."),
    days: Optional[int] = typer.Option(None, "--days",
                                       help="Days after day 0 [d] (default: the scenario's "
                                            "horizon)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed (same seed, same "
                                                            "paths)."),
    block_days: float = typer.Option(20.0, "--block-days",
                                     help="Mean block length of the bootstrap [d]."),
    since: Optional[int] = typer.Option(None, "--since", metavar="YEAR",
                                        help="Use the history from this year on."),
    *,
    source: ScenarioSource,
    disruptions: DisruptionOptions,
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE.csv|.xlsx",
                                          help="Write the paths here (default: stdout)."),
    plot: Optional[Path] = PlotOpt,
):
    """Price paths from 40 years of Brent history, starting at the scenario's price:
    one row a day, one column a path [USD/bbl], and a fan chart with --plot."""
    def body():
        from .. import api
        check_plot_path(plot)
        check_outputs(rows=output)
        check_files({"scenario": source.scenario}, {"output": output, "plot": plot})
        # paths use the scenario's price and market, never its target: a
        # target in percent stays valid at any price
        s = source.build(target_impact_usd_per_bbl="1%")
        drawn = api.draw_paths(s, n_paths=n_paths, days=days, method=method, seed=seed,
                               block_days=block_days, since=since, **disruptions.values())
        rows, columns = api.paths_table(drawn)
        write_rows(rows, columns, output)
        if plot is not None:
            save_figure(plot, lambda: api.paths_figure(drawn, s, method=method,
                                                       **disruptions.values()))
    guarded(body)


#: Most path-days `reserve risk` solves with foresight on one worker (an LP a
#: path, each a warm re-solve: 1,000 paths of a year took 3 to 4 s on two
#: workers here, whatever the floor): 10,000 paths of a year, about a minute.
#: Each --workers adds as much; a --scheduler lifts the limit.
FORESIGHT_PATH_DAYS_MAX = 10_000 * 366


@app.command()
@with_options
def risk(
    capacity_mb: float = typer.Option(..., "--capacity-mb", help="Storage of the design [mb]."),
    fill_rate_mbd: Optional[float] = typer.Option(None, "--fill-rate-mbd",
                                                  help="Fill rate of the design [mb/d] "
                                                       "(default: the scenario's cap)."),
    release_rate_mbd: Optional[float] = typer.Option(None, "--release-rate-mbd",
                                                     help="Release rate [mb/d] (default: the "
                                                          "scenario's cap)."),
    initial_mb: Optional[float] = typer.Option(None, "--initial-mb",
                                               help="Opening stock [mb] (default: empty for a "
                                                    "floor, full for a ceiling)."),
    floor: Optional[str] = FloorOpt,
    ceiling: Optional[str] = CeilingOpt,
    paths_file: Optional[Path] = typer.Option(None, "--paths", metavar="FILE.csv",
                                              help="Paths from `reserve paths` (default: draw "
                                                   "them by --method)."),
    n_paths: Optional[int] = typer.Option(None, "--n-paths", "-n",
                                          help="Paths to draw without a file [default: 200]."),
    days: Optional[int] = typer.Option(None, "--days",
                                       help="Days of each path drawn [d] [default: 365]."),
    method: str = typer.Option("bootstrap", "--method", metavar="bootstrap|mean-reverting",
                               help="How to draw the paths (see `reserve paths`)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed of the draw."),
    foresight: bool = typer.Option(True, "--foresight/--no-foresight",
                                   help="Also solve each path with perfect foresight (an LP a "
                                        "path; slower)."),
    *,
    source: ScenarioSource,
    cluster: Cluster,
    disruptions: DisruptionOptions,
    fmt: OutputFormat = FormatOpt,
    plot: Optional[Path] = PlotOpt,
):
    """The probability a design holds a floor or ceiling over many price paths:
    by a causal rule (today's price only) and with perfect foresight, side by side."""
    def body():
        from .. import api
        from .. import results as res
        check_plot_path(plot)
        check_files({"scenario": source.scenario, "paths": paths_file}, {"plot": plot})
        s = source.build(floor_usd_per_bbl=floor, ceiling_usd_per_bbl=ceiling)
        if s.floor_usd_per_bbl is None and s.ceiling_usd_per_bbl is None:
            raise InputError("--floor", None, "a floor or a ceiling (one of them)")
        if paths_file is not None:
            for option, value in (("--n-paths", n_paths), ("--days", days),
                                  ("--seed", seed)):
                if value is not None:   # the file sets them: never dropped silently
                    raise InputError(option, value, "not with --paths (the file's paths "
                                     "are used as they are)")
            prices = api.read_paths(paths_file)
        else:
            prices = api.draw_paths(s, n_paths=200 if n_paths is None else n_paths,
                                    days=365 if days is None else days, method=method,
                                    seed=seed, **disruptions.values())
        most = FORESIGHT_PATH_DAYS_MAX * cluster.workers
        if foresight and cluster.scheduler is None and prices.size > most:
            raise InputError("--foresight", f"{prices.shape[0]:,} paths of "
                             f"{prices.shape[1]:,} days", f"at most {most:,} path-days with "
                             f"{cluster.workers} worker(s) (an LP a path: about a minute each); more "
                             "--workers, a --scheduler, or --no-foresight for the causal "
                             "rule alone")
        with progress_bar("solving each path with foresight") as progress:
            values = api.assess_risk(s, prices=prices, capacity_mb=capacity_mb,
                                     fill_rate_mbd=fill_rate_mbd,
                                     release_rate_mbd=release_rate_mbd, initial_mb=initial_mb,
                                     foresight=foresight, workers=cluster.workers,
                                     scheduler=cluster.scheduler,
                                     tls=cluster.tls() if foresight else None,
                                     progress=progress)
        rule = values.pop("rule")
        if plot is not None:
            from ..plot import risk_figure
            save_figure(plot, lambda: risk_figure(rule, values.get("held_share_foresight"), s))
        if fmt == OutputFormat.json:
            sys.stdout.write(to_json(values))
        elif fmt == OutputFormat.csv:
            sys.stdout.write(res.to_csv([values], dialect=dialect()))
        else:
            band = (f"floor ${s.floor_usd_per_bbl:.2f}" if s.floor_usd_per_bbl is not None
                    else f"ceiling ${s.ceiling_usd_per_bbl:.2f}")
            print_values({k: ("" if v is None else v) for k, v in values.items()}, fmt,
                          f"reserve risk: {capacity_mb:g} mb defending a {band}/bbl")
    guarded(body, {"floor_usd_per_bbl": "--floor", "prices": "--paths"})


@app.command()
def equilibrium(
    calibration: str = typer.Option("recs-sto2", "--calibration", "-c",
                                    help="recs-sto1, recs-sto2, recs-sto4 (a band), "
                                         "recs-crude-2008 ($ and mb), or a TOML file "
                                         "with an [equilibrium] table."),
    set_: Optional[list[str]] = typer.Option(None, "--set", metavar="NAME=VALUE",
                                             help="Override a calibration value (repeatable), "
                                                  "e.g. floor=1.05, public_cap=0.6, "
                                                  "ceiling=1.2."),
    years: int = typer.Option(20, "--years", help="Years the floor (or band) must survive."),
    n_paths: int = typer.Option(1000, "--n-paths", "-n", help="Simulated paths."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the shocks."),
    rules: bool = typer.Option(False, "--rules", help="Print the decision rules too."),
    size_for: Optional[float] = typer.Option(
        None, "--size-for", metavar="P",
        help="Instead: the least public stock with which the floor survives --years "
             "with probability P (e.g. 0.9); on a crude calibration, beside what "
             "reserve risk's causal rule and perfect foresight need on the same shocks."),
    fmt: OutputFormat = FormatOpt,
    plot: Optional[Path] = PlotOpt,
):
    """A floor (or a band) defended by a public stock when holders foresee its
    end: the rational-expectations storage equilibrium (RECS's STO demos), its
    rules, its distribution, and how likely the floor survives --years."""
    def body():
        from .. import api
        check_plot_path(plot)
        check_files({"calibration": Path(calibration) if Path(calibration).is_file() else None},
                    {"plot": plot})
        values = api.parse_set(set_ or [])
        if size_for is not None:
            c = api.equilibrium_calibration(calibration, **values)
            compared = bool(c.scenario) and c.floor is not None and c.ceiling is None
            with progress_bar("sizing the public stock") as progress:
                found = (api.equilibrium_sizes if compared else api.equilibrium_size_for)(
                    calibration, probability=size_for, years=years, paths=n_paths, seed=seed,
                    progress=progress, **values)
            title = f"reserve equilibrium --size-for {size_for:g} --years {years}: {calibration}"
            if compared:
                print_sizes(found, fmt, title)
                return
            found = {"probability": size_for, "years": years, "public_cap_needed": found}
            if c.consumption_unit_mb_per_yr is not None:
                found["public_cap_needed_mb"] = found["public_cap_needed"] \
                    * c.consumption_unit_mb_per_yr
            print_values(found, fmt, title)
            return
        with progress_bar("solving the storage equilibrium") as progress:
            answer = api.equilibrium(calibration, years=years, paths=n_paths, seed=seed,
                                     progress=progress, **values)
        figures = answer.figures
        if plot is not None:
            from ..plot_equilibrium import equilibrium_figure
            save_figure(plot, lambda: equilibrium_figure(answer))
        if rules and fmt == OutputFormat.table:
            print_values({(f"{row['regime']}: " if "regime" in row else "")
                          + f"A={row['availability']:.3f}" + (
                f" G={row['public_in']:.3f}" if "public_in" in row else ""): (
                f"P {row['price']:.4f}  S {row['private_stock']:.4f}  "
                f"G {row['public_stock']:.4f}  H {row['production']:.4f}")
                for row in answer.rule_table()}, fmt, "decision rules by availability A")
        if rules and fmt == OutputFormat.json:
            figures = {**figures, "rules": answer.rule_table()}
        print_values(figures, fmt, f"reserve equilibrium: {answer.calibration.name}")
    guarded(body, {})


def print_sizes(found: dict, fmt: OutputFormat, title: str) -> None:
    """The three sizes of a crude floor side by side (a table), or the values."""
    if fmt != OutputFormat.table:
        print_values(found, fmt, title)
        return
    from rich.table import Table
    table = Table(title=title, title_justify="left")
    for name, justify in (("who holds the floor", "left"), ("public stock (mb)", "right"),
                          ("holders' mean stock (mb)", "right")):
        table.add_column(name, justify=justify)
    table.add_row("holders foresee its end (equilibrium)",
                  f"{found['public_cap_needed_mb']:,.0f}",
                  f"{found['mean_private_stock_mb_with_floor']:,.0f}")
    for name, key in (("causal rule (reserve risk)", "causal_rule_cap_needed_mb"),
                      ("perfect foresight (reserve risk)", "foresight_cap_needed_mb")):
        table.add_row(name, f"{found[key]:,.0f}",
                      f"{found['mean_private_stock_mb_without_floor']:,.0f} (as without it)")
    stdout_console().print(table)
    stdout_console().print(
        f"{found['paths']} paths of the same shocks; reserve risk's rows take the market's "
        f"paths without the floor as given, at rates that never bind "
        f"({found['rate_unbound_mbd']:.1f} mb/d).")


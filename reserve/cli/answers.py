"""`reserve size` and `reserve impact`: one question, one answer."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import (
    CeilingOpt, Direction, FloorOpt, FormatOpt, HoldOpt, Objective, ObjectiveOpt, OutputFormat,
    PathOpt, PlotOpt, ResultsOpt, ScenarioOpt, ScheduleOpt, SetOpt, TargetOpt, TimeLimitOpt,
    UnwindOpt, _baseline_of, _check_outputs, _check_plot_path, _check_time_limit, _guarded,
    _progress_bar, _report, _scenario, _with_path, app)


# -- commands -------------------------------------------------------------------

@app.command()
def size(
    target_impact: Optional[str] = TargetOpt,
    hold_days: Optional[int] = HoldOpt,
    floor: Optional[str] = FloorOpt,
    ceiling: Optional[str] = CeilingOpt,
    price_path: Optional[Path] = PathOpt,
    scenario: Optional[Path] = ScenarioOpt,
    set_: Optional[List[str]] = SetOpt,
    fmt: OutputFormat = FormatOpt,
    schedule: Optional[Path] = ScheduleOpt,
    output: Optional[Path] = ResultsOpt,
    plot: Optional[Path] = PlotOpt,
    time_limit: Optional[float] = TimeLimitOpt,
    objective: Optional[Objective] = ObjectiveOpt,
    unwind: bool = UnwindOpt,
):
    """Least-cost reserve (storage, fill and release capacity, schedule) that
    holds the price moved by the target for the window; or, with --objective
    net-benefit, the reserve best for its owner."""
    def body():
        from ..solve import size as solve_size
        _check_time_limit(time_limit)
        _check_plot_path(plot)
        _check_outputs(schedule=schedule, output=output)
        s = _scenario(scenario, set_, unwind, target_impact_usd_per_bbl=target_impact,
                      hold_days=hold_days, floor_usd_per_bbl=floor, ceiling_usd_per_bbl=ceiling,
                      objective=objective)
        s = _with_path(s, price_path)
        with _progress_bar("target out of reach; diagnosing") as progress:
            answer = solve_size(s, _baseline_of(s.price_path, s), time_limit_s=time_limit,
                                progress=progress)
        _report(answer, fmt, schedule, plot, output)
    _guarded(body)


@app.command()
def impact(
    capacity_mb: float = typer.Option(..., "--capacity-mb", help="Storage capacity [mb], usable from day 0."),
    fill_rate_mbd: Optional[float] = typer.Option(
        None, "--fill-rate-mbd", help="Fill capacity [mb/d]; default: the scenario's fill_rate_max_mbd."),
    release_rate_mbd: Optional[float] = typer.Option(
        None, "--release-rate-mbd",
        help="Release capacity [mb/d]; default: the scenario's release_rate_max_mbd."),
    direction: Direction = typer.Option(Direction.raise_, "--direction",
                                        help="raise (absorb) or lower (release) the price."),
    hold_days: Optional[int] = HoldOpt,
    price_path: Optional[Path] = PathOpt,
    scenario: Optional[Path] = ScenarioOpt,
    set_: Optional[List[str]] = SetOpt,
    fmt: OutputFormat = FormatOpt,
    schedule: Optional[Path] = ScheduleOpt,
    output: Optional[Path] = ResultsOpt,
    plot: Optional[Path] = PlotOpt,
    time_limit: Optional[float] = TimeLimitOpt,
    objective: Optional[Objective] = ObjectiveOpt,
    unwind: bool = UnwindOpt,
):
    """Largest price impact a given reserve can hold for hold_days (the inverse of
    size); with --objective net-benefit, its schedule best for its owner."""
    def body():
        from ..solve import impact as solve_impact
        _check_time_limit(time_limit)
        _check_plot_path(plot)
        _check_outputs(schedule=schedule, output=output)
        s = _with_path(_scenario(scenario, set_, unwind, hold_days=hold_days,
                                 objective=objective), price_path)
        answer = solve_impact(s, capacity_mb, fill_rate_mbd, release_rate_mbd,
                              direction.value, _baseline_of(s.price_path, s),
                              time_limit_s=time_limit)
        _report(answer, fmt, schedule, plot, output)
    _guarded(body)

"""`reserve size` and `reserve impact`: one question, one answer."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .common import app, guarded, print_answer, progress_bar
from .options import (AnswerOutputs, HoldOpt, Objective, ObjectiveOpt, PathOpt, Question,
                      ScenarioSource, UnwindOpt, with_options, with_path)


class Direction(str, Enum):
    raise_ = "raise"
    lower = "lower"


@app.command()
@with_options
def size(
    question: Question,
    source: ScenarioSource,
    out: AnswerOutputs,
    objective: Optional[Objective] = ObjectiveOpt,
    unwind: bool = UnwindOpt,
):
    """Least-cost reserve (storage, fill and release capacity, schedule) that
    holds the price moved by the target for the window; or, with --objective
    net-benefit, the reserve best for its owner."""
    def body():
        from ..pricepath import baseline_of
        from ..solve import size as solve_size
        out.check()
        s = question.scenario(source, unwind, objective=objective)
        with progress_bar("target out of reach; diagnosing") as progress:
            answer = solve_size(s, baseline_of(s.price_path, s), time_limit_s=out.time_limit,
                                progress=progress)
        print_answer(answer, out)
    guarded(body)


@app.command()
@with_options
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
    *,
    source: ScenarioSource,
    out: AnswerOutputs,
    objective: Optional[Objective] = ObjectiveOpt,
    unwind: bool = UnwindOpt,
):
    """Largest price impact a given reserve can hold for hold_days (the inverse of
    size); with --objective net-benefit, its schedule best for its owner."""
    def body():
        from ..pricepath import baseline_of
        from ..solve import impact as solve_impact
        out.check()
        s = with_path(source.build(unwind, hold_days=hold_days, objective=objective), price_path)
        answer = solve_impact(s, capacity_mb, fill_rate_mbd, release_rate_mbd,
                              direction.value, baseline_of(s.price_path, s),
                              time_limit_s=out.time_limit)
        print_answer(answer, out)
    guarded(body)

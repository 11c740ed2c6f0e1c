"""`reserve size` and `reserve impact`: one question, one answer."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..errors import TargetUnreachable
from .common import app, command, err, guarded, progress_bar, writing
from .printing import print_answer
from .options import (AnswerOutputs, HoldOpt, Objective, ObjectiveOpt, PathOpt, Question,
                      ScenarioSource, UnwindOpt, with_options)


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
    reliability: Optional[float] = typer.Option(
        None, "--reliability", metavar="SHARE",
        help="With --paths: one design that holds on at least this share of the paths "
             "(e.g. 0.9), at least expected cost; 1 holds on every path."),
    paths_file: Optional[Path] = typer.Option(
        None, "--paths", metavar="FILE.csv",
        help="Price paths from `reserve paths` (day, path_1, ... columns) for --reliability."),
    answer_range: bool = typer.Option(
        False, "--range",
        help="Also re-solve the question across the literature's elasticity pairs, "
             "commercial holders off and on, and each producer response: the answer's "
             "range, the scenario's own cell marked."),
):
    """Least-cost reserve (storage, fill and release capacity, schedule) that
    holds the price moved by the target for the window; or, with --objective
    net-benefit, the reserve best for its owner; or, with --reliability and
    --paths, one design held on that share of many price paths."""
    def body():
        from .. import api
        out.check(scenario=source.scenario, price_path=question.price_path, paths=paths_file)
        if reliability is not None or paths_file is not None:
            return _size_reliable(question, source, out, objective, unwind, reliability,
                                  paths_file)
        s = question.scenario(source, unwind, objective=objective)
        with progress_bar("the answer's range" if answer_range
                          else "target out of reach; diagnosing") as progress:
            try:
                answer = api.size(s, time_limit_s=out.time_limit, progress=progress,
                                  range=answer_range)
            except TargetUnreachable as error:   # a run of the diagnosis: nothing lost
                if out.output is not None and out.output.suffix.lower() == ".json":
                    with writing("--output", out.output):
                        api.save_unreachable(s, error, out.output, command())
                    err(f"run of the diagnosis written to {out.output}")
                raise
        print_answer(answer, out)
    guarded(body, {"time_limit_s": "--time-limit", "prices": "--paths",
                   "objective": "--objective"})


@app.command()
@with_options
def impact(
    capacity_mb: Optional[float] = typer.Option(
        None, "--capacity-mb",
        help="Storage capacity [mb], usable from day 0; may be left out when -s is an impact "
             "run file (-o run.json), which keeps it."),
    fill_rate_mbd: Optional[float] = typer.Option(
        None, "--fill-rate-mbd", help="Fill capacity [mb/d]; default: the scenario's fill_rate_max_mbd."),
    release_rate_mbd: Optional[float] = typer.Option(
        None, "--release-rate-mbd",
        help="Release capacity [mb/d]; default: the scenario's release_rate_max_mbd."),
    direction: Optional[Direction] = typer.Option(
        None, "--direction", help="raise (absorb) or lower (release) the price; default "
                                  "raise, or the run file's."),
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
        from .. import api
        out.check(scenario=source.scenario, price_path=price_path)
        s = source.build(unwind, hold_days=hold_days, objective=objective, price_path=price_path)
        design = {"capacity_mb": capacity_mb, "fill_rate_mbd": fill_rate_mbd,
                  "release_rate_mbd": release_rate_mbd,
                  "direction": direction.value if direction is not None else None}
        design = api.impact_design(source.scenario, design)
        answer = api.impact(s, **design, time_limit_s=out.time_limit)
        print_answer(answer, out)
    guarded(body, {"time_limit_s": "--time-limit", "capacity_mb": "--capacity-mb"})


def _size_reliable(question: Question, source: ScenarioSource, out: AnswerOutputs, objective,
                   unwind: bool, reliability: Optional[float], paths_file: Optional[Path]) -> int:
    """`reserve size --reliability R --paths FILE`: one design for many paths."""
    from .. import api
    from ..errors import InputError
    from .common import write_table
    from .printing import print_values, write_results
    if paths_file is None or reliability is None:
        missing = "--paths" if paths_file is None else "--reliability"
        raise InputError(missing, "(none)", "both --reliability SHARE and --paths FILE "
                         "(draw paths with reserve paths)")
    if question.price_path is not None:
        raise InputError("--price-path", str(question.price_path),
                         "no --price-path with --paths (each path is a baseline)")
    if out.plot is not None:
        raise InputError("--plot", str(out.plot), "no --plot with --reliability: draw the "
                         "design on the paths with reserve risk --paths FILE --plot")
    s = question.scenario(source, unwind, objective=objective)
    with progress_bar("sizing over the paths") as progress:
        answer = api.size_reliable(s, prices=paths_file, reliability=reliability,
                                   time_limit_s=out.time_limit, progress=progress)
    values = answer.outputs()
    if out.schedule is not None:
        write_table(*answer.schedule_rows(), out.schedule, "--schedule")
        err(f"schedules of {values['paths']} paths written to {out.schedule}")
    if out.output is not None:
        write_results(values, out.output, {"warnings": answer.warnings})
        err(f"results written to {out.output}")
    for warning in answer.warnings:
        err(f"warning: {warning}")
    print_values(values, out.fmt, f"reserve size --reliability {reliability:g}: "
                                  f"{values['paths']} paths")
    if out.fmt.value == "table":
        from .common import stdout_console
        stdout_console().print(answer.sentence(), soft_wrap=True)
    if answer.status != "optimal":
        err(f"error: HiGHS hit its time limit before proving this design the cheapest: the "
            f"best design found is printed, within {answer.mip_gap:.2%} of the least "
            "expected cost; raise --time-limit, use fewer paths or --set time_step_days=7")
        return 4
    return 0

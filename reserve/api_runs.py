"""The API's runs: an answer saved as a run file, a scenario saved as TOML,
two runs or scenarios compared (:mod:`reserve.runs`, :mod:`reserve.compare`).
Re-exported by :mod:`reserve.api`, where users find them."""

from __future__ import annotations

from pathlib import Path

from . import arguments as arg
from .errors import InputError
from .jsontext import json_ready
from .runs import is_run
from .scenario import Scenario


def impact_design(source: str | Path | None, given: dict) -> dict:
    """An impact's design: ``given`` (capacity_mb, fill_rate_mbd,
    release_rate_mbd, direction; None: not given), each missing one taken from
    ``source`` when it is an impact's run file; the capacity is needed."""
    kept = {}
    if source is not None and is_run(source):
        from .runs import run_arguments
        question_, kept = run_arguments(source)
        kept = kept if question_ == "impact" else {}
    design = {k: (v if v is not None else kept.get(k)) for k, v in given.items()}
    if design.get("capacity_mb") is None:
        raise InputError("capacity_mb", None, "a storage capacity [mb] (or -s an impact's "
                         "run file, which keeps it)")
    design["direction"] = design.get("direction") or "raise"
    return design


def compare_sides(a, b, solve, progress=None):
    """:func:`reserve.api.compare`, with ``solve(scenario)`` answering a scenario
    side; both sides are read before either is answered, so a bad B is told at once."""
    from .compare import Comparison, rows
    opened = [_side(which, source) for which, source in (("A", a), ("B", b))]
    for i, side in enumerate(opened):
        if progress is not None:
            progress(i, 2, f"{'AB'[i]}: {side.source}")
        if side.kind == "scenario":
            _answer(side, solve)
    if progress is not None:
        progress(2, 2, "compared")
    return Comparison(opened[0], opened[1], rows(*opened))


def _side(which: str, source):
    """One side of :func:`compare`, read: a run's record, or a scenario to answer."""
    from .compare import Side, run_outputs
    from .runs import checksum, read_run
    if isinstance(source, Scenario):
        return Side(which, "a Scenario", "scenario", source)
    arg.source(which, source)
    try:
        record = read_run(source, which) if is_run(source) else None
        scenario = arg.scenario(which, source, {})
    except InputError as error:
        raise error.renamed({"scenario": which}) from None
    label = Path(str(source)).stem if source is not None else "sechin-2008"
    if record is None:
        return Side(label, str(source) if source is not None else "the default scenario",
                    "scenario", scenario)
    if record.get("checksum") != checksum(record):
        raise InputError(f"{which}: checksum", str(source),
                         "a run as reserve wrote it (its inputs or outputs were edited "
                         "after, so its outputs may not answer its inputs): re-run it "
                         f"with reserve {record['run'].get('question') or 'size'} -s {source} "
                         f"-o {source}")
    return Side(label, str(source), "run", scenario, run_outputs(record),
                version=str(record["run"].get("version", "")))


def _answer(side, solve) -> None:
    """A scenario side's outputs, as ``reserve size`` answers it; out of reach,
    none, and the diagnosis in words."""
    from .errors import TargetUnreachable
    try:
        side.outputs = json_ready(solve(side.scenario).outputs)
    except TargetUnreachable as error:
        side.message = str(error)


def save_run(answer, path: str | Path, command: list[str] | None = None) -> None:
    """Write ``answer`` (of :func:`size` or :func:`impact`) as a run file
    (:mod:`reserve.runs`): its outputs, the whole scenario it answered, the
    ``command`` that asked it, and reserve's version. ``load_scenario(path)``
    (or ``reserve size -s path``) asks it again; ``compare`` sets it beside another."""
    from .files import write_output
    from .jsontext import to_json
    from .results import extras
    from .runs import run_record
    arg.file_name("path", path)
    write_output(path, to_json(run_record(answer, {**answer.outputs, **extras(answer)},
                                          command)))


def scenario_toml(scenario: Scenario | str | Path | None = None, title: str | None = None,
                  **overrides) -> str:
    """The scenario (after ``overrides``) as a commented TOML file that reads
    back as the same scenario (``title`` heads it, in words); like
    ``reserve params -s X --set ... -o x.toml``."""
    from .runs import scenario_toml as toml
    s = arg.scenario("scenario", scenario, overrides)
    if title is None:
        title = str(scenario) if isinstance(scenario, (str, Path)) else "a scenario"
        title += " with " + ", ".join(f"{k} = {v}" for k, v in overrides.items()) \
            if overrides else ""
    return toml(s, title)


def save_unreachable(scenario: Scenario, error, path: str | Path,
                     command: list[str] | None = None) -> None:
    """Write the run file of a question out of reach (``error``, a
    :class:`reserve.TargetUnreachable`): its scenario and diagnosis, so that
    ``-s path`` asks it again once a limit is changed, and ``compare`` shows
    "no answer" beside another's outputs."""
    from .files import write_output
    from .jsontext import to_json
    from .runs import unreachable_record
    arg.file_name("path", path)
    write_output(path, to_json(unreachable_record(scenario, str(error), command)))

"""Runs that can be saved, re-run and compared: a scenario as a file, an answer as a run.

A **run file** (``reserve size -o run.json``) is one JSON object:

- the answer's outputs at the top level, keyed by their names (as
  ``--format json`` prints them), with its ``warnings`` and ``notes``;
- ``run``: ``format`` (:data:`RUN_FORMAT`), the ``version`` of reserve that
  wrote it, the ``command`` as typed, the ``question`` (``size`` or
  ``impact``) and the question's own ``arguments`` (an impact's capacity
  and rates, which are not scenario parameters);
- ``scenario``: every parameter after every layer (file, ``--set``, the
  command's options), the ``storage`` options, the ``owner`` tables and the
  baseline ``price_path`` (its days and prices), so that ``-s run.json``
  asks the same question of the same market without the files it came from;
- ``checksum``: a SHA-256 of the rest, so that a run edited by hand is
  known for one before its outputs are set beside another's
  (``reserve compare``); re-running an edited run is allowed, since it
  solves again.

The scenario is written as its **layers would give it back**: a parameter
not set (``None``) is left out, so the schema's "not set" returns; the
target is written only when the user gave it (a default target beside a
band or the net-benefit objective would be refused on reading), in percent
when it was given so; with ``[[owner]]`` tables the reserve's trade and GDP
are left to be summed from them again. :func:`scenario_toml` writes the same
scenario as a commented TOML file (``reserve params -s X --set ... -o x.toml``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from pathlib import Path

import numpy as np

from .errors import InputError
from .schema import PARAMETERS, STORAGE_FIELDS, TARGET
from .version import __version__

#: The run file's layout; a file of a higher format is refused by name.
RUN_FORMAT = 1
#: Parameters a scenario with [[owner]] tables takes from its owners.
OWNER_SUMS = ("net_exports_mbd", "gdp_usd_bn", "gdp_oil_elasticity", "owner")


# -- a scenario as its layers would give it back --------------------------------------

def scenario_parameters(s) -> dict:
    """The flat parameters of the scenario ``s`` to write (module docs)."""
    out = {}
    for p in PARAMETERS:
        value = s.params[p.name]
        if value is None or (s.owners and p.name in OWNER_SUMS):
            continue
        if p.name == TARGET:
            if not s.target_explicit:
                continue
            if s.target_percent is not None:
                value = f"{float(s.target_percent)!r}%"
        out[p.name] = value
    return out


def storage_tables(s) -> list[dict]:
    """Each storage option as a table, every field given."""
    return [{f.name: getattr(o, f.name) for f in STORAGE_FIELDS} for o in s.storage]


def owner_tables(s) -> list[dict]:
    """Each ``[[owner]]`` table, the fields the file gave (the others are "not set")."""
    from dataclasses import fields
    return [{f.name: getattr(o, f.name) for f in fields(o) if getattr(o, f.name) is not None}
            for o in s.owners]


def path_table(path) -> dict | None:
    """The baseline price path as days and prices (a dated path keeps its first date)."""
    if path is None:
        return None
    if isinstance(path, np.ndarray):    # per-period prices given to the API
        return {"per_period_usd_per_bbl": [float(x) for x in path]}
    table = {"day": [float(x) for x in path.day],
             "price_usd_per_bbl": [float(x) for x in path.price_usd_per_bbl]}
    if path.start_date is not None:
        table["start_date"] = path.start_date.isoformat()
    return table


def scenario_record(s) -> dict:
    """The whole scenario ``s`` as the run file's ``scenario`` object."""
    record = {"parameters": _plain(scenario_parameters(s)), "storage": _plain(storage_tables(s))}
    if s.owners:
        record["owner"] = owner_tables(s)
    path = path_table(s.price_path)
    if path is not None:
        record["price_path"] = path
    return record


def _plain(value):
    """JSON has no infinity: "no limit" is written ``"inf"``, as ``--set`` takes it."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


# -- the TOML file --------------------------------------------------------------------

def toml_value(value) -> str:
    """One value in TOML: strings quoted, ``inf`` bare, floats exact."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)   # a TOML basic string: JSON's escapes are TOML's
    if isinstance(value, float):
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    return str(value)


def scenario_toml(s, title: str = "a scenario") -> str:
    """The scenario ``s`` as a commented TOML file that ``-s`` reads back to the same scenario."""
    given = scenario_parameters(s)
    lines = [f"# reserve scenario: {title}.",
             f"# Written by reserve {__version__}; units are in the names "
             "(`reserve params` explains each one).", ""]
    for p in PARAMETERS:
        if p.name in given:
            lines.append(f"{p.name} = {toml_value(given[p.name])}   # [{p.unit or '-'}]")
        elif s.owners and p.name in OWNER_SUMS:
            lines.append(f"# {p.name}: from the [[owner]] tables below")
        else:
            lines.append(f"# {p.name} = (not set)")
    for table, rows in (("storage", storage_tables(s)), ("owner", owner_tables(s))):
        for row in rows:
            lines += ["", f"[[{table}]]"]
            lines += [f"{k} = {toml_value(v)}" for k, v in row.items()]
    return "\n".join(lines) + "\n"


# -- the run file ---------------------------------------------------------------------

def run_record(answer, outputs: dict, command: list[str] | None) -> dict:
    """The run file's object (module docs) for ``answer``, whose outputs (with
    their warnings and notes) are ``outputs``."""
    from .jsontext import json_ready
    record = {**json_ready(outputs),
              "run": {"format": RUN_FORMAT, "version": __version__,
                      "command": list(command) if command else None,
                      "question": answer.mode,
                      "arguments": json_ready(dict(getattr(answer, "arguments", {}) or {}))},
              "scenario": json_ready(scenario_record(answer.asked or answer.scenario))}
    record["checksum"] = checksum(record)
    return record


def unreachable_record(scenario, message: str, command: list[str] | None) -> dict:
    """The run file of a ``size`` whose target is out of reach: the scenario,
    and in place of outputs the ``termination`` and the ``diagnosis``."""
    from types import SimpleNamespace
    asked = SimpleNamespace(mode="size", scenario=scenario, asked=None, arguments={})
    return run_record(asked, {"termination": "out of reach", "diagnosis": message}, command)


def checksum(record: dict) -> str:
    """SHA-256 of a run's content without its checksum, keys sorted."""
    body = {k: v for k, v in record.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def is_run(path: str | Path) -> bool:
    """True when ``path`` names a JSON file (a run is the only JSON reserve reads)."""
    return str(path).lower().endswith(".json")


def read_run(path: str | Path, option: str = "scenario") -> dict:
    """A run file, checked: its layout, its format, and its sections' kinds.
    Every problem is an InputError naming the file and what it cannot read."""
    from .files import read_text
    text = read_text(path, option, "run file (.json)")
    where = f"{option} {path}"
    try:
        record = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        raise InputError(where, "not JSON", f"a run file written by reserve -o FILE.json "
                         f"({str(err)[:80]})") from None
    if not isinstance(record, dict) or not isinstance(record.get("run"), dict):
        raise InputError(where, "no 'run' section", "a run file written by reserve size "
                         "or reserve impact with -o FILE.json")
    run = record["run"]
    made = run.get("format")
    if not isinstance(made, int) or isinstance(made, bool):
        raise InputError(f"{where}: run.format", made, f"a whole number (this reserve "
                         f"reads format {RUN_FORMAT})")
    if made > RUN_FORMAT:
        raise InputError(f"{where}: run.format", made,
                         f"at most {RUN_FORMAT}: it was written by reserve "
                         f"{run.get('version', 'of a later version')}, newer than this one "
                         f"({__version__}); upgrade reserve to read it")
    scenario = record.get("scenario")
    if not isinstance(scenario, dict) or not isinstance(scenario.get("parameters"), dict):
        raise InputError(f"{where}: scenario", type(scenario).__name__,
                         "a 'scenario' object with its 'parameters'")
    for key in ("storage", "owner"):
        if key in scenario and not (isinstance(scenario[key], list)
                                    and all(isinstance(t, dict) for t in scenario[key])):
            raise InputError(f"{where}: scenario.{key}", type(scenario[key]).__name__,
                             f"a list of {key} tables")
    for name, value in scenario["parameters"].items():
        if isinstance(value, (dict, list)):
            raise InputError(f"{where}: scenario.parameters.{name}", type(value).__name__,
                             "a number, text or true/false")
    if "price_path" in scenario:      # checked here; read as a path by run_scenario
        _read_path(scenario["price_path"], f"{where}: scenario.price_path")
    return record


def _read_path(table, where: str):
    """The price path of a run, checked as ``--price-path`` checks a file's."""
    from .pricepath import PricePath
    from .schema import check_price
    if isinstance(table, dict) and "per_period_usd_per_bbl" in table:
        prices = table["per_period_usd_per_bbl"]
        if not isinstance(prices, list) or not prices:
            raise InputError(where, type(prices).__name__, "a list of prices [USD/bbl]")
        return np.array([check_price(p, where, where) for p in prices])
    if not isinstance(table, dict) or not isinstance(table.get("day"), list) \
            or not isinstance(table.get("price_usd_per_bbl"), list):
        raise InputError(where, type(table).__name__, "an object of 'day' and "
                         "'price_usd_per_bbl' lists")
    days, prices = table["day"], table["price_usd_per_bbl"]
    if len(days) != len(prices) or len(days) < 2:
        raise InputError(where, f"{len(days)} days, {len(prices)} prices",
                         "as many days as prices, at least two")
    try:
        day = np.array([float(x) for x in days])
    except (TypeError, ValueError):
        raise InputError(f"{where}.day", days[:3], "numbers of days") from None
    if not np.all(np.isfinite(day)) or np.any(np.diff(day) <= 0) or day[0] != 0:
        raise InputError(f"{where}.day", days[:3], "days from 0, increasing")
    price = np.array([check_price(p, where, where) for p in prices])
    start = table.get("start_date")
    try:
        start = None if start is None else dt.date.fromisoformat(start)
    except (TypeError, ValueError):
        raise InputError(f"{where}.start_date", start, "an ISO date such as 2008-10-22") \
            from None
    return PricePath(day, price, start)


def run_scenario(path: str | Path) -> tuple[dict, list[dict] | None, object]:
    """A run's scenario as a scenario file's flat values and storage tables
    (its owner tables under ``owner``, as a TOML file gives them), and the
    baseline price path it was asked on (or None)."""
    scenario = read_run(path)["scenario"]
    flat = dict(scenario["parameters"])
    if "owner" in scenario:
        flat["owner"] = scenario["owner"]
    price_path = scenario.get("price_path")
    if price_path is not None:
        price_path = _read_path(price_path, f"scenario {path}: scenario.price_path")
    return flat, scenario.get("storage"), price_path


def run_arguments(path: str | Path) -> tuple[str, dict]:
    """The question a run file answered and its own arguments (an impact's capacity)."""
    run = read_run(path)["run"]
    arguments = run.get("arguments") or {}
    if not isinstance(arguments, dict):
        raise InputError(f"scenario {path}: run.arguments", type(arguments).__name__,
                         "an object of the question's arguments")
    return str(run.get("question")), arguments

"""The report's assumptions: every input with its unit and where it comes from.

A commented TOML scenario explains its numbers in comments; :func:`toml_sources`
reads which comment explains which key, and :func:`assumptions` lists every
input with its value, unit, meaning and source, marking those that differ
from the shipped default scenario (October 2008) so the report can show them
first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .files import read_text
from .scenario import Scenario, build_scenario
from .scenariofile import DEFAULT_SCENARIO, packaged_file, shipped_name
from .schema import PARAMETERS, STORAGE_FIELDS

_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=")


def toml_sources(text: str) -> tuple[dict[str, str], dict[int, tuple[str, list[str]]]]:
    """The comment that explains each key of a commented TOML scenario.

    A comment block belongs to the key right below it. The keys that follow
    it without a comment of their own are explained by the same block: they
    cite it by the key it belongs to ("as for demand_elasticity") instead of
    repeating it, so each source is said once. Returns flat keys' sources and,
    by position, each [[storage]] table's comment and the keys it sets.
    """
    flat: dict[str, str] = {}
    storage: dict[int, tuple[str, list[str]]] = {}
    above: dict[int, str] = {}
    block: list[str] = []
    owner = ""          # the key the last comment block explained
    table = -1
    gap = False         # a blank line since the last comment line
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            if gap:         # a new block: only the one right above a key explains it
                block, gap = [], False
            block.append(stripped.lstrip("#").strip())
            continue
        # section rulers ("-- market ---") are not sources
        comment = " ".join(b for b in block if b and not b.startswith("--"))
        if stripped == "[[storage]]":
            table += 1
            above[table] = comment   # used only when the table has no comment inside
            storage[table] = ("", [])
            block, owner = [], ""
            continue
        match = _KEY.match(line)
        if match is None:
            if not stripped:
                gap = True  # a blank line keeps a block for the key below it
                continue
            block = []
            continue
        key = match.group(1)
        if table >= 0:
            note, keys = storage[table]
            storage[table] = (note or comment, [*keys, key])
        elif comment:
            flat[key], owner = comment, key
        elif owner:
            flat[key] = f"as for {owner}"
        else:
            flat[key] = ""
        block, gap = [], False
    return flat, {k: (note or above[k], keys) for k, (note, keys) in storage.items()}


def assumptions(s: Scenario, scenario_path: Path | None, overrides: dict) -> list[dict]:
    """Every input with its value, unit, meaning and source, and whether it
    ``differs`` from the shipped default scenario (an option the default has
    not, every field of it)."""
    shipped = DEFAULT_SCENARIO if scenario_path is None else (
        shipped_name(scenario_path) + ".toml"
        if shipped_name(scenario_path) is not None and not Path(scenario_path).exists() else None)
    if shipped is not None:
        text, where = packaged_file(shipped), f"models/{shipped}"
    else:
        text = (read_text(scenario_path) if Path(scenario_path).suffix == ".toml" else "")
        where = Path(scenario_path).name
    flat, storage = toml_sources(text)
    default = _default()
    kept = {o.name: o for o in default.storage}
    rows = []
    for p in PARAMETERS:
        if p.name in overrides:
            source = "set for this run (--set or an option)"
        elif p.name in flat:
            source = f"{where}: {flat[p.name]}" if flat[p.name] else where
        else:
            source = "schema default (reserve params)"
        rows.append({"name": p.name, "value": s[p.name], "unit": p.unit,
                     "meaning": p.description, "source": source,
                     "differs": s[p.name] != default.params[p.name]})
    for k, option in enumerate(s.storage):
        note, keys = storage.get(k, ("", []))
        first = next((f"storage.{option.name}.{f.name}" for f in STORAGE_FIELDS[1:]
                      if f.name in keys), None)
        for field in STORAGE_FIELDS[1:]:
            name = f"storage.{option.name}.{field.name}"
            if name in overrides:
                source = "set for this run (--set or an option)"
            elif field.name not in keys:
                source = "schema default (reserve params)"
            elif name == first:   # the option's comment, said once
                source = f"{where}: {note}" if note else where
            else:
                source = f"as for {first}"
            value = getattr(option, field.name)
            rows.append({"name": name, "value": value, "unit": field.unit,
                         "meaning": field.description, "source": source,
                         "differs": option.name not in kept
                         or value != getattr(kept[option.name], field.name)})
    return rows


def left_out(s: Scenario) -> list[str]:
    """The default scenario's storage options this scenario does not list."""
    names = {o.name for o in s.storage}
    return [o.name for o in _default().storage if o.name not in names]


@lru_cache(maxsize=1)
def _default() -> Scenario:
    """The shipped default scenario, built once: both the differing inputs and
    the options left out are read against it."""
    return build_scenario(None)

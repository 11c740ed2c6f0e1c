"""``reserve params``: the schema as a terminal table, a CSV template and a TOML template.

Both templates hold every parameter at its default, plus the default storage
options, and read back as a scenario (``-s``) that gives the default answer.
"""

from __future__ import annotations

from .results import to_csv
from .sheets import UNITS_MARK, number_text
from .runs import scenario_parameters, storage_tables, toml_value
from .scenariofile import default_storage
from .schema import PARAMETERS, STORAGE_FIELDS

GROUP_TITLES = {"market": "market", "target": "target and time", "reserve": "reserve",
                "money": "money", "ledger": "the owner's ledger", "storage": "storage options"}


def _value_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return number_text(value)


PARAMS_COLUMNS = ["name", "value", "unit", "allowed", "description"]


def params_rows(scenario=None) -> list[dict]:
    """One row a parameter (and a storage option's field): name, value (the
    default, or ``scenario``'s), unit, allowed values, description. A
    scenario's [[owner]] tables do not fit name,value rows: its rows are
    refused (:func:`reserve.runs.scenario_toml` writes them)."""
    if scenario is not None and scenario.owners:
        from .errors import InputError
        raise InputError("--output", "a sheet", "a .toml file for a scenario with [[owner]] "
                         "tables (they do not fit name,value rows)")
    given = {} if scenario is None else scenario_parameters(scenario)
    rows = [{"name": p.name, "value": _value_text(p.default if scenario is None
                                                  else given.get(p.name)),
             "unit": p.unit, "allowed": p.allowed(), "description": p.description}
            for p in PARAMETERS]
    options = default_storage() if scenario is None else storage_tables(scenario)
    for option in options:
        for field in STORAGE_FIELDS[1:]:
            value = option.get(field.name, field.default)
            rows.append({"name": f"storage.{option['name']}.{field.name}",
                         "value": _value_text(value), "unit": field.unit,
                         "allowed": field.allowed(), "description": field.description})
    return rows


def params_csv(dialect: str = "comma", scenario=None) -> str:
    """A ``name,value,unit,allowed,description`` sheet: fill in ``value`` and pass it as -s."""
    return to_csv(params_rows(scenario), PARAMS_COLUMNS, dialect)


def params_toml() -> str:
    """A commented scenario with every parameter at its default."""
    lines = ["# reserve scenario template: every parameter at its default.",
             "# Units are in the names; `reserve params` explains each one.", ""]
    group = None
    for p in PARAMETERS:
        if p.group != group:
            group = p.group
            lines += ["", f"# -- {GROUP_TITLES[group]} " + "-" * 50]
        lines.append(f"# {p.description} [{p.unit or '-'}]; {p.allowed()}")
        if p.default is None:
            lines.append(f"# {p.name} = ")
        else:
            lines.append(f"{p.name} = {toml_value(p.default)}")
    lines += ["", f"# -- {GROUP_TITLES['storage']} " + "-" * 50]
    for field in STORAGE_FIELDS:
        lines.append(f"# {field.name}: {field.description} [{field.unit or '-'}]")
    for option in default_storage():
        lines += ["", "[[storage]]"]
        for key, value in option.items():
            lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


def print_params_table(console, scenario=None, title: str = "") -> None:
    """Print the schema as a table on a rich ``console``: the defaults, or the
    values of ``scenario`` (a blank value is not set)."""
    from rich.table import Table

    if scenario is None:
        table = Table(title="reserve parameters (defaults: October 2008)", title_justify="left")
    else:
        table = Table(title=f"reserve parameters of {title}", title_justify="left")
    for column in ("name", "unit", "default" if scenario is None else "value", "allowed",
                   "description"):
        table.add_column(column, overflow="fold")
    if scenario is not None:
        for row in params_rows(scenario):
            table.add_row(row["name"], row["unit"], row["value"], row["allowed"],
                          row["description"])
        console.print(table)
        return
    for p in PARAMETERS:
        table.add_row(p.name, p.unit, _value_text(p.default), p.allowed(), p.description)
    for field in STORAGE_FIELDS:
        table.add_row(f"storage.NAME.{field.name}", field.unit, _value_text(field.default),
                      field.allowed(), field.description)
    console.print(table)


#: The batch template's columns and the example rows it holds (`reserve template batch`).
BATCH_COLUMNS = ["id", "scenario", "mode", "target_impact_usd_per_bbl", "hold_days",
                 "demand_elasticity", "supply_elasticity", "capacity_mb", "fill_rate_mbd",
                 "release_rate_mbd", "direction"]
BATCH_EXAMPLES = [
    {"id": "default-5-usd", "scenario": "sechin-2008", "mode": "size",
     "target_impact_usd_per_bbl": 5, "hold_days": 180},
    {"id": "more-elastic", "scenario": "sechin-2008", "mode": "size",
     "target_impact_usd_per_bbl": 5, "hold_days": 180, "demand_elasticity": -0.15,
     "supply_elasticity": 0.05},
    {"id": "spr-lower-5", "scenario": "us-spr-2022", "mode": "size",
     "target_impact_usd_per_bbl": -5, "hold_days": 90},
    {"id": "100-mb-reserve", "scenario": "sechin-2008", "mode": "impact", "hold_days": 180,
     "capacity_mb": 100, "fill_rate_mbd": 2, "direction": "raise"},
]
_TEXT_UNITS = {"id": UNITS_MARK, "scenario": "shipped name or file", "mode": "size or impact",
               "direction": "raise or lower"}


def batch_template() -> tuple[list[dict], list[str]]:
    """Rows of a batch sheet to fill in: a units row (its first cell ``unit``:
    read as units, not as a run) and example rows that run as they stand."""
    from .sheets import unit_of
    units = {c: _TEXT_UNITS.get(c) or unit_of(c)[0] for c in BATCH_COLUMNS}
    units = {c: ("1 (a ratio)" if u == "1" else u) for c, u in units.items()}
    return [units, *BATCH_EXAMPLES], list(BATCH_COLUMNS)

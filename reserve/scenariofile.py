"""Reading scenarios: TOML and ``name,value`` CSV files, the shipped ones, presets.

The files users write and the ones ``reserve`` ships (``models/``, installed
as ``reserve.models``): parsed into flat keys and storage tables, with
every malformed line refused by name; :mod:`reserve.scenario` then resolves
and checks them.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import InputError
from .files import read_text


DEFAULT_SCENARIO = "sechin-2008.toml"
PRESETS_FILE = "elasticities.toml"


#: A decimal with a comma, as a comma-decimal locale writes it (``-0,1``, ``5,5%``).
DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*%?\s*$")


def csv_delimiter(text: str) -> str:
    """The separator of a CSV as a spreadsheet writes it, read from its first
    line of content: ``;`` when that line has one (a comma-decimal locale),
    else ``,``. The first line is a header or a name: it has no decimals, so
    its separators are the file's (counting the whole file would take a
    sheet's decimal commas for separators)."""
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return ";" if ";" in line else ","
    return ","


def read_csv_rows(text: str, what: str, keep_blank: bool = False,
                  comments: bool = True) -> list[list[str]]:
    """Rows of a CSV as a spreadsheet writes it: comma or semicolon, CRLF, quotes.

    With ``comments``, rows whose first cell starts with ``#`` are dropped
    (scenario files and price paths; a batch sheet answers every row). Blank
    rows are dropped unless ``keep_blank``. A quote left open is an error
    naming its line, not a cell that swallows the rest of the file.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text),
                        strict=True)
    cleaned = []
    line = 1
    try:
        for row in reader:
            if any("\n" in c or "\r" in c for c in row):
                raise csv.Error(f"a quoted cell opened on line {line} runs over "
                                f"{reader.line_num - line + 1} lines; close its quote")
            line = reader.line_num + 1
            cells = [c.strip() for c in row]
            if not any(cells):
                if keep_blank:
                    cleaned.append([])
                continue
            if not (comments and cells[0].startswith("#")):
                cleaned.append(cells)
    except csv.Error as err:
        if str(err) == "unexpected end of data":
            err = f"a quote opened on line {line} is never closed"
        raise InputError(what, f"(line {line})", f"well-formed CSV ({err})") from None
    return cleaned


def parse_toml(text: str, path: Path) -> tuple[dict, list[dict] | None]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError("scenario", str(path), f"valid TOML ({err})") from None
    except RecursionError:   # arrays nested thousands deep
        raise InputError("scenario", str(path), "TOML of flat names and [[storage]] tables "
                         "(arrays nest too deep here)") from None
    storage = data.pop("storage", None)
    if storage is not None:
        if not isinstance(storage, list) or not all(isinstance(s, dict) for s in storage):
            raise InputError("storage", storage, "[[storage]] tables")
    for key, value in data.items():
        if isinstance(value, dict):   # its contents may nest thousands deep: not quoted
            raise InputError(key, "a table", "a flat name = value key (only [[storage]] may "
                             "be a table; a dotted name makes one)")
    return data, storage


def _parse_csv(text: str, path: Path) -> tuple[dict, list[dict] | None]:
    decimal_commas = csv_delimiter(text) == ";"   # a semicolon file writes 0,5 for 0.5
    return _parse_rows(read_csv_rows(text, f"scenario {path}"), path, decimal_commas)


def _parse_rows(rows: list[list[str]], path: Path,
                decimal_commas: bool = False) -> tuple[dict, list[dict] | None]:
    """Flat values and storage tables from name,value rows (a CSV or a workbook)."""
    flat: dict = {}
    options: dict[str, dict] = {}
    workbook = path.suffix.lower() in (".xlsx", ".ods")
    for number, row in enumerate(rows, start=1):
        if decimal_commas and len(row) > 1 and DECIMAL_COMMA.match(row[1]):
            row = [row[0], row[1].replace(",", "."), *row[2:]]
        name = row[0]
        if name.lower() == "name" and len(row) > 1 and row[1].lower() == "value":
            continue  # header row
        if len(row) == 1 and workbook:
            raise InputError("scenario", str(path), f"row {number}: a name in column A and "
                             f"its value in column B (cell B{number} is empty beside "
                             f"{_shortened(name)!r}; a merged cell reads as empty)")
        if len(row) == 1:   # a tab- or space-separated file reads as one cell a row
            raise InputError("scenario", str(path), "name,value rows separated by a comma "
                             f"(or a semicolon); row {number} has one cell only: "
                             f"{_shortened(name)!r}")
        value = row[1]
        if value == "":
            continue  # an unfilled template row keeps the default
        if name.startswith("storage."):
            option, field = split_storage_key(name)
            options.setdefault(option, {"name": option})[field] = value
        elif name in flat:
            raise InputError(name, value, f"one row per name in {path.name}")
        else:
            flat[name] = value
    return flat, (list(options.values()) or None)


def _shortened(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[:most] + "..."


def split_storage_key(key: str) -> tuple[str, str]:
    parts = key.split(".")
    if len(parts) != 3 or not parts[1] or not parts[2]:
        raise InputError(key, "", "storage.NAME.FIELD, e.g. storage.leased_tanks.capex_usd_per_bbl")
    return parts[1], parts[2]


#: Shipped files of the storage equilibrium (``reserve equilibrium``), not scenarios.
CALIBRATION_PREFIX = "recs-"
#: The table that makes a shipped file a policy problem (``reserve policy``), not a scenario.
POLICY_TABLE = "[policy]"


@lru_cache(maxsize=1)
def shipped_policies() -> tuple[str, ...]:
    """Names of the shipped policy problems (``models/*.toml`` with a [policy]
    table), read once: the package's files do not change while it runs."""
    return tuple(sorted(f.name[:-5] for f in resources.files("reserve.models").iterdir()
                        if f.name.endswith(".toml")
                        and POLICY_TABLE in f.read_text("utf-8").splitlines()))


def shipped_table(source, table: str, shipped, option: str) -> dict:
    """The ``[table]`` of a shipped file named ``source`` (one of ``shipped``)
    or of a TOML file at ``source``; exit 2 naming ``option`` otherwise."""
    name = str(source)
    wanted = f"a TOML file with a [{table}] table"
    if name in shipped:
        text = resources.files("reserve.models").joinpath(name + ".toml").read_text("utf-8")
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(option, name, "one of " + ", ".join(shipped) + ", or " + wanted)
        text = path.read_text("utf-8")
    try:
        found = tomllib.loads(text).get(table)
    except tomllib.TOMLDecodeError as err:
        raise InputError(option, name, f"a TOML file ({err})") from None
    if not isinstance(found, dict):
        raise InputError(option, name, wanted)
    return found


def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped with reserve (``models/*.toml``), e.g. ``us-spr-2022``."""
    return sorted(f.name[:-5] for f in resources.files("reserve.models").iterdir()
                  if f.name.endswith(".toml") and f.name != PRESETS_FILE
                  and not f.name.startswith(CALIBRATION_PREFIX)
                  and f.name[:-5] not in shipped_policies())


def shipped_name(path: str | Path) -> str | None:
    """The shipped scenario ``path`` names (``us-spr-2022`` or ``us-spr-2022.toml``,
    with no folder), or None."""
    text = str(path)
    stem = text[:-5] if text.endswith(".toml") else text
    return stem if stem in shipped_scenarios() else None


def read_scenario_file(path: str | Path) -> tuple[dict, list[dict] | None]:
    """Raw flat values and storage tables (None when the file lists none) of a
    file, or of a shipped scenario named without a folder when no such file
    exists here (so ``-s us-spr-2022`` works outside the clone too)."""
    path = Path(path)
    name = shipped_name(path)
    if name is not None and not path.exists():
        return parse_toml(packaged_file(name + ".toml"), Path(name + ".toml"))
    if path.suffix.lower() in (".xlsx", ".ods"):
        from .sheets import read_workbook_rows
        rows = [r for r in read_workbook_rows(read_text(path, binary=True), path, "scenario")
                if any(r) and not r[0].startswith("#")]
        return _parse_rows(rows, path)
    text = read_text(path)
    if path.suffix.lower() == ".csv":
        return _parse_csv(text, path)
    if path.suffix.lower() == ".toml":
        return parse_toml(text, path)
    raise InputError("scenario", str(path), "a .toml, .csv, .xlsx or .ods file, or a run "
                     "file (.json, written by -o)")


def packaged_file(name: str) -> str:
    """Text of a file shipped in ``models/`` (installed as ``reserve.models``)."""
    return resources.files("reserve.models").joinpath(name).read_text(encoding="utf-8")


def default_storage() -> list[dict]:
    data = tomllib.loads(packaged_file(DEFAULT_SCENARIO))
    return data["storage"]


def elasticity_presets() -> dict[str, dict]:
    """Literature elasticities by name (``models/elasticities.toml``)."""
    return tomllib.loads(packaged_file(PRESETS_FILE))

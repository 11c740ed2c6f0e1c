"""Scenarios: loading (TOML, ``name,value`` CSV), ``--set`` overrides, presets, validation.

A scenario is resolved in layers, later layers winning:

1. the schema's defaults (:mod:`reserve.schema`, the October 2008 market);
2. a scenario file (``-s``), flat keys plus storage options; a file that lists
   storage options replaces the default list, one that lists none keeps it;
3. ``--set NAME=VALUE`` overrides, ``--set storage.NAME.FIELD=VALUE`` for an
   option's field (a new NAME adds an option);
4. the command's own options (``--target-impact``, ``--hold-days``).

``elasticity_preset`` replaces ``demand_elasticity`` and ``supply_elasticity``
unless those are given in the same layer as the preset or a later one.

Every value is checked against the schema, then the whole scenario is
checked for consistency (:func:`validate`); any problem raises
:class:`~reserve.errors.InputError` naming the parameter.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Iterable

from .errors import InputError
from .files import read_text
from .schema import (MAX_DAYS, PARAMETER_BY_NAME, STORAGE_FIELD_BY_NAME,
                     STORAGE_FIELDS, defaults)

TARGET = "target_impact_usd_per_bbl"
DEFAULT_SCENARIO = "sechin-2008.toml"
PRESETS_FILE = "elasticities.toml"


@dataclass(frozen=True)
class StorageOption:
    """One way to store crude (docs/model.md, "Storage"); units in the field names."""

    name: str
    capex_usd_per_bbl: float = 0.0
    om_usd_per_bbl_yr: float = 0.0
    lifetime_yr: float = 30.0
    build_days: int = 0
    capacity_max_mb: float = math.inf
    existing_mb: float = 0.0
    fixed_cost_musd: float = 0.0
    min_size_mb: float = 0.0
    lease_term_days: int = 0

    @property
    def build_or_not(self) -> bool:
        """True when building needs a yes/no decision (a MILP)."""
        return self.fixed_cost_musd > 0 or self.min_size_mb > 0

    @property
    def leased(self) -> bool:
        """True when capacity is rented in contracts of lease_term_days (docs/model.md, "Leases")."""
        return self.lease_term_days > 0


assert [f.name for f in fields(StorageOption)] == [p.name for p in STORAGE_FIELDS]


@dataclass(frozen=True)
class Scenario:
    """A resolved, validated scenario: flat parameters plus storage options.

    Parameters are read as attributes (``scenario.demand_mbd``) or by name
    (``scenario["demand_mbd"]``); names and units are those of the schema.
    """

    params: dict
    storage: tuple[StorageOption, ...]
    #: names the user gave (file, --set, options), not taken from defaults
    explicit: frozenset = frozenset()
    #: the target as given in percent of the baseline price, if it was
    target_percent: float | None = None
    #: baseline prices over time (a reserve.pricepath.PricePath), or None for
    #: the constant price_usd_per_bbl; set by reserve.load_scenario
    price_path: object = field(default=None, compare=False)
    #: what resolving the layers decided for the user, in words (the answer's notes)
    remarks: tuple = field(default=(), compare=False)

    def __getattr__(self, name: str):
        try:
            return self.__dict__["params"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str):
        return self.params[name]

    def with_params(self, **changes) -> "Scenario":
        """A copy with some flat parameters changed (values already typed).

        A target set here is in USD/bbl, so it drops a percent target.
        """
        percent = None if TARGET in changes else self.target_percent
        params = {**self.params, **changes}
        _resolve_percent(params, percent)
        return replace(self, params=params, target_percent=percent)

    @property
    def horizon_days(self) -> int:
        return self.lead_days + self.hold_days + self.tail_days

    @property
    def target_explicit(self) -> bool:
        return TARGET in self.explicit

    @property
    def dynamic(self) -> bool:
        """True when elasticities adjust toward long-run values (docs/model.md, "Markets that adjust")."""
        return (self.params["demand_elasticity_long_run"] is not None
                or self.params["supply_elasticity_long_run"] is not None)

    @property
    def sign(self) -> int:
        """+1 when the target raises the price (absorb), -1 when it lowers it."""
        return 1 if self.target_impact_usd_per_bbl > 0 else -1


# -- reading files -----------------------------------------------------------

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


def _parse_toml(text: str, path: Path) -> tuple[dict, list[dict] | None]:
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
    workbook = path.suffix.lower() == ".xlsx"
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
            option, field = _split_storage_key(name)
            options.setdefault(option, {"name": option})[field] = value
        elif name in flat:
            raise InputError(name, value, f"one row per name in {path.name}")
        else:
            flat[name] = value
    return flat, (list(options.values()) or None)


def _shortened(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[:most] + "..."


def _split_storage_key(key: str) -> tuple[str, str]:
    parts = key.split(".")
    if len(parts) != 3 or not parts[1] or not parts[2]:
        raise InputError(key, "", "storage.NAME.FIELD, e.g. storage.leased_tanks.capex_usd_per_bbl")
    return parts[1], parts[2]


def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped with reserve (``models/*.toml``), e.g. ``us-spr-2022``."""
    return sorted(f.name[:-5] for f in resources.files("reserve.models").iterdir()
                  if f.name.endswith(".toml") and f.name != PRESETS_FILE)


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
        return _parse_toml(packaged_file(name + ".toml"), Path(name + ".toml"))
    if path.suffix.lower() == ".xlsx":
        from .sheets import read_xlsx_rows
        rows = [r for r in read_xlsx_rows(read_text(path, binary=True), path, "scenario")
                if any(r) and not r[0].startswith("#")]
        return _parse_rows(rows, path)
    text = read_text(path)
    if path.suffix.lower() == ".csv":
        return _parse_csv(text, path)
    if path.suffix.lower() == ".toml":
        return _parse_toml(text, path)
    raise InputError("scenario", str(path), "a .toml, .csv or .xlsx file")


def packaged_file(name: str) -> str:
    """Text of a file shipped in ``models/`` (installed as ``reserve.models``)."""
    return resources.files("reserve.models").joinpath(name).read_text(encoding="utf-8")


def default_storage() -> list[dict]:
    data = tomllib.loads(packaged_file(DEFAULT_SCENARIO))
    return data["storage"]


def elasticity_presets() -> dict[str, dict]:
    """Literature elasticities by name (``models/elasticities.toml``)."""
    return tomllib.loads(packaged_file(PRESETS_FILE))


# -- overrides -----------------------------------------------------------------

def parse_set(items: Iterable[str]) -> dict[str, str]:
    """``["a=1", "b = x"]`` -> ``{"a": "1", "b": "x"}``; later repeats win."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError("--set", item, "NAME=VALUE, e.g. --set demand_elasticity=-0.2")
        out[name.strip()] = value.strip()
    return out


def unknown_name(name: str, value: object, known: Iterable[str],
                 where: str = "parameter") -> InputError:
    """The error for a name that is not known, with a "did you mean" when one is close."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else "see `reserve params` for the names"
    return InputError(name, value, f"not a known {where}; {hint}")


# -- resolving -----------------------------------------------------------------

def _coerce_flat(name: str, value: object) -> object:
    if name not in PARAMETER_BY_NAME:
        raise unknown_name(name, value, PARAMETER_BY_NAME)
    if name == TARGET and isinstance(value, str) and value.strip().endswith("%"):
        number = PARAMETER_BY_NAME[name].coerce(value.strip()[:-1])
        return ("percent", number)
    return PARAMETER_BY_NAME[name].coerce(value)


def _coerce_option(table: dict, where: str) -> dict:
    out = {}
    for field, value in table.items():
        if field not in STORAGE_FIELD_BY_NAME:
            raise unknown_name(f"{where}.{field}", value,
                           [f"{where}.{f}" for f in STORAGE_FIELD_BY_NAME], "storage field")
        out[field] = STORAGE_FIELD_BY_NAME[field].coerce(value, f"{where}.{field}")
    if "name" not in out:
        raise InputError(f"{where}.name", None, "every storage option needs a name")
    return out


def build_scenario(path: str | Path | None = None,
                   overrides: dict[str, object] | None = None,
                   options: dict[str, object] | None = None) -> Scenario:
    """Resolve the layers (module docstring) into a validated :class:`Scenario`.

    Parameters
    ----------
    path : path to a ``.toml`` or ``.csv`` scenario, or None for the default.
    overrides : ``--set`` values by name (strings or typed values).
    options : the command's own options by parameter name (e.g. the target).
    """
    if path is None:  # the default scenario, shipped in the package
        flat, storage_tables = _parse_toml(packaged_file(DEFAULT_SCENARIO),
                                           Path(DEFAULT_SCENARIO))
    else:
        flat, storage_tables = read_scenario_file(path)
    layers: list[dict] = [flat]
    storage_edits: dict[str, dict] = {}
    set_flat: dict = {}
    for name, value in (overrides or {}).items():
        if name.startswith("storage."):
            option, field = _split_storage_key(name)
            storage_edits.setdefault(option, {})[field] = value
        else:
            set_flat[name] = value
    # --set target_impact_usd_per_bbl= (empty) clears a target the file gave
    cleared = isinstance(set_flat.get(TARGET), str) and not set_flat[TARGET].strip()
    if cleared:
        del set_flat[TARGET]
        flat = {k: v for k, v in flat.items() if k != TARGET}
        layers[0] = flat
    layers.append(set_flat)
    layers.append({k: v for k, v in (options or {}).items() if v is not None})

    params = defaults()
    preset_layer = None
    given_layer: dict[str, int] = {}
    for i, layer in enumerate(layers):
        for name, value in layer.items():
            params[name] = _coerce_flat(name, value)
            given_layer[name] = i
            if name == "elasticity_preset":
                preset_layer = i
    if params["elasticity_preset"]:
        presets = elasticity_presets()
        name = params["elasticity_preset"]
        if name not in presets:
            raise InputError("elasticity_preset", name, "one of: " + ", ".join(presets))
        for key in ("demand_elasticity", "supply_elasticity"):
            if given_layer.get(key, -1) < preset_layer:
                params[key] = _coerce_flat(key, presets[name][key])

    target_percent = None
    if isinstance(params[TARGET], tuple):  # "N%" of the baseline price
        target_percent = params[TARGET][1]
    _resolve_percent(params, target_percent)
    # the default scenario's own values are not the user's
    explicit = {name for i, layer in enumerate(layers) for name in layer
                if i > 0 or path is not None}
    remarks = _later_layer_wins(params, explicit, given_layer)

    tables = storage_tables if storage_tables is not None else default_storage()
    storage = [_coerce_option(t, f"storage.{t.get('name', i)}") for i, t in enumerate(tables)]
    by_name = {opt["name"]: opt for opt in storage}
    for option, edits in storage_edits.items():
        target = by_name.get(option)
        if target is None:
            target = {"name": option}
            storage.append(target)
            by_name[option] = target
        target.update(_coerce_option({"name": option, **edits}, f"storage.{option}"))
    _settle(params)
    scenario = Scenario(params=params,
                        storage=tuple(StorageOption(**opt) for opt in storage),
                        explicit=frozenset(explicit), target_percent=target_percent,
                        remarks=remarks)
    validate(scenario)
    return scenario


BAND = ("floor_usd_per_bbl", "ceiling_usd_per_bbl")


def _later_layer_wins(params: dict, explicit: set, given_layer: dict) -> tuple:
    """A target and a band given in different layers: the later one replaces
    the other (a band typed on the command line over a scenario file's
    target, or the reverse), and the answer says so. In one layer both stay,
    and validation refuses them together."""
    band = [name for name in BAND if params[name] is not None]
    if TARGET not in explicit or not band:
        return ()
    target_layer = given_layer.get(TARGET, 0)
    band_layer = max(given_layer.get(name, 0) for name in band)
    if target_layer == band_layer:
        return ()
    words = {0: "the scenario file", 1: "--set", 2: "the command line"}
    if band_layer > target_layer:
        explicit.discard(TARGET)
        return (f"The band given on {words[band_layer]} ({_band_words(params, band)}) "
                f"replaces the target of {words[target_layer]} "
                f"({params[TARGET]:g} USD/bbl): a band holds in every period.",)
    for name in band:
        params[name] = None
        explicit.discard(name)
    return (f"The target given on {words[target_layer]} replaces the band of "
            f"{words[band_layer]}.",)


def _band_words(params: dict, band: list) -> str:
    return " and ".join(f"{'floor' if n.startswith('floor') else 'ceiling'} "
                        f"{params[n]:g} USD/bbl" for n in band)


# -- consistency ---------------------------------------------------------------

def validate(s: Scenario) -> None:
    """Check what single values cannot: day counts, target, storage options."""
    step = s.time_step_days
    for name in ("hold_days", "lead_days", "tail_days", "liquidation_days"):
        if s[name] is not None and s[name] % step:
            raise InputError(name, s[name], f"a whole multiple of time_step_days = {step}")
    if s.horizon_days > MAX_DAYS:
        raise InputError("lead_days + hold_days + tail_days", s.horizon_days,
                         f"<= {MAX_DAYS} days (100 years)")
    check_model_size(s)
    target = s[TARGET]
    if target == 0:
        raise InputError(TARGET, target, "a non-zero price move (> 0 raises, < 0 lowers)")
    if target > 10 * s.price_usd_per_bbl:
        raise InputError(TARGET, target,
                         f"<= {10 * s.price_usd_per_bbl:g} (ten times the baseline price)")
    if target <= -s.price_usd_per_bbl:
        raise InputError(TARGET, target,
                         f"> -{s.price_usd_per_bbl:g} (the price cannot fall to zero or below)")
    _check_objective(s)
    _check_market_model(s)
    if not s.storage:
        raise InputError("storage", "[]", "at least one storage option")
    names = [o.name for o in s.storage]
    for name in names:
        if names.count(name) > 1:
            raise InputError("storage.name", name, "a name used by one option only")
    for o in s.storage:
        where = f"storage.{o.name}"
        if o.lease_term_days % step:
            raise InputError(f"{where}.lease_term_days", o.lease_term_days,
                             f"a whole multiple of time_step_days = {step}")
        if o.leased and o.build_or_not:
            field = "fixed_cost_musd" if o.fixed_cost_musd > 0 else "min_size_mb"
            raise InputError(f"{where}.{field}", getattr(o, field),
                             "0 for a leased option (lease_term_days > 0): a lease is "
                             "contracted block by block; charge a fee per barrel "
                             "contracted with capex_usd_per_bbl")
        if o.existing_mb > o.capacity_max_mb:
            raise InputError(f"{where}.existing_mb", o.existing_mb,
                             f"<= capacity_max_mb = {o.capacity_max_mb:g}")
        if o.min_size_mb > o.capacity_max_mb - o.existing_mb:
            raise InputError(f"{where}.min_size_mb", o.min_size_mb,
                             f"<= capacity_max_mb - existing_mb = {o.capacity_max_mb - o.existing_mb:g}")
        if o.build_or_not and math.isinf(o.capacity_max_mb) and math.isinf(s.fill_rate_max_mbd):
            raise InputError(f"{where}.capacity_max_mb", o.capacity_max_mb,
                             "a finite cap when fixed_cost_musd or min_size_mb is set "
                             "(or a finite fill_rate_max_mbd)")


def _settle(params: dict) -> None:
    """Values one parameter implies for another: the owner's net benefit is
    priced at the price the reserve itself moves (own_price_effect)."""
    if params["objective"] == "net-benefit":
        params["own_price_effect"] = True


def _check_objective(s: Scenario) -> None:
    """The net-benefit objective finds the best impact itself (no target, no band)."""
    if s.objective != "net-benefit":
        return
    if s.target_explicit:
        raise InputError(TARGET, s[TARGET],
                         "not together with objective = net-benefit, which finds the best "
                         "impact itself: drop the target (from the command line, --set and "
                         "the scenario file), or keep it with objective = least-cost")
    for name in ("floor_usd_per_bbl", "ceiling_usd_per_bbl"):
        if s[name] is not None:
            raise InputError(name, s[name], "not together with objective = net-benefit: one "
                             "or the other (a band is a target in every period)")
    if s.price_model != "linear" or s.dynamic:
        name = "price_model" if s.price_model != "linear" else (
            "demand_elasticity_long_run" if s.demand_elasticity_long_run is not None
            else "supply_elasticity_long_run")
        raise InputError(name, s[name], "the static linear model with objective = net-benefit "
                         "(the owner's gain and the premium it pays on its own trades make a "
                         "convex QP only there)")


#: Most rows and columns one model may have: the size measured to build
#: within this machine's memory (a 100-year daily horizon with one owned
#: storage option is some 330,000).
MODEL_SIZE_MAX = 400_000
#: Most "slow periods": periods times (leased options + 2 for an adjusting
#: market). Timing a lease's contracts and a market's memory is what makes
#: HiGHS slow, and the time grows faster than the periods: the default's
#: three leases over 4,000 daily periods (12,000) took 230 s on this
#: project's 2-core machine for an out-of-reach target, whose diagnosis
#: solves some ten times; 15,000 keeps the worst case inside 10 minutes.
SLOW_PERIODS_MAX = 15_000


def model_days(s: Scenario) -> int:
    """Days the model runs: the horizon, and the closing stock's sale after it."""
    if s.oil_valuation != "sale":
        return s.horizon_days
    return s.horizon_days + (s.hold_days if s.liquidation_days is None else s.liquidation_days)


def model_size(s: Scenario) -> tuple[int, int]:
    """About how many rows and columns the scenario's model has, and its slow
    periods (see SLOW_PERIODS_MAX)."""
    leases = sum(o.leased for o in s.storage)
    periods = model_days(s) // s.time_step_days
    per_period = 9 + 3 * leases + (4 if s.dynamic else 0) + (17 if s.own_price_effect else 0)
    return periods * per_period, periods * (leases + (2 if s.dynamic else 0))


def check_model_size(s: Scenario) -> None:
    """Refuse a model too big or too slow for one run, naming the largest hold that fits."""
    size, slow = model_size(s)
    periods = model_days(s) // s.time_step_days
    if size <= MODEL_SIZE_MAX and slow <= SLOW_PERIODS_MAX:
        return
    step = s.time_step_days
    ratio = max(size / MODEL_SIZE_MAX, slow / SLOW_PERIODS_MAX)
    fitting = int(periods / ratio)
    longest = fitting * step - s.lead_days - s.tail_days
    if s.oil_valuation == "sale":   # and the sale after the horizon
        longest = (longest - s.liquidation_days if s.liquidation_days is not None
                   else longest // 2)   # the sale takes hold_days too
    coarser = int(-(-ratio // 1)) * step
    why = (f"about {size:,} rows and columns, more than one run can build here "
           f"({MODEL_SIZE_MAX:,})" if size / MODEL_SIZE_MAX >= slow / SLOW_PERIODS_MAX else
           f"{periods:,} periods of leased contracts or market memory to time "
           f"({slow:,} slow periods; one run can take {SLOW_PERIODS_MAX:,} within minutes)")
    raise InputError("hold_days", s.hold_days,
                     f"at most {max(longest, 0):,} days with time_step_days = {step} and these "
                     f"storage options ({why}); or time_step_days = {coarser} or more, or "
                     "fewer leased options")


def _check_market_model(s: Scenario) -> None:
    """Features a price model cannot carry, and a band that makes sense.

    The isoelastic model answers targets and bands (each period's condition
    is a constant absorption); it has no memory of past prices, so long-run
    adjustment needs the linear model. The own-price premium is priced on
    the short-run tangent in the isoelastic and adjusting markets (the
    answer says so), which keeps it convex.
    """
    linear_only = [name for name, on in (
        ("demand_elasticity_long_run", s.demand_elasticity_long_run is not None),
        ("supply_elasticity_long_run", s.supply_elasticity_long_run is not None)) if on]
    if s.price_model != "linear" and linear_only:
        raise InputError(linear_only[0], s[linear_only[0]],
                         "only with price_model = linear (the market's adjustment toward "
                         "long-run elasticities is written for the linear curve)")
    floor, ceiling = s.floor_usd_per_bbl, s.ceiling_usd_per_bbl
    if floor is not None and ceiling is not None and floor >= ceiling:
        raise InputError("ceiling_usd_per_bbl", ceiling, f"> floor_usd_per_bbl = {floor:g}")
    if (floor is not None or ceiling is not None) and s.target_explicit:
        raise InputError(TARGET, s[TARGET],
                         "not together with floor_usd_per_bbl / ceiling_usd_per_bbl: a band "
                         "replaces the target (it holds in every period, the target only in "
                         "the window); drop the target, or drop the band to hold the target "
                         "above or below the baseline")


def check_initial_inventory_fits(s: Scenario) -> None:
    """The opening stock must fit in the storage usable at day 0 (size mode).

    Impact mode replaces the storage options by the given design and checks
    against its capacity instead.
    """
    # an option usable at once (owned, or a lease whose first contract can
    # start on day 0) can hold up to its cap; the others only what exists
    usable_at_start = sum(o.capacity_max_mb if o.build_days == 0 else o.existing_mb
                          for o in s.storage)
    if s.initial_inventory_mb > usable_at_start:
        raise InputError("initial_inventory_mb", s.initial_inventory_mb,
                         f"<= {usable_at_start:g}, the storage capacity usable at day 0")


def _resolve_percent(params: dict, percent: float | None) -> None:
    """A target of N % is N % of the scenario's price as it finally stands
    (after every layer, column or swept value), never of an earlier one."""
    if percent is not None:
        params[TARGET] = percent / 100.0 * params["price_usd_per_bbl"]


def with_overrides(s: Scenario, overrides: dict[str, object]) -> Scenario:
    """``s`` with parameters changed by name, checked as ``--set`` would check them.

    For sweeps and batches: no file is read again. Names are flat parameters
    or ``storage.NAME.FIELD``; ``elasticity_preset`` sets both elasticities
    unless they are given too; a target in percent is of the baseline price.
    """
    params = dict(s.params)
    storage = {o.name: o for o in s.storage}
    percent = s.target_percent
    for name, value in overrides.items():
        if name.startswith("storage."):
            option, field = _split_storage_key(name)
            if option not in storage:
                raise InputError(name, value, "a storage option of the scenario: "
                                 + ", ".join(storage))
            typed = _coerce_option({field: value, "name": option}, f"storage.{option}")
            storage[option] = replace(storage[option], **{field: typed[field]})
            continue
        typed = _coerce_flat(name, value)
        if name == TARGET:
            percent = typed[1] if isinstance(typed, tuple) else None
        params[name] = typed
    preset = overrides.get("elasticity_preset")
    if preset:
        presets = elasticity_presets()
        if preset not in presets:
            raise InputError("elasticity_preset", preset, "one of: " + ", ".join(presets))
        for key in ("demand_elasticity", "supply_elasticity"):
            if key not in overrides:
                params[key] = _coerce_flat(key, presets[preset][key])
    _resolve_percent(params, percent)   # of the price the row ends with, in any column order
    _settle(params)
    result = Scenario(params=params, storage=tuple(storage.values()),
                      explicit=s.explicit | set(overrides), target_percent=percent,
                      price_path=s.price_path)
    validate(result)
    return result

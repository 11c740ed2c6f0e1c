"""Scenarios: the layers resolved into one checked scenario, and ``--set`` overrides.

Reading files is :mod:`reserve.scenariofile`'s, checking a whole scenario
:mod:`reserve.validation`'s.

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

import difflib
import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Iterable

from .errors import InputError
from .owners import group_values, read_owners
from .runs import is_run, run_scenario
from .schema import (PARAMETER_BY_NAME, STORAGE_FIELD_BY_NAME, STORAGE_FIELDS, TARGET,
                     defaults)
from .scenariofile import (DEFAULT_SCENARIO, default_storage, elasticity_presets,
                           packaged_file, parse_toml, read_scenario_file, split_storage_key)
from .validation import settle, validate



@dataclass(frozen=True)
class StorageOption:
    """One way to store crude (docs/explanation/model.md, "Storage"); units in the field names."""

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
        """True when capacity is rented in contracts of lease_term_days (docs/explanation/model.md, "Leases")."""
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
    #: the owners sharing the reserve ([[owner]] tables, reserve.owners), or ()
    owners: tuple = ()

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
        """True when elasticities adjust toward long-run values (docs/explanation/model.md, "Markets that adjust")."""
        return (self.params["demand_elasticity_long_run"] is not None
                or self.params["supply_elasticity_long_run"] is not None)

    @property
    def sign(self) -> int:
        """+1 when the target raises the price (absorb), -1 when it lowers it."""
        return 1 if self.target_impact_usd_per_bbl > 0 else -1


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
    price_path = None
    if path is None:  # the default scenario, shipped in the package
        flat, storage_tables = parse_toml(packaged_file(DEFAULT_SCENARIO),
                                           Path(DEFAULT_SCENARIO))
    elif is_run(path):      # a run file: the scenario it answered, on its price path
        flat, storage_tables, price_path = run_scenario(path)
    else:
        flat, storage_tables = read_scenario_file(path)
    owners = ()
    if isinstance(flat.get("owner"), list):     # [[owner]] tables
        flat = dict(flat)
        owners = read_owners(flat.pop("owner"))
        flat = {**_owners_group(owners, flat, path), **flat}
        _keep_owners_sum(owners, overrides or {})
    layers: list[dict] = [flat]
    storage_edits: dict[str, dict] = {}
    set_flat: dict = {}
    for name, value in (overrides or {}).items():
        if name.startswith("storage."):
            option, field = split_storage_key(name)
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
    settle(params)
    scenario = Scenario(params=params,
                        storage=tuple(StorageOption(**opt) for opt in storage),
                        explicit=frozenset(explicit), target_percent=target_percent,
                        remarks=remarks, owners=owners, price_path=price_path)
    validate(scenario)
    return scenario


BAND = ("floor_usd_per_bbl", "ceiling_usd_per_bbl")


def _keep_owners_sum(owners: tuple, overrides: dict) -> None:
    """With owners, the reserve's trade and GDP are their sums: an override
    of one would part the owners' lines from the reserve's."""
    for name in group_values(owners) if owners else ():
        if name in overrides:
            raise InputError(name, overrides[name], "left as the sum of the owners' "
                             "([[owner]] tables): change an owner's instead")


def _owners_group(owners: tuple, flat: dict, path) -> dict:
    """The reserve's ledger inputs as the sum of its owners' (reserve.owners);
    a file that also gives one of them at the top level is refused."""
    group = group_values(owners)
    for name in group:
        if name in flat:
            raise InputError(name, flat[name], f"left out of {path} when it has [[owner]] "
                             "tables: the reserve's is the sum of its owners'")
    return {**group, "owner": f"the {len(owners)} owners"}


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
    _keep_owners_sum(s.owners, overrides)
    for name, value in overrides.items():
        if name.startswith("storage."):
            option, field = split_storage_key(name)
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
    settle(params)
    result = Scenario(params=params, storage=tuple(storage.values()),
                      explicit=s.explicit | set(overrides), target_percent=percent,
                      price_path=s.price_path, owners=s.owners)
    validate(result)
    return result

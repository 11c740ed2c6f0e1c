"""Sensitivity and uncertainty: how the answer moves with every input.

- :func:`parse_vary` / :func:`sweep_points`: one-way sweeps (each parameter
  varied alone, the others at the scenario's values) or a full grid;
- :func:`tornado_points`: every numeric input (or those named) down and up
  by a span, for a tornado chart;
- :func:`parse_dist` / :func:`draw_samples`: distributions of inputs, sampled
  reproducibly with a seed; :func:`quantiles` of the outputs;
- a design that meets the target in a given share of the samples is
  :mod:`reserve.confidence`'s.

Every point is solved by :mod:`reserve.sweep`, one model re-solved in place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import InputError, TargetUnreachable
from .scenario import Scenario, unknown_name, with_overrides
from .results import NEEDS_OF, with_needs
from .scenariofile import elasticity_presets
from .schema import PARAMETER_BY_NAME, PARAMETERS, STORAGE_FIELD_BY_NAME
from .sweep import PointResult

#: Outputs a quantile or tornado report is about first.


def _numeric(name: str) -> bool:
    if name.startswith("storage."):
        field = name.split(".")[-1]
        return field in STORAGE_FIELD_BY_NAME and STORAGE_FIELD_BY_NAME[field].kind in ("float", "int")
    p = PARAMETER_BY_NAME.get(name)
    return p is not None and p.kind in ("float", "int")


def _whole(name: str) -> bool:
    """True for a whole-number parameter (days): its draws are rounded."""
    if name.startswith("storage."):
        field = STORAGE_FIELD_BY_NAME.get(name.split(".")[-1])
        return field is not None and field.kind == "int"
    p = PARAMETER_BY_NAME.get(name)
    return p is not None and p.kind == "int"


def check_name(name: str, option: str, numeric: bool = True) -> None:
    known = name in PARAMETER_BY_NAME or (name.startswith("storage.") and name.count(".") == 2)
    if not known:
        error = unknown_name(name, name, PARAMETER_BY_NAME)
        raise InputError(option, name, error.allowed)
    if numeric and not _numeric(name):
        raise InputError(option, name, "a numeric parameter")


#: Most points one sweep, grid or sample may ask for: every point keeps a row
#: of results in memory and costs a solve (about 0.1 s), so 100,000 points
#: are some hours on two cores and a few hundred MB.
POINTS_MAX = 100_000


def check_point_count(count: int, option: str) -> None:
    """Refuse more points than one run can solve and hold (:data:`POINTS_MAX`)."""
    if count > POINTS_MAX:
        raise InputError(option, f"{count:,} points", f"at most {POINTS_MAX:,} points "
                         "(split the run into several, e.g. with reserve batch)")


# -- sweeps ------------------------------------------------------------------------

def parse_vary(text: str) -> tuple[str, list[float]]:
    """``NAME=LO:HI:N`` (N evenly spaced values) or ``NAME=V1,V2,...``."""
    name, values = vary_values(text, "vary")
    if _whole(name) and ":" in text.partition("=")[2]:   # days: evenly spaced whole days
        values = list(dict.fromkeys(int(v) for v in np.rint(values)))
    return name, values


def vary_values(text: str, option: str, scenario_names: bool = True
                ) -> tuple[str, list[float]]:
    """``NAME=LO:HI:N`` or ``NAME=V1,V2,...`` as (NAME, values); the name is
    checked against the scenario's parameters when ``scenario_names``, else
    left to the caller."""
    name, sep, spec = text.partition("=")
    name = name.strip()
    if not sep or not spec.strip():
        raise InputError(option, text, "NAME=LO:HI:N or NAME=V1,V2,..., "
                         "e.g. demand_elasticity=-0.35:-0.03:9")
    if scenario_names:
        check_name(name, option)
    try:
        if ":" in spec:
            lo, hi, count = spec.split(":")
            n = int(count)
            if n < 2:
                raise ValueError
            bounds = float(lo), float(hi)
        else:
            n, bounds = None, None
            values = [float(v) for v in spec.split(",")]
    except ValueError:
        raise InputError(option, text, "NAME=LO:HI:N with N a whole number >= 2, "
                         "or NAME=V1,V2,... with numbers") from None
    check_point_count(n if n is not None else len(values), option)
    if n is not None:   # counted before the list is built
        values = np.linspace(*bounds, n).tolist()
    if not all(math.isfinite(v) for v in values):
        raise InputError(option, text, "finite numbers")
    return name, values


def sweep_points(varied: list[tuple[str, list[float]]], grid: bool,
                 base: Scenario | None = None, option: str = "grid") -> list[dict]:
    """Points as dicts: ``{"sweep": label, NAME: value, ...}``.

    One-way: each parameter alone over its values, the others at the base
    scenario's values (shown in the row). Grid: every combination,
    visited in a snake order (the last parameter runs back and forth) so that
    neighbouring points are close and warm starts stay good.
    """
    if not grid:
        at_base = {name: _value(base, name) for name, _ in varied} if base is not None else {}
        return [{"sweep": name, **at_base, name: v} for name, values in varied for v in values]
    names = [n for n, _ in varied]
    check_point_count(math.prod(len(values) for _, values in varied), option)
    points = []
    for combo in _snake([values for _, values in varied]):
        points.append({"sweep": "grid", **dict(zip(names, combo))})
    return points


def _snake(axes: list[list[float]]):
    if len(axes) == 1:
        for v in axes[0]:
            yield (v,)
        return
    flip = False
    for v in axes[0]:
        inner = list(_snake(axes[1:]))
        for rest in (reversed(inner) if flip else inner):
            yield (v, *rest)
        flip = not flip


def tornado_points(base: Scenario, span: float, names: list[str] | None) -> list[dict]:
    """Every numeric input (or ``names``) at (1 - span) and (1 + span) times its value.

    Inputs at zero (or not set) have no relative swing and are left out; day
    counts are rounded to whole multiples of the time step.
    """
    if names:
        for name in names:
            check_name(name, "params")
        chosen = names
    else:
        chosen = [p.name for p in PARAMETERS if p.kind in ("float", "int")
                  and p.name != "time_step_days"]
    swung = [n for n in chosen if _value(base, n) not in (None, 0)
             and math.isfinite(_value(base, n))]
    at_base = {n: _value(base, n) for n in swung}   # every row shows every input
    points = []
    for name in swung:
        value = at_base[name]
        whole = name in PARAMETER_BY_NAME and PARAMETER_BY_NAME[name].kind == "int"
        step = base.time_step_days if name in ("hold_days", "lead_days", "tail_days") else 1
        for side, factor in (("low", 1 - span), ("high", 1 + span)):
            v = value * factor
            if whole:   # day counts stay whole multiples of the time step
                v = max(step, round(v / step) * step)
            points.append({"sweep": name, "side": side, **at_base, name: v})
    return points


def _value(s: Scenario, name: str):
    if name.startswith("storage."):
        _, option, field = name.split(".")
        for o in s.storage:
            if o.name == option:
                return getattr(o, field)
        raise InputError("params", name, "a storage option of the scenario")
    return s[name]


@dataclass(frozen=True)
class PointScenario:
    """Turns a point dict into its scenario: the base, overridden by the point's values.

    A class rather than a closure so that worker processes can receive it.
    """

    base: Scenario

    def __call__(self, point: dict) -> Scenario:
        overrides = {k: v for k, v in point.items() if k not in ("sweep", "side", "sample")}
        return with_overrides(self.base, overrides)


def make_point_scenario(base: Scenario) -> PointScenario:
    return PointScenario(base)


def result_rows(points: list[dict], results: list[PointResult]) -> list[dict]:
    """Rows for CSV: the point's values by name, every output, status and message."""
    rows = []
    for point, result in zip(points, results, strict=True):
        rows.append({**point, **result.outputs, "status": result.status,
                     "message": result.message})
    return rows


def columns_of(rows: list[dict], first: list[str]) -> list[str]:
    columns = list(first)
    for row in rows:
        for key in row:
            if key not in columns and key not in ("status", "message"):
                columns.append(key)
    return columns + ["status", "message"]


# -- uncertainty --------------------------------------------------------------------

@dataclass(frozen=True)
class Distribution:
    """One uncertain input: its name, kind and parameters (as given)."""

    name: str
    kind: str          # uniform, normal, triangular, choice
    args: tuple

    def draw(self, rng: np.random.Generator, n: int) -> list:
        """``n`` draws; a whole-number parameter's (days) rounded to whole numbers."""
        if self.kind == "choice":
            return [self.args[i] for i in rng.integers(0, len(self.args), n)]
        if self.kind == "uniform":
            values = rng.uniform(self.args[0], self.args[1], n)
        elif self.kind == "normal":
            values = rng.normal(self.args[0], self.args[1], n)
        else:
            values = rng.triangular(*self.args, n)
        if _whole(self.name):
            return [int(v) for v in np.rint(values)]
        return values.tolist()


def parse_dist(text: str, option: str = "dist", known: list[str] | None = None
               ) -> Distribution:
    """``NAME=uniform:LO:HI``, ``normal:MEAN:SD``, ``triangular:LO:MODE:HI``,
    ``choice:A,B,...``; ``elasticity_preset=presets`` draws the literature presets.
    NAME is a scenario parameter, or one of ``known`` when given (another
    model's inputs). Errors name ``option`` (the flag, or the API argument)."""
    name, sep, spec = text.partition("=")
    name = name.strip()
    allowed = ("NAME=uniform:LO:HI, normal:MEAN:SD, triangular:LO:MODE:HI, choice:A,B,... "
               "or elasticity_preset=presets")
    if not sep:
        raise InputError(option, text, allowed)
    if known is not None:
        if name not in known:
            raise InputError(option, text, "NAME=KIND:ARGS with NAME one of " + ", ".join(known))
    elif name == "elasticity_preset":
        choices = list(elasticity_presets()) if spec.strip() == "presets" else (
            spec.split(":", 1)[1].split(",") if spec.startswith("choice:") else None)
        if not choices:
            raise InputError(option, text, "elasticity_preset=presets or "
                             "elasticity_preset=choice:NAME,NAME,...")
        known = elasticity_presets()
        for choice in choices:
            if choice.strip() not in known:
                raise InputError(option, text, f"presets named among: {', '.join(known)} "
                                 f"({choice.strip()!r} is not one)")
        return Distribution(name, "choice", tuple(c.strip() for c in choices))
    else:
        check_name(name, option)
    kind, _, rest = spec.partition(":")
    try:
        if kind == "choice":
            values = tuple(float(v) for v in rest.split(","))
            if not values:
                raise ValueError
            return Distribution(name, kind, values)
        numbers = tuple(float(v) for v in rest.split(":"))
    except ValueError:
        raise InputError(option, text, allowed) from None
    expected = {"uniform": 2, "normal": 2, "triangular": 3}
    if kind not in expected or len(numbers) != expected[kind] or not all(map(math.isfinite, numbers)):
        raise InputError(option, text, allowed)
    if kind == "uniform" and not numbers[0] < numbers[1]:
        raise InputError(option, text, "uniform:LO:HI with LO < HI")
    if kind == "normal" and not numbers[1] > 0:
        raise InputError(option, text, "normal:MEAN:SD with SD > 0")
    if kind == "triangular" and not numbers[0] <= numbers[1] <= numbers[2] or (
            kind == "triangular" and numbers[0] == numbers[2]):
        raise InputError(option, text, "triangular:LO:MODE:HI with LO <= MODE <= HI, LO < HI")
    return Distribution(name, kind, numbers)


def draw_samples(dists: list[Distribution], n: int, seed: int | None) -> list[dict]:
    """``n`` points, each a dict of drawn values; the same seed, the same draws."""
    rng = np.random.default_rng(seed)
    columns = {d.name: d.draw(rng, n) for d in dists}
    return [{"sample": i, **{name: values[i] for name, values in columns.items()}}
            for i in range(n)]


#: Which samples a quantile counts (``population`` of each row of :func:`quantiles`).
EVERY, WITHIN = "every sample answered", "within the limits only"


def quantiles(rows: list[dict], probabilities=(0.05, 0.5, 0.95),
              inputs: tuple = ()) -> dict[str, dict]:
    """Quantiles of the drawn ``inputs`` and of every numeric output, each
    saying which samples it counts (``counted``, ``population``).

    The inputs drawn, and capacity, rates and cost (NEEDS_OF), are over every
    sample answered, samples out of reach counted with their needs beyond
    the limits (they are reported, never hidden): ``population`` EVERY. The
    other outputs (the largest stock, the ledger, ...) exist only for samples
    within the limits: WITHIN. Bad inputs count in neither.
    """
    solved = [r for r in rows if r.get("status") == "ok"]
    every = [with_needs(r) for r in rows if r.get("status") in ("ok", "infeasible")]
    inputs = tuple(n for n in inputs if every and all(    # drawn numbers, not preset names
        isinstance(r.get(n), (int, float)) and not isinstance(r.get(n), bool) for r in every))
    skip = ("status", "message", "sample", "beyond_limits", *NEEDS_OF.values(),
            "reachable_impact_usd_per_bbl", *inputs)
    names = [k for k in (solved[0] if solved else {}) if k not in skip
             and isinstance(solved[0][k], (int, float)) and not isinstance(solved[0][k], bool)]
    for name in NEEDS_OF:
        if name not in names and any(name in r for r in every):
            names.append(name)
    out = {}
    for name in [*inputs, *names]:
        whole = name in NEEDS_OF or name in inputs
        over = every if whole else solved
        values = np.array([r.get(name, np.nan) for r in over], dtype=float)
        values = values[~np.isnan(values)]
        out[name] = {**{f"p{round(p * 100)}": (float(np.quantile(values, p)) if values.size
                                               else math.nan) for p in probabilities},
                     "counted": int(values.size), "population": EVERY if whole else WITHIN}
    return out


def centre_outputs(base: Scenario, price_path=None) -> dict:
    """The base scenario's answer by output name, the centre of a tornado; {}
    when it is out of reach."""
    from .pricepath import baseline_of
    from .results import outputs
    from .solve import size
    try:
        return outputs(size(base, baseline_of(price_path, base), diagnose=False,
                            check_calibration=False))
    except TargetUnreachable:
        return {}

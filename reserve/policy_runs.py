"""`reserve policy`: a policy problem read, checked and solved.

The model is :mod:`reserve.policy`. This module reads the shipped problems
(``models/teisberg-1981.toml``) or a user's file with a ``[policy]`` table,
applies ``--set`` overrides (a value in TOML's syntax: ``discount=0.9``,
``transition=[[0.9, 0.1], [0.5, 0.5]]``, ``levels=[0, 5, 10]``), with the
checks a bad input needs (exit 2, naming the input).
"""

from __future__ import annotations

import tomllib
from dataclasses import fields, replace
from pathlib import Path

from .errors import InputError
from .policy import PolicyAnswer, PolicyModel, check, solve_lp, value_iteration
from .scenariofile import shipped_policies, shipped_table

LISTS = ("levels", "regimes", "lost_supply", "transition")


def load_policy(source: str | Path = "teisberg-1981", overrides: dict | None = None
                ) -> PolicyModel:
    """A shipped policy problem by name, or a TOML file with a ``[policy]``
    table; then ``overrides`` (name -> TOML value text, or a value), checked."""
    name = str(source)
    table = shipped_table(source, "policy", shipped_policies(), "--source")
    given = {**table, **{k: _value(k, v) for k, v in (overrides or {}).items()}}
    values = scenario_market(given)
    known = {f.name for f in fields(PolicyModel)} - {"name"}
    for key in values:
        if key not in known:
            raise InputError(key, values[key], "one of " + ", ".join(sorted(known)))
    missing = [k for k in LISTS if k not in values]
    if missing:
        raise InputError(missing[0], None, "a list in the [policy] table")
    try:
        title = Path(name).stem + (f" on the {given['scenario']} scenario's "
                                   f"{values.get('market')} market" if "scenario" in given else "")
        model = PolicyModel(name=title, **{
            k: (_tuple(k, v) if k in LISTS else _scalar(k, v)) for k, v in values.items()})
    except (TypeError, ValueError) as err:
        raise InputError("--source", name, f"a [policy] table of numbers and lists ({err})"
                         ) from None
    check(model)
    return model


def scenario_market(values: dict) -> dict:
    """With ``scenario = NAME`` (``default`` for the shipped default), the
    scenario's market: its price model (unless ``market`` is given), price,
    elasticities, and its consumption over ``period_days`` (365 unless
    given) as the consumption a period; values given in the table win."""
    if "scenario" not in values:
        if "period_days" in values:
            raise InputError("period_days", values["period_days"],
                             "only with a scenario = NAME in the [policy] table")
        return values
    from .scenario import build_scenario
    source = str(values["scenario"])
    s = build_scenario(None if source == "default" else source)
    days = _number("period_days", values.get("period_days", 365))
    if not days > 0:
        raise InputError("period_days", days, "days a period > 0")
    out = {"market": s.price_model, "market_price_usd_per_bbl": s.price_usd_per_bbl,
           "market_demand_per_period": s.demand_mbd * days,
           "market_demand_elasticity": s.demand_elasticity,
           "market_supply_elasticity": s.supply_elasticity}
    return out | {k: v for k, v in values.items() if k not in ("scenario", "period_days")}


def _value(key: str, text):
    """A --set value in TOML's syntax (a number, a list, true/false)."""
    if not isinstance(text, str):
        return text
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        if key in ("market", "scenario"):
            return text
        if key == "regimes":
            raise InputError(key, text, 'a list of names, e.g. ["normal", "disrupted"]') \
                from None
        raise InputError(key, text, "a number, true/false, or a list such as [0, 3, 6]") \
            from None


def _tuple(key: str, value):
    if not isinstance(value, list) or not value:
        raise InputError(key, value, "a list (e.g. [0, 3, 6])")
    if key == "regimes":
        return tuple(str(v) for v in value)
    if key == "transition":
        if not all(isinstance(row, list) for row in value):
            raise InputError(key, value, "a list of rows, e.g. [[0.8, 0.2], [0.5, 0.5]]")
        return tuple(tuple(_number(key, x) for x in row) for row in value)
    return tuple(_number(key, x) for x in value)


def _number(key: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(key, value, "numbers")
    return float(value)


def _scalar(key: str, value):
    if key == "no_fill_when_disrupted":
        if not isinstance(value, bool):
            raise InputError(key, value, "true or false")
        return value
    if key == "market":
        return str(value)
    return _number(key, value)


def solve_policy(model: PolicyModel, method: str = "lp") -> PolicyAnswer:
    """The optimal policy by the MDP's LP in HiGHS (``lp``) or value iteration (``vi``)."""
    if method not in ("lp", "vi"):
        raise InputError("--method", method, "lp (HiGHS) or vi (value iteration)")
    return solve_lp(model) if method == "lp" else value_iteration(model)


#: Names a policy sweep may vary besides the model's numbers: with two
#: regimes, the chance of entering and of leaving the disrupted one, and its loss.
SWEEP_SHORTHANDS = ("p_disrupt", "p_recover", "disruption")


def sweep_policy(source, overrides: dict | None, vary: str, method: str = "lp",
                 progress=None) -> list[dict]:
    """The figures of the optimal policy at each value of ``vary``
    (``NAME=LO:HI:N`` or ``NAME=V1,V2,...``), one row a value. NAME is a
    number of the [policy] table (``discount``, ``holding_cost``, ...) or,
    for two regimes, ``p_disrupt`` (normal to disrupted), ``p_recover``
    (back) or ``disruption`` (the disrupted regime's lost supply)."""
    from .analysis import vary_values
    name, values = vary_values(vary, "--sweep", scenario_names=False)
    base = load_policy(source, overrides)
    if name not in varied_names(base):
        raise InputError("--sweep", vary, "NAME=LO:HI:N with NAME one of "
                         + ", ".join(varied_names(base)))
    rows = []
    for k, value in enumerate(values):
        model = replace(base, **changed(base, name, value))   # the file read once, in base
        check(model)
        rows.append({name: value, **solve_policy(model, method).figures()})
        if progress is not None:
            progress(k + 1, len(values), f"{name} = {value:g}")
    return rows


def varied_names(base: PolicyModel) -> list[str]:
    """What a sweep or a sample may vary: a number of the [policy] table, or
    with two regimes p_disrupt, p_recover and disruption."""
    numbers = sorted({f.name for f in fields(PolicyModel)} - set(LISTS)
                     - {"name", "no_fill_when_disrupted", "market"})
    return numbers + (list(SWEEP_SHORTHANDS) if len(base.regimes) == 2 else [])


def changed(model: PolicyModel, name: str, value: float) -> dict:
    """The fields of ``model`` that set ``name`` (:func:`varied_names`) to ``value``."""
    P = [list(r) for r in model.transition]
    if name == "p_disrupt":
        P[0] = [1 - value, value]
        return {"transition": tuple(map(tuple, P))}
    if name == "p_recover":
        P[1] = [value, 1 - value]
        return {"transition": tuple(map(tuple, P))}
    if name == "disruption":
        return {"lost_supply": (model.lost_supply[0], float(value))}
    return {name: float(value)}


#: The policy's figures a sample summarizes (and those that start share_ or
#: reserve_value_: each regime's long-run share and the reserve's worth).
SUMMARIZED = ("objective", "mean_level")


def sample_policy(source, overrides: dict | None, dists: list[str], samples: int,
                  seed: int | None = None, method: str = "lp", progress=None
                  ) -> tuple[list[dict], dict]:
    """The optimal policy over ``samples`` draws of uncertain inputs (``dists``,
    ``NAME=uniform:LO:HI`` ... as ``reserve uncertainty`` reads them, NAME as
    in :func:`varied_names`). Returns one row a sample (its draws, the
    figures, a status: a draw the problem refuses, such as a probability
    above 1, is kept as an error with its reason) and the 5th, 50th and 95th
    percentiles of each figure over the samples solved."""
    import numpy as np

    from .analysis import draw_samples, parse_dist
    base = load_policy(source, overrides)
    parsed = [parse_dist(text, "--dist", varied_names(base)) for text in dists]
    rows = []
    for k, point in enumerate(draw_samples(parsed, samples, seed)):
        model = base
        for d in parsed:
            model = replace(model, **changed(model, d.name, point[d.name]))
        try:
            check(model)
            rows.append({**point, **solve_policy(model, method).figures(), "status": "ok",
                         "message": ""})
        except InputError as err:
            rows.append({**point, "status": "error", "message": str(err)})
        if progress is not None:
            progress(k + 1, samples, f"sample {k + 1}")
    solved = [r for r in rows if r["status"] == "ok"]
    names = [n for n in (solved[0] if solved else {})
             if n.startswith(("reserve_value_", "share_")) or n in SUMMARIZED]
    # to 1e-9, below the LP's tolerance: a worth of -1e-14 is none
    summary = {n: {f"p{q}": round(float(np.percentile([r[n] for r in solved], q)), 9) + 0.0
                   for q in (5, 50, 95)} for n in names}
    return rows, {"samples": samples, "solved": len(solved), "quantiles": summary}

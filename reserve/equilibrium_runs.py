"""`reserve equilibrium`: a calibration read and checked, solved, simulated, summarized.

The model is :mod:`reserve.storage_equilibrium`; this module reads the shipped
calibrations (``models/recs-*.toml``) or a user's file with an
``[equilibrium]`` table, applies ``--set`` overrides with the checks a bad
input needs (exit 2, naming the parameter, the value and what is allowed),
and turns rules and simulated paths into the figures the command prints.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import fields
from importlib import resources
from pathlib import Path

import numpy as np

from .storage_equilibrium import Calibration, Rules, Simulation, deterministic_steady_state, residual
from .errors import InputError
from .scenariofile import CALIBRATION_PREFIX

#: What each calibration value may be: (lowest, highest, what the message says).
ALLOWED = {
    "storage_cost": (0.0, 10.0, ">= 0"),
    "interest_rate": (-0.5, 10.0, "from -0.5 to 10"),
    "depreciation": (0.0, 0.99, "from 0 to 0.99"),
    "demand_elasticity": (-10.0, -1e-3, "from -10 to -0.001"),
    "supply_elasticity": (0.0, 0.99, "from 0 to 0.99"),
    "shock_sd": (0.0, 0.3, "from 0 to 0.3"),
    "shock_nodes": (1, 21, "a whole number from 1 to 21"),
    "floor": (1e-3, 100.0, "a price above 0 (normalized: 1 is the steady state), or none"),
    "public_cap": (0.0, 10.0, "from 0 to 10 (normalized: 1 is a year's consumption)"),
    "grid_min": (0.05, 10.0, "from 0.05 to 10"),
    "grid_max": (0.1, 20.0, "from 0.1 to 20, above grid_min"),
    "grid_points": (20, 5000, "a whole number from 20 to 5000"),
}
INTEGERS = ("shock_nodes", "grid_points")


def shipped_calibrations() -> list[str]:
    """Names of the shipped calibrations, e.g. ``recs-sto2``."""
    return sorted(f.name[:-5] for f in resources.files("reserve.models").iterdir()
                  if f.name.startswith(CALIBRATION_PREFIX) and f.name.endswith(".toml"))


def load_calibration(source: str | Path = "recs-sto2", overrides: dict | None = None
                     ) -> Calibration:
    """A shipped calibration by name, or a TOML file with an ``[equilibrium]``
    table; then ``overrides`` (name -> value, text or number), each checked."""
    name = str(source)
    if name in shipped_calibrations():
        text = resources.files("reserve.models").joinpath(name + ".toml").read_text("utf-8")
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError("--calibration", name, "one of " + ", ".join(shipped_calibrations())
                             + ", or a TOML file with an [equilibrium] table")
        text = path.read_text("utf-8")
    try:
        table = tomllib.loads(text).get("equilibrium")
    except tomllib.TOMLDecodeError as err:
        raise InputError("--calibration", name, f"a TOML file ({err})") from None
    if not isinstance(table, dict):
        raise InputError("--calibration", name, "a TOML file with an [equilibrium] table")
    values = {**table, **(overrides or {})}
    known = {f.name for f in fields(Calibration)} - {"name"}
    checked = {}
    for key, value in values.items():
        if key not in known:
            raise InputError(key, value, "one of " + ", ".join(sorted(known)))
        checked[key] = _checked(key, value)
    c = Calibration(name=Path(name).stem, **checked)
    if c.grid_max <= c.grid_min:
        raise InputError("grid_max", c.grid_max, f"above grid_min = {c.grid_min:g}")
    return c


def _checked(key: str, value):
    if key == "floor" and (value is None or str(value).lower() in ("none", "")):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    lo, hi, allowed = ALLOWED[key]
    if not (lo <= number <= hi) or (key in INTEGERS and number != int(number)):
        raise InputError(key, value, allowed)
    return int(number) if key in INTEGERS else number


def summary(rules: Rules, sim: Simulation) -> dict:
    """The figures of `reserve equilibrium` from simulated paths ``sim``: the
    steady state, the distribution of price and stocks, the time at each bound."""
    c = rules.calibration
    steady = deterministic_steady_state(c)
    price = sim.price
    out = {
        "calibration": c.name,
        "iterations": rules.iterations,
        "rule_residual": residual(rules),
        "steady_price": steady["price"],
        "steady_public_stock": steady["public_stock"],
        "mean_price": float(price.mean()),
        "sd_price": float(price.std()),
        "mean_private_stock": float(sim.private_stock.mean()),
        "share_private_storing": float(np.mean(sim.private_stock > 1e-9)),
    }
    if c.floor is not None and c.public_cap > 0:
        full = sim.public_stock >= c.public_cap * (1 - 1e-9)
        empty = sim.public_stock <= 1e-12
        out.update({
            "mean_public_stock": float(sim.public_stock.mean()),
            "share_public_full": float(np.mean(full)),
            "share_public_empty": float(np.mean(empty)),
            "share_at_floor": float(np.mean(np.abs(price - c.floor) <= 1e-9 * c.floor)),
            "share_below_floor": float(np.mean(price < c.floor * (1 - 1e-9))),
        })
    return out


#: Paths (at most; fewer when fewer are asked) and years of the simulation the
#: stationary figures come from, and the years dropped first so the start does not weigh.
STATIONARY_PATHS, STATIONARY_YEARS, BURN_IN_YEARS = 80, 120, 40


class EquilibriumAnswer:
    """What `reserve equilibrium` answers: ``rules`` (:class:`Rules`), ``survival``
    (paths of ``years`` from the steady state), ``stationary`` (long paths,
    the first BURN_IN_YEARS dropped) and ``figures`` (:func:`summary`)."""

    def __init__(self, c: Calibration, years: int, paths: int, seed: int, progress=None):
        from .storage_equilibrium import simulate, solve
        self.calibration = c
        self.rules = solve(c, progress=progress)
        if progress is not None:
            progress(1, 3, "simulating the floor's survival")
        self.survival = simulate(self.rules, years, paths, seed)
        if progress is not None:
            progress(2, 3, "simulating the stationary distribution")
        long = simulate(self.rules, STATIONARY_YEARS, min(paths, STATIONARY_PATHS), seed + 1)
        self.stationary = Simulation(*(v[:, BURN_IN_YEARS:] for v in (
            long.price, long.private_stock, long.public_stock, long.availability)))
        self.figures = summary(self.rules, self.stationary)
        if c.floor is not None and c.public_cap > 0:
            fell = self.survival.collapsed_in
            self.figures["years"] = years
            self.figures["survival_probability"] = float(np.mean(fell < 0))
            for q in (10, 50, 90):
                gone = fell[fell >= 0]
                self.figures[f"collapse_year_p{q}"] = (float(np.percentile(gone, q))
                                                       if gone.size else math.nan)

    def rule_table(self, points: int = 9) -> list[dict]:
        """The decision rules at a few availabilities, for a table."""
        from .storage_equilibrium import settle
        r = self.rules
        a = np.linspace(r.availability[0], r.availability[-1], points)
        s = settle(self.calibration, r.price_rule, a)
        return [{"availability": float(a[i]), "price": float(s.price[i]),
                 "private_stock": float(s.private_stock[i]),
                 "public_stock": float(s.public_stock[i]),
                 "production": float(s.production[i])} for i in range(points)]


#: The largest public stock `--size-for` tries (normalized: five years' consumption).
CAP_SEARCHED = 5.0


def survival(c: Calibration, years: int, paths: int, seed: int) -> float:
    """Share of ``paths`` (one seed: the same shocks for every cap) on which the
    floor holds ``years`` years from the steady state."""
    from .storage_equilibrium import simulate, solve
    return float(np.mean(simulate(solve(c), years, paths, seed).collapsed_in < 0))


def size_for(c: Calibration, probability: float, years: int, paths: int, seed: int,
             progress=None, tolerance: float = 1e-4) -> float:
    """The least public stock Ḡ with which the floor survives ``years`` with at
    least ``probability``, by bisection on Ḡ (more stock never shortens a
    floor's life on the same shocks); raises TargetUnreachable beyond
    :data:`CAP_SEARCHED`."""
    from dataclasses import replace

    from .errors import TargetUnreachable
    if c.floor is None:
        raise InputError("floor", None, "a floor price to size the public stock for")
    top = survival(replace(c, public_cap=CAP_SEARCHED), years, paths, seed)
    if top < probability:
        raise TargetUnreachable(
            f"out of reach: even a public stock of {CAP_SEARCHED:g} (years of consumption) "
            f"keeps the floor {c.floor:g} for {years} years on only {top:.1%} of the paths, "
            f"short of {probability:.1%}; a lower floor or a shorter --years answers")
    lo, hi, step = 0.0, CAP_SEARCHED, 0
    while hi - lo > tolerance:
        mid = 0.5 * (lo + hi)
        step += 1
        if progress is not None:
            progress(step, 16, f"public stock {mid:.4f}")
        if survival(replace(c, public_cap=mid), years, paths, seed) >= probability:
            hi = mid
        else:
            lo = mid
    return hi

"""`reserve equilibrium`: a calibration read and checked, solved, simulated, summarized.

The model is :mod:`reserve.storage_equilibrium`; this module reads the shipped
calibrations (``models/recs-*.toml``) or a user's file with an
``[equilibrium]`` table, applies ``--set`` overrides with the checks a bad
input needs (exit 2, naming the parameter, the value and what is allowed),
and turns rules and simulated paths into the figures the command prints.
"""

from __future__ import annotations

import math
from dataclasses import fields
from importlib import resources
from pathlib import Path

import numpy as np

from .band_equilibrium import (BandRules, band_residual, settle_band_at, simulate_band,
                               solve_band)
from .equilibrium_numerics import settle_by_regime
from .storage_equilibrium import (Calibration, Simulation, deterministic_steady_state, residual,
                                  settle_at, simulate, solve)
from .errors import InputError
from .equilibrium_units import CRUDE_KEYS, DAILY_KEYS, crude_values
from .scenariofile import CALIBRATION_PREFIX, shipped_table

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
    "ceiling": (1e-3, 100.0, "a price above the floor (a band), or none"),
    "public_grid_points": (2, 500, "a whole number from 2 to 500"),
    "public_start_share": (0.0, 1.0, "from 0 to 1 (a share of public_cap)"),
    "price_unit_usd_per_bbl": (1e-3, 1e4, "a price in USD/bbl (the scenario's)"),
    "consumption_unit_mb_per_yr": (1e-3, 1e6, "mb a year (the scenario's)"),
    "disruption_loss": (0.0, 0.9, "a share of a year's production from 0 to 0.9"),
    "p_disrupt": (0.0, 1.0, "a yearly probability from 0 to 1"),
    "p_recover": (1e-6, 1.0, "a yearly probability above 0, at most 1"),
}
INTEGERS = ("shock_nodes", "grid_points", "public_grid_points")
#: Grid points the availability grid must put where the public stock holds
#: the price at a bound, or the band is too fine for the grid to see.
GRID_POINTS_ON_BAND = 3


def shipped_calibrations() -> list[str]:
    """Names of the shipped calibrations, e.g. ``recs-sto2``."""
    return sorted(f.name[:-5] for f in resources.files("reserve.models").iterdir()
                  if f.name.startswith(CALIBRATION_PREFIX) and f.name.endswith(".toml"))


def load_calibration(source: str | Path = "recs-sto2", overrides: dict | None = None
                     ) -> Calibration:
    """A shipped calibration by name, or a TOML file with an ``[equilibrium]``
    table; then ``overrides`` (name -> value, text or number), each checked."""
    name = str(source)
    table = shipped_table(source, "equilibrium", shipped_calibrations(), "--calibration")
    values = crude_values({**table, **(overrides or {})})
    known = {f.name for f in fields(Calibration)} - {"name", "regime"}
    checked = {}
    for key, value in values.items():
        if key not in known:
            raise InputError(key, value, "one of " + ", ".join(
                sorted(known | set(CRUDE_KEYS) | set(DAILY_KEYS))))
        checked[key] = _checked(key, value)
    c = Calibration(name=Path(name).stem, **checked)
    if c.grid_max <= c.grid_min:
        raise InputError("grid_max", c.grid_max, f"above grid_min = {c.grid_min:g}")
    if c.ceiling is not None:
        if c.floor is None:
            raise InputError("ceiling", c.ceiling, "none, unless a floor is set too (a band)")
        if c.ceiling < c.floor:
            raise InputError("ceiling", c.ceiling, f"at or above the floor {c.floor:g}")
        if c.public_cap <= 0:
            raise InputError("public_cap", c.public_cap, "above 0 with a band")
    _check_grid(c)
    return c


def _check_grid(c: Calibration) -> None:
    """The availability grid must see the band: GRID_POINTS_ON_BAND points
    where the public stock holds the price at a bound, from D(top) (the
    ceiling, or the floor) to D(floor) + cap."""
    if c.floor is None or c.public_cap == 0:
        return
    low, high = c.demand(c.ceiling or c.floor), c.demand(c.floor) + c.public_cap
    grid = np.linspace(c.grid_min, c.grid_max, c.grid_points)
    inside = int(np.sum((grid >= low) & (grid <= high)))
    if inside < GRID_POINTS_ON_BAND:
        raise InputError("grid_points", c.grid_points,
                         f"a grid from grid_min to grid_max with at least {GRID_POINTS_ON_BAND} "
                         f"points from {low:.3f} to {high:.3f}, where the public stock holds "
                         f"the price (it has {inside})")


def _checked(key: str, value):
    if key == "scenario":
        return str(value)
    if key in ("floor", "ceiling") and (value is None or str(value).lower() in ("none", "")):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    lo, hi, allowed = ALLOWED[key]
    if not (lo <= number <= hi) or (key in INTEGERS and number != int(number)):
        raise InputError(key, value, allowed)
    return int(number) if key in INTEGERS else number


def solve_rules(c: Calibration, progress=None):
    """The rules of either model: the band's (A, G) when there is a ceiling, else A's."""
    return (solve_band if c.ceiling is not None else solve)(c, progress=progress)


def simulate_rules(rules, years: int, paths: int, seed: int) -> Simulation:
    """Paths of either model from its start (module docs of each)."""
    return (simulate_band if isinstance(rules, BandRules) else simulate)(rules, years, paths, seed)


def summary(rules, sim: Simulation) -> dict:
    """The figures of `reserve equilibrium` from long simulated paths ``sim``:
    the steady state, the distribution of price and stocks, the time at each
    bound, and what the public stock costs a year."""
    c = rules.calibration
    band = isinstance(rules, BandRules)
    steady = deterministic_steady_state(c)
    price = sim.price
    out = {
        "calibration": c.name,
        "iterations": rules.iterations,
        "rule_residual": band_residual(rules) if band else residual(rules),
        "mean_price": float(price.mean()),
        "sd_price": float(price.std()),
        "mean_private_stock": float(sim.private_stock.mean()),
        "share_private_storing": float(np.mean(sim.private_stock > 1e-9)),
    }
    if not band:
        out.update(steady_price=steady["price"], steady_public_stock=steady["public_stock"])
    if c.floor is not None and c.public_cap > 0:
        bought = sim.public_stock - sim.public_in
        out.update({
            "mean_public_stock": float(sim.public_stock.mean()),
            "share_public_full": float(np.mean(sim.public_stock >= c.public_cap * (1 - 1e-9))),
            "share_public_empty": float(np.mean(sim.public_stock <= 1e-12)),
            "share_at_floor": float(np.mean(np.abs(price - c.floor) <= 1e-9 * c.floor)),
            "share_below_floor": float(np.mean(price < c.floor * (1 - 1e-9))),
            # purchases less sales at the year's price, and the stock's keep
            "public_cost_per_year": float(np.mean(price * bought
                                                  + c.storage_cost * sim.public_stock)),
        })
    if c.regimes > 1:
        out["share_disrupted"] = float(sim.regime.mean())
    if band:
        out.update({
            "share_at_ceiling": float(np.mean(np.abs(price - c.ceiling) <= 1e-9 * c.ceiling)),
            "share_above_ceiling": float(np.mean(price > c.ceiling * (1 + 1e-9))),
        })
    return out | crude_figures(c, out)


def crude_figures(c: Calibration, figures: dict) -> dict:
    """The figures of a crude calibration (:mod:`reserve.equilibrium_units`)
    in dollars and barrels too; nothing for a normalized one."""
    p0, q0 = c.price_unit_usd_per_bbl, c.consumption_unit_mb_per_yr
    if p0 is None or q0 is None:
        return {}
    out = {"price_unit_usd_per_bbl": p0, "consumption_unit_mb_per_yr": q0}
    for key, value in (("floor", c.floor), ("ceiling", c.ceiling)):
        if value is not None:
            out[f"{key}_usd_per_bbl"] = value * p0
    out["public_cap_mb"] = c.public_cap * q0
    for key in ("mean_price", "sd_price"):
        out[f"{key}_usd_per_bbl"] = figures[key] * p0
    for key in ("mean_private_stock", "mean_public_stock"):
        if key in figures:
            out[f"{key}_mb"] = figures[key] * q0
    if "public_cost_per_year" in figures:
        out["public_cost_musd_per_year"] = figures["public_cost_per_year"] * p0 * q0
    return out


def survival_figures(c: Calibration, sim: Simulation) -> dict:
    """How long the floor (or band) held on the paths ``sim`` from the start:
    the share that held throughout, the quantiles of the collapse year, and
    for a band the share broken at the ceiling and the share of those the
    holders emptied in one year while the public still had stock (Salant's attack)."""
    fell = sim.collapsed_in
    gone = fell[fell >= 0]
    out = {"years": sim.price.shape[1], "survival_probability": float(np.mean(fell < 0))}
    for q in (10, 50, 90):
        out[f"collapse_year_p{q}"] = float(np.percentile(gone, q)) if gone.size else math.nan
    if c.ceiling is not None:
        out["share_broken_at_ceiling"] = float(np.mean(sim.broke_ceiling[fell >= 0])) \
            if gone.size else math.nan
        out["share_of_those_attacked"] = attacked_share(c, sim)
    return out


def attacks(c: Calibration, sim: Simulation) -> np.ndarray:
    """[paths, periods]: the years in which the public stock was emptied while
    consumers' need at the ceiling would have left some of it,
    A + G_in - D(P^C) > 0, and holders bought it: Salant's (1983) speculative
    attack, which ends a band while public stock remains."""
    left = sim.availability + sim.public_in - c.demand(c.ceiling)
    return ((sim.public_in > 1e-12) & (sim.public_stock <= 1e-12) & (left > 1e-9)
            & (sim.private_stock > 1e-9))


def attacked_share(c: Calibration, sim: Simulation) -> float:
    """Among paths that broke at the ceiling, the share broken by an attack
    (:func:`attacks`) in the year of the break or the year before."""
    rows = np.flatnonzero(sim.broke_ceiling)
    if not rows.size:
        return math.nan
    hit = attacks(c, sim)
    t = sim.collapsed_in[rows]
    return float(np.mean(hit[rows, t] | ((t > 0) & hit[rows, np.maximum(t - 1, 0)])))


#: Paths (at most; fewer when fewer are asked) and years of the simulation the
#: stationary figures come from, and the years dropped first so the start does not weigh.
STATIONARY_PATHS, STATIONARY_YEARS, BURN_IN_YEARS = 80, 120, 40


class EquilibriumAnswer:
    """What `reserve equilibrium` answers: ``rules`` (:class:`Rules` or
    :class:`reserve.band_equilibrium.BandRules`), ``survival`` (paths of
    ``years`` from the start), ``stationary`` (long paths, the first
    BURN_IN_YEARS dropped) and ``figures`` (:func:`summary`, :func:`survival_figures`)."""

    def __init__(self, c: Calibration, years: int, paths: int, seed: int, progress=None):
        self.calibration = c
        self.rules = solve_rules(c, progress=progress)
        if progress is not None:
            progress(1, 3, "simulating the floor's survival")
        self.survival = simulate_rules(self.rules, years, paths, seed)
        if progress is not None:
            progress(2, 3, "simulating the stationary distribution")
        self.stationary = simulate_rules(self.rules, STATIONARY_YEARS,
                                         min(paths, STATIONARY_PATHS), seed + 1
                                         ).after(BURN_IN_YEARS)
        self.figures = summary(self.rules, self.stationary)
        if c.floor is not None and c.public_cap > 0:
            self.figures.update(survival_figures(c, self.survival))

    def rule_table(self, points: int = 9) -> list[dict]:
        """The decision rules at a few availabilities (and, for a band, with
        the public stock empty, half full and full; with a disruption chain,
        in each regime), for a table."""
        r, c = self.rules, self.calibration
        a = np.linspace(r.availability[0], r.availability[-1], points)
        band = isinstance(r, BandRules)
        rows = []
        for regime in range(c.regimes):
            for g in (0.0, 0.5 * c.public_cap, c.public_cap) if band else (None,):
                s = (settle_by_regime(c, r, settle_at, np.full(points, regime), a)
                     if g is None else
                     settle_by_regime(c, r, settle_band_at, np.full(points, regime), a,
                                      np.full_like(a, g)))
                rows += [{**({"regime": ("normal", "disrupted")[regime]}
                             if c.regimes > 1 else {}),
                          "availability": float(a[i]),
                          **({} if g is None else {"public_in": g}),
                          "price": float(s.price[i]),
                          "private_stock": float(s.private_stock[i]),
                          "public_stock": float(s.public_stock[i]),
                          "production": float(s.production[i])} for i in range(points)]
        return rows


#: The largest public stock `--size-for` tries (normalized: five years' consumption).
CAP_SEARCHED = 5.0


def survival(c: Calibration, years: int, paths: int, seed: int) -> float:
    """Share of ``paths`` (one seed: the same shocks for every cap) on which the
    floor holds ``years`` years from the steady state."""
    return float(np.mean(simulate_rules(solve_rules(c), years, paths, seed).collapsed_in < 0))


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

"""The equilibrium's public stock beside what the static tools would build.

``reserve equilibrium --size-for P --years N`` answers with the public stock
that keeps a floor for N years with probability P when holders foresee its
end. The many-futures tools (:mod:`reserve.risk`) answer the same question
another way: they take price paths of the market *without* the reserve as
given, and let the reserve's trades move the price through the scenario's
static linear response (Delta p = beta_t x_t). This module asks them on the
same shocks, so the two answers sit side by side:

1. **The paths.** The equilibrium is solved again without a public stock
   (Ḡ = 0: holders store as the market alone makes worthwhile) and simulated
   with the same seed, so each path meets the same yields in the same years.
   Its yearly prices, in $/bbl, held for the 365 days of each year, are the
   daily paths ``reserve risk`` reads.
2. **The causal rule** (:func:`reserve.risk.causal_rule`): buy each day what
   lifts the price to the floor, sell above it what does not push it under.
3. **Perfect foresight** (:func:`reserve.risk.foresight_holds`): the LP of
   each path with the design as limits, on yearly steps (the paths are
   constant within a year, so yearly steps lose nothing).

Both on the crude calibration's scenario (its elasticities in the static
linear market, no commercial-holder response and no lag), with fill and
release rates that never bind (a year's step has none to speak of), starting
empty as the equilibrium does below the steady price. Each is sized by
bisection on the storage [mb], as :func:`reserve.equilibrium_runs.size_for`
sizes the equilibrium's: more storage never holds fewer paths.

What differs is what the static tools cannot see: the holders. Without the
floor they store in gluts and prop the price; with it they leave the gluts
to the public stock (the floor does their storing: Miranda & Helmberger
1988), and a floor that runs out is sold into at once (Salant 1983). The
mean private stock with and without the floor is reported beside the sizes.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .equilibrium_runs import CAP_SEARCHED, simulate_rules, size_for, solve_rules
from .errors import InputError, TargetUnreachable
from .risk import Design, causal_rule, foresight_holds, price_slope
from .scenario import Scenario, build_scenario
from .storage_equilibrium import Calibration

DAYS_PER_YEAR = 365


def static_scenario(c: Calibration) -> Scenario:
    """The calibration's scenario as ``reserve risk`` reads it: its floor in
    $/bbl, the static linear market, no holders' or producers' response."""
    if not c.scenario or c.price_unit_usd_per_bbl is None:
        raise InputError("calibration", c.name or "(normalized)",
                         "a crude calibration (scenario = NAME in its [equilibrium] table) "
                         "to compare with reserve risk, which works in $ and mb")
    if c.floor is None or c.ceiling is not None:
        raise InputError("ceiling" if c.ceiling is not None else "floor",
                         c.ceiling if c.ceiling is not None else c.floor,
                         "a floor without a ceiling: reserve risk defends one bound")
    s = build_scenario(None if c.scenario == "default" else c.scenario)
    return s.with_params(floor_usd_per_bbl=c.floor * c.price_unit_usd_per_bbl,
                         ceiling_usd_per_bbl=None, price_model="linear",
                         private_storage_response_mb_per_usd=0.0,
                         producer_response="none", offset_share=None)


def baseline_prices(c: Calibration, years: int, paths: int, seed: int):
    """The simulation without a public stock on the seed's shocks, and its
    prices as daily paths [paths, 365 years] in $/bbl."""
    sim = simulate_rules(solve_rules(replace(c, public_cap=0.0)), years, paths, seed)
    return sim, np.repeat(sim.price * c.price_unit_usd_per_bbl, DAYS_PER_YEAR, axis=1)


def unbound_rate(s: Scenario, prices: np.ndarray) -> float:
    """A fill and release rate [mb/d] no day of ``prices`` needs more than:
    the largest gap to the floor over the price slope, and a margin."""
    gap = np.abs(prices - s.floor_usd_per_bbl) / price_slope(s, prices)
    return float(gap.max()) * 1.01 + 1e-6


def least_storage(holds, probability: float, high_mb: float, tolerance_mb: float,
                  progress=None, label: str = "") -> float:
    """The least storage C in [0, ``high_mb``] with ``holds(C)`` (the share
    of paths held) at least ``probability``, by bisection to ``tolerance_mb``.
    ``holds(high_mb)`` must reach it."""
    if holds(0.0) >= probability:
        return 0.0
    lo, hi, step = 0.0, high_mb, 0
    steps = int(np.ceil(np.log2(max(high_mb / tolerance_mb, 2.0))))
    while hi - lo > tolerance_mb:
        mid = 0.5 * (lo + hi)
        step += 1
        if progress is not None:
            progress(step, steps, f"{label} {mid:,.0f} mb")
        if holds(mid) >= probability:
            hi = mid
        else:
            lo = mid
    return hi


def static_sizes(s: Scenario, prices: np.ndarray, probability: float, tolerance_mb: float,
                 high_mb: float, progress=None) -> tuple[float, float, float]:
    """The least storage [mb] with which ``reserve risk``'s causal rule, and
    then perfect foresight, hold the scenario's floor on at least
    ``probability`` of the daily ``prices`` [paths, days] (whole years),
    starting empty, with rates that never bind; and that rate [mb/d]."""
    rate = unbound_rate(s, prices)

    def design(capacity_mb: float) -> Design:
        return Design(capacity_mb, rate, rate, 0.0)

    def causal(capacity_mb: float) -> float:
        return float(causal_rule(s, prices, design(capacity_mb)).held.mean())

    horizon = s.with_params(lead_days=0, tail_days=0, hold_days=prices.shape[1],
                            time_step_days=DAYS_PER_YEAR)

    def foresight(capacity_mb: float) -> float:
        return float(foresight_holds(horizon, prices, design(capacity_mb)).mean())

    most = causal(high_mb)
    if most < probability:
        raise TargetUnreachable(
            f"out of reach for the causal rule: {high_mb:,.0f} mb keeps the floor "
            f"${s.floor_usd_per_bbl:g}/bbl on only {most:.1%} of the paths, "
            f"short of {probability:.1%}")
    by_rule = least_storage(causal, probability, high_mb, tolerance_mb, progress, "causal rule")
    # foresight holds wherever the rule does (the rule's schedule is one it may follow)
    by_foresight = least_storage(foresight, probability, max(by_rule, tolerance_mb),
                                 tolerance_mb, progress, "perfect foresight")
    return by_rule, by_foresight, rate


def compare_sizes(c: Calibration, probability: float, years: int, paths: int, seed: int,
                  progress=None) -> dict:
    """The public stock for the floor to survive ``years`` with ``probability``
    three ways on the same shocks (module docs), in mb, with the holders'
    mean stock with and without the floor."""
    s = static_scenario(c)
    q0 = c.consumption_unit_mb_per_yr
    cap = size_for(c, probability, years, paths, seed, progress)
    base, prices = baseline_prices(c, years, paths, seed)
    # size_for's tolerance and search range, in mb
    by_rule, by_foresight, rate = static_sizes(s, prices, probability, 1e-4 * q0,
                                               CAP_SEARCHED * q0, progress)
    with_floor = simulate_rules(solve_rules(replace(c, public_cap=cap)), years, paths, seed)
    return {"probability": probability, "years": years, "paths": paths,
            "public_cap_needed": cap,
            "public_cap_needed_mb": cap * q0,
            "causal_rule_cap_needed_mb": by_rule,
            "foresight_cap_needed_mb": by_foresight,
            "mean_private_stock_mb_without_floor": float(base.private_stock.mean()) * q0,
            "mean_private_stock_mb_with_floor": float(with_floor.private_stock.mean()) * q0,
            "rate_unbound_mbd": rate}

"""A solved model's values, priced from the cost table, and the time it took."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .costs import COST_PARTS, cost_vectors
from .problem import ProblemData


@dataclass
class Timings:
    """Seconds spent, for the benchmarks: the model's build, its hand-off, HiGHS itself."""

    build_s: float = 0.0
    handoff_s: float = 0.0
    highs_s: float = 0.0        # HiGHS's own run time
    solve_call_s: float = 0.0   # whole run() calls, status reading included
    solves: int = 0

    def add(self, other: "Timings") -> None:
        for name in ("build_s", "handoff_s", "highs_s", "solve_call_s", "solves"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Solution:
    """Values of one solved model (units in names; arrays one value a period)."""

    fill_mbd: np.ndarray
    release_mbd: np.ndarray
    inventory_mb: np.ndarray
    capacity_mb: np.ndarray          # per storage option: existing + new, or peak leased
    contracted_mb: np.ndarray        # [lease, period] existing + under contract
    usable_capacity_mb: np.ndarray   # storage usable in each period, all options
    fill_capacity_mbd: float
    release_capacity_mbd: float
    window_level: float
    impact_usd_per_bbl: np.ndarray   # price impact dp_t of each period
    capital_cost_musd: float
    operating_cost_musd: float
    oil_cost_musd: float
    #: after the horizon: the closing stock's sale, a net flow and an impact a
    #: period (empty unless oil_valuation = "sale")
    liquidation_mbd: np.ndarray = field(default_factory=lambda: np.zeros(0))
    liquidation_impact_usd_per_bbl: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: commercial holders' stock against the baseline at each period's end, over
    #: the horizon (empty without private storage)
    private_stock_mb: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def total_cost_musd(self) -> float:
        return self.capital_cost_musd + self.operating_cost_musd + self.oil_cost_musd


def _clean(a: np.ndarray) -> np.ndarray:
    return np.where(np.abs(a) < 1e-9, 0.0, a)  # solver noise


def price_solution(data: ProblemData, values: dict[str, np.ndarray]) -> dict[str, float]:
    """Capital, operating and oil cost [musd] of variable values by group.

    Uses the same cost table the objective was built from (costs.cost_vectors);
    the own-price premium is added to the oil cost.
    """
    costs, constants = cost_vectors(data)
    parts = {}
    for part in COST_PARTS:
        parts[part] = constants.get(part, 0.0) + sum(
            float(np.dot(vector, values[group])) for group, vector in costs[part].items())
    if data.quadratic:
        net = values["fill_mbd"] - values["release_mbd"]
        parts["oil"] += float(np.dot(data.quadratic_weights(), data.quadratic_flows(net) ** 2))
    return parts


def solution_from_values(data: ProblemData, values: dict[str, np.ndarray], window_level: float,
                         impact_usd_per_bbl: np.ndarray | None = None) -> Solution:
    """A :class:`Solution` from variable values by group."""
    h = data.n_horizon
    fill, release = _clean(values["fill_mbd"]), _clean(values["release_mbd"])
    existing = np.array([o.existing_mb for o in data.options])
    if impact_usd_per_bbl is None:
        impact_usd_per_bbl = data.impact_usd_per_bbl(fill - release)
    contracted = _clean(values["contracted_mb"].reshape(len(data.leases), data.n_periods))
    contracted = contracted[:, :h] + existing[list(data.leases)][:, None]
    capacity = existing + values["new_capacity_mb"]
    for j, k in enumerate(data.leases):
        capacity[k] = contracted[j].max()
    owned = np.array([not o.leased for o in data.options])
    new_owned = np.where(owned, values["new_capacity_mb"], 0.0)
    usable = (existing * owned).sum() + new_owned @ data.usable[:, :h] + contracted.sum(axis=0)
    parts = price_solution(data, values)
    return Solution(
        fill_mbd=fill[:h], release_mbd=release[:h], impact_usd_per_bbl=impact_usd_per_bbl[:h],
        inventory_mb=_clean(values["inventory_mb"])[:h], capacity_mb=_clean(capacity),
        contracted_mb=contracted, usable_capacity_mb=_clean(usable),
        fill_capacity_mbd=float(_clean(values["fill_capacity_mbd"])[0]),
        release_capacity_mbd=float(_clean(values["release_capacity_mbd"])[0]),
        window_level=window_level,
        capital_cost_musd=parts["capital"], operating_cost_musd=parts["operating"],
        oil_cost_musd=parts["oil"], liquidation_mbd=(fill - release)[h:],
        liquidation_impact_usd_per_bbl=np.asarray(impact_usd_per_bbl)[h:],
        private_stock_mb=(_clean(values["private_stock_mb"])[:h] if "private_stock_mb" in values
                          else np.zeros(0)))


def total_cost_musd(data: ProblemData, values: dict[str, np.ndarray]) -> float:
    """Present cost [musd] of variable values, as reported (no tie-break)."""
    return sum(price_solution(data, values).values())

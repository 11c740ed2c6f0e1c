"""The model's columns: every variable group, its index sets and its bounds.

The symbol table of :mod:`reserve.formulation`, in code: one call to
:meth:`Columns.add` a variable group, in column order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .price_conditions import impact_bounds
from .problem import ProblemData

FORMS = ("size", "general")

#: HiGHS reads any bound at or beyond this as infinite (its infinite_bound).
HIGHS_INFINITY = 1e20

INF = np.inf


def finite(x):
    """``x`` with infinities as HiGHS's largest finite bound."""
    return np.clip(np.asarray(x, float), -HIGHS_INFINITY, HIGHS_INFINITY)


def static_form(data: ProblemData) -> str:
    """The form a least-cost solve uses: size form for static markets, general for
    a market that remembers (an adjusting market, commercial holders)."""
    return "general" if data.remembers else "size"


# -- the columns ----------------------------------------------------------------------

@dataclass
class Columns:
    """The column layout: each group's columns, index labels and bounds."""

    index: dict = field(default_factory=dict)      # group -> column numbers
    labels: dict = field(default_factory=dict)     # group -> index sets, e.g. ("LEASE", "T")
    lower: list = field(default_factory=list)
    upper: list = field(default_factory=list)
    integer: list = field(default_factory=list)
    size: int = 0

    def add(self, group: str, sets: tuple, count: int, lower=0.0, upper=INF,
            integer: bool = False) -> None:
        self.index[group] = np.arange(self.size, self.size + count, dtype=np.int32)
        self.labels[group] = sets
        self.lower.append(np.broadcast_to(np.asarray(lower, float), (count,)))
        self.upper.append(np.broadcast_to(np.asarray(upper, float), (count,)))
        self.integer.append(np.full(count, integer))
        self.size += count

    def __getitem__(self, group: str) -> np.ndarray:
        return self.index[group]

    def __contains__(self, group: str) -> bool:
        return group in self.index


def columns(data: ProblemData, form: str) -> Columns:
    """The model's variables and their bounds (the symbol table above), in order."""
    n, h = data.n_periods, data.n_horizon
    x = Columns()
    x.add("new_capacity_mb", ("K",), len(data.options), 0.0, data.new_capacity_max_mb)
    x.add("built", ("MILP",), sum(o.build_or_not for o in data.options), 0.0, 1.0, True)
    x.add("contract_mb", ("LEASE", "T"), len(data.leases) * n, 0.0,
          np.where(data.contract_allowed.ravel() > 0, INF, 0.0))
    x.add("contracted_mb", ("LEASE", "T"), len(data.leases) * n, 0.0,
          np.repeat(np.asarray(data.contracted_max_mb, float), n))
    x.add("fill_capacity_mbd", (), 1, 0.0, data.fill_rate_max_mbd)
    x.add("release_capacity_mbd", (), 1, 0.0, data.release_rate_max_mbd)
    x.add("fill_mbd", ("T",), n)
    # before the window a market that remembers bounds r_t to 0; a static one
    # bounds the net flow instead (price_conditions.impact_bounds)
    x.add("release_mbd", ("T",), n, 0.0,
          np.where(data.release_allowed | (not data.remembers), INF, 0.0))
    lower, upper = np.zeros(n), np.full(n, INF)
    upper[h - 1] = data.end_inventory_max_mb
    if data.liquidation_periods:   # the stock ends where it began
        lower[-1] = upper[-1] = data.initial_inventory_mb
    x.add("inventory_mb", ("T",), n, lower, upper)
    if data.liquidation_periods:
        x.add("pace_mbd", (), 1, -INF, INF)
    if form == "general":
        if data.has_target:   # a band alone has no window level
            x.add("window_level", (), 1, data.target_level, data.target_level)
        if data.carries_impact:
            lo, hi = (finite(b) for b in impact_bounds(data, tracking=False))
            x.add("impact_usd_per_bbl", ("T",), n, lo, hi)
        if data.dynamic:
            x.add("memory", ("T",), n, -INF, INF)
        if data.private.on:
            x.add("private_stock_mb", ("T",), n, data.private.lower_mb, data.private.upper_mb)
    if data.premium_musd_per_mbd2 is not None:
        x.add("net_mbd", ("H",), h, -INF, INF)
    return x



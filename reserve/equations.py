r"""The model's constraint families, each stated once.

Each function below is one family of :mod:`reserve.formulation`'s model: its
docstring gives the equation with units (rendered in docs/reference/equations.md), its
body the rows it stands for, vectorized over periods, as a :class:`Block`
of (row, column, value) entries over the column layout of
:mod:`reserve.layout` and each row's bounds. :data:`FAMILIES` lists them in
row order, each with the forms it belongs to.
"""

from __future__ import annotations

import numpy as np

from .blocks import Block, periods
from .blocks import block as _block
from .layout import FORMS, INF, Columns
from .market_equations import (level_bounds, market_response, memory_update, net_band,
                               off_window_lower, off_window_upper, private_storage,
                               window_cap, window_target)
from .problem import ProblemData

def _owned(d: ProblemData) -> list[int]:
    return [k for k, o in enumerate(d.options) if not o.leased]


def _milp(d: ProblemData) -> list[int]:
    return [k for k, o in enumerate(d.options) if o.build_or_not]


# -- storage

def inventory_balance(d: ProblemData, x: Columns, form: str) -> Block:
    r"""Stock carried over, less losses, plus net fill [mb].

    .. math:: s_t = (1 - l\,\Delta/365)\, s_{t-1} + \Delta\,(f_t - r_t),
              \quad s_{-1} = \text{initial\_inventory\_mb}
    """
    t = periods(d, "T")
    keep, dt = d.keep_per_period, float(d.step_days)
    opening = np.where(t == 0, keep * d.initial_inventory_mb, 0.0)
    return _block(inventory_balance, ("T",), t,
                  [(t, x["inventory_mb"], 1.0), (t[1:], x["inventory_mb"][:-1], -keep),
                   (t, x["fill_mbd"], -dt), (t, x["release_mbd"], dt)], opening, opening)


def storage_limit(d: ProblemData, x: Columns, form: str) -> Block:
    r"""Stock fits in the capacity usable in period t [mb].

    .. math:: s_t \le \sum_k \text{existing}_k + \sum_{k \notin J} a_{k,t}\,N_k
              + \sum_{j \in J} C_{j,t},
              \quad a_{k,t} = 1 \text{ once } t\Delta \ge \text{build\_days}_k

    Existing capacity is usable at once, owned capacity once built (every
    owned option is in every row, its coefficient 0 or 1, so a new build
    time is a new coefficient, not a new model), leased capacity while under
    contract.
    """
    t = periods(d, "T")
    n = d.n_periods
    existing = float(sum(o.existing_mb for o in d.options))
    return _block(storage_limit, ("T",), t,
                  [(t, x["inventory_mb"], 1.0)]
                  + [(t, x["new_capacity_mb"][k], -d.usable[k]) for k in _owned(d)]
                  + [(t, x["contracted_mb"][j * n:(j + 1) * n], -1.0)
                     for j in range(len(d.leases))], -INF, existing)


def lease_balance(d: ProblemData, x: Columns, form: str) -> Block:
    r"""Capacity under contract: last period's, plus contracts started, less those ended [mb].

    .. math:: C_{j,t} = C_{j,t-1} + c_{j,t} - c_{j,t-L_j}, \quad C_{j,-1} = 0,
              \ c_{j,\tau} = 0 \text{ for } \tau < 0

    A contract runs exactly :math:`L_j` = lease_term_days/:math:`\Delta`
    periods; written recursively so each row has at most four entries,
    however long the term.
    """
    n, t = d.n_periods, periods(d, "T")
    entries, labels = [], []
    for j in range(len(d.leases)):
        term = int(d.lease_term_periods[j])
        c, big = x["contract_mb"][j * n:(j + 1) * n], x["contracted_mb"][j * n:(j + 1) * n]
        r = j * n + t
        entries += [(r, big, 1.0), (r, c, -1.0), (r[1:], big[:-1], -1.0),
                    (r[term:], c[:max(n - term, 0)], 1.0)]
        labels.append(np.column_stack([np.full(t.size, j), t]))
    return _block(lease_balance, ("LEASE", "T"),
                  np.concatenate(labels).astype(int) if labels else np.zeros((0, 2), int),
                  entries, 0.0, 0.0)


def initial_fits(d: ProblemData, x: Columns, form: str) -> Block | None:
    r"""The opening stock fits in the capacity usable at day 0 [mb].

    .. math:: s_{-1} \le \sum_k \text{existing}_k + \sum_{k \notin J} a_{k,0}\,N_k
              + \sum_{j \in J} C_{j,0}

    (written only when the opening stock exceeds the existing capacity).
    """
    existing = float(sum(o.existing_mb for o in d.options))
    if d.initial_inventory_mb <= existing:
        return None
    zero = [0]
    return _block(initial_fits, (), [0],
                  [(zero, [x["new_capacity_mb"][k]], d.usable[k, 0]) for k in _owned(d)]
                  + [(zero, [x["contracted_mb"][j * d.n_periods]], 1.0)
                     for j in range(len(d.leases))],
                  d.initial_inventory_mb - existing, INF)


def build_or_not_max(d: ProblemData, x: Columns, form: str) -> Block:
    r"""New capacity only if built [mb]: :math:`N_k \le \bar N_k\,y_k`.

    :math:`\bar N_k` is the cap less existing capacity (or, with no cap, all
    the oil the reserve could hold).
    """
    k = np.array(_milp(d), int)
    i = np.arange(k.size)
    return _block(build_or_not_max, ("MILP",), k,
                  [(i, x["new_capacity_mb"][k], 1.0), (i, x["built"], -d.build_bound_mb[k])],
                  -INF, 0.0)


def build_or_not_min(d: ProblemData, x: Columns, form: str) -> Block:
    r"""A build is at least the minimum size [mb]: :math:`N_k \ge \text{min\_size}_k\,y_k`."""
    k = np.array(_milp(d), int)
    i = np.arange(k.size)
    least = np.array([d.options[o].min_size_mb for o in k], float)
    return _block(build_or_not_min, ("MILP",), k,
                  [(i, x["new_capacity_mb"][k], 1.0), (i, x["built"], -least)], 0.0, INF)


# -- flows

def fill_limit(d: ProblemData, x: Columns, form: str) -> Block:
    r"""Fill within fill capacity in the horizon [mb/d]: :math:`f_t \le F,\ t \in H`."""
    h = periods(d, "H")
    return _block(fill_limit, ("H",), h, [(h, x["fill_mbd"][h], 1.0),
                                          (h, x["fill_capacity_mbd"][0], -1.0)], -INF, 0.0)


def release_limit(d: ProblemData, x: Columns, form: str) -> Block:
    r"""Release within release capacity in the horizon [mb/d]: :math:`r_t \le R,\ t \in H`."""
    h = periods(d, "H")
    return _block(release_limit, ("H",), h, [(h, x["release_mbd"][h], 1.0),
                                             (h, x["release_capacity_mbd"][0], -1.0)],
                  -INF, 0.0)


def liquidation_pace(d: ProblemData, x: Columns, form: str) -> Block | None:
    r"""After the horizon the closing stock is sold at one even pace [mb/d].

    .. math:: f_t - r_t = q, \quad t \ge T_H

    (q < 0 sells, q > 0 buys back what a release drew); the stock ends where
    it began, :math:`s_{T-1} = s_{-1}`, a bound on the last stock.
    """
    if not d.liquidation_periods:
        return None
    t = periods(d, "LIQ")
    i = np.arange(t.size)
    return _block(liquidation_pace, ("LIQ",), t,
                  [(i, x["fill_mbd"][t], 1.0), (i, x["release_mbd"][t], -1.0),
                   (i, x["pace_mbd"][0], -1.0)], 0.0, 0.0)


# -- the premium

def net_flow(d: ProblemData, x: Columns, form: str) -> Block | None:
    r"""Net fill [mb/d], for the own-price premium: :math:`n_t = f_t - r_t,\ t \in H`.

    The reserve pays (receives) the price it moves,
    :math:`\Delta\,\delta_t\,(f_t - r_t)\,\Delta p_t = w_t n_t^2 \ge 0`, a convex
    quadratic; :math:`n_t` as its own variable keeps the Hessian diagonal.
    """
    if "net_mbd" not in x:
        return None
    h = periods(d, "H")
    return _block(net_flow, ("H",), h, [(h, x["net_mbd"], 1.0), (h, x["fill_mbd"][h], -1.0),
                                        (h, x["release_mbd"][h], 1.0)], 0.0, 0.0)


#: The model: every constraint family, in row order, and the form it belongs to.
FAMILIES = (
    (inventory_balance, FORMS), (storage_limit, FORMS), (lease_balance, FORMS),
    (initial_fits, FORMS), (fill_limit, FORMS), (release_limit, FORMS),
    (liquidation_pace, FORMS), (build_or_not_max, FORMS), (build_or_not_min, FORMS),
    (net_band, ("size",)),
    (memory_update, ("general",)), (market_response, ("general",)),
    (private_storage, ("general",)),
    (window_target, ("general",)), (window_cap, ("general",)),
    (off_window_upper, ("general",)), (off_window_lower, ("general",)),
    (level_bounds, ("general",)),
    (net_flow, FORMS),
)



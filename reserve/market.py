"""How the world crude price answers the reserve's net absorption (docs/explanation/model.md, "Price").

Notation (units): P0 baseline price [USD/bbl], Q0 baseline world demand
[mb/d], eps_d < 0 and eps_s >= 0 short-run elasticities of demand and of
supply outside the reserve, x net absorption [mb/d] (positive takes oil off
the market), dp price impact [USD/bbl].

Linear model::

    dp = beta * x,    beta = P0 / (Q0 * (eps_s - eps_d))    [USD/bbl per mb/d]

Isoelastic model (constant-elasticity curves clear the market)::

    x = Q0 * ((P/P0)**eps_s - (P/P0)**eps_d),   P = P0 + dp

Both are monotone increasing in dp, so each has an inverse; these functions
are vectorised over numpy arrays (one value a period).
"""

from __future__ import annotations

import numpy as np


def price_slope(price_usd_per_bbl, demand_mbd, demand_elasticity, supply_elasticity):
    """beta [USD/bbl per mb/d]: the linear model's price move per mb/d absorbed."""
    return np.asarray(price_usd_per_bbl, dtype=float) / (
        demand_mbd * (supply_elasticity - demand_elasticity))


def isoelastic_absorption(impact_usd_per_bbl, price_usd_per_bbl, demand_mbd,
                          demand_elasticity, supply_elasticity):
    """x [mb/d] that holds the price at P0 + dp under constant elasticities.

    x = Q0 * ((P/P0)**eps_s - (P/P0)**eps_d); -inf when P <= 0 (no
    absorption can push the price to zero or below).
    """
    ratio = (np.asarray(price_usd_per_bbl, float) + impact_usd_per_bbl) / price_usd_per_bbl
    with np.errstate(divide="ignore", invalid="ignore"):
        x = demand_mbd * (np.power(np.maximum(ratio, 0.0), supply_elasticity)
                          - np.power(np.maximum(ratio, 0.0), demand_elasticity))
    return np.where(ratio > 0, x, -np.inf)


def isoelastic_absorption_slope(impact_usd_per_bbl, price_usd_per_bbl, demand_mbd,
                                demand_elasticity, supply_elasticity):
    """dx/d(dp) [mb/d per USD/bbl] of :func:`isoelastic_absorption` at P0 + dp.

    Q0/P0 * (eps_s*(P/P0)**(eps_s-1) - eps_d*(P/P0)**(eps_d-1)): positive, and
    falling in dp (the absorption curve is concave), so its tangent at any
    point lies on or above the curve. At dp = 0 it is 1/beta, the linear slope.
    """
    p0 = np.asarray(price_usd_per_bbl, float)
    ratio = (p0 + impact_usd_per_bbl) / p0
    return demand_mbd / p0 * (supply_elasticity * ratio ** (supply_elasticity - 1.0)
                              - demand_elasticity * ratio ** (demand_elasticity - 1.0))


def isoelastic_impact(absorption_mbd, price_usd_per_bbl, demand_mbd,
                      demand_elasticity, supply_elasticity):
    """dp [USD/bbl] that absorbing x [mb/d] causes under constant elasticities.

    Solves x/Q0 = exp(eps_s*u) - exp(eps_d*u) for u = ln(P/P0) by bisection
    (the right side is strictly increasing in u); vectorised, 200 halvings of
    a bracket of width 100 reach machine precision.
    """
    x = np.asarray(absorption_mbd, dtype=float) / demand_mbd
    p0 = np.broadcast_to(np.asarray(price_usd_per_bbl, float), x.shape)
    lo = np.full(x.shape, -50.0)
    hi = np.full(x.shape, 50.0)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        value = np.exp(supply_elasticity * mid) - np.exp(demand_elasticity * mid)
        above = value > x
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
        if np.all(hi - lo < 1e-14):
            break
    return p0 * (np.exp(0.5 * (lo + hi)) - 1.0)

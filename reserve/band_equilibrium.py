r"""A price band defended by a public stock, with rational speculators (RECS's STO4).

:mod:`reserve.storage_equilibrium` solves a floor whose public stock sells
at any price above it, so the public stock is just part of what is
available. A band is different: the public buys at the floor P^F up to its
cap Ḡ, sells at the ceiling P^C down to empty, and holds in between, so
how much it holds is a second state (Miranda & Helmberger 1988; Gouel
2013, RECS's ``demos/sto4``). Per period, with A the private carry-in plus
the harvest and G the public stock carried in:

.. math::

    A_t + G_t &= D(P_t) + S_t + G'_t &&\text{(the market clears)}\\
    S_t &\ge 0 \perp P_t + k - \beta\,\mathrm{E}_t P_{t+1} \ge 0
        &&\text{(private storage)}\\
    G'_t &\in [G_t, \bar G] \text{ at } P_t = P^F,\; G'_t = \bar G
        \text{ below it}&&\text{(the public buys at the floor)}\\
    G'_t &\in [0, G_t] \text{ at } P_t = P^C,\; G'_t = 0
        \text{ above it}&&\text{(and sells at the ceiling)}\\
    G'_t &= G_t \text{ strictly inside the band}\\
    A_{t+1} &= (1-\delta) S_t + H_t e_{t+1}, \quad
        G_{t+1} = (1-\delta) G'_t

with D, H, e and beta as in :mod:`reserve.storage_equilibrium`. The band
collapses in the first period the price leaves it: below the floor with
the public stock full, or above the ceiling with it empty.

A period's equilibrium is found regime by regime. Hold G' = G and solve the
holders' S; where that price is below the floor the public buys: at
P = P^F consumption is known, and the carry-out X = A + G − D(P^F) splits
between S and G' by the holders' arbitrage, which rises in S (a barrel
moved from the public to the holders reaches next year's market, a public
one does not); if even the full public stock leaves holders wanting less,
the price falls below the floor. Above the ceiling, symmetrically: the
public sells at P^C, and if holders want more than all it has the public
is emptied at once and the price rises above the ceiling, the speculative
attack of Salant (1983). The rule P(A, G) is bilinear on a grid of A × G;
time iteration as for the floor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .equilibrium_numerics import draw_yields, iterate_by_regime, least_root, settle_by_regime
from .storage_equilibrium import (PRODUCTION_STEPS, Calibration, Simulation, State,
                                  arbitrage_gap, planned_production)


@dataclass
class BandRules:
    """The converged rules on the grid availability × public stock carried in."""

    calibration: Calibration
    availability: np.ndarray
    public_in: np.ndarray
    price: np.ndarray                  # [availability, public_in]
    private_stock: np.ndarray
    public_stock: np.ndarray           # carried out, G'
    production: np.ndarray
    iterations: int
    change: float
    by_regime: list = field(default_factory=list)   # with a chain: each regime's rules

    def price_rule(self, a, g):
        """P(A, G), bilinear; linear beyond the grid in A (at least 1e-9),
        G held to the grid (it never leaves [0, Ḡ])."""
        return bilinear(self.availability, self.public_in, self.price, a, g)

    def production_rule(self, a, g):
        """H(A, G), bilinear: a warm start for :func:`settle_band`."""
        return bilinear(self.availability, self.public_in, self.production, a, g)


def bilinear(xs, ys, values, x, y):
    """Bilinear interpolation of ``values[i, j]`` on the evenly spaced grids
    ``xs`` × ``ys`` at (x, y): linear extrapolation in x, y held to its grid."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    tx = (x - xs[0]) / (xs[1] - xs[0])
    i = np.clip(np.floor(tx).astype(int), 0, xs.size - 2)
    tx -= i
    if ys.size == 1:
        out = values[i, 0] * (1 - tx) + values[i + 1, 0] * tx
    else:
        ty = np.clip((y - ys[0]) / (ys[1] - ys[0]), 0, ys.size - 1)
        j = np.minimum(ty.astype(int), ys.size - 2)
        ty -= j
        low = values[i, j] * (1 - ty) + values[i, j + 1] * ty
        high = values[i + 1, j] * (1 - ty) + values[i + 1, j + 1] * ty
        out = low * (1 - tx) + high * tx
    return np.maximum(out, 1e-9)


def _next_prices(c: Calibration, rule, s, gout, h):
    """P(A', G') on each shock node, from stocks carried out and production."""
    e, delta = c.shocks()[0], c.depreciation
    return rule((1 - delta) * s[..., None] + h[..., None] * e,
                (1 - delta) * gout[..., None] + 0 * e)


def _given_production(c: Calibration, rule, a, g, h):
    """Price, private and public carry-out at (A, G) with production H held,
    regime by regime (module doc)."""
    cap, floor, ceiling = c.public_cap, c.floor, c.ceiling

    def next_prices(s, gout, h):
        return _next_prices(c, rule, s, gout, h)

    def free(gout, h):
        """Price free, public carry-out fixed: the holders' least S, and the price."""
        room = np.maximum(a + g - gout, 1e-12) * (1 - 1e-12)
        s = least_root(lambda s, i: arbitrage_gap(c, c.price_of(a[i] + g[i] - gout[i] - s),
                                                  next_prices(s, gout[i], h[i])),
                       np.zeros_like(a), room)
        return s, gout, c.price_of(a + g - gout - s)

    def at_bound(price, lo, hi, h):
        """Price at a bound: carry-out X = A + G - D(price) split between S in
        [lo, hi] and G' = X - S by the holders' arbitrage."""
        x = a + g - c.demand(price)
        s = least_root(lambda s, i: arbitrage_gap(c, price, next_prices(s, x[i] - s, h[i])),
                       lo, hi)
        return s, x - s

    def pick(where, chosen, current):
        return tuple(np.where(where, new, old) for new, old in zip(chosen, current))

    s, gout, p = free(g, h)
    buy, sell = p < floor, p > ceiling
    if buy.any():
        x = a + g - c.demand(floor)
        lo = np.clip(x - cap, 0.0, None)
        sb, gb = at_bound(floor, lo, np.maximum(x - g, lo), h)
        s, gout, p = pick(buy, (sb, gb, floor), (s, gout, p))
        # even the full public stock leaves holders wanting less: below the floor
        full = buy & (gb > cap * (1 - 1e-12))
        if full.any():
            s, gout, p = pick(full, free(np.full_like(a, cap), h), (s, gout, p))
    if sell.any():
        x = a + g - c.demand(ceiling)
        hi = np.clip(x, 0.0, None)
        ss, gs = at_bound(ceiling, np.clip(x - g, 0.0, hi), hi, h)
        # the holders want even the last public barrel at the ceiling: it goes at once
        attack = sell & ((x <= 0) | (arbitrage_gap(c, ceiling, next_prices(
            hi, np.zeros_like(a), h)) < 0))
        s, gout, p = pick(sell, (ss, gs, ceiling), (s, gout, p))
        if attack.any():
            s, gout, p = pick(attack, free(np.zeros_like(a), h), (s, gout, p))
    return s, gout, p


def settle_band(c: Calibration, rule, availability, public_in, production=None) -> State:
    """The period's equilibrium at each (A, G), expectations from ``rule``
    (P(A', G')); ``production`` a first guess of H (warm starts converge sooner)."""
    a, g = (np.array(v, float).ravel() for v in np.broadcast_arrays(availability, public_in))
    shape = np.broadcast_shapes(np.shape(availability), np.shape(public_in))
    h = (np.ones_like(a) if production is None
         else np.array(np.broadcast_to(production, shape), float).ravel())

    out = [np.zeros_like(a) for _ in range(3)]
    todo, step = np.arange(a.size), np.zeros_like(a)
    for k in range(PRODUCTION_STEPS):
        # production moves little with the stocks: solve them with it held,
        # then settle it at the answer, on the points where it still moves
        for v, new in zip(out, _given_production(c, rule, a[todo], g[todo], h[todo])):
            v[todo] = new
        s, gout = out[0][todo], out[1][todo]
        nxt = planned_production(c, lambda h: _next_prices(c, rule, s, gout, h), h[todo])
        change = nxt - h[todo]
        if k % 2:
            # the map contracts at a steady rate: Aitken's extrapolation
            # leaps to its limit (kept only where it is a modest leap)
            rate = change / np.where(step[todo] == 0, np.inf, step[todo])
            leap = np.where((rate > -0.95) & (rate < 0.95), change * rate / (1 - rate), 0.0)
            nxt = nxt + leap
        moved = np.abs(change) >= 1e-11
        h[todo], step[todo] = nxt, change
        todo = todo[moved]
        if not todo.size:
            break
    s, gout, p = out
    return State(*(v.reshape(shape) for v in (p, s, gout, h)))


def solve_band(c: Calibration, tolerance: float = 1e-10, max_iterations: int = 2000,
               progress=None) -> BandRules:
    """Time iteration on P(A, G) until no price on the grid moves more than ``tolerance``."""
    a_grid = np.linspace(c.grid_min, c.grid_max, c.grid_points)
    g_grid = np.linspace(0.0, c.public_cap, c.public_grid_points)
    a, g = np.meshgrid(a_grid, g_grid, indexing="ij")
    start = np.clip(c.price_of(a), c.floor, c.ceiling)
    rules = BandRules(c, a_grid, g_grid, start, 0 * a, g.copy(), 0 * a + 1, 0, math.inf)

    def settle_one(cj, rule, old, i):
        state = settle_band(cj, rule, a, g, old.production)
        return BandRules(c, a_grid, g_grid, state.price, state.private_stock,
                         state.public_stock, state.production, i,
                         float(np.max(np.abs(state.price - old.price))))
    return iterate_by_regime(c, rules, settle_one, tolerance, max_iterations, progress)


def band_residual(rules: BandRules) -> float:
    """Largest relative gap between the interpolated rule and the equilibrium
    solved afresh on a grid twice as fine as the rule's in both directions
    (the midpoints, where interpolation errs most)."""
    c = rules.calibration
    a, g = np.meshgrid(np.linspace(rules.availability[0], rules.availability[-1],
                                   2 * c.grid_points - 1),
                       np.linspace(0.0, c.public_cap, 2 * c.public_grid_points - 1),
                       indexing="ij")
    a, g = a.ravel(), g.ravel()
    worst = 0.0
    for j, own in enumerate(rules.by_regime or [rules]):
        exact = settle_by_regime(c, rules, settle_band_at, np.full(a.size, j), a, g).price
        worst = max(worst, float(np.max(np.abs(own.price_rule(a, g) - exact) / exact)))
    return worst


def settle_band_at(c: Calibration, rule, a, g, rules: BandRules) -> State:
    """:func:`settle_band` warm from the production of ``rules``."""
    return settle_band(c, rule, a, g, rules.production_rule(a, g))


def simulate_band(rules: BandRules, periods: int, paths: int, seed: int = 0) -> Simulation:
    """Draw e ~ N(1, sigma^2) and solve each period's equilibrium (:func:`settle_band`)
    at the state reached, from A = 1 and the public stock ``public_start_share``
    of its cap (RECS's STO4 starts at (1, 0))."""
    c = rules.calibration
    rng = np.random.default_rng(seed)
    a, g = np.ones(paths), np.full(paths, c.public_start_share * c.public_cap)
    out = {k: np.zeros((paths, periods)) for k in ("p", "s", "gout", "a", "g")}
    regime, regimes = np.zeros(paths, int), np.zeros((paths, periods), int)
    for t in range(periods):
        st = settle_by_regime(c, rules, settle_band_at, regime, a, g)
        for key, value in (("p", st.price), ("s", st.private_stock), ("gout", st.public_stock),
                           ("a", a), ("g", g)):
            out[key][:, t] = value
        regimes[:, t] = regime
        regime, e = draw_yields(c, regime, rng)
        a = (1 - c.depreciation) * st.private_stock + st.production * e
        g = (1 - c.depreciation) * st.public_stock
    below = out["p"] < c.floor * (1 - 1e-9)
    above = out["p"] > c.ceiling * (1 + 1e-9)
    out_of_band = below | above
    collapsed = np.where(out_of_band.any(axis=1), out_of_band.argmax(axis=1), -1)
    rows = np.arange(paths)
    broke_ceiling = (collapsed >= 0) & above[rows, np.maximum(collapsed, 0)]
    return Simulation(out["p"], out["s"], out["gout"], out["a"], out["g"],
                      collapsed, broke_ceiling, regimes)

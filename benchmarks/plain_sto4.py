r"""The floor of `reserve equilibrium` on STO4: a plain numpy time iteration.

Written here from the model's equations, with none of reserve's code: RECS's
STO4 (Gouel 2013, after Miranda & Helmberger 1988), a price band defended by
a public stock, with rational private storers and a supply response. Per
period, A the private carry-in plus the harvest, G the public stock carried
in, normalized units:

.. math::

    A + G = P^{\varepsilon_d} + S + G', \qquad
    S \ge 0 \perp P + k - \beta\,\mathrm{E}[P(A', G')] \ge 0, \qquad
    H = \mathrm{E}[P(A', G')\,e]^{\varepsilon_s},

:math:`A' = (1-\delta) S + H e`, :math:`G'' = (1-\delta) G'`, e ~ N(1,
sigma^2) on Gauss-Hermite nodes, beta = (1 - delta)/(1 + r). The public
buys at the floor up to its cap, sells at the ceiling down to empty, and
holds in between. The price rule P(A, G) is bilinear on the grid (linear
beyond it in A). Each iteration settles every grid point at once: the
stocks by plain bisection (60 halvings) with production held, production
by damped steps in logs, regime by regime as the band says; until no price
moves more than the tolerance.

    python benchmarks/plain_sto4.py      # seconds, iterations, and the rule's distance to reserve's
"""

from __future__ import annotations

import time

import numpy as np

K, R, DELTA, EPS_D, EPS_S, SD, NODES = 0.06, 0.03, 0.0, -0.2, 0.2, 0.05, 7
FLOOR, CEILING, CAP = 0.9, 1.1, 0.4
A_MIN, A_MAX = 0.74, 1.4
BETA = (1 - DELTA) / (1 + R)
HALVINGS = 60


def nodes() -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.hermite_e.hermegauss(NODES)
    return 1.0 + SD * x, w / w.sum()


def demand(p):
    return p ** EPS_D


def price_of(q):
    return np.maximum(q, 1e-12) ** (1.0 / EPS_D)


def interpolate(a_grid, g_grid, p, a, g):
    """P(a, g), bilinear; linear beyond the grid in a, g held to it."""
    ta = (a - a_grid[0]) / (a_grid[1] - a_grid[0])
    i = np.clip(np.floor(ta).astype(int), 0, a_grid.size - 2)
    ta = ta - i
    tg = np.clip((g - g_grid[0]) / (g_grid[1] - g_grid[0]), 0, g_grid.size - 1)
    j = np.minimum(tg.astype(int), g_grid.size - 2)
    tg = tg - j
    low = p[i, j] * (1 - tg) + p[i, j + 1] * tg
    high = p[i + 1, j] * (1 - tg) + p[i + 1, j + 1] * tg
    return np.maximum(low * (1 - ta) + high * ta, 1e-9)


def solve(points: int = 20, tolerance: float = 1e-10, max_iterations: int = 2000):
    """The converged rule P on points x points, and the iterations it took."""
    e, w = nodes()
    a_grid = np.linspace(A_MIN, A_MAX, points)
    g_grid = np.linspace(0.0, CAP, points)
    a, g = (m.ravel() for m in np.meshgrid(a_grid, g_grid, indexing="ij"))
    p = np.clip(price_of(a), FLOOR, CEILING).reshape(points, points)
    h = np.ones_like(a)
    theta = 1.0 / (1.0 + EPS_S / -EPS_D)

    def expected(s, gout, h):          # E[P(A', G')] and E[P(A', G') e]
        nxt = interpolate(a_grid, g_grid, p, (1 - DELTA) * s[:, None] + h[:, None] * e,
                          (1 - DELTA) * gout[:, None] + 0 * e)
        return nxt @ w, nxt @ (w * e)

    def least_root(gap, lo, hi):
        """Least s in [lo, hi] with gap(s) >= 0 (gap rising), by bisection."""
        out = np.where(gap(lo) >= 0, lo, np.where(gap(hi) < 0, hi, np.nan))
        open_ = np.isnan(out)
        low, high = lo.copy(), hi.copy()
        for _ in range(HALVINGS):
            mid = 0.5 * (low + high)
            right = gap(mid) >= 0
            high, low = np.where(right, mid, high), np.where(right, low, mid)
        return np.where(open_, high, out)

    def stocks(h):
        """S, G', P at every point with production h held (the band's regimes)."""
        def free(gout):
            room = np.maximum(a + g - gout, 1e-12) * (1 - 1e-12)
            s = least_root(lambda s: price_of(a + g - gout - s) + K
                           - BETA * expected(s, gout, h)[0], np.zeros_like(a), room)
            return s, gout, price_of(a + g - gout - s)

        def at(price, lo, hi):
            x = a + g - demand(price)
            s = least_root(lambda s: price + K - BETA * expected(s, x - s, h)[0], lo, hi)
            return s, x - s, np.full_like(a, price)

        s, gout, price = free(g)
        buy, sell = price < FLOOR, price > CEILING
        x = a + g - demand(FLOOR)
        lo = np.clip(x - CAP, 0.0, None)
        sb, gb, pb = at(FLOOR, lo, np.maximum(x - g, lo))
        full = buy & (gb > CAP * (1 - 1e-12))
        sf, gf, pf = free(np.full_like(a, CAP))
        x = a + g - demand(CEILING)
        hi = np.clip(x, 0.0, None)
        ss, gs, ps = at(CEILING, np.clip(x - g, 0.0, hi), hi)
        attack = sell & ((x <= 0) | (CEILING + K - BETA * expected(hi, 0 * a, h)[0] < 0))
        se, ge, pe = free(np.zeros_like(a))
        for where, new in ((buy, (sb, gb, pb)), (full, (sf, gf, pf)), (sell, (ss, gs, ps)),
                           (attack, (se, ge, pe))):
            s, gout, price = (np.where(where, n, o) for n, o in zip(new, (s, gout, price)))
        return s, gout, price

    for iteration in range(1, max_iterations + 1):
        for _ in range(200):                     # production's fixed point, damped in logs
            s, gout, price = stocks(h)
            target = expected(s, gout, h)[1] ** EPS_S
            h, before = h ** (1 - theta) * target ** theta, h
            if np.max(np.abs(h - before)) < 1e-11:
                break
        new = price.reshape(points, points)
        change = float(np.max(np.abs(new - p)))
        p = new
        if change < tolerance:
            return p, iteration
    raise RuntimeError(f"no convergence in {max_iterations} iterations ({change:.1e})")


if __name__ == "__main__":
    from dataclasses import replace

    from reserve.band_equilibrium import solve_band
    from reserve.equilibrium_runs import load_calibration
    start = time.perf_counter()
    p, iterations = solve()
    plain = time.perf_counter() - start
    c = replace(load_calibration("recs-sto4"), grid_points=20, public_grid_points=20)
    start = time.perf_counter()
    rules = solve_band(c)
    ours = time.perf_counter() - start
    print(f"plain numpy: {plain:.2f} s, {iterations} iterations; reserve: {ours:.2f} s, "
          f"{rules.iterations} iterations; largest price gap {np.max(np.abs(p - rules.price)):.1e}")

r"""The floor of `reserve policy`: the MDP's linear program written straight into highspy.

No reserve code: Teisberg's (1981) model as the GAMS library's MARKOV states
it, from its equations. A state is a level s on a grid and a regime i; the
owner picks next period's level s'. The market clears at

.. math::

    p(s, s', i) = \Bigl(\frac{k}{q - L_i - d_0 - (s' - s)}\Bigr)^{1/e},

and the period costs :math:`g[d_0(p - p_n) + k(p^{1-e} - p_n^{1-e})/(1-e)]
+ p(s' - s) + h s'`, :math:`p_n` the price with no loss and no trade. The
LP of the MDP: occupation measures :math:`z(s, i, s') \ge 0` minimize
:math:`\sum c z` subject to, for each state,
:math:`\sum_{s'} z(s,i,s') - \beta \sum_{s'', i'} \Pi_{i'i} z(s'', i', s) = w`,
:math:`w` equal weights summing to 1. Choices where no positive price clears
the market, and filling while disrupted (when asked), are left out.

    python benchmarks/raw_policy.py --levels 100 --regimes 3

prints the objective and the seconds of build and solve.
"""

from __future__ import annotations

import argparse
import time

import highspy
import numpy as np
from raw_lp import lp_of, quiet_highs

#: MARKOV's market (models/teisberg-1981.toml): supply q, demand d0 + k p^-e,
#: consumers' share g, holding cost h, discount beta
Q, D0, K, E, G, H, BETA = 110.0, -130.0, 342.0, 0.1, 0.25, 0.32, 0.95


def chain(regimes: int) -> tuple[np.ndarray, np.ndarray]:
    """Lost supply per regime (0, then up to 11) and a transition matrix:
    stay with 0.8 in normal, 0.5 elsewhere, the rest spread evenly."""
    lost = np.linspace(0.0, 11.0, regimes)
    stay = np.where(np.arange(regimes) == 0, 0.8, 0.5)
    P = np.empty((regimes, regimes))
    for i in range(regimes):
        P[i] = (1 - stay[i]) / (regimes - 1)
        P[i, i] = stay[i]
    return lost, P


def levels_of(n: int) -> np.ndarray:
    """``n`` levels from 0 to 21, MARKOV's range."""
    return np.linspace(0.0, 21.0, n)


def solve(n_levels: int, regimes: int) -> tuple[float, float, float]:
    """Objective, build seconds and HiGHS's seconds."""
    start = time.perf_counter()
    lev = levels_of(n_levels)
    lost, P = chain(regimes)
    s, i, a = np.meshgrid(np.arange(n_levels), np.arange(regimes), np.arange(n_levels),
                          indexing="ij")
    s, i, a = s.ravel(), i.ravel(), a.ravel()
    trade = lev[a] - lev[s]
    left = Q - lost[i] - D0 - trade
    keep = (left > 0) & ~((lost[i] > 0) & (trade > 0))
    s, i, a, trade, left = s[keep], i[keep], a[keep], trade[keep], left[keep]
    p = (K / left) ** (1 / E)
    pn = (K / (Q - D0)) ** (1 / E)
    cost = (G * (D0 * (p - pn) + K * (p ** (1 - E) - pn ** (1 - E)) / (1 - E))
            + p * trade + H * lev[a])
    n, states = s.size, n_levels * regimes
    # z leaves its own state's row, and flows (discounted) into (a, j) by Π_ij
    rows = [s * regimes + i] + [a * regimes + j for j in range(regimes)]
    vals = [np.ones(n)] + [-BETA * P[i, j] for j in range(regimes)]
    r, c, v = np.concatenate(rows), np.tile(np.arange(n), regimes + 1), np.concatenate(vals)
    # staying put meets the leaving and the flowing entry in one place: sum them
    key, where = np.unique(c.astype(np.int64) * states + r, return_inverse=True)
    v = np.bincount(where, weights=v)
    w = np.full(states, 1.0 / states)
    h = quiet_highs(lp_of(cost, (np.zeros(n), np.full(n, np.inf)), (w, w),
                          key % states, key // states, v))
    built = time.perf_counter()
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return h.getInfo().objective_function_value, built - start, time.perf_counter() - built


def reserve_sets(n_levels: int, regimes: int) -> list[str]:
    """The same model as `reserve policy --set` arguments."""
    lost, P = chain(regimes)
    lists = {"levels": levels_of(n_levels), "lost_supply": lost}
    sets = [f"{k}=[{','.join(repr(float(x)) for x in v)}]" for k, v in lists.items()]
    sets.append("regimes=[" + ",".join(f'"r{j}"' for j in range(regimes)) + "]")
    sets.append("transition=[" + ",".join(
        "[" + ",".join(repr(float(x)) for x in row) + "]" for row in P) + "]")
    return sets


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, default=100)
    parser.add_argument("--regimes", type=int, default=3)
    o = parser.parse_args()
    objective, build, solve_s = solve(o.levels, o.regimes)
    print(f"objective={objective:.12g} build_s={build:.3f} solve_s={solve_s:.3f}")

r"""Insurance for a consumer: the reserve policy as a Markov decision process.

Teisberg (1981, "A dynamic programming model of the U.S. Strategic Petroleum
Reserve", *Bell Journal of Economics* 12(2), 526-546), in the form the GAMS
model library ships as MARKOV: a state is a reserve level s on a grid times
a market regime i (normal, disrupted, ...), each regime losing supply L_i
and followed by regime j with probability Π_ij. Each period the owner
chooses next period's level s'. The change is sold (or bought) on the
world market, which clears at

.. math::

    D(p) = q - L_i - (s' - s), \qquad D(p) = d_0 + k\,p^{-e}
    \;\Rightarrow\; p(s, s', i) = \Bigl(\frac{k}{q - L_i - d_0 - (s' - s)}\Bigr)^{1/e},

and the period costs the consumer country

.. math::

    c(s, s', i) = g \int_{p_n}^{p} D(x)\,dx + p\,(s' - s) + h\,s'
    = g\Bigl[d_0 (p - p_n) + k\,\frac{p^{1-e} - p_n^{1-e}}{1-e}\Bigr]
      + p\,(s' - s) + h\,s',

its share g of consumers' surplus lost against the normal price p_n (the
price with no loss and no trade), what it pays for the oil it buys (or is
paid for what it sells), at the price its trade moves, and the holding
cost h a unit a period. Values solve Bellman's equation with discount β,

.. math::

    v(s, i) = \min_{s'} \; c(s, s', i) + \beta \sum_j \Pi_{ij}\, v(s', j),

optionally with no filling while disrupted (s' ≤ s when L_i > 0). It is
solved as the linear program of the MDP in HiGHS, in MARKOV's form: the
occupation measures z(s, i, s') ≥ 0 minimize Σ c z subject to, for each
state, Σ_{s'} z(s, i, s') − β Σ_{s'', i'} Π_{i'i} z(s'', i', s) = w(s, i),
w the initial weights (equal, summing to 1); the rows' duals are v, and the
objective is Σ w v. :func:`value_iteration` solves the same equation by
successive approximation, as a check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import InputError, SolverFailure, TargetUnreachable


@dataclass(frozen=True)
class PolicyModel:
    """A reserve policy problem (module doc). Quantities in the model's unit
    (mb a period in MARKOV), prices in USD/bbl."""

    levels: tuple                     # reserve levels, increasing, >= 0
    regimes: tuple                    # names, the first the normal one
    lost_supply: tuple                # L_i per regime
    transition: tuple                 # Π, rows the regime this period
    discount: float = 0.95            # β a period, in [0, 1)
    supply: float = 110.0             # q
    demand_intercept: float = -130.0  # d_0
    demand_scale: float = 342.0       # k
    demand_elasticity: float = 0.1    # e > 0, D = d_0 + k p^-e
    holding_cost: float = 0.32        # h, USD a unit a period
    consumer_weight: float = 0.25     # g, the owner's share of consumers' surplus
    no_fill_when_disrupted: bool = True
    # a scenario's market instead (market = "linear" or "isoelastic"):
    # price P0 and consumption Q0 a period at it, both elasticities
    market: str = "teisberg"
    market_price_usd_per_bbl: float = 0.0
    market_demand_per_period: float = 0.0
    market_demand_elasticity: float = -0.1
    market_supply_elasticity: float = 0.05
    name: str = ""

    @property
    def normal_price(self) -> float:
        """p_n: the price with no loss and no trade."""
        if self.market != "teisberg":
            return self.market_price_usd_per_bbl
        return (self.demand_scale / (self.supply - self.demand_intercept)) ** (
            1 / self.demand_elasticity)

    def price(self, traded) -> np.ndarray:
        """The price at which the market clears when ``traded`` (L + s' - s)
        is taken out of it; NaN where no positive price clears it. Teisberg:
        D(p) = q - traded. A scenario's market (P0, Q0, eps_d, eps_s): linear,
        p = P0 (1 + traded / (Q0 (eps_s - eps_d))); isoelastic,
        Q0 ((p/P0)^eps_s - (p/P0)^eps_d) = traded."""
        x = np.asarray(traded, float)
        if self.market == "linear":
            p = self.normal_price * (1 + x / (self.market_demand_per_period * (
                self.market_supply_elasticity - self.market_demand_elasticity)))
            return np.where(p > 0, p, np.nan)
        if self.market == "isoelastic":
            from .market import isoelastic_impact
            return self.normal_price + isoelastic_impact(
                x, self.normal_price, self.market_demand_per_period,
                self.market_demand_elasticity, self.market_supply_elasticity)
        room = self.supply - self.demand_intercept - x
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(room > 0, (self.demand_scale / room) ** (1 / self.demand_elasticity),
                            np.nan)

    def surplus_lost(self, p) -> np.ndarray:
        """∫_{p_n}^{p} D(x) dx: consumers' surplus lost against the normal
        price. Linear demand D = Q0 (1 + eps_d (p/P0 - 1)):
        Q0 ((p - P0) + eps_d (p - P0)^2 / (2 P0)); isoelastic D = Q0 (p/P0)^eps_d:
        Q0 P0 ((p/P0)^(1 + eps_d) - 1) / (1 + eps_d)."""
        pn = self.normal_price
        if self.market != "teisberg":
            q0, ed = self.market_demand_per_period, self.market_demand_elasticity
            if self.market == "linear":
                return q0 * ((p - pn) + ed * (p - pn) ** 2 / (2 * pn))
            if abs(1 + ed) < 1e-12:
                return q0 * pn * np.log(p / pn)
            return q0 * pn * ((p / pn) ** (1 + ed) - 1) / (1 + ed)
        e = self.demand_elasticity
        return (self.demand_intercept * (p - pn)
                + self.demand_scale * (p ** (1 - e) - pn ** (1 - e)) / (1 - e))

    def costs(self) -> np.ndarray:
        """c[s, i, s'] (module doc); +inf for choices not allowed (no price
        clears the market, or filling while disrupted when forbidden)."""
        lev = np.asarray(self.levels, float)
        loss = np.asarray(self.lost_supply, float)
        change = lev[None, None, :] - lev[:, None, None]          # s' - s
        p = self.price(loss[None, :, None] + change)
        cost = (self.consumer_weight * self.surplus_lost(p) + p * change
                + self.holding_cost * lev[None, None, :])
        cost = np.where(np.isfinite(cost), cost, np.inf)
        if self.no_fill_when_disrupted:
            cost = np.where((loss[None, :, None] > 0) & (change > 0), np.inf, cost)
        return cost


@dataclass
class PolicyAnswer:
    """The optimal policy: ``next_level[s, i]`` (an index into levels),
    ``value[s, i]`` (present cost, USD x units), the objective Σ w v, the
    long-run distribution ``stationary[s, i]``, and the present cost of
    holding no reserve ``value_without[i]`` from each regime."""

    model: PolicyModel
    next_level: np.ndarray
    value: np.ndarray
    objective: float
    stationary: np.ndarray
    value_without: np.ndarray

    @property
    def mean_level(self) -> float:
        return float(np.sum(self.stationary.sum(axis=1) * np.asarray(self.model.levels)))

    def figures(self) -> dict:
        """The answer's figures: the objective (Σ w v), the mean level held,
        the long-run share of each regime, and what the policy saves from an
        empty reserve in each regime against holding none."""
        m = self.model
        out = {"model": m.name, "states": int(self.value.size),
               "normal_price_usd_per_bbl": m.normal_price,
               "objective": self.objective, "mean_level": self.mean_level}
        for i, regime in enumerate(m.regimes):
            out[f"share_{regime}"] = float(self.stationary[:, i].sum())
        for i, regime in enumerate(m.regimes):
            out[f"reserve_value_empty_{regime}"] = float(self.value_without[i]
                                                         - self.value[0, i])
        return out

    def policy_rows(self) -> list[dict]:
        """One row a state: regime, level, the level chosen next, the change,
        the price it trades at, the state's value (present expected cost, USD x
        units) and its long-run share."""
        m = self.model
        lev = np.asarray(m.levels, float)
        rows = []
        for i, regime in enumerate(m.regimes):
            for s, level in enumerate(lev):
                nxt = lev[self.next_level[s, i]]
                rows.append({"regime": regime, "level": float(level), "next_level": float(nxt),
                             "change": float(nxt - level),
                             "price_usd_per_bbl": float(m.price(
                                 m.lost_supply[i] + nxt - level)),
                             "present_cost": float(self.value[s, i]),
                             "long_run_share": float(self.stationary[s, i])})
        return rows


def check_servable(model: PolicyModel, cost: np.ndarray) -> None:
    """Exit 3 naming the states where no level on the grid can be chosen."""
    stuck = [(s, i) for s in range(cost.shape[0]) for i in range(cost.shape[1])
             if not np.isfinite(cost[s, i]).any()]
    if stuck:
        names = ", ".join(f"level {model.levels[s]:g} {model.regimes[i]}" for s, i in stuck[:8])
        raise TargetUnreachable(
            f"no level on the grid can be chosen from {len(stuck)} state(s): {names}"
            f"{' ...' if len(stuck) > 8 else ''}. No positive price clears the market "
            "there with any change of the reserve; lower the lost supply or widen the grid")


def solve_lp(model: PolicyModel) -> PolicyAnswer:
    """The MDP's linear program (module doc) in HiGHS."""
    import highspy

    from .highslp import highs_lp, new_highs, solve_interruptibly
    cost = model.costs()
    check_servable(model, cost)
    n_s, n_r = cost.shape[:2]
    P = np.asarray(model.transition, float)
    s_idx, i_idx, a_idx = np.nonzero(np.isfinite(cost))
    n, states = s_idx.size, n_s * n_r
    column = np.arange(n)
    # z(s, i, a) leaves its own state's row (+1) and flows, discounted, into
    # (a, j) with probability Π_ij; a choice that stays put meets both in one
    # entry (highs_lp sums an entry given twice)
    rows = np.concatenate([s_idx * n_r + i_idx] + [a_idx * n_r + j for j in range(n_r)])
    cols = np.tile(column, n_r + 1)
    vals = np.concatenate([np.ones(n)] + [-model.discount * P[i_idx, j] for j in range(n_r)])
    weight = np.full(states, 1.0 / states)
    lp = highs_lp(states, n, (rows, cols, vals), (np.zeros(n), np.full(n, np.inf)),
                  (weight, weight), cost[s_idx, i_idx, a_idx])
    h = new_highs()
    h.passModel(lp)
    solve_interruptibly(h)
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise SolverFailure("HiGHS ended the policy LP with "
                            + h.modelStatusToString(h.getModelStatus()))
    sol = h.getSolution()
    value = np.asarray(sol.row_dual).reshape(n_s, n_r)
    z = np.full(cost.shape, -1.0)
    z[s_idx, i_idx, a_idx] = sol.col_value
    return _answer(model, z.argmax(axis=2), value,
                   float(h.getInfo().objective_function_value))


def value_iteration(model: PolicyModel, tolerance: float = 1e-11,
                    max_iterations: int = 100_000) -> PolicyAnswer:
    """Bellman's equation by successive approximation (the check on the LP)."""
    cost = model.costs()
    check_servable(model, cost)
    P = np.asarray(model.transition, float)
    v = np.zeros(cost.shape[:2])
    for _ in range(max_iterations):
        q = cost + model.discount * (P @ v.T)[None]   # [s, i, a]: c + beta E[v(a, j) | i]
        new = q.min(axis=2)
        if np.max(np.abs(new - v)) < tolerance * (1 - model.discount):
            v = new
            break
        v = new
    else:
        raise SolverFailure(f"value iteration did not converge in {max_iterations} steps")
    return _answer(model, q.argmin(axis=2), v, float(v.mean()))   # equal weights


def _answer(model, policy, value, objective) -> PolicyAnswer:
    return PolicyAnswer(model, policy, value, objective, stationary(model, policy),
                        without_reserve(model))


def stationary(model: PolicyModel, policy: np.ndarray) -> np.ndarray:
    """The long-run distribution over (level, regime) under ``policy``: the
    chain goes from (s, i) to (policy[s, i], j) with probability Π_ij."""
    n_s, n_r = policy.shape
    P = np.asarray(model.transition, float)
    M = np.zeros((n_s * n_r, n_s * n_r))
    for s in range(n_s):
        for i in range(n_r):
            for j in range(n_r):
                M[s * n_r + i, policy[s, i] * n_r + j] += P[i, j]
    # pi (M - I) = 0, sum pi = 1, by least squares (exact for a unichain)
    A = np.vstack([(M - np.eye(M.shape[0])).T, np.ones(M.shape[0])])
    b = np.zeros(A.shape[0])
    b[-1] = 1.0
    pi = np.linalg.lstsq(A, b, rcond=None)[0]
    return np.clip(pi, 0.0, None).reshape(n_s, n_r) / np.clip(pi, 0.0, None).sum()


def without_reserve(model: PolicyModel) -> np.ndarray:
    """The present cost from each regime of holding nothing: v = c0 + β Π v,
    c0(i) the surplus lost at regime i's price with no trade."""
    p = model.price(np.asarray(model.lost_supply, float))
    if not np.all(np.isfinite(p)):
        return np.full(len(model.regimes), math.inf)
    c0 = model.consumer_weight * model.surplus_lost(p)
    P = np.asarray(model.transition, float)
    return np.linalg.solve(np.eye(len(c0)) - model.discount * P, c0)


def check(model: PolicyModel) -> None:
    """Exit 2 on what cannot be a policy problem, naming the input."""
    lev = np.asarray(model.levels, float)
    if lev.ndim != 1 or lev.size < 1 or not np.all(np.isfinite(lev)) or lev[0] < 0 \
            or np.any(np.diff(lev) <= 0):
        raise InputError("levels", list(model.levels),
                         "a list of levels >= 0, strictly increasing")
    P = np.asarray(model.transition, float)
    k = len(model.regimes)
    if len(model.lost_supply) != k:
        raise InputError("lost_supply", list(model.lost_supply),
                         f"one loss per regime ({k}: {', '.join(model.regimes)})")
    if P.shape != (k, k) or not np.all(np.isfinite(P)) or np.any(P < 0):
        raise InputError("transition", [list(r) for r in model.transition],
                         f"a {k} x {k} matrix of probabilities >= 0")
    sums = P.sum(axis=1)
    if np.any(np.abs(sums - 1) > 1e-9):
        bad = int(np.argmax(np.abs(sums - 1)))
        raise InputError("transition", [list(r) for r in model.transition],
                         f"rows that sum to 1 (row {bad + 1}, {model.regimes[bad]}, sums to "
                         f"{sums[bad]:g})")
    if not 0 <= model.discount < 1:
        raise InputError("discount", model.discount, "a discount factor from 0 to below 1")
    if model.market not in ("teisberg", "linear", "isoelastic"):
        raise InputError("market", model.market, "teisberg, linear or isoelastic")
    if model.market != "teisberg":
        _check_market(model)
    elif not model.demand_elasticity > 0 or model.demand_elasticity >= 1:
        raise InputError("demand_elasticity", model.demand_elasticity,
                         "e from above 0 to below 1 (D = d0 + k p^-e)")
    elif not model.demand_scale > 0:
        raise InputError("demand_scale", model.demand_scale, "k > 0")
    elif not model.supply - model.demand_intercept > 0:
        raise InputError("demand_intercept", model.demand_intercept,
                         f"below the supply q = {model.supply:g}, so that the demand curve "
                         "gives a positive price")
    if any(not (math.isfinite(x) and x >= 0) for x in model.lost_supply):
        raise InputError("lost_supply", list(model.lost_supply), "losses >= 0")
    if not np.isfinite(model.costs()).any():
        raise InputError("demand_intercept", model.demand_intercept,
                         "a demand curve that gives a positive price somewhere on the grid")
    for name in ("holding_cost", "consumer_weight"):
        value = getattr(model, name)
        if not (math.isfinite(value) and value >= 0):
            raise InputError(name, value, "a number >= 0")


def _check_market(model: PolicyModel) -> None:
    """A scenario's market must have a price, a consumption and a slope."""
    for name, ok, allowed in (
            ("market_price_usd_per_bbl", model.market_price_usd_per_bbl > 0, "a price > 0"),
            ("market_demand_per_period", model.market_demand_per_period > 0,
             "consumption a period > 0 (mb)"),
            ("market_demand_elasticity", -10 <= model.market_demand_elasticity < 0,
             "from -10 to below 0"),
            ("market_supply_elasticity", 0 <= model.market_supply_elasticity <= 10,
             "from 0 to 10")):
        if not ok:
            raise InputError(name, getattr(model, name), allowed)

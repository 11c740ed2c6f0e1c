r"""A floor under uncertainty with rational speculators: the storage equilibrium.

Perfect foresight (the LP of :mod:`reserve.formulation`) is an upper bound:
holders who see a defence coming trade against it, and a floor defended by
a finite public stock is abandoned once the stock is full. The question "how
long does a floor defended by G barrels survive" is a rational-expectations
storage model (Wright & Williams 1982, 1984; Miranda & Helmberger 1988;
Gouel 2013, the RECS toolbox's STO demos). This module solves its
one-state form on numpy, without MATLAB.

The model, per period (a year in the normalized calibrations), all in
normalized units (price 1, consumption 1 at the deterministic steady state):

.. math::

    A_t &= D(P_t) + S_t + G_t, \quad D(P) = P^{\varepsilon_d}
        &&\text{(the market clears)}\\
    S_t &\ge 0 \perp P_t + k - \beta\,\mathrm{E}_t P_{t+1} \ge 0,
        \quad \beta = \tfrac{1-\delta}{1+r} &&\text{(private storage)}\\
    G_t &\in [0, \bar G] \perp P_t - P^F &&\text{(the public stock)}\\
    H_t &= \bigl(\mathrm{E}_t[P_{t+1}\,e_{t+1}]\bigr)^{\varepsilon_s}
        &&\text{(planned production)}\\
    A_{t+1} &= (1-\delta)(S_t + G_t) + H_t\,e_{t+1}

A the availability (carry-in and the harvest, the public stock included,
as in RECS's STO2), S private and G public stocks carried out, H
production planned for next period, e ~ N(1, sigma^2) on Gauss–Hermite
nodes; with a Markov disruption chain (``disruption_loss``, ``p_disrupt``,
``p_recover``) a disrupted year's yield is e (1 - loss), and every rule is
kept per regime (:mod:`reserve.equilibrium_numerics`). The public complementarity reads: G is full (Ḡ) while the price is
below the floor P^F, empty above it, anywhere between at the floor; with
Ḡ = 0 it is STO1.

Solution by time iteration on the price rule P(A) (linear on a grid of A).
At each availability the total carry-out X = S + G settles every other
unknown: P = D^{-1}(A - X), H from a fixed point, and the arbitrage gap
f(X) = P + k - beta E[P(A')] increases with X. The public alone would
carry X0 = clip(A - D(P^F), 0, Ḡ); if f(X0) >= 0 the holders keep nothing,
else they carry up to f = 0 (regula falsi, :func:`least_root`). Simulation solves these
conditions at each simulated availability with the converged rule in the
expectations only, so time at the bounds is not smoothed away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .equilibrium_numerics import draw_yields, iterate_by_regime, least_root, settle_by_regime

#: Most fixed-point steps on planned production H (damped, warm from the
#: last guess: a few).
PRODUCTION_STEPS = 40


@dataclass(frozen=True)
class Calibration:
    """A normalized storage model (module doc). Units: the deterministic
    steady state's price and consumption are 1; one period is a year."""

    storage_cost: float = 0.06          # k: per unit stored a period
    interest_rate: float = 0.03         # r
    depreciation: float = 0.0           # delta: share of stocks lost a period
    demand_elasticity: float = -0.2     # eps_d < 0
    supply_elasticity: float = 0.2      # eps_s >= 0 (0: inelastic, H = 1)
    shock_sd: float = 0.05              # sigma of e ~ N(1, sigma^2)
    shock_nodes: int = 7                # Gauss–Hermite nodes
    floor: float | None = None          # P^F
    public_cap: float = 0.0             # G-bar (0: no public stock)
    ceiling: float | None = None        # P^C: a band (reserve.band_equilibrium)
    grid_min: float = 0.7               # availability grid
    grid_max: float = 2.0
    grid_points: int = 200
    public_grid_points: int = 20        # the band's grid on the public stock
    public_start_share: float = 0.0     # the band's public stock at the start, share of G-bar
    price_unit_usd_per_bbl: float | None = None       # a crude calibration's P0 ...
    consumption_unit_mb_per_yr: float | None = None   # ... and Q0 (reserve.equilibrium_units)
    disruption_loss: float = 0.0        # share of production lost in a disrupted year
    p_disrupt: float = 0.0              # a year's chance a normal year is followed by a disrupted one
    p_recover: float = 1.0              # ... and a disrupted year by a normal one
    regime: int = 0                     # whose expectations settle() takes: 0 normal, 1 disrupted
    scenario: str = ""                  # a crude calibration's scenario (its market), else ""
    name: str = ""

    @property
    def discount(self) -> float:
        """beta = (1 - delta)/(1 + r)."""
        return (1.0 - self.depreciation) / (1.0 + self.interest_rate)

    @property
    def regimes(self) -> int:
        """1, or 2 with a disruption chain (normal, disrupted)."""
        return 2 if self.disruption_loss > 0 and self.p_disrupt > 0 else 1

    def transition(self) -> np.ndarray:
        """The chain's yearly transition matrix, rows the regime this year."""
        p, q = self.p_disrupt, self.p_recover
        return np.array([[1 - p, p], [q, 1 - q]])

    def shocks(self) -> tuple[np.ndarray, np.ndarray]:
        """The nodes and weights of next year's yield: Gauss–Hermite nodes of
        N(1, sigma^2); with a disruption chain, those nodes once per next
        regime j, times (1 - loss_j), weighted by the chance of j from
        ``regime`` (:func:`regime_rule` splits them)."""
        e, w = _shocks(self.shock_sd, self.shock_nodes)
        if self.regimes == 1:
            return e, w
        odds = self.transition()[self.regime]
        return (np.concatenate([e, e * (1 - self.disruption_loss)]),
                np.concatenate([odds[0] * w, odds[1] * w]))

    def demand(self, price):
        return np.power(price, self.demand_elasticity)

    def price_of(self, consumption):
        with np.errstate(divide="ignore", over="ignore"):   # nothing left: no finite price
            return np.power(consumption, 1.0 / self.demand_elasticity)


@lru_cache(maxsize=64)
def _shocks(sd: float, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    if sd == 0 or nodes == 1:
        return np.ones(1), np.ones(1)
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    return 1.0 + sd * x, w / w.sum()


@dataclass
class Rules:
    """The converged rational-expectations rules on the availability grid."""

    calibration: Calibration
    availability: np.ndarray
    price: np.ndarray
    private_stock: np.ndarray
    public_stock: np.ndarray
    production: np.ndarray
    iterations: int
    change: float                      # last iteration's largest price change
    by_regime: list = field(default_factory=list)   # with a chain: each regime's Rules

    def price_rule(self, a):
        """P(A) by linear interpolation, the demand curve beyond the grid's low end
        (nothing is carried there) and the last slope beyond its high end."""
        a = np.asarray(a, float)
        x, p = self.availability, self.price
        out = np.interp(a, x, p)
        low = a < x[0]
        if low.any():
            out[low] = self.calibration.price_of(np.maximum(a[low], 1e-12))
        high = a > x[-1]
        if high.any():
            slope = (p[-1] - p[-2]) / (x[-1] - x[-2])
            out[high] = np.maximum(p[-1] + slope * (a[high] - x[-1]), 1e-9)
        return out


@dataclass
class State:
    """The equilibrium at given availabilities: arrays of one shape."""

    price: np.ndarray
    private_stock: np.ndarray
    public_stock: np.ndarray
    production: np.ndarray


def arbitrage_gap(c: Calibration, price, next_prices):
    """The holders' gap P + k - beta E[P'] (``next_prices`` on the shock nodes,
    last axis): storing pays while it is negative."""
    w = c.shocks()[1]
    return price + c.storage_cost - c.discount * (next_prices @ w)


def planned_production(c: Calibration, next_prices, h):
    """Planned production H = (E[P'e'])^eps_s, the fixed point at fixed stocks;
    ``next_prices(h)`` gives P(A') on the shock nodes when H = h; warm from ``h``."""
    if c.supply_elasticity == 0:
        return h
    e, w = c.shocks()
    # H -> E[P'e']^eps_s falls in H with slope down to -eps_s/|eps_d| in logs
    # (-1 for RECS's pair: plain iteration cycles); a step of theta in logs
    # makes the slope of the damped map lie in [0, 1 - theta)
    theta = 1.0 / (1.0 + c.supply_elasticity / -c.demand_elasticity)
    for _ in range(PRODUCTION_STEPS):
        target = np.power(next_prices(h) @ (w * e), c.supply_elasticity)
        h, before = h ** (1 - theta) * target ** theta, h
        if np.max(np.abs(h - before)) < 1e-13:
            break
    return h


def settle(c: Calibration, rule, availability) -> State:
    """The period's equilibrium at each availability, expectations from ``rule``
    (a price rule P(A')): the carry-out X of the module doc, then the rest."""
    a = np.asarray(availability, float)
    e = c.shocks()[0]
    delta = c.depreciation

    def next_prices(x, h):
        """P(A') on each shock node at carry-out x, production h."""
        return rule((1 - delta) * x[..., None] + h[..., None] * e)

    def production(x, h):
        return planned_production(c, lambda h: next_prices(x, h), h)

    def gap(x, h, idx=slice(None)):
        return arbitrage_gap(c, c.price_of(a[idx] - x), next_prices(x, h[idx]))

    if c.floor is not None and c.public_cap > 0:
        x0 = np.clip(a - c.demand(c.floor), 0.0, c.public_cap)
    else:
        x0 = np.zeros_like(a)
    x0 = np.minimum(x0, a * (1 - 1e-12))
    # production moves little with the carry-out: bisect with it held, then
    # settle it at the answer, until neither moves
    h = production(x0, np.ones_like(a))
    for _ in range(PRODUCTION_STEPS):
        store = gap(x0, h) < 0
        x = least_root(lambda x, idx: gap(x, h, idx), x0, a * (1 - 1e-12))
        h, before = production(x, h), h
        if np.max(np.abs(h - before)) < 1e-11:
            break
    price = c.price_of(a - x)
    if c.floor is not None and c.public_cap > 0:
        # the public is full below the floor, empty above it, what clears at it
        at_floor = ~store & (x0 > 0) & (x0 < c.public_cap)
        public = np.where(price < c.floor, c.public_cap, 0.0)
        public = np.where(at_floor, x, np.minimum(public, x))
    else:
        public = np.zeros_like(a)
    return State(price, x - public, public, h)


def solve(c: Calibration, tolerance: float = 1e-10, max_iterations: int = 2000,
          progress=None) -> Rules:
    """Time iteration on the price rule until no price on the grid moves more
    than ``tolerance``; ``progress(done, total, what)`` is told every 10
    iterations."""
    grid = np.linspace(c.grid_min, c.grid_max, c.grid_points)
    rules = Rules(c, grid, c.price_of(grid), np.zeros_like(grid), np.zeros_like(grid),
                  np.ones_like(grid), 0, math.inf)

    def settle_one(cj, rule, old, i):
        state = settle(cj, rule, grid)
        return Rules(c, grid, state.price, state.private_stock, state.public_stock,
                     state.production, i, float(np.max(np.abs(state.price - old.price))))
    return iterate_by_regime(c, rules, settle_one, tolerance, max_iterations, progress)


def settle_at(c: Calibration, rule, availability, rules: Rules) -> State:
    """:func:`settle` in the form :func:`settle_by_regime` calls (``rules``
    unused: the one-state model needs no warm start)."""
    return settle(c, rule, availability)


def residual(rules: Rules, points: int = 2001) -> float:
    """Largest relative gap between the interpolated price rule and the
    equilibrium solved afresh, on a grid ten times finer than the rule's."""
    c = rules.calibration
    a = np.linspace(rules.availability[0], rules.availability[-1], points)
    worst = 0.0
    for j, own in enumerate(rules.by_regime or [rules]):
        exact = settle_by_regime(c, rules, settle_at,
                                 np.full(a.size, j), a).price
        worst = max(worst, float(np.max(np.abs(own.price_rule(a) - exact) / exact)))
    return worst


@dataclass
class Simulation:
    """Simulated paths, each array [paths, periods]: the price, the private and
    public stocks carried out, the availability and the public stock carried
    in; the period each path's floor (or band) collapsed in (-1: never),
    whether it broke at the ceiling, and each year's regime (1: disrupted)."""

    price: np.ndarray
    private_stock: np.ndarray
    public_stock: np.ndarray
    availability: np.ndarray
    public_in: np.ndarray
    collapsed_in: np.ndarray = field(default_factory=lambda: np.zeros(0))
    broke_ceiling: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    regime: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), int))

    def after(self, periods: int) -> "Simulation":
        """The paths without their first ``periods`` (a burn-in)."""
        return Simulation(*(v[:, periods:] for v in (
            self.price, self.private_stock, self.public_stock, self.availability,
            self.public_in)), regime=self.regime[:, periods:])


def simulate(rules: Rules, periods: int, paths: int, seed: int = 0,
             start: float | None = None) -> Simulation:
    """Draw e ~ N(1, sigma^2) (and the regime, :func:`draw_yields`) and solve
    each period's equilibrium (:func:`settle`) at the availability reached; the floor collapses in the first period its
    price falls below it (the public stock full)."""
    c = rules.calibration
    rng = np.random.default_rng(seed)
    steady = deterministic_steady_state(c)
    a = np.full(paths, steady["availability"] if start is None else start)
    g = np.full(paths, (1 - c.depreciation) * steady["public_stock"] if start is None else 0.0)
    out = {k: np.zeros((paths, periods)) for k in ("price", "private", "public", "avail", "in")}
    regime, regimes = np.zeros(paths, int), np.zeros((paths, periods), int)
    for t in range(periods):
        s = settle_by_regime(c, rules, settle_at, regime, a)
        out["price"][:, t], out["private"][:, t] = s.price, s.private_stock
        out["public"][:, t], out["avail"][:, t], out["in"][:, t] = s.public_stock, a, g
        regimes[:, t] = regime
        regime, e = draw_yields(c, regime, rng)
        a = (1 - c.depreciation) * (s.private_stock + s.public_stock) + s.production * e
        g = (1 - c.depreciation) * s.public_stock
    collapsed = np.full(paths, -1)
    if c.floor is not None:
        below = out["price"] < c.floor * (1 - 1e-9)
        collapsed = np.where(below.any(axis=1), below.argmax(axis=1), -1)
    return Simulation(out["price"], out["private"], out["public"], out["avail"], out["in"],
                      collapsed, np.zeros(paths, bool), regimes)


def deterministic_steady_state(c: Calibration) -> dict:
    """The steady state without shocks, by hand (docs): with k > 0 holders keep
    nothing; without a binding floor P = H = A = 1; with a floor above 1 the
    public stock settles where the floor holds, P = P^F, losing delta G a
    period that production beyond demand replaces:
    G = (P^F^eps_s - P^F^eps_d)/delta (at most the cap)."""
    if c.floor is None or c.public_cap == 0 or c.floor <= 1.0:
        return {"price": 1.0, "public_stock": 0.0, "private_stock": 0.0,
                "availability": 1.0, "production": 1.0}
    pf, delta = c.floor, c.depreciation
    need = (pf ** c.supply_elasticity - pf ** c.demand_elasticity) / delta if delta else math.inf
    if need <= c.public_cap:
        g, price = need, pf
    else:   # the cap binds: the price at which production replaces delta * cap
        g, lo, hi = c.public_cap, 1.0, pf
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if mid ** c.supply_elasticity - mid ** c.demand_elasticity > delta * g:
                hi = mid
            else:
                lo = mid
        price = 0.5 * (lo + hi)
    return {"price": price, "public_stock": g, "private_stock": 0.0,
            "availability": c.demand(price) + g, "production": price ** c.supply_elasticity}

"""The numerics both storage equilibria share (:mod:`reserve.storage_equilibrium`,
one state; :mod:`reserve.band_equilibrium`, two): the least root of a rising
gap, time iteration to a fixed point of the rules, and the Markov disruption
chain, whose regime each rule is kept for.

With a chain, :meth:`Calibration.shocks` lays next year's yield nodes out
once per next regime j, times (1 - loss_j) and weighted by the chance of j
from this year's regime; :func:`regime_rule` reads block j of those nodes
with regime j's rule, so the holders' expectation sums over both the chain
and the yield without either model knowing there is a chain.
"""

from __future__ import annotations

import math
from dataclasses import fields, replace

import numpy as np

from .errors import SolverFailure

#: Most regula-falsi steps of :func:`least_root` (it needs about 10-20).
ROOT_STEPS = 100
#: Iterations without a smaller price change after which time iteration is
#: declared stuck (converging solves improve every few iterations).
STALL_ITERATIONS = 100


def least_root(gap, lo, hi):
    """Per element of the 1-D arrays ``lo``, ``hi``: the least s in [lo, hi]
    with gap(s, idx) >= 0, for a gap rising in s, ``idx`` the elements s
    stands for: lo where gap(lo) >= 0, hi where gap(hi) < 0, else the root
    by regula falsi with the Illinois halving (superlinear, and it keeps a
    bracket), to 1e-13 of the bracket, on the elements still open."""
    out = lo.copy()
    idx = np.flatnonzero(gap(lo, np.arange(lo.size)) < 0)
    if not idx.size:
        return out
    f_hi = gap(hi[idx], idx)
    out[idx[f_hi < 0]] = hi[idx[f_hi < 0]]
    keep = f_hi >= 0
    idx, low, high, f_hi = idx[keep], lo[idx][keep], hi[idx][keep], f_hi[keep]
    f_lo = gap(low, idx)
    width = (high - low) * 1e-13 + 1e-300
    last = np.zeros(idx.size, bool)
    for _ in range(ROOT_STEPS):
        x = high - f_hi * (high - low) / (f_hi - f_lo)
        x = np.where((x > low) & (x < high), x, 0.5 * (low + high))
        f = gap(x, idx)
        right = f >= 0
        # Illinois: an end kept twice running has its value halved
        again = right == last
        f_lo = np.where(right, np.where(again, 0.5 * f_lo, f_lo), f)
        f_hi = np.where(right, f, np.where(again, 0.5 * f_hi, f_hi))
        low, high = np.where(right, low, x), np.where(right, x, high)
        done = (high - low <= width) | (f == 0)
        out[idx[done]] = high[done]
        if done.all():
            return out
        idx, low, high, f_lo, f_hi, width, last = (
            v[~done] for v in (idx, low, high, f_lo, f_hi, width, right))
    out[idx] = high
    return out


def regime_rule(c, rule_of_regime: list):
    """One rule over next year's nodes (:meth:`Calibration.shocks`) from each
    regime's own rule: block j of the last axis is read by regime j's."""
    if len(rule_of_regime) == 1:
        return rule_of_regime[0]
    n = c.shocks()[0].size // c.regimes

    def rule(*args):
        return np.concatenate([f(*(x[..., j * n:(j + 1) * n] for x in args))
                               for j, f in enumerate(rule_of_regime)], axis=-1)
    return rule


def regime_rules(rules: list):
    """The normal regime's rules carrying every regime's (``by_regime``) and
    the largest change among them; the one rules as they are without a chain."""
    if len(rules) == 1:
        return rules[0]
    return replace(rules[0], change=max(r.change for r in rules), by_regime=rules)


def draw_yields(c, regime, rng):
    """Next year's regime for each path in ``regime`` (the chain of
    :meth:`Calibration.transition`) and its yield e (1 - loss when
    disrupted); without a chain, the regime stays 0 and no draw is spent on it."""
    e = 1.0 + c.shock_sd * rng.standard_normal(regime.size)
    if c.regimes == 1:
        return regime, e
    leave = rng.random(regime.size) < np.where(regime == 0, c.p_disrupt, c.p_recover)
    regime = np.where(leave, 1 - regime, regime)
    return regime, e * np.where(regime == 1, 1 - c.disruption_loss, 1.0)


def settle_by_regime(c, rules, settle_one, regime, *state):
    """The equilibrium (a :class:`reserve.storage_equilibrium.State`) at each
    point of ``state`` (1-D arrays of one size, ``regime`` among them), each
    settled in its own regime by ``settle_one(c_j, rule, *state_j, rules_j)``."""
    every = rules.by_regime or [rules]
    rule = regime_rule(c, [r.price_rule for r in every])
    out = {}
    for j, own in enumerate(every):
        m = regime == j
        if m.any():
            got = settle_one(replace(c, regime=j), rule, *(x[m] for x in state), own)
            for f in fields(got):
                out.setdefault(f.name, np.zeros_like(state[0]))[m] = getattr(got, f.name)
    return type(got)(**out)


def iterate_by_regime(c, rules, settle_one, tolerance, max_iterations, progress=None):
    """Time iteration on every regime's rules at once (:func:`time_iteration`):
    ``settle_one(c_j, rule, old, i)`` gives regime j's new rules, their
    ``change`` against ``old``, with expectations from ``rule``, which reads
    each next regime's rule (:func:`regime_rule`)."""
    if c.regimes > 1:
        rules.by_regime = [rules] + [replace(rules) for _ in range(c.regimes - 1)]

    def step(rules, i):
        before = rules.by_regime or [rules]
        rule = regime_rule(c, [r.price_rule for r in before])
        return regime_rules([settle_one(replace(c, regime=j), rule, old, i)
                             for j, old in enumerate(before)])
    return time_iteration(step, rules, tolerance, max_iterations, progress)


def time_iteration(step, rules, tolerance, max_iterations, progress=None):
    """Apply ``step(rules, i)`` (new rules carrying ``change``, the largest price
    move on the grid) until the change is below ``tolerance``;
    :class:`reserve.errors.SolverFailure` (exit 4) with the change reached and
    the iterations used after ``max_iterations``, or sooner once the change
    has not improved for STALL_ITERATIONS (a cycle: it never will);
    ``progress(done, total, what)`` is told every 10 iterations."""
    best, best_at = math.inf, 0
    for i in range(1, max_iterations + 1):
        rules = step(rules, i)
        if progress is not None and i % 10 == 0:
            progress(i, max_iterations, f"time iteration, price change {rules.change:.1e}")
        if rules.change < tolerance:
            return rules
        if rules.change < best:
            best, best_at = rules.change, i
        elif i - best_at >= STALL_ITERATIONS:
            break
    c = rules.calibration
    raise SolverFailure(
        f"time iteration did not converge: after {i} iterations the largest price move "
        f"on the grid is {rules.change:.2e} (the least reached {best:.2e}, at iteration "
        f"{best_at}), against a tolerance of {tolerance:.0e}. A grid that does not reach "
        f"where the shocks take availability is the usual cause: grid_min = "
        f"{c.grid_min:g}, grid_max = {c.grid_max:g}, and next year's lowest yield is "
        f"{float(c.shocks()[0].min()):.3f} of production; widen the grid with --set")

r"""The model's price conditions, each stated once: how the market answers the reserve.

The price families of :data:`reserve.equations.FAMILIES` (module docstring
there). The size form writes every price condition as a band on the net
flow; the general form carries the window level z, and, in a market that
remembers (an adjusting market, commercial holders), the price impact
:math:`\Delta p_t` as a variable with the market's clearing condition.
"""

from __future__ import annotations

import numpy as np

from . import market
from .blocks import Block, periods
from .blocks import block as _block
from .layout import INF, Columns, finite
from .price_conditions import impact_bounds, net_flow_band
from .problem import ProblemData


# -- price, size form

def net_band(d: ProblemData, x: Columns, form: str, level: float | None = None) -> Block:
    r"""Every price condition of period t as one band on its net flow [mb/d].

    .. math:: lo_t \le f_t - r_t \le hi_t

    from the window target and cap, the off-window bound and the band, each
    mapped through the price model (:func:`reserve.price_conditions.net_flow_band`).
    An empty band (lo > hi: a ceiling below the baseline before any release
    may reach the market) makes the model infeasible, as it is.
    """
    t = periods(d, "T")
    lo, hi = net_band_bounds(d, level)
    return _block(net_band, ("T",), t, [(t, x["fill_mbd"], 1.0), (t, x["release_mbd"], -1.0)],
                  lo, hi)


def net_band_bounds(d: ProblemData, level: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The bounds of :func:`net_band`'s rows at window level ``level`` alone: what
    a session writes to move the level (:meth:`reserve.session.Session.pin_level`)."""
    lo, hi = net_flow_band(d, level)
    return finite(lo), finite(hi)


# -- price, general form

def _level(d: ProblemData, x: Columns, t: np.ndarray, i: np.ndarray, scale=1.0) -> list:
    r"""Entries of scale * :math:`\Delta p_t` in rows i: the impact variable
    (a market that remembers, or a cartel's offset), else :math:`c_t (f_t - r_t)`,
    :math:`c_t = \beta_t (1 - \sigma_t)`."""
    scale = np.broadcast_to(np.asarray(scale, float), t.shape)
    if d.carries_impact:
        return [(i, x["impact_usd_per_bbl"][t], scale)]
    c = d.response_coef[t] * scale
    return [(i, x["fill_mbd"][t], c), (i, x["release_mbd"][t], -c)]


def window_target(d: ProblemData, x: Columns, form: str) -> Block | None:
    r"""The target holds in every window period [USD/bbl].

    .. math:: \text{sign}\cdot \Delta p_t \ge z\, w_t, \quad t \in W

    :math:`w_t` = 1, or :math:`P_t / \bar P` for a percent target on a price path.
    """
    if not d.has_target:
        return None
    t = periods(d, "W")
    i = np.arange(t.size)
    return _block(window_target, ("W",), t,
                  _level(d, x, t, i, d.sign) + [(i, x["window_level"][0], -d.target_scale[t])],
                  0.0, INF)


def window_cap(d: ProblemData, x: Columns, form: str) -> Block | None:
    r"""In the window the price moves by the target, not more [USD/bbl].

    .. math:: \text{sign}\cdot \Delta p_t \le z\, w_t, \quad t \in W

    (a constant cap, window_impact_max, is a level bound instead). Without
    it a cheap stock would be dumped to earn interest on the oil sold early,
    moving the price far past the target.
    """
    if not d.has_target or d.window_cap_usd_per_bbl is not None:
        return None
    t = periods(d, "W")
    i = np.arange(t.size)
    return _block(window_cap, ("W",), t,
                  _level(d, x, t, i, d.sign) + [(i, x["window_level"][0], -d.target_scale[t])],
                  -INF, 0.0)


def off_window_upper(d: ProblemData, x: Columns, form: str) -> Block | None:
    r"""Outside the window the price may not rise more than z [USD/bbl]:
    :math:`\Delta p_t \le z,\ t \notin W`."""
    if not d.has_target or d.off_window_max_usd_per_bbl is not None:
        return None
    t = periods(d, "OFF")
    i = np.arange(t.size)
    return _block(off_window_upper, ("OFF",), t,
                  _level(d, x, t, i) + [(i, x["window_level"][0], -1.0)], -INF, 0.0)


def off_window_lower(d: ProblemData, x: Columns, form: str) -> Block | None:
    r"""Outside the window the price may not fall more than z [USD/bbl]:
    :math:`\Delta p_t \ge -z,\ t \notin W`."""
    if not d.has_target or d.off_window_max_usd_per_bbl is not None:
        return None
    t = periods(d, "OFF")
    i = np.arange(t.size)
    return _block(off_window_lower, ("OFF",), t,
                  _level(d, x, t, i) + [(i, x["window_level"][0], 1.0)], 0.0, INF)


def level_bounds(d: ProblemData, x: Columns, form: str) -> Block | None:
    r"""Price conditions that do not move with z, in one ranged row [USD/bbl].

    .. math:: lo_t \le \Delta p_t \le hi_t

    a constant window cap or off-window bound, a floor with its defence
    (:math:`F - P_t \le \Delta p_t \le \max(0, F - P_t) + b`), a ceiling with
    its defence; infinite where none applies. (A model that carries
    :math:`\Delta p_t` as a variable puts these on it as bounds.)
    """
    if d.carries_impact:
        return None
    t = periods(d, "T")
    lo, hi = (finite(b) for b in impact_bounds(d, tracking=False))
    return _block(level_bounds, ("T",), t, _level(d, x, t, t), lo, hi)


def memory_update(d: ProblemData, x: Columns, form: str) -> Block | None:
    r"""The market's memory of relative price moves (dimensionless).

    .. math:: m_t = \lambda\, m_{t-1} + (1 - \lambda)\, \Delta p_t / P_t,
              \quad m_{-1} = 0,\ \lambda = 0.5^{\Delta/\text{half-life}}
    """
    if not d.dynamic:
        return None
    t = periods(d, "T")
    lam = d.memory_decay
    return _block(memory_update, ("T",), t,
                  [(t, x["memory"], 1.0), (t[1:], x["memory"][:-1], -lam),
                   (t, x["impact_usd_per_bbl"], -(1 - lam) / d.baseline_price_usd_per_bbl)],
                  0.0, 0.0)


def market_response(d: ProblemData, x: Columns, form: str) -> Block | None:
    r"""The market clears: what it sees absorbed meets short-run and adjusting
    elasticities [mb/d].

    .. math:: (1-\sigma_t)\,\Bigl(f_t - r_t + \frac{\Delta I_t - \Delta I_{t-1}}{\Delta}\Bigr) - o_t
              = Q_0\,\bigl[(\varepsilon_s - \varepsilon_d)\,\pi_t
              + ((\varepsilon_s^{LR} - \varepsilon_s) - (\varepsilon_d^{LR} - \varepsilon_d))\, m_t\bigr],
              \quad \pi_t = \Delta p_t / P_t,\ \Delta I_{-1} = 0

    :math:`\sigma_t` the share other producers offset and :math:`o_t` a
    price-target cartel's output (:mod:`reserve.responses`); :math:`\Delta I_t`
    the commercial holders' stock change (:func:`private_storage`), the
    memory term only in an adjusting market. In a static market without
    holders it reduces to :math:`\Delta p_t = \beta_t\,((1-\sigma_t)(f_t - r_t) - o_t)`.
    """
    if not d.carries_impact:
        return None
    t = periods(d, "T")
    q0, keep = d.scenario.demand_mbd, d.keep_share
    slope, offset = clearing_tangent(d)
    entries = [(t, x["fill_mbd"], keep), (t, x["release_mbd"], -keep),
               (t, x["impact_usd_per_bbl"], -slope)]
    if d.dynamic:
        entries.append((t, x["memory"], -(q0 * d.response_adjust)))
    if d.private.on:
        dt = float(d.step_days)
        entries += [(t, x["private_stock_mb"], keep / dt),
                    (t[1:], x["private_stock_mb"][:-1], -keep[1:] / dt)]
    rhs = d.producer_offset_mbd + offset
    return _block(market_response, ("T",), t, entries, rhs, rhs)


def clearing_tangent(d: ProblemData) -> tuple[np.ndarray, np.ndarray]:
    r"""The market's absorption as the clearing row writes it: :math:`s_t\,\Delta p_t + a_t` [mb/d].

    The linear market absorbs :math:`Q_0(\varepsilon_s - \varepsilon_d)\,\Delta p_t / P_t`
    exactly (:math:`a_t = 0`). The isoelastic one absorbs
    :math:`x(\Delta p) = Q_0\,[(P/P_0)^{\varepsilon_s} - (P/P_0)^{\varepsilon_d}]`, which
    a linear row cannot hold: it holds the tangent at a point :math:`\hat p_t`
    (:attr:`ProblemData.curve_point_usd_per_bbl`, 0 at first),

    .. math:: s_t = x'(\hat p_t), \quad a_t = x(\hat p_t) - s_t\,\hat p_t

    and a session re-draws it at each answer's :math:`\Delta p_t` until curve and
    tangent agree to :data:`CURVE_TOLERANCE_MBD` (Newton's method on the
    clearing condition). The curve is concave, so every tangent lies on or
    above it: no tangent asks less oil than the curve for a rise.
    """
    price = d.baseline_price_usd_per_bbl
    q0 = d.scenario.demand_mbd
    if d.level_is_price:
        return q0 * d.response_short / price, np.zeros(d.n_periods)
    s = d.scenario
    at = (np.zeros(d.n_periods) if d.curve_point_usd_per_bbl is None
          else d.curve_point_usd_per_bbl)
    slope = market.isoelastic_absorption_slope(at, price, q0, s.demand_elasticity,
                                               s.supply_elasticity)
    level = market.isoelastic_absorption(at, price, q0, s.demand_elasticity, s.supply_elasticity)
    return slope, level - slope * at


#: How closely the isoelastic curve and its tangent must agree at an answer [mb/d].
CURVE_TOLERANCE_MBD = 1e-7


def curve_gap_mbd(d: ProblemData, impact_usd_per_bbl: np.ndarray) -> float:
    """Largest gap [mb/d] between the isoelastic curve and the clearing row's tangent
    at an answer's impacts (0 for the linear market, whose row is its curve)."""
    if d.level_is_price:
        return 0.0
    s = d.scenario
    slope, offset = clearing_tangent(d)
    curve = market.isoelastic_absorption(impact_usd_per_bbl, d.baseline_price_usd_per_bbl,
                                         s.demand_mbd, s.demand_elasticity, s.supply_elasticity)
    return float(np.max(np.abs(slope * impact_usd_per_bbl + offset - curve)))


def private_storage(d: ProblemData, x: Columns, form: str) -> Block | None:
    r"""Commercial holders trade the spread the reserve opens over h days [mb].

    .. math:: \Delta I_t = \frac{1}{H} \sum_{k=0}^{\min(t, H-1)} b\,
              \bigl(\delta_h\,\Delta p_{t-k+H} - \Delta p_{t-k}\bigr),
              \quad -I_{ref} \le \Delta I_t \le I_{spare}

    (Working 1949; Brennan 1958; Wright & Williams 1982). Under perfect
    foresight holders want :math:`b` mb more stock per USD/bbl of the spread
    between the price h days on and today's, :math:`b(\delta_h \Delta p_{t+H} - \Delta p_t)`,
    and reach that position evenly over the h days (H = h/:math:`\Delta` periods)
    in which it pays, as a month's futures position is rolled over its month;
    they learn of the reserve on day 0. So they buy :math:`b\,z` over the h days
    before a known rise of z and sell it over the h days after, and sell
    :math:`b\,z` over the h days before a known fall. Beyond the model's last
    period the impact is the last period's. Written recursively, at most five
    entries a row: :math:`\Delta I_t - \Delta I_{t-1} = \frac{b}{H}\,[\delta_h\Delta p_{t+H} - \Delta p_t
    - (\delta_h\Delta p_t - \Delta p_{t-H})\,[t \ge H]]`. The bounds are the columns'.
    """
    if not d.private.on:
        return None
    n, p = d.n_periods, d.private
    big = p.horizon_periods
    w, delta = p.response_mb_per_usd / big, p.discount
    stock, impact = x["private_stock_mb"], x["impact_usd_per_bbl"]
    t = np.arange(n)
    old = t[t >= big]
    # the terms on dp, summed where two fall on one column (t + H beyond the end)
    rows = np.concatenate([t, t, old, old])
    where = np.concatenate([np.minimum(t + big, n - 1), t, old, old - big])
    coef = np.concatenate([np.full(n, -w * delta), np.full(n, w),
                           np.full(old.size, w * delta), np.full(old.size, -w)])
    keys, inverse = np.unique(rows.astype(np.int64) * n + where, return_inverse=True)
    summed = np.bincount(inverse, weights=coef)
    keep = summed != 0
    return _block(private_storage, ("T",), t,
                  [(t, stock, 1.0), (t[1:], stock[:-1], -1.0),
                   (keys[keep] // n, impact[keys[keep] % n], summed[keep])], 0.0, 0.0)

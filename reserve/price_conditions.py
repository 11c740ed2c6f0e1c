"""The price conditions of a model's data: bounds on each period's price
impact, and the bands they put on its net flow.

Every condition on the price is a bound on the price impact dp_t of a
period [USD/bbl] (:func:`impact_bounds`):

- the target, in the window: sign*dp_t >= v*w_t, v the window impact
  [USD/bbl] and w_t = 1 (or P_t / mean P over the window for a percent
  target on a price path);
- the window cap: sign*dp_t <= v*w_t, or ``window_impact_max_usd_per_bbl``;
- off the window: |dp_t| <= v, or ``off_window_impact_max_usd_per_bbl``;
- before the window (unless ``pre_window_release``), no stock leaves:
  dp_t >= 0, the net flow f_t - r_t >= 0;
- a band, in every period: a floor F holds P_t + dp_t >= F and, as a
  defence and not a licence, P_t + dp_t <= max(P_t, F) + b; a ceiling C
  holds P_t + dp_t <= C and P_t + dp_t >= min(P_t, C) - b, b the band
  margin (``off_window_impact_max_usd_per_bbl``, default 0).

A static market turns each bound on dp_t into a bound on the period's net
flow f_t - r_t (:func:`net_flow_band`): the linear curve divides by
c_t = beta_t*(1 - offset_share), the isoelastic one maps the price through
its absorption x(dp) = Q0*((P/P0)^eps_s - (P/P0)^eps_d), which is
increasing, so bounds stay bounds. That is why both price models are LPs.
"""

from __future__ import annotations

import numpy as np

from . import market
from .problem import ProblemData


def impact_bounds(d: ProblemData, impact: float | None = None,
                  tracking: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Bounds lo_t <= dp_t <= hi_t [USD/bbl] of every price condition (module doc).

    ``impact`` is the window impact v (default: the target); ``tracking=False``
    leaves out the conditions that move with v (the target itself, and the
    window cap and off-window bound when they are not set), which the general
    form of the model writes as rows on its window level z.
    """
    v = d.target_level if impact is None else impact
    n = d.n_periods
    lo, hi = np.full(n, -np.inf), np.full(n, np.inf)
    # the liquidation after the horizon answers to no price condition
    w, off = d.in_window, ~d.in_window & d.in_horizon
    if d.net_benefit:   # no target: only the bounds the user set, both ways
        if d.window_cap_usd_per_bbl is not None:
            lo[w], hi[w] = -d.window_cap_usd_per_bbl, d.window_cap_usd_per_bbl
        if d.off_window_max_usd_per_bbl is not None:
            lo[off], hi[off] = -d.off_window_max_usd_per_bbl, d.off_window_max_usd_per_bbl
    if d.has_target:
        need = v * d.target_scale[w]
        cap = d.window_cap_usd_per_bbl
        if d.sign > 0:
            if tracking:
                lo[w] = need
            if cap is not None or tracking:
                hi[w] = need if cap is None else cap
        else:
            if tracking:
                hi[w] = -need
            if cap is not None or tracking:
                lo[w] = -need if cap is None else -cap
        bound = d.off_window_max_usd_per_bbl
        if bound is not None or tracking:
            bound = v if bound is None else bound
            lo[off], hi[off] = -bound, bound
    if not d.remembers:
        # no stock leaves before it can reach the market: f_t - r_t >= 0, which a
        # static market's increasing curve makes dp_t >= 0 (a market that remembers
        # bounds r_t itself: dp_t could not say it)
        lo[~d.release_allowed] = np.maximum(lo[~d.release_allowed], 0.0)
    h = d.n_horizon
    price = d.baseline_price_usd_per_bbl[:h]
    b = d.band_margin_usd_per_bbl
    if d.floor_usd_per_bbl is not None:
        gap = d.floor_usd_per_bbl - price
        lo[:h] = np.maximum(lo[:h], gap)
        hi[:h] = np.minimum(hi[:h], np.maximum(gap, 0.0) + b)
    if d.ceiling_usd_per_bbl is not None:
        gap = d.ceiling_usd_per_bbl - price
        hi[:h] = np.minimum(hi[:h], gap)
        lo[:h] = np.maximum(lo[:h], np.minimum(gap, 0.0) - b)
    return lo, hi


def absorption_of_impact(d: ProblemData, impact_usd_per_bbl: np.ndarray) -> np.ndarray:
    """Net absorption x_t [mb/d] the market must see to move period t's price by dp_t
    (static models).

    Infinite impacts map to the absorption limits of the price model.
    """
    dp = np.asarray(impact_usd_per_bbl, float)
    if d.level_is_price:
        with np.errstate(invalid="ignore"):
            return np.where(np.isinf(dp), dp, dp / d.slope)
    s = d.scenario
    return market.isoelastic_absorption(dp, d.baseline_price_usd_per_bbl, s.demand_mbd,
                                        s.demand_elasticity, s.supply_elasticity)


def net_flow_band(d: ProblemData, impact: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Bounds lo_t <= f_t - r_t <= hi_t [mb/d] equal to every price condition at impact v.

    Static models only: each bound on dp_t becomes a bound on the net flow
    through the price model's increasing absorption curve, then through what
    other producers do (the market sees keep_t * x_t - o_t). An empty band
    (lo > hi) makes the model infeasible, as the conditions are.
    """
    lo, hi = impact_bounds(d, impact)
    o = d.producer_offset_mbd
    return ((absorption_of_impact(d, lo) + o) / d.keep_share,
            (absorption_of_impact(d, hi) + o) / d.keep_share)

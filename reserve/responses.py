r"""How the rest of the market answers the reserve: other producers and commercial holders.

The static market of :mod:`reserve.market` forgets: a price held up for 180
days is, to it, 180 independent days. Two answers from the rest of the market
are written here as the numbers the model needs (the equations that use them
are in :mod:`reserve.market_equations`); docs/explanation/model.md, "A market
with memory", derives each.

Other producers (``producer_response``), from ``producer_response_lag_days``
on (no response before):

- ``none``: quotas fixed, :math:`\sigma = 0`.
- ``dominant-firm``: a profit-maximizing dominant producer with constant
  marginal cost :math:`m` facing linear residual demand :math:`a - bp` sells
  :math:`q = (a - bm)/2`; the reserve absorbing :math:`x` shifts residual demand
  to :math:`a + x - bp`, so it sells :math:`x/2` more: :math:`\sigma = 1/2`
  (the classic dominant-firm result, e.g. Pindyck 1979, "The cartelization of
  world commodity markets", AER 69(2)).
- ``price-target``: a cartel defending its own price adds its spare
  capacity :math:`S` = ``producer_spare_capacity_mbd`` against the reserve in
  every window period (it cuts by :math:`S` against a release): the market
  sees :math:`x_t - \text{sign}\,S`. A design that holds the target absorbs at
  least :math:`S` more there, so the cartel spends all of it.
- ``cooperative``: others cut alongside, :math:`\sigma = -` ``cooperative_share``.

``offset_share``, when set, overrides the named behaviour's share (the lag
still applies).

Commercial holders (private storage; Working 1949, Brennan 1958, Wright &
Williams 1982): under perfect foresight, as a deviation from baseline stocks,

.. math:: \Delta I_t = b\,(\delta_h\,\Delta p_{t+h} - \Delta p_t),
          \quad -I_{ref} \le \Delta I_t \le I_{spare}

with :math:`b` = ``private_storage_response_mb_per_usd``, :math:`h` =
``private_storage_horizon_days`` (whole periods), :math:`\delta_h` the
h-day discount factor at ``discount_rate``, :math:`I_{ref}` =
``private_stocks_mb`` and :math:`I_{spare}` = ``private_spare_capacity_mb``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The offset share sigma each named behaviour implies (price-target: none;
#: it offsets a volume instead; cooperative: -cooperative_share).
DOMINANT_FIRM_SHARE = 0.5


def offset_share(s) -> float:
    """sigma [1]: ``offset_share`` if set, else what ``producer_response`` implies."""
    if s.offset_share is not None:
        return float(s.offset_share)
    if s.producer_response == "dominant-firm":
        return DOMINANT_FIRM_SHARE
    if s.producer_response == "cooperative":
        return -float(s.cooperative_share)
    return 0.0


def producer_terms(s, start_day: np.ndarray, in_window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per period: the share of the reserve's flow the market keeps, 1 - sigma_t,
    and the volume o_t [mb/d] a price-target cartel adds against it, so the
    market sees ``keep_t * x_t - o_t``. Nothing before the response lag."""
    responding = np.asarray(start_day) >= s.producer_response_lag_days
    keep = np.where(responding, 1.0 - offset_share(s), 1.0)
    offset = np.zeros(len(start_day))
    if s.producer_response == "price-target" and s.offset_share is None:
        offset = np.where(responding & in_window, s.sign * s.producer_spare_capacity_mbd, 0.0)
    return keep, offset


@dataclass(frozen=True)
class PrivateStorage:
    """Commercial holders' response, in model periods (module docstring)."""

    response_mb_per_usd: float     # b
    horizon_periods: int           # h / step
    discount: float                # delta_h
    lower_mb: float                # -I_ref
    upper_mb: float                # I_spare

    @property
    def on(self) -> bool:
        return self.response_mb_per_usd > 0


def private_storage(s) -> PrivateStorage:
    """The holders' response of scenario ``s`` (b = 0: none, the model of a market
    without private storage, row for row)."""
    days = s.private_storage_horizon_days
    return PrivateStorage(
        response_mb_per_usd=float(s.private_storage_response_mb_per_usd),
        horizon_periods=days // s.time_step_days,
        discount=(1.0 + s.discount_rate) ** (-days / 365.0),
        lower_mb=-float(s.private_stocks_mb), upper_mb=float(s.private_spare_capacity_mb))


"""Baseline price paths (docs/explanation/model.md, "Baseline"): a CSV of prices over time, per period.

Accepted files have a header row and two columns, either::

    day,price_usd_per_bbl          date,price_usd_per_bbl
    0,132.32                       2008-06-15,132.32
    30,132.72                      2008-07-15,132.72

with any spacing between rows. Day 0 is the first row (its date, for a dated
path). Prices are interpolated linearly to whole days; a period's baseline is
the mean of its days. The CSV dialect a spreadsheet writes is read (comma or
semicolon, UTF-8 byte-order mark, CRLF, quotes).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InputError
from .files import read_text
from .scenariofile import read_csv_rows
from .schema import check_price

OPTION = "--price-path"


@dataclass(frozen=True)
class PricePath:
    """Prices [USD/bbl] at days counted from the first row."""

    day: np.ndarray
    price_usd_per_bbl: np.ndarray
    start_date: dt.date | None = None

    @property
    def last_day(self) -> float:
        return float(self.day[-1])

    def daily(self, n_days: int) -> np.ndarray:
        """Price of each day 0..n_days-1, interpolated linearly [USD/bbl]."""
        if n_days - 1 > self.last_day:
            raise InputError(OPTION, f"ends on day {self.last_day:g}",
                             f"a path that covers the horizon, days 0 to {n_days - 1} "
                             "(lead_days + hold_days + tail_days)")
        return np.interp(np.arange(n_days), self.day, self.price_usd_per_bbl)

    def per_period(self, n_periods: int, step_days: int) -> np.ndarray:
        """Baseline of each period: the mean of its days' prices [USD/bbl]."""
        return self.daily(n_periods * step_days).reshape(n_periods, step_days).mean(axis=1)


def baseline_of(path, scenario) -> np.ndarray | None:
    """The per-period baseline a scenario takes from ``path``: a PricePath
    (covering the scenario's own horizon, else an InputError; without the
    release it already holds, :func:`without_release`), per-period prices
    already (used as they are), or None (a constant price)."""
    if isinstance(path, PricePath):
        step = scenario.time_step_days
        n = scenario.horizon_days // step
        return without_release(path.daily(n * step), scenario).reshape(n, step).mean(axis=1)
    if scenario.path_release_mbd > 0 and scenario.path_release_days > 0:
        raise InputError("path_release_mbd", scenario.path_release_mbd,
                         f"0 unless {OPTION} gives the observed path that holds the release")
    return path


def without_release(observed: np.ndarray, s) -> np.ndarray:
    r"""Daily prices [USD/bbl] as they would have been without the release the
    observed path holds (``path_release_mbd`` from ``path_release_start_day``
    for ``path_release_days``): the observed price plus what the release took
    off it in the scenario's market. Linear: the release x lowers P0 by
    beta(P0) (1 - sigma) x, beta(P0) = P0 / (Q0 (eps_s - eps_d)), so

    .. math:: P^0_t = P^{obs}_t \,/\, \bigl(1 - (1-\sigma)\,x_t / (Q_0(\varepsilon_s - \varepsilon_d))\bigr)

    isoelastic: the release's share r = P^obs / P^0 clears the market on
    (1 - sigma) x more supply, Q0 (r^eps_s - r^eps_d) = -(1 - sigma) x
    (reserve.market.isoelastic_absorption), one r for the release's rate.
    """
    start, days = s.path_release_start_day, s.path_release_days
    x = s.path_release_mbd
    if x == 0 or days == 0:
        return observed
    from scipy.optimize import brentq

    from .market import isoelastic_absorption
    from .responses import offset_share
    moved = (1.0 - offset_share(s)) * x
    if s.price_model == "linear":
        room = s.demand_mbd * (s.supply_elasticity - s.demand_elasticity)
        if moved >= room:
            raise InputError("path_release_mbd", x,
                             f"below {room:.2f} mb/d: a linear market that lost this much "
                             "would have had no price")
        ratio = 1.0 - moved / room
    else:
        def gap(r):
            return float(isoelastic_absorption(r - 1.0, 1.0, s.demand_mbd, s.demand_elasticity,
                                               s.supply_elasticity)) + moved
        ratio = brentq(gap, 1e-9, 1.0, xtol=1e-14)
    out = observed.copy()
    out[start:start + days] /= ratio
    return out


def _where(path: Path, row: int) -> str:
    return f"{path.name} row {row}"


def time_cell(text: str, dated: bool, where: str, option: str):
    """A row's date (an ISO date, with ``dated``) or day number; ``where``
    names the file and row for the message."""
    if dated:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise InputError(option, text, f"{where}: an ISO date such as 2008-10-22") from None
    try:
        day = float(text)
    except ValueError:
        day = math.nan
    if not math.isfinite(day):
        raise InputError(option, text, f"{where}: a day number")
    return day


def days_from_first(times: list, dated: bool) -> np.ndarray:
    """Days after the first row's date or day [d]."""
    if dated:
        return np.array([(t - times[0]).days for t in times], dtype=float)
    return np.array(times, dtype=float) - times[0]


def read_price_path(path: str | Path) -> PricePath:
    """Read and check a price path; every problem is an InputError naming the row."""
    path = Path(path)
    rows = read_csv_rows(read_text(path, OPTION, "CSV file"), OPTION)
    if not rows:
        raise InputError(OPTION, str(path), "a header row and at least two price rows")
    header = [c.lower() for c in rows[0][:2]]
    if header not in (["day", "price_usd_per_bbl"], ["date", "price_usd_per_bbl"]):
        raise InputError(OPTION, ",".join(rows[0]),
                         "a header 'day,price_usd_per_bbl' or 'date,price_usd_per_bbl'")
    dated = header[0] == "date"
    times, prices = [], []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) < 2 or row[0] == "" or row[1] == "":
            raise InputError(OPTION, ",".join(row), f"{_where(path, number)}: a "
                             f"{header[0]} and a price, neither missing")
        times.append(time_cell(row[0], dated, _where(path, number), OPTION))
        prices.append(check_price(row[1], _where(path, number), OPTION))
    if len(prices) < 2:
        raise InputError(OPTION, str(path), "at least two price rows")
    for i in range(1, len(times)):
        if times[i] == times[i - 1]:
            raise InputError(OPTION, str(times[i]),
                             f"{_where(path, i + 2)}: one row per {header[0]} (repeated)")
        if times[i] < times[i - 1]:
            raise InputError(OPTION, str(times[i]), f"{_where(path, i + 2)}: rows in "
                             f"increasing {header[0]} order (after {times[i - 1]})")
    return PricePath(days_from_first(times, dated), np.array(prices),
                     times[0] if dated else None)

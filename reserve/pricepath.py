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
    (covering the scenario's own horizon, else an InputError), per-period
    prices already (used as they are), or None (a constant price)."""
    if isinstance(path, PricePath):
        return path.per_period(scenario.horizon_days // scenario.time_step_days,
                               scenario.time_step_days)
    return path


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

"""Files of many price paths (``--paths``), wide or long, as tools hand them over.

Two layouts are read, with the same result:

- **wide**, as `reserve paths` writes it: a column ``day`` (or ``date``),
  then a column a path (``path_1``, ``path_2``, ... or any names)::

      day,path_1,path_2
      0,66.75,66.75
      1,67.10,66.02

- **long**, as pandas (``DataFrame.melt``) or R (``tidyr::pivot_longer``)
  hand it over: one row a path and day, columns ``path``, ``day`` (or
  ``date``) and ``price_usd_per_bbl``, in any order and any row order
  (paths named by numbers are taken in their order, others as they first
  appear)::

      path,day,price_usd_per_bbl
      1,0,66.75
      1,1,67.10

Day 0 is the first day (the earliest date). Every path must have the same
days; between them prices are interpolated linearly to whole days, as for a
single price path (:mod:`reserve.pricepath`). Prices must lie within the
bounds of ``price_usd_per_bbl``; every problem names the file, the row and
the value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import InputError
from .files import read_text
from .pricepath import days_from_first, time_cell
from .scenariofile import read_csv_rows
from .schema import check_price


def _daily(days: np.ndarray, prices: np.ndarray) -> np.ndarray:
    """Prices [paths, days] at every whole day from 0 to the last, interpolated."""
    grid = np.arange(int(days[-1]) + 1)
    return np.array([np.interp(grid, days, p) for p in prices])


def read_paths(path, option: str = "prices") -> np.ndarray:
    """Daily prices [paths, days] from a wide or long file (module docstring)."""
    path = Path(path)
    rows = read_csv_rows(read_text(path, option, "CSV file"), option)
    if len(rows) < 3 or not rows[0]:
        raise InputError(option, str(path), "a header row and two or more rows of prices")
    header = [c.strip().lower() for c in rows[0]]
    if "path" in header:
        return _read_long(path, rows, header, option)
    if header[0] not in ("day", "date") or len(header) < 2:
        raise InputError(option, ",".join(rows[0]),
                         "a header 'day,path_1,path_2,...' (wide, as reserve paths writes "
                         "it) or 'path,day,price_usd_per_bbl' (long)")
    dated = header[0] == "date"
    width = len(header)
    times, values = [], []
    for number, row in enumerate(rows[1:], start=2):
        where = f"{path.name} row {number}"
        if len(row) != width:
            raise InputError(option, f"{len(row)} cells", f"{where}: {width} cells, as the header")
        times.append(time_cell(row[0], dated, where, option))
        values.append([check_price(c, where, option) for c in row[1:]])
    _check_order(times, path, option, header[0], first_row=2)
    return _daily(days_from_first(times, dated), np.array(values).T)


def _check_order(times: list, path: Path, option: str, what: str, first_row: int) -> None:
    for i in range(1, len(times)):
        if not times[i] > times[i - 1]:
            raise InputError(option, str(times[i]), f"{path.name} row {first_row + i}: "
                             f"rows in increasing {what} order, one a {what} "
                             f"(after {times[i - 1]})")


def _path_order(by_path: dict) -> list:
    """Paths named by numbers in their numeric order, others as they first appear."""
    names = list(by_path)
    try:
        return sorted(names, key=float)
    except ValueError:
        return names


def _read_long(path: Path, rows: list, header: list, option: str) -> np.ndarray:
    time_name = "day" if "day" in header else "date" if "date" in header else None
    price_name = "price_usd_per_bbl" if "price_usd_per_bbl" in header else None
    if time_name is None or price_name is None:
        raise InputError(option, ",".join(rows[0]),
                         "a long file's header: path, day (or date) and price_usd_per_bbl")
    i_path, i_time, i_price = (header.index(n) for n in ("path", time_name, price_name))
    dated = time_name == "date"
    by_path: dict[str, list] = {}
    for number, row in enumerate(rows[1:], start=2):
        where = f"{path.name} row {number}"
        if len(row) != len(header):
            raise InputError(option, f"{len(row)} cells",
                             f"{where}: {len(header)} cells, as the header")
        by_path.setdefault(row[i_path], []).append(
            (time_cell(row[i_time], dated, where, option), check_price(row[i_price], where, option),
             number))
    first = None
    prices = []
    for name in _path_order(by_path):
        points = by_path[name]
        points.sort(key=lambda p: p[0])
        times = [p[0] for p in points]
        for a, b in zip(points, points[1:]):
            if a[0] == b[0]:
                raise InputError(option, str(b[0]), f"{path.name} row {b[2]}: one row per "
                                 f"path and {time_name} (path {name} repeats it)")
        if first is None:
            first = times
        elif times != first:
            raise InputError(option, f"path {name}", f"the same {time_name}s as path "
                             f"{next(iter(by_path))} (every path over the same days)")
        prices.append([p[1] for p in points])
    if len(first) < 2:
        raise InputError(option, str(path), f"two or more {time_name}s a path")
    return _daily(days_from_first(first, dated), np.array(prices))

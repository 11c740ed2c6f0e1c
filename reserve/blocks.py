"""One constraint family's rows as numpy arrays, and the index sets they run over.

The building block of :mod:`reserve.equations` and :mod:`reserve.market_equations`:
a family writes its rows as a :class:`Block` of (row, column, value)
entries over the column layout of :mod:`reserve.layout`, with each row's
bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problem import ProblemData

# -- the rows -------------------------------------------------------------------------

@dataclass
class Block:
    """One constraint family's rows: entries (local row, column, value) and bounds."""

    name: str
    doc: str
    sets: tuple                    # index sets of its rows, e.g. ("T",), ("LEASE", "T")
    labels: np.ndarray             # each row's index (period, or lease and period)
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def block(rule, sets, labels, entries, lower, upper) -> Block:
    """The :class:`Block` of family ``rule`` from its entries (rows, columns, values),
    each broadcast to its rows, and its rows' bounds."""
    labels = np.asarray(labels)
    count = len(labels)
    rows, cols, vals = [], [], []
    for r, c, v in entries:
        r = np.asarray(r, dtype=np.int32)
        rows.append(r)
        cols.append(_spread(c, np.int32, r.shape))
        vals.append(_spread(v, float, r.shape))
    return Block(rule.__name__, rule.__doc__ or "", sets, labels,
                 np.concatenate(rows) if rows else np.zeros(0, np.int32),
                 np.concatenate(cols) if cols else np.zeros(0, np.int32),
                 np.concatenate(vals) if vals else np.zeros(0),
                 np.broadcast_to(np.asarray(lower, float), (count,)).copy(),
                 np.broadcast_to(np.asarray(upper, float), (count,)).copy())


def _spread(values, dtype, shape) -> np.ndarray:
    """``values`` as an array of ``shape``: a scalar repeated, an array as it is
    (or broadcast); without numpy's general broadcasting where none is needed,
    which was a third of a model's build."""
    a = np.asarray(values, dtype=dtype)
    if a.shape == shape:
        return a
    if a.ndim == 0:
        return np.full(shape, a, dtype=dtype)
    return np.broadcast_to(a, shape)


def periods(d: ProblemData, which: str) -> np.ndarray:
    """The periods of index set ``which`` (only that one is computed)."""
    return PERIODS[which](d)


#: The index sets of the rows: all periods, the horizon's, the liquidation's,
#: the window's, and those the off-window bound holds.
PERIODS = {"T": lambda d: np.arange(d.n_periods), "H": lambda d: np.arange(d.n_horizon),
           "LIQ": lambda d: np.arange(d.n_horizon, d.n_periods), "W": lambda d: d.window,
           "OFF": lambda d: np.flatnonzero(d.bounded)}

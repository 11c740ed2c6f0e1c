"""Many paths' least-cost models stacked into one MILP, the design shared.

For ``reserve size --reliability`` (:mod:`reserve.reliability`): each path's
model, as HiGHS holds it, becomes a block of rows and of private columns
(its schedule); the design's columns (storage, fill and release capacity,
build-or-not) are shared by every block, and a binary a path lets it go
(its price conditions relaxed) where the reliability allows.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from .highslp import highs_lp, lp_entries, new_highs


@dataclass
class PathBlock:
    """One path's model as HiGHS holds it (its columns in the session's order)."""

    col_cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: tuple           # (rows, columns, values) of its nonzeros
    integer: np.ndarray     # bool per column
    offset: float


def path_block(lp) -> PathBlock:
    integer = np.zeros(lp.num_col_, bool)
    if len(lp.integrality_):
        integer = np.array([v == highspy.HighsVarType.kInteger for v in lp.integrality_])
    return PathBlock(np.array(lp.col_cost_), np.array(lp.col_lower_), np.array(lp.col_upper_),
                  np.array(lp.row_lower_), np.array(lp.row_upper_), lp_entries(lp), integer,
                  float(lp.offset_))


@dataclass
class Layout:
    """Where each path's columns sit in the combined model."""

    n_design: int
    n_private: int
    design: np.ndarray
    private: np.ndarray
    u_columns: np.ndarray

    def columns(self, p: int) -> np.ndarray:
        """Combined column of each of path p's model columns."""
        out = np.empty(len(self.design) + len(self.private), dtype=np.int64)
        out[self.design] = np.arange(self.n_design)
        out[self.private] = self.n_design + p * self.n_private + np.arange(self.n_private)
        return out


def combined(blocks: list, design: np.ndarray, private: np.ndarray, band_rows: np.ndarray,
              allowed_failures: int):
    """One HiGHS model of every path's block, the design shared, a binary a path."""
    n_paths, n_rows = len(blocks), len(blocks[0].row_lower)
    layout = Layout(len(design), len(private), design, private, np.empty(0, np.int64))
    n_cols = len(design) + n_paths * len(private)
    with_binaries = allowed_failures > 0
    if with_binaries:
        layout.u_columns = n_cols + np.arange(n_paths)
        n_cols += n_paths
    rows, cols, vals = [], [], []
    cost, lower, upper, integer = (np.zeros(n_cols), np.full(n_cols, -np.inf),
                                   np.full(n_cols, np.inf), np.zeros(n_cols, bool))
    row_lower, row_upper = [], []
    for p, b in enumerate(blocks):
        where = layout.columns(p)
        block_rows, block_cols, block_vals = b.matrix
        rows.append(block_rows + p * n_rows)
        cols.append(where[block_cols])
        vals.append(block_vals)
        # the design's cost is the paths' mean, each path's own cost a P-th
        cost[where[private]] = b.col_cost[private] / n_paths
        cost[where[design]] += b.col_cost[design] / n_paths
        # a design's bounds hold on every path
        lower[where] = np.maximum(lower[where], b.col_lower)
        upper[where] = np.minimum(upper[where], b.col_upper)
        integer[where] |= b.integer
        row_lower.append(b.row_lower)
        row_upper.append(b.row_upper)
        if with_binaries:
            lo, hi = b.row_lower[band_rows], b.row_upper[band_rows]
            shift = np.where(lo > 0, lo, np.where(hi < 0, hi, 0.0))
            shift = np.where(np.abs(shift) < 1e19, shift, 0.0)
            keep = shift != 0
            rows.append(band_rows[keep] + p * n_rows)
            cols.append(np.full(int(keep.sum()), layout.u_columns[p]))
            vals.append(shift[keep])
    row_lower, row_upper = np.concatenate(row_lower), np.concatenate(row_upper)
    if with_binaries:
        lower[layout.u_columns], upper[layout.u_columns] = 0.0, 1.0
        integer[layout.u_columns] = True
        rows.append(np.full(n_paths, n_paths * n_rows))
        cols.append(layout.u_columns)
        vals.append(np.ones(n_paths))
        row_lower = np.append(row_lower, -np.inf)
        row_upper = np.append(row_upper, float(allowed_failures))
    lp = highs_lp(len(row_lower), n_cols,
                  (np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)),
                  (lower, upper), (row_lower, row_upper), cost, integer,
                  offset=float(np.mean([b.offset for b in blocks])))
    highs = new_highs()
    highs.passModel(lp)
    return highs, layout

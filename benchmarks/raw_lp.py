"""What the raw floors share: an LP from numpy triplets, into a quiet HiGHS.

No reserve code, so a floor run as a whole process pays only numpy's and
highspy's imports.
"""

from __future__ import annotations

import highspy
import numpy as np


def lp_of(cost, col_bounds, row_bounds, rows, cols, vals) -> highspy.HighsLp:
    """The LP min cost.x, col_bounds on x, row_bounds on A x, A given as (row,
    column, value) triplets without repeats; infinite bounds are HiGHS's."""
    n_cols, n_rows = len(cost), len(row_bounds[0])
    order = np.lexsort((rows, cols))
    rows, cols, vals = (np.asarray(v)[order] for v in (rows, cols, vals))
    inf = highspy.kHighsInf

    def bound(values, sign):
        values = np.asarray(values, float)
        return np.where(np.isfinite(values), np.clip(values, -1e20, 1e20), sign * inf)

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, n_rows
    lp.col_cost_ = np.asarray(cost, float)
    lp.col_lower_, lp.col_upper_ = bound(col_bounds[0], -1), bound(col_bounds[1], 1)
    lp.row_lower_, lp.row_upper_ = bound(row_bounds[0], -1), bound(row_bounds[1], 1)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n_cols, n_rows
    lp.a_matrix_.start_ = np.concatenate(
        [[0], np.cumsum(np.bincount(cols, minlength=n_cols))]).astype(np.int32)
    lp.a_matrix_.index_ = rows.astype(np.int32)
    lp.a_matrix_.value_ = vals.astype(float)
    return lp


def quiet_highs(lp: highspy.HighsLp) -> highspy.Highs:
    """HiGHS holding ``lp``: one thread, nothing printed (as reserve runs it)."""
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.passModel(lp)
    return highs

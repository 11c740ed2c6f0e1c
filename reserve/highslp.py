"""HiGHS itself: a quiet instance, a run Ctrl-C can stop, a model from numpy arrays."""

from __future__ import annotations

import os
import signal
import sys
import threading

import highspy
import numpy as np

try:        # the signal module's C core: its Python wrappers turn each handler into
    import _signal as _handlers    # an enum by a raised ValueError, 30 us a run
except ImportError:  # pragma: no cover - an interpreter without it
    _handlers = signal

#: HiGHS options: quiet, deterministic, tight MIP gap so MILP answers are exact.
#: Devex pricing in the dual simplex (``simplex_dual_edge_weight_strategy`` 1):
#: HiGHS's default, steepest edge, recomputes its edge weights from scratch
#: whenever rows are added, so each round of tangent cuts (reserve.cuts) and
#: each sweep point paid some 60 ms for a warm re-solve of one or two
#: iterations; with Devex a default sweep point fell from 255 ms to 32-39 ms,
#: and cold solves were no slower (docs/explanation/performance.md).
HIGHS_OPTIONS = {"log_to_console": False, "output_flag": False, "mip_rel_gap": 1e-7,
                 "threads": 1, "simplex_dual_edge_weight_strategy": 1}


_BANNER_SHOWN = False


def new_highs() -> highspy.Highs:
    """A quiet ``highspy.Highs``.

    HiGHS prints its banner to the process's standard output when the first
    instance is made, before any option can silence it; stdout carries
    reserve's data (CSV, JSON), so the banner goes to /dev/null instead.
    """
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        highs = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
                highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
    for name, value in HIGHS_OPTIONS.items():
        highs.setOptionValue(name, value)
    # HiGHS calls back at its checks: a stop asked (solve_interruptibly) ends the run
    highs.reserve_stop = _Stop()         # kept here: HiGHS holds the callback's data unowned
    listen(highs)
    return highs


#: The callbacks HiGHS makes at the checks of its simplex, interior point and MIP runs.
_CHECKS = (highspy.cb.HighsCallbackType.kCallbackSimplexInterrupt,
           highspy.cb.HighsCallbackType.kCallbackIpmInterrupt,
           highspy.cb.HighsCallbackType.kCallbackMipInterrupt)


def check_stop(kind, message, data_out, data_in, stop) -> None:
    """HiGHS's check: stop the run if a stop is asked.

    Written each check, False too: HiGHS keeps the last value it was given,
    and would otherwise stop every later run of a model stopped once.
    """
    data_in.user_interrupt = stop.asked


def listen(highs: highspy.Highs, check=check_stop) -> None:
    """Have HiGHS call ``check(kind, message, data_out, data_in, stop)`` at
    each of its checks, ``stop`` the instance's :class:`_Stop`.

    Straight to highspy's core: highspy's own event layer wraps every check
    in a dispatch and an event object, some 2 us a check and 0.06 ms of a
    sweep point's two warm re-solves. A test listens with its own ``check``
    (one that presses Ctrl-C) and then puts :func:`check_stop` back.
    """
    core = highspy._core._Highs
    core.setCallback(highs, check, highs.reserve_stop)
    for kind in _CHECKS:
        core.startCallback(highs, kind)


class _Stop:
    """Whether a stop has been asked of a HiGHS run (new_highs, solve_interruptibly)."""

    asked = False


def solve_interruptibly(highs: highspy.Highs) -> None:
    """Run HiGHS so that Ctrl-C (or SIGTERM, which the command line raises as
    an interrupt) stops it at its next check and then goes on as it would.

    While HiGHS runs, each signal whose handler is Python's own (Ctrl-C's
    KeyboardInterrupt, the command line's SIGTERM) is caught instead by one
    that asks HiGHS to stop: HiGHS calls back into Python at its checks, and
    that is where a signal's handler runs. Once it has stopped the handlers
    are put back and the signal raised again, so it ends the run as it
    would have. Signals ignored or left to the system (a worker process's)
    keep their way.

    HiGHS runs in the calling thread. highspy's ``startSolve`` runs it in a
    new thread each time and resets HiGHS's thread scheduler after it, which
    cost a sweep point (two warm re-solves) some 1.7 ms, a fifth of its time
    (docs/explanation/performance.md). Threads other than the main one
    receive no signals, so there HiGHS just runs. ``highs`` comes from
    :func:`new_highs`, whose callbacks hear the stop.
    """
    flag = highs.reserve_stop
    flag.asked = False               # a stop asked of an earlier run is not this one's
    if threading.current_thread() is not threading.main_thread():
        highspy._core._Highs.run(highs)
        return
    caught: list[int] = []

    def stop(signum, frame):
        caught.append(signum)
        flag.asked = True

    saved = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        if callable(_handlers.getsignal(sig)):
            saved[sig] = _handlers.signal(sig, stop)
    try:
        highspy._core._Highs.run(highs)
    finally:
        for sig, handler in saved.items():
            _handlers.signal(sig, handler)
    if caught:
        signal.raise_signal(caught[0])   # its own handler now: ends the run as usual


def col_values(highs: highspy.Highs) -> np.ndarray:
    """The last solve's value of every column, as numpy. highspy hands the
    vector over as a Python list; ``np.fromiter`` reads it in less than half
    the time ``np.asarray`` takes (40 against 110 us for 3,300 columns), and
    a sweep point reads two."""
    values = highs.getSolution().col_value
    return np.fromiter(values, float, len(values))


# -- HiGHS's model from numpy arrays ----------------------------------------------------

def by_column(rows, cols, vals, n_cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Matrix entries (rows, columns, values) in compressed-column form:
    each column's first entry (``start``, n_cols + 1 of them), then the
    entries' rows and values, sorted by column and row, an entry given twice
    summed. With numpy alone (scipy's import alone would cost 0.3 s)."""
    rows, cols = np.asarray(rows, np.int64), np.asarray(cols, np.int64)
    order = np.lexsort((rows, cols))
    rows, cols, vals = rows[order], cols[order], np.asarray(vals, float)[order]
    first = np.ones(rows.size, bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    kept = np.flatnonzero(first)
    if kept.size < rows.size:
        rows, cols, vals = rows[kept], cols[kept], np.add.reduceat(vals, kept)
    start = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=n_cols))])
    return start, rows, vals


def highs_lp(n_rows: int, n_cols: int, entries, col_bounds, row_bounds,
             cost=None, integer=None, offset: float = 0.0) -> highspy.HighsLp:
    """A HighsLp from matrix ``entries`` (rows, columns, values: equal-length
    arrays, one a nonzero), column and row (lower, upper) bounds and the
    column costs; infinite bounds become HiGHS's infinity, ``integer`` (bool
    per column) marks integer columns. The matrix is stored by column
    (:func:`by_column`)."""
    start, r, v = by_column(*entries, n_cols)
    inf = highspy.kHighsInf

    def clean(x, sign):
        x = np.asarray(x, float)
        return np.where(np.isinf(x), sign * inf, x)

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, n_rows
    lp.col_cost_ = np.zeros(n_cols) if cost is None else np.asarray(cost, float)
    lp.offset_ = float(offset)
    lp.col_lower_, lp.col_upper_ = clean(col_bounds[0], -1), clean(col_bounds[1], 1)
    lp.row_lower_, lp.row_upper_ = clean(row_bounds[0], -1), clean(row_bounds[1], 1)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n_cols, n_rows
    lp.a_matrix_.start_ = start.astype(np.int32)
    lp.a_matrix_.index_ = r.astype(np.int32)
    lp.a_matrix_.value_ = v.astype(float)
    if integer is not None and np.any(integer):
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in integer]
    return lp


def write_empty_ranges(highs: highspy.Highs, row_bounds, col_bounds) -> None:
    """Write each empty range (lower > upper) of the rows' and the columns'
    (lower, upper) bounds as it is: a model passed whole took it at its upper
    bound, where HiGHS takes it from a change as it is and reports the model
    infeasible."""
    for (lower, upper), change in ((row_bounds, highs.changeRowsBounds),
                                   (col_bounds, highs.changeColsBounds)):
        empty = np.flatnonzero(lower > upper).astype(np.int32)
        if empty.size:
            change(empty.size, empty, lower[empty], upper[empty])


def lp_entries(lp: highspy.HighsLp) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A HighsLp's matrix as (rows, columns, values), whichever way HiGHS stores it."""
    a = lp.a_matrix_
    start, index, value = (np.asarray(x) for x in (a.start_, a.index_, a.value_))
    outer = np.repeat(np.arange(len(start) - 1), np.diff(start))
    if a.format_ == highspy.MatrixFormat.kRowwise:
        return outer, index, value
    return index, outer, value

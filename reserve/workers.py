"""Spreading independent solves over local processes, without losing any.

:func:`run_in_workers` splits the items into contiguous blocks (neighbouring
points stay together, so each process's model re-solves warm from a close
basis), forks one process a block, and streams every result back as it is
solved. So:

- a result solved is a result kept: on Ctrl-C (or SIGTERM, which the command
  line raises as an interrupt) the parent tells the workers to stop after
  the point each is solving, takes every result sent for up to
  :data:`STOP_GRACE_S`, ends the workers and lets the interrupt go on, and
  the caller writes what was solved;
- workers die with their parent: each asks the kernel (Linux
  ``PR_SET_PDEATHSIG``) for SIGTERM when its parent dies, even by ``kill
  -9``; they ignore Ctrl-C, which the parent handles for them.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import queue as queues
import signal
import time
from typing import Callable

import numpy as np

_PR_SET_PDEATHSIG = 1
#: Seconds an interrupted parent waits for its workers' last results before
#: it ends them: a point's solve is usually well under this, and Ctrl-C
#: should answer promptly.
STOP_GRACE_S = 2.0


def solve_all(make_solver: Callable[[], Callable], items: list, workers: int,
              on_result: Callable[[int, object], None]) -> None:
    """Solve ``items`` here, in order, or with ``workers > 1`` in worker processes
    (:func:`run_in_workers`); ``on_result(i, result)`` as each is solved."""
    if workers > 1 and len(items) > 1:
        run_in_workers(make_solver, items, workers, on_result)
        return
    solve = make_solver()
    for i, item in enumerate(items):
        on_result(i, solve(item))


def run_in_workers(make_solver: Callable[[], Callable], items: list, workers: int,
                   on_result: Callable[[int, object], None]) -> None:
    """Solve ``items`` in ``workers`` processes (module docstring).

    ``make_solver()`` is called once in each worker and gives a function of
    one item; ``on_result(i, result)`` is called in the parent as each result
    arrives, in no particular order.
    """
    context = mp.get_context("fork")
    results = context.Queue()
    stop = context.Event()
    parent = os.getpid()
    blocks = [b for b in np.array_split(np.arange(len(items)), workers) if len(b)]
    processes = [context.Process(target=_work,
                                 args=(make_solver, items, block, results, stop, parent),
                                 daemon=True) for block in blocks]
    for process in processes:
        process.start()
    pending = len(items)
    try:
        while pending:
            try:
                i, result, failure = results.get(timeout=0.2)
            except queues.Empty:
                if any(p.exitcode not in (None, 0) for p in processes):
                    raise RuntimeError("a worker process ended without its results") from None
                continue
            if failure is not None:
                raise RuntimeError(f"a worker failed on item {i + 1}: {failure}")
            on_result(i, result)
            pending -= 1
    except KeyboardInterrupt:
        stop.set()
        _take_what_was_sent(results, processes, on_result)
        raise
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)


def _take_what_was_sent(results, processes, on_result) -> None:
    """Results still coming from stopping workers, for up to STOP_GRACE_S."""
    deadline = time.monotonic() + STOP_GRACE_S
    while time.monotonic() < deadline:
        try:
            i, result, failure = results.get(timeout=0.05)
        except queues.Empty:
            if not any(p.is_alive() for p in processes):
                return      # all stopped and their results all taken
            continue
        except (OSError, EOFError, ValueError):
            return
        if failure is None:
            on_result(i, result)


def _work(make_solver, items, block, results, stop, parent: int) -> None:
    """A worker: die with the parent, leave Ctrl-C to it, send each result."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass   # not Linux: the parent ends its workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if os.getppid() != parent:   # the parent died before the request took
        os._exit(1)
    solve = make_solver()
    for i in block.tolist():
        if stop.is_set():
            break
        try:
            results.put((i, solve(items[i]), None))
        except Exception as err:  # noqa: BLE001 - reported by the parent
            results.put((i, None, f"{type(err).__name__}: {err}"))
            break
    results.close()
    results.join_thread()

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
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import InputError

_PR_SET_PDEATHSIG = 1
#: Seconds an interrupted parent waits for its workers' last results before
#: it ends them: a point's solve is usually well under this, and Ctrl-C
#: should answer promptly.
STOP_GRACE_S = 2.0


def solve_all(make_solver: Callable[[], Callable], items: list, workers: int,
              on_result: Callable[[int, object], None], scheduler: str | None = None,
              security=None) -> None:
    """Solve ``items`` here, in order, or with ``workers > 1`` in worker processes
    (:func:`run_in_workers`), or on a Dask ``scheduler`` (:func:`run_on_cluster`);
    ``on_result(i, result)`` as each is solved."""
    if scheduler is not None:
        run_on_cluster(make_solver, items, scheduler, security, on_result)
        return
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


# -- a Dask cluster ------------------------------------------------------------------

def _solve_block(args):
    make_solver, items = args
    solve = make_solver()
    return [solve(item) for item in items]


def dask_security(scheduler: str, ca_file=None, cert_file=None, key_file=None):
    """Dask's TLS settings for ``scheduler``, or None for a plain ``tcp://`` one.

    A Dask client unpickles what the cluster sends back, and unpickling runs
    code: a scheduler or worker that is not ours could run anything in this
    process. ``tls://`` with certificates makes the cluster prove who it is
    (and us to it). Without the three files the Dask configuration's own
    ``distributed.comm.tls`` settings apply (a ``~/.config/dask`` file).
    """
    given = {"tls_ca_file": ca_file, "tls_cert": cert_file, "tls_key": key_file}
    if not scheduler.startswith("tls://"):
        named = [k for k, v in given.items() if v is not None]
        if named:
            raise InputError(named[0], str(given[named[0]]), "only with a tls:// scheduler")
        return None
    try:
        import dask.config
        from distributed.security import Security
    except ImportError:
        raise InputError("scheduler", scheduler, "a Dask cluster, with the optional "
                         "package installed: pip install 'reserve[dask]'") from None
    for option, file in given.items():
        if file is not None and not Path(file).is_file():
            raise InputError(option, str(file), "an existing PEM file")
    if all(v is None for v in given.values()):
        if not dask.config.get("distributed.comm.tls.ca-file", None):
            raise InputError("scheduler", scheduler, "with a tls:// scheduler, the "
                             "certificates: --tls-ca-file, --tls-cert and --tls-key, or a Dask "
                             "configuration that sets distributed.comm.tls")
        return None   # Dask's configuration supplies the certificates
    if None in given.values():
        missing = [k for k, v in given.items() if v is None]
        raise InputError(missing[0], None, "all three of --tls-ca-file, --tls-cert and "
                         "--tls-key (or none, to use the Dask configuration)")
    return Security(tls_ca_file=str(ca_file), tls_client_cert=str(cert_file),
                    tls_client_key=str(key_file), require_encryption=True)


def run_on_cluster(make_solver: Callable[[], Callable], items: list, scheduler: str,
                   security, on_result: Callable[[int, object], None]) -> None:
    """Blocks of ``items`` on an existing Dask cluster (the optional `distributed`
    package), a solver made once a block; ``on_result(i, result)`` in order."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError("scheduler", scheduler, "a Dask cluster, with the optional "
                         "package installed: pip install 'reserve[dask]'") from None
    try:
        client = Client(scheduler, timeout=5, security=security)
    except (OSError, TimeoutError, ValueError, TypeError) as err:
        raise InputError("scheduler", scheduler, f"the address of a running Dask "
                         f"scheduler ({err})") from None
    with client:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        blocks = [b for b in np.array_split(np.arange(len(items)), 4 * n_workers) if len(b)]
        futures = client.map(_solve_block, [(make_solver, [items[i] for i in b])
                                      for b in blocks], pure=False)
        try:
            # in order: rows keep their order
            for block, future in zip(blocks, futures, strict=True):
                for i, result in zip(block.tolist(), future.result(), strict=True):
                    on_result(i, result)
        except KeyboardInterrupt:
            # keep the blocks already done
            for block, future in zip(blocks, futures, strict=True):
                if future.done() and not future.cancelled() and future.exception() is None:
                    for i, result in zip(block.tolist(), future.result(), strict=True):
                        on_result(i, result)
            client.cancel(futures)
            raise

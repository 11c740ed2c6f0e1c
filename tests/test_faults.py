"""Faults a user meets: output targets that are not plain files, Ctrl-C,
SIGTERM and kill -9 with and without worker processes.

These run the real console script in real processes, in a temporary folder
(a FIFO stands for a device: no test writes to a system device).
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reserve.files import write_output

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="signals and /proc are Linux's here")
EXE = shutil.which("reserve")
# some 400 points of about 0.1 s each: long enough to interrupt mid-way
UNCAPPED = ["fill_rate_max_mbd=inf", "storage.floating_storage.capacity_max_mb=inf",
            "storage.floating_storage_tier2.capacity_max_mb=inf"]
LONG_SWEEP = ["sensitivity", "--vary", "demand_elasticity=-0.3:-0.05:400", "--hold-days", "720",
              *[a for item in UNCAPPED for a in ("--set", item)]]


# -- writing --------------------------------------------------------------------

def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    write_output(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


def test_a_fifo_is_written_directly_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    write_output(fifo, "a,b\n1,2\n")
    reader.join(timeout=10)
    assert got == ["a,b\n1,2\n"]
    assert fifo.is_fifo()


def test_dash_is_standard_output(tmp_path, cli):
    sheet = tmp_path / "s.csv"
    sheet.write_text("id,demand_elasticity\na,-0.05\n")
    result = cli("batch", sheet, "-o", "-")
    assert result.returncode == 0, result.stderr
    assert next(csv.DictReader(result.stdout.splitlines()))["status"] == "ok"
    assert not (tmp_path / "-").exists()


def test_a_stale_temporary_of_a_dead_process_is_removed(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".out.csv.reserve-{dead.pid}.tmp"
    stale.write_text("half")
    alive = tmp_path / f".out.csv.reserve-{os.getppid()}.tmp"   # a live process's: kept
    alive.write_text("busy")
    write_output(tmp_path / "out.csv", "whole")
    assert not stale.exists() and alive.exists()
    assert (tmp_path / "out.csv").read_text() == "whole"


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    out = tmp_path / "new.csv"
    write_output(out, "x")
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


# -- signals and workers ---------------------------------------------------------

def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def _default_interrupt() -> None:
    """In the child: Ctrl-C as a terminal delivers it, whatever the suite's own
    launcher did (a shell's background job starts with SIGINT ignored, and a
    process that inherits that ignores the tests' Ctrl-C too)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(args, cwd):
    return subprocess.Popen([EXE, *map(str, args)], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "RESERVE_PROGRESS": "lines"},
                            preexec_fn=_default_interrupt)


class _Stderr:
    """A process's stderr read line by line in a thread, so a test can wait for
    a line that proves work was done (never a fixed sleep)."""

    def __init__(self, process):
        self.lines: list[str] = []
        self._new = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(process.stderr,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for line in stream:
            with self._new:
                self.lines.append(line)
                self._new.notify_all()
        with self._new:
            self.lines.append(None)   # end of stream
            self._new.notify_all()

    def wait_for(self, predicate, what: str, timeout: float = 600.0) -> str:
        """The first line for which ``predicate`` holds; the test fails if the
        stream ends first (the timeout only guards a hung process)."""
        seen = 0
        end = time.monotonic() + timeout
        with self._new:
            while True:
                while seen < len(self.lines):
                    line = self.lines[seen]
                    seen += 1
                    if line is None:
                        pytest.fail(f"the process ended before {what}: {''.join(self.lines[:-1])}")
                    if predicate(line):
                        return line
                if not self._new.wait(timeout=max(end - time.monotonic(), 0.0)):
                    pytest.fail(f"no sign of {what} in {timeout:.0f} s")

    def text(self) -> str:
        self._thread.join(timeout=60)
        return "".join(line for line in self.lines if line is not None)


def _rows_done(line: str, at_least: int) -> bool:
    """A progress line of a batch: 'progress: batch: row 7 (7/400)'."""
    if not line.startswith("progress: batch: row"):
        return False
    done = int(line.rsplit("(", 1)[1].split("/")[0])
    return done >= at_least


def _points_done(line: str, at_least: int) -> bool:
    """A progress line of a sweep: 'progress: ...: ... (7/400)'."""
    if not line.startswith("progress: ") or not line.rstrip().endswith(")"):
        return False
    try:
        return int(line.rsplit("(", 1)[1].split("/")[0]) >= at_least
    except ValueError:
        return False


def _wait_for_workers(process, stderr, count=2, timeout=60.0) -> list[int]:
    """The worker processes, once the sweep says it has solved some points."""
    stderr.wait_for(lambda line: _points_done(line, 4), "four points solved")
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        kids = _children(process.pid)
        if len(kids) >= count:
            return kids
        time.sleep(0.1)
    process.kill()
    pytest.fail("the workers never started")


def _gone(pids, timeout=10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupt_with_workers_keeps_every_solved_row(tmp_path, sig, code):
    out = tmp_path / "rows.csv"
    process = _start([*LONG_SWEEP, "--workers", "2", "-o", out], tmp_path)
    stderr = _Stderr(process)
    workers = _wait_for_workers(process, stderr)
    process.send_signal(sig)
    process.wait()
    assert process.returncode == code, stderr.text()
    assert _gone(workers)
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 400                            # row N answers point N
    statuses = [r["status"] for r in rows]
    assert statuses.count("ok") >= 2, statuses         # both workers' rows are kept
    assert set(statuses) == {"ok", "cancelled"}
    assert not list(tmp_path.glob(".*.tmp"))


def test_workers_die_with_a_parent_killed_outright(tmp_path):
    process = _start([*LONG_SWEEP, "--workers", "2"], tmp_path)
    workers = _wait_for_workers(process, _Stderr(process))
    process.kill()
    process.wait(timeout=10)
    assert _gone(workers), "workers outlived a parent killed with SIGKILL"


def test_ctrl_c_in_batch_writes_solved_rows_and_marks_the_rest(tmp_path):
    sheet = tmp_path / "s.csv"
    names = [item.split("=")[0] for item in UNCAPPED]
    sheet.write_text(",".join(["id", "demand_elasticity", "hold_days", *names]) + "\n" + "".join(
        f"r{i},{-0.3 + 0.0006 * i},720,inf,inf,inf\n" for i in range(400)))
    out = tmp_path / "answers.csv"
    process = _start(["batch", sheet, "-o", out], tmp_path)
    stderr = _Stderr(process)
    stderr.wait_for(lambda line: _rows_done(line, 5), "five rows solved")
    process.send_signal(signal.SIGINT)
    process.wait()
    err = stderr.text()
    assert process.returncode == 130, err
    rows = list(csv.DictReader(out.open()))
    assert [r["id"] for r in rows] == [f"r{i}" for i in range(400)]
    statuses = [r["status"] for r in rows]
    first_cancelled = statuses.index("cancelled")
    assert first_cancelled > 0
    assert set(statuses[:first_cancelled]) == {"ok"}
    assert set(statuses[first_cancelled:]) == {"cancelled"}


def test_ctrl_c_during_a_long_solve_exits_130(tmp_path):
    # some 4,000 daily periods of three leases: minutes to solve
    process = _start(["size", "--hold-days", "4000", "--set", "oil_valuation=cost",
                      "--set", "own_price_effect=false"], tmp_path)
    stderr = _Stderr(process)
    stderr.wait_for(lambda line: line.startswith("progress: started"), "the command starting")
    process.send_signal(signal.SIGINT)
    out = process.stdout.read()   # stderr is the reader thread's alone
    process.wait()
    assert process.returncode == 130, stderr.text()
    assert "interrupted" in stderr.text()
    # HiGHS is stopped, not waited for: no answer comes out (how promptly is
    # measured in benchmarks, not asserted here)
    assert out == ""


def test_an_interrupted_solve_stops_and_the_next_solve_of_the_model_answers(request):
    """A signal that comes while HiGHS runs (raised here from HiGHS's own
    check, so it comes mid-solve) stops the run, and is raised again as a
    KeyboardInterrupt once HiGHS has stopped, with Python's handler back in
    place. The stop was that run's alone: the same model, solved again,
    answers (HiGHS keeps the last interrupt it was told, so reserve tells
    it "no" at every check; under highspy's threads it stayed stopped)."""
    import highspy

    from reserve.highslp import check_stop, listen, solve_interruptibly
    from reserve.problem import build_problem
    from reserve.scenario import build_scenario
    from reserve.session import Session

    session = Session(build_problem(build_scenario(None, {
        "oil_valuation": "cost", "own_price_effect": "false"})))
    highs = session.highs
    checks = []
    # Python's own Ctrl-C, as in a shell or a notebook (a test runner's worker
    # process may ignore SIGINT)
    saved = signal.signal(signal.SIGINT, signal.default_int_handler)
    request.addfinalizer(lambda: signal.signal(signal.SIGINT, saved))

    def ctrl_c(*event):                    # HiGHS is running: press Ctrl-C once
        check_stop(*event)                 # reserve's check, then the key
        checks.append(1)
        if len(checks) == 1:
            signal.raise_signal(signal.SIGINT)
    listen(highs, ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        solve_interruptibly(highs)
    assert highs.getModelStatus() == highspy.HighsModelStatus.kInterrupt
    assert 2 <= len(checks) < 100          # it stopped at its next checks, not at the end
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    listen(highs)                          # reserve's own check again
    solve_interruptibly(highs)
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert session.least_cost()           # and the session's own solve answers

"""Helpers the benchmarks share: timing whole `reserve` calls as a user runs them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time


def reserve_exe() -> str:
    """The installed `reserve` console script (exits with a hint when it is not)."""
    exe = shutil.which("reserve")
    if exe is None:
        sys.exit("install the package first: pip install .")
    return exe


def time_cli(*args: str) -> float:
    """Seconds for one fresh `reserve ARGS...` process (imports included);
    default: the main job, `reserve size --target-impact 5 --format csv`."""
    command = [reserve_exe(), *(args or ("size", "--target-impact", "5", "--format", "csv"))]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start

"""A 500-row batch against single runs, measured in one run.

Writes a sheet of 500 rows (elasticities, hold times of 90 or 180 days and
targets of both signs, a few out of reach), times `reserve batch` on it
with 1 and 2 workers, and times single `reserve size` calls, each a fresh
process, as a spreadsheet macro calling the CLI row by row would.

    python benchmarks/bench_batch.py
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROWS = 500


def sheet(path: Path, unreachable: bool) -> None:
    """500 rows; with ``unreachable`` every 7th keeps the default tanker cap and
    some of those are out of reach (each then diagnosed, a few seconds)."""
    rng = np.random.default_rng(0)
    lines = ["id,demand_elasticity,supply_elasticity,hold_days,target_impact_usd_per_bbl,"
             "fill_rate_max_mbd,storage.floating_storage.capacity_max_mb"]
    for i in range(ROWS):
        hold = 90 if i % 2 else 180
        target = 5 if i % 5 else 3
        lines.append(f"row{i},{rng.uniform(-0.35, -0.03):.4f},{rng.uniform(0, 0.15):.4f},"
                     f"{hold},{target},inf,{'inf' if i % 7 or not unreachable else ''}")
    path.write_text("\n".join(lines) + "\n")


def timed(args) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    exe = shutil.which("reserve")
    if exe is None:
        sys.exit("install the package first: pip install .")
    with tempfile.TemporaryDirectory() as tmp:
        single = statistics.median(timed([exe, "size", "-t", "5", "-f", "csv"]) for _ in range(5))
        print(f"single `reserve size` call: {single:.2f} s (median of 5)")
        for unreachable in (False, True):
            path = Path(tmp) / "sheet.csv"
            sheet(path, unreachable)
            for workers in (1, 2):
                out = Path(tmp) / "out.csv"
                total = timed([exe, "batch", str(path), "-o", str(out), "--workers", str(workers)])
                bad = sum(1 for line in out.read_text().splitlines()[1:] if ",infeasible," in line)
                print(f"batch of {ROWS} rows ({bad} out of reach), {workers} worker(s): "
                      f"{total:.2f} s, {total / ROWS * 1000:.1f} ms a row, "
                      f"{single / (total / ROWS):.0f}x a single call a row")


if __name__ == "__main__":
    main()

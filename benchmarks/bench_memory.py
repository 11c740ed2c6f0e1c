"""Peak memory of the many-path commands, against the size of their models.

1. `reserve risk` with foresight on ``--workers 2``: 10,000 paths of a year
   against 20 paths (the same command: imports, the model each worker
   re-solves and the paths' arrays). Each path's answer is one yes or no
   and its model is re-solved in place, so memory should not grow with the
   paths beyond the price array itself (10,000 x 366 x 8 bytes = 29 MB).
2. The reliability MILP (`reserve size --reliability`) on 500 paths of a
   year in two-day steps (OPEN below): `reserve`'s whole process against
   HiGHS alone holding the same combined model (written out by reserve as
   an MPS file, read back by highspy in a process of its own), each run for
   LIMIT_S seconds. HiGHS finds no design in that time: the row measures
   the memory of the model and the search, not an answer.

Every figure is the peak resident memory of the largest process (the
kernel's accounting of each child and the children it waited for), each
started through peak.py by bench_limit.run.

    python benchmarks/bench_memory.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: the reliability case: 500 bootstrapped Brent paths of a year, a $58 floor,
#: storage rentable at once, no cap on rates, the closing stock at cost (the
#: sale after the horizon would double the periods) and two-day steps: daily,
#: the combined model has 3.1 million rows and columns, past the MILP's size
#: check (reserve.reliability.SIZE_MAX, 2 million: about 1 GB in HiGHS)
PATHS, DAYS, FLOOR, LIMIT_S = 500, 365, 58.0, 30.0
OPEN = {"fill_rate_max_mbd": float("inf"), "storage.floating_storage.capacity_max_mb": float("inf"),
        "storage.leased_tanks.build_days": 0, "storage.floating_storage.build_days": 0,
        "hold_days": DAYS - 31, "floor_usd_per_bbl": FLOOR, "oil_valuation": "cost",
        "time_step_days": 2}


def risk_command(n_paths: int) -> list[str]:
    from timing import reserve_exe
    return [reserve_exe(), "risk", "--capacity-mb", "400", "--fill-rate-mbd", "10",
            "--floor", "60", "--n-paths", str(n_paths), "--days", "365", "--seed", "1",
            "--workers", "2", "-f", "json"]


def reliability_reserve(mps: str | None) -> None:
    """The MILP solved by reserve (child process); with ``mps``, its combined
    model is written there instead and not solved."""
    import numpy as np

    import reserve
    from reserve import reliability
    from reserve.paths import generate
    s = reserve.load_scenario(None, **OPEN)
    prices = generate("bootstrap", s.price_usd_per_bbl, s.horizon_days, PATHS, seed=2008)
    if mps:
        def write(highs):
            highs.writeModel(mps)
            raise SystemExit(0)
        reliability.solve_interruptibly = write
    from reserve.errors import SolverFailure
    try:
        answer = reliability.size_reliable(s, prices, 0.9, time_limit_s=LIMIT_S)
    except SolverFailure as failure:   # no design yet in the time limit: memory is the point
        print(f"status=no design in {LIMIT_S:g} s ({failure})"[:80])
        return
    rows = sum(len(sol.fill_mbd) for sol in answer.solutions)
    print(f"status={answer.status} periods={rows} gap={answer.mip_gap:.2e} "
          f"storage={float(np.sum(answer.solutions[0].capacity_mb)):.1f}")


def reliability_raw(mps: str) -> None:
    """HiGHS alone: the same model read from ``mps``, run for the same time (child)."""
    import highspy
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.readModel(mps)
    h.setOptionValue("time_limit", LIMIT_S)
    h.setOptionValue("mip_rel_gap", 1e-7)                     # reserve's options
    h.setOptionValue("simplex_dual_edge_weight_strategy", 1)  # (reserve.highslp)
    h.run()
    lp = h.getLp()
    print(f"status={h.modelStatusToString(h.getModelStatus())} rows={lp.num_row_} "
          f"cols={lp.num_col_} nonzeros={len(lp.a_matrix_.value_)}")


def measure(run) -> dict:
    """Both cases, each child through ``run`` (bench_limit.run: seconds, MB, stdout)."""
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        for n in (20, 10_000):
            seconds, mb, _ = run(risk_command(n))
            out[f"risk_{n}"] = (seconds, mb)
        mps = str(Path(folder) / "reliability.mps")
        me = [sys.executable, str(HERE / "bench_memory.py")]
        run(me + ["reliability-reserve", mps])            # writes the model
        out["reliability_reserve"] = run(me + ["reliability-reserve"])
        out["reliability_raw"] = run(me + ["reliability-raw", mps])
    return out


def main() -> None:
    from bench_limit import run
    m = measure(run)
    small, big = m["risk_20"], m["risk_10000"]
    print(f"reserve risk --workers 2, 10,000 paths vs 20: {big[1]:.0f} MB vs {small[1]:.0f} MB "
          f"({big[1] / small[1]:.2f}; {big[0]:.0f} s vs {small[0]:.1f} s)")
    ours, raw = m["reliability_reserve"], m["reliability_raw"]
    print(f"reliability MILP, {PATHS} paths of {DAYS} days: {ours[1]:.0f} MB vs HiGHS alone "
          f"{raw[1]:.0f} MB ({ours[1] / raw[1]:.2f}); {ours[2].strip()} | {raw[2].strip()}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "reliability-reserve":
        reliability_reserve(sys.argv[2] if len(sys.argv) > 2 else None)
    elif len(sys.argv) > 1 and sys.argv[1] == "reliability-raw":
        reliability_raw(sys.argv[2])
    else:
        main()

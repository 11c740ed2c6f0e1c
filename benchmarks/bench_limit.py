"""Close to the limit: every solve against HiGHS alone, ratios measured in one run.

The floor is HiGHS itself: the same LP written straight into highspy with
numpy (benchmarks/raw_highspy.py, from the model's equations). Every row is
measured in this one run, whole processes where a user waits for one (time
and peak memory from the kernel's accounting of each child):

1. 10-year daily sizing, one storage option: `reserve size` / the raw build
   and solve (goal <= 2);
2. 100-year daily sizing: time (goal <= 1.1) and peak memory (goal <= 1.5);
3. the own-price cost (a QP, solved by Clarabel, reserve.conic) on two
   decades' worth of real daily Brent prices with a floor / the LP of the
   same scenario (goal <= 2), whole processes;
4. a sweep, per point: re-solving one model in place / HiGHS's own warm
   re-solve of the same change (goal <= 1.5);
5. the default `reserve size --target-impact 5` (goal <= 0.5 s), and the
   same without commercial holders;
6. `reserve size --target-impact 5 --range`: 32 cells re-solved warm, against
   32 whole default solves (goal: under 2 s);
7. `reserve equilibrium` on RECS's STO4, 20 x 20 grid: the solve (goal: a few
   seconds) and 1,000 x 200 years simulated (goal: under a minute); their
   floor, a plain numpy time iteration, is still to write (issue 25).

Each result is checked against its other side (the same cost to 1e-6), so a
ratio never compares two different answers.

    python benchmarks/bench_limit.py [--quick]     # --quick: skip the 100-year row
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_equilibrium import sto4_times
from bench_sweep import per_point
from timing import reserve_exe

HERE = Path(__file__).resolve().parent
ONE_OPTION = str(HERE / "one-option.toml")


def run(command: list[str]) -> tuple[float, float, str]:
    """Seconds, peak resident memory [MB] and stdout of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {child.returncode}")
    return elapsed, usage.ru_maxrss / 1024, out


def reserve_cost(out: str) -> float:
    return float(json.loads(out)["total_cost_musd"])


def raw_cost(out: str) -> float:
    return float(out.split("total_cost_musd=")[1].split()[0])


def sizing(hold_days: int) -> dict:
    """`reserve size` against the raw highspy build, both whole processes."""
    ours = run([reserve_exe(), "size", "-s", ONE_OPTION, "--hold-days", str(hold_days),
                "-f", "json"])
    raw = run([sys.executable, str(HERE / "raw_highspy.py"), "--scenario", ONE_OPTION,
               "--set", f"hold_days={hold_days}"])
    a, b = reserve_cost(ours[2]), raw_cost(raw[2])
    assert abs(a - b) <= 1e-6 * abs(b), (a, b)
    return {"ours_s": ours[0], "raw_s": raw[0], "ours_mb": ours[1], "raw_mb": raw[1]}


def brent_path(folder: str, start: str | None = None, end: str | None = None,
               last: int | None = None) -> tuple[str, int]:
    """Days of the shipped Brent history (from ``start`` to ``end``, or the
    ``last`` ones) as a price path file, and how many."""
    import numpy as np

    from reserve.paths import history
    dates, prices = history()
    keep = np.ones(len(prices), bool)
    if start:
        keep &= dates >= np.datetime64(start)
    if end:
        keep &= dates <= np.datetime64(end)
    prices = prices[keep][-last:] if last else prices[keep]
    path = Path(folder) / f"brent-{start}-{end}-{last}.csv"
    lines = ["day,price_usd_per_bbl"] + [f"{d},{p}" for d, p in enumerate(prices)]
    path.write_text("\n".join(lines) + "\n")
    return str(path), len(prices)


#: The QP's cases: a decade of Brent with a $50 floor, and Brent from mid-2014
#: to mid-2024 with a $60 floor and a 5 % discount rate (issue 25).
QP_CASES = (("own-price QP vs the LP, a decade of Brent, $50 floor",
             dict(last=3650), "50", []),
            ("own-price QP vs the LP, Brent 2014-24, $60 floor, 5 %",
             dict(start="2014-06-01", end="2024-06-30"), "60",
             ["--set", "discount_rate=0.05"]))


def qp_against_lp(folder: str, days: dict, floor: str, extra: list[str]) -> dict:
    path, n = brent_path(folder, **days)
    common = [reserve_exe(), "size", "-s", ONE_OPTION, "--price-path", path,
              "--floor", floor, "--set", "lead_days=0", "--hold-days", str(n),
              "--set", "fill_rate_max_mbd=inf", *extra, "-f", "json"]
    lp = run(common)
    qp = run(common + ["--set", "own_price_effect=true"])
    # the premium is a cost the LP does not pay: the QP costs more, never less
    assert reserve_cost(qp[2]) >= reserve_cost(lp[2]) - 1e-6
    return {"lp_s": lp[0], "qp_s": qp[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100-year row")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    rows = []
    ten = [sizing(3650 - 30) for _ in range(options.repeat)]
    ours, raw = (statistics.median(r[k] for r in ten) for k in ("ours_s", "raw_s"))
    rows.append(("10-year daily sizing, one option", f"{ours:.2f} s vs {raw:.2f} s",
                 ours / raw, "<= 2"))
    if not options.quick:
        century = sizing(36500 - 30)
        rows.append(("100-year daily sizing, time", f"{century['ours_s']:.1f} s vs "
                     f"{century['raw_s']:.1f} s", century["ours_s"] / century["raw_s"], "<= 1.1"))
        rows.append(("100-year daily sizing, peak memory", f"{century['ours_mb']:.0f} MB vs "
                     f"{century['raw_mb']:.0f} MB", century["ours_mb"] / century["raw_mb"],
                     "<= 1.5"))
    with tempfile.TemporaryDirectory() as folder:
        for label, days, floor, extra in QP_CASES:
            q = qp_against_lp(folder, days, floor, extra)
            rows.append((label, f"{q['qp_s']:.2f} s vs {q['lp_s']:.2f} s",
                         q["qp_s"] / q["lp_s"], "<= 2"))
    sweep = per_point(200)
    rows.append(("sweep, per point vs HiGHS's warm re-solve",
                 f"{sweep['in_place'] * 1000:.1f} ms vs {sweep['floor'] * 1000:.1f} ms",
                 sweep["in_place"] / sweep["floor"], "<= 1.5"))
    default = statistics.median(
        run([reserve_exe(), "size", "--target-impact", "5", "-f", "csv"])[0]
        for _ in range(max(options.repeat, 5)))
    rows.append(("default reserve size --target-impact 5", f"{default:.2f} s", None,
                 "<= 0.5 s"))
    static = statistics.median(
        run([reserve_exe(), "size", "--target-impact", "5", "-f", "csv", "--set",
             "private_storage_response_mb_per_usd=0"])[0]
        for _ in range(max(options.repeat, 5)))
    rows.append(("  the same without commercial holders", f"{static:.2f} s", None, ""))
    spread = statistics.median(
        run([reserve_exe(), "size", "--target-impact", "5", "-f", "json", "--range"])[0]
        for _ in range(options.repeat))
    cells = 32   # reserve.spread: 4 elasticity pairs x holders off/on x 4 producers
    rows.append(("default --range (32 cells) vs 32 default solves",
                 f"{spread:.2f} s vs {cells * default:.1f} s", spread / (cells * default),
                 "< 2 s"))
    sto4 = sto4_times()
    rows.append(("equilibrium STO4 20 x 20, solve", f"{sto4['solve_s']:.2f} s", None, "<= 5 s"))
    rows.append(("  and 1,000 x 200 years simulated", f"{sto4['simulate_s']:.1f} s", None,
                 "<= 60 s"))
    print(f"{'case':54} {'reserve vs the floor':>24} {'ratio':>6} {'goal':>8}  met")
    for case, figures, ratio, goal in rows:
        shown = "" if ratio is None else f"{ratio:.2f}"
        print(f"{case:54} {figures:>24} {shown:>6} {goal:>8}  {met(figures, ratio, goal)}")


def met(figures: str, ratio: float | None, goal: str) -> str:
    """Whether a row meets its goal: a ratio's (<= X), or a time's (<= X s,
    < X s) against the row's first figure; "" where there is no goal."""
    words = goal.split()
    if len(words) < 2:
        return ""
    bound = float(words[1])
    value = ratio if len(words) == 2 else float(figures.split()[0])
    if value is None:
        return ""
    ok = value < bound if words[0] == "<" else value <= bound
    return "yes" if ok else "NOT MET"


if __name__ == "__main__":
    main()

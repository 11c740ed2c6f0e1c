"""Close to the limit: every solve against its floor, ratios measured in one run.

The floor is HiGHS itself where reserve solves an LP (the same LP written
straight into highspy with numpy: benchmarks/raw_highspy.py and
raw_policy.py, from the model's equations), HiGHS's own warm re-solve where
reserve re-solves, and a plain numpy time iteration where reserve iterates
(plain_sto4.py). Every row is measured in this one run, whole processes
where a user waits for one (time, and peak memory from the kernel's
accounting of each child):

1. 10-year daily sizing, one storage option: `reserve size` / the raw build
   and solve (goal <= 2); 100-year: time (<= 1.1) and peak memory (<= 1.5);
2. the own-price cost (a QP, solved by Clarabel) on two decades' worth of
   real daily Brent prices with a floor / the LP of the same scenario
   (goal <= 2);
3. leases: a 10-year daily model with two leased options / the same with
   them owned (goal <= 3);
4. sweeps, per point: the LP re-solved in place / HiGHS's warm re-solve of
   the same change (goal <= 1.3); the default (premium and closing sale, by
   tangent cuts) / HiGHS's own runs within it (goal <= 1.3);
5. the default `reserve size --target-impact 5` (goal <= 0.5 s);
6. `--range`: the whole command (goal under 2 s), and its re-solves / as
   many single warm re-solves of the default (goal <= 2);
7. `reserve policy` on a 100-level x 3-regime MDP / raw_policy.py (<= 2);
8. `reserve equilibrium` on RECS's STO4, 20 x 20: the solve / plain_sto4.py
   (goal <= 1), and 1,000 x 200 years simulated (goal under a minute);
9. memory: `reserve risk` with foresight on --workers 2, 10,000 paths / 20
   paths plus the 10,000 paths' prices (goal <= 2), and the reliability
   MILP on 500 paths / HiGHS alone holding the same model (goal <= 1.5)
   (bench_memory.py).

Each result is checked against its other side (the same cost or objective),
so a ratio never compares two different answers. Rows measured more than
once (--repeat: the sizing, QP, lease, sweep and --range rows, alternating
their two sides) show the median; policy, STO4 and memory are measured once.

    python benchmarks/bench_limit.py [--quick]     # --quick: skip the 100-year row
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_equilibrium import sto4_times
from bench_leases import time_model
from bench_memory import measure as measure_memory
from bench_sweep import LP_ONLY, per_point
from raw_policy import reserve_sets
from timing import reserve_exe

HERE = Path(__file__).resolve().parent
ONE_OPTION = str(HERE / "one-option.toml")


def run(command: list[str]) -> tuple[float, float, str]:
    """Seconds, peak resident memory [MB] and stdout of one child process,
    started through the small launcher peak.py (its docstring says why)."""
    child = subprocess.run([sys.executable, str(HERE / "peak.py"), *command],
                           capture_output=True, text=True)
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {child.returncode}")
    figures = dict(item.split("=") for item in child.stderr.strip().splitlines()[-1].split())
    return float(figures["seconds"]), float(figures["peak_kb"]) / 1024, child.stdout


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


def qp_against_lp(folder: str, days: dict, floor: str, extra: list[str],
                  repeat: int = 3) -> dict:
    """Medians of ``repeat`` whole processes each, the LP and the QP alternating."""
    path, n = brent_path(folder, **days)
    common = [reserve_exe(), "size", "-s", ONE_OPTION, "--price-path", path,
              "--floor", floor, "--set", "lead_days=0", "--hold-days", str(n),
              "--set", "fill_rate_max_mbd=inf", *extra, "-f", "json"]
    lps, qps = [], []
    for _ in range(repeat):
        lp = run(common)
        qp = run(common + ["--set", "own_price_effect=true"])
        # the premium is a cost the LP does not pay: the QP costs more, never less
        assert reserve_cost(qp[2]) >= reserve_cost(lp[2]) - 1e-6
        lps.append(lp[0])
        qps.append(qp[0])
    return {"lp_s": statistics.median(lps), "qp_s": statistics.median(qps)}


def median_run(measure, repeat: int, key) -> dict:
    """The one of ``repeat`` measurements whose ``key`` (a ratio) is the median."""
    runs = sorted((measure() for _ in range(repeat)), key=key)
    return runs[len(runs) // 2]


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
            q = qp_against_lp(folder, days, floor, extra, options.repeat)
            rows.append((label, f"{q['qp_s']:.2f} s vs {q['lp_s']:.2f} s",
                         q["qp_s"] / q["lp_s"], "<= 2"))
    leases = {True: [], False: []}
    for _ in range(options.repeat):            # alternate, so drift hits both alike
        for leased in (True, False):
            leases[leased].append(time_model(leased)["total"])
    leased, owned = (statistics.median(leases[k]) for k in (True, False))
    rows.append(("leases: 10 years daily, two leased vs owned", f"{leased:.2f} s vs {owned:.2f} s",
                 leased / owned, "<= 3"))
    lp = median_run(lambda: per_point(200, LP_ONLY, rebuild=False), options.repeat,
                    lambda m: m["in_place"] / m["floor"])
    rows.append(("sweep of the LP, per point vs HiGHS's warm re-solve",
                 f"{lp['in_place'] * 1000:.1f} ms vs {lp['floor'] * 1000:.1f} ms",
                 lp["in_place"] / lp["floor"], "<= 1.3"))
    cuts = median_run(lambda: per_point(200, rebuild=False), options.repeat,
                      lambda m: m["in_place"] / m["highs_wall"])
    rows.append(("sweep of the default, per point vs its HiGHS runs",
                 f"{cuts['in_place'] * 1000:.1f} ms vs {cuts['highs_wall'] * 1000:.1f} ms",
                 cuts["in_place"] / cuts["highs_wall"], "<= 1.3"))
    rows.append((f"  its {cuts['runs']:.1f} runs a point vs one warm re-solve a solve",
                 f"{cuts['in_place'] * 1000:.1f} ms vs {cuts['floor'] * 1000:.1f} ms",
                 cuts["in_place"] / cuts["floor"], ""))
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
    rows.append(("default --range, the whole command", f"{spread:.2f} s", None, "< 2 s"))
    r = median_run(range_against_resolves, options.repeat,
                   lambda m: m["range_s"] / m["floor_s"])
    rows.append((f"  its {r['solves']} re-solves ({r['cells']} cells) vs as many single ones",
                 f"{r['range_s']:.2f} s vs {r['floor_s']:.2f} s", r["range_s"] / r["floor_s"],
                 "<= 2"))
    policy = policy_against_raw()
    rows.append(("policy, 100 levels x 3 regimes vs raw highspy",
                 f"{policy['ours_s']:.2f} s vs {policy['raw_s']:.2f} s",
                 policy["ours_s"] / policy["raw_s"], "<= 2"))
    sto4 = sto4_times()
    plain = plain_sto4_time()
    rows.append(("equilibrium STO4 20 x 20, solve vs plain numpy",
                 f"{sto4['solve_s']:.2f} s vs {plain:.2f} s", sto4["solve_s"] / plain, "<= 1"))
    rows.append(("  and 1,000 x 200 years simulated", f"{sto4['simulate_s']:.1f} s", None,
                 "<= 60 s"))
    memory = measure_memory(run)
    (_, small_mb), (big_s, big_mb) = memory["risk_20"], memory["risk_10000"]
    prices_mb = 10_000 * 366 * 8 / 1e6
    rows.append(("risk, foresight, 2 workers: 10,000 paths vs 20 + prices",
                 f"{big_mb:.0f} MB vs {small_mb + prices_mb:.0f} MB",
                 big_mb / (small_mb + prices_mb), "<= 2"))
    rows.append(("  10,000 paths of a year with foresight, time", f"{big_s:.1f} s", None, ""))
    ours_mb, raw_mb = memory["reliability_reserve"][1], memory["reliability_raw"][1]
    rows.append(("reliability MILP, 500 paths, memory vs HiGHS alone",
                 f"{ours_mb:.0f} MB vs {raw_mb:.0f} MB", ours_mb / raw_mb, "<= 1.5"))
    print(f"{'case':54} {'reserve vs the floor':>24} {'ratio':>6} {'goal':>8}  met")
    for case, figures, ratio, goal in rows:
        shown = "" if ratio is None else f"{ratio:.2f}"
        print(f"{case:54} {figures:>24} {shown:>6} {goal:>8}  {met(figures, ratio, goal)}")


def range_against_resolves() -> dict:
    """The default's --range in this process against as many single warm
    re-solves of the default (each a re-solve of an elasticity moved 1 %) as
    it makes: its cells, and each out-of-reach cell's lifted one."""
    from reserve.scenario import build_scenario
    from reserve.spread import answer_range
    from reserve.sweep import Resolver
    s = build_scenario(None, {})
    answer_range(s)                              # imports and first builds paid
    start = time.perf_counter()
    cells = answer_range(s).cells
    range_s = time.perf_counter() - start
    solves = len(cells) + sum(c["status"] == "infeasible" for c in cells)
    resolver = Resolver(s)
    resolver.solve(s, marginal=False)
    times = []
    for k in range(solves):
        moved = s.with_params(demand_elasticity=s.demand_elasticity * (1.01 if k % 2 else 0.99))
        start = time.perf_counter()
        resolver.solve(moved, marginal=False)
        times.append(time.perf_counter() - start)
    return {"cells": len(cells), "solves": solves, "range_s": range_s, "floor_s": sum(times)}


def policy_against_raw() -> dict:
    """`reserve policy` on 100 levels x 3 regimes against raw_policy.py, whole
    processes, the same objective to 1e-9."""
    ours = run([reserve_exe(), "policy", "-f", "json"]
               + [x for s in reserve_sets(100, 3) for x in ("--set", s)])
    raw = run([sys.executable, str(HERE / "raw_policy.py"), "--levels", "100",
               "--regimes", "3"])
    a = float(json.loads(ours[2])["objective"])
    b = float(raw[2].split("objective=")[1].split()[0])
    assert abs(a - b) <= 1e-9 * abs(b), (a, b)
    return {"ours_s": ours[0], "raw_s": raw[0]}


def plain_sto4_time() -> float:
    """Seconds of plain_sto4.solve() on 20 x 20 (in this process)."""
    from plain_sto4 import solve
    start = time.perf_counter()
    solve(20)
    return time.perf_counter() - start


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

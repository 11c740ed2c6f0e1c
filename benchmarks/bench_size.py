"""Where the time goes in `reserve size`, as ratios measured in one run.

Times, for a 180-day, a 3-year and a 30-year daily horizon of the default
question with one storage option (benchmarks/one-option.toml: steel tanks
usable at once): the model's build (the size form, from numpy), its hand-off
to HiGHS and HiGHS's own solve, against building the same model in Pyomo
(``reserve.pyomo_model``, for users who extend it); and the whole CLI call `reserve size --target-impact 5`
(a fresh process: imports included). Each is printed as a ratio to HiGHS's
own solve time of the same horizon, since absolute times drift on a shared
machine and ratios measured side by side do not.

    python benchmarks/bench_size.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from timing import time_cli

from reserve.problem import build_problem
from reserve.scenario import build_scenario
from reserve.session import Session

HORIZONS = {"180 days": 180, "3 years": 3 * 365, "30 years": 30 * 365}
LEAD_DAYS = 30
ONE_OPTION = str(Path(__file__).resolve().parent / "one-option.toml")


def time_model(horizon_days: int) -> dict[str, float]:
    """Build and solve the least-cost model once; seconds per stage."""
    s = build_scenario(ONE_OPTION, {"hold_days": str(horizon_days - LEAD_DAYS)})
    data = build_problem(s)
    session = Session(data)
    assert session.least_cost(data.target_level)
    t = session.timings
    return {"build": t.build_s, "handoff": t.handoff_s, "highs": t.highs_s}


def time_pyomo(horizon_days: int) -> float:
    """Seconds to build the same model as a Pyomo model (imports excluded)."""
    import reserve
    import pyomo.core  # noqa: F401  (its import is not the build)
    data = build_problem(build_scenario(ONE_OPTION, {"hold_days": str(horizon_days - LEAD_DAYS)}))
    start = time.perf_counter()
    reserve.pyomo_model(data)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median kept)")
    args = parser.parse_args()

    cli = statistics.median(time_cli() for _ in range(args.repeat))
    print(f"whole CLI call `reserve size --target-impact 5`: {cli:.2f} s (median of {args.repeat})")
    print()
    print(f"{'horizon':>10} {'periods':>8} {'HiGHS s':>9} {'build/HiGHS':>12} "
          f"{'hand-off/HiGHS':>15} {'total/HiGHS':>12} {'Pyomo build/HiGHS':>18}")
    for label, days in HORIZONS.items():
        repeat = args.repeat if days < 5000 else 1
        runs = [time_model(days) for _ in range(repeat)]
        pyomo = statistics.median(time_pyomo(days) for _ in range(repeat))
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        total = med["build"] + med["handoff"] + med["highs"]
        print(f"{label:>10} {days:>8} {med['highs']:>9.3f} {med['build'] / med['highs']:>12.2f} "
              f"{med['handoff'] / med['highs']:>15.2f} {total / med['highs']:>12.2f} "
              f"{pyomo / med['highs']:>18.2f}")
    # the default CLI call against the 180-day model's HiGHS time
    small = time_model(210)
    print()
    print(f"CLI call / HiGHS solve of the default 210-day model: {cli / small['highs']:.0f}x "
          f"(the CLI pays imports, two solves and the report)")


if __name__ == "__main__":
    main()

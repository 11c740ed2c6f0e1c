"""HiGHS's simplex_dualize_strategy crashes highspy 1.16.0: a reproduction to report.

Issue 25 asked whether HiGHS's option to solve the dual LP instead
(``simplex_dualize_strategy = 1``), once faster on long leased models, still
crashes, and for a minimal reproduction to report if it does. It does: with
the option set, the whole test suite lost nine worker processes to SIGSEGV
and SIGABRT (19 tests).

This script runs, each in a child process with a plain ``highspy.Highs()``
(no reserve options, no callbacks), once with HiGHS's defaults and once with
the dual strategy:

- ``highs_dualize_crash.mps`` beside it: 32 rows, 31 columns, read by
  ``Highs.readModel``. It was cut down from the LP below by deleting rows
  and columns in ever smaller chunks (delta debugging), keeping a cut only
  if the defaults still solved it to optimal and the dual strategy still
  crashed;
- the LP it came from, built with reserve's own code: a plain owned tank, a
  dominant firm's offset of 0.2, weekly lease terms
  (``tests/test_responses.py``'s ``test_offset_share_overrides_the_named_behaviour``),
  1,050 rows and 633 columns, handed over as arrays.

    python benchmarks/highs_dualize_crash.py
    python benchmarks/highs_dualize_crash.py --mps m.mps   # also the 1,050-row LP

Measured with highspy 1.16.0 (the newest on the package index): the defaults
solve both (optimal, 8.68671 and 8.68868 musd). The dual strategy aborts on
the small one (glibc: "free(): invalid pointer") and dies of SIGSEGV on the
large one. gdb puts the large one's fault in ``HFactor::ftranL``, called
from ``HEkk::computePrimal`` in ``HEkk::initialiseForSolve`` in
``HEkk::solve`` in ``HEkk::undualize``; valgrind, on the small MPS file,
reports an invalid read and an invalid write of 8 bytes in
``HFactor::ftranU`` on that same path (a write out of bounds fits the
abort)::

    valgrind python -c "import highspy; h = highspy.Highs();
        h.readModel('highs_dualize_crash.mps');
        h.setOptionValue('simplex_dualize_strategy', 1); h.run()"

So after the dual is solved, the primal's re-solve seems to run with a
factorization that does not fit it.

The MPS file, that command and the backtrace are the report for HiGHS
(github.com/ERGO-Code/HiGHS); this machine has no way to file it. reserve
never sets the option.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

SMALL = Path(__file__).with_name("highs_dualize_crash.mps")

#: A child run: the LP from an MPS file or from arrays (.npz), with the defaults
#: or the dual strategy; it prints HiGHS's status and objective, if it lives.
CHILD = """
import sys, numpy as np, highspy
h = highspy.Highs()
h.setOptionValue("output_flag", False)
if sys.argv[1].endswith(".mps"):
    h.readModel(sys.argv[1])
else:
    data = np.load(sys.argv[1])
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = int(data["n_col"]), int(data["n_row"])
    lp.col_cost_, lp.col_lower_ = data["cost"], data["col_lower"]
    lp.col_upper_, lp.row_lower_, lp.row_upper_ = (data["col_upper"], data["row_lower"],
                                                    data["row_upper"])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_ = data["start"], data["index"]
    lp.a_matrix_.value_ = data["value"]
    h.passModel(lp)
if sys.argv[2] == "dual":
    h.setOptionValue("simplex_dualize_strategy", 1)
h.run()
print(h.modelStatusToString(h.getModelStatus()), h.getInfo().objective_function_value)
"""


def crashing_lp():
    """The LP (a reserve Form) of the test that crashed, as reserve builds it."""
    from reserve.formulation import formulate
    from reserve.problem import build_problem
    from reserve.scenario import build_scenario
    weeks = {f"storage.{name}.{field}": value
             for name, term in (("leased_tanks", 28), ("floating_storage", 91),
                                ("floating_storage_tier2", 91))
             for field, value in (("build_days", 28), ("lease_term_days", term))}
    tank = {"storage.leased_tanks.lease_term_days": 0, "storage.leased_tanks.build_days": 0,
            "storage.leased_tanks.capacity_max_mb": "inf",
            "storage.leased_tanks.existing_mb": 5000, "fill_rate_max_mbd": "inf",
            "release_rate_max_mbd": "inf", "discount_rate": 0, "oil_valuation": "market",
            "own_price_effect": False, "transaction_cost_usd_per_bbl": 0,
            "producer_response": "dominant-firm", "offset_share": 0.2}
    s = build_scenario(None, {**weeks, **tank})
    return formulate(build_problem(replace(s, storage=s.storage[:1])))


def outcomes(model: Path) -> None:
    """Print what HiGHS does with ``model`` (an .mps or .npz file), each way."""
    for strategy in ("defaults", "dual"):
        run = subprocess.run([sys.executable, "-c", CHILD, str(model), strategy],
                             capture_output=True, text=True)
        if run.returncode < 0:
            outcome = f"killed by {signal.Signals(-run.returncode).name}"
        else:
            outcome = (run.stdout.strip().splitlines() or [f"exit {run.returncode}"])[-1]
        label = "HiGHS's defaults" if strategy == "defaults" else "simplex_dualize_strategy = 1"
        print(f"  {label:30} {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mps", help="also write reserve's 1,050-row LP to this MPS file")
    args = parser.parse_args()
    import tempfile
    from importlib import metadata

    import highspy
    import numpy as np

    from reserve.highslp import by_column
    print(f"highspy {metadata.version('highspy')}")
    print(f"{SMALL.name} (32 rows, 31 columns):")
    outcomes(SMALL)
    built = crashing_lp()
    start, index, value = by_column(built.rows, built.cols, built.vals, built.n_cols)
    print(f"reserve's LP it was cut from ({built.n_rows:,} rows, {built.n_cols} columns, "
          f"{value.size:,} entries):")
    with tempfile.TemporaryDirectory() as tmp:
        arrays = Path(tmp) / "lp.npz"
        np.savez(arrays, n_col=built.n_cols, n_row=built.n_rows, cost=built.cost,
                 col_lower=built.col_lower, col_upper=built.col_upper,
                 row_lower=built.row_lower, row_upper=built.row_upper,
                 start=start.astype(np.int32), index=index.astype(np.int32), value=value)
        outcomes(arrays)
    if args.mps:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(built.lp())
        h.writeModel(args.mps)
        print(f"wrote {args.mps}")


if __name__ == "__main__":
    main()

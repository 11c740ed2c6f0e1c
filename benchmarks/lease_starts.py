"""Would a presolve of reserve's own make leases cheaper? Contract starts on a grid.

bench_leases's 10-year daily model (two leased options: tanks by the month,
tankers by the quarter) lets a contract start in any period; HiGHS needs
some 14,000 simplex iterations to choose when. This measures, in one run:

- the model with starts only every k periods (aggregated starts): its time,
  and its cost against the full model's (a coarser grid is a restriction,
  so it can only cost more);
- that restricted answer as a warm start for the full model: the grid's
  optimum solved, then every start allowed again and HiGHS run on from
  that basis, against the full model solved cold;
- the grid's answer priced out (column generation, exact): the starts left
  out whose reduced cost at the restricted optimum is negative are allowed,
  HiGHS runs on warm, and so on until no start left out prices out, which
  proves the restricted optimum the full model's (LP duality).

    python benchmarks/lease_starts.py
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from bench_leases import lease_model
from reserve.session import Session

GRIDS = (2, 5, 10, 30)


def on_grid(data, k: int):
    """``data`` with each lease's contracts starting only every k periods from its first."""
    allowed = data.contract_allowed
    mask = np.zeros_like(allowed)
    for j, first in enumerate(np.argmax(allowed > 0, axis=1)):
        mask[j, first::k] = 1
    return replace(data, contract_allowed=allowed * mask)


def main() -> None:
    data = lease_model()
    start = time.perf_counter()
    full = Session(data)
    assert full.least_cost()
    full_s, full_cost = time.perf_counter() - start, full.total_cost_musd()
    print(f"every start allowed (as reserve solves it): {full_s:.2f} s, "
          f"{full.highs.getInfo().simplex_iteration_count} iterations, {full_cost:,.3f} musd")
    print(f"{'grid':>5} {'alone s':>8} {'cost above':>11} {'then full s':>12} {'iterations':>11}"
          f" {'priced s':>9} {'rounds':>7}")
    contracts = full.columns["contract_mb"]
    for k in GRIDS:
        start = time.perf_counter()
        grid = Session(on_grid(data, k))
        assert grid.least_cost()
        alone = time.perf_counter() - start
        above = grid.total_cost_musd() / full_cost - 1
        h = grid.highs         # every start allowed again, from the grid's basis
        h.changeColsBounds(len(contracts), contracts.astype(np.int32),
                           full.built.col_lower[contracts], full.built.col_upper[contracts])
        h.run()
        warm = time.perf_counter() - start
        assert abs(h.getInfo().objective_function_value
                   - full.highs.getInfo().objective_function_value) <= 1e-7 * abs(full_cost)
        iterations = h.getInfo().simplex_iteration_count
        priced, rounds = price_out(data, k, full)
        print(f"{k:>5} {alone:>8.2f} {above:>11.2e} {warm:>12.2f} {iterations:>11}"
              f" {priced:>9.2f} {rounds:>7}")


def price_out(data, k: int, full: Session) -> tuple[float, int]:
    """Seconds to solve the grid's model and price it out to the full model's
    optimum (module doc), and the rounds it took."""
    start = time.perf_counter()
    grid = Session(on_grid(data, k))
    assert grid.least_cost()
    h, contracts = grid.highs, full.columns["contract_mb"]
    lower, upper = full.built.col_lower[contracts], full.built.col_upper[contracts]
    out = np.flatnonzero(grid.built.col_upper[contracts] < upper)   # the starts left out
    rounds = 0
    while True:
        reduced = np.asarray(h.getSolution().col_dual)[contracts[out]]
        enter = out[reduced < -1e-9]
        if not enter.size:
            break
        rounds += 1
        h.changeColsBounds(enter.size, contracts[enter].astype(np.int32), lower[enter],
                           upper[enter])
        out = np.setdiff1d(out, enter)
        h.run()
    seconds = time.perf_counter() - start
    assert abs(h.getInfo().objective_function_value
               - full.highs.getInfo().objective_function_value) <= 1e-7 * abs(full.total_cost_musd())
    return seconds, rounds


if __name__ == "__main__":
    main()

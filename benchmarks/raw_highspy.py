r"""The floor: the least-cost LP of `reserve size`, written straight into highspy.

No Pyomo: the model's equations (reserve/formulation.py, size form) as numpy
arrays in one sparse matrix, the costs from the same table the Pyomo model
uses (:func:`reserve.costs.total_costs`). For a static market with owned
storage only (no leases, no build-or-not, no own-price premium), which is
what the performance goals compare against. Columns: new capacity
:math:`N_k`, fill and release capacity :math:`F, R`, then :math:`f_t, r_t,
s_t`. Rows, for every period t:

- inventory balance: :math:`s_t - (1 - l\Delta/365) s_{t-1} - \Delta f_t + \Delta r_t = 0`
  (the opening stock on the right in period 0);
- storage limit: :math:`s_t - \sum_k a_{k,t} N_k \le \text{existing}`;
- fill and release limits: :math:`f_t - F \le 0`, :math:`r_t - R \le 0`;
- the price band: :math:`lo_t \le f_t - r_t \le hi_t` (reserve.price_conditions.net_flow_band).

    python benchmarks/raw_highspy.py [--scenario FILE] [--set NAME=VALUE ...]

prints the objective [musd] and the seconds of build and solve; as a whole
process it is the "raw highspy" side of benchmarks/bench_limit.py.
"""

from __future__ import annotations

import argparse
import time

import highspy
import numpy as np

from raw_lp import lp_of, quiet_highs

from reserve.costs import cost_vectors, total_costs
from reserve.price_conditions import net_flow_band
from reserve.problem import ProblemData, build_problem
from reserve.scenario import build_scenario, parse_set


def build_lp(data: ProblemData) -> tuple[highspy.HighsLp, float, dict]:
    """The LP of ``data``, its objective's constant [musd] and its columns by group."""
    if data.leases or data.dynamic or data.premium_musd_per_mbd2 is not None or any(
            o.build_or_not for o in data.options):
        raise SystemExit("raw_highspy: owned storage in a static market only")
    n, k = data.n_periods, len(data.options)
    col_n, col_f, col_r = np.arange(k), k, k + 1
    fill, release, stock = k + 2 + np.arange(n), k + 2 + n + np.arange(n), k + 2 + 2 * n + np.arange(n)
    n_cols = k + 2 + 3 * n
    t = np.arange(n)
    dt, keep = float(data.step_days), data.keep_per_period

    rows, cols, vals, lower, upper = [], [], [], [], []

    def block(row_cols_vals, lo, hi):
        """Add n rows, one a period: entries (column array, value array), bounds."""
        first = sum(len(b) for b in lower)
        for c, v in row_cols_vals:
            rows.append(first + t[:len(c)] if len(c) == n else first + t[1:])
            cols.append(c)
            vals.append(np.broadcast_to(v, len(c)))
        lower.append(np.broadcast_to(lo, n).astype(float))
        upper.append(np.broadcast_to(hi, n).astype(float))

    opening = np.zeros(n)
    opening[0] = keep * data.initial_inventory_mb
    block([(stock, 1.0), (stock[:-1], -keep), (fill, -dt), (release, dt)], opening, opening)
    existing = float(sum(o.existing_mb for o in data.options))
    own = [j for j, o in enumerate(data.options) if not o.leased]
    block([(stock, 1.0)] + [(np.full(n, col_n[j]), -data.usable[j]) for j in own],
          -np.inf, existing)
    block([(fill, 1.0), (np.full(n, col_f), -1.0)], -np.inf, 0.0)
    block([(release, 1.0), (np.full(n, col_r), -1.0)], -np.inf, 0.0)
    lo, hi = net_flow_band(data, data.target_level)
    block([(fill, 1.0), (release, -1.0)], lo, hi)

    cost = np.zeros(n_cols)
    groups = {"new_capacity_mb": col_n, "fill_capacity_mbd": [col_f],
              "release_capacity_mbd": [col_r], "fill_mbd": fill, "release_mbd": release,
              "inventory_mb": stock}
    for group, unit in total_costs(data).items():
        if group in groups:
            cost[groups[group]] = unit
    col_lower, col_upper = np.zeros(n_cols), np.full(n_cols, np.inf)
    col_upper[col_n] = data.new_capacity_max_mb
    col_upper[col_f], col_upper[col_r] = data.fill_rate_max_mbd, data.release_rate_max_mbd
    col_upper[stock[-1]] = data.end_inventory_max_mb
    lp = lp_of(cost, (col_lower, col_upper), (np.concatenate(lower), np.concatenate(upper)),
               np.concatenate(rows), np.concatenate(cols), np.concatenate(vals))
    _, constants = cost_vectors(data)
    return lp, float(sum(constants.values())), groups


def reported_cost(data: ProblemData, x: np.ndarray, groups: dict) -> float:
    """Capital, operating and oil cost of solution ``x`` [musd]: the objective
    without the tie-break, as `reserve size` reports total_cost_musd."""
    costs, constants = cost_vectors(data)
    total = sum(constants.values())
    for part in ("capital", "operating", "oil"):
        for group, unit in costs[part].items():
            if group in groups:
                total += float(np.dot(unit, x[np.asarray(groups[group])]))
    return float(total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--set", action="append", default=[], dest="sets")
    options = parser.parse_args()
    start = time.perf_counter()
    data = build_problem(build_scenario(options.scenario, parse_set(options.sets)))
    lp, constant, groups = build_lp(data)
    highs = quiet_highs(lp)
    built = time.perf_counter()
    highs.run()
    solved = time.perf_counter()
    status = highs.modelStatusToString(highs.getModelStatus())
    objective = highs.getInfo().objective_function_value + constant
    cost = reported_cost(data, np.asarray(highs.getSolution().col_value), groups)
    print(f"{status} objective_musd={objective:.9f} total_cost_musd={cost:.9f} "
          f"build_s={built - start:.3f} solve_s={solved - built:.3f}")


if __name__ == "__main__":
    main()

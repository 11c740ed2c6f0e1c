"""`reserve equilibrium` on RECS's STO4 as RECS sets it: the band on a 20 x 20
grid (availability 0.74-1.4, public stock 0-0.4), solved by time iteration,
then 1,000 paths of 200 years simulated by solving each year's equilibrium.

    python benchmarks/bench_equilibrium.py
"""

from __future__ import annotations

import time
from dataclasses import replace


def sto4_times() -> dict:
    """Seconds to solve STO4 on 20 x 20 and to simulate 1,000 x 200, in this process."""
    from reserve.band_equilibrium import simulate_band, solve_band
    from reserve.equilibrium_runs import load_calibration
    c = replace(load_calibration("recs-sto4"), grid_points=20, public_grid_points=20)
    start = time.perf_counter()
    rules = solve_band(c)
    solved = time.perf_counter() - start
    start = time.perf_counter()
    simulate_band(rules, 200, 1000, seed=0)
    return {"solve_s": solved, "simulate_s": time.perf_counter() - start,
            "iterations": rules.iterations}


if __name__ == "__main__":
    t = sto4_times()
    print(f"STO4 20 x 20: solved in {t['solve_s']:.2f} s ({t['iterations']} iterations); "
          f"1,000 x 200 simulated in {t['simulate_s']:.1f} s")

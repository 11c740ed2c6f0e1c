"""The own-price premium (a convex QP) by each way of solving it, on one model.

The model is reserve's own, as built for HiGHS (``reserve.formulation``): the
least-cost LP plus the premium sum_t w_t n_t^2 on its net flows. Each way
solves that same model, and every answer is checked against the cuts' to
1e-7 relative, so a time never compares two different answers:

- ``cuts``: Kelley's tangent cuts, rounds of warm dual simplex (reserve's way
  before issue 25, kept for MILPs and as the fallback);
- ``highs-qp``: HiGHS's own QP solver, the premium as its Hessian;
- ``conic``: Clarabel, an interior-point conic solver (``reserve.conic``: the
  model's rows and bounds as cones, the premium as its P matrix), reserve's
  way since issue 25;
- ``lp``: the LP without the premium (the floor the issue asks 2x of).

Cases: the decade of Brent with a $50 floor (bench_limit's row), and Brent
from mid-2014 to mid-2024 with a $60 floor and a 5 % discount rate.

    python benchmarks/bench_premium.py [--skip highs-qp]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


from bench_limit import brent_path

HERE = Path(__file__).resolve().parent
ONE_OPTION = str(HERE / "one-option.toml")


def problem(path: str, days: int, floor: float, premium: bool, extra: dict):
    from reserve import api
    from reserve.pricepath import baseline_of
    from reserve.problem import build_problem
    s = api.question(ONE_OPTION, {"lead_days": 0, "fill_rate_max_mbd": "inf",
                                  "own_price_effect": premium, **extra},
                     {"hold_days": days, "floor_usd_per_bbl": floor}, price_path=path)
    return build_problem(s, baseline_of(s.price_path, s))


def by_session(data, premium_by: str) -> tuple[float, float, int]:
    from reserve.session import Session
    start = time.perf_counter()
    session = Session(data, premium_by=premium_by)
    assert session.least_cost()
    seconds = time.perf_counter() - start
    rounds = session.cuts.rounds if session.cuts is not None else 1   # an LP has none
    return session.total_cost_musd(), seconds, rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", action="append", default=[])
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        decade, n1 = brent_path(folder, last=3650)
        mid, n2 = brent_path(folder, "2014-06-01", "2024-06-30")
        cases = (("decade of Brent, $50 floor", decade, n1, 50.0, {}),
                 ("Brent 2014-06 to 2024-06, $60 floor, 5 %", mid, n2, 60.0,
                  {"discount_rate": 0.05}))
        print(f"{'case':42} {'way':9} {'seconds':>8} {'x LP':>6} {'rounds':>7} {'cost musd':>16}")
        for label, path, days, floor, extra in cases:
            lp = problem(path, days, floor, False, extra)
            qp = problem(path, days, floor, True, extra)
            lp_cost, lp_s, _ = by_session(lp, "cuts")
            ref, cut_s, rounds = by_session(qp, "cuts")
            rows = [("lp", lp_cost, lp_s, 1), ("cuts", ref, cut_s, rounds)]
            for way, run in (("highs-qp", lambda: by_session(qp, "hessian")),
                             ("conic", lambda: by_session(qp, "conic"))):
                if way not in options.skip:
                    rows.append((way, *run()))
            for way, cost, seconds, rounds in rows:
                agree = "" if way == "lp" else f"{abs(cost - ref) / abs(ref):.1e}"
                print(f"{label:42} {way:9} {seconds:8.2f} {seconds / lp_s:6.1f} {rounds:7d} "
                      f"{cost:16.6f} {agree}")


if __name__ == "__main__":
    main()

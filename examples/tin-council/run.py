"""A buffer stock's floor on wandering prices: how big for 50 %, 90 % and 99 %?

The International Tin Council defended a floor price for tin with a buffer
stock until, in October 1985, it ran out of money and the floor broke. Here
the same kind of defence guards crude at $60/bbl (10 % under the default's
$66.75) for two years, on 1,000 price paths bootstrapped from Brent's daily
history (`reserve paths`). For each reliability the script finds, by
bisection, the smallest storage whose causal rule (buy below the floor, sell
back above it; no foresight) holds the floor on that share of the paths,
with a fill rate that never binds, and what that design costs.

    python examples/tin-council/run.py
"""

from __future__ import annotations

import reserve
from reserve.paths import generate
from reserve.risk import Design, causal_rule

FLOOR_USD_PER_BBL = 60.0
DAYS = 730
PATHS = 1_000
SEED = 1985
FILL_RATE_MBD = 1e6          # no cap on the rate: storage is what runs out
RENT_USD_PER_BBL_YR = 9.125  # the default scenario's tanker charter, floating_storage


def held_share(scenario, prices, capacity_mb: float) -> tuple[float, object]:
    rule = causal_rule(scenario, prices, Design(capacity_mb, FILL_RATE_MBD, FILL_RATE_MBD, 0.0))
    return float(rule.held.mean()), rule


def smallest_capacity(scenario, prices, share: float) -> float:
    """The least storage [mb] whose rule holds the floor on ``share`` of the paths
    (the held share rises with capacity: more room never breaks a floor sooner)."""
    low, high = 0.0, 100.0
    while held_share(scenario, prices, high)[0] < share:
        high *= 2
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if held_share(scenario, prices, middle)[0] < share else (
            low, middle)
    return high


def rows() -> list[dict]:
    scenario = reserve.load_scenario(None, floor_usd_per_bbl=FLOOR_USD_PER_BBL)
    prices = generate("bootstrap", scenario.price_usd_per_bbl, DAYS, PATHS, seed=SEED)
    out = []
    for share in (0.5, 0.9, 0.99):
        capacity = smallest_capacity(scenario, prices, share)
        held, rule = held_share(scenario, prices, capacity)
        out.append({"reliability": share, "held": held, "capacity_mb": capacity,
                    "rent_musd": capacity * RENT_USD_PER_BBL_YR * DAYS / 365,
                    "oil_spend_musd": float(rule.oil_spend_musd.mean()),
                    "end_stock_mb": float(rule.end_stock_mb.mean())})
    return out


def table() -> list[str]:
    lines = ["| reliability | storage [mb] | rent for 2 years [USD bn] | expected oil bought less sold [USD bn] | expected stock at the end [mb] |",
             "|---|---|---|---|---|"]
    for r in rows():
        lines.append(f"| {r['reliability']:.0%} | {r['capacity_mb']:,.0f} | "
                     f"{r['rent_musd'] / 1000:.1f} | {r['oil_spend_musd'] / 1000:.1f} | "
                     f"{r['end_stock_mb']:,.0f} |")
    return lines


if __name__ == "__main__":
    print("\n".join(table()))

"""The picture of `reserve equilibrium --plot`: the rules, the distribution, survival.

Three panels, each readable alone: the price and the stocks carried out
against availability (the decision rules, floor and cap drawn); the
stationary distribution of the price (the floor drawn); and the share of
paths on which the floor still holds, year by year.
"""

from __future__ import annotations

import numpy as np

from .plot import pyplot


def equilibrium_figure(answer):
    """The figure of an :class:`reserve.equilibrium_runs.EquilibriumAnswer`."""
    plt = pyplot()
    c = answer.calibration
    fig, (rules, spread, alive) = plt.subplots(1, 3, figsize=(14, 4.6))
    table = answer.rule_table(400)   # solved at each point, not interpolated
    band = c.ceiling is not None
    # a band's rules depend on the public stock carried in too: one line style
    # per level; with a disruption chain, each regime's rule, the disrupted pale
    levels = sorted({row.get("public_in") for row in table}, key=lambda g: g or 0.0)
    regimes = sorted({row.get("regime", "") for row in table}, key=lambda r: r != "normal")
    stocks = rules.twinx()
    for regime in regimes:
        pale = dict(alpha=0.45) if regime == "disrupted" else {}
        for n, level in enumerate(levels):
            rows = [row for row in table
                    if row.get("public_in") == level and row.get("regime", "") == regime]
            a, price, private, public = (np.array([row[k] for row in rows]) for k in (
                "availability", "price", "private_stock", "public_stock"))
            style = dict(linestyle=("-", "--", ":")[n % 3], **pale)
            tag = ("" if level is None else f", public stock in {level:.2g}") + (
                f", {regime} years" if regime else "")
            first = n == 0 and regime == regimes[0]
            rules.plot(a, price, color="#1f5fa8", linewidth=2,
                       label=f"price P{tag}" if n == 0 or regime == regimes[0] else None,
                       **style)
            stocks.plot(a, private, color="#e67e22", linewidth=1.5,
                        label=f"private stock S{tag}" if first else None, **style)
            stocks.plot(a, public, color="#27ae60", linewidth=1.5,
                        label=f"public stock G'{tag}" if first else None, **style)
    rules.set_xlabel("availability A (1 = a year's consumption)")
    rules.set_ylabel("price (1 = steady state without a floor)")
    rules.set_ylim(0, max(2.0, 1.2 * (c.ceiling or c.floor or 1.0)))
    stocks.set_ylabel("stock carried out (years of consumption)")
    for bound, name in ((c.floor, "floor"), (c.ceiling, "ceiling")):
        if bound is not None:
            rules.axhline(bound, color="#c0392b", linestyle="--", linewidth=1,
                          label=f"{name} {bound:g}")
    handles = rules.get_legend_handles_labels()
    more = stocks.get_legend_handles_labels()
    rules.legend(handles[0] + more[0], handles[1] + more[1], fontsize=7, loc="upper right")
    rules.set_title("The rules: what a year's availability brings", fontsize=10)

    price = answer.stationary.price.ravel()
    # a defended floor piles most years onto one price: a log scale shows the rest
    spread.hist(price, bins=60, color="#1f5fa8", alpha=0.8)
    spread.set_yscale("log")
    for bound, name in ((c.floor, "floor"), (c.ceiling, "ceiling")):
        if bound is not None:
            at = answer.figures.get(f"share_at_{name}", 0.0)
            spread.axvline(bound, color="#c0392b", linestyle="--", linewidth=1,
                           label=f"{name} {bound:g}: {at:.0%} of years at it")
    if c.floor is not None:
        spread.legend(fontsize=8)
    spread.set_xlabel("price (1 = steady state without a floor)")
    spread.set_ylabel("simulated years (log scale)")
    spread.set_title(f"The price over {price.size:,} simulated years", fontsize=10)

    fell = answer.survival.collapsed_in
    years = answer.survival.price.shape[1]
    held = [100 * float(np.mean((fell < 0) | (fell >= y))) for y in range(years + 1)]
    alive.step(np.arange(years + 1), held, where="post", color="#1f5fa8", linewidth=2)
    alive.set_ylim(0, 102)
    what = "band" if band else "floor"
    alive.set_xlabel("years from the start" if band else "years from the steady state")
    alive.set_ylabel(f"paths on which the {what} holds [%]")
    alive.set_title(f"Survival on {fell.size:,} paths" if c.floor is not None
                    else "No floor in this calibration", fontsize=10)
    for ax in (rules, spread, alive):
        ax.grid(True, color="#dddddd", linewidth=0.6)
    fig.suptitle(f"reserve equilibrium: {c.name}", fontsize=11)
    fig.tight_layout()
    return fig

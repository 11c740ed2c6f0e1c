"""The picture a policy maker looks at: price, flows and stock over time.

Three panels sharing the day axis, readable without the table: baseline and
supported price (window shaded, floor and ceiling drawn), fill and release
[mb/d], inventory against the storage capacity usable each day [mb]. Written
as PNG, SVG or PDF by the file's extension.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .files import write_output
from .results import outputs, schedule

if TYPE_CHECKING:   # annotations only: plots draw answers, they never solve
    from .solve import Answer


def plot_answer(answer: Answer, path: str | Path) -> None:
    """Draw ``answer`` to ``path`` (.png, .svg or .pdf), written whole or not at all."""
    figure_to(answer_figure(answer), path)


def answer_figure(answer: Answer):
    """The schedule chart of ``answer`` as a matplotlib figure."""
    plt = pyplot()
    s, d = answer.scenario, answer.data
    sch = schedule(answer)
    out = outputs(answer)
    start = getattr(s.price_path, "start_date", None)

    def x(days):
        """Days from the decision, or dates when the price path is dated."""
        if start is None:
            return np.asarray(days, float)
        hours = np.rint(np.asarray(days, float) * 24).astype("timedelta64[h]")
        return np.datetime64(start, "h") + hours

    day = x(sch["day"] + d.step_days / 2.0)  # plot each period at its middle
    fig, (ax_price, ax_flow, ax_stock) = plt.subplots(
        3, 1, sharex=True, figsize=(10, 8.5), gridspec_kw={"height_ratios": [3, 2, 2]})

    # the window only means something when a target holds there (not for a band)
    window = np.flatnonzero(d.in_window[:d.n_horizon]) if d.has_target else np.array([], dtype=int)
    for ax in (ax_price, ax_flow, ax_stock):
        if window.size:
            ax.axvspan(x(sch["day"][window[0]]), x(sch["day"][window[-1]] + d.step_days),
                       color="#fff3c4", zorder=0, label="_window")
        ax.grid(True, color="#dddddd", linewidth=0.6)

    released = s.path_release_mbd > 0 and s.path_release_days > 0 and s.price_path is not None
    ax_price.plot(day, sch["baseline_price_usd_per_bbl"], color="#888888", linewidth=1.5,
                  label="baseline: the path without its release (model)" if released
                  else "baseline price")
    if released:   # the path as observed, with the release it held
        step = d.step_days
        observed = s.price_path.daily(len(day) * step).reshape(len(day), step).mean(axis=1)
        ax_price.plot(day, observed, color="#444444", linewidth=1.0, linestyle=":",
                      label=f"observed, with {s.path_release_mbd:g} mb/d released "
                            f"for {s.path_release_days} d")
    ax_price.plot(day, sch["price_usd_per_bbl"], color="#1f5fa8", linewidth=2,
                  label="price with the reserve")
    for name, label in (("floor_usd_per_bbl", "floor"), ("ceiling_usd_per_bbl", "ceiling")):
        if s[name] is not None:
            ax_price.axhline(s[name], color="#c0392b", linestyle="--", linewidth=1.2,
                             label=f"{label} ${s[name]:.2f}")
    ax_price.set_ylabel("crude price [USD/bbl]")
    ax_price.legend(loc="best", fontsize=9)
    if window.size:
        ax_price.text(x(sch["day"][window[0]]), ax_price.get_ylim()[1], " window",
                      va="top", fontsize=9, color="#8a6d00")

    ax_flow.fill_between(day, sch["fill_mbd"], step="mid", color="#2e8b57", alpha=0.7,
                         label="fill (absorb)")
    ax_flow.fill_between(day, -sch["release_mbd"], step="mid", color="#c0392b", alpha=0.7,
                         label="release")
    ax_flow.axhline(0, color="black", linewidth=0.6)
    ax_flow.set_ylabel("flow [mb/d]")
    ax_flow.legend(loc="best", fontsize=9)

    ax_stock.plot(day, sch["inventory_mb"], color="#6a3d9a", linewidth=2, label="inventory")
    ax_stock.step(day, answer.solution.usable_capacity_mb, where="mid", color="black",
                  linestyle="--", linewidth=1.2, label="storage capacity usable")
    ax_stock.set_ylabel("stock [mb]")
    ax_stock.set_xlabel("day from decision" if start is None else
                        f"date (day 0, the decision: {start.isoformat()})")
    if start is not None:
        fig.autofmt_xdate()
    ax_stock.legend(loc="best", fontsize=9)

    if answer.mode == "size":
        head = (f"{out['storage_capacity_mb']:,.0f} mb of storage, fill "
                f"{out['fill_capacity_mbd']:.2f} mb/d, release {out['release_capacity_mbd']:.2f} "
                f"mb/d, present cost ${out['total_cost_musd'] / 1000:.2f} bn")
    else:
        head = (f"a {out['storage_capacity_mb']:,.0f} mb reserve holds at most "
                f"{out['max_impact_usd_per_bbl']:+.2f} USD/bbl for {s.hold_days} days")
    fig.suptitle(f"reserve {answer.mode}: {head}", fontsize=11)
    fig.tight_layout()
    return fig


def svg_text(fig) -> str:
    """A figure as an inline <svg> element (for self-contained HTML)."""
    import matplotlib.pyplot as plt
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def figure_to(fig, path: str | Path) -> None:
    import matplotlib.pyplot as plt
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    buffer = io.StringIO() if fmt == "svg" else io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=120)
    plt.close(fig)
    write_output(path, buffer.getvalue())


def pyplot():
    """matplotlib's pyplot, drawing off screen (Agg): no window opens from the
    command line or a script. In a notebook (a Jupyter kernel), the kernel's
    own backend is kept, so the figures the API returns show inline."""
    import sys

    import matplotlib
    if "ipykernel" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


#: Plain words for the inputs a sweep varies most; others are spelled out
#: from their names and units (see axis_label).
PLAIN_LABELS = {
    "demand_elasticity": "short-run demand elasticity",
    "supply_elasticity": "short-run supply elasticity",
    "demand_elasticity_long_run": "long-run demand elasticity",
    "supply_elasticity_long_run": "long-run supply elasticity",
    "target_impact_usd_per_bbl": "price move held [USD/bbl]",
    "hold_days": "days the price is held [d]",
    "lead_days": "days from decision to window [d]",
    "price_usd_per_bbl": "baseline crude price [USD/bbl]",
    "demand_mbd": "world oil demand [mb/d]",
    "offset_share": "share of the reserve's flow others offset",
    "discount_rate": "discount rate [per year]",
    "fill_rate_max_mbd": "largest fill rate allowed [mb/d]",
    "release_rate_max_mbd": "largest release rate allowed [mb/d]",
    "net_exports_mbd": "owner's net exports [mb/d]",
    "rate_capex_usd_per_bbl_per_day": "cost of fill/release capacity [USD per bbl/d]",
    "rate_lifetime_yr": "life of fill/release equipment [yr]",
    "adjustment_half_life_days": "half-life of the market's adjustment [d]",
    "transaction_cost_usd_per_bbl": "trading cost [USD/bbl]",
    "holding_cost_usd_per_bbl_yr": "holding cost [USD/bbl a year]",
}


def axis_label(name: str) -> str:
    """Plain words and the unit for a parameter's axis."""
    from .sheets import unit_of
    if name in PLAIN_LABELS:
        return PLAIN_LABELS[name]
    unit, _ = unit_of(name)
    words = name
    if name.startswith("storage."):
        _, option, field = name.split(".")
        words = f"{option.replace('_', ' ')}: {field}"
    for suffix in ("_usd_per_bbl_yr", "_usd_per_bbl", "_musd", "_mbd", "_mb", "_days", "_yr"):
        if words.endswith(suffix):
            words = words[:-len(suffix)]
            break
    words = words.replace("_", " ")
    return f"{words} [{unit}]" if unit and unit != "1" else words


def risk_figure(rule, foresight_share: float | None, scenario):
    """The share of paths the causal rule still defends, day by day, with the
    share perfect foresight holds for comparison."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(10, 5))
    day = np.arange(rule.defended_share.size)
    ax.step(day, 100 * rule.defended_share, where="post", color="#1f5fa8", linewidth=2,
            label="causal rule (today's price only): share still holding")
    if foresight_share is not None:
        ax.axhline(100 * foresight_share, color="#c0392b", linestyle="--",
                   label=f"perfect foresight: {100 * foresight_share:.0f} % of paths held")
    band = (f"floor ${scenario.floor_usd_per_bbl:.2f}/bbl"
            if scenario.floor_usd_per_bbl is not None
            else f"ceiling ${scenario.ceiling_usd_per_bbl:.2f}/bbl")
    ax.set_title(f"Share of {rule.held.size:,} price paths on which the reserve still holds "
                 f"the {band}", fontsize=10)
    ax.set_xlabel("days from the start [d]")
    ax.set_ylabel("paths still defended [%]")
    ax.set_ylim(0, 102)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.legend(fontsize=9, loc="lower left")
    fig.tight_layout()
    return fig

"""The picture a policy maker looks at: price, flows and stock over time.

Three panels sharing the day axis, readable without the table: baseline and
supported price (window shaded, floor and ceiling drawn), fill and release
[mb/d], inventory against the storage capacity usable each day [mb]. Written
as PNG or SVG by the file's extension.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from .results import outputs, schedule, write_atomic
from .solve import Answer


def usable_capacity_mb(answer: Answer) -> np.ndarray:
    """Storage capacity usable in each period [mb]: existing, plus new once built."""
    d, sol = answer.data, answer.solution
    existing = np.array([o.existing_mb for o in d.options])
    new = sol.capacity_mb - existing
    return existing.sum() + new @ d.usable


def plot_answer(answer: Answer, path: str | Path) -> None:
    """Draw ``answer`` to ``path`` (.png or .svg), written whole or not at all."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    s, d = answer.scenario, answer.data
    sch = schedule(answer)
    out = outputs(answer)
    day = sch["day"] + d.step_days / 2.0  # plot each period at its middle
    fig, (ax_price, ax_flow, ax_stock) = plt.subplots(
        3, 1, sharex=True, figsize=(10, 8.5), gridspec_kw={"height_ratios": [3, 2, 2]})

    # the window only means something when a target holds there (not for a band)
    window = np.flatnonzero(d.in_window) if d.has_target else np.array([], dtype=int)
    for ax in (ax_price, ax_flow, ax_stock):
        if window.size:
            ax.axvspan(sch["day"][window[0]], sch["day"][window[-1]] + d.step_days,
                       color="#fff3c4", zorder=0, label="_window")
        ax.grid(True, color="#dddddd", linewidth=0.6)

    ax_price.plot(day, sch["baseline_price_usd_per_bbl"], color="#888888", linewidth=1.5,
                  label="baseline price")
    ax_price.plot(day, sch["price_usd_per_bbl"], color="#1f5fa8", linewidth=2,
                  label="price with the reserve")
    for name, label in (("floor_usd_per_bbl", "floor"), ("ceiling_usd_per_bbl", "ceiling")):
        if s[name] is not None:
            ax_price.axhline(s[name], color="#c0392b", linestyle="--", linewidth=1.2,
                             label=f"{label} ${s[name]:.2f}")
    ax_price.set_ylabel("crude price [USD/bbl]")
    ax_price.legend(loc="best", fontsize=9)
    if window.size:
        ax_price.text(sch["day"][window[0]], ax_price.get_ylim()[1], " window",
                      va="top", fontsize=9, color="#8a6d00")

    ax_flow.fill_between(day, sch["fill_mbd"], step="mid", color="#2e8b57", alpha=0.7,
                         label="fill (absorb)")
    ax_flow.fill_between(day, -sch["release_mbd"], step="mid", color="#c0392b", alpha=0.7,
                         label="release")
    ax_flow.axhline(0, color="black", linewidth=0.6)
    ax_flow.set_ylabel("flow [mb/d]")
    ax_flow.legend(loc="best", fontsize=9)

    ax_stock.plot(day, sch["inventory_mb"], color="#6a3d9a", linewidth=2, label="inventory")
    ax_stock.step(day, usable_capacity_mb(answer), where="mid", color="black",
                  linestyle="--", linewidth=1.2, label="storage capacity usable")
    ax_stock.set_ylabel("stock [mb]")
    ax_stock.set_xlabel("day from decision")
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

    fmt = path.suffix.lower().lstrip(".")
    buffer = io.BytesIO() if fmt == "png" else io.StringIO()
    fig.savefig(buffer, format=fmt, dpi=120)
    plt.close(fig)
    data = buffer.getvalue()
    write_atomic(path, data)

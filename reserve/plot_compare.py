"""The picture of `reserve compare --plot`: the key outputs of A and B as bars.

One panel an output (storage, fill and release capacity, total cost, and the
owner's net benefit), each on its own scale with its unit, the two values
written on their bars. A side with no answer (its target out of reach) has
no bar, and says so in the panel, rather than a bar at zero that would read
as "needs nothing".
"""

from __future__ import annotations

import math

from .plot import pyplot
from .schema import output_label
from .sheets import plain_unit, unit_of

#: The outputs drawn, in panel order.
DRAWN = ("storage_capacity_mb", "fill_capacity_mbd", "release_capacity_mbd",
         "total_cost_musd", "net_benefit_musd")


def compare_figure(found):
    """The figure of a :class:`reserve.compare.Comparison` (module doc)."""
    plt = pyplot()
    la, lb = found.labels
    fig, axes = plt.subplots(1, len(DRAWN), figsize=(3.0 * len(DRAWN), 3.8))
    colours = ("#4c72b0", "#dd8452")
    for ax, name in zip(axes, DRAWN):
        values = [_number(side.outputs.get(name)) for side in (found.a, found.b)]
        for i, value in enumerate(values):
            if value is None:
                ax.text(i, 0, "no answer", ha="center", va="bottom", fontsize=8,
                        color="#888888", rotation=90)
                continue
            ax.bar(i, value, color=colours[i], width=0.6)
            ax.text(i, value, _figure(value), ha="center",
                    va="bottom" if value >= 0 else "top", fontsize=8)
        if all(v is None or v == 0 for v in values):
            ax.set_ylim(-1, 1)      # zeros (or no answer) on both sides: no scale to read
        ax.axhline(0, color="#444444", linewidth=0.8)
        ax.set_xticks([0, 1], ["A", "B"])
        ax.set_xlim(-0.7, 1.7)
        unit = plain_unit(unit_of(name)[0])
        ax.set_title(f"{output_label(name)}\n[{unit}]", fontsize=9)
        ax.margins(y=0.18)
        ax.grid(alpha=0.3, axis="y")
    fig.suptitle(f"A: {found.a.source} ({found.a.kind}, {la})     "
                 f"B: {found.b.source} ({found.b.kind}, {lb})", fontsize=10)
    fig.tight_layout()
    return fig


def _number(value):
    """A finite number (solver noise below 1e-9 read as 0), or None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return 0.0 if abs(value) < 1e-9 else float(value)
    return None


def _figure(value: float) -> str:
    """A bar's value: two decimals when small, none when large."""
    if abs(value) < 10:
        return f"{value:.2f}"
    return f"{value:,.1f}" if abs(value) < 1e4 else f"{value:,.0f}"

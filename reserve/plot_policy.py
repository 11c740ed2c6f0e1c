"""The picture of `reserve policy --plot`: the policy and where the reserve sits.

Two panels, each readable alone: the level chosen for next period against
this period's, one line a regime, with the line where the level is kept
(above it the reserve fills, below it draws); and the long-run share of
periods at each level, by regime.
"""

from __future__ import annotations

import numpy as np

from .plot import pyplot


def policy_figure(answer):
    """The figure of a :class:`reserve.policy.PolicyAnswer` (module doc)."""
    plt = pyplot()
    m = answer.model
    lev = np.asarray(m.levels, float)
    fig, (rule, spread) = plt.subplots(1, 2, figsize=(11, 4.4))
    rule.plot(lev, lev, color="#999999", linewidth=1, linestyle=":", label="keep the level")
    width = 0.8 * (lev[1] - lev[0] if lev.size > 1 else 1.0) / len(m.regimes)
    for i, regime in enumerate(m.regimes):
        rule.plot(lev, lev[answer.next_level[:, i]], marker="o", linewidth=1.5,
                  label=f"{regime} (loses {m.lost_supply[i]:g})")
        spread.bar(lev + (i - (len(m.regimes) - 1) / 2) * width,
                   100 * answer.stationary[:, i], width=width, label=regime)
    rule.set_xlabel("reserve level this period")
    rule.set_ylabel("level chosen for next period")
    rule.set_title("The policy: above the dotted line it fills, below it draws", fontsize=10)
    rule.legend(fontsize=8)
    rule.grid(alpha=0.3)
    spread.set_xlabel("reserve level")
    spread.set_ylabel("share of periods in the long run [%]")
    spread.set_title(f"Where the reserve sits: mean level {answer.mean_level:.2f}",
                     fontsize=10)
    spread.legend(fontsize=8)
    spread.grid(alpha=0.3, axis="y")
    fig.suptitle(f"reserve policy: {m.name}", fontsize=11)
    fig.tight_layout()
    return fig


def sweep_figure(rows: list[dict], name: str):
    """`reserve policy --sweep --plot`: the mean level held and what the
    reserve saves from empty in the first regime, against the swept input."""
    plt = pyplot()
    x = [r[name] for r in rows]
    first = next(k for k in rows[0] if k.startswith("reserve_value_empty_"))
    fig, (level, worth) = plt.subplots(1, 2, figsize=(11, 4.2))
    level.plot(x, [r["mean_level"] for r in rows], marker="o", linewidth=1.5)
    level.set_ylabel("mean level held in the long run")
    level.set_title("How much is held", fontsize=10)
    worth.plot(x, [r[first] for r in rows], marker="o", linewidth=1.5, color="#27ae60")
    worth.set_ylabel("present cost saved against no reserve")
    worth.set_title(f"What it is worth, from empty ({first.rsplit('_', 1)[-1]})",
                    fontsize=10)
    for ax in (level, worth):
        ax.set_xlabel(name)
        ax.grid(alpha=0.3)
    fig.suptitle(f"reserve policy: {rows[0]['model']}, varying {name}", fontsize=11)
    fig.tight_layout()
    return fig

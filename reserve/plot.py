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
    import matplotlib
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


def plot_sweep(rows: list[dict], base, path: str | Path, grid: bool = False) -> None:
    """:func:`sweep_figure` saved to ``path``."""
    figure_to(sweep_figure(rows, base, grid), path)


def sweep_figure(rows: list[dict], base, grid: bool = False):
    """One-way sweeps: storage capacity (top) and total cost (bottom) against each
    parameter, the default marked and out-of-reach points shown on the axis;
    a two-parameter grid: heat maps of both, out-of-reach cells hatched."""
    plt = pyplot()
    from matplotlib.patches import Rectangle
    ok = [r for r in rows if r["status"] == "ok"]
    measures = (("storage_capacity_mb", "storage capacity needed [mb]", 1.0, "#1f5fa8"),
                ("total_cost_musd", "total cost, present value [USD bn]", 1e-3, "#c0392b"))
    if grid:
        names = [k for k in rows[0] if k not in ("sweep",)][:2]
        xs = sorted({r[names[0]] for r in rows})
        ys = sorted({r[names[1]] for r in rows})
        fig, axes = plt.subplots(1, 2, figsize=(13, 5.5))
        for ax, (key, label, scale, _) in zip(axes, measures):
            z = np.full((len(ys), len(xs)), np.nan)
            for r in ok:
                z[ys.index(r[names[1]]), xs.index(r[names[0]])] = r[key] * scale
            image = ax.pcolormesh(_edges(xs), _edges(ys), z, cmap="viridis", shading="flat")
            ex, ey = _edges(xs), _edges(ys)
            for i, j in zip(*np.nonzero(np.isnan(z))):   # out of reach: hatched grey
                ax.add_patch(Rectangle((ex[j], ey[i]), ex[j + 1] - ex[j], ey[i + 1] - ey[i],
                                       facecolor="#eeeeee", edgecolor="#999999", hatch="xx",
                                       linewidth=0.0))
            fig.colorbar(image, ax=ax, label=label)
            ax.set_xlabel(axis_label(names[0]))
            ax.set_ylabel(axis_label(names[1]))
            _mark_default(ax, base, names)
            ax.set_title(label.split(" [")[0] + " (hatched: out of reach)", fontsize=10)
        fig.tight_layout()
        return fig
    sweeps = list(dict.fromkeys(r["sweep"] for r in rows))
    fig, axes = plt.subplots(2, len(sweeps), figsize=(6.5 * len(sweeps), 7), squeeze=False,
                             sharex="col")
    for column, name in enumerate(sweeps):
        points = [r for r in ok if r["sweep"] == name]
        unreached = [r[name] for r in rows if r["sweep"] == name and r["status"] != "ok"]
        x = [r[name] for r in points]
        for row, (key, label, scale, colour) in enumerate(measures):
            ax = axes[row, column]
            ax.plot(x, [r[key] * scale for r in points], "o-", color=colour,
                    label="solved")
            if unreached:
                ax.plot(unreached, [0.0] * len(unreached), "x", color="#333333",
                        markersize=9, clip_on=False, label="out of reach (beyond the limits)")
            default = _default_of(base, name)
            if default is not None:
                ax.axvline(default, color="grey", linestyle=":", linewidth=1.2,
                           label=f"default {default:g}")
            ax.set_ylabel(label)
            ax.set_ylim(bottom=0)
            ax.grid(True, color="#dddddd", linewidth=0.6)
            ax.legend(fontsize=8, loc="best")
        axes[1, column].set_xlabel(axis_label(name))
        axes[0, column].set_title(f"{len(points)} of {len(points) + len(unreached)} points "
                                  "within the scenario's limits", fontsize=10)
    fig.tight_layout()
    return fig


def _edges(values: list[float]) -> np.ndarray:
    """Cell edges around sorted centres (for a heat map of uneven steps)."""
    v = np.asarray(values, float)
    if v.size == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    middle = (v[1:] + v[:-1]) / 2
    return np.concatenate([[2 * v[0] - middle[0]], middle, [2 * v[-1] - middle[-1]]])


def _default_of(base, name: str) -> float | None:
    if name.startswith("storage."):
        _, option, field = name.split(".")
        for o in base.storage:
            if o.name == option:
                value = getattr(o, field)
                return float(value) if np.isfinite(value) else None
        return None
    value = base[name]
    return float(value) if isinstance(value, (int, float)) and np.isfinite(value) else None


def _mark_default(ax, base, names: list[str]) -> None:
    x, y = (_default_of(base, n) for n in names)
    if x is not None and y is not None:
        ax.plot([x], [y], "*", color="white", markeredgecolor="black", markersize=14,
                label="default")
        ax.legend(fontsize=8, loc="lower left")


def plot_tornado(rows: list[dict], centre: dict, path: str | Path) -> None:
    """Tornado: each input's low and high value, the swing of capacity and of cost,
    largest swing first; the default answer (``centre``, its outputs by name,
    {} when out of reach) is the centre line."""
    figure_to(tornado_figure(rows, centre), path)


def tornado_figure(rows: list[dict], centre_values: dict):
    """The tornado chart as a matplotlib figure (see plot_tornado): drawn from
    the answers it is given, never solving.

    A side out of reach within the scenario's limits is drawn hatched at what
    it needs with the caps lifted, so an input that pushes the answer past the
    limits shows its full swing instead of none.
    """
    from .results import with_needs
    plt = pyplot()
    by_name: dict[str, dict] = {}
    for r in rows:
        by_name.setdefault(r["sweep"], {})[r["side"]] = with_needs(r)
    fig, axes = plt.subplots(1, 2, figsize=(13, 0.45 * max(4, len(by_name)) + 2.0))
    for ax, output, label in ((axes[0], "storage_capacity_mb", "storage capacity [mb]"),
                              (axes[1], "total_cost_musd",
                               "total cost, present value [million USD]")):
        centre = float(centre_values.get(output, np.nan))
        bars = []
        for name, sides in by_name.items():
            low, high = sides.get("low", {}), sides.get("high", {})
            lo_v, hi_v = low.get(output, np.nan), high.get(output, np.nan)
            swing = np.nanmax([abs(lo_v - centre), abs(hi_v - centre), 0])
            bars.append((swing, name, (lo_v, low.get("status")), (hi_v, high.get("status"))))
        bars.sort(key=lambda b: b[0])
        for y, (_, name, *sides) in enumerate(bars):
            for (value, status), colour in zip(sides, ("#4a90d9", "#e67e22")):
                if np.isnan(value):
                    ax.plot([centre], [y], "x", color="black")   # a bad input: no answer
                else:
                    ax.barh(y, value - centre, left=centre, color=colour, height=0.6,
                            hatch="//" if status == "infeasible" else None,
                            edgecolor="#333333" if status == "infeasible" else colour)
        ax.set_yticks(range(len(bars)))
        ax.set_yticklabels([axis_label(b[1]) for b in bars], fontsize=8)
        ax.axvline(centre, color="black", linewidth=1)
        ax.set_xlabel(label)
        ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    fig.suptitle("Each input lowered (blue) and raised (orange) by the span, around the "
                 "default answer (black line)\nhatched: beyond the scenario's caps, drawn at "
                 "what it needs with them lifted; x: out of reach even then (build or lead "
                 "times)", fontsize=9)
    axes[0].set_title("storage capacity", fontsize=10)
    axes[1].set_title("total cost", fontsize=10)
    fig.tight_layout()
    return fig


def plot_histograms(rows: list[dict], path: str | Path) -> None:
    """:func:`histograms_figure` saved to ``path``."""
    figure_to(histograms_figure(rows), path)


def histograms_figure(rows: list[dict]):
    """Histograms of storage capacity, fill capacity and cost over every sample
    answered, stacked: within the scenario's limits (blue) and needing more
    (hatched orange, at their needs with the caps lifted); P5, P50 and P95
    of all of them marked, as the quantiles table gives them."""
    from .results import with_needs
    plt = pyplot()
    ok = [r for r in rows if r["status"] == "ok"]
    beyond = [with_needs(r) for r in rows
              if r["status"] == "infeasible" and "needed_storage_mb" in r]
    panels = (("storage_capacity_mb", "storage capacity [mb]"),
              ("fill_capacity_mbd", "fill capacity [mb/d]"),
              ("total_cost_musd", "total cost, present value [million USD]"))
    fig, axes = plt.subplots(1, 3, figsize=(15, 5.6))
    for ax, (name, label) in zip(axes, panels):
        inside = np.array([r[name] for r in ok], float)
        outside = np.array([r[name] for r in beyond], float)
        outside = outside[np.isfinite(outside)]
        every = np.concatenate([inside, outside])
        if every.size:
            bins = np.histogram_bin_edges(every, bins=30)
            ax.hist([inside, outside], bins=bins, stacked=True, color=["#1f5fa8", "#e67e22"],
                    hatch=None, label=["within the limits", "beyond the limits (needs)"])
            for patch in ax.patches[len(bins) - 1:]:
                patch.set_hatch("//")
            for p, style in ((5, ":"), (50, "-"), (95, ":")):
                q = np.percentile(every, p)
                ax.axvline(q, color="#c0392b", linestyle=style, label=f"P{p} {q:,.1f}")
            ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
        ax.set_xlabel(label)
        ax.set_ylabel("samples")
    unanswered = len(rows) - len(ok) - len(beyond)
    fig.suptitle(f"{len(rows)} samples: {len(ok)} within the scenario's limits, {len(beyond)} "
                 "needing more (shown at what they need with the caps lifted)"
                 + (f", {unanswered} with bad inputs" if unanswered else ""), fontsize=10)
    fig.tight_layout()
    return fig


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

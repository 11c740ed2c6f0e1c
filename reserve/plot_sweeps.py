"""Pictures of many solves: sweeps, grids, tornados and the uncertainty histograms.

Each is drawn from the rows it is given, never solving, and is made not to
mislead a reader who looks before reading:

- a point out of reach within the scenario's limits is drawn at what it
  **needs** with the caps lifted (hollow, on a dashed line), never as a mark
  at zero that reads as "needs nothing"; one out of reach even then (a build
  or lead time) is a labelled line across the panel;
- the limits themselves (the storage ready by the window, the fill and
  release caps) are drawn where they bind;
- a heat map's ticks sit on the values sampled and each cell says its value;
- a tornado leaves out inputs that move nothing (named below it), labels its
  sides by the factor applied (an elasticity of -0.1 times 1.25 is -0.125,
  more elastic, not "raised") and writes each bar's value and input.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .plot import axis_label, figure_to, pyplot
from .results import with_needs

#: (output, axis words, scale, colour) of a sweep's two panels.
MEASURES = (("storage_capacity_mb", "storage capacity needed [mb]", 1.0, "#1f5fa8"),
            ("total_cost_musd", "total cost, present value [$ bn]", 1e-3, "#c0392b"))


def storage_ready_mb(s) -> float:
    """The storage the scenario allows by the window's start: each option's
    cap if it can be built (or rented) by then, else what exists of it [mb]."""
    return float(sum(o.capacity_max_mb if o.build_days <= s.lead_days else o.existing_mb
                     for o in s.storage))


def limit_lines(s) -> dict[str, tuple[float, str]]:
    """Where the scenario's limits stand, by output: (value, words), finite only."""
    lines = {"storage_capacity_mb": (storage_ready_mb(s), "storage ready by the window, "
                                     "all caps"),
             "fill_capacity_mbd": (s.fill_rate_max_mbd, "fill cap (fill_rate_max_mbd)"),
             "release_capacity_mbd": (s.release_rate_max_mbd,
                                      "release cap (release_rate_max_mbd)")}
    return {k: v for k, v in lines.items() if np.isfinite(v[0])}


def moves_limits(name: str) -> bool:
    """Whether sweeping ``name`` moves the limits themselves (a cap, a build or
    lead time): the base scenario's line would then be wrong at every other
    point, so none is drawn."""
    return name.startswith("storage.") or name in (
        "lead_days", "fill_rate_max_mbd", "release_rate_max_mbd", "initial_inventory_mb")


def plot_sweep(rows: list[dict], base, path: str | Path, grid: bool = False) -> None:
    """:func:`sweep_figure` saved to ``path``."""
    figure_to(sweep_figure(rows, base, grid), path)


def sweep_figure(rows: list[dict], base, grid: bool = False):
    """One-way sweeps: storage capacity (top) and total cost (bottom) against
    each parameter (module doc); a two-parameter grid: :func:`grid_figure`."""
    if grid:
        return grid_figure(rows, base)
    plt = pyplot()
    sweeps = list(dict.fromkeys(r["sweep"] for r in rows))
    fig, axes = plt.subplots(2, len(sweeps), figsize=(6.5 * len(sweeps), 7.4), squeeze=False,
                             sharex="col")
    limits = limit_lines(base)
    for column, name in enumerate(sweeps):
        mine = sorted((with_needs(r) for r in rows if r["sweep"] == name), key=lambda r: r[name])
        solved = [r for r in mine if r["status"] == "ok"]
        needs = [r for r in mine if r["status"] == "infeasible" and "needed_storage_mb" in r]
        lost = [r for r in mine if r not in solved and r not in needs]
        for row, (key, label, scale, colour) in enumerate(MEASURES):
            ax = axes[row, column]
            drawn = solved + needs
            drawn.sort(key=lambda r: r[name])
            ax.plot([r[name] for r in drawn], [r[key] * scale for r in drawn], "--",
                    color=colour, linewidth=1, alpha=0.6)
            ax.plot([r[name] for r in solved], [r[key] * scale for r in solved], "o",
                    color=colour, label="within the scenario's limits")
            if needs:
                ax.plot([r[name] for r in needs], [r[key] * scale for r in needs], "o",
                        markerfacecolor="white", color=colour,
                        label="beyond the limits: what it would need")
            for r in lost:
                ax.axvline(r[name], color="#999999", linestyle="-.", linewidth=1)
            if lost:
                ax.plot([], [], "-.", color="#999999",
                        label="out of reach even with the caps lifted")
            if key in limits and not moves_limits(name):
                value, words = limits[key]
                ax.axhline(value * scale, color="#555555", linewidth=1.2, linestyle=(0, (6, 2)),
                           label=f"{words}: {value * scale:,.0f}")
            default = _default_of(base, name)
            if default is not None:
                ax.axvline(default, color="grey", linestyle=":", linewidth=1.2,
                           label=f"the scenario's {default:g}")
            ax.set_ylabel(label)
            ax.set_ylim(bottom=0)
            ax.grid(True, color="#dddddd", linewidth=0.6)
            ax.legend(fontsize=8, loc="best")
        axes[1, column].set_xlabel(axis_label(name))
        axes[0, column].set_title(f"{len(solved)} of {len(mine)} points within the "
                                  "scenario's limits", fontsize=10)
    fig.tight_layout()
    return fig


def grid_figure(rows: list[dict], base):
    """Heat maps of storage and cost over two inputs: a cell per pair sampled,
    ticks on the values sampled, each cell's value written in it; a cell out
    of reach is hatched and shows what it would need, in brackets."""
    plt = pyplot()
    from matplotlib.patches import Rectangle
    names = [k for k in rows[0] if k not in ("sweep",)][:2]
    xs = sorted({r[names[0]] for r in rows})
    ys = sorted({r[names[1]] for r in rows})
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.8))
    for ax, (key, label, scale, _) in zip(axes, MEASURES):
        z = np.full((len(ys), len(xs)), np.nan)
        words = {}
        for r in rows:
            i, j = ys.index(r[names[1]]), xs.index(r[names[0]])
            need = with_needs(r).get(key) if r["status"] == "infeasible" else None
            if r["status"] == "ok":
                z[i, j] = r[key] * scale
                words[i, j] = _short(r[key] * scale)
            else:
                words[i, j] = (f"({_short(need * scale)})" if need is not None
                               and np.isfinite(need) else "none")
        image = ax.imshow(z, origin="lower", aspect="auto", cmap="viridis",
                          extent=(-0.5, len(xs) - 0.5, -0.5, len(ys) - 0.5))
        low, high = np.nanmin(z) if np.isfinite(z).any() else 0, np.nanmax(z) \
            if np.isfinite(z).any() else 1
        for (i, j), text in words.items():
            if np.isnan(z[i, j]):
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="#eeeeee",
                                       edgecolor="#999999", hatch="xx", linewidth=0.0))
                colour = "#333333"
            else:
                bright = (z[i, j] - low) / (high - low) > 0.6 if high > low else False
                colour = "black" if bright else "white"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color=colour,
                    bbox=dict(facecolor="white", edgecolor="none", pad=1)
                    if np.isnan(z[i, j]) else None)
        ax.set_xticks(range(len(xs)), [f"{x:.4g}" for x in xs])
        ax.set_yticks(range(len(ys)), [f"{y:.4g}" for y in ys])
        fig.colorbar(image, ax=ax, label=label)
        ax.set_xlabel(axis_label(names[0]))
        ax.set_ylabel(axis_label(names[1]))
        x, y = (_default_of(base, n) for n in names)
        if x is not None and y is not None and xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]:
            # where the scenario's own values fall, between the cells if need be
            ax.plot([np.interp(x, xs, range(len(xs)))], [np.interp(y, ys, range(len(ys)))],
                    "*", color="white", markeredgecolor="red", markersize=15,
                    label=f"the scenario's own ({x:g}, {y:g})")
            ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.12), frameon=False)
        ax.set_title(label.split(" [")[0] + "\nhatched: beyond the limits, with what it "
                     "would need in brackets", fontsize=10)
    fig.tight_layout()
    return fig


def _short(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.2f}"


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


def plot_tornado(rows: list[dict], centre: dict, path: str | Path) -> None:
    """Tornado: each input's low and high value, the swing of capacity and of cost,
    largest swing first; the default answer (``centre``, its outputs by name,
    {} when out of reach) is the centre line."""
    figure_to(tornado_figure(rows, centre), path)


def tornado_figure(rows: list[dict], centre_values: dict):
    """The tornado chart as a matplotlib figure (module doc): a side out of
    reach within the limits is drawn hatched at what it needs with the caps
    lifted; one out of reach even then is an x at the centre."""
    plt = pyplot()
    by_name: dict[str, dict] = {}
    for r in rows:
        by_name.setdefault(r["sweep"], {})[r["side"]] = with_needs(r)
    factors = _factors(by_name)
    panels = (("storage_capacity_mb", "storage capacity [mb]"),
              ("total_cost_musd", "total cost, present value [$ m]"))
    moving = {name for name, sides in by_name.items() for output, _ in panels
              if _swing(sides, output, centre_values) > 1e-6 * max(
                  1.0, abs(float(centre_values.get(output, 0.0))))}
    still = [name for name in by_name if name not in moving]
    shown = {n: s for n, s in by_name.items() if n in moving}
    fig, axes = plt.subplots(1, 2, figsize=(14, 0.55 * max(4, len(shown)) + 2.6))
    for ax, (output, label) in zip(axes, panels):
        centre = float(centre_values.get(output, np.nan))
        order = sorted(shown, key=lambda n: _swing(shown[n], output, centre_values))
        for y, name in enumerate(order):
            for side, colour in (("low", "#4a90d9"), ("high", "#e67e22")):
                r = shown[name].get(side, {})
                value, status = r.get(output, np.nan), r.get("status")
                if not np.isfinite(value):
                    ax.plot([centre], [y], "x", color="black")
                    continue
                ax.barh(y, value - centre, left=centre, color=colour, height=0.6,
                        hatch="//" if status == "infeasible" else None,
                        edgecolor="#333333" if status == "infeasible" else colour)
                if abs(value - centre) > 1e-6 * max(1.0, abs(centre)):   # a bar to label
                    ax.text(value, y, f" {value:,.0f} " if abs(value) >= 10
                            else f" {value:.2f} ", va="center",
                            ha="left" if value >= centre else "right", fontsize=7)
        ax.set_yticks(range(len(order)),
                      [f"{axis_label(n)}\n{_inputs_words(shown[n], n)}" for n in order],
                      fontsize=7)
        ax.axvline(centre, color="black", linewidth=1)
        ax.set_xlabel(label)
        ax.margins(x=0.15)
        ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    low, high = factors
    fig.suptitle(f"Each input times {low:g} (blue) and times {high:g} (orange), around the "
                 "scenario's answer (black line); the inputs' values under each name\n"
                 "hatched: beyond the scenario's caps, drawn at what it needs with them "
                 "lifted; x: out of reach even then (build or lead times)", fontsize=9)
    axes[0].set_title("storage capacity", fontsize=10)
    axes[1].set_title("total cost", fontsize=10)
    if still:
        fig.text(0.01, 0.005, "Moving neither: " + ", ".join(axis_label(n) for n in still),
                 fontsize=7, color="#555555", wrap=True)
    fig.tight_layout(rect=(0, 0.04 if still else 0, 1, 1))
    return fig


def _swing(sides: dict, output: str, centre_values: dict) -> float:
    centre = float(centre_values.get(output, np.nan))
    values = [sides.get(s, {}).get(output, np.nan) for s in ("low", "high")]
    swings = [abs(v - centre) for v in values if np.isfinite(v) and np.isfinite(centre)]
    return max(swings, default=0.0)


def _factors(by_name: dict) -> tuple[float, float]:
    """The factors the tornado applied (1 - span, 1 + span), read from an input
    of fractional values (a day count is rounded to the time step)."""
    for name, sides in by_name.items():
        low, high = sides.get("low", {}).get(name), sides.get("high", {}).get(name)
        if isinstance(low, float) and isinstance(high, float) and low + high:
            mid = (low + high) / 2          # the factors are 1 -/+ span around 1
            return round(low / mid, 4), round(high / mid, 4)
    return 0.75, 1.25


def _inputs_words(sides: dict, name: str) -> str:
    low, high = sides.get("low", {}).get(name), sides.get("high", {}).get(name)
    return f"{low:.4g} | {high:.4g}" if low is not None and high is not None else ""


def plot_histograms(rows: list[dict], path: str | Path, base=None) -> None:
    """:func:`histograms_figure` saved to ``path``."""
    figure_to(histograms_figure(rows, base), path)


def histograms_figure(rows: list[dict], base=None):
    """Histograms of storage capacity, fill capacity and cost over every sample
    answered, stacked: within the scenario's limits (blue) and needing more
    (hatched orange, at their needs with the caps lifted); P5, P50 and P95 of
    all of them marked (as the quantiles table gives them) and in each panel's
    title; the scenario's limits (``base``) drawn where they bind. One legend
    below the panels, where it covers none of them."""
    plt = pyplot()
    ok = [r for r in rows if r["status"] == "ok"]
    beyond = [with_needs(r) for r in rows
              if r["status"] == "infeasible" and "needed_storage_mb" in r]
    panels = (("storage_capacity_mb", "storage capacity [mb]"),
              ("fill_capacity_mbd", "fill capacity [mb/d]"),
              ("total_cost_musd", "total cost, present value [$ m]"))
    limits = limit_lines(base) if base is not None else {}
    fig, axes = plt.subplots(1, 3, figsize=(15, 5.4))
    for ax, (name, label) in zip(axes, panels):
        inside = np.array([r[name] for r in ok], float)
        outside = np.array([r[name] for r in beyond], float)
        outside = outside[np.isfinite(outside)]
        every = np.concatenate([inside, outside])
        if every.size:
            bins = np.histogram_bin_edges(every, bins=min(30, max(5, every.size // 3)))
            ax.hist([inside, outside], bins=bins, stacked=True, color=["#1f5fa8", "#e67e22"],
                    label=["within the limits", "beyond the limits (at what they need)"])
            for patch in ax.patches[len(bins) - 1:]:
                patch.set_hatch("//")
            q = np.percentile(every, [5, 50, 95])
            for value, style, words in zip(q, (":", "-", ":"), ("P5 and P95", "P50", None)):
                ax.axvline(value, color="#c0392b", linestyle=style, label=words)
            ax.set_title("P5 {:,.1f} · P50 {:,.1f} · P95 {:,.1f}".format(*q), fontsize=9)
        if name in limits:
            value, words = limits[name]
            ax.axvline(value, color="black", linewidth=1.5, linestyle="--",
                       label="the scenario's limit")
            ax.annotate(f"{words}: {value:,.0f}" if value >= 10 else f"{words}: {value:g}",
                        (value, 1), xycoords=("data", "axes fraction"), xytext=(3, -12),
                        textcoords="offset points", fontsize=7, rotation=90, va="top",
                        bbox=dict(facecolor="white", alpha=0.8, edgecolor="none", pad=1))
        ax.set_xlabel(label)
        ax.set_ylabel("samples")
    handles, labels = {}, []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in handles:
                handles[lab] = h
                labels.append(lab)
    fig.legend([handles[lab] for lab in labels], labels, loc="lower center",
               ncol=len(labels), fontsize=8, frameon=False)
    unanswered = len(rows) - len(ok) - len(beyond)
    fig.suptitle(f"{len(rows)} samples: {len(ok)} within the scenario's limits, {len(beyond)} "
                 "needing more (shown at what they need with the caps lifted)"
                 + (f", {unanswered} with bad inputs" if unanswered else ""), fontsize=10)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig

"""Pictures that do not mislead (reserve.plot_sweeps, reserve.paths.fan_figure,
reserve.plot_compare): what each one draws is read back from the figure and
set against the rows it was drawn from, or a figure the code prints elsewhere."""

import matplotlib
import numpy as np
import pytest

from reserve import api
from reserve.plot_sweeps import (grid_figure, histograms_figure, storage_ready_mb,
                                 sweep_figure, tornado_figure)

matplotlib.use("Agg")


def _points(ax, filled: bool):
    """(x, y) of an axes' marker-only lines, filled or hollow."""
    out = []
    for line in ax.get_lines():
        if line.get_linestyle() in ("None", "") and line.get_marker() == "o":
            hollow = line.get_markerfacecolor() in ("white", (1.0, 1.0, 1.0, 1.0))
            if hollow != filled:
                out += list(zip(line.get_xdata(), line.get_ydata()))
    return out


def test_the_storage_ready_is_the_diagnosis_own_figure():
    """260 mb: the default's three quick options' caps, as its diagnosis says."""
    s = api.load_scenario(None)
    assert storage_ready_mb(s) == 260.0
    with pytest.raises(Exception, match="260 mb capped in all"):
        api.size(s, target_impact_usd_per_bbl=8)


def test_a_sweep_draws_out_of_reach_points_at_their_needs_not_at_zero():
    s = api.load_scenario(None)
    rows = api.sensitivity(s, vary={"demand_elasticity": [-0.3, -0.1]})
    ax = sweep_figure(list(rows), s).axes[0]
    solved = dict(_points(ax, filled=True))
    needs = dict(_points(ax, filled=False))
    far = next(r for r in rows if r["demand_elasticity"] == -0.3)
    near = next(r for r in rows if r["demand_elasticity"] == -0.1)
    assert far["status"] == "infeasible" and near["status"] == "ok"
    assert needs[-0.3] == pytest.approx(far["needed_storage_mb"]) and needs[-0.3] > 260
    assert solved[-0.1] == pytest.approx(near["storage_capacity_mb"])
    assert 0.0 not in needs.values()
    # the limit the need passes is drawn: the storage ready by the window
    limits = [line.get_ydata()[0] for line in ax.get_lines()
              if "storage ready" in str(line.get_label())]
    assert limits == [260.0]
    # a sweep of a cap itself moves the limit: no line of the base's
    capped = api.sensitivity(s, vary={"storage.floating_storage.capacity_max_mb": [50, 100]})
    ax = sweep_figure(list(capped), s).axes[0]
    assert not [line for line in ax.get_lines() if "storage ready" in str(line.get_label())]


def test_a_grid_ticks_the_values_sampled_and_writes_each_cell():
    s = api.load_scenario(None)
    rows = list(api.sensitivity(s, vary={"demand_elasticity": [-0.3, -0.1],
                                         "hold_days": [90, 180]}, grid=True))
    ax = grid_figure(rows, s).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["-0.3", "-0.1"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["90", "180"]
    written = {t.get_text() for t in ax.texts}
    ok = next(r for r in rows if r["demand_elasticity"] == -0.1 and r["hold_days"] == 180)
    assert f"{ok['storage_capacity_mb']:,.0f}" in written
    beyond = next(r for r in rows if r["demand_elasticity"] == -0.3 and r["hold_days"] == 180)
    assert beyond["status"] == "infeasible"
    assert f"({beyond['needed_storage_mb']:,.0f})" in written


def test_a_tornado_leaves_out_what_moves_nothing_and_labels_its_factors():
    s = api.load_scenario(None)
    rows = api.sensitivity(s, tornado=True, params=["demand_elasticity",
                                                    "adjustment_half_life_days",
                                                    "hold_days"])
    fig = tornado_figure(list(rows), rows.centre)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    # an elasticity of -0.1: times 0.75 is -0.075 and times 1.25 is -0.125, both shown
    assert any(label.endswith("-0.075 | -0.125") for label in labels)
    assert "times 0.75 (blue) and times 1.25 (orange)" in fig.texts[0].get_text()
    assert not any("lowered" in t.get_text() for t in fig.texts)
    # the half-life matters only in a market that adjusts: no empty row, named below
    assert len(labels) == 2 and not any("half-life" in label for label in labels)
    assert any(t.get_text() == "Moving neither: half-life of the market's adjustment [d]"
               for t in fig.texts)
    # the bar ends are written
    values = {t.get_text().strip() for t in fig.axes[0].texts}
    low = next(r for r in rows if r["sweep"] == "demand_elasticity" and r["side"] == "low")
    assert f"{low['storage_capacity_mb']:,.0f}" in values


def test_the_histograms_mark_the_limit_and_keep_one_legend_below():
    s = api.load_scenario(None)
    found = api.uncertainty(s, dist={"demand_elasticity": "uniform:-0.3:-0.05"}, samples=12,
                            seed=1)
    fig = histograms_figure(list(found["rows"]), s)
    storage = fig.axes[0]
    assert any(line.get_xdata()[0] == 260.0 and line.get_label() == "the scenario's limit"
               for line in storage.get_lines())
    assert all(ax.get_legend() is None for ax in fig.axes) and len(fig.legends) == 1
    # the panels do not overlap one another
    boxes = [ax.get_position() for ax in fig.axes]
    assert all(a.x1 <= b.x0 for a, b in zip(boxes, boxes[1:]))
    p50 = np.percentile([r["storage_capacity_mb"] if r["status"] == "ok"
                         else r["needed_storage_mb"] for r in found["rows"]], 50)
    assert f"P50 {p50:,.1f}" in storage.get_title()


def test_the_fan_chart_keeps_history_and_paths_apart():
    """History by date on its own panel (the paths start at the scenario's
    price, not where the history ends); calendar days on the paths' axis; the
    legend outside both panels."""
    from reserve.paths import fan_figure
    paths = api.draw_paths(None, n_paths=20, days=60, seed=3)
    fig = fan_figure(paths, 66.75, "bootstrap")
    past, ahead = fig.axes
    assert ahead.get_xlabel() == "calendar days from the start"
    assert "not the paths' past" in past.get_title()
    assert past.get_legend() is None and ahead.get_legend() is None and len(fig.legends) == 1
    assert past.get_position().x1 < ahead.get_position().x0
    assert all(np.asarray(line.get_xdata()).dtype == object for line in past.get_lines())

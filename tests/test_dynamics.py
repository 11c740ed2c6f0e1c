"""Markets that answer back (issue 3): dynamic elasticities, price paths and
bands, the own-price QP and negative offsets, against independent results."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reserve.errors import InputError, TargetUnreachable
from reserve.pricepath import read_price_path
from reserve.results import outputs, schedule
from reserve.solve import size

from conftest import WEEKS, beta, scenario

ROOMY = {"storage.floating_storage.capacity_max_mb": "inf", "fill_rate_max_mbd": "inf"}



# -- dynamic adjustment -----------------------------------------------------------------

def test_long_run_equal_to_short_run_is_the_static_answer():
    static = outputs(size(scenario()))
    same = outputs(size(scenario(demand_elasticity_long_run=-0.10,
                                 supply_elasticity_long_run=0.05,
                                 adjustment_half_life_days=90)))
    for name in ("storage_capacity_mb", "fill_capacity_mbd", "total_cost_musd"):
        assert same[name] == pytest.approx(static[name], rel=1e-9)


def test_absorption_follows_the_memory_recursion():
    s = scenario(demand_elasticity_long_run=-0.3, supply_elasticity_long_run=0.15,
                 adjustment_half_life_days=180, **ROOMY)
    ans = size(s)
    # independent recursion: the window holds dp = 5 from day 30; nothing moves before
    pi = 5.0 / 66.75
    lam = 0.5 ** (1 / 180)
    short = 0.05 - (-0.10)
    adjust = (0.15 - 0.05) - (-0.3 - (-0.10))        # 0.3
    memory, need = 0.0, []
    for _ in range(180):
        memory = lam * memory + (1 - lam) * pi
        need.append(86.0 * (short * pi + adjust * memory))
    window = ans.data.in_window[:ans.data.n_horizon]
    assert np.allclose(ans.solution.fill_mbd[window], need, rtol=1e-7)
    assert np.allclose(ans.solution.fill_mbd[~window], 0.0, atol=1e-9)
    assert outputs(ans)["storage_capacity_mb"] == pytest.approx(sum(need), rel=1e-7)
    # absorption rises day by day: why the reserve must be vast
    assert np.all(np.diff(ans.solution.fill_mbd[window]) > 0)
    assert need[-1] / need[0] > 1.9


def test_dynamic_daily_and_weekly_agree_within_the_discretisation_of_lambda():
    """Weekly steps hold each week's memory at its end-of-week value, daily
    steps day by day; the adjustment term then differs by at most about
    ln(2)*step/(2*half_life) of itself (1.3 % for 7 days and 182 days)."""
    common = dict(demand_elasticity_long_run=-0.3, supply_elasticity_long_run=0.15,
                  adjustment_half_life_days=182, hold_days=182, lead_days=28,
                  **WEEKS, **ROOMY)
    daily = outputs(size(scenario(time_step_days=1, **common)))["storage_capacity_mb"]
    weekly = outputs(size(scenario(time_step_days=7, **common)))["storage_capacity_mb"]
    bound = math.log(2) * 7 / (2 * 182)
    assert abs(weekly / daily - 1) < bound
    assert weekly != pytest.approx(daily, rel=1e-6)  # the step does matter, a little


def test_dynamic_needs_the_linear_model():
    with pytest.raises(InputError, match="price_model = linear"):
        scenario(price_model="isoelastic", demand_elasticity_long_run=-0.3)


# -- price paths ------------------------------------------------------------------------

def _path(tmp_path, text, name="path.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_dated_and_day_paths_interpolate_alike(tmp_path):
    dated = read_price_path(_path(tmp_path, "date,price_usd_per_bbl\n2008-10-01,60\n"
                                            "2008-10-11,80\n2008-12-10,80\n", "a.csv"))
    days = read_price_path(_path(tmp_path, "day,price_usd_per_bbl\n5,60\n15,80\n75,80\n",
                                 "b.csv"))
    assert np.allclose(dated.daily(70), days.daily(70))
    assert dated.daily(70)[:3].tolist() == [60, 62, 64]
    # a weekly period's baseline is the mean of its days
    assert dated.per_period(2, 7)[0] == pytest.approx(np.mean([60 + 2 * k for k in range(7)]))


@pytest.mark.parametrize("text, words", [
    ("day,price_usd_per_bbl\n0,60\n10,abc\n", "row 3: a price"),
    ("day,price_usd_per_bbl\n0,60\n0,70\n", "row 3: one row per day"),
    ("day,price_usd_per_bbl\n10,60\n5,70\n", "row 3: rows in increasing day order"),
    ("day,price_usd_per_bbl\n0,60\n5,\n", "row 3: a day and a price, neither missing"),
    ("date,price_usd_per_bbl\n2008-13-01,60\n2008-12-01,61\n", "an ISO date"),
    ("when,price\n0,60\n", "a header"),
    ("day,price_usd_per_bbl\n0,60\n5,-1\n", "a price in USD/bbl from 0.01"),
    ("day,price_usd_per_bbl\n0,60\n", "at least two price rows"),
])
def test_bad_paths_are_named(tmp_path, text, words):
    with pytest.raises(InputError) as info:
        read_price_path(_path(tmp_path, text))
    assert "--price-path" in str(info.value) and words in str(info.value)


def test_path_must_cover_the_horizon(tmp_path):
    path = read_price_path(_path(tmp_path, "day,price_usd_per_bbl\n0,60\n100,60\n"))
    with pytest.raises(InputError, match="covers the horizon"):
        path.daily(210)


def _flat(n_days, price):
    return np.full(n_days, float(price))


def test_floor_on_a_flat_path_by_hand():
    # every day at 60 must be lifted to 65: x = 5 / beta(60) from day 0, storage at once
    s = scenario(lead_days=0, floor_usd_per_bbl=65,
                 **{"storage.leased_tanks.build_days": 0, "storage.floating_storage.build_days": 0},
                 **ROOMY)
    ans = size(s, _flat(180, 60.0))
    q = 5 / (60 / (86 * 0.15))
    assert not ans.data.has_target  # the band replaced the default target
    assert np.allclose(ans.solution.fill_mbd, q, rtol=1e-7)
    assert outputs(ans)["min_price_usd_per_bbl"] == pytest.approx(65.0, rel=1e-9)
    assert outputs(ans)["storage_capacity_mb"] == pytest.approx(180 * q, rel=1e-7)


def test_ceiling_releases_from_stock_by_hand():
    s = scenario(lead_days=0, ceiling_usd_per_bbl=75, initial_inventory_mb=500,
                 **{"storage.leased_tanks.existing_mb": 60,
                    "storage.leased_tanks.capacity_max_mb": 500,
                    "storage.leased_tanks.build_days": 0}, release_rate_max_mbd="inf")
    ans = size(s, _flat(180, 80.0))
    q = 5 / (80 / (86 * 0.15))
    # at least q every day (selling more early is allowed and earns interest)
    assert np.all(ans.solution.release_mbd >= q * (1 - 1e-7))
    assert outputs(ans)["max_price_usd_per_bbl"] <= 75 + 1e-6


def test_percent_target_follows_each_period_of_a_path():
    s = scenario(target_impact_usd_per_bbl="10%", **ROOMY)
    path = np.linspace(100, 50, 210)
    sch = schedule(size(s, path))
    window = sch["in_window"] == 1
    assert np.allclose(sch["price_impact_usd_per_bbl"][window],
                       0.10 * sch["baseline_price_usd_per_bbl"][window], rtol=1e-7)


def test_target_with_a_band_is_an_input_error():
    with pytest.raises(InputError, match="a band replaces the target"):
        scenario(target_impact_usd_per_bbl=5, floor_usd_per_bbl=70)


def test_unreachable_floor_names_the_highest_floor():
    s = scenario(lead_days=0, floor_usd_per_bbl=70,
                 **{"storage.leased_tanks.build_days": 0, "storage.floating_storage.build_days": 0,
                    "storage.floating_storage.capacity_max_mb": "inf"})
    with pytest.raises(TargetUnreachable) as info:
        size(s, _flat(180, 60.0))
    # the 2 mb/d fill cap lifts 60 by at most 2 * beta(60)
    highest = 60 + 2 * 60 / (86 * 0.15)
    assert info.value.diagnosis.reachable_usd_per_bbl == pytest.approx(highest, rel=1e-6)
    assert "fill capacity 2.00 mb/d" in str(info.value)


# -- own-price effect (QP) -------------------------------------------------------------

def test_own_price_premium_by_hand():
    """In the window the flows are pinned, so the QP pays exactly the premium
    of buying q mb/d at $5 above the baseline: sum_W delta_t * 5 * q."""
    lp = size(scenario(own_price_effect="false"))
    qp = size(scenario(own_price_effect="true"))
    q = 5 / beta(lp.scenario)
    premium = float(np.sum(lp.data.discount[lp.data.in_window]) * 5 * q)
    assert outputs(qp)["oil_cost_musd"] - outputs(lp)["oil_cost_musd"] == pytest.approx(
        premium, rel=1e-7)
    assert outputs(qp)["storage_capacity_mb"] == pytest.approx(
        outputs(lp)["storage_capacity_mb"], rel=1e-9)


def test_qp_cost_is_never_below_the_lp_cost_of_its_own_schedule():
    s = scenario(own_price_effect="true", target_impact_usd_per_bbl=-5, initial_inventory_mb=150,
                 **{"storage.leased_tanks.existing_mb": 60,
                    "storage.leased_tanks.capacity_max_mb": 300,
                    "storage.leased_tanks.build_days": 0})
    ans = size(s)
    lp = size(s.with_params(own_price_effect=False))

    def premium_of(answer):
        net = answer.solution.fill_mbd - answer.solution.release_mbd
        return float(np.sum(ans.data.premium_musd_per_mbd2 * net ** 2))

    qp_total, lp_total = outputs(ans)["total_cost_musd"], outputs(lp)["total_cost_musd"]
    assert premium_of(ans) > 0
    # the QP's schedule is feasible for the LP, which is cheapest without the premium
    assert qp_total - premium_of(ans) >= lp_total - 1e-6
    # and the LP's schedule, premium paid, is feasible for the QP, which is cheapest with it
    assert qp_total <= lp_total + premium_of(lp) + 1e-6
    assert qp_total > lp_total + 1e-3           # the premium is not free


def test_qp_spreads_the_pre_fill_evenly_by_hand():
    """A release window of 180 q drawn from an opening stock of 170 q: the
    other 10 q is bought in the 30 lead days. Without discounting the LP is
    indifferent when (its tie-breaks trade a smaller fill capacity against
    filling late: it bunches); the convex premium sum c n_t^2 is least with
    equal fills, q/3 a day."""
    # the stock booked at cost: no buy-back after, whose price would swamp
    # the premium and the cuts' 1e-8 tolerance with it
    common = dict(target_impact_usd_per_bbl=-5, discount_rate=0, transaction_cost_usd_per_bbl=0,
                  rate_capex_usd_per_bbl_per_day=0, oil_valuation="cost",
                  **{"storage.leased_tanks.existing_mb": 60,
                     "storage.leased_tanks.capacity_max_mb": 300,
                     "storage.leased_tanks.build_days": 0,
                     "storage.leased_tanks.lease_term_days": 0})   # owned: no lease to time
    q = 5 / beta(scenario())
    qp = size(scenario(own_price_effect="true", initial_inventory_mb=170 * q, **common))
    lead = ~qp.data.in_window[:qp.data.n_horizon]
    fills = qp.solution.fill_mbd[lead]
    # equal to 1e-3: with no costs but the premium, the tie-breaking cost on
    # inventory (1e-7 musd per mb-day) tilts them by ~1e-4, and the premium's
    # tangent cuts stop within 1e-8 of an objective this small; bunching, as
    # the LP does, would be off by 200 %
    assert fills.mean() == pytest.approx(q / 3, rel=1e-3)   # the stock balance
    assert np.allclose(fills, q / 3, rtol=1e-3)
    lp = size(scenario(initial_inventory_mb=170 * q, own_price_effect="false", **common))
    assert lp.solution.fill_mbd[lead].max() > 2 * q / 3


def test_own_price_in_a_market_with_memory_is_priced_on_the_short_run_tangent():
    """With long-run elasticities the flows in the window are pinned by the
    memory recursion, so the premium is exactly sum_t delta_t * c * f_t^2,
    c = P / (Q0 (eps_s - eps_d)) the short-run slope, and the answer says so."""
    from reserve.results import notes
    common = dict(demand_elasticity_long_run=-0.3, supply_elasticity_long_run=0.15,
                  adjustment_half_life_days=180, **ROOMY)
    with_premium = size(scenario(own_price_effect="true", **common))
    without = size(scenario(own_price_effect="false", **common))
    f = with_premium.solution.fill_mbd
    assert np.allclose(f, without.solution.fill_mbd, rtol=1e-9, atol=1e-12)
    c = 66.75 / (86 * 0.15)
    h = with_premium.data.n_horizon
    premium = float(np.sum(with_premium.data.discount[:h] * c * f ** 2))
    assert (outputs(with_premium)["oil_cost_musd"] - outputs(without)["oil_cost_musd"]
            == pytest.approx(premium, rel=1e-7))
    assert any("short-run tangent" in n for n in notes(with_premium))


# -- other producers' reaction ------------------------------------------------------------

@pytest.mark.parametrize("share", [-0.5, -1.0])
def test_negative_offset_share_amplifies(share):
    base = outputs(size(scenario()))["storage_capacity_mb"]
    amplified = outputs(size(scenario(offset_share=share)))["storage_capacity_mb"]
    assert amplified == pytest.approx(base / (1 - share), rel=1e-7)


# -- the plot ------------------------------------------------------------------------------

@pytest.mark.parametrize("ext, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_plot_files(cli, tmp_path, ext, magic):
    out = tmp_path / f"answer{ext}"
    r = cli("size", "-t", "5", "--plot", out, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(magic)
    assert out.stat().st_size > 10_000


def test_plot_bad_extension_exits_2(cli, tmp_path):
    r = cli("size", "--plot", tmp_path / "a.jpg")
    assert r.returncode == 2 and "--plot" in r.stderr and ".pdf" in r.stderr


def test_a_pdf_plot_is_a_pdf(cli, tmp_path):
    r = cli("size", "--plot", tmp_path / "a.pdf")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")


def test_crash_example_runs_through_the_cli(cli):
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "examples" / "crash-2008" / "brent-2008.csv"
    r = cli("size", "--price-path", path, "--floor", "70", "--set", "lead_days=0",
            "--hold-days", "540", "--set", "fill_rate_max_mbd=inf",
            "--set", "storage.floating_storage.capacity_max_mb=inf", "-f", "json")
    assert r.returncode == 0, r.stderr
    import json
    data = json.loads(r.stdout)
    assert data["min_price_usd_per_bbl"] == pytest.approx(70.0, rel=1e-7)
    assert data["floor_usd_per_bbl"] == 70.0
    assert data["storage_capacity_mb"] > 1000   # vast
    # the default target does not apply when a band is given
    assert data["target_impact_usd_per_bbl"] is None


def test_band_and_explicit_target_exit_2(cli):
    r = cli("size", "-t", "5", "--floor", "70")
    assert r.returncode == 2 and "a band replaces the target" in r.stderr


@pytest.mark.parametrize("dynamic, with_path", [(True, False), (False, True)])
def test_impact_inverts_size_for_dynamic_markets_and_paths(dynamic, with_path):
    from reserve.solve import impact
    extra = dict(demand_elasticity_long_run=-0.3, supply_elasticity_long_run=0.15,
                 adjustment_half_life_days=180) if dynamic else {}
    s = scenario(**extra, **ROOMY)
    path = np.linspace(100, 50, 210) if with_path else None
    out = outputs(size(s, path))
    back = impact(s, out["storage_capacity_mb"], out["fill_capacity_mbd"],
                  out["release_capacity_mbd"], baseline_price_usd_per_bbl=path)
    assert back.target_impact_usd_per_bbl == pytest.approx(5.0, rel=1e-6)


@pytest.mark.parametrize("extra", [
    {},                                                              # the default, held $5
    {"objective": "net-benefit"},                                    # the owner's best reserve
    {"objective": "net-benefit", "end_inventory_max_mb": 0, "tail_days": 90},
    {"target_impact_usd_per_bbl": -5, "initial_inventory_mb": 150,   # a release, free to spread
     "storage.leased_tanks.existing_mb": 60, "storage.leased_tanks.capacity_max_mb": 300,
     "storage.leased_tanks.build_days": 0, "storage.leased_tanks.lease_term_days": 0},
])
def test_the_premium_by_tangent_cuts_is_the_qp(extra):
    """The own-price premium solved as an LP with tangent cuts equals HiGHS's QP
    solver on the same model: the objective to 1e-7; capacity and flows to
    1e-3 (where the objective is flat, as in spreading the net-benefit's
    buying, 1e-8 of it moves a flow by 1e-4)."""
    from reserve.problem import build_problem
    from reserve.session import Session
    data = build_problem(scenario(own_price_effect="true", **extra))
    found = {}
    for how in ("cuts", "hessian"):
        session = Session(data, premium_by=how)
        assert session.least_cost()
        found[how] = session.solution()
    cuts, qp = found["cuts"], found["hessian"]
    # the objective: the cost, less the owner's gain when that is maximized
    gain = data.gain_musd_per_mbd if data.gain_musd_per_mbd is not None else 0.0
    def net(sol):   # the horizon's flows, then the closing stock's sale
        return np.concatenate([sol.fill_mbd - sol.release_mbd, sol.liquidation_mbd])

    objective = {how: sol.total_cost_musd - float(np.sum(gain * net(sol)))
                 for how, sol in found.items()}
    assert objective["cuts"] == pytest.approx(objective["hessian"], rel=1e-7, abs=1e-6)
    assert cuts.usable_capacity_mb.max() == pytest.approx(qp.usable_capacity_mb.max(),
                                                          rel=1e-5, abs=1e-5)
    assert np.allclose(cuts.fill_mbd - cuts.release_mbd, qp.fill_mbd - qp.release_mbd,
                       rtol=1e-3, atol=1e-4)


def test_a_dated_price_path_dates_the_plot_axis(tmp_path):
    """The schedule chart of a dated path reads in dates, the decision day first."""
    from reserve.plot import answer_figure
    from reserve.pricepath import read_price_path
    from dataclasses import replace
    path = tmp_path / "p.csv"
    path.write_text("date,price_usd_per_bbl\n2008-10-22,66.75\n2009-10-22,70\n")
    s = replace(scenario(), price_path=read_price_path(path))
    answer = size(s, read_price_path(path).per_period(s.horizon_days, 1))
    figure = answer_figure(answer)
    axis = figure.axes[-1]
    assert "2008-10-22" in axis.get_xlabel()
    import matplotlib.dates as mdates
    first = mdates.num2date(axis.get_lines()[0].get_xdata(orig=False)[0])
    assert (first.year, first.month, first.day) == (2008, 10, 22)

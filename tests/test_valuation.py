"""The closing stock valued at what selling it fetches, against closed forms.

In the default linear market the price moves by c = beta per mb/d of net
flow. A reserve that holds the price $v up for H days buys X = v/c mb/d, so
S = X*H barrels, each at P + v (its own premium). Sold after the horizon over
L days at pace S/L, each barrel fetches P - c*S/L. With no discounting and
free storage its cost is therefore S*(P + v) - S*(P - c*S/L) = v*S + c*S^2/L,
and an exporter of E mb/d gains v*E*H while the price is held and loses
(c*S/L)*E*L = c*S*E = v*E*H while it is sold: nothing in all. That is the
"no free lunch": moving the price and back never pays the one who moves it.
"""

from __future__ import annotations

import numpy as np
import pytest

from reserve.ledger import ledger
from reserve.results import notes, outputs, schedule
from reserve.solve import size

from conftest import WEEKS, beta, scenario

#: free storage, no fees, no discounting: only the market's own response costs
FREE = {"discount_rate": 0.0, "transaction_cost_usd_per_bbl": 0.0,
        "rate_capex_usd_per_bbl_per_day": 0.0, "fill_rate_max_mbd": "inf",
        "release_rate_max_mbd": "inf",
        "storage.new_steel_tanks.existing_mb": 1000.0,
        "storage.new_steel_tanks.capacity_max_mb": 1000.0,
        "storage.new_steel_tanks.om_usd_per_bbl_yr": 0.0}


def test_no_free_lunch_held_reserve_loses_its_round_trip():
    s = scenario(**FREE)
    ans = size(s)
    out = outputs(ans)
    c = beta(s)
    stock = 180 * 5.0 / c
    assert out["closing_stock_mb"] == pytest.approx(stock, rel=1e-7)
    # bought at 71.75, sold at 61.75: $10 a barrel lost on the round trip
    assert out["total_cost_musd"] == pytest.approx(10.0 * stock, rel=1e-6)
    led = ledger(ans)
    assert led["export_gain_musd"] == pytest.approx(0.0, abs=1e-6)
    assert led["liquidation_export_gain_musd"] == pytest.approx(-5.0 * 7.0 * 180, rel=1e-7)
    assert led["net_benefit_musd"] <= 1e-6
    assert led["net_benefit_musd"] == pytest.approx(-10.0 * stock, rel=1e-6)


@pytest.mark.parametrize("days", [90, 360])
def test_sale_pace_sets_the_round_trip_loss(days):
    s = scenario(liquidation_days=days, **FREE)
    ans = size(s)
    c = beta(s)
    stock = 180 * 5.0 / c
    out = outputs(ans)
    assert out["liquidation_days"] == days
    assert out["total_cost_musd"] == pytest.approx(5.0 * stock + c * stock ** 2 / days, rel=1e-6)
    assert ans.solution.liquidation_mbd == pytest.approx(-stock / days, rel=1e-7)
    led = ledger(ans)
    assert led["export_gain_musd"] == pytest.approx(0.0, abs=1e-6)
    assert led["net_benefit_musd"] < 0


def test_no_free_lunch_unwound_within_the_horizon():
    # the reserve must be empty at the horizon: it raises the price, then sells
    # it all back; an exporter still cannot come out ahead
    s = scenario(end_inventory_max_mb=0.0, tail_days=180,
                 off_window_impact_max_usd_per_bbl=5.0, **FREE)
    ans = size(s)
    out = outputs(ans)
    stock = 180 * 5.0 / beta(s)
    assert out["closing_stock_mb"] == pytest.approx(0.0, abs=1e-6)
    assert out["total_cost_musd"] == pytest.approx(10.0 * stock, rel=1e-6)
    assert ledger(ans)["net_benefit_musd"] <= 1e-6


def test_release_is_charged_its_replacement():
    # lowering the price by $5 for 180 days from an opening stock: each barrel
    # sold at 61.75 is bought back after, at a pace that raises crude by $5:
    # at 71.75, $10 a barrel
    s = scenario(target_impact_usd_per_bbl=-5.0, initial_inventory_mb=500.0,
                 **{**FREE, "storage.new_steel_tanks.existing_mb": 500.0,
                    "storage.new_steel_tanks.capacity_max_mb": 500.0})
    ans = size(s)
    stock = 180 * 5.0 / beta(s)
    out = outputs(ans)
    assert out["total_cost_musd"] == pytest.approx(10.0 * stock, rel=1e-6)
    assert ans.solution.liquidation_mbd == pytest.approx(stock / 180, rel=1e-7)


@pytest.mark.parametrize("valuation", ["cost", "baseline", "market"])
def test_other_valuations_say_what_they_assume(valuation):
    ans = size(scenario(oil_valuation=valuation))
    assert f"oil_valuation = {valuation}" in " ".join(notes(ans))
    assert outputs(ans)["liquidation_days"] == 0


def test_premium_left_out_is_said():
    ans = size(scenario(own_price_effect=False))
    assert any("own_price_effect = false" in n for n in notes(ans))


def test_full_capital_by_hand():
    s = scenario()
    out = outputs(size(s))
    rates = out["fill_capacity_mbd"] + out["release_capacity_mbd"]
    # $250 per bbl/d of fill and release equipment, the leases' mobilization
    # fees are 0 and no new tank or cavern is built
    assert out["capacity_mb_new_steel_tanks"] == 0 == out["capacity_mb_new_salt_caverns"]
    assert out["capital_cost_full_musd"] == pytest.approx(250.0 * rates, rel=1e-9)
    assert out["capital_cost_full_musd"] == pytest.approx(241.57, abs=0.01)


def test_weekly_equals_daily_with_discounting():
    # one owned option ready at once, costs accrue per day: a weekly grid gives
    # the daily answer when every date falls on a week's edge
    params = {"lead_days": 28, "hold_days": 182, "liquidation_days": 182,
              "storage.new_steel_tanks.build_days": 0,
              "storage.leased_tanks.capacity_max_mb": 0.0,
              "storage.floating_storage.capacity_max_mb": 0.0,
              "storage.floating_storage_tier2.capacity_max_mb": 0.0,
              "storage.new_salt_caverns.capacity_max_mb": 0.0,
              "fill_rate_max_mbd": "inf", "release_rate_max_mbd": "inf", **WEEKS}
    daily = outputs(size(scenario(**params)))
    weekly = outputs(size(scenario(time_step_days=7, **params)))
    for key in ("storage_capacity_mb", "capital_cost_musd", "operating_cost_musd",
                "oil_cost_musd", "total_cost_musd", "sale_value_musd"):
        assert weekly[key] == pytest.approx(daily[key], rel=1e-9), key
    assert weekly["storage_capacity_mb"] == pytest.approx(daily["storage_capacity_mb"], rel=1e-7)


def test_discount_factors_average_each_periods_days():
    # docs/explanation/model.md: a period's factor is the mean of (1+r)^(-d/365) over its days
    s = scenario(time_step_days=7, lead_days=28, hold_days=182, **WEEKS)
    ans = size(s)
    d = ans.data
    days = np.arange(7)
    for t in (0, 5, 30):
        want = np.mean(1.08 ** (-(7 * t + days) / 365.0))
        assert d.discount[t] == pytest.approx(want, rel=1e-12)


def test_schedule_stops_at_the_horizon():
    ans = size(scenario())
    sch = schedule(ans)
    assert len(sch["day"]) == 30 + 180
    assert sch["inventory_mb"][-1] == pytest.approx(outputs(ans)["closing_stock_mb"], rel=1e-9)


def test_a_ceiling_defence_pays_to_replace_what_it_sells():
    """A disruption holds the baseline at $80 for 210 days; a $70 ceiling is
    held by releasing r = 10/c a day from an opening stock, each barrel at the
    $70 it holds. The S = 210 r barrels are bought back over the 210 days
    after at the same pace, which raises crude to 80 + c r = $90: with free
    storage and no discounting the defence costs 20 S, never a gain."""
    stock = 1000.0
    s = scenario(ceiling_usd_per_bbl=70.0, lead_days=0, hold_days=210,
                 initial_inventory_mb=stock,
                 **{**FREE, "storage.new_steel_tanks.existing_mb": stock,
                    "storage.new_steel_tanks.capacity_max_mb": stock})
    ans = size(s, np.full(210, 80.0))
    c = 80.0 / (86 * 0.15)
    released = 210 * 10.0 / c
    out = outputs(ans)
    assert out["oil_released_mb"] == pytest.approx(released, rel=1e-7)
    assert out["total_cost_musd"] == pytest.approx(20.0 * released, rel=1e-6)
    kept = outputs(size(s.with_params(oil_valuation="cost", own_price_effect=False),
                        np.full(210, 80.0)))
    assert kept["total_cost_musd"] == pytest.approx(0.0, abs=1e-6)   # the old reading: free


def test_terms_kept_between_builds_follow_the_rate_and_the_options():
    """reserve.storage_terms keeps the discounting and the options' terms of
    the grids last built, for the next point of a sweep; a build at another
    rate, or with another option, gets its own. Closed forms, with no
    discounting: every factor is 1, and a 30-day contract of one mb of
    leased tanks costs om*30/365 [musd] wherever it starts."""
    from reserve.problem import build_problem

    build_problem(scenario())                          # 8 %: kept
    flat = build_problem(scenario(discount_rate=0.0))
    assert np.all(flat.discount == 1.0) and flat.discount_end == 1.0
    j = flat.leases.index(0)                           # leased_tanks, 30-day contracts
    assert flat.lease_musd_per_mb[j] == pytest.approx(6.0 * 30 / 365, rel=1e-12)
    dearer = build_problem(scenario(discount_rate=0.0,
                                    **{"storage.leased_tanks.om_usd_per_bbl_yr": 7.3}))
    assert dearer.lease_musd_per_mb[j] == pytest.approx(7.3 * 30 / 365, rel=1e-12)
    again = build_problem(scenario(discount_rate=0.0, demand_elasticity=-0.2))
    assert again.discount is flat.discount             # the market moved: the terms are kept
    with pytest.raises(ValueError):                    # and shared, so no one writes them
        again.lease_musd_per_mb[j, 0] = 0.0

"""The model against results computed independently: closed forms, hand-solved
cases and invariances. Tolerances are tight enough to catch a wrong equation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reserve.errors import TargetUnreachable
from reserve.results import outputs, schedule
from reserve.solve import impact, size

from conftest import WEEKS, beta, scenario


def test_linear_absorption_is_target_over_beta():
    s = scenario()
    out = outputs(size(s))
    q = 5.0 / beta(s)                       # 66.75 / (86 * 0.15) = 5.1744 USD per mb/d
    assert q == pytest.approx(0.96629, abs=1e-5)
    assert out["fill_capacity_mbd"] == pytest.approx(q, rel=1e-7)
    assert out["storage_capacity_mb"] == pytest.approx(180 * q, rel=1e-7)
    assert out["min_window_impact_usd_per_bbl"] == pytest.approx(5.0, rel=1e-7)
    assert out["release_capacity_mbd"] == 0.0
    # quick storage only: the cheapest lease fills to its cap first, then the
    # cheaper charter tier, then the dearer one
    assert out["capacity_mb_leased_tanks"] == pytest.approx(60.0, rel=1e-9)
    assert out["capacity_mb_floating_storage"] == pytest.approx(100.0, rel=1e-9)
    assert out["capacity_mb_floating_storage_tier2"] == pytest.approx(180 * q - 160, rel=1e-7)
    assert out["capacity_mb_new_salt_caverns"] == 0.0


def test_schedule_holds_exactly_the_target_in_the_window():
    ans = size(scenario())
    sch = schedule(ans)
    window = sch["in_window"] == 1
    assert window.sum() == 180
    assert np.allclose(sch["price_impact_usd_per_bbl"][window], 5.0, rtol=1e-7)
    assert np.allclose(sch["price_usd_per_bbl"][window], 71.75, rtol=1e-9)
    assert np.allclose(sch["fill_mbd"][~window], 0.0)
    assert sch["inventory_mb"][-1] == pytest.approx(180 * 5.0 / beta(ans.scenario), rel=1e-7)


@pytest.mark.parametrize("target", [5.0, -5.0, 12.0])
def test_isoelastic_matches_closed_form(target):
    extra = {"initial_inventory_mb": 400.0, "storage.leased_tanks.existing_mb": 60.0,
             "storage.floating_storage.existing_mb": 150.0,
             "storage.new_steel_tanks.existing_mb": 200.0} if target < 0 else {}
    s = scenario(price_model="isoelastic", target_impact_usd_per_bbl=target,
                 fill_rate_max_mbd="inf", **{"storage.floating_storage.capacity_max_mb": "inf"},
                 **extra)
    ans = size(s)
    ratio = (66.75 + target) / 66.75
    x = 86.0 * (ratio ** 0.05 - ratio ** -0.10)   # absorption that clears at P0 + target
    net = ans.solution.fill_mbd - ans.solution.release_mbd
    assert np.allclose(net[ans.data.in_window[:ans.data.n_horizon]], x, rtol=1e-7)
    sch = schedule(ans)
    assert np.allclose(sch["price_impact_usd_per_bbl"][sch["in_window"] == 1], target, rtol=1e-7)
    if target > 0:
        assert outputs(ans)["storage_capacity_mb"] == pytest.approx(180 * x, rel=1e-7)


def test_daily_and_weekly_steps_agree():
    # owned quick storage: a lease started mid-week is finer than weekly steps allow
    common = {"hold_days": 182, "lead_days": 28, **WEEKS,
              **{f"storage.{name}.lease_term_days": 0
                 for name in ("leased_tanks", "floating_storage", "floating_storage_tier2")}}
    daily = outputs(size(scenario(time_step_days=1, **common)))
    weekly = outputs(size(scenario(time_step_days=7, **common)))
    for name in ("storage_capacity_mb", "fill_capacity_mbd", "oil_absorbed_mb"):
        assert weekly[name] == pytest.approx(daily[name], rel=1e-9)
    # discount factors are the mean of the daily ones, so costs agree too
    assert weekly["total_cost_musd"] == pytest.approx(daily["total_cost_musd"], rel=1e-6)


@pytest.mark.parametrize("share", [0.25, 0.6])
def test_offset_share_scales_capacity(share):
    base = outputs(size(scenario()))["storage_capacity_mb"]
    shared = outputs(size(scenario(offset_share=share, fill_rate_max_mbd="inf",
                                   **{"storage.floating_storage.capacity_max_mb": "inf"})))
    assert shared["storage_capacity_mb"] == pytest.approx(base / (1 - share), rel=1e-7)


def test_losses_need_the_geometric_sum():
    loss = 0.5  # per year: exaggerated so a missing loss term shows
    s = scenario(loss_rate_per_yr=loss, **{"storage.floating_storage.capacity_max_mb": "inf"})
    out = outputs(size(s))
    keep = 1 - loss / 365
    q = 5.0 / beta(s)
    need = q * sum(keep ** k for k in range(180))    # stock at the window's end
    assert out["storage_capacity_mb"] == pytest.approx(need, rel=1e-7)
    assert out["oil_absorbed_mb"] == pytest.approx(180 * q, rel=1e-7)


def test_release_window_from_initial_stock():
    s = scenario(target_impact_usd_per_bbl=-5, initial_inventory_mb=300,
                 **{"storage.leased_tanks.existing_mb": 60, "storage.leased_tanks.build_days": 0,
                    "storage.leased_tanks.capacity_max_mb": 400})
    out = outputs(size(s))
    q = 5.0 / beta(s)
    assert out["release_capacity_mbd"] == pytest.approx(q, rel=1e-7)
    assert out["min_window_impact_usd_per_bbl"] == pytest.approx(-5.0, rel=1e-7)
    # the window draws exactly 180 q; selling earlier is allowed off the window
    sch = schedule(size(s))
    window = sch["in_window"] == 1
    assert np.allclose(sch["price_impact_usd_per_bbl"][window], -5.0, rtol=1e-7)


def _plain(tmp_path, storage='[[storage]]\nname = "tank"\n', **overrides):
    """A scenario with no costs, no discounting and no lead time but what
    ``overrides`` add, and the storage options of the TOML text ``storage``.
    The closing stock is booked at its cost and no premium is paid, so that
    nothing costs but what a test puts in (tests/test_valuation.py prices the
    sale)."""
    from reserve.scenario import build_scenario
    toml = tmp_path / "plain.toml"
    toml.write_text('discount_rate = 0\nrate_capex_usd_per_bbl_per_day = 0\n'
                    'transaction_cost_usd_per_bbl = 0\nlead_days = 0\n'
                    'oil_valuation = "cost"\nown_price_effect = false\n' + storage)
    return build_scenario(toml, overrides)


def test_annuity_capital_charge_by_hand(tmp_path):
    tank = '[[storage]]\nname = "tank"\ncapex_usd_per_bbl = 10\nlifetime_yr = 30\n'
    s = _plain(tmp_path, tank, discount_rate=0.08)
    out = outputs(size(s))
    K = 180 * 5.0 / beta(s)
    crf = 0.08 / (1 - 1.08 ** -30)
    assert out["capital_cost_musd"] == pytest.approx(10 * crf * (180 / 365) * K, rel=1e-9)
    full = outputs(size(_plain(tmp_path, tank, discount_rate=0.08, capital_charge="full")))
    assert full["capital_cost_musd"] == pytest.approx(10 * K, rel=1e-9)


def test_oil_cost_is_the_interest_on_the_stock(tmp_path):
    s = _plain(tmp_path, discount_rate=0.08)
    out = outputs(size(s))
    q = 5.0 / beta(s)
    disc = lambda d: 1.08 ** (-d / 365)  # noqa: E731
    by_hand = sum(q * 66.75 * (disc(d) - disc(180)) for d in range(180))
    assert out["oil_cost_musd"] == pytest.approx(by_hand, rel=1e-9)
    zero = outputs(size(_plain(tmp_path)))
    assert zero["oil_cost_musd"] == pytest.approx(0.0, abs=1e-9)


def test_marginal_cost_by_hand(tmp_path):
    s = _plain(tmp_path, '[[storage]]\nname = "lease"\nom_usd_per_bbl_yr = 6\n')
    out = outputs(size(s))
    # cost = om * K * 180/365 with K = 180 * target / beta, linear in the target
    per_usd = 6 * (180 / 365) * 180 / beta(s)
    assert out["total_cost_musd"] == pytest.approx(5 * per_usd, rel=1e-9)
    assert out["marginal_cost_musd_per_usd"] == pytest.approx(per_usd, rel=1e-6)


def test_build_or_not_by_hand(tmp_path):
    """Option A: cheap per barrel but a fixed cost; B: dearer, no fixed cost.

    Cost (full capital charge, no discounting): A = 50 + 1*K, B = 2*K, so A
    wins above K = 50 mb, B below. Targets either side of the threshold.
    """
    options = ('[[storage]]\nname = "a"\ncapex_usd_per_bbl = 1\nfixed_cost_musd = 50\n'
               'capacity_max_mb = 1000\n'
               '[[storage]]\nname = "b"\ncapex_usd_per_bbl = 2\n')
    common = dict(capital_charge="full", fill_rate_max_mbd=10)
    small = _plain(tmp_path, options, hold_days=30, target_impact_usd_per_bbl=1, **common)
    K_small = 30 * 1 / beta(small)              # 5.8 mb < 50: B alone
    out = outputs(size(small))
    assert out["capacity_mb_a"] == 0.0
    assert out["capacity_mb_b"] == pytest.approx(K_small, rel=1e-7)
    assert out["capital_cost_musd"] == pytest.approx(2 * K_small, rel=1e-7)
    large = _plain(tmp_path, options, **common)
    K_large = 180 * 5 / beta(large)             # 174 mb > 50: A alone
    out = outputs(size(large))
    assert out["capacity_mb_a"] == pytest.approx(K_large, rel=1e-7)
    assert out["capacity_mb_b"] == 0.0
    assert out["capital_cost_musd"] == pytest.approx(50 + K_large, rel=1e-7)


def test_min_size_forces_a_larger_build(tmp_path):
    s = _plain(tmp_path, '[[storage]]\nname = "big"\ncapex_usd_per_bbl = 1\nmin_size_mb = 300\n'
                         'capacity_max_mb = 1000\n'
                         '[[storage]]\nname = "small"\ncapex_usd_per_bbl = 2.5\n',
               capital_charge="full")
    K = 180 * 5 / beta(s)                       # 174 mb: 300 at $1 beats 174 at $2.5
    out = outputs(size(s))
    assert out["capacity_mb_big"] == pytest.approx(300, rel=1e-9)
    assert out["capacity_mb_small"] == 0.0
    assert out["capital_cost_musd"] == pytest.approx(300, rel=1e-7)
    assert out["oil_absorbed_mb"] == pytest.approx(K, rel=1e-7)


def test_ties_are_broken_deterministically(tmp_path):
    s = _plain(tmp_path, '[[storage]]\nname = "first"\n[[storage]]\nname = "second"\n',
               lead_days=30, fill_rate_max_mbd="inf", release_rate_max_mbd="inf")
    out = outputs(size(s))
    assert out["capacity_mb_first"] == pytest.approx(180 * 5 / beta(s), rel=1e-7)
    assert out["capacity_mb_second"] == 0.0
    assert out["release_capacity_mbd"] == 0.0
    assert out["total_cost_musd"] == pytest.approx(0.0, abs=1e-9)


def test_existing_capacity_is_usable_at_once():
    s = scenario(lead_days=0, **{"storage.leased_tanks.existing_mb": 60,
                                 "storage.floating_storage.build_days": 0})
    out = outputs(size(s))
    assert out["storage_capacity_mb"] == pytest.approx(180 * 5 / beta(s), rel=1e-7)


# -- unreachable targets ------------------------------------------------------------

def test_fill_cap_binds_with_the_right_reachable_impact():
    s = scenario(fill_rate_max_mbd=0.5)
    with pytest.raises(TargetUnreachable) as info:
        size(s)
    d = info.value.diagnosis
    assert d.reachable_usd_per_bbl == pytest.approx(0.5 * beta(s), rel=1e-6)  # 2.587
    assert d.binding.key == "fill_rate_max_mbd"
    assert d.need_value == pytest.approx(5 / beta(s), rel=1e-6)
    assert "fill capacity 0.50 mb/d" in str(info.value)
    assert "+2.59 USD/bbl" in str(info.value) and "0.97 mb/d" in str(info.value)


def test_build_time_binds():
    s = scenario(**{"storage.leased_tanks.build_days": 120,
                    "storage.floating_storage.build_days": 120,
                    "storage.floating_storage_tier2.build_days": 120})
    with pytest.raises(TargetUnreachable) as info:
        size(s)
    d = info.value.diagnosis
    assert d.reachable_usd_per_bbl == pytest.approx(0.0, abs=1e-6)
    assert d.binding.key in ("storage.leased_tanks.build_days",
                             "storage.floating_storage.build_days",
                             "storage.floating_storage_tier2.build_days", "lead_days")


def test_release_without_stock_names_the_initial_inventory():
    s = scenario(target_impact_usd_per_bbl=-5)
    with pytest.raises(TargetUnreachable) as info:
        size(s)
    d = info.value.diagnosis
    assert d.binding.key == "initial_inventory_mb"
    assert d.need_value == pytest.approx(180 * 5 / beta(s), rel=1e-6)


def test_storage_cap_binds_and_partial_lift_is_reported():
    s = scenario(target_impact_usd_per_bbl=20)
    with pytest.raises(TargetUnreachable) as info:
        size(s)
    d = info.value.diagnosis
    # 260 mb of quick storage over 180 days: 260/180 mb/d * beta
    assert d.reachable_usd_per_bbl == pytest.approx(260 / 180 * beta(s), rel=1e-6)
    # lifting a storage cap alone is stopped by the 2 mb/d fill cap
    assert d.lifted_reach_usd_per_bbl == pytest.approx(2.0 * beta(s), rel=1e-6)
    # no single lift reaches $20: the fill cap and a storage cap bind together
    keys = {limit.key for limit in d.limits}
    assert "fill_rate_max_mbd" in keys and len(keys) == 2
    assert any(k.endswith("capacity_max_mb") for k in keys)
    assert "bind together" in str(info.value)


# -- impact mode inverts size mode ----------------------------------------------------

@pytest.mark.parametrize("params", [
    {},
    {"target_impact_usd_per_bbl": 3.0, "offset_share": 0.3},
    {"price_model": "isoelastic"},
    {"loss_rate_per_yr": 0.2},
])
def test_impact_inverts_size(params):
    s = scenario(**params)
    out = outputs(size(s))
    back = impact(s, out["storage_capacity_mb"], out["fill_capacity_mbd"],
                  out["release_capacity_mbd"], "raise")
    assert back.target_impact_usd_per_bbl == pytest.approx(s.target_impact_usd_per_bbl, rel=1e-6)


def test_impact_lower_from_a_stock():
    s = scenario(initial_inventory_mb=100, **{"storage.leased_tanks.existing_mb": 60,
                                              "storage.leased_tanks.capacity_max_mb": 200})
    ans = impact(s, capacity_mb=200, release_rate_mbd=1.0, direction="lower")
    # In the 30 lead days the reserve may fill while moving the price by at
    # most z (the off-window bound), i.e. at z/beta mb/d; the window then
    # releases z/beta for 180 days: 180 z/beta = 100 + 30 z/beta, so
    # z = beta * 100 / 150 (the 1 mb/d release cap does not bind).
    assert ans.target_impact_usd_per_bbl == pytest.approx(-(100 / 150) * beta(s), rel=1e-6)
    assert outputs(ans)["oil_absorbed_mb"] == pytest.approx(30 * 100 / 150, rel=1e-6)


def test_impact_is_bounded_by_the_fill_rate():
    s = scenario()
    ans = impact(s, capacity_mb=1000, fill_rate_mbd=0.5)
    assert ans.target_impact_usd_per_bbl == pytest.approx(0.5 * beta(s), rel=1e-7)
    assert math.isnan(ans.marginal_cost_musd_per_usd)


def test_isoelastic_impact_with_a_binding_off_window_bound():
    """Lowering from a small stock that must be filled in the lead days: the
    off-window bound (the impact itself, in price terms) limits the filling,
    so the answer needs the fixed-point search; check it against size mode."""
    from reserve.solve import design_scenario
    s = scenario(price_model="isoelastic", initial_inventory_mb=50,
                 **{"storage.leased_tanks.existing_mb": 60,
                    "storage.leased_tanks.capacity_max_mb": 300})
    ans = impact(s, capacity_mb=300, release_rate_mbd=2.0, direction="lower")
    z = ans.target_impact_usd_per_bbl
    assert z < 0
    design = design_scenario(s, 300, None, 2.0, "lower")
    # size mode on the same design holds z, and cannot hold 0.1 % more
    size(design.with_params(target_impact_usd_per_bbl=z * (1 - 1e-6)))
    with pytest.raises(TargetUnreachable):
        size(design.with_params(target_impact_usd_per_bbl=z * 1.001))


# -- cost terms by hand ----------------------------------------------------------------

def test_transaction_and_holding_costs_by_hand(tmp_path):
    s = _plain(tmp_path, transaction_cost_usd_per_bbl=0.5, holding_cost_usd_per_bbl_yr=2)
    out = outputs(size(s))
    q = 5 / beta(s)
    # every barrel moved once; stock after day k is q*(k+1) for k = 0..179
    by_hand = 0.5 * 180 * q + 2 / 365 * q * sum(k + 1 for k in range(180))
    assert out["operating_cost_musd"] == pytest.approx(by_hand, rel=1e-9)


def test_rate_capital_by_hand(tmp_path):
    s = _plain(tmp_path, rate_capex_usd_per_bbl_per_day=300, discount_rate=0.05,
               rate_lifetime_yr=20)
    out = outputs(size(s))
    crf = 0.05 / (1 - 1.05 ** -20)
    assert out["capital_cost_musd"] == pytest.approx(300 * crf * 180 / 365 * 5 / beta(s), rel=1e-9)


def test_market_and_cost_valuation_agree_for_a_constant_price(tmp_path):
    """With one baseline price and no losses, buying at P and holding the
    stock to the end credited at P costs the same under both readings."""
    cost = outputs(size(_plain(tmp_path, discount_rate=0.08)))
    market = outputs(size(_plain(tmp_path, discount_rate=0.08, oil_valuation="market")))
    assert market["oil_cost_musd"] == pytest.approx(cost["oil_cost_musd"], rel=1e-9)
    assert cost["oil_cost_musd"] > 0


def test_explicit_off_window_bound_stops_pre_filling():
    s = scenario(initial_inventory_mb=100, off_window_impact_max_usd_per_bbl=0,
                 **{"storage.leased_tanks.existing_mb": 60,
                    "storage.leased_tanks.capacity_max_mb": 200})
    ans = impact(s, capacity_mb=200, release_rate_mbd=1.0, direction="lower")
    # no filling in the lead days: only the 100 mb opening stock, over 180 days
    assert ans.target_impact_usd_per_bbl == pytest.approx(-(100 / 180) * beta(s), rel=1e-6)
    assert outputs(ans)["oil_absorbed_mb"] == pytest.approx(0.0, abs=1e-7)


def test_window_cap_lets_a_stock_overshoot_when_lifted():
    # stock booked at cost: a barrel sold early earns its interest
    s = scenario(target_impact_usd_per_bbl=-5, initial_inventory_mb=300,
                 window_impact_max_usd_per_bbl="inf", oil_valuation="cost",
                 own_price_effect=False,
                 **{"storage.leased_tanks.existing_mb": 300,
                    "storage.leased_tanks.capacity_max_mb": 300})
    sch = schedule(size(s))
    window = sch["in_window"] == 1
    # selling early earns interest, so without the cap it releases at the 2 mb/d limit
    assert sch["price_impact_usd_per_bbl"][window].min() == pytest.approx(-2 * beta(s), rel=1e-6)

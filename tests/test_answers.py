"""Answers an analyst can trust: flows that serve the question, bands that
defend, every price model in every mode, diagnoses that name what binds, and
words that agree with the numbers. Each against an independent figure."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from reserve.errors import TargetUnreachable
from reserve.results import notes, outputs, schedule, sentence
from reserve.scenario import build_scenario
from reserve.solve import impact, size

from conftest import beta, scenario

ROOMY = {"fill_rate_max_mbd": "inf", "release_rate_max_mbd": "inf",
         "storage.floating_storage.capacity_max_mb": "inf"}


def _shipped(name: str, **overrides):
    from pathlib import Path
    return build_scenario(Path(__file__).parent.parent / "models" / f"{name}.toml", overrides)


# -- no flow before it can reach the market --------------------------------------------

def test_the_spr_release_starts_with_the_window():
    s = _shipped("us-spr-2022")
    ans = size(s)
    q = 10 / (100 / (99.5 * 0.1))        # 10 USD/bbl at beta = P0/(Q0*0.1): 0.995 mb/d
    assert outputs(ans)["oil_released_mb"] == pytest.approx(180 * q, rel=1e-9)   # 179.1 mb
    sch = schedule(ans)
    before = sch["day"] < s.lead_days
    assert np.all(sch["release_mbd"][before] == 0)
    # pre_window_release restores the old reading: the lead's 13 days sell too
    early = size(_shipped("us-spr-2022", pre_window_release="true", oil_valuation="cost",
                          own_price_effect="false"))
    assert outputs(early)["oil_released_mb"] == pytest.approx(193 * q, rel=1e-9)


def test_the_iea_2011_action_sells_what_its_window_needs():
    s = _shipped("iea-2011-libya")
    ans = impact(s, capacity_mb=1500, release_rate_mbd=2.0, direction="lower")
    assert outputs(ans)["oil_released_mb"] == pytest.approx(2.0 * 30, rel=1e-9)   # 60 mb
    # and 2 mb/d hold 2*beta lower: beta = 114/(89*0.15)
    assert ans.target_impact_usd_per_bbl == pytest.approx(-2.0 * 114 / (89 * 0.15), rel=1e-7)


# -- a band is a defence, not a licence ---------------------------------------------------

def _path(prices):
    return np.asarray(prices, float)


def test_a_floor_never_lifts_the_price_above_the_floor_or_the_baseline():
    """A boom then a bust, with a market that remembers: the reserve may not buy
    at the top of the boom to game the memory (price <= max(baseline, floor))."""
    days = 360
    path = _path(np.concatenate([np.linspace(80, 130, 120), np.linspace(130, 40, 120),
                                 np.linspace(40, 80, 120)]))
    s = scenario(lead_days=0, hold_days=days, floor_usd_per_bbl=70,
                 demand_elasticity_long_run=-0.3, supply_elasticity_long_run=0.15,
                 adjustment_half_life_days=180, **ROOMY)
    sch = schedule(size(s, path))
    assert np.all(sch["price_usd_per_bbl"] <= np.maximum(path, 70) + 1e-6)
    assert np.all(sch["price_usd_per_bbl"] >= 70 - 1e-6)
    # a margin lets it push that far past, and no further
    sch = schedule(size(s.with_params(off_window_impact_max_usd_per_bbl=3.0), path))
    assert np.all(sch["price_usd_per_bbl"] <= np.maximum(path, 70) + 3.0 + 1e-6)


def test_a_ceiling_never_pushes_the_price_below_the_ceiling_or_the_baseline():
    path = _path(np.concatenate([np.linspace(60, 120, 90), np.linspace(120, 60, 90)]))
    s = scenario(lead_days=0, hold_days=180, ceiling_usd_per_bbl=100, initial_inventory_mb=300,
                 **{"storage.leased_tanks.existing_mb": 400,
                    "storage.leased_tanks.capacity_max_mb": 400,
                    "storage.leased_tanks.build_days": 0}, **ROOMY)
    sch = schedule(size(s, path))
    assert np.all(sch["price_usd_per_bbl"] >= np.minimum(path, 100) - 1e-6)
    assert np.all(sch["price_usd_per_bbl"] <= 100 + 1e-6)


# -- every price model in every mode ------------------------------------------------------

V_PATH = _path(np.concatenate([np.linspace(80, 50, 60), np.linspace(50, 80, 60)]))
#: tankers from day 0, for a band that holds from day 0
AT_ONCE = {"storage.floating_storage.build_days": 0}


def test_an_isoelastic_floor_absorbs_what_holds_each_day_at_the_floor():
    """Capacity = sum over the days below the floor of Q0*((F/P_t)^eps_s - (F/P_t)^eps_d)."""
    s = scenario(price_model="isoelastic", lead_days=0, hold_days=120, floor_usd_per_bbl=70,
                 **ROOMY, **AT_ONCE)
    out = outputs(size(s, V_PATH))
    below = V_PATH < 70
    ratio = 70 / V_PATH[below]
    by_hand = float(np.sum(86.0 * (ratio ** 0.05 - ratio ** -0.10)))
    assert out["storage_capacity_mb"] == pytest.approx(by_hand, rel=1e-7)
    assert out["min_price_usd_per_bbl"] == pytest.approx(70, rel=1e-7)


def test_an_isoelastic_ceiling_releases_what_holds_each_day_at_the_ceiling():
    path = _path(np.concatenate([np.linspace(90, 120, 60), np.linspace(120, 90, 60)]))
    s = scenario(price_model="isoelastic", lead_days=0, hold_days=120, ceiling_usd_per_bbl=100,
                 initial_inventory_mb=500, **{"storage.leased_tanks.existing_mb": 500,
                                              "storage.leased_tanks.capacity_max_mb": 500,
                                              "storage.leased_tanks.build_days": 0}, **ROOMY)
    out = outputs(size(s, path))
    above = path > 100
    ratio = 100 / path[above]
    by_hand = -float(np.sum(86.0 * (ratio ** 0.05 - ratio ** -0.10)))   # a release: x < 0
    assert out["oil_released_mb"] == pytest.approx(by_hand, rel=1e-7)


def test_isoelastic_impact_mode_on_a_path_inverts_size_mode():
    s = scenario(price_model="isoelastic", lead_days=0, hold_days=120, **ROOMY, **AT_ONCE)
    sized = outputs(size(s, V_PATH))
    back = impact(s, sized["storage_capacity_mb"], sized["fill_capacity_mbd"], 0.0, "raise",
                  V_PATH)
    assert back.target_impact_usd_per_bbl == pytest.approx(5.0, rel=1e-6)


def test_a_far_moved_linear_answer_shows_the_isoelastic_figure():
    """-t 200 moves crude 300 %: the warning gives the isoelastic absorption
    x = Q0*((P1/P0)^eps_s - (P1/P0)^eps_d), P1 = 266.75, beside the linear 200/beta."""
    ans = size(scenario(target_impact_usd_per_bbl=200, **ROOMY))
    ratio = 266.75 / 66.75
    iso = 86.0 * (ratio ** 0.05 - ratio ** -0.10)          # 17.29 mb/d
    (warning,) = ans.warnings
    assert f"{iso:.2f} mb/d" in warning and f"{200 / beta(ans.scenario):.2f} mb/d" in warning
    assert size(scenario()).warnings == []                  # $5 on $66.75: near enough


def test_the_warning_reaches_json_and_stderr(cli):
    r = cli("size", "-t", "200", "--set", "fill_rate_max_mbd=inf",
            "--set", "storage.floating_storage.capacity_max_mb=inf", "-f", "json")
    assert r.returncode == 0, r.stderr
    assert "isoelastic" in json.loads(r.stdout)["warnings"][0]
    assert "warning: the linear price curve" in r.stderr


def test_an_unreachable_own_price_target_exits_3_like_the_lp(cli):
    qp = cli("size", "-t", "10", "--set", "own_price_effect=true")
    lp = cli("size", "-t", "10")
    assert qp.returncode == 3 == lp.returncode
    assert qp.stderr == lp.stderr and "can hold at most" in qp.stderr


# -- the diagnosis names what binds ----------------------------------------------------------

def test_all_quick_storage_binds_together_under_kilian_murphy():
    s = scenario(elasticity_preset="kilian-murphy-2014")
    with pytest.raises(TargetUnreachable) as info:
        size(s)
    text = str(info.value)
    need = 180 * 5 / beta(s)                                 # 318.88 mb
    assert f"the target needs {need:,.2f} mb of storage" in text
    assert "260 mb capped in all" in text
    for cap in ("leased_tanks capped at 60 mb", "floating_storage capped at 100 mb",
                "floating_storage_tier2 capped at 100 mb"):
        assert cap in text
    # 260 mb over the 180-day window hold 260/180 mb/d
    assert info.value.diagnosis.reachable_usd_per_bbl == pytest.approx(260 / 180 * beta(s),
                                                                       rel=1e-6)


def test_limits_that_bind_only_together_are_named_together():
    s = scenario(target_impact_usd_per_bbl=20)
    with pytest.raises(TargetUnreachable) as info:
        size(s)
    d = info.value.diagnosis
    assert {limit.key for limit in d.limits} >= {"fill_rate_max_mbd"}
    assert f"{20 / beta(s):,.2f} mb/d (fill_rate_max_mbd)" in str(info.value)


def test_a_diagnosis_of_a_year_stays_fast_and_says_what_it_skipped():
    """Storage that takes 100 years to build: lifting the lead time would build a
    100-year model; the diagnosis skips it, says so, and stays within seconds."""
    s = scenario(hold_days=335, **{f"storage.{name}.build_days": 36500 for name in
                                   ("leased_tanks", "floating_storage", "floating_storage_tier2",
                                    "new_steel_tanks", "new_salt_caverns")})
    start = time.perf_counter()
    with pytest.raises(TargetUnreachable) as info:
        size(s)
    assert time.perf_counter() - start < 10
    assert "not tried: lead_days" in str(info.value)
    assert "can hold at most 0.00 USD/bbl" in str(info.value)


# -- words and numbers that agree ------------------------------------------------------------

def test_capacity_and_stock_are_reported_apart():
    out = outputs(size(_shipped("us-spr-2022")))
    assert out["days_of_world_demand"] == pytest.approx(713.5 / 99.5, rel=1e-9)      # capacity
    # the largest stock: the opening 568 mb and what the 13 lead days buy at the
    # 0.1 mb/d fill cap, ahead of the buy-back that replaces the release (its
    # premium is convex, so spreading the purchases over more days costs less)
    assert out["max_inventory_mb"] == pytest.approx(568 + 13 * 0.1, rel=1e-9)
    assert out["max_inventory_days_of_world_demand"] == pytest.approx(569.3 / 99.5, rel=1e-9)


def test_impact_mode_charges_existing_storage_its_o_and_m_as_size_mode_does():
    s = _shipped("us-spr-2022")
    ans = impact(s, capacity_mb=713.5, release_rate_mbd=1.0, direction="lower")
    years = float(np.sum((1.03) ** (-np.arange(193) / 365.0)) / 365.0)   # discounted years
    assert outputs(ans)["operating_cost_musd"] == pytest.approx(713.5 * 0.25 * years, rel=1e-9)
    assert outputs(size(s))["operating_cost_musd"] == pytest.approx(713.5 * 0.25 * years,
                                                                     rel=1e-9)


def test_impact_words_and_table_give_the_design_rates():
    ans = impact(_shipped("us-spr-2022"), capacity_mb=713.5, release_rate_mbd=1.0,
                 direction="lower")
    out = outputs(ans)
    assert out["release_capacity_mbd"] == 1.0 and out["fill_capacity_mbd"] == 0.1
    assert "fill at up to 0.10 and release at up to 1.00 mb/d" in sentence(ans)


def test_a_release_from_stock_is_not_said_to_need_its_storage():
    text = sentence(size(_shipped("us-spr-2022")))
    assert "714 mb of existing storage and no new storage" in text
    assert "from a stock of 568 mb" in text and "179 mb in all" in text


def test_a_negative_marginal_cost_is_explained():
    ans = size(_shipped("us-spr-2022", oil_valuation="cost", own_price_effect="false"))
    assert ans.marginal_cost_musd_per_usd < 0
    (note,) = [n for n in notes(ans) if "negative" in n]
    assert "earns the interest" in note
    assert not any("negative" in n for n in notes(size(scenario())))

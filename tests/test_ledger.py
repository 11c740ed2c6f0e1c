"""The owner's ledger and the best reserve for its owner, against closed forms."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from reserve.errors import InputError, TargetUnreachable
from reserve.results import outputs, schedule, sentence
from reserve.scenario import build_scenario
from reserve.solve import impact, size

from conftest import beta, scenario

ROOT = Path(__file__).resolve().parent.parent
#: free storage and trade: one owned option usable at once, no costs, no caps;
#: the stock kept, booked at its cost (the sale after the horizon is priced in
#: test_a_free_reserve_sold_after_is_none and tests/test_valuation.py)
FREE = {"oil_valuation": "cost", "discount_rate": 0, "transaction_cost_usd_per_bbl": 0, "rate_capex_usd_per_bbl_per_day": 0,
        "fill_rate_max_mbd": "inf", "release_rate_max_mbd": "inf", "lead_days": 0,
        "storage.leased_tanks.lease_term_days": 0, "storage.leased_tanks.build_days": 0,
        "storage.leased_tanks.om_usd_per_bbl_yr": 0, "storage.leased_tanks.capacity_max_mb": "inf"}


def _delta(days: int, rate: float) -> np.ndarray:
    return (1 + rate) ** (-np.arange(days) / 365.0)


def _gain(exports: float, rate: float) -> float:
    """E * 5 over the window's 180 days (days 30-209), less E * 5 over the
    180 days after (days 210-389), when the stock bought at the pace that
    held +$5 is sold at that pace: discounted day by day."""
    delta = _delta(390, rate)
    return exports * 5 * (delta[30:210].sum() - delta[210:].sum())


def test_the_export_gain_of_a_constant_hold():
    """E * target * sum over the window of delta_t * Delta, less the same over
    the sale after it, which lowers the price by as much for as long."""
    ans = size(scenario(net_exports_mbd=7))
    out = outputs(ans)
    assert out["export_gain_musd"] == pytest.approx(_gain(7, 0.08), rel=1e-9)
    assert out["liquidation_export_gain_musd"] == pytest.approx(
        -7 * 5 * _delta(390, 0.08)[210:].sum(), rel=1e-9)
    assert out["gdp_gain_musd"] == 0
    assert out["net_benefit_musd"] == pytest.approx(
        out["export_gain_musd"] - out["total_cost_musd"], rel=1e-12)


def test_an_importers_gdp_gain_by_hand():
    """The 2022 release: GDP 25,460 bn, elasticity -0.024, the price $10 lower on
    $100 for the 180 window days (3 %/yr discounting). The stock bought back
    after counts apart (liquidation_*), so the window's part is the same with
    the stock booked at cost."""
    s = build_scenario(ROOT / "models" / "us-spr-2022.toml")
    window = _delta(193, 0.03)[13:]
    gdp = float(np.sum(window / 365 * 1000 * 25460 * -0.024 * (-10 / 100)))
    out = outputs(size(s.with_params(oil_valuation="cost")))
    assert out["gdp_gain_musd"] == pytest.approx(gdp, rel=1e-9)
    assert out["export_gain_musd"] == pytest.approx(-6 * -10 * window.sum(), rel=1e-9)
    # sold after: the horizon's part by the same formula on the schedule's
    # impacts (buying back is cheaper spread out, so some starts in the lead days)
    ans = size(s)
    out = outputs(ans)
    impact_usd = schedule(ans)["price_impact_usd_per_bbl"]
    horizon = float(np.sum(_delta(193, 0.03) / 365 * 1000 * 25460 * -0.024 * impact_usd / 100))
    assert out["gdp_gain_musd"] - out["liquidation_gdp_gain_musd"] == pytest.approx(
        horizon, rel=1e-9)
    assert out["liquidation_gdp_gain_musd"] < 0 < out["gdp_gain_musd"]


def test_an_unwound_reserve_earns_nothing_without_discounting():
    """Static linear market, constant price, no discounting: what the price
    gains while filling it gives back while selling, to the barrel."""
    s = scenario(net_exports_mbd=7, discount_rate=0, tail_days=180, end_inventory_max_mb=0,
                 **{"storage.floating_storage.capacity_max_mb": "inf"})
    out = outputs(size(s))
    assert out["end_inventory_mb"] == pytest.approx(0, abs=1e-6)
    assert abs(out["export_gain_musd"]) < 1e-6 * 7 * 5 * 180


def test_the_best_absorption_is_half_the_exports():
    """Own-price premium c*n^2 against a linear gain E*c*n: n* = E/2 a day."""
    s = scenario(objective="net-benefit", net_exports_mbd=7, hold_days=30, **FREE)
    ans = size(s)
    net = ans.solution.fill_mbd - ans.solution.release_mbd
    # to 1e-4: the tie-breaking costs on capacity and stock (1e-5 musd per mb)
    # shade it by about 5e-6; E (not E/2) or a wrong premium would be off by 100 %
    assert np.allclose(net, 7 / 2, rtol=1e-4)
    assert outputs(ans)["max_price_usd_per_bbl"] == pytest.approx(66.75 + 3.5 * beta(s),
                                                                  rel=1e-4)


def test_the_breakeven_exports_break_even_when_re_run():
    out = outputs(size(scenario(net_exports_mbd=7)))
    again = outputs(size(scenario(net_exports_mbd=out["breakeven_net_exports_mbd"])))
    assert abs(again["net_benefit_musd"]) < 1e-9 * out["total_cost_musd"]
    assert ("it would pay only an owner with net exports of more than 88.69 mb/d, more than "
            "the world's demand of 86 mb/d: it pays no one") in sentence(size(scenario()))


def test_a_free_reserve_sold_after_is_none():
    """No free lunch: with free storage and no discounting, every reserve whose
    stock is sold after loses its round trip, so the best for its owner is none."""
    ans = size(scenario(objective="net-benefit", net_exports_mbd=7, hold_days=30,
                        **{**FREE, "oil_valuation": "sale"}))
    assert outputs(ans)["storage_capacity_mb"] == pytest.approx(0, abs=1e-6)
    assert outputs(ans)["net_benefit_musd"] == pytest.approx(0, abs=1e-6)


def test_none_is_an_answer_and_says_why():
    ans = size(scenario(objective="net-benefit", net_exports_mbd=0))
    assert outputs(ans)["storage_capacity_mb"] == pytest.approx(0, abs=1e-6)
    assert "is none: with no net exports" in sentence(ans)
    unwound = size(scenario(objective="net-benefit", end_inventory_max_mb=0, tail_days=360))
    assert "is none: it must sell back" in sentence(unwound)


def test_impact_mode_finds_the_best_schedule_of_a_design():
    s = scenario(objective="net-benefit", net_exports_mbd=7, hold_days=30, **FREE)
    ans = impact(s, capacity_mb=1000, fill_rate_mbd=1.0)
    assert np.allclose(ans.solution.fill_mbd, 1.0, rtol=1e-6)   # E/2 = 3.5 > the 1 mb/d design
    assert ans.target_impact_usd_per_bbl == pytest.approx(1.0 * beta(s), rel=1e-6)


@pytest.mark.parametrize("overrides, words", [
    ({"gdp_usd_bn": -1}, "a GDP is not negative"),
    ({"objective": "net-benefit", "target_impact_usd_per_bbl": 5}, "finds the best impact"),
    ({"objective": "net-benefit", "floor_usd_per_bbl": 70}, "one or the other"),
    ({"objective": "net-benefit", "price_model": "isoelastic"}, "static linear model"),
    ({"owner": "x" * 61}, "plain text of at most 60"),
])
def test_bad_ledger_input_is_named(overrides, words):
    with pytest.raises(InputError, match=words):
        scenario(**overrides)


def test_an_unwind_without_a_tail_names_the_days_it_needs():
    """Selling 174 mb back at the pace that keeps the price within $5 of the
    baseline takes as long as filling it did: 180 days."""
    with pytest.raises(TargetUnreachable) as info:
        size(scenario(end_inventory_max_mb=0))
    assert "needs tail_days >= 180" in str(info.value)
    assert info.value.diagnosis.binding.key == "tail_days"
    assert info.value.diagnosis.need_value == 180


def test_the_cli_unwinds_and_reports_the_ledger_everywhere(cli, tmp_path):
    r = cli("size", "-t", "5", "--unwind", "--set", "tail_days=180", "-f", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["end_inventory_mb"] == pytest.approx(0, abs=1e-6)
    for name in ("export_gain_musd", "gdp_gain_musd", "net_benefit_musd",
                 "breakeven_net_exports_mbd"):
        assert name in out
    r = cli("size", "-t", "5", "--unwind")
    assert r.returncode == 3 and "tail_days >= 180" in r.stderr
    r = cli("size", "-t", "5", "--objective", "net-benefit")
    assert r.returncode == 2 and "target_impact_usd_per_bbl" in r.stderr
    sweep = cli("sensitivity", "--vary", "net_exports_mbd=2,7")
    for row in csv.DictReader(io.StringIO(sweep.stdout)):   # held, then given back
        expected = _gain(float(row["net_exports_mbd"]), 0.08)
        assert float(row["export_gain_musd"]) == pytest.approx(expected, rel=1e-9)
    sheet = tmp_path / "in.csv"
    sheet.write_text("id,net_exports_mbd\na,7\nb,-3\n")
    batch = cli("batch", sheet)
    rows = list(csv.DictReader(io.StringIO(batch.stdout)))
    assert float(rows[1]["export_gain_musd"]) == pytest.approx(
        -3 / 7 * float(rows[0]["export_gain_musd"]), rel=1e-9)



def test_a_term_the_scenario_leaves_out_reads_not_modelled(cli):
    """The default scenario has no GDP term (gdp_usd_bn = 0): the table says
    so instead of a 0.00 that reads as a finding; JSON keeps the number."""
    r = cli("size", "--target-impact", "5")
    assert r.returncode == 0, r.stderr
    gdp = next(line for line in r.stdout.splitlines() if "gdp_gain_musd" in line)
    assert "not modelled" in gdp and "gdp_usd_bn = 0" in gdp
    exports = next(line for line in r.stdout.splitlines() if " export_gain_musd" in line)
    assert "not modelled" not in exports
    r = cli("size", "--target-impact", "5", "--set", "gdp_usd_bn=1000",
            "--set", "gdp_oil_elasticity=-0.024", "--set", "net_exports_mbd=0")
    lines = r.stdout.splitlines()
    assert "not modelled" not in next(line for line in lines if "gdp_gain_musd" in line)
    assert "net_exports_mbd = 0" in next(line for line in lines if " export_gain_musd" in line)

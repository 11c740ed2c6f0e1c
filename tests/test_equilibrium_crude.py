"""The crude calibration of `reserve equilibrium` (models/recs-crude-2008.toml):
the default scenario's market in the model's units, checked by hand, and the
floor's first-year survival against its closed form."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.stats import norm

from reserve.equilibrium_runs import load_calibration
from reserve.storage_equilibrium import simulate, solve


def test_the_2008_market_in_the_models_units():
    """$66.75/bbl and 86 mb/d are the units: the $60 floor is 60/66.75 of the
    price, 174 mb is 174/31,390 of a year's consumption, $6/bbl-yr of storage
    is 6/66.75; elasticities and the 8 % rate come from the scenario."""
    c = load_calibration("recs-crude-2008")
    assert c.floor == pytest.approx(60 / 66.75, rel=1e-12)
    assert c.public_cap == pytest.approx(174 / (365 * 86), rel=1e-12)
    assert c.storage_cost == pytest.approx(6 / 66.75, rel=1e-12)
    assert (c.demand_elasticity, c.supply_elasticity, c.interest_rate) == (-0.10, 0.05, 0.08)
    moved = load_calibration("recs-crude-2008", {"floor_usd_per_bbl": "50",
                                                 "demand_elasticity": "-0.2"})
    assert moved.floor == pytest.approx(50 / 66.75) and moved.demand_elasticity == -0.2


def test_the_first_year_survival_has_a_closed_form():
    """Where holding never pays (storage at five years' price) and output does
    not respond, only the public carries stock. From the steady state (A = 1,
    nothing held) next year's availability is the shock e ~ N(1, 0.03^2), and
    the floor holds iff the public can buy the excess, e <= D(P^F) + cap:
    survival over years 0 and 1 is Phi((D(P^F) + cap - 1)/0.03). With 4,000
    paths the simulated share lies within four standard errors of it."""
    c = load_calibration("recs-crude-2008", {"storage_cost_usd_per_bbl_yr": 5 * 66.75,
                                             "supply_elasticity": 0, "grid_points": 300})
    held = float(np.mean(simulate(solve(c), 2, 4000, seed=5).collapsed_in < 0))
    exact = norm.cdf(((60 / 66.75) ** -0.1 + 174 / 31390 - 1) / 0.03)
    assert exact == pytest.approx(0.7061, abs=1e-4)
    assert abs(held - exact) < 4 * math.sqrt(exact * (1 - exact) / 4000)


def test_the_2008_question_from_the_command_line(cli):
    r = cli("equilibrium", "-c", "recs-crude-2008", "-n", "200", "--years", "10", "-f", "json",
            "--set", "grid_points=400")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["floor_usd_per_bbl"] == pytest.approx(60.0)
    assert out["public_cap_mb"] == pytest.approx(174.0)
    assert out["mean_price_usd_per_bbl"] == pytest.approx(66.75 * out["mean_price"])
    assert out["survival_probability"] < 0.1   # 174 mb is a sliver of a year's trade


@pytest.mark.parametrize("args, words", [
    (["-c", "recs-sto2", "--set", "floor_usd_per_bbl=60"], "floor_usd_per_bbl"),
    (["-c", "recs-crude-2008", "--set", "public_cap_mb=lots"], "public_cap_mb"),
    (["-c", "recs-crude-2008", "--set", "grid_points=50"], "grid_points"),
])
def test_bad_crude_input_exits_2(cli, args, words):
    r = cli("equilibrium", "-n", "5", *args)
    assert r.returncode == 2, r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr


def test_the_daily_chain_of_reserve_paths_as_a_yearly_one_by_hand():
    """reserve paths' defaults, a disruption every ten years on average
    (a = 1/3650 a day) lasting half a year (b = 1/180), 8 mb/d of 86: a year
    turns disrupted with p = 1 - (1 - a)^365 = 0.095175 and back with
    q = 1 - (1 - b)^365 = 0.869114; the daily chain is disrupted 4.700 % of
    days and the yearly 9.870 % of years, so a disrupted year loses
    8/86 x 4.700/9.870 = 4.429 % of its output: the same mean loss."""
    c = load_calibration("recs-crude-2008", {"disruption_mbd": 8.0,
                                             "p_disrupt_per_day": 1 / 3650,
                                             "p_recover_per_day": 1 / 180})
    assert c.p_disrupt == pytest.approx(0.095175, abs=5e-7)
    assert c.p_recover == pytest.approx(0.869114, abs=5e-7)
    assert c.disruption_loss == pytest.approx(0.044295, abs=5e-7)
    yearly_share = c.p_disrupt / (c.p_disrupt + c.p_recover)
    daily_share = (1 / 3650) / (1 / 3650 + 1 / 180)
    assert c.disruption_loss * yearly_share == pytest.approx(8 / 86 * daily_share, rel=1e-12)


@pytest.mark.parametrize("settings, name", [
    (["p_disrupt_per_day=0.001"], "p_recover_per_day"),
    (["p_disrupt_per_day=0.001", "p_recover_per_day=0.01"], "disruption_mbd"),
    (["p_disrupt_per_day=0.001", "p_recover_per_day=0.01", "disruption_mbd=5",
      "p_disrupt=0.1"], "p_disrupt"),
    (["p_disrupt_per_day=2", "p_recover_per_day=0.01", "disruption_mbd=5"],
     "p_disrupt_per_day"),
])
def test_the_daily_chain_refuses_what_does_not_make_one(cli, settings, name):
    r = cli("equilibrium", "-c", "recs-crude-2008",
            *[a for s in settings for a in ("--set", s)])
    assert r.returncode == 2, r.stderr
    assert name in r.stderr and "Traceback" not in r.stderr

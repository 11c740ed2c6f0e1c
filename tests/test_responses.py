"""A market with memory (issue 21): commercial holders and other producers,
each against a closed form derived in docs/explanation/model.md ("A market
with memory"), worked out here by hand from the scenario's numbers."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest

import reserve
from reserve.errors import TargetUnreachable
from reserve.problem import build_problem
from reserve.results import outputs, schedule
from reserve.solve import size

from conftest import WEEKS, beta, scenario

#: One owned tank, existing and ample, usable at once; no rate caps, no
#: discounting, the oil at market prices with no premium: the cheapest
#: schedule is the one the price conditions force.
TANK = {"storage.leased_tanks.lease_term_days": 0, "storage.leased_tanks.build_days": 0,
        "storage.leased_tanks.capacity_max_mb": "inf", "storage.leased_tanks.existing_mb": 5000,
        "fill_rate_max_mbd": "inf", "release_rate_max_mbd": "inf", "discount_rate": 0,
        "oil_valuation": "market", "own_price_effect": False, "transaction_cost_usd_per_bbl": 0}


def _one_tank(**params):
    """The default scenario reduced to its first storage option, made plain (TANK)."""
    s = scenario(**{**WEEKS, **TANK, **params})
    from dataclasses import replace
    return replace(s, storage=s.storage[:1])


# -- commercial holders: a constant hold ------------------------------------------------

def _forced(step: int, b: float):
    """$5 held for 168 days after a 56-day lead, 56 days after; the price held at
    the baseline outside the window (bound 0), which the reserve can do only by
    trading against the holders: it may release from day 0 from a stock of 500 mb."""
    return _one_tank(time_step_days=step, lead_days=56, hold_days=168, tail_days=56,
                     off_window_impact_max_usd_per_bbl=0, pre_window_release=True,
                     initial_inventory_mb=500, private_storage_response_mb_per_usd=b,
                     private_storage_horizon_days=28)


def test_a_constant_hold_with_holders_is_the_closed_form():
    """With the price z in the window and 0 outside, holders buy b z evenly over
    the h days before the window, sell it over the h days after it opens, sell
    b z over the h days before it ends and buy it back over the h days after.
    The reserve's net flow is z/c plus what the holders put on the market."""
    b, z, h = 12.0, 5.0, 28
    answer = size(_forced(1, b))
    s = answer.scenario
    c = beta(s)
    table = schedule(answer)
    day = table["day"]
    lead, end = 56, 56 + 168
    holders = np.zeros(len(day))                  # mb/d the holders buy
    holders[(day >= lead - h) & (day < lead)] = b * z / h
    holders[(day >= lead) & (day < lead + h)] = -b * z / h
    holders[(day >= end - h) & (day < end)] = -b * z / h
    holders[(day >= end) & (day < end + h)] = b * z / h
    window = (day >= lead) & (day < end)
    expected = np.where(window, z / c, 0.0) - holders
    net = table["fill_mbd"] - table["release_mbd"]
    assert np.allclose(table["private_flow_mbd"], holders, atol=1e-7)
    assert np.allclose(net, expected, atol=1e-7)
    # the run at the end: b z absorbed beyond z/c in the last h days, in all
    last = (day >= end - h) & (day < end)
    assert float((net[last] - z / c).sum()) == pytest.approx(b * z, rel=1e-7)
    # and the purchases ahead of the start: b z held when the window opens
    assert table["private_stock_mb"][lead - 1] == pytest.approx(b * z, rel=1e-7)


def test_daily_and_weekly_steps_agree_with_holders():
    daily, weekly = (outputs(size(_forced(step, 12.0))) for step in (1, 7))
    for name in ("storage_capacity_mb", "oil_absorbed_mb", "oil_released_mb",
                 "max_inventory_mb", "total_cost_musd"):
        assert weekly[name] == pytest.approx(daily[name], rel=1e-7, abs=1e-6), name


def test_no_holders_is_todays_model():
    """b = 0 builds today's model, row for row (the golden listings of
    tests/lp_files hold it), and answers exactly as without the parameter."""
    today = outputs(size(scenario()))
    none = outputs(size(scenario(private_storage_response_mb_per_usd=0)))
    assert none == today
    assert not build_problem(scenario()).remembers


def test_holders_add_to_the_default_answer():
    """Holders draw on the reserve: more storage and faster fill than without."""
    today = outputs(size(scenario()))
    held = outputs(size(scenario(private_storage_response_mb_per_usd=2)))
    assert held["storage_capacity_mb"] > today["storage_capacity_mb"] + 10
    assert held["fill_capacity_mbd"] > today["fill_capacity_mbd"]


def test_a_glide_is_never_dearer_than_an_abrupt_exit():
    """The price after the window let glide (within the off-window bound) costs no
    more than one forced back to the baseline at once; with holders it costs less."""
    costs = {}
    for b in (0.0, 6.0):
        s = _one_tank(tail_days=56, lead_days=56, hold_days=168,
                      private_storage_response_mb_per_usd=b, holding_cost_usd_per_bbl_yr=2.0)
        data = build_problem(s)
        glide = reserve.pyomo_model(data, "general")
        abrupt = reserve.pyomo_model(data, "general")
        after = [t for t in range(data.n_periods) if data.period_start_day[t] >= 56 + 168]
        for t in after:   # the price back at the baseline (static: no net flow)
            if data.carries_impact:
                abrupt.impact_usd_per_bbl[t].fix(0.0)
            else:
                abrupt.fill_mbd[t].fix(0.0)
                abrupt.release_mbd[t].fix(0.0)
        values = []
        for m in (glide, abrupt):
            assert pyo.check_optimal_termination(pyo.SolverFactory("highs").solve(m))
            values.append(pyo.value(m.least_cost))
        costs[b] = values
    assert costs[6.0][0] < costs[6.0][1] - 1.0
    assert costs[0.0][0] <= costs[0.0][1] + 1e-6
    # the answer says what the glide saves: the same difference (less tie-breaks)
    answer = size(_one_tank(tail_days=56, lead_days=56, hold_days=168,
                            private_storage_response_mb_per_usd=6.0,
                            holding_cost_usd_per_bbl_yr=2.0))
    assert answer.glide_saving_musd == pytest.approx(costs[6.0][1] - costs[6.0][0], abs=0.01)
    assert "instead of ending at once saves" in answer.sentence


# -- commercial holders on the isoelastic curve -------------------------------------------

def _curve(z: float, s) -> float:
    """Absorption [mb/d] holding the price z above P0 on constant-elasticity curves,
    by hand: Q0 ((1 + z/P0)^eps_s - (1 + z/P0)^eps_d)."""
    ratio = 1.0 + z / s.price_usd_per_bbl
    return s.demand_mbd * (ratio ** s.supply_elasticity - ratio ** s.demand_elasticity)


@pytest.mark.parametrize("step", [1, 7])
def test_a_constant_hold_with_holders_on_the_isoelastic_curve(step):
    """The same forced hold as above on the isoelastic market: the holders' trades
    follow the price alone, so they are the linear case's; the reserve absorbs
    the curve's x(z) in the window instead of z/c."""
    b, z, h = 12.0, 5.0, 28
    s = _forced(step, b).with_params(price_model="isoelastic")
    table = schedule(size(s))
    day = table["day"]
    lead, end = 56, 56 + 168
    holders = np.zeros(len(day))
    holders[(day >= lead - h) & (day < lead)] = b * z / h
    holders[(day >= lead) & (day < lead + h)] = -b * z / h
    holders[(day >= end - h) & (day < end)] = -b * z / h
    holders[(day >= end) & (day < end + h)] = b * z / h
    window = (day >= lead) & (day < end)
    net = table["fill_mbd"] - table["release_mbd"]
    assert np.allclose(table["private_flow_mbd"], holders, atol=1e-7)
    assert np.allclose(net, np.where(window, _curve(z, s), 0.0) - holders, atol=1e-7)


def test_holders_on_the_isoelastic_curve_clear_on_the_curve():
    """The default question with holders on the isoelastic market: in every period
    what the market sees absorbed is the curve's x(dp) at the price it reports
    (evaluated here by hand), not the tangent the solver starts from."""
    answer = size(scenario(price_model="isoelastic", private_storage_response_mb_per_usd=2))
    s, table = answer.scenario, schedule(answer)
    seen = table["net_absorption_mbd"] + table["private_flow_mbd"]
    ratio = 1.0 + table["price_impact_usd_per_bbl"] / s.price_usd_per_bbl
    curve = s.demand_mbd * (ratio ** s.supply_elasticity - ratio ** s.demand_elasticity)
    assert np.max(np.abs(seen - curve)) < 1e-6
    assert np.min(table["price_impact_usd_per_bbl"][table["in_window"] == 1]) \
        == pytest.approx(5.0, rel=1e-7)
    # the curve is flatter than its tangent above the baseline: less oil than the linear model
    linear = outputs(size(scenario(private_storage_response_mb_per_usd=2)))
    assert outputs(answer)["storage_capacity_mb"] < linear["storage_capacity_mb"]


def test_the_isoelastic_reserve_with_holders_holds_what_it_was_sized_for():
    """impact is the inverse of size on the curve too: the storage sized for $5
    holds $5 (the first tangent alone would refuse it, asking more oil)."""
    s = scenario(price_model="isoelastic", private_storage_response_mb_per_usd=2)
    sized = outputs(size(s))
    held = reserve.impact(s, capacity_mb=sized["storage_capacity_mb"])
    assert outputs(held)["max_impact_usd_per_bbl"] == pytest.approx(5.0, rel=1e-5)


def test_the_pyomo_model_of_the_answer_holds_its_tangent_and_its_cost():
    """answer.data carries the tangent the answer ended on: Pyomo's own HiGHS
    interface, given that model, costs what the answer costs (an LP: HiGHS's QP
    solver takes minutes on the general form, which reserve solves by cuts)."""
    from test_formulation import _pyomo_values
    from reserve.solution import total_cost_musd
    answer = size(scenario(price_model="isoelastic", private_storage_response_mb_per_usd=2,
                           own_price_effect=False, oil_valuation="market"))
    assert answer.data.curve_point_usd_per_bbl is not None
    m = reserve.pyomo_model(answer.data)
    assert pyo.check_optimal_termination(pyo.SolverFactory("highs").solve(m))
    theirs = total_cost_musd(answer.data, _pyomo_values(m, m.form))
    assert theirs == pytest.approx(answer.solution.total_cost_musd, rel=1e-6)


def test_a_stalled_solve_started_again_gives_the_same_answer():
    """The way out of a simplex stall (cold, rescaled; then interior point) on a
    market with holders answers as the first solve did and leaves HiGHS's
    options as they were."""
    from reserve.session import Session
    data = build_problem(scenario(private_storage_response_mb_per_usd=2))
    session = Session(data)
    assert session._stall_s is not None
    assert session.least_cost()
    cost = session.solution().total_cost_musd
    scaling = session.highs.getOptionValue("simplex_scale_strategy")[1]
    assert session._unstall().name == "kOptimal"
    assert session.highs.getOptionValue("simplex_scale_strategy")[1] == scaling
    assert session.highs.getOptionValue("solver")[1] == "choose"
    assert session.solution().total_cost_musd == pytest.approx(cost, rel=1e-7)


# -- other producers ----------------------------------------------------------------------

@pytest.mark.parametrize("response, keep", [("dominant-firm", 0.5), ("cooperative", 1.5)])
def test_a_named_share_scales_the_reserve(response, keep):
    """A dominant firm sells half of what the reserve absorbs (sigma = 1/2); a
    cooperative one cuts alongside by its share (sigma = -1/2): every flow, and
    the premium it pays on them, scales by 1/(1 - sigma) on a plain tank."""
    base = outputs(size(_one_tank(own_price_effect=True)))
    named = outputs(size(_one_tank(producer_response=response, own_price_effect=True)))
    assert base["oil_cost_musd"] > 1.0   # the premium it pays on the price it moves
    for name in ("max_inventory_mb", "oil_absorbed_mb", "oil_cost_musd"):
        assert named[name] == pytest.approx(base[name] / keep, rel=1e-7), name


def test_offset_share_overrides_the_named_behaviour():
    named = outputs(size(_one_tank(producer_response="dominant-firm", offset_share=0.2)))
    share = outputs(size(_one_tank(offset_share=0.2)))
    assert named == share


def test_a_lag_leaves_the_first_days_to_the_reserve_alone():
    """Responding 60 days after the decision, a dominant firm leaves the first 30
    window days at z/c, the other 150 at 2 z/c."""
    s = _one_tank(producer_response="dominant-firm", producer_response_lag_days=60)
    table = schedule(size(s))
    c, z = beta(s), 5.0
    window = table["in_window"] == 1
    absorbed = float((table["fill_mbd"] - table["release_mbd"])[window].sum())
    assert absorbed == pytest.approx(30 * z / c + 150 * 2 * z / c, rel=1e-7)
    late = outputs(size(_one_tank(producer_response="dominant-firm",
                                  producer_response_lag_days=210)))
    assert late["max_inventory_mb"] == pytest.approx(
        outputs(size(_one_tank()))["max_inventory_mb"], rel=1e-9)


def test_a_price_target_cartel_takes_its_spare_capacity_of_every_window_day():
    """A cartel with 1.5 mb/d spare adds it in every window period: the reserve
    absorbs z/c + 1.5 a day there, and the price still moves by z."""
    s = _one_tank(producer_response="price-target", producer_spare_capacity_mbd=1.5,
                  own_price_effect=True)
    table = schedule(size(s))
    c, z = beta(s), 5.0
    window = table["in_window"] == 1
    net = (table["fill_mbd"] - table["release_mbd"])[window]
    assert np.allclose(net, z / c + 1.5, rtol=1e-7)
    assert np.allclose(table["price_impact_usd_per_bbl"][window], z, rtol=1e-7)
    assert np.allclose(table["net_absorption_mbd"][window], z / c, rtol=1e-7)


def test_a_price_target_cartel_with_holders_still_takes_its_capacity():
    """The same cartel in the general form (holders on): the window's absorption
    beyond the holders' trades is z/c + S."""
    s = _one_tank(producer_response="price-target", producer_spare_capacity_mbd=1.5,
                  private_storage_response_mb_per_usd=3.0, lead_days=56, tail_days=56)
    table = schedule(size(s))
    window = table["in_window"] == 1
    seen = table["net_absorption_mbd"][window] + table["private_flow_mbd"][window]
    assert np.allclose(seen, 5.0 / beta(s), rtol=1e-6)


# -- out of reach -----------------------------------------------------------------------

def test_a_zero_bound_outside_the_window_with_holders_is_out_of_reach():
    with pytest.raises(TargetUnreachable) as caught:
        size(scenario(private_storage_response_mb_per_usd=2,
                      off_window_impact_max_usd_per_bbl=0))
    message = str(caught.value)
    assert "private_storage_response_mb_per_usd" in message
    assert "off_window_impact_max_usd_per_bbl" in message


@pytest.mark.parametrize("name, value, allowed", [
    ("private_storage_response_mb_per_usd", "-1", ">= 0"),
    ("private_storage_response_mb_per_usd", "inf", ">= 0"),
    ("private_stocks_mb", "-5", ">= 0"),
    ("private_spare_capacity_mb", "-1", ">= 0"),
    ("private_storage_horizon_days", "10", "multiple"),
    ("producer_spare_capacity_mbd", "nan", ">= 0"),
    ("producer_response", "opec", "one of"),
])
def test_bad_responses_exit_2_naming_the_parameter(cli, name, value, allowed):
    extra = ["--set", "time_step_days=7", "--set", "lead_days=28", "--set", "hold_days=182",
             "--set", "storage.leased_tanks.lease_term_days=28",
             "--set", "storage.leased_tanks.build_days=28",
             "--set", "storage.floating_storage.lease_term_days=91",
             "--set", "storage.floating_storage.build_days=28",
             "--set", "storage.floating_storage_tier2.lease_term_days=91",
             "--set", "storage.floating_storage_tier2.build_days=28"] \
        if allowed == "multiple" else []
    r = cli("size", "-t", "5", "--set", f"{name}={value}", *extra)
    assert r.returncode == 2, r.stderr
    assert name in r.stderr and allowed in r.stderr
    assert "Traceback" not in r.stderr


def test_risk_refuses_holders_it_cannot_see(cli):
    r = cli("risk", "--floor", "60", "--n-paths", "3", "--days", "20", "--capacity-mb", "100",
            "--set", "private_storage_response_mb_per_usd=2")
    assert r.returncode == 2, r.stderr
    assert "private_storage_response_mb_per_usd" in r.stderr and "causal rule" in r.stderr
    assert "Traceback" not in r.stderr


def test_holders_too_strong_exit_3_from_the_command_line(cli):
    """Holders too strong name themselves, and what lifting them would do (one
    diagnosis: the API's is the same code)."""
    r = cli("size", "-t", "5", "--set", "private_storage_response_mb_per_usd=10")
    assert r.returncode == 3, r.stderr
    assert "private_storage_response_mb_per_usd" in r.stderr
    assert "without them" in r.stderr or "lifting" in r.stderr


"""Leased storage (contracts of lease_term_days) against hand-solved costs and
the invariances that pin its equations: a one-day term is paying for the
storage used, a term as long as the horizon is owning it."""

from __future__ import annotations

import numpy as np
import pytest

from dataclasses import replace

from reserve.errors import InputError, TargetUnreachable
from reserve.lease_grid import MIN_STARTS, grid_step, on_grid
from reserve.problem import build_problem
from reserve.results import outputs, schedule
from reserve.session import Session
from reserve.solve import size

from conftest import beta, scenario

#: one storage option, no other: the default market, target and window
ONLY = {"storage.leased_tanks.capacity_max_mb": "inf", "fill_rate_max_mbd": "inf",
        "storage.floating_storage.capacity_max_mb": 0,
        "storage.floating_storage_tier2.capacity_max_mb": 0,
        "storage.new_steel_tanks.capacity_max_mb": 0,
        "storage.new_salt_caverns.capacity_max_mb": 0,
        "transaction_cost_usd_per_bbl": 0, "rate_capex_usd_per_bbl_per_day": 0}


def _daily_discount(days: int, rate: float = 0.08) -> np.ndarray:
    return (1 + rate) ** (-np.arange(days) / 365.0)


def test_each_day_of_stock_is_contracted_that_day_for_the_whole_term():
    """Term 200 days, a horizon of 210: each day's new stock q is contracted the
    day it arrives (later is cheaper, by discounting) and paid for 200 days,
    the last ones past the horizon."""
    s = scenario(**ONLY, **{"storage.leased_tanks.lease_term_days": 200,
                            "storage.leased_tanks.om_usd_per_bbl_yr": 6.0})
    ans = size(s)
    q = 5 / beta(s)
    delta = _daily_discount(30 + 180 + 200)
    # the stock of day t (30 <= t < 210) is q*(t - 29): q more each day
    expected = sum(q * 6.0 / 365 * delta[t:t + 200].sum() for t in range(30, 210))
    assert outputs(ans)["operating_cost_musd"] == pytest.approx(expected, rel=1e-9)
    assert outputs(ans)["capacity_mb_leased_tanks"] == pytest.approx(180 * q, rel=1e-9)
    contracted = schedule(ans)["capacity_leased_tanks_mb"]
    assert np.allclose(contracted, schedule(ans)["inventory_mb"], atol=1e-7)


def test_a_one_day_lease_is_paying_for_the_storage_used():
    leased = size(scenario(**ONLY, **{"storage.leased_tanks.lease_term_days": 1,
                                      "storage.leased_tanks.om_usd_per_bbl_yr": 6.0}))
    # the same as owning free storage and paying 6 USD/bbl/yr for each barrel held
    held = size(scenario(**ONLY, holding_cost_usd_per_bbl_yr=6.0,
                         **{"storage.leased_tanks.lease_term_days": 0,
                            "storage.leased_tanks.om_usd_per_bbl_yr": 0.0}))
    for name in ("total_cost_musd", "operating_cost_musd", "storage_capacity_mb"):
        assert outputs(leased)[name] == pytest.approx(outputs(held)[name], rel=1e-9), name
    # and by hand: sum over days of 6/365 * delta_t * s_t, the stock held
    # until it is sold, evenly over the 180 days after the horizon
    stock = leased.solution.inventory_mb
    sold = stock[-1] * (1 - np.arange(1, 181) / 180)
    by_hand = float(np.sum(6.0 / 365 * _daily_discount(390) * np.concatenate([stock, sold])))
    assert outputs(leased)["operating_cost_musd"] == pytest.approx(by_hand, rel=1e-9)


def test_a_lease_as_long_as_the_horizon_is_owning_the_capacity():
    # without discounting when a contract starts does not change its price
    # (with it, starting later pushes payments past the horizon: cheaper);
    # the storage serves the horizon's 210 days and the 180 of the sale after
    common = dict(**ONLY, discount_rate=0, **{"storage.leased_tanks.build_days": 0,
                             "storage.leased_tanks.om_usd_per_bbl_yr": 6.0})
    leased = outputs(size(scenario(**common, **{"storage.leased_tanks.lease_term_days": 390})))
    owned = outputs(size(scenario(**common, **{"storage.leased_tanks.lease_term_days": 0})))
    for name in ("total_cost_musd", "operating_cost_musd", "storage_capacity_mb"):
        assert leased[name] == pytest.approx(owned[name], rel=1e-9), name


def test_a_mobilization_fee_is_paid_once_per_barrel_contracted():
    """A fee of $1/bbl on a 200-day lease: each day's q pays it once, discounted."""
    common = dict(**ONLY, **{"storage.leased_tanks.lease_term_days": 200,
                             "storage.leased_tanks.om_usd_per_bbl_yr": 6.0})
    base = outputs(size(scenario(**common)))
    fee = outputs(size(scenario(**common, **{"storage.leased_tanks.capex_usd_per_bbl": 1.0})))
    q = 5 / beta(scenario())
    delta = _daily_discount(210)
    expected = sum(q * 1.0 * delta[t] for t in range(30, 210))
    assert fee["operating_cost_musd"] - base["operating_cost_musd"] == pytest.approx(expected,
                                                                                    rel=1e-9)
    assert fee["capital_cost_musd"] == base["capital_cost_musd"]


def test_a_leased_cap_holds_at_every_moment_and_tiers_fill_cheapest_first():
    ans = size(scenario())   # the default: tanks, then 2009 charters, then 2020 charters
    sch = schedule(ans)
    assert sch["capacity_leased_tanks_mb"].max() <= 60 + 1e-7
    assert sch["capacity_floating_storage_mb"].max() <= 100 + 1e-7
    usable = (sch["capacity_leased_tanks_mb"] + sch["capacity_floating_storage_mb"]
              + sch["capacity_floating_storage_tier2_mb"])
    assert np.all(usable >= sch["inventory_mb"] - 1e-7)
    # the dearer tier is rented only once the cheaper ones are full
    dear = sch["capacity_floating_storage_tier2_mb"] > 1e-6
    assert np.all(sch["capacity_floating_storage_mb"][dear] >= 100 - 1e-6)


@pytest.mark.parametrize("field, value", [("min_size_mb", 5), ("fixed_cost_musd", 1)])
def test_a_lease_is_not_a_build_or_not_decision(field, value):
    with pytest.raises(InputError, match="leased option"):
        scenario(**{f"storage.leased_tanks.{field}": value})


def test_a_lease_term_must_fit_the_time_step():
    with pytest.raises(InputError, match="lease_term_days"):
        scenario(time_step_days=7, hold_days=182, lead_days=28,
                 **{"storage.leased_tanks.lease_term_days": 30})


# -- a long leased LP, solved by starts on a grid priced out (reserve.lease_grid) ---------

#: the least-cost LP (no own-price premium, the closing stock at cost), one lease
#: of 200 days open (the tankers' two, capped at nothing, still count their
#: starts) over 1,030 days: some 3,000 starts, the grid's ground
LONG_LP = dict(ONLY, hold_days=1000, own_price_effect="false", oil_valuation="cost",
               **{"storage.leased_tanks.lease_term_days": 200,
                  "storage.leased_tanks.om_usd_per_bbl_yr": 6.0})


def test_a_long_lease_renews_each_days_stock_back_to_back_solved_on_a_grid():
    """Each day's new stock q (days 30 to 1,029) is contracted the day it
    arrives and renewed as each contract ends, until the horizon's end: the
    latest starts that keep it covered, so the cheapest under discounting. A
    contract starts every day, four days in five off the grid of 5 days:
    the grid alone is dearer, and only the pricing-out reaches this."""
    s = scenario(**LONG_LP)
    data = build_problem(s)
    assert data.n_periods >= MIN_STARTS and grid_step(data.lease_term_periods) == 5
    session = Session(data)
    assert session.least_cost()
    # the grid's run, at least one round, then the full model: already optimal
    assert session.timings.solves >= 3
    assert session.highs.getInfo().simplex_iteration_count == 0
    q, end = 5 / beta(s), data.n_periods
    delta = _daily_discount(end + 200)
    expected = sum(q * 6.0 / 365 * delta[a:a + 200 * -(-(end - a) // 200)].sum()
                   for a in range(30, end))
    ans = size(s)
    assert outputs(ans)["operating_cost_musd"] == pytest.approx(expected, rel=1e-9)
    assert session.total_cost_musd() == pytest.approx(outputs(ans)["total_cost_musd"], rel=1e-12)
    # starts on the grid alone (too few to be solved by the grid again): dearer
    allowed = data.contract_allowed > 0
    alone = Session(replace(data, contract_allowed=on_grid(allowed, 5).astype(float)))
    assert alone.least_cost() and alone.timings.solves == 1
    assert alone.total_cost_musd() > session.total_cost_musd() * (1 + 1e-6)


@pytest.mark.parametrize("terms, step", [((30, 90), 5), ((200,), 5), ((28, 84), 4),
                                         ((12,), 4), ((7,), 7), ((7, 30), 1), ((1,), 1)])
def test_the_grid_divides_every_term(terms, step):
    """The spacing closest to 5 periods that divides every lease term (so a
    contract started on the grid ends on it), the smaller of two as close;
    none (1) when the terms share no divisor above 1."""
    assert grid_step(terms) == step


def test_a_long_lease_out_of_reach_on_the_grid_is_out_of_reach():
    """A cap that no schedule respects: the grid's run is infeasible, the full
    model's run confirms it, and the answer is the diagnosis, not a crash."""
    with pytest.raises(TargetUnreachable):
        size(scenario(**{**LONG_LP, "storage.leased_tanks.capacity_max_mb": 50}))


def test_a_grid_solve_runs_within_one_time_limit(monkeypatch):
    """The grid's runs share the session's time limit: each is given what the
    runs before it left of it, by HiGHS's own clock."""
    session = Session(build_problem(scenario(**LONG_LP)), time_limit_s=600.0)
    given, run_once = [], session._run_once

    def recording(limit_s=None):
        given.append((limit_s, session.highs.getRunTime()))
        return run_once(limit_s)

    monkeypatch.setattr(session, "_run_once", recording)
    assert session.least_cost()
    assert len(given) >= 3
    begun = given[0][1]
    for limit_s, at in given:
        assert limit_s == pytest.approx(600.0 - (at - begun), abs=1e-9)

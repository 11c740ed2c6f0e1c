"""`reserve equilibrium` with a Markov disruption chain: a normal and a
disrupted regime, the disrupted one losing a share of the year's production,
each year's regime drawn from a 2 x 2 transition matrix (Teisberg 1981's
chain, by the year). Checked against a two-year cycle solved by hand, the
arbitrage written out with the chain's odds, an invariance (a chain without
memory tells holders nothing) and the chain's own long-run share."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from scipy.optimize import brentq

from reserve.band_equilibrium import simulate_band, solve_band
from reserve.equilibrium_runs import load_calibration
from reserve.storage_equilibrium import simulate, solve


def test_a_disruption_every_other_year_is_the_cycle_found_by_hand():
    """Disrupted and normal years alternate for sure (p_disrupt = p_recover =
    1), without yield noise or supply response: in a normal year holders
    carry S into the disrupted one, where it all goes. Their arbitrage
    (1 - S)^(1/eps_d) + k = (S + 1 - L)^(1/eps_d) / (1 + r) fixes S, found
    here by scipy's brentq."""
    loss, k, r = 0.2, 0.02, 0.05
    c = replace(load_calibration("recs-sto1"), storage_cost=k, interest_rate=r,
                supply_elasticity=0.0, shock_sd=0.0, disruption_loss=loss, p_disrupt=1.0,
                p_recover=1.0, grid_min=0.6, grid_max=1.4, grid_points=801)
    sim = simulate(solve(c), 6, 1)
    s = brentq(lambda s: (1 - s) ** -5 + k - (s + 1 - loss) ** -5 / (1 + r), 0.0, 0.5)
    assert s == pytest.approx(0.0945, abs=1e-4)
    np.testing.assert_array_equal(sim.regime[0], [0, 1, 0, 1, 0, 1])
    np.testing.assert_allclose(sim.private_stock[0], [s, 0] * 3, atol=1e-5)
    np.testing.assert_allclose(sim.price[0], [(1 - s) ** -5, (s + 1 - loss) ** -5] * 3,
                               rtol=1e-5)


def sto1_with_chain():
    return replace(load_calibration("recs-sto1"), disruption_loss=0.1, p_disrupt=0.2,
                   p_recover=0.5, grid_points=300)


def test_holders_are_indifferent_with_the_chains_odds_written_out():
    """Where holders store in regime i, P_i(A) + k = beta sum_j Pi_ij sum_n
    w_n P_j(S + H e_n (1 - L_j)), the Gauss–Hermite rule of numpy and the
    transition matrix applied here by hand; where they store nothing the
    price is the demand curve's and storing would not pay."""
    c = sto1_with_chain()
    rules = solve(c)
    x, w = np.polynomial.hermite_e.hermegauss(7)
    e, w = 1 + 0.05 * x, w / w.sum()
    odds = np.array([[0.8, 0.2], [0.5, 0.5]])
    yields = [e, e * 0.9]
    for i, own in enumerate(rules.by_regime):
        expected = sum(odds[i, j] * (rules.by_regime[j].price_rule(
            own.private_stock[:, None] + own.production[:, None] * yields[j]) @ w)
            for j in range(2))
        gap = own.price + 0.06 - expected / 1.03
        stores = own.private_stock > 1e-6
        assert stores.sum() > 50 and (~stores).sum() > 50
        assert np.max(np.abs(gap[stores])) < 1e-8
        assert np.all(gap[~stores] > -1e-8)
        np.testing.assert_allclose(own.price[~stores], own.availability[~stores] ** -5.0,
                                   rtol=1e-10)
    # a disrupted year foretells a likelier disruption: dearer at any availability
    assert np.all(rules.by_regime[1].price > rules.by_regime[0].price - 1e-12)


def test_a_chain_without_memory_tells_holders_nothing():
    """With p_disrupt = 1 - p_recover the next regime does not depend on this
    one: both regimes' rules must be the same."""
    rules = solve(replace(sto1_with_chain(), p_disrupt=0.3, p_recover=0.7))
    normal, disrupted = rules.by_regime
    np.testing.assert_allclose(normal.price, disrupted.price, rtol=1e-9)
    np.testing.assert_allclose(normal.private_stock, disrupted.private_stock, atol=1e-9)


def test_years_disrupted_in_the_long_run_are_the_chains_share(cli):
    """The stationary share of disrupted years is p / (p + q) = 0.2 / 0.7;
    `reserve equilibrium --set` reaches the chain."""
    args = ("equilibrium", "-c", "recs-sto1", "--set", "disruption_loss=0.1",
            "--set", "p_disrupt=0.2", "--set", "p_recover=0.5", "--set", "grid_points=100",
            "-n", "200", "--years", "5", "--format", "json")
    first = cli(*args)
    assert first.returncode == 0, first.stderr
    figures = json.loads(first.stdout)
    # 80 paths x 80 years, correlated a year apart by 1 - p - q = 0.3
    assert figures["share_disrupted"] == pytest.approx(0.2 / 0.7, abs=0.03)


def test_a_band_breaks_sooner_when_supply_can_be_lost():
    """STO4's band on a coarse grid: disruptions that take 10 % of a year's
    output, one year in six on average, can only shorten the band's life
    (same seed, so the same yield draws beneath)."""
    c = replace(load_calibration("recs-sto4"), grid_points=40, public_grid_points=10)
    calm = simulate_band(solve_band(c), 10, 300, seed=3)
    rough = simulate_band(solve_band(replace(c, disruption_loss=0.1, p_disrupt=0.1,
                                             p_recover=0.5)), 10, 300, seed=3)
    assert rough.regime.any() and not calm.regime.any()
    assert np.mean(rough.collapsed_in < 0) < np.mean(calm.collapsed_in < 0)
    # and it breaks at the ceiling, by shortage
    assert rough.broke_ceiling[rough.collapsed_in >= 0].mean() > 0.9


def test_a_disruption_in_mb_per_day_is_a_share_of_the_scenarios_output():
    """In a crude calibration 8.6 mb/d lost is 8.6/86 = 10 % of the year's output."""
    c = load_calibration("recs-crude-2008", {"disruption_mbd": "8.6", "p_disrupt": "0.05"})
    assert c.disruption_loss == pytest.approx(0.1, rel=1e-12) and c.regimes == 2


@pytest.mark.parametrize("setting, words", [
    ("p_disrupt=1.5", "p_disrupt"), ("p_recover=0", "p_recover"),
    ("disruption_loss=-0.1", "disruption_loss"), ("regime=1", "regime")])
def test_bad_chain_input_exits_2(cli, setting, words):
    out = cli("equilibrium", "-c", "recs-sto1", "--set", setting)
    assert out.returncode == 2 and words in out.stderr and "Traceback" not in out.stderr


def test_the_plot_draws_each_regimes_rule_as_its_own_line():
    """Each drawn rule runs left to right once: the regimes' rules are not
    joined into one line that doubles back across the panel."""
    from reserve import api
    from reserve.plot_equilibrium import equilibrium_figure
    answer = api.equilibrium("recs-sto1", years=3, paths=20, grid_points=60,
                             disruption_loss=0.1, p_disrupt=0.2, p_recover=0.5)
    lines = equilibrium_figure(answer).axes[0].get_lines()
    curves = [line for line in lines if len(line.get_xdata()) > 2]
    assert len(curves) == 2
    assert {line.get_label() for line in curves} == {"price P, normal years",
                                                     "price P, disrupted years"}
    for line in curves:
        assert np.all(np.diff(line.get_xdata()) > 0)

"""`reserve equilibrium` (issue 22): the storage equilibrium with rational
speculators against answers worked out by hand in
docs/explanation/equilibrium.md: the deterministic steady states of RECS's
STO1 and STO2, the demand curve where storage never pays, the holders'
arbitrage where they store, and bad input refused."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from reserve.equilibrium_runs import load_calibration
from reserve.storage_equilibrium import settle, simulate, solve


def _deterministic(name: str, **values):
    c = replace(load_calibration(name), shock_sd=0.0, **values)
    return c, solve(c)


def test_sto1_without_shocks_rests_at_one():
    """STO1's deterministic steady state: A = H = P = 1, S = 0 (k > 0: holding
    never pays without risk); from A = 1 the next availability is 1 again."""
    c, rules = _deterministic("recs-sto1")
    s = settle(c, rules.price_rule, np.array([1.0]))
    assert s.price[0] == pytest.approx(1.0, abs=1e-9)
    assert s.private_stock[0] == pytest.approx(0.0, abs=1e-12)
    # production answers the rule's price of next year, interpolated between
    # grid nodes (1 is not one): right to the interpolation's 1e-4
    assert s.production[0] == pytest.approx(1.0, abs=1e-4)
    nxt = (1 - c.depreciation) * (s.private_stock + s.public_stock) + s.production
    assert nxt[0] == pytest.approx(1.0, abs=1e-4)


def test_sto2_public_stock_settles_where_the_floor_holds():
    """STO2 without shocks: the public stock G loses delta G a year, which
    production beyond demand replaces at the floor price 1.02:
    delta G = 1.02^0.2 - 1.02^-0.2, G = 0.39605 (below the cap 0.4); the
    availability A = 1.02^-0.2 + G maps to itself."""
    c, rules = _deterministic("recs-sto2")
    g = 2 * math.sinh(0.2 * math.log(1.02)) / 0.02
    assert g == pytest.approx(0.396054, abs=1e-6)
    a = 1.02 ** -0.2 + g
    s = settle(c, rules.price_rule, np.array([a]))
    assert s.price[0] == pytest.approx(1.02, rel=1e-9)
    assert s.public_stock[0] == pytest.approx(g, rel=1e-7)
    assert s.private_stock[0] == pytest.approx(0.0, abs=1e-9)
    nxt = 0.98 * (s.private_stock + s.public_stock) + s.production
    assert nxt[0] == pytest.approx(a, rel=1e-4)   # the interpolation's accuracy


def test_where_storage_never_pays_the_price_is_the_demand_curve():
    """With a storage cost of 5 (five years' price) and no public stock nobody
    carries anything: P(A) = A^(1/eps_d) at every availability."""
    c = replace(load_calibration("recs-sto1"), storage_cost=5.0)
    rules = solve(c)
    a = np.linspace(0.75, 1.9, 50)
    np.testing.assert_allclose(rules.price_rule(a), a ** (1 / -0.2), rtol=1e-2)
    np.testing.assert_allclose(rules.price, rules.availability ** -5.0, rtol=1e-12)
    assert np.all(rules.private_stock == 0)


def test_without_cost_or_shocks_the_path_is_the_planners_perfect_foresight():
    """Free storage, no shocks, a glut at the start (A = 1.3, H = 1): the
    simulated equilibrium must be the perfect-foresight path that maximizes
    discounted consumers' utility, sum beta^t U(A_t - S_t) with U' = P, over
    the stocks S_t >= 0 carried (the first welfare theorem; Wright and
    Williams 1982). That planner is a smooth convex program, solved here by
    scipy's L-BFGS-B, with nothing shared with time iteration."""
    from scipy.optimize import minimize

    c = replace(load_calibration("recs-sto1"), storage_cost=0.0, interest_rate=0.05,
                supply_elasticity=0.0, shock_sd=0.0, grid_min=0.8, grid_max=1.5,
                grid_points=400)
    sim = simulate(solve(c), 25, 1, start=1.3)
    horizon, beta, inv = 40, 1 / 1.05, 1 / c.demand_elasticity

    def minus_welfare(s):
        eaten = np.r_[1.3, s[:-1] + 1.0] - s
        disc = beta ** np.arange(horizon)
        price = eaten ** inv
        grad = price * disc
        grad[:-1] -= price[1:] * disc[1:]
        return -(disc * eaten ** (1 + inv) / (1 + inv)).sum(), grad

    s = minimize(minus_welfare, np.full(horizon, 0.01), jac=True, method="L-BFGS-B",
                 bounds=[(0, 0.29)] + [(0, None)] * (horizon - 1),
                 options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000}).x
    planner = (np.r_[1.3, s[:-1] + 1.0] - s) ** inv
    assert planner[0] < 0.71 and planner[10] == pytest.approx(1.0)   # a glut, then normal
    np.testing.assert_allclose(sim.price[0], planner[:25], atol=5e-5)
    # while stocks are carried the price rises at the interest rate (Hotelling),
    # to the accuracy of the interpolated expectation
    stored = sim.private_stock[0, :-1] > 1e-9
    assert stored[:6].all() and not stored[10:].any()
    np.testing.assert_allclose(sim.price[0, 1:][stored] / sim.price[0, :-1][stored], 1.05,
                               rtol=5e-5)


@pytest.mark.parametrize("name", ["recs-sto1", "recs-sto2"])
def test_holders_are_indifferent_where_they_store(name):
    """Where holders carry stock, P + k = beta E[P'] (the arbitrage, evaluated
    here with the Gauss–Hermite rule written out); where they carry none,
    P + k >= beta E[P']. And the rule is within 1 % of the equilibrium solved
    afresh between its nodes."""
    c = load_calibration(name)
    rules = solve(c)
    x, w = np.polynomial.hermite_e.hermegauss(7)
    e, w = 1 + 0.05 * x, w / np.sqrt(2 * np.pi)
    a = rules.availability
    s = settle(c, rules.price_rule, a)
    nxt = (1 - c.depreciation) * (s.private_stock + s.public_stock)[:, None] \
        + s.production[:, None] * e
    expected = rules.price_rule(nxt) @ w
    gap = s.price + c.storage_cost - c.discount * expected
    stores = s.private_stock > 1e-9
    assert stores.any()
    assert np.max(np.abs(gap[stores])) < 1e-9
    assert np.min(gap[~stores]) > -1e-9
    # planned production answers the expected revenue: H = E[P' e']^eps_s
    np.testing.assert_allclose(s.production, (rules.price_rule(nxt) @ (w * e)) ** 0.2,
                               rtol=1e-9)
    from reserve.storage_equilibrium import residual
    assert residual(rules) < 0.01
    if name == "recs-sto1":   # the figures the explanation quotes (STO2's: test_readme)
        from pathlib import Path
        page = (Path(__file__).parents[1] / "docs" / "explanation" / "equilibrium.md")
        text = " ".join(page.read_text(encoding="utf-8").split())
        assert f"STO1 {rules.iterations}." in text
        assert f": {100 * residual(rules):.1f} % (STO1)" in text


def test_a_floor_below_every_price_is_never_broken():
    c = replace(load_calibration("recs-sto2"), floor=0.3)
    sim = simulate(solve(c), 20, 200, seed=3)
    assert np.all(sim.collapsed_in < 0)
    assert np.all(sim.public_stock == 0)


def test_the_command_answers_in_json(cli, tmp_path):
    r = cli("equilibrium", "-c", "recs-sto2", "-n", "50", "--years", "5", "--rules",
            "-f", "json", "--plot", tmp_path / "eq.png", "--set", "grid_points=80")
    assert (tmp_path / "eq.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["steady_price"] == pytest.approx(1.02)
    assert 0 <= out["survival_probability"] <= 1
    assert len(out["rules"]) == 9 and out["rule_residual"] < 0.05   # a coarse grid


@pytest.mark.parametrize("args, words", [
    (["--set", "floor=-1"], "floor"),
    (["--set", "bogus=1"], "bogus"),
    (["--set", "shock_nodes=2.5"], "shock_nodes"),
    (["-c", "no-such-calibration"], "--calibration"),
    (["--set", "grid_max=0.5"], "grid_max"),
    (["--years", "0"], "years"),
    (["--plot", "eq.gif"], "--plot"),
])
def test_bad_equilibrium_input_exits_2(cli, args, words):
    r = cli("equilibrium", "-n", "5", *args)
    assert r.returncode == 2, r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr


def test_without_shocks_the_stock_a_floor_needs_is_the_one_found_by_hand():
    """With no shocks the floor at 1.02 holds for ever from the steady state if
    and only if the cap holds the 0.39605 the floor settles at (above): the
    least stock for it to survive 20 years with certainty is that one."""
    from reserve.api import equilibrium_size_for
    need = equilibrium_size_for("recs-sto2", probability=1.0, years=20, paths=1,
                                            shock_sd=0.0)
    assert need == pytest.approx(2 * math.sinh(0.2 * math.log(1.02)) / 0.02, abs=1e-3)


def test_size_for_from_the_command_line_and_out_of_reach(cli):
    coarse = ("--set", "grid_points=60")   # sixteen solves: a coarse rule is enough here
    r = cli("equilibrium", "--size-for", "0.5", "--years", "3", "-n", "30", *coarse,
            "-f", "json")
    assert r.returncode == 0, r.stderr
    need = json.loads(r.stdout)["public_cap_needed"]
    assert 0 < need < 5
    r = cli("equilibrium", "--size-for", "0.99", "--years", "50", "-n", "30", *coarse,
            "--set", "floor=1.5")
    assert r.returncode == 3, r.stderr
    assert "out of reach" in r.stderr

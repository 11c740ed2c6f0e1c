"""`reserve policy`: the reserve as insurance (Teisberg 1981; the GAMS model
library's MARKOV), checked against answers found another way: Howard's
policy iteration written here from MARKOV's own formulas, value iteration,
closed forms, and what must hold (no disruption, no reserve; a likelier or
larger disruption, a more valuable reserve)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.integrate import quad

from reserve import api
from reserve.policy import value_iteration
from reserve.policy_runs import load_policy


def markov_by_policy_iteration():
    """MARKOV (GAMS library, SEQ=82) re-typed from its text and solved by
    policy iteration: p = (k / (q - dis - d - (s' - s)))^(1/e); c = g (d (p -
    pn) + k (p^(1-e) - pn^(1-e))/(1 - e)) + p (s' - s) + h s'; no fill while
    disrupted; b = 0.95; weights 1/16."""
    lev = np.arange(0, 22, 3.0)
    dis, pr = np.array([0.0, 11.0]), np.array([[0.8, 0.2], [0.5, 0.5]])
    b, g, e, q, d, k, h = 0.95, 0.25, 0.1, 110.0, -130.0, 342.0, 0.32
    pn = (k / (q - d)) ** (1 / e)
    cost = np.empty((8, 2, 8))
    for s in range(8):
        for i in range(2):
            for a in range(8):
                p = (k / (q - dis[i] - d - (lev[a] - lev[s]))) ** (1 / e)
                cost[s, i, a] = (g * (d * (p - pn) + k * (p ** (1 - e) - pn ** (1 - e)) / (1 - e))
                                 + p * (lev[a] - lev[s]) + h * lev[a])
                if i == 1 and a > s:
                    cost[s, i, a] = np.inf
    policy = np.zeros((8, 2), int)
    while True:
        # evaluate: v = c_pi + b P_pi v on the 16 states
        M = np.zeros((16, 16))
        c = np.zeros(16)
        for s in range(8):
            for i in range(2):
                c[2 * s + i] = cost[s, i, policy[s, i]]
                for j in range(2):
                    M[2 * s + i, 2 * policy[s, i] + j] += pr[i, j]
        v = np.linalg.solve(np.eye(16) - b * M, c).reshape(8, 2)
        better = (cost + b * np.einsum("ij,aj->ia", pr, v)[None]).argmin(axis=2)
        if np.array_equal(better, policy):
            break
        policy = better
    pi = np.full(16, 1 / 16)
    for _ in range(5000):
        pi = pi @ M
    return v, policy, pi.reshape(8, 2)


def test_markov_is_reproduced():
    """The shipped teisberg-1981 gives MARKOV's optimum: the same objective
    (sum of the equally weighted state values), policy and long-run
    distribution as policy iteration on the formulas typed from MARKOV."""
    v, policy, pi = markov_by_policy_iteration()
    answer = api.policy("teisberg-1981")
    assert answer.objective == pytest.approx(v.mean(), rel=1e-9)
    np.testing.assert_allclose(answer.value, v, rtol=1e-9)
    np.testing.assert_array_equal(answer.next_level, policy)
    np.testing.assert_allclose(answer.stationary, pi, atol=1e-9)
    assert answer.model.normal_price == pytest.approx(34.526, abs=1e-3)   # MARKOV's pn


def test_value_iteration_equals_the_lp():
    m = load_policy("teisberg-1981", {"discount": "0.9", "lost_supply": "[0, 15]"})
    lp, vi = api.policy("teisberg-1981", discount=0.9, lost_supply=[0, 15]), value_iteration(m)
    np.testing.assert_allclose(lp.value, vi.value, rtol=1e-9)
    np.testing.assert_array_equal(lp.next_level, vi.next_level)


def test_surplus_lost_and_no_reserve_by_closed_form():
    """Consumers' surplus lost is the integral of demand from p_n to p
    (scipy's quad), and with no reserve the present cost of one regime held
    forever is c0 / (1 - beta)."""
    m = load_policy("teisberg-1981", {"regimes": '["disrupted"]', "lost_supply": "[11]",
                                      "transition": "[[1.0]]"})
    p = float(m.price(11.0))
    integral = quad(lambda x: -130 + 342 * x ** -0.1, m.normal_price, p)[0]
    assert float(m.surplus_lost(p)) == pytest.approx(integral, rel=1e-10)
    answer = api.policy("teisberg-1981", regimes=["disrupted"], lost_supply=[11],
                        transition=[[1.0]])
    assert answer.value_without[0] == pytest.approx(0.25 * integral / 0.05, rel=1e-10)


def test_without_disruptions_no_reserve_is_held():
    answer = api.policy("teisberg-1981", regimes=["normal"], lost_supply=[0],
                        transition=[[1.0]])
    assert answer.next_level[0, 0] == 0 and answer.mean_level == pytest.approx(0, abs=1e-12)
    assert np.all(answer.next_level[:, 0] <= np.arange(8))   # a stock is only ever drawn
    assert answer.figures()["reserve_value_empty_normal"] == pytest.approx(0, abs=1e-9)


def test_the_reserve_is_worth_more_when_disruptions_are_likelier_or_larger():
    def worth(p, loss):
        return api.policy("teisberg-1981", lost_supply=[0, loss],
                          transition=[[1 - p, p], [0.5, 0.5]]).figures()[
            "reserve_value_empty_normal"]
    by_chance = [worth(p, 11) for p in (0.05, 0.2, 0.4)]
    by_size = [worth(0.2, loss) for loss in (5, 11, 20)]
    assert by_chance[0] < by_chance[1] < by_chance[2]
    assert by_size[0] < by_size[1] < by_size[2]


def test_the_command_prints_the_table_and_writes_every_format(cli, tmp_path):
    out = cli("policy", "-f", "json")
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout)
    assert len(figures["policy"]) == 16 and figures["mean_level"] == pytest.approx(15 / 7)
    csv = cli("policy", "-f", "csv")
    assert csv.stdout.splitlines()[0].startswith("regime,level,next_level")
    assert len(csv.stdout.strip().splitlines()) == 17
    sheet, picture = tmp_path / "policy.xlsx", tmp_path / "policy.png"
    done = cli("policy", "-o", sheet, "--plot", picture, "--method", "vi")
    assert done.returncode == 0, done.stderr
    import openpyxl
    rows = list(openpyxl.load_workbook(sheet).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("regime", "level", "next_level") and len(rows) >= 17
    assert picture.stat().st_size > 10_000
    table = cli("policy").stdout
    assert "normal, level 0" in table and "reserve_value_empty_normal" in table


@pytest.mark.parametrize("setting, words", [
    ("transition=[[0.8,0.3],[0.5,0.5]]", "rows that sum to 1"),
    ("levels=[0,6,3]", "strictly increasing"),
    ("discount=1", "discount"),
    ("demand_intercept=200", "demand_intercept"),
    ("lost_supply=[0]", "one loss per regime"),
    ("discount=abc", "discount"),
    ("colour=1", "colour"),
    ("market=foo", "market"),
    ("period_days=30", "period_days"),
])
def test_bad_policy_input_exits_2(cli, setting, words):
    out = cli("policy", "--set", setting)
    assert out.returncode == 2, out.stderr
    assert words in out.stderr and "Traceback" not in out.stderr


def test_states_no_level_can_serve_exit_3_named(cli):
    out = cli("policy", "--set", "lost_supply=[0,300]")
    assert out.returncode == 3, out.stderr
    assert "level 0 disrupted" in out.stderr and "8 state(s)" in out.stderr


def test_a_sweep_over_the_chance_of_disruption(cli):
    """`--sweep p_disrupt=0:0.5:6`: each row's long-run share of disrupted
    periods is the chain's p / (p + q) (q = 0.5); with no disruption nothing
    is held and the reserve is worth nothing; the row at 0.2 is MARKOV."""
    rows = api.policy_sweep("teisberg-1981", vary="p_disrupt=0:0.5:6")
    assert [r["p_disrupt"] for r in rows] == pytest.approx([0, 0.1, 0.2, 0.3, 0.4, 0.5])
    for r in rows:
        assert r["share_disrupted"] == pytest.approx(r["p_disrupt"] / (r["p_disrupt"] + 0.5),
                                                     abs=1e-9)
    assert rows[0]["mean_level"] == pytest.approx(0, abs=1e-12)
    assert rows[0]["reserve_value_empty_normal"] == pytest.approx(0, abs=1e-9)
    assert rows[2]["objective"] == pytest.approx(api.policy("teisberg-1981").objective,
                                                 rel=1e-12)
    out = cli("policy", "--sweep", "disruption=5,11,20", "-f", "csv")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("disruption,model,") and len(lines) == 4
    bad = cli("policy", "--sweep", "colour=1:2:3")
    assert bad.returncode == 2 and "p_disrupt" in bad.stderr


def crude(market, **more):
    """The default scenario's market (October 2008: $66.75/bbl, 86 mb/d a
    day, so 31,390 mb a year; elasticities -0.10 and 0.05) as the policy's."""
    return load_policy("teisberg-1981", {"scenario": "default", "market": market,
                                         "levels": "[0, 500, 1000, 1500, 2000]",
                                         "lost_supply": "[0, 3650]", "holding_cost": "6",
                                         "discount": "0.92", **more})


def test_the_scenarios_linear_market_by_closed_form():
    """Linear: removing x moves the price by P0 x / (Q0 (eps_s - eps_d)),
    and the surplus lost is the integral of D = Q0 (1 + eps_d (p/P0 - 1))."""
    m = crude("linear")
    q0 = 86 * 365
    assert m.market_demand_per_period == pytest.approx(q0)
    p = float(m.price(3650.0))
    assert p == pytest.approx(66.75 * (1 + 3650 / (q0 * 0.15)), rel=1e-12)
    demand = quad(lambda x: q0 * (1 - 0.1 * (x / 66.75 - 1)), 66.75, p)[0]
    assert float(m.surplus_lost(p)) == pytest.approx(demand, rel=1e-10)


def test_the_scenarios_isoelastic_market_clears_and_its_surplus_integrates():
    m = crude("isoelastic")
    q0, p = 86 * 365, float(m.price(3650.0))
    r = p / 66.75
    assert q0 * (r ** 0.05 - r ** -0.1) == pytest.approx(3650, rel=1e-9)
    demand = quad(lambda x: q0 * (x / 66.75) ** -0.1, 66.75, p)[0]
    assert float(m.surplus_lost(p)) == pytest.approx(demand, rel=1e-10)


def test_insurance_pays_only_where_demand_makes_price_risk_costly():
    """Linear demand makes the surplus lost concave in the price (its second
    derivative is Q0 eps_d / P0 < 0): smoothing the price cannot help
    consumers, and no reserve is held even against 10 mb/d lost. Constant
    elasticities make it convex, and the same disruption is insured."""
    linear = value_iteration(crude("linear"))
    iso = api.policy("teisberg-1981", scenario="default", market="isoelastic",
                     levels=[0, 500, 1000, 1500, 2000], lost_supply=[0, 3650],
                     holding_cost=6, discount=0.92)
    assert linear.mean_level == pytest.approx(0, abs=1e-9)
    assert iso.mean_level > 100 and iso.figures()["reserve_value_empty_normal"] > 0
    np.testing.assert_allclose(value_iteration(iso.model).value, iso.value, rtol=1e-9)


def test_samples_of_one_value_give_back_markov(cli):
    """Every draw at MARKOV's own p = 0.2: the percentiles are MARKOV's figures."""
    r = cli("policy", "--samples", "5", "--dist", "p_disrupt=choice:0.2", "-f", "json")
    assert r.returncode == 0, r.stderr
    found = json.loads(r.stdout)
    assert found["solved"] == 5
    for q in ("p5", "p50", "p95"):
        assert found["quantiles"]["objective"][q] == pytest.approx(2401.47, abs=0.005)
        assert found["quantiles"]["mean_level"][q] == pytest.approx(2.14, abs=0.005)


def test_samples_span_the_worth_between_their_extremes():
    """Draws of p in {0.1, 0.5}: the 5th percentile is the worth at 0.1 and
    the 95th at 0.5, and the same seed draws the same samples."""
    rows, summary = api.policy_uncertainty(dist=["p_disrupt=choice:0.1,0.5"], samples=40,
                                           seed=7)
    worth = {p: api.policy(transition=[[1 - p, p], [0.5, 0.5]]).figures()[
        "reserve_value_empty_normal"] for p in (0.1, 0.5)}
    q = summary["quantiles"]["reserve_value_empty_normal"]
    assert q["p5"] == pytest.approx(worth[0.1]) and q["p95"] == pytest.approx(worth[0.5])
    assert worth[0.5] > worth[0.1]
    again, _ = api.policy_uncertainty(dist="p_disrupt=choice:0.1,0.5", samples=40, seed=7)
    assert [r["p_disrupt"] for r in again] == [r["p_disrupt"] for r in rows]


def test_draws_the_problem_refuses_are_kept_with_their_reason():
    rows, summary = api.policy_uncertainty(dist=["p_disrupt=normal:0.2:0.5"], samples=10,
                                           seed=3)
    refused = [r for r in rows if r["status"] == "error"]
    assert refused and summary["solved"] == 10 - len(refused)
    assert all("transition" in r["message"] and (r["p_disrupt"] < 0 or r["p_disrupt"] > 1)
               for r in refused)


@pytest.mark.parametrize("args, words", [
    (["--samples", "3", "--dist", "colour=uniform:0:1"], "--dist"),
    (["--samples", "3"], "--dist"),
    (["--dist", "discount=uniform:0.8:0.9"], "--samples"),
    (["--samples", "3", "--dist", "discount=uniform:0.8:0.9", "--sweep", "discount=0.8:0.9:2"],
     "--samples"),
    (["--samples", "3", "--dist", "discount=uniform:0.9:0.8"], "LO < HI"),
    (["--samples", "3", "--dist", "discount=uniform:0.8:0.9", "--plot", "x.png"], "--plot"),
])
def test_bad_samples_exit_2(cli, args, words):
    r = cli("policy", *args)
    assert r.returncode == 2, r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr

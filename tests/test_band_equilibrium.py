"""The band under uncertainty (RECS's STO4, `reserve equilibrium -c recs-sto4`)
against answers found without the solver: the band's prices by hand where
holders never store, the steady states without shocks, the arbitrage and the
public's complementarity written out, grid halving, and Salant's attack seen
on a simulated path."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from reserve.band_equilibrium import settle_band, simulate_band, solve_band
from reserve.equilibrium_runs import attacks, load_calibration


@pytest.fixture(scope="module")
def sto4():
    c = load_calibration("recs-sto4")
    return c, solve_band(c)


def test_where_holders_never_store_the_band_is_priced_by_hand():
    """With a storage cost of 5, no supply response and no shocks, only the
    public trades against consumers: inside the band P = A^(1/eps_d); below
    the floor it buys up to its room, above the ceiling it sells what it has."""
    c = replace(load_calibration("recs-sto4"), storage_cost=5.0, supply_elasticity=0.0,
                shock_sd=0.0, grid_points=60, public_grid_points=10)
    rules = solve_band(c)
    a, g = np.meshgrid(np.linspace(0.75, 1.6, 35), np.linspace(0.0, 0.4, 9), indexing="ij")
    s = settle_band(c, rules.price_rule, a, g)
    d = lambda p: p ** -0.2                                         # noqa: E731
    price, out = a ** -5.0, g.copy()
    buy, sell = price < 0.9, price > 1.1
    room = 0.4 - g
    price = np.where(buy & (a - d(0.9) <= room), 0.9, price)
    price = np.where(buy & (a - d(0.9) > room), (a - room) ** -5.0, price)
    out = np.where(buy, g + np.minimum(a - d(0.9), room), out)
    price = np.where(sell & (d(1.1) - a <= g), 1.1, price)
    price = np.where(sell & (d(1.1) - a > g), (a + g) ** -5.0, price)
    out = np.where(sell, g - np.minimum(d(1.1) - a, g), out)
    np.testing.assert_allclose(s.price, price, rtol=1e-9)
    np.testing.assert_allclose(s.public_stock, out, atol=1e-9)
    assert np.all(s.private_stock == 0)


def test_without_shocks_any_public_stock_inside_the_band_is_a_steady_state():
    """STO4 has no depreciation: with A = 1 the price is 1, inside the band,
    so the public neither buys nor sells, whatever it holds; holders keep
    nothing and planned output is 1 (to the rule's interpolation)."""
    c = replace(load_calibration("recs-sto4"), shock_sd=0.0)
    rules = solve_band(c)
    g = np.linspace(0.0, 0.4, 5)
    s = settle_band(c, rules.price_rule, np.ones_like(g), g)
    np.testing.assert_allclose(s.price, 1.0, atol=1e-9)
    np.testing.assert_allclose(s.public_stock, g, atol=1e-12)
    np.testing.assert_allclose(s.private_stock, 0.0, atol=1e-12)
    np.testing.assert_allclose(s.production, 1.0, atol=1e-3)


def test_arbitrage_and_the_public_complementarity_hold_on_a_fine_grid(sto4):
    """On a grid four times finer than the rule's: where holders store,
    P + k = E[P']/(1+r) (Gauss–Hermite written out); where not, P + k >=
    E[P']/(1+r); the public buys only at the floor or when full below it,
    sells only at the ceiling or when empty above it, else holds inside the band."""
    c, rules = sto4
    a, g = np.meshgrid(np.linspace(0.76, 1.38, 240), np.linspace(0.0, 0.4, 41), indexing="ij")
    s = settle_band(c, rules.price_rule, a, g)
    x, w = np.polynomial.hermite_e.hermegauss(7)
    e, w = 1 + 0.05 * x, w / np.sqrt(2 * np.pi)
    nxt = rules.price_rule(s.private_stock[..., None] + s.production[..., None] * e,
                           s.public_stock[..., None] + 0 * e)
    gap = s.price + 0.06 - (nxt @ w) / 1.03
    stored = s.private_stock > 1e-9
    assert np.max(np.abs(gap[stored])) < 1e-9
    assert np.min(gap[~stored]) > -1e-9
    bought, sold = s.public_stock > g + 1e-9, s.public_stock < g - 1e-9
    full, empty = s.public_stock >= 0.4 - 1e-9, s.public_stock <= 1e-9
    at_floor, at_ceiling = np.isclose(s.price, 0.9, rtol=1e-9), np.isclose(s.price, 1.1, rtol=1e-9)
    assert np.all(at_floor[bought] | (full & (s.price < 0.9))[bought])
    assert np.all(at_ceiling[sold] | (empty & (s.price > 1.1))[sold])
    held = ~bought & ~sold
    inside = (s.price >= 0.9 * (1 - 1e-9)) & (s.price <= 1.1 * (1 + 1e-9))
    assert np.all((inside | (full & (s.price < 0.9)) | (empty & (s.price > 1.1)))[held])
    # and the market clears: A + G = D(P) + S + G'
    np.testing.assert_allclose(a + g, s.price ** -0.2 + s.private_stock + s.public_stock,
                               rtol=1e-9)


def test_the_survival_probability_barely_moves_when_the_grid_spacing_halves():
    """STO4 from an empty public stock, 20 years, 600 paths on one seed: the
    share surviving on a 50 × 20 grid and on the shipped 100 × 40 differ by
    less than 0.02 (measured: 0.175 on 20 × 20, 0.166 on 100 × 20, 0.165 on
    100 × 40, 0.164 on 200 × 40, with 1000 paths)."""
    c = load_calibration("recs-sto4")
    coarse = replace(c, grid_points=50, public_grid_points=20)
    share = [float(np.mean(simulate_band(solve_band(k), 20, 600, seed=4).collapsed_in < 0))
             for k in (coarse, c)]
    assert abs(share[0] - share[1]) < 0.02
    assert 0.05 < share[1] < 0.35


def test_the_same_seed_gives_the_same_paths(sto4):
    c, rules = sto4
    one, two = (simulate_band(rules, 15, 40, seed=9) for _ in range(2))
    for field in ("price", "private_stock", "public_stock", "collapsed_in"):
        assert np.array_equal(getattr(one, field), getattr(two, field))
    other = simulate_band(rules, 15, 40, seed=10)
    assert not np.array_equal(one.price, other.price)


def test_speculators_attack_the_ceiling_while_public_stock_remains():
    """Salant (1983): holders who see the ceiling's end buy the public stock
    out in one year, although consumers at the ceiling would have left some.
    With cheap storage (k = 0.01, r = 0.01) and shocks of 10 %, from a full
    public stock, it happens on simulated paths: in such a year the public
    sells out, the price is at or above the ceiling, and the holders' stock
    exceeds what consumers left of the public's (A + G - D(P^C) > 0)."""
    c = replace(load_calibration("recs-sto4"), storage_cost=0.01, interest_rate=0.01,
                shock_sd=0.1, grid_min=0.4, grid_max=1.8, public_start_share=1.0,
                grid_points=80, public_grid_points=20)
    sim = simulate_band(solve_band(c), 30, 100, seed=0)
    hit = attacks(c, sim)
    assert hit.any()
    r, t = np.argwhere(hit)[0]
    left = sim.availability[r, t] + sim.public_in[r, t] - 1.1 ** -0.2
    assert sim.public_in[r, t] > 0 and sim.public_stock[r, t] == pytest.approx(0, abs=1e-12)
    assert left > 0 and sim.private_stock[r, t] >= left * (1 - 1e-9)
    assert sim.price[r, t] >= 1.1 * (1 - 1e-9)


def test_the_band_from_the_command_line(cli, tmp_path):
    r = cli("equilibrium", "-c", "recs-sto4", "-n", "60", "--years", "10", "-f", "json",
            "--rules", "--set", "grid_points=40", "--set", "public_grid_points=10",
            "--plot", tmp_path / "band.png")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    for key in ("share_at_ceiling", "share_above_ceiling", "share_broken_at_ceiling",
                "public_cost_per_year", "survival_probability"):
        assert key in out
    assert {row["public_in"] for row in out["rules"]} == {0.0, 0.2, 0.4}
    assert (tmp_path / "band.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("args, words", [
    (["--set", "ceiling=0.8"], "ceiling"),
    (["--set", "public_cap=-0.1"], "public_cap"),
    (["--set", "shock_sd=nan"], "shock_sd"),
    (["--set", "grid_points=20", "--set", "grid_max=9"], "grid_points"),
    (["--set", "public_start_share=2"], "public_start_share"),
])
def test_bad_band_input_exits_2(cli, args, words):
    r = cli("equilibrium", "-c", "recs-sto4", "-n", "5", *args)
    assert r.returncode == 2, r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr


def test_time_iteration_that_cycles_exits_4_with_what_it_reached(cli):
    """Shocks of 10 % on STO4's grid (0.74-1.4, below the lowest yield node
    0.625) and a public grid of 3 points: the rule cycles. The command stops
    once the price change has not improved for 100 iterations and exits 4,
    with the change reached, the iterations used and the grid to widen."""
    r = cli("equilibrium", "-c", "recs-sto4", "-n", "5", "--years", "2",
            "--set", "storage_cost=0.01", "--set", "interest_rate=0.01",
            "--set", "shock_sd=0.1", "--set", "public_grid_points=3")
    assert r.returncode == 4, r.stderr
    assert "did not converge: after 110 iterations" in r.stderr
    assert "grid_min = 0.74" in r.stderr and "Traceback" not in r.stderr

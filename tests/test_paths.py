"""`reserve paths`: price paths from the shipped Brent history, checked against
what each generator must do by construction."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from reserve.cli import app
from reserve.paths import (OrnsteinUhlenbeck, block_bootstrap, fit_mean_reversion, generate,
                           history, simulate_mean_reversion)

runner = CliRunner()


def test_the_shipped_history_is_brent_from_1987():
    dates, prices = history()
    assert str(dates[0]) == "1987-05-20" and prices[0] == pytest.approx(18.63)
    assert prices.size > 9_900 and np.all(prices > 0)
    assert np.all(np.diff(dates.astype("int64")) > 0)


@pytest.mark.parametrize("method", ["bootstrap", "mean-reverting"])
def test_paths_start_at_the_scenario_price_and_reproduce_their_seed(method):
    a = generate(method, 66.75, 200, 30, seed=5)
    assert a.shape == (30, 201)
    assert np.all(a[:, 0] == 66.75) and np.all(a > 0)
    assert np.array_equal(a, generate(method, 66.75, 200, 30, seed=5))
    assert not np.array_equal(a, generate(method, 66.75, 200, 30, seed=6))


def test_a_bootstrap_path_is_runs_of_consecutive_history_days():
    """With one block for the whole path, each path's daily moves are the
    history's moves on consecutive days (wrapping at the end), as drawn."""
    returns = np.diff(np.log(history()[1]))
    paths = block_bootstrap(returns, 50.0, 400, 20, block_days=1e12,
                            rng=np.random.default_rng(3))
    n = returns.size
    for path in paths:
        moves = np.diff(np.log(path))
        candidates = np.flatnonzero(np.isclose(returns, moves[0], rtol=0, atol=1e-12))
        assert any(np.allclose(returns[(i + np.arange(400)) % n], moves, rtol=0, atol=1e-12)
                   for i in candidates), "no run of consecutive history days gives this path"


def test_the_bootstrap_keeps_the_historys_volatility():
    returns = np.diff(np.log(history()[1]))
    paths = block_bootstrap(returns, 66.75, 2_000, 200, 20.0, np.random.default_rng(1))
    drawn = np.diff(np.log(paths), axis=1).ravel()
    assert drawn.std() == pytest.approx(returns.std(), rel=0.05)


def test_a_calendar_year_of_paths_has_the_historys_yearly_volatility():
    """Paths are laid on calendar days: the history's moves are on trading
    days (about 253 a year), so a year of paths must spread as a year of the
    history does, sigma_daily * sqrt(trading days a year), not more."""
    dates, prices = history()
    returns = np.diff(np.log(prices))
    years = (dates[-1] - dates[0]).astype(int) / 365.0
    yearly = returns.std() * math.sqrt(returns.size / years)
    assert yearly == pytest.approx(0.406, abs=0.01)     # the 40.6 %
    paths = generate("bootstrap", 66.75, 365, 4_000, seed=2)
    spread = np.log(paths[:, -1] / paths[:, 0]).std()
    assert spread == pytest.approx(yearly, rel=0.05)


def test_the_fit_recovers_a_known_mean_reversion():
    """A path simulated from known parameters gives them back within sampling
    error (the AR(1) estimate of b over N steps has sd about sqrt((1-b^2)/N))."""
    truth = OrnsteinUhlenbeck(kappa_per_day=0.004, mu_log_usd=math.log(60.0),
                              sigma_per_sqrt_day=0.02)
    path = simulate_mean_reversion(truth, 60.0, 400_000, 1, np.random.default_rng(11))[0]
    fitted = fit_mean_reversion(path)
    assert fitted.kappa_per_day == pytest.approx(truth.kappa_per_day, rel=0.15)
    assert fitted.long_run_price_usd_per_bbl == pytest.approx(60.0, rel=0.05)
    assert fitted.sigma_per_sqrt_day == pytest.approx(truth.sigma_per_sqrt_day, rel=0.01)


def test_the_command_writes_a_day_a_row_and_a_path_a_column(tmp_path):
    result = runner.invoke(app, ["paths", "--n-paths", "4", "--days", "30", "--seed", "2"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["day", "path_1", "path_2", "path_3", "path_4"]
    assert len(rows) == 1 + 31 and rows[1][1:] == ["66.75"] * 4
    dated = runner.invoke(app, ["paths", "-s", "us-spr-2022", "--n-paths", "2", "--days", "5",
                                "--method", "mean-reverting", "--plot", str(tmp_path / "f.png")])
    assert dated.exit_code == 0, dated.output
    assert list(csv.reader(io.StringIO(dated.stdout)))[1][1] == "100"   # its own price
    assert (tmp_path / "f.png").stat().st_size > 10_000


@pytest.mark.parametrize("args, words", [
    (["--method", "garch"], "--method"),
    (["--n-paths", "0"], "--n-paths"),
    (["--n-paths", "100000", "--days", "3650"], "at most 10,000 paths"),
    (["--block-days", "0.5"], "--block-days"),
    (["--seed", "-3"], "--seed"),
    (["--since", "2030"], "--since"),
])
def test_bad_path_options_exit_2(args, words):
    result = runner.invoke(app, ["paths", *args])
    assert result.exit_code == 2, result.output
    assert words in result.output


# -- disruption regimes (Teisberg) ---------------------------------------------------

def _market():
    import reserve
    return reserve.load_scenario(None)


def test_no_lost_supply_leaves_the_paths_as_drawn():
    from reserve.paths import Disruptions
    base = generate("bootstrap", 66.75, 100, 20, seed=5)
    assert np.array_equal(Disruptions(0.0, 0.5, 0.5).apply(base, _market(), 5), base)


def test_a_disruption_that_never_ends_raises_every_day_after_day_0_by_the_market_share():
    from reserve.paths import Disruptions
    s = _market()
    base = generate("bootstrap", s.price_usd_per_bbl, 50, 4, seed=5)
    out = Disruptions(2.0, 1.0, 0.0).apply(base, s, 5)
    # a 2 mb/d loss in a linear market moves the price by 2 / (Q0 (eps_s - eps_d)) of itself
    share = 2.0 / (s.demand_mbd * (s.supply_elasticity - s.demand_elasticity))
    np.testing.assert_allclose(out[:, 0], base[:, 0])
    np.testing.assert_allclose(out[:, 1:], base[:, 1:] * (1 + share), rtol=1e-12)


def test_regimes_have_the_markov_chains_long_run_share_and_mean_length():
    from reserve.paths import Disruptions
    a, b = 0.01, 0.04
    regimes = Disruptions(1.0, a, b).regimes(2000, 3000, np.random.default_rng(11))
    late = regimes[:, 1000:]   # long after day 0's normal start
    assert late.mean() == pytest.approx(a / (a + b), abs=0.01)   # 0.2
    starts = (~regimes[:, :-1] & regimes[:, 1:]).sum()
    ends = (regimes[:, :-1] & ~regimes[:, 1:]).sum()
    # disrupted days per disruption that ended: the mean length 1 / b = 25 days
    assert regimes[:, 1:].sum() / starts == pytest.approx(1 / b, rel=0.05)
    assert ends == pytest.approx(starts, rel=0.05)


def test_disrupted_paths_reproduce_their_seed_over_the_same_paths_beneath(cli, tmp_path):
    args = ["paths", "-n", "30", "--days", "200", "--seed", "9"]
    plain = cli(*args, "-o", tmp_path / "plain.csv")
    one = cli(*args, "--disruption-mbd", "3", "--p-disrupt", "0.02", "-o", tmp_path / "a.csv")
    two = cli(*args, "--disruption-mbd", "3", "--p-disrupt", "0.02", "-o", tmp_path / "b.csv")
    assert plain.returncode == one.returncode == two.returncode == 0, one.stderr
    a = np.loadtxt(tmp_path / "a.csv", delimiter=",", skiprows=1)
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    p = np.loadtxt(tmp_path / "plain.csv", delimiter=",", skiprows=1)
    ratio = a[:, 1:] / p[:, 1:]
    assert np.all(ratio >= 1 - 1e-9) and np.any(ratio > 1.1)   # raised only, some days


@pytest.mark.parametrize("args, named", [
    (["--disruption-mbd", "-1"], "--disruption-mbd"),
    (["--disruption-mbd", "2", "--p-disrupt", "1.5"], "--p-disrupt"),
    (["--disruption-mbd", "2", "--p-recover", "-0.1"], "--p-recover"),
])
def test_bad_disruption_options_exit_2(cli, args, named):
    run = cli("paths", "-n", "2", "--days", "10", *args)
    assert run.returncode == 2 and run.stderr.startswith(f"error: {named} = "), run.stderr


def test_a_fan_chart_of_disruptions_that_never_begin_or_never_end_is_drawn(cli, tmp_path):
    for p_disrupt, p_recover in (("0", "0.01"), ("0.01", "0")):
        run = cli("paths", "-n", "5", "--days", "30", "--seed", "1", "--disruption-mbd", "2",
                  "--p-disrupt", p_disrupt, "--p-recover", p_recover,
                  "-o", tmp_path / "p.csv", "--plot", tmp_path / "fan.png")
        assert run.returncode == 0, run.stderr


def test_the_bootstrap_draws_the_same_paths_whatever_its_chunk(monkeypatch):
    """The bootstrap works a few paths at a time to keep its memory down
    (paths.BOOTSTRAP_CHUNK path-days); the paths of a seed do not depend on
    how many it takes at once: one path a chunk and all at once agree."""
    import reserve.paths as paths
    returns = np.random.default_rng(3).normal(0.0, 0.02, 500)

    def draw(chunk):
        monkeypatch.setattr(paths, "BOOTSTRAP_CHUNK", chunk)
        return block_bootstrap(returns, 60.0, 50, 7, 5.0, np.random.default_rng(11))
    one_at_a_time, all_at_once = draw(1), draw(10**9)
    assert np.array_equal(one_at_a_time, all_at_once)
    assert one_at_a_time.shape == (7, 51) and np.all(one_at_a_time[:, 0] == 60.0)

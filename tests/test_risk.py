"""`reserve risk`: the causal rule against a hand simulation, foresight never
below the rule, and bad input refused."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from reserve.cli import app
from reserve.risk import Design, causal_rule, foresight_holds
from conftest import scenario

runner = CliRunner()
Q0, SPREAD = 86.0, 0.15          # the default's world demand and eps_s - eps_d


def _v_path(low: float, days: int = 21) -> np.ndarray:
    """70 down to ``low`` at the middle day and back up, linearly [USD/bbl]."""
    half = days // 2
    down = np.linspace(70.0, low, half + 1)
    return np.concatenate([down, down[-2::-1]])[None, :]


def _by_hand(prices, floor, capacity, fill_rate, release_rate):
    """The rule written out day by day, without reserve's helpers."""
    stock, held, first_failure = 0.0, True, -1
    for t, p in enumerate(prices):
        slope = p / (Q0 * SPREAD)                       # USD/bbl per mb/d
        if p < floor:
            x = min((floor - p) / slope, fill_rate, capacity - stock)
        else:
            x = -min((p - floor) / slope, release_rate, stock)
        stock += x
        if p + slope * x < floor - 0.01 and held:
            held, first_failure = False, t
    return held, first_failure, stock


@pytest.mark.parametrize("capacity", [1000.0, 8.0])
def test_the_rule_on_a_v_shaped_path_is_the_hand_simulation(capacity):
    s = scenario(floor_usd_per_bbl=60)
    prices = _v_path(52.0)
    rule = causal_rule(s, prices, Design(capacity, 2.0, 2.0, 0.0))
    held, first_failure, stock = _by_hand(prices[0], 60.0, capacity, 2.0, 2.0)
    assert bool(rule.held[0]) == held
    assert rule.first_failure_day[0] == first_failure
    assert rule.end_stock_mb[0] == pytest.approx(stock, abs=1e-9)
    if capacity > 100:     # room enough: the floor holds every day
        assert held and stock > 0
    else:                  # 8 mb fill up before the dip's bottom (day 10)
        assert not held and first_failure > 5


def test_a_ceiling_is_the_mirror_of_a_floor():
    s = scenario(ceiling_usd_per_bbl=80)
    prices = 150.0 - _v_path(52.0)        # a spike to 98 and back
    rule = causal_rule(s, prices, Design(500.0, 5.0, 5.0, 500.0))
    assert rule.held[0]
    # the mirror by hand: sell (p - 80)/slope above the ceiling, buy back below
    stock = 500.0
    for p in prices[0]:
        slope = p / (Q0 * SPREAD)
        stock += (-min((p - 80) / slope, 5.0, stock) if p > 80
                  else min((80 - p) / slope, 5.0, 500.0 - stock))
    assert rule.end_stock_mb[0] == pytest.approx(stock, abs=1e-9)


def test_foresight_never_holds_less_than_the_rule():
    from reserve.paths import generate
    prices = generate("bootstrap", 66.75, 90, 30, seed=4)
    s = scenario(floor_usd_per_bbl=62).with_params(lead_days=0, tail_days=0, hold_days=91)
    rule = causal_rule(s, prices, Design(60.0, 1.0, 1.0, 0.0))
    held = foresight_holds(s, prices, Design(60.0, 1.0, 1.0, 0.0))
    assert 0 < rule.held.mean() < 1
    assert np.all(held[rule.held])             # whatever the rule holds, foresight holds


def test_foresight_on_workers_and_on_a_dask_cluster_gives_the_serial_answer():
    from reserve.paths import generate
    prices = generate("bootstrap", 66.75, 90, 12, seed=4)
    s = scenario(floor_usd_per_bbl=62).with_params(lead_days=0, tail_days=0, hold_days=91)
    serial = foresight_holds(s, prices, Design(60.0, 1.0, 1.0, 0.0))
    assert 0 < serial.mean() < 1
    assert list(foresight_holds(s, prices, Design(60.0, 1.0, 1.0, 0.0), workers=2)) == list(serial)
    distributed = pytest.importorskip("distributed")   # in the test extra; skip only if absent
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        on_cluster = foresight_holds(s, prices, Design(60.0, 1.0, 1.0, 0.0),
                                     scheduler=cluster.scheduler_address)
    assert list(on_cluster) == list(serial)


def test_the_command_reports_both_shares(tmp_path):
    result = runner.invoke(app, ["risk", "--capacity-mb", "300", "--fill-rate-mbd", "2",
                                 "--floor", "60", "--n-paths", "40", "--days", "120", "--seed",
                                 "1", "-f", "json", "--plot", str(tmp_path / "r.png")])
    assert result.exit_code == 0, result.output
    values = json.loads(result.stdout.split("\nplot")[0])
    assert values["paths"] == 40 and values["days"] == 121
    assert 0 <= values["held_share_causal_rule"] <= values["held_share_foresight"] <= 1
    assert (tmp_path / "r.png").exists()


def test_paths_from_a_file(tmp_path):
    runner.invoke(app, ["paths", "--n-paths", "5", "--days", "60", "--seed", "3", "-o",
                        str(tmp_path / "p.csv")])
    result = runner.invoke(app, ["risk", "--capacity-mb", "100", "--floor", "60",
                                 "--paths", str(tmp_path / "p.csv"), "--no-foresight",
                                 "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["paths"] == 5


@pytest.mark.parametrize("args, content, words", [
    (["--capacity-mb", "100"], None, "a floor or a ceiling"),
    (["--capacity-mb", "100", "--floor", "60", "--ceiling", "80"], None, "ceiling"),
    (["--capacity-mb", "-1", "--floor", "60"], None, "--capacity-mb"),
    (["--capacity-mb", "100", "--floor", "60", "--initial-mb", "200"], None, "--initial-mb"),
    (["--capacity-mb", "100", "--floor", "60"], "day,path_1\n0,60\n1,nan\n",
     "row 3: a price in USD/bbl from 0.01 to 10000"),
    (["--capacity-mb", "100", "--floor", "60"], "day,path_1,path_2\n0,60,61\n1,60\n",
     "3 cells"),
    (["--capacity-mb", "100", "--floor", "60"], "day,path_1\n0,60\n0,61\n",
     "row 3: rows in increasing day order"),
])
def test_bad_risk_input_exits_2(tmp_path, args, content, words):
    if content is not None:
        (tmp_path / "p.csv").write_text(content)
        args = [*args, "--paths", str(tmp_path / "p.csv")]
    else:   # a draw's own options: refused beside a file
        args = [*args, "--n-paths", "3", "--days", "10"]
    result = runner.invoke(app, ["risk", *args])
    assert result.exit_code == 2, result.output
    assert words in result.output


def test_foresight_on_too_many_path_days_is_refused_with_the_way_out():
    result = runner.invoke(app, ["risk", "--capacity-mb", "10", "--floor", "60", "--n-paths",
                                 "10001", "--days", "365"])
    assert result.exit_code == 2 and "--no-foresight" in result.output
    assert "at most 3,660,000 path-days with 1 worker(s)" in result.output


def test_failure_days_are_days_a_path_failed_on():
    """No storage under a $60 floor; three paths at $70 that drop to $50 on
    day 3, 7 and 10: the first failing days are 3, 7 and 10, so the 5th
    percentile is day 3 and the median day 7, whole days, not 3.4 or 7.0."""
    from reserve.risk import assess
    prices = np.full((3, 12), 70.0)
    for path, day in enumerate((3, 7, 10)):
        prices[path, day:] = 50.0
    s = scenario(floor_usd_per_bbl=60.0)
    values, _ = assess(s, prices, Design(0.0, 0.0, 0.0), foresight=False)
    assert values["first_failure_day_p5"] == 3 and isinstance(values["first_failure_day_p5"], int)
    assert values["first_failure_day_p50"] == 7


def test_a_price_out_of_bounds_is_named_as_a_number_where_it_is():
    """A path's price beyond price_usd_per_bbl's bounds is refused, naming the
    price as a plain number, its path and its day."""
    from reserve.arguments import prices
    from reserve.errors import InputError
    paths = np.full((2, 5), 60.0)
    paths[1, 3] = 12345.678
    with pytest.raises(InputError) as refused:
        prices("prices", paths)
    words = str(refused.value)
    assert "12345.7 at path 2, day 3" in words and "np.float64" not in words
    assert "from 0.01 to 10000" in words

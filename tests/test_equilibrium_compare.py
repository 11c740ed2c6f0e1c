"""The equilibrium's public stock beside reserve risk's causal rule and perfect
foresight on the same shocks (reserve.equilibrium_compare)."""

import json

import numpy as np
import pytest

from reserve import api
from reserve.equilibrium_compare import DAYS_PER_YEAR, static_scenario, static_sizes
from reserve.errors import InputError
from reserve.storage_equilibrium import Calibration

P0, Q0 = 66.75, 365 * 86.0


def crude_floor(floor_usd: float) -> Calibration:
    return Calibration(scenario="default", price_unit_usd_per_bbl=P0,
                       consumption_unit_mb_per_yr=Q0, floor=floor_usd / P0, public_cap=0.01)


def yearly(*prices_by_path) -> np.ndarray:
    return np.repeat(np.array(prices_by_path, float), DAYS_PER_YEAR, axis=1)


def test_a_floor_sized_by_hand_on_yearly_paths():
    """Default market: slope beta = P / (86 mb/d x 0.15). Path A, $50 then $70
    under a $60 floor: a year of 10/beta(50) mb/d, 941.7 mb, then sold.
    Path B, $50, $70, $50: buys 941.7, sells what keeps $70 at $60,
    10/beta(70) x 365 = 672.6, and buys 941.7 again: a peak of 1,210.8 mb."""
    s = static_scenario(crude_floor(60.0))
    buy = 10 / (50 / (86 * 0.15)) * 365
    sell = 10 / (70 / (86 * 0.15)) * 365
    assert buy == pytest.approx(941.70, abs=0.01)
    prices = yearly([50, 70, 70], [50, 70, 50])
    for probability, need in ((1.0, 2 * buy - sell), (0.5, buy)):
        by_rule, by_foresight, rate = static_sizes(s, prices, probability, 0.01, 10_000)
        assert by_rule == pytest.approx(need, abs=0.02)
        assert by_foresight == pytest.approx(need, abs=0.02)
        assert rate >= 10 / (50 / (86 * 0.15))


def test_nothing_is_needed_where_the_market_stays_above_the_floor():
    s = static_scenario(crude_floor(40.0))
    assert static_sizes(s, yearly([50, 70]), 1.0, 0.01, 10_000)[:2] == (0.0, 0.0)


def test_the_comparison_needs_a_crude_floor():
    with pytest.raises(InputError, match="calibration"):
        api.equilibrium_sizes("recs-sto2", probability=0.5, years=2, paths=5)
    with pytest.raises(InputError, match="ceiling"):
        static_scenario(Calibration(scenario="default", price_unit_usd_per_bbl=P0,
                                    consumption_unit_mb_per_yr=Q0, floor=0.9, ceiling=1.1,
                                    public_cap=0.01))


def test_size_for_on_the_crude_calibration_puts_the_three_side_by_side(cli, capsys):
    """On the same shocks: rates never bind and prices hold within each year,
    so the rule does what foresight would (their sizes agree); holders who
    foresee the floor leave the gluts to it (their mean stock falls)."""
    r = cli("equilibrium", "-c", "recs-crude-2008", "--size-for", "0.5", "--years", "3",
            "-n", "40", "--set", "grid_points=400", "-f", "json")
    assert r.returncode == 0, r.stderr
    found = json.loads(r.stdout)
    assert found["public_cap_needed_mb"] == pytest.approx(found["public_cap_needed"] * Q0)
    assert found["causal_rule_cap_needed_mb"] == pytest.approx(
        found["foresight_cap_needed_mb"], abs=1e-4 * Q0)
    assert found["causal_rule_cap_needed_mb"] > 0
    assert found["mean_private_stock_mb_with_floor"] < found["mean_private_stock_mb_without_floor"]
    # the terminal's table of the same answer
    from reserve.cli.options import OutputFormat
    from reserve.cli.futures import print_sizes
    print_sizes(found, OutputFormat.table, "sizes")
    table = capsys.readouterr().out
    assert "causal rule (reserve risk)" in table and "perfect foresight" in table
    assert f"{found['public_cap_needed_mb']:,.0f}" in table

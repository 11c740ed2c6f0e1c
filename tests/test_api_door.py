"""The Python API's one door (issue 19): every argument of every public
function is checked by its name; nothing but reserve's own errors comes out,
and nothing is read other than as written."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reserve
from reserve.errors import ReserveError

ODD = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=6),
    st.lists(st.integers(-3, 3), max_size=3), st.dictionaries(st.text(max_size=3),
                                                               st.integers(), max_size=2),
    st.sampled_from([np.array([]), np.zeros((2, 3)), np.full((1, 4), np.nan), object()]))

#: each public function, with the arguments a test may spoil one at a time
CALLS = {
    "impact": (reserve.impact, {"capacity_mb": 100.0, "fill_rate_mbd": 0.5}),
    "size": (reserve.size, {"time_limit_s": 60.0, "hold_days": 30, "demand_elasticity": -0.1,
                            "storage.leased_tanks.capacity_max_mb": 60.0}),
    "sensitivity": (reserve.sensitivity, {"vary": {"hold_days": [90]}}),
    "uncertainty": (reserve.uncertainty, {"dist": {"demand_elasticity": "choice:-0.1"},
                                          "samples": 1, "seed": 1}),
    "draw_paths": (reserve.draw_paths, {"n_paths": 2, "days": 5, "seed": 1}),
    "assess_risk": (reserve.assess_risk, {"prices": np.full((2, 30), 60.0),
                                          "capacity_mb": 10.0, "floor_usd_per_bbl": 59.0,
                                          "foresight": False}),
    "load_scenario": (reserve.load_scenario, {"source": None, "price_path": None}),
    "batch": (reserve.batch, {"sheet": "no-such-sheet.csv"}),
}


def _allowed(call):
    try:
        call()
    except ReserveError as err:
        assert str(err), "an error names what is wrong"


@pytest.mark.parametrize("name", CALLS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_arguments_give_only_reserves_errors(name, data):
    function, good = CALLS[name]
    spoiled = data.draw(st.sampled_from(sorted(good)))
    kwargs = {**good, spoiled: data.draw(ODD)}
    _allowed(lambda: function(**kwargs))


@pytest.mark.parametrize("call, named", [
    (lambda: reserve.impact(capacity_mb="100"), "capacity_mb"),
    (lambda: reserve.impact(capacity_mb=[100]), "capacity_mb"),
    (lambda: reserve.sensitivity(vary="abc"), "vary"),
    # one number and "LO:HI:N" are values (as --vary reads them); these are not
    (lambda: reserve.sensitivity(vary={"hold_days": "90:x"}), "vary['hold_days']"),
    (lambda: reserve.sensitivity(vary={"hold_days": None}), "vary['hold_days']"),
    (lambda: reserve.uncertainty(dist={"demand_elasticity": "choice:-0.1"}, samples=0),
     "samples"),
    (lambda: reserve.uncertainty(dist={"demand_elasticity": "choice:-0.1"}, samples=2.5),
     "samples"),
    (lambda: reserve.uncertainty(dist={"demand_elasticity": "choice:-0.1"}, seed=-1), "seed"),
    (lambda: reserve.draw_paths(n_paths=True), "n_paths"),
    (lambda: reserve.draw_paths(days=5.5), "days"),
    (lambda: reserve.draw_paths(seed=1.5), "seed"),
    (lambda: reserve.size(time_limit_s=-1), "time_limit_s"),
    (lambda: reserve.size(time_limit_s=math.nan), "time_limit_s"),
    (lambda: reserve.load_scenario(price_path=123), "price_path"),
    (lambda: reserve.load_scenario(["us-spr-2022"]), "source"),
    (lambda: reserve.batch(123), "sheet"),
    (lambda: reserve.sensitivity(vary={"hold_days": list(range(90, 100_091))}), "vary"),
])
def test_each_reported_case_names_its_argument(call, named):
    reserve.batch   # the API's function, never shadowed by a module of the same name
    with pytest.raises(reserve.InputError) as info:
        call()
    assert str(info.value).startswith(f"{named} = ")


@pytest.mark.parametrize("prices", [
    [[60, 61], [60]],                       # ragged
    [60.0, 61.0],                           # 1-D
    np.full((2, 3, 4), 60.0),               # 3-D
    np.zeros((2, 30)), np.full((2, 30), -5.0), np.full((2, 30), np.inf),
    np.empty((0, 30)), np.full((2, 30), np.nan),
])
def test_paths_arrays_are_checked_for_shape_and_values(prices):
    for call in (lambda: reserve.assess_risk(prices=prices, capacity_mb=10,
                                             floor_usd_per_bbl=59, foresight=False),
                 lambda: reserve.size_reliable(prices=prices, reliability=0.9)):
        with pytest.raises(reserve.InputError, match=r"^prices = "):
            call()

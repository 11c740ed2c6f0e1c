"""A model formulated again from the last one (reserve.reformulate) is the model
formulated afresh: every number, the sparsity and the objective, whatever moved."""

import numpy as np
import pytest

from reserve import api
from reserve.costs import cost_vectors
from reserve.formulation import formulate
from reserve.problem import build_problem
from reserve.reformulate import reformulate, same

ARRAYS = ("rows", "cols", "vals", "row_lower", "row_upper", "col_lower", "col_upper",
          "integer", "cost", "quadratic", "weights")

#: A base question and what each step changes: a market number (the bands
#: alone), the target, the discount rate, a capital cost, the supply side,
#: the horizon (another layout), a lease's term, the lead time, a floor, and
#: two markets that remember (the general form, whose market rows read the
#: scenario): commercial holders, and an adjusting market; and two costs the
#: objective alone reads (its data's cost vectors already cached by the
#: first model: the parts must still be seen to read them).
CASES = [
    ({}, {"demand_elasticity": -0.2}),
    ({}, {"transaction_cost_usd_per_bbl": 0.4}),
    ({}, {"holding_cost_usd_per_bbl_yr": 3.0}),
    ({}, {"target_impact_usd_per_bbl": 7.5}),
    ({}, {"discount_rate": 0.09}),
    ({}, {"storage.new_steel_tanks.capex_usd_per_bbl": 31}),
    ({}, {"supply_elasticity": 0.2}),
    ({}, {"hold_days": 120}),
    ({}, {"storage.leased_tanks.lease_term_days": 60}),
    ({}, {"lead_days": 60}),
    ({"hold_days": 60, "floor_usd_per_bbl": 70}, {"floor_usd_per_bbl": 72}),
    ({"private_storage_response_mb_per_usd": 10}, {"demand_elasticity": -0.2}),
    ({"demand_elasticity_long_run": -0.3}, {"adjustment_half_life_days": 60}),
]


def _form(overrides):
    data = build_problem(api.question(None, overrides))
    return data, formulate(data)


def _assert_same_model(a, b):
    for name in ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.pattern == b.pattern and a.constant == b.constant and a.form == b.form
    assert [x.name for x in a.blocks] == [x.name for x in b.blocks]


@pytest.mark.parametrize("base, step", CASES)
def test_formulated_again_is_formulated_afresh(base, step):
    old_data, old = _form(base)
    new_data, fresh = _form({**base, **step})
    assert fresh.form == old.form
    again = reformulate(old, new_data)
    _assert_same_model(again, fresh)
    # data not yet priced takes the old cost table only where it is its own
    unpriced = build_problem(api.question(None, {**base, **step}))
    reformulate(old, unpriced)
    for got, want in zip(cost_vectors(unpriced), cost_vectors(new_data), strict=True):
        assert got.keys() == want.keys()
        for part in got:
            if isinstance(got[part], dict):
                for group in got[part]:
                    assert np.array_equal(got[part][group], want[part][group]), (part, group)
            else:
                assert got[part] == want[part], part
    # and back: the parts recomputed for the step are recomputed again
    _assert_same_model(reformulate(again, old_data), formulate(old_data))


def test_a_market_number_recomputes_the_bands_alone():
    """A new elasticity moves the net bands of the LP: every other block is the
    old one. (With the own-price premium it moves the premium's weight too,
    whose presence the columns read: the model is formulated afresh.)"""
    lp = {"own_price_effect": False, "oil_valuation": "cost"}
    _, old = _form(lp)
    data, _ = _form({**lp, "demand_elasticity": -0.2})
    again = reformulate(old, data)
    kept = {b.name for a, b in zip(old.blocks, again.blocks) if a is b}
    assert kept == {b.name for b in old.blocks} - {"net_band"}
    # the sparsity is the old model's own arrays, not copies (nothing writes them)
    assert again.rows is old.rows and again.cols is old.cols
    _assert_same_model(again, formulate(data))
    # another horizon: another sparsity, its own arrays
    longer, _ = _form({**lp, "hold_days": 120})
    other = reformulate(again, longer)
    assert other.rows is not old.rows and other.pattern != old.pattern
    _assert_same_model(other, formulate(longer))


def test_values_that_cannot_be_compared_count_as_changed():
    assert same(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    # arrays compare by their bits, small ones and large ones alike: a NaN kept
    # is no change, a zero's sign is one, as is any last digit
    for n in (2, 10_000):
        a = np.linspace(0.0, 1.0, n)
        a[0] = np.nan
        b = a.copy()
        assert same(a, b)
        b[-1] = np.nextafter(b[-1], 2.0)
        assert not same(a, b)
        zero = np.zeros(n)
        assert not same(zero, -zero)
    assert not same(np.array([1.0, 2.0]), np.array([1, 2]))          # another type
    assert not same(np.array([1.0]), np.array([1.0, 1.0]))
    assert not same(np.array([1.0]), 1.0)
    assert same((1, "a"), (1, "a")) and not same(1.0, 1.5)

    class Awkward:
        def __eq__(self, other):
            raise ValueError("no equality")
    assert not same(Awkward(), Awkward())

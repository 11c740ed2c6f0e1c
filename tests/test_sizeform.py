"""The size form written from numpy (reserve.sizeform) is the LP Pyomo hands
over, number for number, for every kind of data the size form takes; and
re-solving it in place for new data gives the LP a fresh build gives."""

import subprocess
import sys

import highspy
import numpy as np
import pytest

import reserve
from reserve.pricepath import baseline_of
from reserve.problem import build_problem
from reserve.scenario import with_overrides
from reserve.session import Session

FALL = np.linspace(66.75, 45.0, 211)   # a falling baseline path, a day a value

CASES = {
    "default (three leases)": (None, {}),
    "one owned option": ("benchmarks/one-option.toml", {"hold_days": 300}),
    "build or not": (None, {"storage.new_steel_tanks.fixed_cost_musd": 40.0,
                            "storage.new_steel_tanks.min_size_mb": 20.0,
                            "storage.new_steel_tanks.build_days": 0}),
    "own-price premium": (None, {"own_price_effect": True}),
    "opening stock beyond existing storage": ("us-spr-2022", {"initial_inventory_mb": 800.0}),
    "unwound, weekly": (None, {"end_inventory_max_mb": 0.0, "tail_days": 91,
                               "lead_days": 28, "hold_days": 182, "time_step_days": 7,
                               "storage.leased_tanks.lease_term_days": 28,
                               "storage.floating_storage.lease_term_days": 91,
                               "storage.floating_storage_tier2.lease_term_days": 91,
                               "storage.leased_tanks.build_days": 28,
                               "storage.floating_storage.build_days": 28,
                               "storage.floating_storage_tier2.build_days": 28}),
    "a floor on a path, isoelastic": (None, {"floor_usd_per_bbl": 60.0,
                                             "price_model": "isoelastic"}),
    "lowering the price": ("us-spr-2022", {}),
}


def _scenario(source, overrides):
    return reserve.load_scenario(source, **overrides)


def _data(source, overrides):
    s = _scenario(source, overrides)
    path = FALL[:s.horizon_days] if "floor_usd_per_bbl" in overrides else None
    return build_problem(s, None if path is None else baseline_of(path, s))


def _lp(session) -> dict:
    lp = session.highs.getLp()
    a = lp.a_matrix_
    dense = np.zeros((lp.num_row_, lp.num_col_))
    start, index, value = (np.asarray(x) for x in (a.start_, a.index_, a.value_))
    by_row = a.format_ == highspy.MatrixFormat.kRowwise
    for outer in range(len(start) - 1):
        for k in range(start[outer], start[outer + 1]):
            if by_row:
                dense[outer, index[k]] = value[k]
            else:
                dense[index[k], outer] = value[k]
    out = {name: np.minimum(np.abs(np.asarray(getattr(lp, name))), 1e20)
           * np.sign(np.asarray(getattr(lp, name)))
           for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_")}
    out["matrix"] = dense
    out["integer"] = np.array([v == highspy.HighsVarType.kInteger for v in lp.integrality_]
                              or np.zeros(lp.num_col_, bool))
    return out


@pytest.mark.parametrize("case", CASES)
def test_numpy_writes_the_lp_pyomo_hands_over(case):
    data = _data(*CASES[case])
    ours, pyomo = Session(data, builder="numpy"), Session(data, builder="pyomo")
    a, b = _lp(ours), _lp(pyomo)
    for name in a:
        assert a[name].shape == b[name].shape, name
        np.testing.assert_allclose(a[name], b[name], rtol=1e-13, atol=1e-13, err_msg=name)
    assert ours.columns.keys() == pyomo.columns.keys()
    for group in ours.columns:
        assert np.array_equal(ours.columns[group], pyomo.columns[group]), group
    assert ours.slots.keys() == pyomo.slots.keys()
    # and the answers agree
    assert ours.least_cost() == pyomo.least_cost()
    if pyomo.run() == "optimal":
        assert ours.solution().total_cost_musd == pytest.approx(
            pyomo.solution().total_cost_musd, rel=1e-9)


@pytest.mark.parametrize("builder", ["numpy", "pyomo"])
@pytest.mark.parametrize("case", ["default (three leases)", "build or not", "own-price premium",
                                  "opening stock beyond existing storage"])
def test_a_model_moved_to_new_data_is_the_fresh_one(case, builder):
    source, overrides = CASES[case]
    base = _scenario(source, overrides)
    changes = {"demand_elasticity": -0.17, "price_usd_per_bbl": 80.0, "discount_rate": 0.09,
               "transaction_cost_usd_per_bbl": 0.4}
    if case == "build or not":   # a new minimum size is written in place, sign and all
        changes.update({"storage.new_steel_tanks.min_size_mb": 35.0,
                        "storage.new_steel_tanks.fixed_cost_musd": 55.0})
    changed = with_overrides(base, changes)
    old = Session(build_problem(base), builder=builder)
    old.least_cost()
    old.load(build_problem(changed))
    old.pin_level(old.data.target_level)
    fresh = Session(build_problem(changed), builder=builder)
    fresh.pin_level(fresh.data.target_level)
    a, b = _lp(old), _lp(fresh)
    for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_", "matrix"):
        n = min(len(a[name]), len(b[name]))   # the premium's cuts add rows to the old one
        np.testing.assert_allclose(a[name][:n], b[name][:n], rtol=1e-12, atol=1e-12,
                                   err_msg=name)


def test_the_default_answer_never_imports_pyomo():
    """Importing Pyomo alone costs 0.2 s of the default run's half second."""
    code = ("import sys; sys.argv = ['reserve', 'size', '-t', '5', '-f', 'csv'];"
            "from reserve.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "assert not [m for m in sys.modules if m.startswith('pyomo')], 'pyomo imported'\n"
            "assert 'scipy' not in sys.modules, 'scipy imported'")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr

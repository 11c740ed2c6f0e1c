"""The model stated once (reserve.formulation): checked by hand on tiny cases,
moved in place to new data as a fresh build would be, and handed to Pyomo
from the same blocks, which solves it to the answer HiGHS gives.

The golden files in ``tests/lp_files`` were checked row by row against the
equations of docs/explanation/model.md for ``tiny.toml``: keep = 1 - 0.365*7/365 = 0.993,
Delta = 7 d; beta = 70/(80*0.2) = 4.375 USD/bbl per mb/d, so the band in the
window (periods 2 and 3) is 2/4.375 = 0.4571428571 mb/d, at most that off
it, at least 0 before the window (no early release), free in the two
liquidation periods; the tank is usable from period 1 (built in 7 days), the
charter's contract runs 2 periods; a barrel a day for a week costs 7*70 +
7*0.5 = 493.5 musd to fill and -490 + 3.5 = -486.5 to release; the premium
weighs 7*4.375 = 30.625 a period and 61.25 on the pace (two periods);
the last stock ends at the opening 0. The dynamic file adds the memory
(lambda = 0.5^(7/365)) and the market rows. To write them anew after a
deliberate change: ``REGENERATE_LP_FILES=1 pytest tests/test_formulation.py``.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import reserve
from reserve.formulation import formulate
from reserve.pricepath import baseline_of
from reserve.problem import build_problem
from reserve.scenario import with_overrides
from reserve.session import Session
from reserve.solution import total_cost_musd

from conftest import lp_arrays

LP_FILES = pathlib.Path(__file__).parent / "lp_files"
TINY = LP_FILES / "tiny.toml"
GOLDEN = {
    "tiny-size": {},
    "tiny-general": {"_form": "general"},
    "tiny-dynamic": {"demand_elasticity_long_run": -0.3, "supply_elasticity_long_run": 0.2},
    "tiny-build-or-not": {"storage.tank.fixed_cost_musd": 5.0, "storage.tank.min_size_mb": 2.0,
                          "initial_inventory_mb": 4.0, "own_price_effect": False},
}


def _tiny(overrides):
    overrides = dict(overrides)
    form = overrides.pop("_form", None)
    return formulate(build_problem(reserve.load_scenario(TINY, **overrides)), form)


@pytest.mark.parametrize("case", GOLDEN)
def test_the_model_of_a_tiny_case_is_the_one_checked_by_hand(case):
    text = _tiny(GOLDEN[case]).text()
    golden = LP_FILES / f"{case}.txt"
    if os.environ.get("REGENERATE_LP_FILES"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_a_golden_row_read_against_its_equation():
    """One row of each kind, rebuilt here from the numbers of tiny.toml."""
    lines = _tiny({}).text().splitlines()
    keep = 1 - 0.365 * 7 / 365
    assert (f"inventory_balance[3]: 0 <= +1 inventory_mb[3] -{keep:.10g} inventory_mb[2] "
            "-7 fill_mbd[3] +7 release_mbd[3] <= 0") in lines
    band = 2.0 / (70 / (80 * 0.2))
    assert f"net_band[2]: {band:.10g} <= +1 fill_mbd[2] -1 release_mbd[2] <= {band:.10g}" in lines
    assert ("lease_balance[0,2]: 0 <= +1 contracted_mb[2] -1 contract_mb[2] -1 contracted_mb[1] "
            "+1 contract_mb[0] <= 0") in lines
    assert f"{7 * 70 + 7 * 0.5:.10g} fill_mbd[0]" in lines
    assert f"{7 * 70 / (80 * 0.2):.10g} net_mbd[0]^2" in lines


FALL = np.linspace(66.75, 45.0, 211)   # a falling baseline path, a day a value

CASES = {
    "default (three leases)": (None, {}),
    "build or not": (None, {"storage.new_steel_tanks.fixed_cost_musd": 40.0,
                            "storage.new_steel_tanks.min_size_mb": 20.0,
                            "storage.new_steel_tanks.build_days": 0}),
    "no premium": (None, {"own_price_effect": False}),
    # no premium and no sale after (the sale moves the price too): a MILP
    "build or not, linear": (None, {"storage.new_steel_tanks.fixed_cost_musd": 40.0,
                                    "storage.new_steel_tanks.min_size_mb": 20.0,
                                    "storage.new_steel_tanks.build_days": 0,
                                    "own_price_effect": False, "oil_valuation": "market"}),
    "opening stock beyond existing storage": ("us-spr-2022", {"initial_inventory_mb": 800.0}),
    "a floor on a path, isoelastic": (None, {"floor_usd_per_bbl": 50.0,
                                             "price_model": "isoelastic"}),
    # linear: HiGHS's QP solver takes minutes on the dynamic market's QP (the
    # session's tangent cuts, a second)
    "dynamic, linear": (None, {"demand_elasticity_long_run": -0.3,
                               "supply_elasticity_long_run": 0.1, "own_price_effect": False,
                               "oil_valuation": "market"}),
}


def _data(source, overrides):
    s = reserve.load_scenario(source, **overrides)
    path = FALL[:s.horizon_days] if "floor_usd_per_bbl" in overrides else None
    return build_problem(s, None if path is None else baseline_of(path, s))


@pytest.mark.parametrize("case", ["default (three leases)", "build or not",
                                  "opening stock beyond existing storage"])
def test_a_model_moved_to_new_data_is_the_fresh_one(case):
    source, overrides = CASES[case]
    base = reserve.load_scenario(source, **overrides)
    changes = {"demand_elasticity": -0.17, "price_usd_per_bbl": 80.0, "discount_rate": 0.09,
               "transaction_cost_usd_per_bbl": 0.4}
    if case == "build or not":   # a new minimum size is written in place, sign and all
        changes.update({"storage.new_steel_tanks.min_size_mb": 35.0,
                        "storage.new_steel_tanks.fixed_cost_musd": 55.0})
    changed = with_overrides(base, changes)
    old = Session(build_problem(base))
    old.least_cost()
    old.load(build_problem(changed))
    old.pin_level(old.data.target_level)
    fresh = Session(build_problem(changed))
    fresh.pin_level(fresh.data.target_level)
    a, b = lp_arrays(old), lp_arrays(fresh)
    for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_", "matrix"):
        n = min(len(a[name]), len(b[name]))   # the premium's cuts add rows to the old one
        np.testing.assert_allclose(a[name][:n], b[name][:n], rtol=1e-12, atol=1e-12,
                                   err_msg=name)
    # and both solve to one answer, warm from the old basis or cold
    feasible = fresh.least_cost()
    assert old.least_cost() == feasible
    # (800 mb of opening stock cannot all fit the SPR's caverns in time: out of reach)
    assert feasible == (case != "opening stock beyond existing storage")
    if feasible:
        assert old.solution().total_cost_musd == pytest.approx(
            fresh.solution().total_cost_musd, rel=1e-8)
        assert old.solution().capacity_mb.sum() == pytest.approx(
            fresh.solution().capacity_mb.sum(), rel=1e-7)


@pytest.mark.parametrize("form", ["size", "general"])
def test_a_level_put_back_by_the_next_run_is_the_one_solved(form):
    """The marginal cost puts its target back only before the next run (or
    never, when new data comes first): both ways the model HiGHS solves is
    the one a fresh session builds."""
    base = reserve.load_scenario(oil_valuation="cost", own_price_effect=False)
    data = build_problem(base)
    fresh = Session(data, form)
    assert fresh.least_cost()
    at_target = fresh.total_cost_musd()
    session = Session(data, form)
    assert session.least_cost(data.target_level + 1.0)
    assert session.total_cost_musd() > at_target     # a higher level costs more
    session.pin_level(data.target_level, by_next_run=True)
    assert session.run() == "optimal"
    assert session.total_cost_musd() == pytest.approx(at_target, rel=1e-9)
    a, b = lp_arrays(session), lp_arrays(fresh)
    for name in ("col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    # the level still pending when other data comes: the new data's own target
    changed = build_problem(with_overrides(base, {"demand_elasticity": -0.17}))
    session.least_cost(data.target_level + 1.0)
    session.pin_level(data.target_level, by_next_run=True)
    session.load(changed)
    other = Session(changed, form)
    a, b = lp_arrays(session), lp_arrays(other)
    for name in ("col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    assert session.least_cost() and other.least_cost()
    assert session.total_cost_musd() == pytest.approx(other.total_cost_musd(), rel=1e-9)


def test_another_sparsity_is_refused_in_place():
    base = reserve.load_scenario()
    session = Session(build_problem(base))
    with pytest.raises(ValueError, match="sparsity"):
        session.load(build_problem(with_overrides(base, {"hold_days": 90})))


def _pyomo_values(m, built):
    import pyomo.environ as pyo
    x = np.zeros(built.n_cols)
    for group, index in built.columns.index.items():
        var = getattr(m, group)
        values = [pyo.value(v) for v in var.values()] if var.is_indexed() else [pyo.value(var)]
        x[index] = values
    return {g: x[i] for g, i in built.columns.index.items()}


@pytest.mark.parametrize("case, form", [
    ("default (three leases)", None), ("default (three leases)", "general"), ("no premium", None),
    ("build or not, linear", None), ("a floor on a path, isoelastic", None), ("dynamic, linear", None)])
def test_the_pyomo_model_solves_to_the_answer_highs_gives(case, form):
    """reserve.pyomo_model, solved by Pyomo's own HiGHS interface (a QP, or a
    MILP: HiGHS solves no MIQP, which reserve does by its tangent cuts), costs
    what the session's solve costs, to 1e-7."""
    import pyomo.environ as pyo
    data = _data(*CASES[case])
    session = Session(data, form)
    assert session.least_cost()
    m = reserve.pyomo_model(data, form)
    solver = pyo.SolverFactory("highs")
    solver.config.time_limit = 600
    result = solver.solve(m)
    assert pyo.check_optimal_termination(result)
    ours = session.solution().total_cost_musd
    theirs = total_cost_musd(data, _pyomo_values(m, m.form))
    assert theirs == pytest.approx(ours, rel=1e-7)


def test_a_user_constraint_added_to_the_pyomo_model_binds():
    """The model is the user's to extend: ask for 10 mb of new steel tanks,
    which the answer does not build (leases are cheaper), and they are built,
    at a higher cost."""
    import pyomo.environ as pyo
    data = _data(*CASES["no premium"])
    session = Session(data)
    assert session.least_cost()
    assert session.solution().capacity_mb[3] == pytest.approx(0.0, abs=1e-6)
    m = reserve.pyomo_model(data)
    assert r"s_t = (1 - l" in m.inventory_balance.doc   # each family's equation
    m.my_tanks = pyo.Constraint(expr=m.new_capacity_mb[3] >= 10.0)
    assert pyo.check_optimal_termination(pyo.SolverFactory("highs").solve(m))
    assert pyo.value(m.new_capacity_mb[3]) == pytest.approx(10.0, rel=1e-7)
    assert total_cost_musd(data, _pyomo_values(m, m.form)) > session.solution().total_cost_musd


def test_the_default_answer_never_imports_pyomo():
    """Importing Pyomo alone costs 0.2 s of the default run's half second."""
    code = ("import sys; sys.argv = ['reserve', 'size', '-t', '5', '-f', 'csv'];"
            "from reserve.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "assert not [m for m in sys.modules if m.startswith('pyomo')], 'pyomo imported'\n"
            "assert 'scipy' not in sys.modules, 'scipy imported'")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr

"""The own-price premium's QP solved by Clarabel (reserve.conic): a closed form,
the tangent cuts' bounds around its cost, and the cases left to the cuts."""

import numpy as np
import pytest

from reserve import api
from reserve import conic as conic_module
from reserve.problem import build_problem
from reserve.session import Session

from conftest import beta

ONE_OPTION = {"storage.new_steel_tanks.build_days": 0,
              "storage.leased_tanks.capacity_max_mb": 0,
              "storage.floating_storage.capacity_max_mb": 0,
              "storage.floating_storage_tier2.capacity_max_mb": 0,
              "storage.new_salt_caverns.capacity_max_mb": 0,
              "private_storage_response_mb_per_usd": 0, "own_price_effect": True}


def _owned_only(**more):
    """The default question on owned steel tanks alone (no lease): Clarabel's case."""
    s = api.question(None, {**ONE_OPTION, **more})
    s = s.__class__(params=s.params, storage=tuple(o for o in s.storage
                                                   if o.name == "new_steel_tanks"),
                    explicit=s.explicit, target_percent=s.target_percent, owners=s.owners)
    return s, build_problem(s)


def test_the_qp_holds_the_closed_form_capacity():
    """A constant price, no losses, the target held over the window: the
    storage is hold_days x target / beta exactly, premium or not."""
    s, data = _owned_only()
    session = Session(data)
    assert session.least_cost()
    assert session.solver == "clarabel"           # Clarabel answered, not the cuts
    stock = session.values()["inventory_mb"].max()
    assert stock == pytest.approx(s.hold_days * s.target_impact_usd_per_bbl / beta(s),
                                  rel=1e-8)


def test_the_qp_cost_lies_between_the_tangent_cuts_bounds():
    """Any set of tangents under-prices the premium (a lower bound on the QP's
    optimum); the cuts' schedule priced exactly is an upper bound. Clarabel's
    optimum lies between them, and at or below the cuts' answer."""
    s, data = _owned_only(discount_rate=0.05)
    cuts = Session(data, premium_by="cuts")
    assert cuts.least_cost()
    conic = Session(data)
    assert conic.least_cost() and conic.solver == "clarabel"
    built = conic.built

    def objective(x):            # the model's own objective at a point
        return (built.cost @ x[:built.n_cols] + built.constant
                + np.sum(built.weights * x[built.quadratic] ** 2))
    lower = cuts.highs.getInfo().objective_function_value + built.constant
    upper = objective(np.asarray(cuts.highs.getSolution().col_value))
    found = objective(conic._primal())
    assert lower - 1e-9 * abs(upper) <= found <= upper + 1e-9 * abs(upper)
    # the cost reported is the same schedule's, priced as every answer is priced
    assert conic.total_cost_musd() == pytest.approx(cuts.total_cost_musd(), rel=1e-6)


def test_an_infeasible_qp_is_said_so_and_leases_stay_with_the_cuts():
    s, data = _owned_only(**{"storage.new_steel_tanks.capacity_max_mb": 10})
    session = Session(data)
    assert not session.least_cost()
    default = build_problem(api.question(None))
    assert len(default.leases)
    leased = Session(default)
    assert leased.least_cost() and leased.solver == "highs" and leased.cuts.rounds >= 1


def test_the_compressed_columns_are_scipys():
    """reserve.conic builds Clarabel's matrices without scipy.sparse; scipy's
    own conversion, duplicates summed, is the reference."""
    sparse = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(7)
    rows, cols = rng.integers(0, 30, 400), rng.integers(0, 20, 400)   # many duplicates
    vals = rng.normal(size=400)
    ours = conic_module.Csc(rows, cols, vals, (30, 20))
    theirs = sparse.coo_matrix((vals, (rows, cols)), shape=(30, 20)).tocsc()
    theirs.sum_duplicates()
    theirs.sort_indices()
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert np.allclose(ours.data, theirs.data, rtol=1e-15, atol=1e-15)


def test_writing_the_net_flows_out_keeps_the_objective_and_the_point():
    """At any point whose net flows are f - r, the substituted QP's objective
    (1/2 y'Py + q'y on the kept columns) is the model's c'x + sum w n^2, and
    the columns written out come back as f - r. The closing stock's sale
    premium sits on a column in several rows: it keeps its diagonal term."""
    s, data = _owned_only(discount_rate=0.05)
    session = Session(data)
    built, columns = session.built, session.columns
    sub = conic_module.Substitution(built)
    assert np.array_equal(sub.gone, columns["net_mbd"]) and sub.kept_quad.size == 1
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 5, built.n_cols)
    x = sub.back(x[sub.keep_col], built.n_cols)          # n = f - r, all else kept
    h = data.n_horizon                                  # the net flows: the horizon's days
    net = x[columns["fill_mbd"][:h]] - x[columns["release_mbd"][:h]]
    assert np.allclose(x[columns["net_mbd"]], net, rtol=0, atol=1e-12)
    y = x[sub.keep_col]
    p = np.zeros((y.size, y.size))
    np.add.at(p, (sub.P.indices, np.repeat(np.arange(y.size), np.diff(sub.P.indptr))),
              sub.P.data)
    p = p + np.triu(p, 1).T                                # the upper triangle, mirrored
    model = built.cost @ x + np.sum(built.weights * x[built.quadratic] ** 2)
    assert 0.5 * y @ p @ y + sub.q @ y == pytest.approx(model, rel=1e-12)

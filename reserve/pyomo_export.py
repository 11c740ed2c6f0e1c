"""The model as a Pyomo ``ConcreteModel``, for users to read, extend and solve.

Built from the very blocks HiGHS is given (:mod:`reserve.formulation`), never
written again by hand: each column group becomes an indexed ``Var`` (named as
in the symbol table, bounds and integrality included), each constraint
family an indexed ``Constraint`` whose ``doc`` is the family's equation,
and the objective the cost table plus the own-price premium. Solved with
Pyomo's HiGHS interface it gives the answer ``reserve size`` gives::

    import pyomo.environ as pyo
    import reserve

    m = reserve.pyomo_model(reserve.load_scenario())
    m.my_cap = pyo.Constraint(expr=m.fill_capacity_mbd <= 2.0)   # your own rule
    pyo.SolverFactory("highs").solve(m)
    print(pyo.value(m.least_cost))

Indices are positions: ``T`` the periods (horizon, then the closing sale),
``H`` the horizon's, ``K`` the storage options, ``LEASE`` the leased ones
(by position among them), ``MILP`` the build-or-not ones (by option).
Importing Pyomo costs 0.2 s, so nothing else in ``reserve`` does.
"""

from __future__ import annotations

import numpy as np

from .formulation import Form, formulate
from .problem import ProblemData, build_problem
from .scenario import Scenario


def _labels(data: ProblemData, sets: tuple, count: int) -> list:
    """The index of each of a group's ``count`` variables, from its sets."""
    if sets == ():
        return []
    if sets == ("LEASE", "T"):
        return [(j, t) for j in range(len(data.leases)) for t in range(data.n_periods)]
    if sets == ("MILP",):
        return [k for k, o in enumerate(data.options) if o.build_or_not]
    return list(range(count))


def _bound(x: float):
    return None if np.isinf(x) else float(x)


def pyomo_model(scenario: Scenario | ProblemData, form: str | None = None,
                baseline_price_usd_per_bbl=None):
    """The least-cost model of ``scenario`` as a Pyomo ``ConcreteModel`` (module doc).

    ``form``: "size" or "general" (:mod:`reserve.formulation`); default: size
    for a static market, general for a dynamic one. The model carries its
    data as ``m.data`` (:class:`reserve.problem.ProblemData`) and the blocks
    it came from as ``m.form`` (:class:`reserve.formulation.Form`).
    """
    import pyomo.core as pyo

    data = (scenario if isinstance(scenario, ProblemData)
            else build_problem(scenario, baseline_price_usd_per_bbl))
    built: Form = formulate(data, form)
    m = pyo.ConcreteModel(name="reserve")
    m.data, m.form = data, built
    column = [None] * built.n_cols   # the Pyomo variable of each column
    for group, index in built.columns.index.items():
        sets = built.columns.labels[group]
        lo, hi = built.col_lower[index], built.col_upper[index]
        integer = bool(built.integer[index].any())
        domain = pyo.Binary if integer else pyo.Reals
        if sets == ():
            var = pyo.Var(domain=domain, bounds=(_bound(lo[0]), _bound(hi[0])))
            m.add_component(group, var)
            column[index[0]] = var
            continue
        labels = _labels(data, sets, len(index))
        bounds = dict(zip(labels, zip(lo.tolist(), hi.tolist()), strict=True))
        var = pyo.Var(labels, domain=domain,
                      bounds=lambda _, *i, b=bounds: tuple(map(_bound, b[i[0] if len(i) == 1
                                                                       else i])))
        m.add_component(group, var)
        for label, col in zip(labels, index.tolist(), strict=True):
            column[col] = var[label]

    by_row: dict[int, list] = {}
    for r, c, v in zip(built.rows.tolist(), built.cols.tolist(), built.vals.tolist(),
                       strict=True):
        by_row.setdefault(r, []).append((v, column[c]))
    for block in built.blocks:
        first = built.row_start[block.name]
        labels = [tuple(map(int, x)) if np.ndim(x) else int(x) for x in block.labels]

        def rule(_, *i, first=first, block=block, where={l: n for n, l in enumerate(labels)}):
            n = where[i[0] if len(i) == 1 else i]
            lo, hi = block.lower[n], block.upper[n]
            body = sum(v * x for v, x in by_row.get(first + n, ()))
            return (_bound(lo), body, _bound(hi))

        if block.sets == ():
            m.add_component(block.name, pyo.Constraint(rule=lambda mm, r=rule: r(mm, 0),
                                                       doc=block.doc))
        else:
            m.add_component(block.name, pyo.Constraint(labels, rule=rule, doc=block.doc))

    cost = sum(float(c) * column[i] for i, c in enumerate(built.cost) if c != 0)
    premium = sum(float(w) * column[i] ** 2
                  for i, w in zip(built.quadratic.tolist(), built.weights, strict=True))
    m.least_cost = pyo.Objective(expr=cost + premium + built.constant, sense=pyo.minimize,
                                 doc="present cost [musd]: the cost table and the own-price "
                                     "premium (reserve.formulation.objective)")
    if "window_level" in built.columns:
        m.most_impact = pyo.Objective(expr=m.window_level, sense=pyo.maximize,
                                      doc="the largest window level z [USD/bbl]")
        m.most_impact.deactivate()
    return m

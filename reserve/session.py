"""A built model in HiGHS, re-solved warm with numbers changed in place.

The model is handed to HiGHS once: a static market's least-cost model (the
size form) written straight from numpy (:mod:`reserve.sizeform`), any other
built by Pyomo (:mod:`reserve.model`) and read by :func:`hand_off`; a test
holds the two builds of the size form equal, number for number. From then on a
:class:`Session` talks to HiGHS directly: a new target, floor, elasticity or
cost writes only the numbers that differ (the model's *slots*: bounds, costs,
coefficients) and HiGHS re-solves warm from its last basis. This is what
makes marginal costs, diagnoses, bisections and sweeps cheap: HiGHS's own
warm re-solve is the floor, and Pyomo is not in the loop.

:func:`hand_off` is the one place that reads Pyomo's private maps from
variables and constraints to HiGHS's columns and rows.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from .costs import COST_PARTS, GROUPS, cost_vectors
from .errors import SolverFailure
from .sizeform import highs_lp, slot_values, static_form, structure
from .problem import ProblemData, net_flow_band

#: HiGHS options: quiet, deterministic, tight MIP gap so MILP answers are exact.
HIGHS_OPTIONS = {"log_to_console": False, "output_flag": False, "mip_rel_gap": 1e-7,
                 "threads": 1}


_BANNER_SHOWN = False


def new_highs() -> highspy.Highs:
    """A quiet ``highspy.Highs``.

    HiGHS prints its banner to the process's standard output when the first
    instance is made, before any option can silence it; stdout carries
    reserve's data (CSV, JSON), so the banner goes to /dev/null instead.
    """
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        highs = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
                highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
    for name, value in HIGHS_OPTIONS.items():
        highs.setOptionValue(name, value)
    highs.HandleUserInterrupt = True   # so that cancelSolve() stops a running solve
    return highs


def hand_off(model):
    """Hand a Pyomo model's constraints to a new HiGHS instance.

    Each constraint's body is read as a linear expression by Pyomo's
    ``LinearRepnVisitor`` (the reader behind its LP writers) and becomes one
    row of a sparse matrix, its bounds the constraint's less the body's
    constant; the variables' bounds and integrality are read from the model.
    The objective is not passed: a Session writes its costs (and the
    premium's Hessian) from the model's cost table itself, the numbers the
    objective was built from.

    Returns ``(highs, column, row)``: the ``highspy.Highs`` object, and
    functions mapping a Pyomo variable to its column and a constraint to its
    row.
    """
    import pyomo.core as pyo
    from pyomo.repn.linear import LinearRepnVisitor

    visitor = LinearRepnVisitor({})
    rows: dict = {}
    starts, var_ids, coefs, lower, upper = [0], [], [], [], []
    for con in model.component_data_objects(pyo.Constraint, active=True, descend_into=True):
        repn = visitor.walk_expression(con.body)
        if repn.nonlinear is not None:
            raise ValueError(f"constraint {con.name} is not linear")
        rows[con] = len(lower)
        var_ids.extend(repn.linear)
        coefs.extend(repn.linear.values())
        starts.append(len(var_ids))
        constant = repn.constant
        lower.append(-np.inf if con.lb is None else float(con.lb - constant))
        upper.append(np.inf if con.ub is None else float(con.ub - constant))
    # every variable of the model gets a column, also one in no row so far (a
    # coefficient that is 0 for these data, such as new capacity never usable
    # in the horizon): a later data set may give it a coefficient
    variables = list(model.component_data_objects(pyo.Var, descend_into=True))
    columns = {id(v): j for j, v in enumerate(variables)}
    row_of = np.repeat(np.arange(len(lower)), np.diff(starts))
    lp = highs_lp(len(lower), len(variables),
                  (row_of, np.array([columns[i] for i in var_ids], dtype=np.int64), coefs),
                  ([-np.inf if v.lb is None else v.lb for v in variables],
                   [np.inf if v.ub is None else v.ub for v in variables]),
                  (lower, upper), integer=[v.is_integer() for v in variables])
    highs = new_highs()
    highs.passModel(lp)
    return highs, (lambda v: columns[id(v)]), (lambda c: rows[c])


@dataclass
class Timings:
    """Seconds spent, for the benchmarks: Pyomo build, hand-off, HiGHS itself."""

    build_s: float = 0.0
    handoff_s: float = 0.0
    highs_s: float = 0.0        # HiGHS's own run time
    solve_call_s: float = 0.0   # whole run() calls, status reading included
    solves: int = 0

    def add(self, other: "Timings") -> None:
        for name in ("build_s", "handoff_s", "highs_s", "solve_call_s", "solves"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Solution:
    """Values of one solved model (units in names; arrays one value a period)."""

    fill_mbd: np.ndarray
    release_mbd: np.ndarray
    inventory_mb: np.ndarray
    capacity_mb: np.ndarray          # per storage option: existing + new, or peak leased
    contracted_mb: np.ndarray        # [lease, period] existing + under contract
    usable_capacity_mb: np.ndarray   # storage usable in each period, all options
    fill_capacity_mbd: float
    release_capacity_mbd: float
    window_level: float
    impact_usd_per_bbl: np.ndarray   # price impact dp_t of each period
    capital_cost_musd: float
    operating_cost_musd: float
    oil_cost_musd: float
    #: after the horizon: the closing stock's sale, a net flow and an impact a
    #: period (empty unless oil_valuation = "sale")
    liquidation_mbd: np.ndarray = field(default_factory=lambda: np.zeros(0))
    liquidation_impact_usd_per_bbl: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def total_cost_musd(self) -> float:
        return self.capital_cost_musd + self.operating_cost_musd + self.oil_cost_musd


def _clean(a: np.ndarray) -> np.ndarray:
    return np.where(np.abs(a) < 1e-9, 0.0, a)  # solver noise


def price_solution(data: ProblemData, values: dict[str, np.ndarray]) -> dict[str, float]:
    """Capital, operating and oil cost [musd] of variable values by group.

    Uses the same cost table the objective was built from (costs.cost_vectors);
    the own-price premium is added to the oil cost.
    """
    costs, constants = cost_vectors(data)
    parts = {}
    for part in COST_PARTS:
        parts[part] = constants.get(part, 0.0) + sum(
            float(np.dot(vector, values[group])) for group, vector in costs[part].items())
    if data.quadratic:
        net = values["fill_mbd"] - values["release_mbd"]
        parts["oil"] += float(np.dot(data.quadratic_weights(), data.quadratic_flows(net) ** 2))
    return parts


def solution_from_values(data: ProblemData, values: dict[str, np.ndarray], window_level: float,
                         impact_usd_per_bbl: np.ndarray | None = None) -> Solution:
    """A :class:`Solution` from variable values by group."""
    h = data.n_horizon
    fill, release = _clean(values["fill_mbd"]), _clean(values["release_mbd"])
    existing = np.array([o.existing_mb for o in data.options])
    if impact_usd_per_bbl is None:
        impact_usd_per_bbl = data.impact_usd_per_bbl(fill - release)
    contracted = _clean(values["contracted_mb"].reshape(len(data.leases), data.n_periods))
    contracted = contracted[:, :h] + existing[list(data.leases)][:, None]
    capacity = existing + values["new_capacity_mb"]
    for j, k in enumerate(data.leases):
        capacity[k] = contracted[j].max()
    owned = np.array([not o.leased for o in data.options])
    new_owned = np.where(owned, values["new_capacity_mb"], 0.0)
    usable = (existing * owned).sum() + new_owned @ data.usable[:, :h] + contracted.sum(axis=0)
    parts = price_solution(data, values)
    return Solution(
        fill_mbd=fill[:h], release_mbd=release[:h], impact_usd_per_bbl=impact_usd_per_bbl[:h],
        inventory_mb=_clean(values["inventory_mb"])[:h], capacity_mb=_clean(capacity),
        contracted_mb=contracted, usable_capacity_mb=_clean(usable),
        fill_capacity_mbd=float(_clean(values["fill_capacity_mbd"])[0]),
        release_capacity_mbd=float(_clean(values["release_capacity_mbd"])[0]),
        window_level=window_level,
        capital_cost_musd=parts["capital"], operating_cost_musd=parts["operating"],
        oil_cost_musd=parts["oil"], liquidation_mbd=(fill - release)[h:],
        liquidation_impact_usd_per_bbl=np.asarray(impact_usd_per_bbl)[h:])


class Session:
    """One built model in HiGHS (module docstring), in the size or general form.

    Parameters
    ----------
    data : the problem to build.
    form : "size" or "general" (:mod:`reserve.model`); default: size for a
        static market, general for a dynamic one.
    time_limit_s : HiGHS's time limit per solve [s]; None for none.
    """

    def __init__(self, data: ProblemData, form: str | None = None,
                 time_limit_s: float | None = None, premium_by: str = "cuts",
                 builder: str | None = None):
        if premium_by not in ("cuts", "hessian"):
            raise ValueError(f"premium_by = {premium_by!r}: cuts or hessian")
        self.premium_by = premium_by
        self.form = form or static_form(data)
        # the size form is written straight from numpy (reserve.sizeform, the
        # same LP as Pyomo's: a test holds them equal); the general form by Pyomo
        self.builder = builder or ("numpy" if self.form == "size" else "pyomo")
        if self.builder not in ("numpy", "pyomo") or (self.builder == "numpy"
                                                      and self.form != "size"):
            raise ValueError(f"builder = {self.builder!r} for the {self.form} form")
        self.timings = Timings()
        if self.builder == "numpy":
            net = self._build_numpy(data)
        else:
            net = self._build_pyomo(data)
        if time_limit_s is not None:
            self.highs.setOptionValue("time_limit", float(time_limit_s))
        self.time_limit_s = time_limit_s
        self.structure = structure(data, self.form)
        self.data = data
        self.cuts = (PremiumCuts(self.highs, net, data)
                     if data.quadratic and premium_by == "cuts" else None)
        self.n_columns = self.highs.getNumCol()
        self._written = slot_values(data, self.slots)
        for name in self.slots:   # the objective (costs, the premium's Hessian) and
            # row bounds, which Pyomo may have built clamped (model.net_band)
            if name.startswith(("cost:", "hessian:", "rows:")):
                self._write(name, self._written[name])
        self._objective = "least_cost"
        self._level = data.target_level

    def _build_numpy(self, data: ProblemData) -> np.ndarray | None:
        """The size form from numpy arrays; the premium's net-flow columns."""
        from .sizeform import size_form
        start = time.perf_counter()
        built = size_form(data)
        self.timings.build_s = time.perf_counter() - start
        start = time.perf_counter()
        self.highs = new_highs()
        self.highs.passModel(built.lp)
        self.timings.handoff_s = time.perf_counter() - start
        self.model = self.column = self.row = None
        self.slots, self.columns = built.slots, built.columns
        self.z_column = self.impact_columns = None
        return built.net

    def _build_pyomo(self, data: ProblemData) -> np.ndarray | None:
        """The Pyomo model, handed to HiGHS; the premium's net-flow columns."""
        from .model import build_model, slot_components, variable_groups
        start = time.perf_counter()
        self.model = m = build_model(data, self.form)
        self.timings.build_s = time.perf_counter() - start
        start = time.perf_counter()
        self.highs, column, row = hand_off(m)
        self.column, self.row = column, row
        self.timings.handoff_s = time.perf_counter() - start
        self.slots = {}
        for name, (kind, parts) in slot_components(m).items():
            if kind == "coef":
                index = (np.array([row(c) for c, _ in parts], dtype=np.int32),
                         np.array([column(v) for _, v in parts], dtype=np.int32))
            elif kind == "row_bounds":
                index = np.array([row(c) for c in parts], dtype=np.int32)
            else:
                index = np.array([column(v) for v in parts], dtype=np.int32)
            self.slots[name] = (kind, index)
        self.columns = {g: np.array([column(v) for v in vs], dtype=np.int32)
                        for g, vs in variable_groups(m).items()}
        self.z_column = column(m.window_level) if hasattr(m, "window_level") else None
        self.impact_columns = (np.array([column(m.impact_usd_per_bbl[t]) for t in m.T],
                                        dtype=np.int32) if data.dynamic else None)
        if "hessian:premium" not in self.slots:
            return None
        return self.slots["hessian:premium"][1]

    # -- changing numbers ---------------------------------------------------------------
    def load(self, data: ProblemData) -> None:
        """Move the model to ``data`` (same structure): write the numbers that differ."""
        if structure(data, self.form) != self.structure:
            raise ValueError("data of another structure: build a new Session")
        for name, value in slot_values(data, self.slots).items():
            if _same(self._written[name], value):
                continue
            self._written[name] = value
            if name.startswith("cost:") and self._objective != "least_cost":
                continue   # written when the least-cost objective comes back
            self._write(name, value)
        self.data = data
        self._level = data.target_level

    def _write(self, name: str, value) -> None:
        kind, index = self.slots[name]
        h = self.highs
        if kind == "col_cost":
            h.changeColsCost(len(index), index, np.asarray(value, float))
        elif kind == "col_bounds":
            lo, hi = (np.asarray(v, float) for v in value)
            h.changeColsBounds(len(index), index, lo, hi)
        elif kind == "row_bounds":
            lo, hi = (np.asarray(v, float) for v in value)
            h.changeRowsBounds(len(index), index, lo, hi)
        elif kind == "hessian" and self.cuts is not None:
            self.cuts.reweigh(np.asarray(value, float) / 2.0)   # Q's diagonal is 2w
        elif kind == "hessian":
            # a diagonal Hessian in HiGHS's triangular column format: one
            # entry in each listed column, none elsewhere
            order = np.argsort(index)
            columns, diagonal = index[order], np.asarray(value, float)[order]
            start = np.searchsorted(columns, np.arange(self.n_columns)).astype(np.int32)
            h.passHessian(self.n_columns, len(columns), highspy.HessianFormat.kTriangular,
                          start, columns.astype(np.int32), diagonal)
        else:
            rows, cols = index
            for r, c, v in zip(rows.tolist(), cols.tolist(), np.asarray(value, float).tolist()):
                h.changeCoeff(r, c, v)

    def write_slot(self, name: str, value) -> None:
        """Write one slot's value (a bound, a cost), remembered for :meth:`load`."""
        self._written[name] = value
        self._write(name, value)

    def pin_level(self, level: float) -> None:
        """Hold the window at impact ``level`` [USD/bbl]: z's bounds, or the net bands."""
        self._level = level
        if self.form == "general":
            if self.z_column is not None:
                self.write_slot("bounds:window_level", ([level], [level]))
        else:
            self.write_slot("rows:net_band", tuple(np.clip(b, -1e20, 1e20)
                                                   for b in net_flow_band(self.data, level)))

    def use_objective(self, which: str) -> None:
        """"least_cost" (minimize present cost) or "most_impact" (maximize z; LP only)."""
        if which == self._objective:
            return
        h = self.highs
        if which == "most_impact":
            if self.z_column is None or (self.data.quadratic and self.cuts is None):
                raise ValueError("most_impact needs the general form, and the quadratic "
                                 "part as cuts")
            costs = np.zeros(self.n_columns)
            costs[self.z_column] = 1.0
            h.changeColsCost(self.n_columns, np.arange(self.n_columns, dtype=np.int32), costs)
            h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        else:
            h.changeColsCost(self.n_columns, np.arange(self.n_columns, dtype=np.int32),
                             np.zeros(self.n_columns))
            for group in GROUPS:
                self._write(f"cost:{group}", self._written[f"cost:{group}"])
            if self.cuts is not None:
                h.changeColsCost(len(self.cuts.premium), self.cuts.premium,
                                 np.ones(len(self.cuts.premium)))
            h.changeObjectiveSense(highspy.ObjSense.kMinimize)
        self._objective = which

    # -- solving ---------------------------------------------------------------------------
    def run(self) -> str:
        """Solve; 'optimal', 'infeasible' or 'unbounded'.

        Raises SolverFailure for anything else (time limit, numerical trouble).
        """
        status = self._run_once()
        if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
            # presolve cannot tell which; simplex without it can
            self.highs.setOptionValue("presolve", "off")
            try:
                status = self._run_once()
            finally:
                self.highs.setOptionValue("presolve", "choose")
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal"
        if status in (highspy.HighsModelStatus.kInfeasible,
                      highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return "infeasible"
        if status == highspy.HighsModelStatus.kUnbounded:
            return "unbounded"
        if status == highspy.HighsModelStatus.kTimeLimit:
            raise SolverFailure(f"HiGHS hit its time limit of {self.time_limit_s} s "
                                "before proving an answer; raise --time-limit or use a "
                                "coarser time_step_days")
        raise SolverFailure(f"HiGHS stopped without an answer "
                            f"({self.highs.modelStatusToString(status)})")

    def _run_once(self):
        start = time.perf_counter()
        before = self.highs.getRunTime()
        solve_interruptibly(self.highs)
        self.timings.highs_s += self.highs.getRunTime() - before
        self.timings.solve_call_s += time.perf_counter() - start
        self.timings.solves += 1
        return self.highs.getModelStatus()

    def least_cost(self, level: float | None = None) -> bool:
        """Minimize cost with the window at impact ``level`` (default: the target);
        True if feasible."""
        self.use_objective("least_cost")
        self.pin_level(self.data.target_level if level is None else level)
        if self.cuts is not None:
            return self.cuts.solve(self.run) == "optimal"
        return self.run() == "optimal"

    def most_impact(self, cap: float) -> float:
        """The largest window level z [USD/bbl] reachable, at most ``cap`` (general form)."""
        self.use_objective("most_impact")
        self.write_slot("bounds:window_level", ([0.0], [cap]))
        status = self.run()
        if status != "optimal":
            raise SolverFailure(f"finding the largest reachable impact gave {status}")
        return float(self.highs.getSolution().col_value[self.z_column])

    # -- reading the solution ----------------------------------------------------------
    def values(self) -> dict[str, np.ndarray]:
        """Variable values by group (model.variable_groups) of the last solve."""
        x = np.asarray(self.highs.getSolution().col_value)
        return {g: x[idx] for g, idx in self.columns.items()}

    def total_cost_musd(self) -> float:
        """The last solve's present cost [musd], as reported (the solution's
        total_cost_musd, without building the whole solution)."""
        return total_cost_musd(self.data, self.values())

    def solution(self) -> Solution:
        """The last solve's values, priced with :func:`price_solution`."""
        impact = None
        if self.impact_columns is not None:
            impact = np.asarray(self.highs.getSolution().col_value)[self.impact_columns]
        level = self._level
        if self._objective == "most_impact":
            level = float(self.highs.getSolution().col_value[self.z_column])
        return solution_from_values(self.data, self.values(), level, impact)


def _same(a, b) -> bool:
    if isinstance(a, tuple):
        return all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a, b))
    return np.array_equal(np.asarray(a), np.asarray(b))


def total_cost_musd(data: ProblemData, values: dict[str, np.ndarray]) -> float:
    """Present cost [musd] of variable values, as reported (no tie-break)."""
    return sum(price_solution(data, values).values())




def solve_interruptibly(highs: highspy.Highs) -> None:
    """Run HiGHS in its own thread and wait for it in ours, so that Ctrl-C (or
    SIGTERM, which the command line raises as an interrupt) reaches Python at
    once: HiGHS is asked to stop at its next check and the interrupt goes on."""
    highs.startSolve()
    try:
        while not highs.wait(0.05)[0]:
            pass
    except KeyboardInterrupt:
        highs.cancelSolve()
        while not highs.wait(0.05)[0]:
            pass
        raise


class PremiumCuts:
    r"""The own-price premium as an LP: tangent cuts added where the solution lands.

    The premium :math:`\sum_t w_t n_t^2` (:math:`n_t = f_t - r_t`, the QP's
    only curved term) is replaced by variables :math:`p_t` at cost 1 with
    cuts :math:`p_t \ge w_t (2 a n_t - a^2)`, the tangents of :math:`w_t n^2`
    at points :math:`a`. Each round solves the LP (warm, dual simplex), which
    gives a lower bound; the same schedule priced with the true premium is an
    upper bound; a tangent is added at :math:`n_t` wherever the two differ,
    until they agree to :data:`GAP` of the objective. A convex QP solved
    exactly by an LP solver, which warm starts where HiGHS's QP solver does
    not: measured 3 to 200 times faster than it on this project's QPs, to
    the same objective within 1e-8 (Kelley's cutting-plane method: Kelley,
    J. E. (1960), "The cutting-plane method for solving convex programs",
    *Journal of the SIAM* 8(4), 703-712).

    Where the LP is unbounded (a gain or arbitrage the premium alone curbs),
    tangents at ever larger flows are added until it is not.
    """

    #: Relative gap between the bounds at which the premium counts as exact,
    #: and the gap accepted once the rounds stall on the LP's tolerance.
    GAP = 1e-8
    STALL_GAP = 1e-6
    ROUNDS_MAX = 200

    def __init__(self, highs: highspy.Highs, net: np.ndarray, data: ProblemData):
        self.highs = highs
        self.net = np.asarray(net, dtype=np.int32)   # the columns of n_t
        n = len(self.net)
        first = highs.getNumCol()
        highs.addVars(n, np.zeros(n), np.full(n, highspy.kHighsInf))
        self.premium = np.arange(first, first + n, dtype=np.int32)
        highs.changeColsCost(n, self.premium, np.ones(n))
        self.first_cut_row = highs.getNumRow()
        self.weight = data.quadratic_weights()
        self.rounds = 0
        self._seed()

    def reweigh(self, weight: np.ndarray) -> None:
        """New premium weights (new data): the old tangents no longer hold."""
        if np.array_equal(weight, self.weight):
            return
        self.weight = weight
        self.reset()

    def reset(self) -> None:
        """Drop every tangent but the first ones (at 0 and +-1 mb/d)."""
        extra = self.highs.getNumRow() - self.first_cut_row
        if extra:
            self.highs.deleteRows(extra, np.arange(self.first_cut_row, self.first_cut_row + extra,
                                                   dtype=np.int32))
        self._seed()

    def add_tangents(self, points: np.ndarray) -> None:
        """Tangents at each of ``points`` [mb/d] on every quadratic column (an outer
        approximation fixed in advance, for a model solved once, such as a MILP)."""
        n = len(self.net)
        for a in points:
            self._add(np.full(n, float(a)), np.ones(n, bool))

    def _seed(self) -> None:
        """Tangents at 0 (p >= 0) and at +-1 mb/d in every period."""
        n = len(self.net)
        for a in (0.0, 1.0, -1.0):
            self._add(np.full(n, a), np.ones(n, bool))

    def _add(self, at: np.ndarray, where: np.ndarray) -> int:
        idx = np.flatnonzero(where)
        k = len(idx)
        if k:
            w, a = self.weight[idx], at[idx]
            starts = np.arange(0, 2 * k, 2, dtype=np.int32)
            cols = np.column_stack([self.premium[idx], self.net[idx]]).ravel().astype(np.int32)
            vals = np.column_stack([np.ones(k), -2.0 * w * a]).ravel()
            self.highs.addRows(k, -w * a * a, np.full(k, highspy.kHighsInf), 2 * k, starts,
                               cols, vals)
        return k

    def solve(self, run) -> str:
        """Rounds of ``run()`` (the session's solve) and new tangents, to GAP.

        The LP's own feasibility tolerance lets a cut be missed by about
        1e-7; where the rounds stall on that floor with the bounds within
        STALL_GAP, the answer is taken (its premium is then exact to that).
        """
        n = len(self.net)
        reach = 1.0
        best, stale = math.inf, 0
        # a cut row may be missed by HiGHS's feasibility tolerance, no closer
        _, tolerance = self.highs.getOptionValue("primal_feasibility_tolerance")
        self.floor = 10.0 * tolerance
        for _ in range(self.ROUNDS_MAX):
            status = run()
            self.rounds += 1
            if status == "unbounded":   # tangents further out curb it
                reach *= 4.0
                self._add(np.full(n, reach), np.ones(n, bool))
                self._add(np.full(n, -reach), np.ones(n, bool))
                continue
            if status != "optimal":
                return status
            x = np.asarray(self.highs.getSolution().col_value)
            net, paid = x[self.net], x[self.premium]
            owed = self.weight * net * net
            short = owed - paid                               # what the tangents miss
            lower = self.highs.getInfo().objective_function_value
            upper = lower + float(short.sum())
            scale = max(1.0, abs(upper), float(owed.sum()))
            gap = upper - lower
            if gap <= self.GAP * scale or short.max() <= self.floor:
                return "optimal"   # exact, or every tangent met to the LP's tolerance
            stale = 0 if gap < 0.5 * best else stale + 1
            best = min(best, gap)
            if stale >= 3 and gap <= self.STALL_GAP * scale:
                return "optimal"
            if not self._add(net, short > self.GAP * scale / n):
                if gap <= self.STALL_GAP * scale:
                    return "optimal"
                break
        raise SolverFailure(f"the own-price premium did not converge in {self.rounds} "
                            "rounds of tangent cuts")


class SessionCache:
    """Sessions kept by model structure, so a data set of a known structure
    re-solves warm in a model already built (a diagnosis lifting one limit
    after another, a batch alternating hold times).

    Parameters
    ----------
    time_limit_s : HiGHS's time limit per solve for the sessions it builds.
    kept : how many sessions to keep; the least recently used goes first.
    """

    def __init__(self, time_limit_s: float | None = None, kept: int = 8):
        self.time_limit_s = time_limit_s
        self.kept = kept
        self.builds = 0
        self._sessions: dict[tuple, Session] = {}
        self._timings = Timings()

    def session(self, data: ProblemData, form: str | None = None) -> Session:
        """A session holding ``data``: a kept one moved to it, or a new build."""
        key = structure(data, form)
        session = self._sessions.pop(key, None)
        if session is None:
            session = Session(data, form, self.time_limit_s)
            self.builds += 1
        else:
            session.load(data)
        self._sessions[key] = session   # the most recently used is last
        while len(self._sessions) > self.kept:
            oldest = next(iter(self._sessions))
            self._timings.add(self._sessions.pop(oldest).timings)
        return session

    @property
    def timings(self) -> Timings:
        """Time spent by every session built so far."""
        total = Timings()
        total.add(self._timings)
        for session in self._sessions.values():
            total.add(session.timings)
        return total

"""A built model in HiGHS, re-solved warm with numbers changed in place.

The model (:mod:`reserve.formulation`) is handed to HiGHS once, as numpy
arrays. From then on a :class:`Session` talks to HiGHS directly: for new data
(a new target, floor, elasticity or cost) the model is formulated again,
numpy only, and compared with what HiGHS holds; only the numbers that differ
(bounds, costs, coefficients, the premium's weights) are written, and HiGHS
re-solves warm from its last basis. Where the sparsity differs (another
horizon, another window, another option list) a new model is built instead:
:class:`reserve.session_cache.SessionCache` keeps the models by their
sparsity pattern. This is
what makes marginal costs, diagnoses, bisections and sweeps cheap: HiGHS's
own warm re-solve is the floor, and nothing else is in the loop.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import highspy
import numpy as np

from . import conic, lease_grid
from .cuts import PremiumCuts
from .errors import SolverFailure
from .formulation import Form, formulate, static_form
from .highslp import col_values, new_highs, solve_interruptibly, write_empty_ranges
from .market_equations import CURVE_TOLERANCE_MBD, curve_gap_mbd, net_band_bounds
from .problem import ProblemData
from .reformulate import reformulate
from .solution import Solution, Timings, solution_from_values, total_cost_musd

#: Re-draws of the isoelastic curve's tangent one solve may take (Newton's method
#: needs a handful).
CURVE_MOVES_MAX = 50

#: Seconds a simplex solve of a market with holders may take before it starts
#: again with another scaling; their healthy solves take a few seconds at most.
STALL_S = 10.0

__all__ = ["Session", "Solution", "Timings", "solve_interruptibly"]


class Session:
    """One built model in HiGHS (module docstring), in the size or general form.

    Parameters
    ----------
    data : the problem to build.
    form : "size" or "general" (:mod:`reserve.formulation`); default: size for
        a static market, general for a dynamic one.
    time_limit_s : HiGHS's time limit per solve [s]; None for none.
    premium_by : the own-price premium's least-cost solves by "conic" (Clarabel's
        interior point, :mod:`reserve.conic`, where eligible; tangent cuts
        kept in HiGHS for the rest), by tangent "cuts" only (an LP, warm), or
        as HiGHS's "hessian" (its QP solver).
    built : ``formulate(data, form)``, when the caller has it already.
    """

    def __init__(self, data: ProblemData, form: str | None = None,
                 time_limit_s: float | None = None, premium_by: str = "conic",
                 built: Form | None = None):
        if premium_by not in ("conic", "cuts", "hessian"):
            raise ValueError(f"premium_by = {premium_by!r}: conic, cuts or hessian")
        self.premium_by = premium_by
        self.form = form or static_form(data)
        self.timings = Timings()
        start = time.perf_counter()
        self.built = built = built or formulate(data, self.form)
        self.timings.build_s = time.perf_counter() - start
        start = time.perf_counter()
        self.highs = new_highs()
        lp = built.lp()
        lp.offset_ = 0.0   # HiGHS minimizes the costs; the constant is added when priced
        self.highs.passModel(lp)
        self.timings.handoff_s = time.perf_counter() - start
        write_empty_ranges(self.highs, (built.row_lower, built.row_upper),
                           (built.col_lower, built.col_upper))
        # simplex can stall on an LP of a market with holders (an infeasible
        # band on a long price path: minutes, where another scaling takes 1 s)
        self._stall_s = STALL_S if data.private.on and not built.integer.any() else None
        self.time_limit_s = time_limit_s
        self.data = data
        self.columns = {g: built.columns[g] for g in built.columns.index}
        self.n_columns = built.n_cols
        self.cuts = (PremiumCuts(self.highs, built.quadratic, data)
                     if data.quadratic and premium_by != "hessian" else None)
        #: the last solve's values once read: Clarabel's when it solved the
        #: least-cost QP, else HiGHS's (None until read)
        self._x: np.ndarray | None = None
        #: which solver gave the last answer: "highs", or "clarabel" (reserve.conic)
        self.solver = "highs"
        if data.quadratic and self.cuts is None:
            self._pass_hessian(built.weights)
        self._objective = "least_cost"
        self._level = data.target_level
        #: the level whose bounds HiGHS holds (None: unknown, most_impact's)
        self._pinned: float | None = data.target_level
        self._pending: float | None = None   # a level to write before the next run
        self._time_limit = None        # the time_limit option last written to HiGHS
        self._cold = True              # no run yet: HiGHS holds no basis

    # -- changing numbers ---------------------------------------------------------------
    def load(self, data: ProblemData, built: Form | None = None) -> None:
        """Move the model to ``data`` (same pattern): write the numbers that differ."""
        new = built or reformulate(self.built, data)
        old = self.built
        if new.pattern != old.pattern:
            raise ValueError("data of another sparsity pattern: build a new Session")
        h = self.highs
        if self._objective == "least_cost" and new.cost is not old.cost:
            self._write_costs(old.cost, new.cost)   # (the same array: the objective kept)
        for lo, hi, write in (("col_lower", "col_upper", h.changeColsBounds),
                              ("row_lower", "row_upper", h.changeRowsBounds)):
            changed = np.flatnonzero((getattr(old, lo) != getattr(new, lo))
                                     | (getattr(old, hi) != getattr(new, hi))).astype(np.int32)
            if changed.size:
                write(changed.size, changed, getattr(new, lo)[changed], getattr(new, hi)[changed])
        changed = np.flatnonzero(old.vals != new.vals)
        for r, c, v in zip(new.rows[changed].tolist(), new.cols[changed].tolist(),
                           new.vals[changed].tolist(), strict=True):
            h.changeCoeff(r, c, v)
        if not np.array_equal(old.weights, new.weights):
            if self.cuts is not None:
                self.cuts.reweigh(new.weights)
            else:
                self._pass_hessian(new.weights)
        self.built = new
        self.data = data
        self._level = self._pinned = data.target_level
        self._pending = None

    def _write_costs(self, old: np.ndarray | None, new: np.ndarray) -> None:
        changed = (np.arange(new.size, dtype=np.int32) if old is None
                   else np.flatnonzero(old != new).astype(np.int32))
        if changed.size:
            self.highs.changeColsCost(changed.size, changed, new[changed])

    def _pass_hessian(self, weights: np.ndarray) -> None:
        """The premium as HiGHS's Hessian: the diagonal 2w (HiGHS minimizes
        c'x + x'Qx/2), one entry in each quadratic column, in triangular column format."""
        index = self.built.quadratic
        order = np.argsort(index)
        cols, diagonal = index[order], 2.0 * np.asarray(weights, float)[order]
        start = np.searchsorted(cols, np.arange(self.n_columns)).astype(np.int32)
        self.highs.passHessian(self.n_columns, len(cols), highspy.HessianFormat.kTriangular,
                               start, cols.astype(np.int32), diagonal)

    def _write_bounds(self, kind: str, index: np.ndarray, lo, hi) -> None:
        """Write bounds, and keep them as the model's, so a later load compares with them."""
        index = np.asarray(index, np.int32)
        lo, hi = np.asarray(lo, float), np.asarray(hi, float)
        if kind == "col":
            self.highs.changeColsBounds(index.size, index, lo, hi)
            self.built.col_lower[index], self.built.col_upper[index] = lo, hi
        else:
            self.highs.changeRowsBounds(index.size, index, lo, hi)
            self.built.row_lower[index], self.built.row_upper[index] = lo, hi

    def pin_level(self, level: float, by_next_run: bool = False) -> None:
        """Hold the window at impact ``level`` [USD/bbl]: z's bounds, or the net bands.

        They are written only when HiGHS holds another level (a sweep point
        pins its target after loading a model built at it). ``by_next_run``
        writes them before the next run instead, and not at all if new data
        is loaded first: the marginal cost puts its target back that way,
        and the next sweep point's data replaces it unwritten.
        """
        self._level = level
        self._pending = level if by_next_run else None
        if by_next_run or level == self._pinned:
            return
        self._pinned = level
        if self.form == "general":
            if "window_level" in self.columns:
                self._write_bounds("col", self.columns["window_level"], [level], [level])
        else:
            lower, upper = net_band_bounds(self.data, level)
            self._write_bounds("row", self.built.rows_of("net_band"), lower, upper)

    def use_objective(self, which: str) -> None:
        """"least_cost" (minimize present cost) or "most_impact" (maximize z; LP only)."""
        if which == self._objective:
            return
        h = self.highs
        if which == "most_impact":
            if "window_level" not in self.columns or (self.data.quadratic and self.cuts is None):
                raise ValueError("most_impact needs the general form, and the quadratic "
                                 "part as cuts")
            costs = np.zeros(self.n_columns)
            costs[self.columns["window_level"]] = 1.0
            self._write_costs(None, costs)
            if self.cuts is not None:
                h.changeColsCost(len(self.cuts.premium), self.cuts.premium,
                                 np.zeros(len(self.cuts.premium)))
            h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        else:
            self._write_costs(None, self.built.cost)
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
        status = self._run_status()
        moves = 0
        while status == highspy.HighsModelStatus.kOptimal and self._redraw_tangent():
            moves += 1
            if moves > CURVE_MOVES_MAX:
                raise SolverFailure(f"the isoelastic curve and its tangent still differ after "
                                    f"{CURVE_MOVES_MAX} re-draws; use price_model = linear")
            status = self._run_status()
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal"
        if status in (highspy.HighsModelStatus.kInfeasible,
                      highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return "infeasible"
        if status == highspy.HighsModelStatus.kUnbounded:
            return "unbounded"
        if status == highspy.HighsModelStatus.kTimeLimit and self.time_limit_s is None:
            raise SolverFailure(f"HiGHS stalled on this model (simplex, rescaled simplex "
                                f"and the interior point method, {STALL_S:g} s each); "
                                "a coarser time_step_days or a shorter hold_days answers")
        if status == highspy.HighsModelStatus.kTimeLimit:
            raise SolverFailure(f"HiGHS hit its time limit of {self.time_limit_s} s "
                                "before proving an answer; raise --time-limit or use a "
                                "coarser time_step_days")
        raise SolverFailure(f"HiGHS stopped without an answer "
                            f"({self.highs.modelStatusToString(status)})")

    def _run_status(self):
        """One solve, and HiGHS's status (told apart when presolve cannot)."""
        stall = self._stall_s
        if stall is not None and self.time_limit_s is not None and self.time_limit_s <= stall:
            stall = None
        status = self._first_run(stall) if self._cold else self._run_once(stall)
        if stall is not None and status == highspy.HighsModelStatus.kTimeLimit:
            status = self._unstall()
        if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
            # presolve cannot tell which; simplex without it can
            self.highs.setOptionValue("presolve", "off")
            try:
                status = self._run_once()
            finally:
                self.highs.setOptionValue("presolve", "choose")
        return status

    def _unstall(self):
        """A stalled simplex solve (``_stall_s``) again, cold: with scaling strategy 4
        (which solved the stalled bands measured in 1 s), then with the interior
        point method; the first that ends within the stall limit answers."""
        h = self.highs
        default = h.getOptionValue("simplex_scale_strategy")[1]
        status = h.getModelStatus()
        for option, value, back in (("simplex_scale_strategy", 4, default),
                                    ("solver", "ipm", "choose")):
            h.clearSolver()
            h.setOptionValue(option, value)
            try:
                status = self._run_once(self._stall_s)
            finally:
                h.setOptionValue(option, back)
            if status != highspy.HighsModelStatus.kTimeLimit:
                return status
        return status

    def _redraw_tangent(self) -> bool:
        """The isoelastic market: if the last answer's impacts leave the curve more
        than CURVE_TOLERANCE_MBD from the clearing row's tangent, re-draw the
        tangent there (the clearing rows' coefficients and bounds only) and say so."""
        d = self.data
        if not d.follows_curve or self.form != "general":   # the size form maps the curve exactly
            return False
        impact = self._primal()[self.columns["impact_usd_per_bbl"]]
        if curve_gap_mbd(d, impact) <= CURVE_TOLERANCE_MBD:
            return False
        # a tangent stays where the curve is defined: above a zero price
        floor = -0.95 * d.baseline_price_usd_per_bbl
        data = replace(d, curve_point_usd_per_bbl=np.maximum(impact, floor))
        new, old = formulate(data, self.form), self.built
        rows = old.rows_of("market_response")
        entries = np.flatnonzero(np.isin(old.rows, rows) & (old.vals != new.vals))
        for e in entries.tolist():
            self.highs.changeCoeff(int(old.rows[e]), int(old.cols[e]), float(new.vals[e]))
        old.vals[entries] = new.vals[entries]
        self._write_bounds("row", rows, new.row_lower[rows], new.row_upper[rows])
        self.data = data
        return True

    def _first_run(self, limit_s: float | None):
        """The model's first run: a leased LP's least cost by contract starts on
        a grid, priced out (:mod:`reserve.lease_grid`); anything else as it stands."""
        limit_s = self.time_limit_s if limit_s is None else limit_s
        status = None
        if self._objective == "least_cost" and lease_grid.eligible(self.data, self.built):
            starts = self.columns["contract_mb"]
            status = lease_grid.solve_on_grid(
                self.highs, self._run_once, limit_s, starts, self.built.col_lower[starts],
                self.built.col_upper[starts], self.data.lease_term_periods)
        return self._run_once(limit_s) if status is None else status

    def _run_once(self, limit_s: float | None = None):
        """One HiGHS run within ``limit_s``, else the session's own time limit (HiGHS
        counts its limit from its first run, so each run's is written afresh)."""
        if self._pending is not None:
            self.pin_level(self._pending)
        start = time.perf_counter()
        before = self.highs.getRunTime()
        limit_s = self.time_limit_s if limit_s is None else limit_s
        limit = math.inf if limit_s is None else before + float(limit_s)
        if limit != self._time_limit:    # written only when it changes: a sweep's runs
            self.highs.setOptionValue("time_limit", limit)
            self._time_limit = limit
        self._x = None      # HiGHS's answer is the session's from here, unread
        self._cold = False
        self.solver = "highs"
        solve_interruptibly(self.highs)
        self.timings.highs_s += self.highs.getRunTime() - before
        self.timings.solve_call_s += time.perf_counter() - start
        self.timings.solves += 1
        return self.highs.getModelStatus()

    def least_cost(self, level: float | None = None) -> bool:
        """Minimize cost with the window at impact ``level`` (default: the target);
        True if feasible."""
        level = self.data.target_level if level is None else level
        if self._least_cost(level):
            return True
        # The isoelastic curve: its tangent asks more oil for a rise than the curve
        # does, so a tangent drawn far from the answer can refuse a level the
        # curve reaches. Draw it at the curve's own reach, then ask again.
        d = self.data
        if not (d.follows_curve and self.form == "general" and "window_level" in self.columns
                and (self.cuts is not None or not d.quadratic)):
            return False
        try:
            reach = self.most_impact(level)
        except SolverFailure:
            return False
        return reach >= level * (1 - 1e-9) and self._least_cost(level)

    def _least_cost(self, level: float) -> bool:
        self.use_objective("least_cost")
        self.pin_level(level)
        if self.premium_by == "conic" and conic.eligible(self.data, self.built):
            status = self._conic()
            if status == "optimal":
                return True
            if status == "infeasible" and self.run() == "infeasible":
                return False      # HiGHS confirms it: the rows admit no schedule
        if self.cuts is not None:
            return self.cuts.solve(self.run) == "optimal"
        return self.run() == "optimal"

    def _conic(self) -> str:
        """The least-cost QP by Clarabel (:mod:`reserve.conic`), timed as a solve."""
        start = time.perf_counter()
        status, x = conic.solve_qp(self.built, self.time_limit_s)
        if x is not None:
            x = conic.net_washes(x, self.columns["fill_mbd"], self.columns["release_mbd"],
                                 self.built.cost)
        seconds = time.perf_counter() - start
        self.timings.highs_s += seconds      # the solver's time, whichever solver
        self.timings.solve_call_s += seconds
        self.timings.solves += 1
        if x is not None:
            x.flags.writeable = False
        self._x = x
        self.solver = "clarabel" if x is not None else "highs"
        return status

    def _primal(self) -> np.ndarray:
        """The last solve's values of every column: Clarabel's or HiGHS's."""
        if self._x is None:
            self._x = col_values(self.highs)
            self._x.flags.writeable = False     # read by views (values): never changed
        return self._x

    def most_impact(self, cap: float) -> float:
        """The largest window level z [USD/bbl] reachable, at most ``cap`` (general form)."""
        self.use_objective("most_impact")
        self._pinned = self._pending = None
        self._write_bounds("col", self.columns["window_level"], [0.0], [cap])
        status = self.run()
        if status != "optimal":
            raise SolverFailure(f"finding the largest reachable impact gave {status}")
        return float(self._primal()[self.columns["window_level"][0]])

    # -- reading the solution ----------------------------------------------------------
    def values(self) -> dict[str, np.ndarray]:
        """Variable values by group (model.variable_groups) of the last solve."""
        x = self._primal()      # each group's columns are consecutive: views, not copies
        return {g: x[idx[0]:idx[-1] + 1] if idx.size else x[idx]
                for g, idx in self.columns.items()}

    def total_cost_musd(self) -> float:
        """The last solve's present cost [musd], as reported (the solution's
        total_cost_musd, without building the whole solution)."""
        return total_cost_musd(self.data, self.values())

    def solution(self) -> Solution:
        """The last solve's values, priced with :func:`price_solution`."""
        impact = None
        x = self._primal()
        if "impact_usd_per_bbl" in self.columns:
            impact = x[self.columns["impact_usd_per_bbl"]]
        level = self._level
        if self._objective == "most_impact":
            level = float(x[self.columns["window_level"][0]])
        return solution_from_values(self.data, self.values(), level, impact)

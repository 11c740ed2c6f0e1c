"""Solving with HiGHS: size mode, impact mode, marginal cost and the diagnosis.

HiGHS is driven through Pyomo's persistent interface
(``pyomo.contrib.solver`` 'highs', see ../shared/PYOMO-HIGHS.md): the model
is handed over once and re-solved warm when only the window level or the
objective changes (marginal cost, impact mode's second stage). The
termination condition is read before any solution is loaded and mapped to the
exit codes of DESIGN.md section 3.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import TerminationCondition

from . import market
from .errors import InputError, SolverFailure, TargetUnreachable
from .model import (COST_PARTS, build_model, cost_vectors, set_constant_bounds,
                    variable_groups)
from .problem import ProblemData, build_problem
from .scenario import TARGET, Scenario, StorageOption, check_initial_inventory_fits

MARGINAL_STEP_USD_PER_BBL = 0.1
#: HiGHS options: quiet, deterministic, tight MIP gap so MILP answers are exact.
HIGHS_OPTIONS = {"log_to_console": False, "output_flag": False, "mip_rel_gap": 1e-7,
                 "threads": 1}


@dataclass
class Solution:
    """Values of one solved model (units in names; arrays one value a period)."""

    fill_mbd: np.ndarray
    release_mbd: np.ndarray
    inventory_mb: np.ndarray
    capacity_mb: np.ndarray          # per storage option, existing + new
    fill_capacity_mbd: float
    release_capacity_mbd: float
    window_level: float
    impact_usd_per_bbl: np.ndarray   # price impact dp_t of each period
    capital_cost_musd: float
    operating_cost_musd: float
    oil_cost_musd: float

    @property
    def total_cost_musd(self) -> float:
        return self.capital_cost_musd + self.operating_cost_musd + self.oil_cost_musd


@dataclass
class Timings:
    """Seconds spent, for the benchmarks: Pyomo build, hand-off, HiGHS itself."""

    build_s: float = 0.0
    solve_call_s: float = 0.0   # whole Pyomo solve() calls
    highs_s: float = 0.0        # HiGHS's own run time within them
    solves: int = 0

    @property
    def handoff_s(self) -> float:
        return self.solve_call_s - self.highs_s


class Session:
    """One built model and its persistent HiGHS instance.

    Re-solving after changing the window level or the objective re-uses the
    model and HiGHS's basis instead of rebuilding.
    """

    def __init__(self, data: ProblemData, time_limit_s: float | None = None,
                 fixed_level: bool = False):
        self.data = data
        self.timings = Timings()
        start = time.perf_counter()
        self.model = build_model(data, fixed_level)
        self.timings.build_s = time.perf_counter() - start
        self.solver = SolverFactory("highs")
        self.time_limit_s = time_limit_s
        self._highs_before = 0.0

    def _run(self, presolve: str = "choose") -> TerminationCondition:
        options = dict(HIGHS_OPTIONS, presolve=presolve)
        start = time.perf_counter()
        results = self.solver.solve(self.model, load_solutions=False,
                                    raise_exception_on_nonoptimal_result=False,
                                    time_limit=self.time_limit_s, solver_options=options)
        self.timings.solve_call_s += time.perf_counter() - start
        highs_total = results.timing_info.highs_time  # accumulates on one Highs object
        self.timings.highs_s += highs_total - self._highs_before
        self._highs_before = highs_total
        self.timings.solves += 1
        self._results = results
        return results.termination_condition

    def solve(self) -> str:
        """Solve the active objective; 'optimal', 'infeasible' or 'unbounded'.

        Raises SolverFailure for anything else (time limit, numerical error).
        """
        tc = self._run()
        if tc == TerminationCondition.infeasibleOrUnbounded:
            tc = self._run(presolve="off")  # presolve cannot tell which; simplex can
        if tc == TerminationCondition.convergenceCriteriaSatisfied:
            try:
                self._results.solution_loader.load_vars()
            except (IndexError, RuntimeError, ValueError) as err:
                raise SolverFailure(f"HiGHS reported optimal but gave no usable solution "
                                    f"({type(err).__name__}); the inputs may be badly scaled") from None
            return "optimal"
        if tc == TerminationCondition.provenInfeasible:
            return "infeasible"
        if tc == TerminationCondition.unbounded:
            return "unbounded"
        if tc == TerminationCondition.maxTimeLimit:
            raise SolverFailure(f"HiGHS hit its time limit of {self.time_limit_s} s "
                                "before proving an answer; raise --time-limit or use a "
                                "coarser time_step_days")
        raise SolverFailure(f"HiGHS stopped without an answer ({tc.name})")

    def least_cost(self, level: float) -> bool:
        """Minimize cost with the window level fixed at ``level``; True if feasible."""
        m = self.model
        # z is pinned by its bounds, never fixed: fixing a variable makes the
        # persistent interface remove and re-add every row it appears in.
        m.window_level.setlb(level)
        m.window_level.setub(level)
        m.most_impact.deactivate()
        m.least_cost.activate()
        return self.solve() == "optimal"

    def most_impact(self, level_cap: float) -> float:
        """The largest window level reachable, at most ``level_cap``."""
        m = self.model
        m.window_level.setlb(0.0)
        m.window_level.setub(level_cap)
        m.least_cost.deactivate()
        m.most_impact.activate()
        status = self.solve()
        if status != "optimal":
            raise SolverFailure(f"finding the largest reachable impact gave {status}")
        return float(pyo.value(m.window_level))

    def best_band(self, name: str, asked: float) -> float:
        """The highest floor (or lowest ceiling) reachable, at most (least) ``asked``.

        The band is a variable pinned by its bounds; here one bound is
        released and the band itself optimized.
        """
        m = self.model
        var = getattr(m, name)
        if name == "floor_usd_per_bbl":
            var.setlb(None), var.setub(asked)
            sense = pyo.maximize
        else:
            var.setlb(asked), var.setub(None)
            sense = pyo.minimize
        m.least_cost.deactivate()
        m.most_impact.deactivate()
        if hasattr(m, "best_band_objective"):
            m.del_component(m.best_band_objective)
        m.best_band_objective = pyo.Objective(expr=var, sense=sense)
        status = self.solve()
        m.best_band_objective.deactivate()
        m.least_cost.activate()
        if status != "optimal":
            raise SolverFailure(f"finding the best reachable {name} gave {status}")
        return float(pyo.value(var))

    def pin(self, name: str, value: float) -> None:
        """Pin a band variable (floor_usd_per_bbl, ceiling_usd_per_bbl) at ``value``."""
        var = getattr(self.model, name)
        var.setlb(value)
        var.setub(value)

    def solution(self) -> Solution:
        """The solution loaded in the model, priced with :func:`price_solution`."""
        m = self.model
        values = {group: np.array([v.value or 0.0 for v in variables])
                  for group, variables in variable_groups(m).items()}
        impact = (np.array([m.impact_usd_per_bbl[t].value for t in m.T]) if self.data.dynamic
                  else None)
        window_level = (m.window_level.value if m.window_level.value is not None
                        else m.window_level.lb)
        return solution_from_values(self.data, values, float(window_level), impact)


def _clean(a: np.ndarray) -> np.ndarray:
    return np.where(np.abs(a) < 1e-9, 0.0, a)  # solver noise


def price_solution(data: ProblemData, values: dict[str, np.ndarray]) -> dict[str, float]:
    """Capital, operating and oil cost [musd] of variable values by group.

    Uses the same cost table the objective was built from (model.cost_vectors);
    the own-price premium is added to the oil cost.
    """
    costs, constants = cost_vectors(data)
    parts = {}
    for part in COST_PARTS:
        parts[part] = constants.get(part, 0.0) + sum(
            float(np.dot(vector, values[group])) for group, vector in costs[part].items())
    if data.premium_musd_per_mbd2 is not None:
        net = values["fill_mbd"] - values["release_mbd"]
        parts["oil"] += float(np.dot(data.premium_musd_per_mbd2, net ** 2))
    return parts


def solution_from_values(data: ProblemData, values: dict[str, np.ndarray], window_level: float,
                         impact_usd_per_bbl: np.ndarray | None = None) -> Solution:
    """A :class:`Solution` from variable values by group (from Pyomo or HiGHS directly)."""
    fill, release = _clean(values["fill_mbd"]), _clean(values["release_mbd"])
    existing = np.array([o.existing_mb for o in data.options])
    if impact_usd_per_bbl is None:
        impact_usd_per_bbl = data.impact_usd_per_bbl(fill - release)
    parts = price_solution(data, values)
    return Solution(
        fill_mbd=fill, release_mbd=release, impact_usd_per_bbl=impact_usd_per_bbl,
        inventory_mb=_clean(values["inventory_mb"]),
        capacity_mb=_clean(existing + values["new_capacity_mb"]),
        fill_capacity_mbd=float(_clean(values["fill_capacity_mbd"])[0]),
        release_capacity_mbd=float(_clean(values["release_capacity_mbd"])[0]),
        window_level=window_level,
        capital_cost_musd=parts["capital"], operating_cost_musd=parts["operating"],
        oil_cost_musd=parts["oil"])


@dataclass
class Answer:
    """What a size or impact run found."""

    mode: str                         # "size" or "impact"
    scenario: Scenario
    data: ProblemData
    solution: Solution
    target_impact_usd_per_bbl: float  # signed; the max impact in impact mode
    marginal_cost_musd_per_usd: float
    timings: Timings = field(default_factory=Timings)


# -- size mode -------------------------------------------------------------------

def size(scenario: Scenario, baseline_price_usd_per_bbl=None,
         time_limit_s: float | None = None, progress=None, diagnose: bool = True) -> Answer:
    """Least-cost reserve that holds the scenario's target over its window.

    Raises TargetUnreachable (with a diagnosis) when no reserve within the
    scenario's limits can; ``progress(done, total, what)`` is called as the
    diagnosis re-solves, for a progress bar. ``diagnose=False`` skips the
    diagnosis (sweeps report such a point as infeasible).
    """
    check_initial_inventory_fits(scenario)
    _check_price_path(scenario, baseline_price_usd_per_bbl)
    data = build_problem(scenario, baseline_price_usd_per_bbl)
    session = Session(data, time_limit_s)
    if not session.least_cost(data.target_level):
        if not diagnose:
            raise TargetUnreachable("target out of reach at this point")
        raise diagnosis_of(scenario, baseline_price_usd_per_bbl, time_limit_s, progress)
    solution = session.solution()
    marginal = _marginal_cost(session, scenario, solution)
    return Answer("size", scenario, data, solution, answered_target(data), marginal,
                  session.timings)


def answered_target(data: ProblemData) -> float:
    """The signed target [USD/bbl] a size answer held; NaN when a band replaced it.

    A percent target on a price path is reported in USD/bbl at the window's
    mean baseline price (the level the model held, scaled per period).
    """
    if not data.has_target:
        return math.nan
    if data.level_is_price:
        return data.sign * data.target_level
    return data.scenario.target_impact_usd_per_bbl


def _check_price_path(scenario: Scenario, baseline) -> None:
    if baseline is not None and scenario.price_model != "linear":
        raise InputError("--price-path", "(given)", "only with price_model = linear")


def _marginal_cost(session: Session, scenario: Scenario, solution: Solution) -> float:
    """Right derivative of cost in the target [musd per USD/bbl], by re-solving.

    (cost at |target| + 0.1 - cost at |target|) / 0.1, or for a band the
    floor raised (ceiling lowered) by 0.1; NaN when that is out of reach.
    """
    step = MARGINAL_STEP_USD_PER_BBL
    data = session.data
    if data.has_target:
        target = data.target_level if data.level_is_price else abs(
            scenario.target_impact_usd_per_bbl)
        feasible = session.least_cost(data.level_of_impact(target + step))
    else:  # a band: one more USD/bbl of floor (or one less of ceiling)
        name = "floor_usd_per_bbl" if data.floor_usd_per_bbl is not None else "ceiling_usd_per_bbl"
        moved = scenario[name] + (step if name == "floor_usd_per_bbl" else -step)
        session.pin(name, moved)
        feasible = session.least_cost(data.target_level)
        session.pin(name, scenario[name])
    if not feasible:
        return math.nan
    return (session.solution().total_cost_musd - solution.total_cost_musd) / step


# -- largest reachable impact ---------------------------------------------------------

def max_impact(scenario: Scenario, baseline_price_usd_per_bbl=None,
               cap_usd_per_bbl: float | None = None,
               time_limit_s: float | None = None) -> tuple[float, Session | None]:
    """Largest |impact| [USD/bbl] the scenario's limits can hold over its window.

    The direction is the sign of the scenario's target. Returns the impact
    (capped at ``cap_usd_per_bbl``) and the session holding the least-cost
    schedule at that impact (None when the impact is 0).

    Linear model: one LP maximizing the window level z. Isoelastic model: the
    level is an absorption and the off-window bound depends on the impact
    nonlinearly, so the impact is found by bisection on feasibility.
    """
    if scenario.price_model == "linear":
        session = Session(build_problem(scenario, baseline_price_usd_per_bbl), time_limit_s)
        cap = cap_usd_per_bbl if cap_usd_per_bbl is not None else _no_cap(scenario)
        return _most_impact_then_least_cost(session, cap)
    sign = scenario.sign
    # a lowering target cannot push the price to zero; a raise is capped like the LP's
    value = (cap_usd_per_bbl if cap_usd_per_bbl is not None
             else (_no_cap(scenario) if sign > 0 else 0.99 * scenario.price_usd_per_bbl))
    session = Session(build_problem(scenario, baseline_price_usd_per_bbl), time_limit_s)
    # Fixed-point iteration from above: with the bounds implied by an impact v,
    # the LP finds the largest absorption y(v); the impact it holds, v' <= v,
    # is an upper bound on the answer (the bounds only grow with v), and
    # v' = v means v is reachable. Each step is one warm re-solve.
    for _ in range(200):
        data = build_problem(scenario.with_params(**{TARGET: sign * value}),
                             baseline_price_usd_per_bbl)
        set_constant_bounds(session.model, data)
        session.data = data
        level = session.most_impact(data.target_level)
        held = _impact_of_level(data, level)
        if held >= value * (1 - 1e-7) or held < 1e-9:
            break
        value = held
    else:
        raise SolverFailure("the largest isoelastic impact did not converge in 200 steps")
    if held < 1e-9:
        return 0.0, None
    for shrink in (1e-9, 1e-7, 1e-5):
        if session.least_cost(data.target_level * (1 - shrink)):
            return value, session
    raise SolverFailure(f"no least-cost schedule at the largest impact {value:g}")


def _most_impact_then_least_cost(session: Session, cap: float) -> tuple[float, Session | None]:
    """Largest window level of a linear model's session, then its least-cost schedule."""
    level = session.most_impact(cap)
    if level <= 0:
        return 0.0, None
    # Re-solve at least cost a hair inside the maximum: at the maximum
    # itself, HiGHS's feasibility tolerance can call the fixed level infeasible.
    for shrink in (1e-9, 1e-7, 1e-5):
        if session.least_cost(level * (1 - shrink)):
            return level, session
    raise SolverFailure(f"no least-cost schedule at the largest impact {level:g}")


def _impact_of_level(data: ProblemData, level: float) -> float:
    """|impact| [USD/bbl] every window period holds at window level ``level``."""
    if data.level_is_price:
        return level
    s = data.scenario
    impacts = market.isoelastic_impact(np.full(int(data.in_window.sum()), data.sign * level),
                                       data.baseline_price_usd_per_bbl[data.in_window],
                                       s.demand_mbd, s.demand_elasticity, s.supply_elasticity)
    return float(np.min(np.abs(impacts)))


def _no_cap(scenario: Scenario) -> float:
    # A cap high enough never to bind for a physically sensible reserve: the
    # price moved by its own size.
    return 10.0 * max(scenario.price_usd_per_bbl, abs(scenario.target_impact_usd_per_bbl))


# -- impact mode -------------------------------------------------------------------

def design_scenario(scenario: Scenario, capacity_mb: float, fill_rate_mbd: float | None,
                    release_rate_mbd: float | None, direction: str) -> Scenario:
    """The scenario of impact mode: one storage of the given size usable from day 0.

    The design exists already, so its capital costs are sunk and not counted;
    rates not given take the scenario's caps.
    """
    if capacity_mb is None or not capacity_mb >= 0 or math.isinf(capacity_mb):
        raise InputError("--capacity-mb", capacity_mb, "a finite number >= 0")
    for name, value in (("--fill-rate-mbd", fill_rate_mbd),
                        ("--release-rate-mbd", release_rate_mbd)):
        if value is not None and not value >= 0:
            raise InputError(name, value, "a number >= 0")
    if direction not in ("raise", "lower"):
        raise InputError("--direction", direction, "one of: raise, lower")
    if scenario.initial_inventory_mb > capacity_mb:
        raise InputError("initial_inventory_mb", scenario.initial_inventory_mb,
                         f"<= --capacity-mb = {capacity_mb:g}")
    magnitude = abs(scenario.target_impact_usd_per_bbl)
    params = {
        TARGET: magnitude if direction == "raise" else -magnitude,
        "fill_rate_max_mbd": scenario.fill_rate_max_mbd if fill_rate_mbd is None else fill_rate_mbd,
        "release_rate_max_mbd": (scenario.release_rate_max_mbd if release_rate_mbd is None
                                 else release_rate_mbd),
        "rate_capex_usd_per_bbl_per_day": 0.0,
    }
    storage = (StorageOption(name="design", capacity_max_mb=capacity_mb, existing_mb=capacity_mb),)
    return replace(scenario.with_params(**params), storage=storage,
                   explicit=scenario.explicit | {TARGET})


def impact(scenario: Scenario, capacity_mb: float, fill_rate_mbd: float | None = None,
           release_rate_mbd: float | None = None, direction: str = "raise",
           baseline_price_usd_per_bbl=None, time_limit_s: float | None = None) -> Answer:
    """Largest impact a given reserve holds for ``hold_days`` (DESIGN.md 2.5).

    Maximizes z with sign*dp_t >= z on every window period, then re-solves at
    least cost with z fixed so the schedule and costs mean something.
    """
    _check_price_path(scenario, baseline_price_usd_per_bbl)
    design = design_scenario(scenario, capacity_mb, fill_rate_mbd, release_rate_mbd, direction)
    value, session = max_impact(design, baseline_price_usd_per_bbl, time_limit_s=time_limit_s)
    signed = value if direction == "raise" else -value
    if session is None:  # nothing reachable: report the idle schedule
        idle = design.with_params(**{TARGET: (1 if direction == "raise" else -1) * 1e-9})
        data = build_problem(idle, baseline_price_usd_per_bbl)
        session = Session(data, time_limit_s)
        session.least_cost(0.0)
    return Answer("impact", design, session.data, session.solution(), signed, math.nan,
                  session.timings)


# -- diagnosis -------------------------------------------------------------------------

@dataclass
class Limit:
    """One limit of the scenario that may keep the target out of reach."""

    key: str            # parameter name, as a user would --set it
    describe: str       # the limit in words, with its value and unit
    lifted: Scenario    # the scenario with this limit lifted
    need_unit: str = ""
    need: callable = None  # Solution -> the value the target needs, in need_unit
    #: a limit that is only an upper bound of one variable: (variable name,
    #: index or None); lifting it re-solves the same model instead of a new one
    bound: tuple | None = None


@dataclass
class Diagnosis:
    target_usd_per_bbl: float
    reachable_usd_per_bbl: float
    binding: Limit | None
    lifted_reach_usd_per_bbl: float
    need_value: float | None
    message: str


def _limits(s: Scenario) -> list[Limit]:
    """Every limit worth lifting, each with the scenario that lifts it."""
    limits = []
    if not math.isinf(s.fill_rate_max_mbd):
        limits.append(Limit("fill_rate_max_mbd",
                            f"fill capacity {s.fill_rate_max_mbd:.2f} mb/d (fill_rate_max_mbd)",
                            s.with_params(fill_rate_max_mbd=math.inf), "mb/d",
                            lambda sol: sol.fill_capacity_mbd, ("fill_capacity_mbd", None)))
    if not math.isinf(s.release_rate_max_mbd):
        limits.append(Limit("release_rate_max_mbd",
                            f"release capacity {s.release_rate_max_mbd:.2f} mb/d "
                            "(release_rate_max_mbd)",
                            s.with_params(release_rate_max_mbd=math.inf), "mb/d",
                            lambda sol: sol.release_capacity_mbd, ("release_capacity_mbd", None)))
    for k, o in enumerate(s.storage):
        if not math.isinf(o.capacity_max_mb):
            storage = tuple(replace(x, capacity_max_mb=math.inf) if i == k else x
                            for i, x in enumerate(s.storage))
            limits.append(Limit(f"storage.{o.name}.capacity_max_mb",
                                f"storage option {o.name} capped at {o.capacity_max_mb:g} mb "
                                f"(storage.{o.name}.capacity_max_mb)",
                                replace(s, storage=storage), "mb",
                                lambda sol, k=k: sol.capacity_mb[k], ("new_capacity_mb", k)))
        if o.build_days > 0:
            storage = tuple(replace(x, build_days=0) if i == k else x
                            for i, x in enumerate(s.storage))
            limits.append(Limit(f"storage.{o.name}.build_days",
                                f"storage option {o.name} takes {o.build_days} days to build "
                                f"(storage.{o.name}.build_days)",
                                replace(s, storage=storage)))
    if s.sign < 0:
        volume = abs(s.target_impact_usd_per_bbl) * s.hold_days * 100.0  # ample stock
        storage = s.storage + (StorageOption(name="lifted_initial", existing_mb=volume,
                                             capacity_max_mb=volume),)
        step = s.time_step_days
        in_window = build_problem(s).in_window

        def window_release(sol: Solution) -> float:
            # the stock the window itself draws (what is sold before it is optional)
            return step * float((sol.release_mbd - sol.fill_mbd)[in_window].sum())

        limits.append(Limit("initial_inventory_mb",
                            f"initial inventory {s.initial_inventory_mb:g} mb "
                            "(initial_inventory_mb)",
                            replace(s.with_params(initial_inventory_mb=s.initial_inventory_mb + volume),
                                    storage=storage), "mb of stock at day 0",
                            lambda sol: window_release(sol)))
    elif s.initial_inventory_mb > 0:
        limits.append(Limit("initial_inventory_mb",
                            f"initial inventory {s.initial_inventory_mb:g} mb "
                            "(initial_inventory_mb) leaves too little room",
                            s.with_params(initial_inventory_mb=0.0)))
    step = s.time_step_days
    longest_build = max(o.build_days for o in s.storage)
    extra = longest_build + 2 * s.hold_days
    extra = -(-extra // step) * step
    limits.append(Limit("lead_days", f"lead time {s.lead_days} days (lead_days)",
                        s.with_params(lead_days=s.lead_days + extra)))
    return limits


@dataclass
class _Goal:
    """What a diagnosis measures: the target's impact, or a band's floor or ceiling.

    Values are in "harder is larger" units: |impact|, the floor, minus the ceiling.
    """

    what: str
    asked: float
    reach: callable        # Scenario -> (value, Session | None)
    holds: callable        # value -> words after "can hold"
    shared: Session | None = None   # one model re-solved for limits that are bounds

    def reach_lifted(self, limit: "Limit"):
        """The reach with ``limit`` lifted: re-solving the shared model when the
        limit is an upper bound of one variable, else a model of its own."""
        if self.shared is None or limit.bound is None:
            return self.reach(limit.lifted)
        name, index = limit.bound
        var = getattr(self.shared.model, name)
        var = var if index is None else var[index]
        old = var.ub
        var.setub(None)
        try:
            value, session = _most_impact_then_least_cost(self.shared, self.asked)
            solution = session.solution() if session is not None else None
        finally:
            var.setub(old)
        return value, _Solved(solution) if solution is not None else None


@dataclass
class _Solved:
    """A solution kept after its session moved on (the shared model is re-used)."""

    kept: Solution

    def solution(self) -> Solution:
        return self.kept


def _goal(s: Scenario, baseline, time_limit_s) -> _Goal:
    band = s.floor_usd_per_bbl is not None or s.ceiling_usd_per_bbl is not None
    if not band or s.target_explicit:
        target = abs(s.target_impact_usd_per_bbl)
        signed = lambda v: f"{s.sign * v:+.2f}" if v > 5e-3 else "0.00"  # noqa: E731
        return _Goal(
            f"target {signed(target)} USD/bbl for {s.hold_days} days", target,
            lambda sc: max_impact(sc, baseline, cap_usd_per_bbl=target, time_limit_s=time_limit_s),
            lambda v: f"at most {signed(max(v, 0.0))} USD/bbl for {s.hold_days} days",
            shared=(Session(build_problem(s, baseline), time_limit_s)
                    if s.price_model == "linear" else None))
    name = "floor_usd_per_bbl" if s.floor_usd_per_bbl is not None else "ceiling_usd_per_bbl"
    sign = 1 if name == "floor_usd_per_bbl" else -1
    asked = s[name]

    def reach(sc: Scenario):
        session = Session(build_problem(sc, baseline), time_limit_s)
        value = session.best_band(name, asked)
        session.pin(name, value)
        return sign * value, session if session.least_cost(session.data.target_level) else None

    if sign > 0:
        return _Goal(f"floor ${asked:.2f}/bbl", asked, reach,
                     lambda v: f"a floor of at most ${v:.2f}/bbl")
    return _Goal(f"ceiling ${asked:.2f}/bbl", -asked, reach,
                 lambda v: f"a ceiling no lower than ${-v:.2f}/bbl")


def diagnosis_of(s: Scenario, baseline=None, time_limit_s: float | None = None,
                 progress=None) -> TargetUnreachable:
    """Why the target (or band) is out of reach and how far it can go, found by solving.

    The reachable impact (floor, ceiling) comes from optimizing it under every
    limit; the binding limit is the one whose lifting alone moves it most
    (each lifted in turn and re-solved).
    """
    goal = _goal(s, baseline, time_limit_s)
    reach, _ = (goal.reach(s) if goal.shared is None
                else _most_impact_then_least_cost(goal.shared, goal.asked))
    best, best_reach, best_session = None, reach, None
    limits = _limits(s)
    for done, limit in enumerate(limits):
        if progress is not None:
            progress(done, len(limits), f"lifting {limit.key}")
        if limit.key == "lead_days" and baseline is not None:
            continue  # a price path fixes the horizon's days
        lifted_reach, session = goal.reach_lifted(limit)
        if lifted_reach > best_reach + 1e-6:
            best, best_reach, best_session = limit, lifted_reach, session
    need = None
    if best is None:
        message = (f"{goal.what} is out of reach: the limits can hold {goal.holds(reach)}; "
                   "no single limit lifted moves it (look at hold_days, offset_share)")
    else:
        message = f"{best.describe} can hold {goal.holds(reach)}"
        if best_reach >= goal.asked - 1e-6 * max(1.0, abs(goal.asked)):
            if best.need is not None and best_session is not None:
                need = float(best.need(best_session.solution()))
                message += f"; the {goal.what.split()[0]} needs {need:.2f} {best.need_unit}"
            else:
                message += f"; lifting it reaches the {goal.what}"
        else:
            message += f"; lifting it alone reaches {goal.holds(best_reach)}, short of the {goal.what}"
    signed_reach = s.sign * reach if goal.what.startswith("target") else reach
    signed_lift = s.sign * best_reach if goal.what.startswith("target") else best_reach
    return TargetUnreachable(message, Diagnosis(s.target_impact_usd_per_bbl, signed_reach,
                                                best, signed_lift, need, message))

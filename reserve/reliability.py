r"""One reserve for many futures: the design that holds on a share of price paths.

``reserve size --reliability R --paths FILE`` sizes one design (storage per
option, fill and release capacity) for P price paths at once, each path with
its own schedule (what the reserve would do had it known that path), so that
the target or band holds on at least R of the paths, at least expected cost.
It is the scenario form of a chance constraint (Charnes & Cooper 1959;
Luedtke & Ahmed 2008, "A sample approximation approach for optimization with
probabilistic constraints", SIAM J. Optim. 19(2)): a binary :math:`u_p` per
path says the path may be let go.

.. math::

    \min\; c_D^\top x + \frac{1}{P}\sum_p c_p^\top y_p
    \quad\text{s.t.}\quad
    A_p \begin{bmatrix} x \\ y_p \end{bmatrix} \in [l_p, h_p]\ \ \forall p,
    \qquad
    lo_{p,t} - a_{p,t}\,u_p \;\le\; f_{p,t} - r_{p,t} \;\le\; hi_{p,t} - a_{p,t}\,u_p,
    \qquad
    \sum_p u_p \le \lfloor (1 - R) P \rfloor

- :math:`x`: the design, shared by every path (``new_capacity_mb``, ``built``,
  ``fill_capacity_mbd``, ``release_capacity_mbd``); its capital cost
  :math:`c_D` is the paths' mean (it does not depend on the price);
- :math:`y_p`: path p's schedule and contracts, the rows :math:`A_p` of
  `reserve size` on that path's baseline (every constraint of
  :mod:`reserve.formulation`, in the size form);
- the band rows: every price condition of period t is a band on the net flow,
  :math:`lo_{p,t} \le f_{p,t} - r_{p,t} \le hi_{p,t}`
  (:func:`reserve.price_conditions.net_flow_band`). A path let go (:math:`u_p = 1`)
  shifts each of its band rows by :math:`a_{p,t}` = the purchase the band asks
  for (:math:`lo_{p,t} > 0`), or the sale (:math:`hi_{p,t} < 0`), else 0: it
  need not trade where the band asked it to, and trades no more than it would
  have elsewhere. The shift is the row's own number, so no big-M constant is
  guessed.

With R = 1 (or fewer paths than one failure needs) there are no binaries: an
LP, and on one path exactly `reserve size` on that path. Expected cost counts
every path, held or let go. The design's reliability under a causal rule that
knows only today's price (:mod:`reserve.risk`) is reported beside it for a
floor or ceiling: foresight per path is the most any rule could do.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from .errors import InputError, SolverFailure, TargetUnreachable
from .problem import build_problem
from .scenario import Scenario
from .session import Session
from .solution import solution_from_values
from .highslp import col_values, solve_interruptibly
from .stacked import combined, path_block

#: Variable groups of the design: one value for every path.
DESIGN_GROUPS = ("new_capacity_mb", "built", "fill_capacity_mbd", "release_capacity_mbd")

#: HiGHS's relative MIP gap for reliability sizing: 0.01 % of expected cost.
#: (The rest of reserve asks 1e-7 of its few build-or-not binaries; a binary
#: a path needs a looser stop to answer in seconds.)
MIP_GAP = 1e-4

#: HiGHS's time limit when none is given [s]: the MILP then exits 4 with the
#: best design found and its gap instead of waiting without end.
DEFAULT_TIME_LIMIT_S = 300.0

#: Most rows plus columns of the combined model (every path's copy of the
#: model): about 1 GB in HiGHS and minutes of MILP.
SIZE_MAX = 2_000_000

#: Relative slack on the design's capacities when a path is re-solved with them
#: as limits (HiGHS's feasibility tolerance, so the design found is not refused).
DESIGN_SLACK = 1e-7


@dataclass
class ReliableDesign:
    """A design for many paths: its capacities, its paths' schedules and how often it held."""

    scenario: Scenario
    reliability: float                  # asked for, (0, 1]
    data: list                          # ProblemData per path
    solutions: list                     # session.Solution per path
    held: np.ndarray                    # bool [paths]: the design can hold the path (foresight)
    let_go: np.ndarray                  # bool [paths]: u_p = 1, not held in the expected cost
    status: str                         # "optimal" or "time limit"
    mip_gap: float                      # relative gap reached (0 for an LP)
    seconds: float                      # HiGHS's run time
    binaries: int                       # path binaries (0: an LP)
    causal: object = None               # risk.RuleResult of the design, or None
    warnings: list = field(default_factory=list)

    @property
    def design(self):
        return self.solutions[0]

    def outputs(self) -> dict:
        """The answer by name: design, reliability, expected and P95 cost."""
        d = self.design
        costs = np.array([s.total_cost_musd for s in self.solutions])
        storage = float(sum(d.capacity_mb[k] for k, o in enumerate(self.scenario.storage)
                            if not o.leased))
        leased_peak = {o.name: float(max(s.capacity_mb[k] for s in self.solutions))
                       for k, o in enumerate(self.scenario.storage) if o.leased}
        out = {
            "paths": len(self.solutions),
            "reliability_target": self.reliability,
            "reliability_achieved": float(self.held.mean()),
            "reliability_causal_rule": (float(self.causal.held.mean())
                                        if self.causal is not None else math.nan),
            # the most storage held at once on any path (owned and rented), as
            # reserve size reports it; and the owned part, the same on every path
            "storage_capacity_mb": float(max(s.usable_capacity_mb.max()
                                             for s in self.solutions)),
            "owned_storage_mb": storage,
            "fill_capacity_mbd": d.fill_capacity_mbd,
            "release_capacity_mbd": d.release_capacity_mbd,
            "capital_cost_musd": d.capital_cost_musd,
            "expected_total_cost_musd": float(costs.mean()),
            "p95_total_cost_musd": float(np.percentile(costs, 95)),
            "max_inventory_mb_p95": float(np.percentile(
                [s.inventory_mb.max() for s in self.solutions], 95)),
            "mip_gap": self.mip_gap,
            "termination": self.status,
        }
        for k, o in enumerate(self.scenario.storage):
            out[f"capacity_mb_{o.name}"] = (leased_peak[o.name] if o.leased
                                            else float(d.capacity_mb[k]))
        return out

    def schedule_rows(self) -> tuple[list[dict], list[str]]:
        """Every path's schedule, one row a path-period: ``path``, ``held``, then
        the columns of `reserve size --schedule`."""
        from .results import schedule_of
        rows, columns = [], None
        for p, (d, sol) in enumerate(zip(self.data, self.solutions, strict=True)):
            table = schedule_of(d, sol)
            columns = columns or ["path", "held", *table]
            for values in zip(*table.values()):
                rows.append({"path": p + 1, "held": int(self.held[p]),
                             **dict(zip(table, values))})
        return rows, columns

    def sentence(self) -> str:
        """The answer in plain words."""
        o = self.outputs()
        s = self.scenario
        if s.floor_usd_per_bbl is not None:
            what = f"a floor of ${s.floor_usd_per_bbl:,.2f}/bbl"
        elif s.ceiling_usd_per_bbl is not None:
            what = f"a ceiling of ${s.ceiling_usd_per_bbl:,.2f}/bbl"
        else:
            what = f"a ${abs(s.target_impact_usd_per_bbl):g}/bbl move for {s.hold_days} days"
        words = (f"To hold {what} on at least {self.reliability:.0%} of {o['paths']} price "
                 f"paths, with each path's schedule known in advance: "
                 f"{o['storage_capacity_mb']:,.0f} mb of storage at most "
                 f"({o['owned_storage_mb']:,.0f} mb owned), "
                 f"{o['fill_capacity_mbd']:,.2f} mb/d fill and "
                 f"{o['release_capacity_mbd']:,.2f} mb/d release capacity; it holds on "
                 f"{o['reliability_achieved']:.0%} of the paths at an expected "
                 f"${o['expected_total_cost_musd'] / 1000:,.2f} bn "
                 f"(P95 ${o['p95_total_cost_musd'] / 1000:,.2f} bn).")
        if self.causal is not None:
            words += (f" A rule that knows only today's price holds on "
                      f"{o['reliability_causal_rule']:.0%} with the same design.")
        return words


def check_reliability(value: float, option: str = "reliability") -> None:
    if not (isinstance(value, (int, float)) and 0 < value <= 1):
        raise InputError(option, value, "a share in (0, 1], e.g. 0.9")


def path_baselines(s: Scenario, prices: np.ndarray, option: str = "prices") -> np.ndarray:
    """Each path's baseline per period [paths, periods]: the mean daily price over a step.

    A path must cover the scenario's horizon (lead + hold + tail days); days
    after it are not used.
    """
    step, days = s.time_step_days, s.horizon_days
    if prices.shape[1] < days:
        raise InputError(option, f"{prices.shape[1]} days a path",
                         f"at least the scenario's horizon, {days} days (lead_days + "
                         "hold_days + tail_days): draw them with reserve paths --days "
                         f"{days}, or shorten the horizon")
    n = days // step
    return prices[:, :n * step].reshape(prices.shape[0], n, step).mean(axis=2)


#: Tangents a path on the closing stock's sale: the pace's premium W q^2
#: enters the MILP as the largest of them (HiGHS takes no quadratic cost in a
#: MILP). Spaced h apart, they miss W q^2 by at most W h^2/4 a path; every
#: reported cost is the schedule's exact one.
SALE_TANGENTS = 64


def _check_scenario(s: Scenario) -> tuple[Scenario, list[str]]:
    """The scenario a design for many paths can take, and what it leaves out."""
    if s.objective == "net-benefit":
        raise InputError("objective", "net-benefit", "least-cost with --reliability (one "
                         "design held on a share of paths at least expected cost)")
    if s.dynamic:
        raise InputError("demand_elasticity_long_run", "set", "a static market (no long-run "
                         "elasticities) with --reliability")
    if not s.own_price_effect:
        return s, []
    return s.with_params(own_price_effect=False), [
        "the premium the reserve pays on the price its own trades move is left out of each "
        "path's schedule (own_price_effect): a design for many paths is a MILP, and HiGHS "
        "takes no quadratic cost in a MILP; the closing stock's sale still pays the price "
        "it moves"]


def _sale_tangents(s: Scenario, data) -> np.ndarray:
    """Paces [mb/d] at which the closing stock's sale gets a tangent (SALE_TANGENTS)."""
    if data.liquidation_periods == 0:
        return np.zeros(0)
    capacity = sum(o.capacity_max_mb for o in s.storage)
    most = min(capacity, s.initial_inventory_mb + s.horizon_days * s.fill_rate_max_mbd)
    most = max(most, s.initial_inventory_mb) + s.initial_inventory_mb
    if not np.isfinite(most):
        most = 100.0 * data.liquidation_periods * data.step_days
    pace = most / (data.liquidation_periods * data.step_days)
    return np.linspace(-pace, pace, SALE_TANGENTS)


def size_reliable(s: Scenario, prices: np.ndarray, reliability: float,
                  time_limit_s: float | None = None, progress=None,
                  fixed_design: dict | None = None,
                  names: tuple[str, str] = ("reliability", "prices")) -> ReliableDesign:
    """The least-expected-cost design that holds on ``reliability`` of ``prices``
    [paths, days] (module docstring). ``progress(done, total, what)`` is told
    of each path written and of the solver's seconds. ``fixed_design`` (values
    by DESIGN_GROUPS name) prices a given design instead: its capital, and
    each path's least-cost schedule with it, the paths let go chosen as cheaply.

    Raises TargetUnreachable when no design holds on enough paths, and
    SolverFailure when HiGHS finds none in the time limit; a design found
    but not proved best in the time limit is returned with status "time
    limit" and its gap. Errors name the options ``names`` (the API's own
    argument names there).
    """
    check_reliability(reliability, names[0])
    s, left_out = _check_scenario(s)
    baselines = path_baselines(s, prices, names[1])
    n_paths = baselines.shape[0]
    # a design holds one path at least, however small the share asked
    allowed_failures = min(math.floor((1.0 - reliability) * n_paths + 1e-9), n_paths - 1)
    data = [build_problem(s, b) for b in baselines]
    session = Session(data[0], "size")
    n_rows, n_cols = session.highs.getNumRow(), session.highs.getNumCol()
    if n_paths * (n_rows + n_cols) > SIZE_MAX:
        raise InputError(names[1], f"{n_paths:,} paths of {data[0].n_periods:,} periods",
                         f"at most {SIZE_MAX:,} rows and columns in all (now "
                         f"{n_paths * (n_rows + n_cols):,}): fewer paths, a shorter horizon, "
                         "or --set time_step_days=7")
    design = np.sort(np.concatenate([session.columns[g] for g in DESIGN_GROUPS]))
    private = np.setdiff1d(np.arange(n_cols), design)
    band_rows = session.built.rows_of("net_band")
    tangents = _sale_tangents(s, data[0])

    blocks = []
    for p, d in enumerate(data):
        session.load(d)
        session.pin_level(d.target_level)
        if session.cuts is not None:   # the same tangents on every path
            session.cuts.reset()
            session.cuts.add_tangents(tangents)
        blocks.append(path_block(session.highs.getLp()))
        if progress is not None:
            progress(p + 1, n_paths, f"path {p + 1} written")

    highs, layout = combined(blocks, design, private, band_rows, allowed_failures)
    if fixed_design is not None:
        value = np.empty(n_cols)
        for g in DESIGN_GROUPS:
            value[session.columns[g]] = np.asarray(fixed_design[g], float)
        fixed = value[design]
        highs.changeColsBounds(len(design), np.arange(len(design), dtype=np.int32), fixed, fixed)
    highs.setOptionValue("mip_rel_gap", MIP_GAP)
    limit = DEFAULT_TIME_LIMIT_S if time_limit_s is None else float(time_limit_s)
    highs.setOptionValue("time_limit", limit)
    start = time.perf_counter()
    if progress is not None:
        progress(0, 1, "solving")
    solve_interruptibly(highs)
    seconds = time.perf_counter() - start
    status = highs.getModelStatus()
    binaries = n_paths if allowed_failures > 0 else 0
    feasible = (highs.getInfo().primal_solution_status
                == highspy.SolutionStatus.kSolutionStatusFeasible)
    x = col_values(highs) if feasible else None
    if status == highspy.HighsModelStatus.kInfeasible:
        raise TargetUnreachable(_unreachable(session, data, allowed_failures, reliability))
    if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit,
                      highspy.HighsModelStatus.kInterrupt) or x is None or len(x) == 0:
        word = highs.modelStatusToString(status)
        raise SolverFailure(f"HiGHS found no design for {n_paths} paths ({word}) in "
                            f"{seconds:.0f} s; raise --time-limit, use fewer paths or "
                            "--set time_step_days=7")
    gap = 0.0 if binaries == 0 and status == highspy.HighsModelStatus.kOptimal \
        else float(highs.getInfo().mip_gap)
    solutions = []
    for p, d in enumerate(data):
        values = {g: x[layout.columns(p)[idx]] for g, idx in session.columns.items()}
        solutions.append(solution_from_values(d, values, d.target_level))
    let_go = (x[layout.u_columns] > 0.5) if binaries else np.zeros(n_paths, bool)
    held = ~let_go
    if let_go.any():
        # a path let go to save cost may still be one the design holds: an
        # agency defends it then, so its schedule and cost are the defence's
        alone = _holds_alone(session, data, x[:len(design)], design, let_go, progress)
        for p, solution in alone.items():
            solutions[p] = solution
        held[list(alone)] = True
        let_go[list(alone)] = False
    answer = ReliableDesign(
        s, reliability, data, solutions, held, let_go,
        "optimal" if status == highspy.HighsModelStatus.kOptimal else "time limit",
        gap, seconds, binaries)
    answer.causal = _causal(s, prices, answer)
    answer.warnings += left_out
    if 0 < reliability < 1 and allowed_failures == 0:
        answer.warnings.append(
            f"with {n_paths} paths, reliability {reliability:g} lets no path go: the design "
            f"holds on all of them (one path may fail from {math.ceil(1 / (1 - reliability))} "
            "paths on)")
    return answer


def _holds_alone(session: Session, data: list, design_values: np.ndarray,
                 design: np.ndarray, which: np.ndarray, progress=None) -> dict:
    """The paths in ``which`` the design holds with the path known in advance
    (the path's own model, the design's capacities as limits, feasible), each
    with its least-cost schedule under the design."""
    held = {}
    upper = design_values * (1 + DESIGN_SLACK) + DESIGN_SLACK
    kinds = session.highs.getLp().integrality_
    integer = np.array([len(kinds) > 0 and kinds[j] == highspy.HighsVarType.kInteger
                        for j in design])
    lower = np.where(integer, np.round(design_values), 0.0)
    upper = np.where(integer, np.round(design_values), upper)
    todo = np.flatnonzero(which)
    for i, p in enumerate(todo):
        session.load(data[p])
        session.highs.changeColsBounds(len(design), design.astype(np.int32), lower, upper)
        if session.least_cost():
            held[p] = session.solution()
        if progress is not None:
            progress(i + 1, len(todo), f"path {p + 1} checked")
    return held


def _unreachable(session: Session, data: list, allowed: int, reliability: float) -> str:
    """Why no design holds on enough paths: how many paths any design within the
    limits can hold, each alone (more capacity never breaks a path, so the
    largest of the designs each path needs alone holds them all together:
    the share feasible alone is the highest reliability within reach)."""
    alone = np.zeros(len(data), bool)
    for p, d in enumerate(data):
        session.load(d)
        alone[p] = session.least_cost()
    n_paths = len(data)
    reachable = alone.mean()
    words = (f"no design within the scenario's limits holds on {n_paths - allowed} of the "
             f"{n_paths} paths (reliability {reliability:g}): {int(alone.sum())} of them "
             f"({reachable:.0%}) can be held, the rest not even alone")
    if not alone.all():
        worst = int(np.flatnonzero(~alone)[0]) + 1
        words += (f"; lower --reliability to {reachable:.2f} or less, or lift the limits that "
                  f"bind on those paths (path {worst} is one: reserve size --price-path on it "
                  "says which)")
    return words


def _causal(s: Scenario, prices: np.ndarray, answer: ReliableDesign):
    """The design under the causal rule of :mod:`reserve.risk` (floor or ceiling only).

    The rule gets, each day, the most storage the design had usable that day on
    any path (owned storage once built, rented storage as the hungriest path
    rented it): generous to the rule, so the gap to foresight is not storage it
    lacked.
    """
    band = s.floor_usd_per_bbl is not None or s.ceiling_usd_per_bbl is not None
    if not band or s.price_model != "linear" or s.target_explicit:
        return None
    from .risk import Design, causal_rule
    d = answer.design
    step = s.time_step_days
    usable = np.max([sol.usable_capacity_mb for sol in answer.solutions], axis=0)
    storage_by_day = np.repeat(usable, step)
    horizon = prices[:, :len(storage_by_day)]
    return causal_rule(s, horizon, Design(storage_by_day, d.fill_capacity_mbd,
                                          d.release_capacity_mbd, s.initial_inventory_mb))

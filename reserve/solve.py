"""The modes: size and impact, and the answer they give.

- :func:`size`: the least-cost reserve that holds the target (or band);
  when none can, :mod:`reserve.diagnosis` says what binds.
- :func:`impact`: the largest impact a given reserve holds (the inverse).
- how far a scenario's limits can go (the largest impact, the best band) is
  :mod:`reserve.reach`'s, below this module and the diagnosis.

Every solve goes through :class:`reserve.session.Session`, so re-solves
(the marginal cost, bisections) are warm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import highspy
import numpy as np

from .errors import InputError, SolverFailure, TargetUnreachable
from .problem import ProblemData, build_problem
from .reach import band_of, least_cost_inside, max_impact, without_premium
from .scenario import Scenario, StorageOption
from .schema import TARGET
from .validation import check_initial_inventory_fits
from .schema import check_design_value
from .session import Session
from .session_cache import SessionCache
from .solution import Solution, Timings

MARGINAL_STEP_USD_PER_BBL = 0.1
#: A linear answer that moves the price more than this share of its baseline
#: is far from where the linear curve was calibrated: say so.
FAR_FROM_CALIBRATION = 0.25
#: Relative precision of the bisections (isoelastic impact, best band).


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
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: the answer's range over the contested inputs (reserve.spread.Range), when asked
    range: object = None
    #: with commercial holders and a tail: what ending the defence at once (the
    #: price back at the baseline the day the window closes) would cost more than
    #: the least-cost glide [musd]; inf when an abrupt end is out of reach
    glide_saving_musd: float | None = None
    #: the question's own arguments that are not scenario parameters (an
    #: impact's capacity_mb, rates and direction), as a run file keeps them
    arguments: dict = field(default_factory=dict)
    #: the scenario as asked, before an impact's design replaced its storage
    #: (a run file re-asks this one); None: ``scenario``
    asked: Scenario | None = None

    @property
    def outputs(self) -> dict[str, object]:
        """Every named output (the CSV/JSON names, units in the names)."""
        from .results import outputs
        return outputs(self)

    @property
    def owners(self) -> list[dict]:
        """Each owner's ledger line when the scenario has ``[[owner]]`` tables
        (share, volume, cost, export gain or import saving, GDP gain,
        consumers' surplus, net benefit), else []."""
        from .results import owners
        return owners(self)

    @property
    def schedule(self) -> dict:
        """The schedule as numpy arrays by column name (``inventory_mb``, ...)."""
        from .results import schedule
        return schedule(self)

    @property
    def sentence(self) -> str:
        """The answer in plain words, as the command line prints it."""
        from .results import sentence
        return sentence(self)

    def to_frame(self):
        """The schedule as a pandas DataFrame indexed by day (needs pandas:
        ``pip install 'reserve[pandas]'``)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("Answer.to_frame needs pandas: pip install 'reserve[pandas]' "
                              "(or pip install pandas)") from None
        return pd.DataFrame(self.schedule).set_index("day")

    def plot(self):
        """The price, the flows and the stock over time: the matplotlib figure
        ``reserve size --plot`` saves."""
        from .plot import answer_figure
        return answer_figure(self)

    def __repr__(self) -> str:
        """One line: the mode, and what the answer says in figures."""
        out = self.outputs
        return (f"<reserve.Answer {self.mode}: {out['storage_capacity_mb']:,.1f} mb, "
                f"fill {out['fill_capacity_mbd']:.2f} mb/d, release "
                f"{out['release_capacity_mbd']:.2f} mb/d, cost "
                f"{out['total_cost_musd']:,.1f} M USD>")

    def _repr_html_(self) -> str:
        """For notebooks: the answer in words and its outputs, a table."""
        import html

        from .schema import OUTPUTS
        labels = {name: (label, unit) for name, unit, label in OUTPUTS}
        rows = "".join(
            f"<tr><td>{html.escape(labels.get(k, (k, ''))[0])}</td>"
            f"<td style='text-align:right'>{html.escape(_shown(v))}</td>"
            f"<td>{html.escape(labels.get(k, ('', ''))[1])}</td></tr>"
            for k, v in self.outputs.items())
        return (f"<p><b>reserve {self.mode}</b>: {html.escape(self.sentence)}</p>"
                f"<table><tr><th>output</th><th>value</th><th>unit</th></tr>{rows}</table>")


def _shown(value) -> str:
    """A value as a notebook's table shows it."""
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:,.2f}"
    return str(value)


# -- size mode -------------------------------------------------------------------

def size(scenario: Scenario, baseline_price_usd_per_bbl=None,
         time_limit_s: float | None = None, progress=None, diagnose: bool = True,
         check_calibration: bool = True) -> Answer:
    """Least-cost reserve that holds the scenario's target (or band) over its window.

    Raises TargetUnreachable (with a diagnosis) when no reserve within the
    scenario's limits can; ``progress(done, total, what)`` is called as the
    diagnosis re-solves, for a progress bar. ``diagnose=False`` skips the
    diagnosis (sweeps report such a point as infeasible).
    ``check_calibration`` compares a far-moved linear answer with the
    isoelastic one (a warning).
    """
    check_initial_inventory_fits(scenario)
    check_window_cap(scenario)
    data = build_problem(scenario, baseline_price_usd_per_bbl)
    session = Session(data, time_limit_s=time_limit_s)
    if not feasible_least_cost(session, scenario, baseline_price_usd_per_bbl):
        if not diagnose:
            raise TargetUnreachable("target out of reach at this point")
        from .diagnosis import diagnosis_of
        raise diagnosis_of(scenario, baseline_price_usd_per_bbl, time_limit_s, progress)
    solution, solved = session.solution(), session.data   # the tangent the answer ended on
    marginal = marginal_cost(session, solution)
    answer = Answer("size", scenario, solved, solution, answered_target(data), marginal,
                    session.timings)
    answer.glide_saving_musd = glide_saving(session, solution)
    if check_calibration:
        answer.warnings += calibration_warnings(answer, baseline_price_usd_per_bbl, time_limit_s)
    return answer


def check_window_cap(s: Scenario) -> None:
    """A window cap below the target would make every target unreachable: say so."""
    cap = s.window_impact_max_usd_per_bbl
    band = s.floor_usd_per_bbl is not None or s.ceiling_usd_per_bbl is not None
    if cap is not None and not band and cap < abs(s.target_impact_usd_per_bbl):
        raise InputError("window_impact_max_usd_per_bbl", cap,
                         f">= the target's size, {abs(s.target_impact_usd_per_bbl):g} USD/bbl "
                         "(the cap bounds how far past the target the window may go)")


def glide_saving(session: Session, solution: Solution) -> float | None:
    """What an abrupt end would cost more than the glide the answer found [musd]:
    the same model with the price after the window held at the baseline (None
    without commercial holders or without days after the window). The session
    is left as it was."""
    d = session.data
    after = np.flatnonzero(~d.in_window & d.in_horizon
                           & (d.period_start_day >= d.scenario.lead_days))
    if not (d.private.on and d.has_target and after.size):
        return None
    column = session.columns["impact_usd_per_bbl"][after]
    lower, upper = session.built.col_lower[column], session.built.col_upper[column]
    session._write_bounds("col", column, np.zeros(after.size), np.zeros(after.size))
    try:
        abrupt = session.total_cost_musd() if session.least_cost() else math.inf
    finally:
        session._write_bounds("col", column, lower, upper)
    return abrupt - solution.total_cost_musd


def feasible_least_cost(session: Session, scenario: Scenario, baseline) -> bool:
    """Least cost at the target; True if feasible.

    HiGHS's QP solver may stop without telling an infeasible model from a hard
    one; feasibility does not depend on the objective, so the LP decides.
    """
    try:
        return session.least_cost()
    except SolverFailure:
        timed_out = session.highs.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
        if not session.data.quadratic or timed_out:
            raise
        lp = Session(build_problem(scenario.with_params(own_price_effect=False), baseline),
                     time_limit_s=session.time_limit_s)
        if not lp.least_cost():
            return False
        raise


def answered_target(data: ProblemData) -> float:
    """The signed target [USD/bbl] a size answer held; NaN when a band replaced it.

    A percent target on a price path is reported in USD/bbl at the window's
    mean baseline price (the level the model held, scaled per period).
    """
    if not data.has_target:
        return math.nan
    return data.sign * data.target_level


def marginal_cost(session: Session, solution: Solution) -> float:
    """Right derivative of cost in the target [musd per USD/bbl], by a warm re-solve.

    (cost at |target| + 0.1 - cost at |target|) / 0.1, or for a band the
    floor raised (ceiling lowered) by 0.1; NaN when that is out of reach.
    The session is left at the original target (written to HiGHS before its next run).
    """
    step = MARGINAL_STEP_USD_PER_BBL
    data = session.data
    if data.net_benefit:
        return math.nan   # no target to move: the impact is the answer's own
    if data.has_target:
        feasible = session.least_cost(data.target_level + step)
        moved = session.total_cost_musd() if feasible else math.nan
        session.pin_level(data.target_level, by_next_run=True)
    else:   # a band: one more USD/bbl of floor (or one less of ceiling)
        name, value = band_of(data)
        session.load(replace(data, **{name: value + (step if name == "floor_usd_per_bbl"
                                                     else -step)}))
        feasible = session.least_cost()
        moved = session.total_cost_musd() if feasible else math.nan
        session.load(data)
    return (moved - solution.total_cost_musd) / step


# -- impact mode -------------------------------------------------------------------

def design_storage(scenario: Scenario, capacity_mb: float) -> tuple[StorageOption, ...]:
    """Impact mode's reserve, costed by the same rule as size mode.

    The design exists from day 0, so its capital is sunk; like existing
    capacity in size mode it pays its O&M. It is made of the scenario's
    options: each option's existing capacity first, and any design capacity
    beyond what exists as the owned option with the lowest O&M (a design
    that exists is built, not leased). Each keeps its name, so the outputs
    have the same capacity_mb_<option> columns as size mode.
    """
    left = capacity_mb
    taken = []
    for o in scenario.storage:
        take = min(o.existing_mb, left)
        taken.append(take)
        left -= take
    if left > 0:
        owned = [k for k, o in enumerate(scenario.storage) if not o.leased] or \
            list(range(len(scenario.storage)))
        cheapest = min(owned, key=lambda k: scenario.storage[k].om_usd_per_bbl_yr)
        taken[cheapest] += left
    return tuple(StorageOption(name=o.name, om_usd_per_bbl_yr=o.om_usd_per_bbl_yr,
                               lifetime_yr=o.lifetime_yr, capacity_max_mb=take,
                               existing_mb=take)
                 for o, take in zip(scenario.storage, taken))


def design_scenario(scenario: Scenario, capacity_mb: float, fill_rate_mbd: float | None,
                    release_rate_mbd: float | None, direction: str) -> Scenario:
    """The scenario of impact mode: the design, usable from day 0 (see design_storage).

    Rates not given take the scenario's caps; the design's rate capital is sunk.
    """
    capacity_mb = check_design_value("capacity_mb", capacity_mb, volume=True)
    fill_rate_mbd, release_rate_mbd = (
        None if value is None else check_design_value(name, value, volume=False)
        for name, value in (("fill_rate_mbd", fill_rate_mbd),
                            ("release_rate_mbd", release_rate_mbd)))
    if direction not in ("raise", "lower"):
        raise InputError("direction", direction, "one of: raise, lower")
    if scenario.initial_inventory_mb > capacity_mb:
        raise InputError("initial_inventory_mb", scenario.initial_inventory_mb,
                         f"<= capacity_mb = {capacity_mb:g} (the design must hold the opening stock)")
    params = {
        "fill_rate_max_mbd": scenario.fill_rate_max_mbd if fill_rate_mbd is None else fill_rate_mbd,
        "release_rate_max_mbd": (scenario.release_rate_max_mbd if release_rate_mbd is None
                                 else release_rate_mbd),
        "rate_capex_usd_per_bbl_per_day": 0.0,
    }
    explicit = scenario.explicit
    if scenario.objective != "net-benefit":   # the net benefit finds its own impact
        magnitude = abs(scenario.target_impact_usd_per_bbl)
        params[TARGET] = magnitude if direction == "raise" else -magnitude
        explicit = explicit | {TARGET}
    return replace(scenario.with_params(**params),
                   storage=design_storage(scenario, capacity_mb), explicit=explicit)


def impact(scenario: Scenario, capacity_mb: float, fill_rate_mbd: float | None = None,
           release_rate_mbd: float | None = None, direction: str = "raise",
           baseline_price_usd_per_bbl=None, time_limit_s: float | None = None,
           check_calibration: bool = True) -> Answer:
    """Largest impact a given reserve holds for ``hold_days`` (impact mode).

    Maximizes z with sign*dp_t >= z on every window period, then re-solves at
    least cost with z fixed so the schedule and costs mean something.
    """
    design = design_scenario(scenario, capacity_mb, fill_rate_mbd, release_rate_mbd, direction)
    if design.objective == "net-benefit":
        return _best_schedule(design, baseline_price_usd_per_bbl, time_limit_s)
    cache = SessionCache(time_limit_s)
    value, session = max_impact(design, baseline_price_usd_per_bbl, time_limit_s=time_limit_s,
                                cache=cache)
    signed = value if direction == "raise" else -value
    if session is None:   # nothing reachable: the idle schedule
        session = cache.session(build_problem(design, baseline_price_usd_per_bbl))
        session.least_cost(0.0)
    elif design.own_price_effect:
        # the impact is the LP's; its least-cost schedule pays the premium (the QP)
        session = Session(build_problem(design, baseline_price_usd_per_bbl),
                          time_limit_s=time_limit_s)
        least_cost_inside(session, value)
    answer = Answer("impact", design, session.data, session.solution(), signed, math.nan,
                    cache.timings)
    if check_calibration:
        answer.warnings += calibration_warnings(answer, baseline_price_usd_per_bbl, time_limit_s)
    return answer


def _best_schedule(design: Scenario, baseline, time_limit_s) -> Answer:
    """Impact mode with the net-benefit objective: the schedule of the given
    design that is best for its owner; its largest price move is the impact."""
    session = Session(build_problem(design, baseline), time_limit_s=time_limit_s)
    if not session.least_cost():
        raise SolverFailure("the design's best schedule was not found (infeasible)")
    solution = session.solution()
    moves = solution.impact_usd_per_bbl
    biggest = float(moves[np.argmax(np.abs(moves))]) if moves.size else 0.0
    return Answer("impact", design, session.data, solution, biggest, math.nan,
                  session.timings)


# -- a linear curve far from its calibration point --------------------------------------

def calibration_warnings(answer: Answer, baseline=None,
                         time_limit_s: float | None = None) -> list[str]:
    """A warning when a linear answer moves the price more than 25 % of its baseline.

    The linear curve is a tangent at the baseline; far from it, constant
    elasticities (the isoelastic model) are the better guess, so their
    figure is shown beside the linear one.
    """
    d, sol = answer.data, answer.solution
    if not d.level_is_price:
        return []
    share = np.abs(sol.impact_usd_per_bbl) / d.baseline_price_usd_per_bbl[:d.n_horizon]
    worst = int(np.argmax(share))
    if share[worst] <= FAR_FROM_CALIBRATION:
        return []
    head = (f"the linear price curve moves crude up to {share[worst]:.0%} from its baseline "
            f"(day {d.period_start_day[worst]}), far from the point where it was calibrated")
    s = answer.scenario
    if s.dynamic:
        return [head + "; the isoelastic model has no market memory to compare with"]
    iso = without_premium(s).with_params(price_model="isoelastic")
    try:
        if answer.mode == "size":
            other = size(iso, baseline, time_limit_s, diagnose=False, check_calibration=False)
            linear_out, iso_out = _size_figures(answer), _size_figures(other)
            return [f"{head}: with constant elasticities (price_model = isoelastic) the "
                    f"same question needs {iso_out} (linear: {linear_out})"]
        value, _ = max_impact(iso, baseline, time_limit_s=time_limit_s)
        return [f"{head}: with constant elasticities (price_model = isoelastic) this "
                f"reserve holds at most {d.sign * value:+.2f} USD/bbl (linear: "
                f"{answer.target_impact_usd_per_bbl:+.2f})"]
    except TargetUnreachable:
        return [f"{head}: with constant elasticities (price_model = isoelastic) the "
                "scenario's limits cannot hold it"]
    except (InputError, SolverFailure) as err:
        return [f"{head} (the isoelastic figure could not be computed: {err})"]


def _size_figures(answer: Answer) -> str:
    sol = answer.solution
    rate = max(sol.fill_capacity_mbd, sol.release_capacity_mbd)
    which = "fill" if sol.fill_capacity_mbd >= sol.release_capacity_mbd else "release"
    return (f"{sol.usable_capacity_mb.max():,.0f} mb of storage and {rate:.2f} mb/d of {which} "
            f"capacity")

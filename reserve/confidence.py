"""One design that meets the target in a given share of sampled inputs.

``reserve uncertainty --confidence P``: the samples are ranked by their own
least cost, the cheapest share P kept, and the design is, option by option,
the most any kept sample needs; its coverage is then checked by re-solving
every sample with it (:func:`confidence_design`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .analysis import PointScenario, make_point_scenario
from .errors import InputError
from .results import NEEDS_OF
from .scenario import Scenario
from .sweep import PointResult, run_points
from .workers import run_in_workers


@dataclass
class ConfidenceDesign:
    capacity_mb: dict           # per storage option
    fill_capacity_mbd: float
    release_capacity_mbd: float
    coverage: float             # share of samples where impact mode holds the target
    covered: list[bool]
    coverage_with_build_times: float   # the same, keeping each option's build time
    expected_cost_musd: float
    outputs: dict


@dataclass(frozen=True)
class ImpactCheck:
    """Impact mode of one design on a sample: the largest |impact| held."""

    make: PointScenario
    capacity_mb: float
    fill_rate_mbd: float
    release_rate_mbd: float

    def __call__(self, point: dict) -> float:
        from .errors import ReserveError
        from .solve import impact
        try:
            s = self.make(point)
            direction = "raise" if s.sign > 0 else "lower"
            return abs(impact(s, self.capacity_mb, self.fill_rate_mbd, self.release_rate_mbd,
                              direction).target_impact_usd_per_bbl)
        except ReserveError:
            return math.nan


def confidence_design(base: Scenario, points: list[dict], results: list[PointResult],
                      confidence: float, baseline=None, workers: int = 1,
                      on_result=None) -> ConfidenceDesign:
    """One design meeting the target in at least ``confidence`` of the samples.

    The samples are ranked by their own least cost; the cheapest
    ceil(confidence * N) are kept and the design is, option by option, the
    largest capacity (and fill and release capacity) any kept sample needs.
    Each kept sample's own schedule fits in it, so it holds the target in at
    least that share: a sufficient design, not proven the cheapest (that is a
    chance-constrained MILP over every sample's schedule). Its coverage is
    then checked by re-solving every sample in impact mode with the design
    (impact mode: one storage of its total capacity, usable from day 0);
    each sample is also re-solved with the design's capacities as hard
    limits and the scenario's build times (coverage_with_build_times), which
    gives its operating and oil cost.
    """
    n = len(points)
    if baseline is not None:
        raise InputError("confidence", confidence, "without --price-path (the impact-mode "
                         "check of the design takes the scenario's constant baseline)")
    # a sample out of reach within the limits counts with what it needs with
    # the caps lifted: the design may then need more than the scenario allows,
    # and says so (beyond_limits), rather than refusing to answer
    answered = {i: (r.outputs if r.status == "ok" else _needs_as_outputs(r.outputs))
                for i, r in enumerate(results)
                if r.status == "ok" or np.isfinite(r.outputs.get("needed_storage_mb", np.nan))}
    need = math.ceil(confidence * n - 1e-9)
    if need < 1:
        raise InputError("confidence", confidence, f"at least 1/{n} = {1 / n:.4g}: a design "
                         "must meet the target in one sample at least")
    if len(answered) < need:
        raise InputError("confidence", confidence,
                         f"<= {len(answered) / n:.3f}: only {len(answered)} of {n} samples can "
                         "meet the target at all, even with the caps lifted")
    keep = sorted(answered, key=lambda i: answered[i]["total_cost_musd"])[:need]
    names = [o.name for o in base.storage]
    capacity = {k: max(answered[i][f"capacity_mb_{k}"] for i in keep) for k in names}
    fill = max(answered[i]["fill_capacity_mbd"] for i in keep)
    release = max(answered[i]["release_capacity_mbd"] for i in keep)
    beyond = [f"storage.{o.name}.capacity_max_mb" for o in base.storage
              if capacity[o.name] > o.capacity_max_mb * (1 + 1e-7)]
    beyond += [name for name, value in (("fill_rate_max_mbd", fill),
                                        ("release_rate_max_mbd", release))
               if value > base[name] * (1 + 1e-7)]
    # a hair of slack so a kept sample is not lost to solver tolerances
    slack = 1 + 1e-7
    fixed = replace(base, storage=tuple(replace(o, capacity_max_mb=capacity[o.name] * slack,
                                                existing_mb=min(o.existing_mb,
                                                                capacity[o.name] * slack))
                                        for o in base.storage))
    fixed = fixed.with_params(fill_rate_max_mbd=fill * slack, release_rate_max_mbd=release * slack)
    checks = run_points(PointScenario(fixed), points, baseline, workers)
    strict = sum(r.status == "ok" for r in checks) / n
    # The coverage the issue asks for: every sample re-solved in impact mode
    # with the design (one storage of its total capacity, usable from day 0).
    check = ImpactCheck(PointScenario(base), float(sum(capacity.values())), fill, release)
    held = [math.nan] * n

    def record(i: int, value: float) -> None:
        held[i] = value
        if on_result is not None:
            on_result(i, value)

    if workers > 1 and n > 1:
        run_in_workers(lambda: check, points, workers, record)
    else:
        for i, point in enumerate(points):
            record(i, check(point))
    covered = [v >= abs(_target(make_point_scenario(base), p)) * (1 - 1e-6)
               for v, p in zip(held, points)]
    coverage = sum(covered) / n
    # The check lets each sample use less than the design; the design itself
    # is built and leased whole: its capital and O&M, plus each covered
    # sample's oil and flow costs (its operating cost less its own O&M).
    design_capital, design_om = _design_fixed_costs(base, capacity, fill, release)
    running = []
    for r in checks:
        if r.status == "ok":
            own = {o.name: r.outputs[f"capacity_mb_{o.name}"] for o in base.storage}
            running.append(r.outputs["operating_cost_musd"] + r.outputs["oil_cost_musd"]
                           - _design_fixed_costs(base, own, 0.0, 0.0)[1])
    expected = design_capital + design_om + (float(np.mean(running)) if running else math.nan)
    outputs = {
        "storage_capacity_mb": float(sum(capacity.values())),
        "fill_capacity_mbd": fill, "release_capacity_mbd": release,
        "capital_cost_musd": design_capital,
        "storage_om_cost_musd": design_om,
        "expected_total_cost_musd": expected,
        "coverage": coverage,
        "coverage_with_build_times": strict,
        "beyond_limits": int(bool(beyond)),
        "limits_exceeded": " + ".join(beyond),
        **{f"capacity_mb_{k}": v for k, v in capacity.items()},
    }
    return ConfidenceDesign(capacity, fill, release, coverage, covered, strict, expected, outputs)


def _needs_as_outputs(needs: dict) -> dict:
    """An out-of-reach sample's needs under the output names a solved one has."""
    out = {name: needs[need] for name, need in NEEDS_OF.items()}
    out.update({k[len("needed_"):]: v for k, v in needs.items()
                if k.startswith("needed_capacity_mb_")})
    return out


def _target(make: PointScenario, point: dict) -> float:
    try:
        return make(point).target_impact_usd_per_bbl
    except InputError:
        return math.inf   # a sample with bad inputs is not covered


def _design_fixed_costs(base: Scenario, capacity: dict, fill: float,
                        release: float) -> tuple[float, float]:
    """Capital and storage O&M [musd] of a design, at the base scenario's prices."""
    from .problem import build_problem
    data = build_problem(base)
    existing = np.array([o.existing_mb for o in base.storage])
    new = np.maximum(np.array([capacity[o.name] for o in base.storage]) - existing, 0.0)
    milp = [k for k, o in enumerate(base.storage) if o.build_or_not]
    built = (new[milp] > 1e-9).astype(float)
    capital = float(data.capital_musd_per_mb @ new + data.fixed_charge_musd[milp] @ built
                    + data.rate_capital_musd_per_mbd * (fill + release))
    om = float(data.om_musd_per_mb_new @ new + data.om_existing_musd.sum())
    return capital, om


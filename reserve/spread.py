"""The answer's range: the same question across the contested inputs.

An answer from one elasticity pair, with commercial holders left out and
other producers assumed still, is not one an economist signs. The range
re-solves the same question, warm (one :class:`reserve.sweep.Resolver`),
across

- the elasticity pairs: the scenario's own and the three econometric
  studies shipped in ``models/elasticities.toml`` (Kilian & Murphy 2014;
  Baumeister & Hamilton 2019; Caldara, Cavallo & Iacoviello 2019);
- commercial holders off (b = 0) and on (the scenario's b, or
  :data:`HOLDERS_ON` when it has none);
- each producer response (:mod:`reserve.responses`),

and reports storage, fill rate, cost and the owner's net benefit per cell,
the scenario's own cell marked. A cell out of reach shows what it would
need with the caps on storage and rates lifted, as sweeps do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .errors import InputError
from .results import with_needs
from .scenario import Scenario
from .scenariofile import elasticity_presets
from .schema import PRODUCER_RESPONSES
from .sweep import PointResult, Resolver, solve_point
from .validation import validate

#: The studies whose pairs the range adds to the scenario's own.
STUDIES = ("kilian-murphy-2014", "baumeister-hamilton-2019", "caldara-cavallo-iacoviello-2019")
#: Holders' response [mb per USD/bbl] of the "on" column when the scenario has none:
#: the low end of the range in models/sechin-2008.toml.
HOLDERS_ON = 2.0
#: The figures of each cell, in table order.
FIGURES = ("storage_capacity_mb", "fill_capacity_mbd", "total_cost_musd", "net_benefit_musd")


@dataclass
class Range:
    """The cells of the range, one dict each (:data:`FIGURES`, the cell's inputs,
    ``status``, ``own``), in table order."""

    cells: list = field(default_factory=list)

    @property
    def own(self) -> dict | None:
        """The scenario's own cell, if one of the cells is it."""
        return next((c for c in self.cells if c["own"]), None)

    def spread_of(self, figure: str = "storage_capacity_mb") -> tuple[float, float]:
        """The least and most of ``figure`` over the cells within reach."""
        values = [c[figure] for c in self.cells if c["status"] == "ok"]
        return (min(values), max(values)) if values else (math.nan, math.nan)

    def moved_most_by(self, figure: str = "storage_capacity_mb") -> str:
        """The input (elasticities, holders, producers) whose change alone from the
        scenario's own cell moves ``figure`` most."""
        own = self.own
        if own is None or own["status"] != "ok":
            return ""
        best, what = -1.0, ""
        for axis in ("elasticities", "holders", "producers"):
            others = [c for c in self.cells if c["status"] == "ok" and c[axis] != own[axis]
                      and all(c[a] == own[a] for a in ("elasticities", "holders", "producers")
                              if a != axis)]
            spread = max((abs(c[figure] - own[figure]) for c in others), default=-1.0)
            if spread > best:
                best, what = spread, axis
        return what


def answer_range(scenario: Scenario, path=None, progress=None) -> Range:
    """The range of ``scenario``'s answer (module docstring); ``path`` is its
    baseline price path, if any; ``progress(done, total, what)`` hears each cell."""
    presets = elasticity_presets()
    own_pair = (scenario.demand_elasticity, scenario.supply_elasticity)
    pairs = [("scenario", own_pair)] + [
        (name, (presets[name]["demand_elasticity"], presets[name]["supply_elasticity"]))
        for name in STUDIES if name in presets]
    b = scenario.private_storage_response_mb_per_usd
    holders = [("off", 0.0), ("on", b if b > 0 else HOLDERS_ON)]
    band = scenario.floor_usd_per_bbl is not None or scenario.ceiling_usd_per_bbl is not None
    producers = [p for p in PRODUCER_RESPONSES if not (band and p == "price-target")]
    own_producer = scenario.producer_response if scenario.offset_share is None else None
    resolver = Resolver(scenario, path)
    cells, order = [], []
    along = list(enumerate(producers))
    total = len(pairs) * len(holders) * len(producers)
    for turn, (pair_name, (demand, supply)) in enumerate(pairs):
        for h, (holder_name, response) in enumerate(holders):
            # back and forth along the producers: each cell warm from the one that
            # differs least (a new pair alone), a tenth fewer simplex iterations than
            # starting each pair's producers over; the table keeps its order
            for p, producer in (along[::-1] if turn % 2 else along):
                order.append((turn, h, p))
                if progress is not None:
                    progress(len(cells), total, f"{pair_name}, holders {holder_name}, {producer}")
                cell = scenario.with_params(
                    demand_elasticity=demand, supply_elasticity=supply,
                    private_storage_response_mb_per_usd=response,
                    producer_response=producer, offset_share=None)
                try:   # what each cell asks of the rest (holders need the linear market)
                    validate(cell)
                except InputError as err:
                    point = PointResult("error", {}, str(err))
                else:   # marginal cost and reachable impact are not in the table
                    point = solve_point(resolver, cell, marginal=False, reach=False)
                row = with_needs({"status": point.status, **point.outputs})
                cells.append({
                    "elasticities": pair_name, "demand_elasticity": demand,
                    "supply_elasticity": supply, "holders": holder_name,
                    "private_storage_response_mb_per_usd": response, "producers": producer,
                    "status": point.status, "message": point.message,
                    "own": (pair_name == "scenario" and (holder_name == "on") == (b > 0)
                            and producer == own_producer),
                    **{f: float(row.get(f, math.nan)) for f in FIGURES}})
    if progress is not None:
        progress(total, total, "range done")
    return Range([cell for _, cell in sorted(zip(order, cells), key=lambda pair: pair[0])])

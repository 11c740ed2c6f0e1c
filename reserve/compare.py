"""``reserve compare A B``: two runs or scenarios, inputs and outputs side by side.

Each side is a run file (``-o run.json``: its scenario and the outputs it
printed) or a scenario (a shipped name or a file, answered here as
``reserve size`` answers it). Every input is listed (each flat parameter,
each storage option's and owner's field, the baseline price path in
words) and every output, each with its unit, the two values, B − A for
numbers and whether they differ. Numbers differ when they part by more
than :data:`SAME_RELATIVE` of the larger (a run file keeps floats exactly,
so a re-run of the same question compares equal).

This module only sets the sides beside each other; answering a scenario is
:func:`reserve.api.compare`'s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

from .schema import PARAMETERS, STORAGE_FIELDS
from .sheets import unit_of

#: Two numbers this close (relative to the larger) are the same.
SAME_RELATIVE = 1e-9
#: A run file's keys that are not outputs.
NOT_OUTPUTS = ("run", "scenario", "checksum", "warnings", "notes", "owners", "range")


@dataclass
class Side:
    """One side of a comparison: where it came from and what it holds."""

    label: str
    source: str
    kind: str                       # "run" or "scenario"
    scenario: object                # a reserve.scenario.Scenario
    outputs: dict = field(default_factory=dict)
    #: why there are no outputs (the target out of reach), or ""
    message: str = ""
    version: str = ""


def inputs(s) -> dict[str, tuple[object, str]]:
    """Every input of the scenario ``s`` by name, with its unit."""
    out = {p.name: (s.params[p.name], p.unit) for p in PARAMETERS}
    for option in s.storage:
        for f in STORAGE_FIELDS[1:]:
            out[f"storage.{option.name}.{f.name}"] = (getattr(option, f.name), f.unit)
    for owner in s.owners:
        for f in fields(owner)[1:]:
            out[f"owner.{owner.name}.{f.name}"] = (getattr(owner, f.name), unit_of(f.name)[0])
    out["price_path"] = (path_words(s.price_path), "")
    return out


def path_words(path) -> str:
    """The baseline in words: constant, or the path's days and its prices' range."""
    if path is None:
        return "constant (price_usd_per_bbl)"
    prices = getattr(path, "price_usd_per_bbl", path)
    days = getattr(path, "day", None)
    span = f"{int(days[-1]) + 1} days" if days is not None else f"{len(prices)} periods"
    start = getattr(path, "start_date", None)
    dated = f" from {start.isoformat()}" if start is not None else ""
    return (f"{span}{dated}, {float(min(prices)):.2f} to {float(max(prices)):.2f} USD/bbl "
            f"(first {float(prices[0]):.2f}, last {float(prices[-1]):.2f})")


def differs(a, b) -> bool:
    """Whether two values differ (numbers beyond :data:`SAME_RELATIVE`)."""
    if _number(a) and _number(b):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) != math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a != b
        return abs(a - b) > SAME_RELATIVE * max(abs(a), abs(b), 1e-300)
    return a != b


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def rows(a: Side, b: Side) -> list[dict]:
    """The comparison, one row a name (module docs); outputs only one side
    has read ``None`` on the other."""
    out = []
    ins_a, ins_b = inputs(a.scenario), inputs(b.scenario)
    for name in dict.fromkeys([*ins_a, *ins_b]):
        unit = (ins_a.get(name) or ins_b.get(name))[1]
        out.append(_row("input", name, unit, ins_a.get(name, (None,))[0],
                        ins_b.get(name, (None,))[0]))
    for name in dict.fromkeys([*a.outputs, *b.outputs]):
        out.append(_row("output", name, unit_of(name)[0], a.outputs.get(name),
                        b.outputs.get(name)))
    return out


def _row(section: str, name: str, unit: str, a, b) -> dict:
    difference = b - a if _number(a) and _number(b) else None
    return {"section": section, "name": name, "unit": unit, "a": a, "b": b,
            "difference": difference, "differs": differs(a, b)}


def run_outputs(record: dict) -> dict:
    """The outputs of a run file's object: its top-level numbers and words."""
    return {k: v for k, v in record.items() if k not in NOT_OUTPUTS}


def summary(a: Side, b: Side, table: list[dict]) -> str:
    """What differs, in one sentence."""
    ins = [r["name"] for r in table if r["section"] == "input" and r["differs"]]
    outs = [r for r in table if r["section"] == "output" and r["differs"]]
    if not ins and not outs:
        return f"{a.label} and {b.label} are the same question with the same answer."
    shown = ", ".join(ins[:4]) + (f" and {len(ins) - 4} more" if len(ins) > 4 else "")
    words = (f"{_count(len(ins), 'input')} ({shown})" if ins else "the inputs are the same")
    return f"{a.label} against {b.label}: {words}; {_count(len(outs), 'output')}."


def _count(n: int, what: str) -> str:
    return f"1 {what} differs" if n == 1 else f"{n} {what}s differ"


@dataclass
class Comparison:
    """Two sides and their rows (:func:`rows`); ``plot()`` draws the key outputs."""

    a: Side
    b: Side
    rows: list

    @property
    def summary(self) -> str:
        return summary(self.a, self.b, self.rows)

    def sheet(self) -> tuple[list[dict], list[str]]:
        """Rows for a sheet, the two sides' columns named by their labels."""
        la, lb = self.labels
        table = [{**{k: r[k] for k in ("section", "name", "unit")}, la: r["a"], lb: r["b"],
                  "difference": r["difference"], "differs": "yes" if r["differs"] else ""}
                 for r in self.rows]
        return table, ["section", "name", "unit", la, lb, "difference", "differs"]

    @property
    def labels(self) -> tuple[str, str]:
        if self.a.label == self.b.label:
            return f"{self.a.label} (A)", f"{self.b.label} (B)"
        return self.a.label, self.b.label

    def plot(self):
        """The key outputs of the two sides as bars (a matplotlib figure)."""
        from .plot_compare import compare_figure
        return compare_figure(self)

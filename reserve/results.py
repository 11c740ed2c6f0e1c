"""Results: the named outputs of DESIGN.md section 3, the schedule, and their files.

Every output keeps its schema name (CSV column, JSON key) with its unit in the
name. CSV is written for spreadsheets: comma separated, a header row, plain
decimal points, no thousands separators. Files are written whole or not at
all (a temporary file in the same folder, then an atomic rename).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np

from .solve import Answer

#: Output names in report order, each with its unit and a label for the table.
OUTPUTS: tuple[tuple[str, str, str], ...] = (
    ("target_impact_usd_per_bbl", "USD/bbl", "Target price impact"),
    ("max_impact_usd_per_bbl", "USD/bbl", "Largest impact held"),
    ("hold_days", "d", "Window length"),
    ("storage_capacity_mb", "mb", "Storage capacity, total"),
    ("fill_capacity_mbd", "mb/d", "Fill capacity"),
    ("release_capacity_mbd", "mb/d", "Release capacity"),
    ("oil_absorbed_mb", "mb", "Oil absorbed"),
    ("oil_released_mb", "mb", "Oil released"),
    ("end_inventory_mb", "mb", "Inventory at the end"),
    ("min_window_impact_usd_per_bbl", "USD/bbl", "Weakest impact in the window"),
    ("min_price_usd_per_bbl", "USD/bbl", "Lowest supported price"),
    ("max_price_usd_per_bbl", "USD/bbl", "Highest supported price"),
    ("floor_usd_per_bbl", "USD/bbl", "Price floor"),
    ("ceiling_usd_per_bbl", "USD/bbl", "Price ceiling"),
    ("capital_cost_musd", "musd", "Capital cost"),
    ("operating_cost_musd", "musd", "Operating cost (O&M, leases, fees)"),
    ("oil_cost_musd", "musd", "Oil cost (carrying the stock)"),
    ("total_cost_musd", "musd", "Total cost, present value"),
    ("marginal_cost_musd_per_usd", "musd per USD/bbl", "Cost of 1 USD/bbl more"),
    ("days_of_world_demand", "d", "Days of world demand held"),
    ("termination", "", "Solver result"),
)

SCHEDULE_COLUMNS = ("day", "fill_mbd", "release_mbd", "net_absorption_mbd", "inventory_mb",
                    "baseline_price_usd_per_bbl", "price_impact_usd_per_bbl",
                    "price_usd_per_bbl", "in_window")


def schedule(answer: Answer) -> dict[str, np.ndarray]:
    """The schedule, one value per period, by the column names of DESIGN.md 3."""
    d, sol = answer.data, answer.solution
    net = sol.fill_mbd - sol.release_mbd
    impact = sol.impact_usd_per_bbl
    return {
        "day": d.period_start_day,
        "fill_mbd": sol.fill_mbd,
        "release_mbd": sol.release_mbd,
        "net_absorption_mbd": (1.0 - d.scenario.offset_share) * net,
        "inventory_mb": sol.inventory_mb,
        "baseline_price_usd_per_bbl": d.baseline_price_usd_per_bbl,
        "price_impact_usd_per_bbl": impact,
        "price_usd_per_bbl": d.baseline_price_usd_per_bbl + impact,
        "in_window": d.in_window.astype(int),
    }


def outputs(answer: Answer) -> dict[str, object]:
    """Every named output of a run: numbers in their units, plus per-option capacity."""
    d, sol, s = answer.data, answer.solution, answer.scenario
    impact = sol.impact_usd_per_bbl[d.in_window]
    weakest = math.nan
    if d.has_target:
        weakest = float(impact.min()) if d.sign > 0 else float(impact.max())
    supported = d.baseline_price_usd_per_bbl + sol.impact_usd_per_bbl
    total_capacity = float(sol.capacity_mb.sum())
    out = {
        "target_impact_usd_per_bbl": (answer.target_impact_usd_per_bbl if answer.mode == "size"
                                      else math.nan),
        "max_impact_usd_per_bbl": (answer.target_impact_usd_per_bbl if answer.mode == "impact"
                                   else math.nan),
        "hold_days": s.hold_days,
        "storage_capacity_mb": total_capacity,
        "fill_capacity_mbd": sol.fill_capacity_mbd,
        "release_capacity_mbd": sol.release_capacity_mbd,
        "oil_absorbed_mb": float(d.step_days * sol.fill_mbd.sum()),
        "oil_released_mb": float(d.step_days * sol.release_mbd.sum()),
        "end_inventory_mb": float(sol.inventory_mb[-1]),
        "min_window_impact_usd_per_bbl": weakest,
        "min_price_usd_per_bbl": float(supported.min()),
        "max_price_usd_per_bbl": float(supported.max()),
        "capital_cost_musd": sol.capital_cost_musd,
        "operating_cost_musd": sol.operating_cost_musd,
        "oil_cost_musd": sol.oil_cost_musd,
        "total_cost_musd": sol.total_cost_musd,
        "marginal_cost_musd_per_usd": answer.marginal_cost_musd_per_usd,
        "days_of_world_demand": total_capacity / s.demand_mbd,
        "termination": "optimal",
    }
    if answer.mode == "size":
        del out["max_impact_usd_per_bbl"]
    else:
        del out["target_impact_usd_per_bbl"]
    for name in ("floor_usd_per_bbl", "ceiling_usd_per_bbl"):
        if s[name] is not None:
            out[name] = s[name]
    for option, capacity in zip(s.storage, sol.capacity_mb):
        out[f"capacity_mb_{option.name}"] = float(capacity)
    return out


def _bn(musd: float) -> str:
    """Money in words: '$1.09 bn', '-$0.06 bn'."""
    return f"{'-' if musd < 0 else ''}${abs(musd) / 1000.0:.2f} bn"


def sentence(answer: Answer) -> str:
    """The answer in words, for the line under the table."""
    s, sol, d = answer.scenario, answer.solution, answer.data
    out = outputs(answer)
    raising = d.sign > 0
    verb = "above" if raising else "below"
    base = "the baseline path" if d.has_price_path else f"${s.price_usd_per_bbl:.2f}"
    impact = abs(answer.target_impact_usd_per_bbl)
    # the window's own average flow (what is traded before it is optional)
    window_rate = abs(float((sol.fill_mbd - sol.release_mbd)[d.in_window].mean()))
    rate_text = f"{'absorb' if raising else 'release'} {window_rate:.2f} mb/d"
    parts = [f"{c:,.0f} mb {o.name.replace('_', ' ')}"
             for o, c in zip(s.storage, sol.capacity_mb) if c > 0.5]
    split = f" ({', '.join(parts)})" if parts else ""
    gain = " (a gain: oil sold early earns interest)" if out["total_cost_musd"] < 0 else ""
    if answer.mode == "size" and not d.has_target:
        band = " and ".join(
            f"at or {side} ${value:.2f}" for side, value in
            (("above", s.floor_usd_per_bbl), ("below", s.ceiling_usd_per_bbl)) if value is not None)
        return (f"Holding crude {band}/bbl for all {d.horizon_days} days needs a reserve that "
                f"absorbs up to {out['fill_capacity_mbd']:.2f} mb/d and releases up to "
                f"{out['release_capacity_mbd']:.2f} mb/d: {out['storage_capacity_mb']:,.0f} mb "
                f"of storage{split}, {out['days_of_world_demand']:.1f} days of world demand, "
                f"at a present cost of {_bn(out['total_cost_musd'])}{gain}.")
    if answer.mode == "size":
        return (f"Holding crude ${impact:.2f}/bbl {verb} {base} for "
                f"{s.hold_days} days needs the reserve to {rate_text}: "
                f"{out['storage_capacity_mb']:,.0f} mb of storage{split}, "
                f"{out['days_of_world_demand']:.1f} days of world demand, at a present cost of "
                f"{_bn(out['total_cost_musd'])}{gain} ({_bn(out['capital_cost_musd'])} capital, "
                f"{_bn(out['operating_cost_musd'])} operating, "
                f"{_bn(out['oil_cost_musd'])} carrying the oil).")
    return (f"A reserve of {out['storage_capacity_mb']:,.0f} mb that can fill at "
            f"{s.fill_rate_max_mbd:g} and release at {s.release_rate_max_mbd:g} mb/d "
            f"can hold crude at most ${impact:.2f}/bbl {verb} {base} "
            f"for {s.hold_days} days, {'absorbing' if raising else 'releasing'} "
            f"{window_rate:.2f} mb/d.")


# -- formats ---------------------------------------------------------------------

def number_text(value: object) -> str:
    """A cell for CSV: plain decimal point, no thousands separator; '' for NaN."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(int(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    x = float(value)
    if math.isnan(x):
        return ""
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if abs(x) < 1e-9:
        return "0"
    text = f"{x:.10g}"
    if "e" in text:  # spreadsheets read this too, but plain digits are plainer
        text = f"{x:.12f}".rstrip("0").rstrip(".")
    return text


def to_csv(rows: list[dict[str, object]], columns: list[str] | None = None) -> str:
    columns = columns or (list(rows[0]) if rows else [])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([number_text(row.get(c, "")) for c in columns])
    return buffer.getvalue()


def json_ready(value: object) -> object:
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        return None if math.isnan(x) or math.isinf(x) else x
    return value


def to_json(values: dict[str, object]) -> str:
    return json.dumps(json_ready(values), indent=2) + "\n"


def schedule_csv(answer: Answer) -> str:
    columns = schedule(answer)
    rows = [dict(zip(columns, vals)) for vals in zip(*columns.values())]
    return to_csv(rows, list(SCHEDULE_COLUMNS))


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes) to ``path`` whole or not at all (temp file + rename)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    binary = isinstance(text, bytes)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)   # mkstemp makes 0600; a report is for sharing
        with (os.fdopen(fd, "wb") if binary
              else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise

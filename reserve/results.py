"""Results: the named outputs (docs/explanation/model.md, "Outputs"), the schedule, and their files.

Every output keeps its schema name (CSV column, JSON key) with its unit in the
name. CSV is written for spreadsheets: comma separated, a header row, plain
decimal points, no thousands separators (files are written by
:mod:`reserve.files`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .ledger import ledger, ledger_words, not_modelled, owner_rows
from .schema import LEDGER_OUTPUTS, OUTPUTS  # noqa: F401 - results.OUTPUTS, as before
from .sheets import bn_text, inert, number_text  # noqa: F401 - the cells' format, as before
from .valuation import full_capital_musd, oil_words, sale_value_musd, valuation_notes

if TYPE_CHECKING:   # annotations only: solve imports this module, not the reverse
    from .solve import Answer

SCHEDULE_COLUMNS = ("day", "fill_mbd", "release_mbd", "net_absorption_mbd", "inventory_mb",
                    "baseline_price_usd_per_bbl", "price_impact_usd_per_bbl",
                    "price_usd_per_bbl", "in_window")


def schedule(answer: Answer) -> dict[str, np.ndarray]:
    """The schedule, one value per period, by the column names of SCHEDULE_COLUMNS
    (with commercial holders, their ``private_stock_mb`` and ``private_flow_mbd``
    after the net absorption), then ``capacity_<option>_mb`` (capacity under
    contract) per leased option."""
    return schedule_of(answer.data, answer.solution)


def schedule_of(d, sol) -> dict[str, np.ndarray]:
    """:func:`schedule` of a solution of the problem ``d`` (one path of many)."""
    h = d.n_horizon   # the horizon's periods (the sale after it is reported apart)
    net = sol.fill_mbd - sol.release_mbd
    impact = sol.impact_usd_per_bbl
    leased = {f"capacity_{d.options[k].name}_mb": sol.contracted_mb[j]
              for j, k in enumerate(d.leases)}
    return {
        "day": d.period_start_day[:h],
        "fill_mbd": sol.fill_mbd,
        "release_mbd": sol.release_mbd,
        # what the market sees of the reserve once other producers have answered
        "net_absorption_mbd": d.keep_share[:h] * net - d.producer_offset_mbd[:h],
        **private_columns(d, sol),
        "inventory_mb": sol.inventory_mb,
        "baseline_price_usd_per_bbl": d.baseline_price_usd_per_bbl[:h],
        "price_impact_usd_per_bbl": impact,
        "price_usd_per_bbl": d.baseline_price_usd_per_bbl[:h] + impact,
        "in_window": d.in_window[:h].astype(int),
        **leased,
    }


def private_columns(d, sol) -> dict[str, np.ndarray]:
    """Commercial holders beside the reserve (with private storage only): their
    stock against the baseline [mb] and what they buy (+) or sell (-) a day [mb/d]."""
    if not sol.private_stock_mb.size:
        return {}
    stock = sol.private_stock_mb
    return {"private_stock_mb": stock,
            "private_flow_mbd": np.diff(stock, prepend=0.0) / d.step_days}


def outputs(answer: Answer) -> dict[str, object]:
    """Every named output of a run: numbers in their units, plus per-option capacity.

    In impact mode the fill and release capacities are the design's (given,
    or the scenario's caps); the peak flows are what its schedule uses.
    """
    d, sol, s = answer.data, answer.solution, answer.scenario
    h = d.n_horizon
    impact = sol.impact_usd_per_bbl[d.in_window[:h]]
    weakest = math.nan
    if d.has_target:
        weakest = float(impact.min()) if d.sign > 0 else float(impact.max())
    supported = d.baseline_price_usd_per_bbl[:h] + sol.impact_usd_per_bbl
    # the most storage held at once: owned capacity once built plus leases
    # under contract (each option's own peak is its capacity_mb_<option>)
    total_capacity = float(sol.usable_capacity_mb.max())
    peak_stock = float(max(sol.inventory_mb.max(), s.initial_inventory_mb))
    size_mode = answer.mode == "size"
    out = {
        "target_impact_usd_per_bbl": answer.target_impact_usd_per_bbl if size_mode else math.nan,
        "max_impact_usd_per_bbl": math.nan if size_mode else answer.target_impact_usd_per_bbl,
        "hold_days": s.hold_days,
        "storage_capacity_mb": total_capacity,
        "fill_capacity_mbd": sol.fill_capacity_mbd if size_mode else s.fill_rate_max_mbd,
        "release_capacity_mbd": (sol.release_capacity_mbd if size_mode
                                 else s.release_rate_max_mbd),
        "peak_fill_mbd": float(sol.fill_mbd.max()),
        "peak_release_mbd": float(sol.release_mbd.max()),
        "oil_absorbed_mb": float(d.step_days * sol.fill_mbd.sum()),
        "oil_released_mb": float(d.step_days * sol.release_mbd.sum()),
        "max_inventory_mb": peak_stock,
        "end_inventory_mb": float(sol.inventory_mb[-1]),
        "min_window_impact_usd_per_bbl": weakest,
        "min_price_usd_per_bbl": float(supported.min()),
        "max_price_usd_per_bbl": float(supported.max()),
        "capital_cost_musd": sol.capital_cost_musd,
        "capital_cost_full_musd": full_capital_musd(answer),
        "operating_cost_musd": sol.operating_cost_musd,
        "oil_cost_musd": sol.oil_cost_musd,
        "total_cost_musd": sol.total_cost_musd,
        "closing_stock_mb": float(sol.inventory_mb[-1]) - s.initial_inventory_mb,
        "liquidation_days": d.liquidation_periods * d.step_days,
        "sale_value_musd": sale_value_musd(answer),
        "marginal_cost_musd_per_usd": answer.marginal_cost_musd_per_usd,
        **ledger(answer),
        "days_of_world_demand": total_capacity / s.demand_mbd,
        "max_inventory_days_of_world_demand": peak_stock / s.demand_mbd,
        "termination": "optimal",
    }
    del out["max_impact_usd_per_bbl" if size_mode else "target_impact_usd_per_bbl"]
    for name in ("floor_usd_per_bbl", "ceiling_usd_per_bbl"):
        if s[name] is not None:
            out[name] = s[name]
    for option, capacity in zip(s.storage, sol.capacity_mb):
        out[f"capacity_mb_{option.name}"] = float(capacity)
    return out



#: The owners' table after its owner and share columns: (header, key, in M USD).
OWNER_COLUMNS = (("mb", "owner_volume_mb", False), ("cost", "owner_cost_musd", True),
                 ("trade gain", "export_gain_musd", True), ("GDP gain", "gdp_gain_musd", True),
                 ("net benefit", "net_benefit_musd", True),
                 ("consumers' surplus", "consumers_surplus_musd", True))


def owners(answer: Answer) -> list[dict]:
    """Each owner's ledger line (reserve.owners), shares taken of the reserve's
    trade: the larger of the oil it absorbs and the oil it releases."""
    d, sol = answer.data, answer.solution
    traded = d.step_days * max(float(sol.fill_mbd.sum()), float(sol.release_mbd.sum()))
    return owner_rows(answer, traded)


def left_out(answer: Answer) -> dict[str, str]:
    """The outputs whose term the answer's scenario leaves out, each with why
    (reserve.ledger.not_modelled): a table says "not modelled" for them."""
    return not_modelled(answer.scenario)


def extras(answer: Answer) -> dict:
    """What an answer's JSON carries beside its outputs: its ``warnings`` and
    ``notes``, and, when it has them, its ``range`` (the cells) and its
    ``owners`` (each owner's ledger line)."""
    out = {"warnings": answer.warnings, "notes": notes(answer)}
    if answer.range is not None:
        out["range"] = answer.range.cells
    lines = owners(answer)
    if lines:
        out["owners"] = lines
    return out


def with_owners(values: dict, rows: list[dict]) -> list[dict]:
    """The answer's row, then one row per owner (the columns of both), for
    a table file: the owners' gains add up to the answer's."""
    if not rows:
        return [values]
    return [{"owner": "all owners", **values}, *rows]


def _rate(value: float) -> str:
    return "no limit" if math.isinf(value) else f"{value:.2f}"


def storage_words(answer: Answer) -> str:
    """The storage of an answer in words: existing and new (or leased) apart.

    The total is the most storage held at once; each option is named with
    its own peak (leases peak at different times, so the peaks may add up
    to more than the total).
    """
    s, sol = answer.scenario, answer.solution
    existing = sum(o.existing_mb for o in s.storage)
    peak = float(sol.usable_capacity_mb.max())
    parts = [(o, c - o.existing_mb) for o, c in zip(s.storage, sol.capacity_mb)
             if c - o.existing_mb > 0.5]
    new = peak - existing
    words = []
    if existing > 0:
        words.append(f"{existing:,.0f} mb of existing storage")
    if new > 0.5:
        split = ", ".join(f"{extra:,.0f} mb {o.name.replace('_', ' ')}" for o, extra in parts)
        if sum(extra for _, extra in parts) > new + 0.5:
            split = "at their peaks: " + split
        words.append(f"{new:,.0f} mb of {'new ' if existing > 0 else ''}storage ({split})")
    elif existing > 0:
        words.append("no new storage")
    return (" and ".join(words) or "no storage") + f", {peak / s.demand_mbd:.1f} days of world demand"


def sentence(answer: Answer) -> str:
    """The answer in words, for the line under the table, the ledger's verdict last."""
    words = _what_it_takes(answer)
    if answer.solution.private_stock_mb.size and answer.mode == "size" and answer.data.has_target:
        words += " " + holders_words(answer)
    values = ledger(answer)
    if values and answer.scenario.objective != "net-benefit":
        words += f" It {ledger_words(answer, values)}."
    return words


def _what_it_takes(answer: Answer) -> str:
    s, sol, d = answer.scenario, answer.solution, answer.data
    out = outputs(answer)
    raising = d.sign > 0
    verb = "above" if raising else "below"
    base = "the baseline path" if d.has_price_path else f"${s.price_usd_per_bbl:.2f}"
    impact = abs(answer.target_impact_usd_per_bbl)
    # the window's own average flow (what is traded before it is optional)
    window_rate = abs(float((sol.fill_mbd - sol.release_mbd)[d.in_window[:d.n_horizon]].mean()))
    window_volume = window_rate * s.hold_days
    if raising:
        flow = f"absorb {window_rate:.2f} mb/d"
    else:
        stock = (f" from a stock of {s.initial_inventory_mb:,.0f} mb"
                 if s.initial_inventory_mb > 0 else "")
        flow = f"release {window_rate:.2f} mb/d, {window_volume:,.0f} mb in all{stock}"
    gain = " (a gain)" if out["total_cost_musd"] < 0 else ""
    cost = (f"at a present cost of {bn_text(out['total_cost_musd'])}{gain} "
            f"({bn_text(out['capital_cost_musd'])} capital, {bn_text(out['operating_cost_musd'])} "
            f"storage and fees, {bn_text(out['oil_cost_musd'])} {oil_words(answer)})")
    if s.objective == "net-benefit":
        return _best_for_owner(answer, out)
    if answer.mode == "size" and not d.has_target:
        band = " and ".join(
            f"at or {side} ${value:.2f}" for side, value in
            (("above", s.floor_usd_per_bbl), ("below", s.ceiling_usd_per_bbl)) if value is not None)
        return (f"Holding crude {band}/bbl for all {d.horizon_days} days needs a reserve that "
                f"absorbs up to {out['peak_fill_mbd']:.2f} mb/d and releases up to "
                f"{out['peak_release_mbd']:.2f} mb/d: {storage_words(answer)}, {cost}.")
    if answer.mode == "size":
        return (f"Holding crude ${impact:.2f}/bbl {verb} {base} for {s.hold_days} days needs "
                f"the reserve to {flow}: {storage_words(answer)}, {cost}.")
    return (f"A reserve of {out['storage_capacity_mb']:,.0f} mb that can fill at up to "
            f"{_rate(s.fill_rate_max_mbd)} and release at up to {_rate(s.release_rate_max_mbd)} "
            f"mb/d can hold crude at most ${impact:.2f}/bbl {verb} {base} "
            f"for {s.hold_days} days, {'absorbing' if raising else 'releasing'} "
            f"{window_rate:.2f} mb/d.")


def holders_words(answer: Answer) -> str:
    """What commercial holders do around the window, in words: what they buy ahead
    of it, and the run on the reserve before its known end."""
    s, d, sol = answer.scenario, answer.data, answer.solution
    h = d.n_horizon
    window = np.flatnonzero(d.in_window[:h])
    first, last = int(window[0]), int(window[-1])
    stock = sol.private_stock_mb
    flow = np.diff(stock, prepend=0.0)
    days = s.private_storage_horizon_days
    ahead = float(stock[first - 1]) if first > 0 else 0.0
    run_from = max(first, last + 1 - days // d.step_days)
    run = -float(flow[run_from:last + 1].sum()) * d.sign
    words = []
    if d.sign * ahead > 0.5:
        words.append(f"commercial holders {'buy' if d.sign > 0 else 'sell'} {abs(ahead):,.0f} mb "
                     "ahead of the window, which moves the price before it opens")
    if run > 0.5:
        saving = answer.glide_saving_musd
        if s.tail_days == 0 or saving is None:
            glide = "; the defence ends at once (tail_days = 0), so nothing eases it"
        elif math.isinf(saving):
            glide = (f"; the price glides down over the {s.tail_days} days after the window, "
                     "without which the target would be out of reach")
        else:
            glide = (f"; letting the price glide down over the {s.tail_days} days after the "
                     f"window instead of ending at once saves {bn_text(saving)}")
        words.append(f"in the last {days} days of the window they "
                     f"{'sell' if d.sign > 0 else 'buy'} {run:,.0f} mb into the reserve "
                     f"ahead of its known end (a run on the reserve, Salant 1983){glide}")
    if not words:
        return ""
    text = "; ".join(words)
    return text[0].upper() + text[1:] + "."


def is_none(answer: Answer) -> bool:
    """True when an answer trades nothing: the best reserve is none."""
    sol = answer.solution
    return float(np.abs(sol.fill_mbd).max() + np.abs(sol.release_mbd).max()) < 1e-6


def _best_for_owner(answer: Answer, out: dict) -> str:
    """The net-benefit answer in words: the best reserve for its owner, or none and why."""
    s, sol = answer.scenario, answer.solution
    owner = s.owner
    which = "The best reserve for" if answer.mode == "size" else (
        f"With a reserve of {out['storage_capacity_mb']:,.0f} mb, the best schedule for")
    if is_none(answer):
        return f"{which} {owner} is none: {why_none(answer)}."
    moves = sol.impact_usd_per_bbl
    biggest = float(moves[np.argmax(np.abs(moves))])
    flows = []
    if out["peak_fill_mbd"] > 1e-6:
        flows.append(f"absorbs up to {out['peak_fill_mbd']:.2f} mb/d")
    if out["peak_release_mbd"] > 1e-6:
        flows.append(f"releases up to {out['peak_release_mbd']:.2f} mb/d")
    storage = (f" into {storage_words(answer)}" if answer.mode == "size" else "")
    return (f"{which} {owner} {' and '.join(flows)}{storage}, moving crude by up to "
            f"{biggest:+.2f} USD/bbl: it costs {bn_text(out['total_cost_musd'])} and "
            f"{ledger_words(answer, ledger(answer))}.")


def why_none(answer: Answer) -> str:
    """Why trading nothing is best for the owner, in words."""
    s = answer.scenario
    if s.net_exports_mbd == 0 and (s.gdp_usd_bn == 0 or s.gdp_oil_elasticity == 0):
        return ("with no net exports (net_exports_mbd = 0) and no GDP term the price a "
                "reserve moves earns its owner nothing, so any reserve only costs")
    if s.end_inventory_max_mb is not None and s.end_inventory_max_mb <= s.initial_inventory_mb:
        if s.tail_days == 0 and s.end_inventory_max_mb < math.inf:
            return ("it must sell back what it buys within the horizon (the unwind) and "
                    "tail_days = 0 leaves no time to do it")
        return ("it must sell back what it buys within the horizon (the unwind), and selling "
                "gives back what buying earned, so the premium it pays on its own trades and "
                "the costs of storage are never recovered")
    return ("at every size the costs of storing, moving and carrying the oil, and the premium "
            "the reserve pays on its own trades, exceed what its price impact earns")


def notes(answer: Answer) -> list[str]:
    """What a reader needs to read the numbers right, in words."""
    out = [*answer.scenario.remarks, *valuation_notes(answer)]
    marginal = answer.marginal_cost_musd_per_usd
    if answer.mode == "size" and marginal < 0 and answer.scenario.oil_valuation == "cost":
        out.append(
            f"The cost of 1 USD/bbl more is negative ({marginal:,.2f} musd): with "
            "oil_valuation = cost the reserve's oil is valued at the price it was traded "
            "at, so selling a barrel earlier earns the interest on its value until the "
            "horizon's end; a deeper release sells more oil sooner and earns more than its "
            "extra costs.")
    return out


def to_csv(rows: list[dict[str, object]], columns: list[str] | None = None,
           dialect: str = "comma") -> str:
    """Rows as CSV text (:func:`reserve.sheets.csv_text`; ``dialect`` comma or semicolon)."""
    from .sheets import csv_text
    return csv_text(rows, columns or (list(rows[0]) if rows else []), dialect)


def schedule_rows(answer: Answer) -> tuple[list[dict], list[str]]:
    """The schedule as rows (one a period) and its columns."""
    columns = schedule(answer)
    return [dict(zip(columns, vals)) for vals in zip(*columns.values())], list(columns)


def schedule_csv(answer: Answer, dialect: str = "comma") -> str:
    return to_csv(*schedule_rows(answer), dialect)


# -- rows of many solves ----------------------------------------------------------------

#: Where an out-of-reach point says what it would need, by the output it stands for.
NEEDS_OF = {"storage_capacity_mb": "needed_storage_mb",
            "fill_capacity_mbd": "needed_fill_capacity_mbd",
            "release_capacity_mbd": "needed_release_capacity_mbd",
            "total_cost_musd": "needed_total_cost_musd"}


def with_needs(row: dict) -> dict:
    """A row with an out-of-reach sample's needs in the key outputs' places."""
    if row.get("status") != "infeasible" or "needed_storage_mb" not in row:
        return row
    return {**row, **{name: row[need] for name, need in NEEDS_OF.items()}}

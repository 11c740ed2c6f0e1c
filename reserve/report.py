"""`reserve report`: one self-contained HTML file that explains a result.

The file holds the question, the answer in a sentence, the results table,
the schedule chart, a tornado chart of the main inputs, every assumption
with its unit and source, and the command that reproduces it. Charts are
inline SVG and the style sheet is inline: it opens anywhere, offline, and
fetches nothing.
"""

from __future__ import annotations

import html
import math
import re
import shlex
from pathlib import Path

from .files import read_text
from .results import OWNER_COLUMNS, notes, outputs, owners, sentence
from .scenario import Scenario
from .scenariofile import DEFAULT_SCENARIO, packaged_file, shipped_name
from .schema import OUTPUTS
from .schema import PARAMETERS, STORAGE_FIELDS
from .solve import Answer

#: Inputs the report's tornado varies (those that move the answer most).
TORNADO_INPUTS = ("demand_elasticity", "supply_elasticity", "price_usd_per_bbl", "demand_mbd",
                  "target_impact_usd_per_bbl", "hold_days", "discount_rate",
                  "transaction_cost_usd_per_bbl", "rate_capex_usd_per_bbl_per_day")
TORNADO_SPAN = 0.25

_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=")


def toml_sources(text: str) -> tuple[dict[str, str], dict[int, tuple[str, list[str]]]]:
    """The comment that explains each key of a commented TOML scenario.

    A comment block belongs to the key right below it. The keys that follow
    it without a comment of their own are explained by the same block: they
    cite it by the key it belongs to ("as for demand_elasticity") instead of
    repeating it, so each source is said once. Returns flat keys' sources and,
    by position, each [[storage]] table's comment and the keys it sets.
    """
    flat: dict[str, str] = {}
    storage: dict[int, tuple[str, list[str]]] = {}
    above: dict[int, str] = {}
    block: list[str] = []
    owner = ""          # the key the last comment block explained
    table = -1
    gap = False         # a blank line since the last comment line
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            if gap:         # a new block: only the one right above a key explains it
                block, gap = [], False
            block.append(stripped.lstrip("#").strip())
            continue
        # section rulers ("-- market ---") are not sources
        comment = " ".join(b for b in block if b and not b.startswith("--"))
        if stripped == "[[storage]]":
            table += 1
            above[table] = comment   # used only when the table has no comment inside
            storage[table] = ("", [])
            block, owner = [], ""
            continue
        match = _KEY.match(line)
        if match is None:
            if not stripped:
                gap = True  # a blank line keeps a block for the key below it
                continue
            block = []
            continue
        key = match.group(1)
        if table >= 0:
            note, keys = storage[table]
            storage[table] = (note or comment, [*keys, key])
        elif comment:
            flat[key], owner = comment, key
        elif owner:
            flat[key] = f"as for {owner}"
        else:
            flat[key] = ""
        block, gap = [], False
    return flat, {k: (note or above[k], keys) for k, (note, keys) in storage.items()}


def _cell(value) -> str:
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, int):
        return f"{value:,}"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if math.isinf(value):
        return "no limit"
    return f"{value:,.2f}"


def assumptions(s: Scenario, scenario_path: Path | None, overrides: dict) -> list[dict]:
    """Every input with its value, unit and source."""
    shipped = DEFAULT_SCENARIO if scenario_path is None else (
        shipped_name(scenario_path) + ".toml"
        if shipped_name(scenario_path) is not None and not Path(scenario_path).exists() else None)
    if shipped is not None:
        text, where = packaged_file(shipped), f"models/{shipped}"
    else:
        text = (read_text(scenario_path) if Path(scenario_path).suffix == ".toml" else "")
        where = Path(scenario_path).name
    flat, storage = toml_sources(text)
    rows = []
    for p in PARAMETERS:
        if p.name in overrides:
            source = "set for this run (--set or an option)"
        elif p.name in flat:
            source = f"{where}: {flat[p.name]}" if flat[p.name] else where
        else:
            source = "schema default (reserve params)"
        rows.append({"name": p.name, "value": s[p.name], "unit": p.unit,
                     "meaning": p.description, "source": source})
    for k, option in enumerate(s.storage):
        note, keys = storage.get(k, ("", []))
        first = next((f"storage.{option.name}.{f.name}" for f in STORAGE_FIELDS[1:]
                      if f.name in keys), None)
        for field in STORAGE_FIELDS[1:]:
            name = f"storage.{option.name}.{field.name}"
            if name in overrides:
                source = "set for this run (--set or an option)"
            elif field.name not in keys:
                source = "schema default (reserve params)"
            elif name == first:   # the option's comment, said once
                source = f"{where}: {note}" if note else where
            else:
                source = f"as for {first}"
            rows.append({"name": name, "value": getattr(option, field.name), "unit": field.unit,
                         "meaning": field.description, "source": source})
    return rows


def question(answer: Answer) -> str:
    s, d = answer.scenario, answer.data
    if not d.has_target:
        band = " and ".join(f"{side} ${v:.2f}/bbl" for side, v in
                            (("at or above", s.floor_usd_per_bbl),
                             ("at or below", s.ceiling_usd_per_bbl)) if v is not None)
        return (f"What reserve holds the crude price {band} in every one of "
                f"{d.horizon_days} days, at least cost?")
    direction = "above" if d.sign > 0 else "below"
    base = "the baseline path" if d.has_price_path else f"${s.price_usd_per_bbl:.2f}/bbl"
    return (f"How big must a crude reserve be, how fast must it fill and release, and what "
            f"does it cost, to hold the price ${abs(answer.target_impact_usd_per_bbl):.2f}/bbl "
            f"{direction} {base} for {s.hold_days} days, starting {s.lead_days} days after "
            "the decision?")


def build_report(answer: Answer, tornado_rows: list[dict], scenario_path: Path | None,
                 overrides: dict, command: list[str]) -> str:
    """The whole HTML document as a string."""
    from .plot import answer_figure, svg_text, tornado_figure
    values = outputs(answer)
    units = {n: u for n, u, _ in OUTPUTS}
    labels = {n: label for n, _, label in OUTPUTS}
    result_rows = "".join(
        f"<tr><td>{html.escape(labels.get(k, k.replace('capacity_mb_', 'storage: ').replace('_', ' ')))}"
        f"</td><td class=num>{_cell(v)}</td><td>{html.escape(units.get(k, 'mb'))}</td>"
        f"<td><code>{html.escape(k)}</code></td></tr>" for k, v in values.items())
    assumption_rows = "".join(
        f"<tr><td><code>{html.escape(r['name'])}</code></td><td class=num>{_cell(r['value'])}</td>"
        f"<td>{html.escape(r['unit'])}</td><td>{html.escape(r['meaning'])}</td>"
        f"<td class=src>{html.escape(r['source'])}</td></tr>"
        for r in assumptions(answer.scenario, scenario_path, overrides))
    schedule_svg = svg_text(answer_figure(answer))
    tornado_svg = (svg_text(tornado_figure(tornado_rows, values))
                   if tornado_rows else "<p>No tornado: the inputs have no relative swing.</p>")
    range_html = _range_html(answer.range) + _owners_html(owners(answer))
    reproduce = " ".join(shlex.quote(c) for c in command)
    from .version import __version__
    import datetime as dt
    import highspy
    stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    h = highspy.Highs()
    highs_version = f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    remarks = "".join(f"<p class=note>{html.escape(text)}</p>"
                      for text in [*(f"Warning: {w}" for w in answer.warnings),
                                   *(f"Note: {n}" for n in notes(answer))])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>reserve: {html.escape(sentence(answer)[:80])}</title>
<style>
body {{ font-family: Georgia, 'Times New Roman', serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }}
h1 {{ font-size: 1.6em; margin-bottom: .2em; }} h2 {{ font-size: 1.2em; margin-top: 2em;
       border-bottom: 1px solid #ccc; }}
.answer {{ font-size: 1.15em; background: #f3f7fc; border-left: 4px solid #1f5fa8;
          padding: .8em 1em; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9em; }}
td, th {{ border-bottom: 1px solid #e4e4e4; padding: .25em .5em; text-align: left;
         vertical-align: top; }}
th {{ background: #f6f6f6; }} .num {{ text-align: right; white-space: nowrap; }}
.own {{ font-weight: bold; }} .src {{ color: #555; font-size: .9em; }} .note {{ color: #444; font-size: .95em; }} code, pre {{ font-family: Menlo, Consolas, monospace; }}
pre {{ background: #f6f6f6; padding: .8em; overflow-x: auto; }}
svg {{ max-width: 100%; height: auto; }}
</style></head><body>
<h1>How big must the reserve be?</h1>
<p class=question>{html.escape(question(answer))}</p>
<p class=answer>{html.escape(sentence(answer))}</p>
{remarks}
<h2>Results</h2>
<table><tr><th>output</th><th>value</th><th>unit</th><th>name (CSV, JSON)</th></tr>
{result_rows}</table>
<h2>Price, flows and stock over time</h2>
{schedule_svg}
<h2>What moves the answer: each input {TORNADO_SPAN:.0%} down and up</h2>
{tornado_svg}
{range_html}
<h2>Assumptions</h2>
<p>Every input of this run, with its unit and where it comes from.</p>
<table><tr><th>name</th><th>value</th><th>unit</th><th>meaning</th><th>source</th></tr>
{assumption_rows}</table>
<h2>Reproduce</h2>
<pre>{html.escape(reproduce)}</pre>
<p>Made by <code>reserve</code> {html.escape(__version__)} on {stamp}: the model of <code>reserve.formulation</code> (also a Pyomo model: <code>reserve.pyomo_model</code>) solved with HiGHS {html.escape(highs_version)}. The model, its equations and readings are in the project's <code>docs/explanation/model.md</code>.</p>
</body></html>
"""


def _owners_html(rows: list[dict]) -> str:
    """The owners' ledger lines (reserve.owners) as a section, one row each."""
    if not rows:
        return ""
    body = "".join(f"<tr><td>{html.escape(r['owner'])}</td>"
                   f"<td class=num>{r['owner_share']:.1%}</td>"
                   + "".join(f"<td class=num>{_cell(r[k])}</td>" for _, k, _ in OWNER_COLUMNS)
                   + "</tr>" for r in rows)
    heads = "".join(f"<th>{html.escape(label, quote=False)}{', $ m' if money else ''}</th>"
                    for label, _, money in OWNER_COLUMNS)
    return ("<h2>Who pays, and who gains</h2><p>One reserve, several owners: each pays "
            "its share of the cost and gains on its own trade and GDP. An importer's "
            "consumers' surplus is what its consumers gain; it is part of the same money "
            "as the import saving, so it is shown beside it, not added.</p>"
            f"<table><tr><th>owner</th><th>share</th>{heads}</tr>{body}</table>")


def _range_html(spread) -> str:
    """The answer's range (reserve.spread) as a section: one row a cell, the
    scenario's own marked, out-of-reach cells with what they would need."""
    if spread is None:
        return ""
    rows = "".join(
        ("<tr class=own>" if c["own"] else "<tr>") +
        f"<td>{'this scenario' if c['own'] else ''}</td>"
        f"<td>{html.escape(c['elasticities'])}</td><td>{html.escape(c['holders'])}</td>"
        f"<td>{html.escape(c['producers'])}</td>"
        f"<td class=num>{c['storage_capacity_mb']:,.0f}</td>"
        f"<td class=num>{c['fill_capacity_mbd']:.2f}</td>"
        f"<td class=num>{c['total_cost_musd']:,.0f}</td>"
        f"<td class=num>{_cell(c['net_benefit_musd'])}</td>"
        f"<td>{'' if c['status'] == 'ok' else 'beyond the limits: what it would need'}</td></tr>"
        for c in spread.cells)
    low, high = spread.spread_of()
    return (f"<h2>The answer's range</h2><p>The same question across the literature's "
            f"elasticity pairs, commercial holders off and on, and each producer response. "
            f"Within the scenario's limits it needs {low:,.0f} to {high:,.0f} mb of storage; "
            f"what moves it most: {html.escape(spread.moved_most_by())}.</p>"
            "<table><tr><th></th><th>elasticities</th><th>holders</th><th>producers</th>"
            "<th>storage, mb</th><th>fill, mb/d</th><th>cost, $ m</th>"
            f"<th>net benefit, $ m</th><th></th></tr>{rows}</table>")


def tornado_for(base: Scenario, path=None) -> list[dict]:
    """Rows of the report's tornado (TORNADO_INPUTS, each down and up)."""
    from .analysis import make_point_scenario, result_rows, tornado_points
    from .sweep import run_points
    points = tornado_points(base, TORNADO_SPAN, list(TORNADO_INPUTS))
    return result_rows(points, run_points(make_point_scenario(base), points, path))


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
import shlex
from pathlib import Path

from .results import OWNER_COLUMNS, notes, outputs, owners, sentence
from .scenario import Scenario
from .schema import OUTPUTS
from .sheets import plain_unit
from .solve import Answer

#: Inputs the report's tornado varies (those that move the answer most).
TORNADO_INPUTS = ("demand_elasticity", "supply_elasticity", "price_usd_per_bbl", "demand_mbd",
                  "target_impact_usd_per_bbl", "hold_days", "discount_rate",
                  "transaction_cost_usd_per_bbl", "rate_capex_usd_per_bbl_per_day")
TORNADO_SPAN = 0.25


def _cell(value) -> str:
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if math.isinf(value):
        return "no limit"
    return f"{value:,.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:.3g}"


def question(s: Scenario) -> str:
    """The question a scenario asks, in words."""
    band = [(side, v) for side, v in (("at or above", s.floor_usd_per_bbl),
                                      ("at or below", s.ceiling_usd_per_bbl)) if v is not None]
    if band and not s.target_explicit:
        words = " and ".join(f"{side} ${v:.2f}/bbl" for side, v in band)
        return (f"What reserve holds the crude price {words} in every one of "
                f"{s.horizon_days} days, at least cost?")
    if s.objective == "net-benefit":
        return ("What reserve, filled and released how, is worth most to its owner, "
                f"{s.owner}, over {s.horizon_days} days?")
    direction = "above" if s.sign > 0 else "below"
    base = "the baseline path" if s.price_path is not None else f"${s.price_usd_per_bbl:.2f}/bbl"
    return (f"How big must a crude reserve be, how fast must it fill and release, and what "
            f"does it cost, to hold the price ${abs(s.target_impact_usd_per_bbl):.2f}/bbl "
            f"{direction} {base} for {s.hold_days} days, starting {s.lead_days} days after "
            "the decision?")


def title(s: Scenario, values: dict | None) -> str:
    """The page's title: the question in short and the answer's size, whole words."""
    band = [f"{side} ${v:.2f}" for side, v in (("floor", s.floor_usd_per_bbl),
                                               ("ceiling", s.ceiling_usd_per_bbl))
            if v is not None]
    if band and not s.target_explicit:
        asked = " and ".join(band) + f" for {s.horizon_days} days"
    elif s.objective == "net-benefit":
        asked = f"the reserve best for {s.owner}"
    else:
        asked = (f"${s.target_impact_usd_per_bbl:+.2f}/bbl for {s.hold_days} days")
    if values is None:
        return f"reserve: {asked} is out of reach"
    return (f"reserve: {asked} needs {values['storage_capacity_mb']:,.0f} mb, "
            f"${values['total_cost_musd'] / 1000:,.2f} bn")


def build_report(answer: Answer, tornado_rows: list[dict], scenario_path: Path | None,
                 overrides: dict, command: list[str]) -> str:
    """The whole HTML document of an answer, as a string."""
    from .plot import answer_figure, svg_text
    from .plot_sweeps import tornado_figure
    values = outputs(answer)
    labels = {n: label for n, _, label in OUTPUTS}
    units = {n: u for n, u, _ in OUTPUTS}
    rows = "".join(
        f"<tr><td title=\"{html.escape(k)}\">"
        f"{html.escape(labels.get(k, k.replace('capacity_mb_', 'Storage: ').replace('_', ' ')))}"
        f"</td><td class=num>{_cell(v)}</td><td>{html.escape(plain_unit(units.get(k, 'mb')))}"
        "</td></tr>" for k, v in values.items())
    tornado = (_figure(svg_text(tornado_figure(tornado_rows, values)))
               if tornado_rows else "<p>No tornado: the inputs have no relative swing.</p>")
    remarks = "".join(f"<p class=note>{html.escape(text)}</p>"
                      for text in [*(f"Warning: {w}" for w in answer.warnings),
                                   *(f"Note: {n}" for n in notes(answer))])
    body = f"""<p class=answer>{html.escape(sentence(answer))}</p>
{remarks}
<h2>Results</h2>
<p class=small>The names of the CSV and JSON columns are in each row's tooltip and in the
project's output reference.</p>
<table class=results><tr><th>output</th><th>value</th><th>unit</th></tr>
{rows}</table>
<h2>Price, flows and stock over time</h2>
{_figure(svg_text(answer_figure(answer)))}
<h2>What moves the answer: each input {TORNADO_SPAN:.0%} down and up</h2>
{tornado}
{_range_html(answer.range)}{_owners_html(owners(answer))}"""
    return page(answer.scenario, values, body, scenario_path, overrides, command)


def build_unreachable(s: Scenario, diagnosis: str, spread, scenario_path: Path | None,
                      overrides: dict, command: list[str]) -> str:
    """The HTML document of a question out of reach: the diagnosis, what each
    reading of the contested inputs would need, and the assumptions."""
    body = f"""<p class="answer out"><b>Out of reach.</b> {html.escape(diagnosis)}</p>
<p>No reserve within the scenario's limits answers this question, so there is no schedule
to draw. The diagnosis names the limit that binds and what lifting it would reach; the
range below shows what the question would need under each reading of the contested
inputs.</p>
{_range_html(spread)}"""
    return page(s, None, body, scenario_path, overrides, command)


def page(s: Scenario, values: dict | None, body: str, scenario_path: Path | None,
         overrides: dict, command: list[str]) -> str:
    """The page around a report's ``body``: title, stamp, question, assumptions."""
    from .report_inputs import assumptions, left_out
    every = assumptions(s, scenario_path, overrides)
    changed = [r for r in every if r["differs"]]
    missing = left_out(s)
    dropped = (f" It leaves out the default's storage option{'s' if len(missing) > 1 else ''} "
               f"{', '.join(missing)}." if missing else "")
    reproduce = html.escape(" ".join(shlex.quote(c) for c in command))
    stamp = _stamp(reproduce, scenario_path)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title(s, values))}</title>
<style>{STYLE}</style></head><body>
<h1>How big must the reserve be?</h1>
<p class=stamp>{stamp}</p>
<p class=question>{html.escape(question(s))}</p>
{body}
<h2>Assumptions</h2>
<p>{_differ_words(len(changed), len(every))} from the shipped default scenario (October 2008,
<code>sechin-2008</code>).{dropped} Every input, with its source, is in the full table
below.</p>
{_inputs_table(changed) if changed else ""}
<details><summary>All {len(every)} inputs, with their sources</summary>
{_inputs_table(every)}</details>
<h2>Reproduce</h2>
<pre>{reproduce}</pre>
<p class=small>The model of <code>reserve.formulation</code> (also a Pyomo model:
<code>reserve.pyomo_model</code>); its equations and readings are in the project's
<code>docs/explanation/model.md</code>.</p>
</body></html>
"""


def _differ_words(changed: int, every: int) -> str:
    if changed == 0:
        return f"None of the {every} inputs differs"
    return (f"{changed} of the {every} inputs differ{'s' if changed == 1 else ''}, as listed "
            "here,")


def _stamp(reproduce: str, scenario_path: Path | None) -> str:
    """What ran: reserve's and HiGHS's versions, when, on which scenario, by which command."""
    import datetime as dt

    import highspy

    from .version import __version__
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    h = highspy.Highs()
    highs = f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    source = "sechin-2008 (shipped)" if scenario_path is None else str(scenario_path)
    return (f"Made by <code>reserve</code> {html.escape(__version__)} on {when}, solved with "
            f"HiGHS {html.escape(highs)}; scenario {html.escape(source)}; "
            f"command <code>{reproduce}</code>.")


def _inputs_table(rows: list[dict]) -> str:
    body = "".join(
        f"<tr><td>{html.escape(r['meaning'])}<br><code class=name>{html.escape(r['name'])}"
        f"</code></td><td class=num>{_cell(r['value'])}</td>"
        f"<td>{html.escape(plain_unit(r['unit']))}</td>"
        f"<td class=src>{html.escape(r['source'])}</td></tr>" for r in rows)
    return ("<table class=inputs><tr><th>input</th><th>value</th><th>unit</th>"
            f"<th>source</th></tr>{body}</table>")


def _figure(svg: str) -> str:
    """A chart kept whole on a printed page."""
    return f"<figure>{svg}</figure>"


#: The page's style: for the screen, and for print (A4, no chart split across pages).
STYLE = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
.answer { font-size: 1.15em; background: #f3f7fc; border-left: 4px solid #1f5fa8;
          padding: .8em 1em; }
.answer.out { background: #fdf3ee; border-left-color: #b5451b; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
td, th { border-bottom: 1px solid #e4e4e4; padding: .25em .5em; text-align: left;
         vertical-align: top; }
th { background: #f6f6f6; }
.num { text-align: right; white-space: nowrap; }
table.results { width: auto; min-width: 60%; }
table.inputs td:first-child { width: 45%; }
code.name { color: #777; font-size: .8em; word-break: break-all; }
.own { font-weight: bold; } .src { color: #555; font-size: .9em; }
.note, .small, .stamp { color: #444; font-size: .9em; }
code, pre { font-family: Menlo, Consolas, monospace; }
pre { background: #f6f6f6; padding: .8em; white-space: pre-wrap; overflow-wrap: anywhere; }
figure { margin: 1em 0; }
svg { max-width: 100%; height: auto; }
details summary { cursor: pointer; margin: 1em 0 .5em; font-weight: bold; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, svg, tr, .answer { break-inside: avoid; page-break-inside: avoid; }
  figure svg { max-height: 240mm; }
  details:not([open]) > *:not(summary) { display: none; }
  details summary { font-weight: normal; font-style: italic; }
  details summary::after { content: " (open it on screen to print them)"; }
}
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
        f"<td class=num>{_whole(c['storage_capacity_mb'])}</td>"
        f"<td class=num>{_cell(c['fill_capacity_mbd'])}</td>"
        f"<td class=num>{_whole(c['total_cost_musd'])}</td>"
        f"<td class=num>{_cell(c['net_benefit_musd'])}</td>"
        f"<td>{html.escape(_status_words(c))}</td></tr>"
        for c in spread.cells)
    return (f"<h2>The answer's range</h2><p>The same question across the literature's "
            f"elasticity pairs, commercial holders off and on, and each producer response. "
            f"{html.escape(_range_words(spread))}</p>"
            "<table><tr><th></th><th>elasticities</th><th>holders</th><th>producers</th>"
            "<th>storage, mb</th><th>fill, mb/d</th><th>cost, $ m</th>"
            f"<th>net benefit, $ m</th><th></th></tr>{rows}</table>")


def _range_words(spread) -> str:
    """How many readings the limits answer, the storage they need, what moves it most."""
    low, high = spread.spread_of()
    answered = sum(c["status"] == "ok" for c in spread.cells)
    if not answered:
        words = "No reading is within the scenario's limits; each row says what it would need."
    else:
        words = (f"Within the scenario's limits {answered} of the {len(spread.cells)} "
                 f"readings are answered, needing {low:,.0f} to {high:,.0f} mb of storage; "
                 "the others say what they would need.")
        if answered == len(spread.cells):
            words = (f"Every reading is within the scenario's limits, needing {low:,.0f} to "
                     f"{high:,.0f} mb of storage.")
    moved = spread.moved_most_by()
    return words + (f" What moves it most: {moved}." if moved else "")


def _whole(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.0f}"


def _status_words(cell: dict) -> str:
    """What a range cell's row is: an answer, a need beyond the limits, or not asked."""
    if cell["status"] == "ok":
        return ""
    if cell["status"] == "infeasible":
        return "beyond the limits: what it would need"
    return f"not asked: {cell['message']}"


def tornado_for(base: Scenario, path=None) -> list[dict]:
    """Rows of the report's tornado (TORNADO_INPUTS, each down and up)."""
    from .analysis import make_point_scenario, result_rows, tornado_points
    from .sweep import run_points
    points = tornado_points(base, TORNADO_SPAN, list(TORNADO_INPUTS))
    return result_rows(points, run_points(make_point_scenario(base), points, path))


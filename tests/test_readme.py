"""The README, the guide and the examples' write-ups say what the code prints today.

"README.md" below stands for the user's pages read together: the README,
docs/guide.md, the tutorial, the how-to guides and docs/explanation/performance.md
(the README's links).

- the default answer's block is the table and sentence `reserve size
  --target-impact 5` prints;
- every figure quoted in prose is registered below with the command that
  prints it, and must appear, formatted, in its document;
- every example command in the README runs as written on the defaults and
  exits 0.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CRASH = ["--price-path", "examples/crash-2008/brent-2008.csv", "--floor", "70",
         "--set", "lead_days=0", "--hold-days", "540"]
ROOMY = ["--set", "fill_rate_max_mbd=inf", "--set", "release_rate_max_mbd=inf",
         "--set", "storage.floating_storage.capacity_max_mb=inf"]
SALANT = ["--set", "storage_cost=0.01", "--set", "interest_rate=0.01", "--set", "shock_sd=0.1",
          "--set", "grid_min=0.4", "--set", "grid_max=1.8", "--set", "grid_points=80",
          "--set", "public_start_share=1"]
DYNAMIC = ["--set", "demand_elasticity_long_run=-0.3", "--set", "supply_elasticity_long_run=0.15",
           "--set", "adjustment_half_life_days=180"]


#: the pages a figure or command of "README.md" may stand in, in reading order
PAGES = ("README.md", "docs/guide.md", "docs/tutorial.md",
         *sorted(f"docs/howto/{p.name}" for p in (ROOT / "docs" / "howto").glob("*.md")),
         "docs/explanation/performance.md")


def _read(document: str) -> str:
    names = PAGES if document == "README.md" else (document,)
    return "\n".join((ROOT / name).read_text(encoding="utf-8") for name in names)


def _flat(text: str) -> str:
    """Whitespace collapsed, so a figure may break across lines in the prose."""
    return re.sub(r"\s+", " ", text)


def _reserve(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "reserve"
    result = subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=ROOT,
                            timeout=600)
    if check:
        assert result.returncode == 0, (args, result.stderr)
    return result


@functools.lru_cache(maxsize=None)
def _json(*args: str) -> dict:
    """A command's JSON answer, run once per argument list (several pages quote one
    answer; the dict is shared, so never changed)."""
    return json.loads(_reserve(*args, "--format", "json").stdout)


def _owner_line(r: dict) -> str:
    """An owner's row as the collective-action how-to tabulates it."""
    surplus = r["consumers_surplus_musd"]
    return (f"| {r['owner']} | {100 * r['owner_share']:.1f} % | {r['owner_cost_musd']:,.2f} | "
            f"{r['export_gain_musd']:,.2f} | {r['gdp_gain_musd']:,.2f} | "
            f"{r['net_benefit_musd']:,.2f} | "
            f"{'n/a' if surplus is None else format(surplus, ',.2f')} |")


def _bn(musd: float, digits: int = 2) -> str:
    return f"${musd / 1000:.{digits}f} bn"


def _default(o):
    held = o["export_gain_musd"] - o["liquidation_export_gain_musd"]
    kept = _json("size", "--target-impact", "5", "--set", "oil_valuation=cost")
    return [f"{o['storage_capacity_mb']:.0f} million barrels by the end",
            f"{o['capacity_mb_floating_storage']:.0f} mb at the charter rates of 2009",
            f"{o['capacity_mb_floating_storage_tier2']:.0f} mb more at the dearer rates of 2020",
            f"some {(o['capacity_mb_floating_storage'] + o['capacity_mb_floating_storage_tier2']) / 2:.0f} VLCCs",
            f"buys at ${o['max_price_usd_per_bbl']:.2f}",
            f"fetches some ${2 * 66.75 - o['max_price_usd_per_bbl']:.2f} a barrel",
            f"fees cost about {_bn(o['operating_cost_musd'])}",
            f"the pumps' capital {_bn(o['capital_cost_musd'])}",
            f"{_bn(o['capital_cost_full_musd'])} written off whole",
            f"the round trip on the oil {_bn(o['oil_cost_musd'])}: about "
            f"{_bn(o['total_cost_musd'])} in all",
            f"costs about {_bn(o['marginal_cost_musd_per_usd'])} more",
            f"for six months is worth {_bn(held)}",
            f"gives back {_bn(-o['liquidation_export_gain_musd'])}, so the reserve loses "
            f"{_bn(-o['net_benefit_musd'])}",
            f"net exports of more than {o['breakeven_net_exports_mbd']:.2f} mb/d",
            f"would seem to net {_bn(kept['net_benefit_musd'])}"]


def _crash_row(label):
    def row(o):
        return [f"| {label} | {o['storage_capacity_mb']:,.0f} | {o['peak_fill_mbd']:.2f} | "
                f"{o['total_cost_musd'] / 1000:.1f} |"]
    return row


#: (document, reserve arguments, figures: JSON outputs -> strings the document holds)
def _range(o):
    """The README's and the model page's words on `reserve size -t 5 --range`."""
    cells = o["range"]
    ok = [c["storage_capacity_mb"] for c in cells if c["status"] == "ok"]

    def cell(pair, holders, producers):
        return next(c for c in cells if (c["elasticities"], c["holders"], c["producers"])
                    == (pair, holders, producers))["storage_capacity_mb"]

    return [f"the range is {min(ok):.0f} to {max(ok):.0f} mb",
            f"doubles it ({cell('scenario', 'off', 'dominant-firm'):.0f} mb)",
            f"cuts alongside needs {cell('scenario', 'off', 'cooperative'):.0f} mb"]


def _range_model(o):
    cells = o["range"]
    ok = [c["storage_capacity_mb"] for c in cells if c["status"] == "ok"]

    def cell(pair, holders="off", producers="none"):
        return next(c for c in cells if (c["elasticities"], c["holders"], c["producers"])
                    == (pair, holders, producers))["storage_capacity_mb"]

    return [f"need {min(ok):.0f} to {max(ok):.0f} mb",
            f"need {cell('caldara-cavallo-iacoviello-2019'):.0f} (Caldara et al.), "
            f"{cell('kilian-murphy-2014'):.0f} (Kilian & Murphy) and "
            f"{cell('baumeister-hamilton-2019'):.0f} mb",
            f"({cell('scenario', 'on'):.0f} mb for the $5 answer instead of "
            f"{cell('scenario'):.0f})"]


FIGURES = [
    ("docs/howto/save-and-compare.md", ["size", "--set", "demand_elasticity=-0.08"],
     lambda o: [f"{o['storage_capacity_mb']:.2f} mb instead of "
                f"{_json('size')['storage_capacity_mb']:.2f} mb"]),
    ("README.md", ["size", "--target-impact", "5"], _default),
    ("README.md", ["size", "--target-impact", "5", "--range"], _range),
    ("docs/explanation/model.md", ["size", "--target-impact", "5", "--range"], _range_model),
    ("docs/explanation/model.md", ["size", "-t", "5", "--set", "price_model=isoelastic",
                                   "--set", "private_storage_response_mb_per_usd=2"],
     lambda o: [f"needs {o['storage_capacity_mb']:.2f} mb on the curve against "
                f"{_json('size', '-t', '5', '--set', 'private_storage_response_mb_per_usd=2')['storage_capacity_mb']:.2f}"
                " mb on the line"]),
    ("docs/howto/rational-speculators.md", ["equilibrium", "-c", "recs-sto2", "-f", "json"],
     lambda o: [f"the floor survives 20 years on {100 * o['survival_probability']:.0f} % of "
                f"the paths, and half the collapses come within "
                f"{o['collapse_year_p50']:.0f} years",
                f"by hand ({o['steady_price']:.2f} and {o['steady_public_stock']:.3f})"]),
    ("docs/howto/rational-speculators.md", ["equilibrium", "-c", "recs-sto4", "-n", "300"],
     lambda o: [f"the band survives 20 years on {100 * o['survival_probability']:.0f} %",
                "every break is at the ceiling, by shortage"
                if o["share_broken_at_ceiling"] == 1 and o["share_of_those_attacked"] == 0
                else "SOME BREAKS ELSEWHERE"]),
    ("docs/explanation/equilibrium.md", ["equilibrium", "-c", "recs-sto4", "-n", "300"],
     lambda o: [f"survives 20 years on {100 * o['survival_probability']:.0f} % of the paths",
                f"at the ceiling a quarter of the years and above it "
                f"{100 * o['share_above_ceiling']:.0f} %"
                if round(4 * o["share_at_ceiling"]) == 1 else "NOT A QUARTER",
                f"{100 * o['rule_residual']:.1f} % on STO4"]),
    ("docs/explanation/equilibrium.md", ["equilibrium", "-c", "recs-sto4", "-n", "300",
                                         *SALANT],
     lambda o: [f"{'half' if round(2 * o['share_broken_at_ceiling']) == 1 else 'SOME'} the "
                f"breaks come at the ceiling, {100 * o['share_of_those_attacked']:.0f} %"]),
    ("docs/explanation/equilibrium.md", ["equilibrium", "-c", "recs-crude-2008"],
     lambda o: ["(none survive 20 years)" if o["survival_probability"] == 0 else "SOME",
                "in the first or second year on most paths" if o["collapse_year_p50"] <= 2
                else "LATER"]),
    ("docs/howto/rational-speculators.md", ["equilibrium", "-c", "recs-crude-2008"],
     lambda o: ["None of the paths keeps the floor 20 years" if o["survival_probability"] == 0
                else "SOME",
                f"half the collapses come within {o['collapse_year_p50']:.0f} years"]),
    ("docs/howto/rational-speculators.md", ["equilibrium", "-c", "recs-crude-2008",
                                            "--size-for", "0.5", "--years", "5", "-n", "300"],
     lambda o: [f"on half the paths takes {o['public_cap_needed_mb']:.0f} mb",
                f"| holders foresee its end (equilibrium) | {o['public_cap_needed_mb']:.0f} | "
                f"{o['mean_private_stock_mb_with_floor']:.0f} |",
                f"| causal rule (`reserve risk`) | {o['causal_rule_cap_needed_mb']:.0f} | "
                f"{o['mean_private_stock_mb_without_floor']:.0f} (as without it) |",
                f"| perfect foresight (`reserve risk`) | {o['foresight_cap_needed_mb']:.0f} | "
                f"{o['mean_private_stock_mb_without_floor']:.0f} (as without it) |",
                "so the\ntwo agree" if abs(o["causal_rule_cap_needed_mb"]
                                         - o["foresight_cap_needed_mb"]) < 4 else "DIFFER",
                f"The equilibrium needs "
                f"{o['public_cap_needed_mb'] - o['causal_rule_cap_needed_mb']:.0f} mb more",
                f"falls from {o['mean_private_stock_mb_without_floor']:.0f} to\n"
                f"{o['mean_private_stock_mb_with_floor']:.0f} mb"]),
    ("docs/howto/collective-action.md", ["impact", "-s", "iea-2022", "--capacity-mb", "182.7",
                                         "--direction", "lower"],
     lambda o: [f"hold crude ${-o['max_impact_usd_per_bbl']:.2f}/bbl lower",
                f"{_bn(o['export_gain_musd'] - o['liquidation_export_gain_musd'])}\n  saved, "
                f"then {_bn(-o['liquidation_export_gain_musd'])} given back",
                *(_owner_line(r) for r in o["owners"][:2])]),
    ("docs/howto/collective-action.md", ["size", "-s", "models/hormuz-2026.toml", "--price-path",
                                         "models/hormuz-2026-brent.csv"],
     lambda o: [f"the model releases\n{o['oil_released_mb']:.0f} mb, at up to "
                f"{o['release_capacity_mbd']:.2f} mb/d, for a present cost of "
                f"{_bn(o['total_cost_musd'])}",
                f"cover {100 * (1 - o['owners'][-1]['owner_share']):.1f} % of that",
                f"is the {o['owners'][-1]['owner_volume_mb']:.2f} mb no pledge covers",
                f"net benefit of\n${o['owners'][1]['net_benefit_musd']:,.2f} m",
                f"a net loss of\n${-o['owners'][0]['net_benefit_musd']:,.2f} m",
                "(not allocated)" if o["owners"][-1]["owner"] == "(not allocated)" else "ALL",
                "by as much as " + re.search(r"up to (\d+)%", " ".join(o["warnings"]))[1]
                + " % from the path without it"]),
    ("docs/howto/insurance-policy.md", ["policy", "--samples", "200", "--dist",
                                        "p_disrupt=uniform:0.1:0.3"],
     lambda o: [f"a median mean level of {o['quantiles']['mean_level']['p50']:.2f}",
                "runs from {p5:.2f} (P5) through {p50:.2f} (P50) to\n{p95:.2f} (P95)".format(
                    **o["quantiles"]["reserve_value_empty_normal"])]),
    ("docs/howto/insurance-policy.md", ["policy"],
     lambda o: [f"the mean level held is {o['mean_level']:.2f} and the policy saves "
                f"{o['reserve_value_empty_normal']:.2f}",
                "fills to 3 in normal times" if next(
                    r for r in o["policy"] if r["regime"] == "normal" and r["level"] == 0
                )["next_level"] == 3 else "FILLS ELSEWHERE"]),
    ("docs/howto/insurance-policy.md", ["policy", "--set", "transition=[[0.6,0.4],[0.5,0.5]]"],
     lambda o: [f"make it worth {o['reserve_value_empty_normal']:.2f}"]),
    ("docs/howto/insurance-policy.md", ["policy", "--set", "lost_supply=[0,20]"],
     lambda o: [f"raises the mean level to {o['mean_level']:.2f}"]),
    ("docs/howto/insurance-policy.md", ["policy", "--sweep", "p_disrupt=0:0.5:6"],
     lambda o: ["nothing is worth holding while a disruption begins in at most one period in ten"
                if o[1]["mean_level"] < 1e-9 and o[2]["mean_level"] > 0 else "HELD EARLIER",
                f"({o[5]['reserve_value_empty_normal']:.2f} at 0.5)",
                f"({o[5]['mean_level']:.2f} at 0.5)"]),
    ("docs/howto/insurance-policy.md", ["policy", "--set", "scenario=default", "--set",
                                        "market=isoelastic", "--set",
                                        "levels=[0,500,1000,1500,2000]", "--set",
                                        "lost_supply=[0,3650]", "--set", "holding_cost=6",
                                        "--set", "discount=0.92"],
     lambda o: [f"{o['mean_level']:.0f} mb on average, and saves "
                f"${o['reserve_value_empty_normal']:,.0f} m from empty"]),
    ("docs/explanation/equilibrium.md", ["equilibrium", "-c", "recs-sto2", "-f", "json"],
     lambda o: [f"STO2 takes {o['iterations']} iterations",
                f"and {100 * o['rule_residual']:.1f} % (STO2)"]),
    ("docs/tutorial.md", ["size", "--target-impact", "5"],
     lambda o: [f"absorbing about {o['fill_capacity_mbd']:.0f} mb/d",
                f"so some {o['storage_capacity_mb']:.0f} mb of storage",
                f"at a present cost of {_bn(o['total_cost_musd'])}",
                "pays no one" if o["breakeven_net_exports_mbd"] > 86 else "pays"]),
    ("docs/tutorial.md", ["size", "--target-impact", "5", "--set", "discount_rate=0.1"],
     lambda o: ["the discount rate only the cost"
                if round(o["storage_capacity_mb"], 6) == round(
                    _json("size", "-t", "5")["storage_capacity_mb"], 6) else "MOVES"]),
    ("README.md", ["size", "-t", "5", "--set", "own_price_effect=false"],
     lambda o: [f"On the default it adds "
                f"{_bn(_json('size', '-t', '5')['total_cost_musd'] - o['total_cost_musd'])}"]),
    ("README.md", ["size", "-t", "5", *DYNAMIC, "--set",
                   "storage.floating_storage.capacity_max_mb=inf"],
     lambda o: [f"to {o['fill_capacity_mbd']:.2f} mb/d on its last",
                f"needs {o['storage_capacity_mb']:.0f} mb instead of 174"]),
    ("README.md", ["size", *CRASH, *ROOMY],
     lambda o: [f"takes {o['storage_capacity_mb']:,.0f} mb and peak buying of "
                f"{o['peak_fill_mbd']:.2f} mb/d"]),
    ("README.md", ["size", *CRASH, *ROOMY, "--set", "price_model=isoelastic"],
     lambda o: [f"({o['storage_capacity_mb']:,.0f} mb with constant elasticities"]),
    ("README.md", ["size", *CRASH, *ROOMY, *DYNAMIC],
     lambda o: [f"and {o['storage_capacity_mb']:,.0f} mb if the market adjusts"]),
    ("README.md", ["size", "-s", "models/us-spr-2022.toml"],
     lambda o: [f"releases {o['peak_release_mbd']:.3f} mb/d for the 180-day window, "
                f"{o['oil_released_mb']:.0f} mb",
                f"saved the United States "
                f"{_bn(o['export_gain_musd'] - o['liquidation_export_gain_musd'])} on its net "
                f"imports", f"gives back {_bn(-o['liquidation_export_gain_musd'])} of it"]),
    ("README.md", ["size", "--objective", "net-benefit"],
     lambda o: ['On the default the answer is "none"' if o["storage_capacity_mb"] == 0
                else f"a best reserve of {o['storage_capacity_mb']:.0f} mb"]),
    ("README.md", ["risk", "--floor", "60", "--n-paths", "200", "--days", "365", "--seed", "1", "--capacity-mb", "400", "--fill-rate-mbd", "10"],
     lambda o: [f"prints an {100 * o['held_share_causal_rule']:.0f} % chance",
                "foresight does no better" if o["held_share_foresight"]
                == o["held_share_causal_rule"] else "foresight holds more"]),
    ("README.md", ["risk", "--floor", "60", "--n-paths", "200", "--days", "365", "--seed", "1", "--capacity-mb", "100", "--fill-rate-mbd", "10",
                   "--no-foresight"],
     lambda o: [f"100 mb holds {100 * o['held_share_causal_rule']:.0f} % of the paths"]),
    ("README.md", ["risk", "--floor", "60", "--n-paths", "200", "--days", "365", "--seed", "1", "--capacity-mb", "1000", "--fill-rate-mbd", "10",
                   "--no-foresight"],
     lambda o: [f"1,000 mb {100 * o['held_share_causal_rule']:.0f} %"]),
    ("README.md", ["risk", "--floor", "60", "--n-paths", "200", "--days", "365", "--seed", "1", "--capacity-mb", "400", "--fill-rate-mbd", "20",
                   "--no-foresight"],
     lambda o: ["adds one path in 200" if round(200 * o["held_share_causal_rule"]) == 161
                else "the fill rate matters here"]),
    ("README.md", ["risk", "--floor", "60", "--n-paths", "200", "--days", "365", "--seed", "1",
                   "--capacity-mb", "3000", "--fill-rate-mbd", "2", "--no-foresight"],
     lambda o: [f"3,000 mb {100 * o['held_share_causal_rule']:.0f} %)"]),
    ("README.md", ["risk", "--floor", "60", "--n-paths", "200", "--days", "365", "--seed", "1",
                   "--capacity-mb", "100", "--fill-rate-mbd", "2", "--no-foresight"],
     lambda o: [f"binds instead: 100 mb holds {100 * o['held_share_causal_rule']:.0f} %"]),
    ("README.md", ["uncertainty", "--samples", "200", "--dist",
                   "demand_elasticity=uniform:-0.35:-0.03", "--dist",
                   "supply_elasticity=triangular:0:0.05:0.15", "--seed", "1", "--workers", "2"],
     lambda o: [f"{o['samples']['infeasible']} of the 200 samples need more"]),
    ("examples/crash-2008/README.md", ["size", *CRASH, *ROOMY], _crash_row("limits lifted")),
    ("examples/crash-2008/README.md", ["size", *CRASH, *ROOMY],
     lambda o: [f"The present cost is ${o['total_cost_musd'] / 1000:.1f} bn: "
                f"${o['operating_cost_musd'] / 1000:.1f} bn of charters",
                f"${o['capital_cost_musd'] / 1000:.1f} bn of capital, and "
                f"${o['oil_cost_musd'] / 1000:.1f} bn on the oil"]),

    ("examples/crash-2008/README.md", ["size", *CRASH, *ROOMY, "--set", "price_model=isoelastic"],
     _crash_row("constant elasticities (`price_model = isoelastic`)")),
    ("examples/crash-2008/README.md", ["size", *CRASH, *ROOMY, *DYNAMIC],
     _crash_row("market adjusts (long-run −0.3 / 0.15, half-life 180 days)")),
    ("examples/crash-2008/README.md", ["size", *CRASH, *ROOMY, "--set", "offset_share=-0.5"],
     _crash_row("OPEC cuts alongside (`offset_share = −0.5`)")),
    ("examples/crash-2008/README.md", ["size", *CRASH, *ROOMY, "--set",
                                       "elasticity_preset=kilian-murphy-2014"],
     _crash_row("Kilian & Murphy (2014) elasticities")),
]

#: (document, reserve arguments, fragments of the diagnosis it quotes)
DIAGNOSES = [
    ("README.md", ["size", "-t", "5", "--set", "fill_rate_max_mbd=0.5"],
     ["target out of reach: fill capacity 0.50 mb/d (fill_rate_max_mbd) can hold at most "
      "+2.59 USD/bbl for 180 days; the target needs 0.97 mb/d"]),
    ("README.md", ["size", "-t", "5", "--set", "elasticity_preset=kilian-murphy-2014"],
     ["storage usable in time is short (leased_tanks capped at 60 mb;", "260 mb capped in all;",
      "and can hold at most +4.08 USD/bbl for 180 days; the target needs 318.88 mb of storage"]),
    ("examples/crash-2008/README.md", ["size", *CRASH],
     ["can hold a floor of at most $46.14/bbl", "reaches a floor of at most $50.66/bbl",
      "it needs 9.70 mb/d"]),
]


@pytest.mark.parametrize("document, args, figures", FIGURES,
                         ids=[f"{d}:{' '.join(a)[:60]}" for d, a, _ in FIGURES])
def test_quoted_figures_are_printed_by_the_code(document, args, figures):
    text = _flat(_read(document))
    for figure in figures(_json(*args)):
        assert _flat(figure) in text, f"{document} should say {figure!r}"


@pytest.mark.parametrize("document, args, fragments", DIAGNOSES,
                         ids=[f"{d}:{' '.join(a)[:60]}" for d, a, _ in DIAGNOSES])
def test_quoted_diagnoses_are_printed_by_the_code(document, args, fragments):
    result = _reserve(*args, check=False)
    assert result.returncode == 3, result.stderr
    printed, doc = _flat(result.stderr), _flat(_read(document))
    for fragment in fragments:
        assert _flat(fragment) in printed, f"reserve no longer prints {fragment!r}"
        assert _flat(fragment) in doc, f"{document} should quote {fragment!r}"


def test_the_reliability_figures_are_printed_by_the_code(tmp_path):
    """The --reliability example's figures, on the paths its first line draws."""
    paths = tmp_path / "paths.csv"
    _reserve("paths", "--n-paths", "40", "--seed", "2008", "-o", str(paths))
    o = _json("size", "-t", "5", "--reliability", "0.9", "--paths", str(paths))
    text = _flat(_read("README.md"))
    for figure in [f"prints {o['storage_capacity_mb']:.0f} mb of storage at most",
                   f"{o['fill_capacity_mbd']:.2f} mb/d of fill capacity, for an expected "
                   f"{_bn(o['expected_total_cost_musd'])} (P95 {_bn(o['p95_total_cost_musd'])})",
                   f"It holds on {100 * o['reliability_achieved']:.0f} % of the paths",
                   f"and {_bn(_json('size', '-t', '5')['total_cost_musd'])} on the flat default"]:
        assert figure in text, figure
    assert o["owned_storage_mb"] == 0   # "all of it rented"
    every = _reserve("size", "-t", "5", "--reliability", "1", "--paths", str(paths), check=False)
    assert every.returncode == 3 and "37 of them (92%) can be held" in every.stderr
    assert "only 37 of the 40 paths can be held at all" in text


def test_the_disruption_share_quoted_is_the_markets():
    import reserve
    from reserve.paths import Disruptions
    s = reserve.load_scenario(None)
    share = Disruptions(2.0).price_share(s.demand_mbd, s.supply_elasticity, s.demand_elasticity)
    assert f"({100 * share:.1f} % for 2 mb/d on the default" in _flat(
        _read("README.md"))


def test_the_default_block_is_what_reserve_size_prints():
    printed = _reserve("size", "--target-impact", "5").stdout.splitlines()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("shipped inside the package) and prints:\n\n```\n", 1)[1].split("```")[0]
    # the README leaves out the title line and the table's top border
    assert block.splitlines() == printed[2:]


def _examples() -> list[str]:
    """Every `reserve ...` command of the README's indented code blocks, joined
    across backslash continuations, comments dropped; the commands of one block
    joined by " ; " (they run in order, in one folder: a later one may read
    what an earlier one wrote)."""
    lines = _read("README.md").splitlines() + [""]
    blocks, block, current = [], [], ""
    for line in lines:
        if not line.startswith("    ") and not current:
            if block and line.strip():   # a line of prose ends the block
                blocks.append(" ; ".join(block))
                block = []
            continue
        text = line.strip()
        if current:
            current += " " + text
        elif text.startswith("reserve "):
            current = text
        else:
            continue
        if current.endswith("\\"):
            current = current[:-1].rstrip()
            continue
        block.append(current.split("  #")[0].strip())
        current = ""
    if block:
        blocks.append(" ; ".join(block))
    return blocks


def test_the_readme_has_examples_to_run():
    assert sum(len(block.split(" ; ")) for block in _examples()) >= 15


#: examples an open issue must still mend (strict: the test fails once they run)
KNOWN_BROKEN: dict[str, str] = {}


@pytest.mark.parametrize("block", [
    pytest.param(c, marks=pytest.mark.xfail(reason=KNOWN_BROKEN[c], strict=True))
    if c in KNOWN_BROKEN else c for c in _examples()])
def test_every_readme_example_runs_as_written(block, tmp_path):
    """Run in a fresh folder that sees the repository's models/ and examples/,
    so files the example writes land there; a block's commands in order. A
    command that writes no file and that a figures test runs as it stands
    (FIGURES, with --format json) is run there, not twice."""
    for name in ("models", "examples"):
        os.symlink(ROOT / name, tmp_path / name)
    exe = Path(sys.executable).parent / "reserve"
    for command in block.split(" ; "):
        args = shlex.split(command)
        if _run_by_figures(args[1:]):
            continue
        result = subprocess.run([str(exe), *args[1:]], capture_output=True, text=True,
                                cwd=tmp_path, timeout=900)
        assert result.returncode == 0, (command, result.stderr[-2000:])


#: Options by which a command writes a file (a figures test runs in the
#: repository, where it must write nothing).
WRITES = ("-o", "--output", "--plot", "--schedule", "--report")


def _run_by_figures(args: list[str]) -> bool:
    return (not any(a in WRITES or a.startswith(tuple(w + "=" for w in WRITES))
                    for a in args)
            and any(list(figure_args) == args for _, figure_args, _ in FIGURES))


def _example(folder: str):
    """An example's run.py as a module, and its write-up's text."""
    import importlib.util
    path = ROOT / "examples" / folder / "run.py"
    spec = importlib.util.spec_from_file_location(folder.replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, (ROOT / "examples" / folder / "README.md").read_text(encoding="utf-8")


def test_the_does_it_pay_tables_are_what_its_script_prints():
    """examples/does-it-pay/README.md quotes run.py's two tables whole."""
    module, doc = _example("does-it-pay")
    for line in module.tables():
        assert line in doc, f"the write-up should hold {line!r}"
    for *_, command in module.CASES:   # and lists each case's command
        assert f"    {command}" in doc


def test_the_readme_python_api_section_runs_as_a_doctest():
    import doctest
    text = _read("README.md")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    code = "\n".join(line[4:] for line in section.splitlines() if line.startswith("    "))
    test = doctest.DocTestParser().get_doctest(code, {}, "README: Python API", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert len(test.examples) >= 10


def test_the_tin_council_table_is_what_its_script_prints():
    module, doc = _example("tin-council")
    for line in module.table():
        assert line in doc, f"the write-up should hold {line!r}"


def test_the_readme_is_a_front_page_and_its_links_resolve():
    """About 200 lines at most; every relative link names a file that exists."""
    import re as _re
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    for page in (*PAGES, "docs/explanation/architecture.md", "docs/explanation/model.md"):
        body = (ROOT / page).read_text(encoding="utf-8")
        for target in _re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", body):
            assert (ROOT / page).parent.joinpath(target).resolve().exists(), (page, target)

"""`reserve report` (issue 5): one self-contained HTML file that explains a result."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reserve.report_inputs import toml_sources
from reserve.schema import PARAMETERS

ROOT = Path(__file__).resolve().parent.parent


def test_report_holds_everything_and_fetches_nothing(cli, tmp_path):
    out = tmp_path / "report.html"
    r = cli("report", "-o", out, "--set", "transaction_cost_usd_per_bbl=1")
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert "How big must the reserve be?" in text                      # the question
    assert "needs the reserve to absorb 0.97 mb/d" in text             # the answer in words
    assert 'title="storage_capacity_mb"' in text                       # the results table
    assert "<th>name (CSV, JSON)</th>" not in text                     # ... for people
    assert re.search(r"Total cost, present value</td><td class=num>[\d,.]+</td><td>\$ m</td>",
                     text)                                             # plain units
    assert text.count("<svg") == 2                                     # schedule and tornado
    for p in PARAMETERS:                                               # every assumption
        assert f"<code class=name>{p.name}</code>" in text, p.name
    assert "storage.floating_storage.om_usd_per_bbl_yr" in text
    assert "NYMEX crude for December delivery closed at $66.75" in text  # its source
    assert "set for this run" in text                                  # the override's source
    assert "<pre>reserve size --set transaction_cost_usd_per_bbl=1</pre>" in text
    # self-contained: nothing loaded from elsewhere (SVG namespaces are names, not fetches)
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<script" not in text and "<link" not in text
    assert out.stat().st_mode & 0o044   # readable by others: it is for handing round
    # the short table holds what differs from the shipped default: the one input set
    short = text.split("<h2>Assumptions</h2>")[1].split("<details>")[0]
    assert "1 of the 95 inputs differs" in short
    assert short.count("<tr>") == 2 and "transaction_cost_usd_per_bbl" in short
    # a title of whole words, not a sentence cut at 80 characters
    assert re.search(r"<title>reserve: \$\+5\.00/bbl for 180 days needs \d+ mb, \$\d+\.\d\d bn"
                     r"</title>", text)
    assert "@media print" in text and "break-inside: avoid" in text


def test_a_target_out_of_reach_still_gets_its_report(cli, tmp_path):
    """Exit 3 with the diagnosis, and the report of it written: the diagnosis,
    what each reading would need, the assumptions; no schedule to draw."""
    out = tmp_path / "out.html"
    r = cli("report", "-o", out, "--set", "demand_elasticity=-0.3")
    assert r.returncode == 3, r.stderr
    assert "report of the diagnosis written to" in r.stderr
    diagnosis = r.stderr.split("target out of reach: ")[1].strip()
    text = out.read_text()
    assert "<title>reserve: $+5.00/bbl for 180 days is out of reach</title>" in text
    assert "<b>Out of reach.</b>" in text
    assert html.escape(diagnosis) in text
    assert "<h2>The answer's range</h2>" in text and "what it would need" in text
    assert "<svg" not in text and ">nan<" not in text
    assert "1 of the 95 inputs differs" in text


def test_report_source_of_every_number_in_the_default_scenario():
    flat, storage = toml_sources((ROOT / "models" / "sechin-2008.toml").read_text())
    assert flat["price_usd_per_bbl"].startswith("NYMEX crude")
    assert "Kilian & Murphy" in flat["demand_elasticity"]
    # one block, two keys: said once, the second key cites the first
    assert flat["supply_elasticity"] == "as for demand_elasticity"
    assert flat["time_step_days"].startswith("Daily periods")     # its own, not the key above's
    assert not any(v.startswith("--") for v in flat.values())
    assert "Cushing" in storage[0][0] and "2009" in storage[1][0]
    assert "US DOE" in storage[3][0] and len(storage) == 5
    assert "lease_term_days" in storage[0][1] and "fixed_cost_musd" not in storage[0][1]


def test_report_says_each_source_once_and_stamps_itself(tmp_path, cli):
    from reserve import __version__
    r = cli("report", "-o", tmp_path / "r.html", "-s", "us-spr-2022")
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "r.html").read_text()
    every = text.split("<details>")[1]     # the full table of inputs, each source said once
    assert every.count("The SPR&#x27;s four salt-cavern sites") == 1
    assert "as for storage.spr_salt_caverns.capex_usd_per_bbl" in text
    assert f"<code>reserve</code> {__version__} on 20" in text and "HiGHS 1." in text


def test_report_needs_an_html_name(cli, tmp_path):
    r = cli("report", "-o", tmp_path / "r.pdf")
    assert r.returncode == 2 and "--output" in r.stderr


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium not installed "
                    "(scripts/check-report.sh renders it where it is)")
def test_report_renders_in_headless_chromium(tmp_path):
    run = subprocess.run(["bash", str(ROOT / "scripts" / "check-report.sh"), str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "report.png").stat().st_size > 50_000
    # printed as Chromium prints it to PDF: A4 pages, the print style sheet's
    pages = int(run.stdout.rsplit("(", 1)[1].split()[0])
    assert 3 <= pages <= 8, run.stdout

"""Every input channel refuses what it cannot answer: exit 2 naming the input.

Each row of the tables below is a reproduction of a bad input once accepted
(a traceback, a hang, a wrong answer with exit 0 or a message naming
nothing). They run in-process through the typer app (the console script's
own code); `test_faults.py` covers files, signals and workers with real
processes.
"""

from __future__ import annotations

import csv
import io
import os
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reserve.analysis import POINTS_MAX
from reserve.batches import run_batch
from reserve.cli import app
from reserve.results import to_csv

runner = CliRunner()
FILES = {
    "big.toml": "hold_days = " + "9" * 400 + "\n",
    "deep.toml": "x = " + "[" * 5000 + "]" * 5000 + "\n",
    "tab.csv": "price_usd_per_bbl\t62\n",
    "space.csv": "price_usd_per_bbl 62\n",
    "quote.csv": 'price_usd_per_bbl,"62\ndemand_mbd,86\n',
    "nan_day.csv": "day,price_usd_per_bbl\nnan,60\n400,60\n",
    "inf_day.csv": "day,price_usd_per_bbl\n0,60\ninf,60\n",
    "minus_inf_day.csv": "day,price_usd_per_bbl\n-inf,60\n400,60\n",
    "nan_price.csv": "day,price_usd_per_bbl\n0,60\n400,nan\n",
    "inf_price.csv": "day,price_usd_per_bbl\n0,60\n400,inf\n",
}


@pytest.fixture
def files(tmp_path, monkeypatch):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _expect_2(args, words):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (args, result.output)
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, (args, result.output)
    return result.output


@pytest.mark.parametrize("args, words", [
    # files of the wrong shape
    (["size", "-s", "big.toml"], ["hold_days", "<= 36500"]),
    (["size", "-s", "deep.toml"], ["scenario", "nest too deep"]),
    (["size", "-s", "tab.csv"], ["scenario", "one cell only"]),
    (["size", "-s", "space.csv"], ["scenario", "one cell only"]),
    (["size", "-s", "quote.csv"], ["never closed", "line 1"]),
    (["size", "--price-path", "nan_day.csv"], ["--price-path", "row 2", "a day number"]),
    (["size", "--price-path", "inf_day.csv"], ["row 3", "a day number"]),
    (["size", "--price-path", "minus_inf_day.csv"], ["row 2", "a day number"]),
    (["size", "--price-path", "nan_price.csv"], ["row 3", "a price in USD/bbl from 0.01"]),
    (["size", "--price-path", "inf_price.csv"], ["row 3", "a price in USD/bbl from 0.01"]),
    # sizes that would not fit in one run
    (["size", "--hold-days", "9" * 400], ["hold_days", "36500"]),
    (["size", "--set", "storage.new_steel_tanks.build_days=1e18"], ["build_days"]),
    (["size", "--set", "storage.new_steel_tanks.build_days=2000000"], ["build_days", "36500"]),
    # the closing stock's sale doubles the periods of a default run
    (["size", "--hold-days", "36470"], ["hold_days", "at most 2,485 days", "time_step_days = 15"]),
    (["size", "-s", "us-spr-2022", "--hold-days", "36470", "--set",
      "demand_elasticity_long_run=-0.3"], ["hold_days", "at most"]),
    (["uncertainty", "-n", "100000000", "--dist", "demand_elasticity=uniform:-0.3:-0.1"],
     ["--samples", f"at most {POINTS_MAX:,}"]),
    (["sensitivity", "--vary", "demand_elasticity=-0.3:-0.1:100000000"], ["--vary", "at most"]),
    (["sensitivity", "--vary", "demand_elasticity=" + ",".join(["-0.1"] * (POINTS_MAX + 1))],
     ["--vary", "at most"]),
    (["sensitivity", "--grid", "--vary", "demand_elasticity=-0.3:-0.1:1000", "--vary",
      "supply_elasticity=0.01:0.1:1000"], ["--grid", "1,000,000 points"]),
    # values no market has
    (["size", "--set", "transaction_cost_usd_per_bbl=1e308"], ["transaction_cost_usd_per_bbl"]),
    (["size", "--set", "storage.leased_tanks.capex_usd_per_bbl=1e308"], ["capex_usd_per_bbl"]),
    (["size", "--set", "storage.leased_tanks.om_usd_per_bbl_yr=1e308"], ["om_usd_per_bbl_yr"]),
    (["size", "--floor", "1e308"], ["floor_usd_per_bbl"]),
    (["size", "--set", "rate_lifetime_yr=1e-320"], ["rate_lifetime_yr"]),
    (["size", "--set", "window_impact_max_usd_per_bbl=3"], ["window_impact_max_usd_per_bbl",
                                                            "target"]),
    # options
    (["uncertainty", "--seed", "-1", "--dist", "demand_elasticity=uniform:-0.3:-0.1"],
     ["--seed", ">= 0"]),
    (["uncertainty", "--dist", "elasticity_preset=choice:nosuch"], ["--dist", "'nosuch'"]),
    (["sensitivity", "--vary", "demand_elasticity=-0.2,-0.1", "--scheduler", "tls://x:1"],
     ["--scheduler", "certificates"]),
    (["sensitivity", "--vary", "demand_elasticity=-0.2,-0.1", "--scheduler", "tcp://x:1",
      "--tls-cert", "c.pem"], ["--tls-cert", "only with a tls:// scheduler"]),
])
def test_bad_input_exits_2_naming_it(files, args, words):
    _expect_2(args, words)


def test_a_fifo_as_a_scenario_is_refused_not_read(files):
    os.mkfifo(files / "fifo.toml")
    _expect_2(["size", "-s", "fifo.toml"], ["scenario", "regular"])


def test_a_shipped_scenario_by_name_answers_anywhere(files):
    result = runner.invoke(app, ["size", "-s", "us-spr-2022", "-f", "csv"])
    assert result.exit_code == 0, result.output


def test_whole_number_draws_and_steps_stay_whole(files):
    result = runner.invoke(app, ["uncertainty", "-n", "4", "--seed", "1", "--dist",
                                 "hold_days=uniform:90:180", "-o", "u.csv", "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(open("u.csv")))
    assert [r["status"] for r in rows] == ["ok"] * 4
    assert all(float(r["hold_days"]).is_integer() for r in rows)
    result = runner.invoke(app, ["sensitivity", "--vary", "hold_days=90:100:4"])
    days = [r["hold_days"] for r in csv.DictReader(io.StringIO(result.stdout))]
    assert days == ["90", "93", "97", "100"]


def test_report_and_sweeps_over_hold_days_on_a_price_path(files):
    (files / "path.csv").write_text("day,price_usd_per_bbl\n0,60\n1000,70\n")
    report = runner.invoke(app, ["report", "--price-path", "path.csv", "-o", "r.html"])
    assert report.exit_code == 0, report.output
    result = runner.invoke(app, ["sensitivity", "--vary", "hold_days=90,180",
                                 "--price-path", "path.csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["status"] for r in rows] == ["ok", "ok"]
    # the oil a hold absorbs, day by day: the $5 target over the day's slope
    # beta_d = P_d / (Q0 (eps_s - eps_d)), the path linear from $60 to $70 over
    # 1,000 days, the window from day lead_days (defaults: 30 d, 86 mb/d, 0.15)
    for row, hold in zip(rows, (90, 180), strict=True):
        oil = sum(5.0 * 86.0 * 0.15 / (60.0 + 10.0 * day / 1000.0)
                  for day in range(30, 30 + hold))
        assert float(row["oil_absorbed_mb"]) == pytest.approx(oil, rel=1e-7)


# -- batch sheets ---------------------------------------------------------------

def _batch(folder, text, name="s.csv"):
    sheet = folder / name
    sheet.write_text(text)
    columns, rows, interrupt = run_batch(sheet)
    assert interrupt is None
    return columns, rows


def test_every_row_is_a_run_whatever_its_first_cell(tmp_path):
    _, rows = _batch(tmp_path, "id,demand_elasticity\n#a,-0.05\nb,-0.06\n#c,-0.07\n")
    assert [r["id"] for r in rows] == ["#a", "b", "#c"]
    assert [r["status"] for r in rows] == ["ok"] * 3


def test_a_hash_column_is_a_note_and_eats_no_row(tmp_path):
    columns, rows = _batch(tmp_path, "#note,demand_elasticity\nfirst,-0.05\nsecond,-0.06\n")
    assert columns[0] == "#note"
    assert [(r["#note"], r["status"]) for r in rows] == [("first", "ok"), ("second", "ok")]


def test_extra_cells_are_an_error_for_that_row(tmp_path):
    _, rows = _batch(tmp_path, "id,demand_elasticity\na,-0.05,7\nb,-0.06,\n")
    assert rows[0]["status"] == "error" and "header names 2 columns" in rows[0]["message"]
    assert rows[1]["status"] == "ok"          # an empty trailing cell is no cell


def test_an_unterminated_quote_is_refused_naming_the_line(tmp_path):
    (tmp_path / "s.csv").write_text('id,demand_elasticity\na,"-0.05\nb,-0.06\nc,-0.07\n')
    result = runner.invoke(app, ["batch", str(tmp_path / "s.csv")])
    assert result.exit_code == 2
    assert "quote opened on line 2" in result.output


def test_the_separator_is_read_from_the_header_not_counted(tmp_path):
    # three commas in cells, one semicolon a row: a count would pick commas
    _, rows = _batch(tmp_path, 'id;demand_elasticity;storage.leased_tanks.capex_usd_per_bbl\n'
                     '"a,b,c";-0,05;1,5\n')
    assert rows[0]["status"] == "ok", rows[0]["message"]
    assert rows[0]["id"] == "a,b,c"
    assert float(rows[0]["storage_capacity_mb"]) == pytest.approx(180 * 5 * 86 * 0.1 / 66.75,
                                                                  rel=1e-7)


def test_the_scenario_column_reads_only_the_sheet_folder_and_shipped_names(tmp_path):
    (tmp_path / "secret.csv").write_text("password,hunter2\n")
    (tmp_path / "mine.toml").write_text("demand_elasticity = -0.05\n")
    outside = tmp_path.parent / "outside.toml"
    outside.write_text("demand_elasticity = -0.05\n")
    _, rows = _batch(tmp_path, "id,scenario\na,../outside.toml\nb,/etc/passwd\nc,us-spr-2022\n"
                     f"d,secret.csv\ne,mine.toml\nf,{outside}\n")
    assert [r["status"] for r in rows] == ["error", "error", "ok", "error", "ok", "error"]
    assert "lies outside the sheet's folder" in rows[0]["message"]
    assert "hunter2" not in rows[3]["message"] and "password" not in rows[3]["message"]
    assert "reads as a scenario" in rows[3]["message"]


def test_formula_cells_come_back_inert(tmp_path):
    columns, rows = _batch(tmp_path, "id,demand_elasticity,target_impact_usd_per_bbl\n"
                           "=HYPERLINK(1),-0.05,-5%\n@SUM(A1),-0.06,-5\n+cmd,-0.07,5\n")
    cells = list(csv.reader(io.StringIO(to_csv(rows, columns))))[1:]
    assert [c[0] for c in cells] == ["'=HYPERLINK(1)", "'@SUM(A1)", "'+cmd"]
    assert [c[2] for c in cells] == ["-5%", "-5", "5"]     # numbers stay numbers


def test_output_equal_to_the_input_sheet_is_refused(tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("id,demand_elasticity\na,-0.05\n")
    link = tmp_path / "link.csv"
    link.symlink_to(sheet)
    for output in (sheet, link):
        _expect_2(["batch", str(sheet), "-o", str(output)], ["-o"])
    assert sheet.read_text() == "id,demand_elasticity\na,-0.05\n"


# -- random input never gives a traceback -----------------------------------------

cell = st.one_of(st.text(string.printable, max_size=8), st.sampled_from(
    ['"', '""', "#", "#x", "=1+1", "-0,1", "1e400", "nan", ";", ",", "\t", "us-spr-2022",
     "../x.toml", "/dev/zero"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.sampled_from(["id", "scenario", "demand_elasticity", "hold_days",
                                        "mode", "capacity_mb", "#n", "bogus", ""]),
                       min_size=1, max_size=4),
       body=st.lists(st.lists(cell, max_size=5), max_size=3),
       separator=st.sampled_from([",", ";", "\t"]))
def test_random_sheets_answer_row_for_row_or_exit_2(tmp_path, header, body, separator):
    text = separator.join(header) + "\n" + "".join(separator.join(r) + "\n" for r in body)
    sheet = tmp_path / "random.csv"
    sheet.write_text(text)
    result = runner.invoke(app, ["batch", str(sheet)])
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output and "unexpected error" not in result.output


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["day", "0", "1", "nan", "inf", "-inf", "x",
                                                "2008-01-01", "1e400", ""]),
                               st.sampled_from(["price_usd_per_bbl", "60", "0", "-1", "nan",
                                                "inf", "1e400", "x", ""])), max_size=5))
def test_random_price_paths_exit_0_or_2(tmp_path, rows):
    path = tmp_path / "p.csv"
    path.write_text("day,price_usd_per_bbl\n" + "".join(f"{a},{b}\n" for a, b in rows))
    result = runner.invoke(app, ["size", "--price-path", str(path), "--hold-days", "30"])
    assert result.exit_code in (0, 2, 3), result.output
    assert "Traceback" not in result.output and "unexpected error" not in result.output


def test_a_ceiling_below_the_price_before_any_release_is_out_of_reach_not_a_crash():
    # the empty band once reached Pyomo as a constant False row (exit 1)
    result = runner.invoke(app, ["size", "--set", "ceiling_usd_per_bbl=1.0"])
    assert result.exit_code == 3, result.output
    assert "no lower than $66.75/bbl" in result.output

"""Every channel reads an input as written (issue 19): a percent target is of
the price of the row or point being solved, whatever the column order."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from reserve.cli import app

runner = CliRunner()


def _ok(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("header, row", [
    ("id,target_impact_usd_per_bbl,price_usd_per_bbl", "a,10%,100"),
    ("id,price_usd_per_bbl,target_impact_usd_per_bbl", "a,100,10%"),
])
def test_a_percent_target_in_a_sheet_is_of_the_rows_price(tmp_path, header, row):
    sheet = tmp_path / "s.csv"
    sheet.write_text(f"{header}\n{row}\n")
    got = next(csv.DictReader(io.StringIO(_ok("batch", sheet))))
    assert got["status"] == "ok"
    assert float(got["min_window_impact_usd_per_bbl"]) == pytest.approx(10.0, rel=1e-9)
    # 180 days of $10 at 100/(86*0.15) USD/bbl per mb/d
    assert float(got["storage_capacity_mb"]) == pytest.approx(180 * 10 * 86 * 0.15 / 100,
                                                              rel=1e-7)


def test_a_percent_target_in_a_sweep_is_of_each_points_price():
    rows = list(csv.DictReader(io.StringIO(
        _ok("sensitivity", "-t", "10%", "--vary", "price_usd_per_bbl=50,100"))))
    assert [float(r["min_window_impact_usd_per_bbl"]) for r in rows] == pytest.approx([5, 10])


def test_a_percent_target_in_samples_is_of_each_samples_price():
    q = json.loads(_ok("uncertainty", "-t", "10%", "--dist", "price_usd_per_bbl=choice:100",
                       "--samples", "3", "-f", "json"))
    assert q["min_window_impact_usd_per_bbl"]["p50"] == pytest.approx(10.0)


# -- spreadsheets that must not lose data ----------------------------------------------

def _book(tmp_path, rows, name="in.xlsx", sheets=None):
    from openpyxl import Workbook
    book = Workbook()
    for row in rows:
        book.active.append(row)
    for title, extra in (sheets or {}).items():
        sheet = book.create_sheet(title)
        for row in extra:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def _batch(path):
    return runner.invoke(app, ["batch", str(path)])


def test_a_formula_with_no_saved_value_is_refused_by_its_cell(tmp_path):
    # openpyxl saves formulas without a computed value, as generated workbooks do
    path = _book(tmp_path, [["id", "hold_days"], ["a", "=45*2"]])
    result = _batch(path)
    assert result.exit_code == 2, result.output
    assert "cell B2" in result.output and "formula with no saved value" in result.output


def test_an_error_value_is_refused_by_its_cell(tmp_path):
    path = _book(tmp_path, [["id", "hold_days"], ["a", "#DIV/0!"]])
    result = _batch(path)
    assert result.exit_code == 2 and "cell B2" in result.output, result.output


def test_rows_past_a_stale_dimension_tag_are_read(tmp_path):
    import re
    import zipfile
    path = _book(tmp_path, [["id", "hold_days"], *[[f"r{i}", 90] for i in range(5)]])
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stale, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', data)
                assert b'ref="A1:B2"' in data
            dst.writestr(item, data)
    rows = list(csv.DictReader(io.StringIO(_batch(stale).stdout)))
    assert [r["id"] for r in rows] == [f"r{i}" for i in range(5)]
    assert all(r["status"] == "ok" and r["hold_days"] == "90" for r in rows)


def test_data_on_another_sheet_is_read_or_the_sheets_are_named(tmp_path):
    only = _book(tmp_path, [], "only.xlsx", {"runs": [["id", "hold_days"], ["a", 90]]})
    rows = list(csv.DictReader(io.StringIO(_batch(only).stdout)))
    assert rows[0]["hold_days"] == "90" and rows[0]["status"] == "ok"
    two = _book(tmp_path, [], "two.xlsx", {"one": [["id"], ["a"]], "two": [["id"], ["b"]]})
    result = _batch(two)
    assert result.exit_code == 2 and "'one', 'two'" in result.output, result.output


def test_a_formula_in_a_header_comes_back_inert(tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("id,\"=cmd|' /C calc'!A0\",#note\na,x,y\n")
    for out in ("out.csv", "out.xlsx"):
        assert runner.invoke(app, ["batch", str(sheet), "-o", str(tmp_path / out)]).exit_code == 0
    header = (tmp_path / "out.csv").read_text().splitlines()[0]
    assert "'=cmd" in header
    from openpyxl import load_workbook
    cells = [c.value for c in load_workbook(tmp_path / "out.xlsx")["data"][1]]
    assert "'=cmd|' /C calc'!A0" in cells and not any(
        isinstance(c, str) and c.startswith("=") for c in cells)


@pytest.mark.parametrize("column, value", [("capacity_mb", "100"), ("direction", "lower"),
                                           ("fill_rate_mbd", "1")])
def test_an_impact_column_on_a_size_row_is_refused(tmp_path, column, value):
    sheet = tmp_path / "s.csv"
    sheet.write_text(f"id,{column}\na,{value}\n")
    row = next(csv.DictReader(io.StringIO(_batch(sheet).stdout)))
    assert row["status"] == "error" and column in row["message"]
    assert "mode = impact" in row["message"]


# -- inputs outside the documented bounds ----------------------------------------------

def _exit_2(*args, says: str):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 2, result.output
    assert says in result.output, result.output
    return result


@pytest.mark.parametrize("price", ["1e300", "1e-300", "nan"])
def test_extreme_prices_in_path_files_are_refused_by_row(tmp_path, price):
    path = tmp_path / "p.csv"
    path.write_text(f"day,price_usd_per_bbl\n0,60\n1,{price}\n2,60\n")
    _exit_2("size", "--price-path", path, "--floor", "60", says="row 3")
    paths = tmp_path / "pp.csv"
    paths.write_text(f"day,path_1\n0,60\n1,{price}\n")
    _exit_2("risk", "--capacity-mb", "10", "--floor", "60", "--paths", paths, says="row 3")


@pytest.mark.parametrize("args, says", [
    (["impact", "--capacity-mb", "1e308"], "a number from 0 to 1e+07 (mb)"),
    (["impact", "--capacity-mb", "100", "--fill-rate-mbd", "1e308"], "from 0 to 10000 (mb/d)"),
    (["risk", "--capacity-mb", "1e308", "--floor", "60"], "--capacity-mb"),
    (["paths", "--disruption-mbd", "1e308", "--p-disrupt", "1", "--p-recover", "0"],
     "at most the world's demand"),
    (["uncertainty", "--samples", "5", "--dist", "demand_elasticity=uniform:-0.2:-0.05",
      "--confidence", "1e-320"], "at least 1/5"),
])
def test_design_and_option_values_keep_the_documented_bounds(args, says):
    _exit_2(*args, says=says)


def test_a_reliability_that_would_let_every_path_go_holds_one(tmp_path):
    paths = tmp_path / "p.csv"
    paths.write_text("day,path_1,path_2\n" + "".join(f"{d},60,61\n" for d in range(211)))
    out = json.loads(_ok("size", "--reliability", "1e-17", "--paths", paths, "-f", "json"))
    assert out["reliability_achieved"] >= 0.5 and out["storage_capacity_mb"] > 100


def test_a_toml_key_dotted_thousands_deep_is_refused(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("a." * 5000 + "b = 1\n")
    _exit_2("size", "-s", path, says="a flat name = value key")


def test_options_a_paths_file_makes_moot_are_refused(tmp_path):
    paths = tmp_path / "p.csv"
    paths.write_text("day,path_1\n0,60\n1,61\n")
    _exit_2("risk", "--capacity-mb", "10", "--floor", "60", "--paths", paths, "--n-paths", "5",
            says="not with --paths")


def test_paths_never_check_a_target_they_do_not_use():
    out = _ok("paths", "--set", "price_usd_per_bbl=0.01", "--n-paths", "2", "--days", "3")
    assert out.splitlines()[1] == "0,0.01,0.01"


# -- files that would overwrite each other ------------------------------------------------

@pytest.mark.parametrize("args, says", [
    (["size", "--schedule", "x.csv", "-o", "x.csv"], "one output would overwrite the other"),
    (["size", "-s", "sc.csv", "-o", "./sc.csv"], "overwrite the input"),
    (["size", "--price-path", "p.csv", "--floor", "60", "--schedule", "p.csv"],
     "another file than --price-path"),
    (["size", "--reliability", "1", "--paths", "pp.csv", "--schedule", "pp.csv"],
     "another file than --paths"),
    (["batch", "sc.csv", "-o", "link.csv"], "another file than the input sheet"),
    (["sensitivity", "-s", "sc.csv", "--vary", "hold_days=90,100", "-o", "sc.csv"],
     "overwrite the input"),
])
def test_no_output_overwrites_an_input_or_another_output(tmp_path, monkeypatch, args, says):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sc.csv").write_text("name,value\nhold_days,90\n")
    (tmp_path / "p.csv").write_text("day,price_usd_per_bbl\n0,60\n300,60\n")
    (tmp_path / "pp.csv").write_text("day,path_1\n0,60\n300,60\n")
    (tmp_path / "link.csv").symlink_to(tmp_path / "sc.csv")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    _exit_2(*args, says=says)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_full_disk_behind_stdout_exits_2():
    import subprocess
    import shutil
    exe = shutil.which("reserve")
    with open("/dev/full", "w") as full:
        run = subprocess.run([exe, "size", "-f", "json"], stdout=full, stderr=subprocess.PIPE,
                             text=True, timeout=300)
    assert run.returncode == 2, run.stderr
    assert "standard output could not be written" in run.stderr


def test_a_long_legal_output_name_is_written(tmp_path):
    name = "a" * 236 + ".csv"                     # 240 bytes: legal on every file system
    _ok("size", "-f", "csv", "-o", tmp_path / name)
    assert (tmp_path / name).read_text().startswith("target_impact_usd_per_bbl")
    assert [p.name for p in tmp_path.iterdir()] == [name]


# -- an out-of-reach answer bounds its own work --------------------------------------------

def test_the_diagnosis_stops_at_its_budget_and_names_what_it_did_not_try():
    from reserve.diagnosis import diagnosis_of
    from reserve.scenario import build_scenario
    s = build_scenario(None, {"target_impact_usd_per_bbl": "20"})
    full = diagnosis_of(s)
    assert "not tried" not in str(full)
    cut = diagnosis_of(s, budget_s=0.0)
    assert "the diagnosis stopped after 0 s" in str(cut)
    assert "fill_rate_max_mbd" in str(cut).split("not tried:")[1]
    # what is reachable does not depend on costs: the same with the stock booked at cost
    kept = diagnosis_of(s.with_params(oil_valuation="cost", own_price_effect=False))
    assert kept.diagnosis.reachable_usd_per_bbl == pytest.approx(
        full.diagnosis.reachable_usd_per_bbl, rel=1e-9)

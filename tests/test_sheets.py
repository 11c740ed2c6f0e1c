"""Spreadsheets both ways: .xlsx in and out, the semicolon CSV dialect, and
LibreOffice opening what we write (skipped, with the reason, without it)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from reserve.cli import app

runner = CliRunner()
SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: "
                            "apt-get install libreoffice-calc-nogui")


def _invoke(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def _sheet(path):
    """Rows of a workbook's first sheet, and its sheet names."""
    book = load_workbook(path)
    return list(book.worksheets[0].iter_rows(values_only=True)), book.sheetnames


def test_results_and_schedule_as_workbooks_hold_numbers(tmp_path):
    answer = json.loads(_invoke("size", "-f", "json", "-o", tmp_path / "r.xlsx",
                                "--schedule", tmp_path / "s.xlsx").stdout.split("\nresults")[0])
    rows, names = _sheet(tmp_path / "r.xlsx")
    assert names == ["data", "units"]
    got = dict(zip(rows[0], rows[1]))
    assert isinstance(got["storage_capacity_mb"], float)
    assert got["storage_capacity_mb"] == pytest.approx(answer["storage_capacity_mb"], rel=1e-12)
    assert got["total_cost_musd"] == pytest.approx(answer["total_cost_musd"], rel=1e-12)
    book = load_workbook(tmp_path / "r.xlsx")
    units = {r[0]: r[1] for r in book["units"].iter_rows(values_only=True)}
    assert units["storage_capacity_mb"] == "mb" and units["total_cost_musd"] == "musd"
    schedule, _ = _sheet(tmp_path / "s.xlsx")
    assert schedule[0][:3] == ("day", "fill_mbd", "release_mbd")
    assert len(schedule) == 1 + 210                    # a row a day, after the header
    inventory = schedule[0].index("inventory_mb")
    assert max(r[inventory] for r in schedule[1:]) == pytest.approx(
        answer["max_inventory_mb"], rel=1e-9)


def test_an_unknown_extension_is_refused_before_solving(tmp_path):
    for args in (["size", "-o", tmp_path / "r.txt"], ["size", "--schedule", tmp_path / "s.ods"],
                 ["sensitivity", "--vary", "demand_elasticity=-0.1,-0.05", "-o",
                  tmp_path / "x.xls"]):
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 2 and ".xlsx" in result.output, result.output
    assert list(tmp_path.iterdir()) == []


def test_a_workbook_batch_answers_as_the_same_sheet_in_csv(tmp_path):
    text = ("id,scenario,demand_elasticity,hold_days,target_impact_usd_per_bbl\n"
            "a,,-0.1,180,5\nb,us-spr-2022,,90,-5\nc,,bad,180,5\n")
    (tmp_path / "in.csv").write_text(text)
    book = Workbook()
    for row in csv.reader(io.StringIO(text)):
        book.active.append([float(c) if c.lstrip("-").replace(".", "", 1).isdigit() else
                            (c or None) for c in row])
    book.save(tmp_path / "in.xlsx")
    _invoke("batch", tmp_path / "in.csv", "-o", tmp_path / "out.csv")
    _invoke("batch", tmp_path / "in.xlsx", "-o", tmp_path / "out.xlsx")
    from_csv = list(csv.DictReader(open(tmp_path / "out.csv")))
    rows, _ = _sheet(tmp_path / "out.xlsx")
    from_xlsx = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert [r["status"] for r in from_xlsx] == [r["status"] for r in from_csv] == \
        ["ok", "ok", "error"]
    for a, b in zip(from_csv[:2], from_xlsx[:2]):
        assert b["storage_capacity_mb"] == pytest.approx(float(a["storage_capacity_mb"]),
                                                         rel=1e-9)


def test_a_percent_typed_in_a_cell_is_read_as_a_percent(tmp_path):
    """Excel and LibreOffice store a typed 10% as 0.1 with a percent format:
    it is a 10 % target (of the $66.75 baseline: $6.675/bbl), never $0.10;
    a percent where the parameter takes none is refused, not guessed."""
    book = Workbook()
    book.active.append(["id", "hold_days", "target_impact_usd_per_bbl", "discount_rate"])
    book.active.append(["pct", 90, 0.1, 0.05])
    book.active.append(["days", 0.9, 5, 0.08])
    book.active["C2"].number_format = "0%"
    book.active["D2"].number_format = "0.0%"
    book.active["B3"].number_format = "0%"
    book.save(tmp_path / "in.xlsx")
    _invoke("batch", tmp_path / "in.xlsx", "-o", tmp_path / "out.csv")
    rows = list(csv.DictReader(open(tmp_path / "out.csv")))
    assert rows[0]["status"] == "ok", rows[0]
    # 90 days of a $6.675 move at 66.75/(86*0.15) USD/bbl per mb/d
    assert float(rows[0]["storage_capacity_mb"]) == pytest.approx(
        90 * 6.675 / (66.75 / (86 * 0.15)), rel=1e-6)
    assert float(rows[0]["storage_capacity_mb"]) == pytest.approx(116.1, abs=0.05)
    assert rows[1]["status"] == "error"
    assert "hold_days" in rows[1]["message"] and "90%" in rows[1]["message"]


def test_the_semicolon_dialect_is_the_comma_one_with_decimal_commas(tmp_path):
    comma = _invoke("size", "-f", "csv").stdout
    semicolon = _invoke("--csv-dialect", "semicolon", "size", "-f", "csv").stdout
    a = next(csv.DictReader(io.StringIO(comma)))
    b = next(csv.DictReader(io.StringIO(semicolon), delimiter=";"))
    assert a.keys() == b.keys()
    assert b["storage_capacity_mb"] == a["storage_capacity_mb"].replace(".", ",")
    assert "," in b["storage_capacity_mb"] and "." not in b["storage_capacity_mb"]


def test_a_semicolon_template_reads_back_as_a_scenario(tmp_path):
    (tmp_path / "p.csv").write_text(_invoke("--csv-dialect", "semicolon", "params", "-f",
                                            "csv").stdout)
    assert "66,75" in (tmp_path / "p.csv").read_text()
    _invoke("params", "-o", tmp_path / "p.xlsx")
    default = _invoke("size", "-f", "csv").stdout
    assert _invoke("size", "-s", tmp_path / "p.csv", "-f", "csv").stdout == default
    assert _invoke("size", "-s", tmp_path / "p.xlsx", "-f", "csv").stdout == default


def _soffice(path, to, outdir, infilter=None):
    args = [SOFFICE, "--headless", "--norestore", "--convert-to", to, "--outdir", str(outdir)]
    if infilter:
        args.append(f"--infilter={infilter}")
    subprocess.run([*args, str(path)], check=True, capture_output=True, timeout=120,
                   env={"HOME": str(outdir), "PATH": "/usr/bin:/bin"})
    return outdir / (path.stem + "." + to.split(":")[0])


@needs_libreoffice
def test_libreoffice_keeps_our_workbook_numbers_through_ods_and_back(tmp_path):
    _invoke("sensitivity", "--vary", "demand_elasticity=-0.1,-0.05", "-o", tmp_path / "w.xlsx")
    ods = _soffice(tmp_path / "w.xlsx", "ods", tmp_path / "ods")
    back = _soffice(ods, "xlsx", tmp_path / "back")
    before, _ = _sheet(tmp_path / "w.xlsx")
    after, _ = _sheet(back)
    column = before[0].index("storage_capacity_mb")
    assert [r[column] for r in after[1:]] == pytest.approx([r[column] for r in before[1:]],
                                                           rel=1e-12)
    assert all(isinstance(r[column], float) for r in after[1:])


@needs_libreoffice
def test_a_german_libreoffice_reads_the_semicolon_dialect_as_numbers(tmp_path):
    _invoke("--csv-dialect", "semicolon", "sensitivity", "--vary",
            "demand_elasticity=-0.1,-0.05", "-o", tmp_path / "de.csv")
    # 59: ';' separates, 34: '"' quotes, 76: UTF-8, 1031: the German locale
    converted = _soffice(tmp_path / "de.csv", "xlsx", tmp_path / "lo", "CSV:59,34,76,1,,1031")
    rows, _ = _sheet(converted)
    column = rows[0].index("storage_capacity_mb")
    assert all(isinstance(r[column], (int, float)) for r in rows[1:]), rows[1]
    assert rows[1][column] == pytest.approx(180 * 5 * 86 * 0.15 / 66.75, rel=1e-8)


def test_labels_stay_text_and_huge_numbers_stay_readable(tmp_path):
    from reserve.sheets import xlsx_bytes
    (tmp_path / "t.xlsx").write_bytes(xlsx_bytes(
        [{"id": "007", "demand_elasticity": "-0.1", "x_mb": "1e400", "note": "=1+1"}],
        ["id", "demand_elasticity", "x_mb", "note"]))
    rows, _ = _sheet(tmp_path / "t.xlsx")
    assert rows[1] == ("007", -0.1, "1e400", "'=1+1")


def test_the_api_keeps_a_scenarios_price_path_through_overrides(tmp_path):
    import reserve
    path = tmp_path / "p.csv"
    path.write_text("day,price_usd_per_bbl\n0,66.75\n400,133.5\n")   # doubling over 400 days
    sc = reserve.load_scenario(None, price_path=path)
    with_path = reserve.size(sc, demand_elasticity=-0.1)
    flat = reserve.size(None, demand_elasticity=-0.1)
    assert with_path.data.has_price_path and not flat.data.has_price_path
    # beta = P / (Q0 (eps_s - eps_d)) grows with the price: each barrel moves a
    # dearer market more, so the rising path needs less storage
    assert with_path.outputs["storage_capacity_mb"] < flat.outputs["storage_capacity_mb"]

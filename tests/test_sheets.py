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
    for args in (["size", "-o", tmp_path / "r.txt"], ["size", "--schedule", tmp_path / "s.xls"],
                 ["sensitivity", "--vary", "demand_elasticity=-0.1,-0.05", "-o",
                  tmp_path / "x.xls"]):
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 2 and ".xlsx, .ods" in result.output, result.output
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


# -- .ods, LibreOffice's own format --------------------------------------------------

def _ods(tmp_path, rows_xml: str, name="t.ods"):
    """An .ods of one sheet written by hand: ``rows_xml`` the table's rows."""
    import zipfile

    from reserve.ods import MIMETYPE, NS
    names = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
    content = (f'<office:document-content {names}><office:body><office:spreadsheet>'
               f'<table:table table:name="Sheet1">{rows_xml}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", MIMETYPE)
        book.writestr("content.xml", content)
    return path


def _cellx(value=None, kind="float", text=None, **extra):
    attrs = "".join(f' table:{k.replace("_", "-")}="{v}"' for k, v in extra.items())
    if value is None and text is None:
        return f"<table:table-cell{attrs}/>"
    typed = f' office:value-type="{kind}"' if kind else ""
    if kind in ("float", "percentage"):
        typed += f' office:value="{value}"'
    return (f"<table:table-cell{typed}{attrs}><text:p>{text if text is not None else value}"
            "</text:p></table:table-cell>")


def test_an_ods_is_read_as_libreoffice_shows_it(tmp_path):
    """Repeats expanded, trailing blank repeats dropped, a percent as a percent,
    a formula's saved value; a scenario in .ods answers as its CSV does."""
    from reserve.sheets import read_workbook_rows
    row = lambda *cells: "<table:table-row>" + "".join(cells) + "</table:table-row>"  # noqa: E731
    path = _ods(tmp_path, row(_cellx("name", "string"), _cellx("value", "string"))
                + row(_cellx("hold_days", "string"), _cellx(90))
                + row(_cellx("target_impact_usd_per_bbl", "string"),
                      _cellx(0.05, "percentage", "5%"))
                + row(_cellx("demand_elasticity", "string"),
                      _cellx(-0.2, formula="of:=-0.1*2"), _cellx(number_columns_repeated=1000))
                + "<table:table-row table:number-rows-repeated=\"1048000\">"
                  + _cellx(number_columns_repeated=1024) + "</table:table-row>")
    rows = read_workbook_rows(path.read_bytes(), path, "scenario")
    assert rows == [["name", "value"], ["hold_days", "90"],
                    ["target_impact_usd_per_bbl", "5%"], ["demand_elasticity", "-0.2"]]
    csv_file = tmp_path / "same.csv"
    csv_file.write_text("name,value\nhold_days,90\ntarget_impact_usd_per_bbl,5%\n"
                        "demand_elasticity,-0.2\n")
    assert _invoke("size", "-s", path, "-f", "csv").stdout == \
        _invoke("size", "-s", csv_file, "-f", "csv").stdout


@pytest.mark.parametrize("cell, words", [
    (_cellx(None, kind=None, formula="of:=1/0"), "a formula with no saved value"),
    (_cellx(kind="string", text="#DIV/0!"), "an error value"),
    (_cellx(kind="string", text="Err:502"), "an error value"),
])
def test_an_ods_cell_that_is_not_what_it_shows_exits_2(tmp_path, cell, words):
    path = _ods(tmp_path, "<table:table-row>" + _cellx("hold_days", "string") + cell
                + "</table:table-row>")
    result = runner.invoke(app, ["size", "-s", str(path)])
    assert result.exit_code == 2 and words in result.output and "cell B1" in result.output


def test_a_file_named_ods_that_is_not_one_exits_2(tmp_path):
    bad = tmp_path / "x.ods"
    bad.write_text("name,value\n")
    result = runner.invoke(app, ["batch", str(bad)])
    assert result.exit_code == 2 and "a readable .ods spreadsheet" in result.output


def test_every_table_writes_ods_and_reads_it_back(tmp_path):
    _invoke("sensitivity", "--vary", "demand_elasticity=-0.1,-0.05", "-o", tmp_path / "s.ods")
    _invoke("sensitivity", "--vary", "demand_elasticity=-0.1,-0.05", "-o", tmp_path / "s.csv")
    from reserve.sheets import read_workbook_rows
    rows = read_workbook_rows((tmp_path / "s.ods").read_bytes(), tmp_path / "s.ods", "t")
    with open(tmp_path / "s.csv", newline="") as f:
        expected = list(csv.reader(f))
    assert rows[0] == expected[0]
    column = rows[0].index("storage_capacity_mb")
    assert [float(r[column]) for r in rows[1:]] == pytest.approx(
        [float(r[column]) for r in expected[1:]], rel=1e-9)


@needs_libreoffice
def test_libreoffice_reads_our_ods_and_we_read_its_own(tmp_path):
    """Our .ods through LibreOffice to CSV keeps every number; a sheet LibreOffice
    saves as .ods (a percent typed, a formula) runs as a batch as its CSV does."""
    _invoke("size", "-o", tmp_path / "a.ods")
    _invoke("size", "-f", "json")
    out = _soffice(tmp_path / "a.ods", "csv", tmp_path / "lo")
    with open(out, newline="") as f:
        header, values = list(csv.reader(f))[:2]
    mine = json.loads(_invoke("size", "-f", "json").stdout)
    assert float(values[header.index("storage_capacity_mb")]) == pytest.approx(
        mine["storage_capacity_mb"], rel=1e-12)
    sheet = tmp_path / "b.csv"
    sheet.write_text("id,target_impact_usd_per_bbl,hold_days\na,10%,90\nb,=2*3,180\n")
    ods = _soffice(sheet, "ods", tmp_path / "lo2")
    _invoke("batch", ods, "-o", tmp_path / "out.csv")
    typed = tmp_path / "typed.csv"
    typed.write_text("id,target_impact_usd_per_bbl,hold_days\na,10%,90\nb,6,180\n")
    _invoke("batch", typed, "-o", tmp_path / "out2.csv")
    assert (tmp_path / "out.csv").read_text() == (tmp_path / "out2.csv").read_text()


@needs_libreoffice
def test_the_batch_template_survives_libreoffice(tmp_path):
    """The template opened and saved by LibreOffice (as .ods) runs as we wrote it."""
    _invoke("template", "batch", "-o", tmp_path / "t.xlsx")
    ods = _soffice(tmp_path / "t.xlsx", "ods", tmp_path / "lo")
    _invoke("batch", ods, "-o", tmp_path / "a.csv")
    _invoke("batch", tmp_path / "t.xlsx", "-o", tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()

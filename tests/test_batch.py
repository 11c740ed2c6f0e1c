"""`reserve batch` (issue 5): spreadsheet dialects, one answer per row, equal to
separate runs, in order, whatever happens to any row."""

from __future__ import annotations

import csv
import json

import pytest

from reserve.batches import run_batch
from reserve.results import outputs
from reserve.scenario import build_scenario, with_overrides
from reserve.solve import impact, size

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def _rows(path):
    return list(csv.DictReader(open(path, newline="", encoding="utf-8")))


def test_batch_equals_separate_runs_row_by_row(tmp_path):
    sheet = ROOT / "examples" / "spreadsheet" / "scenarios.csv"
    columns, rows, _ = run_batch(sheet)
    inputs = list(csv.DictReader(open(sheet, newline="")))
    assert [r["id"] for r in rows] == [r["id"] for r in inputs]
    assert columns[:len(inputs[0])] == list(inputs[0])        # inputs first, in order
    assert columns[-2:] == ["status", "message"]
    for row, given in zip(rows, inputs):
        assert row["status"] == "ok", row["message"]
        # the sheet names shipped scenarios; read their files from the clone
        base = build_scenario(ROOT / "models" / f"{given['scenario']}.toml"
                              if given["scenario"] else None)
        overrides = {k: v for k, v in given.items() if v and k not in (
            "id", "scenario", "mode", "capacity_mb", "fill_rate_mbd", "release_rate_mbd",
            "direction")}
        s = with_overrides(base, overrides)
        if given["mode"] == "impact":
            rate = lambda name: float(given[name]) if given.get(name) else None  # noqa: E731
            separate = outputs(impact(s, float(given["capacity_mb"]), rate("fill_rate_mbd"),
                                      rate("release_rate_mbd"), given["direction"]))
        else:
            separate = outputs(size(s))
        for name in ("storage_capacity_mb", "fill_capacity_mbd", "release_capacity_mbd",
                     "total_cost_musd", "marginal_cost_musd_per_usd", "max_impact_usd_per_bbl"):
            if name in separate and separate[name] == separate[name]:   # not NaN
                assert row[name] == pytest.approx(separate[name], rel=1e-7, abs=1e-9), (row["id"], name)


def test_the_shipped_results_are_what_the_sheet_gives():
    folder = ROOT / "examples" / "spreadsheet"
    _, rows, _ = run_batch(folder / "scenarios.csv")
    shipped = _rows(folder / "results.csv")
    assert len(shipped) == len(rows)
    for mine, theirs in zip(rows, shipped):
        assert float(theirs["storage_capacity_mb"]) == pytest.approx(mine["storage_capacity_mb"],
                                                                    rel=1e-8)


def test_a_messy_sheet_gets_one_row_per_input_row(tmp_path, cli):
    sheet = tmp_path / "messy.csv"
    sheet.write_bytes(
        "\ufeffid;demand_elasticity;target_impact_usd_per_bbl;colour;hold_days\r\n"
        "good;-0,1;5;;180\r\n"
        "unknown-param;-0,1;5;red;180\r\n"
        "\r\n"
        "not-a-number;abc;5;;180\r\n"
        "\"quoted\";\"-0,2\";\"5%\";;90\r\n"
        "unreachable;-0,1;25;;180\r\n"
        ";;;;\r\n"
        "defaults;;;;\r\n".encode())
    out = tmp_path / "answers.csv"
    r = cli("batch", sheet, "-o", out)
    assert r.returncode == 0, r.stderr
    rows = _rows(out)
    assert [row["id"] for row in rows] == ["good", "unknown-param", "", "not-a-number", "quoted",
                                           "unreachable", "", "defaults"]
    assert [row["status"] for row in rows] == ["ok", "error", "error", "error", "ok",
                                               "infeasible", "error", "ok"]
    assert "colour" in rows[1]["message"]
    assert "empty row" in rows[2]["message"]
    assert "demand_elasticity = 'abc'" in rows[3]["message"]
    assert "can hold at most" in rows[5]["message"]          # the diagnosis, not just 'no'
    assert rows[4]["target_impact_usd_per_bbl"] == "5%"      # inputs come back as written
    assert float(rows[4]["storage_capacity_mb"]) == pytest.approx(
        90 * 3.3375 * 86 * 0.25 / 66.75, rel=1e-7)           # -0,2 read as -0.2
    assert float(rows[0]["storage_capacity_mb"]) == pytest.approx(
        180 * 5 * 86 * 0.15 / 66.75, rel=1e-7)
    for row in rows:                                         # numbers a spreadsheet reads
        value = row["storage_capacity_mb"]
        assert value == "" or ("," not in value and float(value) >= 0)
    assert not list(tmp_path.glob(".answers.csv.*"))


def test_workers_keep_the_order_and_the_answers(tmp_path):
    sheet = tmp_path / "s.csv"
    sheet.write_text("id,demand_elasticity,hold_days\n" + "".join(
        f"r{i},{-0.05 - 0.02 * i},{60 + 10 * i}\n" for i in range(8)))
    _, serial, _ = run_batch(sheet)
    _, parallel, _ = run_batch(sheet, workers=2)
    assert [r["id"] for r in parallel] == [f"r{i}" for i in range(8)]
    for a, b in zip(serial, parallel):
        assert a["status"] == b["status"]
        assert a.get("storage_capacity_mb") == pytest.approx(b.get("storage_capacity_mb"), rel=1e-12)


def test_params_template_round_trips_through_batch_and_s(tmp_path, cli):
    template = tmp_path / "template.csv"
    template.write_text(cli("params", "--format", "csv").stdout)
    answer = _rows_of(cli("batch", template).stdout)[0]
    direct = json.loads(cli("size", "-s", template, "-f", "json").stdout)
    default = json.loads(cli("size", "-f", "json").stdout)
    assert direct == default
    assert answer["status"] == "ok"
    assert float(answer["storage_capacity_mb"]) == pytest.approx(default["storage_capacity_mb"],
                                                                 rel=1e-9)
    assert float(answer["total_cost_musd"]) == pytest.approx(default["total_cost_musd"], rel=1e-9)


def _rows_of(text):
    import io
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("content, words", [
    ("", "a header row"),
    ("a,a\n1,2\n", "distinct"),
])
def test_bad_sheets_exit_2(tmp_path, cli, content, words):
    sheet = tmp_path / "bad.csv"
    sheet.write_text(content)
    r = cli("batch", sheet)
    assert r.returncode == 2 and words in r.stderr


def test_scenarios_anywhere_in_the_sheets_folder_tree_and_nowhere_else(tmp_path):
    """A ``scenario`` cell reads a file in the sheet's folder or any folder
    below it, by a relative or an absolute path, links resolved first; a file
    outside the tree is refused with the rule, its contents never quoted."""
    sheet_dir = tmp_path / "sheet"
    (sheet_dir / "scen").mkdir(parents=True)
    (sheet_dir / "scen" / "short.toml").write_text("hold_days = 90\n")
    outside = tmp_path / "secret.toml"
    outside.write_text("hold_days = 30 # password=hunter2\n")
    (sheet_dir / "link.toml").symlink_to(outside)
    (sheet_dir / "inner.toml").symlink_to(sheet_dir / "scen" / "short.toml")
    inside_abs = sheet_dir / "scen" / "short.toml"
    (sheet_dir / "in.csv").write_text(
        "id,scenario\n"
        "rel,scen/short.toml\n"
        f"abs,{inside_abs}\n"
        "inner_link,inner.toml\n"
        "up,../secret.toml\n"
        f"abs_out,{outside}\n"
        "link_out,link.toml\n")
    _, rows, _ = run_batch(sheet_dir / "in.csv")
    by_id = {r["id"]: r for r in rows}
    want = 90 * 5.0 / (66.75 / (86 * 0.15))
    for name in ("rel", "abs", "inner_link"):
        assert by_id[name]["status"] == "ok", by_id[name]["message"]
        assert by_id[name]["storage_capacity_mb"] == pytest.approx(want, rel=1e-7)
    for name in ("up", "abs_out", "link_out"):
        row = by_id[name]
        assert row["status"] == "error"
        assert "inside the sheet's folder" in row["message"]
        assert "outside" in row["message"]
        assert "hunter2" not in row["message"]


def test_the_batch_template_runs_as_it_stands_and_keeps_its_units_row(cli, tmp_path):
    """`reserve template batch`: a units row, then examples that run; the
    answers keep the units row first, outputs' units included, and answer
    each example as `reserve size` / `reserve impact` do."""
    import csv
    import json
    for name in ("t.xlsx", "t.ods", "t.csv"):
        made = cli("template", "batch", "-o", tmp_path / name)
        assert made.returncode == 0, made.stderr
        done = cli("batch", tmp_path / name, "-o", tmp_path / f"out-{name}.csv")
        assert done.returncode == 0, done.stderr
        with open(tmp_path / f"out-{name}.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        assert rows[0]["id"] == "unit" and rows[0]["status"] == "units"
        assert rows[0]["storage_capacity_mb"] == "mb" and rows[0]["total_cost_musd"] == "musd"
        assert [r["status"] for r in rows[1:]] == ["ok"] * 4
    first = json.loads(cli("size", "-f", "json").stdout)
    assert float(rows[1]["storage_capacity_mb"]) == pytest.approx(
        first["storage_capacity_mb"], rel=1e-9)
    spr = json.loads(cli("size", "-s", "us-spr-2022", "-t", "-5", "--hold-days", "90",
                         "-f", "json").stdout)
    assert float(rows[3]["total_cost_musd"]) == pytest.approx(spr["total_cost_musd"], rel=1e-9)
    held = json.loads(cli("impact", "--capacity-mb", "100", "--fill-rate-mbd", "2",
                          "-f", "json").stdout)
    assert float(rows[4]["max_impact_usd_per_bbl"]) == pytest.approx(
        held["max_impact_usd_per_bbl"], rel=1e-9)


def test_an_out_of_reach_row_says_what_it_would_need(tmp_path):
    """As a sweep's point does: beyond_limits, the reachable impact and the
    needs with the caps lifted, the same as the sweep gives for that point."""
    from reserve import api
    sheet = tmp_path / "s.csv"
    sheet.write_text("id,demand_elasticity\nfar,-0.3\nnear,-0.1\n")
    _, rows, _ = run_batch(sheet)
    far, near = rows
    assert far["status"] == "infeasible" and far["beyond_limits"] == 1
    swept = next(r for r in api.sensitivity(None, vary={"demand_elasticity": [-0.3]}))
    for name in ("needed_storage_mb", "needed_fill_capacity_mbd", "needed_total_cost_musd",
                 "reachable_impact_usd_per_bbl"):
        assert far[name] == pytest.approx(swept[name], rel=1e-9), name
    assert far["needed_storage_mb"] > 260 > near["storage_capacity_mb"]
    assert "needed_storage_mb" not in near

"""The command line through the real `reserve` console script."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import beta, scenario

ROOT = Path(__file__).resolve().parent.parent
Q = 5.0 / beta(scenario())  # 0.9663 mb/d


def test_size_default_table_and_sentence(cli, tmp_path):
    r = cli("size", "--target-impact", "5", cwd=tmp_path)  # any folder: scenario is packaged
    assert r.returncode == 0, r.stderr
    assert "storage_capacity_mb" in r.stdout and "173.93" in r.stdout
    assert re.search(r"Holding crude \$5\.00/bbl above \$66\.75 for 180 days needs the reserve "
                     r"to absorb 0\.97 mb/d: 174 mb of storage", " ".join(r.stdout.split()))


def test_size_csv_parses_as_numbers(cli):
    r = cli("size", "-t", "5", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 1
    row = rows[0]
    for name in ("target_impact_usd_per_bbl", "hold_days", "storage_capacity_mb",
                 "fill_capacity_mbd", "release_capacity_mbd", "oil_absorbed_mb",
                 "oil_released_mb", "end_inventory_mb", "min_window_impact_usd_per_bbl",
                 "capital_cost_musd", "operating_cost_musd", "oil_cost_musd", "total_cost_musd",
                 "marginal_cost_musd_per_usd", "days_of_world_demand",
                 "capacity_mb_leased_tanks", "capacity_mb_floating_storage"):
        float(row[name])  # plain numbers a spreadsheet reads
        assert "," not in row[name] and "e" not in row[name].lower()
    assert row["termination"] == "optimal"
    assert float(row["storage_capacity_mb"]) == pytest.approx(180 * Q, rel=1e-7)


def test_size_json_and_percent_target(cli):
    r = cli("size", "--target-impact", "5%", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["target_impact_usd_per_bbl"] == pytest.approx(3.3375)
    assert data["storage_capacity_mb"] == pytest.approx(180 * 3.3375 / beta(scenario()), rel=1e-7)


def test_schedule_file(cli, tmp_path):
    out = tmp_path / "schedule.csv"
    r = cli("size", "-t", "5", "--format", "csv", "--schedule", out)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open(newline="")))
    assert list(rows[0]) == ["day", "fill_mbd", "release_mbd", "net_absorption_mbd",
                             "inventory_mb", "baseline_price_usd_per_bbl",
                             "price_impact_usd_per_bbl", "price_usd_per_bbl", "in_window",
                             # one column per leased option: capacity under contract
                             "capacity_leased_tanks_mb", "capacity_floating_storage_mb",
                             "capacity_floating_storage_tier2_mb"]
    assert len(rows) == 210
    window = [r for r in rows if r["in_window"] == "1"]
    assert len(window) == 180 and window[0]["day"] == "30"
    assert all(float(r["price_usd_per_bbl"]) == pytest.approx(71.75) for r in window)
    assert not list(tmp_path.glob(".schedule.csv.*"))  # no temporary file left behind


def test_scenario_files_and_set(cli, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("name,value\nhold_days,90\n")
    r = cli("size", "-s", path, "--set", "demand_elasticity=-0.2", "-f", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    b = 66.75 / (86 * 0.25)
    assert data["hold_days"] == 90
    assert data["storage_capacity_mb"] == pytest.approx(90 * 5 / b, rel=1e-7)


@pytest.mark.parametrize("model", ["us-spr-2022", "iea-2011-libya", "sechin-2008"])
def test_shipped_scenarios_answer(cli, model):
    r = cli("size", "-s", ROOT / "models" / f"{model}.toml", "-f", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    s = scenario()  # for the shape of the check only
    assert abs(data["min_window_impact_usd_per_bbl"]) == pytest.approx(
        abs(data["target_impact_usd_per_bbl"]), rel=1e-6)
    del s


@pytest.mark.parametrize("model, band, words", [
    ("sechin-2008", ["--floor", "60"], "floor 60 USD/bbl) replaces the target"),
    ("us-spr-2022", ["--ceiling", "110"], "ceiling 110 USD/bbl) replaces the target"),
])
def test_a_band_on_the_command_line_replaces_the_files_target(cli, model, band, words):
    r = cli("size", "-s", model, *band, "-f", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert any(words in note for note in data["notes"]), data["notes"]
    # the band holds: nothing to do at a baseline of $66.75 (sechin) or $100 (us-spr)
    assert data["min_price_usd_per_bbl"] >= 60.0 - 1e-9
    assert data["max_price_usd_per_bbl"] <= 110.0 + 1e-9


def test_an_empty_set_clears_a_target(cli, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("target_impact_usd_per_bbl = 5.0\nfloor_usd_per_bbl = 68.0\n")
    assert cli("size", "-s", path).returncode == 2      # a target and a band in one file
    r = cli("size", "-s", path, "--set", "target_impact_usd_per_bbl=",
            "--set", "storage.leased_tanks.build_days=0", "-f", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    # a $68 floor over $66.75 is $1.25 of lift for every one of 210 days
    assert data["min_price_usd_per_bbl"] == pytest.approx(68.0, rel=1e-9)
    assert data["fill_capacity_mbd"] == pytest.approx(1.25 * 86 * 0.15 / 66.75, rel=1e-7)


def test_a_rate_takes_a_percent(cli):
    as_percent = json.loads(cli("size", "--set", "discount_rate=8%", "-f", "json").stdout)
    as_share = json.loads(cli("size", "--set", "discount_rate=0.08", "-f", "json").stdout)
    assert as_percent == as_share


def test_impact_command_inverts_size(cli):
    r = cli("impact", "--capacity-mb", 180 * Q, "--fill-rate-mbd", Q, "-f", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["max_impact_usd_per_bbl"] == pytest.approx(5.0, rel=1e-6)


def test_impact_lower_direction(cli):
    r = cli("impact", "-s", ROOT / "models" / "us-spr-2022.toml", "--capacity-mb", 713.5,
            "--release-rate-mbd", 1, "--direction", "lower", "-f", "json")
    assert r.returncode == 0, r.stderr
    # 1 mb/d released at beta = 100 / (99.5 * 0.1) USD/bbl per mb/d
    assert json.loads(r.stdout)["max_impact_usd_per_bbl"] == pytest.approx(-100 / 9.95, rel=1e-6)


@pytest.mark.parametrize("args, words", [
    (["size", "--set", "demand_elasticity=0.3"], "demand_elasticity = '0.3'"),
    (["size", "--set", "hold_dys=30"], "did you mean hold_days"),
    (["size", "--set", "novalue"], "--set = 'novalue'"),
    (["size", "-t", "abc"], "target_impact_usd_per_bbl = 'abc'"),
    (["size", "-s", "/nonexistent/s.toml"], "scenario"),
    (["size", "--schedule", "out.txt"], "--schedule"),
    (["size", "--time-limit", "-1"], "--time-limit"),
    (["impact", "--capacity-mb", "-5"], "--capacity-mb = -5.0"),
    (["size", "--format", "xml"], "xml"),
    (["size", "--set", "hold_days=10%"], "a percent only for a share or a rate"),
])
def test_bad_input_exits_2_naming_the_parameter(cli, args, words):
    r = cli(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert words in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_unreachable_target_exits_3_with_diagnosis(cli):
    r = cli("size", "-t", "5", "--set", "fill_rate_max_mbd=0.5")
    assert r.returncode == 3
    assert "fill capacity 0.50 mb/d" in r.stderr
    assert "+2.59 USD/bbl" in r.stderr and "the target needs 0.97 mb/d" in r.stderr
    assert r.stdout == ""


def test_params_formats(cli, tmp_path):
    r = cli("params")
    assert r.returncode == 0 and "demand_elasticity" in r.stdout
    r = cli("params", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {"name", "value", "unit", "description"} <= set(rows[0])
    names = [row["name"] for row in rows]
    assert "price_usd_per_bbl" in names and "storage.leased_tanks.capex_usd_per_bbl" in names
    template = tmp_path / "t.csv"
    template.write_text(r.stdout)
    again = cli("size", "-s", template, "-f", "json")
    default = cli("size", "-f", "json")
    assert json.loads(again.stdout) == json.loads(default.stdout)
    r = cli("params", "--format", "toml")
    assert r.returncode == 0 and "[[storage]]" in r.stdout


def test_readme_commands_are_what_ci_runs():
    """.ci/run runs exactly the README's install and test commands."""
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in ci.splitlines()
                if line.strip() and not line.lstrip().startswith("#")
                and not line.startswith(("set ", "cd ", "export "))]
    assert commands, "no commands in .ci/run"
    for command in commands:
        assert command in readme, f"{command!r} is in .ci/run but not in README.md"


def test_solver_time_limit_exits_4(cli):
    # cost valuation: no sale after the horizon, so ten years stay in the size limit
    r = cli("size", "--time-limit", "0.000001", "--set", "hold_days=3650",
            "--set", "oil_valuation=cost", "--set", "storage.new_salt_caverns.build_days=0")
    assert r.returncode == 4
    assert "time limit" in r.stderr and "Traceback" not in r.stderr


def test_every_package_is_installed():
    """A non-editable install ships only the packages pyproject.toml lists:
    a new subpackage left out of it breaks `pip install .` but not the
    editable install the other tests use."""
    import tomllib
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "reserve").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml: {sorted(found - listed)}"


def test_version_is_the_packages(cli):
    import tomllib
    from pathlib import Path

    import reserve
    r = cli("--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"reserve {reserve.__version__}"
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == reserve.__version__
    # the changelog's newest section is this version's
    changelog = (Path(__file__).parents[1] / "CHANGELOG.md").read_text()
    newest = next(line for line in changelog.splitlines() if line.startswith("## "))
    assert newest.startswith(f"## {reserve.__version__}")


def test_the_csv_dialect_may_follow_the_command(cli):
    """`--csv-dialect` and `--debug` belong to every command: typed after it,
    they act as before it."""
    before = cli("--csv-dialect", "semicolon", "size", "-f", "csv")
    after = cli("size", "-f", "csv", "--csv-dialect", "semicolon")
    glued = cli("size", "--csv-dialect=semicolon", "-f", "csv")
    assert before.returncode == after.returncode == glued.returncode == 0, after.stderr
    assert after.stdout == before.stdout == glued.stdout and ";173,93" in after.stdout
    bad = cli("size", "--csv-dialect", "tab")
    assert bad.returncode == 2 and "--csv-dialect" in bad.stderr


def test_the_table_fits_an_80_column_terminal(cli):
    """In 80 columns the answer's table leaves out the machine names (saying
    where to find them) and every line fits; piped, it keeps them."""
    import os
    import subprocess
    import shutil
    narrow = subprocess.run([shutil.which("reserve"), "size"], capture_output=True, text=True,
                            env={**os.environ, "COLUMNS": "80"}, timeout=300)
    assert narrow.returncode == 0, narrow.stderr
    lines = narrow.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "target_impact_usd_per_bbl" not in narrow.stdout
    assert "names for CSV and JSON: reserve size -f csv" in narrow.stdout
    assert "│ Storage capacity, total" in narrow.stdout
    wide = cli("size")
    assert "target_impact_usd_per_bbl" in wide.stdout

"""Runs saved, re-run and compared (reserve.runs, reserve.compare, `reserve compare`):
a scenario written and read back is the same scenario, a run re-run gives its
own outputs back, and bad or edited run files exit 2 naming what they cannot read."""

import json

import pytest

from reserve import api
from reserve.runs import RUN_FORMAT, checksum, scenario_toml
from reserve.scenariofile import shipped_scenarios

#: Questions whose layers a written scenario must give back: every shipped
#: scenario, and the readings that depend on which layer gave what.
CASES = [(name, {}) for name in shipped_scenarios()] + [
    (None, {"target_impact_usd_per_bbl": "10%"}),         # a target in percent
    (None, {"objective": "net-benefit"}),                 # no target beside the objective
    (None, {"floor_usd_per_bbl": 60}),                    # a band: no default target beside it
    (None, {"storage.new_tank.capex_usd_per_bbl": 3}),    # an option added by --set
    (None, {"demand_elasticity_long_run": -0.3}),         # a value whose default is "not set"
]


def _same(s, t) -> None:
    assert t.params == s.params
    assert t.storage == s.storage
    assert t.owners == s.owners
    assert t.target_percent == s.target_percent


@pytest.mark.parametrize("source,overrides", CASES)
def test_a_scenario_written_reads_back_as_itself(tmp_path, source, overrides):
    """TOML (reserve params -o x.toml) and a run file's scenario give back every
    parameter, storage option, owner and the percent target, as typed."""
    s = api.question(source, overrides)
    toml = tmp_path / "x.toml"
    toml.write_text(scenario_toml(s), encoding="utf-8")
    _same(s, api.question(toml))

    class Asked:     # what a run file reads of an answer
        scenario, asked, mode, arguments = s, None, "size", {}
    from reserve.jsontext import to_json
    from reserve.runs import run_record
    run = tmp_path / "x.json"
    run.write_text(to_json(run_record(Asked, {}, ["reserve", "size"])), encoding="utf-8")
    _same(s, api.question(run))


def test_a_run_re_run_gives_its_own_outputs_back(cli, tmp_path):
    """`-o run.json` then `-s run.json`: the same outputs, with the price path
    the run holds (its file gone) and the overrides it was asked with."""
    path = tmp_path / "crash.csv"
    path.write_text("day,price_usd_per_bbl\n0,70\n120,45\n400,60\n", encoding="utf-8")
    run = tmp_path / "run.json"
    first = cli("size", "--price-path", path, "--set", "demand_elasticity=-0.08",
                "--hold-days", "90", "-o", run)
    assert first.returncode == 0, first.stderr
    assert f"run written to {run}" in first.stderr
    record = json.loads(run.read_text())
    assert record["run"]["format"] == RUN_FORMAT
    assert record["run"]["command"][:3] == ["reserve", "size", "--price-path"]
    assert record["scenario"]["parameters"]["demand_elasticity"] == -0.08
    assert record["scenario"]["parameters"]["hold_days"] == 90
    assert record["scenario"]["price_path"]["price_usd_per_bbl"] == [70.0, 45.0, 60.0]
    assert record["checksum"] == checksum(record)
    same = cli("compare", run, run)           # a run with its path compares to itself
    assert same.returncode == 0 and "the same question with the same answer" in same.stdout
    path.unlink()
    again = cli("size", "-s", run, "-f", "json")
    assert again.returncode == 0, again.stderr
    outputs = json.loads(again.stdout)
    for name in ("storage_capacity_mb", "total_cost_musd", "min_price_usd_per_bbl",
                 "net_benefit_musd"):
        assert outputs[name] == pytest.approx(record[name], rel=1e-12), name


def test_an_impact_run_keeps_its_design(cli, tmp_path):
    """An impact's capacity, rates and direction are not scenario parameters:
    the run keeps them, and `reserve impact -s run.json` asks the same."""
    run = tmp_path / "i.json"
    first = cli("impact", "--capacity-mb", "80", "--release-rate-mbd", "1.5",
                "--direction", "lower", "--set", "initial_inventory_mb=60", "-o", run)
    assert first.returncode == 0, first.stderr
    record = json.loads(run.read_text())
    assert record["run"]["arguments"] == {"capacity_mb": 80.0, "fill_rate_mbd": None,
                                          "release_rate_mbd": 1.5, "direction": "lower"}
    again = cli("impact", "-s", run, "-f", "json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["max_impact_usd_per_bbl"] == \
        pytest.approx(record["max_impact_usd_per_bbl"], rel=1e-12)
    assert record["max_impact_usd_per_bbl"] < 0
    # a rate given on the command line wins over the run's: slower moves less
    slower = cli("impact", "-s", run, "--release-rate-mbd", "0.1", "-f", "json")
    assert json.loads(slower.stdout)["max_impact_usd_per_bbl"] > \
        record["max_impact_usd_per_bbl"]
    none = cli("impact")
    assert none.returncode == 2
    assert "--capacity-mb" in none.stderr and "Traceback" not in none.stderr


def test_params_saves_a_modified_scenario(cli, tmp_path):
    """`reserve params -s X --set ... -o x.toml` then `size -s x.toml` answers
    as `size -s X --set ...` does."""
    toml = tmp_path / "x.toml"
    made = cli("params", "-s", "us-spr-2022", "--set", "hold_days=60", "-o", toml)
    assert made.returncode == 0, made.stderr
    text = toml.read_text()
    assert "hold_days = 60" in text and "us-spr-2022 with hold_days=60" in text
    direct = cli("size", "-s", "us-spr-2022", "--set", "hold_days=60", "-t", "-3", "-f", "json")
    saved = cli("size", "-s", toml, "-t", "-3", "-f", "json")
    assert json.loads(saved.stdout)["total_cost_musd"] == \
        pytest.approx(json.loads(direct.stdout)["total_cost_musd"], rel=1e-12)
    shown = cli("params", "--set", "hold_days=60", "-f", "csv")
    assert "hold_days,60,d," in shown.stdout
    owners = cli("params", "-s", "iea-2022", "-o", tmp_path / "x.csv")
    assert owners.returncode == 2 and ".toml" in owners.stderr


def test_compare_marks_what_differs(cli, tmp_path):
    """Two runs one input apart: that input alone differs among the inputs,
    and each output's B - A is the two runs' own difference."""
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert cli("size", "-o", a).returncode == 0
    assert cli("size", "--set", "demand_elasticity=-0.08", "-o", b).returncode == 0
    done = cli("compare", a, b, "-f", "json", "-o", tmp_path / "c.xlsx", "--plot",
               tmp_path / "c.png")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    differing = [r["name"] for r in found["rows"] if r["section"] == "input" and r["differs"]]
    assert differing == ["demand_elasticity"]
    ra, rb = json.loads(a.read_text()), json.loads(b.read_text())
    storage = next(r for r in found["rows"] if r["name"] == "storage_capacity_mb")
    assert storage["difference"] == pytest.approx(rb["storage_capacity_mb"]
                                                  - ra["storage_capacity_mb"])
    assert storage["differs"]
    assert (tmp_path / "c.xlsx").stat().st_size > 0 and (tmp_path / "c.png").stat().st_size > 0
    table = cli("compare", a, b)
    assert "≠ │ demand_elasticity" in table.stdout
    assert "1 input differs (demand_elasticity)" in table.stdout


def test_compare_answers_a_scenario_as_size_does(cli, tmp_path):
    """A shipped name beside its own run: the same question, the same answer."""
    run = tmp_path / "spr.json"
    assert cli("size", "-s", "us-spr-2022", "-o", run).returncode == 0
    done = cli("compare", "us-spr-2022", run, "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert ",yes" not in done.stdout
    same = cli("compare", run, run)
    assert "the same question with the same answer" in same.stdout


def test_a_side_out_of_reach_has_no_answer_not_zeros(tmp_path):
    """A scenario whose target is out of reach is compared by its inputs; its
    outputs read None (no answer), never 0."""
    found = api.compare(None, api.question(None, {"demand_elasticity": -0.3}))
    assert "it needs" in found.b.message and not found.b.outputs
    assert found.a.label == "sechin-2008"
    storage = next(r for r in found.rows if r["name"] == "storage_capacity_mb")
    assert storage["b"] is None and storage["a"] > 0 and storage["differs"]


@pytest.mark.parametrize("change,named", [
    (lambda r: r["run"].update(format=RUN_FORMAT + 1, version="9.0"),
     "run.format = 2: at most 1: it was written by reserve 9.0"),
    (lambda r: r.pop("scenario"), "scenario"),
    (lambda r: r["scenario"].update(storage="tanks"), "scenario.storage"),
    (lambda r: r["scenario"]["parameters"].update(demand_elasticity="steep"),
     "demand_elasticity = 'steep'"),
    (lambda r: r["scenario"]["price_path"]["day"].reverse(), "scenario.price_path.day"),
    (lambda r: r.pop("run"), "no 'run' section"),
])
def test_a_newer_or_tampered_run_exits_2_naming_what(cli, tmp_path, change, named):
    record = {"run": {"format": RUN_FORMAT, "version": "0.1.0"},
              "scenario": {"parameters": {"hold_days": 90}, "storage": [],
                           "price_path": {"day": [0, 400], "price_usd_per_bbl": [60, 70]}}}
    record["scenario"].pop("storage")
    change(record)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(record), encoding="utf-8")
    for args in (("size", "-s", bad), ("compare", bad, "sechin-2008")):
        done = cli(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert named in done.stderr and "Traceback" not in done.stderr


def test_compare_refuses_an_edited_run_and_a_file_of_neither_kind(cli, tmp_path):
    run = tmp_path / "a.json"
    assert cli("size", "-o", run).returncode == 0
    record = json.loads(run.read_text())
    record["storage_capacity_mb"] = 1.0          # an answer edited by hand
    run.write_text(json.dumps(record), encoding="utf-8")
    edited = cli("compare", run, "sechin-2008")
    assert edited.returncode == 2 and "A: checksum" in edited.stderr
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    neither = cli("compare", "sechin-2008", notes)
    assert neither.returncode == 2 and "error: B = " in neither.stderr
    assert "run file" in neither.stderr


def test_the_how_to_python_runs_as_written(tmp_path, monkeypatch):
    """The how-to's "From Python" block, run in a fresh folder."""
    import textwrap
    from pathlib import Path
    page = (Path(__file__).parents[1] / "docs" / "howto" / "save-and-compare.md").read_text()
    block = page.split("## From Python")[1].split("## What is refused")[0]
    code = textwrap.dedent("\n".join(line for line in block.splitlines()
                                     if line.startswith("    ")))
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, "save-and-compare.md", "exec"), scope)
    assert (tmp_path / "steeper.json").exists()
    assert [r["name"] for r in scope["found"].rows
            if r["section"] == "input" and r["differs"]] == ["demand_elasticity"]


def test_a_run_out_of_reach_keeps_its_question_and_diagnosis(cli, tmp_path):
    """Exit 3, and the run written: the scenario and the diagnosis. Asked
    again with the two limits the diagnosis names lifted as far as it says,
    the target is met at the storage it said it needs."""
    run = tmp_path / "out.json"
    first = cli("size", "--set", "demand_elasticity=-0.3", "-o", run)
    assert first.returncode == 3 and "run of the diagnosis written" in first.stderr
    record = json.loads(run.read_text())
    assert record["termination"] == "out of reach"
    assert record["diagnosis"] in first.stderr and "storage_capacity_mb" not in record
    assert "it needs 2.25 mb/d (fill_rate_max_mbd), 245.84 mb" in record["diagnosis"]
    lifted = cli("size", "-s", run, "--set", "fill_rate_max_mbd=2.26", "--set",
                 "storage.floating_storage_tier2.capacity_max_mb=245.85", "-f", "json")
    assert lifted.returncode == 0, lifted.stderr
    assert json.loads(lifted.stdout)["capacity_mb_floating_storage_tier2"] == \
        pytest.approx(245.84, abs=0.01)


def test_compare_refuses_a_picture_it_cannot_draw_before_solving(cli, tmp_path):
    done = cli("compare", "sechin-2008", "us-spr-2022", "--plot", tmp_path / "c.txt",
               "-o", tmp_path / "c.csv")
    assert done.returncode == 2 and "--plot" in done.stderr and ".png" in done.stderr
    assert list(tmp_path.iterdir()) == []

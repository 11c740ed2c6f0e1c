"""The Python API names parameters as a notebook user wrote them, never a CLI flag;
and the command line's option groups reach every command that shares them."""

import numpy as np
import pytest

import reserve


@pytest.mark.parametrize("call, named", [
    (lambda: reserve.uncertainty(None, dist={"demand_elasticity": "uniform:-0.1"}), "dist"),
    (lambda: reserve.uncertainty(None, dist={"no_such_input": "uniform:0:1"}), "dist"),
    (lambda: reserve.uncertainty(None, dist={"demand_elasticity": "uniform:-0.3:-0.1"},
                                 samples=10**6), "samples"),
    (lambda: reserve.sensitivity(None, vary={"no_such_input": [1, 2]}), "vary"),
    (lambda: reserve.sensitivity(None, vary={"demand_elasticity": [-0.1] * 400,
                                             "supply_elasticity": [0.1] * 400},
                                 grid=True), "vary"),
    (lambda: reserve.size(None, hold_days=-3), "hold_days"),
    (lambda: reserve.size_reliable(prices=np.full((2, 300), 60.0), reliability=1.5),
     "reliability"),
    (lambda: reserve.size_reliable(prices=np.full((2, 30), 60.0), reliability=0.9), "prices"),
    (lambda: reserve.assess_risk(prices=np.full((2, 30), 60.0), capacity_mb=10),
     "floor_usd_per_bbl"),
    (lambda: reserve.draw_paths(n_paths=2, days=10, disruption_mbd=1, p_disrupt=2), "p_disrupt"),
    (lambda: reserve.draw_paths(n_paths=0, days=10), "n_paths"),
    (lambda: reserve.draw_paths(n_paths=2, days=10, seed=-1), "seed"),
    (lambda: reserve.draw_paths(n_paths=2, days=0), "days"),
])
def test_api_errors_name_the_argument_not_a_flag(call, named):
    with pytest.raises(reserve.InputError) as caught:
        call()
    text = str(caught.value)
    assert text.startswith(named) and "--" not in text.split(":")[0], text


def test_an_option_group_is_one_declaration_shared_by_its_commands():
    """--floor and --price-path, declared once in options.Question, reach every
    command that takes the group (sensitivity and uncertainty included)."""
    import typer.main

    from reserve.cli import app
    click_app = typer.main.get_command(app)
    flags = {name: {o for p in cmd.params for o in p.opts}
             for name, cmd in click_app.commands.items()}
    for command in ("size", "report", "sensitivity", "uncertainty"):
        assert {"--target-impact", "--hold-days", "--floor", "--ceiling", "--price-path",
                "--scenario", "--set"} <= flags[command], command
    for command in ("sensitivity", "uncertainty"):
        assert {"--workers", "--scheduler", "--tls-ca-file"} <= flags[command]
    for command in ("size", "impact"):
        assert {"--format", "--schedule", "--output", "--plot", "--time-limit"} <= flags[command]


def test_a_sweep_defends_a_floor_given_on_the_command_line(cli, tmp_path):
    """The floor now reaches `reserve sensitivity` through the shared group: a
    higher floor needs more storage (checked on the rows it writes)."""
    import csv
    out = tmp_path / "rows.csv"
    common = ["--price-path", "examples/crash-2008/brent-2008.csv", "--set", "lead_days=0",
              "--set", "fill_rate_max_mbd=inf",
              "--set", "storage.leased_tanks.capacity_max_mb=inf"]
    swept = cli("sensitivity", "--floor", "70", *common,
                "--vary", "demand_elasticity=-0.2,-0.1", "-o", str(out))
    assert swept.returncode == 0, swept.stderr
    rows = list(csv.DictReader(out.open()))
    assert [r["status"] for r in rows] == ["ok", "ok"]
    # each point is the answer `reserve size` gives with that floor
    for row in rows:
        alone = cli("size", "--floor", "70", *common, "--set",
                    f"demand_elasticity={row['demand_elasticity']}", "-f", "csv")
        assert alone.returncode == 0, alone.stderr
        expected = next(csv.DictReader(alone.stdout.splitlines()))
        assert float(row["storage_capacity_mb"]) == pytest.approx(
            float(expected["storage_capacity_mb"]), rel=1e-6)
    # a less elastic demand moves further for each barrel bought: less storage
    assert float(rows[1]["storage_capacity_mb"]) < 0.7 * float(rows[0]["storage_capacity_mb"])


def test_the_api_reads_vary_as_the_command_line_does_and_shows_itself_briefly():
    """'LO:HI:N' and one number are values of vary; a wrong range says what
    is allowed; an answer's repr is one line, its notebook view a table, its
    plot a figure; dir(reserve) lists the API."""
    import reserve
    rows = reserve.sensitivity(vary={"demand_elasticity": "-0.2:-0.1:3"})
    assert [r["demand_elasticity"] for r in rows] == pytest.approx([-0.2, -0.15, -0.1])
    assert len(reserve.sensitivity(vary={"hold_days": 90})) == 1
    with pytest.raises(reserve.InputError, match="LO:HI:N"):
        reserve.sensitivity(vary={"demand_elasticity": "-0.2:x"})
    answer = reserve.size()
    assert "\n" not in repr(answer) and len(repr(answer)) < 200
    assert f"{answer.outputs['storage_capacity_mb']:,.1f} mb" in repr(answer)
    assert "<table>" in answer._repr_html_() and answer.sentence[:40] in answer._repr_html_()
    assert answer.plot().axes
    assert {"size", "impact", "sensitivity", "policy"} <= set(dir(reserve))
    # rows draw what --plot draws for their command
    assert rows.plot().axes
    tornado = reserve.sensitivity(tornado=True, params=["hold_days"])
    assert tornado.plot().axes

"""Many solves (issue 4): in-place re-solves equal fresh solves, monotone facts,
tornado against separate runs, quantiles against a closed form, the confidence
design's coverage recomputed, workers, reproducibility and Ctrl-C."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from reserve import analysis, sweep
from reserve.cli import app
from reserve.errors import TargetUnreachable
from reserve.problem import build_problem
from reserve.results import outputs
from reserve.scenario import with_overrides
from reserve.session import Session
from reserve.solve import size
from reserve.sweep import Resolver

from conftest import lp_arrays, scenario

ROOMY = {"storage.floating_storage.capacity_max_mb": "inf", "fill_rate_max_mbd": "inf"}
runner = CliRunner()

CHANGES = [
    {"demand_elasticity": -0.25}, {"supply_elasticity": 0.0}, {"offset_share": 0.4},
    {"offset_share": -0.3}, {"discount_rate": 0.02}, {"loss_rate_per_yr": 0.3},
    {"target_impact_usd_per_bbl": 7.5}, {"target_impact_usd_per_bbl": "8%"},
    {"price_usd_per_bbl": 90}, {"demand_mbd": 70}, {"transaction_cost_usd_per_bbl": 2},
    {"holding_cost_usd_per_bbl_yr": 3}, {"rate_capex_usd_per_bbl_per_day": 900},
    {"storage.leased_tanks.om_usd_per_bbl_yr": 20}, {"storage.leased_tanks.capacity_max_mb": 5},
    {"storage.floating_storage.om_usd_per_bbl_yr": 4}, {"release_rate_max_mbd": 0.5},
    {"window_impact_max_usd_per_bbl": 9}, {"oil_valuation": "market"},
    {"capital_charge": "full"}, {"hold_days": 90},   # another structure: a rebuild
]


@pytest.mark.parametrize("extra", [{}, {"price_model": "isoelastic"},
                                   {"demand_elasticity_long_run": -0.3,
                                    "supply_elasticity_long_run": 0.1}])
def test_in_place_re_solves_equal_fresh_solves(extra):
    base = scenario(**ROOMY, **extra)
    resolver = Resolver(base)
    for change in CHANGES:
        s = with_overrides(base, change)
        try:
            fresh = outputs(size(s, diagnose=False))
        except TargetUnreachable:
            with pytest.raises(TargetUnreachable):
                resolver.solve(s)
            continue
        again = outputs(resolver.solve(s))
        for name, value in fresh.items():
            if isinstance(value, float) and not np.isnan(value):
                assert again[name] == pytest.approx(value, rel=1e-7, abs=1e-7), (change, name)
    assert resolver.rebuilds >= 1      # the hold_days change
    assert resolver.timings.solves > len(CHANGES)


LEASED = {"storage.charter.lease_term_days": 30, "storage.charter.om_usd_per_bbl_yr": 9,
          "storage.charter.build_days": 20, "storage.charter.capacity_max_mb": 80,
          "storage.charter.capex_usd_per_bbl": 0.3}


@pytest.mark.parametrize("extra, form", [
    ({}, None), ({}, "general"), ({"own_price_effect": "true"}, None),
    ({"demand_elasticity_long_run": -0.3, "supply_elasticity_long_run": 0.1}, None),
    (LEASED, None), ({**LEASED, "floor_usd_per_bbl": 70, "price_usd_per_bbl": 60}, None),
])
def test_an_updated_model_is_the_fresh_model_number_for_number(extra, form):
    """After writing new data into the old model, HiGHS holds exactly the model
    a fresh build of that data gives (matrix, bounds, costs), in both forms."""
    base = scenario(**ROOMY, initial_inventory_mb=10,
                    **{"storage.leased_tanks.existing_mb": 20,
                       "storage.leased_tanks.build_days": 0}, **extra)
    changes = {"demand_elasticity": -0.31, "discount_rate": 0.03,
               "loss_rate_per_yr": 0.2, "initial_inventory_mb": 15,
               "storage.leased_tanks.existing_mb": 25, "rate_capex_usd_per_bbl_per_day": 400,
               "pre_window_release": "true"}
    if "floor_usd_per_bbl" in extra:
        changes["floor_usd_per_bbl"] = 72
    else:
        changes["target_impact_usd_per_bbl"] = 4
    if "storage.charter.om_usd_per_bbl_yr" in extra:
        changes.update({"storage.charter.om_usd_per_bbl_yr": 12,
                        "storage.charter.capacity_max_mb": 95})
    changed = with_overrides(base, changes)
    old = Session(build_problem(base), form)
    old.least_cost()
    old.load(build_problem(changed))
    fresh = Session(build_problem(changed), form)
    a, b = lp_arrays(old), lp_arrays(fresh)
    for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_", "matrix"):
        n = min(len(a[name]), len(b[name]))   # the premium's cuts add rows to the old
        assert np.allclose(a[name][:n], b[name][:n], rtol=1e-12, atol=1e-12), name


def _sweep(args):
    result = runner.invoke(app, ["sensitivity", *args, "--set",
                                 "storage.floating_storage.capacity_max_mb=inf",
                                 "--set", "fill_rate_max_mbd=inf"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("vary, rises", [
    ("demand_elasticity=-0.05:-0.35:7", True),     # more elastic demand: bigger
    ("supply_elasticity=0:0.15:6", True),
    ("offset_share=-0.5:0.6:6", True),
    ("hold_days=30:360:6", True),
])
def test_capacity_rises_monotonically(vary, rises):
    rows = _sweep(["--vary", vary])
    capacity = [float(r["storage_capacity_mb"]) for r in rows]
    assert all(r["status"] == "ok" for r in rows)
    assert all(b > a for a, b in zip(capacity, capacity[1:]))


def test_one_way_rows_show_every_varied_value():
    rows = _sweep(["--vary", "demand_elasticity=-0.3,-0.2", "--vary", "supply_elasticity=0,0.1"])
    assert [r["sweep"] for r in rows] == ["demand_elasticity"] * 2 + ["supply_elasticity"] * 2
    assert rows[0]["supply_elasticity"] == "0.05" and rows[2]["demand_elasticity"] == "-0.1"


def test_grid_covers_every_combination_in_snake_order():
    rows = _sweep(["--vary", "demand_elasticity=-0.3:-0.1:3", "--vary",
                   "supply_elasticity=0:0.1:3", "--grid"])
    pairs = [(float(r["demand_elasticity"]), float(r["supply_elasticity"])) for r in rows]
    assert len(set(pairs)) == 9
    assert [p[1] for p in pairs[:6]] == [0, 0.05, 0.1, 0.1, 0.05, 0]


def test_tornado_bars_match_separate_size_runs(cli):
    rows = _sweep(["--tornado", "--params", "demand_elasticity,price_usd_per_bbl",
                   "--span", "20%"])
    for row in rows:
        name, value = row["sweep"], row[row["sweep"]]
        r = cli("size", "-f", "json", "--set", f"{name}={value}", "--set",
                "storage.floating_storage.capacity_max_mb=inf", "--set", "fill_rate_max_mbd=inf")
        separate = json.loads(r.stdout)
        assert float(row["storage_capacity_mb"]) == pytest.approx(separate["storage_capacity_mb"],
                                                                  rel=1e-9)
        assert float(row["total_cost_musd"]) == pytest.approx(separate["total_cost_musd"],
                                                              rel=1e-9)
    assert {r["side"] for r in rows} == {"low", "high"}
    low = [r for r in rows if r["sweep"] == "demand_elasticity" and r["side"] == "low"][0]
    assert float(low["demand_elasticity"]) == pytest.approx(-0.08)


def test_uncertainty_quantiles_match_the_closed_form():
    """Capacity is affine in the demand elasticity (hold * target * Q0 (eps_s -
    eps_d) / P0), so its quantiles are the affine map of the sample's quantiles,
    and near those of the uniform distribution."""
    # the stock booked at cost and no premium: the capacity is the same, and
    # each of the 2,000 solves an LP of the horizon alone
    result = runner.invoke(app, ["uncertainty", "--samples", "2000", "--seed", "7",
                                 "--dist", "demand_elasticity=uniform:-0.35:-0.03",
                                 "--format", "json", "--set",
                                 "storage.floating_storage.capacity_max_mb=inf",
                                 "--set", "fill_rate_max_mbd=inf",
                                 "--set", "oil_valuation=cost",
                                 "--set", "own_price_effect=false"])
    assert result.exit_code == 0, result.output
    q = json.loads(result.stdout)
    capacity = lambda eps_d: 180 * 5 * 86 * (0.05 - eps_d) / 66.75  # noqa: E731
    for p in ("p5", "p50", "p95"):
        # a higher capacity comes from a lower (more elastic) eps_d: P5 <-> P95
        mirror = {"p5": "p95", "p50": "p50", "p95": "p5"}[p]
        assert q["storage_capacity_mb"][p] == pytest.approx(
            capacity(q["demand_elasticity"][mirror]), rel=1e-9)
    exact = {"p5": -0.35 + 0.95 * 0.32, "p50": -0.19, "p95": -0.35 + 0.05 * 0.32}
    for p, eps in exact.items():
        assert q["storage_capacity_mb"][p] == pytest.approx(capacity(eps), rel=0.03)
    assert q["samples"] == {"requested": 2000, "solved": 2000, "infeasible": 0, "error": 0}


def test_an_out_of_reach_point_still_says_what_it_needs(cli):
    """demand -0.35: the target needs hold * target * Q0 (eps_s - eps_d) / P0 of
    storage with the caps lifted (a closed form), and its reachable impact is
    the one `reserve size`'s own diagnosis finds. The points after it re-solve
    their lifted models warm from the first's (Resolver.lifted): each still
    meets its own closed form."""
    result = runner.invoke(app, ["sensitivity", "--vary",
                                 "demand_elasticity=-0.35,-0.1,-0.32,-0.3"])
    assert result.exit_code == 0, result.output
    far, near, *more = csv.DictReader(io.StringIO(result.stdout))
    assert (far["status"], far["beyond_limits"]) == ("infeasible", "1")
    assert (near["status"], near["beyond_limits"]) == ("ok", "0")
    for row in (far, *more):
        assert row["status"] == "infeasible"
        needed = 180 * 5 * 86 * (0.05 - float(row["demand_elasticity"])) / 66.75
        assert float(row["needed_storage_mb"]) == pytest.approx(needed, rel=1e-7)
        assert float(row["needed_fill_capacity_mbd"]) == pytest.approx(needed / 180, rel=1e-7)
    assert "fill_rate_max_mbd" in far["binding_limit"]        # 2.58 mb/d > the 2 mb/d cap
    diagnosis = cli("size", "--set", "demand_elasticity=-0.35").stderr
    reach = float(diagnosis.split("can hold at most +")[1].split(" USD/bbl")[0])
    assert float(far["reachable_impact_usd_per_bbl"]) == pytest.approx(reach, abs=0.005)


def test_quantiles_cover_every_sample_with_their_needs():
    """The closed form of the test above, over every sample: out-of-reach
    samples count with what they need, so the quantiles are those of the
    unconstrained answer, not of the samples that happen to fit."""
    # the stock booked at cost and no premium: the same capacities, each solve
    # an LP of the horizon alone
    args = ["uncertainty", "--samples", "400", "--seed", "7", "--dist",
            "demand_elasticity=uniform:-0.35:-0.03", "--format", "json",
            "--set", "oil_valuation=cost", "--set", "own_price_effect=false"]
    capped = json.loads(runner.invoke(app, args).stdout)
    lifted = json.loads(runner.invoke(app, [*args, "--set", "fill_rate_max_mbd=inf", "--set",
                                            "storage.floating_storage.capacity_max_mb=inf"
                                            ]).stdout)
    assert capped["samples"]["infeasible"] > 100 and lifted["samples"]["infeasible"] == 0
    for p in ("p5", "p50", "p95"):
        assert capped["storage_capacity_mb"][p] == pytest.approx(
            lifted["storage_capacity_mb"][p], rel=1e-7)


def test_a_confidence_design_beyond_the_limits_says_so():
    result = runner.invoke(app, ["uncertainty", "--samples", "40", "--seed", "1", "--dist",
                                 "demand_elasticity=uniform:-0.35:-0.03", "--confidence", "0.9",
                                 "-f", "json"])
    assert result.exit_code == 0, result.output
    design = json.loads(result.stdout)
    assert design["beyond_limits"] == 1
    assert "fill_rate_max_mbd" in design["limits_exceeded"]
    assert design["fill_capacity_mbd"] > 2.0
    assert design["coverage"] >= 0.9


def test_same_seed_same_answer():
    args = ["uncertainty", "-n", "30", "--seed", "11", "--dist",
            "supply_elasticity=triangular:0:0.05:0.15", "-f", "json"]
    assert runner.invoke(app, args).stdout == runner.invoke(app, args).stdout


def test_confidence_coverage_recomputed_independently():
    base = scenario(**ROOMY)
    dists = [analysis.parse_dist("demand_elasticity=uniform:-0.35:-0.03"),
             analysis.parse_dist("supply_elasticity=uniform:0:0.15")]
    points = analysis.draw_samples(dists, 40, seed=5)
    make = analysis.make_point_scenario(base)
    results = sweep.run_points(make, points)
    from reserve.confidence import confidence_design
    design = confidence_design(base, points, results, 0.9)
    assert design.coverage >= 0.9
    # independently, as the issue asks: each sample in impact mode with the design
    from reserve.solve import impact
    reached = [abs(impact(make(p), sum(design.capacity_mb.values()), design.fill_capacity_mbd,
                          design.release_capacity_mbd, "raise").target_impact_usd_per_bbl)
               for p in points]
    assert sum(r >= 5 * (1 - 1e-6) for r in reached) / len(points) == pytest.approx(design.coverage)
    # and with the design's capacities as limits and the build times: a fresh `size` per sample
    held = 0
    for point in points:
        s = with_overrides(make(point), {
            **{f"storage.{k}.capacity_max_mb": v * (1 + 1e-7) for k, v in design.capacity_mb.items()},
            "fill_rate_max_mbd": design.fill_capacity_mbd * (1 + 1e-7),
            "release_rate_max_mbd": design.release_capacity_mbd * (1 + 1e-7) + 0.0})
        try:
            size(s, diagnose=False)
            held += 1
        except TargetUnreachable:
            pass
    assert held / len(points) == pytest.approx(design.coverage_with_build_times)
    assert design.coverage_with_build_times >= 0.9


def test_workers_give_the_serial_answer():
    base = scenario(**ROOMY)
    points = analysis.sweep_points([("demand_elasticity", [-0.3, -0.2, -0.1, -0.05])], False, base)
    make = analysis.make_point_scenario(base)
    serial = sweep.run_points(make, points)
    parallel = sweep.run_points(make, points, workers=2)
    for a, b in zip(serial, parallel):
        assert a.status == b.status
        assert a.outputs["storage_capacity_mb"] == pytest.approx(b.outputs["storage_capacity_mb"],
                                                                 rel=1e-12)


def test_bad_points_do_not_stop_a_sweep():
    rows = _sweep(["--vary", "demand_elasticity=-0.2,0.3,-0.1"])
    assert [r["status"] for r in rows] == ["ok", "error", "ok"]
    assert "demand_elasticity" in rows[1]["message"]


def test_ctrl_c_keeps_the_rows_solved(tmp_path, monkeypatch):
    calls = {"n": 0}
    real = sweep.solve_point

    def interrupt_on_fourth(resolver, s):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(resolver, s)

    monkeypatch.setattr(sweep, "solve_point", interrupt_on_fourth)
    out = tmp_path / "rows.csv"
    result = runner.invoke(app, ["sensitivity", "--vary", "demand_elasticity=-0.3:-0.05:8",
                                 "-o", str(out), "--set", "fill_rate_max_mbd=inf", "--set",
                                 "storage.floating_storage.capacity_max_mb=inf"])
    assert result.exit_code == 130
    rows = list(csv.DictReader(out.open()))
    # row N answers point N: the three solved, then the rest marked cancelled
    assert [r["status"] for r in rows] == ["ok"] * 3 + ["cancelled"] * 5
    assert rows[5]["demand_elasticity"] == "-0.1214285714"


@pytest.mark.parametrize("args, words", [
    (["sensitivity"], "--vary"),
    (["sensitivity", "--vary", "demand_elasticity=1:2"], "NAME=LO:HI:N"),
    (["sensitivity", "--vary", "price_model=1:2:3"], "a numeric parameter"),
    (["sensitivity", "--vary", "demand_elastcity=1:2:3"], "did you mean demand_elasticity"),
    (["sensitivity", "--tornado", "--span", "150%"], "--span"),
    (["uncertainty", "--dist", "demand_elasticity=beta:1:2"], "uniform:LO:HI"),
    (["uncertainty", "--dist", "demand_elasticity=uniform:1"], "uniform:LO:HI"),
    (["uncertainty", "--dist", "demand_elasticity=normal:-0.1:-1"], "SD > 0"),
    (["uncertainty", "-n", "0", "--dist", "demand_elasticity=uniform:-0.3:-0.1"], "--samples"),
    (["uncertainty", "--confidence", "1.5", "--dist", "demand_elasticity=uniform:-0.3:-0.1"],
     "--confidence"),
])
def test_bad_analysis_input_exits_2(args, words):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert words in result.output


def test_plots_for_sweeps(tmp_path):
    for args in (["--vary", "demand_elasticity=-0.3:-0.1:3"],
                 ["--vary", "demand_elasticity=-0.3:-0.1:3", "--vary", "supply_elasticity=0:0.1:3",
                  "--grid"],
                 ["--tornado", "--params", "demand_elasticity,hold_days"]):
        out = tmp_path / "p.png"
        result = runner.invoke(app, ["sensitivity", *args, "--plot", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(b"\x89PNG")
    out = tmp_path / "h.svg"
    result = runner.invoke(app, ["uncertainty", "-n", "20", "--seed", "1", "--dist",
                                 "demand_elasticity=uniform:-0.3:-0.1", "--plot", str(out)])
    assert result.exit_code == 0 and out.read_text().startswith("<?xml")


def test_a_dask_cluster_gives_the_serial_answer():
    distributed = pytest.importorskip("distributed")   # in the test extra; skip only if absent
    base = scenario(**ROOMY)
    points = analysis.sweep_points([("demand_elasticity", [-0.3, -0.2, -0.1]),
                                    ("supply_elasticity", [0.0, 0.1])], False, base)
    make = analysis.make_point_scenario(base)
    serial = sweep.run_points(make, points)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        on_cluster = sweep.run_points(make, points, scheduler=cluster.scheduler_address)
        result = runner.invoke(app, ["sensitivity", "--vary", "demand_elasticity=-0.3,-0.2",
                                     "--scheduler", cluster.scheduler_address])
    assert [r.status for r in on_cluster] == [r.status for r in serial]
    for a, b in zip(serial, on_cluster):
        assert a.outputs["total_cost_musd"] == pytest.approx(b.outputs["total_cost_musd"], rel=1e-12)
    assert result.exit_code == 0, result.output
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 2


def _pem_files(security, folder) -> list[str]:
    """The --tls-* options for a Security's certificates, written to PEM files."""
    folder.mkdir()
    args = []
    for field, option in (("tls_ca_file", "--tls-ca-file"), ("tls_client_cert", "--tls-cert"),
                          ("tls_client_key", "--tls-key")):
        (folder / field).write_text(getattr(security, field))
        args += [option, str(folder / field)]
    return args


def test_a_tls_cluster_answers_with_its_certificates_and_refuses_others(tmp_path):
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("cryptography")      # Dask's temporary certificates need it
    ours = distributed.security.Security.temporary()
    theirs = distributed.security.Security.temporary()   # another authority
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tls://", security=ours,
                                  dashboard_address=None) as cluster:
        args = ["sensitivity", "--vary", "demand_elasticity=-0.1,-0.05", "--scheduler",
                cluster.scheduler_address]
        trusted = runner.invoke(app, [*args, *_pem_files(ours, tmp_path / "ours")])
        without = runner.invoke(app, args)
        stranger = runner.invoke(app, [*args, *_pem_files(theirs, tmp_path / "theirs")])
    assert trusted.exit_code == 0, trusted.output
    rows = list(csv.DictReader(io.StringIO(trusted.stdout)))
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert "trusted network" not in trusted.output
    assert without.exit_code == 2 and "certificates" in without.output
    assert stranger.exit_code == 2 and "--scheduler" in stranger.output


def test_a_plain_tcp_scheduler_is_said_to_need_a_trusted_network():
    pytest.importorskip("distributed")
    result = runner.invoke(app, ["sensitivity", "--vary", "demand_elasticity=-0.3,-0.2",
                                 "--scheduler", "tcp://127.0.0.1:1"])
    assert "trusted network" in result.output


def test_unreachable_scheduler_exits_2():
    pytest.importorskip("distributed")
    result = runner.invoke(app, ["sensitivity", "--vary", "demand_elasticity=-0.3,-0.2",
                                 "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2 and "--scheduler" in result.output


@pytest.mark.parametrize("dynamic", [False, True])
def test_bands_re_solve_in_place_like_fresh_solves(dynamic):
    import numpy as np
    extra = dict(demand_elasticity_long_run=-0.2, supply_elasticity_long_run=0.1) if dynamic else {}
    base = scenario(lead_days=0, floor_usd_per_bbl=65, **ROOMY, **extra,
                    **{"storage.leased_tanks.build_days": 0,
                       "storage.floating_storage.build_days": 0})
    path = np.linspace(70, 55, 180)
    resolver = Resolver(base, path)
    for change in ({}, {"floor_usd_per_bbl": 66}, {"demand_elasticity": -0.2}):
        s = with_overrides(base, change)
        fresh, again = outputs(size(s, path)), outputs(resolver.solve(s))
        for name in ("storage_capacity_mb", "total_cost_musd", "marginal_cost_musd_per_usd",
                     "min_price_usd_per_bbl"):
            assert again[name] == pytest.approx(fresh[name], rel=1e-7), (change, name)


def test_costs_move_a_banded_sweep_like_fresh_solves():
    """A band's marginal cost rebuilds the point's model; the next point's
    costs that only the objective reads (rate capital, holding, transaction)
    were once left at the point before's: a sweep over them chose another
    design than `reserve size` (half the release capacity at 3,000 USD/bbl/d
    of rate capital)."""
    import numpy as np
    base = scenario(lead_days=0, floor_usd_per_bbl=62, hold_days=150,
                    fill_rate_max_mbd="inf",
                    **{"storage.leased_tanks.build_days": 0,
                       "storage.floating_storage.build_days": 0,
                       "storage.floating_storage.capacity_max_mb": "inf"})
    path = 60 + 10 * np.sin(np.linspace(0, 6, base.horizon_days))
    resolver = Resolver(base, path)
    for change in ({}, {"rate_capex_usd_per_bbl_per_day": 3000.0},
                   {"holding_cost_usd_per_bbl_yr": 30.0},
                   {"transaction_cost_usd_per_bbl": 0.0}):
        s = with_overrides(base, change)
        fresh, again = outputs(size(s, path)), outputs(resolver.solve(s))
        assert again["total_cost_musd"] == pytest.approx(fresh["total_cost_musd"], rel=1e-7), \
            change


@pytest.mark.parametrize("args", [
    ["sensitivity", "--vary", "demand_elasticity=-0.2,-0.1"],
    ["uncertainty", "-n", "3", "--seed", "1", "--dist", "demand_elasticity=uniform:-0.3:-0.1"],
])
def test_unwritable_plot_exits_2(args, tmp_path):
    result = runner.invoke(app, [*args, "--plot", str(tmp_path / "missing" / "p.png")])
    assert result.exit_code == 2 and "--plot" in result.output


def test_a_parameter_not_set_at_the_base_is_an_empty_cell():
    """Hypothesis found it: a one-way sweep shows the other parameters at the
    base values, and a long-run elasticity not set there is None, which the
    CSV writer refused (exit 1). It is an empty cell."""
    result = runner.invoke(app, ["sensitivity", "--vary", "price_usd_per_bbl=60,70",
                                 "--vary", "demand_elasticity_long_run=-0.3,-0.2"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    price_rows = [r for r in rows if r["sweep"] == "price_usd_per_bbl"]
    assert [r["demand_elasticity_long_run"] for r in price_rows] == ["", ""]
    assert [r["status"] for r in rows] == ["ok"] * 4


def test_each_quantile_says_which_samples_it_counts(cli):
    """The inputs drawn and capacity, rates and cost count every sample
    answered (those beyond the limits at their needs); outputs only a sample
    within the limits has count those alone. Quantiles by numpy from the rows."""
    import numpy as np

    from reserve import api
    found = api.uncertainty(None, dist={"demand_elasticity": "uniform:-0.3:-0.05"},
                            samples=16, seed=4)
    rows, q = list(found["rows"]), found["quantiles"]
    within = [r for r in rows if r["status"] == "ok"]
    beyond = [r for r in rows if r["status"] == "infeasible"]
    assert within and beyond
    drawn = [r["demand_elasticity"] for r in rows]
    assert q["demand_elasticity"]["p5"] == pytest.approx(np.quantile(drawn, 0.05))
    assert q["demand_elasticity"]["counted"] == 16
    storage = [r["storage_capacity_mb"] for r in within] + [r["needed_storage_mb"]
                                                             for r in beyond]
    assert q["storage_capacity_mb"]["p50"] == pytest.approx(np.quantile(storage, 0.5))
    assert q["storage_capacity_mb"]["population"] == "every sample answered"
    assert q["max_inventory_mb"]["counted"] == len(within)
    assert q["max_inventory_mb"]["population"] == "within the limits only"
    table = cli("uncertainty", "--samples", "16", "--seed", "4", "--dist",
                "demand_elasticity=uniform:-0.3:-0.05").stdout
    assert f"{len(within)} of 16" in table and "16 of 16" in table
    assert "│ storage_capacity_mb" in table and "│ mb " in table

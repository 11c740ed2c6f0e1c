"""Random input never ends in a traceback: every run exits 0, 2, 3 or 4 with a message.

Hypothesis throws random values at known parameters, random names and
malformed --set strings, and random scenario files, through the typer app
in-process (the same code the console script runs; tests in test_cli.py use
the real script).
"""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reserve.cli import app
from reserve.schema import PARAMETERS, STORAGE_FIELDS

runner = CliRunner()
NAMES = [p.name for p in PARAMETERS]
DAY_NAMES = {"hold_days", "lead_days", "tail_days", "time_step_days"}

values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**6, 10**6).map(str),
    st.sampled_from(["", "inf", "-inf", "nan", "5%", "-5%", "linear", "isoelastic",
                     "annuity", "market", "true", "1e400", "0x10", "1_000", " 3 "]),
    st.text(string.printable, max_size=12),
)
# day counts stay small so that a valid draw solves in milliseconds
day_values = st.one_of(st.integers(-5, 400).map(str), values)


@st.composite
def set_strings(draw):
    kind = draw(st.sampled_from(["known", "storage", "garbage"]))
    if kind == "known":
        name = draw(st.sampled_from(NAMES))
        value = draw(day_values if name in DAY_NAMES else values)
        return f"{name}={value}"
    if kind == "storage":
        option = draw(st.sampled_from(["leased_tanks", "floating_storage", "x", ""]))
        field = draw(st.sampled_from([f.name for f in STORAGE_FIELDS] + ["bogus"]))
        return f"storage.{option}.{field}={draw(values)}"
    return draw(st.text(string.printable, max_size=20))


def _check(result):
    # 4 (solver failed) is a documented answer too, with its message
    assert result.exit_code in (0, 2, 3, 4), (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(set_strings(), max_size=3), st.one_of(st.none(), values))
def test_random_set_strings_never_crash(sets, target):
    args = ["size", "--format", "json"]
    for item in sets:
        args += ["--set", item]
    if target is not None:
        args += ["--target-impact", target]
    _check(runner.invoke(app, args))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200), st.sampled_from([".toml", ".csv", ".txt"]))
def test_random_scenario_files_never_crash(tmp_path_factory, content, suffix):
    path = tmp_path_factory.mktemp("s") / f"scenario{suffix}"
    path.write_bytes(content)
    _check(runner.invoke(app, ["size", "-s", str(path), "--format", "csv"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(NAMES + ["storage.a.capex_usd_per_bbl", "junk"]),
                          values), max_size=4))
def test_random_csv_scenarios_never_crash(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("c") / "s.csv"
    lines = ["name,value"] + [f'{n},"{v.replace(chr(34), "")}"' for n, v in rows
                              if n not in DAY_NAMES]
    path.write_text("\n".join(lines) + "\n")
    _check(runner.invoke(app, ["size", "-s", str(path), "--format", "csv"]))


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 10**4)),
       st.one_of(st.none(), st.floats(-1, 5)), st.sampled_from(["raise", "lower", "sideways"]))
def test_random_impact_options_never_crash(capacity, rate, direction):
    args = ["impact", "--capacity-mb", repr(capacity), "--direction", direction, "-f", "json"]
    if rate is not None:
        args += ["--fill-rate-mbd", repr(rate)]
    _check(runner.invoke(app, args))


spec_text = st.one_of(
    st.text(string.printable, max_size=25),
    st.builds(lambda n, a, b, c: f"{n}={a}:{b}:{c}", st.sampled_from(NAMES + ["storage.leased_tanks.capex_usd_per_bbl", "x"]),
              st.floats(allow_nan=True, allow_infinity=True), st.floats(-1, 1), st.integers(-2, 4)),
    st.builds(lambda n, k, a: f"{n}={k}:{a}", st.sampled_from(NAMES + ["elasticity_preset"]),
              st.sampled_from(["uniform", "normal", "triangular", "choice", "beta", "presets"]),
              st.text(string.digits + ".,:-", max_size=12)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(spec_text, min_size=1, max_size=2), st.booleans())
def test_random_sweep_and_sample_specs_never_crash(specs, sweep):
    args = ["sensitivity"] if sweep else ["uncertainty", "-n", "3", "--seed", "1"]
    for spec in specs:
        args += ["--vary" if sweep else "--dist", spec]
    _check(runner.invoke(app, args))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.one_of(values, st.just("")), min_size=0, max_size=4), max_size=4),
       st.sampled_from([",", ";"]))
def test_random_batch_sheets_never_crash(tmp_path_factory, cells, sep):
    path = tmp_path_factory.mktemp("b") / "sheet.csv"
    header = sep.join(["id", "demand_elasticity", "target_impact_usd_per_bbl", "mode"])
    body = [sep.join(c.replace(sep, "").replace('"', "").replace("\n", "") for c in row)
            for row in cells]
    path.write_text("\n".join([header, *body]) + "\n")
    _check(runner.invoke(app, ["batch", str(path)]))


# -- invariants of every answer that exits 0 --------------------------------------------

SOLVED: list[bool] = []   # which draws gave an answer (the test after checks most did)

# seeded, without an example database: the same 40 draws each run and in every
# checkout, so the share that gave an answer (checked by the test after) does
# not wander (derandomize=True hashed something that differs between
# checkouts: 15 of 40 answered in one, more than 20 in another)
@seed(20261207)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          database=None)
@given(target=st.floats(-8, 8).filter(lambda x: abs(x) > 0.05),
       demand_elasticity=st.floats(-0.6, -0.02), supply_elasticity=st.floats(0.0, 0.3),
       hold=st.integers(7, 120), lead=st.integers(0, 60), tail=st.integers(0, 30),
       loss=st.floats(0.0, 0.5), step=st.sampled_from([1, 7]),
       price_model=st.sampled_from(["linear", "isoelastic"]),
       opening=st.floats(0.0, 300.0))
def test_an_answer_holds_its_target_and_balances_its_stock(target, demand_elasticity,
                                                            supply_elasticity, hold, lead,
                                                            tail, loss, step, price_model,
                                                            opening):
    """Whatever the inputs, an answer given (exit 0) moves the price by at least
    the target in every window period, and its stock is last period's less
    losses plus net fill, within storage, never below zero: checked here from
    the schedule alone, by the equations of docs/explanation/model.md."""
    import numpy as np

    from reserve.errors import InputError, ReserveError
    from reserve.scenario import build_scenario
    from reserve.solve import size
    params = {"target_impact_usd_per_bbl": target, "demand_elasticity": demand_elasticity,
              "supply_elasticity": supply_elasticity, "hold_days": hold * step,
              "lead_days": lead * step // 7 * 7 if step == 7 else lead,
              "tail_days": tail * step // 7 * 7 if step == 7 else tail,
              "loss_rate_per_yr": loss, "time_step_days": step, "price_model": price_model,
              "initial_inventory_mb": opening, "storage.leased_tanks.existing_mb": 300.0,
              "storage.leased_tanks.capacity_max_mb": 400.0,
              "fill_rate_max_mbd": "inf",
              "release_rate_max_mbd": "inf", "pre_window_release": True}
    if step == 7:   # the default's storage in whole weeks
        params.update({f"storage.{o}.{f}": v for o in ("leased_tanks", "floating_storage",
                                                        "floating_storage_tier2")
                       for f, v in (("build_days", 28), ("lease_term_days", 91))})
    try:
        answer = size(build_scenario(None, params), diagnose=False)
    except (InputError, ReserveError):
        SOLVED.append(False)
        return   # refused or out of reach: other tests say how
    SOLVED.append(True)
    d, sol = answer.data, answer.solution
    window = d.in_window[:d.n_horizon]
    moved = np.sign(target) * sol.impact_usd_per_bbl[window]
    assert moved.min() >= abs(target) * d.target_scale[:d.n_horizon][window].min() - 1e-6
    keep = 1.0 - loss * step / 365.0
    before = np.concatenate([[opening], sol.inventory_mb[:-1]])
    expected = keep * before + step * (sol.fill_mbd - sol.release_mbd)
    np.testing.assert_allclose(sol.inventory_mb, expected, atol=1e-5 * max(1.0, opening))
    assert sol.inventory_mb.min() >= -1e-6
    assert np.all(sol.inventory_mb <= sol.usable_capacity_mb + 1e-5 * max(1.0, opening))


def test_most_draws_above_gave_an_answer():
    """The invariants were checked on answers, not skipped on refusals."""
    if not SOLVED:
        import pytest
        pytest.skip("run with the test above")
    assert sum(SOLVED) >= 0.5 * len(SOLVED), SOLVED


def test_a_target_at_the_diagnosis_tolerance_is_diagnosed_not_crashed():
    """Found by the property above: a lowering of 5e-8 USD/bbl is out of reach
    (no stock before the lead time) by less than the diagnosis's tolerance, so
    no limit binds it; it exits 3 saying so, where it raised an IndexError."""
    result = runner.invoke(app, ["size", "--target-impact", "-4.9878744908523606e-08"])
    assert result.exit_code == 3, result.output
    assert "by less than the diagnosis's tolerance" in result.output

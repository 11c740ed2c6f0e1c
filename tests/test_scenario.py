"""Scenarios: files, overrides, presets, templates and validation."""

from __future__ import annotations

import math
import tomllib

import pytest

from reserve import templates
from reserve.errors import InputError
from reserve.results import outputs
from reserve.scenario import build_scenario
from reserve.scenariofile import packaged_file
from reserve.schema import PARAMETERS
from reserve.solve import size

from conftest import scenario


def test_default_scenario_file_agrees_with_schema_defaults():
    """The schema's defaults are the October 2008 scenario, name for name."""
    data = tomllib.loads(packaged_file("sechin-2008.toml"))
    for p in PARAMETERS:
        if p.name in data:
            assert data[p.name] == p.default, p.name
        else:
            assert p.default is None, f"{p.name} missing from sechin-2008.toml"


def test_percent_target_is_share_of_baseline_price():
    assert scenario(target_impact_usd_per_bbl="10%").target_impact_usd_per_bbl == pytest.approx(6.675)
    assert scenario(target_impact_usd_per_bbl="-5%").target_impact_usd_per_bbl == pytest.approx(-3.3375)


def test_csv_scenario_as_a_spreadsheet_writes_it(tmp_path):
    path = tmp_path / "sheet.csv"
    text = ("name;value;unit\r\n"
            "demand_elasticity;-0.2;1\r\n"
            "\"hold_days\";\"90\";d\r\n"
            "storage.floating_storage.om_usd_per_bbl_yr;12;USD\r\n"
            ";;\r\n")
    path.write_bytes("\ufeff".encode() + text.encode())
    s = build_scenario(path)
    assert s.demand_elasticity == -0.2 and s.hold_days == 90
    # a file that lists storage options replaces the default list (README, "Scenarios");
    # fields it leaves out take the schema's defaults
    (only,) = s.storage
    assert only.name == "floating_storage" and only.om_usd_per_bbl_yr == 12
    assert only.build_days == 0 and math.isinf(only.capacity_max_mb)
    # a CSV naming no storage keeps the default options
    path.write_text("name,value\nhold_days,90\n")
    assert len(build_scenario(path).storage) == 5


def test_toml_storage_list_replaces_default(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[[storage]]\nname = "cave"\ncapex_usd_per_bbl = 3.5\n')
    s = build_scenario(path)
    assert [o.name for o in s.storage] == ["cave"]
    assert s.demand_mbd == 86.0  # omitted names take the schema default


def test_set_overrides_file_and_edits_storage(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("hold_days = 90\n")
    s = build_scenario(path, {"hold_days": "60", "storage.leased_tanks.capacity_max_mb": "10",
                              "storage.extra.om_usd_per_bbl_yr": "1"})
    assert s.hold_days == 60
    opts = {o.name: o for o in s.storage}
    assert opts["leased_tanks"].capacity_max_mb == 10
    assert opts["extra"].om_usd_per_bbl_yr == 1 and opts["extra"].build_days == 0


def test_elasticity_preset_and_precedence(tmp_path):
    s = scenario(elasticity_preset="kilian-murphy-2014")
    assert (s.demand_elasticity, s.supply_elasticity) == (-0.26, 0.015)
    # an elasticity given beside the preset (same layer) wins over it
    s = scenario(elasticity_preset="kilian-murphy-2014", demand_elasticity=-0.5)
    assert (s.demand_elasticity, s.supply_elasticity) == (-0.5, 0.015)
    with pytest.raises(InputError, match="elasticity_preset.*one of: kilian-murphy-2014"):
        scenario(elasticity_preset="nobody-2020")


@pytest.mark.parametrize("name, value, words", [
    ("demand_elasticity", "0.1", "<= -0.001 (demand falls as the price rises)"),
    ("supply_elasticity", "-0.1", ">= 0"),
    ("offset_share", "1", "< 1"),
    ("price_usd_per_bbl", "0", ">= 0.01"),
    ("demand_mbd", "abc", "a number"),
    ("hold_days", "10.5", "whole number"),
    ("price_model", "quadratic", "one of: linear, isoelastic"),
    ("target_impact_usd_per_bbl", "0", "non-zero"),
    ("target_impact_usd_per_bbl", "-70", "> -66.75"),
    ("target_impact_usd_per_bbl", "1000", "ten times the baseline price"),
    ("fill_rate_max_mbd", "nan", "a number"),
    ("storage.leased_tanks.capex_usd_per_bbl", "-1", ">= 0"),
    ("storage.leased_tanks.colour", "red", "did you mean"),
    ("demand_elastcity", "-0.2", "did you mean demand_elasticity"),
])
def test_bad_values_name_the_parameter(name, value, words):
    with pytest.raises(InputError) as info:
        scenario(**{name: value})
    assert name.split(".")[-1] in str(info.value)
    assert words in str(info.value)


def test_consistency_checks():
    with pytest.raises(InputError, match="hold_days.*multiple of time_step_days = 7"):
        scenario(time_step_days=7)
    with pytest.raises(InputError, match="initial_inventory_mb.*usable at day 0"):
        size(scenario(initial_inventory_mb=10))
    with pytest.raises(InputError, match="existing_mb"):
        scenario(**{"storage.leased_tanks.existing_mb": 100})


def test_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="scenario.*existing"):
        build_scenario(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("hold_days = = 3\n")
    with pytest.raises(InputError, match="valid TOML"):
        build_scenario(bad)
    other = tmp_path / "s.yaml"
    other.write_text("a: 1\n")
    with pytest.raises(InputError, match=r".toml, .csv, .xlsx or .ods file, or a run file"):
        build_scenario(other)


@pytest.mark.parametrize("kind", ["csv", "toml"])
def test_params_templates_round_trip(tmp_path, kind):
    """A template read back as a scenario gives the default answer."""
    path = tmp_path / f"template.{kind}"
    path.write_text(templates.params_csv() if kind == "csv" else templates.params_toml())
    s = build_scenario(path)
    default = scenario()
    assert s.params == default.params
    assert s.storage == default.storage
    assert outputs(size(s))["storage_capacity_mb"] == pytest.approx(
        outputs(size(default))["storage_capacity_mb"], rel=1e-12)


def test_inf_is_allowed_only_where_it_means_no_limit():
    assert math.isinf(scenario(fill_rate_max_mbd="inf").fill_rate_max_mbd)
    with pytest.raises(InputError):
        scenario(demand_mbd="inf")

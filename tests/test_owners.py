"""Several owners of one reserve (reserve.owners): shares, each owner's ledger
line, consumers' surplus, and lines that add up to the reserve's."""

import json
import math

import numpy as np
import pytest
from scipy.integrate import quad

from reserve import api
from reserve.errors import InputError
from reserve.owners import Owner, read_owners, shares, surplus_change


def test_the_share_rules_by_hand():
    """30 % fixed; 20 mb of a 100 mb trade; the 50 % left split 1:3 by consumption."""
    owners = (Owner("A", share=0.3), Owner("B", volume_mb=20.0),
              Owner("C", consumption_mbd=1.0, share_by="consumption"),
              Owner("D", consumption_mbd=3.0, share_by="consumption"))
    assert shares(owners, 100.0) == pytest.approx([0.3, 0.2, 0.125, 0.375])
    by_imports = (Owner("E", net_exports_mbd=-1.0, share_by="net_imports"),
                  Owner("F", net_exports_mbd=-4.0, share_by="net_imports"))
    assert shares(by_imports, 50.0) == pytest.approx([0.2, 0.8])
    # pledges of 60 + 60 mb on a release of 100: each its pledge's part
    assert shares((Owner("G", volume_mb=60.0), Owner("H", volume_mb=60.0)), 100.0) == \
        pytest.approx([0.5, 0.5])
    # a part no rule takes is left over
    assert shares((Owner("I", share=0.25),), 10.0) == pytest.approx([0.25])


def test_consumers_surplus_along_a_linear_demand_by_hand():
    """c = 3.4 mb/d at $100, eps_d = -0.1, the price $10 lower: consumers gain
    c (10 + 0.1 x 100 / 200) = 3.4 x 10.05 = 34.17 M USD a day (the area left
    of C(p) = c (1 - 0.1 (p - 100)/100) from $90 to $100)."""
    assert surplus_change(3.4, 100.0, -10.0, -0.1, linear=True) == pytest.approx(34.17)
    area, _ = quad(lambda p: 3.4 * (1 - 0.1 * (p - 100) / 100), 90, 100)
    assert area == pytest.approx(34.17)


@pytest.mark.parametrize("eps", [-0.1, -1.0, -2.5])
def test_consumers_surplus_along_an_isoelastic_demand(eps):
    area, _ = quad(lambda p: 2.0 * (p / 80.0) ** eps, 80.0 + 15.0, 80.0)
    assert surplus_change(2.0, 80.0, 15.0, eps, linear=False) == pytest.approx(area, rel=1e-9)


@pytest.fixture(scope="module")
def release():
    return api.impact("iea-2022", capacity_mb=182.7, direction="lower")


def test_the_owners_lines_add_up_to_the_reserve(release):
    """Costs split by shares, gains from each owner's own trade and GDP: the
    sums equal the reserve's cost and ledger, whose trade and GDP are the
    owners' sums, to 1e-9."""
    rows, out = release.owners, release.outputs
    assert [r["owner"] for r in rows][:2] == ["United States", "Japan"]
    assert sum(r["owner_share"] for r in rows) == pytest.approx(1.0, abs=1e-12)
    assert sum(r["owner_volume_mb"] for r in rows) == pytest.approx(out["oil_released_mb"])
    for part, whole in (("owner_cost_musd", "total_cost_musd"),
                        ("export_gain_musd", "export_gain_musd"),
                        ("gdp_gain_musd", "gdp_gain_musd"),
                        ("net_benefit_musd", "net_benefit_musd")):
        assert math.isclose(sum(r[part] for r in rows), out[whole], rel_tol=1e-9,
                            abs_tol=1e-9), part
    # the reserve's trade is the owners' (0.6 - 3.3 - 2.4 - 2.0 - 0.6 - 8.0 - 1.75)
    assert release.scenario.net_exports_mbd == pytest.approx(-17.45)


def test_an_owners_trade_gain_is_its_own_trade_times_the_move(release):
    """Two owners' trade gains are in the ratio of their net exports, and an
    importer's consumers gain more than its import saving when it consumes
    more than it imports (the surplus is not added to it)."""
    rows = {r["owner"]: r for r in release.owners}
    assert rows["Japan"]["export_gain_musd"] / rows["Germany"]["export_gain_musd"] == \
        pytest.approx(3.3 / 2.0)
    assert rows["United States"]["export_gain_musd"] < 0       # an exporter loses on a fall
    assert math.isnan(rows["United States"]["consumers_surplus_musd"])
    uk = rows["United Kingdom"]
    assert uk["consumers_surplus_musd"] > uk["export_gain_musd"] > 0
    assert uk["net_benefit_musd"] == pytest.approx(
        uk["export_gain_musd"] + uk["gdp_gain_musd"] - uk["owner_cost_musd"])


def test_one_row_per_owner_in_json_csv_and_a_workbook(cli, tmp_path):
    r = cli("impact", "-s", "iea-2022", "--capacity-mb", "182.7", "--direction", "lower",
            "-f", "json")
    assert r.returncode == 0, r.stderr
    found = json.loads(r.stdout, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert len(found["owners"]) == 7
    assert found["owners"][0]["consumers_surplus_musd"] is None
    book = tmp_path / "owners.xlsx"
    r = cli("size", "-s", "iea-2022", "-o", book)
    assert r.returncode == 0, r.stderr
    assert "the owners' ledger" in r.stdout and "United States" in r.stdout
    import openpyxl
    sheet = openpyxl.load_workbook(book).worksheets[0]
    header = [c.value for c in sheet[1]]
    owners = [row[header.index("owner")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert owners == ["all owners", "United States", "Japan", "Korea", "Germany",
                      "United Kingdom", "other European members", "other members"]


def test_a_batch_carries_one_row_per_owner(cli, tmp_path):
    sheet = tmp_path / "rows.csv"
    sheet.write_text("scenario,mode,target_impact_usd_per_bbl\niea-2022,size,-5\n")
    out = tmp_path / "out.csv"
    r = cli("batch", sheet, "-o", out)
    assert r.returncode == 0, r.stderr
    import csv
    rows = list(csv.DictReader(out.open()))
    assert [row["owner"] for row in rows][:2] == ["all owners", "United States"]
    assert len(rows) == 8 and all(row["target_impact_usd_per_bbl"] == "-5" for row in rows)
    total = float(rows[0]["total_cost_musd"])
    assert sum(float(row["owner_cost_musd"]) for row in rows[1:]) == pytest.approx(total)


OWNER = '[[owner]]\nname = "{name}"\n{rule}\nnet_exports_mbd = -1.0\n'


@pytest.mark.parametrize("tables, names", [
    ([OWNER.format(name="A", rule="share = 0.7"), OWNER.format(name="B", rule="share = 0.4")],
     "owner.share"),
    ([OWNER.format(name="A", rule="share = 0.5\nvolume_mb = 3")], "owner.A.share"),
    ([OWNER.format(name="A", rule="")], "owner.A.share"),
    ([OWNER.format(name="A", rule="share = 1.5")], "owner.A.share"),
    ([OWNER.format(name="A", rule="share_by = \"gdp\"")], "owner.A.share_by"),
    ([OWNER.format(name="A", rule="share = 0.5\ncolour = 1")], "owner.A.colour"),
    ([OWNER.format(name="A", rule="share = 0.5"), OWNER.format(name="A", rule="share = 0.1")],
     "owner.A.name"),
    (["net_exports_mbd = -3.0\n", OWNER.format(name="A", rule="share = 0.5")],
     "net_exports_mbd"),
])
def test_bad_owner_tables_exit_2_naming_the_input(cli, tmp_path, tables, names):
    path = tmp_path / "owners.toml"
    path.write_text("".join(tables))
    r = cli("size", "-s", path)
    assert r.returncode == 2, r.stderr
    assert names in r.stderr and "Traceback" not in r.stderr


def test_read_owners_refuses_what_is_not_a_table():
    with pytest.raises(InputError, match="owner"):
        read_owners(["United States"])
    assert np.isclose(sum(o.share for o in read_owners(
        [{"name": "A", "share": 0.5}, {"name": "B", "share": 0.5}])), 1.0)


def _observed(tmp_path, price: float, days: int):
    path = tmp_path / "observed.csv"
    path.write_text("day,price_usd_per_bbl\n" + "".join(f"{d},{price}\n" for d in range(days)))
    return path


def test_a_path_without_its_release_by_hand(tmp_path):
    """A linear market of 100 mb/d with eps_s - eps_d = 0.15 that saw $100
    while 3 mb/d was released: without it, 100 / (1 - 3/15) = $125. Releasing
    the same 3 mb/d from that baseline gives the $100 back: the model's own
    impact inverts the counterfactual."""
    observed = _observed(tmp_path, 100.0, 61)
    market = {"demand_mbd": 100.0, "demand_elasticity": -0.10, "supply_elasticity": 0.05,
              "price_usd_per_bbl": 100.0, "lead_days": 0, "hold_days": 60, "tail_days": 0,
              "path_release_mbd": 3.0, "path_release_days": 60, "initial_inventory_mb": 180.0,
              "release_rate_max_mbd": 3.0, "fill_rate_max_mbd": 0.0}
    answer = api.impact(api.load_scenario(None, price_path=observed, **market),
                        capacity_mb=180.0, direction="lower")
    schedule = answer.schedule
    assert schedule["baseline_price_usd_per_bbl"] == pytest.approx(np.full(60, 125.0))
    assert schedule["price_usd_per_bbl"] == pytest.approx(np.full(60, 100.0), abs=1e-6)


def test_an_isoelastic_path_without_its_release_by_hand(tmp_path):
    """Supply fixed (eps_s = 0), eps_d = -0.5: a release of 10 % of demand
    clears at r = P_obs/P0 with 1 - r^-0.5 = -0.1, r = 1/1.21."""
    from reserve.pricepath import without_release
    s = api.load_scenario(None, price_model="isoelastic", demand_elasticity=-0.5,
                          supply_elasticity=0.0, demand_mbd=80.0, path_release_mbd=8.0,
                          path_release_start_day=2, path_release_days=3)
    out = without_release(np.full(7, 90.0), s)
    assert out == pytest.approx([90, 90, 90 * 1.21, 90 * 1.21, 90 * 1.21, 90, 90], rel=1e-10)


def test_a_release_in_the_path_needs_the_path(cli):
    r = cli("size", "--set", "path_release_mbd=2", "--set", "path_release_days=30")
    assert r.returncode == 2, r.stderr
    assert "path_release_mbd" in r.stderr and "--price-path" in r.stderr


def test_the_reserves_trade_stays_the_owners_sum(cli):
    r = cli("size", "-s", "iea-2022", "--set", "net_exports_mbd=-5")
    assert r.returncode == 2, r.stderr
    assert "net_exports_mbd" in r.stderr and "owner" in r.stderr
    # a sweep keeps each point's refusal in its row
    r = cli("sensitivity", "-s", "iea-2022", "--vary", "gdp_oil_elasticity=-0.04:-0.01:2")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("left as the sum of the owners'") == 2

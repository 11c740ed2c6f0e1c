"""The answer's range (issue 21): `reserve size --range` across the contested inputs."""

from __future__ import annotations

import json

import pytest

from reserve.results import outputs
from reserve.solve import size

from conftest import scenario


# -- the answer's range -------------------------------------------------------------------

def test_the_range_cells_are_the_questions_they_name(cli):
    """`reserve size --range`: 4 elasticity pairs x holders off/on x 4 producer
    responses, the scenario's own cell marked; a cell within reach is the
    answer of its own question, one out of reach says what it would need."""
    r = cli("size", "-t", "5", "--range", "--format", "json")
    assert r.returncode == 0, r.stderr
    cells = json.loads(r.stdout)["range"]
    assert len(cells) == 32
    # in table order (pairs, then holders, then producers), whatever order they were solved in
    assert [(c["elasticities"], c["holders"]) for c in cells[::4]] == [
        (pair, holders) for pair in dict.fromkeys(c["elasticities"] for c in cells)
        for holders in ("off", "on")]
    assert all([c["producers"] for c in cells[k:k + 4]] == [c["producers"] for c in cells[:4]]
               for k in range(0, 32, 4))
    own = [c for c in cells if c["own"]]
    assert len(own) == 1 and own[0]["producers"] == "none" and own[0]["holders"] == "off"
    assert own[0]["storage_capacity_mb"] == pytest.approx(
        json.loads(r.stdout)["storage_capacity_mb"], rel=1e-9)
    cooperative = next(c for c in cells if c["elasticities"] == "scenario"
                       and c["holders"] == "off" and c["producers"] == "cooperative")
    alone = outputs(size(scenario(producer_response="cooperative")))
    assert cooperative["storage_capacity_mb"] == pytest.approx(alone["storage_capacity_mb"],
                                                               rel=1e-7)
    # Kilian & Murphy's pair at 5.17 * 0.15 / 0.275 times the slope: out of reach of
    # the leases, it needs 174 * 0.275 / 0.15 mb with the caps lifted
    km = next(c for c in cells if c["elasticities"] == "kilian-murphy-2014"
              and c["holders"] == "off" and c["producers"] == "none")
    assert km["status"] == "infeasible"
    assert km["storage_capacity_mb"] == pytest.approx(own[0]["storage_capacity_mb"]
                                                      * 0.275 / 0.15, rel=1e-6)


def test_the_report_carries_the_range_with_the_own_cell_marked():
    from reserve import api
    page = api.report()
    section = page[page.index("<h2>The answer's range</h2>"):]
    section = section[:section.index("<h2>", 10)]
    assert section.count("<tr class=own>") == 1
    assert section.count("<tr") == 33          # the header and 32 cells
    assert "beyond the limits: what it would need" in section
    assert "116 to 237 mb" in section

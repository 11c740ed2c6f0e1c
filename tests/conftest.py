"""Shared helpers: build scenarios and run the real `reserve` console script."""

from __future__ import annotations

import os
import shutil
import subprocess

import highspy
import numpy as np
import pytest

from reserve.scenario import build_scenario


def pytest_configure(config):
    """The tests read what reserve prints to a pipe: a COLUMNS the user's shell
    exports (a narrow terminal's table) is not theirs to read."""
    os.environ.pop("COLUMNS", None)


#: the default's quick storage on a weekly grid: ready and leased in whole weeks
WEEKS = {"storage.leased_tanks.build_days": 28, "storage.leased_tanks.lease_term_days": 28,
         "storage.floating_storage.build_days": 28, "storage.floating_storage.lease_term_days": 91,
         "storage.floating_storage_tier2.build_days": 28,
         "storage.floating_storage_tier2.lease_term_days": 91}


def scenario(**params):
    """The default scenario with flat parameters (or storage.NAME.FIELD keys) overridden."""
    return build_scenario(None, {k: v for k, v in params.items()})


@pytest.fixture
def cli():
    """Run the installed `reserve` console script; returns CompletedProcess (text)."""
    exe = shutil.which("reserve")
    if exe is None:
        pytest.fail("the `reserve` console script is not installed (pip install -e '.[test]')")

    def run(*args, cwd=None):
        return subprocess.run([exe, *map(str, args)], capture_output=True, text=True,
                              cwd=cwd, timeout=300)
    return run


def beta(s) -> float:
    """Linear price slope [USD/bbl per mb/d], written out independently of reserve.market."""
    return s.price_usd_per_bbl / (s.demand_mbd * (s.supply_elasticity - s.demand_elasticity))


def lp_arrays(session) -> dict:
    """What HiGHS holds for a session: costs, bounds, a dense matrix, integrality."""
    lp = session.highs.getLp()
    a = lp.a_matrix_
    dense = np.zeros((lp.num_row_, lp.num_col_))
    start, index, value = (np.asarray(x) for x in (a.start_, a.index_, a.value_))
    by_row = a.format_ == highspy.MatrixFormat.kRowwise
    for outer in range(len(start) - 1):
        for k in range(start[outer], start[outer + 1]):
            if by_row:
                dense[outer, index[k]] = value[k]
            else:
                dense[index[k], outer] = value[k]
    out = {name: np.minimum(np.abs(np.asarray(getattr(lp, name))), 1e20)
           * np.sign(np.asarray(getattr(lp, name)))
           for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_")}
    out["matrix"] = dense
    out["integer"] = np.array([v == highspy.HighsVarType.kInteger for v in lp.integrality_]
                              or np.zeros(lp.num_col_, bool))
    return out

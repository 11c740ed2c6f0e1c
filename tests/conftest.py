"""Shared helpers: build scenarios and run the real `reserve` console script."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from reserve.scenario import build_scenario


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

"""reserve: size a strategic crude-oil reserve that moves the world price.

The Python API (:mod:`reserve.api`; docs/guide.md, "Python API")::

    import reserve
    sc = reserve.load_scenario("us-spr-2022")
    a = reserve.size(sc, target_impact_usd_per_bbl=-5, hold_days=90)
    a.outputs["storage_capacity_mb"]

Names and units are the schema's (``reserve params``); the model is
documented in ``docs/explanation/model.md``.
"""

from .errors import InputError, ReserveError, SolverFailure, TargetUnreachable

from .version import __version__  # noqa: E402 (re-exported)
__all__ = ["load_scenario", "size", "impact", "sensitivity", "uncertainty", "batch",
           "draw_paths", "assess_risk", "size_reliable", "equilibrium", "policy", "pyomo_model",
           "InputError", "TargetUnreachable", "SolverFailure", "ReserveError"]
_API = {"load_scenario", "size", "impact", "sensitivity", "uncertainty", "batch",
        "draw_paths", "assess_risk", "size_reliable", "equilibrium", "policy"}


def __dir__() -> list[str]:
    """The public names first seen by a notebook's completion: the API's
    functions load on first use, so they are listed here."""
    return sorted(set(globals()) | set(__all__))


def __getattr__(name: str):
    # the solver stack (Pyomo, HiGHS) loads on first use, so that importing
    # reserve (and starting the command line) stays quick
    if name in _API:
        from . import api
        return getattr(api, name)
    if name == "pyomo_model":   # the model for Pyomo users (reserve.pyomo_model)
        from .pyomo_export import pyomo_model
        return pyomo_model
    raise AttributeError(f"module 'reserve' has no attribute {name!r}")

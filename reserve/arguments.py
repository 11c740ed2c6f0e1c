"""The Python API's door: every argument checked once, by its name.

:mod:`reserve.api` passes each argument a user gives through one of these
before anything else reads it, so a wrong type or value is an
:class:`reserve.InputError` naming the argument and what is allowed (the
command line's rules and bounds: a whole number where it takes one, a time
limit > 0, prices within the bounds of ``price_usd_per_bbl``), never a
``TypeError`` from deep inside, and never a value read other than as
written.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from pathlib import Path

import numpy as np

from .errors import InputError
from .schema import PARAMETER_BY_NAME

#: Most seeds numpy's generator takes from the command line's --seed.
SEED_MAX = 2 ** 63


def whole(name: str, value, lowest: int = 1, highest: int | None = None,
          optional: bool = False) -> int | None:
    """A whole number in [lowest, highest] (an int, not a bool or 2.5)."""
    if value is None and optional:
        return None
    allowed = f"a whole number >= {lowest}" + (f" and < {highest:,}" if highest else "")
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise InputError(name, value, allowed)
    if value < lowest or (highest is not None and value >= highest):
        raise InputError(name, value, allowed)
    return int(value)


def seed(name: str, value) -> int | None:
    return whole(name, value, 0, SEED_MAX, optional=True)


def flag(name: str, value) -> bool:
    """True or False (a bool, not a truthy array or string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(name, value, "True or False")
    return bool(value)


def number(name: str, value, lowest: float = -math.inf, highest: float = math.inf,
           optional: bool = False, what: str = "") -> float | None:
    """A finite real number in [lowest, highest]."""
    if value is None and optional:
        return None
    allowed = what or f"a number from {lowest:g} to {highest:g}"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(name, value, allowed)
    value = float(value)
    if not (math.isfinite(value) and lowest <= value <= highest):
        raise InputError(name, value, allowed)
    return value


def design(name: str, value, volume: bool, optional: bool = False) -> float | None:
    """A design's capacity [mb] (``volume``) or rate [mb/d]: a finite number from
    0 to the schema's bound, said with its unit (schema.check_design_value)."""
    from .schema import RATE_MAX, VOLUME_MAX
    top, unit = (VOLUME_MAX, "mb") if volume else (RATE_MAX, "mb/d")
    return number(name, value, 0, top, optional, what=f"a number from 0 to {top:g} ({unit})")


def time_limit(name: str, value) -> float | None:
    """HiGHS's time limit [s]: None, or a finite number > 0."""
    if value is None:
        return None
    value = number(name, value, what="a number of seconds > 0")
    if not value > 0:
        raise InputError(name, value, "a number of seconds > 0")
    return value


def file_name(name: str, value, optional: bool = False) -> str | Path | None:
    """A file's name: a str or a Path."""
    if value is None and optional:
        return None
    if not isinstance(value, (str, Path)):
        raise InputError(name, type(value).__name__, "a file name (str or pathlib.Path)")
    return value


def source(name: str, value) -> str | Path | None:
    """A scenario's source: a shipped name, a file name, or None."""
    if value is not None and not isinstance(value, (str, Path)):
        raise InputError(name, type(value).__name__,
                         "a shipped scenario's name, a file name, or None")
    return value


def scenario(name: str, value, overrides: dict):
    """A scenario argument: a Scenario, a shipped name, a file name or None (the
    default), with ``overrides`` by parameter name applied as ``--set`` would."""
    from .scenario import Scenario, build_scenario, with_overrides
    if value is None or isinstance(value, (str, Path)):
        value = build_scenario(source(name, value), {})
    elif not isinstance(value, Scenario):
        raise InputError(name, type(value).__name__,
                         "a Scenario from reserve.load_scenario, a name, a file or None")
    return with_overrides(value, overrides) if overrides else value


def sweep(name: str, value) -> list[tuple[str, list[float]]]:
    """``{"parameter": [values, ...]}``: each parameter's values a list of numbers."""
    if not isinstance(value, dict) or not value:
        raise InputError(name, type(value).__name__,
                         'a dict of parameter names to lists of values, e.g. '
                         '{"demand_elasticity": [-0.2, -0.1]}')
    varied = []
    for key, values in value.items():
        where = f"{name}[{key!r}]"
        if not isinstance(key, str):
            raise InputError(where, key, "a parameter's name (reserve params lists them)")
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise InputError(where, values, "a list of values, e.g. [90, 180]")
        varied.append((key, [number(where, v, what="numbers only") for v in values]))
        if not varied[-1][1]:
            raise InputError(where, "[]", "one value or more")
    return varied


def prices(name: str, value) -> np.ndarray:
    """Paths of daily prices [paths, days]: a 2-D array of one path or more
    and two days or more, each price within the bounds of price_usd_per_bbl."""
    bounds = PARAMETER_BY_NAME["price_usd_per_bbl"]
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(name, type(value).__name__, "a 2-D array of prices [paths, days] "
                         "(rows of equal length), or a reserve paths file's name") from None
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 2:
        raise InputError(name, f"an array of shape {array.shape}",
                         "a 2-D array of prices [paths, days]: one path or more, two days "
                         "or more")
    bad = ~(np.isfinite(array) & (array >= bounds.lower) & (array <= bounds.upper))
    if bad.any():
        path, day = (int(i) for i in np.argwhere(bad)[0])
        raise InputError(name, f"{float(array[path, day]):.6g} at path {path + 1}, day {day}",
                         f"prices in USD/bbl from {bounds.lower:g} to {bounds.upper:g}")
    return array

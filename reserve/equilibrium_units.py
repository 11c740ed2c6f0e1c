"""A crude calibration of the storage equilibrium: a scenario's market in the
normalized model's units.

The storage model (:mod:`reserve.storage_equilibrium`) is written with price
and consumption 1 at its steady state and a year as its period. An
``[equilibrium]`` table that names a ``scenario`` takes from it:

- the price unit P0 = ``price_usd_per_bbl`` and the consumption unit
  Q0 = 365 · ``demand_mbd`` (mb a year);
- ``demand_elasticity`` and ``supply_elasticity`` as they stand (read as
  the market's response within a year);
- ``interest_rate`` = ``discount_rate``;

and converts what the table gives in dollars and barrels:
``floor_usd_per_bbl`` and ``ceiling_usd_per_bbl`` (divided by P0),
``public_cap_mb`` (by Q0), ``storage_cost_usd_per_bbl_yr`` (by P0) and
``disruption_mbd``, the supply a disrupted year loses (by ``demand_mbd``:
a share of the year's production).
Values the table (or ``--set``) gives in the model's own units win over
those taken from the scenario; the dollar and barrel values win over both.
"""

from __future__ import annotations

from .errors import InputError

#: The daily chain's keys (``reserve paths --p-disrupt --p-recover``).
DAILY_KEYS = ("p_disrupt_per_day", "p_recover_per_day")
#: Keys in dollars and barrels, each with the unit it is divided by.
CRUDE_KEYS = {"floor_usd_per_bbl": ("floor", "price"),
              "ceiling_usd_per_bbl": ("ceiling", "price"),
              "public_cap_mb": ("public_cap", "year"),
              "storage_cost_usd_per_bbl_yr": ("storage_cost", "price"),
              "disruption_mbd": ("disruption_loss", "day")}


def crude_values(values: dict) -> dict:
    """``values`` (the table and ``--set``) with a ``scenario`` resolved into
    normalized values and the units ``price_unit_usd_per_bbl`` and
    ``consumption_unit_mb_per_yr``; unchanged without one."""
    if "scenario" not in values:
        stray = sorted(set(values) & (set(CRUDE_KEYS) | set(DAILY_KEYS)))
        if stray:
            raise InputError(stray[0], values[stray[0]],
                             "only with a scenario = NAME in the [equilibrium] table")
        return values
    from .scenario import build_scenario
    source = str(values["scenario"])
    s = build_scenario(None if source == "default" else source)
    units = {"price": s.price_usd_per_bbl, "year": 365.0 * s.demand_mbd, "day": s.demand_mbd}
    out = {"demand_elasticity": s.demand_elasticity,
           "supply_elasticity": s.supply_elasticity,
           "interest_rate": s.discount_rate}
    out.update({k: v for k, v in values.items()
                if k != "scenario" and k not in CRUDE_KEYS and k not in DAILY_KEYS})
    for key, (normalized, unit) in CRUDE_KEYS.items():
        if key in values:
            try:
                number = float(values[key])
            except (TypeError, ValueError):
                raise InputError(key, values[key], "a number") from None
            out[normalized] = number / units[unit]
    out.update(yearly_chain(values, out))
    out["scenario"] = source
    out["price_unit_usd_per_bbl"] = units["price"]
    out["consumption_unit_mb_per_yr"] = units["year"]
    return out


def yearly_chain(values: dict, out: dict) -> dict:
    r"""The yearly chain of the daily one ``reserve paths`` draws: a normal
    day turns disrupted with ``p_disrupt_per_day`` a, a disrupted one normal
    with ``p_recover_per_day`` b; nothing without them.

    A year turns disrupted when a disruption begins in it, and back when one
    ends: p = 1 - (1 - a)^365, q = 1 - (1 - b)^365. A disrupted year then
    loses what keeps the mean loss of the daily chain, whose long-run
    disrupted share is a/(a + b):

    .. math:: L = \frac{D}{Q_0}\,\frac{a/(a+b)}{p/(p+q)}

    D = ``disruption_mbd``, Q0 = ``demand_mbd``. Disruptions shorter than a
    year so lose part of a year's output, longer ones all of it.
    """
    given = [k for k in DAILY_KEYS if k in values]
    if not given:
        return {}
    if len(given) == 1 or "disruption_mbd" not in values:
        missing = [k for k in (*DAILY_KEYS, "disruption_mbd") if k not in values]
        raise InputError(missing[0], None, "given too, with " + " and ".join(given)
                         + " (the daily chain of reserve paths)")
    for key in ("p_disrupt", "p_recover"):
        if key in values:
            raise InputError(key, values[key], f"left out with {key}_per_day (one chain)")
    a, b = (_probability(k, values[k]) for k in DAILY_KEYS)
    if b == 0:
        raise InputError("p_recover_per_day", b, "above 0 (a disruption must end)")
    p, q = 1.0 - (1.0 - a) ** 365, 1.0 - (1.0 - b) ** 365
    if a == 0:
        return {"p_disrupt": 0.0, "p_recover": q, "disruption_loss": 0.0}
    loss = out["disruption_loss"] * (a / (a + b)) / (p / (p + q))
    return {"p_disrupt": p, "p_recover": q, "disruption_loss": loss}


def _probability(key: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not 0 <= number <= 1:
        raise InputError(key, value, "a daily probability from 0 to 1")
    return number


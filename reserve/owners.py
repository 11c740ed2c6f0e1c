r"""Several owners of one reserve: collective action (``[[owner]]`` tables).

The IEA's collective actions (2011, 2022, 2026) release one reserve's worth
of oil from many countries' stocks. The price moves once, for everyone; what
differs among the owners is what they pay and what the move is worth to
each. A scenario lists its owners as TOML tables::

    [[owner]]
    name = "United States"
    volume_mb = 30.0          # or share = 0.48, or share_by = "net_imports"
    net_exports_mbd = -6.0
    consumption_mbd = 20.0
    gdp_usd_bn = 25460.0
    gdp_oil_elasticity = -0.024

**The share rule.** Each owner takes one of: a ``share`` of the reserve's
trade V (the larger of the oil it absorbs and the oil it releases within
the horizon); a pledged ``volume_mb`` of it, a share volume/V (when the
pledges exceed what the shares leave, as when a release is sized smaller
than the pledges, each takes its pledge's part of what is left); or
``share_by = "consumption"`` or ``"net_imports"``: what the others leave,
split in proportion to ``consumption_mbd`` or to net imports
(−``net_exports_mbd``). Shares over 100 % are refused; a part no rule takes
is reported as not allocated.

**Each owner's ledger line** (the terms of :mod:`reserve.ledger`, with the
owner's own trade and GDP, over the same discounted impact dp_t):

- its cost: its share of the reserve's ``total_cost_musd``;
- ``export_gain_musd`` = sum_t delta_t Delta E_i dp_t (for an importer, the
  saving on its imports: positive when the price falls);
- ``gdp_gain_musd``, from its GDP and GDP elasticity;
- ``net_benefit_musd`` = export gain + GDP gain − cost;
- for an importer, ``consumers_surplus_musd``: what its consumers gain on
  what they consume, c_i at the baseline price, along the scenario's demand
  curve scaled to c_i. Linear demand C(p) = c (1 + eps_d (p − P)/P):

  .. math:: \Delta CS_t = -c\,\bigl(dp_t + \varepsilon_d\,dp_t^2 / (2P_t)\bigr)

  and isoelastic C(p) = c (p/P)^{eps_d}:
  :math:`\Delta CS_t = -c P_t \bigl((1 + dp_t/P_t)^{1+\varepsilon_d} - 1\bigr)/(1+\varepsilon_d)`.
  It is not added to the import saving: the saving already counts the
  terms of trade, and the consumers' gain on imported barrels is that same
  money (adding them would count it twice). It is reported beside it.

The owners' trade and GDP make the reserve's: with owners, the scenario's
``net_exports_mbd`` is the sum of theirs, ``gdp_usd_bn`` the sum of their
GDPs and ``gdp_oil_elasticity`` the GDP-weighted mean, so the owners' lines
add up to the reserve's ledger exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import InputError

#: The rules by which an owner's part of the reserve is set.
SHARE_BY = ("consumption", "net_imports")
#: Owner fields: (kind, lowest, highest, what the message says).
FIELDS = {
    "name": ("text", None, None, "a name"),
    "net_exports_mbd": ("float", -200.0, 200.0, "mb/d from -200 to 200 (negative: net imports)"),
    "consumption_mbd": ("float", 0.0, 200.0, "mb/d from 0 to 200"),
    "gdp_usd_bn": ("float", 0.0, 1e6, "USD bn from 0 to 1e6"),
    "gdp_oil_elasticity": ("float", -1.0, 1.0, "from -1 to 1"),
    "volume_mb": ("float", 0.0, 1e5, "mb from 0 to 100,000"),
    "share": ("float", 0.0, 1.0, "a share from 0 to 1"),
    "share_by": ("choice", None, None, "one of " + ", ".join(SHARE_BY)),
}
RULES = ("volume_mb", "share", "share_by")
#: Shares may overshoot 100 % by this much (rounding in pledged volumes).
SHARE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Owner:
    """One owner's line of a collective reserve (module docs); units in the names."""

    name: str
    net_exports_mbd: float = 0.0
    consumption_mbd: float | None = None
    gdp_usd_bn: float = 0.0
    gdp_oil_elasticity: float = 0.0
    volume_mb: float | None = None
    share: float | None = None
    share_by: str | None = None

    @property
    def consumes_mbd(self) -> float:
        """What its consumers buy a day [mb/d]: ``consumption_mbd``, or its net
        imports when that is not given."""
        if self.consumption_mbd is not None:
            return self.consumption_mbd
        return max(-self.net_exports_mbd, 0.0)


def read_owners(tables) -> tuple[Owner, ...]:
    """The ``[[owner]]`` tables of a scenario file, checked (module docs)."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise InputError("owner", tables, "[[owner]] tables")
    owners, names = [], set()
    for i, table in enumerate(tables):
        where = f"owner.{table.get('name', i + 1)}"
        values = {}
        for key, value in table.items():
            if key not in FIELDS:
                raise InputError(f"{where}.{key}", value, "an owner field: " + ", ".join(FIELDS))
            values[key] = _checked(f"{where}.{key}", key, value)
        if "name" not in values:
            raise InputError(f"{where}.name", None, "every owner needs a name")
        if values["name"] in names:
            raise InputError(f"{where}.name", values["name"], "a name no other owner has")
        names.add(values["name"])
        rules = [r for r in RULES if r in values]
        if len(rules) != 1:
            raise InputError(f"{where}.share", ", ".join(rules) or None,
                             "exactly one of volume_mb, share or share_by")
        owner = Owner(**values)
        if owner.share_by == "net_imports" and owner.net_exports_mbd >= 0:
            raise InputError(f"{where}.net_exports_mbd", owner.net_exports_mbd,
                             "below 0 (net imports) for share_by = \"net_imports\"")
        if owner.share_by == "consumption" and not owner.consumes_mbd > 0:
            raise InputError(f"{where}.consumption_mbd", owner.consumption_mbd,
                             "above 0 for share_by = \"consumption\"")
        owners.append(owner)
    fixed = sum(o.share for o in owners if o.share is not None)
    if fixed > 1 + SHARE_TOLERANCE:
        raise InputError("owner.share", f"{fixed:.1%}", "shares that add to at most 100 %")
    return tuple(owners)


def _checked(where: str, key: str, value):
    kind, lo, hi, allowed = FIELDS[key]
    if kind == "text":
        if not isinstance(value, str) or not value.strip() or len(value) > 80:
            raise InputError(where, value, "a name of 1 to 80 characters")
        return value.strip()
    if kind == "choice":
        if value not in SHARE_BY:
            raise InputError(where, value, allowed)
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not lo <= number <= hi:
        raise InputError(where, value, allowed)
    return number


def group_values(owners: tuple[Owner, ...]) -> dict:
    """The reserve's ledger inputs that make it the sum of its owners'."""
    gdp = sum(o.gdp_usd_bn for o in owners)
    weighted = sum(o.gdp_usd_bn * o.gdp_oil_elasticity for o in owners)
    return {"net_exports_mbd": sum(o.net_exports_mbd for o in owners),
            "gdp_usd_bn": gdp, "gdp_oil_elasticity": weighted / gdp if gdp else 0.0}


def shares(owners: tuple[Owner, ...], volume_mb: float) -> np.ndarray:
    """Each owner's share of a reserve that trades ``volume_mb`` (module docs).

    Fixed shares first; then volumes, as shares of the trade, scaled down
    pro rata when they pledge more than the fixed shares leave (a release
    smaller than the pledges takes each pledge's part of it); then the
    rest split by consumption or net imports."""
    fixed = np.array([o.share if o.share is not None else 0.0 for o in owners])
    pledged = np.array([o.volume_mb if o.volume_mb is not None else 0.0 for o in owners])
    room = max(1.0 - fixed.sum(), 0.0)
    out = fixed.copy()
    if pledged.sum() > 0:
        wanted = pledged.sum() / volume_mb if volume_mb > 0 else math.inf
        out += pledged / pledged.sum() * min(wanted, room)
    left = max(1.0 - out.sum(), 0.0)
    weights = np.array([(o.consumes_mbd if o.share_by == "consumption" else
                         -o.net_exports_mbd if o.share_by == "net_imports" else 0.0)
                        for o in owners])
    if weights.sum() > 0:
        out += left * weights / weights.sum()
    return out


def surplus_change(c_mbd: float, price, dp, demand_elasticity: float, linear: bool):
    """Consumers' surplus gained a day [M USD] by consumers of ``c_mbd`` at
    ``price`` when it moves by ``dp``, along the market's demand curve."""
    if linear:
        return -c_mbd * (dp + demand_elasticity * dp ** 2 / (2 * price))
    k = 1.0 + demand_elasticity
    if abs(k) < 1e-12:
        return -c_mbd * price * np.log1p(dp / price)
    return -c_mbd * price * ((1.0 + dp / price) ** k - 1.0) / k

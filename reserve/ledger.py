"""The owner's ledger: what the price the reserve moves earns (or saves) its owner.

A reserve that holds crude dearer earns an exporter more on every barrel it
sells abroad, and costs an importer more on every barrel it buys; the
owner's GDP moves with the oil price too. Over the schedule's price impact
dp_t [USD/bbl], discounted like the costs (delta_t, periods of Delta days):

- ``export_gain_musd`` = sum_t delta_t * Delta * E * dp_t, E =
  ``net_exports_mbd`` (negative for a net importer, whose gain is a saving
  when the price falls);
- ``gdp_gain_musd`` = sum_t delta_t * (Delta/365) * 1000 * GDP * e_gdp * dp_t / P_t,
  GDP = ``gdp_usd_bn`` a year and e_gdp = ``gdp_oil_elasticity`` (about -0.024
  for the United States, the ORNL meta-analysis of oil price shocks);
- ``net_benefit_musd`` = export gain + GDP gain - ``total_cost_musd``;
- ``breakeven_net_exports_mbd``: the E at which the net benefit of this
  schedule is 0, (cost - GDP gain) / (sum_t delta_t * Delta * dp_t).

The sums run over the horizon and, with ``oil_valuation = "sale"`` (the
default), over the days after it in which the closing stock is sold: what
that sale takes off the price it takes off the owner's trade too
(``liquidation_export_gain_musd`` and ``liquidation_gdp_gain_musd``, the
part of each gain after the horizon, are reported apart).

The reserve's own barrels are not part of E: they are valued in the costs,
at the price they move when ``own_price_effect`` is set, so nothing is
counted twice.

References: Leiby, P. N., Jones, D. W., Curlee, T. R. and Lee, R. (1997),
*Oil Imports: An Assessment of Benefits and Costs*, ORNL-6851, Oak Ridge
National Laboratory; Brown, S. P. A. and Huntington, H. G. (2013), "Assessing
the U.S. oil security premium", *Energy Economics* 38, 118-127.
"""

from __future__ import annotations

import math

import numpy as np

from .owners import SHARE_TOLERANCE, shares, surplus_change
from .problem import DAYS_PER_YEAR
from .schema import LEDGER_OUTPUTS  # noqa: F401 - the ledger's output names, as before
from .sheets import bn_text


def has_ledger(s) -> bool:
    """True when the scenario names something the price move is worth to its owner."""
    return (s.net_exports_mbd != 0 or (s.gdp_usd_bn != 0 and s.gdp_oil_elasticity != 0)
            or s.objective == "net-benefit")


def not_modelled(s) -> dict[str, str]:
    """The ledger's outputs whose term the scenario leaves out, each with why
    (a 0 there is no finding: the table says "not modelled" instead)."""
    out = {}
    if s.net_exports_mbd == 0:
        out.update(dict.fromkeys(("export_gain_musd", "liquidation_export_gain_musd"),
                                 "net_exports_mbd = 0"))
    if s.gdp_usd_bn == 0 or s.gdp_oil_elasticity == 0:
        why = "gdp_usd_bn = 0" if s.gdp_usd_bn == 0 else "gdp_oil_elasticity = 0"
        out.update(dict.fromkeys(("gdp_gain_musd", "liquidation_gdp_gain_musd"), why))
    return out


def trade_weights(answer):
    """The impact dp_t [USD/bbl] over the horizon and the liquidation after
    it, the baseline price P_t there, delta_t * Delta [d], and which periods
    are after the horizon."""
    d, sol = answer.data, answer.solution
    dp = np.concatenate([sol.impact_usd_per_bbl, sol.liquidation_impact_usd_per_bbl])
    return dp, d.baseline_price_usd_per_bbl, d.discount * d.step_days, ~d.in_horizon


def ledger_terms(answer, net_exports_mbd: float, gdp_usd_bn: float,
                 gdp_oil_elasticity: float) -> tuple[float, float, float, float]:
    """The export gain and the GDP gain [M USD] of an owner with this trade
    and GDP (module docstring), each in all and after the horizon."""
    dp, price, weight, after = trade_weights(answer)
    trade = weight * dp                                     # [USD/bbl * d] a period
    gdp = weight / DAYS_PER_YEAR * 1000.0 * gdp_usd_bn * gdp_oil_elasticity / price * dp
    return (net_exports_mbd * float(trade.sum()),          # [mb/d * USD/bbl * d = musd]
            net_exports_mbd * float(trade[after].sum()), float(gdp.sum()),
            float(gdp[after].sum()))


def ledger(answer) -> dict[str, float]:
    """The ledger's outputs of an answer (module docstring); {} when it has none."""
    s, sol = answer.scenario, answer.solution
    if not has_ledger(s):
        return {}
    export_gain, export_after, gdp_gain, gdp_after = ledger_terms(
        answer, s.net_exports_mbd, s.gdp_usd_bn, s.gdp_oil_elasticity)
    dp, _, weight, _ = trade_weights(answer)
    total_trade = float((weight * dp).sum())
    cost = sol.total_cost_musd
    breakeven = (cost - gdp_gain) / total_trade if abs(total_trade) > 1e-9 else math.nan
    return {"export_gain_musd": export_gain,
            "liquidation_export_gain_musd": export_after,
            "gdp_gain_musd": gdp_gain,
            "liquidation_gdp_gain_musd": gdp_after,
            "net_benefit_musd": export_gain + gdp_gain - cost,
            "breakeven_net_exports_mbd": breakeven}


def owner_rows(answer, traded_mb: float) -> list[dict]:
    """Each owner's ledger line (:mod:`reserve.owners`), then the part no rule
    takes, if any; ``traded_mb`` the reserve's trade V the shares are of."""
    s = answer.scenario
    owners = s.owners
    if not owners:
        return []
    part = shares(owners, traded_mb)
    cost = answer.solution.total_cost_musd
    dp, price, weight, _ = trade_weights(answer)
    rows = []
    for o, w in zip(owners, part):
        export_gain, _, gdp_gain, _ = ledger_terms(answer, o.net_exports_mbd, o.gdp_usd_bn,
                                                    o.gdp_oil_elasticity)
        export_gain, gdp_gain = export_gain + 0.0, gdp_gain + 0.0   # no "-0.00" for no trade
        importer = o.net_exports_mbd < 0
        surplus = (float(np.sum(weight * surplus_change(
            o.consumes_mbd, price, dp, s.demand_elasticity, s.price_model == "linear")))
            if importer else math.nan)
        rows.append({"owner": o.name, "owner_share": float(w),
                     "owner_volume_mb": float(w * traded_mb),
                     "owner_cost_musd": float(w * cost),
                     "export_gain_musd": export_gain, "gdp_gain_musd": gdp_gain,
                     "consumers_surplus_musd": surplus,
                     "net_benefit_musd": export_gain + gdp_gain - w * cost})
    left = 1.0 - float(part.sum())
    if left > SHARE_TOLERANCE:
        rows.append({"owner": "(not allocated)", "owner_share": left,
                     "owner_volume_mb": left * traded_mb, "owner_cost_musd": left * cost,
                     "export_gain_musd": 0.0, "gdp_gain_musd": 0.0,
                     "consumers_surplus_musd": math.nan, "net_benefit_musd": -left * cost})
    return rows


def ledger_words(answer, values: dict[str, float]) -> str:
    """The ledger in a sentence: what the owner gains, and when it pays."""
    s = answer.scenario
    owner = s.owner
    parts = []
    gain, exports = values["export_gain_musd"], s.net_exports_mbd
    after = values.get("liquidation_export_gain_musd", 0.0)
    during = gain - after
    if exports != 0:
        trade = (f"net exports of {exports:g} mb/d" if exports > 0
                 else f"net imports of {-exports:g} mb/d")
        good = "earns" if exports > 0 else "saves"
        text = f"{good if during >= 0 else 'costs'} {owner} {bn_text(abs(during))} on its {trade}"
        if abs(after) >= 0.005:
            sold = "sold" if answer.solution.liquidation_mbd.sum() < 0 else "bought back"
            back = "gives back" if (after < 0) == (during >= 0) else "gains"
            text += (f" while it moves the price, and {back} {bn_text(abs(after))} while the "
                     f"stock is {sold} after ({bn_text(gain)} in all)")
        parts.append(text)
    gdp = values["gdp_gain_musd"]
    if gdp != 0:
        parts.append(f"{'adds' if gdp >= 0 else 'takes'} {bn_text(abs(gdp))} "
                     f"{'to' if gdp >= 0 else 'from'} its GDP")
    net = values["net_benefit_musd"]
    verdict = f"a net {'benefit' if net >= 0 else 'loss'} of {bn_text(abs(net))}"
    text = " and ".join(parts) + (", " if parts else "") + verdict
    breakeven = values["breakeven_net_exports_mbd"]
    if math.isfinite(breakeven):
        text += "; " + _pays_when(answer, breakeven)
    return text


def _pays_when(answer, breakeven: float) -> str:
    """When the schedule pays, in words: the side of the break-even it is on."""
    dp, _, weight, _ = trade_weights(answer)
    trade = float(np.dot(weight, dp))
    world = answer.scenario.demand_mbd
    # no owner trades so much: on the side where it would have to, it pays no one
    if (trade > 0 and breakeven > world) or (trade < 0 and breakeven < -world):
        side = "exports" if breakeven > 0 else "imports"
        return (f"it would pay only an owner with net {side} of more than "
                f"{abs(breakeven):.2f} mb/d, more than the world's demand of {world:g} mb/d: "
                "it pays no one")
    if trade > 0:   # the benefit grows with net exports
        return (f"it pays only if net exports exceed {breakeven:.2f} mb/d" if breakeven >= 0
                else f"it pays unless net imports exceed {-breakeven:.2f} mb/d")
    return (f"it pays only if net imports exceed {-breakeven:.2f} mb/d" if breakeven <= 0
            else f"it pays unless net exports exceed {breakeven:.2f} mb/d")

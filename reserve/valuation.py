"""What the reserve's oil and capital are worth, and what each reading assumes.

A reserve buys oil, holds it, and is left with some at the end of the
question's horizon. How those barrels are valued decides whether it pays
(docs/explanation/model.md, "Valuing the closing stock"):

- ``sale`` (the default): every barrel is traded at the price the reserve's
  own trade moves (with ``own_price_effect``), and the stock held at the
  horizon beyond the opening one is sold after it, at an even pace over
  ``liquidation_days``, each barrel at the price that pace moves,
  discounted, its storage paid until it leaves. A release is bought back
  the same way. In the model's own market, selling S barrels at any pace
  takes E*beta*S (undiscounted) off the trade of an owner with net exports
  E: the gain of holding the price up comes back while the stock is sold.
- ``market``: traded at market prices, the closing stock credited at the
  last baseline price, as if selling it moved nothing.
- ``baseline``: as ``market``, but every barrel at the baseline price: no
  premium on the price the reserve's own trades move.
- ``cost``: oil kept is an asset at the price paid; only the carrying
  costs count (the old default of this tool).

Capital (storage built, pumps and terminals) is charged by default as an
annuity for the share of its life the run uses (``capital_charge =
"annuity"``), which assumes it keeps its value after: a 20-year terminal
used for six months is charged six months. The answer shows the whole
outlay beside it (``capital_cost_full_musd``), the charge if nothing
outlives the run.

The economics: Salant, S. W. (1983), "The vulnerability of price
stabilization schemes to speculative attack", *Journal of Political
Economy* 91(1); Wright, B. D. and Williams, J. C. (1982), "The economic role
of commodity storage", *Economic Journal* 92; on the stock a release must
replace, Teisberg, T. J. (1981), "A dynamic programming model of the U.S.
strategic petroleum reserve", *Bell Journal of Economics* 12(2).
"""

from __future__ import annotations

import numpy as np

from .sheets import bn_text


def full_capital_musd(answer) -> float:
    """The capital of an answer charged whole [musd]: every new barrel of owned
    storage at its capex, each build-or-not option's fixed cost, every mb/d of
    fill and release capacity at rate_capex (impact mode: the design's
    capital is sunk, 0)."""
    if answer.mode != "size":
        return 0.0
    s, sol = answer.scenario, answer.solution
    total = 0.0
    for o, capacity in zip(s.storage, sol.capacity_mb, strict=True):
        new = max(float(capacity) - o.existing_mb, 0.0)
        if not o.leased and new > 1e-6:
            total += o.capex_usd_per_bbl * new + o.fixed_cost_musd
    rates = sol.fill_capacity_mbd + sol.release_capacity_mbd
    return total + s.rate_capex_usd_per_bbl_per_day * rates


def sale_value_musd(answer) -> float:
    """What selling the closing stock after the horizon fetches [musd, present
    value]: each barrel at the baseline less the price its own pace moves
    (negative when a release is bought back); 0 without a sale."""
    d, sol = answer.data, answer.solution
    h = d.n_horizon
    q = sol.liquidation_mbd
    if q.size == 0:
        return 0.0
    paid = float(np.dot(d.step_days * d.discount[h:] * d.baseline_price_usd_per_bbl[h:], q))
    return -(paid + d.pace_premium_musd_per_mbd2 * float(q[0]) ** 2)



def oil_words(answer) -> str:
    """How the oil cost was reckoned, in a few words for the answer's sentence."""
    s, d = answer.scenario, answer.data
    if s.oil_valuation == "cost":
        return "carrying the oil"
    if s.oil_valuation != "sale":
        return f"on the oil at {'baseline' if s.oil_valuation == 'baseline' else 'market'} prices"
    closing = float(answer.solution.inventory_mb[-1]) - s.initial_inventory_mb
    days = d.liquidation_periods * d.step_days
    if abs(closing) < 0.5:
        return "on the oil it trades"
    if closing > 0:
        return f"on the oil, sold back over the {days} days after"
    return f"on the oil, bought back over the {days} days after"


def valuation_notes(answer) -> list[str]:
    """What the oil's valuation and the premium assume, in words (the answer's notes)."""
    s, d, sol = answer.scenario, answer.data, answer.solution
    out = []
    closing = float(sol.inventory_mb[-1]) - s.initial_inventory_mb
    if s.oil_valuation == "sale" and abs(closing) >= 0.5:
        days = d.liquidation_periods * d.step_days
        pace = abs(float(sol.liquidation_mbd[0]))
        move = (sol.liquidation_impact_usd_per_bbl if sol.liquidation_impact_usd_per_bbl.size
                else np.zeros(1))
        worst = float(move[np.argmax(np.abs(move))])
        verb, which = ("sold", "lowers") if closing > 0 else ("bought back", "raises")
        where = ("held at the end beyond the opening stock" if closing > 0
                 else "short of the opening stock at the end")
        out.append(
            f"The {abs(closing):,.0f} mb {where} "
            f"are {verb} over the {days} days after the horizon at {pace:.2f} mb/d, which "
            f"{which} crude by up to ${abs(worst):.2f}/bbl meanwhile: "
            f"{'they fetch' if closing > 0 else 'buying them costs'} "
            f"{bn_text(abs(sale_value_musd(answer)))} in present value"
            f"{', their storage is paid until they leave' if closing > 0 else ''}, and the "
            f"owner's ledger counts what that {'sale' if closing > 0 else 'purchase'} does to "
            "its trade (oil_valuation = sale; liquidation_days sets the pace).")
    elif s.oil_valuation in ("cost", "market", "baseline") and abs(closing) >= 0.5:
        how = {"cost": "at the price paid for them",
               "market": "at the last baseline price",
               "baseline": "at the last baseline price"}[s.oil_valuation]
        out.append(
            f"oil_valuation = {s.oil_valuation}: the reserve ends {abs(closing):,.0f} mb "
            f"{'above' if closing > 0 else 'below'} its opening stock, valued {how}, as if "
            f"{'selling' if closing > 0 else 'buying'} them moved nothing; "
            f"{'selling would lower the price as buying raised it' if closing > 0 else 'buying back would raise the price as releasing lowered it'}"
            ", which oil_valuation = sale (the default) counts.")
    if s.oil_valuation == "baseline" or not s.own_price_effect:
        sale = (" The closing stock's sale after the horizon still pays the price it moves."
                if s.oil_valuation == "sale" else "")
        out.append(
            "The premium is left out: over the horizon the reserve buys and sells at the "
            "baseline price, not at the price its own trades move (own_price_effect = false "
            "or oil_valuation = baseline); with it, buying costs more and selling fetches "
            f"less.{sale}")
    elif s.price_model != "linear" or s.dynamic or s.private_storage_response_mb_per_usd > 0:
        out.append(
            "The premium the reserve pays on its own trades is priced on the market's "
            "short-run tangent at the baseline (the " +
            ("isoelastic curve is steeper above it and flatter below" if s.price_model != "linear"
             else "part of the price move the market's memory and commercial holders add is "
                  "not charged to it") + ").")
    if answer.mode == "size" and s.capital_charge == "annuity":
        full = full_capital_musd(answer)
        if full > 2 * max(sol.capital_cost_musd, 1e-9) and full > 1.0:
            horizon, storage = d.n_horizon * d.step_days, d.n_periods * d.step_days
            serves = (f"the {horizon:,} days it serves" if storage == horizon else
                      f"the days it serves (fill and release equipment the {horizon:,} days "
                      f"of the horizon, storage {storage:,} days, until the stock is sold)")
            out.append(
                f"Capital is charged as an annuity, {bn_text(sol.capital_cost_musd)}, for {serves}, "
                f"as if it kept its value after; written off whole it is {bn_text(full)} "
                "(capital_charge = full).")
    if d.has_price_path:
        out.append(
            "The schedule knows the whole price path in advance (perfect foresight): it is "
            "the least any rule could pay; reserve risk shows what a rule that knows only "
            "today's price holds.")
    return out

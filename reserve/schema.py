"""The parameter schema: every input's name, unit, default, allowed range and meaning.

This table is the single source of truth for validation (:mod:`reserve.scenario`),
for ``reserve params`` (terminal table, CSV template, commented TOML template)
and for the guide's parameter list. Names follow one rule (docs/explanation/model.md, "Names and units"): a name
with a unit ends with it (``_mb``, ``_mbd``, ``_usd_per_bbl``, ``_musd``,
``_days``, ``_yr``); names without a suffix are dimensionless.

Defaults are the October 2008 scenario (``models/sechin-2008.toml``), so a
scenario file that omits a name answers for that market.
"""

from __future__ import annotations

import math

from .parameter import Parameter


def _p(name, unit, default, kind, description, group, **limits) -> Parameter:
    return Parameter(name=name, unit=unit, default=default, kind=kind,
                     description=description, group=group, **limits)


#: The target's name, which several layers treat apart (percent, band).
TARGET = "target_impact_usd_per_bbl"

PRICE_MODELS = ("linear", "isoelastic")
PRODUCER_RESPONSES = ("none", "dominant-firm", "price-target", "cooperative")
OBJECTIVES = ("least-cost", "net-benefit")
OIL_VALUATIONS = ("sale", "market", "baseline", "cost")
#: Longest day count accepted (100 years): no reserve question needs more;
#: reserve.scenario also bounds the model's size (days by options).
MAX_DAYS = 36500
#: Bounds that keep every number of the model finite and HiGHS's arithmetic
#: sound, far beyond any reserve: prices and price moves [USD/bbl], costs per
#: barrel [USD], volumes [mb] (about 100 years of world demand), rates [mb/d],
#: lives [yr] (a day to a millennium).
PRICE_MAX = 1e5
COST_MAX = 1e5
VOLUME_MAX = 1e7
RATE_MAX = 1e4
LIFE_MIN = 1.0 / 365.0
LIFE_MAX = 1000.0

#: Scenario parameters (flat keys), in template order.
PARAMETERS: tuple[Parameter, ...] = (
    # -- market ------------------------------------------------------------
    _p("price_usd_per_bbl", "USD/bbl", 66.75, "float",
       "Baseline crude price P0 the reserve moves (NYMEX, 22 Oct 2008).",
       "market", lower=0.01, upper=10000),
    _p("demand_mbd", "mb/d", 86.0, "float",
       "Baseline world crude demand Q0.", "market", lower=0.01, upper=1000),
    _p("demand_elasticity", "1", -0.10, "float",
       "Short-run price elasticity of world demand, eps_d.", "market",
       lower=-5, upper=-0.001, why="demand falls as the price rises"),
    _p("supply_elasticity", "1", 0.05, "float",
       "Short-run price elasticity of supply outside the reserve, eps_s.", "market",
       lower=0, upper=5, why="supply does not fall as the price rises"),
    _p("elasticity_preset", "", None, "str",
       "Name of literature elasticities (models/elasticities.toml) that replace "
       "demand_elasticity and supply_elasticity; empty for none.", "market"),
    _p("demand_elasticity_long_run", "1", None, "float",
       "Long-run demand elasticity the market moves toward while a price is "
       "held (linear model); empty: no adjustment.", "market",
       lower=-5, upper=-0.001, why="demand falls as the price rises"),
    _p("supply_elasticity_long_run", "1", None, "float",
       "Long-run supply elasticity the market moves toward (linear model); "
       "empty: no adjustment.", "market", lower=0, upper=5),
    _p("adjustment_half_life_days", "d", 365.0, "float",
       "Half-life of the market's move from short- to long-run elasticities.",
       "market", lower=0, lower_open=True, upper=MAX_DAYS),
    _p("offset_share", "1", None, "float",
       "Share of the reserve's flow that other producers offset (> 0: they "
       "undo part of it; < 0: they act alongside it and amplify it); empty: "
       "what producer_response implies. Set, it overrides producer_response.",
       "market", lower=-1, upper=1, upper_open=True,
       why="at 1 others undo the reserve entirely; -1 doubles it"),
    _p("producer_response", "", "none", "choice",
       "How other producers answer the reserve: none (quotas fixed), "
       "dominant-firm (a dominant producer expands by half of what the "
       "reserve absorbs: offset 0.5), price-target (a cartel defending its "
       "price undoes the reserve in the window up to "
       "producer_spare_capacity_mbd), cooperative (cuts alongside by "
       "cooperative_share).", "market", choices=PRODUCER_RESPONSES),
    _p("producer_response_lag_days", "d", 0, "int",
       "Days from decision before other producers respond (none before).",
       "market", lower=0, upper=MAX_DAYS),
    _p("producer_spare_capacity_mbd", "mb/d", 2.0, "float",
       "Spare capacity a price-target cartel uses against the reserve.",
       "market", lower=0, upper=RATE_MAX),
    _p("cooperative_share", "1", 0.5, "float",
       "With producer_response = cooperative: barrels others cut per barrel "
       "the reserve absorbs.", "market", lower=0, upper=1),
    _p("private_storage_response_mb_per_usd", "mb/(USD/bbl)", 0.0, "float",
       "Commercial stocks added per USD/bbl of the spread the reserve opens "
       "over private_storage_horizon_days (holders buy ahead of a known "
       "rise, sell ahead of a known fall); 0: no private storage.", "market",
       lower=0, upper=VOLUME_MAX),
    _p("private_storage_horizon_days", "d", 28, "int",
       "How far ahead holders look: the spread between the price this many "
       "days on and today's (about the front-month futures spread); a "
       "multiple of time_step_days.", "market", lower=1, upper=3650),
    _p("private_stocks_mb", "mb", 1000.0, "float",
       "Commercial stocks holders hold and could sell below the baseline.",
       "market", lower=0, upper=VOLUME_MAX),
    _p("private_spare_capacity_mb", "mb", 150.0, "float",
       "Storage holders have free to buy into above the baseline.",
       "market", lower=0, upper=VOLUME_MAX),
    _p("price_model", "", "linear", "choice",
       "How price answers absorption: linear (dp = beta*x) or isoelastic "
       "(constant-elasticity supply and demand clear).", "market",
       choices=PRICE_MODELS),
    # -- target and time ----------------------------------------------------
    _p("target_impact_usd_per_bbl", "USD/bbl", 5.0, "float",
       "Signed price move to hold over the window: > 0 raises (absorb), "
       "< 0 lowers (release); 'N%' is percent of the baseline price.", "target",
       why="not 0"),
    _p("hold_days", "d", 180, "int",
       "Length of the window over which the target must hold.", "target", lower=1,
       upper=MAX_DAYS),
    _p("path_release_mbd", "mb/d", 0.0, "float",
       "A release the --price-path already holds (e.g. an action that happened): "
       "the baseline is that path without it, the observed price plus the "
       "release's impact in the scenario's market. 0: the path as it is.",
       "market", lower=0, upper=1000),
    _p("path_release_start_day", "d", 0, "int",
       "Day of the price path (0: its first row) the path's release starts.",
       "market", lower=0, upper=MAX_DAYS),
    _p("path_release_days", "d", 0, "int",
       "Days the path's release lasts.", "market", lower=0, upper=MAX_DAYS),
    _p("lead_days", "d", 30, "int",
       "Days from decision to the window's start (time to lease, build, fill).",
       "target", lower=0, upper=MAX_DAYS),
    _p("tail_days", "d", 0, "int",
       "Days modelled after the window (unwinding).", "target", lower=0, upper=MAX_DAYS),
    _p("floor_usd_per_bbl", "USD/bbl", None, "float",
       "Price floor: the supported price stays at or above it in every period "
       "(replaces the target unless one is given); empty: none.", "target",
       lower=0, lower_open=True, upper=PRICE_MAX),
    _p("ceiling_usd_per_bbl", "USD/bbl", None, "float",
       "Price ceiling: the supported price stays at or below it in every "
       "period; empty: none.", "target", lower=0, lower_open=True, upper=PRICE_MAX),
    _p("time_step_days", "d", 1, "int",
       "Length of one model period; every day count must be a multiple of it.",
       "target", lower=1, upper=365),
    # -- reserve -------------------------------------------------------------
    _p("initial_inventory_mb", "mb", 0.0, "float",
       "Oil in the reserve at day 0; must fit in the capacity usable at day 0.",
       "reserve", lower=0, upper=VOLUME_MAX),
    _p("fill_rate_max_mbd", "mb/d", 2.0, "float",
       "Cap on fill capacity F (pipelines, terminals).", "reserve",
       lower=0, upper=RATE_MAX, allow_inf=True),
    _p("release_rate_max_mbd", "mb/d", 2.0, "float",
       "Cap on release capacity R.", "reserve", lower=0, upper=RATE_MAX, allow_inf=True),
    _p("rate_capex_usd_per_bbl_per_day", "USD/(bbl/d)", 250.0, "float",
       "Capital cost of one barrel per day of fill or release capacity.",
       "reserve", lower=0, upper=COST_MAX),
    _p("rate_lifetime_yr", "yr", 20.0, "float",
       "Life of fill and release equipment (for the annuity).", "reserve",
       lower=LIFE_MIN, upper=LIFE_MAX),
    _p("loss_rate_per_yr", "1/yr", 0.0, "float",
       "Share of the stock lost per year (evaporation, degradation).",
       "reserve", lower=0, upper=1, upper_open=True),
    _p("transaction_cost_usd_per_bbl", "USD/bbl", 0.5, "float",
       "Cost of moving one barrel in or out (fees, freight).", "reserve", lower=0, upper=COST_MAX),
    _p("holding_cost_usd_per_bbl_yr", "USD/(bbl*yr)", 0.0, "float",
       "Cost per barrel held per year (insurance), beside storage O&M.",
       "reserve", lower=0, upper=COST_MAX),
    _p("off_window_impact_max_usd_per_bbl", "USD/bbl", None, "float",
       "Largest price move allowed outside the window; empty: the size of "
       "the target. With a floor or ceiling: how far the price may be pushed "
       "past max(baseline, floor) or min(baseline, ceiling); empty: 0.",
       "reserve", lower=0, upper=PRICE_MAX),
    _p("pre_window_release", "", False, "bool",
       "Allow releases before the window (lead_days is the delay from decision "
       "to market, so by default stock leaves no earlier than the window).",
       "reserve"),
    _p("window_impact_max_usd_per_bbl", "USD/bbl", None, "float",
       "Largest price move allowed inside the window; empty: the size of the "
       "target (the reserve moves the price by the target, not more); inf: "
       "no cap.", "reserve", lower=0, upper=PRICE_MAX, allow_inf=True),
    # -- money --------------------------------------------------------------
    _p("discount_rate", "1/yr", 0.08, "float",
       "Annual discount rate (cost of financing).", "money", lower=0, upper=1),
    _p("capital_charge", "", "annuity", "choice",
       "annuity: capital charged for the share of its life the horizon uses; "
       "full: charged whole.", "money", choices=("annuity", "full")),
    _p("oil_valuation", "", "sale", "choice",
       "sale: the stock held at the horizon beyond the opening one is sold "
       "after it, over liquidation_days, at the price that sale moves, paying "
       "its storage until it leaves (a release is bought back the same way); "
       "market: traded at market prices, the closing stock credited at the "
       "last baseline price; baseline: as market, but every barrel at the "
       "baseline price (no own-price premium); cost: oil kept is an asset at "
       "the price paid (only carrying costs count).", "money",
       choices=OIL_VALUATIONS),
    _p("liquidation_days", "d", None, "int",
       "Days over which oil_valuation = sale sells the closing stock after "
       "the horizon, at an even pace; empty: hold_days (the days a target's "
       "stock takes to build).", "money", lower=1, upper=MAX_DAYS),
    _p("own_price_effect", "", True, "bool",
       "Charge purchases and sales at the price the reserve itself moves "
       "(a convex QP); false leaves that premium out. In the isoelastic and "
       "adjusting markets the premium is priced on the short-run tangent.",
       "money"),
    # -- the owner's ledger -------------------------------------------------------
    _p("owner", "", "Russia", "text",
       "Who holds the reserve, for the answer's sentences (e.g. Russia).", "ledger"),
    _p("net_exports_mbd", "mb/d", 7.0, "float",
       "The owner's net exports of crude and products (negative for a net "
       "importer); the price move earns (or saves) this much trade. 0: no "
       "export ledger.", "ledger", lower=-200, upper=200),
    _p("gdp_usd_bn", "USD bn", 0.0, "float",
       "The owner's GDP per year, for the GDP term of the ledger.", "ledger",
       lower=0, upper=1e6, why="a GDP is not negative"),
    _p("gdp_oil_elasticity", "1", 0.0, "float",
       "Elasticity of the owner's GDP to the oil price (e.g. -0.024 for an "
       "importer, ORNL meta-analysis); 0: no GDP term.", "ledger", lower=-1, upper=1),
    _p("end_inventory_max_mb", "mb", None, "float",
       "Most stock the reserve may hold at the horizon's end; empty: no limit "
       "(--unwind sets it to initial_inventory_mb: sell back what was bought).",
       "ledger", lower=0, upper=VOLUME_MAX, allow_inf=True),
    _p("objective", "", "least-cost", "choice",
       "least-cost: the cheapest reserve that holds the target; net-benefit: "
       "the reserve that maximizes the owner's net benefit (no target).",
       "ledger", choices=OBJECTIVES),
)

#: Fields of one storage option (TOML ``[[storage]]`` tables, CSV
#: ``storage.NAME.FIELD`` rows).
STORAGE_FIELDS: tuple[Parameter, ...] = (
    _p("name", "", "storage", "str", "Name of the storage option (used in "
       "the capacity_mb_<name> output).", "storage"),
    _p("capex_usd_per_bbl", "USD/bbl", 0.0, "float",
       "Build cost per barrel of new capacity (0 for a lease).", "storage", lower=0, upper=COST_MAX),
    _p("om_usd_per_bbl_yr", "USD/(bbl*yr)", 0.0, "float",
       "Fixed cost per barrel of capacity per year from the day it is usable "
       "(lease rate, O&M).", "storage", lower=0, upper=COST_MAX),
    _p("lifetime_yr", "yr", 30.0, "float", "Economic life of new capacity.",
       "storage", lower=LIFE_MIN, upper=LIFE_MAX),
    _p("build_days", "d", 0, "int",
       "Days from decision until new capacity is usable (for a lease: until "
       "the first contract can start).", "storage", lower=0, upper=MAX_DAYS),
    _p("capacity_max_mb", "mb", math.inf, "float",
       "Most capacity this option can have (existing included).", "storage",
       lower=0, upper=VOLUME_MAX, allow_inf=True),
    _p("existing_mb", "mb", 0.0, "float",
       "Capacity already there: usable at once, no capex.", "storage", lower=0, upper=VOLUME_MAX),
    _p("fixed_cost_musd", "musd", 0.0, "float",
       "Cost of building any new capacity at all (a build-or-not decision).",
       "storage", lower=0, upper=1e7),
    _p("min_size_mb", "mb", 0.0, "float",
       "Smallest new build if built at all.", "storage", lower=0, upper=VOLUME_MAX),
    _p("lease_term_days", "d", 0, "int",
       "0: owned capacity. > 0: rented in contracts of exactly this many days "
       "that may start any period from build_days on, each paid "
       "om_usd_per_bbl_yr for its term plus capex_usd_per_bbl once "
       "(a mobilization fee).", "storage", lower=0, upper=MAX_DAYS),
)

def check_price(text: str, where: str, option: str) -> float:
    """A price read from a file's cell [USD/bbl], within the bounds of
    ``price_usd_per_bbl``; ``where`` names the file and row for the message."""
    from .errors import InputError
    bounds = PARAMETER_BY_NAME["price_usd_per_bbl"]
    try:
        value = float(text)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and bounds.lower <= value <= bounds.upper):
        raise InputError(option, text, f"{where}: a price in USD/bbl from {bounds.lower:g} "
                         f"to {bounds.upper:g}")
    return value


def check_design_value(name: str, value, volume: bool) -> float:
    """A design's capacity [mb] (``volume``) or rate [mb/d], as ``reserve
    params`` bounds storage and rates: a finite number from 0 to VOLUME_MAX
    (or RATE_MAX). ``name`` is the option or argument the user typed."""
    from .errors import InputError
    top = VOLUME_MAX if volume else RATE_MAX
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not 0 <= number <= top:
        raise InputError(name, value, f"a number from 0 to {top:g} "
                         f"({'mb' if volume else 'mb/d'})")
    return number


PARAMETER_BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}
STORAGE_FIELD_BY_NAME: dict[str, Parameter] = {p.name: p for p in STORAGE_FIELDS}


def defaults() -> dict[str, object]:
    """The schema's default value of every flat parameter."""
    return {p.name: p.default for p in PARAMETERS}


# -- outputs -------------------------------------------------------------------------

#: Output names of the ledger, in report order, with units and labels.
LEDGER_OUTPUTS: tuple[tuple[str, str, str], ...] = (
    ("export_gain_musd", "musd", "Gain on the owner's net exports"),
    ("liquidation_export_gain_musd", "musd", "  of which while the stock is sold"),
    ("gdp_gain_musd", "musd", "Gain in the owner's GDP"),
    ("liquidation_gdp_gain_musd", "musd", "  of which while the stock is sold"),
    ("net_benefit_musd", "musd", "Net benefit to the owner"),
    ("breakeven_net_exports_mbd", "mb/d", "Net exports at which it breaks even"),
)

#: The outputs a summary (quantiles, sweeps) shows first.
KEY_OUTPUTS = ("storage_capacity_mb", "fill_capacity_mbd", "release_capacity_mbd",
               "total_cost_musd")

#: Output names in report order, each with its unit and a label for the table.
OUTPUTS: tuple[tuple[str, str, str], ...] = (
    ("target_impact_usd_per_bbl", "USD/bbl", "Target price impact"),
    ("max_impact_usd_per_bbl", "USD/bbl", "Largest impact held"),
    ("hold_days", "d", "Window length"),
    ("storage_capacity_mb", "mb", "Storage capacity, total"),
    ("fill_capacity_mbd", "mb/d", "Fill capacity"),
    ("release_capacity_mbd", "mb/d", "Release capacity"),
    ("peak_fill_mbd", "mb/d", "Fastest fill in the schedule"),
    ("peak_release_mbd", "mb/d", "Fastest release in the schedule"),
    ("oil_absorbed_mb", "mb", "Oil absorbed"),
    ("oil_released_mb", "mb", "Oil released"),
    ("max_inventory_mb", "mb", "Largest stock held"),
    ("end_inventory_mb", "mb", "Inventory at the end"),
    ("min_window_impact_usd_per_bbl", "USD/bbl", "Weakest impact in the window"),
    ("min_price_usd_per_bbl", "USD/bbl", "Lowest supported price"),
    ("max_price_usd_per_bbl", "USD/bbl", "Highest supported price"),
    ("floor_usd_per_bbl", "USD/bbl", "Price floor"),
    ("ceiling_usd_per_bbl", "USD/bbl", "Price ceiling"),
    ("capital_cost_musd", "musd", "Capital cost"),
    ("capital_cost_full_musd", "musd", "  the same capital written off whole"),
    ("operating_cost_musd", "musd", "Operating cost (O&M, leases, fees)"),
    ("oil_cost_musd", "musd", "Oil cost (bought less sold, or carried)"),
    ("total_cost_musd", "musd", "Total cost, present value"),
    ("closing_stock_mb", "mb", "Stock at the end beyond the opening one"),
    ("liquidation_days", "d", "Days over which it is sold after"),
    ("sale_value_musd", "musd", "What selling it fetches, present value"),
    ("marginal_cost_musd_per_usd", "musd per USD/bbl", "Cost of 1 USD/bbl more"),
    *LEDGER_OUTPUTS,
    ("days_of_world_demand", "d", "Storage capacity, in days of world demand"),
    ("max_inventory_days_of_world_demand", "d", "Largest stock, in days of world demand"),
    ("termination", "", "Solver result"),
)


def output_label(name: str) -> str:
    """An output's words in the answer's table, or its name."""
    return next((label.strip() for known, _, label in OUTPUTS if known == name), name)

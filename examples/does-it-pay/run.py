"""Does it pay? The October 2008 question answered with the owner's ledger.

Run from this folder after `pip install .` at the top of the repository:

    python run.py            # prints the tables of README.md, draws net-benefit.png

Every case is also one `reserve size` command (printed beside it), so each
figure can be checked on the command line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from reserve.pricepath import read_price_path
from reserve.results import outputs
from reserve.scenario import build_scenario
from reserve.solve import size

HERE = Path(__file__).resolve().parent
CRASH = HERE.parent / "crash-2008" / "brent-2008.csv"
UNWIND = {"end_inventory_max_mb": 0, "tail_days": 180}
BEST = {"objective": "net-benefit"}
#: the crash path: no target, the whole 540 days from October 2008
ON_THE_CRASH = {**BEST, "lead_days": 0, "hold_days": 540}
CRASH_ARGS = "--price-path ../crash-2008/brent-2008.csv --set lead_days=0 --hold-days 540"

CASES = [
    ("hold $5 for 180 days, sold over the 180 days after", {}, False,
     "reserve size -t 5"),
    ("the same, sold over 360 days after", {"liquidation_days": 360}, False,
     "reserve size -t 5 --set liquidation_days=360"),
    ("the same, sold back within the horizon", UNWIND, False,
     "reserve size -t 5 --unwind --set tail_days=180"),
    ("the same, the stock valued at its cost (no sale)", {"oil_valuation": "cost"}, False,
     "reserve size -t 5 --set oil_valuation=cost"),
    ("the best reserve for Russia", BEST, False,
     "reserve size --objective net-benefit"),
    ("the best reserve on the 2008-09 path, sold after it", ON_THE_CRASH, True,
     f"reserve size --objective net-benefit {CRASH_ARGS}"),
    ("the best reserve on the 2008-09 path, sold by Dec 2009",
     {**ON_THE_CRASH, "end_inventory_max_mb": 0}, True,
     f"reserve size --objective net-benefit {CRASH_ARGS} --unwind"),
]

PRESETS = ("sechin-2008", "eia-rule-of-thumb", "hughes-knittel-sperling-2008",
           "caldara-cavallo-iacoviello-2019", "kilian-murphy-2014", "baumeister-hamilton-2019")
#: the same limits for every case of the table: no cap on fill or on the dearer
#: tankers, so that every preset can hold its $5
ROOMY = {"fill_rate_max_mbd": "inf", "storage.floating_storage_tier2.capacity_max_mb": "inf"}


def answer(overrides: dict, crash: bool = False) -> dict:
    """Outputs of one case, on the defaults: the reserve pays the price it
    moves on its own barrels, and what it holds at the end is sold after."""
    s = build_scenario(None, {k: str(v) for k, v in overrides.items()})
    baseline = (read_price_path(CRASH).per_period(s.horizon_days, s.time_step_days)
                if crash else None)
    return outputs(size(s, baseline, check_calibration=False))


def bn(musd: float) -> str:
    return f"{musd / 1000:+.2f}"


def breakeven(out: dict) -> str:
    """The break-even exports, or why there is none."""
    value = out["breakeven_net_exports_mbd"]
    if out["storage_capacity_mb"] == 0:
        return "no reserve"
    if value != value:      # NaN: the price move earns nothing either way
        return "never"
    return f"{value:.2f}"


def tables() -> list[str]:
    """The write-up's two tables, as Markdown lines."""
    lines = ["| case | storage [mb] | cost [$ bn] | export gain [$ bn] | net benefit [$ bn] "
             "| break-even exports [mb/d] |", "|---|---|---|---|---|---|"]
    for label, overrides, crash, _ in CASES:
        out = answer(overrides, crash)
        lines.append(f"| {label} | {out['storage_capacity_mb']:,.0f} | "
                     f"{bn(out['total_cost_musd'])} | {bn(out['export_gain_musd'])} | "
                     f"{bn(out['net_benefit_musd'])} | {breakeven(out)} |")
    lines += ["", "| elasticities | storage [mb] | cost [$ bn] | net benefit [$ bn] "
              "| break-even [mb/d] | net benefit, stock at cost [$ bn] |",
              "|---|---|---|---|---|---|"]
    for preset in PRESETS:
        held = answer({"elasticity_preset": preset, **ROOMY})
        kept = answer({"elasticity_preset": preset, **ROOMY, "oil_valuation": "cost"})
        lines.append(f"| {preset} | {held['storage_capacity_mb']:,.0f} | "
                     f"{bn(held['total_cost_musd'])} | {bn(held['net_benefit_musd'])} | "
                     f"{breakeven(held)} | {bn(kept['net_benefit_musd'])} |")
    return lines


def main() -> None:
    print("\n".join(tables()))
    print("\nThe cases' commands:\n")
    for _, _, _, command in CASES:
        print(f"    {command}")
    plot(HERE / "net-benefit.png")


def plot(path: Path) -> None:
    """Net benefit against net exports: where each way of doing it breaks even."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    exports = np.linspace(0, 10, 21)
    fig, ax = plt.subplots(figsize=(9, 5.5))
    # a least-cost schedule does not depend on the exports: its net benefit is
    # a straight line, E times what the price move earns a barrel a day, less the cost
    for label, overrides, colour, dy in (
            ("hold $5 for 180 days, sold over the 180 days after", {}, "#1f5fa8", -16),
            ("the same, sold over 360 days after", {"liquidation_days": 360}, "#6a8fc7", 10),
            ("the same, the stock valued at its cost (no sale)", {"oil_valuation": "cost"},
             "#c0392b", 10)):
        out = answer(overrides)
        per_mbd = out["export_gain_musd"] / 7.0
        line = (exports * per_mbd - out["total_cost_musd"]) / 1000
        ax.plot(exports, line, color=colour, linewidth=2, label=label)
        be = out["breakeven_net_exports_mbd"]
        if 0 <= be <= 10:
            ax.plot([be], [0], "o", color=colour)
            ax.annotate(f"breaks even at {be:.2f} mb/d", (be, 0), textcoords="offset points",
                        xytext=(8, 10), color=colour, fontsize=9)
        else:
            ax.annotate(f"breaks even only at {be:,.0f} mb/d", (10, line[-1]),
                        textcoords="offset points", xytext=(-170, dy), color=colour,
                        fontsize=9)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axvline(7.0, color="grey", linestyle=":", linewidth=1)
    ax.annotate("Russia, 2008: 7 mb/d", (7.0, ax.get_ylim()[1]), textcoords="offset points",
                xytext=(4, -14), fontsize=9, color="grey")
    ax.set_xlabel("the owner's net exports of crude and products [mb/d]")
    ax.set_ylabel("net benefit to the owner, present value [USD bn]")
    ax.set_title("Does a reserve that holds crude $5 higher for six months pay its owner?\n"
                 "Its stock valued at cost, it seems to; valued at what selling it "
                 "fetches, it pays no one", fontsize=11)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"\nplot written to {path.name}")


if __name__ == "__main__":
    main()

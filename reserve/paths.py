"""Many futures: price paths drawn from 40 years of history (`reserve paths`).

Two generators, both reproducible with a seed and both starting at the
scenario's price (the paths are price *moves* from history, rescaled to
start there):

- ``bootstrap``: the stationary block bootstrap of Politis & Romano (1994)
  on the daily log returns of the shipped Brent history: blocks of
  consecutive days, of geometric length with mean ``block_days``, glued end
  to end. It keeps the history's volatility clusters and fat tails within a
  block and needs no model.
- ``mean-reverting``: an Ornstein-Uhlenbeck process on the log price,
  d ln P = kappa (mu - ln P) dt + sigma dW, fitted to the history by least
  squares on its exact AR(1) discretization, ln P_{t+1} = a + b ln P_t + e:
  kappa = -ln b, mu = a / (1 - b), sigma = sd(e) sqrt(2 kappa / (1 - b^2))
  (Schwartz 1997 uses this one-factor model for crude).

Either may add **disruption regimes** in the manner of Teisberg (1981, "A
dynamic programming model of the U.S. strategic petroleum reserve", Bell J.
Econ. 12(2)): each path is in a normal or a disrupted state, a two-state
Markov chain that enters a disruption with daily probability ``p_disrupt``
and leaves it with ``p_recover`` (mean length 1 / p_recover days; in the long
run a share p_disrupt / (p_disrupt + p_recover) of days is disrupted). While
disrupted, the path's price is raised by what losing ``lost_mbd`` of supply
does in the scenario's static linear market: by a share
lost_mbd / (Q0 (eps_s - eps_d)) of the day's price (:class:`Disruptions`).

The history is ``models/brent-daily.csv`` (EIA, "Europe Brent Spot Price
FOB", public domain). Its moves are trading days, about 253 a year, while
the paths run on calendar days, as the model does: each drawn move is
rescaled so that a calendar year of a path has the history's yearly drift
and volatility. With a trading days per calendar day (a = 253/365 or so),
a move r of the history becomes a*m + sqrt(a)*(r - m), m the history's mean
move (:func:`calendar_moves`); the mean-reverting model's rate and
volatility are rescaled the same way (kappa*a, sigma*sqrt(a)).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .errors import InputError

METHODS = ("bootstrap", "mean-reverting")
HISTORY_FILE = "brent-daily.csv"
#: Most path-days one run may draw: 10,000 paths of 10 years daily, some
#: 290 MB of float64.
PATH_DAYS_MAX = 10_000 * 3_650


def history() -> tuple[np.ndarray, np.ndarray]:
    """The shipped Brent history: dates (numpy datetime64[D]) and prices [USD/bbl]."""
    text = resources.files("reserve.models").joinpath(HISTORY_FILE).read_text(encoding="utf-8")
    data = np.genfromtxt(io.StringIO(text), delimiter=",", skip_header=1,
                         dtype=[("date", "datetime64[D]"), ("price", float)])
    keep = np.isfinite(data["price"]) & (data["price"] > 0)
    return data["date"][keep], data["price"][keep]


@dataclass(frozen=True)
class OrnsteinUhlenbeck:
    """d ln P = kappa (mu - ln P) dt + sigma dW, with dt in days."""

    kappa_per_day: float
    mu_log_usd: float
    sigma_per_sqrt_day: float

    @property
    def half_life_days(self) -> float:
        return math.log(2) / self.kappa_per_day

    @property
    def long_run_price_usd_per_bbl(self) -> float:
        return math.exp(self.mu_log_usd)


def fit_mean_reversion(prices: np.ndarray) -> OrnsteinUhlenbeck:
    """Least-squares fit of the OU process to daily prices (module docstring)."""
    x = np.log(np.asarray(prices, float))
    if x.size < 30:
        raise InputError("history", f"{x.size} prices", "at least 30 daily prices to fit")
    b, a = np.polyfit(x[:-1], x[1:], 1)
    if not 0 < b < 1:
        raise InputError("history", f"AR(1) coefficient {b:.6f}",
                         "a mean-reverting history (0 < b < 1)")
    residual = x[1:] - (a + b * x[:-1])
    kappa = -math.log(b)
    sigma = float(np.std(residual, ddof=2)) * math.sqrt(2 * kappa / (1 - b * b))
    return OrnsteinUhlenbeck(kappa, a / (1 - b), sigma)


def simulate_mean_reversion(model: OrnsteinUhlenbeck, start_usd_per_bbl: float, days: int,
                            n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """Paths [n_paths, days + 1] from the exact discretization, day 0 = the start."""
    b = math.exp(-model.kappa_per_day)
    sd = model.sigma_per_sqrt_day * math.sqrt((1 - b * b) / (2 * model.kappa_per_day))
    x = np.empty((n_paths, days + 1))
    x[:, 0] = math.log(start_usd_per_bbl)
    shocks = rng.standard_normal((n_paths, days))
    shocks *= sd              # in place, as is the exp: two [paths, days] arrays, not four
    for t in range(days):   # a recursion in time, vectorized over paths
        x[:, t + 1] = model.mu_log_usd + b * (x[:, t] - model.mu_log_usd) + shocks[:, t]
    del shocks
    return np.exp(x, out=x)


def trading_days_per_day(dates: np.ndarray) -> float:
    """Trading days of the history per calendar day (about 253/365)."""
    span = int((dates[-1] - dates[0]).astype(int))
    return (dates.size - 1) / span if span > 0 else 1.0


def calendar_moves(log_returns: np.ndarray, per_day: float) -> np.ndarray:
    """Trading-day log moves rescaled to calendar days (module docstring):
    ``per_day`` of them a calendar day, so a calendar year keeps the
    history's yearly drift and variance."""
    mean = float(log_returns.mean())
    return per_day * mean + math.sqrt(per_day) * (log_returns - mean)


def block_bootstrap(log_returns: np.ndarray, start_usd_per_bbl: float, days: int,
                    n_paths: int, block_days: float, rng: np.random.Generator) -> np.ndarray:
    """Stationary block bootstrap paths [n_paths, days + 1] (module docstring).

    Each day either continues the current block (probability 1 - 1/block_days)
    or starts a new one at a uniformly drawn day of the history; the history
    wraps around, as Politis & Romano's does.
    """
    n = log_returns.size
    start_new = rng.random((n_paths, days)) < 1.0 / block_days
    start_new[:, 0] = True
    fresh = rng.integers(0, n, (n_paths, days))
    # the rest a few paths at a time: the same paths, without a dozen
    # [paths, days] arrays alive at once (10,000 paths of a year peaked
    # at 246 MB for 29 MB of prices)
    out = np.empty((n_paths, days + 1))
    out[:, 0] = start_usd_per_bbl
    offset = np.arange(days)
    chunk = max(1, BOOTSTRAP_CHUNK // days)
    for first in range(0, n_paths, chunk):
        rows = slice(first, first + chunk)
        # index of each day's return: a fresh start, or the day after the last one
        last_start = np.maximum.accumulate(np.where(start_new[rows], offset, 0), axis=1)
        origin = np.take_along_axis(fresh[rows], last_start, axis=1)
        steps = log_returns[(origin + (offset - last_start)) % n]
        out[rows, 1:] = start_usd_per_bbl * np.exp(np.cumsum(steps, axis=1))
    return out


#: Path-days the bootstrap works on at once (block_bootstrap)
BOOTSTRAP_CHUNK = 1_000_000


def generate(method: str, start_usd_per_bbl: float, days: int, n_paths: int,
             seed: int | None = None, block_days: float = 20.0,
             since_year: int | None = None) -> np.ndarray:
    """``n_paths`` daily price paths of ``days`` days after day 0 [USD/bbl].

    Errors name the Python API's arguments (reserve.api.draw_paths); the
    command line says them as its flags.
    """
    if method not in METHODS:
        raise InputError("method", method, "one of: " + ", ".join(METHODS))
    if n_paths < 1 or days < 1:
        raise InputError("n_paths" if n_paths < 1 else "days", min(n_paths, days),
                         "a whole number >= 1")
    if n_paths * days > PATH_DAYS_MAX:
        raise InputError("n_paths", n_paths, f"paths x days <= {PATH_DAYS_MAX:,} "
                         f"(10,000 paths of 10 years): at most {PATH_DAYS_MAX // days:,} paths "
                         f"of {days:,} days")
    if not block_days >= 1 or not math.isfinite(block_days):
        raise InputError("block_days", block_days, "a mean block length >= 1 day")
    if seed is not None and not 0 <= seed < 2**63:
        raise InputError("seed", seed, "a whole number >= 0 and < 2**63")
    dates, prices = history()
    if since_year is not None:
        keep = dates >= np.datetime64(f"{since_year}-01-01")
        if keep.sum() < 30:
            raise InputError("since", since_year, f"a year with 30 or more prices after it "
                             f"(the history runs {dates[0]} to {dates[-1]})")
        dates, prices = dates[keep], prices[keep]
    rng = np.random.default_rng(seed)
    per_day = trading_days_per_day(dates)
    if method == "bootstrap":
        moves = calendar_moves(np.diff(np.log(prices)), per_day)
        return block_bootstrap(moves, start_usd_per_bbl, days, n_paths, block_days, rng)
    return simulate_mean_reversion(on_calendar_days(fit_mean_reversion(prices), per_day),
                                   start_usd_per_bbl, days, n_paths, rng)


def on_calendar_days(model: "OrnsteinUhlenbeck", per_day: float) -> "OrnsteinUhlenbeck":
    """A model fitted on trading days, per calendar day (module docstring)."""
    return OrnsteinUhlenbeck(model.kappa_per_day * per_day, model.mu_log_usd,
                             model.sigma_per_sqrt_day * math.sqrt(per_day))


@dataclass(frozen=True)
class Disruptions:
    """Teisberg-style disruption regimes (module docstring).

    Parameters
    ----------
    lost_mbd : supply lost while disrupted [mb/d], >= 0.
    p_disrupt : daily probability that a normal day is followed by a disrupted one.
    p_recover : daily probability that a disrupted day is followed by a normal one.
    """

    lost_mbd: float = 0.0
    p_disrupt: float = 1 / 3650
    p_recover: float = 1 / 180

    def check(self, names=("disruption_mbd", "p_disrupt", "p_recover")) -> None:
        """Refuse what is not a supply loss or a probability, naming ``names``."""
        if not (math.isfinite(self.lost_mbd) and self.lost_mbd >= 0):
            raise InputError(names[0], self.lost_mbd, "a number of mb/d >= 0")
        for option, value in ((names[1], self.p_disrupt), (names[2], self.p_recover)):
            if not 0 <= value <= 1:
                raise InputError(option, value, "a daily probability between 0 and 1")

    def price_share(self, demand_mbd: float, supply_elasticity: float,
                    demand_elasticity: float) -> float:
        """The disrupted price's rise as a share of the day's price: D / (Q0 (eps_s - eps_d))."""
        return self.lost_mbd / (demand_mbd * (supply_elasticity - demand_elasticity))

    def regimes(self, n_paths: int, days: int, rng: np.random.Generator) -> np.ndarray:
        """Disrupted days [paths, days + 1] (bool); every path starts normal on day 0."""
        disrupted = np.zeros((n_paths, days + 1), bool)
        draws = rng.random((n_paths, days))
        for t in range(1, days + 1):
            was = disrupted[:, t - 1]
            disrupted[:, t] = np.where(was, draws[:, t - 1] >= self.p_recover,
                                       draws[:, t - 1] < self.p_disrupt)
        return disrupted

    def apply(self, paths: np.ndarray, scenario, seed: int | None) -> np.ndarray:
        """``paths`` with each path's disrupted days raised (a stream of draws of
        its own: the same seed gives the same paths beneath)."""
        if self.lost_mbd == 0:
            return paths
        if self.lost_mbd > scenario.demand_mbd:
            raise InputError("disruption_mbd", self.lost_mbd, "a loss of at most the "
                             f"world's demand, demand_mbd = {scenario.demand_mbd:g} mb/d")
        rng = np.random.default_rng(None if seed is None else [seed, 1])
        share = self.price_share(scenario.demand_mbd, scenario.supply_elasticity,
                                 scenario.demand_elasticity)
        return paths * (1.0 + share * self.regimes(paths.shape[0], paths.shape[1] - 1, rng))


def paths_rows(paths: np.ndarray) -> tuple[list[dict], list[str]]:
    """A wide table: ``day``, then ``path_1`` ... ``path_N`` [USD/bbl]."""
    columns = ["day"] + [f"path_{i + 1}" for i in range(paths.shape[0])]
    rows = [{"day": t, **{f"path_{i + 1}": float(paths[i, t]) for i in range(paths.shape[0])}}
            for t in range(paths.shape[1])]
    return rows, columns


def fan_figure(paths: np.ndarray, start_usd_per_bbl: float, method: str,
               disruptions: Disruptions | None = None):
    """A fan chart, in two panels on one price scale: left, for scale, Brent's
    last stretch of as many calendar days, by date (it is not the paths' past,
    which start at the scenario's price, so it is not joined to them; the
    paths draw their moves from the whole history);
    right, the paths from the scenario's start price by calendar day, their
    5-95 % and 25-75 % bands, median and three of them. The legend sits below
    the panels, where it hides no price."""
    from .plot import pyplot
    plt = pyplot()
    days = paths.shape[1] - 1
    dates, prices = history()
    recent = dates >= dates[-1] - np.timedelta64(max(days, 30), "D")
    fig, (past, ahead) = plt.subplots(1, 2, figsize=(12, 5.8), sharey=True,
                                      gridspec_kw={"width_ratios": [1, 1.6], "wspace": 0.08})
    past.plot(dates[recent].astype("datetime64[D]").astype(object), prices[recent],
              color="#555555", linewidth=1, label="Brent history (EIA), by date")
    past.set_title(f"For scale: Brent over the {max(days, 30):,} days to {dates[-1]}\n(not "
                   f"the paths' past; they draw moves from all of {str(dates[0])[:4]}-"
                   f"{str(dates[-1])[:4]})", fontsize=9)
    past.tick_params(axis="x", labelrotation=30, labelsize=8)
    past.set_ylabel("crude price [USD/bbl]")
    day = np.arange(days + 1)
    p5, p25, p50, p75, p95 = np.percentile(paths, [5, 25, 50, 75, 95], axis=0)
    ahead.fill_between(day, p5, p95, color="#9ec5ea", label="5-95 % of paths")
    ahead.fill_between(day, p25, p75, color="#4a90d9", label="25-75 % of paths")
    ahead.plot(day, p50, color="#1f3f73", linewidth=2, label="median path")
    for i in range(min(3, paths.shape[0])):
        ahead.plot(day, paths[i], color="#c0392b", linewidth=0.7, alpha=0.8,
                   label="three of the paths" if i == 0 else None)
    ahead.set_xlabel("calendar days from the start")
    title = (f"{paths.shape[0]:,} price paths by {method}, from the scenario's "
             f"${start_usd_per_bbl:.2f}/bbl")
    if disruptions is not None and disruptions.lost_mbd > 0:
        begins = (f"one begins about every {1 / disruptions.p_disrupt:,.0f} normal days"
                  if disruptions.p_disrupt > 0 else "none begins")
        lasts = (f"lasts {1 / disruptions.p_recover:,.0f} days on average"
                 if disruptions.p_recover > 0 else "never ends")
        title += f"\nwith disruptions of {disruptions.lost_mbd:g} mb/d: {begins} and {lasts}"
    ahead.set_title(title, fontsize=9)
    for ax in (past, ahead):
        ax.grid(True, color="#dddddd", linewidth=0.6)
    handles = [h for ax in (past, ahead) for h in ax.get_legend_handles_labels()[0]]
    labels = [lab for ax in (past, ahead) for lab in ax.get_legend_handles_labels()[1]]
    fig.legend(handles, labels, loc="lower center", ncol=5, fontsize=8, frameon=False)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.86, bottom=0.2)
    return fig

"""`reserve size --reliability R --paths FILE`: one design for many price paths,
checked against answers found another way: `reserve size` on one path, a
hand-made pair of paths, and the quantile heuristic of `--confidence`."""

import json

import numpy as np
import pytest

import reserve
from reserve.errors import TargetUnreachable
from reserve.pathfile import read_paths
from reserve.paths import generate
from reserve.pricepath import baseline_of
from reserve.reliability import DESIGN_GROUPS, size_reliable
from reserve.solve import size

#: Rented storage usable at once and no cap on rates or floating storage: the
#: floor is then reachable on most bootstrapped paths, and what sizes the
#: design is the paths, not the scenario's caps.
OPEN = {"fill_rate_max_mbd": np.inf, "storage.floating_storage.capacity_max_mb": np.inf,
        "storage.leased_tanks.build_days": 0, "storage.floating_storage.build_days": 0}
#: what a design for many paths leaves out (it says so): the premium of the
#: reserve's own trades in the horizon, so that reserve size compares
NO_PREMIUM = {"own_price_effect": False}


def _scenario(**overrides):
    return reserve.load_scenario(None, **{**OPEN, **overrides})


def _write_paths(path, prices):
    days = np.arange(prices.shape[1])
    header = "day," + ",".join(f"path_{i + 1}" for i in range(prices.shape[0]))
    lines = [header] + [",".join([str(d), *(f"{p:.6f}" for p in prices[:, d])]) for d in days]
    path.write_text("\n".join(lines) + "\n")
    return path


def _falling(s, low: float) -> np.ndarray:
    """A path from the scenario's price down to ``low`` and back, a V over the horizon."""
    days = s.horizon_days + 1
    half = days // 2
    down = np.linspace(s.price_usd_per_bbl, low, half)
    return np.concatenate([down, np.linspace(low, s.price_usd_per_bbl, days - half)])


def _design(answer_or_solution) -> np.ndarray:
    sol = answer_or_solution
    return np.array([*sol.capacity_mb, sol.fill_capacity_mbd, sol.release_capacity_mbd])


@pytest.mark.parametrize("question", [{"floor_usd_per_bbl": 60.0},
                                      {"target_impact_usd_per_bbl": 5.0}])
def test_reliability_one_on_one_path_is_reserve_size_on_that_path(question):
    s = _scenario(**question, **NO_PREMIUM)
    path = _falling(s, 50.0)
    answer = size_reliable(s, path[None, :], 1.0)
    alone = size(s, baseline_of(path[:s.horizon_days], s))
    assert answer.binaries == 0 and answer.status == "optimal"
    np.testing.assert_allclose(_design(answer.design), _design(alone.solution),
                               rtol=1e-6, atol=1e-6)
    assert answer.outputs()["expected_total_cost_musd"] == pytest.approx(
        alone.solution.total_cost_musd, rel=1e-6)
    assert answer.outputs()["storage_capacity_mb"] == pytest.approx(
        alone.outputs["storage_capacity_mb"], rel=1e-6)
    assert answer.outputs()["reliability_achieved"] == 1.0


def test_at_one_half_an_easy_and_an_unreachable_path_give_the_easy_paths_design():
    # rate capacity free: otherwise the release capacity, bought to resell the
    # stock as the price recovers, is rightly smaller here, where the expected
    # cost counts the easy path's resale at one half
    s = _scenario(floor_usd_per_bbl=60.0, fill_rate_max_mbd=2.0,
                  rate_capex_usd_per_bbl_per_day=0.0, **NO_PREMIUM)
    easy = _falling(s, 57.0)
    # from $66.75 to $20 in a day: no 2 mb/d of buying lifts that to $60
    crash = np.full(s.horizon_days + 1, 20.0)
    crash[0] = s.price_usd_per_bbl
    with pytest.raises(TargetUnreachable, match="1 of them"):
        size_reliable(s, np.vstack([easy, crash]), 1.0)
    answer = size_reliable(s, np.vstack([easy, crash]), 0.5)
    alone = size(s, baseline_of(easy[:s.horizon_days], s))
    np.testing.assert_allclose(_design(answer.design), _design(alone.solution),
                               rtol=1e-6, atol=1e-6)
    assert list(answer.held) == [True, False] and list(answer.let_go) == [False, True]
    assert answer.outputs()["reliability_achieved"] == 0.5


def test_no_dearer_than_the_quantile_heuristic_on_the_same_paths():
    """--confidence's heuristic on paths: size each path alone, take each design
    quantity at the R quantile over the paths, and run that design on every
    path. The reliability MILP optimizes the same choice, so it can only be
    cheaper (or equal), and it must hold as often."""
    s = _scenario(floor_usd_per_bbl=55.0)
    prices = generate("bootstrap", s.price_usd_per_bbl, s.horizon_days, 12, seed=7)
    reliability = 0.75
    designs = []
    for path in prices:
        try:
            answer = size(s, baseline_of(path[:s.horizon_days], s), diagnose=False,
                          check_calibration=False)
        except TargetUnreachable:
            designs.append(None)
            continue
        designs.append(answer)
    values = {g: [] for g in DESIGN_GROUPS if g != "built"}   # no build-or-not options
    for answer in designs:
        sol = answer.solution if answer is not None else None
        values["new_capacity_mb"].append(
            sol.capacity_mb - [o.existing_mb for o in s.storage] if sol is not None
            else np.full(len(s.storage), np.inf))
        values["fill_capacity_mbd"].append([sol.fill_capacity_mbd if sol else np.inf])
        values["release_capacity_mbd"].append([sol.release_capacity_mbd if sol else np.inf])
    heuristic = {g: np.quantile(np.array(v, float), reliability, axis=0, method="higher")
                 for g, v in values.items()}
    for k, o in enumerate(s.storage):   # rented per path: not part of the design
        if o.leased:
            heuristic["new_capacity_mb"][k] = 0.0
    heuristic["built"] = np.array([])
    priced = size_reliable(s, prices, reliability, fixed_design=heuristic)
    best = size_reliable(s, prices, reliability)
    assert priced.outputs()["reliability_achieved"] >= reliability
    assert best.outputs()["reliability_achieved"] >= reliability
    assert best.outputs()["expected_total_cost_musd"] <= \
        priced.outputs()["expected_total_cost_musd"] * (1 + 1e-6)


def test_every_held_path_is_defended_and_every_let_go_path_is_out_of_reach():
    """Issue 18's case, on 12 paths: a path the MILP lets go that the design
    can still hold is defended, so each path counted as held holds the floor
    in its own schedule (checked with the linear response written out here),
    its cost is in the expected cost, and each path let go is one no schedule
    under the design holds."""
    s = _scenario(hold_days=150, floor_usd_per_bbl=58.0)
    prices = generate("bootstrap", s.price_usd_per_bbl, 180, 12, seed=7)
    answer = size_reliable(s, prices, 0.75)
    out = answer.outputs()
    assert out["reliability_achieved"] == answer.held.mean() >= 0.75
    assert np.array_equal(answer.held, ~answer.let_go)
    for p in np.flatnonzero(answer.held):
        sol, base = answer.solutions[p], answer.data[p].baseline_price_usd_per_bbl[:180]
        slope = base / (86.0 * (0.05 + 0.10))       # USD/bbl per mb/d
        price = base + slope * (sol.fill_mbd - sol.release_mbd)
        assert price.min() >= 58.0 - 1e-6, f"path {p + 1} is counted held but dips below"
    costs = [sol.total_cost_musd for sol in answer.solutions]
    assert out["expected_total_cost_musd"] == pytest.approx(np.mean(costs), rel=1e-12)
    d = answer.design
    limits = {"fill_rate_max_mbd": d.fill_capacity_mbd,
              "release_rate_max_mbd": d.release_capacity_mbd,
              **{f"storage.{o.name}.capacity_max_mb": d.capacity_mb[k]
                 for k, o in enumerate(s.storage) if not o.leased}}
    for p in np.flatnonzero(answer.let_go):
        with pytest.raises(TargetUnreachable):
            size(s.with_params(**limits), baseline_of(prices[p, :s.horizon_days], s),
                 diagnose=False, check_calibration=False)


def test_the_command_line_answers_and_writes_every_paths_schedule(cli, tmp_path):
    s = _scenario(floor_usd_per_bbl=60.0)
    prices = np.vstack([_falling(s, 57.0), _falling(s, 55.0), _falling(s, 58.0)])
    paths = _write_paths(tmp_path / "paths.csv", prices)
    sets = [a for k, v in OPEN.items() for a in ("--set", f"{k}={v}")]
    run = cli("size", "--floor", "60", "--reliability", "1", "--paths", paths, *sets,
              "-f", "json", "--schedule", tmp_path / "s.csv")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["paths"] == 3 and out["reliability_achieved"] == 1.0
    # the deepest dip sizes the design: as reserve size on that path alone
    alone = size(s, baseline_of(prices[1, :s.horizon_days], s))
    assert out["fill_capacity_mbd"] == pytest.approx(alone.solution.fill_capacity_mbd, rel=1e-6)
    lines = (tmp_path / "s.csv").read_text().splitlines()
    assert lines[0].startswith("path,held,day,fill_mbd")
    assert len(lines) == 1 + 3 * s.horizon_days


def test_a_paths_file_with_gaps_is_interpolated_day_by_day(tmp_path):
    (tmp_path / "p.csv").write_text("day,path_1,path_2\n0,60,70\n2,62,70\n5,59,64\n")
    np.testing.assert_allclose(read_paths(tmp_path / "p.csv"),
                               [[60, 61, 62, 61, 60, 59], [70, 70, 70, 68, 66, 64]])


def test_a_long_paths_file_gives_the_wide_files_design(cli, tmp_path):
    """The long layout (path, day, price_usd_per_bbl), rows in any order, as
    pandas' melt or R's pivot_longer hand it over, is the same paths."""
    s = _scenario(floor_usd_per_bbl=60.0)
    prices = np.vstack([_falling(s, 57.0), _falling(s, 55.0), _falling(s, 58.0)])
    wide = _write_paths(tmp_path / "wide.csv", prices)
    rows = [(p + 1, d, prices[p, d]) for p in range(3) for d in range(prices.shape[1])]
    order = np.random.default_rng(0).permutation(len(rows))
    (tmp_path / "long.csv").write_text("price_usd_per_bbl,path,day\n" + "".join(
        f"{rows[i][2]:.6f},{rows[i][0]},{rows[i][1]}\n" for i in order))
    np.testing.assert_array_equal(read_paths(tmp_path / "long.csv"), read_paths(wide))
    sets = [a for k, v in OPEN.items() for a in ("--set", f"{k}={v}")]
    answers = []
    for name in ("wide.csv", "long.csv"):
        run = cli("size", "--floor", "60", "--reliability", "1", "--paths",
                  tmp_path / name, *sets, "-f", "json")
        assert run.returncode == 0, run.stderr
        answers.append(json.loads(run.stdout))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("args, named", [
    (["--reliability", "0"], "--reliability"),
    (["--reliability", "1.5"], "--reliability"),
    (["--reliability", "nan"], "--reliability"),
    ([], "--paths"),
])
def test_bad_reliability_exits_2_naming_it(cli, tmp_path, args, named):
    paths = _write_paths(tmp_path / "p.csv", np.full((2, 300), 60.0))
    given = args + (["--paths", paths] if args else ["--reliability", "0.9"])
    run = cli("size", "--floor", "60", *given)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith(f"error: {named} = ")


@pytest.mark.parametrize("text, says", [
    ("day,path_1,path_2\n0,60,61\n1,60\n2,60,61\n", "row 3"),
    ("day,path_1\n0,60\n1,nan\n2,60\n", "row 3: a price in USD/bbl"),
    ("day,path_1\n0,60\n1,61\n2,62\n", "at least the scenario's horizon"),
])
def test_bad_paths_files_exit_2(cli, tmp_path, text, says):
    (tmp_path / "p.csv").write_text(text)
    run = cli("size", "--floor", "60", "--reliability", "0.9", "--paths", tmp_path / "p.csv")
    assert run.returncode == 2 and says in run.stderr, run.stderr


def test_one_path_and_a_reliability_below_one_warns_that_none_may_fail(tmp_path):
    s = _scenario(floor_usd_per_bbl=60.0)
    answer = size_reliable(s, _falling(s, 57.0)[None, :], 0.9)
    assert answer.binaries == 0
    assert any("lets no path go" in w for w in answer.warnings)
    assert any("premium" in w and "left out" in w for w in answer.warnings)


def test_a_time_limit_too_short_exits_4_and_says_so(cli, tmp_path):
    s = _scenario()
    prices = generate("bootstrap", s.price_usd_per_bbl, s.horizon_days, 60, seed=3)
    paths = _write_paths(tmp_path / "p.csv", prices)
    sets = [a for k, v in OPEN.items() for a in ("--set", f"{k}={v}")]
    run = cli("size", "--floor", "58", "--reliability", "0.9", "--paths", paths, *sets,
              "--time-limit", "0.05")
    assert run.returncode == 4, run.stderr
    assert "time limit" in run.stderr or "found no design" in run.stderr

"""Fill curves, greedy allocation and the real-plant benchmark's input checks."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stockwise.tools.replenish.allocation import allocate
from stockwise.tools.replenish.service_curve import record_ratios, service_curves
from stockwise.tools.replenish.simulate import simulate

ROOT = Path(__file__).resolve().parents[2]


def load_eval(module: str):  # type: ignore[no-untyped-def]
    """`evals.<module>` of this checkout (evals/ is not installed with the package)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module(f"evals.{module}")


def _intermittent(rng, rows, periods):
    return (rng.random((rows, periods)) < 0.3) * rng.geometric(0.3, (rows, periods))


@pytest.mark.parametrize("target", [0.90, 0.95, 0.99])
def test_expected_fill_is_what_a_replay_achieves(target):
    # Stationary intermittent demand, no record tail: the periodic-review expression must
    # predict the replayed fill (lost sales serve a little more than backorders).
    rng = np.random.default_rng(1)
    history, future = _intermittent(rng, 300, 400), _intermittent(rng, 300, 1500)
    lead, qty = np.full(300, 3.0), np.full(300, 4.0)
    curves = service_curves(history, lead, qty, ratios=np.array([]))
    index = curves.for_target(target)
    s = curves.pick(index)
    out = simulate(future, s, qty, lead, np.ones(300), s + qty)
    achieved = out.served.sum() / out.demand.sum()
    assert abs(achieved - target) <= 0.02
    predicted = curves.stock[np.arange(300), index].mean()
    assert abs(out.average_value.mean() / predicted - 1.0) < 0.1


def test_a_rare_items_curve_reaches_into_its_size_tail_and_keeps_its_mean():
    # 20 alike spares: a demand in 2% of 1,000 months, 19 of size 1 and one of 40.
    history = np.zeros((20, 1000))
    history[:, ::50] = 1.0
    history[:, 500] = 40.0
    curves = service_curves(history, np.full(20, 2.0), np.ones(20), tail=0.0, samples=400,
                            half_life=float("inf"))  # fmt: skip
    # Drawn given some demand over the cover, every sample explores the sizes: each row's
    # largest candidate covers the 40 (unconditional samples: ~24 of 400 have demand, and
    # a row misses the 40 with chance ~0.3).
    assert (curves.reorder_point[:, -1] >= 40).all()
    # Demand and stock are scaled back by the chance of some demand: the mean is the law's
    # (averaged over the rows, with more samples: one row's estimate carries the 40 or not).
    many = service_curves(history, np.full(20, 2.0), np.ones(20), tail=0.0, samples=4000,
                          half_life=float("inf"))  # fmt: skip
    assert many.mean_demand.mean() == pytest.approx(0.02 * 59 / 20, rel=0.05)
    assert many.lead_demand.mean() == pytest.approx(3 * 0.02 * 59 / 20, rel=0.05)
    assert curves.fill[:, -1] == pytest.approx(1.0)


def test_record_ratios_are_new_over_previous_largest():
    history = np.array([[0, 2, 1, 6, 0, 3, 12], [5, 0, 0, 0, 0, 0, 0]], float)
    assert sorted(record_ratios(history)) == [2.0, 3.0]


def test_greedy_buys_fill_where_it_is_cheap():
    # Two identical demand streams, one item 100x dearer: for the same store fill the greedy
    # holds less value than giving both the same target.
    rng = np.random.default_rng(2)
    history = np.repeat(_intermittent(rng, 1, 200), 2, axis=0)
    lead, qty, price = np.full(2, 2.0), np.full(2, 3.0), np.array([1.0, 100.0])
    curves = service_curves(history, lead, qty, ratios=np.array([]))
    plan = allocate(curves, price, fill=0.9)
    assert plan.expected_fill >= 0.9 - 1e-9
    same = curves.for_target(0.9)
    uniform = curves.value(price)[np.arange(2), same].sum()
    assert plan.expected_value < uniform
    assert plan.reorder_point[0] >= plan.reorder_point[1]


def test_budget_is_never_exceeded_and_more_budget_buys_more_fill():
    rng = np.random.default_rng(3)
    history = _intermittent(rng, 40, 60)
    lead, qty, price = np.full(40, 2.0), np.full(40, 2.0), rng.uniform(1, 50, 40)
    curves = service_curves(history, lead, qty)
    # Half an order is held whatever the reorder point: the least a budget can buy.
    least = curves.value(price)[:, 0].sum()
    small, large = (allocate(curves, price, budget=least + b) for b in (200.0, 2000.0))
    assert small.expected_value <= least + 200.0 + 1e-6
    assert large.expected_value <= least + 2000.0 + 1e-6
    assert large.expected_fill > small.expected_fill


def test_a_floor_holds_even_when_the_target_is_low():
    rng = np.random.default_rng(4)
    history = _intermittent(rng, 10, 60)
    curves = service_curves(history, np.full(10, 2.0), np.full(10, 2.0))
    plan = allocate(curves, np.ones(10), fill=0.1, floor=np.r_[np.full(5, 0.95), np.zeros(5)])
    assert (curves.fill[np.arange(5), plan.index[:5]] >= 0.95).all()


def test_allocation_needs_one_goal():
    curves = service_curves(np.ones((1, 12)), np.ones(1), np.ones(1))
    with pytest.raises(ValueError, match="not both"):
        allocate(curves, np.ones(1), fill=0.9, budget=10.0)


def test_bad_plant_input_is_counted_and_named(tmp_path):
    files = load_eval("replenishment.plant_files")
    months = ["2000-01-01", "2000-02-01", "2000-03-01"]
    rows = [("a", m, y) for m, y in zip(months, [1, -2, 3], strict=True)]
    rows += [("b", m, 0) for m in months] + [("c", m, 1) for m in months]
    rows += [("z", m, 1) for m in months]
    demand = tmp_path / "d.csv"
    demand.write_text("unique_id,ds,y\n" + "".join(f"{i},{m},{y}\n" for i, m, y in rows))
    items = tmp_path / "i.csv"
    items.write_text(
        "unique_id,lead_time_days,min_reorder_point,max_stock,price\n"
        "a,0,2,1,5\nb,30,1,2,\nc,,1,1,0\nq,10,1,1,1\n"
    )
    data = files.read_plant(demand, items)
    kinds = {k.split(" (")[0]: v for k, v in data.problems.items()}
    assert kinds["lead time 0 or missing"] == ["a", "c"]
    assert kinds["price 0 or missing"] == ["b", "c"]
    assert kinds["Min above Max"] == ["a"]
    assert kinds["no demand in any month"] == ["b"]
    assert kinds["ids in the demand file but not the items file"] == ["z"]
    assert kinds["ids in the items file but not the demand file"] == ["q"]
    assert data.problems["negative months (returns)"] == ["1 months", "a"]
    assert (data.demand >= 0).all() and list(data.lead_months) == [1, 1, 1]
    assert data.plant_max[0] == 2


def test_a_folder_without_plant_files_is_one_clear_error(tmp_path):
    real = load_eval("replenishment.real_plant")
    with pytest.raises(real.PlantFileError, match="expected one"):
        real.find_files(tmp_path)


def _calibration(fills, values):  # type: ignore[no-untyped-def]
    from stockwise.tools.replenish.cost_aware import Calibration, GroupCalibration

    targets = (0.0, 0.5, 0.9, 0.99)
    group = GroupCalibration(np.array(fills, float), np.array(values, float))
    return Calibration(((0.0, None), (0.5, None)), targets, {"all": group})


def test_a_target_gets_the_setting_that_reached_it_for_least_value():
    # Setting 0 reaches 90% only at model target 0.99 (value 90); setting 1 at 0.9 (value 50).
    cal = _calibration([[0.5, 0.7, 0.85, 0.9], [0.5, 0.75, 0.9, 0.95]],
                       [[10, 30, 60, 90], [10, 30, 50, 80]])  # fmt: skip
    choice = cal.choose(0.9)
    assert choice.reachable and choice.setting == (0.5, None)
    assert choice.model_target == pytest.approx(0.9)
    # Halfway between two grid points in fill is halfway in model target.
    assert cal.choose(0.825).model_target == pytest.approx(0.7)


def test_an_unreachable_target_stops_half_a_point_below_the_best():
    cal = _calibration([[0.5, 0.7, 0.85, 0.9], [0.5, 0.75, 0.9, 0.95]],
                       [[10, 30, 60, 90], [10, 30, 50, 80]])  # fmt: skip
    choice = cal.choose(0.99)
    assert not choice.reachable and choice.predicted_fill == pytest.approx(0.945)


def test_each_calibration_year_is_read_at_the_chosen_plan():
    from stockwise.tools.replenish.cost_aware import Calibration, GroupCalibration

    targets = (0.0, 0.5, 0.9, 0.99)
    newest = np.array([[0.4, 0.6, 0.8, 0.9]])
    oldest = np.array([[0.6, 0.8, 1.0, 1.0]])
    group = GroupCalibration((newest + oldest) / 2, np.zeros((1, 4)), by_replay=(newest, oldest))
    cal = Calibration(((0.0, None),), targets, {"all": group})
    choice = cal.choose(0.8)  # the mean of the two years reaches 80% at model target 0.7
    assert choice.model_target == pytest.approx(0.7)
    assert cal.replayed(choice) == pytest.approx((0.7, 0.9))


def test_a_class_replay_names_its_noise_and_its_largest_item():
    replay_mod = load_eval("replenishment.replay")
    files = load_eval("replenishment.plant_files")
    # Class A: item 0 asks 100 units in month 1 of the replay and is out of stock; items
    # 1-3 ask 1 unit a month and always have it. Class B: item 4, served in full.
    test = np.zeros((5, 12))
    test[0, 0] = 100.0
    test[1:, :] = 1.0
    data = files.PlantData(
        np.array(list("vwxyz")), pd.date_range("2000-01-01", periods=12, freq="MS"), test,
        np.ones(5), np.ones(5), np.array(list("AAAAB"), dtype=object), np.zeros(5),
        np.ones(5),
    )  # fmt: skip
    cut = replay_mod.Split(np.zeros((5, 0)), test, np.array([1.0, 12, 12, 12, 12]), np.full(5, 2))
    got = replay_mod.replay(data, cut, np.array([0.0, 12, 12, 12, 12]), noise=True)
    assert got["fill_A"] == pytest.approx(37 / 136)
    assert got["top_A"] == 0 and got["top_share_A"] == pytest.approx(100 / 136)
    assert got["top_fill_A"] == pytest.approx(1 / 100)
    assert got["without_top_A"] == pytest.approx(1.0)
    assert got["worst_A"] == 0 and got["worst_lost_A"] == pytest.approx(99 / 136)
    # Item 0's month of 100 is larger than its reorder point + order quantity (0 + 1).
    assert got["lump_lost_A"] == pytest.approx(99 / 136) and got["lump_lost_B"] == 0.0
    # Delta method: sqrt(sum (served - fill x demand)^2) / total demand.
    residual = np.array([1 - 100 * 37 / 136] + [12 - 12 * 37 / 136] * 3)
    assert got["se_A"] == pytest.approx(np.sqrt((residual**2).sum()) / 136)
    assert got["fill_B"] == pytest.approx(1.0) and got["se_B"] == pytest.approx(0.0)


def test_a_fill_above_the_band_is_a_miss_unless_the_floors_alone_exceed_it():
    verdict = load_eval("replenishment.real_plant").verdict
    assert verdict(0.91, 0.90, 0.95) == "ok"
    # The floors alone serve 95% in this replay: no plan that keeps them gets 90%.
    assert verdict(0.96, 0.90, 0.95).startswith("over the band at the floors alone (95.0%")
    # Floors below the band, or a fill under the target: a miss of the calibration.
    assert verdict(0.96, 0.90, 0.91) == "MISSED"
    assert verdict(0.85, 0.90, 0.95) == "MISSED"


def test_the_new_item_prior_is_pooled_from_silent_items_that_started():
    from stockwise.tools.replenish.new_items import new_item_prior

    # 24 periods, cut at 12: rows 0-1 silent before it, row 0 then used in 3 of 12 periods
    # with sizes 4 (scale 2 -> ratio 2); row 1 never. Class B has no silent row: the store.
    history = np.zeros((4, 24))
    history[0, [13, 15, 20]] = 4.0
    history[2:, :] = 1.0
    klass = np.array(["A", "A", "B", "B"])
    prior = new_item_prior(history, np.full(4, 2.0), klass)
    store = 3 / 24
    assert prior.rate[0] == pytest.approx((3 + 100 * store) / (24 + 100))
    assert prior.rate[2] == pytest.approx(store)
    assert sorted(prior.ratios) == [2.0, 2.0, 2.0]


def test_rows_without_history_are_modelled_from_the_prior_above_their_current_point():
    from stockwise.tools.replenish.cost_aware import StorePlanner

    # Half the rows start being used halfway through: a silent row is expected to be used.
    rng = np.random.default_rng(6)
    history = _intermittent(rng, 40, 36)
    history[20:, :18] = 0.0
    history[0] = 0.0
    current = np.full(40, 1.0)
    planner = StorePlanner(history, np.full(40, 2.0), np.full(40, 2.0), np.ones(40),
                           current=current, calibrate=False)  # fmt: skip
    assert planner.modelled[0] and not planner.seen[0]
    low, _ = planner.for_fill(0.5)
    high, _ = planner.for_fill(0.99)
    assert low[0] >= 1.0 and high[0] > low[0]


def test_rows_without_demand_keep_their_current_reorder_point():
    from stockwise.tools.replenish.cost_aware import StorePlanner

    rng = np.random.default_rng(5)
    history = _intermittent(rng, 6, 40)
    history[0] = 0.0
    planner = StorePlanner(history, np.full(6, 1.0), np.full(6, 2.0), np.ones(6),
                           current=np.full(6, 7.0), calibrate=False)  # fmt: skip
    rop, choice = planner.for_fill(0.9)
    assert rop[0] == 7.0 and choice.reachable
    assert planner.kept_value() == pytest.approx(9.0)


def test_eoq_where_the_items_file_has_order_costs_with_moq_and_multiple(tmp_path):
    files = load_eval("replenishment.plant_files")
    replay_mod = load_eval("replenishment.replay")
    order_qty = load_eval("replenishment.order_qty")
    months = pd.date_range("2000-01-01", periods=30, freq="MS").strftime("%Y-%m-%d")
    demand = tmp_path / "d.csv"
    demand.write_text("unique_id,ds,y\n" + "".join(
        f"{i},{m},10\n" for i in ("a", "b", "c") for m in months))  # fmt: skip
    items = tmp_path / "i.csv"
    items.write_text(
        "unique_id,lead_time_days,min_reorder_point,max_stock,price,order_cost,moq,lot_size\n"
        "a,30,5,10,200,50,,\nb,30,5,10,200,50,700,\nc,30,5,10,200,,,\n"
    )
    data = files.read_plant(demand, items)
    cut = replay_mod.split(data)
    qty, changed = order_qty.eoq_quantities(data, cut)
    # a: sqrt(2 x 120 x 50 / (0.25 x 200)) = 15.5 -> 16 (within 7-180 days of demand);
    # b: raised to its MOQ; c: no order cost, so the plant's Max - Min stays.
    assert list(qty) == [16.0, 700.0, 5.0] and changed == 2


def test_greedies_sharing_one_hull_pass_equal_their_own():
    # The calibration builds the greedy of every class from one pass over all rows' hulls:
    # each must be the greedy computed on its rows alone.
    from stockwise.tools.replenish.allocation import Greedy, hulls

    rng = np.random.default_rng(5)
    history = _intermittent(rng, 60, 36)
    lead, qty = rng.integers(1, 4, 60).astype(float), np.full(60, 3.0)
    price = rng.random(60) * 50
    curves = service_curves(history, lead, qty, samples=300)
    floor = np.where(np.arange(60) % 3 == 0, 0.5, 0.0)
    shared = hulls(curves, price, floor=floor)
    for rows in (np.arange(60), np.arange(0, 60, 2), np.arange(10, 25)):
        alone = Greedy(curves, price, floor=floor, rows=rows)
        joint = Greedy(curves, price, rows=rows, shared=shared)
        for fill in (0.6, 0.9, 0.97):
            assert np.array_equal(alone.at_fill(fill).index[rows], joint.at_fill(fill).index[rows])
        assert np.array_equal(alone.at_budget(500.0).index, joint.at_budget(500.0).index)


def test_curves_at_any_point_interpolate_between_candidates():
    rng = np.random.default_rng(6)
    curves = service_curves(_intermittent(rng, 40, 30), np.full(40, 2.0), np.full(40, 2.0))
    points = rng.random(40) * curves.reorder_point[:, -1] * 1.3
    fill, stock = curves.at(points)
    for i, s in enumerate(points):
        assert fill[i] == pytest.approx(np.interp(s, curves.reorder_point[i], curves.fill[i]))
        top = curves.reorder_point[i, -1]
        want = np.interp(s, curves.reorder_point[i], curves.stock[i]) + max(s - top, 0.0)
        assert stock[i] == pytest.approx(want)


def test_rows_with_nothing_to_sample_hold_half_an_order():
    history = np.array([[0, 0, 0, 0], [0, 2, 0, 1]], float)
    curves = service_curves(history, np.array([2.0, 2.0]), np.array([5.0, 5.0]))
    assert np.all(curves.reorder_point[0] == 0) and np.all(curves.fill[0] == 1.0)
    assert np.all(curves.stock[0] == 3.0) and curves.mean_demand[0] == 0.0
    assert curves.mean_demand[1] > 0


def test_the_expected_share_of_rows_without_history_follows_their_prior():
    from stockwise.tools.replenish.cost_aware import new_share
    from stockwise.tools.replenish.new_items import NewItemPrior

    history = np.array([[2, 2, 2, 2], [0, 0, 0, 0], [0, 0, 0, 0]], float)
    prior = NewItemPrior(np.array([0.5, 0.5, 0.5]), np.array([4.0, 4.0, 4.0]), np.array([0.5]))
    klass = np.array(["A", "A", "C"], dtype=object)
    share = new_share(history, prior, klass, 4)
    # Row 0 expects 2 a period; each silent row 0.5 x 0.5 x 4 = 1.
    assert share["all"] == pytest.approx(0.5)
    assert share["A"] == pytest.approx(1 / 3) and share["C"] == pytest.approx(1.0)
    assert new_share(history, None, klass, 4)["all"] == 0.0


def test_a_class_fill_variance_is_the_delta_method_over_its_items():
    from stockwise.tools.replenish.class_shrinkage import FillSums

    served = np.array([[1.0, 2.0, 6.0]])  # one calibration cell, three items
    demand = np.array([2.0, 2.0, 8.0])
    sums = FillSums.zeros((1,))
    sums.add(served, demand)
    fill = 9.0 / 12.0
    assert sums.fill()[0] == pytest.approx(fill)
    want = ((served[0] - fill * demand) ** 2).sum() / 12.0**2
    assert sums.variance()[0] == pytest.approx(want)


def test_a_class_leans_on_the_pool_as_far_as_its_own_fill_is_noise():
    from stockwise.tools.replenish.class_shrinkage import shrink, shrinkage_weights

    pooled = np.linspace(0.5, 0.95, 13)[None, :]
    # Classes 0.1 apart from the pool; A's own fill is four times as noisy as B's and C's.
    own = {"A": pooled + 0.1, "B": pooled - 0.1, "C": pooled + 0.1}
    noise = {"A": np.full_like(pooled, 0.02), "B": np.full_like(pooled, 0.005)}
    noise["C"] = noise["B"]
    weights = shrinkage_weights(own, noise, pooled)
    # Between-class variance 0.01 - mean noise 0.01 = 0: all noise, all classes pooled.
    assert weights == pytest.approx({"A": 0.0, "B": 0.0, "C": 0.0})
    noise = {k: v / 10 for k, v in noise.items()}
    weights = shrinkage_weights(own, noise, pooled)
    tau2 = 0.01 - 0.001
    assert weights["A"] == pytest.approx(tau2 / (tau2 + 0.002))
    assert weights["B"] == pytest.approx(tau2 / (tau2 + 0.0005)) and weights["B"] > weights["A"]
    shrunk, _ = shrink(own, noise, pooled)
    assert np.allclose(shrunk["A"], pooled + 0.1 * weights["A"])
    # A class alone has nothing to be pooled with.
    assert shrinkage_weights({"A": own["A"]}, {"A": noise["A"]}, pooled) == {"A": 1.0}


def test_replays_that_disagree_about_a_class_count_as_noise():
    from stockwise.tools.replenish.class_shrinkage import between_replays

    # Deviations of +0.1 and -0.1 from the pool in two replays: variance 0.02 per replay,
    # 0.01 for their mean; one replay shows no disagreement.
    got = between_replays([np.full((2, 3), 0.1), np.full((2, 3), -0.1)])
    assert np.allclose(got, 0.01)
    assert np.all(between_replays([np.full((2, 3), 0.1)]) == 0.0)


def test_the_synthetic_store_is_stationary_with_classes_at_random():
    store = load_eval("replenishment.synthetic").synthetic_store(seed=1, items=3000, months=24)
    assert store.demand.shape == (3000, 24) and (store.demand >= 0).all()
    # About 7% of months with demand (Beta(0.6, 8)), the same in both halves.
    first, second = (store.demand[:, :12] > 0).mean(), (store.demand[:, 12:] > 0).mean()
    assert first == pytest.approx(0.07, abs=0.01) and second == pytest.approx(first, abs=0.01)
    assert {k: round(float((store.klass == k).mean()), 1) for k in "ABC"} == {
        "A": 0.2, "B": 0.5, "C": 0.3,
    }  # fmt: skip
    assert (store.plant_max > store.plant_min).all() and (store.lead_months >= 1).all()


def test_the_benchmark_names_bad_input_and_prints_no_nan(tmp_path, capsys):
    real = load_eval("replenishment.real_plant")
    rng = np.random.default_rng(5)
    months = pd.date_range("2000-01-01", periods=26, freq="MS")
    ids = [f"p{i}" for i in range(60)]
    demand = (rng.random((60, 26)) < 0.3) * rng.geometric(0.3, (60, 26)).astype(float)
    demand[:5] = 0.0  # no demand at all
    demand[5, 3] = -2.0  # a return
    demand[50:, -12:] = 0.0  # class A (rows 50-59): no demand in the replay
    rows = [(i, m.date(), demand[r, c]) for r, i in enumerate(ids) for c, m in enumerate(months)]
    rows += [("only_demand", m.date(), 1.0) for m in months]
    pd.DataFrame(rows, columns=["unique_id", "ds", "y"]).to_csv(tmp_path / "d.csv", index=False)
    items = pd.DataFrame({
        "unique_id": [*ids, "only_items"], "lead_time_days": 40.0, "price": 10.0,
        "min_reorder_point": 1.0, "max_stock": 3.0,
        "criticality": ["C"] * 30 + ["B"] * 20 + ["A"] * 10 + ["B"],
    })  # fmt: skip
    items.loc[6, "lead_time_days"], items.loc[7, "price"] = 0.0, np.nan
    items.loc[8, ["min_reorder_point", "max_stock"]] = [5.0, 2.0]
    items.to_csv(tmp_path / "i.csv", index=False)
    real.plant(tmp_path / "d.csv", tmp_path / "i.csv")
    out = capsys.readouterr().out
    for kind in ("negative months", "lead time 0 or missing", "price 0 or missing",
                 "Min above Max", "no demand in any month", "not the items file",
                 "not the demand file"):  # fmt: skip
        assert kind in out
    assert "nan" not in out.lower()
    assert "A: no demand in the replay" in out

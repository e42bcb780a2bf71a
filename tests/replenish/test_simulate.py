"""The simulation, checked against a history small enough to replay by hand."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.tools.replenish.simulate import simulate


def run(demand, rop, qty, lead, cost, start, codes=None):
    return simulate(
        np.array(demand, float),
        np.array(rop, float),
        np.array(qty, float),
        np.array(lead, float),
        np.array(cost, float),
        np.array(start, float),
        None if codes is None else np.array(codes),
    )


def test_one_item_replayed_by_hand():
    # Day: on hand after demand -> order? (an order placed at the end of day t with lead 2
    # is on the shelf from day t + 3)
    # 0: 5-2=3  1: 3  2: 3-3=0 -> order 4, usable day 5  3: 0, 1 short  4: 0
    # 5: +4-3 = 1 -> order 4 again
    out = run([[2, 0, 3, 1, 0, 3]], [2], [4], [2], [10], [5])
    assert out.served[0] == 8.0
    assert out.stockout_days[0] == 1
    assert out.stockouts[0] == 1
    assert out.orders[0] == 2
    assert out.average_value[0] == pytest.approx((30 + 30 + 0 + 0 + 0 + 10) / 6)
    assert out.peak_value[0] == 30.0
    figures = out.totals(np.array([True]))
    assert figures["fill_rate"] == pytest.approx(8 / 9)
    assert figures["emergency_orders"] == 1
    assert out.totals(np.array([False]))["emergency_orders"] == 0


def test_items_are_independent_and_zero_lead_time_is_one_day():
    # Second item: 1 a day, reorder at 0, order 2, lead 0 (-> 1 day), starts with 1.
    # 0: 0 -> order (usable day 2)  1: short  2: +2-1 = 1  3: 0 -> order  4: short  5: 1
    out = run(
        [[2, 0, 3, 1, 0, 3], [1, 1, 1, 1, 1, 1]],
        [2, 0],
        [4, 2],
        [2, 0],
        [10, 10],
        [5, 1],
        codes=[0, 1],
    )
    assert out.served.tolist() == [8.0, 4.0]
    assert out.orders.tolist() == [2, 2]
    assert out.stockout_days.tolist() == [1, 2]
    assert out.stockouts.tolist() == [1, 2]
    assert out.average_value[1] == pytest.approx(20 / 6)
    # Group peaks come from the daily value of each group: totals 30, 30, 10, 0, 0, 20.
    assert out.totals(np.array([False, False]), [1])["peak_inventory_value"] == 10.0
    assert out.totals(np.array([False, False]))["peak_inventory_value"] == 30.0


def test_orders_enough_multiples_to_clear_the_reorder_point():
    # On hand 0, reorder point 9, order 4: three orders' worth (12) brings it above.
    out = run([[0, 0, 0]], [9], [4], [1], [1], [0])
    assert out.orders[0] == 1
    assert out.average_value[0] == pytest.approx((0 + 0 + 12) / 3)


def test_a_run_of_short_days_is_one_stockout_and_no_quantity_never_orders():
    out = run([[1, 1, 1, 0, 1]], [0], [0], [1], [1], [0])
    assert out.stockout_days[0] == 4
    assert out.stockouts[0] == 2
    assert out.orders[0] == 0


def test_replaying_many_policies_at_once_equals_one_replay_each():
    from stockwise.tools.replenish.simulate import replay_policies

    rng = np.random.default_rng(3)
    n = 200
    demand = rng.poisson(0.5, (n, 12)) * rng.integers(1, 5, (n, 1))
    demand[:40] = 0  # no demand: they hold their starting stock throughout
    points = rng.integers(0, 6, (5, n)).astype(float)
    qty, lead = rng.integers(1, 4, n).astype(float), rng.integers(1, 4, n).astype(float)
    cost = rng.random(n) * 10
    served, value = replay_policies(demand, points, qty, lead, cost)
    for k in range(5):
        out = simulate(demand, points[k], qty, lead, cost, points[k] + qty)
        assert np.allclose(out.served, served[k]) and np.allclose(out.average_value, value[k])

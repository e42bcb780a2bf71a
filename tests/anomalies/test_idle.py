"""Dead stock is idle stock no policy holds on purpose; the rest of the idle stock is one
slow-moving summary, not hundreds of alarms."""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.tools.anomalies.idle import dead_stock, idle_stock, slow_moving

from .frames import Plant


@pytest.fixture(scope="module")
def plant():  # type: ignore[no-untyped-def]
    p = Plant()
    # Dead: four pump cartridges for a scrapped press, no policy, never moved.
    p.item("DEAD", "pump cartridge old press", cost=1320.0, crit="B").opening("DEAD", 4)
    p.on_hand("DEAD", 4)
    # Held on purpose: an insurance spare, a PM kit part, two spares within their policy.
    p.item("INSUR", "gearbox spare", cost=2000.0, crit="A").opening("INSUR", 2).on_hand("INSUR", 2)
    p.item("KIT", "seal kit", cost=2000.0).opening("KIT", 1).on_hand("KIT", 1)
    p.kit.append(dict(plan_id="PM1", item_id="KIT", qty=1.0))
    p.item("POLICY", "motor 4kw", cost=900.0).opening("POLICY", 2)
    p.on_hand("POLICY", 2, rop=1.0, rq=1.0)
    # Above its policy's maximum (0 + 2) after a transfer in: the four extra are dead.
    p.item("ABOVE", "control card", cost=1000.0).opening("ABOVE", 2)
    p.txn("ABOVE", 4, "transfer_in", "2023-09-01").on_hand("ABOVE", 6, rop=0.0, rq=2.0)
    # Below the value floor: counted in the summary only.
    p.item("CHEAP", "o-ring", cost=50.0).opening("CHEAP", 3).on_hand("CHEAP", 3)
    # Not idle: received three months ago; issued this year.
    p.item("FRESH", "new spare", cost=500.0).opening("FRESH", 1)
    p.txn("FRESH", 9, "receipt", "2025-03-01").on_hand("FRESH", 10)
    p.item("USED", "grease", cost=500.0).opening("USED", 10)
    p.txn("USED", -2, "issue_maintenance", "2025-01-10").on_hand("USED", 8)
    # Used once long ago, then left on the shelf without a policy.
    p.item("OLDUSE", "valve", cost=800.0).opening("OLDUSE", 3)
    p.txn("OLDUSE", -1, "issue_maintenance", "2024-01-01").on_hand("OLDUSE", 2)
    return p.dataset()


def test_idle_stock_says_why_stock_is_held(plant):  # type: ignore[no-untyped-def]
    idle = idle_stock(plant, 365).set_index("item_id")
    assert set(idle.index) == {"DEAD", "INSUR", "KIT", "POLICY", "ABOVE", "CHEAP", "OLDUSE"}
    assert idle.loc["INSUR", "held"].startswith("criticality A")
    assert idle.loc["KIT", "held"] == "in a PM plan kit"
    assert idle.loc["POLICY", "held"] == "within its reorder policy"
    assert pd.isna(idle.loc["ABOVE", "held"]) and idle.loc["ABOVE", "dead_qty"] == 4
    assert idle.loc["DEAD", "dead_qty"] == 4 and idle.loc["INSUR", "dead_qty"] == 0


def test_dead_stock_is_what_no_policy_holds(plant):  # type: ignore[no-untyped-def]
    dead = {f.item_id: f for f in dead_stock(plant, 365)}
    assert set(dead) == {"DEAD", "ABOVE", "OLDUSE"}
    assert dead["DEAD"].value_at_stake == pytest.approx(5280.0)
    assert "no movement since the opening balance of 2023-07-01" in dead["DEAD"].summary
    assert dead["ABOVE"].value_at_stake == pytest.approx(4000.0)
    assert "above the policy's maximum of 2" in dead["ABOVE"].summary
    assert "last issued 2024-01-01" in dead["OLDUSE"].summary
    assert dead["DEAD"].evidence_rows[0]["site_id"] == "S1"
    assert dead["DEAD"].evidence_rows[-1]["ref_type"] == "opening"


def test_value_floor_and_window(plant):  # type: ignore[no-untyped-def]
    assert {f.item_id for f in dead_stock(plant, 365, min_value=0)} == {
        "DEAD", "ABOVE", "OLDUSE", "CHEAP"
    }  # fmt: skip
    # Over a two-year window the valve's issue still counts as use.
    assert "OLDUSE" not in {f.item_id for f in dead_stock(plant, 600)}


def test_slow_moving_is_one_summary(plant):  # type: ignore[no-untyped-def]
    (summary,) = slow_moving(plant, 365)
    assert summary.kind == "slow_moving" and summary.item_id is None
    assert summary.value_at_stake == pytest.approx(2 * 2000 + 2000 + 2 * 900 + 3 * 50)
    assert summary.summary.startswith("4 items worth 7,950")
    assert "1 criticality A" in summary.summary and "1 beyond any policy but worth under 1,000" in (
        summary.summary
    )
    assert [r["item_id"] for r in summary.evidence_rows] == ["INSUR", "KIT", "POLICY", "CHEAP"]

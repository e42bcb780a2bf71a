"""Each detector finds the case planted in a small hand-made plant, with evidence rows."""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.tools.anomalies.detectors import (
    count_variances,
    demand_spikes,
    dual_use,
    mro_in_bom,
    negative_books,
)
from stockwise.tools.anomalies.idle import dead_stock
from stockwise.tools.anomalies.master_data import duplicate_items
from stockwise.tools.anomalies.operations import excess_stock, stalled_orders
from stockwise.tools.anomalies.run import find_all

from .plant import START, build_plant, to_dataset


@pytest.fixture(scope="module")
def planted():  # type: ignore[no-untyped-def]
    b = build_plant(n_per_class=12, seed=1)
    day = pd.Timedelta(days=1)
    # MRO in a BOM: gloves (M003) listed in F000's BOM and issued to its orders.
    b.boms.append(dict(parent_item_id="F000", component_item_id="M003", qty_per=1.0, stage="pack"))
    for k in range(3):
        b.txn("M003", -1.0, "issue_production", "production_order", f"PO-0-{k}")
    # Dual use: raw material R001 also issued to maintenance work orders.
    for k in range(3):
        b.txn("R001", -5.0, "issue_maintenance", "work_order", f"WO-R-{k}")
    # Negative book: R005 issued 6,000 an hour after its 300 opening balance.
    b.txn(
        "R005",
        -6000.0,
        "issue_production",
        "production_order",
        "PO-X",
        START + pd.Timedelta(hours=1),
    )
    b.txn("R005", 6000.0, "receipt", "purchase_order", "PUR-X", START + 2 * day)
    # Demand spike: one week of 900 sales for F002 (a usual week sells 5-9).
    for k in range(3):
        b.txn(
            "F002",
            -300.0,
            "issue_sales",
            "sales_order",
            f"SO-SPIKE-{k}",
            pd.Timestamp("2024-06-04") + k * day,
        )
        b.txn(
            "F002",
            300.0,
            "production_output",
            "production_order",
            f"PO-SPIKE-{k}",
            pd.Timestamp("2024-06-03"),
        )
    # Dead stock: received at the start, never issued.
    b.item("R900", "brass fitting obsolete 3/8", "raw_material", "EA", 50.0, "D1")
    b.txn("R900", 40.0, "receipt", "purchase_order", "PUR-900", START)
    # Duplicate: M000 "bearing 6204 2rs #0" entered again as an abbreviation.
    m000 = next(i for i in b.items if i["item_id"] == "M000")
    b.item(
        "M950", "BRG 6204-2RS #0", "mro", "EA", m000["unit_cost"] * 1.02, "M1", "spare_part", "A"
    )
    # Excess: R007 receives a huge lot it will never use up.
    b.txn("R007", 90000.0, "receipt", "purchase_order", "PUR-BIG", pd.Timestamp("2024-12-01"))
    b.txn("R007", -20.0, "issue_production", "production_order", "PO-7", pd.Timestamp("2024-12-20"))
    for item_id in ("R001", "R005", "F002", "M003", "R900", "R007"):
        b.stock = [s for s in b.stock if s["item_id"] != item_id]
        b.settle(item_id)
    b.settle("M950")
    # Count variance: R004 counted 50 short.
    b.stock = [s for s in b.stock if s["item_id"] != "R004"]
    b.settle("R004", variance=-50.0)
    # A stalled order: F001 at "assembly" since March; assembly usually takes a day.
    b.orders.append(
        dict(
            order_id="MO-STUCK",
            product_item_id="F001",
            site_id="S1",
            qty=10.0,
            status="in_progress",
        )
    )
    progress = [
        dict(
            order_id=f"PO-0-{k}",
            stage_seq=1,
            stage="assembly",
            started_at=pd.Timestamp("2024-02-01") + k * day,
            finished_at=pd.Timestamp("2024-02-02") + k * day,
            qty_good=10.0,
        )
        for k in range(6)
    ]
    progress.append(
        dict(
            order_id="MO-STUCK",
            stage_seq=1,
            stage="assembly",
            started_at=pd.Timestamp("2024-03-01"),
            finished_at=None,
        )
    )
    ds = to_dataset(b)
    ds.tables["order_progress"] = to_dataset(b).order_progress.iloc[0:0]
    from stockwise.tools.dataset.frames import coerce_table

    ds.tables["order_progress"] = coerce_table("order_progress", pd.DataFrame(progress))
    return ds


def _one(findings, item_id):  # type: ignore[no-untyped-def]
    mine = [f for f in findings if item_id in (f.item_id, f.ref_id)]
    assert mine, f"nothing found for {item_id}"
    assert mine[0].evidence_rows and mine[0].severity in {"high", "medium", "low"}
    return mine[0]


def test_mro_in_bom(planted):  # type: ignore[no-untyped-def]
    f = _one(mro_in_bom(planted, {"M003", "M000"}), "M003")
    assert f.ref_id == "F000" and f.severity == "high" and "3 issues" in f.summary
    assert f.evidence_rows[0]["component_item_id"] == "M003"


def test_dual_use(planted):  # type: ignore[no-untyped-def]
    found = dual_use(planted)
    assert {f.item_id for f in found} == {"R001", "M003"}  # the gloves went to production too
    assert "3 issues" in _one(found, "R001").summary


def test_count_variance_and_negative_book(planted):  # type: ignore[no-untyped-def]
    variances = count_variances(planted, 0.0)
    assert [f.item_id for f in variances] == ["R004"]
    assert variances[0].evidence_rows[0]["variance"] == pytest.approx(-50.0)
    negative = negative_books(planted)
    assert [f.item_id for f in negative] == ["R005"]
    assert negative[0].evidence_rows[0]["lowest_balance"] == pytest.approx(-5700.0)


def test_demand_spike(planted):  # type: ignore[no-untyped-def]
    spikes = demand_spikes(planted, min_weeks=8)
    f = _one(spikes, "F002")
    assert "demand of 900" in f.summary and len(f.evidence_rows) == 3
    assert {s.item_id for s in spikes} == {"F002", "R005"}  # the 6,000 issue is one too


def test_dead_stock(planted):  # type: ignore[no-untyped-def]
    dead = dead_stock(planted, days=300)
    assert {f.item_id for f in dead} == {"R900"}
    assert dead[0].value_at_stake == pytest.approx(2000.0) and "never issued" in dead[0].summary


def test_duplicate_items(planted):  # type: ignore[no-untyped-def]
    dups = duplicate_items(planted)
    pairs = {frozenset((f.item_id, f.ref_id)) for f in dups}
    assert frozenset(("M000", "M950")) in pairs
    assert len(_one(dups, "M950").evidence_rows) == 2


def test_excess_and_stalled(planted):  # type: ignore[no-untyped-def]
    # The small plant holds months of stock everywhere; R007 holds centuries.
    assert [f.item_id for f in excess_stock(planted, 20_000)] == ["R007"]
    stalled = stalled_orders(planted)
    assert [f.ref_id for f in stalled] == ["MO-STUCK"] and "assembly" in stalled[0].summary


def test_find_all_sorted_by_severity_then_value(planted):  # type: ignore[no-untyped-def]
    found = find_all(planted, {"M003"}, 0.0, 300)
    order = {"high": 0, "medium": 1, "low": 2}
    keys = [(order[f.severity], -f.value_at_stake) for f in found]
    assert keys == sorted(keys)
    assert {
        "mro_in_bom",
        "dual_use",
        "count_variance",
        "negative_book",
        "dead_stock",
        "duplicate_item",
        "excess_stock",
        "stalled_order",
    } <= {f.kind for f in found}

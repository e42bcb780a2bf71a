"""A hand-made plant small enough to check every figure by hand.

As of 2026-03-31. One site S1. Product P1 (a PCB board) is routed smt(1) > soldering(2) >
coating(3) > assembly(4) > test(5); finished order O0 took 1, 2, 10, 1, 1 days. Open order O1
(10 boards) started soldering 9 days ago (typical 2: 7 days late). Its BOM: C2 chip at smt,
C1 connector x2 at assembly, sub-assembly SA x1 at test; SA is made of C3 x3 (SA has 4 in
stock). On schedule O1 would reach assembly on 04-03; as it stands, on 04-10.
"""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.frames import dataset_from_frames

AS_OF = pd.Timestamp("2026-03-31")


def plant_frames() -> dict[str, pd.DataFrame]:
    day = pd.Timedelta(days=1)
    items = pd.DataFrame(
        [
            ("P1", "PCB board", "EA", 100.0, "finished_good", None, None, "A"),
            ("C1", "connector 8 pin", "EA", 2.0, "raw_material", "SUP1", 10.0, "A"),
            ("C2", "chip", "EA", 5.0, "raw_material", "SUP1", None, "B"),
            ("C3", "resistor pack", "EA", 1.0, "raw_material", "SUP2", 0.0, None),
            ("SA", "power sub-assembly", "EA", 20.0, "wip", None, 3.0, "B"),
            ("M1", "bearing 6204", "EA", 50.0, "mro", "SUP3", 5.0, "A"),
            ("M2", "gloves", "BOX", 4.0, "mro", "SUP4", None, "C"),
        ],
        columns=[
            "item_id",
            "description",
            "uom",
            "unit_cost",
            "recorded_category",
            "supplier_id",
            "lead_time_days",
            "criticality",
        ],
    )
    suppliers = pd.DataFrame(
        {
            "supplier_id": ["SUP1", "SUP2", "SUP3", "SUP4"],
            "name": ["Arrow", "Mouser", "SKF", "Safety Co"],
            "supplier_type": ["direct_material"] * 2 + ["mro_distributor"] * 2,
            "lead_time_days": [20.0, 7.0, 5.0, None],
        }
    )
    stock = pd.DataFrame(
        {
            "item_id": ["C1", "C2", "C3", "SA", "M1", "M2", "P1"],
            "site_id": ["S1"] * 7,
            "on_hand_qty": [25.0, 50.0, 100.0, 4.0, 3.0, 10.0, 0.0],
            "as_of": [AS_OF] * 7,
            "reorder_point": [10.0, 20.0, 30.0, 2.0, 2.0, 5.0, None],
            "reorder_qty": [40.0, 50.0, 100.0, 10.0, 4.0, 10.0, None],
            "safety_stock": [5.0, 5.0, 10.0, 1.0, 1.0, 2.0, None],
        }
    )
    routings = pd.DataFrame(
        {
            "product_item_id": ["P1"] * 5,
            "stage_seq": [1, 2, 3, 4, 5],
            "stage": ["smt", "soldering", "coating", "assembly", "test"],
            "std_hours_per_unit": [0.1, 0.2, 0.1, 0.3, 0.1],
            "labor_rate": [30.0] * 5,
            "overhead_rate": [10.0] * 5,
        }
    )
    boms = pd.DataFrame(
        {
            "parent_item_id": ["P1", "P1", "P1", "SA"],
            "component_item_id": ["C2", "C1", "SA", "C3"],
            "qty_per": [1.0, 2.0, 1.0, 3.0],
            "stage": ["smt", "assembly", "test", None],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["O0", "O1"],
            "product_item_id": ["P1", "P1"],
            "site_id": ["S1", "S1"],
            "qty": [5.0, 10.0],
            "status": ["completed", "in_progress"],
            "released_at": [AS_OF - 40 * day, AS_OF - 12 * day],
        }
    )
    o0 = AS_OF - 40 * day
    started = AS_OF - 9 * day
    progress = pd.DataFrame(
        {
            "order_id": ["O0"] * 5 + ["O1"] * 2,
            "stage_seq": [1, 2, 3, 4, 5, 1, 2],
            "stage": ["smt", "soldering", "coating", "assembly", "test", "smt", "soldering"],
            "started_at": [
                o0,
                o0 + day,
                o0 + 3 * day,
                o0 + 13 * day,
                o0 + 14 * day,
                started - day,
                started,
            ],
            "finished_at": [
                o0 + day,
                o0 + 3 * day,
                o0 + 13 * day,
                o0 + 14 * day,
                o0 + 15 * day,
                started,
                None,
            ],
        }
    )
    # M1 bearings: 1 issued every 10 days over the last year; gloves 1 box a day.
    issues = [(AS_OF - k * 10 * day, "M1", -1.0, "issue_maintenance") for k in range(1, 37)]
    issues += [(AS_OF - k * day, "M2", -1.0, "issue_other") for k in range(1, 366)]
    transactions = pd.DataFrame(
        [(f"T{i}", ts, item, "S1", q, kind) for i, (ts, item, q, kind) in enumerate(issues)],
        columns=["txn_id", "ts", "item_id", "site_id", "qty", "txn_type"],
    )
    return {
        "sites": pd.DataFrame({"site_id": ["S1"], "name": ["Plant 1"]}),
        "suppliers": suppliers,
        "items": items,
        "stock_levels": stock,
        "transactions": transactions,
        "boms": boms,
        "routings": routings,
        "production_orders": orders,
        "order_progress": progress,
    }


@pytest.fixture
def plant_ctx() -> ToolContext:
    return ToolContext(dataset=dataset_from_frames(plant_frames()), settings=Settings())

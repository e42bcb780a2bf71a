"""A tiny hand-made plant whose answers are known, for the agent's tests."""

from __future__ import annotations

import pandas as pd

from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import TABLES

AS_OF = pd.Timestamp("2025-09-30 18:00")


def tiny_plant() -> Dataset:
    items = pd.DataFrame(
        [
            (
                "4410",
                "Hydraulic cylinder seal kit 80mm",
                "EA",
                185.0,
                "mro",
                "spare_part",
                "SUP-020",
                42,
                "A",
            ),
            ("4420", "Hydraulic oil ISO VG 46", "L", 3.5, "mro", "consumable", "SUP-010", 5, "B"),
            (
                "4450",
                "Compressor intake filter",
                "EA",
                64.0,
                "mro",
                "spare_part",
                "SUP-010",
                5,
                "A",
            ),
            ("1001", "Steel bar 40mm", "KG", 2.2, "raw_material", None, "SUP-001", 21, None),
            ("2001", "PCB assy soldered", "EA", 40.0, "wip", None, None, None, None),
        ],
        columns=list(TABLES["items"].column_names),
    )
    suppliers = pd.DataFrame(
        [
            ("SUP-020", "Hydraulik Presswerk GmbH", "oem_spares", 42),
            ("SUP-010", "Apex Industrial Supply", "mro_distributor", 5),
            ("SUP-001", "Midwest Steel Supply", "direct_material", 21),
        ],
        columns=["supplier_id", "name", "supplier_type", "lead_time_days"],
    )
    sites = pd.DataFrame(
        [("S1", "Riverside Plant"), ("S2", "Lakeside Plant")], columns=["site_id", "name"]
    )
    levels = pd.DataFrame(
        [
            ("4410", "S1", 6, 8, 10),
            ("4410", "S2", 3, 2, 5),
            ("4420", "S1", 400, 100, 500),
            ("4450", "S1", 2, 1, 4),
            ("1001", "S1", 1200, 500, 2000),
            ("2001", "S1", 15, None, None),
        ],
        columns=["item_id", "site_id", "on_hand_qty", "reorder_point", "reorder_qty"],
    )
    levels["as_of"] = AS_OF
    txns = []
    n = 0
    # Openings, then steady issues over the last 90 days: 4410 uses 9 at S1 (0.1/day).
    for item, site, qty in [
        ("4410", "S1", 15),
        ("4410", "S2", 3),
        ("4420", "S1", 490),
        ("4450", "S1", 2),
        ("1001", "S1", 1500),
        ("2001", "S1", 15),
    ]:
        n += 1
        txns.append((f"T{n}", "2025-01-01", item, site, qty, "adjustment", "opening"))
    for k in range(9):
        n += 1
        day = (AS_OF - pd.Timedelta(days=5 + 10 * k)).strftime("%Y-%m-%d")
        txns.append((f"T{n}", day, "4410", "S1", -1, "issue_maintenance", "work_order"))
    for k in range(3):
        n += 1
        day = (AS_OF - pd.Timedelta(days=3 + 20 * k)).strftime("%Y-%m-%d")
        txns.append((f"T{n}", day, "1001", "S1", -100, "issue_production", "production_order"))
    n += 1
    txns.append((f"T{n}", "2025-08-10", "4420", "S1", -90, "issue_maintenance", "work_order"))
    transactions = pd.DataFrame(
        txns, columns=["txn_id", "ts", "item_id", "site_id", "qty", "txn_type", "ref_type"]
    )
    equipment = pd.DataFrame(
        [
            ("P-1", "Hydraulic Press 250t P-1", "hydraulic_press", "S1", "A"),
            ("P-3", "Hydraulic Press 250t P-3", "hydraulic_press", "S1", "A"),
        ],
        columns=["equipment_id", "name", "equipment_type", "site_id", "criticality"],
    )
    return dataset_from_frames(
        {
            "items": items,
            "suppliers": suppliers,
            "sites": sites,
            "stock_levels": levels,
            "transactions": transactions,
            "equipment": equipment,
        },
        source="tiny-plant",
        name="tiny plant",
    )

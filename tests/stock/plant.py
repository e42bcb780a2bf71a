"""A small hand-made plant whose every answer is worked out by hand in tests/stock.

Snapshot as_of = 2025-06-30 12:00, so the 90-day demand window is
2025-04-01 12:00 < ts <= 2025-06-30 12:00.
"""

from __future__ import annotations

import pandas as pd

from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.dataset.model import Dataset

AS_OF = "2025-06-30 12:00"


def _frame(columns: str, rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


def hand_made_plant() -> Dataset:
    nan = float("nan")
    frames = {
        "sites": _frame("site_id name", [("S1", "North Plant"), ("S2", "South Plant")]),
        "suppliers": _frame(
            "supplier_id name supplier_type lead_time_days",
            [
                ("SUP1", "Hydro Parts", "mro_distributor", 20),
                ("SUP2", "Flour Co", "direct_material", 5),
            ],
        ),
        "items": _frame(
            "item_id description uom unit_cost recorded_category mro_subtype supplier_id "
            "lead_time_days criticality",
            [
                # I1 has no lead time of its own: it falls back to SUP1's 20 days.
                ("I1", "Hydraulic seal 50mm", "EA", 10, "mro", "spare_part", "SUP1", nan, "A"),
                ("I2", "Hyd. seal kit 80mm", "EA", 25, "mro", "spare_part", "SUP1", 30, "A"),
                ("I3", "Flour type 550", "KG", 2, "raw_material", None, "SUP2", 5, "C"),
                ("I4", "Nitrile gloves L", "BOX", 8, None, None, "SUP1", 10, "C"),
                (
                    "P1",
                    "Hydraulic pump assembly",
                    "EA",
                    500,
                    "finished_good",
                    None,
                    None,
                    nan,
                    None,
                ),
                ("W1", "Pump housing machined", "EA", 120, "wip", None, None, nan, None),
            ],
        ),
        "stock_levels": _frame(
            "item_id site_id on_hand_qty as_of reorder_point reorder_qty",
            [
                ("I1", "S1", 12, AS_OF, 15, 50),
                ("I1", "S2", 8, AS_OF, 5, nan),
                ("I2", "S1", 2, AS_OF, 3, 10),
                ("I3", "S1", 1000, AS_OF, nan, nan),
                ("I3", "S2", 200, AS_OF, 300, 500),
                ("I4", "S1", 40, AS_OF, nan, nan),
                ("P1", "S1", 5, AS_OF, nan, nan),
                ("W1", "S1", 0, AS_OF, nan, nan),
            ],
        ),
        "transactions": _frame(
            "txn_id ts item_id site_id qty txn_type ref_type ref_id",
            [
                # I1 @S1: book 20-5-2-4-1 = 8, on hand 12 -> variance +4 (value +40)
                ("T1", "2025-01-01 08:00", "I1", "S1", 20, "adjustment", "opening", None),
                (
                    "T5",
                    "2025-03-01 09:00",
                    "I1",
                    "S1",
                    -5,
                    "issue_maintenance",
                    "work_order",
                    "WO0",
                ),
                (
                    "T2",
                    "2025-04-15 10:00",
                    "I1",
                    "S1",
                    -2,
                    "issue_maintenance",
                    "work_order",
                    "WO1",
                ),
                (
                    "T3",
                    "2025-06-01 09:00",
                    "I1",
                    "S1",
                    -4,
                    "issue_maintenance",
                    "work_order",
                    "WO2",
                ),
                ("T4", "2025-06-20 14:00", "I1", "S1", -1, "scrap", None, None),
                # I1 @S2: book 10-2 = 8 = on hand
                ("T6", "2025-01-01 08:00", "I1", "S2", 10, "adjustment", "opening", None),
                (
                    "T7",
                    "2025-05-10 11:00",
                    "I1",
                    "S2",
                    -2,
                    "issue_maintenance",
                    "work_order",
                    "WO3",
                ),
                # I2 @S1: book 10-4-3 = 3, on hand 2 -> variance -1 (value -25)
                ("T9", "2025-01-01 08:00", "I2", "S1", 10, "adjustment", "opening", None),
                (
                    "T10",
                    "2025-05-01 10:00",
                    "I2",
                    "S1",
                    -4,
                    "issue_maintenance",
                    "work_order",
                    "WO4",
                ),
                (
                    "T11",
                    "2025-06-15 10:00",
                    "I2",
                    "S1",
                    -3,
                    "issue_maintenance",
                    "work_order",
                    "WO5",
                ),
                # I3 @S1: book 1550-50-300-200 = 1000 = on hand; T20 is after as_of
                ("T12", "2025-01-01 08:00", "I3", "S1", 1550, "receipt", "purchase_order", "PO9"),
                (
                    "T23",
                    "2025-03-02 08:00",
                    "I3",
                    "S1",
                    -50,
                    "issue_production",
                    "production_order",
                    "MO5",
                ),
                (
                    "T13",
                    "2025-06-10 08:00",
                    "I3",
                    "S1",
                    -300,
                    "issue_production",
                    "production_order",
                    "MO1",
                ),
                (
                    "T14",
                    "2025-06-20 08:00",
                    "I3",
                    "S1",
                    -200,
                    "issue_production",
                    "production_order",
                    "MO2",
                ),
                (
                    "T20",
                    "2025-07-01 08:00",
                    "I3",
                    "S1",
                    -10,
                    "issue_production",
                    "production_order",
                    "MO2",
                ),
                # I3 @S2: book 250-50 = 200 = on hand
                ("T15", "2025-02-01 08:00", "I3", "S2", 250, "receipt", "purchase_order", "PO8"),
                ("T16", "2025-06-25 08:00", "I3", "S2", -50, "issue_sales", "sales_order", "SO1"),
                # I4 @S1: received, never used -> slow moving
                ("T18", "2024-12-01 08:00", "I4", "S1", 40, "receipt", "purchase_order", "PO7"),
                # P1 made by MO1; W1 made and consumed by MO1 (book 0 = on hand 0)
                (
                    "T19",
                    "2025-06-28 08:00",
                    "P1",
                    "S1",
                    5,
                    "production_output",
                    "production_order",
                    "MO1",
                ),
                (
                    "T22",
                    "2025-06-02 08:00",
                    "W1",
                    "S1",
                    10,
                    "production_output",
                    "production_order",
                    "MO1",
                ),
                (
                    "T21",
                    "2025-06-03 08:00",
                    "W1",
                    "S1",
                    -10,
                    "issue_production",
                    "production_order",
                    "MO1",
                ),
            ],
        ),
        "routings": _frame(
            "product_item_id stage_seq stage std_hours_per_unit labor_rate overhead_rate",
            [
                ("P1", 1, "machining", 0.5, 40, 20),  # 30 per unit
                ("P1", 2, "assembly", 1.0, 30, 30),  # 60 per unit
                ("P1", 3, "testing", 0.25, 50, 50),  # 25 per unit
            ],
        ),
        "production_orders": _frame(
            "order_id product_item_id site_id qty status released_at due_date completed_at",
            [
                ("MO1", "P1", "S1", 10, "in_progress", "2025-06-01", "2025-07-10", None),
                ("MO2", "P1", "S1", 5, "released", "2025-06-15", "2025-07-20", None),
                ("MO3", "P1", "S2", 8, "completed", "2025-05-01", "2025-05-10", "2025-05-08"),
                ("MO4", "P1", "S1", 4, "planned", None, "2025-08-01", None),
                ("MO5", "P1", "S1", 6, "in_progress", "2025-03-01", "2025-03-20", None),
                ("MO6", "P1", "S1", 2, "completed", "2025-04-01", "2025-04-15", "2025-04-10"),
            ],
        ),
        "order_progress": _frame(
            "order_id stage_seq stage started_at finished_at qty_good qty_scrap",
            [
                ("MO1", 1, "machining", "2025-06-02", "2025-06-04", 10, 0),
                ("MO1", 2, "assembly", "2025-06-05", "2025-06-07", 9, 1),
                ("MO1", 3, "testing", "2025-06-28", None, nan, nan),
                ("MO3", 1, "machining", "2025-05-01", "2025-05-03", 8, 0),
                ("MO3", 2, "assembly", "2025-05-04", "2025-05-06", 8, 0),
                ("MO3", 3, "testing", "2025-05-07", "2025-05-08", 8, 0),
                ("MO5", 1, "machining", "2025-03-02", "2025-03-04", 6, 0),
                ("MO5", 2, "assembly", "2025-03-05", None, nan, nan),
                ("MO6", 1, "machining", "2025-04-01", "2025-04-03", 2, 0),
                ("MO6", 2, "assembly", "2025-04-04", "2025-04-08", 2, 0),
                ("MO6", 3, "testing", "2025-04-09", "2025-04-10", 2, 0),
            ],
        ),
    }
    return dataset_from_frames(frames, source="hand-made plant")

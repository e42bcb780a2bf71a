"""Behaviour features computed exactly on a hand-made three-item dataset."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from stockwise.tools.classify.features import item_features
from stockwise.tools.dataset.frames import dataset_from_frames


@pytest.fixture
def tiny():  # type: ignore[no-untyped-def]
    items = pd.DataFrame(
        {
            "item_id": ["SP1", "RM1", "FG1"],
            "description": ["Bearing 6204", "Steel coil", ""],
            "uom": ["EA", "KG", "EA"],
            "unit_cost": [40.0, 2.0, 100.0],
            "supplier_id": ["OEM", "DM", None],
            "lead_time_days": [None, 10.0, None],
            "criticality": ["A", None, "B"],
        }
    )
    t = [
        ("T1", "2024-01-01", "SP1", 10, "receipt", "purchase_order", "P1"),
        ("T2", "2024-01-05", "SP1", -1, "issue_maintenance", "work_order", "WO1"),
        ("T3", "2024-01-05", "SP1", -3, "issue_maintenance", "work_order", "WO1"),
        ("T4", "2024-02-01", "SP1", -2, "issue_maintenance", "work_order", "WO2"),
        ("T5", "2024-02-03", "SP1", -2, "issue_production", "production_order", "PO1"),
        ("T6", "2024-01-01", "RM1", 500, "receipt", "purchase_order", "P2"),
        ("T7", "2024-01-10", "RM1", -100, "issue_production", "production_order", "PO1"),
        ("T8", "2024-01-02", "FG1", 5, "production_output", "production_order", "PO1"),
        ("T9", "2024-01-03", "FG1", -5, "issue_sales", "sales_order", "SO1"),
    ]
    txns = pd.DataFrame(
        t, columns=["txn_id", "ts", "item_id", "qty", "txn_type", "ref_type", "ref_id"]
    ).assign(site_id="S1")
    frames = {
        "sites": pd.DataFrame({"site_id": ["S1"], "name": ["Plant"]}),
        "suppliers": pd.DataFrame(
            {
                "supplier_id": ["OEM", "DM"],
                "name": ["Press OEM", "Steel"],
                "supplier_type": ["oem_spares", "direct_material"],
                "lead_time_days": [42.0, 7.0],
            }
        ),
        "items": items,
        "transactions": txns,
        "stock_levels": pd.DataFrame(
            {
                "item_id": ["SP1", "RM1"],
                "site_id": "S1",
                "on_hand_qty": [2.0, 400.0],
                "as_of": "2024-03-01",
            }
        ),
        "boms": pd.DataFrame(
            {"parent_item_id": ["FG1"], "component_item_id": ["RM1"], "qty_per": [2.0]}
        ),
        "production_orders": pd.DataFrame(
            {
                "order_id": ["PO1"],
                "product_item_id": ["FG1"],
                "site_id": ["S1"],
                "qty": [5.0],
                "status": ["completed"],
            }
        ),
        "pm_plans": pd.DataFrame(
            {
                "plan_id": ["PM1", "PM2"],
                "equipment_id": ["E1", "E2"],
                "interval_unit": ["days", "days"],
                "interval": [30.0, 60.0],
            }
        ),
        "pm_plan_parts": pd.DataFrame(
            {"plan_id": ["PM1", "PM2"], "item_id": ["SP1", "SP1"], "qty": [1.0, 2.0]}
        ),
    }
    return item_features(dataset_from_frames(frames))


def test_consumer_shares_and_distinct_orders(tiny):  # type: ignore[no-untyped-def]
    sp = tiny.loc["SP1"]
    assert sp["n_issue_maint"] == 3 and sp["n_issue_prod"] == 1
    assert sp["share_maint"] == pytest.approx(0.75)
    assert sp["share_prod"] == pytest.approx(0.25)
    assert sp["n_work_orders"] == 2  # WO1 twice counts once
    assert sp["n_production_orders_fed"] == 1
    assert sp["ever_produced"] == 0 and sp["ever_received"] == 1
    assert tiny.loc["FG1", "ever_produced"] == 1
    assert tiny.loc["FG1", "share_sales"] == 1.0
    assert tiny.loc["FG1", "n_sales_orders"] == 1


def test_usage_pattern(tiny):  # type: ignore[no-untyped-def]
    sp = tiny.loc["SP1"]
    sizes = [1, 3, 2, 2]
    mean = sum(sizes) / 4
    var = sum(s * s for s in sizes) / 4 - mean**2
    assert sp["log_issue_lot"] == pytest.approx(math.log1p(mean))
    assert sp["cv2_issue_size"] == pytest.approx(var / mean**2)
    # demand on 2024-01-05, 02-01, 02-03 = 3 days; history spans 01-01..02-03 = 34 days
    assert sp["demand_days"] == 3
    assert sp["adi_days"] == pytest.approx(34 / 3)
    assert sp["log_receipt_lot"] == pytest.approx(math.log1p(10))


def test_structure_and_master_data(tiny):  # type: ignore[no-untyped-def]
    assert tiny.loc["SP1", "pm_kits"] == 2
    assert tiny.loc["RM1", "bom_as_component"] == 1 and tiny.loc["FG1", "bom_as_parent"] == 1
    assert tiny.loc["FG1", "orders_as_product"] == 1
    assert tiny.loc["SP1", "supplier_oem_spares"] == 1
    assert tiny.loc["FG1", "supplier_missing"] == 1
    assert tiny.loc["SP1", "lead_time_days"] == 42.0  # falls back to the supplier's
    assert tiny.loc["RM1", "lead_time_days"] == 10.0  # the item's own wins
    assert math.isnan(tiny.loc["FG1", "lead_time_days"])
    assert tiny.loc["SP1", "criticality_A"] == 1 and tiny.loc["RM1", "uom_KG"] == 1
    assert tiny.loc["FG1", "description_missing"] == 1
    assert tiny.loc["RM1", "log_on_hand_value"] == pytest.approx(math.log1p(800.0))

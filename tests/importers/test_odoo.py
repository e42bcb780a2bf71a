"""`stockwise import --from odoo`: the two-company Odoo 17 export in fixtures/odoo (its
README lists what is in it), asked through the real commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stockwise.tools.dataset.load import load_dataset

SYSTEM = "odoo"
FIXTURE = Path(__file__).parent / "fixtures" / "odoo"
MARCH = ("--start", "2025-03-01", "--end", "2025-03-31")


def test_figures_asked_equal_the_hand_computed_ones(stockwise, imported):
    out, _ = imported
    assert stockwise("check", out).exit_code == 0
    expected = {"SEAL-50": 4, "FLOUR": 50.5, "BREAD": 24, "OIL-46": 20, "GLOVE": 0}
    for item, demand in expected.items():
        answer = stockwise.json("stock", "demand", item, *MARCH, dataset=out)
        assert answer["demand"] == pytest.approx(demand), item
    seal = stockwise.json("stock", "on-hand", "SEAL-50")["items"][0]
    assert {s["site_id"]: s["on_hand"] for s in seal["sites"]} == {
        "WH (Acme Inc)": 10,
        "WH (Acme GmbH)": 5,
    }
    assert seal["value"] == pytest.approx(1875)
    total = 15 * 125 + 300 * 3.9 + 24 * 2.5 + 500 * 0.8 + 40 * 3
    assert stockwise.json("stock", "value")["total_value"] == pytest.approx(total)
    asked = stockwise("ask", "what is the stock on hand of mechanical seal 50mm?", "--json")
    assert asked.exit_code == 0, asked.output
    assert "15" in json.loads(asked.stdout)["answer"]


def test_locations_units_and_one2many_lines(imported):
    out, report = imported
    data = load_dataset(out).tables
    txns = data["transactions"].set_index("txn_id")
    assert txns.loc["__export__.stock_move_104", "qty"] == 60  # 5 Dozens of bread
    assert txns.loc["__export__.stock_move_103", "qty"] == -0.5  # 500 g of flour in kg
    assert str(txns.loc["__export__.stock_move_102", "txn_type"]) == "issue_production"
    assert str(txns.loc["__export__.stock_move_108", "txn_type"]) == "scrap"
    assert str(txns.loc["__export__.stock_move_106/out", "txn_type"]) == "transfer_out"
    levels = data["stock_levels"].set_index(["item_id", "site_id"])
    seal = levels.loc[("SEAL-50", "WH (Acme Inc)")]
    assert (seal["reorder_point"], seal["reorder_qty"]) == (4, 8)  # min 4, max 12
    boms = data["boms"].set_index("component_item_id")["qty_per"].to_dict()
    assert boms == {"FLOUR": 0.5, "OIL-46": pytest.approx(0.001)}  # per 12 breads: 6, 0.012
    assert data["production_orders"].set_index("order_id").loc["WH/MO/00002", "qty"] == 60
    progress = data["order_progress"]  # mrp.workorder: operations reached, in routing order
    assert progress[["order_id", "stage_seq", "stage"]].values.tolist() == [
        ["WH/MO/00001", 1, "Mixing"],
        ["WH/MO/00001", 2, "Baking"],
        ["WH/MO/00002", 1, "Mixing"],
    ]
    assert progress["finished_at"].isna().tolist() == [False, False, True]
    requests = data["work_orders"].set_index("wo_id")
    assert requests[["wo_type", "status"]].astype(str).to_dict("index") == {
        "__export__.maintenance_request_1": {"wo_type": "corrective", "status": "completed"},
        "__export__.maintenance_request_2": {"wo_type": "preventive", "status": "open"},
    }
    assert report["dropped"] == {
        "move not done (state assigned): no stock moved": 1,
        "unit does not convert to the product's unit (uom.uom categories differ)": 1,
        "quant outside an internal location: not stock on hand": 1,
        "transactions: item not in the item master": 1,
    }
    rejects = Path(report["rejects_path"]).read_text(encoding="utf-8")
    assert "stock.move.csv,13,product_uom,Units,unit does not convert" in rejects
    assert "stock.move.csv,15,product_id,XYZ-1,transactions: item not in the item master" in rejects

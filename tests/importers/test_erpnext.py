"""`stockwise import --from erpnext`: the doctype exports in fixtures/erpnext (its README
lists what is in it), asked through the real commands."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from stockwise.tools.dataset.load import load_dataset

SYSTEM = "erpnext"
FIXTURE = Path(__file__).parent / "fixtures" / "erpnext"
MARCH = ("--start", "2025-03-01", "--end", "2025-03-31")


def test_figures_asked_equal_the_hand_computed_ones(stockwise, imported):
    out, _ = imported
    assert stockwise("check", out).exit_code == 0
    for item, demand in (("SEAL-50", 1), ("OIL-46", 12), ("FLOUR", 40), ("BREAD", 48)):
        answer = stockwise.json("stock", "demand", item, *MARCH, dataset=out)
        assert answer["demand"] == pytest.approx(demand), item
    flour = stockwise.json("stock", "on-hand", "FLOUR")["items"][0]
    assert flour["on_hand"] == 420 and flour["value"] == pytest.approx(336)
    assert stockwise.json("stock", "on-hand", "OIL-46")["items"][0]["on_hand"] == 0
    assert stockwise.json("stock", "value")["total_value"] == pytest.approx(1569)
    asked = stockwise("ask", "what is our inventory worth?", "--json")
    assert asked.exit_code == 0, asked.output
    assert "1,569" in json.loads(asked.stdout)["answer"]


def test_ledger_lines_map_by_voucher_and_purpose(imported):
    out, report = imported
    data = load_dataset(out).tables
    kinds = data["transactions"].set_index("txn_id")["txn_type"].astype(str).to_dict()
    assert kinds["MAT-SLE-2025-00002"] == "issue_other"  # Stock Entry: Material Issue
    assert kinds["MAT-SLE-2025-00004"] == "transfer_out"  # ... for Manufacture
    assert kinds["MAT-SLE-2025-00006"] == "issue_production"  # Manufacture, consumed
    assert kinds["MAT-SLE-2025-00007"] == "production_output"  # Manufacture, made
    assert kinds["MAT-SLE-2025-00009"] == "adjustment"  # a sales return is not demand
    refs = data["transactions"].set_index("txn_id")["ref_id"]
    assert refs["MAT-SLE-2025-00006"] == "MFG-WO-2025-00001"
    levels = data["stock_levels"].set_index(["item_id", "site_id"])
    assert tuple(levels.loc[("SEAL-50", "Stores - AB"), ["reorder_point", "reorder_qty"]]) == (4, 8)
    boms = data["boms"].set_index("component_item_id")["qty_per"].to_dict()
    assert boms == {"FLOUR": 0.5, "OIL-46": pytest.approx(0.001)}  # the default BOM, per 20
    progress = data["order_progress"][["order_id", "stage_seq", "stage"]].values.tolist()
    assert progress == [["MFG-WO-2025-00001", 1, "Mixing"], ["MFG-WO-2025-00001", 2, "Baking"]]
    plans = data["pm_plans"].set_index("description")["interval"].to_dict()
    assert plans == {"Replace oven door seal": 91, "Calibrate thermostat": 365}  # not cancelled
    last = data["pm_plans"].set_index("description")["last_done_at"]
    assert last["Calibrate thermostat"] == pd.Timestamp("2025-04-02")  # from the log
    assert last["Replace oven door seal"] == pd.Timestamp("2025-03-15")
    jobs = data["work_orders"].set_index("wo_id")
    assert list(jobs["wo_type"]) == ["preventive", "inspection", "preventive"]
    assert list(jobs["status"]) == ["completed", "completed", "scheduled"]
    assert jobs.loc["ACC-AML-2025-00002", "completed_at"] == pd.Timestamp("2025-04-02")
    assert report["dropped"] == {
        "ledger line of a cancelled document (is_cancelled = 1)": 2,
        "voucher type Pick List not mapped": 1,
        "transactions: txn_id seen before (a duplicated document)": 1,
        "transactions: item not in the item master": 1,
    }
    assert report["guessed"]["negative stock in a Bin (allowed in ERPNext): 0 on hand"] == 1

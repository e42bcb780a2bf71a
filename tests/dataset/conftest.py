# ruff: noqa: E501  (CSV header lines are as long as the contract makes them)
"""A small hand-made dataset, written as CSV text so each bad-input test can break one line."""

from __future__ import annotations

from pathlib import Path

import pytest

SMALL_DATASET: dict[str, str] = {
    "sites": """site_id,name
S1,Riverside
S2,Hilltop
""",
    "suppliers": """supplier_id,name,supplier_type,lead_time_days
SUP1,Acme Steel,direct_material,14
SUP2,FastMRO,mro_distributor,
""",
    "items": """item_id,description,uom,unit_cost,recorded_category,mro_subtype,supplier_id,lead_time_days,criticality,colour
I1,steel sheet 2mm,KG,2.5,raw_material,,SUP1,,B,grey
I2,hydraulic seal 40mm,EA,12,mro,spare_part,SUP2,7,A,black
I3,housing semi-fin,EA,30,wip,,,,,
4471,gloves nitrile L,BOX,8.75,,,SUP2,,C,blue
""",
    "stock_levels": """item_id,site_id,on_hand_qty,as_of,reorder_point,reorder_qty,safety_stock
I1,S1,500,2025-03-01T06:00:00,100,400,50
I2,S1,4,2025-03-01T06:00:00,5,10,2
I2,S2,9,2025-03-01T06:00:00,,,
4471,S1,20,2025-03-01T06:00:00,10,30,
""",
    "transactions": """txn_id,ts,item_id,site_id,qty,txn_type,ref_type,ref_id
T1,2025-01-02T08:00:00,I1,S1,600,adjustment,opening,
T2,2025-01-05 09:30,I1,S1,-100,issue_production,production_order,PO1
T3,2025-01-06,I2,S1,10,receipt,purchase_order,P-77
T4,2025-01-07T10:00:00+01:00,I2,S1,-6,issue_maintenance,work_order,WO1
T5,2025-01-08,I2,S2,9,receipt,purchase_order,P-78
T6,2025-01-09,4471,S1,25,receipt,purchase_order,P-79
T7,2025-01-10,4471,S1,-5,issue_other,,
T8,2025-01-11,I3,S1,5,production_output,production_order,PO1
T9,2025-01-12,I3,S1,-5,transfer_out,transfer,X1
T10,2025-02-01,I1,S1,-2,adjustment,cycle_count,CC1
""",
    "boms": """parent_item_id,component_item_id,qty_per,stage
I3,I1,2,forming
""",
    "routings": """product_item_id,stage_seq,stage,std_hours_per_unit,labor_rate,overhead_rate
I3,1,forming,0.5,30,10
I3,2,painting,0.25,30,12
""",
    "production_orders": """order_id,product_item_id,site_id,qty,status,released_at,due_date,completed_at
PO1,I3,S1,50,in_progress,2025-01-04T07:00:00,2025-01-20,
""",
    "order_progress": """order_id,stage_seq,stage,started_at,finished_at,qty_good,qty_scrap
PO1,1,forming,2025-01-05T08:00:00,2025-01-06T16:00:00,48,2
PO1,2,painting,2025-01-07T08:00:00,,,
""",
    "equipment": """equipment_id,name,equipment_type,site_id,criticality
EQ1,Press 1,hydraulic_press,S1,A
""",
    "equipment_usage": """equipment_id,date,run_hours,vibration_mm_s
EQ1,2025-01-05,16,2.1
EQ1,2025-01-06,20,
""",
    "work_orders": """wo_id,equipment_id,wo_type,status,created_at,scheduled_for,completed_at,failure_code,description
WO1,EQ1,corrective,completed,2025-01-07T09:00:00,,2025-01-07T15:00:00,SEAL_LEAK,replaced seal
""",
    "pm_plans": """plan_id,equipment_id,interval_unit,interval,last_done_at,description
PM1,EQ1,run_hours,500,2024-12-01,seal kit
""",
    "pm_plan_parts": """plan_id,item_id,qty
PM1,I2,2
""",
    "labels": """item_id,true_category,true_mro_subtype
I1,raw_material,
I2,mro,spare_part
I3,wip,
4471,mro,safety
""",
    "planted_anomalies": """anomaly_id,kind,item_id,ref_id,detail
A1,gloves_as_wip,4471,,recorded blank
""",
}


def write_dataset_folder(
    folder: Path, overrides: dict[str, str | bytes | None] | None = None
) -> Path:
    """Write the small dataset; an override replaces a table's text, None removes the file."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {**SMALL_DATASET, **(overrides or {})}
    for name, text in tables.items():
        if text is None:
            continue
        path = folder / f"{name}.csv"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    (folder / "meta.json").write_text('{"name": "Small plant", "currency": "EUR"}')
    return folder


def with_line(table: str, line: str) -> str:
    """The small table's text with one more data line."""
    return SMALL_DATASET[table] + line + "\n"


@pytest.fixture
def small_folder(tmp_path) -> Path:
    return write_dataset_folder(tmp_path / "small")

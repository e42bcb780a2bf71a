"""`--from erpnext FOLDER`: ERPNext doctype exports (Data Export or report view CSV), one
file per doctype named after it (`Item.csv`, `Stock Ledger Entry.csv`, ...), with the
doctypes' field names as headers.

Needed: Item, Bin, Stock Ledger Entry. Used when present: Stock Entry (its purpose says
what a stock entry's ledger lines are), Item Reorder, Work Order, Job Card, BOM + BOM
Item, Asset, Asset Maintenance Task and Log (erpnext_maintenance.py).
Field layouts: frappe/erpnext erpnext/stock/doctype/{item, item_reorder, bin,
stock_ledger_entry, stock_entry}/*.json, erpnext/manufacturing/doctype/{work_order, bom,
bom_item}/*.json, erpnext/assets/doctype/asset/asset.json.

Each warehouse is a site. ERPNext allows negative stock: a Bin below zero is counted as 0
on hand (the contract counts what is there) and reported. Cancelled documents keep their
ledger lines with is_cancelled = 1 (and a mirror line): both are left out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stockwise.tools.importers.erpnext_maintenance import (
    job_card_progress,
    last_done_from_log,
    maintenance_log,
    maintenance_plans,
)
from stockwise.tools.importers.files import load_export
from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.values import keep_parsed, to_date, to_number

# voucher type (or Stock Entry purpose) -> (type when qty < 0, type when qty > 0, ref_type)
LEDGER_TYPES: dict[str, tuple[str, str, str | None]] = {
    "Purchase Receipt": ("return_to_vendor", "receipt", "purchase_order"),
    "Purchase Invoice": ("return_to_vendor", "receipt", "purchase_order"),
    "Delivery Note": ("issue_sales", "adjustment", "sales_order"),
    "Sales Invoice": ("issue_sales", "adjustment", "sales_order"),
    "Stock Reconciliation": ("adjustment", "adjustment", "cycle_count"),
    "Material Issue": ("issue_other", "adjustment", None),
    "Material Receipt": ("adjustment", "receipt", None),
    "Material Transfer": ("transfer_out", "transfer_in", "transfer"),
    "Material Transfer for Manufacture": ("transfer_out", "transfer_in", "transfer"),
    "Send to Subcontractor": ("transfer_out", "transfer_in", "transfer"),
    "Manufacture": ("issue_production", "production_output", "production_order"),
    "Material Consumption for Manufacture": ("issue_production", "adjustment", "production_order"),
    "Repack": ("adjustment", "adjustment", None),
}
WORK_ORDER_STATUS = {"Draft": "planned", "Not Started": "released", "In Process": "in_progress",
                     "Completed": "completed", "Stopped": "cancelled", "Closed": "completed",
                     "Cancelled": "cancelled"}  # fmt: skip
GROUP_WORDS = (("spare", ("mro", "spare_part")), ("consumable", ("mro", "consumable")),
               ("tool", ("mro", "tool")), ("raw", ("raw_material", None)),
               ("sub assembl", ("wip", None)), ("product", ("finished_good", None)))  # fmt: skip


def _load(folder: Path, name: str, fields: tuple[str, ...], required=True):
    # A doctype export is saved as "Stock Ledger Entry.csv" or stock_ledger_entry.csv.
    names = (name, name.replace(" ", "_"), name.lower().replace(" ", "_"))
    return load_export(folder, names, fields, hint="ERPNext field name", required=required)


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series("", index=frame.index)


def read_erpnext(source: Path, report: ImportReport, **_) -> dict[str, pd.DataFrame]:
    folder = Path(source)
    item = _load(folder, "Item", ("item_code", "stock_uom"))
    bins = _load(folder, "Bin", ("item_code", "warehouse", "actual_qty"))
    ledger_fields = ("item_code", "warehouse", "posting_date", "actual_qty", "voucher_type",
                     "voucher_no")  # fmt: skip
    sle = _load(folder, "Stock Ledger Entry", ledger_fields)
    entries = _load(folder, "Stock Entry", ("name", "purpose"), required=False)
    report.source_columns.update({"item_id": "item_code", "site_id": "warehouse",
                                  "qty": "actual_qty", "txn_id": "name"})  # fmt: skip
    frames = {"items": _items(item, report)}
    txns = _ledger(sle, entries, report)
    frames["transactions"] = txns
    # Rows of items the master lacks are dropped later: they do not date the snapshot.
    known = txns["item_id"].isin(set(frames["items"]["item_id"]))
    as_of = txns.loc[known, "ts"].max() if known.any() else pd.Timestamp.now().normalize()
    report.note(f"stock (Bin actual_qty) taken as of {as_of:%Y-%m-%d %H:%M}, the last posting")
    frames["stock_levels"] = _bins(bins, as_of, report)
    reorder = _load(folder, "Item Reorder", ("parent", "warehouse", "warehouse_reorder_level"),
                    required=False)  # fmt: skip
    if reorder is not None:
        policy = pd.DataFrame({
            "item_id": reorder["parent"], "site_id": reorder["warehouse"],
            "reorder_point": to_number(reorder["warehouse_reorder_level"]),
            "reorder_qty": to_number(_col(reorder, "warehouse_reorder_qty")),
        })  # fmt: skip
        frames["stock_levels"] = frames["stock_levels"].merge(
            policy.drop_duplicates(["item_id", "site_id"]), how="left"
        )
    orders = _load(folder, "Work Order", ("name", "production_item", "qty", "status"),
                   required=False)  # fmt: skip
    if orders is not None:
        frames["production_orders"] = _work_orders(orders)
    bom = _load(folder, "BOM", ("name", "item", "quantity"), required=False)
    lines = _load(folder, "BOM Item", ("parent", "item_code", "qty"), required=False)
    if bom is not None and lines is not None:
        frames["boms"] = _boms(bom, lines, report)
    warehouses = set(frames["stock_levels"]["site_id"]) | set(txns["site_id"])
    if "production_orders" in frames:
        warehouses |= set(frames["production_orders"]["site_id"])
    site_ids = sorted(w for w in warehouses if isinstance(w, str) and w)
    frames["sites"] = pd.DataFrame({"site_id": site_ids, "name": site_ids})
    assets = _load(folder, "Asset", ("name",), required=False)
    if assets is not None and site_ids:
        frames["equipment"] = pd.DataFrame({
            "equipment_id": assets["name"],
            "name": _col(assets, "asset_name").replace("", None).fillna(assets["name"]),
            "equipment_type": _col(assets, "asset_category").replace("", "asset"),
            "site_id": site_ids[0], "_file": assets["_file"], "_row": assets["_row"],
        })  # fmt: skip
        report.note(f"assets placed at {site_ids[0]} (an Asset's location is not a warehouse)")
        tasks = _load(folder, "Asset Maintenance Task", ("parent", "maintenance_task"),
                      required=False)  # fmt: skip
        if tasks is not None:
            frames.update(maintenance_plans(tasks, report))
        log = _load(folder, "Asset Maintenance Log", ("name", "asset_maintenance"),
                    required=False)  # fmt: skip
        if log is not None and len(log):
            frames["work_orders"] = maintenance_log(log, report)
            if "pm_plans" in frames:
                frames["pm_plans"] = last_done_from_log(frames["pm_plans"], log)
    cards = _load(folder, "Job Card", ("work_order", "operation"), required=False)
    if cards is not None and "production_orders" in frames:
        frames["order_progress"] = job_card_progress(cards, report)
    return frames


def _items(item: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    cost = to_number(_col(item, "valuation_rate"))
    cost = cost.where(cost.notna(), to_number(_col(item, "standard_rate")))
    report.guess("no valuation rate: unit cost 0", int(cost.isna().sum()))
    group = _col(item, "item_group").str.lower()
    found = group.map(lambda g: next((v for word, v in GROUP_WORDS if word in g), None))
    report.guess("category from words in the item group (spare, consumable, raw, ...)",
                 int(found.notna().sum()))  # fmt: skip
    name = _col(item, "item_name")
    return pd.DataFrame({
        "item_id": item["item_code"], "description": name.where(name != "", item["item_code"]),
        "uom": item["stock_uom"].replace("", "Nos"), "unit_cost": cost.fillna(0.0),
        "recorded_category": found.map(lambda v: v[0] if v else None),
        "mro_subtype": found.map(lambda v: v[1] if v else None),
        "lead_time_days": to_number(_col(item, "lead_time_days")),
        "_file": item["_file"], "_row": item["_row"],
    })  # fmt: skip


def _ledger(sle: pd.DataFrame, entries, report: ImportReport) -> pd.DataFrame:
    file = str(sle["_file"].iloc[0]) if len(sle) else "Stock Ledger Entry.csv"
    cancelled = _col(sle, "is_cancelled").isin(["1", "Yes", "true", "True"])
    report.drop("ledger line of a cancelled document (is_cancelled = 1)", file,
                sle[cancelled].set_index("_row"), "is_cancelled")  # fmt: skip
    sle = sle[~cancelled]
    stamp = sle["posting_date"] + " " + _col(sle, "posting_time").str.split(".").str[0]
    ts = to_date(stamp.str.strip())
    sle = keep_parsed(sle.assign(_ts_text=stamp), "posting_date", ts, what="a date",
                      file=file, report=report)  # fmt: skip
    qty = to_number(sle["actual_qty"])
    sle = keep_parsed(sle, "actual_qty", qty, what="a number", file=file, report=report)
    qty, ts = qty[sle.index], ts[sle.index]
    kind = sle["voucher_type"]
    work_order = pd.Series("", index=sle.index)
    if entries is not None:
        purpose = pd.Series(entries["purpose"].to_numpy(), index=entries["name"].to_numpy())
        is_entry = kind == "Stock Entry"
        kind = kind.where(~is_entry, sle["voucher_no"].map(purpose[~purpose.index.duplicated()]))
        wo = pd.Series(_col(entries, "work_order").to_numpy(), index=entries["name"].to_numpy())
        work_order = sle["voucher_no"].map(wo[~wo.index.duplicated()]).fillna("")
    kind = kind.fillna("Stock Entry (no purpose: not in the Stock Entry export)")
    known = kind.isin(list(LEDGER_TYPES))
    for name, group in sle[~known].groupby(kind[~known]):
        report.drop(
            f"voucher type {name} not mapped", file, group.set_index("_row"), "voucher_type"
        )
    sle, qty, ts, kind, work_order = (
        sle[known],
        qty[known],
        ts[known],
        kind[known],
        work_order[known],
    )
    out_type = kind.map(lambda k: LEDGER_TYPES[k][0])
    in_type = kind.map(lambda k: LEDGER_TYPES[k][1])
    txn_type = pd.Series(np.where(qty < 0, out_type, in_type), index=sle.index)
    returned = (txn_type == "adjustment") & ~kind.isin(["Stock Reconciliation", "Repack"])
    report.guess("a return or reversal on a sales/receipt voucher: adjustment",
                 int(returned.sum()))  # fmt: skip
    ref_type = kind.map(lambda k: LEDGER_TYPES[k][2])
    counted = pd.Series(None, index=kind.index, dtype=object)
    counted = counted.mask(kind == "Stock Reconciliation", "cycle_count")
    ref_type = ref_type.where(txn_type != "adjustment", counted)
    ref_id = sle["voucher_no"].where(~ref_type.isin(["production_order"]), work_order)
    ids = (
        sle["name"] if "name" in sle.columns else sle["voucher_no"] + "#" + sle["_row"].astype(str)
    )
    return pd.DataFrame({
        "txn_id": ids, "ts": ts, "item_id": sle["item_code"], "site_id": sle["warehouse"],
        "qty": qty, "txn_type": txn_type, "ref_type": ref_type,
        "ref_id": ref_id.where(ref_type.notna()).replace("", None),
        "_file": sle["_file"], "_row": sle["_row"],
    })  # fmt: skip


def _bins(bins: pd.DataFrame, as_of, report: ImportReport) -> pd.DataFrame:
    qty = to_number(bins["actual_qty"]).fillna(0.0)
    negative = qty < 0
    report.guess("negative stock in a Bin (allowed in ERPNext): 0 on hand", int(negative.sum()))
    return pd.DataFrame({"item_id": bins["item_code"], "site_id": bins["warehouse"],
                         "on_hand_qty": qty.clip(lower=0), "as_of": as_of,
                         "_file": bins["_file"], "_row": bins["_row"]})  # fmt: skip


def _work_orders(orders: pd.DataFrame) -> pd.DataFrame:
    done = orders["status"].isin(["Completed", "Closed"])
    return pd.DataFrame({
        "order_id": orders["name"], "product_item_id": orders["production_item"],
        "site_id": _col(orders, "fg_warehouse"), "qty": to_number(orders["qty"]),
        "status": orders["status"].map(WORK_ORDER_STATUS).fillna("planned"),
        "released_at": to_date(_col(orders, "planned_start_date")),
        "due_date": to_date(_col(orders, "expected_delivery_date")).dt.normalize(),
        "completed_at": to_date(_col(orders, "actual_end_date")).where(done),
        "_file": orders["_file"], "_row": orders["_row"],
    })  # fmt: skip


def _boms(bom: pd.DataFrame, lines: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """The default active BOM per item (ERPNext keeps old versions), per unit of it."""
    active = _col(bom, "is_active").isin(["", "1"]) & _col(bom, "docstatus").isin(["", "1"])
    bom = bom[active].assign(_default=_col(bom, "is_default").eq("1"))
    bom = bom.sort_values("_default", ascending=False).drop_duplicates("item")
    report.note("BOMs: each item's default active BOM; quantities per one unit of the item")
    head = bom.set_index("name")
    joined = lines[lines["parent"].isin(head.index)]
    per = joined["parent"].map(to_number(head["quantity"])).replace(0, 1.0).fillna(1.0)
    return pd.DataFrame({
        "parent_item_id": joined["parent"].map(head["item"]),
        "component_item_id": joined["item_code"],
        "qty_per": to_number(joined["qty"]) / per,
        "_file": joined["_file"], "_row": joined["_row"],
    })  # fmt: skip

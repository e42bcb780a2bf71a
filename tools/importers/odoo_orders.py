"""Odoo orders, BOMs and maintenance requests onto the contract's production and
maintenance tables, and the product reference every Odoo export uses."""

from __future__ import annotations

import pandas as pd

from stockwise.tools.importers.odoo_moves import convert
from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.values import to_date, to_number

PRODUCTION_STATES = {"draft": "planned", "confirmed": "released", "progress": "in_progress",
                     "to_close": "in_progress", "done": "completed",
                     "cancel": "cancelled"}  # fmt: skip


# maintenance.request stage (the default stages) -> work order status
REQUEST_STAGES = {"new request": "open", "in progress": "in_progress", "repaired": "completed",
                  "scrap": "completed"}  # fmt: skip


def maintenance_requests(requests: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """maintenance.request -> work orders: maintenance_type corrective / preventive, the
    stage as status (a custom stage is 'open', counted)."""
    blank = pd.Series("", index=requests.index)
    stage = requests.get("stage_id", blank).str.lower().map(REQUEST_STAGES)
    report.guess("maintenance request in a stage not among the default ones: open",
                 int(stage.isna().sum()))  # fmt: skip
    kind = requests.get("maintenance_type", blank).where(
        requests.get("maintenance_type", blank).isin(["corrective", "preventive"]), "corrective"
    )
    created = to_date(requests.get("request_date", blank))
    ids = (
        requests["id"]
        if "id" in requests
        else requests["name"] + "#" + requests["_row"].astype(str)
    )
    return pd.DataFrame({
        "wo_id": ids, "equipment_id": requests["equipment_id"], "wo_type": kind,
        "status": stage.fillna("open"), "created_at": created,
        "scheduled_for": to_date(requests.get("schedule_date", blank)),
        "completed_at": to_date(requests.get("close_date", blank)), "description": requests["name"],
        "_file": requests["_file"], "_row": requests["_row"],
    })  # fmt: skip


def product_ref(values: pd.Series, lookup: dict[str, str]) -> pd.Series:
    code = values.str.extract(r"^\[([^\]]+)\]", expand=False)
    return values.map(lookup).fillna(code).fillna(values)


def productions(mos, ref, item_uom, units, loc, report: ImportReport) -> pd.DataFrame:
    item = product_ref(mos["product_id"], ref)
    qty = to_number(mos["product_qty"])
    if "product_uom_id" in mos:
        qty = convert(qty, mos["product_uom_id"], item.map(item_uom), units)
    # The order's name starts with its warehouse's code (WH/MO/00012), in its company.
    prefix = mos["name"].str.split("/").str[0]
    company = mos.get("company_id", pd.Series("", index=mos.index))
    internal = loc[loc["usage"] == "internal"]
    by_key = internal.assign(k=internal["name"].str.split("/").str[0] + "|" + internal["company"])
    site = (prefix + "|" + company).map(by_key.drop_duplicates("k").set_index("k")["site_id"])
    blank = pd.Series("", index=mos.index)
    start = mos.get("date_start", mos.get("date_planned_start", pd.Series("", index=mos.index)))
    return pd.DataFrame({
        "order_id": mos["name"], "product_item_id": item, "site_id": site.fillna(prefix),
        "qty": qty,
        "status": mos["state"].map(PRODUCTION_STATES), "released_at": to_date(start),
        "due_date": to_date(mos.get("date_deadline", blank)).dt.normalize(),
        "completed_at": to_date(mos.get("date_finished", pd.Series("", index=mos.index)))
        .where(mos["state"].eq("done")),
        "_file": mos["_file"], "_row": mos["_row"],
    })  # fmt: skip


def boms(bom: pd.DataFrame, ref) -> pd.DataFrame:
    """An Odoo export of a one2many repeats nothing: a BOM's header cells are on its first
    line only, the next lines hold just the component. Fill them down."""
    head = bom[["product_tmpl_id", "product_qty"]].replace("", None).ffill()
    per = to_number(head["product_qty"]).replace(0, 1.0).fillna(1.0)
    return pd.DataFrame({
        "parent_item_id": product_ref(head["product_tmpl_id"], ref),
        "component_item_id": product_ref(bom["bom_line_ids/product_id"], ref),
        "qty_per": to_number(bom["bom_line_ids/product_qty"]) / per,
        "_file": bom["_file"], "_row": bom["_row"],
    })  # fmt: skip


def work_orders_progress(steps: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """mrp.workorder -> order_progress: one row per operation an order has reached (started
    or done), numbered in the export's order within each manufacturing order, which is
    Odoo's routing sequence. Operations not started yet are not progress."""
    blank = pd.Series("", index=steps.index)
    seq = steps.groupby("production_id", sort=False).cumcount() + 1
    started = to_date(steps.get("date_start", blank))
    finished = to_date(steps.get("date_finished", blank))
    reached = steps["state"].isin(["progress", "done"]) & started.notna()
    report.guess("work order operation not started (pending, waiting, ready): no progress row",
                 int((~reached & ~steps["state"].eq("cancel")).sum()))  # fmt: skip
    done = steps["state"].eq("done")
    out = pd.DataFrame({
        "order_id": steps["production_id"], "stage_seq": seq, "stage": steps["name"],
        "started_at": started, "finished_at": finished.where(done),
        "qty_good": to_number(steps.get("qty_produced", blank)).where(done),
        "_file": steps["_file"], "_row": steps["_row"],
    })  # fmt: skip
    return out[reached]

"""`--from odoo FOLDER`: CSV exports of Odoo models, one file per model named after it
(`product.product.csv`, `stock.move.csv`, ...), with Odoo's field names as headers (the
export dialog's "import-compatible" option) and many2one fields as display names.

Needed: product.product (or product.template), stock.location, stock.quant, stock.move.
Used when present: uom.uom, stock.warehouse.orderpoint, mrp.production, mrp.workorder,
mrp.bom, maintenance.equipment, maintenance.request. Field layouts: odoo/odoo
addons/stock/models (stock_move.py, stock_location.py, stock_quant.py,
stock_orderpoint.py), addons/uom/models/uom_uom.py, addons/mrp/models (mrp_production.py,
mrp_workorder.py, mrp_bom.py), addons/maintenance/models.

Multi-company: locations are told apart by (full name, company), since two companies'
warehouses are both `WH/Stock` by default; a warehouse code used by two companies becomes
two sites, `WH (Company)`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stockwise.tools.importers.errors import ImportRefusedError
from stockwise.tools.importers.files import load_export
from stockwise.tools.importers.odoo_moves import classify, convert
from stockwise.tools.importers.odoo_orders import (
    boms,
    maintenance_requests,
    product_ref,
    productions,
    work_orders_progress,
)
from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.values import keep_parsed, to_date, to_number

# Words in an Odoo product category -> (recorded_category, mro_subtype): Odoo has no
# WIP/MRO notion of its own, plants name their categories.
CATEGORY_WORDS = (("spare", ("mro", "spare_part")), ("consumable", ("mro", "consumable")),
                  ("tool", ("mro", "tool")), ("safety", ("mro", "safety")),
                  ("mro", ("mro", None)), ("raw", ("raw_material", None)),
                  ("semi", ("wip", None)), ("wip", ("wip", None)),
                  ("finished", ("finished_good", None)),
                  ("saleable", ("finished_good", None)))  # fmt: skip


def _load(folder: Path, names: tuple[str, ...], fields: tuple[str, ...], required=True):
    # Odoo names its export columns as the import expects only with 'import-compatible'.
    hint = "Odoo field name; export with 'import-compatible' ticked"
    return load_export(folder, names, fields, hint=hint, required=required)


def read_odoo(source: Path, report: ImportReport, **_) -> dict[str, pd.DataFrame]:
    folder = Path(source)
    products = _load(folder, ("product.product", "product.template"), ("name",))
    locations = _load(folder, ("stock.location",), ("complete_name", "usage"))
    quants = _load(folder, ("stock.quant",), ("product_id", "location_id", "quantity"))
    moves = _load(folder, ("stock.move",), ("product_id", "location_id", "location_dest_id",
                                            "date", "state"))  # fmt: skip
    uoms = _load(folder, ("uom.uom",), ("name", "category_id", "factor"), required=False)
    report.source_columns.update({"item_id": "product_id", "qty": "quantity"})
    units = _units(uoms)
    items = _items(products, report)
    ref = _product_lookup(products, items)
    item_uom = items.set_index("item_id")["uom"]
    loc = _locations(locations)
    site_of = loc.set_index("_key")["site_id"]
    frames: dict[str, pd.DataFrame] = {"items": items}
    txns = _moves(moves, ref, item_uom, units, loc, report)
    # Rows of items the master lacks are dropped later: they do not date the snapshot.
    known = txns["item_id"].isin(set(items["item_id"]))
    as_of = txns.loc[known, "ts"].max() if known.any() else pd.Timestamp.now().normalize()
    report.note(f"stock (stock.quant) taken as of {as_of:%Y-%m-%d %H:%M}, the last done move")
    frames["transactions"] = txns
    frames["stock_levels"] = _quants(quants, ref, loc, as_of, report)
    points = _load(folder, ("stock.warehouse.orderpoint",),
                   ("product_id", "location_id", "product_min_qty"), required=False)  # fmt: skip
    if points is not None:
        frames["stock_levels"] = _orderpoints(frames["stock_levels"], points, ref, site_of, report)
    mos = _load(folder, ("mrp.production",), ("name", "product_id", "product_qty", "state"),
                required=False)  # fmt: skip
    if mos is not None:
        frames["production_orders"] = productions(mos, ref, item_uom, units, loc, report)
        steps = _load(folder, ("mrp.workorder",), ("production_id", "name", "state"),
                      required=False)  # fmt: skip
        if steps is not None:
            frames["order_progress"] = work_orders_progress(steps, report)
    bom = _load(folder, ("mrp.bom",), ("product_tmpl_id", "product_qty",
                "bom_line_ids/product_id", "bom_line_ids/product_qty"), required=False)  # fmt: skip
    if bom is not None:
        frames["boms"] = boms(bom, ref)
    sites = loc[loc["usage"] == "internal"].drop_duplicates("site_id")
    frames["sites"] = pd.DataFrame({"site_id": sites["site_id"], "name": sites["site_name"]})
    equipment = _load(folder, ("maintenance.equipment",), ("name",), required=False)
    if equipment is not None:
        first = sites.set_index("company")["site_id"]
        frames["equipment"] = pd.DataFrame({
            "equipment_id": equipment["name"], "name": equipment["name"],
            "equipment_type": equipment.get("category_id", "equipment").replace("", "equipment"),
            "site_id": equipment.get("company_id", "").map(first[~first.index.duplicated()])
            .fillna(sites["site_id"].iloc[0]),
            "_file": equipment["_file"], "_row": equipment["_row"],
        })  # fmt: skip
        requests = _load(folder, ("maintenance.request",), ("name", "equipment_id"),
                         required=False)  # fmt: skip
        if requests is not None:
            frames["work_orders"] = maintenance_requests(requests, report)
    return frames


def _units(uoms) -> pd.DataFrame:
    if uoms is None:
        return pd.DataFrame(columns=["factor", "category"])
    return pd.DataFrame({"factor": to_number(uoms["factor"]).to_numpy(),
                         "category": uoms["category_id"].to_numpy()},
                        index=uoms["name"].to_numpy())  # fmt: skip


def _items(products: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    code = products.get("default_code", pd.Series("", index=products.index))
    fallback = products["id"] if "id" in products else products["name"]
    report.guess("no internal reference (default_code): the export id used as item id",
                 int((code == "").sum()))  # fmt: skip
    items = pd.DataFrame({"item_id": code.where(code != "", fallback),
                          "description": products["name"], "_file": products["_file"],
                          "_row": products["_row"]})  # fmt: skip
    items["uom"] = products.get("uom_id", pd.Series("", index=products.index)).replace("", "Units")
    cost = to_number(products.get("standard_price", pd.Series("", index=products.index)))
    report.guess("no cost (standard_price): unit cost 0", int(cost.isna().sum()))
    items["unit_cost"] = cost.fillna(0.0)
    categ = products.get("categ_id", pd.Series("", index=products.index)).str.lower()
    found = categ.map(lambda c: next((v for word, v in CATEGORY_WORDS if word in c), None))
    report.guess("category from words in the product category (spare, consumable, raw, ...)",
                 int(found.notna().sum()))  # fmt: skip
    items["recorded_category"] = found.map(lambda v: v[0] if v else None)
    items["mro_subtype"] = found.map(lambda v: v[1] if v else None)
    return items


def _product_lookup(products: pd.DataFrame, items: pd.DataFrame) -> dict[str, str]:
    """Display name ('[SEAL-50] Mechanical seal 50mm'), name or code -> item id."""
    lookup = dict(zip(products["name"], items["item_id"], strict=True))
    lookup.update({i: i for i in items["item_id"]})
    lookup.update(
        {f"[{i}] {n}": i for i, n in zip(items["item_id"], products["name"], strict=True)}
    )
    return lookup


def _locations(locations: pd.DataFrame) -> pd.DataFrame:
    company = locations.get("company_id", pd.Series("", index=locations.index))
    prefix = locations["complete_name"].str.split("/").str[0]
    internal = locations["usage"] == "internal"
    shared = (
        prefix[internal]
        .groupby(prefix[internal])
        .transform(lambda p: company[internal][p.index].nunique() > 1)
        .reindex(locations.index, fill_value=False)
    )
    site = prefix.where(~shared, prefix + " (" + company + ")")
    scrap = locations.get("scrap_location", pd.Series("", index=locations.index))
    return pd.DataFrame({
        "_key": locations["complete_name"] + "|" + company, "name": locations["complete_name"],
        "company": company, "usage": locations["usage"], "site_id": site,
        "site_name": (company + " " + prefix).str.strip(),
        "scrap": scrap.str.lower().isin(["true", "1", "yes"])
        | locations["complete_name"].str.lower().str.contains("scrap"),
    })  # fmt: skip


def _resolve(names: pd.Series, company: pd.Series, loc: pd.DataFrame) -> pd.DataFrame:
    """Location rows for (name, company), falling back to the shared one (no company)."""
    table = loc.drop_duplicates("_key").set_index("_key")
    key = names + "|" + company
    found = key.where(key.isin(table.index), names + "|")
    return table.reindex(found).set_axis(names.index)


def _moves(moves, ref, item_uom, units, loc, report: ImportReport) -> pd.DataFrame:
    file = str(moves["_file"].iloc[0]) if len(moves) else "stock.move.csv"
    done = moves["state"].eq("done")
    for state, group in moves[~done].groupby(moves["state"][~done]):
        report.drop(f"move not done (state {state}): no stock moved", file,
                    group.set_index("_row"), "state")  # fmt: skip
    moves = moves[done]
    qty_field = next(f for f in ("quantity", "quantity_done", "product_uom_qty", "product_qty")
                     if f in moves.columns or f == "product_qty")  # fmt: skip
    if qty_field not in moves.columns:
        raise ImportRefusedError(f"{file}: no quantity column (quantity, quantity_done)")
    ts = to_date(moves["date"])
    moves = keep_parsed(moves, "date", ts, what="a date", file=file, report=report)
    qty = to_number(moves[qty_field])
    moves = keep_parsed(moves, qty_field, qty, what="a number", file=file, report=report)
    item = product_ref(moves["product_id"], ref)
    unit = moves.get("product_uom", item.map(item_uom))
    converted = convert(qty[moves.index], unit, item.map(item_uom), units)
    # An item the master lacks is dropped later, as such, not as a unit problem.
    converted = converted.where(item.isin(item_uom.index), qty[moves.index])
    bad = converted.isna()
    report.drop("unit does not convert to the product's unit (uom.uom categories differ)", file,
                moves[bad].set_index("_row"), "product_uom")  # fmt: skip
    report.guess("quantity converted to the product's unit",
                 int((unit.ne(item.map(item_uom)) & ~bad).sum()))  # fmt: skip
    moves, item, converted = moves[~bad], item[~bad], converted[~bad]
    company = moves.get("company_id", pd.Series("", index=moves.index))
    src, dst = (
        _resolve(moves["location_id"], company, loc),
        _resolve(moves["location_dest_id"], company, loc),
    )
    ids = (
        moves["id"]
        if "id" in moves
        else moves.get("reference", "move") + "#" + moves["_row"].astype(str)
    )
    frame = moves.assign(
        _txn=ids, _ts=ts[moves.index], _item=item, _qty=converted,
        _src=src["usage"].fillna(""), _dst=dst["usage"].fillna(""),
        _src_site=src["site_id"], _dst_site=dst["site_id"],
        _scrap_dst=dst["scrap"].fillna(False).astype(bool),
        _mo_raw=moves.get("raw_material_production_id", ""), _mo_out=moves.get("production_id", ""),
    )  # fmt: skip
    return classify(frame, report)


def _quants(quants, ref, loc, as_of, report: ImportReport) -> pd.DataFrame:
    file = str(quants["_file"].iloc[0]) if len(quants) else "stock.quant.csv"
    company = quants.get("company_id", pd.Series("", index=quants.index))
    where = _resolve(quants["location_id"], company, loc)
    internal = where["usage"].eq("internal")
    report.drop("quant outside an internal location: not stock on hand", file,
                quants[~internal].set_index("_row"), "location_id")  # fmt: skip
    qty = to_number(quants["quantity"])
    rows = pd.DataFrame({"item_id": product_ref(quants["product_id"], ref),
                         "site_id": where["site_id"],
                         "qty": qty, "_file": quants["_file"],
                         "_row": quants["_row"]})[internal]  # fmt: skip
    stock = rows.groupby(["item_id", "site_id"], as_index=False, sort=False).agg(
        on_hand_qty=("qty", "sum"), _file=("_file", "first"), _row=("_row", "first")
    )
    negative = stock["on_hand_qty"] < 0
    report.guess("negative quant total: 0 on hand", int(negative.sum()))
    stock.loc[negative, "on_hand_qty"] = 0.0
    return stock.assign(as_of=as_of)


def _orderpoints(stock, points, ref, site_of, report: ImportReport) -> pd.DataFrame:
    company = points.get("company_id", pd.Series("", index=points.index))
    key = points["location_id"] + "|" + company
    site = key.map(site_of).fillna((points["location_id"] + "|").map(site_of))
    low, high = to_number(points["product_min_qty"]), to_number(points.get("product_max_qty", ""))
    policy = pd.DataFrame({"item_id": product_ref(points["product_id"], ref), "site_id": site,
                           "reorder_point": low,
                           "reorder_qty": (high - low).clip(lower=0)})  # fmt: skip
    report.note(
        "orderpoints: reorder point = min, order quantity = max - min (Odoo orders up to max)"
    )
    merged = stock.merge(policy.drop_duplicates(["item_id", "site_id"]), how="left")
    return merged

"""SAP material master onto `items`, `stock_levels` and `sites`.

MARA (general data: MTART material type, MEINS base unit), MAKT (texts, SPRAS language),
MARC (plant data: MINBE reorder point, EISBE safety stock, PLIFZ planned delivery days,
DISMM MRP type, BSTFE fixed lot size, BSTMI minimum lot size), MARD (storage-location
stock: LABST unrestricted, INSME in quality inspection, SPEME blocked), MBEW (valuation:
VPRSV price control S/V, STPRS standard price, VERPR moving average price, PEINH price
unit), T001W (plants, optional).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.sap.tables import SapTable

# MTART -> (recorded_category, mro_subtype). SAP's standard material types.
MATERIAL_TYPES: dict[str, tuple[str, str | None]] = {
    "ROH": ("raw_material", None),  # raw materials
    "VERP": ("raw_material", None),  # packaging
    "HALB": ("wip", None),  # semi-finished products
    "FERT": ("finished_good", None),  # finished products
    "HAWA": ("finished_good", None),  # trading goods
    "ERSA": ("mro", "spare_part"),  # spare parts
    "HIBE": ("mro", "consumable"),  # operating supplies
    "NLAG": ("mro", "consumable"),  # non-stock material
    "FHMI": ("mro", "tool"),  # production resources/tools
}
# SAP's internal unit codes (T006) where they differ from the usual ones.
UNITS = {"ST": "EA", "STK": "EA", "PC": "EA", "PCE": "EA", "KAR": "BOX", "PAK": "PAC"}
# MRP types that plan by reorder point (MINBE is meaningless for the others, e.g. ND).
REORDER_POINT_MRP = {"VB", "VM", "V1", "V2"}


def items_from(mara: SapTable, makt, marc, mbew, report: ImportReport) -> pd.DataFrame:
    items = pd.DataFrame({"item_id": mara.ids("MATNR"), "_file": mara.frame["_file"],
                          "_row": mara.frame["_row"]})  # fmt: skip
    mtart = mara.text("MTART").str.upper()
    known = mtart.isin(list(MATERIAL_TYPES))
    items["recorded_category"] = mtart.map(lambda t: MATERIAL_TYPES.get(t, (None, None))[0])
    items["mro_subtype"] = mtart.map(lambda t: MATERIAL_TYPES.get(t, (None, None))[1])
    for kind, n in mtart[~known].value_counts().items():
        report.guess(f"material type {kind or '(blank)'} has no contract category: left blank", n)
    unit = mara.text("MEINS").str.upper()
    items["uom"] = unit.map(lambda u: UNITS.get(u, u)).replace("", "EA")
    report.guess("base unit blank: EA used", int((unit == "").sum()))
    items["description"] = _texts(items["item_id"], makt)
    blank = items["description"].isna()
    items.loc[blank, "description"] = "Material " + items.loc[blank, "item_id"]
    report.guess("no MAKT text: 'Material <number>' used", int(blank.sum()))
    items["unit_cost"] = _prices(items["item_id"], mbew, report)
    if marc is not None:
        lead = pd.Series(marc.numbers("PLIFZ").to_numpy(), index=marc.ids("MATNR").to_numpy())
        lead = lead[~lead.index.duplicated()]  # first plant's: the contract has one per item
        items["lead_time_days"] = items["item_id"].map(lead)
    return items


def _texts(ids: pd.Series, makt: SapTable | None) -> pd.Series:
    if makt is None:
        return pd.Series(None, index=ids.index, dtype=object)
    lang = makt.text("SPRAS").str.upper()
    # English first, then German, then whatever the extract holds.
    rank = lang.map({"E": 0, "EN": 0, "D": 1, "DE": 1}).fillna(2)
    frame = pd.DataFrame({"id": makt.ids("MATNR"), "text": makt.text("MAKTX"), "rank": rank})
    best = frame[frame["text"] != ""].sort_values("rank", kind="stable").drop_duplicates("id")
    return ids.map(best.set_index("id")["text"])


def _prices(ids: pd.Series, mbew: SapTable | None, report: ImportReport) -> pd.Series:
    """Standard price for price control S, moving average for V, each per PEINH units:
    SAP keeps the price of 100 or 1,000 pieces for cheap parts, never of one."""
    if mbew is None:
        report.guess("no MBEW extract: unit cost 0", len(ids))
        return pd.Series(0.0, index=ids.index)
    control = mbew.text("VPRSV").str.upper()
    price = np.where(control == "V", mbew.numbers("VERPR"), mbew.numbers("STPRS"))
    per = mbew.numbers("PEINH").fillna(1.0).replace(0, 1.0)
    report.guess("MBEW price for a price unit (PEINH) > 1: divided by it", int((per > 1).sum()))
    unit = pd.Series(price / per.to_numpy(), index=mbew.ids("MATNR").to_numpy())
    several = unit.index.duplicated()
    report.guess("valued in several plants: the first valuation area's price used",
                 int(several.sum()))  # fmt: skip
    unit = unit[~several]
    cost = ids.map(unit)
    report.guess("no valuation (MBEW) row: unit cost 0", int(cost.isna().sum()))
    return cost.fillna(0.0)


def stock_from(mard: SapTable, marc, as_of: pd.Timestamp, report: ImportReport) -> pd.DataFrame:
    """One row per material and plant: MARD's storage locations summed. On hand is every
    valuated stock (unrestricted + quality inspection + blocked): it is all in the store."""
    qty = mard.numbers("LABST").fillna(0)
    for extra in ("INSME", "SPEME"):
        if mard.has(extra):
            qty = qty + mard.numbers(extra).fillna(0)
    rows = pd.DataFrame({"item_id": mard.ids("MATNR"), "site_id": mard.ids("WERKS"), "qty": qty,
                         "_file": mard.frame["_file"], "_row": mard.frame["_row"]})  # fmt: skip
    stock = rows.groupby(["item_id", "site_id"], as_index=False, sort=False).agg(
        on_hand_qty=("qty", "sum"), _file=("_file", "first"), _row=("_row", "first")
    )
    negative = stock["on_hand_qty"] < 0
    report.guess("negative MARD stock: 0 on hand", int(negative.sum()))
    stock.loc[negative, "on_hand_qty"] = 0.0
    stock["as_of"] = as_of
    if marc is None:
        return stock
    policy = pd.DataFrame({"item_id": marc.ids("MATNR"), "site_id": marc.ids("WERKS")})
    by_point = marc.text("DISMM").str.upper().isin(REORDER_POINT_MRP)
    policy["reorder_point"] = marc.numbers("MINBE").where(by_point)
    policy["safety_stock"] = marc.numbers("EISBE")
    fixed, minimum = marc.numbers("BSTFE"), marc.numbers("BSTMI")
    policy["reorder_qty"] = fixed.where(fixed > 0, minimum).where(by_point)
    report.guess("MRP type not a reorder-point type (DISMM not VB/VM/V1/V2): no reorder point",
                 int((~by_point).sum()))  # fmt: skip
    report.note("order quantity = MARC fixed lot size BSTFE, else minimum lot size BSTMI")
    return stock.merge(policy.drop_duplicates(["item_id", "site_id"]), how="left")


def sites_from(plants: set[str], t001w: SapTable | None) -> pd.DataFrame:
    names: dict[str, str] = {}
    if t001w is not None:
        names = dict(zip(t001w.ids("WERKS"), t001w.text("NAME1"), strict=True))
    ids = sorted(p for p in plants if p)
    return pd.DataFrame({"site_id": ids, "name": [names.get(p) or f"Plant {p}" for p in ids]})

"""SAP orders, equipment and BOMs onto the contract's production and maintenance tables.

AUFK (order master: AUTYP category 10 production / 30 maintenance, AUART order type,
WERKS, ERDAT, PHAS0-PHAS3 phase flags created / released / technically completed / closed,
LOEKZ deletion flag), AFKO (GSTRP basic start, GLTRP basic finish, GETRI actual finish),
AFPO (order item: MATNR, PSMNG planned quantity, WEMNG received), AFIH (maintenance order
header: EQUNR), EQUI (+ EQKT texts), MAST/STKO/STPO (material BOM link, header with
BMENG base quantity, items with IDNRK component and MENGE).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.sap.tables import SapTable
from stockwise.tools.importers.values import text_of, to_date

# AUART -> wo_type for SAP's standard maintenance order types.
MAINTENANCE_ORDER_TYPES = {"PM01": "corrective", "PM02": "preventive", "PM03": "preventive",
                           "PM04": "corrective", "PM05": "inspection"}  # fmt: skip


def order_categories(aufk: SapTable | None) -> pd.Series:
    """AUFNR -> AUTYP ('10' production, '30' maintenance)."""
    if aufk is None:
        return pd.Series(dtype=object)
    cats = pd.Series(aufk.text("AUTYP").str.lstrip("0").replace("", "0").to_numpy(),
                     index=aufk.ids("AUFNR").to_numpy())  # fmt: skip
    cats = cats.map(lambda c: c if len(c) == 2 else c.zfill(2))
    return cats[~cats.index.duplicated()]


def _phase(aufk: SapTable) -> pd.Series:
    flag = lambda f: aufk.text(f).str.upper().eq("X")  # noqa: E731
    phase = pd.Series("created", index=aufk.frame.index)
    phase[flag("PHAS1")] = "released"
    phase[flag("PHAS2") | flag("PHAS3")] = "completed"
    phase[flag("LOEKZ")] = "cancelled"
    return phase


def production_orders(aufk, afko, afpo, report: ImportReport) -> pd.DataFrame:
    if aufk is None or afpo is None:
        return pd.DataFrame()
    head = aufk.frame.assign(_id=aufk.ids("AUFNR"), _phase=_phase(aufk),
                             _cat=aufk.text("AUTYP").str.lstrip("0"))  # fmt: skip
    head = head[head["_cat"] == "10"]
    items = pd.DataFrame({"_id": afpo.ids("AUFNR"), "product_item_id": afpo.ids("MATNR"),
                          "qty": afpo.numbers("PSMNG"),
                          "_got": afpo.numbers("WEMNG").fillna(0)})  # fmt: skip
    items = items.drop_duplicates("_id")  # one product per order (co-products aside)
    orders = head.merge(items, on="_id", how="inner")
    status = orders["_phase"].map({"created": "planned", "released": "released",
                                   "completed": "completed", "cancelled": "cancelled"})  # fmt: skip
    status = status.mask((status == "released") & (orders["_got"] > 0), "in_progress")
    report.guess("order status from AUFK phase flags (and WEMNG > 0: in progress)", len(orders))
    out = pd.DataFrame({
        "order_id": orders["_id"], "product_item_id": orders["product_item_id"],
        "site_id": text_of(orders["WERKS"]) if "WERKS" in orders else None,
        "qty": orders["qty"], "status": status,
        "_file": orders["_file"], "_row": orders["_row"],
    })  # fmt: skip
    if afko is not None:
        dates = pd.DataFrame({"order_id": afko.ids("AUFNR"),
                              "released_at": to_date(afko.text("GSTRP")),
                              "due_date": to_date(afko.text("GLTRP")),
                              "completed_at": to_date(afko.text("GETRI"))})  # fmt: skip
        out = out.merge(dates.drop_duplicates("order_id"), on="order_id", how="left")
        done = out["status"] == "completed"
        out["completed_at"] = out["completed_at"].where(done)
    return out


def completion_dates(aufk: SapTable | None, afko: SapTable | None) -> pd.Series:
    """AUFNR -> the date a completed order finished (AFKO-GETRI, actual finish)."""
    if aufk is None or afko is None:
        return pd.Series(dtype="datetime64[ns]")
    done = set(aufk.ids("AUFNR")[_phase(aufk).eq("completed")])
    ids = afko.ids("AUFNR")
    finish = pd.Series(to_date(afko.text("GETRI")).to_numpy(), index=ids.to_numpy())
    finish = finish[~finish.index.duplicated()]
    return finish[finish.index.isin(done)].dropna()


def equipment(equi: SapTable | None, eqkt, default_site: str) -> pd.DataFrame:
    if equi is None:
        return pd.DataFrame()
    ids = equi.ids("EQUNR")
    names = pd.Series(dtype=object)
    if eqkt is not None:
        names = pd.Series(eqkt.text("EQKTX").to_numpy(), index=eqkt.ids("EQUNR").to_numpy())
        names = names[~names.index.duplicated()]
    plant = next((f for f in ("SWERK", "IWERK", "WERKS") if equi.has(f)), None)
    site = equi.ids(plant) if plant else pd.Series(default_site, index=ids.index)
    kind = equi.text("EQTYP").replace("", "equipment")
    return pd.DataFrame({
        "equipment_id": ids, "name": ids.map(names).fillna("Equipment " + ids),
        "equipment_type": kind, "site_id": site.replace("", default_site),
        "_file": equi.frame["_file"], "_row": equi.frame["_row"],
    })  # fmt: skip


def work_orders(aufk, afih, report: ImportReport) -> pd.DataFrame:
    if aufk is None or afih is None:
        return pd.DataFrame()
    head = aufk.frame.assign(_id=aufk.ids("AUFNR"), _phase=_phase(aufk),
                             _cat=aufk.text("AUTYP").str.lstrip("0"))  # fmt: skip
    head = head[head["_cat"] == "30"]
    link = pd.Series(afih.ids("EQUNR").to_numpy(), index=afih.ids("AUFNR").to_numpy())
    head = head.assign(equipment_id=head["_id"].map(link[~link.index.duplicated()]))
    report.drop("maintenance order without equipment (AFIH-EQUNR)", aufk.file,
                head[head["equipment_id"].fillna("") == ""].set_index("_row"), "AUFNR")  # fmt: skip
    head = head[head["equipment_id"].fillna("") != ""]
    auart = text_of(head["AUART"]).str.upper() if "AUART" in head else ""
    wo_type = pd.Series(auart, index=head.index).map(MAINTENANCE_ORDER_TYPES)
    report.guess("maintenance order type not PM01-PM05: corrective", int(wo_type.isna().sum()))
    status = head["_phase"].map({"created": "open", "released": "in_progress",
                                 "completed": "completed", "cancelled": "cancelled"})  # fmt: skip
    created = to_date(head["ERDAT"]) if "ERDAT" in head else pd.Series(pd.NaT, index=head.index)
    return pd.DataFrame({
        "wo_id": head["_id"], "equipment_id": head["equipment_id"],
        "wo_type": wo_type.fillna("corrective"), "status": status, "created_at": created,
        "description": head.get("KTEXT"),
        "_file": head["_file"], "_row": head["_row"],
    })  # fmt: skip


def boms(mast, stko, stpo, report: ImportReport) -> pd.DataFrame:
    """qty_per = STPO-MENGE / STKO-BMENG: SAP states components per base quantity of the
    header (often 100 or 1,000), the contract per one parent unit."""
    if mast is None or stpo is None:
        return pd.DataFrame()
    link = pd.DataFrame({"parent_item_id": mast.ids("MATNR"), "STLNR": mast.ids("STLNR")})
    base = pd.Series(1.0, index=[])
    if stko is not None:
        base = pd.Series(stko.numbers("BMENG").to_numpy(), index=stko.ids("STLNR").to_numpy())
        base = base[~base.index.duplicated()]
    items = pd.DataFrame({"STLNR": stpo.ids("STLNR"), "component_item_id": stpo.ids("IDNRK"),
                          "menge": stpo.numbers("MENGE"), "_file": stpo.frame["_file"],
                          "_row": stpo.frame["_row"]})  # fmt: skip
    per = items["STLNR"].map(base).fillna(1.0).replace(0, 1.0)
    report.guess("BOM base quantity BMENG > 1: component quantity divided by it",
                  int((per > 1).sum()))  # fmt: skip
    items["qty_per"] = items["menge"] / per
    out = link.drop_duplicates("STLNR").merge(items, on="STLNR", how="inner")
    bad = ~(out["qty_per"] > 0)
    report.drop("BOM item quantity MENGE not > 0", stpo.file, out[bad].set_index("_row"), "menge")
    out = (
        out[~bad]
        .groupby(["parent_item_id", "component_item_id"], as_index=False)
        .agg(qty_per=("qty_per", "sum"), _file=("_file", "first"), _row=("_row", "first"))
    )
    return out.assign(stage=np.nan)

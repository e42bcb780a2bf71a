"""`--from sap FOLDER`: a folder of SAP table extracts, one file per table, named by table.

Needed: MARA, MARD, and either MSEG (with MKPF, or with BUDAT_MKPF) or MATDOC. Used when
present: MAKT, MARC, MBEW, T001W, AUFK, AFKO, AFPO, AFIH, EQUI, EQKT, MAST, STKO, STPO.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stockwise.tools.importers.errors import ImportRefusedError
from stockwise.tools.importers.files import find_file
from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.sap import master, movements, orders
from stockwise.tools.importers.sap.tables import load_table

_SOURCE_COLUMNS = {"item_id": "MATNR", "site_id": "WERKS", "txn_id": "MBLNR/MJAHR/ZEILE",
                   "qty": "MENGE", "order_id": "AUFNR", "wo_id": "AUFNR",
                   "equipment_id": "EQUNR", "component_item_id": "IDNRK",
                   "parent_item_id": "MATNR", "product_item_id": "MATNR"}  # fmt: skip


def read_sap(source: Path, report: ImportReport, **_) -> dict[str, pd.DataFrame]:
    folder = Path(source)
    if not folder.is_dir():
        raise ImportRefusedError(f"--from sap reads a folder of table extracts; {folder} is a file")
    report.source_columns.update(_SOURCE_COLUMNS)
    mara = load_table(folder, "MARA", ("MATNR", "MTART"))
    makt = load_table(folder, "MAKT", ("MATNR", "MAKTX"), required=False)
    marc = load_table(folder, "MARC", ("MATNR", "WERKS"), required=False,
                      numeric=("MINBE", "EISBE", "PLIFZ", "BSTFE", "BSTMI"))  # fmt: skip
    mbew = load_table(folder, "MBEW", ("MATNR", "PEINH"), required=False,
                      numeric=("STPRS", "VERPR", "PEINH"))  # fmt: skip
    mard = load_table(folder, "MARD", ("MATNR", "WERKS", "LABST"), numeric=("LABST", "INSME"))
    doc_name = "MATDOC" if find_file(folder, ("MATDOC",)) else "MSEG"
    fields = ("MBLNR", "MJAHR", "ZEILE", "BWART", "MATNR", "WERKS", "SHKZG", "MENGE")
    mseg = load_table(folder, doc_name, fields, numeric=("MENGE",))
    mkpf = load_table(folder, "MKPF", ("MBLNR", "MJAHR", "BUDAT"), required=False)
    aufk = load_table(folder, "AUFK", ("AUFNR", "AUTYP"), required=False)
    assert mara is not None and mard is not None and mseg is not None  # required=True
    if mkpf is None and not {"BUDAT", "BUDAT_MKPF"} & set(mseg.frame.columns):
        raise ImportRefusedError(f"{mseg.file} has no posting date: add MKPF (MBLNR, MJAHR, BUDAT)")

    lines = movements.movement_lines(mseg, mkpf)
    txns = movements.map_movements(mseg, lines, orders.order_categories(aufk), report)
    del lines, mseg, mkpf  # the extract's text is the import's largest part: free it now
    # Rows of items the master lacks are dropped later: they do not date the snapshot.
    known = txns["item_id"].isin(set(mara.ids("MATNR")))
    as_of = txns.loc[known, "ts"].max() if known.any() else pd.Timestamp.now().normalize()
    report.note(f"stock (MARD) taken as of {as_of:%Y-%m-%d}, the last posting date")
    report.note("261 issues: to production for production orders (AUTYP 10), to maintenance "
                "for maintenance orders (AUTYP 30)")  # fmt: skip
    items = master.items_from(mara, makt, marc, mbew, report)
    stock = master.stock_from(mard, marc, as_of, report)
    t001w = load_table(folder, "T001W", ("WERKS",), required=False)
    plants = set(stock["site_id"]) | set(txns["site_id"])
    frames = {"items": items, "stock_levels": stock, "transactions": txns}
    frames["production_orders"] = orders.production_orders(
        aufk,
        load_table(folder, "AFKO", ("AUFNR",), required=False),
        load_table(folder, "AFPO", ("AUFNR", "MATNR", "PSMNG"), required=False, numeric=("PSMNG",)),
        report,
    )
    default_site = sorted(plants)[0] if plants else "MAIN"
    equi = load_table(folder, "EQUI", ("EQUNR",), required=False)
    frames["equipment"] = orders.equipment(
        equi, load_table(folder, "EQKT", ("EQUNR", "EQKTX"), required=False), default_site
    )
    if len(frames["equipment"]):
        plants |= set(frames["equipment"]["site_id"])
        frames["work_orders"] = orders.work_orders(
            aufk, load_table(folder, "AFIH", ("AUFNR", "EQUNR"), required=False), report
        )
    frames["boms"] = orders.boms(
        load_table(folder, "MAST", ("MATNR", "STLNR"), required=False),
        load_table(folder, "STKO", ("STLNR", "BMENG"), required=False, numeric=("BMENG",)),
        load_table(folder, "STPO", ("STLNR", "IDNRK", "MENGE"), required=False, numeric=("MENGE",)),
        report,
    )
    if len(frames["production_orders"]):
        plants |= set(frames["production_orders"]["site_id"])
    frames["sites"] = master.sites_from(plants, t001w)
    return {name: frame for name, frame in frames.items() if len(frame)}

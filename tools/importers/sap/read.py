"""`--from sap FOLDER`: a folder of SAP table extracts, one file per table, named by table.

Needed: MARA, MARD, and either MSEG (with MKPF, or with BUDAT_MKPF) or MATDOC. Used when
present: MAKT, MARC, MBEW, T001W, AUFK, AFKO, AFPO, AFRU, AFVC, AFIH, EQUI, EQKT, IMPTT,
IMRG, MPLA, MMPT, MPOS, RESB, MAST, STKO, STPO.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa

from stockwise.tools.importers.errors import ImportRefusedError
from stockwise.tools.importers.files import CHUNK_BYTES, find_file
from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.sap import maintenance, master, movements, orders
from stockwise.tools.importers.sap import progress as progress_
from stockwise.tools.importers.sap.tables import iter_table, load_table

_SOURCE_COLUMNS = {"item_id": "MATNR", "site_id": "WERKS", "txn_id": "MBLNR/MJAHR/ZEILE",
                   "qty": "MENGE", "order_id": "AUFNR", "wo_id": "AUFNR",
                   "equipment_id": "EQUNR", "component_item_id": "IDNRK",
                   "parent_item_id": "MATNR", "product_item_id": "MATNR"}  # fmt: skip


def read_sap(
    source: Path, report: ImportReport, progress: Callable[[str, float], None] | None = None, **_
) -> dict[str, pd.DataFrame]:
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
    aufk = load_table(folder, "AUFK", ("AUFNR", "AUTYP"), required=False)
    assert mara is not None and mard is not None  # required=True
    txns = _transactions(folder, orders.order_categories(aufk), report, progress)
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
    afko = load_table(folder, "AFKO", ("AUFNR",), required=False)
    frames["production_orders"] = orders.production_orders(
        aufk,
        afko,
        load_table(folder, "AFPO", ("AUFNR", "MATNR", "PSMNG"), required=False, numeric=("PSMNG",)),
        report,
    )
    frames["order_progress"] = progress_.order_progress(
        load_table(folder, "AFRU", ("AUFNR", "VORNR"), required=False,
                   numeric=("LMNGA", "XMNGA")),
        frames["production_orders"], report, afko=afko,
        afvc=load_table(folder, "AFVC", ("AUFPL", "VORNR", "LTXA1"), required=False),
    )  # fmt: skip
    default_site = sorted(plants)[0] if plants else "MAIN"
    equi = load_table(folder, "EQUI", ("EQUNR",), required=False)
    frames["equipment"] = orders.equipment(
        equi, load_table(folder, "EQKT", ("EQUNR", "EQKTX"), required=False), default_site
    )
    if len(frames["equipment"]):
        plants |= set(frames["equipment"]["site_id"])
        afih = load_table(folder, "AFIH", ("AUFNR", "EQUNR"), required=False)
        frames["work_orders"] = orders.work_orders(aufk, afih, report)
        frames["equipment_usage"] = maintenance.run_hours(
            load_table(folder, "IMPTT", ("POINT", "MPOBJ"), required=False),
            load_table(folder, "IMRG", ("POINT", "IDATE"), required=False,
                       numeric=("RECDV", "READG", "CNTRR")),
            report,
        )  # fmt: skip
        frames.update(maintenance.plans(
            load_table(folder, "MPLA", ("WARPL",), required=False),
            load_table(folder, "MMPT", ("WARPL", "ZYKL1", "ZEIEH"), required=False,
                       numeric=("ZYKL1",)),
            load_table(folder, "MPOS", ("WARPL", "EQUNR"), required=False),
            afih,
            load_table(folder, "RESB", ("AUFNR", "MATNR", "BDMNG"), required=False,
                       numeric=("BDMNG",)),
            orders.completion_dates(aufk, afko),
            report,
        ))  # fmt: skip
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


def _transactions(
    folder: Path,
    order_types: pd.Series,
    report: ImportReport,
    progress: Callable[[str, float], None] | None,
) -> pd.DataFrame:
    """The material documents (MSEG + MKPF, or MATDOC) mapped a block at a time: the
    extract's text and each step's copies are held for one block, and only the typed
    transactions for all of it (about 1 GiB instead of 10 for ten million lines)."""
    doc_name = "MATDOC" if find_file(folder, ("MATDOC",)) else "MSEG"
    fields = ("MBLNR", "MJAHR", "ZEILE", "BWART", "MATNR", "WERKS", "SHKZG", "MENGE")
    blocks = iter_table(folder, doc_name, fields, numeric=("MENGE",))
    first = next(blocks)
    dates = None
    if not {"BUDAT", "BUDAT_MKPF"} & set(first.frame.columns):
        mkpf = load_table(folder, "MKPF", ("MBLNR", "MJAHR", "BUDAT"), required=False)
        if mkpf is None:
            raise ImportRefusedError(
                f"{first.file} has no posting date: add MKPF (MBLNR, MJAHR, BUDAT)"
            )
        dates = movements.PostingDates(mkpf)
        del mkpf
    size = max((folder / first.file).stat().st_size, 1)
    parts, done = [], 0
    for block in itertools.chain([first], blocks):
        lines = movements.movement_lines(block, dates)
        parts.append(movements.map_lines(block, lines, order_types, report))
        done = min(done + CHUNK_BYTES, size)  # blocks are about CHUNK_BYTES of the file
        if progress is not None:
            progress(f"reading {first.file}", 0.05 + 0.4 * done / size)
        del lines, block
        # Hand the block's buffers back now: Arrow's allocator otherwise keeps them for
        # reuse, and over ten blocks that is gigabytes the typed rows do not need.
        pa.default_memory_pool().release_unused()
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    del parts
    return movements.net_movements(frame, report, first.file)

"""SAP order confirmations (AFRU) onto `order_progress`: how far each production order has
come through its routing.

AFRU holds one row per confirmation of an operation (AUFNR order, VORNR operation number,
LTXA1 confirmation text, ISDD/IEDD actual start and finish of execution, BUDAT posting
date, LMNGA yield, XMNGA scrap, AUERU 'X' on the final confirmation, STOKZ 'X' on a
confirmation that was cancelled and STZHL on the cancelling record itself). An operation
an order has confirmed at least once is a stage reached: started at its first execution
start, finished at the final confirmation's finish, yield and scrap summed. Operation
names come from AFVC (LTXA1 per AUFPL/VORNR) through AFKO-AUFPL when both are exported.
"""

from __future__ import annotations

import pandas as pd

from stockwise.tools.importers.report import ImportReport
from stockwise.tools.importers.sap.tables import SapTable
from stockwise.tools.importers.values import to_date


def order_progress(
    afru: SapTable | None,
    orders: pd.DataFrame,
    report: ImportReport,
    *,
    afko: SapTable | None = None,
    afvc: SapTable | None = None,
) -> pd.DataFrame:
    """One row per operation a production order in `orders` has confirmed."""
    if afru is None or orders.empty:
        return pd.DataFrame()
    cancelled = afru.text("STOKZ").str.upper().eq("X")
    cancelling = ~afru.ids("STZHL").isin(["", "0"])
    report.dropped["confirmation cancelled, or the record cancelling one (STOKZ/STZHL)"] += int(
        (cancelled | cancelling).sum()
    )
    rows = afru.frame.assign(
        order_id=afru.ids("AUFNR"),
        operation=afru.text("VORNR"),
        _start=to_date(afru.text("ISDD")).fillna(to_date(afru.text("BUDAT"))),
        _finish=to_date(afru.text("IEDD")).fillna(to_date(afru.text("BUDAT"))),
        _good=afru.numbers("LMNGA").fillna(0),
        _scrap=afru.numbers("XMNGA").fillna(0),
        _final=afru.text("AUERU").str.upper().eq("X"),
        _text=afru.text("LTXA1"),
    )[~(cancelled | cancelling)]
    production = rows["order_id"].isin(set(orders["order_id"]))
    report.guess("confirmation of an order that is not a production order: not WIP progress",
                 int((~production).sum()))  # fmt: skip
    rows = rows[production & rows["_start"].notna()]
    if rows.empty:
        return pd.DataFrame()
    stages = rows.groupby(["order_id", "operation"], sort=False).agg(
        started_at=("_start", "min"), _finish=("_finish", "max"), _final=("_final", "any"),
        qty_good=("_good", "sum"), qty_scrap=("_scrap", "sum"), _text=("_text", "first"),
        _file=("_file", "first"), _row=("_row", "first"),
    ).reset_index()  # fmt: skip
    # Operations are numbered 0010, 0020, ...: their order within the order is the stage.
    stages["_op"] = pd.to_numeric(stages["operation"], errors="coerce")
    stages = stages.sort_values(["order_id", "_op", "operation"], kind="stable")
    stages["stage_seq"] = stages.groupby("order_id").cumcount() + 1
    names = _operation_names(afko, afvc)
    name = stages.set_index(["order_id", "operation"]).index.map(names.get)
    stages["stage"] = pd.Series(name, index=stages.index).fillna(
        stages["_text"].where(stages["_text"] != "", "operation " + stages["operation"])
    )
    report.note("order progress from AFRU: an operation confirmed once is a stage reached; "
                "finished at its final confirmation (AUERU)")  # fmt: skip
    return pd.DataFrame({
        "order_id": stages["order_id"], "stage_seq": stages["stage_seq"],
        "stage": stages["stage"], "started_at": stages["started_at"],
        "finished_at": stages["_finish"].where(stages["_final"]),
        "qty_good": stages["qty_good"], "qty_scrap": stages["qty_scrap"],
        "_file": stages["_file"], "_row": stages["_row"],
    })  # fmt: skip


def _operation_names(afko: SapTable | None, afvc: SapTable | None) -> dict:
    """(order, operation) -> AFVC's operation text, through the order's routing number."""
    if afko is None or afvc is None or not afko.has("AUFPL"):
        return {}
    routing = pd.Series(afko.ids("AUFNR").to_numpy(), index=afko.ids("AUFPL").to_numpy())
    routing = routing[~routing.index.duplicated()]
    order = afvc.ids("AUFPL").map(routing)
    keys = zip(order.tolist(), afvc.text("VORNR").tolist(), strict=True)
    return {key: text for key, text in zip(keys, afvc.text("LTXA1").tolist(), strict=True)
            if key[0] is not None and text}  # fmt: skip

"""The WIP tools' order joins computed in the database, for a dataset whose production
orders and their progress rows stay there (both passed the load's checks in place:
`tools/dataset/sql_ledger.py`).

Each function returns the frame the in-memory join in `wip_frames.py` builds, restricted to
the rows the answer needs: open orders with their current stage, the finished stages of
the orders asked about, the median stage times per product and stage. Orders come back in
the order the table holds them (`ctid`), the order a whole read gives the in-memory path,
so ties sort the same on both paths. Queries are SQLAlchemy Core built from checked values.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from stockwise.tools.dataset.schema import OPEN_ORDER_STATUSES, TABLES
from stockwise.tools.stock.ledger_sql import SqlLedger

ORDER_COLUMNS = TABLES["production_orders"].column_names
PROGRESS_COLUMNS = TABLES["order_progress"].column_names
ORDERS = sa.table("production_orders", *(sa.column(c) for c in (*ORDER_COLUMNS, "ctid")))
PROGRESS = sa.table("order_progress", *(sa.column(c) for c in PROGRESS_COLUMNS))
STAMPS = ("released_at", "due_date", "completed_at", "started_at", "finished_at")


def _frame(sql: SqlLedger, what: str, query: sa.Select, columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(r) for r in sql._rows(what, query)], columns=columns)
    for name in STAMPS:
        if name in frame:
            frame[name] = pd.to_datetime(frame[name])
    return frame


def _orders(sql: SqlLedger, *where: sa.ColumnElement[bool]) -> sa.Select:
    return sa.select(*(ORDERS.c[c] for c in ORDER_COLUMNS)).where(*where).order_by(ORDERS.c.ctid)


def open_orders(sql: SqlLedger) -> pd.DataFrame:
    """The production orders that are open, every column."""
    query = _orders(sql, ORDERS.c.status.in_(OPEN_ORDER_STATUSES))
    return _frame(sql, "the open production orders", query, list(ORDER_COLUMNS))


def order_named(sql: SqlLedger, order: str) -> pd.DataFrame:
    """The order whose id is `order`, ignoring case (none or one row)."""
    query = _orders(sql, sa.func.lower(ORDERS.c.order_id) == order.lower())
    return _frame(sql, "the production order", query, list(ORDER_COLUMNS))


def order_ids_like(sql: SqlLedger, part: str, limit: int) -> list[str]:
    """Up to `limit` order ids containing `part`, ignoring case, in table order."""
    query = (
        sa.select(ORDERS.c.order_id)
        .where(sa.func.strpos(sa.func.lower(ORDERS.c.order_id), part.lower()) > 0)
        .order_by(ORDERS.c.ctid)
        .limit(limit)
    )
    return [str(r[0]) for r in sql._rows("production order ids", query)]


def current_stages(sql: SqlLedger) -> pd.DataFrame:
    """Open orders, each with its current stage (the progress row with the highest
    stage_seq); stage_seq and the stage's times are empty when none has started."""
    is_open = ORDERS.c.status.in_(OPEN_ORDER_STATUSES)
    # Only open orders' progress rows are sorted (527 orders of 260 k at scale 20).
    latest = (
        sa.select(*(PROGRESS.c[c] for c in ("order_id", "stage_seq", "stage", "started_at")))
        .add_columns(PROGRESS.c.finished_at)
        .where(PROGRESS.c.order_id.in_(sa.select(ORDERS.c.order_id).where(is_open)))
        .distinct(PROGRESS.c.order_id)
        .order_by(PROGRESS.c.order_id, PROGRESS.c.stage_seq.desc())
        .subquery()
    )
    stage_columns = ["stage_seq", "stage", "started_at", "finished_at"]
    query = (
        sa.select(*(ORDERS.c[c] for c in ORDER_COLUMNS), *(latest.c[c] for c in stage_columns))
        .select_from(ORDERS.outerjoin(latest, latest.c.order_id == ORDERS.c.order_id))
        .where(is_open)
        .order_by(ORDERS.c.ctid)
    )
    frame = _frame(sql, "the open orders' stages", query, [*ORDER_COLUMNS, *stage_columns])
    frame["stage_seq"] = frame["stage_seq"].astype(float)  # as a left merge leaves it
    return frame


def stage_names(sql: SqlLedger) -> list[str]:
    query = sa.select(PROGRESS.c.stage).where(PROGRESS.c.stage.is_not(None)).distinct()
    return sorted(str(r[0]) for r in sql._rows("the stage names", query))


def finished_stages(sql: SqlLedger, order: str | None) -> pd.DataFrame:
    """order_id, product_item_id, stage_seq, qty_good of the finished stages of the open
    orders, or of one order when `order` (its exact id) is given."""
    chosen = ORDERS.c.order_id == order if order else ORDERS.c.status.in_(OPEN_ORDER_STATUSES)
    query = (
        sa.select(PROGRESS.c.order_id, ORDERS.c.product_item_id, PROGRESS.c.stage_seq)
        .add_columns(PROGRESS.c.qty_good)
        .select_from(PROGRESS.join(ORDERS, ORDERS.c.order_id == PROGRESS.c.order_id))
        .where(PROGRESS.c.finished_at.is_not(None), chosen)
    )
    columns = ["order_id", "product_item_id", "stage_seq", "qty_good"]
    frame = _frame(sql, "the orders' finished stages", query, columns)
    frame["stage_seq"] = frame["stage_seq"].astype("int64")
    frame["qty_good"] = frame["qty_good"].astype(float)
    return frame


def stage_durations(sql: SqlLedger) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Median and count of finished stages' days, by product and stage_seq, and by stage."""
    seconds = sa.extract("epoch", PROGRESS.c.finished_at - PROGRESS.c.started_at)
    days = sa.cast(seconds, sa.Float) / 86400.0
    product, seq, stage = ORDERS.c.product_item_id, PROGRESS.c.stage_seq, PROGRESS.c.stage
    # Both groupings from one scan and join of the finished stages (grouping sets).
    query = (
        sa.select(
            product,
            seq,
            stage,
            sa.func.percentile_cont(0.5).within_group(days),
            sa.func.count(),
            sa.func.grouping(stage),
        )
        .select_from(PROGRESS.join(ORDERS, ORDERS.c.order_id == PROGRESS.c.order_id))
        .where(PROGRESS.c.finished_at.is_not(None))
        .group_by(sa.func.grouping_sets(sa.tuple_(product, seq), sa.tuple_(stage)))
    )
    columns = ["product_item_id", "stage_seq", "stage", "median", "size", "by_product"]
    frame = _frame(sql, "the typical stage times", query, columns)
    by_product = frame[frame["by_product"] == 1].astype({"stage_seq": "int64"})
    by_stage = frame[frame["by_product"] == 0]
    return (
        by_product.set_index(["product_item_id", "stage_seq"])[["median", "size"]].sort_index(),
        by_stage.set_index("stage")[["median", "size"]].sort_index(),
    )

"""The joins behind the WIP tools, kept apart from the tools' schemas and docstrings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import OPEN_ORDER_STATUSES
from stockwise.tools.stock import orders_sql
from stockwise.tools.stock.index import StockIndex

NOT_STARTED = "not started"
MIN_SAMPLES = 3  # fewer finished rows than this make a poor "typical" time


def current_stages(ds: Dataset, index: StockIndex) -> pd.DataFrame:
    """Open orders, each with its current stage: the progress row with the highest stage_seq."""
    if index.orders_db is not None:
        frame = orders_sql.current_stages(index.orders_db)
    else:
        orders = ds.production_orders
        open_orders = orders[orders["status"].isin(OPEN_ORDER_STATUSES)]
        progress = ds.order_progress
        latest = progress.sort_values(["order_id", "stage_seq"]).drop_duplicates(
            "order_id", keep="last"
        )
        frame = open_orders.merge(
            latest[["order_id", "stage_seq", "stage", "started_at", "finished_at"]],
            on="order_id",
            how="left",
        )
    frame["stage"] = frame["stage"].fillna(NOT_STARTED)
    names = ds.items.set_index("item_id")["description"]
    frame["description"] = frame["product_item_id"].map(names).fillna("")
    return frame


def orders_open(ds: Dataset, index: StockIndex) -> pd.DataFrame:
    """The open production orders, every column."""
    if index.orders_db is not None:
        return orders_sql.open_orders(index.orders_db)
    orders = ds.production_orders
    return orders[orders["status"].isin(OPEN_ORDER_STATUSES)]


def order_named(ds: Dataset, index: StockIndex, order: str) -> tuple[pd.DataFrame, list[str]]:
    """The order whose id is `order` ignoring case (none or one row), and when there is none,
    up to five ids that contain its last four characters."""
    db = index.orders_db
    if db is not None:
        found = orders_sql.order_named(db, order)
        return found, [] if len(found) else orders_sql.order_ids_like(db, order[-4:], 5)
    ids = ds.production_orders["order_id"]
    found = ds.production_orders[ids.str.lower() == order.lower()]
    if len(found):
        return found, []
    return found, ids[ids.str.contains(order[-4:], case=False, regex=False)].head(5).tolist()


def stage_names(ds: Dataset, index: StockIndex) -> list[str]:
    """Every stage name the progress rows use, sorted."""
    if index.orders_db is not None:
        return orders_sql.stage_names(index.orders_db)
    return sorted(set(ds.order_progress["stage"].dropna()))


def _issued_material(index: StockIndex) -> pd.DataFrame:
    """Per ref_id: minus the sum of qty x unit_cost over issue_production rows, and the count."""
    return index.memo("issued_material", lambda: _sum_issued_material(index))


def _sum_issued_material(index: StockIndex) -> pd.DataFrame:
    if index.sql:
        return index.sql.issued_material()
    categories = list(index.tx_type.categories)
    if "issue_production" in categories:
        rows = np.flatnonzero(index.tx_type.codes == categories.index("issue_production"))
    else:
        rows = np.array([], dtype=np.int64)
    # Codes for the order ids and two bincounts: a groupby over millions of id strings
    # (with its NA scan) cost twice as much at scale 20.
    ref_id = index.transactions["ref_id"].take(index.tx.source_row[rows])
    codes, orders = pd.factorize(ref_id, sort=True)
    cost = index.tx.qty[rows] * index.unit_cost[index.tx.item[rows]]
    known = codes >= 0  # rows without a ref_id are no order's
    n = len(orders)
    return pd.DataFrame(
        {
            "material_value": np.bincount(codes[known], weights=-cost[known], minlength=n),
            "issue_rows": np.bincount(codes[known], minlength=n),
        },
        index=pd.Index(orders, name="order_id"),
    )


def order_wip_values(
    ds: Dataset, index: StockIndex, orders: pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """Material, conversion and WIP value of each order in `orders` (contract definition)."""
    notes: list[str] = []
    frame = orders[["order_id", "product_item_id", "status"]].copy()
    issued = _issued_material(index)
    # reindex looks orders up in the cached hash of `issued`; a join would rebuild it.
    booked = issued.reindex(frame["order_id"].to_numpy()).fillna(0)
    frame["material_value"] = booked["material_value"].to_numpy()
    frame["issue_rows"] = booked["issue_rows"].to_numpy()

    db = index.orders_db
    if db is None:
        conversion, missing_routing, missing_qty = index.memo(
            "conversion", lambda: _conversion_by_order(ds, _finished_stages(ds))
        )
    elif len(orders) == 1 and orders["status"].iat[0] not in OPEN_ORDER_STATUSES:
        done = orders_sql.finished_stages(db, orders["order_id"].iat[0])
        conversion, missing_routing, missing_qty = _conversion_by_order(ds, done)
    else:  # the database sends the open orders' stages; a closed order is asked for alone
        conversion, missing_routing, missing_qty = index.memo(
            "conversion",
            lambda: _conversion_by_order(ds, orders_sql.finished_stages(db, None)),
        )
    wanted = frame["order_id"]
    if missing_routing.isin(wanted).any():
        notes.append(
            f"{int(missing_routing.isin(wanted).sum())} finished stages have no "
            "routing row; their conversion cost counts as 0"
        )
    if missing_qty.isin(wanted).any():
        notes.append(
            f"{int(missing_qty.isin(wanted).sum())} finished stages have no qty_good; counted as 0"
        )
    frame["conversion_value"] = frame["order_id"].map(conversion).fillna(0.0)
    frame["wip_value"] = frame["material_value"] + frame["conversion_value"]
    return frame, notes


def _finished_stages(ds: Dataset) -> pd.DataFrame:
    return ds.order_progress[ds.order_progress["finished_at"].notna()].merge(
        ds.production_orders[["order_id", "product_item_id"]], on="order_id"
    )


def _conversion_by_order(ds: Dataset, done: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per order of the finished stages `done`: conversion cost; and the order ids of
    finished stages lacking a routing row or a qty_good (counted as 0)."""
    done = done.merge(
        ds.routings, on=["product_item_id", "stage_seq"], how="left", suffixes=("", "_routing")
    )
    done["conversion_value"] = (
        done["qty_good"].fillna(0)
        * done["std_hours_per_unit"].fillna(0)
        * (done["labor_rate"].fillna(0) + done["overhead_rate"].fillna(0))
    )
    return (
        done.groupby("order_id")["conversion_value"].sum(),
        done.loc[done["std_hours_per_unit"].isna(), "order_id"],
        done.loc[done["qty_good"].isna(), "order_id"],
    )


def _stage_durations(ds: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    done = ds.order_progress[ds.order_progress["finished_at"].notna()].merge(
        ds.production_orders[["order_id", "product_item_id"]], on="order_id"
    )
    done["days"] = (done["finished_at"] - done["started_at"]).dt.total_seconds() / 86400
    by_product = done.groupby(["product_item_id", "stage_seq"])["days"].agg(["median", "size"])
    by_stage = done.groupby("stage")["days"].agg(["median", "size"])
    return by_product, by_stage


def typical_stage_days(ds: Dataset, index: StockIndex, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (product_item_id, stage_seq, stage) with typical_days and typical_basis: the
    median duration of finished rows of the same product and stage, or of the same stage
    name across products when the product has fewer than MIN_SAMPLES."""
    db = index.orders_db
    if db is not None:
        durations = index.memo("stage_durations", lambda: orders_sql.stage_durations(db))
    else:
        durations = index.memo("stage_durations", lambda: _stage_durations(ds))
    by_product, by_stage = durations
    out = frame.join(by_product, on=["product_item_id", "stage_seq"])
    out = out.join(by_stage, on="stage", rsuffix="_stage")
    use_product = out["size"].fillna(0) >= MIN_SAMPLES
    use_stage = ~use_product & (out["size_stage"].fillna(0) >= MIN_SAMPLES)
    out["typical_days"] = np.where(
        use_product, out["median"], np.where(use_stage, out["median_stage"], np.nan)
    )
    out["typical_basis"] = np.where(
        use_product,
        "product and stage, n=" + out["size"].fillna(0).astype(int).astype(str),
        "stage across products, n=" + out["size_stage"].fillna(0).astype(int).astype(str),
    )
    return out.drop(columns=["median", "size", "median_stage", "size_stage"])

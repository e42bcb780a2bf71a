"""Component needs of open production orders, timed by where each order really is.

An order consumes a BOM line's components when it starts the line's stage. Components of
stages the order has already started are issued; the rest are still needed. Each remaining
stage starts when the one before it is expected to end, taking the typical duration seen on
finished orders; an order past its typical time at its current stage is assumed to move on
today, so everything downstream of a stalled order moves later by the overrun.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.dataset.model import Dataset
from stockwise.tools.replenish.bom import bom_lines, check_acyclic, draw_requirements

OPEN_STATUSES = ("released", "in_progress")
DEFAULT_STAGE_DAYS = 1.0


def typical_stage_days(ds: Dataset) -> tuple[dict, dict]:
    """Median days per (product, stage_seq) and per stage name, over finished stages."""
    progress = ds.order_progress.dropna(subset=["finished_at"])
    if progress.empty:
        return {}, {}
    days = (progress["finished_at"] - progress["started_at"]) / pd.Timedelta(days=1)
    frame = progress.assign(days=days.clip(lower=0.0)).merge(
        ds.production_orders[["order_id", "product_item_id"]], on="order_id", how="left"
    )
    by_product = frame.groupby(["product_item_id", "stage_seq"])["days"].median().to_dict()
    by_stage = frame.groupby("stage")["days"].median().to_dict()
    return by_product, by_stage


def _stage_plan(order, routing: pd.DataFrame, progress: pd.DataFrame, typical, as_of):
    """(stage_seq, stage, projected_start, on_schedule_start) for stages not yet started,
    plus a description of the current stage (or None)."""
    by_product, by_stage = typical

    def days_of(seq, name):
        value = by_product.get((order.product_item_id, seq), by_stage.get(name))
        return DEFAULT_STAGE_DAYS if value is None or np.isnan(value) else float(value)

    stages = routing.sort_values("stage_seq")
    current = None
    if progress.empty:
        start = max(as_of, order.released_at) if pd.notna(order.released_at) else as_of
        projected, scheduled, after = start, start, 0
    else:
        row = progress.sort_values("stage_seq").iloc[-1]
        after = int(row.stage_seq)
        typical_days = days_of(after, row.stage)
        if pd.notna(row.finished_at):
            projected = scheduled = max(as_of, row.finished_at)
        else:
            scheduled = row.started_at + pd.Timedelta(days=typical_days)
            projected = max(as_of, scheduled)
            elapsed = (as_of - row.started_at) / pd.Timedelta(days=1)
            current = {"stage": row.stage, "elapsed_days": elapsed, "typical_days": typical_days}
    plan = []
    for stage in stages.itertuples():
        if stage.stage_seq <= after:
            continue
        plan.append((int(stage.stage_seq), stage.stage, projected, scheduled))
        step = pd.Timedelta(days=days_of(stage.stage_seq, stage.stage))
        projected, scheduled = projected + step, scheduled + step
    return plan, current


def component_needs(
    ds: Dataset,
    orders: pd.DataFrame | None = None,
    *,
    lines: dict | None = None,
    typical: tuple[dict, dict] | None = None,
) -> pd.DataFrame:
    """Every component the open orders (or `orders`) still need, one row per order, BOM
    line and level: order_id, product_item_id, site_id, item_id, qty, level, path, stage,
    need_date, on_schedule_date, delay_days, current_stage, stage_elapsed_days,
    stage_typical_days. Raises BomCycleError on a looping BOM. `lines` (checked for cycles)
    and `typical` (`typical_stage_days`) save their work when the caller keeps them."""
    if lines is None:
        lines = bom_lines(ds.boms)
        check_acyclic(lines)
    as_of = ds.as_of
    if orders is None:
        orders = ds.production_orders[ds.production_orders["status"].isin(OPEN_STATUSES)]
    typical = typical if typical is not None else typical_stage_days(ds)
    routings = {k: g for k, g in ds.routings.groupby("product_item_id")}
    # Only the orders asked about: splitting every order's progress (250,000 orders at scale
    # 20, most long finished) into frames took minutes.
    progress = ds.order_progress
    progress = progress[progress["order_id"].isin(orders["order_id"])]
    progress_by_order = {k: g for k, g in progress.groupby("order_id")}
    # Only made items' stock is drawn from (sub-assemblies on the shelf): the rest is not read.
    levels = ds.stock_levels
    levels = levels[levels["item_id"].isin(list(lines))]
    stock = levels.groupby(["item_id", "site_id"], observed=True)["on_hand_qty"].sum()
    available: dict[tuple[str, str], dict[str, float]] = {}
    rows = []
    empty = ds.order_progress.iloc[0:0]
    for order in orders.itertuples():
        routing = routings.get(order.product_item_id, ds.routings.iloc[0:0])
        plan, current = _stage_plan(
            order, routing, progress_by_order.get(order.order_id, empty), typical, as_of
        )
        first_seq = int(routing["stage_seq"].min()) if len(routing) else 1
        stage_of = {name: seq for seq, name, _, _ in plan}
        routing_names = set(routing["stage"])
        when = {seq: (proj, sched) for seq, _, proj, sched in plan}
        if not len(routing) and not progress_by_order.get(order.order_id, empty).empty:
            continue  # no routing and already started: its materials are issued
        if not len(routing):
            start = as_of
            when = {first_seq: (start, start)}
        if order.site_id not in available:
            available[order.site_id] = {
                i: q for (i, s), q in stock.items() if s == order.site_id and i in lines
            }
        site_stock = available[order.site_id]
        for line in lines.get(order.product_item_id, []):
            # A line without a stage, or naming one the routing lacks, is consumed when the
            # order starts; a line whose stage has started is already issued.
            if line.stage in stage_of:
                seq = stage_of[line.stage]
            elif line.stage is None or line.stage not in routing_names:
                seq = first_seq
            else:
                continue
            if seq not in when:
                continue
            projected, scheduled = when[seq]
            drawn = draw_requirements(
                lines,
                line.component,
                order.qty * line.qty_per,
                site_stock,
                1,
                f"{order.product_item_id} > {line.component}",
            )
            for item, qty, level, path in drawn:
                rows.append(
                    {
                        "order_id": order.order_id,
                        "product_item_id": order.product_item_id,
                        "site_id": order.site_id,
                        "item_id": item,
                        "qty": qty,
                        "level": level,
                        "path": path,
                        "stage": line.stage,
                        "need_date": projected.normalize(),
                        "on_schedule_date": scheduled.normalize(),
                        "delay_days": max((projected - scheduled) / pd.Timedelta(days=1), 0.0),
                        "current_stage": current["stage"] if current else None,
                        "stage_elapsed_days": current["elapsed_days"] if current else None,
                        "stage_typical_days": current["typical_days"] if current else None,
                    }
                )
    return pd.DataFrame(rows, columns=NEED_COLUMNS)


NEED_COLUMNS = [
    "order_id",
    "product_item_id",
    "site_id",
    "item_id",
    "qty",
    "level",
    "path",
    "stage",
    "need_date",
    "on_schedule_date",
    "delay_days",
    "current_stage",
    "stage_elapsed_days",
    "stage_typical_days",
]

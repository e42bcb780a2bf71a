"""Per item-and-site facts the replenishment policy needs: group, criticality, lead time,
unit cost, order-size rules and the current policy from `stock_levels`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel

from stockwise.tools.core.results import Evidence
from stockwise.tools.dataset.model import Dataset

# recorded_category -> replenishment group; finished goods are made, not bought.
GROUP_OF_CATEGORY = {"mro": "mro", "raw_material": "raw", "wip": "wip"}
GROUPS = ("mro", "raw", "wip")
# Order-size rules an ERP export may carry as extra columns (items or stock_levels).
MOQ_COLUMNS = ("moq", "min_order_qty", "minimum_order_qty")
MULTIPLE_COLUMNS = ("order_multiple", "lot_size", "order_multiple_qty")


def _first_present(frame: pd.DataFrame, names: tuple[str, ...]) -> pd.Series | None:
    for name in names:
        if name in frame.columns:
            return pd.to_numeric(frame[name], errors="coerce")
    return None


def item_site_facts(ds: Dataset) -> pd.DataFrame:
    """One row per `stock_levels` row, with everything a policy needs.

    Columns: item_id, site_id, description, uom, unit_cost, group, criticality, lead_time_days
    (item's, else its supplier's, NaN when neither has one), lead_time_source, supplier_id,
    on_hand_qty, current_reorder_point, current_reorder_qty, current_safety_stock, moq,
    order_multiple.
    """
    stock = ds.stock_levels
    items = ds.items.set_index("item_id")
    suppliers = ds.suppliers.set_index("supplier_id")
    out = stock[["item_id", "site_id", "on_hand_qty"]].copy()
    out["current_reorder_point"] = stock["reorder_point"].astype(float)
    out["current_reorder_qty"] = stock["reorder_qty"].astype(float)
    out["current_safety_stock"] = stock["safety_stock"].astype(float)
    joined = items.reindex(out["item_id"])
    out["description"] = joined["description"].to_numpy()
    out["uom"] = joined["uom"].to_numpy()
    out["unit_cost"] = joined["unit_cost"].astype(float).fillna(0.0).to_numpy()
    category = joined["recorded_category"].astype(object)
    out["group"] = category.map(GROUP_OF_CATEGORY).astype(object).to_numpy()
    crit = joined["criticality"].astype(object).to_numpy()
    out["criticality_recorded"] = crit
    # Without a recorded criticality the lowest class applies; the result says so.
    out["criticality"] = np.where(pd.isna(crit), "C", crit)
    out["supplier_id"] = joined["supplier_id"].to_numpy()
    item_lt = joined["lead_time_days"].astype(float).to_numpy()
    supplier_lt = (
        suppliers["lead_time_days"].astype(float).reindex(joined["supplier_id"]).to_numpy()
        if not suppliers.empty
        else np.full(len(out), np.nan)
    )
    out["lead_time_days"] = np.where(np.isnan(item_lt), supplier_lt, item_lt)
    out["lead_time_source"] = np.where(
        ~np.isnan(item_lt), "item", np.where(np.isnan(supplier_lt), "missing", "supplier")
    )
    for target, names in (("moq", MOQ_COLUMNS), ("order_multiple", MULTIPLE_COLUMNS)):
        values = _first_present(stock, names)
        if values is None:
            from_items = _first_present(ds.items.set_index("item_id"), names)
            values = (
                from_items.reindex(out["item_id"]).reset_index(drop=True)
                if from_items is not None
                else None
            )
        out[target] = np.nan if values is None else values.to_numpy(dtype=float)
    return out.reset_index(drop=True)


def lead_time_problems(facts: pd.DataFrame) -> list[str]:
    """Plain-language notes for rows whose lead time is missing or zero."""
    notes = []
    missing = facts[facts["lead_time_source"] == "missing"]
    for row in missing.head(20).itertuples():
        supplier = (
            f"its supplier {row.supplier_id} has none" if row.supplier_id else "it has no supplier"
        )
        notes.append(
            f"{row.item_id} at {row.site_id}: no lead time on the item and {supplier};"
            " left out of planning — set items.lead_time_days"
        )
    if len(missing) > 20:
        notes.append(f"... and {len(missing) - 20} more items without a lead time")
    zero = facts[facts["lead_time_days"] == 0]
    if len(zero):
        notes.append(
            f"{len(zero)} item(s) have a lead time of 0 days (e.g. {zero['item_id'].iloc[0]}):"
            " planned with 1 day, the daily review period"
        )
    return notes


def store_evidence(
    tool: str, args: BaseModel, ds: Dataset, stock_rows: int, transactions: int,
    ids: list[str], notes: list[str],
) -> Evidence:  # fmt: skip
    """The evidence of a replenishment tool: its arguments, the `stock_levels` rows and
    transactions it used, the ids listed and how it computed."""
    return Evidence(
        tool=tool, params=args.model_dump(), as_of=ds.as_of,
        rows_used={"stock_levels": stock_rows, "transactions": transactions},
        ids=ids, notes=notes,
    )  # fmt: skip

"""Detectors over stock and master data: dead stock and probable duplicate items."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from tools.anomalies.detectors import Finding, _costs, _rows, _severity
from tools.dataset.model import Dataset
from tools.dataset.schema import DEMAND_TXN_TYPES


def dead_stock(ds: Dataset, days: int) -> list[Finding]:
    """Stock on hand that was received but not issued for `days` days (or never)."""
    txn = ds.transactions
    as_of = ds.as_of
    since = as_of - pd.Timedelta(days=days)
    on_hand = ds.stock_levels.groupby("item_id", observed=True)["on_hand_qty"].sum()
    on_hand = on_hand[on_hand > 0]
    last_issue = (
        txn[txn["txn_type"].isin(DEMAND_TXN_TYPES)].groupby("item_id", observed=True)["ts"].max()
    )
    # Stock came in by receipt, by production, or as the opening balance of the history.
    inbound = txn[
        txn["txn_type"].isin(["receipt", "production_output"]) | (txn["ref_type"] == "opening")
    ]
    first_in = inbound.groupby("item_id", observed=True)["ts"].min()
    last_in = inbound.groupby("item_id", observed=True)["ts"].max()
    frame = pd.DataFrame({"on_hand_qty": on_hand})
    frame["first_in"] = first_in.reindex(frame.index)
    frame["last_in"] = last_in.reindex(frame.index)
    frame["last_issue"] = last_issue.reindex(frame.index)
    idle = frame["last_issue"].isna() | (frame["last_issue"] < since)
    # Held long enough to judge: the stock came in before the window started.
    old = frame["first_in"].notna() & (frame["first_in"] < since)
    hits = frame[idle & old]
    cost = _costs(ds)
    recent = txn[txn["item_id"].isin(hits.index)].sort_values("ts")
    recent = recent.groupby("item_id", observed=True).tail(5)
    recent_by_item = dict(list(recent.groupby("item_id", observed=True)))
    out = []
    for item_id, row in hits.iterrows():
        value = float(row["on_hand_qty"] * cost.get(item_id, 0.0))
        never = pd.isna(row["last_issue"])
        when = "never issued" if never else f"last issued {row['last_issue'].date()}"
        out.append(
            Finding(
                kind="dead_stock",
                item_id=item_id,
                severity=_severity(value, 20_000, 2_000),
                value_at_stake=round(value, 2),
                summary=(
                    f"{item_id}: {row['on_hand_qty']:g} on hand worth {value:,.0f}, {when}; "
                    f"first received {row['first_in'].date()}"
                ),
                evidence_rows=_rows(row.to_frame().T.reset_index(names="item_id"))
                + _rows(recent_by_item.get(item_id, recent.iloc[0:0])),
            )
        )
    return out


def duplicate_items(
    ds: Dataset, min_similarity: float = 0.3, cost_tolerance: float = 0.10
) -> list[Finding]:
    """Two ids for the same thing: a copied master record under another name.

    Candidates share a number in their descriptions (a size, a part number: "6205" in "BRG
    6205-2RS" and "BEARING 6205 2RS SKF"), the same unit of measure, lead time and
    criticality, and a cost within `cost_tolerance`; their descriptions must then be similar
    as character n-grams, which survives abbreviations ("HYD OIL VG46" vs "HYDRAULIC OIL").
    """
    items = ds.items.drop_duplicates("item_id").reset_index(drop=True)
    desc = items["description"].fillna("").str.upper()
    numbers = desc.map(lambda text: set(re.findall(r"\d+", text))).to_numpy()
    pairs_in = pd.DataFrame(
        [(i, n) for i, found in enumerate(numbers) for n in found if len(n) >= 2],
        columns=["i", "n"],
    )
    if pairs_in.empty:
        return []
    pairs = pairs_in.merge(pairs_in, on="n")
    pairs = pairs[pairs["i_x"] < pairs["i_y"]][["i_x", "i_y"]].drop_duplicates()
    a, b = pairs["i_x"].to_numpy(), pairs["i_y"].to_numpy()

    def same(col: str) -> np.ndarray:
        values = items[col].astype(object).where(items[col].notna(), "").to_numpy()
        return values[a] == values[b]

    cost = items["unit_cost"].fillna(0).to_numpy()
    close = np.abs(cost[a] - cost[b]) <= cost_tolerance * np.maximum(cost[a], cost[b])
    # Every number of the shorter description appears in the longer one ("VG46" in "HYD OIL
    # VG46 20 LTR" and "OIL ISO VG 46"); "ROD 135MM" and "ROD 123MM" are different parts.
    nested = np.array(
        [numbers[i] <= numbers[j] or numbers[j] <= numbers[i] for i, j in zip(a, b, strict=True)],
        dtype=bool,
    )
    keep = same("uom") & same("lead_time_days") & same("criticality") & close & nested
    a, b = a[keep], b[keep]
    if len(a) == 0:
        return []
    grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
    vectors = grams.fit_transform(desc)
    similarity = np.asarray(vectors[a].multiply(vectors[b]).sum(axis=1)).ravel()
    on_hand = ds.stock_levels.groupby("item_id", observed=True)["on_hand_qty"].sum()
    cols = ["item_id", "description", "uom", "supplier_id", "unit_cost", "lead_time_days"]
    out = []
    for i, j, sim in zip(a, b, similarity, strict=True):
        if sim < min_similarity:
            continue
        first, second = items.iloc[i], items.iloc[j]
        value = float(
            on_hand.get(first["item_id"], 0) * cost[i] + on_hand.get(second["item_id"], 0) * cost[j]
        )
        out.append(
            Finding(
                kind="duplicate_item",
                item_id=second["item_id"],
                ref_id=first["item_id"],
                severity=_severity(value, 20_000, 2_000),
                value_at_stake=round(value, 2),
                summary=(
                    f'{first["item_id"]} "{first["description"]}" and {second["item_id"]} '
                    f'"{second["description"]}" look like one item under two ids: same uom, '
                    f"lead time and criticality, cost {cost[i]:g} vs {cost[j]:g}, "
                    f"description similarity {sim:.2f}"
                ),
                evidence_rows=_rows(items.iloc[[i, j]][cols]),
            )
        )
    return out

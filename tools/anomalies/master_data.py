"""Detectors over stock and master data: dead stock and probable duplicate items."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from tools.anomalies.detectors import Finding, _costs, _rows, _severity
from tools.dataset.model import Dataset
from tools.dataset.schema import DEMAND_TXN_TYPES


def dead_stock(ds: Dataset, days: int) -> list[Finding]:
    """Stock on hand that was received but not issued for `days` days (or never)."""
    txn = ds.transactions
    as_of = ds.as_of
    since = as_of - pd.Timedelta(days=days)
    on_hand = ds.stock_levels.groupby("item_id")["on_hand_qty"].sum()
    on_hand = on_hand[on_hand > 0]
    last_issue = txn[txn["txn_type"].isin(DEMAND_TXN_TYPES)].groupby("item_id")["ts"].max()
    inbound = txn[txn["txn_type"].isin(["receipt", "production_output"])]
    first_in = inbound.groupby("item_id")["ts"].min()
    last_in = inbound.groupby("item_id")["ts"].max()
    frame = pd.DataFrame({"on_hand_qty": on_hand})
    frame["first_in"] = first_in.reindex(frame.index)
    frame["last_in"] = last_in.reindex(frame.index)
    frame["last_issue"] = last_issue.reindex(frame.index)
    idle = frame["last_issue"].isna() | (frame["last_issue"] < since)
    # Held long enough to judge: the stock came in before the window started.
    old = frame["first_in"].notna() & (frame["first_in"] < since)
    hits = frame[idle & old]
    cost = _costs(ds)
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
                + _rows(txn[txn["item_id"] == item_id].sort_values("ts").tail(5)),
            )
        )
    return out


_WORD = re.compile(r"[a-z0-9]+")


def _normalise(text: str | None) -> str:
    return " ".join(sorted(_WORD.findall((text or "").lower())))


def _numbers(text: str) -> str:
    # "bearing 6204" and "bearing 6205" read alike but are different parts: sizes, ratings
    # and model numbers must match exactly.
    return " ".join(sorted(t for t in text.split() if any(ch.isdigit() for ch in t)))


def duplicate_items(
    ds: Dataset, min_similarity: float = 88.0, cost_tolerance: float = 0.15
) -> list[Finding]:
    """Two ids for the same thing: similar descriptions, same uom and supplier, similar cost."""
    items = ds.items.drop_duplicates("item_id").copy()
    items["norm"] = items["description"].map(_normalise)
    items = items[items["norm"] != ""]
    items["block"] = (
        items["uom"].fillna("")
        + "|"
        + items["supplier_id"].fillna("-")
        + "|"
        + items["norm"].map(_numbers)
    )
    on_hand = ds.stock_levels.groupby("item_id")["on_hand_qty"].sum()
    out = []
    for _, group in items.groupby("block"):
        if len(group) < 2:
            continue
        names = group["norm"].tolist()
        sims = process.cdist(names, names, scorer=fuzz.token_sort_ratio, workers=1)
        pairs = np.argwhere(np.triu(sims >= min_similarity, k=1))
        rows = group.reset_index(drop=True)
        for i, j in pairs:
            a, b = rows.iloc[i], rows.iloc[j]
            ca, cb = float(a["unit_cost"] or 0), float(b["unit_cost"] or 0)
            if abs(ca - cb) > cost_tolerance * max(ca, cb, 1e-9):
                continue
            value = float(on_hand.get(a["item_id"], 0) * ca + on_hand.get(b["item_id"], 0) * cb)
            evidence = rows.iloc[[i, j]][
                ["item_id", "description", "uom", "supplier_id", "unit_cost", "recorded_category"]
            ]
            out.append(
                Finding(
                    kind="duplicate_item",
                    item_id=b["item_id"],
                    ref_id=a["item_id"],
                    severity=_severity(value, 20_000, 2_000),
                    value_at_stake=round(value, 2),
                    summary=(
                        f'{a["item_id"]} "{a["description"]}" and {b["item_id"]} '
                        f'"{b["description"]}" look like the same item (same uom and '
                        f"supplier, similarity {sims[i, j]:.0f}%, cost {ca:g} vs {cb:g})"
                    ),
                    evidence_rows=_rows(evidence),
                )
            )
    return out

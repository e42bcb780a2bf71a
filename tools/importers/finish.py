"""Checks every importer needs after mapping, done once: duplicated documents, movements
of items the master does not hold, zero quantities.

Mapped frames carry two provenance columns, `_file` and `_row` (the source file and its
spreadsheet row), so a row dropped here is still reported where the planner can find it;
`strip` removes them before the dataset is written.
"""

from __future__ import annotations

import pandas as pd

from stockwise.tools.dataset.schema import TABLES
from stockwise.tools.importers.report import ImportReport

PROVENANCE = ("_file", "_row")
# table, column -> the master table and key it must be found in
_ITEM_REFERENCES = (
    ("stock_levels", "item_id"),
    ("transactions", "item_id"),
    ("boms", "parent_item_id"),
    ("boms", "component_item_id"),
    ("production_orders", "product_item_id"),
    ("pm_plan_parts", "item_id"),
)


def with_provenance(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """`frame` (indexed by spreadsheet row) with its provenance columns set, in place:
    every caller owns a frame it has just read, and a copy of a ten-million-row extract
    is a gigabyte."""
    frame["_file"] = file
    frame["_row"] = frame.index.to_numpy()
    return frame


def _drop_rows(frame: pd.DataFrame, mask: pd.Series, reason: str, column: str, report) -> None:
    for file, group in frame[mask].groupby("_file", sort=False, observed=True):
        report.drop(reason, str(file), group.set_index("_row"), column)


def finish(
    frames: dict[str, pd.DataFrame], report: ImportReport, known_items: set[str] | None = None
) -> dict[str, pd.DataFrame]:
    """The frames with bad rows dropped (and reported); `known_items` are items already
    in the dataset an incremental import adds to."""
    out = {name: _ensure_provenance(frame) for name, frame in frames.items()}
    for name, frame in out.items():
        key = [c for c in TABLES[name].key if c in frame.columns]
        if not key or frame.empty:
            continue
        dup = frame.duplicated(subset=key, keep="first")
        if dup.any():
            _drop_rows(
                frame,
                dup,
                f"{name}: {'/'.join(key)} seen before (a duplicated document)",
                key[0],
                report,
            )
            out[name] = frame[~dup]
    if "transactions" in out:
        txns = out["transactions"]
        zero = txns["qty"].eq(0)
        _drop_rows(txns, zero, "quantity is 0 (a movement is never 0)", "qty", report)
        out["transactions"] = txns[~zero]
    items = set(out["items"]["item_id"]) if "items" in out else set()
    items |= known_items or set()
    for name, column in _ITEM_REFERENCES:
        if name not in out or out[name].empty:
            continue
        frame = out[name]
        orphan = ~frame[column].isin(items)
        if orphan.any():
            _drop_rows(frame, orphan, f"{name}: item not in the item master", column, report)
            out[name] = frame[~orphan]
    return out


def strip(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """`frames` without their provenance columns, in place: `drop` would copy every
    other column of a ten-million-row table to lose two."""
    for frame in frames.values():
        for column in PROVENANCE:
            if column in frame.columns:
                del frame[column]
    return frames


def _ensure_provenance(frame: pd.DataFrame) -> pd.DataFrame:
    if "_file" in frame.columns:
        return frame
    out = frame.copy()
    out["_file"] = "(derived)"
    out["_row"] = None
    return out

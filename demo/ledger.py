"""The demo's transaction ledger, held as numpy arrays until it is written.

At `--scale 50` the ledger has tens of millions of rows, so it never holds Python strings:
items are row numbers into the item table, times are seconds since the history start, and
a reference is a number into one shared pool of document ids (orders, work orders, POs...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stockwise.tools.dataset.schema import REF_TYPES, TXN_SIGNS

TXN_TYPES = tuple(TXN_SIGNS)
TXN_CODE = {name: np.int8(i) for i, name in enumerate(TXN_TYPES)}
REF_CODE = {name: np.int8(i) for i, name in enumerate(REF_TYPES)}
NO_REF = -1
DAY = 86400
COLUMNS = ("ts", "item", "site", "qty", "txn_type", "ref_type", "ref")
DTYPES = {
    "ts": np.int64,
    "item": np.int32,
    "site": np.int8,
    "qty": np.float64,
    "txn_type": np.int8,
    "ref_type": np.int8,
    "ref": np.int64,
}


@dataclass
class Ledger:
    chunks: list[dict[str, np.ndarray]] = field(default_factory=list)
    ref_pool: list[np.ndarray] = field(default_factory=list)
    pool_size: int = 0

    def register_refs(self, ids: np.ndarray | list[str]) -> int:
        """Add document ids to the pool; returns the pool number of the first one."""
        start = self.pool_size
        arr = np.asarray(ids, dtype=object)
        self.ref_pool.append(arr)
        self.pool_size += len(arr)
        return start

    def add(self, ts, item, site, qty, txn_type: str, ref_type: str | None = None, ref=NO_REF):  # type: ignore[no-untyped-def]
        qty = np.asarray(qty, dtype=np.float64)
        n = max(np.size(ts), np.size(item), np.size(qty), np.size(ref))
        chunk: dict[str, np.ndarray] = {
            "ts": np.broadcast_to(np.asarray(ts, dtype=np.int64), n),
            "item": np.broadcast_to(np.asarray(item, dtype=np.int32), n),
            "site": np.broadcast_to(np.asarray(site, dtype=np.int8), n),
            "qty": np.broadcast_to(qty, n),
            "txn_type": np.full(n, TXN_CODE[txn_type], dtype=np.int8),
            "ref_type": np.full(n, REF_CODE[ref_type] if ref_type else NO_REF, dtype=np.int8),
            "ref": np.broadcast_to(np.asarray(ref, dtype=np.int64), n),
        }
        keep = chunk["qty"] != 0  # a movement is never 0
        if not keep.all():
            chunk = {k: v[keep] for k, v in chunk.items()}
        if len(chunk["qty"]):
            self.chunks.append({k: np.ascontiguousarray(v) for k, v in chunk.items()})

    def arrays(self) -> dict[str, np.ndarray]:
        if not self.chunks:
            return {c: np.empty(0, dtype=DTYPES[c]) for c in COLUMNS}
        merged = {c: np.concatenate([ch[c] for ch in self.chunks]) for c in COLUMNS}
        self.chunks = [merged]
        return merged

    def pool(self) -> np.ndarray:
        return np.concatenate(self.ref_pool) if self.ref_pool else np.empty(0, dtype=object)


def round_qty(qty: np.ndarray, uom_is_each: np.ndarray | bool) -> np.ndarray:
    """Whole units for EA/BOX/PR items, three decimals for kilograms, litres, metres."""
    return np.where(uom_is_each, np.round(qty), np.round(qty, 3))

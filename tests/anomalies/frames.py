"""A tiny plant built row by row, for tests that need exact control over a few items."""

from __future__ import annotations

import pandas as pd

from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.dataset.model import Dataset

AS_OF = pd.Timestamp("2025-06-30 18:00")
OPENING = pd.Timestamp("2023-07-01")


class Plant:
    def __init__(self) -> None:
        self.items: list[dict] = []
        self.txns: list[dict] = []
        self.stock: list[dict] = []
        self.boms: list[dict] = []
        self.kit: list[dict] = []

    def item(self, item_id, description="part", uom="EA", cost=10.0, crit="C", **kw):  # type: ignore[no-untyped-def]
        self.items.append(
            dict(item_id=item_id, description=description, uom=uom, unit_cost=cost,
                 criticality=crit, **kw)
        )  # fmt: skip
        return self

    def txn(self, item_id, qty, kind, ts, site="S1", ref_type=None, ref_id=None):  # type: ignore[no-untyped-def]
        self.txns.append(
            dict(txn_id=f"T{len(self.txns) + 1}", ts=pd.Timestamp(ts), item_id=item_id,
                 site_id=site, qty=float(qty), txn_type=kind, ref_type=ref_type, ref_id=ref_id)
        )  # fmt: skip
        return self

    def opening(self, item_id, qty, site="S1"):  # type: ignore[no-untyped-def]
        return self.txn(item_id, qty, "adjustment", OPENING, site, "opening", "OPENING")

    def on_hand(self, item_id, qty, site="S1", rop=None, rq=None):  # type: ignore[no-untyped-def]
        self.stock.append(
            dict(item_id=item_id, site_id=site, on_hand_qty=float(qty), as_of=AS_OF,
                 reorder_point=rop, reorder_qty=rq)
        )  # fmt: skip
        return self

    def dataset(self) -> Dataset:
        frames = {
            "sites": pd.DataFrame({"site_id": ["S1", "S2"], "name": ["One", "Two"]}),
            "items": pd.DataFrame(self.items),
            "transactions": pd.DataFrame(self.txns),
            "stock_levels": pd.DataFrame(self.stock),
            "boms": pd.DataFrame(
                self.boms, columns=["parent_item_id", "component_item_id", "qty_per"]
            ),
            "pm_plan_parts": pd.DataFrame(self.kit, columns=["plan_id", "item_id", "qty"]),
        }
        return dataset_from_frames(frames, source="anomaly-test-plant")

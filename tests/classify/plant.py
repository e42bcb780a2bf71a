"""A small hand-made plant for the classification and anomaly tests.

Each category behaves the way the contract describes it (raw material bought and issued to
production orders, WIP produced and consumed in a later BOM, finished goods produced and sold,
MRO issued to maintenance work orders and kitted in PM plans), and a few anomalies are planted
on purpose with known ids.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.dataset.frames import dataset_from_frames
from stockwise.tools.dataset.model import Dataset

AS_OF = pd.Timestamp("2025-01-01 12:00")
START = pd.Timestamp("2024-01-01")

RAW_WORDS = [
    "steel sheet 2mm",
    "flour type 550",
    "resin pellets",
    "copper wire 1.5",
    "sugar fine",
    "pcb blank fr4",
    "aluminium bar",
    "carton box 40x30",
]
WIP_WORDS = ["dough batch", "pressed housing", "soldered board", "machined shaft"]
FG_WORDS = ["bread loaf 500g", "control unit cu-7", "pump assembly", "bracket kit"]
MRO_WORDS = {
    "spare_part": ["bearing 6204 2rs", "hydraulic seal kit", "v-belt a42", "relay 24v"],
    "consumable": ["hydraulic oil hlp46", "grease ep2", "cleaning solvent", "coolant conc"],
    "tool": ["torque wrench 40nm", "drill bit 8mm hss", "end mill 10mm", "hex key set"],
    "safety": ["nitrile gloves size l", "safety glasses clear", "ear plugs", "hi-vis vest"],
}


class PlantBuilder:
    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.items: list[dict] = []
        self.txns: list[dict] = []
        self.boms: list[dict] = []
        self.stock: list[dict] = []
        self.orders: list[dict] = []
        self.kit: list[dict] = []

    def ts(self) -> pd.Timestamp:
        return START + pd.Timedelta(hours=int(self.rng.integers(0, 360 * 24)))

    def txn(self, item, qty, kind, ref_type=None, ref_id=None, ts=None, site="S1"):  # type: ignore[no-untyped-def]
        self.txns.append(
            dict(
                txn_id=f"T{len(self.txns) + 1}",
                ts=ts or self.ts(),
                item_id=item,
                site_id=site,
                qty=qty,
                txn_type=kind,
                ref_type=ref_type,
                ref_id=ref_id,
            )
        )

    def item(self, item_id, desc, category, uom, cost, supplier, subtype=None, crit="C"):  # type: ignore[no-untyped-def]
        self.items.append(
            dict(
                item_id=item_id,
                description=desc,
                uom=uom,
                unit_cost=cost,
                recorded_category=category,
                mro_subtype=subtype,
                supplier_id=supplier,
                criticality=crit,
            )
        )

    def settle(self, item_id: str, variance: float = 0.0) -> None:
        """A stock row equal to the book balance (plus a planted variance)."""
        book = sum(t["qty"] for t in self.txns if t["item_id"] == item_id)
        self.stock.append(
            dict(
                item_id=item_id,
                site_id="S1",
                on_hand_qty=max(book + variance, 0),
                as_of=AS_OF,
                reorder_point=None,
            )
        )


def build_plant(n_per_class: int = 24, seed: int = 0) -> PlantBuilder:
    b = PlantBuilder(seed)
    r = b.rng
    for i in range(n_per_class):
        rid, wid, fid = f"R{i:03d}", f"W{i:03d}", f"F{i:03d}"
        b.item(
            rid,
            f"{RAW_WORDS[i % len(RAW_WORDS)]} v{i}",
            "raw_material",
            "KG",
            float(r.uniform(1, 20)),
            "D1",
        )
        b.item(
            wid,
            f"{WIP_WORDS[i % len(WIP_WORDS)]} stage {i}",
            "wip",
            "EA",
            float(r.uniform(20, 80)),
            None,
        )
        b.item(
            fid,
            f"{FG_WORDS[i % len(FG_WORDS)]} model {i}",
            "finished_good",
            "EA",
            float(r.uniform(80, 300)),
            None,
        )
        b.boms += [
            dict(parent_item_id=wid, component_item_id=rid, qty_per=2.0, stage="forming"),
            dict(parent_item_id=fid, component_item_id=wid, qty_per=1.0, stage="assembly"),
        ]
        # Opening stock larger than all later issues, so no book ever goes negative.
        for opening, qty in ((rid, 300.0), (wid, 150.0), (fid, 150.0)):
            b.txn(opening, qty, "adjustment", "opening", None, START)
        for k in range(12):
            order = f"PO-{i}-{k}"
            b.orders.append(
                dict(
                    order_id=order, product_item_id=fid, site_id="S1", qty=10.0, status="completed"
                )
            )
            b.txn(rid, float(r.integers(100, 300)), "receipt", "purchase_order", f"PUR-{i}-{k}")
            b.txn(rid, -20.0, "issue_production", "production_order", order)
            b.txn(wid, 10.0, "production_output", "production_order", order)
            b.txn(wid, -10.0, "issue_production", "production_order", order)
            b.txn(fid, 10.0, "production_output", "production_order", order)
            b.txn(fid, -float(r.integers(5, 10)), "issue_sales", "sales_order", f"SO-{i}-{k}")
        for item_id in (rid, wid, fid):
            b.settle(item_id)
    subtypes = list(MRO_WORDS)
    for i in range(n_per_class):
        sub = subtypes[i % 4]
        mid = f"M{i:03d}"
        uom = "L" if sub == "consumable" else "PR" if sub == "safety" else "EA"
        b.item(
            mid,
            f"{MRO_WORDS[sub][(i // 4) % 4]} #{i}",
            "mro",
            uom,
            float(r.uniform(5, 400)),
            "O1" if sub == "spare_part" else "M1",
            sub,
            "A" if sub == "spare_part" else "C",
        )
        b.txn(mid, 200.0, "receipt", "purchase_order", f"PUR-M{i}", START)
        for k in range(int(r.integers(4, 9))):
            b.txn(mid, -float(r.integers(1, 4)), "issue_maintenance", "work_order", f"WO-{i}-{k}")
        if sub == "spare_part":
            b.kit.append(dict(plan_id="PM1", item_id=mid, qty=1.0))
        b.settle(mid)
    return b


def to_dataset(b: PlantBuilder) -> Dataset:
    frames = {
        "sites": pd.DataFrame({"site_id": ["S1"], "name": ["Riverside"]}),
        "suppliers": pd.DataFrame(
            {
                "supplier_id": ["D1", "M1", "O1"],
                "name": ["Steel Co", "MRO Direct", "Press OEM"],
                "supplier_type": ["direct_material", "mro_distributor", "oem_spares"],
                "lead_time_days": [14.0, 3.0, 40.0],
            }
        ),
        "items": pd.DataFrame(b.items),
        "stock_levels": pd.DataFrame(b.stock),
        "transactions": pd.DataFrame(b.txns),
        "boms": pd.DataFrame(b.boms),
        "production_orders": pd.DataFrame(b.orders),
        "equipment": pd.DataFrame(
            {
                "equipment_id": ["E1"],
                "name": ["Press P-3"],
                "equipment_type": ["hydraulic_press"],
                "site_id": ["S1"],
            }
        ),
        "pm_plans": pd.DataFrame(
            {
                "plan_id": ["PM1"],
                "equipment_id": ["E1"],
                "interval_unit": ["days"],
                "interval": [90.0],
            }
        ),
        "pm_plan_parts": pd.DataFrame(b.kit or [], columns=["plan_id", "item_id", "qty"]),
    }
    return dataset_from_frames(frames, source="test-plant")

"""The demo's item master: the catalog's named items plus scaled filler items.

Filler ids are drawn from a shuffled range starting at 10000, so an id never gives away
its category. Each row carries the truth (`category`, `mro_subtype`) and, separately, what
the ERP records (`rec_*`), which `labels.py` later corrupts for the planted share.
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import asdict

import numpy as np
import pandas as pd

from stockwise.demo import catalog, vocab

FILLER_ID_START = 10000
# Filler items at scale 1, by (category, subtype or family).
FILLER_RAW = {"FOOD": 110, "HYD": 150, "PCB": 190}
FILLER_MRO = {"spare_part": 900, "consumable": 240, "tool": 70, "safety": 45}
ITEM_COLUMNS = [
    "item_id",
    "description",
    "uom",
    "unit_cost",
    "category",
    "mro_subtype",
    "criticality",
    "supplier_id",
    "lead_time_days",
    "family",
    "fits",
    "sites",
    "named",
    "rec_category",
    "rec_subtype",
    "rec_criticality",
]
_FAMILY_SUPPLIERS = {
    "FOOD": ("SUP-002", "SUP-004", "SUP-005"),
    "HYD": ("SUP-001", "SUP-040"),
    "PCB": ("SUP-003", "SUP-041"),
}
_OEM_BY_TYPE = {
    "hydraulic_press": "SUP-020",
    "hydraulic_power_unit": "SUP-020",
    "pick_and_place": "SUP-021",
    "mixer": "SUP-022",
    "oven": "SUP-022",
    "packing_line": "SUP-022",
    "cnc_machine": "SUP-023",
    "wave_soldering": "SUP-024",
    "reflow_oven": "SUP-024",
    "chiller": "SUP-031",
}
_SUPPLIER_LEAD = {s[0]: s[3] for s in catalog.SUPPLIERS}


class IdPool:
    """Hands out filler item ids in a seeded, shuffled order."""

    def __init__(self, rng: np.random.Generator, size: int):
        self._ids = FILLER_ID_START + rng.permutation(size)
        self._next = 0

    def take(self) -> str:
        value = self._ids[self._next]
        self._next += 1
        return str(value)


def type_sites() -> dict[str, str]:
    """Equipment type -> the sites where such equipment stands ("S1", "S2" or "S1 S2")."""
    sites: dict[str, set[str]] = {}
    for eq in catalog.EQUIPMENT:
        sites.setdefault(eq.equipment_type, set()).add(eq.site_id)
    return {t: " ".join(sorted(s)) for t, s in sites.items()}


def _resolve(recorded, truth):  # type: ignore[no-untyped-def]
    return truth if recorded == catalog.TRUTH else recorded


def named_rows() -> list[dict]:
    sites_of_type = type_sites()
    raw_family = {
        item_id: p.family
        for p in catalog.PRODUCTS
        for parts in p.components.values()
        for item_id, _ in parts
    }
    rows = []
    for it in catalog.NAMED_ITEMS:
        if it.category == "raw_material":
            family = raw_family[it.item_id]
            sites = catalog.FAMILIES[family].site_id
        else:
            family = ""
            fit_sites = {s for t in it.fits for s in sites_of_type[t].split()}
            sites = " ".join(sorted(fit_sites)) or "S1 S2"
            if it.item_id == catalog.DEAD_STOCK_ITEM_ID:
                sites = "S1"  # the scrapped presses stood at Riverside
        row = asdict(it)
        row.update(
            family=family,
            fits=" ".join(it.fits),
            sites=sites,
            named=True,
            rec_category=_resolve(it.recorded_category, it.category),
            rec_subtype=_resolve(it.recorded_mro_subtype, it.mro_subtype),
            rec_criticality=_resolve(it.recorded_criticality, it.criticality),
        )
        rows.append(row)
    return rows


def filler_count(scale: float) -> int:
    return sum(round(n * scale) for n in (*FILLER_RAW.values(), *FILLER_MRO.values()))


def filler_rows(rng: np.random.Generator, scale: float, ids: IdPool) -> list[dict]:
    sites_of_type = type_sites()
    types = sorted(sites_of_type)
    rows = []

    clean: list[str] = []

    def add(desc, uom, cost, category, subtype, crit, supplier, family, fits, sites):  # type: ignore[no-untyped-def]
        lead = float(_SUPPLIER_LEAD[supplier] * rng.uniform(0.7, 1.6))
        # A fifth of items leave lead time blank: it falls back to the supplier's.
        lead_value = None if rng.random() < 0.2 else round(lead)
        clean.append(desc)
        rows.append(
            dict(
                item_id=ids.take(),
                description=vocab.mess_up(desc, rng),
                uom=uom,
                unit_cost=round(cost, 4 if cost < 1 else 2),
                category=category,
                mro_subtype=subtype,
                criticality=crit,
                supplier_id=supplier,
                lead_time_days=lead_value,
                family=family,
                fits=fits,
                sites=sites,
                named=False,
                rec_category=category,
                rec_subtype=subtype,
                rec_criticality=crit,
            )
        )

    for family, base in FILLER_RAW.items():
        for _ in range(round(base * scale)):
            desc, uom, cost = vocab.raw(family, rng)
            crit = str(rng.choice(["A", "B", "C"], p=[0.15, 0.5, 0.35]))
            supplier = str(rng.choice(_FAMILY_SUPPLIERS[family]))
            site = catalog.FAMILIES[family].site_id
            add(desc, uom, cost, "raw_material", None, crit, supplier, family, "", site)
    makers = {
        "spare_part": vocab.spare,
        "consumable": vocab.consumable,
        "tool": vocab.tool,
        "safety": vocab.safety,
    }
    for subtype, base in FILLER_MRO.items():
        for _ in range(round(base * scale)):
            desc, uom, cost = makers[subtype](rng)
            if subtype in ("spare_part", "consumable"):
                fit = types[int(rng.integers(len(types)))]
                sites = sites_of_type[fit]
                oem = _OEM_BY_TYPE.get(fit)
                supplier = (
                    oem
                    if oem and subtype == "spare_part" and rng.random() < 0.6
                    else (str(rng.choice(["SUP-010", "SUP-011", "SUP-013", "SUP-050"])))
                )
                crit = str(rng.choice(["A", "B", "C"], p=[0.12, 0.43, 0.45]))
            else:
                fit, sites = "", str(rng.choice(["S1", "S2", "S1 S2"]))
                supplier = "SUP-012" if subtype == "safety" else "SUP-010"
                if "CALIPER" in desc or "TORQUE" in desc:
                    supplier = "SUP-030"  # bought calibrated, through the calibration service
                crit = "C"
            add(desc, uom, cost, "mro", subtype, crit, supplier, "", fit, sites)
    tell_apart(rows, clean, {it.description.upper() for it in catalog.NAMED_ITEMS})
    return rows


def manufacturer_part_no(item_id: str) -> str:
    """A stable part number for an item, from its id (no draw from the generator's stream)."""
    h = zlib.crc32(item_id.encode())
    return f"{1000 + h % 9000}-{100 + (h // 9000) % 900}"


def tell_apart(rows: list[dict], clean: list[str], taken: set[str]) -> None:
    """Filler items drawn from the same template are different parts of one kind (two 4 kW
    motors from two makers), as in a real item master, where the manufacturer's part number
    tells them apart; without it the demo would be full of unplanted duplicates. Every filler
    whose clean description another item shares gets its own part number."""
    counts = Counter(desc.upper() for desc in clean)
    for row, desc in zip(rows, clean, strict=True):
        if counts[desc.upper()] > 1 or desc.upper() in taken:
            row["description"] = f"{row['description']} P/N {manufacturer_part_no(row['item_id'])}"


def to_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)[ITEM_COLUMNS]
    return df.reset_index(drop=True)

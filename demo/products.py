"""Finished goods, their WIP items, BOMs and routings: the catalog's named products plus
scaled variants that consume the filler raw materials of their family."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.demo.items import FILLER_ID_START, IdPool

VARIANTS = {"FOOD": 12, "HYD": 14, "PCB": 12}  # variants per family at scale 1
CADENCE_DAYS = {"FOOD": 1.0, "HYD": 9.0, "PCB": 6.0}  # mean days between orders
ORDER_QTY = {"FOOD": (1500, 5000), "HYD": (20, 60), "PCB": (150, 600)}
_FOOD_KINDS = [
    "CROISSANT CHOC",
    "PAIN AU RAISIN",
    "BAGUETTE",
    "RYE LOAF",
    "MUFFIN BLUEBERRY",
    "CINNAMON ROLL",
    "BRIOCHE",
    "CIABATTA",
    "MULTIGRAIN LOAF",
    "BAGEL PLAIN",
    "DANISH APRICOT",
    "SPELT LOAF",
]
_BOARDS = [("CONTROLLER", "CTRL"), ("SENSOR", "SNS"), ("POWER", "PWR"), ("DISPLAY", "DSP")]


@dataclass
class ProductPlan:
    item_id: str
    family: str
    wip: list[str]  # the item made at each stage but the last
    components: dict[str, list[tuple[str, float]]]  # stage -> [(item_id, qty_per)]
    std_hours: list[float]  # per stage


def variant_count(scale: float) -> int:
    per_family = {"FOOD": 3, "HYD": 3, "PCB": 4}  # FG + WIP items per variant
    return sum(max(1, round(n * scale)) * per_family[f] for f, n in VARIANTS.items())


def _names(family: str, k: int, rng: np.random.Generator) -> tuple[str, list[str]]:
    if family == "FOOD":
        kind = _FOOD_KINDS[k % len(_FOOD_KINDS)]
        size = ["4PK", "6PK", "500G", "800G"][int(rng.integers(4))]
        return f"{kind} {size}", [f"DOUGH - {kind}", f"{kind} BAKED UNPACKED"]
    if family == "HYD":
        bore = int(rng.choice([40, 50, 63, 80, 100, 125]))
        rod, stroke = bore // 2, int(rng.integers(2, 12)) * 50
        return f"HYD CYLINDER HC-{bore}/{rod}-{stroke}", [
            f"CYL KIT HC-{bore}x{stroke} MACHINED",
            f"CYL ASSY HC-{bore}/{rod}-{stroke} UNTESTED",
        ]
    board, code = _BOARDS[k % len(_BOARDS)]
    name = f"{code}-{300 + k}"
    return f"{board} BOARD {name}", [
        f"PCBA {name} SMT",
        f"PCBA {name} SOLDERED",
        f"PCBA {name} INSPECTED",
    ]


def _qty_per(uom: str, rng: np.random.Generator) -> float:
    if uom == "EA":
        return float(rng.integers(1, 9))
    return round(float(rng.uniform(0.005, 0.3)), 3)


def build_products(
    rng: np.random.Generator, scale: float, items: pd.DataFrame, ids: IdPool
) -> tuple[list[ProductPlan], list[dict]]:
    """The product plans, and item rows for the variants' finished goods and WIP items."""
    plans, rows = [], []
    for p in catalog.PRODUCTS:
        fam = catalog.FAMILIES[p.family]
        plans.append(
            ProductPlan(
                p.item_id,
                p.family,
                [w[0] for w in p.wip],
                {s.name: list(p.components.get(s.name, ())) for s in fam.stages},
                [s.std_hours_per_unit for s in fam.stages],
            )
        )
        rows.append(_item_row(p.item_id, p.description, "finished_good", p.unit_cost, fam))
        for wip_id, desc, cost in p.wip:
            rows.append(_item_row(wip_id, desc, "wip", cost, fam))
    filler_raw = items[(items.category == "raw_material") & ~items.named]
    for family, base in VARIANTS.items():
        fam = catalog.FAMILIES[family]
        templates = [p for p in catalog.PRODUCTS if p.family == family]
        pool = filler_raw[filler_raw.family == family]
        n = max(1, round(base * scale))
        # Every filler raw material goes into some variant, so none is dead by accident.
        owner = rng.integers(0, n, size=len(pool))
        named = {fg_desc.upper() for fg_desc in (r["description"] for r in rows)}
        for k in range(n):
            template = templates[k % len(templates)]
            fg_desc, wip_descs = _names(family, k, rng)
            if fg_desc.upper() in named:
                # Two variants of one size differ in something the name leaves out (mounting,
                # seal kit, recipe): a variant code tells them, and their WIP, apart.
                fg_desc = f"{fg_desc} V{k + 1}"
                wip_descs = [f"{d} V{k + 1}" for d in wip_descs]
            named.add(fg_desc.upper())
            fg_id = ids.take()
            wip_ids = [ids.take() for _ in wip_descs]
            factor = float(rng.uniform(0.6, 1.6))
            rows.append(
                _item_row(fg_id, fg_desc, "finished_good", template.unit_cost * factor, fam)
            )
            for i, (wid, wdesc) in enumerate(zip(wip_ids, wip_descs, strict=True)):
                rows.append(_item_row(wid, wdesc, "wip", template.wip[i][2] * factor, fam))
            components: dict[str, list[tuple[str, float]]] = {}
            wip_map = {w[0]: wip_ids[i] for i, w in enumerate(template.wip)}
            for stage in fam.stages:
                parts = []
                for item_id, qty in template.components.get(stage.name, ()):
                    if item_id in wip_map:
                        parts.append((wip_map[item_id], qty))
                    elif item_id != catalog.WRENCH_ITEM_ID:
                        parts.append((item_id, round(qty * float(rng.uniform(0.7, 1.3)), 4)))
                components[stage.name] = parts
            mine = pool[owner == k]
            stage_names = [s.name for s in fam.stages]
            for item_id, uom in zip(mine.item_id, mine.uom, strict=True):
                # Most material goes in at the first stage; packaging and the like later.
                at_stage = stage_names[0] if rng.random() < 0.7 else str(rng.choice(stage_names))
                components[at_stage].append((item_id, _qty_per(uom, rng)))
            hours = [
                round(s.std_hours_per_unit * float(rng.uniform(0.7, 1.4)), 4) for s in fam.stages
            ]
            plans.append(ProductPlan(fg_id, family, wip_ids, components, hours))
    return plans, rows


def _item_row(item_id: str, desc: str, category: str, cost: float, fam: catalog.Family) -> dict:
    return dict(
        item_id=item_id,
        description=desc,
        uom="KG" if desc.startswith("DOUGH") else "EA",
        unit_cost=round(cost, 2),
        category=category,
        mro_subtype=None,
        criticality="B",
        supplier_id=None,
        lead_time_days=None,
        family=fam.code,
        fits="",
        sites=fam.site_id,
        named=int(item_id) < FILLER_ID_START,
        rec_category=category,
        rec_subtype=None,
        rec_criticality="B",
    )


def boms_frame(plans: list[ProductPlan]) -> pd.DataFrame:
    """One BOM per finished good, each line tagged with the routing stage that consumes it;
    the WIP item made at one stage appears as a component of the next."""
    rows = [
        (plan.item_id, comp, qty, stage)
        for plan in plans
        for stage, parts in plan.components.items()
        for comp, qty in parts
    ]
    df = pd.DataFrame(rows, columns=["parent_item_id", "component_item_id", "qty_per", "stage"])
    # A component listed twice at one stage (a filler raw drawn twice) becomes one line.
    keys = ["parent_item_id", "component_item_id", "stage"]
    df = df.groupby(keys, as_index=False, sort=False)["qty_per"].sum()
    return df[["parent_item_id", "component_item_id", "qty_per", "stage"]]


def routings_frame(plans: list[ProductPlan]) -> pd.DataFrame:
    rows = []
    for plan in plans:
        fam = catalog.FAMILIES[plan.family]
        for seq, (stage, hours) in enumerate(zip(fam.stages, plan.std_hours, strict=True), 1):
            rows.append(
                (plan.item_id, seq, stage.name, hours, stage.labor_rate, stage.overhead_rate)
            )
    return pd.DataFrame(
        rows,
        columns=[
            "product_item_id",
            "stage_seq",
            "stage",
            "std_hours_per_unit",
            "labor_rate",
            "overhead_rate",
        ],
    )

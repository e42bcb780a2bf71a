"""Generator version 3, item master side: the ambiguity real item masters have.

Version 2 gives its answers away (each supplier sells one category; a transaction-type rule
is right 99.9% of the time). Real plants do not: distributors sell raw material and spares,
a direct-material supplier also sells spares, gloves and tape are booked to production
orders, a lubricant is process input on one line and a maintenance consumable on another,
assemblies made in-house are kept as spares, operations are subcontracted, descriptions are
abbreviated, blank or in another language, items are created twice and change use.

`assign_roles` picks which items play which of these parts (a `role` column) and adds the
new items (dual-use materials, duplicates); `movements.py` then makes the ledger behave
accordingly, and `stale_labels` adds the recorded-category errors those situations cause.
Everything here draws from its own generator, so version 2 is untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.demo.messy_master import (
    GERMAN,
    messy_descriptions,
    mix_suppliers,
    translate,
    vowelless,
)
from stockwise.demo.products import ProductPlan

# Shares of filler items that play each part (realistic orders of magnitude; none is
# tuned to a classifier): consumables and PPE booked to production orders are common, the
# rest are a few percent of an item master each.
TO_PRODUCTION_SHARE = 0.45  # of consumables and safety gear
SPARE_ASSEMBLY_SHARE = 0.25  # of assembly-type WIP (cylinder assemblies, finished PCBAs)
SUBCONTRACT_SHARE = 0.35  # of machined kits and SMT boards: made by a contract manufacturer
OUTSIDE_OP_SHARE = 0.25  # of the other HYD/PCB WIP: leaves for plating/coating and returns
PHANTOM_SHARE = 0.35  # of WIP: backflushed straight into the next stage, never in stock
USE_CHANGE_SHARE = 0.05  # of raw materials and of consumables
DUPLICATE_SHARE = 0.025  # of bought filler items
OBSOLETE_SHARE = 0.04  # of raw materials: product discontinued, nothing moves any more
DUAL_USE_PER_SCALE = 40
# Of the generated product variants: discontinued before the history starts, their finished
# good, WIP and own materials still in the item master with BOMs and routings (item masters
# are rarely cleaned), but nothing made, bought or sold in the two years on record.
DISCONTINUED_SHARE = 0.25
# (description, uom, unit cost, production family, equipment type it is also used on)
_DUAL_USE = [
    ("HYDRAULIC OIL HLP46", "L", 2.4, "HYD", "hydraulic_press"),
    ("HYD OIL HLP32 208L DRUM", "L", 2.1, "HYD", "hydraulic_power_unit"),
    ("ASSEMBLY GREASE MOLY", "KG", 14.0, "HYD", "cnc_machine"),
    ("THREADLOCKER MED STRENGTH 50ML", "EA", 16.0, "HYD", "hydraulic_press"),
    ("ANTI-SEIZE PASTE COPPER 500G", "EA", 19.0, "HYD", "cnc_machine"),
    ("HEX BOLT M10x30 8.8 ZP", "EA", 0.12, "HYD", "hydraulic_press"),
    ("CUTTING FLUID SEMI-SYN", "L", 4.5, "HYD", "cnc_machine"),
    ("IPA ISOPROPANOL 99.9% 5L", "L", 6.5, "PCB", "pick_and_place"),
    ("SOLDER WIRE SAC305 0.8MM", "KG", 68.0, "PCB", "wave_soldering"),
    ("FLUX PEN NO-CLEAN", "EA", 9.0, "PCB", "reflow_oven"),
    ("NITROGEN 5.0 CYL 50L", "EA", 38.0, "PCB", "reflow_oven"),
    ("CABLE TIE 200x4.8 BAG/100", "BAG", 4.2, "PCB", "pick_and_place"),
    ("KAPTON TAPE 12MM", "ROLL", 7.5, "PCB", "wave_soldering"),
    ("RELEASE OIL BAKING FOOD GRADE 20L", "L", 3.8, "FOOD", "oven"),
    ("GREASE FOOD GRADE H1 400G", "EA", 11.0, "FOOD", "mixer"),
    ("STRETCH FILM 500MM 23MU", "ROLL", 9.0, "FOOD", "packing_line"),
    ("CIP CLEANER ALKALINE 25L", "L", 2.9, "FOOD", "mixer"),
    ("FOOD GRADE LUBE SPRAY H1", "EA", 8.5, "FOOD", "packing_line"),
    ("SANITISER QUAT 20L", "L", 3.4, "FOOD", "packing_line"),
    ("PALLET WRAP TAPE 50MM", "ROLL", 2.2, "FOOD", "conveyor"),
]


@dataclass
class Roles:
    """What each item's movements must look like; read by `movements.py`."""

    # item row -> share of its issues that go to production (consumables and PPE).
    to_production: dict[int, float] = field(default_factory=dict)
    # item row -> (dominant share, production dominant?, product plans that use it).
    dual_use: dict[int, tuple[float, bool, list[int]]] = field(default_factory=dict)
    spare_assembly: dict[int, float] = field(default_factory=dict)  # WIP row -> maint share
    subcontracted: list[int] = field(default_factory=list)
    outside_op: list[int] = field(default_factory=list)
    phantom: list[int] = field(default_factory=list)
    use_change: dict[int, int] = field(default_factory=dict)  # row -> change day
    duplicates: dict[int, tuple[int, int]] = field(default_factory=dict)  # dup -> (orig, day)
    obsolete: list[int] = field(default_factory=list)
    extra_boms: list[tuple[str, str, float, str]] = field(default_factory=list)
    subcontracted_ids: set[str] = field(default_factory=set)
    discontinued: set[int] = field(default_factory=set)  # plan positions
    catalog_dual_use: list[int] = field(default_factory=list)  # the catalog's IPA

    def active(self, plans: list[ProductPlan]) -> list[ProductPlan]:
        return [plan for p, plan in enumerate(plans) if p not in self.discontinued]


def _sample(rng: np.random.Generator, pool: np.ndarray, share: float) -> np.ndarray:
    return np.sort(rng.permutation(pool)[: round(len(pool) * share)])


def _new_row(item_id: str, **values) -> dict:  # type: ignore[no-untyped-def]
    row = dict(
        item_id=item_id, description="", uom="EA", unit_cost=1.0, category="mro",
        mro_subtype=None, criticality="C", supplier_id=None, lead_time_days=None, family="",
        fits="", sites="S1", named=False, rec_category=None, rec_subtype=None,
        rec_criticality="C",
    )  # fmt: skip
    row.update(values)
    row["rec_category"], row["rec_subtype"] = row["category"], row["mro_subtype"]
    row["rec_criticality"] = row["criticality"]
    return row


def _fresh_ids(rng: np.random.Generator, taken: set[str], n: int) -> list[str]:
    """Ids from the filler range that no item has, so a new item's id gives nothing away."""
    out: list[str] = []
    while len(out) < n:
        for value in rng.integers(10000, 99999, 2 * n + 8):
            s = str(value)
            if s not in taken and len(out) < n:
                taken.add(s)
                out.append(s)
    return out


def assign_roles(
    items: pd.DataFrame, plans: list[ProductPlan], scale: float, rng: np.random.Generator
) -> tuple[pd.DataFrame, Roles]:
    """The items with version 3's new rows appended (existing rows keep their positions),
    messier master data, and the part each item plays."""
    items = items.copy()
    roles = Roles()
    roles.catalog_dual_use = [
        int(np.flatnonzero(items.item_id.to_numpy() == catalog.DUAL_USE_ITEM_ID)[0])
    ]
    variants = np.array([p for p, plan in enumerate(plans) if int(plan.item_id) >= 10000])
    roles.discontinued = {int(p) for p in _sample(rng, variants, DISCONTINUED_SHARE)}
    gone = {w for p in roles.discontinued for w in plans[p].wip}
    filler = ~items.named.to_numpy()
    cat, sub = items.category.to_numpy(), items.mro_subtype.to_numpy()
    cat_live = np.where(items.item_id.isin(gone).to_numpy(), "gone", cat)
    desc = items.description.astype(str).str.upper()
    floor = np.flatnonzero(filler & np.isin(sub, ["consumable", "safety"]))
    for i in _sample(rng, floor, TO_PRODUCTION_SHARE):
        roles.to_production[int(i)] = float(rng.uniform(0.5, 0.95))
    wip = np.flatnonzero(cat_live == "wip")
    assembly = wip[desc.iloc[wip].str.contains("ASSY|INSPECTED|SOLDERED").to_numpy()]
    for i in _sample(rng, assembly, SPARE_ASSEMBLY_SHARE):
        roles.spare_assembly[int(i)] = float(rng.uniform(0.05, 0.35))
    first_stage = wip[desc.iloc[wip].str.contains("MACHINED| SMT").to_numpy()]
    roles.subcontracted = [int(i) for i in _sample(rng, first_stage, SUBCONTRACT_SHARE)]
    for i in roles.subcontracted:
        items.at[i, "supplier_id"] = "SUP-040" if items.at[i, "family"] == "HYD" else "SUP-041"
    roles.subcontracted_ids = {str(items.at[i, "item_id"]) for i in roles.subcontracted}
    rest = np.setdiff1d(wip, np.r_[roles.subcontracted, list(roles.spare_assembly)])
    hyd_pcb = rest[np.isin(items.family.to_numpy()[rest], ["HYD", "PCB"])]
    roles.outside_op = [int(i) for i in _sample(rng, hyd_pcb, OUTSIDE_OP_SHARE)]
    rest = np.setdiff1d(rest, roles.outside_op)
    roles.phantom = [int(i) for i in _sample(rng, rest, PHANTOM_SHARE)]
    raw = np.flatnonzero(filler & (cat == "raw_material"))
    changed = _sample(rng, raw, USE_CHANGE_SHARE)
    obsolete = _sample(rng, np.setdiff1d(raw, changed), OBSOLETE_SHARE)
    roles.obsolete = [int(i) for i in obsolete]
    consumables = np.setdiff1d(
        np.flatnonzero(filler & (sub == "consumable")), list(roles.to_production)
    )
    changed = np.r_[changed, _sample(rng, consumables, USE_CHANGE_SHARE)]
    n_days = (pd.Timestamp(catalog.AS_OF) - pd.Timestamp(catalog.HISTORY_START)).days
    for i in changed:
        # The change happened between one and two years before AS_OF; the truth (its use
        # since then) is settled by `settle_truth` once the movements are made.
        roles.use_change[int(i)] = int(n_days - rng.integers(365, 700))

    taken = set(items.item_id.astype(str))
    new_rows = _dual_use_rows(items, plans, scale, rng, taken, roles)
    new_rows += _duplicate_rows(items, rng, taken, roles, n_days)
    start = len(items)
    items = pd.concat([items, pd.DataFrame(new_rows)], ignore_index=True)
    n_dual = len(roles.dual_use)
    roles.dual_use = {start + k: v for k, v in roles.dual_use.items()}
    roles.duplicates = {start + n_dual + k: v for k, v in roles.duplicates.items()}
    mix_suppliers(items, rng)
    for i in roles.subcontracted:  # a subcontracted item always has its contract manufacturer
        items.at[i, "supplier_id"] = "SUP-040" if items.at[i, "family"] == "HYD" else "SUP-041"
    messy_descriptions(items, rng)
    return items, roles


def _dual_use_rows(items, plans, scale, rng, taken, roles) -> list[dict]:  # type: ignore[no-untyped-def]
    n = max(4, round(DUAL_USE_PER_SCALE * scale))
    ids = _fresh_ids(rng, taken, n)
    site_of = {code: fam.site_id for code, fam in catalog.FAMILIES.items()}
    rows = []
    for k in range(n):
        text, uom, cost, family, etype = _DUAL_USE[k % len(_DUAL_USE)]
        if k >= len(_DUAL_USE):
            text = f"{text} P/N {1000 + int(rng.integers(9000))}"
        production_first = bool(rng.random() < 0.5)
        share = float(rng.uniform(0.55, 0.9))
        family_plans = [p for p, plan in enumerate(plans)
                        if plan.family == family and p not in roles.discontinued]  # fmt: skip
        users = [int(p) for p in rng.choice(family_plans, size=min(3, len(family_plans)),
                                            replace=False)]  # fmt: skip
        roles.dual_use[k] = (share, production_first, users)
        category = "raw_material" if production_first else "mro"
        if production_first and rng.random() < 0.6:
            # A process input is often in the BOM; a maintenance consumable drawn on
            # production orders is not.
            for p in users:
                roles.extra_boms.append((plans[p].item_id, ids[k], 0.01, "first"))
        rows.append(
            _new_row(
                ids[k], description=text, uom=uom, unit_cost=round(cost * rng.uniform(0.8, 1.2), 2),
                category=category, mro_subtype=None if production_first else "consumable",
                criticality=str(rng.choice(["B", "C"])), supplier_id=str(rng.choice(
                    ["SUP-010", "SUP-011", "SUP-013", "SUP-001", "SUP-003", "SUP-004"])),
                lead_time_days=None, family=family, fits=etype, sites=site_of[family],
            )
        )  # fmt: skip
    return rows


def _duplicate_rows(items, rng, taken, roles, n_days) -> list[dict]:  # type: ignore[no-untyped-def]
    bought = np.flatnonzero(
        ~items.named.to_numpy()
        & items.category.isin(["raw_material", "mro"]).to_numpy()
        & items.supplier_id.notna().to_numpy()
    )
    originals = _sample(rng, bought, DUPLICATE_SHARE)
    ids = _fresh_ids(rng, taken, len(originals))
    rows = []
    for k, i in enumerate(originals):
        row = items.iloc[int(i)].to_dict()
        text = str(row["description"]).upper()
        other = translate(text, GERMAN) if rng.random() < 0.4 else None
        row.update(item_id=ids[k], description=other or vowelless(text))
        if rng.random() < 0.5:
            row["supplier_id"] = None
        rows.append(_new_row(ids[k], **{c: row[c] for c in row if c not in ("item_id",)}))
        roles.duplicates[k] = (int(i), int(n_days - rng.integers(120, 500)))
    return rows

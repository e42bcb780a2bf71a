"""What the classifier had to go on: each item's use shares (dual use), which tables the
plant lacks, and counts of the input problems it worked around, so an answer can say
"judged without routings" or "312 items have no description" instead of sounding sure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.classify.features import item_positions
from stockwise.tools.dataset.model import Dataset

# An item is dual-use when its smaller use still takes this share of its issued quantity.
DUAL_USE_MIN_SHARE = 0.05
# The call is "unsure" when the top category is below this probability, or when the
# runner-up is closer than UNSURE_GAP: split evidence, not a confident label.
UNSURE_BELOW = 0.6
UNSURE_GAP = 0.2
# Below this spread of log(issued / order quantity), production issues scale with the order:
# a process input, as BOM materials are.
PROCESS_MAX_SPREAD = 0.2
# How far from an even split a dominant use must be to be a call: 0.55 gives 0.78, 0.6 gives
# 0.92 (a year's quantities measure the split to a few hundredths).
EVEN_SPLIT_WIDTH = 0.04
USES = {"production": "qshare_prod", "maintenance": "qshare_maint",
        "other": "qshare_other", "sales": "qshare_sales"}  # fmt: skip
# Tables each kind of evidence comes from, in the words an answer uses.
EVIDENCE_TABLES = {
    "transactions": "stock movements",
    "boms": "bills of materials",
    "routings": "routings",
    "production_orders": "production orders",
    "work_orders": "maintenance work orders",
    "pm_plan_parts": "PM kits",
    "suppliers": "the supplier list",
}


def use_shares(features: pd.DataFrame) -> pd.DataFrame:
    """Share of each item's issued quantity by use (production, maintenance, other,
    sales), and whether the item is dual-use: production on one side, maintenance or the
    shop floor on the other, the smaller side at least DUAL_USE_MIN_SHARE."""
    out = pd.DataFrame({use: features[col] for use, col in USES.items()}, index=features.index)
    upkeep = out["maintenance"] + out["other"]
    out["dual_use"] = (np.minimum(out["production"], upkeep) >= DUAL_USE_MIN_SHARE) & (
        features["n_issue_prod"] > 0
    )
    return out


def process_dual_use(features: pd.DataFrame) -> np.ndarray:
    """Bought items used both as a process input (in a BOM, or drawn in proportion to the
    order size) and for upkeep (maintenance, shop floor). Their category is their dominant
    use by definition; gloves booked to production orders are not process inputs, and a
    tool left in a BOM that upkeep never draws is left to the model."""
    prod, upkeep = features["qshare_prod"], features["qshare_maint"] + features["qshare_other"]
    upkeep_issues = features["n_issue_maint"] + features["n_issue_other"]
    process = (features["bom_as_component"] > 0) | (
        features["prod_per_order_unit_cv"] < PROCESS_MAX_SPREAD
    )
    both = (prod >= DUAL_USE_MIN_SHARE) & ((upkeep >= DUAL_USE_MIN_SHARE) | (upkeep_issues >= 3))
    return (both & process & (features["n_produced"] == 0)).to_numpy()


def by_dominant_use(p: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """For process dual-use items, split the raw-material-or-MRO probability by which use
    took most of the last year's quantity: the dominant use decides (a 60/40 split is a
    clear call), and only a near-even split comes out unsure."""
    rows = process_dual_use(features.reindex(p.index))
    if not rows.any():
        return p
    p = p.copy()
    both = p.loc[rows, "raw_material"] + p.loc[rows, "mro"]
    share = features.reindex(p.index).loc[rows, "recent_qshare_prod"].to_numpy()
    raw = 1 / (1 + np.exp(-(share - 0.5) / EVEN_SPLIT_WIDTH))
    if {"sub_tool", "sub_safety"} <= set(p.columns):
        # A tool or PPE is never a process input, whatever its BOM line says (the wrench
        # left in a BOM is issued with every order, and still a tool).
        durable = (p.loc[rows, "sub_tool"] + p.loc[rows, "sub_safety"]).fillna(0) > 0.5
        raw = np.where(durable.to_numpy(), 0.0, raw)
    p.loc[rows, "raw_material"] = both * raw
    p.loc[rows, "mro"] = both * (1 - raw)
    return p


def verdicts(p: np.ndarray, categories_learnt: int) -> np.ndarray:
    """'confident' or 'unsure' per row of category probabilities."""
    ordered = np.sort(p, axis=1)
    top, second = ordered[:, -1], ordered[:, -2]
    unsure = (top < UNSURE_BELOW) | (top - second < UNSURE_GAP) | (categories_learnt < 2)
    return np.where(unsure, "unsure", "confident")


def missing_tables(ds: Dataset) -> list[str]:
    """The evidence this plant has no table for (in the words an answer uses)."""
    return [words for name, words in EVIDENCE_TABLES.items() if ds.tables[name].empty]


def input_notes(ds: Dataset, features: pd.DataFrame, recorded: pd.Series) -> list[str]:
    """Counts of what was missing or odd in the input, each a sentence."""
    notes = []
    n = len(features)
    missing = missing_tables(ds)
    if missing:
        notes.append(f"no {', no '.join(missing)} in this plant: judged without that evidence")
    blank = int(features["description_missing"].sum())
    if blank:
        notes.append(f"{blank:,} of {n:,} items have no usable description")
    no_supplier = int(features["supplier_missing"].sum())
    if no_supplier:
        notes.append(f"{no_supplier:,} of {n:,} items have no supplier on record")
    txn = ds.transactions
    # Through the ids' codes: a string lookup per movement took 1.5 s at scale 20.
    unknown = item_positions(pd.Index(features.index), txn["item_id"]) < 0
    if unknown.any():
        notes.append(
            f"{int(unknown.sum()):,} movements of {txn['item_id'][unknown].nunique():,} "
            "items not in the item master were left out"
        )
    learnt = recorded.dropna().unique()
    if len(learnt) < 2:
        what = f"only '{learnt[0]}'" if len(learnt) else "no category"
        notes.append(
            f"the item master records {what} for its items: nothing to learn the other "
            "categories from, so every item is marked unsure"
        )
    return notes

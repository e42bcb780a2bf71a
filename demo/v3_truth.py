"""Generator version 3: what the truth files and the recorded categories say about the
situations `ambiguity.py` set up (use changes, dual use, duplicates, subcontracting).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.demo import catalog
from stockwise.demo.ambiguity import Roles
from stockwise.demo.products import ProductPlan


def settle_truth(items: pd.DataFrame, roles: Roles, shares: pd.DataFrame) -> pd.DataFrame:
    """An item whose use changed is, truly, what it is used as now; the catalog's dual-use
    IPA is, in this version, its dominant use (version 2 calls it MRO)."""
    items = items.copy()
    ipa = int(np.flatnonzero(items.item_id.to_numpy() == catalog.DUAL_USE_ITEM_ID)[0])
    if shares.at[ipa, "issue_production"] > 0.5:
        items.at[ipa, "category"], items.at[ipa, "mro_subtype"] = "raw_material", None
    for i in roles.use_change:
        if items.at[i, "category"] == "raw_material":
            items.at[i, "category"], items.at[i, "mro_subtype"] = "mro", "consumable"
        else:
            items.at[i, "category"], items.at[i, "mro_subtype"] = "raw_material", None
    return items


def stale_labels(items: pd.DataFrame, roles: Roles, rng: np.random.Generator) -> pd.DataFrame:
    """Recorded categories as the situations leave them: a use change is rarely followed by
    a master-data change, a dual-use item is filed under whichever use its creator saw, a
    duplicate is created by another department with its own guess."""
    items = items.copy()
    rec = items.rec_category.to_numpy(dtype=object)
    rsub = items.rec_subtype.to_numpy(dtype=object)
    for i in roles.use_change:
        if rec[i] is not None and rng.random() < 0.8:
            rec[i] = "raw_material" if items.at[i, "category"] == "mro" else "mro"
            rsub[i] = "consumable" if rec[i] == "mro" else None
        elif rec[i] is not None:  # someone did update it
            rec[i], rsub[i] = items.at[i, "category"], items.at[i, "mro_subtype"]
    for i in roles.dual_use:
        if rng.random() < 0.3:
            rec[i] = "mro" if items.at[i, "category"] == "raw_material" else "raw_material"
            rsub[i] = "consumable" if rec[i] == "mro" else None
    for dup, (orig, _) in roles.duplicates.items():
        rec[dup], rsub[dup] = rec[orig], rsub[orig]
        if rng.random() < 0.15:
            rec[dup] = None
    items["rec_category"], items["rec_subtype"] = rec, rsub
    return items


def _dual_rows(roles: Roles, extra: list[int] | None = None) -> list[int]:
    return sorted([*roles.dual_use, *roles.spare_assembly, *roles.catalog_dual_use, *(extra or [])])


def labels_with_shares(
    labels: pd.DataFrame, roles: Roles, shares: pd.DataFrame, extra: list[int] | None = None
) -> pd.DataFrame:
    """labels.csv plus, for the items planted as dual-use, the measured share of issued
    quantity that went to the dominant use (the one their true category follows)."""
    labels = labels.copy()
    dual = np.zeros(len(labels), dtype=bool)
    dual[_dual_rows(roles, extra)] = True
    prod = shares["issue_production"].fillna(0).to_numpy()
    other = 1 - prod
    labels["dual_use"] = dual.astype("float64")  # 1 or 0: the writer stores numbers
    labels["dominant_use_share"] = np.where(dual, np.round(np.maximum(prod, other), 3), np.nan)
    return labels


def boms_with_extras(boms: pd.DataFrame, roles: Roles, plans: list[ProductPlan]) -> pd.DataFrame:
    """Dual-use process inputs in their products' BOMs, and each subcontracted item's own
    BOM: the components the plant provides to the contract manufacturer."""
    first = {code: fam.stages[0].name for code, fam in catalog.FAMILIES.items()}
    family = {plan.item_id: plan.family for plan in plans}
    rows = [(p, c, q, first[family[p]]) for p, c, q, _ in roles.extra_boms]
    by_first_wip = {plan.wip[0]: plan for plan in plans if plan.wip}
    wip_ids = set(boms.component_item_id) & set(by_first_wip)
    for item_id in sorted(wip_ids):
        plan = by_first_wip[item_id]
        if item_id in roles.subcontracted_ids:
            stage = first[plan.family]
            rows += [(item_id, c, q, stage) for c, q in plan.components[stage]]
    extra = pd.DataFrame(rows, columns=["parent_item_id", "component_item_id", "qty_per", "stage"])
    return pd.concat([boms, extra], ignore_index=True).drop_duplicates(
        ["parent_item_id", "component_item_id", "stage"]
    )


def planted(
    anomalies: pd.DataFrame,
    items: pd.DataFrame,
    roles: Roles,
    shares: pd.DataFrame,
    extra: list[int] | None = None,
) -> pd.DataFrame:
    """Version 2's planted cases plus version 3's dual-use items, duplicates and the
    materials of discontinued products, renumbered."""
    ids = items.item_id.to_numpy()
    rows = []
    listed = set(anomalies.loc[anomalies.kind == "dual_use", "item_id"])
    for r in _dual_rows(roles, extra):
        if ids[r] in listed:  # the catalog's IPA is planted already
            continue
        prod = float(np.nan_to_num(shares.at[r, "issue_production"]))
        rows.append((
            "dual_use", ids[r], None,
            f"production {prod:.0%} / maintenance and other {1 - prod:.0%} of issued quantity; "
            f"truly {items.at[r, 'category']}",
        ))  # fmt: skip
    for dup, (orig, _) in roles.duplicates.items():
        text = f"item {ids[dup]} is the same part as {ids[orig]}"
        rows.append(("duplicate_item", ids[dup], ids[orig], text))
    extra = pd.DataFrame(rows, columns=["kind", "item_id", "ref_id", "detail"])
    out = pd.concat([anomalies.drop(columns="anomaly_id"), extra], ignore_index=True)
    out.insert(0, "anomaly_id", [f"AN-{i:04d}" for i in range(1, len(out) + 1)])
    return out

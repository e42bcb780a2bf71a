"""Plain-words explanations of a prediction, built from the behaviour that supports it.

"MRO spare part (0.97): issued to 14 maintenance work orders and never to production; in the
PM kit of Press P-3; bought from an MRO distributor."
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from stockwise.tools.classify.corrections import Correction
from stockwise.tools.dataset.model import Dataset

CATEGORY_WORDS = {
    "raw_material": "Raw material",
    "wip": "WIP (semi-finished)",
    "finished_good": "Finished good",
    "mro": "MRO",
}
SUPPLIER_WORDS = {
    "direct_material": "a direct-material supplier",
    "mro_distributor": "an MRO distributor",
    "oem_spares": "an OEM spares supplier",
    "service": "a service company",
    "contract_manufacturer": "a contract manufacturer",
    "other": "an unclassified supplier",
}


@dataclass
class ExplainContext:
    """Lookups the explanations quote (built once per dataset)."""

    pm_equipment: dict[str, str]
    bom_parents: dict[str, str]
    supplier_type: dict[str, str]
    descriptions: dict[str, str]
    missing_tables: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, ds: Dataset) -> ExplainContext:
        kits = ds.pm_plan_parts.merge(ds.pm_plans[["plan_id", "equipment_id"]], on="plan_id")
        kits = kits.merge(ds.equipment[["equipment_id", "name"]], on="equipment_id", how="left")
        kits["label"] = kits["name"].fillna(kits["equipment_id"])
        items = ds.items.drop_duplicates("item_id")
        sup = ds.suppliers.drop_duplicates("supplier_id").set_index("supplier_id")
        return cls(
            pm_equipment=_join_first(kits, "item_id", "label"),
            bom_parents=_join_first(ds.boms, "component_item_id", "parent_item_id"),
            supplier_type=items.set_index("item_id")["supplier_id"]
            .map(sup["supplier_type"])
            .dropna()
            .to_dict(),
            descriptions=items.set_index("item_id")["description"].dropna().to_dict(),
        )


def _join_first(frame: pd.DataFrame, key: str, value: str, limit: int = 2) -> dict[str, str]:
    """key -> the first `limit` distinct values, joined ("Press P-3, Press P-4")."""
    pairs = frame[[key, value]].dropna().astype(str).drop_duplicates()
    pairs = pairs.groupby(key).head(limit)
    return pairs.groupby(key)[value].agg(", ".join).to_dict()


def _n(x: float) -> int:
    return int(round(float(x)))


def _times(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def missing_evidence(f: dict, has_supplier: bool) -> list[str]:
    missing = []
    if f["n_txn"] == 0:
        missing.append("no stock movements on record")
    if not has_supplier:
        missing.append("no supplier on record")
    if f["description_missing"] > 0:
        missing.append("an empty description")
    return missing


def use_statement(uses: dict) -> str | None:
    """'dual use: production 62%, maintenance 31%, other 7% of issued quantity'."""
    parts = [(k, uses[k]) for k in ("production", "maintenance", "other", "sales")]
    parts = [(k, v) for k, v in parts if v and v >= 0.005]
    if not uses.get("dual_use") or len(parts) < 2:
        return None
    text = ", ".join(f"{k} {v:.0%}" for k, v in sorted(parts, key=lambda kv: -kv[1]))
    return f"dual use: {text} of issued quantity (judged by the dominant use)"


def behaviour_statements(item_id: str, category: str, f: dict, ctx: ExplainContext) -> list[str]:
    """The facts about the item that point to `category` (strongest first)."""
    out: list[str] = []
    prod, maint, sales = _n(f["n_issue_prod"]), _n(f["n_issue_maint"]), _n(f["n_issue_sales"])
    made, bought = _n(f["n_produced"]), _n(f["n_receipts"])
    supplier = ctx.supplier_type.get(item_id)
    if category == "mro":
        if maint:
            tail = "never to production" if prod == 0 else f"{_times(prod, 'time')} to production"
            out.append(
                f"issued to {_times(_n(f['n_work_orders']), 'maintenance work order')} and {tail}"
            )
        if item_id in ctx.pm_equipment:
            out.append(f"in the PM kit of {ctx.pm_equipment[item_id]}")
        if supplier in ("mro_distributor", "oem_spares", "service"):
            out.append(f"bought from {SUPPLIER_WORDS[supplier]}")
        if f["bom_as_component"] == 0 and made == 0:
            out.append("in no BOM and never produced")
        if f.get("criticality_A", 0) > 0:
            out.append("criticality A (its failure stops a line)")
    elif category == "raw_material":
        if prod:
            out.append(
                f"issued to {_times(_n(f['n_production_orders_fed']), 'production order')}"
                + (" and never to maintenance" if maint == 0 else "")
            )
        if f["bom_as_component"] > 0:
            parents = ctx.bom_parents.get(item_id, "")
            out.append(
                f"a component in {_times(_n(f['bom_as_component']), 'BOM')}"
                + (f" (e.g. {parents})" if parents else "")
            )
        if made == 0:
            out.append("never produced" + (f", bought {_times(bought, 'time')}" if bought else ""))
        if supplier == "direct_material":
            out.append(f"bought from {SUPPLIER_WORDS[supplier]}")
    elif category == "wip":
        if made:
            out.append(f"produced {_times(made, 'time')}")
        if f["bom_as_component"] > 0:
            parents = ctx.bom_parents.get(item_id, "")
            out.append(
                f"consumed at a later stage in {_times(_n(f['bom_as_component']), 'BOM')}"
                + (f" (e.g. {parents})" if parents else "")
            )
        if f["bom_as_parent"] > 0:
            out.append(f"made from {_times(_n(f['bom_as_parent']), 'component')}")
        if prod:
            out.append(f"issued to {_times(_n(f['n_production_orders_fed']), 'production order')}")
        if bought == 0 and made:
            out.append("never bought")
    elif category == "finished_good":
        if made:
            out.append(f"produced {_times(made, 'time')}")
        if sales:
            out.append(f"shipped on {_times(_n(f['n_sales_orders']), 'sales order')}")
        if f["bom_as_parent"] > 0 and f["bom_as_component"] == 0:
            out.append("top of its BOM: consumed in no other BOM")
    return out


def explain(
    item_id: str,
    category: str,
    probability: float,
    subtype: str | None,
    features: dict,
    ctx: ExplainContext,
    text_probability: float | None = None,
    recorded: str | None = None,
    correction: Correction | None = None,
    recorded_subtype: str | None = None,
) -> str:
    label = CATEGORY_WORDS[category]
    if category == "mro" and subtype:
        label = f"MRO {subtype.replace('_', ' ')}"
    uses = features.get("_uses", {})
    if uses.get("verdict") == "unsure":
        other = CATEGORY_WORDS[uses["runner_up"]].lower()
        runner_up = uses["p_runner_up"]
        label = (
            f"Unsure: {label.lower()} is the only category it could learn"
            if runner_up < 0.01  # a model that learnt one category weighs nothing against it
            else f"Unsure: {label.lower()} ({probability:.2f}) or {other} ({runner_up:.2f})"
        )
    facts = behaviour_statements(item_id, category, features, ctx)
    shared = use_statement(uses)
    if shared:
        facts.insert(0, shared)
    desc = ctx.descriptions.get(item_id)
    if desc and text_probability is not None and text_probability >= 0.6:
        facts.append(f'the description "{desc}" reads like one')
    elif desc and text_probability is not None and text_probability < 0.3:
        facts.append(f'although the description "{desc}" does not read like one')
    if not facts:
        facts.append("no strong single signal; judged from the overall pattern")
    missing = missing_evidence(features, item_id in ctx.supplier_type)
    if missing:
        facts.append(f"confidence lowered: {', '.join(missing)}")
    if ctx.missing_tables:
        facts.append(f"judged without {', '.join(ctx.missing_tables)} (none in this plant)")
    if recorded and recorded != category:
        facts.append(f"the ERP records it as {recorded}")
    elif category == "mro" and subtype and recorded_subtype and recorded_subtype != subtype:
        facts.append(f"the ERP records it as mro/{recorded_subtype}")
    if correction is not None:
        what = correction.category + (
            f"/{correction.mro_subtype}" if correction.mro_subtype else ""
        )
        facts.append(
            f'corrected to {what} by {correction.by} on {correction.at[:10]}: "{correction.why}"'
        )
    if uses.get("verdict") == "unsure":
        return f"{label}: " + "; ".join(facts) + "."
    return f"{label} ({probability:.2f}): " + "; ".join(facts) + "."

"""What each item *does*, as one row of numbers per item: who consumes it, where it sits in
BOMs and PM kits, who supplies it, how it moves. The classifier learns from these columns and
the explanations quote them.

Everything is vectorised: transactions are mapped to item positions once and counted with
`np.bincount`, so millions of movements take seconds, not minutes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import CRITICALITY, DEMAND_TXN_TYPES, SUPPLIER_TYPES

ISSUE_KINDS = {
    "issue_production": "prod",
    "issue_maintenance": "maint",
    "issue_sales": "sales",
    "issue_other": "other",
}
COMMON_UOMS = ("EA", "L", "KG", "M", "BOX", "PK", "SET", "ROLL", "PR")
# What clerks type when the contract forces a description they do not have.
PLACEHOLDER = r"^\W*(?:n/?a|tbd|see dwg|tba|none|unknown|x+)?\W*$"
RECENT_DAYS = 365
QUARTER_DAYS = 91  # "now": the last quarter on record


class Kinds:
    """Transaction types as small integer codes: comparing seven million strings once per
    mask took several seconds of a scale-20 classification."""

    def __init__(self, types: pd.Series) -> None:
        cat = pd.Categorical(types)
        self._codes = np.asarray(cat.codes)
        self._code = {str(c): i for i, c in enumerate(cat.categories)}

    def is_(self, name: str) -> np.ndarray:
        return self._codes == self._code.get(name, -2)

    def any_of(self, names) -> np.ndarray:  # type: ignore[no-untyped-def]
        return np.isin(self._codes, [self._code.get(n, -2) for n in names])


def item_positions(item_index: pd.Index, ids: pd.Series) -> np.ndarray:
    """Position of each id in `item_index` (-1 when unknown)."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        # Millions of rows, a few thousand distinct ids: look up the categories only.
        lookup = np.append(item_index.get_indexer(ids.cat.categories.astype(str)), -1)
        return lookup[ids.cat.codes.to_numpy()]
    return item_index.get_indexer(ids)


def _count(codes: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    keep = codes >= 0
    w = None if weights is None else weights[keep]
    return np.bincount(codes[keep], weights=w, minlength=n).astype("float64")


def _distinct(codes: np.ndarray, refs: pd.Series, n: int) -> np.ndarray:
    """Number of distinct non-blank `refs` per item."""
    frame = pd.DataFrame({"c": codes, "r": refs.to_numpy()})
    frame = frame[(frame["c"] >= 0) & frame["r"].notna()].drop_duplicates()
    return _count(frame["c"].to_numpy(), n)


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    return np.divide(part, whole, out=np.zeros_like(part), where=whole > 0)


def transaction_features(ds: Dataset, items: pd.Index) -> pd.DataFrame:
    n = len(items)
    txn = ds.transactions
    codes = item_positions(items, txn["item_id"])
    qty = txn["qty"].to_numpy(dtype="float64")
    kinds = Kinds(txn["txn_type"])
    out: dict[str, np.ndarray] = {"n_txn": _count(codes, n)}

    n_issues = np.zeros(n)
    for txn_type, short in ISSUE_KINDS.items():
        mask = kinds.is_(txn_type)
        out[f"n_issue_{short}"] = _count(codes[mask], n)
        n_issues += out[f"n_issue_{short}"]
    for short in ISSUE_KINDS.values():
        out[f"share_{short}"] = _share(out[f"n_issue_{short}"], n_issues)
    out["n_issues"] = n_issues
    # By quantity too: a lubricant drawn in litres per batch and in small top-ups has its
    # dominant use in the quantity, not in the count of movements.
    demand_qty = np.zeros(n)
    for txn_type, short in ISSUE_KINDS.items():
        mask = kinds.is_(txn_type)
        out[f"qty_{short}"] = _count(codes[mask], n, -qty[mask])
        demand_qty += out[f"qty_{short}"]
    for short in ISSUE_KINDS.values():
        out[f"qshare_{short}"] = _share(out.pop(f"qty_{short}"), demand_qty)
    # The last year on record: an item whose use changed is what it is used as now.
    if len(txn):
        recent = (txn["ts"] >= txn["ts"].max() - pd.Timedelta(days=RECENT_DAYS)).to_numpy()
    else:
        recent = np.zeros(0, dtype=bool)
    n_recent = np.zeros(n)
    for txn_type, short in (("issue_production", "prod"), ("issue_maintenance", "maint")):
        out[f"recent_{short}"] = _count(codes[recent & (kinds.is_(txn_type))], n)
        n_recent += out[f"recent_{short}"]
    n_recent += _count(codes[recent & kinds.any_of(["issue_sales", "issue_other"])], n)
    for short in ("prod", "maint"):
        out[f"recent_share_{short}"] = _share(out.pop(f"recent_{short}"), n_recent)
    out["recent_issues"] = n_recent
    # The dominant use now, by quantity: what a dual-use or changed item is judged by.
    recent_qty = {}
    for short, types in (("prod", ["issue_production"]),
                         ("upkeep", ["issue_maintenance", "issue_other"])):  # fmt: skip
        mask = recent & kinds.any_of(types)
        recent_qty[short] = _count(codes[mask], n, -qty[mask])
    out["recent_qshare_prod"] = _share(
        recent_qty["prod"], recent_qty["prod"] + recent_qty["upkeep"]
    )
    out["prod_per_order_unit_cv"] = _per_order_unit_cv(ds, codes, kinds, qty, n)
    out.update(_period_features(txn, codes, kinds, n))

    maint = kinds.is_("issue_maintenance")
    prod = kinds.is_("issue_production")
    out["n_work_orders"] = _distinct(codes[maint], txn["ref_id"][maint], n)
    out["n_production_orders_fed"] = _distinct(codes[prod], txn["ref_id"][prod], n)
    out["n_sales_orders"] = _distinct(
        codes[kinds.is_("issue_sales")], txn["ref_id"][kinds.is_("issue_sales")], n
    )

    receipt = kinds.is_("receipt")
    produced = kinds.is_("production_output")
    out["n_receipts"] = _count(codes[receipt], n)
    out["n_produced"] = _count(codes[produced], n)
    out["ever_produced"] = (out["n_produced"] > 0).astype("float64")
    out["ever_received"] = (out["n_receipts"] > 0).astype("float64")

    # Lot sizes: mean absolute quantity per issue and per receipt (log scale).
    demand = kinds.any_of(DEMAND_TXN_TYPES)
    size = np.abs(qty)
    issue_qty = _count(codes[demand], n, size[demand])
    out["log_issue_lot"] = np.log1p(_share(issue_qty, n_issues))
    in_qty = _count(codes[receipt | produced], n, size[receipt | produced])
    out["log_receipt_lot"] = np.log1p(_share(in_qty, out["n_receipts"] + out["n_produced"]))
    # CV^2 of issue sizes: lumpy (spares) vs steady (raw material) consumption.
    sq = _count(codes[demand], n, size[demand] ** 2)
    mean = _share(issue_qty, n_issues)
    var = np.maximum(_share(sq, n_issues) - mean**2, 0)
    out["cv2_issue_size"] = np.divide(var, mean**2, out=np.zeros(n), where=mean > 0)

    # ADI: average days between demand days, over the history the dataset covers.
    days = txn["ts"].to_numpy().astype("datetime64[D]")
    frame = pd.DataFrame({"c": codes[demand], "d": days[demand]})
    frame = frame[frame["c"] >= 0].drop_duplicates()
    demand_days = _count(frame["c"].to_numpy(), n)
    span = 1.0
    if len(days):
        span = float((days.max() - days.min()).astype("int64")) + 1.0
    out["demand_days"] = demand_days
    out["adi_days"] = np.where(demand_days > 0, span / np.maximum(demand_days, 1), span * 2)
    return pd.DataFrame(out, index=items)


def _period_features(txn: pd.DataFrame, codes, kinds: Kinds, n: int) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    """How the item behaved in each period: the last quarter (what it is now), and before
    the last year (what it was). A product that a newer product now consumes, a part made
    in-house until last spring and bought since, a cleaner that went into the recipe: the
    totals over the history mix the old behaviour with the new one."""
    out: dict[str, np.ndarray] = {}
    if not len(txn):
        windows = {"q": np.zeros(0, dtype=bool), "early": np.zeros(0, dtype=bool)}
    else:
        end = txn["ts"].max()
        ts = txn["ts"]
        windows = {
            "q": (ts >= end - pd.Timedelta(days=QUARTER_DAYS)).to_numpy(),
            "early": (ts < end - pd.Timedelta(days=RECENT_DAYS)).to_numpy(),
        }
    for name, win in windows.items():
        counts = {
            short: _count(codes[win & kinds.is_(txn_type)], n)
            for txn_type, short in ISSUE_KINDS.items()
        }
        total = sum(counts.values(), np.zeros(n))
        for short in ("prod", "maint", "sales"):
            out[f"{name}_share_{short}"] = _share(counts[short], total)
        out[f"{name}_issues"] = total
        made = _count(codes[win & kinds.is_("production_output")], n)
        bought = _count(codes[win & kinds.is_("receipt")], n)
        out[f"{name}_made_share"] = np.divide(
            made, made + bought, out=np.full(n, np.nan), where=(made + bought) > 0
        )
    return out


def _per_order_unit_cv(ds: Dataset, codes, kinds, qty, n: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Spread of (quantity issued / order quantity) over an item's production issues: a BOM
    material scales with the order (low spread), gloves and tape booked to the order do not.
    NaN where there is nothing to measure (no production orders on record, or no issues)."""
    orders = ds.production_orders
    prod = (kinds.is_("issue_production")) & (codes >= 0)
    if orders.empty or not prod.any():
        return np.full(n, np.nan)
    size = ds.transactions["ref_id"][prod].map(
        orders.drop_duplicates("order_id").set_index("order_id")["qty"]
    )
    ratio = np.log(np.abs(qty[prod]) / size.to_numpy(dtype="float64"))
    frame = pd.DataFrame({"c": codes[prod], "r": ratio}).replace([np.inf, -np.inf], np.nan)
    spread = frame.dropna().groupby("c")["r"].agg(["std", "count"])
    out = np.full(n, np.nan)
    ok = spread["count"] >= 3
    out[spread.index[ok].to_numpy()] = spread.loc[ok, "std"].to_numpy()
    return out


def structure_features(ds: Dataset, items: pd.Index) -> pd.DataFrame:
    n = len(items)
    boms = ds.boms
    out: dict[str, np.ndarray] = {
        "bom_as_component": _count(item_positions(items, boms["component_item_id"]), n),
        "bom_as_parent": _count(item_positions(items, boms["parent_item_id"]), n),
        "orders_as_product": _count(
            item_positions(items, ds.production_orders["product_item_id"]), n
        ),
        "routing_stages": _count(item_positions(items, ds.routings["product_item_id"]), n),
        "pm_kits": _count(item_positions(items, ds.pm_plan_parts["item_id"]), n),
    }
    out["bom_intermediate"] = ((out["bom_as_component"] > 0) & (out["bom_as_parent"] > 0)).astype(
        "float64"
    )
    # The top of a BOM or a routing: what a finished good is even when nothing moved.
    out["bom_top"] = (
        ((out["bom_as_parent"] > 0) & (out["bom_as_component"] == 0)) | (out["routing_stages"] > 0)
    ).astype("float64")
    # A component whose parent is itself a component sits inside the routing, not at its top.
    parents_used = set(boms["component_item_id"].dropna())
    deep = boms[boms["parent_item_id"].isin(parents_used)]
    out["bom_in_subassembly"] = (
        _count(item_positions(items, deep["component_item_id"]), n) > 0
    ).astype("float64")
    return pd.DataFrame(out, index=items)


def master_features(ds: Dataset, items_df: pd.DataFrame) -> pd.DataFrame:
    items = pd.Index(items_df["item_id"])
    suppliers = ds.suppliers.drop_duplicates("supplier_id").set_index("supplier_id")
    sup_type = items_df["supplier_id"].map(suppliers["supplier_type"])
    sup_lead = items_df["supplier_id"].map(suppliers["lead_time_days"])
    out: dict[str, np.ndarray] = {}
    for kind in SUPPLIER_TYPES:
        out[f"supplier_{kind}"] = (sup_type == kind).to_numpy(dtype="float64")
    out["supplier_missing"] = sup_type.isna().to_numpy(dtype="float64")
    lead = items_df["lead_time_days"].fillna(sup_lead)
    out["lead_time_days"] = lead.to_numpy(dtype="float64")  # NaN stays NaN: the model copes
    out["log_unit_cost"] = np.log1p(items_df["unit_cost"].fillna(0).to_numpy(dtype="float64"))
    uom = items_df["uom"].fillna("").str.upper().str.strip()
    for u in COMMON_UOMS:
        out[f"uom_{u}"] = (uom == u).to_numpy(dtype="float64")
    for level in CRITICALITY:
        out[f"criticality_{level}"] = (items_df["criticality"] == level).to_numpy(dtype="float64")
    desc = items_df["description"].fillna("").str.strip().str.lower()
    out["description_missing"] = desc.str.fullmatch(PLACEHOLDER).to_numpy(dtype="float64")

    stock = ds.stock_levels
    on_hand = _count(
        item_positions(items, stock["item_id"]), len(items), stock["on_hand_qty"].to_numpy()
    )
    out["log_on_hand_value"] = np.log1p(on_hand * items_df["unit_cost"].fillna(0).to_numpy())
    return pd.DataFrame(out, index=items)


def item_features(ds: Dataset) -> pd.DataFrame:
    """One row per item (index = item_id), numeric columns only."""
    items_df = ds.items.drop_duplicates("item_id").reset_index(drop=True)
    index = pd.Index(items_df["item_id"], name="item_id")
    parts = [
        transaction_features(ds, index),
        structure_features(ds, index),
        master_features(ds, items_df),
    ]
    return pd.concat(parts, axis=1)


def descriptions(ds: Dataset) -> pd.Series:
    """Lower-cased descriptions; placeholders ("-", "N/A", "see dwg") count as blank."""
    items_df = ds.items.drop_duplicates("item_id")
    text = items_df["description"].fillna("").str.lower()
    text = text.where(~text.str.strip().str.fullmatch(PLACEHOLDER), "")
    return pd.Series(text.to_numpy(), index=items_df["item_id"])

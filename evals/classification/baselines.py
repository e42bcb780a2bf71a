"""Baselines beside the model, on the same held-out items: if one column gives the answer
away, the demo is too easy and the model's score says nothing.

Each single-column rule learns, from the training items' recorded categories, the majority
category of every value of its column and predicts that for the held-out items (a value it
never saw gets the overall majority). The depth-3 tree reads every feature the model reads
except the description.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from sklearn.tree import DecisionTreeClassifier

from stockwise.tools.dataset.model import Dataset

_KINDS = ("prod", "maint", "sales", "other")


def _lookup(key: pd.Series, labels: pd.Series, test_ids: pd.Index) -> np.ndarray:
    train = pd.DataFrame({"k": key.reindex(labels.index), "y": labels})
    majority = labels.value_counts().idxmax()
    table = train.groupby("k")["y"].agg(lambda s: s.value_counts().idxmax())
    return key.reindex(test_ids).map(table).fillna(majority).to_numpy()


def transaction_mix(features: pd.DataFrame) -> pd.Series:
    """'made/bought/dominant issue': what a rule on transaction types sees."""
    shares = features[[f"share_{k}" for k in _KINDS]].to_numpy()
    dominant = np.where(shares.sum(1) > 0, np.array(_KINDS)[shares.argmax(1)], "none")
    made = np.where(features["n_produced"] > 0, "made", "-")
    bought = np.where(features["n_receipts"] > 0, "bought", "-")
    return pd.Series([f"{m}/{b}/{d}" for m, b, d in zip(made, bought, dominant, strict=True)],
                     index=features.index)  # fmt: skip


def keyword(texts: pd.Series) -> pd.Series:
    """The description's first word ("bearing", "dichtung", "pcba"), or '' when blank."""
    return texts.str.extract(r"([a-z][a-z\-]+)", expand=False).fillna("")


def structure(features: pd.DataFrame) -> pd.Series:
    parts = (features[c] > 0 for c in ("bom_as_parent", "bom_as_component", "routing_stages"))
    parent, component, routing = parts
    return (parent.astype(int).astype(str) + component.astype(int).astype(str)
            + routing.astype(int).astype(str))  # fmt: skip


def single_column_keys(
    ds: Dataset, features: pd.DataFrame, texts: pd.Series
) -> dict[str, pd.Series]:
    items = ds.items.drop_duplicates("item_id").set_index("item_id")
    sup_type = ds.suppliers.drop_duplicates("supplier_id").set_index("supplier_id")["supplier_type"]
    supplier = items["supplier_id"].fillna("(none)")
    return {
        "supplier": supplier,
        "supplier type": items["supplier_id"].map(sup_type).fillna("(none)"),
        "transaction-type mix": transaction_mix(features),
        "description keyword": keyword(texts.reindex(items.index).fillna("")),
        "has-BOM/has-routing": structure(features),
    }


def baseline_predictions(
    ds: Dataset,
    features: pd.DataFrame,
    texts: pd.Series,
    labels: pd.Series,
    test_ids: pd.Index,
) -> dict[str, np.ndarray]:
    """name -> predicted category of each held-out item; `labels` are the training items'
    recorded categories."""
    out = {"majority class": np.full(len(test_ids), labels.value_counts().idxmax())}
    for name, key in single_column_keys(ds, features, texts).items():
        out[name] = _lookup(key, labels, test_ids)
    X = features.fillna(-1.0)
    tree = DecisionTreeClassifier(max_depth=3, random_state=0)
    tree.fit(X.loc[labels.index].to_numpy(), labels.to_numpy())
    out["depth-3 tree on the features"] = tree.predict(X.loc[test_ids].to_numpy())
    return out


def baseline_table(predictions: dict[str, np.ndarray], truth: np.ndarray) -> pd.DataFrame:
    rows = {name: {"macro_F1": f1_score(truth, pred, average="macro"),
                   "accuracy": float((pred == truth).mean())}
            for name, pred in predictions.items()}  # fmt: skip
    return pd.DataFrame(rows).T

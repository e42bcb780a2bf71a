"""The classification benchmark's measurements on a demo plant with its truth files.

Held-out scores: the labelled items are split 80/20; the model learns from the 80% (their
recorded, partly wrong categories) and is scored against `labels.csv` on the 20% plus every
item whose category is blank. Misclassification and anomaly scores run the product as it
ships (out-of-fold judgement of every item) against `planted_anomalies.csv`.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from stockwise.tools.anomalies.run import KINDS, find_all, mro_items
from stockwise.tools.classify.evidence import verdicts
from stockwise.tools.classify.features import descriptions, item_features
from stockwise.tools.classify.model import train
from stockwise.tools.classify.service import auto_tags, predict_items, suspected
from stockwise.tools.classify.store import dataset_fingerprint
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import CATEGORIES

WRONG_KINDS = ("wrong_category", "critical_misfiled")
LABEL_KINDS = (*WRONG_KINDS, "blank_category")


def holdout_split(ds: Dataset, seed: int) -> tuple[pd.Index, pd.Index]:
    items = ds.items.drop_duplicates("item_id").set_index("item_id")
    labelled = items.index[items["recorded_category"].notna()]
    train_ids, test_ids = train_test_split(
        labelled,
        test_size=0.2,
        random_state=seed,
        stratify=items.loc[labelled, "recorded_category"],
    )
    blank = items.index[items["recorded_category"].isna()]
    return pd.Index(train_ids), pd.Index(test_ids).append(blank)


def holdout_scores(
    ds, features, texts, truth, train_ids, test_ids, flip_share=0.0, seed=0, **variant
) -> dict:  # type: ignore[no-untyped-def]
    """Fit on `train_ids` (with `flip_share` of their labels made wrong), score `test_ids`."""
    items = ds.items.drop_duplicates("item_id").set_index("item_id")
    labels = items.loc[train_ids, "recorded_category"].copy()
    if flip_share:
        rng = np.random.default_rng(seed)
        flip = rng.random(len(labels)) < flip_share
        others = {c: [o for o in CATEGORIES if o != c] for c in CATEGORIES}
        labels[flip] = [others[c][rng.integers(3)] for c in labels[flip]]
    model = train(features, texts, labels, items["mro_subtype"], **variant)
    pred = model.predict(features.loc[test_ids], texts)
    predicted = np.array(CATEGORIES)[pred[list(CATEGORIES)].to_numpy().argmax(1)]
    true = truth.loc[test_ids, "true_category"].to_numpy()
    mro = true == "mro"
    sub_cols = [c for c in pred.columns if c.startswith("sub_")]
    sub_pred = np.array([c[4:] for c in sub_cols])[pred[sub_cols].to_numpy().argmax(1)]
    return {
        "predicted": predicted,
        "verdict": verdicts(pred[list(CATEGORIES)].to_numpy(), 2),
        "macro_f1": f1_score(true, predicted, average="macro"),
        "subtype_accuracy": accuracy_score(
            truth.loc[test_ids, "true_mro_subtype"].to_numpy()[mro], sub_pred[mro]
        ),
        "n_test": len(test_ids),
    }


def product_table(ds: Dataset, features, texts, **variant) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The shipped pipeline: fit on every recorded category, judge items out-of-fold."""
    items = ds.items.drop_duplicates("item_id").set_index("item_id")
    model = train(features, texts, items["recorded_category"], items["mro_subtype"], **variant)
    model.fingerprint = dataset_fingerprint(ds)
    table = predict_items(model, ds, features, texts).join(items)
    table["corrected_category"] = None
    table["value_at_stake"] = 0.0
    stock = ds.stock_levels.groupby("item_id", observed=True)["on_hand_qty"].sum()
    table["value_at_stake"] = stock.reindex(table.index).fillna(0) * table["unit_cost"]
    return table


def misclassification_scores(
    table: pd.DataFrame, planted: pd.DataFrame, truth: pd.DataFrame, threshold: float
) -> dict[str, float]:
    wrong = set(planted.loc[planted["kind"].isin(WRONG_KINDS), "item_id"])
    flagged = set(suspected(table, threshold).index)
    hits = len(flagged & wrong)
    tags = auto_tags(table)
    tag_truth = truth.loc[tags.index, "true_category"]
    return {
        "threshold": threshold,
        "planted_wrong": len(wrong),
        "flagged": len(flagged),
        "recall": hits / max(len(wrong), 1),
        "precision": hits / max(len(flagged), 1),
        "blank_tag_accuracy": float((tags["predicted_category"] == tag_truth).mean()),
        "n_blank": len(tags),
    }


def dual_use_scores(table: pd.DataFrame, planted: pd.DataFrame) -> dict[str, float]:
    """Planted dual-use items the product flags as dual-use (with their use shares)."""
    dual = set(planted.loc[planted["kind"] == "dual_use", "item_id"])
    flagged = set(table.index[table["dual_use"].astype(bool)])
    hits = len(dual & flagged)
    return {
        "planted": len(dual),
        "flagged": len(flagged),
        "recall": hits / max(len(dual), 1),
        "precision": hits / max(len(flagged), 1),
    }


def anomaly_scores(
    ds: Dataset, table: pd.DataFrame, planted: pd.DataFrame, settings
) -> tuple[pd.DataFrame, float]:  # type: ignore[no-untyped-def]
    """Per kind: planted, found, findings, precision; and the detectors' run time."""
    start = time.perf_counter()
    findings = find_all(
        ds,
        mro_items(table, settings.classify_min_confidence),
        settings.variance_threshold_pct,
        settings.dead_stock_days,
    )
    seconds = time.perf_counter() - start
    found = pd.DataFrame([f.model_dump(include={"kind", "item_id", "ref_id"}) for f in findings])
    if found.empty:
        found = pd.DataFrame(columns=["kind", "item_id", "ref_id"])
    rows = []
    for kind in KINDS:
        mine = found[found["kind"] == kind]
        plant = planted[planted["kind"] == kind]
        ids = set(mine["item_id"]) | set(mine["ref_id"].dropna())
        hit = sum(1 for r in plant.itertuples() if r.item_id in ids)
        true_findings = sum(
            1
            for r in mine.itertuples()
            if {r.item_id, r.ref_id} & set(plant["item_id"]) or r.item_id in set(plant["ref_id"])
        )
        rows.append(
            {
                "kind": kind,
                "planted": len(plant),
                "found": hit,
                "findings": len(mine),
                "precision": true_findings / len(mine) if len(mine) else float("nan"),
            }
        )
    return pd.DataFrame(rows).set_index("kind"), seconds


def prepare(ds: Dataset) -> tuple[pd.DataFrame, pd.Series, float]:
    start = time.perf_counter()
    features = item_features(ds)
    texts = descriptions(ds)
    return features, texts, time.perf_counter() - start

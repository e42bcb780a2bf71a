"""Classify every item of a dataset: load (or train) the model, predict, explain, and list the
recorded categories that a confident prediction contradicts.

`classifications(ctx)` is the one table the CLI and the agent tools read; it is built once per
`ToolContext` and cached there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.tools.classify.corrections import latest_corrections, trusted_labels
from stockwise.tools.classify.evidence import (
    by_dominant_use,
    input_notes,
    missing_tables,
    use_shares,
    verdicts,
)
from stockwise.tools.classify.explain import ExplainContext, explain
from stockwise.tools.classify.features import descriptions, item_features
from stockwise.tools.classify.model import FittedClassifier, train
from stockwise.tools.classify.store import dataset_fingerprint, load_model, save_model
from stockwise.tools.core.executor import BLOCK_ROWS, Executor, LocalExecutor, blocks
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import CATEGORIES, MRO_SUBTYPES

# Each piece of missing evidence (no movements, no supplier, no description) moves the
# probabilities this far towards "can't tell", so thin data never looks certain.
MISSING_SHRINK = 0.15


def fit_for_dataset(ds: Dataset, data_dir, features=None, texts=None) -> FittedClassifier:  # type: ignore[no-untyped-def]
    """Train on recorded categories, with people's corrections as trusted labels."""
    features = item_features(ds) if features is None else features
    texts = descriptions(ds) if texts is None else texts
    cat, sub, weight = trusted_labels(ds, latest_corrections(data_dir))
    model = train(features, texts, cat, sub, weight)
    model.fingerprint = dataset_fingerprint(ds)
    return model


def get_model(ds: Dataset, data_dir, retrain: bool = False, features=None, texts=None):  # type: ignore[no-untyped-def]
    fingerprint = dataset_fingerprint(ds)
    model = None if retrain else load_model(data_dir, fingerprint)
    if model is None:
        model = fit_for_dataset(ds, data_dir, features, texts)
        save_model(model, data_dir)
    return model


def _missing_count(features: pd.DataFrame) -> np.ndarray:
    return (
        (features["n_txn"] == 0).astype(int)
        + (features["supplier_missing"] > 0).astype(int)
        + (features["description_missing"] > 0).astype(int)
    ).to_numpy()


def _shrink(p: np.ndarray, missing: np.ndarray) -> np.ndarray:
    keep = np.clip(1 - MISSING_SHRINK * missing, 0.2, 1.0)[:, None]
    return keep * p + (1 - keep) / p.shape[1]


def predict_items(  # type: ignore[no-untyped-def]
    model: FittedClassifier,
    ds: Dataset,
    features=None,
    texts=None,
    executor: Executor | None = None,
    block_rows: int = BLOCK_ROWS,
) -> pd.DataFrame:
    """Probabilities per item: out-of-fold for training items, the fitted model otherwise.
    The model is fitted once, here; applying it is cut into blocks of `block_rows` items,
    run by `executor` (this process by default, or a cluster)."""
    features = item_features(ds) if features is None else features
    texts = descriptions(ds) if texts is None else texts
    texts = texts.reindex(features.index).fillna("")
    oof = None
    if model.fingerprint == dataset_fingerprint(ds) and len(model.oof):
        oof = model.oof.reindex(features.index)
    work = [
        ClassifyBlock(
            features.iloc[rows], texts.iloc[rows], None if oof is None else oof.iloc[rows]
        )
        for rows in blocks(len(features), block_rows)
    ]
    if not work:
        return classify_block(ClassifyBlock(features, texts, oof), model=model)
    return pd.concat((executor or LocalExecutor()).map(classify_block, work, model=model))


@dataclass(frozen=True)
class ClassifyBlock:
    """One block of items: their features, descriptions and, when the model was trained on
    this very dataset, their out-of-fold probabilities."""

    features: pd.DataFrame
    texts: pd.Series
    oof: pd.DataFrame | None


def classify_block(block: ClassifyBlock, *, model: FittedClassifier) -> pd.DataFrame:
    """The predictions of one block. Runs wherever the executor puts it, so it reads
    nothing but its arguments."""
    features, texts = block.features, block.texts
    proba = model.predict(features, texts, by_use=False)
    text_cat = model.category.predict_text(texts.reindex(features.index).fillna("").to_numpy())
    source = pd.Series("model", index=features.index)
    if block.oof is not None:
        oof = block.oof
        has = oof[list(CATEGORIES)].notna().all(axis=1)
        proba.loc[has, list(CATEGORIES)] = oof.loc[has, list(CATEGORIES)]
        sub_cols = [f"sub_{s}" for s in MRO_SUBTYPES]
        has_sub = oof[sub_cols].notna().all(axis=1)
        proba.loc[has_sub, sub_cols] = oof.loc[has_sub, sub_cols]
        source[has] = "out_of_fold"
    # After the out-of-fold substitution, so training items are settled by use as well.
    proba = by_dominant_use(proba, features)
    missing = _missing_count(features)
    cat = _shrink(proba[list(CATEGORIES)].to_numpy(), missing)
    sub = proba[[f"sub_{s}" for s in MRO_SUBTYPES]].to_numpy()
    out = pd.DataFrame(index=features.index)
    out["predicted_category"] = np.array(CATEGORIES)[cat.argmax(1)]
    out["probability"] = cat.max(1)
    out["predicted_subtype"] = np.where(
        out["predicted_category"] == "mro", np.array(MRO_SUBTYPES)[sub.argmax(1)], None
    )
    out["subtype_probability"] = np.where(out["predicted_category"] == "mro", sub.max(1), np.nan)
    for j, c in enumerate(CATEGORIES):
        out[f"p_{c}"] = cat[:, j]
    if text_cat is not None:
        picked = cat.argmax(1)
        out["text_probability"] = text_cat[np.arange(len(picked)), picked]
    else:
        out["text_probability"] = np.nan
    out["source"] = source
    # A model that learnt a single category has nothing to weigh it against.
    learnt = 1 if model.category.single_class is not None else len(CATEGORIES)
    out["verdict"] = verdicts(cat, learnt)
    order = np.argsort(cat, axis=1)
    out["runner_up"] = np.array(CATEGORIES)[order[:, -2]]
    shares = use_shares(features)
    for use in ("production", "maintenance", "other", "sales"):
        out[f"use_{use}"] = shares[use]
    out["dual_use"] = shares["dual_use"]
    return out


def value_at_stake(ds: Dataset) -> pd.Series:
    """On-hand value per item across sites (on hand x unit cost)."""
    items = ds.items.drop_duplicates("item_id").set_index("item_id")
    qty = ds.stock_levels.groupby("item_id")["on_hand_qty"].sum()
    return (qty.reindex(items.index).fillna(0) * items["unit_cost"].fillna(0)).rename("value")


def build_classifications(  # type: ignore[no-untyped-def]
    ds: Dataset, data_dir, retrain: bool = False, executor: Executor | None = None
) -> pd.DataFrame:
    """Every item: recorded vs predicted category, probability, subtype, explanation; the
    model applied by `executor` (this process by default)."""
    features = item_features(ds)
    texts = descriptions(ds)
    model = get_model(ds, data_dir, retrain, features, texts)
    pred = predict_items(model, ds, features, texts, executor)
    items = ds.items.drop_duplicates("item_id").set_index("item_id")
    corrections = latest_corrections(data_dir)
    table = pred.join(items[["description", "recorded_category", "mro_subtype"]])
    table["value_at_stake"] = value_at_stake(ds)
    table["corrected_category"] = [
        corrections[i].category if i in corrections else None for i in table.index
    ]
    ctx = ExplainContext.build(ds)
    ctx.missing_tables = missing_tables(ds)
    rows = features.to_dict("index")  # dict lookups: 40,000 explanations in a second
    for item_id, row in zip(table.index, table.itertuples(index=False), strict=True):
        rows[item_id]["_uses"] = {
            "production": row.use_production, "maintenance": row.use_maintenance,
            "other": row.use_other, "sales": row.use_sales, "dual_use": row.dual_use,
            "verdict": row.verdict, "runner_up": row.runner_up,
            "p_runner_up": getattr(row, f"p_{row.runner_up}"),
        }  # fmt: skip
    table["explanation"] = [
        explain(
            item_id,
            row.predicted_category,
            row.probability,
            row.predicted_subtype,
            rows[item_id],
            ctx,
            None if pd.isna(row.text_probability) else row.text_probability,
            row.recorded_category,
            corrections.get(item_id),
            row.mro_subtype if isinstance(row.mro_subtype, str) else None,
        )
        for item_id, row in zip(table.index, table.itertuples(index=False), strict=True)
    ]
    table.attrs["model"] = {
        "version": model.version,
        "trained_at": model.trained_at,
        "fingerprint": model.fingerprint,
        "n_train": model.n_train,
        "scores": model.scores,
    }
    table.attrs["input_notes"] = input_notes(ds, features, items["recorded_category"])
    return table


def classifications_of(ctx: ToolContext) -> pd.DataFrame:
    return build_classifications(ctx.dataset, ctx.settings.data_dir, executor=ctx.executor)


def classifications(ctx: ToolContext) -> pd.DataFrame:
    """The dataset's classifications, built once per context."""
    return ctx.cached(classifications_of)


def suspected(table: pd.DataFrame, min_probability: float) -> pd.DataFrame:
    """Recorded categories (or MRO subtypes) contradicted by a confident prediction, worst
    first. Items a person has corrected are settled and never flagged again."""
    recorded = table["recorded_category"]
    open_ = recorded.notna() & table["corrected_category"].isna()
    wrong_category = (
        open_
        & (recorded != table["predicted_category"])
        & (table["probability"] >= min_probability)
    )
    # A line-stopping spare filed as a consumable is wrong too, though "mro" is right.
    wrong_subtype = (
        open_
        & (recorded == "mro")
        & (table["predicted_category"] == "mro")
        & table["mro_subtype"].notna()
        & (table["mro_subtype"] != table["predicted_subtype"])
        & (table["probability"] >= min_probability)
        & (table["subtype_probability"] >= min_probability)
    )
    flagged = table[wrong_category | wrong_subtype].copy()
    flagged["issue"] = np.where(wrong_category[flagged.index], "category", "mro_subtype")
    confidence = np.where(
        flagged["issue"] == "category",
        flagged["probability"],
        flagged["probability"] * flagged["subtype_probability"],
    )
    # +1 so items with nothing on hand still rank among themselves by confidence.
    flagged["score"] = confidence * (flagged["value_at_stake"] + 1.0)
    return flagged.sort_values("score", ascending=False)


def auto_tags(table: pd.DataFrame) -> pd.DataFrame:
    """Items with no recorded category, tagged with the predicted one."""
    blank = table[table["recorded_category"].isna() & table["corrected_category"].isna()]
    return blank.sort_values("probability", ascending=False)

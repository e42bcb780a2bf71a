"""The classifier on the small plant: predictions, explanations, suspects, bad input,
persistence."""

from __future__ import annotations

import numpy as np

from stockwise.tools.classify.features import descriptions, item_features
from stockwise.tools.classify.model import MODEL_VERSION, balanced, contradicted
from stockwise.tools.classify.service import (
    auto_tags,
    build_classifications,
    predict_items,
    suspected,
)
from stockwise.tools.classify.store import dataset_fingerprint, load_model, model_path

from .conftest import BLANK, WRONG
from .plant import build_plant, to_dataset


def test_training_items_are_judged_out_of_fold(classified):  # type: ignore[no-untyped-def]
    labelled = classified[classified["recorded_category"].notna()]
    assert (labelled["source"] == "out_of_fold").all()
    truth = {i: i[0] for i in classified.index}
    letter = {"raw_material": "R", "wip": "W", "finished_good": "F", "mro": "M"}
    plain = classified[classified.index.str[0].isin(list("RWFM"))]
    hits = sum(letter[p] == truth[i] for i, p in plain["predicted_category"].items())
    assert hits / len(plain) >= 0.95


def test_wrong_recorded_categories_are_suspected(classified):  # type: ignore[no-untyped-def]
    bad = suspected(classified, 0.8)
    assert set(WRONG) <= set(bad.index)
    assert (bad["score"].diff().dropna() <= 0).all()  # worst first
    assert bad.loc["M001", "predicted_category"] == "mro"
    assert bad.loc["R002", "predicted_category"] == "raw_material"


def test_blank_categories_get_a_tag(classified):  # type: ignore[no-untyped-def]
    tags = auto_tags(classified)
    assert set(BLANK) <= set(tags.index)
    assert tags.loc["W003", "predicted_category"] == "wip"
    assert tags.loc["M006", "predicted_category"] == "mro"


def test_explanations_name_the_drivers(classified):  # type: ignore[no-untyped-def]
    spare = classified.loc["M000", "explanation"]
    assert spare.startswith("MRO spare part (")
    assert "maintenance work orders and never to production" in spare
    assert "PM kit of Press P-3" in spare
    assert "OEM spares supplier" in spare
    raw = classified.loc["R002", "explanation"]
    assert "issued to 12 production orders" in raw and "ERP records it as mro" in raw
    fg = classified.loc["F001", "explanation"]
    assert "shipped on 12 sales orders" in fg


def test_bad_input_still_predicted_with_lower_confidence(classified):  # type: ignore[no-untyped-def]
    x1 = classified.loc["X001"]
    assert x1["predicted_category"] in {"raw_material", "wip", "finished_good", "mro"}
    assert "no stock movements on record" in x1["explanation"]
    assert "no supplier on record" in x1["explanation"]
    assert "an empty description" in x1["explanation"]
    assert x1["probability"] <= 1 - 0.45 + 0.45 / 4 + 1e-9
    assert x1["probability"] < classified.loc["M000", "probability"]
    assert "confidence lowered" in classified.loc["X002", "explanation"]


def test_model_persists_and_round_trips(plant_ds, model_dir, classified):  # type: ignore[no-untyped-def]
    fp = dataset_fingerprint(plant_ds)
    assert model_path(model_dir, fp).exists()
    model = load_model(model_dir, fp)
    assert model is not None and model.version == MODEL_VERSION
    assert model.fingerprint == fp and model.trained_at
    assert 0.9 <= model.scores["oof_macro_f1_vs_recorded"] <= 1.0
    again = predict_items(model, plant_ds, item_features(plant_ds), descriptions(plant_ds))
    np.testing.assert_allclose(
        again["probability"].to_numpy(), classified["probability"].to_numpy()
    )
    assert load_model(model_dir, "another-dataset") is None


def test_retrain_refits(tmp_path):  # type: ignore[no-untyped-def]
    plant_ds = to_dataset(build_plant(n_per_class=8))
    first = build_classifications(plant_ds, tmp_path)
    stamp = first.attrs["model"]["trained_at"]
    path = model_path(tmp_path, dataset_fingerprint(plant_ds))
    mtime = path.stat().st_mtime_ns
    reused = build_classifications(plant_ds, tmp_path)
    assert path.stat().st_mtime_ns == mtime and reused.attrs["model"]["trained_at"] == stamp
    build_classifications(plant_ds, tmp_path, retrain=True)
    assert path.stat().st_mtime_ns > mtime


def test_prebinned_trees_predict_as_the_trees_on_raw_columns():
    """Binning before the trees is a speed-up only: with unit weights the fitted model
    predicts exactly what the trees fitted on the raw columns predict."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    from stockwise.tools.classify.model import BinnedTrees

    rng = np.random.default_rng(3)
    X = np.c_[rng.gamma(0.5, 3, 3000), rng.integers(0, 7, 3000), rng.normal(size=3000)]
    X[rng.random(3000) < 0.1, 0] = np.nan
    y = np.where(np.nan_to_num(X[:, 0]) + X[:, 2] > 1.5, "mro", "wip")

    def trees():  # type: ignore[no-untyped-def]
        return HistGradientBoostingClassifier(max_iter=20, random_state=0)

    raw = trees().fit(X, y)
    binned = BinnedTrees(trees()).fit(X, y, sample_weight=np.ones(len(y)))
    fresh = rng.normal(size=(500, 3)) * [3, 2, 1] + [1, 3, 0]
    np.testing.assert_allclose(binned.predict_proba(fresh), raw.predict_proba(fresh))
    assert list(binned.classes_) == ["mro", "wip"]


def test_training_sample_keeps_every_category_and_every_correction():
    from stockwise.tools.classify.model import training_sample

    y = np.array(["mro"] * 900 + ["wip"] * 80 + ["finished_good"] * 20)
    w = np.ones(len(y))
    w[[5, 950]] = 3.0  # two people's corrections
    picked = training_sample(y, w, cap=200, seed=0)
    counts = {c: int((y[picked] == c).sum()) for c in ("mro", "wip", "finished_good")}
    # In proportion (900 x 0.2), at least 50 of a category (or all it has), corrections kept.
    assert counts == {"mro": 180 + 1, "wip": 50 + 1, "finished_good": 20}
    assert {5, 950} <= set(picked) and len(set(picked)) == len(picked)
    assert len(training_sample(y, w, cap=5000, seed=0)) == len(y)


def test_items_left_out_of_a_capped_training_are_still_judged(plant_ds, monkeypatch):  # type: ignore[no-untyped-def]
    from stockwise.tools.classify import model as classifier
    from stockwise.tools.classify.model import train

    monkeypatch.setattr(classifier, "MIN_PER_CATEGORY", 5)
    features, texts = item_features(plant_ds), descriptions(plant_ds)
    items = plant_ds.items.set_index("item_id")
    labelled = items["recorded_category"].dropna()
    model = train(features, texts, items["recorded_category"], items["mro_subtype"], max_train=20)
    assert model.n_train < len(labelled) and model.scores["n_labelled"] == len(labelled)
    # Every labelled item has a judgement: out-of-fold if learnt from, else the final model's.
    assert list(model.oof.index) == list(labelled.index)
    assert not model.oof[["raw_material", "wip", "finished_good", "mro"]].isna().any().any()


def test_a_label_the_behaviour_contradicts_is_kept_when_its_description_backs_it():
    own = np.array([0.05, 0.05, 0.9, 0.05])  # out-of-fold, text and behaviour together
    text_own = np.array([0.1, 0.9, 0.1, 0.1])  # out-of-fold, the description alone
    w = np.array([1.0, 1.0, 1.0, 3.0])  # the last label is a person's correction
    assert contradicted(own, text_own, w).tolist() == [True, False, False, False]


def test_a_small_category_weighs_more_per_item_and_corrections_still_count():
    # 90 MRO items and 10 WIP: each WIP item weighs 3x an MRO item ((90 / 10) ** 0.5), so
    # the ten count about a third as much as the ninety, not a ninth; a person's
    # correction keeps its extra weight on top.
    y = np.array(["mro"] * 90 + ["wip"] * 10)
    w = np.ones(100)
    w[0] = 5.0
    out = balanced(y, w)
    assert np.isclose(out[95] / out[50], 3.0)
    assert np.isclose(out[0] / out[50], 5.0)
    assert np.isclose(out[90:].sum() / out[1:90].sum(), 30 / 89)

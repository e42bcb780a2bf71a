"""The classifier itself: description text (char n-grams) stacked under gradient-boosted trees
on behaviour features, for the category and, for MRO items, the subtype.

Labels come from the ERP and some are wrong, so every training item also gets an
out-of-fold prediction (from models that never saw its label). Those are the predictions
used to judge an item's recorded category: an item's own label must not vouch for itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from threadpoolctl import threadpool_limits

from stockwise.tools.classify.evidence import by_dominant_use
from stockwise.tools.dataset.schema import CATEGORIES, MRO_SUBTYPES

MODEL_VERSION = "1.7"  # 1.7: class-balanced weights (the "1.6" tried was not kept)
FOLDS = 5
# A training label whose out-of-fold probability is below this is dropped for the final fit.
PRUNE_BELOW = 0.3
PRUNE_ROUNDS = 2
# ... unless the description alone, learnt out-of-fold, backs the label at least this much.
# Behaviour and text are two views a wrong label does not corrupt alike: with 20% of labels
# flipped, a small class is mostly noise, and its rarer behaviours (products discontinued
# before the history, never moving) fell below the cut and were lost; their descriptions
# still say what they are. Chosen on demo v4 seed 42: 20%-flip mean drop 0.020 (0.8: 0.027;
# none: 0.039), clean macro-F1 0.956 (none: 0.964).
TEXT_VOUCHES = 0.5
# Category weights: (mean class size / class size) to this power. Macro-F1 weighs the few
# finished goods and WIP as much as the many MRO items, and on demo v5 the finished goods
# have several behaviours (sold, shipped to a distribution centre, packed into kits, bought
# and resold), each a handful of items, that unweighted trees with leaves of 10 lumped into
# the large classes. Chosen on demo v5 seeds 42 and 7 (clean macro-F1 0.951 and 0.967;
# unweighted 0.956 and 0.905); the square root, not full balance, so that the flipped
# labels of a small class do not weigh as much as a large class's true ones.
CLASS_WEIGHT_POWER = 0.5
# The trees' own limit on distinct values per column.
MAX_BINS = 255
# Smallest leaf of the trees on a large plant. 30 drowned small groups (WIP that never moved
# but sits in a BOM, finished goods a newer product consumes) in the large MRO and raw
# material classes; 10 was chosen on demo v4 seed 42 (macro-F1 0.964 vs 0.960), the other
# seeds only report.
MIN_LEAF = 10
# Above this many labelled items the model learns from a stratified sample of them: accuracy
# is flat well before this size while training time grows with it. The labelled items left
# out are judged by the fitted model, which never saw their labels, so their judgement is
# out-of-sample too.
MAX_TRAIN = 12_000
MIN_PER_CATEGORY = 50  # in a sample, so a rare category is still learnt
MIN_DESCRIBED = 20  # labelled items with a description needed to learn from the text


def _text_model() -> Pipeline:
    # char_wb n-grams survive the abbreviations and typos of ERP descriptions ("brg", "bearng").
    return make_pipeline(
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), min_df=2, sublinear_tf=True, max_features=60000
        ),
        LogisticRegression(C=4.0, max_iter=300),
    )


def bin_thresholds(column: np.ndarray) -> np.ndarray:
    """Cut points for one column, as the trees compute them without sample weights:
    midpoints between distinct values when there are few, else quantiles."""
    values = np.sort(column[~np.isnan(column)])
    distinct = np.unique(values)
    if len(distinct) <= 1:
        return np.empty(0)
    if len(distinct) <= MAX_BINS:
        return (distinct[:-1] + distinct[1:]) / 2
    levels = np.linspace(0, 100, MAX_BINS + 1)[1:-1]
    return np.unique(np.percentile(values, levels, method="averaged_inverted_cdf"))


@dataclass
class BinnedTrees:
    """Gradient-boosted trees fed columns already cut into bins.

    Given sample weights (people's corrections weigh more), scikit-learn bins every column by
    254 weighted percentiles computed one by one in Python: about a quarter of the training
    time at 37,000 items. The cut points here are the unweighted ones the trees use without
    weights; the weights still count in every split."""

    model: HistGradientBoostingClassifier
    thresholds: list[np.ndarray] = field(default_factory=list)

    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray) -> BinnedTrees:
        self.thresholds = [bin_thresholds(col) for col in X.T]
        self.model.fit(self._binned(X), y, sample_weight=sample_weight)
        return self

    def _binned(self, X: np.ndarray) -> np.ndarray:
        out = np.empty(X.shape, dtype=np.float64)
        for j, cuts in enumerate(self.thresholds):
            col = X[:, j]
            if not len(cuts):
                # A column with one value (or none: a table the plant lacks) says nothing;
                # all-NaN would make the trees' binner fail.
                out[:, j] = 0.0
                continue
            # A value equal to a cut point falls in the lower bin, as in the trees' own mapping.
            out[:, j] = np.where(np.isnan(col), np.nan, np.searchsorted(cuts, col, side="left"))
        return out

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(self._binned(X))

    @property
    def classes_(self) -> np.ndarray:
        return self.model.classes_


def _tree_model(seed: int, n_rows: int) -> BinnedTrees:
    # Large leaves and L2 keep the trees from memorising the wrong labels in the training set;
    # small plants get smaller leaves and no early-stopping split (too few rows to spare).
    big = n_rows >= 2000
    trees = HistGradientBoostingClassifier(
        max_iter=250 if big else 50,
        learning_rate=0.08 if big else 0.2,
        min_samples_leaf=MIN_LEAF if big else int(np.clip(n_rows // 20, 3, MIN_LEAF)),
        l2_regularization=1.0,
        early_stopping=big,
        validation_fraction=0.1,
        n_iter_no_change=15,
        random_state=seed,
    )
    return BinnedTrees(trees)


def _proba(model, X, classes: tuple[str, ...]) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Probabilities in the order of `classes`, zero for a class the model never saw."""
    raw = model.predict_proba(X)
    out = np.zeros((raw.shape[0], len(classes)))
    for j, c in enumerate(model.classes_):
        out[:, classes.index(c)] = raw[:, j]
    return out


@dataclass
class Head:
    """One prediction task (category or subtype): a text model stacked under a tree model."""

    classes: tuple[str, ...]
    use_text: bool
    use_behaviour: bool
    text: Pipeline | None = None
    tree: BinnedTrees | None = None
    single_class: str | None = None
    # Out-of-fold probabilities of the text model alone on the rows `fit_oof` learnt from.
    text_oof: np.ndarray | None = None

    def _stack(self, X: np.ndarray, text_proba: np.ndarray | None) -> np.ndarray:
        cols = []
        if self.use_behaviour:
            cols.append(X)
        if text_proba is not None:
            cols.append(text_proba)
        return np.hstack(cols)

    def fit_oof(
        self, X: np.ndarray, texts: np.ndarray, y: np.ndarray, w: np.ndarray, seed: int
    ) -> np.ndarray:
        """Fit on everything; return out-of-fold probabilities for the training rows."""
        k = len(self.classes)
        if len(set(y)) < 2:
            self.single_class = str(y[0]) if len(y) else self.classes[0]
            return self.predict(X, texts)
        counts = pd.Series(y).value_counts()
        folds = int(min(FOLDS, max(2, counts.min())))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        splits = list(splitter.split(X, y)) if counts.min() >= 2 else _plain_splits(len(y), seed)
        text_oof = None
        if self.use_text:
            text_oof = np.zeros((len(y), k))
            for tr, te in splits:
                m = _text_model().fit(texts[tr], y[tr], logisticregression__sample_weight=w[tr])
                text_oof[te] = _proba(m, texts[te], self.classes)
            self.text_oof = text_oof
            self.text = _text_model().fit(texts, y, logisticregression__sample_weight=w)
        if not self.use_behaviour:
            assert text_oof is not None, "a head reads the text, the behaviour or both"
            return text_oof
        Z = self._stack(X, text_oof)
        oof = np.zeros((len(y), k))
        for tr, te in splits:
            tree = _tree_model(seed, len(tr)).fit(Z[tr], y[tr], sample_weight=w[tr])
            oof[te] = _proba(tree, Z[te], self.classes)
        self.tree = _tree_model(seed, len(y)).fit(Z, y, sample_weight=w)
        return oof

    def predict_text(self, texts: np.ndarray) -> np.ndarray | None:
        """What the description alone says (None when the head reads no text)."""
        if self.text is None:
            return None
        return _proba(self.text, texts, self.classes)

    def predict(self, X: np.ndarray, texts: np.ndarray) -> np.ndarray:
        k = len(self.classes)
        if self.single_class is not None:
            out = np.zeros((len(X), k))
            out[:, self.classes.index(self.single_class)] = 1.0
            return out
        text_proba = _proba(self.text, texts, self.classes) if self.use_text else None
        if not self.use_behaviour:
            assert text_proba is not None, "a head reads the text, the behaviour or both"
            return text_proba
        return _proba(self.tree, self._stack(X, text_proba), self.classes)


def _plain_splits(n: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    order = np.random.default_rng(seed).permutation(n)
    return [(np.setdiff1d(order, part), part) for part in np.array_split(order, 2)]


@dataclass
class FittedClassifier:
    feature_names: list[str]
    category: Head
    subtype: Head
    version: str = MODEL_VERSION
    trained_at: str = ""
    fingerprint: str = ""
    n_train: int = 0
    scores: dict[str, float] = field(default_factory=dict)
    # Out-of-fold probabilities of the training items (index item_id; CATEGORIES columns,
    # then "sub_" + MRO_SUBTYPES columns, NaN where the item had no subtype label).
    oof: pd.DataFrame = field(default_factory=pd.DataFrame)

    def predict(
        self, features: pd.DataFrame, texts: pd.Series, by_use: bool = True
    ) -> pd.DataFrame:
        """Category and subtype probabilities; `by_use` settles process dual-use items by
        their dominant use (the definition), as `evidence.by_dominant_use` says."""
        X = features[self.feature_names].to_numpy(dtype="float64")
        t = texts.reindex(features.index).fillna("").to_numpy()
        cat = self.category.predict(X, t)
        sub = self.subtype.predict(X, t)
        frame = pd.DataFrame(cat, index=features.index, columns=list(CATEGORIES))
        for j, s in enumerate(MRO_SUBTYPES):
            frame[f"sub_{s}"] = sub[:, j]
        return by_dominant_use(frame, features) if by_use else frame


def balanced(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """`w` (people's corrections weigh more) times (mean class size / class size) **
    CLASS_WEIGHT_POWER: each category counts about as much in the fit, whatever its size."""
    if not len(y):
        return w
    _, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    return w * (counts.mean() / counts[inverse]) ** CLASS_WEIGHT_POWER


def _fit_heads(X, t, y, w, sub_labels: pd.Series, use_text, use_behaviour, seed):  # type: ignore[no-untyped-def]
    cat_head = Head(CATEGORIES, use_text, use_behaviour)
    cat_oof = cat_head.fit_oof(X, t, y, balanced(y, w), seed)
    is_sub = (y == "mro") & sub_labels.isin(MRO_SUBTYPES).to_numpy()
    sub_head = Head(MRO_SUBTYPES, use_text, use_behaviour)
    sub_oof = np.full((len(y), len(MRO_SUBTYPES)), np.nan)
    if is_sub.sum() >= 2:
        ys = sub_labels.to_numpy()[is_sub].astype(str)
        sub_oof[is_sub] = sub_head.fit_oof(X[is_sub], t[is_sub], ys, w[is_sub], seed)
    else:
        sub_head.single_class = MRO_SUBTYPES[0]
    return cat_head, cat_oof, sub_head, sub_oof


def training_sample(y: np.ndarray, w: np.ndarray, cap: int, seed: int) -> np.ndarray:
    """Positions to learn from: all of them up to `cap`, else a stratified sample of about
    `cap` that keeps every category in proportion (at least 50 of each, or all it has) and
    every person's correction (weight > 1)."""
    if len(y) <= cap:
        return np.arange(len(y))
    rng = np.random.default_rng(seed)
    keep = w > 1.0
    for c in np.unique(y):
        pos = np.flatnonzero((y == c) & ~keep)
        take = min(len(pos), max(MIN_PER_CATEGORY, round(len(pos) * cap / len(y))))
        keep[rng.choice(pos, size=take, replace=False)] = True
    return np.flatnonzero(keep)


def _judge_unseen(cat_head, sub_head, X, t, seen, cat_seen, sub_seen, has_sub):  # type: ignore[no-untyped-def]
    """Probabilities for every row: out-of-fold where the row was learnt from (`seen`), the
    fitted heads' otherwise (those rows' labels were never shown to them either)."""
    cat = cat_head.predict(X, t)
    cat[seen] = cat_seen
    sub = np.where(has_sub[:, None], sub_head.predict(X, t), np.nan)
    sub[seen] = np.where(has_sub[seen][:, None], sub_seen, np.nan)
    return cat, sub


def contradicted(own: np.ndarray, text_own: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Labels to leave out of the next pass: the out-of-fold view gives the label less than
    PRUNE_BELOW, the description alone less than TEXT_VOUCHES, and no person set it."""
    return ~((own >= PRUNE_BELOW) | (text_own >= TEXT_VOUCHES) | (w > 1.0))


def _learn(X, t, y, w, sub_labels: pd.Series, use_text, use_behaviour, seed, prune):  # type: ignore[no-untyped-def]
    """Both heads with out-of-fold probabilities for every row they learn from."""
    cat_head, cat_oof, sub_head, sub_oof = _fit_heads(
        X, t, y, w, sub_labels, use_text, use_behaviour, seed
    )
    # Further passes without the labels the previous pass confidently contradicts: wrong
    # ERP labels otherwise teach the model their own mistakes. People's corrections stay.
    # A second round catches labels the first model, itself taught by them, still backed.
    keep = np.ones(len(y), dtype=bool)
    label_col = [CATEGORIES.index(c) for c in y]
    # The text's view comes from the first pass, which learnt from every label.
    text_own = (
        cat_head.text_oof[np.arange(len(y)), label_col]
        if cat_head.text_oof is not None and use_behaviour
        else np.zeros(len(y))
    )
    for _ in range(PRUNE_ROUNDS if prune else 0):
        own = cat_oof[np.arange(len(y)), label_col]
        drop = contradicted(own, text_own, w)
        if not (drop & keep).any() or (keep & ~drop).sum() < 20:
            break
        keep &= ~drop
        cat_head, kept_oof, sub_head, kept_sub = _fit_heads(
            X[keep], t[keep], y[keep], w[keep], sub_labels[keep], use_text, use_behaviour, seed
        )
        # Dropped items were not trained on: the refitted model's view of them is
        # already out-of-sample.
        had_sub = ~np.isnan(sub_oof).any(axis=1)
        cat_oof, sub_oof = _judge_unseen(
            cat_head, sub_head, X, t, keep, kept_oof, kept_sub, had_sub
        )
    return cat_head, cat_oof, sub_head, sub_oof


def train(
    features: pd.DataFrame,
    texts: pd.Series,
    labels: pd.Series,
    subtypes: pd.Series,
    weights: pd.Series | None = None,
    use_text: bool = True,
    use_behaviour: bool = True,
    seed: int = 0,
    prune: bool = True,
    max_train: int = MAX_TRAIN,
) -> FittedClassifier:
    """Fit on the items that have a label (`labels` indexed by item_id, blanks ignored), or
    on a stratified sample of `max_train` of them."""
    labels = labels.dropna()
    labels = labels[labels.isin(CATEGORIES)]
    ids = labels.index.intersection(features.index)
    labels = labels.loc[ids]
    if weights is None:
        weights = pd.Series(1.0, index=ids)
    names = list(features.columns)
    X = features.loc[ids, names].to_numpy(dtype="float64")
    t = texts.reindex(ids).fillna("").to_numpy()
    y = labels.to_numpy().astype(str)
    w = weights.reindex(ids).fillna(1.0).to_numpy()

    if use_text and int((t != "").sum()) < MIN_DESCRIBED:
        # Too few descriptions to learn words from (the vectoriser would find none at all
        # in a master without descriptions): behaviour alone, as the notes say.
        use_text, use_behaviour = False, True
    sub_labels = subtypes.reindex(ids)
    fit = training_sample(y, w, max_train, seed)
    # OpenMP and BLAS threads spin-wait; on a small plant or a busy machine one thread is
    # several times faster.
    with threadpool_limits(limits=1 if len(fit) < 20_000 else 2):
        cat_head, fit_cat, sub_head, fit_sub = _learn(
            X[fit], t[fit], y[fit], w[fit], sub_labels.iloc[fit], use_text, use_behaviour,
            seed, prune,
        )  # fmt: skip
        if len(fit) == len(y):
            cat_oof, sub_oof = fit_cat, fit_sub
        else:
            has_sub = (y == "mro") & sub_labels.isin(MRO_SUBTYPES).to_numpy()
            seen = np.zeros(len(y), dtype=bool)
            seen[fit] = True
            cat_oof, sub_oof = _judge_unseen(
                cat_head, sub_head, X, t, seen, fit_cat, fit_sub, has_sub
            )
    is_sub = ~np.isnan(sub_oof).any(axis=1)

    oof = pd.DataFrame(cat_oof, index=ids, columns=list(CATEGORIES))
    for j, s in enumerate(MRO_SUBTYPES):
        oof[f"sub_{s}"] = sub_oof[:, j]
    scores = {
        "oof_macro_f1_vs_recorded": float(
            f1_score(y, np.array(CATEGORIES)[cat_oof.argmax(1)], average="macro")
        ),
        "n_train": float(len(fit)),
        "n_labelled": float(len(ids)),
    }
    if is_sub.any():
        pred_sub = np.array(MRO_SUBTYPES)[np.nan_to_num(sub_oof[is_sub]).argmax(1)]
        scores["oof_subtype_accuracy_vs_recorded"] = float(
            accuracy_score(sub_labels.to_numpy()[is_sub].astype(str), pred_sub)
        )
    return FittedClassifier(
        feature_names=names,
        category=cat_head,
        subtype=sub_head,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        n_train=len(fit),
        scores=scores,
        oof=oof,
    )

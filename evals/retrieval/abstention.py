"""Fit the "nothing relevant here" decision (tools/documents/relevance.py) on the
validation questions, and report it cross-validated beside the raw-cosine baseline.

    python -m evals.retrieval.abstention [--scale 20] [--folds 5] [--write]

The signals of every validation question are read from one search each (the index is
built from scratch, the demo plant's machine names at `--scale`). The model is a logistic
regression on standardised signals (scikit-learn, here only; the service applies the
fitted weights with a dot product). Its decision threshold is the highest probability
that wrongly declines at most MAX_WRONG of the answerable questions, read off
cross-validated probabilities, so the threshold is never set on the rows it is tried on.

Reported: stratified k-fold figures (each fold's model and threshold fitted on the other
folds, the baseline's cosine threshold likewise), per slice. `--write` puts the model
fitted on all the validation questions into relevance.py. The blind set is never read
here; run `python -m evals.retrieval --set blind` for its figures.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from evals.retrieval.run import demo_retriever
from evals.retrieval.sets import Question, load
from stockwise.knowledge import CORPUS_DIR
from stockwise.tools.documents import e5, relevance
from stockwise.tools.documents.index import build_index
from stockwise.tools.documents.relevance import Signals
from stockwise.tools.documents.store import get_collection, open_client

MAX_WRONG = 0.02  # at most 2% of answerable validation questions declined (the target)
C = 1.0  # inverse L2 strength on standardised signals
NAMES = list(Signals().features())
RELEVANCE = Path(relevance.__file__)


def collect(questions: list[Question], scale: float, index: Path | None) -> list[Signals]:
    with tempfile.TemporaryDirectory(prefix="stockwise-fit-") as tmp:
        folder = index or Path(tmp) / "chroma"
        collection = get_collection(open_client(path=folder))
        if not collection.count():
            build_index(CORPUS_DIR, collection)
        retriever = demo_retriever(collection, scale)
        e5.warm()  # the service's query engine, whose similarities the fit then sees
        out = []
        for q in questions:
            signals = retriever.retrieve(q.text, k=5).verdict.signals
            assert signals is not None
            out.append(signals)
        return out


def matrix(signals: list[Signals]) -> np.ndarray:
    return np.array([[s.features()[n] for n in NAMES] for s in signals], dtype=np.float64)


def fit(x: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=1000)).fit(x, y)


def threshold_for(scores: np.ndarray, y: np.ndarray) -> float:
    """The highest threshold (decline when score < it) that declines at most MAX_WRONG of
    the answerable rows (y == 1)."""
    answerable = np.sort(scores[y == 1])
    allowed = int(np.floor(MAX_WRONG * len(answerable)))
    # Declining the `allowed` lowest answerable scores at most: the threshold sits at the
    # next one up (ties included, so it never declines more than allowed).
    return float(answerable[allowed]) if len(answerable) else 0.5


def out_of_fold(x: np.ndarray, y: np.ndarray, folds: int, seed: int) -> np.ndarray:
    from sklearn.model_selection import StratifiedKFold

    p = np.zeros(len(y))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        p[test] = fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    return p


def cross_validate(x: np.ndarray, y: np.ndarray, folds: int, seed: int) -> dict[str, np.ndarray]:
    """Covered or not for every row, each decided by a model and a threshold fitted
    without it (the threshold from inner cross-validation on the training folds)."""
    from sklearn.model_selection import StratifiedKFold

    fitted = np.zeros(len(y), dtype=bool)
    baseline = np.zeros(len(y), dtype=bool)
    cosine = x[:, NAMES.index("dense_top")]
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        inner = out_of_fold(x[train], y[train], folds, seed)
        cut = threshold_for(inner, y[train])
        model = fit(x[train], y[train])
        fitted[test] = model.predict_proba(x[test])[:, 1] >= cut
        baseline[test] = cosine[test] >= threshold_for(cosine[train], y[train])
    return {"fitted": fitted, "baseline": baseline}


def report(
    questions: list[Question], signals: list[Signals], y: np.ndarray, decided: dict[str, np.ndarray]
) -> None:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, q in enumerate(questions):
        groups[q.slice].append(i)
        if q.slice.startswith("en-"):
            groups["all English"].append(i)
        elif q.answerable:
            groups["all other languages"].append(i)
        else:
            foreign = signals[i].foreign
            groups["out-of-corpus, " + ("other languages" if foreign else "English")].append(i)
        groups["all"].append(i)
    print(
        f"{'slice':<22} {'n':>4} {'ans':>4} "
        + " ".join(f"{m + ' wrong':>15} {m + ' flagged':>17}" for m in decided)
    )
    for name in sorted(groups, key=lambda g: (g.startswith("all"), g)):
        idx = np.array(groups[name])
        ans, unans = idx[y[idx] == 1], idx[y[idx] == 0]
        cells = []
        for covered in decided.values():
            wrong = f"{(~covered[ans]).mean():.3f}" if len(ans) else "-"
            flagged = f"{(~covered[unans]).mean():.3f}" if len(unans) else "-"
            cells.append(f"{wrong:>15} {flagged:>17}")
        print(f"{name:<22} {len(idx):>4} {len(ans):>4} " + " ".join(cells))


def raw_weights(model) -> tuple[float, dict[str, float]]:
    """The pipeline's weights on the signals' own scales."""
    scaler, logistic = model[0], model[1]
    w = logistic.coef_[0] / scaler.scale_
    b = float(logistic.intercept_[0] - np.sum(w * scaler.mean_))
    return b, dict(zip(NAMES, (float(v) for v in w), strict=True))


def write(intercept: float, weights: dict[str, float], threshold: float, n: int, ooc: int) -> None:
    text = RELEVANCE.read_text(encoding="utf-8")
    lines = "\n".join(f'    "{k}": {v:.4f},' for k, v in weights.items())
    block = (
        "# Fitted by `python -m evals.retrieval.abstention` on evals/retrieval/validation.yaml\n"
        f"# ({n} questions, {ooc} out of the documents' scope); weights are on the signals' "
        "raw scales.\n"
        f"INTERCEPT = {intercept:.4f}\nWEIGHTS = {{\n{lines}\n}}\n"
        f"THRESHOLD = {threshold:.4f}  # declined below this probability of being covered\n"
    )
    pattern = re.compile(
        r"# Fitted by `python -m evals.retrieval.abstention`.*?\nTHRESHOLD = [^\n]*\n", re.S
    )
    if not pattern.search(text):
        raise SystemExit(f"no fitted block found in {RELEVANCE}")
    RELEVANCE.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")
    print(f"written to {RELEVANCE}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--scale", type=float, default=20)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=5, help="repeats of the k-fold split")
    parser.add_argument("--write", action="store_true", help="put the fit into relevance.py")
    parser.add_argument("--index", type=Path, help="a Chroma folder to reuse (built if empty)")
    args = parser.parse_args(argv)

    questions = load("validation")
    y = np.array([int(q.answerable) for q in questions])
    signals = collect(questions, args.scale, args.index)
    x = matrix(signals)
    print(f"validation: {len(y)} questions, {int(y.sum())} answerable, {int((1 - y).sum())} not")
    for seed in range(args.seeds):
        decided = cross_validate(x, y, args.folds, seed)
        print(
            f"\n{args.folds}-fold cross-validation, split {seed} (wrong: answerable declined; "
            "flagged: out-of-corpus declined); baseline: raw cosine threshold"
        )
        report(questions, signals, y, decided)
    model = fit(x, y)
    threshold = threshold_for(out_of_fold(x, y, args.folds, 0), y)
    intercept, weights = raw_weights(model)
    print(f"\nfitted on all {len(y)}: intercept {intercept:.4f}, threshold {threshold:.4f}")
    for name, w in weights.items():
        print(f"  {name:<14} {w:+.4f}")
    cosine = x[:, NAMES.index("dense_top")]
    print(f"baseline cosine threshold on all: {threshold_for(cosine, y):.4f}")
    if args.write:
        write(intercept, weights, threshold, len(y), int((1 - y).sum()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

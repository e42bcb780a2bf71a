"""Saving and loading the fitted classifier in the data directory, one file per dataset.

The file carries the model version, training date, dataset fingerprint and validation scores,
so a loaded model can say what it is and a model from another dataset is never reused.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import joblib

from stockwise.tools.classify.model import MODEL_VERSION, FittedClassifier
from stockwise.tools.dataset.model import Dataset


def dataset_fingerprint(ds: Dataset) -> str:
    """The loader's fingerprint, or one computed from what the classifier reads."""
    if ds.fingerprint:
        return ds.fingerprint
    h = hashlib.sha256()
    items = ds.items.sort_values("item_id")
    cols = ["item_id", "description", "recorded_category", "mro_subtype"]
    h.update(items[cols].to_csv(index=False).encode())
    txn = ds.transactions
    h.update(str(ds.row_counts()).encode())
    if len(txn):
        h.update(f"{txn['ts'].max()}|{txn['qty'].sum():.6f}".encode())
    return h.hexdigest()


def model_path(data_dir: Path, fingerprint: str) -> Path:
    return Path(data_dir) / "classify" / f"model-{fingerprint[:16]}.joblib"


def save_model(model: FittedClassifier, data_dir: Path) -> Path:
    """Write atomically: a crash mid-write never leaves a half model behind."""
    path = model_path(data_dir, model.fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump(model, tmp, compress=3)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def load_model(data_dir: Path, fingerprint: str) -> FittedClassifier | None:
    """The saved model for this dataset, or None (none yet, or from an older version)."""
    path = model_path(data_dir, fingerprint)
    if not path.exists():
        return None
    model = joblib.load(path)
    if not isinstance(model, FittedClassifier) or model.version != MODEL_VERSION:
        return None
    if model.fingerprint != fingerprint:
        return None
    return model

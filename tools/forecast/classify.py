"""Syntetos-Boylan demand classes from ADI (average interval between demands, in periods)
and CV^2 (squared coefficient of variation of the nonzero demand sizes)."""

from __future__ import annotations

import numpy as np

ADI_CUT = 1.32
CV2_CUT = 0.49
CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "no_demand")


def adi_cv2(history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of `history` (rows x periods): ADI = periods / periods with demand, and CV^2
    of the nonzero sizes (population variance / mean^2). Rows with no demand get ADI = inf
    and CV^2 = 0."""
    h = np.atleast_2d(np.clip(np.nan_to_num(np.asarray(history, dtype=float)), 0.0, None))
    positive = h > 0
    count = positive.sum(axis=1)
    safe = np.maximum(count, 1)
    with np.errstate(divide="ignore"):
        adi = np.where(count > 0, h.shape[1] / safe, np.inf)
    mean = h.sum(axis=1) / safe
    var = (h**2).sum(axis=1) / safe - mean**2
    cv2 = np.where(count > 0, np.clip(var, 0.0, None) / np.maximum(mean, 1e-12) ** 2, 0.0)
    return adi, cv2


def classify(history: np.ndarray) -> np.ndarray:
    """Demand class per row: smooth, erratic, intermittent, lumpy, or no_demand."""
    adi, cv2 = adi_cv2(history)
    out = np.where(
        adi < ADI_CUT,
        np.where(cv2 < CV2_CUT, "smooth", "erratic"),
        np.where(cv2 < CV2_CUT, "intermittent", "lumpy"),
    )
    return np.where(np.isinf(adi), "no_demand", out).astype(object)

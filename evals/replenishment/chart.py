"""The value-vs-fill trade-off of a real-plant benchmark as a PNG: one line per policy
(a point per target), the plant's Min/Max as a point."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

MARKERS = {"project": "o-", "textbook": "s--"}


def value_fill_chart(curve: pd.DataFrame, path: Path, title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for policy, style in MARKERS.items():
        line = curve[curve.policy == policy].sort_values("target")
        ax.plot(line["fill_rate"] * 100, line["average_value"], style, label=policy, ms=4)
    plant = curve[curve.policy == "plant Min/Max"]
    if len(plant):
        ax.plot(plant["fill_rate"] * 100, plant["average_value"], "*", ms=14, label="plant Min/Max")
    ax.set_xlabel("achieved fill rate in the replay, %")
    ax.set_ylabel("average stock value")
    ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

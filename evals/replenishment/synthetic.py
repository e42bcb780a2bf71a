"""A stationary synthetic store: `python -m evals.replenishment synthetic [--seed N]`.

Why: on a real plant one replayed year moves 2-7 points from the next at a fixed plan, so
a calibration error hides in the year's noise. Here every item's demand is drawn from
the same law in every month and classes are drawn at random, so the calibration replays
and the final year differ only by sampling noise and by how many months each fit saw:
what several seeds leave between target and achieved fill is the method's own bias.

Items: a monthly chance of demand from Beta(0.6, 8) (about 7% of months with demand, as in
MRO stores), sizes rounded up from gamma(0.8) times a lognormal scale per item, lead
times 15-200 days, lognormal prices, a Min/Max around lead-time demand, classes A/B/C at
random (20/50/30%). 45 months, like the refinery: fit 33, replay 12.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evals.replenishment.plant_files import DAYS_PER_MONTH, PlantData
from evals.replenishment.real_plant import benchmark

ITEMS, MONTHS = 4000, 45


def synthetic_store(seed: int = 7, items: int = ITEMS, months: int = MONTHS) -> PlantData:
    rng = np.random.default_rng(seed)
    chance = rng.beta(0.6, 8.0, items)
    scale = rng.lognormal(0.5, 1.0, items)
    occurs = rng.random((items, months)) < chance[:, None]
    demand = occurs * np.ceil(rng.gamma(0.8, scale[:, None], (items, months)))
    lead = np.ceil(rng.integers(15, 200, items) / DAYS_PER_MONTH)
    mean = chance * scale * 0.8
    low = np.ceil(mean * (lead + 1) * rng.uniform(0.5, 2.0, items))
    high = low + np.maximum(np.ceil(mean * 3), 1)
    return PlantData(
        ids=np.array([f"s{i}" for i in range(items)]),
        months=pd.date_range("2000-01-01", periods=months, freq="MS"),
        demand=demand.astype(float),
        lead_months=lead,
        price=rng.lognormal(4.0, 1.5, items),
        klass=rng.choice(np.array(["A", "B", "C"], dtype=object), items, p=[0.2, 0.5, 0.3]),
        plant_min=low,
        plant_max=high,
        rules=[
            f"synthetic store, seed {seed}: stationary demand, classes drawn at random; "
            "the plant's Min/Max is drawn around lead-time demand"
        ],
    )


def synthetic(seed: int = 7) -> pd.DataFrame:
    return benchmark(synthetic_store(seed), f"synthetic stationary store (seed {seed})")

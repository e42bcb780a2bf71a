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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evals.replenishment.noise_band import MONTHS as YEAR_MONTHS
from evals.replenishment.noise_band import perfect_plan_band
from evals.replenishment.plant_files import DAYS_PER_MONTH, PlantData
from evals.replenishment.real_plant import (
    CALIBRATION,
    CALIBRATION_TOLERANCE,
    CRITICAL_FLOOR,
    benchmark,
)
from evals.replenishment.replay import split

ITEMS, MONTHS = 4000, 45
# Months of the true law the perfect plan's curves are read from: the law itself, up to
# the sampling of its sizes.
LAW_MONTHS = 2400


@dataclass(frozen=True)
class StoreLaw:
    """Each item's monthly demand: a demand with probability `chance`, of size
    ceil(gamma(0.8, `scale`))."""

    chance: np.ndarray
    scale: np.ndarray

    def sample(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        """Monthly demand, `shape` = (..., items, months)."""
        occurs = rng.random(shape) < self.chance[:, None]
        return occurs * np.ceil(rng.gamma(0.8, np.broadcast_to(self.scale[:, None], shape)))

    def years(self, rng: np.random.Generator, years: int) -> np.ndarray:
        return self.sample(rng, (years, len(self.chance), YEAR_MONTHS))


def store_law(seed: int = 7, items: int = ITEMS) -> StoreLaw:
    """The law `synthetic_store` draws its items' demand from (the same first draws)."""
    rng = np.random.default_rng(seed)
    chance = rng.beta(0.6, 8.0, items)
    return StoreLaw(chance, rng.lognormal(0.5, 1.0, items))


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
    store = synthetic_store(seed)
    curve = benchmark(store, f"synthetic stationary store (seed {seed})")
    perfect_on_the_law(store, store_law(seed, len(store.ids)), seed)
    return curve


def perfect_on_the_law(store: PlantData, law: StoreLaw, seed: int) -> None:
    """The band of a perfect plan that knows the generator's law (not a bootstrap of the
    fitted months): what one replayed year can do to a class when nothing is misjudged."""
    rng = np.random.default_rng(seed + 1)
    cut = split(store)
    floor = np.where(store.klass == "A", CRITICAL_FLOOR, 0.0)
    band = perfect_plan_band(law.sample(rng, (len(law.chance), LAW_MONTHS)), law.years,
                             store.lead_months, cut.qty, store.price, store.klass, CALIBRATION,
                             floor=floor, seed=seed)  # fmt: skip
    print("\nperfect plan on the generator's own law (reorder points planned on it and "
          f"calibrated to this protocol; {band.years} years replayed):")  # fmt: skip
    for target in CALIBRATION:
        for group in ("store", "A", "B", "C"):
            print(f"  {group} at {target:.0%}: {band.text(group, target, CALIBRATION_TOLERANCE)}")

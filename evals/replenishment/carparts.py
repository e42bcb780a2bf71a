"""Car parts: the project's reorder policy against the textbook one, on real demand.

Monthly demand of 2,509 parts with no items file: every part gets a lead time of 2 months
and a unit price of 1, and the order quantity is one month of mean demand (at least 1).
The protocol, the policies and the printout are those of `real_plant.benchmark`: the
project's cost-aware reorder points for a store-wide fill target against Croston-SBA with
a normal safety stock, compared at an equal achieved fill rate.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evals.replenishment.plant_files import read_plant
from evals.replenishment.real_plant import benchmark

LEAD_MONTHS, PRICE = 2, 1.0


def carparts(path: Path, chart: Path | None = None) -> pd.DataFrame:
    data = read_plant(path, None, lead_months=LEAD_MONTHS, price=PRICE)
    return benchmark(data, f"car parts ({Path(path).name})", chart)

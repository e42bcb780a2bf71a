"""The in-memory dataset every tool reads: one pandas DataFrame per contract table.

Column names are exactly the contract's. After loading, every id column holds strings,
every timestamp/date column is `datetime64[ns]` (naive, site local time), numbers are
floats (`stage_seq` is int). Optional tables that the source lacks are empty frames with
the contract's columns, so tools never branch on "is the table there".

Ids are trimmed; other text is kept as typed; a blank cell is missing. Text is `object`
(Python str, missing = None), except `transactions.item_id`, `site_id`, `txn_type` and
`ref_type`, which are pandas categoricals with sorted categories (tens of millions of rows:
a quarter of the memory, faster filters and group-bys). Values still compare equal to str
(`tx.item_id == "I2"`, `.isin([...])`); a missing one is NaN. Group with
`groupby(..., observed=True)`: the default also yields every unused category (all items).
Unknown extra columns of a source are kept, after the contract's columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from stockwise.tools.dataset.schema import TABLES


@dataclass
class Dataset:
    tables: Mapping[str, pd.DataFrame]  # read-only; from the cache, read on first use
    source: str
    name: str = "dataset"
    currency: str = "USD"
    documents_dir: Path | None = None
    fingerprint: str = ""
    meta: dict = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        # dataset.items, dataset.transactions, ... for every product table.
        tables = self.__dict__.get("tables")
        if tables is not None and name in tables:
            return tables[name]
        raise AttributeError(name)

    def table(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(f"no table {name!r} in the data contract")
        return self.tables[name]

    @cached_property
    def as_of(self) -> pd.Timestamp:
        """The snapshot time: the latest `stock_levels.as_of`."""
        stamps = self.tables["stock_levels"]["as_of"]
        if stamps.empty:
            return pd.Timestamp.now().normalize()
        return pd.Timestamp(stamps.max())

    def row_counts(self) -> dict[str, int]:
        return {name: len(df) for name, df in self.tables.items()}

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

import threading
from collections.abc import Callable, Iterator, Mapping
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
    # A database URL when the transactions stay in that database: the stock tools query
    # it, and `tables["transactions"]` is read whole only when another tool asks for it.
    ledger: str | None = None

    def __post_init__(self) -> None:
        in_memory = isinstance(self.tables, dict) and "transactions" in self.tables
        if self.ledger and in_memory:
            # Movements given in memory (a copy with events applied): they are the truth.
            self.ledger = None

    def __getattr__(self, name: str) -> pd.DataFrame:
        # dataset.items, dataset.transactions, ... for every product table.
        tables = self.__dict__.get("tables")
        if tables is not None and name in TABLES:
            try:
                return tables[name]
            except KeyError:
                pass
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
        tables = self.tables
        if isinstance(tables, LazyTables):
            return tables.row_counts()
        return {name: len(df) for name, df in tables.items()}


class LazyTables(Mapping[str, pd.DataFrame]):
    """Tables some of which (`loaders`) are read on first use, once, under a lock (tools run
    on worker threads); `rows_unread` holds the row counts of those not read yet. `in`,
    iteration and `len` see every table without reading it; `{**tables}` reads them all, so
    a copy of the dataset with a table replaced does not lose the others."""

    def __init__(
        self,
        tables: dict[str, pd.DataFrame],
        loaders: Mapping[str, Callable[[], pd.DataFrame]],
        rows_unread: dict[str, int],
    ) -> None:
        self._frames = dict(tables)
        self.loaders = dict(loaders)
        self.rows_unread = rows_unread
        self._names = list(dict.fromkeys([*tables, *loaders]))  # one order, read or not
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> pd.DataFrame:
        frame = self._frames.get(name)
        if frame is not None:
            return frame
        if name not in self.loaders:
            raise KeyError(name)
        with self._lock:
            if name not in self._frames:
                self._frames[name] = self.loaders[name]()
                self.rows_unread.pop(name, None)
            return self._frames[name]

    def __contains__(self, name: object) -> bool:
        return name in self._frames or name in self.loaders

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def is_read(self, name: str) -> bool:
        """Whether `name` has been read (or was given) already."""
        return name in self._frames

    def row_counts(self) -> dict[str, int]:
        """Every table's rows, the unread ones from `rows_unread` (nothing is read)."""
        return {**{n: len(df) for n, df in self._frames.items()}, **self.rows_unread}

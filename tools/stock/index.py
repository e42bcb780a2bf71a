"""Per-dataset lookup structures the stock tools share, built once and reused by every call.

A `Dataset` holds plain DataFrames; scanning millions of transactions per question is what
makes a chat answer slow. Here ids become integer codes, and transactions are kept as numpy
arrays sorted by (item, time) so a period is two `searchsorted` calls, and a copy of the
demand rows sorted by time so a period across all items is one slice and one `bincount`.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import DEMAND_TXN_TYPES

if TYPE_CHECKING:  # SQLAlchemy only when a dataset keeps its ledger in a database
    from stockwise.tools.stock.ledger_sql import SqlLedger

UNCLASSIFIED = "unclassified"
T = TypeVar("T")


@dataclass(frozen=True)
class Rows:
    """Transactions of one kind as parallel arrays (all the same length, same order)."""

    ts: np.ndarray  # int64 nanoseconds
    item: np.ndarray  # int32 item code
    site: np.ndarray  # int32 site code
    qty: np.ndarray  # float64, signed as in the ledger
    source_row: np.ndarray  # int64 row number in dataset.transactions


def _codes(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in `index` (-1 when absent). Hashing the few distinct values
    and mapping their codes is several times faster than looking up millions of strings."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = np.append(index.get_indexer(pd.Index(uniques, dtype=object)), -1).astype(np.int32)
    return lookup[codes]  # the NA sentinel -1 picks the trailing -1


def _take(rows: Rows, positions: np.ndarray) -> Rows:
    return Rows(
        rows.ts[positions],
        rows.item[positions],
        rows.site[positions],
        rows.qty[positions],
        rows.source_row[positions],
    )


def _offsets(codes_sorted: np.ndarray, n_codes: int) -> np.ndarray:
    """offsets[c]:offsets[c+1] is the slice of code c in an array sorted by code."""
    return np.searchsorted(codes_sorted, np.arange(n_codes + 1)).astype(np.int64)


class Ledger:
    """Transactions as arrays: all rows sorted by (item, ts), demand rows also by ts."""

    def __init__(self, tx: pd.DataFrame, item_ids: pd.Index, site_ids: pd.Index) -> None:
        n_items = len(item_ids)
        item = _codes(item_ids, tx["item_id"])
        site = _codes(site_ids, tx["site_id"])
        ts = tx["ts"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
        qty = tx["qty"].to_numpy(dtype=float)
        type_codes, type_names = pd.factorize(tx["txn_type"])
        demand_codes = [i for i, name in enumerate(type_names) if name in DEMAND_TXN_TYPES]
        known = (item >= 0) & (site >= 0)
        self.unmatched = int((~known).sum())
        rows = np.arange(len(tx)) if known.all() else np.flatnonzero(known)
        # Ledgers usually arrive in time order; then a stable sort by item keeps it, and
        # the demand rows in file order are already the by-time copy.
        time_ordered = bool(np.all(ts[rows][1:] >= ts[rows][:-1]))
        if time_ordered:
            order = np.argsort(item[rows], kind="stable")
        else:
            order = np.lexsort((ts[rows], item[rows]))
        source = rows[order]
        self.tx = Rows(ts[source], item[source], site[source], qty[source], source.astype(np.int64))
        self.tx_offsets = _offsets(self.tx.item, n_items)
        self.tx_type = pd.Categorical.from_codes(
            type_codes[source], categories=pd.Index(type_names, dtype=object)
        )
        is_demand = np.isin(self.tx_type.codes, demand_codes)
        self.demand_by_item = _take(self.tx, np.flatnonzero(is_demand))  # (item, ts) order
        self.demand_offsets = _offsets(self.demand_by_item.item, n_items)
        if time_ordered:
            in_file = rows[np.isin(type_codes[rows], demand_codes)]
            self.demand_by_time = Rows(
                ts[in_file], item[in_file], site[in_file], qty[in_file], in_file.astype(np.int64)
            )
        else:
            by_time = np.argsort(self.demand_by_item.ts, kind="stable")
            self.demand_by_time = _take(self.demand_by_item, by_time)


class StockIndex:
    """Integer codes and sorted arrays over one dataset. Build with `stock_index(dataset)`."""

    def __init__(self, dataset: Dataset) -> None:
        # No reference to `dataset` itself: the cache below lets the index die with it.
        # The tables, not the frame: the dataset's cache converts transactions only when a
        # question needs them (an on-hand or value question does not; 0.1 s on the demo).
        self._tables = dataset.tables
        self.as_of = pd.Timestamp(dataset.as_of)
        self._build_items(dataset)
        self._build_sites(dataset)
        self._build_levels(dataset)
        self.sql: SqlLedger | None = None
        # The ledger when orders and progress stay in the database too, else None.
        self.orders_db: SqlLedger | None = None
        if dataset.ledger:
            # The transactions stay in the database: ledger figures are queries there.
            from stockwise.tools.dataset.sql_ledger import CHECKED_IN_PLACE
            from stockwise.tools.stock.ledger_sql import SqlLedger

            self.sql = SqlLedger(dataset.ledger, self.item_ids, self.site_ids)
            # Orders and progress left there too (both checked at open): the WIP tools'
            # joins run in the database as well (`orders_sql.py`).
            lazy = getattr(dataset.tables, "loaders", {})
            if set(CHECKED_IN_PLACE) <= set(lazy):
                self.orders_db = self.sql
        self._ledger_lock = threading.Lock()
        self._memo: dict = {}

    # --- master data -------------------------------------------------------------------
    def _build_items(self, ds: Dataset) -> None:
        items = ds.items.reset_index(drop=True).copy()
        items["category"] = items["recorded_category"].fillna(UNCLASSIFIED)
        supplier_lead = ds.suppliers.set_index("supplier_id")["lead_time_days"]
        items["supplier_lead_time_days"] = items["supplier_id"].map(supplier_lead).astype(float)
        # The contract: an item's lead time falls back to its supplier's.
        items["effective_lead_time_days"] = items["lead_time_days"].fillna(
            items["supplier_lead_time_days"]
        )
        self.items = items
        self.item_ids = pd.Index(items["item_id"].astype(object))
        self.n_items = len(items)
        self.unit_cost = items["unit_cost"].to_numpy(dtype=float)
        rank = {"A": 0, "B": 1, "C": 2}
        self.criticality_rank = items["criticality"].map(rank).fillna(3).to_numpy(dtype=int)

    def _build_sites(self, ds: Dataset) -> None:
        self.sites = ds.sites.reset_index(drop=True)
        self.site_ids = pd.Index(self.sites["site_id"].astype(object))
        self.n_sites = len(self.sites)

    def _build_levels(self, ds: Dataset) -> None:
        levels = ds.stock_levels
        item = _codes(self.item_ids, levels["item_id"])
        site = _codes(self.site_ids, levels["site_id"])
        keep = (item >= 0) & (site >= 0)
        self.levels_unmatched = int((~keep).sum())
        order = np.argsort(item[keep], kind="stable")
        kept = levels.loc[keep].iloc[order].reset_index(drop=True)
        self.levels = kept  # stock_levels sorted by item code
        self.lv_item = item[keep][order]
        self.lv_site = site[keep][order]
        self.lv_on_hand = kept["on_hand_qty"].to_numpy(dtype=float)
        self.lv_reorder_point = kept["reorder_point"].to_numpy(dtype=float)
        self.lv_as_of = kept["as_of"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
        self.lv_offsets = _offsets(self.lv_item, self.n_items)
        self.on_hand_by_item = np.bincount(
            self.lv_item, weights=self.lv_on_hand, minlength=self.n_items
        )

    @property
    def transactions(self) -> pd.DataFrame:
        # With a database ledger this reads the movements whole: the stock tools ask self.sql.
        return self._tables["transactions"]

    # --- the ledger: indexed on the first question that needs transactions -------------
    @cached_property
    def ledger(self) -> Ledger:
        # On-hand questions never wait for millions of transactions to be indexed.
        if self.sql:
            raise RuntimeError("the ledger stays in the database: ask self.sql")
        with self._ledger_lock:
            built = self.__dict__.get("ledger")  # another thread may have built it meanwhile
            return built or Ledger(self.transactions, self.item_ids, self.site_ids)

    @property
    def tx(self) -> Rows:
        return self.ledger.tx

    @property
    def tx_offsets(self) -> np.ndarray:
        return self.ledger.tx_offsets

    @property
    def tx_type(self) -> pd.Categorical:
        return self.ledger.tx_type

    @property
    def demand_by_item(self) -> Rows:
        return self.ledger.demand_by_item

    @property
    def demand_offsets(self) -> np.ndarray:
        return self.ledger.demand_offsets

    @property
    def demand_by_time(self) -> Rows:
        return self.ledger.demand_by_time

    # --- derived, built on first use ---------------------------------------------------
    @cached_property
    def n_transactions(self) -> int:
        """Transactions whose item and site are known."""
        return self.sql.count() if self.sql else len(self.tx.ts)

    @cached_property
    def book_balance(self) -> np.ndarray:
        """Per stock_levels row: the sum of qty of its (item, site) up to that row's as_of."""
        if self.sql:
            return self.sql.book_balance(self.lv_item, self.lv_site)
        pair_of_row = self.lv_item.astype(np.int64) * self.n_sites + self.lv_site
        cutoff_by_pair = np.full(self.n_items * max(self.n_sites, 1), self.as_of.value, np.int64)
        cutoff_by_pair[pair_of_row] = self.lv_as_of
        tx_pair = self.tx.item.astype(np.int64) * self.n_sites + self.tx.site
        counted = self.tx.ts <= cutoff_by_pair[tx_pair]
        sums = np.bincount(
            tx_pair[counted], weights=self.tx.qty[counted], minlength=len(cutoff_by_pair)
        )
        return sums[pair_of_row]

    @cached_property
    def last_demand_ts(self) -> np.ndarray:
        """Per item: the time of its latest demand transaction up to as_of (int64 ns, or -1)."""
        if self.sql:
            return self.sql.last_demand_ts(self.as_of)
        rows = self.demand_by_item
        last = np.full(self.n_items, -1, dtype=np.int64)
        counted = rows.ts <= self.as_of.value
        np.maximum.at(last, rows.item[counted], rows.ts[counted])
        return last

    @cached_property
    def demand_90d_by_item(self) -> np.ndarray:
        """Per item, all sites: demand in the 90 days before as_of (the contract's window)."""
        return self.demand_in_window(self.as_of - pd.Timedelta(days=90), self.as_of)

    def item_groups(self, column: str, blank: str) -> tuple[np.ndarray, np.ndarray]:
        """Per item: a code of its value in `column` (blank -> `blank`), and the values."""
        key = ("groups", column, blank)
        if key not in self._memo:
            values = self.items[column].astype(object).where(self.items[column].notna(), blank)
            codes, uniques = pd.factorize(values.astype(str))
            self._memo[key] = (codes, np.asarray(uniques, dtype=object))
        return self._memo[key]

    def memo(self, name: str, build: Callable[[], T]) -> T:
        """A derived table kept for the index's life, e.g. open orders with their stage."""
        if name not in self._memo:
            self._memo[name] = build()
        return self._memo[name]

    # --- queries -------------------------------------------------------------------------
    def demand_in_window(
        self, after: pd.Timestamp, upto: pd.Timestamp, site: int | None = None
    ) -> np.ndarray:
        """Per item: demand (a positive number) over after < ts <= upto."""
        if self.sql:
            start, end = after.to_pydatetime(), upto.to_pydatetime()
            return self.sql.demand(start, end, site, end_inclusive=True)[0]
        rows = self.demand_by_time
        lo = np.searchsorted(rows.ts, after.value, side="right")
        hi = np.searchsorted(rows.ts, upto.value, side="right")
        return self._demand_sum(rows, lo, hi, site)

    def demand_in_period(
        self, start_ns: int, end_exclusive_ns: int, site: int | None = None
    ) -> np.ndarray:
        """Per item: demand (a positive number) over start <= ts < end."""
        if self.sql:
            return self.demand_and_rows(start_ns, end_exclusive_ns, site)[0]
        rows = self.demand_by_time
        lo = np.searchsorted(rows.ts, start_ns, side="left")
        hi = np.searchsorted(rows.ts, end_exclusive_ns, side="left")
        return self._demand_sum(rows, lo, hi, site)

    def demand_and_rows(
        self, start_ns: int, end_exclusive_ns: int, site: int | None = None
    ) -> tuple[np.ndarray, int]:
        """`demand_in_period`, and the demand rows of all sites it was computed from."""
        if self.sql:
            start, end = pd.Timestamp(start_ns), pd.Timestamp(end_exclusive_ns)
            return self.sql.demand(start.to_pydatetime(), end.to_pydatetime(), site)
        rows = self.demand_by_time
        used = np.searchsorted(rows.ts, end_exclusive_ns) - np.searchsorted(rows.ts, start_ns)
        return self.demand_in_period(start_ns, end_exclusive_ns, site), int(used)

    def _demand_sum(self, rows: Rows, lo: Any, hi: Any, site: int | None) -> np.ndarray:
        items, qty = rows.item[lo:hi], rows.qty[lo:hi]
        if site is not None:
            at_site = rows.site[lo:hi] == site
            items, qty = items[at_site], qty[at_site]
        # Demand is minus the sum of the (negative) issue quantities.
        return 0.0 - np.bincount(items, weights=qty, minlength=self.n_items)  # no -0.0

    def item_slice(self, rows: Rows, offsets: np.ndarray, item: int, start_ns: int, end_ns: int):
        """Positions in `rows` (sorted by item, ts) of `item` with start <= ts < end."""
        first, last = offsets[item], offsets[item + 1]
        ts = rows.ts[first:last]
        lo = first + np.searchsorted(ts, start_ns, side="left")
        hi = first + np.searchsorted(ts, end_ns, side="left")
        return lo, hi

    def level_rows(self, item: int) -> range:
        return range(int(self.lv_offsets[item]), int(self.lv_offsets[item + 1]))


_CACHE: dict[int, tuple[weakref.ref, StockIndex]] = {}
_LOCK = threading.Lock()


def stock_index(dataset: Dataset) -> StockIndex:
    """The index of `dataset`, built on first use and kept while the dataset lives."""
    key = id(dataset)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached[0]() is dataset:
            return cached[1]
        index = StockIndex(dataset)

        def forget(_ref: weakref.ref, k: int = key) -> None:
            _CACHE.pop(k, None)

        _CACHE[key] = (weakref.ref(dataset, forget), index)
        return index

"""What the ledger checks share, computed once per run: the transactions sorted by item, site
and time (one sort of the whole ledger), and from that order each (item, site)'s book balance
and lowest running balance, weekly demand, when each item last moved, and the transactions
behind a finding. Everything is array arithmetic over contiguous runs, no per-item loop."""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import DEMAND_TXN_TYPES
from stockwise.tools.stock.common import demand_window

INBOUND_TXN_TYPES = ("receipt", "production_output", "transfer_in")
_DAY_NS = 86_400 * 10**9
# 1970-01-01 was a Thursday: shifting by three days makes weeks start on Monday, as
# pandas' "W" periods do.
_MONDAY_SHIFT = 3
_NEVER = np.iinfo(np.int64).min


def _codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    return cat.cat.codes.to_numpy().astype(np.int64), cat.cat.categories


def _starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Where each run of equal values begins in a sorted array."""
    if not len(sorted_keys):
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])


def _times(ns: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(np.where(ns == _NEVER, np.datetime64("NaT"), ns.view("M8[ns]")))


class Ledger:
    """The transactions up to `as_of`, with per item/site figures computed on first use."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        txn = ds.transactions
        if len(txn) and txn["ts"].max() > ds.as_of:
            txn = txn[txn["ts"] <= ds.as_of]
        self.txn = txn
        item, self.item_ids = _codes(txn["item_id"])
        site, self.site_ids = _codes(txn["site_id"])
        kind, self._kinds = _codes(txn["txn_type"])
        self._n_sites = max(len(self.site_ids), 1)
        ts = np.asarray(txn["ts"].to_numpy(), dtype="datetime64[ns]").view(np.int64)
        key = item * self._n_sites + site
        # One sort of the whole ledger by (item, site, time). Ledgers are usually written in
        # time order, and then a stable sort by (item, site) alone keeps time order inside.
        if len(ts) < 2 or bool(np.all(ts[1:] >= ts[:-1])):
            order = np.argsort(key, kind="stable")
        else:
            order = np.lexsort((ts, key))
        self._order = order
        self._key, self._ts = key[order], ts[order]
        self._qty = txn["qty"].to_numpy(dtype=float)[order]
        self._kind = kind[order]
        self._item = self._key // self._n_sites
        self._pair_starts = _starts(self._key)
        self._item_starts = _starts(self._item)

    def mask(self, types: tuple[str, ...]) -> np.ndarray:
        """Rows (in ledger order) whose transaction type is one of `types`."""
        codes = [self._kinds.get_loc(t) for t in types if t in self._kinds]
        return np.isin(self._kind, codes)

    @cached_property
    def demand(self) -> np.ndarray:
        return self.mask(DEMAND_TXN_TYPES)

    def _pair_frame(self, key: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "item_id": self.item_ids[key // self._n_sites],
                "site_id": self.site_ids[key % self._n_sites],
            }
        )

    def per_item(self, values: np.ndarray, how: str = "sum") -> pd.Series:
        """Reduce a per-row array over each item's run of rows; indexed by item id."""
        if not len(values):
            return pd.Series(dtype=float)
        ufunc = {"sum": np.add, "max": np.maximum, "min": np.minimum}[how]
        out = ufunc.reduceat(values, self._item_starts)
        return pd.Series(out, index=self.item_ids[self._item[self._item_starts]])

    @cached_property
    def balances(self) -> pd.DataFrame:
        """Per item and site: book balance at as_of, the lowest running balance and when it
        was reached, number of transactions, on hand and variance (on hand - book).

        Postings at the same moment net out before the balance is read, so a receipt and the
        issue it feeds, booked together, never show a dip."""
        k, t, q = self._key, self._ts, self._qty
        if len(k):
            moment = np.flatnonzero(np.r_[True, (k[1:] != k[:-1]) | (t[1:] != t[:-1])])
            net = np.add.reduceat(q, moment)
            mk, mt = k[moment], t[moment]
            starts = _starts(mk)
            group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(mk)]))
            running = pd.Series(net).groupby(group, sort=False).cumsum().to_numpy()
            lowest = np.minimum.reduceat(running, starts)
            # First moment at which each pair reached its lowest balance.
            at_low = np.flatnonzero(running == lowest[group])
            first = at_low[np.unique(group[at_low], return_index=True)[1]]
            book = self._pair_frame(mk[starts]).assign(
                book_balance=np.add.reduceat(net, starts),
                lowest_balance=lowest,
                lowest_at=_times(mt[first]),
                n_txn=np.diff(np.r_[self._pair_starts, len(k)]),
            )
        else:
            book = pd.DataFrame(
                columns=["item_id", "site_id", "book_balance", "lowest_balance", "lowest_at"]
            ).assign(n_txn=0)
        stock = self.ds.stock_levels.groupby(["item_id", "site_id"], observed=True)[
            "on_hand_qty"
        ].sum()
        frame = book.set_index(["item_id", "site_id"]).join(stock, how="outer")
        frame[["book_balance", "n_txn", "on_hand_qty"]] = frame[
            ["book_balance", "n_txn", "on_hand_qty"]
        ].fillna(0)
        frame["lowest_balance"] = frame["lowest_balance"].fillna(0.0).astype(float)
        frame["n_txn"] = frame["n_txn"].astype(int)
        # Quantities carry at most a few decimals; summing millions of them must not invent
        # a variance or a negative balance out of rounding noise.
        for col in ("book_balance", "lowest_balance"):
            frame[col] = frame[col].astype(float).round(6)
        frame["variance"] = (frame["on_hand_qty"] - frame["book_balance"]).round(6)
        return frame.reset_index()

    @cached_property
    def item_dates(self) -> pd.DataFrame:
        """Per item (all sites): first movement (the opening balance counts), last demand,
        last inbound (receipt, production output, transfer in), last movement of any kind
        other than the opening balance."""
        opening = (self.txn["ref_type"] == "opening").to_numpy()[self._order]

        def last(mask: np.ndarray) -> pd.Series:
            stamps = self.per_item(np.where(mask, self._ts, _NEVER), "max")
            return pd.Series(_times(stamps.to_numpy()), index=stamps.index)

        first = self.per_item(self._ts, "min")
        frame = pd.DataFrame(
            {
                "first_move": pd.Series(_times(first.to_numpy()), index=first.index),
                "last_demand": last(self.demand),
                "last_inbound": last(self.mask(INBOUND_TXN_TYPES)),
                "last_move": last(~opening),
            }
        )
        frame.index.name = "item_id"
        return frame

    def demand_since(self, days: int) -> pd.Series:
        """Demand per item over the last `days` days before as_of (positive): the window
        `demand_window(as_of, days)` names, as the stock tools count it."""
        after = pd.Timestamp(demand_window(self.ds.as_of, days).start)
        recent = self.demand & (self._ts > after.value)
        return self.per_item(np.where(recent, -self._qty, 0.0))

    def count(self, txn_type: str) -> pd.Series:
        """Number of transactions of one type per item."""
        return self.per_item(self.mask((txn_type,)).astype(np.int64))

    @cached_property
    def weekly_demand(self) -> pd.DataFrame:
        """Demand per item, site and week (Monday start); weeks without demand are absent.
        Sorted by item, site and week; `pair` numbers the (item, site)."""
        mask = self.demand
        key, qty = self._key[mask], -self._qty[mask]
        week = (self._ts[mask] // _DAY_NS + _MONDAY_SHIFT) // 7
        if not len(key):
            return pd.DataFrame(columns=["item_id", "site_id", "pair", "week", "demand"])
        starts = np.flatnonzero(np.r_[True, (key[1:] != key[:-1]) | (week[1:] != week[:-1])])
        monday = (week[starts] * 7 - _MONDAY_SHIFT) * _DAY_NS
        return self._pair_frame(key[starts]).assign(
            pair=key[starts], week=monday.view("M8[ns]"), demand=np.add.reduceat(qty, starts)
        )

    def rows_of(self, item_ids) -> pd.DataFrame:  # type: ignore[no-untyped-def]
        """The transactions of these items, oldest first: the raw evidence of a finding."""
        codes = self.item_ids.get_indexer(pd.Index(list(item_ids)).astype(object))
        codes = codes[codes >= 0]
        lo = np.searchsorted(self._item, codes, "left")
        hi = np.searchsorted(self._item, codes, "right")
        picked = [self._order[a:b] for a, b in zip(lo, hi, strict=True)]
        rows = self.txn.iloc[np.concatenate(picked)] if picked else self.txn.iloc[0:0]
        return rows.sort_values("ts", kind="stable")

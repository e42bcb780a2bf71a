"""The stock tools' ledger figures computed in the database, for a dataset whose
transactions stay there (`Dataset.ledger`, a PostgreSQL URL).

Each method answers one figure the in-memory `Ledger` answers (`index.py`), with a GROUP BY
in the database, so only per-item (or per-order) rows come back, never the movements.
Queries are SQLAlchemy Core expressions built from typed values (item ids, site ids,
timestamps the tools have checked): no SQL text from a user or a model ever reaches them.
The definitions are the data contract's, as in the in-memory path: rows whose item or site
is not in the loaded master data count nowhere, demand is minus the sum of the issue rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from stockwise.tools.core.errors import DatasetError
from stockwise.tools.dataset.schema import DEMAND_TXN_TYPES
from stockwise.tools.dataset.sql import describe, engine_for

TX = sa.table(
    "transactions",
    *(
        sa.column(name)
        for name in ("txn_id", "ts", "item_id", "site_id", "qty", "txn_type", "ref_type", "ref_id")
    ),
)
LEVELS = sa.table("stock_levels", sa.column("item_id"), sa.column("site_id"), sa.column("as_of"))
ITEMS = sa.table("items", sa.column("item_id"), sa.column("unit_cost"))
MOVEMENT_COLUMNS = ("txn_id", "ts", "site_id", "txn_type", "qty", "ref_type", "ref_id")


def _session_settings(dbapi_connection: Any, _record: Any) -> None:
    # JIT compiling a GROUP BY cost PostgreSQL 15 5 s of a 14 s demand query at scale 50:
    # more than it saves on queries that each run once.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()


def _stamp(ns: int) -> Any:
    return pd.Timestamp(ns).to_pydatetime(warn=False)


class SqlLedger:
    """Ledger figures by query. `item_ids` and `site_ids` are the index's codes: results come
    back as arrays in the same item order the in-memory path uses."""

    def __init__(self, url: str, item_ids: pd.Index, site_ids: pd.Index) -> None:
        self.url = url
        self.engine = engine_for(url, pre_ping=True)  # a restarted server: reconnect
        sa.event.listen(self.engine, "connect", _session_settings)
        self.item_ids = item_ids
        self.site_ids = site_ids
        self.n_items = len(item_ids)
        # Rows at a site the master data lacks count nowhere (as in memory); items are
        # dropped when their ids are mapped to codes.
        self.known_site = TX.c.site_id.in_(list(map(str, site_ids)))

    # --- running a query -----------------------------------------------------------------
    @contextmanager
    def _answering(self, what: str) -> Iterator[None]:
        """A lost connection mid-answer becomes a DatasetError a manager can act on: no
        figure at all, never a partial one."""
        try:
            yield
        except sa.exc.DBAPIError as exc:
            detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise DatasetError(
                f"the database {describe(self.url)} stopped answering while computing "
                f"{what} ({detail}); no figure was computed: ask again once it is back"
            ) from exc

    def _rows(self, what: str, query: sa.Executable) -> Sequence[sa.Row]:
        """All result rows of one query."""
        with self._answering(what), self.engine.connect() as conn:
            return conn.execute(query).all()

    def _snapshot_rows(self, what: str, *queries: sa.Executable) -> list[Sequence[sa.Row]]:
        """The rows of each query, all read from one snapshot of the database (a ledger
        written to between them would otherwise mix two states in one figure)."""
        with (
            self._answering(what),
            self.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
            conn.begin(),
        ):
            return [conn.execute(query).all() for query in queries]

    def _codes(self, ids: Sequence[Any]) -> np.ndarray:
        return self.item_ids.get_indexer(pd.Index(list(ids), dtype=object))

    def _per_item(self, rows: Sequence[sa.Row], column: int = 1) -> np.ndarray:
        """Per item code: the figure in `column` of rows keyed by item_id (0 when absent)."""
        if not rows:
            return np.zeros(self.n_items)
        codes = self._codes([r[0] for r in rows])
        values = np.array([r[column] or 0.0 for r in rows], dtype=float)
        known = codes >= 0
        return np.bincount(codes[known], weights=values[known], minlength=self.n_items)

    def _site_sum(self, site: int | None) -> sa.ColumnElement[Any]:
        """The sum of qty, of the rows at `site` only when one is given."""
        if site is None:
            return sa.func.sum(TX.c.qty)
        return sa.func.sum(TX.c.qty).filter(TX.c.site_id == str(self.site_ids[site]))

    # --- figures ---------------------------------------------------------------------------
    def demand(
        self, start: Any, end: Any, site: int | None, *, end_inclusive: bool = False
    ) -> tuple[np.ndarray, int]:
        """Per item: demand (positive) over start <= ts < end (after start, up to and
        including end when `end_inclusive`); and the demand rows of all sites in the span."""
        ts = TX.c.ts
        span = (ts > start) & (ts <= end) if end_inclusive else (ts >= start) & (ts < end)
        qty = self._site_sum(site)
        query = (
            sa.select(TX.c.item_id, qty, sa.func.count())
            .where(TX.c.txn_type.in_(DEMAND_TXN_TYPES), span, self.known_site)
            .group_by(TX.c.item_id)
        )
        rows = self._rows("demand", query)
        used = int(self._per_item(rows, 2).sum())
        return 0.0 - self._per_item(rows, 1), used  # 0.0 - x: never "-0.0"

    def item_demand(
        self, item: int, start_ns: int, end_ns: int, site: int | None
    ) -> tuple[float, int]:
        """One item's demand over start <= ts < end (at `site` if given), and its demand
        rows of all sites in the span."""
        qty = self._site_sum(site)
        query = sa.select(qty, sa.func.count()).where(
            TX.c.item_id == str(self.item_ids[item]),
            TX.c.txn_type.in_(DEMAND_TXN_TYPES),
            TX.c.ts >= _stamp(start_ns),
            TX.c.ts < _stamp(end_ns),
            self.known_site,
        )
        total, used = self._rows("demand", query)[0]
        return 0.0 - float(total or 0.0), int(used)

    def item_movements(
        self,
        item: int,
        start_ns: int,
        end_ns: int,
        site: int | None,
        txn_types: list[str] | None,
        limit: int,
    ) -> tuple[int, float, dict[str, float], pd.DataFrame]:
        """One item's movements over start <= ts < end: count, net qty, qty by type (sorted
        by type name) and the latest `limit` rows, latest first (equal times: the higher
        txn_id first)."""
        where = [
            TX.c.item_id == str(self.item_ids[item]),
            TX.c.ts >= _stamp(start_ns),
            TX.c.ts < _stamp(end_ns),
            self.known_site,
        ]
        if site is not None:
            where.append(TX.c.site_id == str(self.site_ids[site]))
        if txn_types:
            where.append(TX.c.txn_type.in_(txn_types))
        totals = self._rows(
            "movements",
            sa.select(TX.c.txn_type, sa.func.count(), sa.func.sum(TX.c.qty))
            .where(*where)
            .group_by(TX.c.txn_type),
        )
        latest = self._rows(
            "movements",
            sa.select(*(TX.c[c] for c in MOVEMENT_COLUMNS))
            .where(*where)
            .order_by(TX.c.ts.desc(), TX.c.txn_id.desc())
            .limit(limit),
        )
        by_type = {str(t): float(q) for t, _, q in sorted(totals, key=lambda r: str(r[0]))}
        count = sum(int(n) for _, n, _ in totals)
        frame = pd.DataFrame([tuple(r) for r in latest], columns=list(MOVEMENT_COLUMNS))
        frame["ts"] = pd.to_datetime(frame["ts"])
        return count, float(sum(by_type.values())), by_type, frame

    def last_demand_ts(self, as_of: pd.Timestamp) -> np.ndarray:
        """Per item: the time of its latest demand up to as_of (int64 ns, or -1)."""
        # Per item, a correlated max(): PostgreSQL walks the (item_id, ts) index backwards
        # from as_of and stops at the first demand row, instead of grouping every demand
        # row of the ledger (6.6 s against 18 s at scale 50, on the loaded machine).
        latest = (
            sa.select(sa.func.max(TX.c.ts))
            .where(
                TX.c.item_id == ITEMS.c.item_id,
                TX.c.txn_type.in_(DEMAND_TXN_TYPES),
                TX.c.ts <= as_of.to_pydatetime(),
                self.known_site,
            )
            .scalar_subquery()
        )
        query = sa.select(ITEMS.c.item_id, latest).select_from(ITEMS)
        last = np.full(self.n_items, -1, dtype=np.int64)
        rows = self._rows("the last demand per item", query)
        rows = [r for r in rows if r[1] is not None]  # items with no demand yet
        if rows:
            codes = self._codes([r[0] for r in rows])
            stamps = pd.to_datetime([r[1] for r in rows]).to_numpy(dtype="datetime64[ns]")
            known = codes >= 0
            last[codes[known]] = stamps.astype(np.int64)[known]
        return last

    def book_balance(self, lv_item: np.ndarray, lv_site: np.ndarray) -> np.ndarray:
        """Per stock_levels row (item and site codes): the sum of qty of its (item, site) up
        to that row's as_of, the cutoff read from the same stock_levels table."""
        # Two queries, not one join: joining the ledger to stock_levels on (item, site) with
        # ts <= as_of had PostgreSQL sort every movement on disk (4.5 s at scale 5, 222 s at
        # scale 50). Sums up to the latest as_of are one scan and a hash aggregate; rows
        # whose own as_of is earlier then take off their movements after it, found through
        # the (item_id, ts) index (none when every row has the same as_of, the usual case).
        latest = sa.select(sa.func.max(LEVELS.c.as_of)).scalar_subquery()
        upto_latest = (
            sa.select(TX.c.item_id, TX.c.site_id, sa.func.sum(TX.c.qty))
            .where(TX.c.ts <= latest)
            .group_by(TX.c.item_id, TX.c.site_id)
        )
        after_own = (
            sa.select(TX.c.item_id, TX.c.site_id, 0.0 - sa.func.sum(TX.c.qty))
            .select_from(
                TX.join(
                    LEVELS, (LEVELS.c.item_id == TX.c.item_id) & (LEVELS.c.site_id == TX.c.site_id)
                )
            )
            .where(LEVELS.c.as_of < latest, TX.c.ts > LEVELS.c.as_of, TX.c.ts <= latest)
            .group_by(TX.c.item_id, TX.c.site_id)
        )
        n_sites = max(len(self.site_ids), 1)
        sums = np.zeros(self.n_items * n_sites)
        for rows in self._snapshot_rows("book balances", upto_latest, after_own):
            if not rows:
                continue
            items = self._codes([r[0] for r in rows])
            sites = self.site_ids.get_indexer(pd.Index([r[1] for r in rows], dtype=object))
            known = (items >= 0) & (sites >= 0)
            pair = items[known].astype(np.int64) * n_sites + sites[known]
            sums[pair] += np.array([r[2] for r in rows], dtype=float)[known]
        return sums[lv_item.astype(np.int64) * n_sites + lv_site]

    def issued_material(self) -> pd.DataFrame:
        """Per order (ref_id): minus the sum of qty x unit_cost over issue_production rows,
        and their count; the unit cost is the item's in the same database."""
        query = (
            sa.select(TX.c.ref_id, sa.func.sum(-TX.c.qty * ITEMS.c.unit_cost), sa.func.count())
            .select_from(TX.join(ITEMS, ITEMS.c.item_id == TX.c.item_id))
            .where(TX.c.txn_type == "issue_production", TX.c.ref_id.is_not(None), self.known_site)
            .group_by(TX.c.ref_id)
        )
        rows = self._rows("material issued to orders", query)
        return pd.DataFrame(
            {
                "material_value": np.array([r[1] for r in rows], dtype=float),
                "issue_rows": np.array([r[2] for r in rows], dtype=np.int64),
            },
            index=pd.Index([str(r[0]) for r in rows], name="order_id", dtype=object),
        )

    def count(self) -> int:
        """Movements whose item and site are known (the in-memory ledger's row count)."""
        query = (
            sa.select(sa.func.count())
            .select_from(TX)
            .where(self.known_site, TX.c.item_id.in_(sa.select(ITEMS.c.item_id)))
        )
        return int(self._rows("the movement count", query)[0][0])

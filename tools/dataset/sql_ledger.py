"""Whether a database's transactions can stay where they are, and what they hold.

A PostgreSQL dataset keeps its ledger in the database: the stock tools aggregate it there
(`tools/stock/ledger_sql.py`). That is only right when every row would pass the checks a
load applies (`validate.py`), so `check_ledger` runs those checks as one scan in the
database. Any problem, an unusual column type or another backend, and the caller loads the
dataset whole as before: validation then reports the rows, or sets them aside.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from stockwise.tools.dataset.schema import REF_TYPES, TABLES, TXN_SIGNS
from stockwise.tools.dataset.sql import connect

TX_COLUMNS = TABLES["transactions"].column_names
REQUIRED = tuple(c.name for c in TABLES["transactions"].columns if c.required)
TYPES = {"ts": sa.DateTime, "qty": sa.Float}  # numeric, and timestamps without a zone
ID_COLUMNS = ("txn_id", "item_id", "site_id")


@dataclass(frozen=True)
class LedgerCheck:
    usable: bool
    reason: str  # why not, when not usable
    rows: dict[str, int] = field(default_factory=dict)  # of the tables read on first use
    summary: str = ""  # rows, sum of qty, first and last time: for the fingerprint


def check_ledger(url: str, unread: tuple[str, ...] = ()) -> LedgerCheck:
    """Can the stock tools query this database's transactions in place? `rows` counts the
    transactions and the `unread` tables present."""
    if make_url(url).get_backend_name() != "postgresql":
        return LedgerCheck(False, "only PostgreSQL keeps the ledger in the database")
    engine, conn = connect(url)
    try:
        inspector = sa.inspect(conn)
        if "transactions" not in inspector.get_table_names():
            return LedgerCheck(False, "no transactions table")
        columns = {c["name"]: c["type"] for c in inspector.get_columns("transactions")}
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            return LedgerCheck(False, f"transactions lacks {', '.join(missing)}")
        for name, kind in TYPES.items():
            if not isinstance(columns[name], kind) or getattr(columns[name], "timezone", False):
                return LedgerCheck(False, f"transactions.{name} is {columns[name]}")
        if any(c not in columns for c in TX_COLUMNS):
            return LedgerCheck(False, "transactions lacks an optional column")
        counts = conn.execute(_problems_query()).one()
        present = set(inspector.get_table_names())
        rows = {  # an absent optional table loads as an empty one
            name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
            if name in present
            else 0
            for name in unread
            if name != "transactions"
        }
    finally:
        conn.close()
        engine.dispose()
    n, problems, duplicates, qty_sum, first, last = counts
    if not n:
        return LedgerCheck(False, "transactions has no rows")
    if problems or duplicates:
        return LedgerCheck(False, f"{problems + duplicates:,} transactions fail validation")
    rows["transactions"] = int(n)
    return LedgerCheck(True, "", rows, f"{n}|{qty_sum!r}|{first}|{last}")


def _problems_query() -> sa.Select:
    """One scan: rows, rows a load would reject (blanks, zero qty, unknown type or ref_type,
    the wrong sign, an id with spaces around it, an item or site not in the master data),
    duplicate txn_ids, and the figures the fingerprint uses."""
    tx = sa.table("transactions", *(sa.column(c) for c in TX_COLUMNS))
    items = sa.table("items", sa.column("item_id"))
    sites = sa.table("sites", sa.column("site_id"))
    c = tx.c
    positive = [t for t, s in TXN_SIGNS.items() if s > 0]
    negative = [t for t, s in TXN_SIGNS.items() if s < 0]
    bad = sa.or_(
        *(c[name].is_(None) for name in REQUIRED),
        *(c[name] != sa.func.btrim(c[name]) for name in (*ID_COLUMNS, "ref_id")),
        *(c[name] == "" for name in ID_COLUMNS),
        c.qty == 0,
        c.txn_type.not_in(list(TXN_SIGNS)),
        c.ref_type.is_not(None) & c.ref_type.not_in(list(REF_TYPES)),
        c.txn_type.in_(positive) & (c.qty < 0),
        c.txn_type.in_(negative) & (c.qty > 0),
        c.item_id.not_in(sa.select(items.c.item_id)),
        c.site_id.not_in(sa.select(sites.c.site_id)),
    )
    return sa.select(
        sa.func.count(),
        sa.func.count().filter(bad),
        sa.func.count() - sa.func.count(sa.distinct(c.txn_id)),
        sa.func.sum(c.qty),
        sa.func.min(c.ts),
        sa.func.max(c.ts),
    ).select_from(tx)

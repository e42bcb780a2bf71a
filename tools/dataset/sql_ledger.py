"""Whether a database's transactions can stay where they are, and what they hold.

A PostgreSQL dataset keeps its ledger in the database: the stock tools aggregate it there
(`tools/stock/ledger_sql.py`). That is only right when every row would pass the checks a
load applies (`validate.py`), so `check_ledger` runs those checks as one scan in the
database. Any problem, an unusual column type or another backend, and the caller loads the
dataset whole as before: validation then reports the rows, or sets them aside. The
production orders and their progress rows get the same treatment (`_check_orders`): kept
in the database when both pass, read and validated at open when either does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from stockwise.tools.dataset.schema import REF_TYPES, TABLES, TXN_SIGNS, Column
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
        dangling = _dangling(conn, "transactions", "item_id", "items") + _dangling(
            conn, "transactions", "site_id", "sites"
        )
        present = set(inspector.get_table_names())
        # An absent optional table is read at open, as an empty one.
        rows = {
            name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
            for name in unread
            if name in present and name not in ("transactions", *CHECKED_IN_PLACE)
        }
        orders = _check_orders(conn, inspector) if set(CHECKED_IN_PLACE) <= present else None
    finally:
        conn.close()
        engine.dispose()
    n, problems, duplicates, qty_sum, first, last = counts
    if not n:
        return LedgerCheck(False, "transactions has no rows")
    if problems or duplicates or dangling:
        failing = problems + duplicates + dangling  # a row may count twice
        return LedgerCheck(False, f"about {failing:,} transactions fail validation")
    rows["transactions"] = int(n)
    summary = f"{n}|{qty_sum!r}|{first}|{last}"
    if orders is not None:  # kept in the database too; else read (and validated) at open
        rows.update(orders[0])
        summary += orders[1]
    return LedgerCheck(True, "", rows, summary)


# The order tables the WIP tools join in the database (`tools/stock/orders_sql.py`), when
# both pass the load's column, key and reference checks there; otherwise both are read at
# open (order_progress's reference check needs production_orders beside it).
CHECKED_IN_PLACE = ("production_orders", "order_progress")
FINITE_TYPES = {
    "id": (sa.String,),
    "str": (sa.String,),
    "int": (sa.Integer,),
    "float": (sa.Float, sa.Integer),
    "date": (sa.Date, sa.DateTime),
    "timestamp": (sa.DateTime,),
}
# pandas holds nanosecond timestamps: a load rejects times outside these years.
FIRST_TIME, LAST_TIME = datetime(1677, 9, 22), datetime(2262, 4, 11)


def _check_orders(
    conn: sa.Connection, inspector: sa.Inspector
) -> tuple[dict[str, int], str] | None:
    """Rows per order table and a digest of their content, or None when either would not
    pass validation as it stands (column types, blanks, values, duplicate keys, references)."""
    rows, digest = {}, ""
    for name in CHECKED_IN_PLACE:
        spec = TABLES[name]
        types = {c["name"]: c["type"] for c in inspector.get_columns(name)}
        for col in spec.columns:
            kind = types.get(col.name)
            if kind is None:
                if col.required:
                    return None
                continue
            if not isinstance(kind, FINITE_TYPES[col.kind]) or getattr(kind, "timezone", False):
                return None
        present = [col for col in spec.columns if col.name in types]
        table = sa.table(name, *(sa.column(col.name) for col in present))
        bad = sa.or_(*(_bad_value(table.c[col.name], col) for col in present), sa.false())
        dangling = sum(_dangling(conn, name, r.column, r.table, r.target) for r in spec.references)
        key = sa.tuple_(*(table.c[k] for k in spec.key))
        # An edit to a row changes the sum of row hashes (bar a collision): the fingerprint.
        whole_row = sa.cast(sa.literal_column(name), sa.Text)
        row_hash = sa.cast(sa.func.hashtext(whole_row), sa.BigInteger)
        n, problems, distinct, hashed = conn.execute(
            sa.select(
                sa.func.count(),
                sa.func.count().filter(bad),
                sa.func.count(sa.distinct(key)),
                sa.func.sum(row_hash),
            ).select_from(table)
        ).one()
        if problems or dangling or distinct != n:
            return None
        rows[name] = int(n)
        digest += f"|{name}:{n}:{hashed}"
    return rows, digest


def _dangling(
    conn: sa.Connection, name: str, column: str, target: str, target_column: str | None = None
) -> int:
    """Rows of `name` whose `column` is in no row of `target`. An anti-join of its own: as
    NOT IN (subquery) inside the checks' scan, PostgreSQL runs the subquery per row once the
    ids outgrow work_mem (minutes for 800 k progress rows at scale 20)."""
    table = sa.table(name, sa.column(column))
    other = sa.table(target, sa.column(target_column or column))
    missing = ~sa.exists().where(other.c[target_column or column] == table.c[column])
    query = sa.select(sa.func.count()).select_from(table).where(missing)
    return int(conn.execute(query).scalar_one())


def _bad_value(value: sa.ColumnElement, col: Column) -> sa.ColumnElement[bool]:
    """Rows whose `col` a load would reject (or read differently: untrimmed text)."""
    checks: list[sa.ColumnElement[bool]] = [value.is_(None)] if col.required else []
    if col.kind in ("id", "str"):
        checks += [value != sa.func.btrim(value), value == ""]
        if col.choices is not None:
            checks.append(value.not_in(list(col.choices)))
    elif col.kind in ("int", "float"):
        if col.kind == "float":  # a load reads NaN as blank
            checks.append(value.in_([math.nan, math.inf, -math.inf]))
        if col.rule == "positive":
            checks.append(value <= 0)
        elif col.rule == "nonnegative":
            checks.append(value < 0)
        elif col.rule == "nonzero":
            checks.append(value == 0)
        if col.min_value is not None:
            checks.append(value < col.min_value)
        if col.max_value is not None:
            checks.append(value > col.max_value)
    else:
        checks += [value < FIRST_TIME, value > LAST_TIME]
    return sa.or_(*checks)


def _problems_query() -> sa.Select:
    """One scan: rows, rows a load would reject (blanks, zero qty, unknown type or ref_type,
    the wrong sign, an id with spaces around it), duplicate txn_ids, and the figures the
    fingerprint uses. An item or site not in the master data is `_dangling`'s count."""
    tx = sa.table("transactions", *(sa.column(c) for c in TX_COLUMNS))
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
    )
    return sa.select(
        sa.func.count(),
        sa.func.count().filter(bad),
        sa.func.count() - sa.func.count(sa.distinct(c.txn_id)),
        sa.func.sum(c.qty),
        sa.func.min(c.ts),
        sa.func.max(c.ts),
    ).select_from(tx)

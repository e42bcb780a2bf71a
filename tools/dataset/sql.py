"""A dataset in a SQL database: connect, and read its tables by name (writing one is in
`sql_write.py`).

The same code serves a SQLite file and PostgreSQL (any SQLAlchemy URL). Reading returns
raw frames for `validate.py`, exactly like reading a folder.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from stockwise.tools.core.errors import DatasetError
from stockwise.tools.dataset.read import RawTable, _indexed

CONNECT_TIMEOUT_S = 5


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def engine_for(url: str, *, pre_ping: bool = False) -> sa.Engine:
    """`pre_ping`: test a pooled connection before use (a restarted server: reconnect)."""
    parsed = make_url(url)
    connect_args = {}
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    engine = sa.create_engine(parsed, connect_args=connect_args, pool_pre_ping=pre_ping)
    if parsed.get_backend_name() == "sqlite":
        _transactional_ddl(engine)
    return engine


def _transactional_ddl(engine: sa.Engine) -> None:
    """Make CREATE TABLE part of the transaction, as SQLAlchemy's SQLite docs advise:
    the sqlite3 driver otherwise runs DDL outside it, and a failed write leaves tables."""

    @sa.event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


def _where(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite file {parsed.database}"
    return f"the database server at {parsed.host or 'localhost'}:{parsed.port or 'default port'}"


def connect(url: str, *, must_exist: bool = True) -> tuple[sa.Engine, sa.Connection]:
    """An open connection, or a DatasetError that names the host (or file) that failed."""
    parsed = make_url(url)
    if (
        must_exist
        and parsed.get_backend_name() == "sqlite"
        and parsed.database not in (None, "", ":memory:")
        and not Path(parsed.database).is_file()
    ):
        raise DatasetError(f"no SQLite database file at {parsed.database}")
    engine = engine_for(url)
    try:
        return engine, engine.connect()
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise DatasetError(f"cannot reach {_where(url)} ({describe(url)}): {detail}") from exc


def read_tables(url: str, names: tuple[str, ...], progress=None) -> dict[str, RawTable]:
    """The named tables the database holds, as raw frames; absent tables are skipped."""
    engine, conn = connect(url)
    try:
        present = set(sa.inspect(conn).get_table_names())
        raw: dict[str, RawTable] = {}
        for i, name in enumerate(names):
            if progress is not None:
                progress(name, i, len(names))
            if name not in present:
                continue
            query = sa.select(sa.text("*")).select_from(sa.table(name))
            frame = pd.read_sql_query(query, conn)
            raw[name] = RawTable(name, f"table {name}", _indexed(frame))
        return raw
    finally:
        conn.close()
        engine.dispose()

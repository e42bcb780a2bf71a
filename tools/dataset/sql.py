"""A dataset in a SQL database: read its tables by name, or write a dataset into one.

The same code serves a SQLite file and PostgreSQL (any SQLAlchemy URL). Reading returns
raw frames for `validate.py`, exactly like reading a folder; writing puts every table in
one transaction, so a failed write leaves the database as it was.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from stockwise.tools.core.errors import DatasetError
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.read import RawTable, _indexed
from stockwise.tools.dataset.schema import TABLE_ORDER

CONNECT_TIMEOUT_S = 5


from stockwise.tools.dataset.source import is_url  # noqa: E402,F401  (re-exported for callers)


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def engine_for(url: str) -> sa.Engine:
    parsed = make_url(url)
    connect_args = {}
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    engine = sa.create_engine(parsed, connect_args=connect_args)
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


def write_dataset(dataset: Dataset | str | Path, url: str, *, replace: bool = False) -> None:
    """Write every table of a dataset (or of a dataset folder) into the database at `url`.

    All tables land in one transaction: on any failure nothing is written. Existing tables
    of the same names are an error unless `replace` is set.
    """
    if not isinstance(dataset, Dataset):
        from stockwise.tools.dataset.load import load_dataset, load_evaluation_table

        folder = dataset
        dataset = load_dataset(folder)
        for name in ("labels", "planted_anomalies"):
            table = load_evaluation_table(folder, name)
            if not table.empty:
                dataset.meta.setdefault("evaluation_tables", {})[name] = table
    tables = dict(dataset.tables)
    tables.update(dataset.meta.get("evaluation_tables", {}))
    engine, conn = connect(url, must_exist=False)
    try:
        with conn.begin():
            existing = set(sa.inspect(conn).get_table_names())
            clash = sorted(set(tables) & existing)
            if clash and not replace:
                raise DatasetError(
                    f"{describe(url)} already holds tables {', '.join(clash)};"
                    " pass replace=True to overwrite them"
                )
            for name in TABLE_ORDER:
                if name in tables:
                    _write_table(conn, name, tables[name])
    finally:
        conn.close()
        engine.dispose()


def _write_table(conn: sa.Connection, name: str, frame: pd.DataFrame) -> None:
    plain = frame.copy()
    for col in plain.columns:
        if isinstance(plain[col].dtype, pd.CategoricalDtype):
            plain[col] = plain[col].astype(object)
    if conn.dialect.name != "postgresql":
        plain.to_sql(name, conn, if_exists="replace", index=False, chunksize=50_000)
        return
    # INSERTs run at a few thousand rows a second; COPY loads millions, in the same
    # transaction. Blanks are None by now, so an empty CSV field can only mean NULL.
    plain.head(0).to_sql(name, conn, if_exists="replace", index=False)
    driver = conn.connection.driver_connection
    assert driver is not None  # an open connection always has its psycopg connection
    cursor = driver.cursor()
    columns = ", ".join(f'"{c}"' for c in plain.columns)
    with cursor.copy(f'COPY "{name}" ({columns}) FROM STDIN (FORMAT csv)') as copy:
        for start in range(0, len(plain), 200_000):
            buffer = io.StringIO()
            plain.iloc[start : start + 200_000].to_csv(buffer, header=False, index=False)
            copy.write(buffer.getvalue())

"""A dataset in SQLite and PostgreSQL: round trips, all-or-nothing writes, unreachable servers."""

from __future__ import annotations

import uuid

import pandas as pd
import pytest
import sqlalchemy as sa
from pg_server import URL as PG_SERVER  # tests/pg_server.py
from pg_server import needs_postgres

from stockwise.tools.core.errors import DatasetError
from stockwise.tools.dataset.load import load_dataset, load_evaluation_table
from stockwise.tools.dataset.schema import PRODUCT_TABLES
from stockwise.tools.dataset.sql_write import write_dataset


def assert_same_dataset(a, b):
    for name in PRODUCT_TABLES:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_like=False)


def test_sqlite_round_trip(small_folder, tmp_path):
    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    write_dataset(small_folder, url)

    from_db = load_dataset(url)

    assert_same_dataset(load_dataset(small_folder), from_db)
    assert from_db.source == url and from_db.fingerprint
    assert "labels" not in from_db.tables
    assert len(load_evaluation_table(url, "labels")) == 4


def test_sqlite_database_is_validated_like_a_folder(small_folder, tmp_path):
    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    write_dataset(small_folder, url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE transactions SET qty = 0 WHERE txn_id = 'T3'"))
    engine.dispose()

    with pytest.raises(DatasetError) as caught:
        load_dataset(url)

    assert (
        "table transactions row 4: qty is 0 (a movement is never 0)" in caught.value.report.render()
    )


def test_write_is_all_or_nothing(small_folder, tmp_path):
    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    dataset = load_dataset(small_folder)
    # A value SQLite cannot store, in a table written after sites, items, ...
    dataset.tables["work_orders"]["description"] = [{"not": "storable"}]

    with pytest.raises(Exception):  # noqa: B017 - the driver's own error, whatever its class
        write_dataset(dataset, url)

    engine = sa.create_engine(url)
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()


def test_write_refuses_to_overwrite_unless_asked(small_folder, tmp_path):
    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    write_dataset(small_folder, url)

    with pytest.raises(DatasetError, match="already holds tables"):
        write_dataset(small_folder, url)
    write_dataset(small_folder, url, replace=True)
    assert len(load_dataset(url).transactions) == 10


def test_missing_sqlite_file(tmp_path):
    with pytest.raises(DatasetError, match="no SQLite database file at"):
        load_dataset(f"sqlite:///{tmp_path / 'nowhere.sqlite'}")
    assert not (tmp_path / "nowhere.sqlite").exists()


def test_unreachable_database_names_the_host():
    # Port 9 (discard) on this machine: nothing listens, the connection is refused at once.
    with pytest.raises(DatasetError, match=r"cannot reach the database server at 127\.0\.0\.1:9"):
        load_dataset("postgresql://postgres@127.0.0.1:9/test")


@pytest.fixture
def pg_url():
    """A fresh schema in the `test` database, dropped afterwards."""
    schema = f"sw_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(PG_SERVER.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.mark.postgres
@needs_postgres
def test_postgres_round_trip(small_folder, pg_url):
    write_dataset(small_folder, pg_url)

    from_db = load_dataset(pg_url)

    assert_same_dataset(load_dataset(small_folder), from_db)
    assert len(load_evaluation_table(pg_url, "planted_anomalies")) == 1


@pytest.mark.postgres
@needs_postgres
def test_postgres_write_is_all_or_nothing(small_folder, pg_url):
    dataset = load_dataset(small_folder)
    dataset.tables["work_orders"]["description"] = ["a \x00 byte"]  # PostgreSQL refuses NUL

    with pytest.raises(Exception):  # noqa: B017 - the driver's own error, whatever its class
        write_dataset(dataset, pg_url)

    engine = sa.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
@needs_postgres
def test_demo_plant_round_trips_through_postgres(demo_dir, demo_dataset, pg_url):
    write_dataset(demo_dataset, pg_url)

    from_db = load_dataset(pg_url)

    assert from_db.row_counts() == demo_dataset.row_counts()
    assert from_db.transactions["qty"].sum() == pytest.approx(
        demo_dataset.transactions["qty"].sum()
    )
    assert_same_dataset(demo_dataset, from_db)

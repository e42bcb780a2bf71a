"""Fixtures: the hand-made plant of `plant.py`, as built in memory and as the loader reads it
back from CSV files (the loader's dtypes, e.g. categorical ids, must give the same answers)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from pg_server import URL as PG_SERVER  # tests/pg_server.py
from pg_server import needs_postgres

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.load import load_dataset
from stockwise.tools.dataset.sql_write import write_dataset

from .plant import hand_made_plant


@pytest.fixture(
    scope="session",
    params=[
        "in-memory",
        "loaded-from-csv",
        # The ledger stays in the database and the stock tools query it there.
        pytest.param("ledger-in-postgres", marks=[pytest.mark.postgres, needs_postgres]),
    ],
)
def plant(request, tmp_path_factory):  # type: ignore[no-untyped-def]
    dataset = hand_made_plant()
    if request.param == "in-memory":
        yield dataset
        return
    if request.param == "ledger-in-postgres":
        with fresh_schema() as url:
            write_dataset(dataset, url)
            from_db = load_dataset(url)
            assert from_db.ledger == url
            yield from_db
        return
    folder = tmp_path_factory.mktemp("hand-made-plant")
    for name, frame in dataset.tables.items():
        if len(frame):
            frame.to_csv(folder / f"{name}.csv", index=False)
    yield load_dataset(folder)


@contextmanager
def fresh_schema() -> Iterator[str]:
    """The URL of a new schema in the test database, dropped afterwards."""
    schema = f"sw_stock_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(PG_SERVER.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def ctx(plant, tmp_path):  # type: ignore[no-untyped-def]
    return ToolContext(dataset=plant, settings=Settings(data_dir=tmp_path))

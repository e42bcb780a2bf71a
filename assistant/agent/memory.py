"""Conversation memory: a LangGraph checkpointer, SQLite in the data directory by default,
PostgreSQL when `checkpoint_url` is set."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from langgraph.checkpoint.base import BaseCheckpointSaver

from stockwise.tools.core.settings import Settings


@contextmanager
def open_checkpointer(settings: Settings) -> Iterator[BaseCheckpointSaver]:
    """A ready checkpointer (tables created); closed on exit."""
    if settings.checkpoint_url:
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg import Connection
        from psycopg.rows import dict_row

        url = settings.checkpoint_url.replace("postgresql+psycopg://", "postgresql://")
        with Connection.connect(
            url, autocommit=True, prepare_threshold=0, row_factory=dict_row
        ) as conn:
            saver = PostgresSaver(conn)
            saver.setup()
            yield saver
        return
    from langgraph.checkpoint.sqlite import SqliteSaver

    settings.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(settings.checkpoint_path), check_same_thread=False)
    try:
        sqlite_saver = SqliteSaver(db)
        sqlite_saver.setup()
        yield sqlite_saver
    finally:
        db.close()

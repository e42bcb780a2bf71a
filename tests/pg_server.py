"""The PostgreSQL server the tests use where one answers (127.0.0.1:5432, database test),
and the skip marker for the cases that need it."""

from __future__ import annotations

import psycopg
import pytest

URL = "postgresql://postgres@127.0.0.1:5432/test"


def answers() -> bool:
    try:
        with psycopg.connect(URL, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


needs_postgres = pytest.mark.skipif(not answers(), reason=f"no PostgreSQL server answers at {URL}")

"""One psycopg connection pool per PostgreSQL URL in a process, for the state that several
service replicas share (`state_url`): thread owners, the audit log, turn locks,
requisitions. A pool checks a connection before handing it out, so a server that went away
and came back costs one reconnect, not an error on every later request."""

from __future__ import annotations

import os
import threading
import zlib
from typing import Any

# How the server lists this process's connections (pg_stat_activity): which replica holds one.
APPLICATION = f"stockwise-{os.getpid()}"
_pools: dict[str, Any] = {}
_pools_lock = threading.Lock()


def psycopg_url(url: str) -> str:
    """A SQLAlchemy-style URL (`postgresql+psycopg://`) as psycopg takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def where(url: str) -> str:
    """host:port/db of `url`, for messages: no user, no password."""
    return psycopg_url(url).split("@")[-1].split("?")[0]


def pool_for(url: str) -> Any:
    """The process's pool for `url` (opened on first use). Sized for the turn workers that
    each hold one connection while they run (their thread's lock) plus short reads."""
    from psycopg_pool import ConnectionPool

    with _pools_lock:
        pool = _pools.get(url)
        if pool is None:
            pool = ConnectionPool(
                psycopg_url(url),
                min_size=1,
                max_size=32,
                timeout=30,
                check=ConnectionPool.check_connection,
                kwargs={
                    "autocommit": True,
                    "connect_timeout": 5,
                    "application_name": APPLICATION,
                },
                open=True,
            )
            _pools[url] = pool
        return pool


def lock_key(name: str) -> int:
    """A signed 64-bit key for `pg_advisory_lock` from a name."""
    digest = zlib.crc32(name.encode("utf-8")) | (zlib.adler32(name.encode("utf-8")) << 32)
    return digest - (1 << 64) if digest >= 1 << 63 else digest


def ensure_tables(conn: Any, *ddl: str) -> None:
    """Run `CREATE ... IF NOT EXISTS` statements under one advisory lock: two replicas
    starting together would otherwise race on the catalogue (a duplicate-key error)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("stockwise-ddl"),))
        for statement in ddl:
            conn.execute(statement)

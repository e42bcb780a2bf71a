"""Telling a database URL from a folder, without importing SQLAlchemy (a cold CLI start
should not pay for a driver it will not use)."""

from __future__ import annotations

from pathlib import Path


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and "://" in source

"""Approved purchase requisitions in PostgreSQL (`state_url`), where every service replica
writes them. The requisition id is the primary key, so an approval applied on two replicas
at once, or retried after a replica died mid-write, lands each line once: one transaction
of `INSERT ... ON CONFLICT DO NOTHING`, all lines or none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stockwise.tools.core.approval import Approval
from stockwise.tools.core.pg import ensure_tables, pool_for, where

TABLE = "stockwise_requisition"
DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (requisition_id TEXT PRIMARY KEY, "
    "item_id TEXT NOT NULL, site_id TEXT NOT NULL, description TEXT, supplier_id TEXT, "
    "qty DOUBLE PRECISION NOT NULL, uom TEXT, unit_cost DOUBLE PRECISION NOT NULL, "
    "value DOUBLE PRECISION NOT NULL, need_by TEXT NOT NULL, reason TEXT NOT NULL, "
    "approved_by TEXT NOT NULL, approver_role TEXT NOT NULL, approved_at TIMESTAMPTZ NOT NULL, "
    "comment TEXT NOT NULL)"
)
COLUMNS = (
    "requisition_id", "item_id", "site_id", "description", "supplier_id", "qty", "uom",
    "unit_cost", "value", "need_by", "reason",
)  # fmt: skip


def table_name(url: str) -> str:
    """Where the lines went, for the result: host:port/db and the table."""
    return f"PostgreSQL {where(url)} table {TABLE}"


def insert_requisitions(
    url: str, lines: Sequence[Any], approval: Approval
) -> tuple[list[str], list[str]]:
    """Write the `RequisitionLine`s not there yet; (written, already there), in the lines' order."""
    placeholders = ", ".join(["%s"] * (len(COLUMNS) + 4))
    sql = (
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}, approved_by, approver_role, "
        f"approved_at, comment) VALUES ({placeholders}) "
        "ON CONFLICT (requisition_id) DO NOTHING RETURNING requisition_id"
    )
    written: list[str] = []
    with pool_for(url).connection() as conn:
        ensure_tables(conn, DDL)
        with conn.transaction():
            for line in lines:
                values = [getattr(line, column) for column in COLUMNS]
                extra = [approval.by.strip(), approval.role, approval.at, approval.comment]
                if conn.execute(sql, (*values, *extra)).fetchone() is not None:
                    written.append(line.requisition_id)
    fresh = set(written)
    return written, [line.requisition_id for line in lines if line.requisition_id not in fresh]

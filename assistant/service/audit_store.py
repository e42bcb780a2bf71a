"""Which audit log the service, the CLI and MCP write: the file in data_dir, or with
`state_url` the one shared by every replica in PostgreSQL."""

from __future__ import annotations

from stockwise.assistant.service.audit import AuditLog, open_audit_log
from stockwise.assistant.service.audit_key import load_key
from stockwise.tools.core.settings import Settings


def open_service_audit(settings: Settings) -> AuditLog:
    """The log to append to, opened (its end checked, or its tables made)."""
    if not settings.state_url:
        return open_audit_log(settings)
    from stockwise.assistant.service.audit_postgres import PostgresAuditLog

    key, _ = load_key(settings, create=True)
    audit = PostgresAuditLog(settings.state_url, key)
    audit.open()
    return audit


def audit_reader(settings: Settings) -> AuditLog:
    """The log for reading (`export`, `entries`): no key needed."""
    if settings.state_url:
        from stockwise.assistant.service.audit_postgres import PostgresAuditLog

        return PostgresAuditLog(settings.state_url, None)
    return AuditLog(settings.audit_path)

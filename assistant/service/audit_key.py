"""The audit log's MAC key: from the settings (`audit_key`, or the file `audit_key_path`),
never kept in the log's own folder, so whoever can rewrite the log cannot also recompute
its MACs. The service makes one (mode 0600) on its first start when none is configured."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from stockwise.tools.core.settings import Settings

MIN_KEY_CHARS = 32


class AuditKeyError(Exception):
    """No usable key: missing, too short, or kept beside the log."""


def key_id(key: bytes) -> str:
    """Names the key in entries and checkpoints without revealing it."""
    return hmac.new(key, b"stockwise audit key id", hashlib.sha256).hexdigest()[:16]


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def load_key(settings: Settings, create: bool = False) -> tuple[bytes, str | None]:
    """The key, and what to tell the operator about it (a key made now, a loose file mode),
    or None. `create`: make the key file when it does not exist (the service's first start);
    `audit verify` never does."""
    if settings.audit_key is not None:
        text = settings.audit_key.get_secret_value().strip()
        if len(text) < MIN_KEY_CHARS:
            raise AuditKeyError(f"STOCKWISE_AUDIT_KEY is shorter than {MIN_KEY_CHARS} characters")
        return text.encode("utf-8"), None
    path = settings.audit_key_path
    if _inside(path, settings.audit_path.parent):
        raise AuditKeyError(
            f"the audit MAC key file {path} is inside the audit log's folder "
            f"{settings.audit_path.parent}: whoever can rewrite the log could then recompute "
            "its MACs. Keep it elsewhere (STOCKWISE_AUDIT_KEY_FILE)."
        )
    if path.exists():
        text = path.read_text(encoding="utf-8").strip()
        if len(text) < MIN_KEY_CHARS:
            raise AuditKeyError(f"the audit MAC key in {path} is shorter than {MIN_KEY_CHARS}")
        notice = None
        if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            notice = f"the audit MAC key file {path} is readable by others: chmod 600 it"
        return text.encode("utf-8"), notice
    if not create:
        raise AuditKeyError(
            f"no audit MAC key at {path}; set STOCKWISE_AUDIT_KEY_FILE (or STOCKWISE_AUDIT_KEY) "
            "to the key the service writes the log with"
        )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = secrets.token_hex(32)
    # O_EXCL: two processes starting at once do not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_key(settings, create=False)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text + "\n")
    return text.encode("utf-8"), (
        f"created the audit log's MAC key at {path} (mode 0600). Keep a copy apart from the "
        "data directory: without it the log cannot be verified."
    )

"""Who is calling: API keys (stored as SHA-256 hashes, never in clear) mapped to a user and
a role, what each role may do, and a per-key rate limit."""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROLES = ("viewer", "manager", "auditor", "admin")
# What each role may do on top of asking questions.
_ABILITIES = {
    "viewer": set(),
    "manager": {"approve"},
    "auditor": {"read_all_threads", "read_audit"},
    "admin": {"approve", "read_all_threads", "read_audit", "post_events"},
}


class AuthError(Exception):
    """A key that is missing, unknown or not allowed; the routes turn it into 401/403."""


@dataclass(frozen=True)
class Principal:
    user: str
    role: str
    key_id: str  # what the rate limit counts against (the key's hash prefix)

    def can(self, ability: str) -> bool:
        return ability in _ABILITIES.get(self.role, set())


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyStore:
    """The keys file: `[{"user": ..., "role": ..., "key_sha256": ...}, ...]`."""

    def __init__(self, entries: list[dict[str, str]], source: str = "keys"):
        self._by_hash: dict[str, Principal] = {}
        for number, entry in enumerate(entries, 1):
            missing = {"user", "role", "key_sha256"} - set(entry)
            if missing:
                raise ValueError(f"{source}: entry {number} lacks {', '.join(sorted(missing))}")
            if entry["role"] not in ROLES:
                raise ValueError(
                    f"{source}: entry {number} has role {entry['role']!r}; "
                    f"use one of {', '.join(ROLES)}"
                )
            digest = entry["key_sha256"].lower()
            self._by_hash[digest] = Principal(entry["user"], entry["role"], digest[:16])

    @classmethod
    def load(cls, path: Path) -> KeyStore:
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise ValueError(f"API keys file {path} cannot be read: {error}") from error
        if not isinstance(entries, list):
            raise ValueError(f"API keys file {path} must hold a JSON list of keys")
        return cls(entries, source=str(path))

    def lookup(self, key: str) -> Principal:
        """One SHA-256 and a dict lookup per request, as a database would look a token up by
        its hash. Keys are random (192 bits), so a slow password hash (bcrypt) would only
        cost time, and the lookup's timing depends on the hash of the guess, which tells an
        attacker nothing about any key."""
        found = self._by_hash.get(hash_key(key))
        if found is None:
            raise AuthError("unknown API key")
        return found


def add_key(path: Path, user: str, role: str) -> str:
    """Create a key for `user`, store its hash in `path` and return the key (shown once)."""
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    key = "sw-" + secrets.token_urlsafe(24)
    entries.append({"user": user, "role": role, "key_sha256": hash_key(key)})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")
    return key


class RateLimiter:
    """A token bucket per key: `per_minute` requests, refilled continuously."""

    def __init__(self, per_minute: int):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key_id: str) -> float:
        """0 when allowed, else the seconds to wait before the next request passes."""
        if self.capacity <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, then = self._buckets.get(key_id, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.rate)
            if tokens < 1.0:
                self._buckets[key_id] = (tokens, now)
                return (1.0 - tokens) / self.rate
            self._buckets[key_id] = (tokens - 1.0, now)
            return 0.0

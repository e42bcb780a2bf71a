"""What routes share: the service's parts (set up once per app) and the caller's identity,
checked and rate-limited before any route runs."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from assistant.service.audit import AuditLog
from assistant.service.auth import AuthError, KeyStore, Principal, RateLimiter
from assistant.service.events import EventStore
from assistant.service.runner import TurnRunner
from assistant.service.threads import ThreadOwners
from assistant.settings import Settings


@dataclass
class Services:
    settings: Settings
    runner: TurnRunner
    audit: AuditLog
    owners: ThreadOwners
    keys: KeyStore | None
    limiter: RateLimiter
    events: EventStore


def services(request: Request) -> Services:
    found = getattr(request.app.state, "services", None)
    if found is None:
        raise HTTPException(503, "Stockwise is still starting; try again in a moment.")
    return found


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key")


def principal(request: Request) -> Principal:
    svc = services(request)
    if svc.keys is None:
        who = Principal("anonymous", svc.settings.anonymous_role, "anonymous")
    else:
        key = _presented_key(request)
        if not key:
            raise HTTPException(
                401,
                "An API key is needed: send `Authorization: Bearer <key>`.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            who = svc.keys.lookup(key)
        except AuthError as error:
            raise HTTPException(401, str(error), headers={"WWW-Authenticate": "Bearer"}) from None
    wait = svc.limiter.take(who.key_id)
    if wait > 0:
        raise HTTPException(
            429,
            f"Rate limit of {svc.settings.rate_limit_per_minute} requests a minute reached.",
            headers={"Retry-After": str(max(1, round(wait)))},
        )
    return who


def check_thread_access(svc: Services, who: Principal, thread_id: str, write: bool) -> None:
    """Owners use their threads; auditors and admins read every thread; only admins write
    into someone else's. Unknown threads are free to start."""
    owner = svc.owners.owner(thread_id)
    if owner is None or owner == who.user:
        return
    if who.role == "admin" or (not write and who.can("read_all_threads")):
        return
    raise HTTPException(403, f"Thread {thread_id} belongs to another user.")

"""What routes share: the service's parts (set up once per app) and the caller's identity,
checked and rate-limited before any route runs. The dependencies are `async` on purpose:
FastAPI runs a plain `def` dependency in a worker thread, two hops per request for
work that takes microseconds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from stockwise.assistant.service.alerting import Alerting
from stockwise.assistant.service.audit import AuditLog
from stockwise.assistant.service.auth import AuthError, KeyStore, Principal, RateLimiter
from stockwise.assistant.service.events import EventStore
from stockwise.assistant.service.exposure import ANONYMOUS_ROLE
from stockwise.assistant.service.pool import TurnPool
from stockwise.assistant.service.runner import TurnRunner
from stockwise.assistant.service.threads import ThreadOwners, ThreadTaken
from stockwise.tools.core.settings import Settings


@dataclass
class Services:
    settings: Settings
    runner: TurnRunner
    turns: TurnPool
    audit: AuditLog
    owners: ThreadOwners
    keys: KeyStore | None
    limiter: RateLimiter
    events: EventStore
    alerting: Alerting


def _services(request: Request) -> Services:
    found = getattr(request.app.state, "services", None)
    if found is None:
        raise HTTPException(503, "Stockwise is still starting; try again in a moment.")
    return found


async def services(request: Request) -> Services:
    return _services(request)


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key")


async def principal(request: Request) -> Principal:
    """The caller: a SHA-256 and a dict lookup, and a token bucket; nothing that blocks."""
    svc = _services(request)
    if svc.keys is None:
        who = Principal("anonymous", ANONYMOUS_ROLE, "anonymous")
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


def _may(who: Principal, owner: str | None, write: bool) -> bool:
    """Owners use their threads; auditors and admins read every thread; only admins write
    into someone else's. Unknown threads are free to start."""
    if owner is None or owner == who.user or who.role == "admin":
        return True
    return not write and who.can("read_all_threads")


def check_thread_access(svc: Services, who: Principal, thread_id: str, write: bool) -> None:
    """403 unless `who` may use `thread_id`. May read SQLite: call it off the event loop."""
    if not _may(who, svc.owners.owner(thread_id), write):
        raise HTTPException(403, f"Thread {thread_id} belongs to another user.")


async def admit(svc: Services, who: Principal, thread_id: str) -> None:
    """`check_thread_access` for writing, from memory when the owner is known, else with
    one hop to a worker thread for the SQLite read."""
    known = svc.owners.known(thread_id)
    if known is None:
        await run_in_threadpool(check_thread_access, svc, who, thread_id, True)
    elif not _may(who, known, write=True):
        raise HTTPException(403, f"Thread {thread_id} belongs to another user.")


def claimed(
    svc: Services, who: Principal, thread_id: str, channel: str, events: Iterator[dict]
) -> Iterator[dict]:
    """`events`, once `who` is recorded as the owner of a new thread. It runs where the turn
    runs (a turn worker), so the SQLite write stays off the event loop; of two users racing
    for one new thread id, the second gets `ThreadTaken`."""
    if not svc.owners.claim(thread_id, who.user, channel) and who.role != "admin":
        raise ThreadTaken(f"Thread {thread_id} belongs to another user.")
    yield from events

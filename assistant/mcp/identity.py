"""Who is calling. Over stdio the server is the local user's own process, so it acts as the
settings' local user and role (STOCKWISE_LOCAL_USER / STOCKWISE_LOCAL_ROLE), as the CLI
does. Over HTTP the caller presents one of the service's API keys, checked and
rate-limited as the service checks them; without a keys file callers are anonymous viewers
and the server listens on this machine only, as `stockwise serve` does."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from stockwise.assistant.service.auth import AuthError, KeyStore, Principal, RateLimiter
from stockwise.assistant.service.exposure import ANONYMOUS_ROLE
from stockwise.tools.core.settings import Settings

PRINCIPAL = "stockwise.principal"  # where the checked caller rides in the request's scope
ANONYMOUS = Principal("anonymous", ANONYMOUS_ROLE, "anonymous")


def local_principal(settings: Settings) -> Principal:
    return Principal(settings.local_user, settings.local_role, "local")


def caller(request: Any, local: Principal | None) -> Principal:
    """The principal of one MCP message: the HTTP request's checked key, else (stdio) the
    local user. A request that did not pass the key check is nobody: a viewer at most."""
    if request is None:
        return local or ANONYMOUS
    found = request.scope.get(PRINCIPAL)
    return found if isinstance(found, Principal) else ANONYMOUS


def _presented_key(scope: Scope) -> str | None:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    bearer = headers.get("authorization", "")
    if bearer.lower().startswith("bearer "):
        return bearer[7:].strip()
    return headers.get("x-api-key")


class ApiKeys:
    """ASGI middleware in front of the MCP endpoint: 401 without a known key (when there is
    a keys file), 429 past the rate limit, else the caller's principal in the scope."""

    def __init__(self, app: ASGIApp, keys: KeyStore | None, limiter: RateLimiter) -> None:
        self.app = app
        self.keys = keys
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        who = ANONYMOUS
        if self.keys is not None:
            key = _presented_key(scope)
            if not key:
                await _refuse(
                    send, 401, "An API key is needed: send `Authorization: Bearer <key>`."
                )
                return
            try:
                who = self.keys.lookup(key)
            except AuthError as error:
                await _refuse(send, 401, str(error))
                return
        wait = self.limiter.take(who.key_id)
        if wait > 0:
            per_minute = int(self.limiter.capacity)
            await _refuse(send, 429, f"Rate limit of {per_minute} requests a minute reached.", wait)
            return
        scope[PRINCIPAL] = who
        await self.app(scope, receive, send)


async def _refuse(send: Send, status: int, message: str, retry_after: float = 0) -> None:
    body = json.dumps({"error": message}).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    if retry_after:
        headers.append((b"retry-after", str(max(1, round(retry_after))).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

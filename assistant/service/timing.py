"""Where a request's time went, as the server saw it: every response carries a standard
`Server-Timing` header with `app` (from the app getting the request's headers to sending
the response's, the body already rendered), `recv` (of that, waiting for the client to send
the request body) and, for an agent turn, `queue` (waiting for a turn worker) and `graph`
(inside the graph). The service's own overhead is app - recv - queue - graph."""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_KEY = "stockwise_timings"


def record(request_state: Any, **timings_ms: float) -> None:
    """Attach timings (ms) to the current request; the middleware sends them."""
    found = getattr(request_state, _KEY, None)
    if found is None:
        found = {}
        setattr(request_state, _KEY, found)
    found.update(timings_ms)


class TimingMiddleware:
    """Pure ASGI (no per-request task or body copy, unlike `BaseHTTPMiddleware`)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        state = scope.setdefault("state", {})
        received: list[float] = []

        async def timed_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body", False):
                received.append((time.perf_counter() - start) * 1000)
            return message

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                app_ms = (time.perf_counter() - start) * 1000
                timings = {**state.get(_KEY, {}), "app": app_ms}
                if received:
                    timings["recv"] = received[0]
                parts = [f"{name};dur={ms:.2f}" for name, ms in timings.items()]
                header = (b"server-timing", ", ".join(parts).encode())
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        await self.app(scope, timed_receive, timed_send)


def parse(header: str) -> dict[str, float]:
    """`Server-Timing` back into {name: ms} (the bench and tests read it)."""
    timings: dict[str, float] = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        for param in rest.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "dur" and name:
                timings[name] = float(value)
    return timings

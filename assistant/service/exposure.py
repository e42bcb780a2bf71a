"""Closed by default: without an API keys file every caller is an anonymous viewer, and the
service listens on the loopback address only. Any other address needs keys, or the explicit
`--insecure-open`, under which every request logs a warning."""

from __future__ import annotations

import ipaddress
import logging

from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("stockwise.service")
ANONYMOUS_ROLE = "viewer"  # never more: without keys nobody may approve an action


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


class ExposureRefused(Exception):
    """`serve` asked to listen beyond this machine with no keys and no `--insecure-open`."""


def exposure_notice(host: str, has_keys: bool, insecure_open: bool) -> str:
    """What `serve` says about who may call it; ExposureRefused when it must not start."""
    if has_keys:
        return f"API keys required (STOCKWISE_API_KEYS_FILE); listening on {host}."
    if is_loopback(host):
        return (
            f"No API keys file (STOCKWISE_API_KEYS_FILE): callers on this machine only, as "
            f"anonymous viewers (they may ask, not approve); listening on {host}."
        )
    if not insecure_open:
        raise ExposureRefused(
            f"Refusing to listen on {host} without API keys: anyone who can reach it could "
            "ask about the plant's stock. Create keys with `stockwise serve --new-key "
            "USER:ROLE` and set STOCKWISE_API_KEYS_FILE, or listen on 127.0.0.1, or pass "
            "--insecure-open to serve anonymous viewers on this address anyway."
        )
    return (
        f"INSECURE: no API keys and listening on {host}: anyone who reaches it may ask, as "
        "an anonymous viewer. Every request will log a warning."
    )


class OpenAccessWarning:
    """Under `--insecure-open`: a warning per request, so the logs never let it be forgotten."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            client = scope.get("client") or ("?", 0)
            log.warning(
                "insecure open access (no API keys): %s %s from %s",
                scope["method"],
                scope["path"],
                client[0],
            )
        await self.app(scope, receive, send)

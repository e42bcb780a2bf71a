"""What one request may carry, the same on every route (`/api/chat`, `/v1`, Slack, Teams),
and the cleaning every string gets at the edge. A request over a limit is answered 413 (the
body) or 422 (a field), with the limit in the message, before any agent work starts."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Annotated, Any

from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_MESSAGE_CHARS = 4_000  # one question, after cleaning
MAX_PARTS = 32  # content parts in one OpenAI message
MAX_MESSAGES = 200  # messages in one OpenAI request (front ends resend the history)
MAX_INPUT_TOKENS = 32_000  # all of a request's messages, estimated as characters / 4
MAX_BODY_BYTES = 1 << 20  # 1 MiB for every route but the one below
MAX_EVENTS_BODY_BYTES = 4 << 20  # `POST /api/events`: up to 10,000 movements a batch
THREAD_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"  # `X-Thread-Id`

# A lone UTF-16 surrogate (valid JSON, "\udfff") cannot be encoded as UTF-8: it broke every
# JSON response that carried it. Control characters (NUL included, which PostgreSQL cannot
# store) have no place in a question; tabs and line breaks stay.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """`text` fit to store and echo: lone surrogates become U+FFFD, control characters go,
    CR LF becomes LF, and the result is NFC."""
    text = _SURROGATE.sub("\ufffd", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", text)


def _clean_if_text(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


# Cleaned before pydantic checks the string: it refuses a lone surrogate outright.
CleanStr = Annotated[str, BeforeValidator(_clean_if_text)]


def estimated_tokens(chars: int) -> int:
    """The usual rule of thumb for English text (about four characters a token)."""
    return (chars + 3) // 4


def question_problem(text: str) -> str | None:
    """Why `text` cannot be asked (empty or too long), or None."""
    if not text.strip():
        return "The message is empty; ask a question."
    if len(text) > MAX_MESSAGE_CHARS:
        return (
            f"The message is {len(text):,} characters long; the limit is "
            f"{MAX_MESSAGE_CHARS:,}. Ask a shorter question."
        )
    return None


def body_limit(path: str) -> int:
    return MAX_EVENTS_BODY_BYTES if path == "/api/events" else MAX_BODY_BYTES


class BodyLimitMiddleware:
    """413 for a request body over `body_limit(path)`, before the app parses any of it: by
    its Content-Length when sent, else counted while it arrives (chunked uploads)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _refuse(send, 400, "Content-Length is not a number.")
                return
            if size > limit:
                await _refuse(send, 413, _too_large(scope, limit))
                return
            await self.app(scope, receive, send)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        # No length given: read the body here (at most `limit` bytes), then hand it on.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _refuse(send, 413, _too_large(scope, limit))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)


def _too_large(scope: Scope, limit: int) -> str:
    return (
        f"The request body is over {limit:,} bytes, the limit for {scope['method']} "
        f"{scope['path']}; send less (a question is at most {MAX_MESSAGE_CHARS:,} characters)."
    )


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def invalid_request(request: Request, error: Exception) -> Response:
    """FastAPI's 422, rendered so that no input breaks it: its default echoed the input back
    whole (a megabyte for a megabyte) and failed on a lone surrogate (500)."""
    assert isinstance(error, RequestValidationError)
    details = []
    for found in error.errors():
        found = dict(found)
        given = found.pop("input", None)
        shown = repr(given) if not isinstance(given, str | int | float | None) else given
        if isinstance(shown, str) and len(shown) > 200:
            shown = shown[:200] + f"... ({len(shown):,} characters)"
        details.append({**jsonable_encoder(found), "input": shown})
    body = json.dumps({"detail": details}, ensure_ascii=True, default=str)
    return Response(body, status_code=422, media_type="application/json")

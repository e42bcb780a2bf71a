"""Slack: a slack-bolt `AsyncApp` at `/slack/events`. Mentions and direct messages are
answered in their Slack thread (one Stockwise thread per Slack thread), `/stockwise`
answers in the channel.

Before any of it parses the body, `SlackChannel.handle` checks the request as Slack's
spec says: the timestamp is a number within 5 minutes of now, and the v0 HMAC-SHA256 of
the raw bytes matches (401 otherwise). Then each event (by `event_id`) and each command
(by `trigger_id`) runs once: a retry or a replay within the window is acknowledged and
dropped."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.concurrency import run_in_threadpool

from stockwise.assistant.service.alert_subscriptions import SubscriptionIn
from stockwise.assistant.service.alerting import SubscriptionError, subscribe_words
from stockwise.assistant.service.auth import Principal
from stockwise.assistant.service.deps import Services
from stockwise.assistant.service.limits import clean_text, question_problem
from stockwise.assistant.service.routes_openai import reply_text

WINDOW_S = 300  # Slack's: a request more than 5 minutes from now is refused
SEEN_MAX = 100_000  # ids remembered at most (memory bound); far above a real 5-minute load


class SeenIds:
    """Ids seen within the last `window` seconds (then forgotten: the timestamp check
    refuses anything older anyway)."""

    def __init__(self, window: float = WINDOW_S + 60, size: int = SEEN_MAX):
        self._ids: OrderedDict[str, float] = OrderedDict()
        self._window, self._size = window, size

    def first_time(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        while self._ids and (next(iter(self._ids.values())) < now or len(self._ids) > self._size):
            self._ids.popitem(last=False)
        if key in self._ids:
            return False
        self._ids[key] = now + self._window
        return True


def signature_problem(secret: str, headers: Any, body: bytes, now: float) -> str | None:
    """Why the request is not Slack's (Slack's v0 signing scheme), or None."""
    stamp = headers.get("x-slack-request-timestamp", "")
    if not stamp.isascii() or not stamp.isdigit():
        return "X-Slack-Request-Timestamp is not a number"
    if abs(now - int(stamp)) > WINDOW_S:
        return "X-Slack-Request-Timestamp is more than 5 minutes from now"
    base = b"v0:" + stamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, headers.get("x-slack-signature", "")):
        return "X-Slack-Signature does not match the body"
    return None


def request_id(body: bytes, signature: str) -> str:
    """What makes a request the same one again: an event's id, a command's trigger id,
    else its signature (an exact replay)."""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        form = parse_qs(body.decode("utf-8", "replace"))
        parsed = {k: v[0] for k, v in form.items()}
        if "payload" in parsed:  # interactivity: the JSON is in one form field
            try:
                parsed = json.loads(parsed["payload"])
            except ValueError:
                parsed = {}
    if isinstance(parsed, dict):
        for name in ("event_id", "trigger_id"):
            if isinstance(parsed.get(name), str) and parsed[name]:
                return f"{name}:{parsed[name]}"
    return f"signature:{signature}"


def _who(svc: Services, user_id: str) -> Principal:
    role = svc.settings.slack_roles.get(user_id, "viewer")
    return Principal(f"slack:{user_id}", role, f"slack:{user_id}")


async def _answer(svc: Services, text: str, thread_id: str, who: Principal) -> str:
    """The reply to a Slack message, worked out on a turn worker."""

    def work(_queue_ms: float) -> str:
        svc.owners.claim(thread_id, who.user, "slack")
        result = svc.runner.converse(text, thread_id, who, "slack")
        return result.get("refused") or reply_text(result)

    return await svc.turns.run(work)


def _strip_mention(text: str) -> str:
    words = [w for w in text.split() if not (w.startswith("<@") and w.endswith(">"))]
    return " ".join(words)


class SlackChannel:
    def __init__(self, svc: Services):
        settings = svc.settings
        assert settings.slack_signing_secret
        self.secret = settings.slack_signing_secret
        self.seen = SeenIds()
        self.handler = AsyncSlackRequestHandler(_bolt(svc))

    async def handle(self, request: Request) -> Response:
        body = await request.body()  # at most the service's body limit
        problem = signature_problem(self.secret, request.headers, body, time.time())
        if problem:
            return JSONResponse({"detail": problem}, status_code=401)
        key = request_id(body, request.headers.get("x-slack-signature", ""))
        if not self.seen.first_time(key):
            return Response(status_code=200)  # a retry or a replay: acknowledged, not rerun
        return await self.handler.handle(request)


def _bolt(svc: Services) -> AsyncApp:
    settings = svc.settings
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    bolt = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret,
        token=settings.slack_bot_token,
    )

    async def reply_in_thread(event: dict[str, Any], body: dict[str, Any]) -> None:
        thread_ts = event.get("thread_ts") or event["ts"]
        thread_id = f"slack-{body.get('team_id', '')}-{event['channel']}-{thread_ts}"
        who = _who(svc, event.get("user", ""))
        text = clean_text(_strip_mention(event.get("text", "")))
        reply = question_problem(text) or await _answer(svc, text, thread_id, who)
        await client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, text=reply)

    @bolt.event("app_mention")
    async def on_mention(event, body):
        await reply_in_thread(event, body)

    @bolt.event("message")
    async def on_message(event, body):
        # Direct messages only, and never the bot's own or edited messages.
        if (
            event.get("channel_type") == "im"
            and not event.get("bot_id")
            and not event.get("subtype")
        ):
            await reply_in_thread(event, body)

    @bolt.command("/stockwise")
    async def on_command(ack, command):
        text = clean_text(command.get("text", ""))
        if text.lower().split()[:1] == ["alerts"]:
            await ack(await run_in_threadpool(alert_command, svc, text, command))
            return
        problem = question_problem(text)
        if problem:
            await ack(problem)
            return
        await ack(f"Looking into: {text}")
        thread_id = (
            f"slack-{command.get('team_id', '')}-{command['channel_id']}-{command['trigger_id']}"
        )
        who = _who(svc, command.get("user_id", ""))
        reply = await _answer(svc, text, thread_id, who)
        await client.chat_postMessage(channel=command["channel_id"], text=reply)

    return bolt


ALERTS_USAGE = (
    "Usage: /stockwise alerts subscribe [SITE ...] [A|B|C ...] [mro|raw] "
    "(e.g. `/stockwise alerts subscribe S1 A`)"
)


def alert_command(svc: Services, text: str, command: dict[str, Any]) -> str:
    """`/stockwise alerts subscribe S1 A mro`: this channel gets those alerts, threaded per
    item. Only mapped managers and admins may subscribe a channel."""
    words = text.split()[1:]
    if words[:1] != ["subscribe"]:
        return ALERTS_USAGE
    who = _who(svc, command.get("user_id", ""))
    if not who.can("approve"):
        return f"Only managers and admins may subscribe a channel to alerts (you are {who.role})."
    scope = subscribe_words(words[1:])
    try:
        sub = svc.alerting.subscribe(
            SubscriptionIn(channel="slack", target=command["channel_id"], **scope),  # type: ignore[arg-type]
            who.user,
        )
    except (SubscriptionError, ValidationError) as error:
        return f"Not subscribed: {error}"
    named = " ".join(scope["sites"] + scope["criticalities"] + scope["categories"])
    return (
        f"Subscribed this channel to stock alerts ({named or 'every alert'}); "
        f"subscription {sub.sub_id}."
    )


def build_slack(svc: Services) -> SlackChannel:
    return SlackChannel(svc)

"""Slack: a slack-bolt `AsyncApp` at `/slack/events`. Mentions and direct messages are
answered in their Slack thread (one Stockwise thread per Slack thread), `/stockwise`
answers in the channel. Bolt checks every request's signature and rejects timestamps
older than 5 minutes; retries of an event already seen are dropped by `event_id`."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from stockwise.assistant.service.auth import Principal
from stockwise.assistant.service.deps import Services
from stockwise.assistant.service.routes_openai import reply_text

SEEN_EVENTS = 10_000  # how many event ids are remembered for retry detection


class SeenEvents:
    def __init__(self, size: int = SEEN_EVENTS):
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def first_time(self, event_id: str) -> bool:
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True


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


def build_slack(svc: Services) -> AsyncSlackRequestHandler:
    settings = svc.settings
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    bolt = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret,
        token=settings.slack_bot_token,
    )
    seen = SeenEvents()

    @bolt.middleware
    async def drop_retries(body: dict[str, Any], next):
        event_id = body.get("event_id")
        if event_id and not seen.first_time(event_id):
            return BoltResponse(status=200, body="")
        return await next()

    async def reply_in_thread(event: dict[str, Any], body: dict[str, Any]) -> None:
        thread_ts = event.get("thread_ts") or event["ts"]
        thread_id = f"slack-{body.get('team_id', '')}-{event['channel']}-{thread_ts}"
        who = _who(svc, event.get("user", ""))
        text = await _answer(svc, _strip_mention(event.get("text", "")), thread_id, who)
        await client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, text=text)

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
        await ack(f"Looking into: {command.get('text', '')}")
        thread_id = (
            f"slack-{command.get('team_id', '')}-{command['channel_id']}-{command['trigger_id']}"
        )
        who = _who(svc, command.get("user_id", ""))
        text = await _answer(svc, command.get("text", ""), thread_id, who)
        await client.chat_postMessage(channel=command["channel_id"], text=text)

    return AsyncSlackRequestHandler(bolt)

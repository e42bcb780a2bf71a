"""Pushing alert messages out: signed webhooks, Slack (`chat.postMessage`, one thread per
item and site) and Teams (a proactive message to the conversation that subscribed).

One worker thread delivers messages in order, so the event path never waits for a channel.
A failed send is retried with doubling waits; after the last retry the message goes, with
the error, to the dead-letter file `alerts-dead-letter.jsonl` in the data directory. A
channel that refuses for good (a Slack channel that removed the app) is a logged, counted
skip, not retried. Past the hourly rate a subscription's messages are held for its daily
digest: no alert storm, nothing lost."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from stockwise.assistant.service.alert_subscriptions import Subscription, SubscriptionStore
from stockwise.tools.core.settings import Settings
from stockwise.tools.replenish.alert_state import AlertMessage

log = logging.getLogger("stockwise.alerts")

# Slack errors that mean the app can no longer post there: retrying cannot help.
SLACK_GONE = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "channel_is_archived",
    "account_inactive",
    "token_revoked",
    "invalid_auth",
}
TIMEOUT_S = 5.0


class Skip(Exception):
    """The channel refuses this subscription for good."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` + HMAC-SHA256 over `timestamp.body`: a receiver recomputes it with the
    shared secret, and refuses stale timestamps to stop replays."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class Dispatcher:
    def __init__(
        self,
        settings: Settings,
        store: SubscriptionStore,
        category_of: Callable[[str], str | None],
        teams_send: Callable[[str, str], None] | None = None,
    ):
        self.settings, self.store, self.category_of = settings, store, category_of
        self.teams_send = teams_send
        self.counts: Counter[str] = Counter()
        self.delivered_at: dict[str, float] = {}  # message key -> monotonic time it went out
        self._queue: queue.Queue[AlertMessage | None] = queue.Queue()
        self._client = httpx.Client(timeout=TIMEOUT_S)
        self._worker = threading.Thread(target=self._run, name="alert-delivery", daemon=True)
        self._worker.start()

    @property
    def dead_letter_path(self):
        return self.settings.data_dir / "alerts-dead-letter.jsonl"

    def submit(self, messages: list[AlertMessage]) -> None:
        for message in messages:
            self._queue.put(message)

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every submitted message is handled (tests, benchmarks, shutdown)."""
        end = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < end:
            time.sleep(0.01)
        return not self._queue.unfinished_tasks

    def close(self) -> None:
        self._queue.put(None)
        self._worker.join(timeout=10)
        self._client.close()

    def _run(self) -> None:
        while True:
            message = self._queue.get()
            try:
                if message is None:
                    return
                self._deliver(message)
            except Exception:
                log.exception("alert delivery failed")
            finally:
                self._queue.task_done()

    def _deliver(self, message: AlertMessage) -> None:
        key = f"{message.alert_id}:{message.kind}"
        if message.body.get("round"):  # a reopened alert's changes, once each round
            key += f":{message.body['round']}"
        category = self.category_of(message.body["item_id"])
        for sub in self.store.active():
            if not sub.wants(message.body, category) or self.store.delivered(sub.sub_id, key):
                continue
            limit = self.settings.alert_rate_per_hour
            if limit and self.store.sent_within(sub.sub_id, timedelta(hours=1)) >= limit:
                self.store.record(sub.sub_id, key, message.seq, "held", 0)
                self.counts["held"] += 1
                continue
            self._send_with_retries(sub, key, message.seq, message.body, message.text)

    def _send_with_retries(
        self, sub: Subscription, key: str, seq: int, body: dict[str, Any], text: str
    ) -> bool:
        retries, wait = self.settings.alert_retries, self.settings.alert_backoff_s
        error = ""
        for attempt in range(retries + 1):
            try:
                self._send(sub, key, body, text)
            except Skip as why:
                log.warning("alert %s to subscription %s skipped: %s", key, sub.sub_id, why)
                self.store.record(sub.sub_id, key, seq, "skipped", attempt + 1)
                self.counts["skipped"] += 1
                return False
            except Exception as failed:  # any transport or HTTP failure is worth a retry
                error = f"{type(failed).__name__}: {failed}"
                if attempt < retries:
                    self.counts["retried"] += 1
                    time.sleep(wait * 2**attempt)
                continue
            self.store.record(sub.sub_id, key, seq, "sent", attempt + 1)
            self.counts["sent"] += 1
            self.delivered_at[key] = time.monotonic()
            return True
        self._dead_letter(sub, key, body, error, retries + 1)
        self.store.record(sub.sub_id, key, seq, "dead", retries + 1)
        self.counts["dead"] += 1
        return False

    def _dead_letter(self, sub: Subscription, key: str, body: dict, error: str, tries: int):
        line = {
            "at": datetime.now(UTC).isoformat(),
            "subscription": sub.sub_id,
            "channel": sub.channel,
            "target": sub.target,
            "key": key,
            "attempts": tries,
            "error": error,
            "message": body,
        }
        with open(self.dead_letter_path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")  # one write per line: a reader sees whole lines
        log.error("alert %s to subscription %s dead-lettered: %s", key, sub.sub_id, error)

    def _send(self, sub: Subscription, key: str, body: dict[str, Any], text: str) -> None:
        if sub.channel == "webhook":
            raw = json.dumps({"key": key, **body}, sort_keys=True).encode()
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "Idempotency-Key": key,
                "X-Stockwise-Timestamp": stamp,
                "X-Stockwise-Signature": signature(sub.secret or "", stamp, raw),
            }
            self._client.post(sub.target, content=raw, headers=headers).raise_for_status()
        elif sub.channel == "slack":
            self._slack(sub, body, text)
        elif self.teams_send is None:
            raise Skip("Teams is not configured on this service")
        else:
            self.teams_send(sub.target, text)

    def _slack(self, sub: Subscription, body: dict[str, Any], text: str) -> None:
        if not self.settings.slack_bot_token:
            raise Skip("no Slack bot token (STOCKWISE_SLACK_BOT_TOKEN) on this service")
        pair = f"{body.get('item_id')}@{body.get('site_id')}"
        payload: dict[str, Any] = {"channel": sub.target, "text": text}
        thread = self.store.thread(sub.sub_id, pair) if body.get("item_id") else None
        if thread:
            payload["thread_ts"] = thread
        reply = self._client.post(
            f"{self.settings.slack_api_url.rstrip('/')}/chat.postMessage",
            json=payload,
            headers={"Authorization": f"Bearer {self.settings.slack_bot_token}"},
        )
        reply.raise_for_status()
        answer = reply.json()
        if not answer.get("ok"):
            if answer.get("error") in SLACK_GONE:
                raise Skip(f"Slack says {answer['error']} for channel {sub.target}")
            raise RuntimeError(f"Slack error {answer.get('error')}")
        if body.get("item_id") and not thread and answer.get("ts"):
            self.store.set_thread(sub.sub_id, pair, str(answer["ts"]))

    def digest(self, live: list[dict[str, Any]], day: str) -> int:
        """Send each subscription its digest for `day` (once): the open alerts it filters
        in, and the messages the rate limit held back. Returns digests sent."""
        sent = 0
        for sub in self.store.active():
            mine = [a for a in live if sub.wants(a, self.category_of(a["item_id"]))]
            held = self.store.held(sub.sub_id)
            key = f"digest:{day}"
            if self.store.delivered(sub.sub_id, key):
                continue
            lines = [f"Stock alerts digest {day}: {len(mine)} open"]
            lines += [f"- [{a['alert_id']}] {a['state']}: {a.get('todo', '')}" for a in mine[:50]]
            if held:
                lines.append(f"{len(held)} message(s) held by the rate limit: {', '.join(held)}")
            body = {"digest": day, "open": [a["alert_id"] for a in mine], "held": held}
            sent += self._send_with_retries(sub, key, 0, body, "\n".join(lines))
        return sent

"""Slack: real HMAC v0 signed requests to /slack/events; answers land in a fake Web API."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import httpx
import pytest

from .conftest import serve_demo
from .fake_slack import FakeSlack

SECRET = "test-signing-secret"
QUESTION = "what is below reorder point?"


def signed(body: str, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def mention(text: str, event_id: str, ts: str = "1700000000.000100", user: str = "U1") -> str:
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@UBOT> {text}",
        "ts": ts,
        "channel": "C1",
    }
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event": event,
            "event_id": event_id,
            "event_time": int(time.time()),
        }
    )


def wait_for(fake: FakeSlack, count: int, timeout: float = 30) -> list[dict]:
    deadline = time.monotonic() + timeout
    while len(fake.posted()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return fake.posted()


@pytest.fixture
def slack(demo_dataset, keyed_settings):
    fake = FakeSlack()
    settings = keyed_settings.model_copy(
        update={
            "slack_signing_secret": SECRET,
            "slack_bot_token": "xoxb-test",
            "slack_api_url": fake.url,
            "slack_roles": {"UMGR": "manager"},
        }
    )
    with serve_demo(demo_dataset, settings) as served:
        yield served, fake
    fake.close()


def post(served, body: str, headers: dict, content_type="application/json") -> httpx.Response:
    return httpx.post(
        f"{served.url}/slack/events",
        content=body,
        headers={**headers, "Content-Type": content_type},
        timeout=10,
    )


def test_mention_is_acknowledged_then_answered_in_its_thread(slack):
    served, fake = slack
    body = mention(QUESTION, "Ev1")
    reply = post(served, body, signed(body))
    assert reply.status_code == 200
    posted = wait_for(fake, 1)
    assert len(posted) == 1
    assert posted[0]["channel"] == "C1" and posted[0]["thread_ts"] == "1700000000.000100"
    expected = served.session.ask(QUESTION, "slack-direct")["answer"]
    assert posted[0]["text"].startswith(expected)
    assert "Sources: below_reorder_point" in posted[0]["text"]


def test_retries_of_a_seen_event_are_ignored(slack):
    served, fake = slack
    body = mention(QUESTION, "Ev2")
    assert post(served, body, signed(body)).status_code == 200
    retry = {**signed(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert post(served, body, retry).status_code == 200
    wait_for(fake, 2, timeout=1.5)
    assert len(fake.posted()) == 1


def test_bad_signature_and_stale_timestamp_are_401(slack):
    served, fake = slack
    body = mention(QUESTION, "Ev3")
    assert post(served, body, signed(body, secret="wrong")).status_code == 401
    stale = signed(body, timestamp=int(time.time()) - 6 * 60)
    assert post(served, body, stale).status_code == 401
    tampered = signed(body)
    assert post(served, body.replace("reorder", "re-order"), tampered).status_code == 401
    time.sleep(0.3)
    assert fake.posted() == []


def test_slash_command_answers_in_the_channel(slack):
    served, fake = slack
    body = urlencode(
        {
            "command": "/stockwise",
            "text": QUESTION,
            "user_id": "U1",
            "channel_id": "C9",
            "team_id": "T1",
            "trigger_id": "trig1",
            "response_url": fake.url + "resp",
        }
    )
    reply = post(served, body, signed(body), "application/x-www-form-urlencoded")
    assert reply.status_code == 200 and "Looking into" in reply.text
    posted = wait_for(fake, 1)
    assert posted[0]["channel"] == "C9" and "Sources: below_reorder_point" in posted[0]["text"]


def test_only_a_mapped_manager_approves_in_the_slack_thread(slack):
    served, fake = slack
    ts = "1700000100.000100"
    body = mention("draft purchase requisitions for critical spare parts", "Ev4", ts, user="UMGR")
    post(served, body, signed(body))
    assert wait_for(fake, 1)[0]["text"].startswith("Waiting for approval")
    viewer = json.loads(mention("approve", "Ev5", "1700000101.0001", user="U1"))
    viewer["event"]["thread_ts"] = ts
    body = json.dumps(viewer)
    post(served, body, signed(body))
    assert "cannot approve" in wait_for(fake, 2)[1]["text"]
    manager = json.loads(mention("approve", "Ev6", "1700000102.0001", user="UMGR"))
    manager["event"]["thread_ts"] = ts
    body = json.dumps(manager)
    post(served, body, signed(body))
    final = wait_for(fake, 3)[2]["text"]
    assert "Waiting for approval" not in final and final


def command_body(text: str = QUESTION, trigger: str = "trig-replay") -> str:
    return urlencode(
        {
            "command": "/stockwise",
            "text": text,
            "user_id": "U1",
            "channel_id": "C9",
            "team_id": "T1",
            "trigger_id": trigger,
        }
    )


def test_the_signature_is_checked_on_the_raw_bytes_before_any_parsing(slack):
    served, fake = slack
    assert post(served, "not json {", {}).status_code == 401  # was a 500
    assert post(served, b"\xff\xfe".decode("latin-1"), {}).status_code == 401
    body = mention(QUESTION, "Ev10")
    for stamp in ("abc", "", "1e9", "-5", "١٢٣"):  # the last: Arabic-Indic digits
        headers = {**signed(body), "X-Slack-Request-Timestamp": stamp.encode()}
        assert post(served, body, headers).status_code == 401, stamp
    future = signed(body, timestamp=int(time.time()) + 6 * 60)
    assert post(served, body, future).status_code == 401
    time.sleep(0.3)
    assert fake.posted() == []


def test_a_replayed_slash_command_runs_once(slack):
    served, fake = slack
    body = command_body()
    headers = signed(body)
    form = "application/x-www-form-urlencoded"
    assert post(served, body, headers, form).status_code == 200
    assert post(served, body, headers, form).status_code == 200  # the same bytes again
    later = signed(body)  # re-signed with a new timestamp: still the same trigger_id
    assert post(served, body, later, form).status_code == 200
    wait_for(fake, 2, timeout=3)
    assert len(fake.posted()) == 1
    questions = [e for e in served.session_audit() if e["kind"] == "question"]
    assert len(questions) == 1


def test_a_message_over_the_limit_is_answered_with_the_limit_not_run(slack):
    served, fake = slack
    body = mention("x" * 5000, "Ev11")
    assert post(served, body, signed(body)).status_code == 200
    (posted,) = wait_for(fake, 1)
    assert "limit is 4,000" in posted["text"]
    long_command = command_body("y" * 5000, "trig-long")
    reply = post(served, long_command, signed(long_command), "application/x-www-form-urlencoded")
    assert reply.status_code == 200 and "limit is 4,000" in reply.text
    assert not [e for e in served.session_audit() if e["kind"] == "question"]


def test_a_manager_subscribes_a_channel_to_alerts_with_the_slash_command(slack):
    served, fake = slack

    def command(text: str, user: str, trigger: str) -> str:
        body = command_body(text, trigger).replace("user_id=U1", f"user_id={user}")
        return post(served, body, signed(body), "application/x-www-form-urlencoded").text

    assert "Only managers and admins" in command("alerts subscribe S1 A", "U1", "trig-a1")
    assert "no site 'S9'" in command("alerts subscribe S9", "UMGR", "trig-a2")
    assert "Usage" in command("alerts please", "UMGR", "trig-a3")
    reply = command("alerts subscribe S1 A mro", "UMGR", "trig-a4")
    assert "Subscribed this channel to stock alerts (S1 A mro)" in reply
    (sub,) = served_subscriptions(served)
    assert (sub.channel, sub.target, sub.sites, sub.criticalities, sub.categories) == (
        "slack",
        "C9",
        ["S1"],
        ["A"],
        ["mro"],
    )
    assert fake.posted() == []  # answered in the acknowledgement, no question asked


def served_subscriptions(served):
    from stockwise.assistant.service.alert_subscriptions import SubscriptionStore

    store = SubscriptionStore(served.settings.data_dir / "alert_delivery.sqlite")
    try:
        return store.active()
    finally:
        store.close()

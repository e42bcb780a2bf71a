"""Alert delivery against real HTTP receivers on 127.0.0.1: signed webhooks (one that fails
three times then succeeds gets exactly one delivery; a dead one ends in the dead-letter
file), Slack threads per item and a channel that removed the app, the rate limit and the
digest, and the whole path from POST /api/events to a webhook."""

from __future__ import annotations

import io
import json
import time

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from stockwise.assistant.service.alert_delivery import Dispatcher, signature
from stockwise.assistant.service.alert_subscriptions import SubscriptionIn, SubscriptionStore
from stockwise.tools.core.settings import Settings
from stockwise.tools.replenish.alert_state import AlertMessage

from .conftest import bought_critical_item, free_port, issue_all, running, serve_demo
from .fake_slack import FakeSlack

SECRET = "a-webhook-secret-of-some-length"


class Receiver:
    """A webhook endpoint that fails its first `failures` requests with a 500."""

    def __init__(self, failures: int = 0):
        self.failures, self.requests, self.accepted = failures, 0, []
        self.app = FastAPI()

        @self.app.post("/hook")
        async def hook(request: Request):
            self.requests += 1
            if self.requests <= self.failures:
                return Response(status_code=500)
            raw = await request.body()
            stamp = request.headers["x-stockwise-timestamp"]
            if request.headers["x-stockwise-signature"] != signature(SECRET, stamp, raw):
                return Response(status_code=401)
            self.accepted.append((request.headers["idempotency-key"], json.loads(raw)))
            return Response(status_code=204)


def message(seq: int, item: str = "1002", kind: str = "raised", crit: str = "A") -> AlertMessage:
    alert_id = f"{item}@S1#1"
    body = {
        "item_id": item,
        "site_id": "S1",
        "criticality": crit,
        "alert_id": alert_id,
        "kind": kind,
        "text": f"{kind} {alert_id}",
        "why": "test",
        "todo": "order 5",
    }
    return AlertMessage(seq, alert_id, kind, "2025-10-01T00:00:00", body)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", alert_retries=4, alert_backoff_s=0.01)


def dispatcher(settings: Settings, slack_url: str | None = None) -> Dispatcher:
    if slack_url:
        settings = settings.model_copy(
            update={"slack_api_url": slack_url, "slack_bot_token": "xoxb-test"}
        )
    store = SubscriptionStore(settings.data_dir / "alert_delivery.sqlite")
    return Dispatcher(settings, store, category_of=lambda item: "mro")


def hook(url: str, **filters) -> SubscriptionIn:
    return SubscriptionIn(channel="webhook", target=f"{url}/hook", secret=SECRET, **filters)


def test_a_receiver_failing_three_times_gets_exactly_one_delivery(settings):
    flaky = Receiver(failures=3)
    with running(flaky.app) as url:
        sender = dispatcher(settings)
        sender.store.add(hook(url), "test")
        sender.submit([message(1)])
        assert sender.drain()
        sender.submit([message(1)])  # the same alert and kind again: not sent twice
        assert sender.drain()
        sender.close()
    assert flaky.requests == 4
    (key, body), = flaky.accepted  # fmt: skip
    assert key == "1002@S1#1:raised" and body["alert_id"] == "1002@S1#1"
    assert sender.counts == {"retried": 3, "sent": 1}
    assert not sender.dead_letter_path.exists()


def test_a_dead_receiver_ends_in_the_dead_letter_file(settings):
    sender = dispatcher(settings)
    sender.store.add(hook(f"http://127.0.0.1:{free_port()}"), "test")  # nothing listens
    sender.submit([message(1), message(2, kind="cleared")])
    assert sender.drain()
    sender.close()
    lines = [json.loads(x) for x in sender.dead_letter_path.read_text().splitlines()]
    assert [x["key"] for x in lines] == ["1002@S1#1:raised", "1002@S1#1:cleared"]
    assert all(x["attempts"] == 5 and "ConnectError" in x["error"] for x in lines)
    assert sender.counts["dead"] == 2 and sender.counts["sent"] == 0


def test_filters_and_the_rate_limit_hold_the_rest_for_the_digest(settings):
    receiver = Receiver()
    with running(receiver.app) as url:
        sender = dispatcher(settings.model_copy(update={"alert_rate_per_hour": 2}))
        sender.store.add(hook(url, criticalities=["A"], sites=["S1"]), "test")
        sender.submit([message(1, "1"), message(2, "2", crit="C"), message(3, "3")])
        sender.submit([message(4, "4"), message(5, "5")])
        assert sender.drain()
        assert [k for k, _ in receiver.accepted] == ["1@S1#1:raised", "3@S1#1:raised"]
        live = [{**message(9, "9").body, "state": "open"}]
        assert sender.digest(live, "2025-10-01") == 1
        assert sender.digest(live, "2025-10-01") == 0  # once a day
        sender.close()
    digest = receiver.accepted[-1][1]
    assert digest["open"] == ["9@S1#1"] and digest["held"] == ["4@S1#1:raised", "5@S1#1:raised"]


def test_slack_threads_per_item_and_skips_a_channel_that_removed_the_app(settings):
    slack = FakeSlack()
    original = slack.server.RequestHandlerClass.do_POST

    def refuse_gone(handler):  # Slack's answer once a channel has removed the app
        length = int(handler.headers.get("content-length", 0))
        raw = handler.rfile.read(length)
        if json.loads(raw or b"{}").get("channel") != "C-GONE":
            handler.rfile = io.BytesIO(raw)
            return original(handler)
        body = json.dumps({"ok": False, "error": "not_in_channel"}).encode()
        handler.send_response(200)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    slack.server.RequestHandlerClass.do_POST = refuse_gone
    try:
        sender = dispatcher(settings, slack.url)
        sender.store.add(SubscriptionIn(channel="slack", target="C-ALERTS"), "test")
        sender.store.add(SubscriptionIn(channel="slack", target="C-GONE"), "test")
        sender.submit([message(1), message(2, kind="escalated")])
        assert sender.drain()
        sender.close()
    finally:
        slack.close()
    first, second = slack.posted()
    assert first["channel"] == "C-ALERTS" and "thread_ts" not in first
    assert second["thread_ts"] == "1700000999.000100"  # the item's thread
    # Counted and logged, never retried: one try per message for the gone channel.
    assert sender.counts == {"sent": 2, "skipped": 2}


def test_a_movement_posted_reaches_a_subscribed_webhook(demo_dataset, keyed_settings):
    receiver = Receiver()
    settings = keyed_settings.model_copy(update={"alert_backoff_s": 0.01})
    pick = bought_critical_item(demo_dataset)
    with running(receiver.app) as url, serve_demo(demo_dataset, settings) as served:
        admin = served.auth("di")
        bad = httpx.post(
            f"{served.url}/api/alerts/subscriptions",
            json={"channel": "webhook", "target": f"{url}/hook", "secret": SECRET,
                  "sites": ["S9"]},
            headers=admin,
        )  # fmt: skip
        assert bad.status_code == 422 and "no site 'S9'" in bad.json()["detail"]
        ok = httpx.post(
            f"{served.url}/api/alerts/subscriptions",
            json={"channel": "webhook", "target": f"{url}/hook", "secret": SECRET,
                  "sites": ["S1"], "criticalities": ["A"]},
            headers=served.auth("bo"),
        )  # fmt: skip
        assert ok.status_code == 201
        empty = issue_all(pick, "ALERT-1")
        started = time.monotonic()
        posted = httpx.post(
            f"{served.url}/api/events", json={"events": [empty]}, headers=admin, timeout=60
        ).json()
        assert posted["replanned"] == 1
        alert_id = f"{pick.item_id}@S1#1"
        assert [alert_id, "raised"] in posted["alerts"] or [alert_id, "escalated"] in posted[
            "alerts"
        ]
        while not receiver.accepted and time.monotonic() - started < 30:
            time.sleep(0.01)
        assert receiver.accepted[0][1]["alert_id"] == alert_id
        listed = httpx.get(f"{served.url}/api/alerts", headers=served.auth("ana")).json()
        assert alert_id in [a["alert_id"] for a in listed["open"]]
        again = httpx.post(
            f"{served.url}/api/events", json={"events": [empty]}, headers=admin, timeout=60
        ).json()
        assert again["duplicates"] == ["ALERT-1"] and again["replanned"] == 0
        viewer = httpx.post(f"{served.url}/api/alerts/digest", headers=served.auth("ana"))
        assert viewer.status_code == 403
        digest = httpx.post(f"{served.url}/api/alerts/digest", headers=admin, timeout=30)
        assert digest.json() == {"sent": 1}
    assert len(receiver.accepted) == 2 and alert_id in receiver.accepted[1][1]["open"]
    # A restart keeps the state: the alert is still open and not raised again.
    with serve_demo(demo_dataset, settings) as restarted:
        listed = httpx.get(f"{restarted.url}/api/alerts", headers=restarted.auth("ana")).json()
        assert alert_id in [a["alert_id"] for a in listed["open"]]


def test_purchase_orders_on_the_event_path_and_their_bad_input(served):
    admin = served.auth("di")

    def post(body: dict) -> httpx.Response:
        return httpx.post(f"{served.url}/api/events", json=body, headers=admin, timeout=60)

    po = {
        "po_id": "PO-T1",
        "item_id": "1002",
        "site_id": "S2",
        "qty": 500,
        "due_date": "2025-10-09",
    }
    assert post({"events": [], "purchase_orders": []}).status_code == 422  # nothing sent
    bad = post({"purchase_orders": [{**po, "site_id": "S9"}, {**po, "item_id": "nope"}]})
    assert bad.status_code == 422
    assert "purchase order 0 (PO-T1): no site 'S9'" in bad.json()["detail"]
    assert "purchase order 1 (PO-T1): no item 'nope'" in bad.json()["detail"]
    ok = post({"purchase_orders": [po]})
    assert ok.status_code == 200 and ok.json()["replanned"] == 1
    late = post(
        {
            "events": [
                {
                    "txn_id": "LATE-1",
                    "ts": "2025-09-01T08:00:00",
                    "item_id": "1002",
                    "site_id": "S2",
                    "qty": 1,
                    "txn_type": "receipt",
                }
            ]
        }
    )
    assert late.status_code == 422 and "before the stock snapshot" in late.json()["detail"]

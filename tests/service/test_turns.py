"""Turns run on the bounded turn pool, never on the event loop, and their time is accounted
for: `Server-Timing` on every response, queue waits measured, thread ownership checked
without SQLite on the loop."""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

import httpx
import pytest

from stockwise.assistant.service.auth import Principal
from stockwise.assistant.service.deps import claimed
from stockwise.assistant.service.pool import TurnPool
from stockwise.assistant.service.threads import ThreadOwners, ThreadTaken
from stockwise.assistant.service.timing import parse

QUESTION = "what is below reorder point?"


def test_server_timing_names_the_body_and_queue_waits_and_the_graph_time(served):
    reply = httpx.post(
        f"{served.url}/api/chat", json={"message": QUESTION}, headers=served.auth("ana"), timeout=60
    )
    assert reply.status_code == 200, reply.text
    timings = parse(reply.headers["server-timing"])
    body = reply.json()["timings_ms"]
    assert timings["graph"] == body["graph"] and timings["queue"] == body["queue"]
    assert timings["graph"] > 0 and timings["recv"] >= 0
    assert timings["app"] > timings["recv"] + timings["queue"] + timings["graph"]
    # Requests that run no turn carry the app's time only.
    health = httpx.get(f"{served.url}/healthz")
    assert set(parse(health.headers["server-timing"])) == {"app"}


def test_every_path_runs_the_graph_on_a_turn_worker(served):
    graph = served.session.graph
    threads: list[str] = []

    class Recording:
        def __getattr__(self, name):
            return getattr(graph, name)

        def stream(self, *args, **kwargs):
            threads.append(threading.current_thread().name)
            return graph.stream(*args, **kwargs)

    served.session.graph = Recording()
    try:
        url, auth = served.url, served.auth("ana")
        httpx.post(f"{url}/api/chat", json={"message": QUESTION}, headers=auth, timeout=60)
        streamed = httpx.post(
            f"{url}/api/chat", json={"message": QUESTION, "stream": True}, headers=auth, timeout=60
        )
        assert "event: result" in streamed.text
        completion = {"messages": [{"role": "user", "content": QUESTION}]}
        httpx.post(f"{url}/v1/chat/completions", json=completion, headers=auth, timeout=60)
        completion["stream"] = True
        httpx.post(f"{url}/v1/chat/completions", json=completion, headers=auth, timeout=60)
    finally:
        served.session.graph = graph
    assert len(threads) == 4
    assert all(name.startswith("turn") for name in threads), threads


def test_a_busy_pool_queues_turns_and_says_how_long():
    pool = TurnPool(workers=1)

    def work(queue_ms: float) -> tuple[float, str]:
        time.sleep(0.2)
        return queue_ms, threading.current_thread().name

    async def two_at_once():
        return await asyncio.gather(pool.run(work), pool.run(work))

    try:
        (first, thread), (second, _) = asyncio.run(two_at_once())
    finally:
        pool.shutdown()
    assert thread.startswith("turn")
    assert first < second and second >= 150  # waited for the first turn's 200 ms


def test_a_streamed_turn_hands_over_its_events_in_order_then_its_failure():
    pool = TurnPool(workers=1)

    def events():
        yield {"n": 1}
        yield {"n": 2}
        raise RuntimeError("the planner broke")

    async def consume():
        got = []
        with pytest.raises(RuntimeError, match="planner broke"):
            async for event in pool.stream(events()):
                got.append(event)
        return got

    try:
        assert asyncio.run(consume()) == [{"n": 1}, {"n": 2}]
    finally:
        pool.shutdown()


def test_of_two_users_racing_for_a_new_thread_id_the_second_is_refused(tmp_path):
    svc = SimpleNamespace(owners=ThreadOwners(tmp_path / "service.sqlite"))
    ana, ed = Principal("ana", "viewer", "a"), Principal("ed", "viewer", "e")
    admin = Principal("di", "admin", "d")
    first = claimed(svc, ana, "t1", "api", iter([{"event": "result"}]))
    second = claimed(svc, ed, "t1", "api", iter([{"event": "result"}]))
    assert list(first) == [{"event": "result"}]
    with pytest.raises(ThreadTaken):
        list(second)
    assert list(claimed(svc, admin, "t1", "api", iter([{"event": "x"}]))) == [{"event": "x"}]
    assert svc.owners.owner("t1") == "ana"


def test_owners_are_remembered_in_memory_within_a_bound_and_read_back_after_restart(tmp_path):
    path = tmp_path / "service.sqlite"
    owners = ThreadOwners(path, remembered=2)
    for n in range(3):
        assert owners.claim(f"t{n}", f"user{n}", "api")
    assert owners.known("t0") is None  # forgotten in memory (the bound) ...
    assert owners.known("t2") == "user2"
    assert owners.owner("t0") == "user0"  # ... never on disk
    owners.close()
    restarted = ThreadOwners(path)
    assert restarted.known("t1") is None
    assert restarted.owner("t1") == "user1" and restarted.known("t1") == "user1"
    assert not restarted.claim("t1", "someone-else", "api")
    restarted.close()

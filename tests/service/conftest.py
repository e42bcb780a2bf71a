"""A real `stockwise serve` app on 127.0.0.1 (random free port) over the demo plant and
the offline planner, with API keys for each role."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import uvicorn

from stockwise.assistant.service.auth import hash_key
from stockwise.tools.core.settings import Settings

KEYS = {
    "ana": ("key-ana-viewer", "viewer"),
    "bo": ("key-bo-manager", "manager"),
    "cy": ("key-cy-auditor", "auditor"),
    "di": ("key-di-admin", "admin"),
    "ed": ("key-ed-viewer", "viewer"),
}


def bought_critical_item(dataset, site_id: str = "S1"):
    """A bought (not made) criticality-A item with stock at `site_id`: issuing all of it
    must raise an alert."""
    made = set(dataset.boms["parent_item_id"])
    levels = dataset.stock_levels.merge(dataset.items, on="item_id")
    return levels[
        (levels["criticality"] == "A")
        & (levels["site_id"] == site_id)
        & (levels["on_hand_qty"] >= 1)
        & ~levels["item_id"].isin(made)
    ].iloc[0]


def issue_all(pick, txn_id: str, site_id: str = "S1") -> dict:
    """A maintenance issue of the whole stock of `pick` the day after the demo's snapshot."""
    return {
        "txn_id": txn_id,
        "ts": "2025-10-01T08:00:00",
        "item_id": pick.item_id,
        "site_id": site_id,
        "qty": -float(pick.on_hand_qty),
        "txn_type": "issue_maintenance",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(app) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 180  # a warm-up (test_warm_up) on a loaded machine
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class Served:
    url: str
    settings: Settings
    session: object

    def session_audit(self) -> list[dict]:
        from stockwise.assistant.service.audit import AuditLog

        return AuditLog(self.settings.audit_path).entries()

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {KEYS[user][0]}"}


@contextmanager
def serve_demo(demo_dataset, settings: Settings, **app_options) -> Iterator[Served]:
    from stockwise.assistant.agent.graph import build_graph
    from stockwise.assistant.agent.memory import open_checkpointer
    from stockwise.assistant.agent.models import choose_model
    from stockwise.assistant.agent.session import AgentSession
    from stockwise.assistant.reports import report_tools
    from stockwise.assistant.service.app import create_app
    from stockwise.tools.dataset.context import ToolContext

    ctx = ToolContext(dataset=demo_dataset, settings=settings)
    choice = choose_model(settings, ctx)
    with open_checkpointer(settings) as saver:
        graph = build_graph(ctx, choice, saver, extra_tools=report_tools(choice))  # as the app
        session = AgentSession(graph=graph, ctx=ctx, choice=choice)
        app_options.setdefault("warm_up", False)  # seconds per server; test_warm_up has it
        with running(create_app(settings, session, **app_options)) as url:
            yield Served(url, settings, session)


@pytest.fixture
def keyed_settings(tmp_path) -> Settings:
    path = tmp_path / "keys.json"
    entries = [{"user": u, "role": r, "key_sha256": hash_key(k)} for u, (k, r) in KEYS.items()]
    path.write_text(json.dumps(entries))
    # A full re-plan at each start costs seconds per server; tests/service/test_alerts.py has it.
    return Settings(api_keys_file=path, rate_limit_per_minute=1000, alerts_on_start=False)


@pytest.fixture
def served(demo_dataset, keyed_settings) -> Iterator[Served]:
    with serve_demo(demo_dataset, keyed_settings) as running_service:
        yield running_service

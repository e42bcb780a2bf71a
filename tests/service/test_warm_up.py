"""Warm start: the service is ready only once its tools are imported and representative
questions have run, and the warm-up leaves no trace in threads or the audit log."""

from __future__ import annotations

import gc
import sys

import httpx
import pytest

from .conftest import serve_demo

pytestmark = pytest.mark.slow  # imports every tool and asks five questions: ~30 s


def test_ready_means_warm_and_leaves_no_trace(demo_dataset, keyed_settings):
    try:
        with serve_demo(demo_dataset, keyed_settings, warm_up=True) as served:
            ready = httpx.get(f"{served.url}/readyz").json()
            assert ready["status"] == "ready"
            warm = ready["warm_up"]
            assert warm["questions"] == 5 and warm["modules"] >= 5
            # The heavy tool modules are in already: no request pays for their import.
            assert "stockwise.tools.forecast.agent_tools" in sys.modules
            assert served.session_audit() == []
            graph_threads = {
                c.config["configurable"]["thread_id"]
                for c in served.session.graph.checkpointer.list(None)
            }
            assert not [t for t in graph_threads if t.startswith("warm-up-")]
    finally:
        gc.unfreeze()  # the warm-up froze this test process's heap

"""Two real `stockwise serve` replicas over one PostgreSQL database (`STOCKWISE_STATE_URL`,
a fresh schema per run): a thread started on one continues on the other, and one
requisition approved on both at once is applied once and audit-logged once."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest
from pg_server import URL, needs_postgres  # tests/pg_server.py

from .conftest import free_port
from .replicas import STOCKWISE, Replicas, fresh_schema, run_replicas

pytestmark = [pytest.mark.postgres, pytest.mark.slow, needs_postgres]
DRAFT = "draft purchase requisitions for critical spare parts"


def test_two_replicas_share_threads_and_apply_an_approval_once(demo_dir, tmp_path):
    with (
        fresh_schema(URL) as state_url,
        run_replicas(demo_dir, state_url, tmp_path, [free_port(), free_port()]) as replicas,
    ):
        one, two = replicas.urls
        bo = Replicas.auth("bo")
        asked = httpx.post(f"{one}/api/chat", json={"message": DRAFT}, headers=bo, timeout=120)
        asked.raise_for_status()
        thread = asked.json()["thread_id"]
        (pending,) = asked.json()["pending_actions"]
        assert pending["action"] == "draft_purchase_requisitions"

        # The other replica knows the thread, its owner and the action waiting in it.
        seen = httpx.get(f"{two}/api/threads/{thread}", headers=bo, timeout=60).json()
        assert seen["messages"][0]["content"] == DRAFT
        assert seen["pending_actions"][0]["action"] == "draft_purchase_requisitions"
        other = httpx.get(f"{two}/api/threads/{thread}", headers=Replicas.auth("di"), timeout=60)
        assert other.status_code == 200  # an admin reads it; the owner is shared

        def approve(url: str) -> httpx.Response:
            return httpx.post(
                f"{url}/api/threads/{thread}/resume",
                json={"decision": "approve"},
                headers=bo,
                timeout=120,
            )

        with ThreadPoolExecutor(2) as both:
            answers = list(both.map(approve, [one, two]))
        codes = sorted(a.status_code for a in answers)
        assert codes == [200, 409], [a.text for a in answers]
        applied = next(a.json() for a in answers if a.status_code == 200)
        assert "approved by bo and written to `PostgreSQL" in applied["answer"]
        approved = int(applied["answer"].split(" purchase requisitions approved")[0])

        # The thread goes on, on the replica that did not apply the approval.
        loser = next(u for u, a in zip((one, two), answers, strict=True) if a.status_code == 409)
        more = httpx.post(
            f"{loser}/api/chat",
            json={"message": "how many hydraulic seal kits do we have", "thread_id": thread},
            headers=bo,
            timeout=120,
        )
        assert more.status_code == 200 and more.json()["answer"], more.text
        winner = one if loser == two else two
        history = httpx.get(f"{winner}/api/threads/{thread}", headers=bo, timeout=60).json()
        users = [m["content"] for m in history["messages"] if m["role"] == "user"]
        assert users == [DRAFT, "how many hydraulic seal kits do we have"]
        assert history["pending_actions"] == []

        with psycopg.connect(state_url) as conn:
            rows = conn.execute(
                "SELECT requisition_id, approved_by FROM stockwise_requisition"
            ).fetchall()
            kinds = [
                r[0]
                for r in conn.execute(
                    "SELECT line::json->>'kind' FROM stockwise_audit_entry ORDER BY seq"
                ).fetchall()
            ]
        assert len(rows) == approved > 0 and {r[1] for r in rows} == {"bo"}
        assert len({r[0] for r in rows}) == len(rows)
        assert kinds.count("approval") == 1 and kinds.count("decision_refused") == 1
        assert kinds.count("question") == 2 and kinds.count("tool_call") >= 2

        verify = subprocess.run(
            [str(STOCKWISE), "audit", "verify"],
            env={**replicas.env, "STOCKWISE_DATA_DIR": str(tmp_path / "auditor")},
            capture_output=True,
            text=True,
            check=False,
        )
        assert verify.returncode == 0, verify.stderr
        assert f"{len(kinds)} entries, chain and MACs intact" in verify.stdout

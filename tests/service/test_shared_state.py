"""The stores replicas share with `STOCKWISE_STATE_URL`, each against the real PostgreSQL
server in a fresh schema: two writers (as two replicas would be) racing on one audit chain,
one new thread id, one thread's turn, one set of requisitions."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from pg_server import URL, needs_postgres  # tests/pg_server.py

from stockwise.assistant.service.audit_postgres import AuditKeyMismatch, PostgresAuditLog
from stockwise.assistant.service.audit_verify import verify_settings
from stockwise.assistant.service.threads_postgres import PostgresThreadOwners
from stockwise.assistant.service.turn_lock import SharedThreadLocks
from stockwise.tools.core.approval import Approval
from stockwise.tools.core.settings import Settings
from stockwise.tools.replenish.requisitions import RequisitionLine
from stockwise.tools.replenish.requisitions_postgres import insert_requisitions

from .replicas import fresh_schema

pytestmark = [pytest.mark.postgres, needs_postgres]
KEY = b"k" * 32


@pytest.fixture
def state_url():
    with fresh_schema(URL) as url:
        yield url


def test_two_writers_keep_one_chain_that_verifies(state_url, tmp_path):
    # Two instances stand for two replicas: each has its own pool-side lock only.
    one, two = PostgresAuditLog(state_url, KEY), PostgresAuditLog(state_url, KEY)

    def write(log: PostgresAuditLog, n: int) -> None:
        log.append("question", "ana", "api", text=f"question {n}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, [one, two] * 40, range(80)))
    entries = one.entries()
    assert [e["seq"] for e in entries] == list(range(1, 81))
    assert sorted(e["data"]["text"] for e in entries) == sorted(f"question {n}" for n in range(80))
    settings = Settings(data_dir=tmp_path / "d", state_url=state_url, audit_key="k" * 32)
    verdict = verify_settings(settings)
    assert verdict.ok and verdict.entries == 80 and verdict.head.count == 80
    with pytest.raises(AuditKeyMismatch, match="same STOCKWISE_AUDIT_KEY"):
        PostgresAuditLog(state_url, b"x" * 32).open()


def test_a_forged_entry_in_the_table_is_found(state_url, tmp_path):
    import psycopg

    log = PostgresAuditLog(state_url, KEY)
    for n in range(3):
        log.append("answer", "bo", "api", text=f"answer {n}")
    with psycopg.connect(state_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE stockwise_audit_entry SET line = replace(line, 'answer 1', 'answer 9') "
            "WHERE seq = 2"
        )
    settings = Settings(data_dir=tmp_path / "d", state_url=state_url, audit_key="k" * 32)
    (problem,) = verify_settings(settings).problems
    assert problem.line == 2 and "MAC does not match" in problem.why


def test_of_two_users_racing_for_a_new_thread_one_owns_it(state_url):
    first, second = PostgresThreadOwners(state_url), PostgresThreadOwners(state_url)
    with ThreadPoolExecutor(2) as pool:
        won = list(
            pool.map(lambda p: p[0].claim("t-1", p[1], "api"), [(first, "ana"), (second, "bo")])
        )
    assert sorted(won) == [False, True]
    owner = "ana" if won[0] else "bo"
    assert PostgresThreadOwners(state_url).owner("t-1") == owner


def test_a_thread_runs_one_turn_at_a_time_across_replicas(state_url):
    one, two = SharedThreadLocks(state_url), SharedThreadLocks(state_url)
    inside, most = [0], [0]
    guard = threading.Lock()

    def turn(locks: SharedThreadLocks) -> None:
        with locks.hold("thread-x"):
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.05)
            with guard:
                inside[0] -= 1

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(turn, [one, two] * 5))
    assert most[0] == 1


def test_requisitions_approved_twice_land_once(state_url):
    lines = [
        RequisitionLine(
            requisition_id=f"PR-{n}", item_id="1002", site_id="S1", qty=4, unit_cost=2.5,
            value=10.0, need_by="2025-10-10", reason="below reorder point",
        )
        for n in range(3)
    ]  # fmt: skip
    approval = Approval(by="bo", role="manager")
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: insert_requisitions(state_url, lines, approval), [1, 2]))
    written = sorted(r[0] for r in results)
    assert written == [[], ["PR-0", "PR-1", "PR-2"]]
    assert sorted(r[1] for r in results) == [[], ["PR-0", "PR-1", "PR-2"]]


def test_a_report_reads_the_shared_head(state_url, tmp_path):
    from stockwise.assistant.service.audit_head import describe_head

    PostgresAuditLog(state_url, KEY).append("question", "ana", "api", text="on hand?")
    settings = Settings(data_dir=tmp_path / "d", state_url=state_url)
    assert describe_head(settings).startswith("Audit log: 1 entries, last MAC")


def test_connections_cut_by_the_server_are_replaced_on_the_next_use(state_url):
    import psycopg

    from stockwise.tools.core.pg import APPLICATION

    owners = PostgresThreadOwners(state_url)
    assert owners.claim("t-cut", "ana", "api")
    with psycopg.connect(URL, autocommit=True) as admin:  # this process's pooled ones only
        cut = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s",
            (APPLICATION,),
        ).fetchone()[0]
    assert cut >= 1
    fresh = PostgresThreadOwners(state_url)  # a new cache: this read goes to the database
    assert fresh.owner("t-cut") == "ana"

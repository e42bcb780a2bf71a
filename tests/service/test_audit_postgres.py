"""The audit log's head checkpointed in PostgreSQL (the real server on 127.0.0.1:5432):
a cut end is found from there, and nothing of it lands in the data directory."""

from __future__ import annotations

import uuid

import pytest
from pg_server import URL, needs_postgres  # tests/pg_server.py

from stockwise.assistant.service.audit import open_audit_log
from stockwise.assistant.service.audit_verify import verify_settings
from stockwise.tools.core.settings import Settings

pytestmark = [pytest.mark.postgres, needs_postgres]


def test_the_head_lives_in_postgres_and_finds_a_cut_end(tmp_path):
    settings = Settings(data_dir=tmp_path / f"data-{uuid.uuid4().hex}", audit_checkpoint_url=URL)
    log = open_audit_log(settings)
    for n in range(4):
        log.append("question", "ana", "api", text=f"question {n}")
    log.close()
    verdict = verify_settings(settings)
    assert verdict.ok and verdict.head.count == 4 and "PostgreSQL" in verdict.head_where
    assert not settings.service_db_path.exists()
    lines = settings.audit_path.read_text().splitlines(keepends=True)
    settings.audit_path.write_text("".join(lines[:-1]))
    (problem,) = verify_settings(settings).problems
    assert "1 cut from the end" in problem.why

"""The audit log's head checkpointed in PostgreSQL (the real server on 127.0.0.1:5432):
a cut end is found from there, and nothing of it lands in the data directory."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from stockwise.assistant.service.audit import open_audit_log
from stockwise.assistant.service.audit_verify import verify_settings
from stockwise.tools.core.settings import Settings

URL = "postgresql://postgres@127.0.0.1:5432/test"


def _reachable() -> bool:
    try:
        with psycopg.connect(URL, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not _reachable(), reason=f"no PostgreSQL server answers at {URL}"),
]


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

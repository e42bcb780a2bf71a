"""The audit log's hash chain: any edited, removed or reordered entry is found."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.assistant.service.audit import AuditLog
from stockwise.tools.core.settings import get_settings


def filled(path, n: int = 5) -> AuditLog:
    log = AuditLog(path)
    for i in range(n):
        log.append("question", f"user{i}", "api", thread_id="t1", text=f"question {i}")
    return log


def rewrite(path, change) -> None:
    lines = path.read_text().splitlines()
    path.write_text("\n".join(change(lines)) + "\n")


def test_an_intact_log_verifies(tmp_path):
    log = filled(tmp_path / "audit.jsonl")
    assert log.verify() == []
    # A new writer continues the same chain.
    AuditLog(log.path).append("answer", "user0", "api", text="ok")
    assert log.verify() == [] and len(log.entries()) == 6


def test_an_edited_entry_is_found(tmp_path):
    log = filled(tmp_path / "audit.jsonl")

    def edit(lines):
        entry = json.loads(lines[2])
        entry["data"]["text"] = "something else"
        lines[2] = json.dumps(entry, sort_keys=True)
        return lines

    rewrite(log.path, edit)
    problems = log.verify()
    assert [(p.line, "edited" in p.why) for p in problems] == [(3, True)]


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(tmp_path):
    from stockwise.assistant.service.audit import _entry_hash

    log = filled(tmp_path / "audit.jsonl")

    def forge(lines):
        entry = json.loads(lines[1])
        entry["user"] = "someone"
        entry["hash"] = _entry_hash(entry)
        lines[1] = json.dumps(entry, sort_keys=True)
        return lines

    rewrite(log.path, forge)
    assert [p.line for p in log.verify()] == [3]


def test_a_removed_entry_is_found(tmp_path):
    log = filled(tmp_path / "audit.jsonl")
    rewrite(log.path, lambda lines: lines[:2] + lines[3:])
    lines_with_problems = {p.line for p in log.verify()}
    assert lines_with_problems == {3}


def test_reordered_entries_are_found(tmp_path):
    log = filled(tmp_path / "audit.jsonl")
    rewrite(log.path, lambda lines: [lines[0], lines[2], lines[1], *lines[3:]])
    assert {p.line for p in log.verify()} == {2, 3, 4}


def test_cli_verify_and_export(tmp_path):
    log = filled(get_settings().audit_path)
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "5 entries, chain intact" in ok.output
    now = datetime.now(UTC)
    start = (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S")
    out = runner.invoke(app, ["audit", "export", "--from", start])
    assert [json.loads(line)["seq"] for line in out.output.splitlines()] == [1, 2, 3, 4, 5]
    none = runner.invoke(app, ["audit", "export", "--to", start])
    assert none.output == ""
    rewrite(log.path, lambda lines: lines[:-2] + lines[-1:])
    bad = runner.invoke(app, ["audit", "verify"])
    assert bad.exit_code == 1 and ":4: does not follow" in bad.output


def test_appends_continue_the_chain_of_a_long_log_from_its_last_line(tmp_path):
    path = tmp_path / "audit.jsonl"
    first = AuditLog(path)
    for n in range(300):  # longer than the first block read from the end
        first.append("question", f"user{n}", "api", text="x" * 40)
    first.close()
    again = AuditLog(path)  # a restart
    entry = again.append("answer", "user0", "api", text="ok")
    again.close()
    assert entry["seq"] == 301
    assert again.verify() == []

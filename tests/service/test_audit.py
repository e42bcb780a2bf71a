"""The audit log: MAC'd entries chained to each other, the head checkpointed apart, and a
verify that names every kind of damage by line without ever stopping on a malformed one."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.assistant.service.audit import AuditLog, entry_mac, open_audit_log
from stockwise.assistant.service.audit_head import describe_head
from stockwise.assistant.service.audit_key import AuditKeyError, load_key
from stockwise.assistant.service.audit_verify import verify_settings
from stockwise.tools.core.settings import Settings, get_settings


def filled(settings: Settings, n: int = 5) -> AuditLog:
    log = open_audit_log(settings)
    for i in range(n):
        log.append("question", f"user{i}", "api", thread_id="t1", text=f"question {i}")
    log.close()
    return log


def rewrite(path, change) -> None:
    lines = path.read_text().splitlines()
    path.write_text("".join(line + "\n" for line in change(lines)))


def problems(settings: Settings) -> list[tuple[int, str]]:
    return [(p.line, p.why) for p in verify_settings(settings).problems]


@pytest.fixture
def settings() -> Settings:
    return get_settings()


def test_an_intact_log_verifies_and_a_restart_continues_its_chain(settings):
    filled(settings)
    assert problems(settings) == []
    again = open_audit_log(settings)  # a restart
    entry = again.append("answer", "user0", "api", text="ok")
    again.close()
    assert entry["seq"] == 6 and again.findings == []
    verdict = verify_settings(settings)
    assert verdict.ok and verdict.entries == 6 and verdict.head.count == 6


def test_the_key_is_made_once_outside_the_audit_folder_with_mode_0600(settings):
    filled(settings, 1)
    path = settings.audit_key_path
    assert path.exists() and settings.audit_path.parent not in path.parents
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(settings)[0] == path.read_text().strip().encode()
    inside = settings.model_copy(update={"audit_key_file": settings.audit_path.parent / "k"})
    with pytest.raises(AuditKeyError, match="inside the audit log's folder"):
        load_key(inside, create=True)
    with pytest.raises(AuditKeyError, match="no audit MAC key"):
        load_key(settings.model_copy(update={"audit_key_file": path.with_name("none")}))


def test_an_edit_is_found_at_its_line(settings):
    filled(settings)

    def edit(lines):
        entry = json.loads(lines[2])
        entry["data"]["text"] = "something else"
        lines[2] = json.dumps(entry)
        return lines

    rewrite(settings.audit_path, edit)
    assert problems(settings) == [(3, "its MAC does not match its content (edited or forged)")]


def test_a_forgery_with_a_recomputed_sha256_or_another_key_fails_its_mac(settings):
    filled(settings)
    log = settings.audit_path

    def forge_chain(lines):  # rewrite entry 2 and every link after it, without the key
        prev = json.loads(lines[0])["mac"]
        out = lines[:1]
        for line in lines[1:]:
            entry = json.loads(line)
            entry["user"], entry["prev"] = "someone", prev
            entry["mac"] = prev = entry_mac(b"guessed-key-" * 3, entry)
            out.append(json.dumps(entry))
        return out

    rewrite(log, forge_chain)
    found = problems(settings)
    assert [line for line, why in found if "MAC does not match" in why] == [2, 3, 4, 5]
    assert (5, found[-1][1]) == found[-1] and "the log was rewritten" in found[-1][1]


def test_lines_that_are_not_entries_are_reported_not_raised(settings):
    filled(settings, 6)
    rewrite(
        settings.audit_path,
        lambda lines: [lines[0], "[]", "5", "{not json", json.dumps({"seq": 5}), *lines[5:]],
    )
    found = problems(settings)
    assert found[:4] == [
        (2, "not an audit entry (a JSON list, not an object)"),
        (3, "not an audit entry (a JSON int, not an object)"),
        (4, "not JSON"),
        (5, "not an audit entry: lacks time, kind, user, channel, data, key, prev, mac"),
    ]
    assert verify_settings(settings).first_bad.line == 2


def test_a_cut_end_or_an_emptied_or_deleted_log_is_found_by_the_checkpoint(settings):
    filled(settings)
    rewrite(settings.audit_path, lambda lines: lines[:-2])
    ((line, why),) = problems(settings)
    assert line == 0 and "ends at entry 3" in why and "2 cut from the end" in why
    settings.audit_path.write_text("")
    assert "the log is empty" in problems(settings)[0][1]
    settings.audit_path.unlink()
    assert "the log is missing" in problems(settings)[0][1]


def test_a_restart_after_a_cut_keeps_the_gap_visible(settings):
    filled(settings)
    rewrite(settings.audit_path, lambda lines: lines[:-2])
    log = open_audit_log(settings)
    assert "2 entries are missing" in log.findings[0]
    entry = log.append("question", "x", "api", text="after the cut")
    log.close()
    assert entry["seq"] == 7  # 6 is the finding itself, after the checkpoint's 5
    assert 4 in [line for line, _ in problems(settings)]  # the first line after the cut


def test_a_torn_last_line_is_set_aside_and_the_log_goes_on(settings):
    filled(settings)
    with settings.audit_path.open("a") as out:
        out.write('{"seq": 6, "time": "2026-')  # the process died mid-write
    assert problems(settings)[-1][0] == 6 and "unfinished" in problems(settings)[-1][1]
    log = open_audit_log(settings)
    (side,) = settings.audit_path.parent.glob("audit.jsonl.torn-*")
    assert side.read_text() == '{"seq": 6, "time": "2026-' and str(side) in log.findings[0]
    log.append("question", "x", "api", text="after the crash")
    log.close()
    verdict = verify_settings(settings)
    assert verdict.ok, verdict.problems
    assert any("set aside" in n for n in verdict.notices)
    assert [e["kind"] for e in log.entries()][-2:] == ["integrity", "question"]


def test_a_swapped_key_is_named(settings):
    filled(settings)
    settings.audit_key_path.write_text("b" * 64)
    found = problems(settings)
    assert found[0][0] == 0 and "key was swapped" in found[0][1]
    assert {line for line, _ in found[1:]} == {1, 2, 3, 4, 5}


def test_a_lost_checkpoint_fails_verify_and_is_recorded_at_the_next_start(settings):
    filled(settings)
    os.remove(settings.service_db_path)
    assert "no checkpoint" in problems(settings)[0][1]
    log = open_audit_log(settings)
    log.close()
    assert "no checkpoint" in log.findings[0] and problems(settings) == []
    assert log.entries()[-1]["kind"] == "integrity"


def test_the_head_is_described_for_reports(settings):
    assert describe_head(settings) is None
    filled(settings, 3)
    text = describe_head(settings)
    assert text.startswith("Audit log: 3 entries, last MAC ") and "service.sqlite" in text


def test_strings_are_cleaned_so_every_entry_encodes_as_utf8(settings):
    log = open_audit_log(settings)
    entry = log.append("question", "u\udfff", "api", text="a\udfffb\x00c", n=float("inf"))
    log.close()
    assert entry["user"] == "u\ufffd" and entry["data"] == {"text": "a\ufffdbc", "n": "inf"}
    json.dumps(log.export(None, None), ensure_ascii=False).encode("utf-8")
    assert problems(settings) == []


def test_cli_verify_and_export(settings):
    log = filled(settings)
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "5 entries, chain and MACs intact" in ok.output
    now = datetime.now(UTC)
    start = (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S")
    out = runner.invoke(app, ["audit", "export", "--from", start])
    assert [json.loads(line)["seq"] for line in out.output.splitlines()] == [1, 2, 3, 4, 5]
    assert runner.invoke(app, ["audit", "export", "--to", start]).output == ""
    rewrite(log.path, lambda lines: lines[:-2] + lines[-1:])
    bad = runner.invoke(app, ["audit", "verify"])
    assert bad.exit_code == 1 and ":4: does not follow" in bad.output
    assert "first bad: line 4" in bad.output


def test_cli_verify_without_the_key_says_so(settings):
    filled(settings)
    settings.audit_key_path.unlink()
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "no audit MAC key" in result.output


def test_appends_continue_the_chain_of_a_long_log_from_its_last_line(settings):
    first = open_audit_log(settings)
    for n in range(300):  # longer than the first block read from the end
        first.append("question", f"user{n}", "api", text="x" * 40)
    first.close()
    again = open_audit_log(settings)
    entry = again.append("answer", "user0", "api", text="ok")
    again.close()
    assert entry["seq"] == 301 and again.findings == []
    assert problems(settings) == []


def test_the_old_sha256_forgery_is_not_accepted(settings):
    """The issue's forgery: an entry edited and its SHA-256 recomputed, as the unkeyed log
    of before would have accepted."""
    filled(settings)

    def forge(lines):
        entry = json.loads(lines[1])
        entry["data"]["text"] = "never asked"
        body = {k: v for k, v in entry.items() if k != "mac"}
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
        entry["mac"] = hashlib.sha256(canonical.encode()).hexdigest()
        lines[1] = json.dumps(entry)
        return lines

    rewrite(settings.audit_path, forge)
    assert [line for line, _ in problems(settings)] == [2, 3]


def test_the_service_serves_on_after_a_torn_line_and_says_so(demo_dataset, keyed_settings):
    import httpx

    from .conftest import serve_demo

    filled(keyed_settings, 2)
    with keyed_settings.audit_path.open("a") as out:
        out.write('{"seq": 3, "kind": "quest')
    with serve_demo(demo_dataset, keyed_settings) as served:
        assert httpx.get(f"{served.url}/readyz").status_code == 200
        reply = httpx.post(
            f"{served.url}/api/chat",
            json={"message": "what is below reorder point?"},
            headers=served.auth("ana"),
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        kinds = [e["kind"] for e in served.session_audit()]
    assert kinds == ["question", "question", "integrity", "question", "tool_call", "answer"]
    verdict = verify_settings(keyed_settings)
    assert verdict.ok and verdict.head.count == 6 and verdict.notices

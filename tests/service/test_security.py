"""The security suite of issue 18, as an attacker would try it (all on 127.0.0.1): every way
of tampering with the audit log is found by `stockwise audit verify` (exit 1, never a
traceback), and every oversized or malformed request to every route gets a 4xx, never a
500 and never a turn. Run with `-s` to see the figures."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import time
from collections import Counter
from collections.abc import Callable

import httpx
import jwt
import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.assistant.service.audit import entry_mac, open_audit_log
from stockwise.assistant.service.limits import MAX_BODY_BYTES, MAX_MESSAGE_CHARS
from stockwise.tools.core.settings import get_settings

from .conftest import serve_demo
from .test_slack import SECRET, signed
from .test_teams import APP_ID, ISSUER, TestConnections, new_key, token

pytestmark = pytest.mark.slow

# --- the audit log ----------------------------------------------------------------------


def _lines(path) -> list[str]:
    return path.read_text().splitlines()


def _write(path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines))


def _forge_chain(lines: list[str], start: int, key: bytes, key_field: str | None = None):
    """Edit entry `start` and re-link everything after it with `key` (not the log's)."""
    prev = json.loads(lines[start - 1])["mac"] if start else "0" * 64
    out = lines[:start]
    for n, line in enumerate(lines[start:]):
        entry = json.loads(line)
        if n == 0:
            entry["data"]["text"] = "a question never asked"
        if key_field:
            entry["key"] = key_field
        entry["prev"] = prev
        entry["mac"] = prev = entry_mac(key, entry)
        out.append(json.dumps(entry, sort_keys=True))
    return out


def _sha256_forgery(lines: list[str]) -> list[str]:
    entry = json.loads(lines[3])
    entry["user"] = "someone-else"
    body = {k: v for k, v in entry.items() if k != "mac"}
    entry["mac"] = hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    return [*lines[:3], json.dumps(entry, sort_keys=True), *lines[4:]]


def _appended_entry(lines: list[str]) -> list[str]:
    last = json.loads(lines[-1])
    forged = {**last, "seq": last["seq"] + 1, "prev": last["mac"], "kind": "approval"}
    forged["mac"] = entry_mac(b"not-the-key-but-long-enough-32chars!", forged)
    return [*lines, json.dumps(forged, sort_keys=True)]


def _swap_key(settings) -> None:
    settings.audit_key_path.write_text("f" * 64 + "\n")


def _edit(lines: list[str]) -> list[str]:
    entry = json.loads(lines[4])
    entry["data"]["text"] = "edited"
    return [*lines[:4], json.dumps(entry, sort_keys=True), *lines[5:]]


TAMPERING: dict[str, Callable] = {
    "deleted log": lambda path, s: path.unlink(),
    "emptied log": lambda path, s: path.write_text(""),
    "tail cut by 1 line": lambda path, s: _write(path, _lines(path)[:-1]),
    "tail cut by 4 lines": lambda path, s: _write(path, _lines(path)[:-4]),
    "a line edited": lambda path, s: _write(path, _edit(_lines(path))),
    "a line removed mid-file": lambda path, s: _write(path, _lines(path)[:3] + _lines(path)[4:]),
    "two lines swapped": lambda path, s: _write(
        path, [*_lines(path)[:2], _lines(path)[3], _lines(path)[2], *_lines(path)[4:]]
    ),
    "forgery: SHA-256 recomputed (the old scheme)": lambda path, s: _write(
        path, _sha256_forgery(_lines(path))
    ),
    "forgery: chain recomputed from line 3 with a guessed key": lambda path, s: _write(
        path, _forge_chain(_lines(path), 2, b"guessed-key-guessed-key-guessed-key")
    ),
    "forgery: whole log rebuilt under the forger's own key": lambda path, s: _write(
        path, _forge_chain(_lines(path), 0, b"x" * 64, key_field="0123456789abcdef")
    ),
    "forgery: an approval appended": lambda path, s: _write(path, _appended_entry(_lines(path))),
    "a line replaced by []": lambda path, s: _write(path, [*_lines(path)[:5], "[]"]),
    "a line replaced by 5": lambda path, s: _write(
        path, [*_lines(path)[:2], "5", *_lines(path)[3:]]
    ),
    "a line replaced by non-JSON": lambda path, s: _write(
        path, [*_lines(path)[:2], "{{{ not json", *_lines(path)[3:]]
    ),
    "a line with fields missing": lambda path, s: _write(
        path, [*_lines(path)[:2], '{"seq": 3, "kind": "question"}', *_lines(path)[3:]]
    ),
    "a line of invalid UTF-8": lambda path, s: path.write_bytes(
        path.read_bytes().replace(b'"question"', b'"qu\xff\xfetion"', 1)
    ),
    "a torn last line": lambda path, s: path.write_text(
        path.read_text() + '{"seq": 9, "time": "2026-'
    ),
    "the MAC key swapped": lambda path, s: _swap_key(s),
    "the checkpoint store deleted": lambda path, s: s.service_db_path.unlink(),
}


def test_every_tampering_is_found_and_verify_never_crashes(tmp_path_factory, monkeypatch):
    detected, crashed = [], []
    for name, tamper in TAMPERING.items():
        data = tmp_path_factory.mktemp("audit") / "data"
        monkeypatch.setenv("STOCKWISE_DATA_DIR", str(data))
        get_settings.cache_clear()
        settings = get_settings()
        log = open_audit_log(settings)
        for n in range(8):
            log.append("question", f"user{n}", "api", thread_id="t", text=f"question {n}")
        log.close()
        assert CliRunner().invoke(app, ["audit", "verify"]).exit_code == 0
        tamper(settings.audit_path, settings)
        result = CliRunner().invoke(app, ["audit", "verify"])
        if result.exit_code == 1 and "TAMPERED OR DAMAGED" in result.output:
            detected.append(name)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            crashed.append((name, repr(result.exception)))
    get_settings.cache_clear()
    print(f"\naudit tampering detected: {len(detected)} / {len(TAMPERING)}")
    assert crashed == []
    assert sorted(detected) == sorted(TAMPERING)


# --- oversized and malformed requests ----------------------------------------------------


@pytest.fixture(scope="module")
def exposed(demo_dataset, tmp_path_factory):
    """A server with keys, Slack and Teams on (the connector and JWKS faked locally)."""
    from stockwise.assistant.service.auth import hash_key
    from stockwise.tools.core.settings import Settings

    from .conftest import KEYS
    from .fake_slack import FakeSlack
    from .test_teams import FakeBotService

    root = tmp_path_factory.mktemp("attack")
    keys = root / "keys.json"
    keys.write_text(
        json.dumps(
            [{"user": u, "role": r, "key_sha256": hash_key(k)} for u, (k, r) in KEYS.items()]
        )
    )
    signing_key = new_key()
    bot_service, fake_slack = FakeBotService(signing_key[1]), FakeSlack()
    settings = Settings(
        data_dir=root / "data",
        api_keys_file=keys,
        rate_limit_per_minute=0,
        slack_signing_secret=SECRET,
        slack_bot_token="xoxb-test",
        slack_api_url=fake_slack.url,
        teams_app_id=APP_ID,
        teams_jwks_url=f"{bot_service.url}/keys",
    )
    with serve_demo(demo_dataset, settings, teams_connections=TestConnections()) as served:
        yield served, signing_key[0], bot_service
    bot_service.close()
    fake_slack.close()


def _json(value) -> bytes:
    return json.dumps(value).encode()


def _attacks(teams_key, service_url: str) -> list[tuple[str, str, str, bytes, dict]]:
    """(name, method, path, body, headers): what an attacker with a viewer's key (or none,
    for the chat channels) sends."""
    big = "x" * (MAX_BODY_BYTES + 1)
    long = "y" * (MAX_MESSAGE_CHARS + 1)
    user = lambda content: _json({"messages": [{"role": "user", "content": content}]})  # noqa: E731
    receipt = {
        "txn_id": "A-1",
        "ts": "2025-10-01T08:00:00",
        "item_id": "1002",
        "site_id": "S2",
        "qty": 5,
        "txn_type": "receipt",
    }
    now = int(time.time())
    no_exp = jwt.encode(
        {"aud": APP_ID, "iss": ISSUER, "nbf": now - 5},
        teams_key,
        algorithm="RS256",
        headers={"kid": "test-kid"},
    )
    teams_activity = {
        "type": "message",
        "id": "a1",
        "serviceUrl": service_url + "/",
        "text": "hi",
        "from": {"id": "29:u"},
        "conversation": {"id": "c1"},
    }
    slack_body = b'{"type": "event_callback", "event_id": "E1"}'
    return [
        ("/api/chat body over 1 MiB", "POST", "/api/chat", _json({"message": big}), {}),
        ("/api/chat question too long", "POST", "/api/chat", _json({"message": long}), {}),
        ("/api/chat not JSON", "POST", "/api/chat", b"{nope", {}),
        ("/api/chat JSON []", "POST", "/api/chat", b"[]", {}),
        ("/api/chat JSON 5", "POST", "/api/chat", b"5", {}),
        ("/api/chat message a number", "POST", "/api/chat", _json({"message": 5}), {}),
        ("/api/chat invalid UTF-8", "POST", "/api/chat", b'{"message": "\xff\xfe"}', {}),
        (
            "/api/chat bad thread id",
            "POST",
            "/api/chat",
            _json({"message": "hi", "thread_id": "../x"}),
            {},
        ),
        ("/v1 body over 1 MiB", "POST", "/v1/chat/completions", user(big), {}),
        ("/v1 question too long", "POST", "/v1/chat/completions", user(long), {}),
        (
            "/v1 100,000 content parts",
            "POST",
            "/v1/chat/completions",
            user([{"type": "text", "text": "a"}] * 100_000),
            {},
        ),
        (
            "/v1 33 content parts",
            "POST",
            "/v1/chat/completions",
            user([{"type": "text", "text": "a"}] * 33),
            {},
        ),
        (
            "/v1 201 messages",
            "POST",
            "/v1/chat/completions",
            _json({"messages": [{"role": "user", "content": "hi"}] * 201}),
            {},
        ),
        (
            "/v1 over 32k tokens",
            "POST",
            "/v1/chat/completions",
            _json(
                {"messages": [{"role": "assistant", "content": "z" * 3900}] * 40}
                | {"stream": False}
            ),
            {},
        ),
        (
            "/v1 lone surrogate in the role",
            "POST",
            "/v1/chat/completions",
            b'{"messages": [{"role": "\\udfff", "content": "hi"}]}',
            {},
        ),
        ("/v1 no messages", "POST", "/v1/chat/completions", _json({"messages": []}), {}),
        ("/v1 empty question", "POST", "/v1/chat/completions", user("   "), {}),
        (
            "/v1 X-Thread-Id with a slash",
            "POST",
            "/v1/chat/completions",
            user("hi"),
            {"X-Thread-Id": "a/b"},
        ),
        (
            "/v1 X-Thread-Id of 65 characters",
            "POST",
            "/v1/chat/completions",
            user("hi"),
            {"X-Thread-Id": "t" * 65},
        ),
        (
            "/api/events qty 1e308",
            "POST",
            "/api/events",
            _json({"events": [{**receipt, "qty": 1e308}]}),
            {},
        ),
        (
            "/api/events qty Infinity",
            "POST",
            "/api/events",
            _json({"events": [{**receipt, "qty": math.inf}]}),
            {},
        ),
        (
            "/api/events qty NaN",
            "POST",
            "/api/events",
            _json({"events": [{**receipt, "qty": math.nan}]}),
            {},
        ),
        (
            "/api/events year 9999",
            "POST",
            "/api/events",
            _json({"events": [{**receipt, "ts": "9999-12-31T23:59:59"}]}),
            {},
        ),
        (
            "/api/events year 0000",
            "POST",
            "/api/events",
            _json({"events": [{**receipt, "ts": "0000-01-01T00:00:00"}]}),
            {},
        ),
        (
            "/api/events 10,001 events",
            "POST",
            "/api/events",
            _json({"events": [receipt] * 10_001}),
            {},
        ),
        (
            "/api/reports/audit 9999-Q4",
            "POST",
            "/api/reports/audit",
            _json({"period": "9999-Q4", "format": "md"}),
            {},
        ),
        (
            "/api/reports/audit 0000-Q1",
            "POST",
            "/api/reports/audit",
            _json({"period": "0000-Q1", "format": "md"}),
            {},
        ),
        ("/api/threads path of 300 characters", "GET", "/api/threads/" + "t" * 300, b"", {}),
        ("/api/audit from year 99999", "GET", "/api/audit?from=99999-01-01", b"", {}),
        ("/slack unsigned non-JSON", "POST", "/slack/events", b"{{{", {"_anonymous": "1"}),
        (
            "/slack non-numeric timestamp",
            "POST",
            "/slack/events",
            slack_body,
            {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00", "_anonymous": "1"},
        ),
        (
            "/slack stale signed request",
            "POST",
            "/slack/events",
            slack_body,
            {**signed(slack_body.decode(), timestamp=now - 600), "_anonymous": "1"},
        ),
        (
            "/slack body over 1 MiB",
            "POST",
            "/slack/events",
            big.encode(),
            {**signed(big), "_anonymous": "1"},
        ),
        (
            "/teams token without exp",
            "POST",
            "/api/messages",
            _json(teams_activity),
            {"Authorization": f"Bearer {no_exp}", "_anonymous": "1"},
        ),
        (
            "/teams no token",
            "POST",
            "/api/messages",
            _json(teams_activity),
            {"_anonymous": "1"},
        ),
        (
            "/teams body [] with a good token",
            "POST",
            "/api/messages",
            b"[]",
            {"Authorization": f"Bearer {token(teams_key)}", "_anonymous": "1"},
        ),
        (
            "/teams body over 1 MiB",
            "POST",
            "/api/messages",
            big.encode(),
            {"Authorization": f"Bearer {token(teams_key)}", "_anonymous": "1"},
        ),
    ]


def test_oversized_and_malformed_requests_are_all_4xx(exposed):
    served, teams_key, bot_service = exposed
    viewer = served.auth("ana")
    statuses: Counter[int] = Counter()
    wrong = []
    with httpx.Client(base_url=served.url, timeout=60) as client:
        attacks = _attacks(teams_key, bot_service.url)
        for name, method, path, body, headers in attacks:
            anonymous = headers.pop("_anonymous", None)
            sent = {"Content-Type": "application/json", **({} if anonymous else viewer), **headers}
            if path.startswith("/api/events") or path.startswith("/api/reports"):
                sent.update(served.auth("di"))  # allowed to post: the checks are the point
            reply = client.request(method, path, content=body, headers=sent)
            statuses[reply.status_code] += 1
            if not 400 <= reply.status_code < 500:
                wrong.append((name, reply.status_code, reply.text[:200]))
    answered = sum(n for code, n in statuses.items() if 400 <= code < 500)
    print(f"\noversized / malformed requests answered 4xx: {answered} / {len(attacks)}")
    print(f"  by status: {dict(sorted(statuses.items()))}")
    assert wrong == []
    assert not [e for e in served.session_audit() if e["kind"] == "question"]
    assert bot_service.posted == []


def test_a_replayed_slash_command_and_slack_retry_run_once(exposed):
    served, _, _ = exposed
    body = "command=%2Fstockwise&text=what+is+below+reorder+point%3F&user_id=U1&channel_id=C1"
    body += "&team_id=T1&trigger_id=replay-1"
    headers = {**signed(body), "Content-Type": "application/x-www-form-urlencoded"}
    for _ in range(3):
        reply = httpx.post(f"{served.url}/slack/events", content=body, headers=headers)
        assert reply.status_code == 200
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        asked = [e for e in served.session_audit() if e["channel"] == "slack"]
        if any(e["kind"] == "answer" for e in asked):
            break
        time.sleep(0.1)
    time.sleep(0.5)
    questions = [e for e in served.session_audit() if e["kind"] == "question"]
    assert [q["channel"] for q in questions] == ["slack"]


def test_slack_signature_is_hmac_of_the_raw_bytes():
    from stockwise.assistant.service.slack import signature_problem

    body, now = b"payload=%7B%7D", time.time()
    stamp = str(int(now))
    good = "v0=" + hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + body, "sha256").hexdigest()
    headers = {"x-slack-request-timestamp": stamp, "x-slack-signature": good}
    assert signature_problem(SECRET, headers, body, now) is None
    assert signature_problem(SECRET, headers, body + b" ", now) is not None
    assert "more than 5 minutes" in signature_problem(SECRET, headers, body, now + 301)

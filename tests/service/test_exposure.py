"""Closed by default: without keys the service is for this machine only and nobody may
approve; another address needs keys or an explicit, noisy `--insecure-open`."""

from __future__ import annotations

import logging

import httpx
import pytest
from typer.testing import CliRunner

from stockwise.assistant.cli.main import app
from stockwise.assistant.service.exposure import ExposureRefused, exposure_notice, is_loopback
from stockwise.tools.core.settings import Settings

from .conftest import serve_demo


@pytest.fixture
def started(monkeypatch) -> list[dict]:
    """`uvicorn.run` recorded instead of run (and no app built: nothing loads)."""
    import uvicorn

    from stockwise.assistant.service import app as service_app

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    monkeypatch.setattr(
        service_app, "create_app", lambda settings, **kw: calls.append(kw) or object()
    )
    return calls


def test_without_keys_serve_refuses_any_address_but_loopback(started):
    refused = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "Refusing to listen on 0.0.0.0" in refused.output
    assert started == []
    local = CliRunner().invoke(app, ["serve"])
    assert local.exit_code == 0 and "anonymous viewers" in local.output
    assert started == [
        {"insecure_open": False},
        {"host": "127.0.0.1", "port": 8000, "log_level": "info"},
    ]


def test_insecure_open_starts_with_a_warning(started):
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--insecure-open"])
    assert result.exit_code == 0 and "INSECURE" in result.output
    assert started[0] == {"insecure_open": True}


def test_with_keys_any_address_may_be_used(started, keyed_settings, monkeypatch):
    monkeypatch.setenv("STOCKWISE_API_KEYS_FILE", str(keyed_settings.api_keys_file))
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0 and started[1]["host"] == "0.0.0.0"


def test_loopback_addresses():
    assert all(map(is_loopback, ["127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.5", "plant.example"]))
    with pytest.raises(ExposureRefused):
        exposure_notice("::", has_keys=False, insecure_open=False)


def test_anonymous_callers_are_viewers(demo_dataset, tmp_path):
    with serve_demo(demo_dataset, Settings(data_dir=tmp_path / "data")) as served:
        asked = httpx.post(
            f"{served.url}/api/chat",
            json={"message": "draft purchase requisitions for critical spare parts"},
            timeout=60,
        ).json()
        assert asked["pending_actions"]
        resume = f"{served.url}/api/threads/{asked['thread_id']}/resume"
        denied = httpx.post(resume, json={"decision": "approve"}, timeout=60)
        assert denied.status_code == 403 and "viewer" in denied.json()["detail"]
        assert httpx.get(f"{served.url}/api/audit").status_code == 403
        assert served.session.pending(asked["thread_id"])  # still waiting, not run


def test_insecure_open_logs_a_warning_on_every_request(demo_dataset, tmp_path, caplog):
    settings = Settings(data_dir=tmp_path / "data")
    with (
        caplog.at_level(logging.WARNING, logger="stockwise.service"),
        serve_demo(demo_dataset, settings, insecure_open=True) as served,
    ):
        for path in ("/healthz", "/v1/models", "/"):
            httpx.get(served.url + path)
    warned = [r.getMessage() for r in caplog.records if "insecure open access" in r.message]
    assert [m.split(" from ")[0].split()[-1] for m in warned] == ["/healthz", "/v1/models", "/"]

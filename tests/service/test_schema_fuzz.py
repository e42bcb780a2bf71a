"""Schemathesis over the service's OpenAPI schema, against a real server: no generated
input may get a 500 (bad input is a 4xx with a message), as an admin (every route runs)
or as a viewer (the refusals run)."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(demo_dataset, tmp_path_factory):
    import json

    from stockwise.assistant.service.auth import hash_key
    from stockwise.tools.core.settings import Settings

    from .conftest import KEYS, serve_demo

    root = tmp_path_factory.mktemp("fuzz")
    keys = root / "keys.json"
    keys.write_text(
        json.dumps(
            [
                {"user": user, "role": KEYS[user][1], "key_sha256": hash_key(KEYS[user][0])}
                for user in ("di", "ana")
            ]
        )
    )
    settings = Settings(data_dir=root / "data", api_keys_file=keys, rate_limit_per_minute=0)
    with serve_demo(demo_dataset, settings) as served:
        yield served


@pytest.mark.parametrize("key", ["key-di-admin", "key-ana-viewer"])
def test_no_server_error_on_any_generated_input(live, key):
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    auth = {"Authorization": f"Bearer {key}"}
    tested, calls = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label == "POST /api/alerts/subscriptions":
            # Generated webhook URLs would make the service call arbitrary hosts; its bad
            # input is tested in test_alert_delivery.py instead.
            continue
        tested.append(operation.label)

        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def no_500(case):
            response = case.call(base_url=live.url, headers=auth)
            calls.append(response.status_code)
            assert response.status_code < 500, (case.method, case.path, response.text[:300])

        no_500()
    print(f"\nschemathesis as {key}: {len(tested)} operations, {len(calls)} calls, 0 failures")
    assert "POST /api/chat" in tested and "POST /v1/chat/completions" in tested
    assert "POST /api/events" in tested
    assert len(calls) >= 3 * len(tested)  # hypothesis really generated inputs

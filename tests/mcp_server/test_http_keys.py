"""The key check in front of the HTTP endpoint: the service's keys file and roles, either
header the service takes, its rate limit, and anonymous viewers without a keys file."""

from __future__ import annotations

import anyio
import httpx

from stockwise.assistant.mcp.identity import PRINCIPAL, ApiKeys
from stockwise.assistant.service.auth import KeyStore, RateLimiter, add_key


async def whoami(scope, receive, send):
    """What the MCP handlers read: the principal the check put in the scope."""
    who = scope[PRINCIPAL]
    body = f"{who.user}:{who.role}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def post(app, headers=None) -> httpx.Response:
    async def main():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.post("/mcp", json={}, headers=headers or {})

    return anyio.run(main)


def test_keys_roles_and_refusals(tmp_path):
    path = tmp_path / "keys.json"
    manager = add_key(path, "ana", "manager")
    viewer = add_key(path, "vic", "viewer")
    app = ApiKeys(whoami, KeyStore.load(path), RateLimiter(120))
    assert post(app, {"Authorization": f"Bearer {manager}"}).text == "ana:manager"
    assert post(app, {"X-API-Key": viewer}).text == "vic:viewer"
    missing = post(app)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert "An API key is needed" in missing.json()["error"]
    assert post(app, {"Authorization": "Bearer sw-guess"}).json() == {"error": "unknown API key"}


def test_the_rate_limit_is_per_key(tmp_path):
    path = tmp_path / "keys.json"
    key = add_key(path, "ana", "manager")
    app = ApiKeys(whoami, KeyStore.load(path), RateLimiter(1))
    assert post(app, {"Authorization": f"Bearer {key}"}).status_code == 200
    limited = post(app, {"Authorization": f"Bearer {key}"})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "Rate limit of 1 requests a minute reached." in limited.json()["error"]


def test_without_a_keys_file_callers_are_anonymous_viewers():
    assert post(ApiKeys(whoami, None, RateLimiter(120))).text == "anonymous:viewer"

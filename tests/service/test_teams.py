"""Teams: activities with JWTs signed by a test key the app trusts (JWKS on 127.0.0.1);
replies go through the Agents SDK to a fake connector that records them."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from microsoft_agents.hosting.core.authorization.anonymous_token_provider import (
    AnonymousTokenProvider,
)

from .conftest import bought_critical_item, issue_all, serve_demo

APP_ID = "00000000-0000-0000-0000-00000000b0a7"
ISSUER = "https://api.botframework.com"
QUESTION = "what is below reorder point?"


class FixedToken(AnonymousTokenProvider):
    async def get_access_token(self, *args, **kwargs) -> str:
        return "outgoing-test-token"


class TestConnections:
    """Gives the SDK a fixed token for its replies, instead of asking Entra ID (MSAL)."""

    def get_connection(self, name):
        return FixedToken()

    def get_default_connection(self):
        return FixedToken()

    def get_token_provider(self, claims_identity, service_url):
        return FixedToken()

    def get_default_connection_configuration(self):
        return FixedToken().configuration


class FakeBotService:
    """JWKS at /keys and a connector that records every posted activity."""

    def __init__(self, public_jwk: dict):
        self.posted: list[tuple[str, dict, str]] = []
        posted = self.posted

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, body: dict, status: int = 200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._reply({"keys": [public_jwk]})

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                posted.append((self.path, json.loads(raw), self.headers.get("authorization", "")))
                self._reply({"id": "reply-1"})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def new_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return key, {**jwk, "kid": "test-kid", "use": "sig", "alg": "RS256"}


@pytest.fixture(scope="module")
def signing_key():
    return new_key()


@pytest.fixture
def teams(demo_dataset, keyed_settings, signing_key):
    bot_service = FakeBotService(signing_key[1])
    settings = keyed_settings.model_copy(
        update={
            "teams_app_id": APP_ID,
            "teams_jwks_url": f"{bot_service.url}/keys",
            "teams_roles": {"aad-manager": "manager"},
        }
    )
    with serve_demo(demo_dataset, settings, teams_connections=TestConnections()) as served:
        yield served, bot_service
    bot_service.close()


def token(key, audience: str = APP_ID, **claims) -> str:
    now = int(time.time())
    body = {"aud": audience, "iss": ISSUER, "nbf": now - 5, "exp": now + 600, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": "test-kid"})


def activity(service_url: str, text: str, **extra) -> dict:
    return {
        "type": "message",
        "id": "act-1",
        "channelId": "msteams",
        "serviceUrl": service_url + "/",
        "text": f"<at>Stockwise</at> {text}",
        "from": {"id": "29:user", "aadObjectId": "aad-viewer"},
        "recipient": {"id": f"28:{APP_ID}"},
        "conversation": {"id": "conv-1"},
        **extra,
    }


def send(served, body: dict, bearer: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return httpx.post(f"{served.url}/api/messages", json=body, headers=headers, timeout=60)


def card_of(reply: dict) -> dict:
    attachment = reply["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return attachment["content"]


def test_a_signed_message_is_answered_through_the_connector(teams, signing_key):
    served, bot_service = teams
    reply = send(served, activity(bot_service.url, QUESTION), token(signing_key[0]))
    assert reply.status_code == 202, reply.text
    messages = [p for p in bot_service.posted if p[1]["type"] == "message"]
    assert len(messages) == 1
    path, posted, auth = messages[0]
    assert path == "/v3/conversations/conv-1/activities/act-1"
    assert auth == "Bearer outgoing-test-token"
    body = card_of(posted)["body"]
    expected = served.session.ask(QUESTION, "teams-direct")["answer"]
    assert body[0]["text"] == expected
    assert body[-1]["facts"][0]["title"] == "below_reorder_point"


def test_expect_replies_returns_the_card_in_the_response(teams, signing_key):
    served, bot_service = teams
    body = activity(bot_service.url, QUESTION, deliveryMode="expectReplies")
    reply = send(served, body, token(signing_key[0]))
    assert reply.status_code == 200
    # A turn slower than 250 ms (a loaded machine) is preceded by a "typing" activity.
    messages = [a for a in reply.json()["activities"] if a["type"] == "message"]
    assert len(messages) == 1
    assert card_of(messages[0])["body"][-2]["text"] == "Sources"
    assert bot_service.posted == []


def test_wrong_audience_wrong_key_or_no_token_is_401(teams, signing_key):
    served, bot_service = teams
    body = activity(bot_service.url, QUESTION)
    assert send(served, body, token(signing_key[0], audience="someone-else")).status_code == 401
    assert send(served, body, token(new_key()[0])).status_code == 401
    assert send(served, body, token(signing_key[0], iss="https://evil.example")).status_code == 401
    assert send(served, body, None).status_code == 401
    assert bot_service.posted == []


def test_a_token_must_carry_exp_nbf_issuer_and_audience(teams, signing_key):
    served, bot_service = teams
    body = activity(bot_service.url, QUESTION)
    now = int(time.time())
    full = {"aud": APP_ID, "iss": ISSUER, "nbf": now - 5, "exp": now + 600}
    for claim in full:
        claims = {k: v for k, v in full.items() if k != claim}
        bare = jwt.encode(claims, signing_key[0], algorithm="RS256", headers={"kid": "test-kid"})
        assert send(served, body, bare).status_code == 401, claim
    expired = token(signing_key[0], exp=now - 3600, nbf=now - 7200)
    assert send(served, body, expired).status_code == 401
    assert bot_service.posted == []


def test_a_body_that_is_not_an_activity_is_400(teams, signing_key):
    served, _ = teams
    for body in ([], 5, {"type": 5}, {"conversation": "x"}):
        reply = httpx.post(
            f"{served.url}/api/messages",
            json=body,
            headers={"Authorization": f"Bearer {token(signing_key[0])}"},
        )
        assert reply.status_code == 400, (body, reply.status_code)


def test_a_message_over_the_limit_gets_a_card_saying_so(teams, signing_key):
    served, bot_service = teams
    reply = send(served, activity(bot_service.url, "z" * 5000), token(signing_key[0]))
    assert reply.status_code == 202
    (message,) = [p for p in bot_service.posted if p[1]["type"] == "message"]
    assert "limit is 4,000" in card_of(message[1])["body"][0]["text"]
    assert not [e for e in served.session_audit() if e["kind"] == "question"]


def test_a_manager_subscribes_the_conversation_and_alerts_arrive_proactively(
    teams, signing_key, demo_dataset
):
    served, bot_service = teams
    viewer = activity(bot_service.url, "alerts subscribe S1 A")
    assert send(served, viewer, token(signing_key[0])).status_code == 202
    manager = activity(
        bot_service.url,
        "alerts subscribe S9",
        **{"from": {"id": "29:mgr", "aadObjectId": "aad-manager"}, "id": "act-2"},
    )
    send(served, manager, token(signing_key[0]))
    ok = {**manager, "text": "<at>Stockwise</at> alerts subscribe S1 A", "id": "act-3"}
    send(served, ok, token(signing_key[0]))
    replies = [p[1]["text"] for p in bot_service.posted if p[1]["type"] == "message"]
    assert "Only managers and admins" in replies[0]
    assert "no site 'S9'" in replies[1]
    assert "Subscribed this conversation" in replies[2]
    pick = bought_critical_item(demo_dataset)
    event = issue_all(pick, "TEAMS-ALERT-1")
    admin = {"Authorization": "Bearer key-di-admin"}
    httpx.post(f"{served.url}/api/events", json={"events": [event]}, headers=admin, timeout=60)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pushed = [
            p for p in bot_service.posted
            if p[1]["type"] == "message" and f"{pick.item_id}@S1#1" in (p[1].get("text") or "")
        ]  # fmt: skip
        if pushed:
            break
        time.sleep(0.05)
    path, body, auth = pushed[0]
    # Into the conversation that subscribed (replying to the SDK's continuation activity).
    assert path.startswith("/v3/conversations/conv-1/activities")
    assert auth == "Bearer outgoing-test-token" and "Stock alert" in body["text"]

"""Microsoft Teams through the Microsoft 365 Agents SDK: `/api/messages` takes activities
whose JWT is checked (RS256, signing keys from `teams_jwks_url`, audience = the bot's app
id, issuer allow-listed, `exp` and `nbf` present and current) and answers each message as
an Adaptive Card with its sources.

The SDK's own validator fetches keys only from Microsoft's fixed hosts, so the token is
checked here with PyJWT by the same rules and the verified claims are handed to the SDK's
adapter; everything after that (turn, replies through the connector) is the SDK's."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import jwt
from fastapi import Request
from fastapi.responses import JSONResponse
from microsoft_agents.activity import Activity, Attachment, ConversationReference
from microsoft_agents.hosting.core import AgentApplication, MemoryStorage, TurnContext, TurnState
from microsoft_agents.hosting.core.authorization import ClaimsIdentity, Connections
from microsoft_agents.hosting.fastapi import CloudAdapter, start_agent_process
from pydantic import ValidationError

from stockwise.assistant.service.alert_subscriptions import SubscriptionIn
from stockwise.assistant.service.alerting import SubscriptionError, subscribe_words
from stockwise.assistant.service.auth import Principal
from stockwise.assistant.service.deps import Services
from stockwise.assistant.service.limits import clean_text, question_problem

MENTION = re.compile(r"<at>.*?</at>")


def adaptive_card(result: dict[str, Any]) -> dict[str, Any]:
    """The answer, the action waiting for approval, and the sources, as an Adaptive Card."""
    body: list[dict[str, Any]] = []
    if result.get("refused"):
        body.append({"type": "TextBlock", "text": result["refused"], "wrap": True})
    for action in result.get("pending_actions", []):
        body.append(
            {
                "type": "TextBlock",
                "weight": "Bolder",
                "wrap": True,
                "text": f"Waiting for approval: {action.get('action')}",
            }
        )
        body.append(
            {
                "type": "TextBlock",
                "wrap": True,
                "fontType": "Monospace",
                "text": json.dumps(action.get("args", {})),
            }
        )
        body.append({"type": "TextBlock", "wrap": True, "text": "Reply approve or reject."})
    if result.get("answer"):
        body.append({"type": "TextBlock", "text": str(result["answer"]), "wrap": True})
    facts = [
        {
            "title": src["tool"],
            "value": ", ".join(f"{k}={v}" for k, v in src.get("args", {}).items()) or "-",
        }
        for src in result.get("sources", [])
    ]
    if facts:
        body.append(
            {"type": "TextBlock", "text": "Sources", "weight": "Bolder", "spacing": "Medium"}
        )
        body.append({"type": "FactSet", "facts": facts})
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "body": body,
    }


def _card(result: dict[str, Any]) -> Attachment:
    return Attachment(
        content_type="application/vnd.microsoft.card.adaptive", content=adaptive_card(result)
    )


class TeamsTokenError(Exception):
    pass


class TeamsTokenValidator:
    def __init__(self, app_id: str, jwks_url: str, issuers: list[str]):
        self.app_id, self.issuers = app_id, issuers
        self._keys = jwt.PyJWKClient(jwks_url, cache_keys=True)

    def validate(self, header: str | None) -> dict[str, Any]:
        """The verified claims of `Authorization: Bearer <jwt>`; TeamsTokenError otherwise."""
        if not header or not header.lower().startswith("bearer "):
            raise TeamsTokenError("missing bearer token")
        token = header[7:].strip()
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            return jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=self.issuers,
                leeway=300,  # the Bot Framework's allowance for clock skew
                # PyJWT checks these only when present: a token without `exp` never expired.
                options={"require": ["exp", "nbf", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise TeamsTokenError(type(error).__name__) from None


def default_connections(svc: Services) -> Connections:
    from microsoft_agents.authentication.msal import MsalConnectionManager
    from microsoft_agents.hosting.core import AgentAuthConfiguration

    settings = svc.settings
    config = AgentAuthConfiguration(
        client_id=settings.teams_app_id,
        tenant_id=settings.teams_tenant_id,
        client_secret=settings.teams_client_secret,
    )
    return MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": config})


class TeamsChannel:
    def __init__(self, svc: Services, connections: Connections | None = None):
        settings = svc.settings
        connections = connections or default_connections(svc)
        self.svc = svc
        self.validator = TeamsTokenValidator(
            settings.teams_app_id or "", settings.teams_jwks_url, settings.teams_issuers
        )
        self.adapter = CloudAdapter(connection_manager=connections)
        self.agent = AgentApplication[TurnState](
            storage=MemoryStorage(), adapter=self.adapter, connection_manager=connections
        )
        self.agent.activity("message")(self.on_message)
        self.loop = asyncio.get_running_loop()  # built in the app's lifespan

    async def on_message(self, context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        sender = activity.from_property
        user_id = (sender.aad_object_id or sender.id) if sender else ""
        role = self.svc.settings.teams_roles.get(user_id, "viewer")
        who = Principal(f"teams:{user_id}", role, f"teams:{user_id}")
        thread_id = f"teams-{activity.conversation.id}"
        text = clean_text(MENTION.sub("", activity.text or "")).strip()
        if text.lower().split()[:2] == ["alerts", "subscribe"]:
            reply = await asyncio.to_thread(self.subscribe, who, text, activity)
            await context.send_activity(Activity(type="message", text=reply))
            return
        problem = question_problem(text)
        if problem:
            await context.send_activity(
                Activity(type="message", attachments=[_card({"refused": problem})])
            )
            return

        def work(_queue_ms: float) -> dict[str, Any]:
            self.svc.owners.claim(thread_id, who.user, "teams")
            return self.svc.runner.converse(text, thread_id, who, "teams")

        result = await self.svc.turns.run(work)
        await context.send_activity(Activity(type="message", attachments=[_card(result)]))

    def subscribe(self, who: Principal, text: str, activity: Activity) -> str:
        """`alerts subscribe S1 A`: this conversation gets those alerts as proactive
        messages; its conversation reference is what the service keeps to reach it."""
        if not who.can("approve"):
            return f"Only managers and admins may subscribe to alerts (you are {who.role})."
        reference = activity.get_conversation_reference().model_dump(
            mode="json", by_alias=True, exclude_none=True
        )
        scope = subscribe_words(text.split()[2:])
        try:
            sub = self.svc.alerting.subscribe(
                SubscriptionIn(channel="teams", target=json.dumps(reference), **scope),  # type: ignore[arg-type]
                who.user,
            )
        except (SubscriptionError, ValidationError) as error:
            return f"Not subscribed: {error}"
        return f"Subscribed this conversation to stock alerts; subscription {sub.sub_id}."

    def send_proactive(self, target: str, text: str) -> None:
        """Post `text` into the subscribed conversation (called from the delivery thread;
        the SDK runs on the service's event loop)."""
        reference = ConversationReference.model_validate(json.loads(target))

        async def post(context: TurnContext) -> None:
            await context.send_activity(Activity(type="message", text=text))

        done = asyncio.run_coroutine_threadsafe(
            self.adapter.continue_conversation(
                self.svc.settings.teams_app_id or "", reference.get_continuation_activity(), post
            ),
            self.loop,
        )
        done.result(timeout=30)

    async def handle(self, request: Request):
        try:
            claims = await asyncio.to_thread(
                self.validator.validate, request.headers.get("authorization")
            )
        except TeamsTokenError:
            return JSONResponse({"error": "Invalid token or authentication failed."}, 401)
        try:  # the SDK would raise on a body that is not an activity (a 500)
            Activity.model_validate(await request.json())
        except (ValueError, ValidationError):
            return JSONResponse({"error": "The body is not a Bot Framework activity."}, 400)
        request.state.claims_identity = ClaimsIdentity(
            claims, "Bearer", request.headers["authorization"][7:]
        )
        return await start_agent_process(request, self.agent, self.adapter)

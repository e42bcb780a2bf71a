"""OpenAI-compatible `/v1/models` and `/v1/chat/completions`, so Open WebUI, LibreChat or
the `openai` client can use Stockwise as a model. The conversation lives in Stockwise's
own thread (from `X-Thread-Id` or the `user` field), so only the last user message is
asked; "approve" or "reject" answers a paused action."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.concurrency import run_in_threadpool

from stockwise.assistant.service import timing
from stockwise.assistant.service.auth import Principal
from stockwise.assistant.service.deps import (
    Services,
    admit,
    check_thread_access,
    claimed,
    principal,
    services,
)
from stockwise.assistant.service.limits import (
    MAX_INPUT_TOKENS,
    MAX_MESSAGES,
    MAX_PARTS,
    THREAD_ID_PATTERN,
    CleanStr,
    estimated_tokens,
    question_problem,
)
from stockwise.assistant.service.runner import NothingPending, run_to_result
from stockwise.assistant.service.threads import ThreadTaken

router = APIRouter(prefix="/v1", tags=["openai"])
T = TypeVar("T")
MODEL_ID = "stockwise"


class ContentPart(BaseModel):
    """One part of a message's content; only `text` parts are read (images are ignored)."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(max_length=64)
    text: CleanStr | None = None


class ChatMessage(BaseModel):
    role: str = Field(max_length=32)
    content: CleanStr | Annotated[list[ContentPart], Field(max_length=MAX_PARTS)] | None = None


class CompletionRequest(BaseModel):
    model: str = Field(default=MODEL_ID, max_length=256)
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    user: CleanStr | None = Field(default=None, max_length=256)

    @model_validator(mode="after")
    def _bounded(self) -> CompletionRequest:
        chars = sum(len(_text(m)) for m in self.messages)
        if estimated_tokens(chars) > MAX_INPUT_TOKENS:
            raise ValueError(
                f"the messages hold about {estimated_tokens(chars):,} tokens ({chars:,} "
                f"characters); the limit is {MAX_INPUT_TOKENS:,}. Stockwise keeps the "
                "conversation itself: sending the last question is enough."
            )
        return self


def _text(message: ChatMessage) -> str:
    if isinstance(message.content, list):
        return " ".join(p.text or "" for p in message.content if p.type == "text")
    return message.content or ""


def reply_text(result: dict[str, Any]) -> str:
    """The answer as one message: the text, then its sources, or the action to approve."""
    if result.get("pending_actions"):
        lines = [
            f"Waiting for approval: {a.get('action')} {json.dumps(a.get('args', {}))}"
            for a in result["pending_actions"]
        ]
        return "\n".join([*lines, "Reply `approve` or `reject`."])
    text = str(result.get("answer", ""))
    tools = [
        f"{s['tool']}({', '.join(f'{k}={v!r}' for k, v in s.get('args', {}).items())})"
        for s in result.get("sources", [])
    ]
    return f"{text}\n\nSources: {'; '.join(tools)}" if tools else text


def _thread_id(who: Principal, header: str | None, user_field: str | None) -> str:
    if header:
        return header
    if user_field:  # scoped to the key's user, so two keys never share a thread by name
        digest = hashlib.sha256(f"{who.user}\0{user_field}".encode()).hexdigest()[:16]
        return f"oai-{digest}"
    return uuid.uuid4().hex[:12]


@router.get("/models")
async def models(who: Principal = Depends(principal)):
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "stockwise"}],
    }


def _completion(
    completion_id: str, created: int, thread_id: str, result: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": MODEL_ID,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply_text(result)},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "thread_id": thread_id,
        "sources": result.get("sources", []),
    }


async def _turn(
    svc: Services, events: Iterator[dict], then: Callable[[dict[str, Any]], T]
) -> tuple[dict[str, Any], T]:
    """The turn's result (its timings include the queue wait) and `then(result)`, both
    worked out on a turn worker."""

    def work(queue_ms: float) -> tuple[dict[str, Any], T]:
        result = run_to_result(events)
        result.setdefault("timings_ms", {})["queue"] = round(queue_ms, 2)
        return result, then(result)

    return await svc.turns.run(work)


async def _chunks(
    svc: Services, completion_id: str, created: int, events: Iterator[dict]
) -> AsyncIterator[str]:
    """The role at once (the client sees the stream open), then the reply line by line once
    the turn is done."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        body = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(body)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    try:
        text = (await _turn(svc, events, reply_text))[1]
    except (NothingPending, ThreadTaken) as error:  # the stream is open: say it in the reply
        text = str(error)
    for piece in text.splitlines(keepends=True):
        yield chunk({"content": piece})
    yield chunk({}, "stop")
    yield "data: [DONE]\n\n"


@router.post("/chat/completions")
async def chat_completions(
    body: CompletionRequest,
    request: Request,
    x_thread_id: str | None = Header(
        None,
        pattern=THREAD_ID_PATTERN,
        description="The Stockwise thread: 1 to 64 of A-Z, a-z, 0-9, _ and -.",
    ),
    who: Principal = Depends(principal),
    svc: Services = Depends(services),
):
    asked = [m for m in body.messages if m.role == "user"]
    question = _text(asked[-1]).strip() if asked else ""
    problem = question_problem(question)
    if problem:
        raise HTTPException(422, problem.replace("The message", "The last user message"))
    thread_id = _thread_id(who, x_thread_id, body.user)
    decision = question.lower().strip(" .!")
    answers_action = False
    if decision in ("approve", "reject"):  # only then is the checkpoint read worth it

        def waiting() -> bool:
            try:
                check_thread_access(svc, who, thread_id, write=True)
            except HTTPException as refused:
                svc.runner.refuse(decision, thread_id, who, "openai", str(refused.detail))
                raise
            return bool(svc.runner.pending(thread_id))

        answers_action = await run_in_threadpool(waiting)
    else:
        await admit(svc, who, thread_id)
    if answers_action:
        if not who.can("approve"):
            why = f"Role {who.role} cannot approve or reject actions."
            await run_in_threadpool(svc.runner.refuse, decision, thread_id, who, "openai", why)
            raise HTTPException(403, why)
        events = svc.runner.resume(decision, None, thread_id, who, "openai")
    else:
        fresh = not x_thread_id and not body.user  # a new id of our own
        events = svc.runner.ask(question, thread_id, who, "openai", fresh=fresh)
    events = claimed(svc, who, thread_id, "openai", events)
    completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    if body.stream:
        return StreamingResponse(
            _chunks(svc, completion_id, created, events),
            media_type="text/event-stream",
            headers={"X-Thread-Id": thread_id},
        )

    def answer(result: dict[str, Any]) -> bytes:  # encoded on the turn worker, not the loop
        return json.dumps(_completion(completion_id, created, thread_id, result)).encode()

    try:
        result, body_bytes = await _turn(svc, events, answer)
    except NothingPending as error:
        raise HTTPException(409, str(error)) from None
    except ThreadTaken as error:
        raise HTTPException(403, str(error)) from None
    timing.record(request.state, **result["timings_ms"])
    return Response(body_bytes, media_type="application/json")

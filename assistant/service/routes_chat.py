"""The native API: ask (JSON or server-sent events), read a thread, answer a paused
action, read the audit log."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from stockwise.assistant.agent.session import AgentSession
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
from stockwise.assistant.service.limits import MAX_MESSAGE_CHARS, CleanStr, question_problem
from stockwise.assistant.service.runner import NothingPending, run_to_result
from stockwise.assistant.service.threads import ThreadTaken

router = APIRouter(prefix="/api", tags=["chat"])
# Thread ids of the web page and the API are short tokens; Slack's and Teams' are longer.
THREAD_IN_PATH = PathParam(min_length=1, max_length=256)


class ChatRequest(BaseModel):
    message: CleanStr = Field(
        min_length=1, max_length=MAX_MESSAGE_CHARS, description="The question."
    )
    thread_id: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$"
    )
    stream: bool = Field(default=False, description="Answer as server-sent events.")


class ResumeRequest(BaseModel):
    decision: Literal["approve", "reject"]
    comment: CleanStr | None = Field(default=None, max_length=2000)


async def sse(events: AsyncIterator[dict]) -> AsyncIterator[str]:
    try:
        async for event in events:
            yield f"event: {event['event']}\ndata: {json.dumps(event['data'], default=str)}\n\n"
    except Exception as error:  # the stream has started: report in-band, not as a 500
        yield f"event: error\ndata: {json.dumps({'detail': str(error)})}\n\n"


async def finish_turn(request: Request, svc: Services, events: Iterator[dict]) -> Response:
    """Run the turn on a turn worker and answer with its result, encoded there too (the loop
    only sends bytes); the queue wait and graph time go to `Server-Timing`."""

    def work(queue_ms: float) -> tuple[dict[str, Any], bytes]:
        result = run_to_result(events)
        result.setdefault("timings_ms", {})["queue"] = round(queue_ms, 2)
        return result, json.dumps(result, ensure_ascii=False).encode("utf-8")

    try:
        result, body = await svc.turns.run(work)
    except ThreadTaken as error:
        raise HTTPException(403, str(error)) from None
    timing.record(request.state, **result["timings_ms"])
    return Response(body, media_type="application/json")


def wants_stream(request: Request, asked: bool) -> bool:
    return asked or "text/event-stream" in request.headers.get("accept", "")


@router.post("/chat")
async def chat(
    body: ChatRequest,
    request: Request,
    who: Principal = Depends(principal),
    svc: Services = Depends(services),
):
    problem = question_problem(body.message)
    if problem:
        raise HTTPException(422, problem)
    thread_id = body.thread_id or AgentSession.new_thread()
    if body.thread_id:  # a new id of our own needs no check
        await admit(svc, who, thread_id)
    events = claimed(
        svc,
        who,
        thread_id,
        "api",
        svc.runner.ask(body.message, thread_id, who, "api", fresh=not body.thread_id),
    )
    if wants_stream(request, body.stream):
        return StreamingResponse(sse(svc.turns.stream(events)), media_type="text/event-stream")
    return await finish_turn(request, svc, events)


@router.get("/threads/{thread_id}")
async def read_thread(
    thread_id: str = THREAD_IN_PATH,
    who: Principal = Depends(principal),
    svc: Services = Depends(services),
):

    def read() -> dict[str, Any]:
        check_thread_access(svc, who, thread_id, write=False)
        if svc.owners.owner(thread_id) is None:
            raise HTTPException(404, f"No thread {thread_id}.")
        messages = svc.runner.history(thread_id)
        pending = svc.runner.pending(thread_id)
        return {"thread_id": thread_id, "messages": messages, "pending_actions": pending}

    return await run_in_threadpool(read)


@router.post("/threads/{thread_id}/resume")
async def resume(
    body: ResumeRequest,
    request: Request,
    thread_id: str = THREAD_IN_PATH,
    stream: bool = Query(False),
    who: Principal = Depends(principal),
    svc: Services = Depends(services),
):
    def check() -> None:
        try:
            if not who.can("approve"):
                raise HTTPException(403, f"Role {who.role} cannot approve or reject actions.")
            check_thread_access(svc, who, thread_id, write=True)
            if not svc.runner.pending(thread_id):
                raise HTTPException(409, f"Thread {thread_id} has no action waiting for approval.")
        except HTTPException as refused:
            svc.runner.refuse(body.decision, thread_id, who, "api", str(refused.detail))
            raise

    await run_in_threadpool(check)
    events = svc.runner.resume(body.decision, body.comment, thread_id, who, "api")
    if wants_stream(request, stream):
        return StreamingResponse(sse(svc.turns.stream(events)), media_type="text/event-stream")
    try:
        return await finish_turn(request, svc, events)
    except NothingPending as error:  # answered meanwhile by a concurrent request
        raise HTTPException(409, str(error)) from None


@router.get("/audit")
async def audit_log(
    start: datetime | None = Query(None, alias="from"),
    end: datetime | None = Query(None, alias="to"),
    who: Principal = Depends(principal),
    svc: Services = Depends(services),
):
    if not who.can("read_audit"):
        raise HTTPException(403, f"Role {who.role} cannot read the audit log.")
    entries = await run_in_threadpool(svc.audit.export, start, end)
    # ASCII-escaped: a line written before input was cleaned may hold a lone surrogate,
    # which has no UTF-8 form; escaped, it still reads back as the very same string.
    return Response(json.dumps({"entries": entries}), media_type="application/json")

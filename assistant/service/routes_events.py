"""`POST /api/events`: stock movements in real time, applied all or nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from stockwise.assistant.service.auth import Principal
from stockwise.assistant.service.deps import Services, principal, services
from stockwise.assistant.service.events import EventConflict, EventError, TxnEvent

router = APIRouter(prefix="/api", tags=["events"])


class EventBatch(BaseModel):
    events: list[TxnEvent] = Field(min_length=1, max_length=10_000)


@router.post("/events")
async def post_events(
    body: EventBatch, who: Principal = Depends(principal), svc: Services = Depends(services)
):
    if not who.can("post_events"):
        raise HTTPException(403, f"Role {who.role} cannot post stock movements.")

    def apply() -> dict[str, Any]:  # SQLite, the dataset and the audit file: off the loop
        outcome = svc.events.apply(svc.runner.session.ctx, body.events)
        svc.audit.append(
            "events", who.user, "api", applied=outcome["applied"], duplicates=outcome["duplicates"]
        )
        return outcome

    try:
        return await run_in_threadpool(apply)
    except EventConflict as error:
        raise HTTPException(409, str(error)) from None
    except EventError as error:
        raise HTTPException(422, str(error)) from None

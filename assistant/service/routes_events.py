"""`POST /api/events`: stock movements in real time, applied all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from stockwise.assistant.service.alerting import PurchaseOrderEvent, purchase_problems
from stockwise.assistant.service.auth import Principal
from stockwise.assistant.service.deps import Services, principal, services
from stockwise.assistant.service.events import EventConflict, EventError, TxnEvent
from stockwise.assistant.service.order_progress import ProgressUpdate

router = APIRouter(prefix="/api", tags=["events"])


class EventBatch(BaseModel):
    events: list[TxnEvent] = Field(default_factory=list, max_length=10_000)
    purchase_orders: list[PurchaseOrderEvent] = Field(
        default_factory=list,
        max_length=10_000,
        description="Open purchase orders placed or changed; receipts naming one close it",
    )

    @model_validator(mode="after")
    def _something(self) -> EventBatch:
        if not self.events and not self.purchase_orders:
            raise ValueError("send at least one event or purchase order")
        return self


@router.post("/events")
async def post_events(
    body: EventBatch, who: Principal = Depends(principal), svc: Services = Depends(services)
):
    if not who.can("post_events"):
        raise HTTPException(403, f"Role {who.role} cannot post stock movements.")

    def apply() -> dict[str, Any]:  # SQLite, the dataset and the audit file: off the loop
        ctx = svc.runner.session.ctx
        problems = purchase_problems(body.purchase_orders, ctx)
        if problems:
            raise EventError("; ".join(problems))
        outcome = (
            svc.events.apply(ctx, body.events)
            if body.events
            else {
                "applied": [],
                "duplicates": [],
            }
        )
        svc.audit.append(
            "events", who.user, "api", applied=outcome["applied"], duplicates=outcome["duplicates"]
        )
        fresh = set(outcome["applied"])
        applied = [e for e in body.events if e.txn_id in fresh]
        return {**outcome, **svc.alerting.after_batch(ctx, applied, body.purchase_orders)}

    return await _applied(apply)


async def _applied(apply: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`apply()` off the event loop; a conflicting repeat is a 409, a bad event a 422."""
    try:
        return await run_in_threadpool(apply)
    except EventConflict as error:
        raise HTTPException(409, str(error)) from None
    except EventError as error:
        raise HTTPException(422, str(error)) from None


class ProgressBatch(BaseModel):
    updates: list[ProgressUpdate] = Field(min_length=1, max_length=10_000)


@router.post("/orders/progress")
async def post_progress(
    body: ProgressBatch, who: Principal = Depends(principal), svc: Services = Depends(services)
):
    """Production orders' progress (a stage started, an order completed or cancelled): the
    components of the orders it moves are re-planned."""
    if not who.can("post_events"):
        raise HTTPException(403, f"Role {who.role} cannot post order progress.")

    def apply() -> dict[str, Any]:
        ctx = svc.runner.session.ctx
        outcome = svc.events.apply_progress(ctx, body.updates)
        svc.audit.append(
            "order_progress",
            who.user,
            "api",
            applied=outcome["applied"],
            duplicates=outcome["duplicates"],
        )
        moved = set(outcome["orders"])
        return {**outcome, **svc.alerting.after_batch(ctx, [], [], moved)}

    return await _applied(apply)

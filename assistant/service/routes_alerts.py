"""`/api/alerts`: the open stock alerts, one item's alert history, subscriptions to them
(signed webhooks, Slack channels, Teams conversations) and the daily digest."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from starlette.concurrency import run_in_threadpool

from stockwise.assistant.service.alert_subscriptions import SubscriptionIn
from stockwise.assistant.service.alerting import SubscriptionError
from stockwise.assistant.service.auth import Principal
from stockwise.assistant.service.deps import Services, principal, services

router = APIRouter(prefix="/api/alerts", tags=["alerts"])


@router.get("")
async def open_alerts(_who: Principal = Depends(principal), svc: Services = Depends(services)):
    live = await run_in_threadpool(svc.alerting.engine.store.live)
    return {"open": live, "count": len(live)}


@router.get("/items/{item_id}")
async def item_alerts(
    item_id: str, _who: Principal = Depends(principal), svc: Services = Depends(services)
):
    return {"alerts": await run_in_threadpool(svc.alerting.engine.store.history, item_id)}


@router.post("/subscriptions", status_code=201)
async def subscribe(
    body: SubscriptionIn, who: Principal = Depends(principal), svc: Services = Depends(services)
):
    if not who.can("approve"):  # managers and admins
        raise HTTPException(403, f"Role {who.role} cannot subscribe channels to alerts.")
    try:
        sub = await run_in_threadpool(svc.alerting.subscribe, body, who.user)
    except SubscriptionError as error:
        raise HTTPException(422, str(error)) from None
    return {"sub_id": sub.sub_id, "channel": sub.channel}


@router.post("/digest")
async def digest(who: Principal = Depends(principal), svc: Services = Depends(services)):
    """Send each subscription today's digest now (the service sends it daily at 06:00 UTC;
    a digest goes once a day, so this one replaces it)."""
    if not who.can("post_events"):
        raise HTTPException(403, f"Role {who.role} cannot send digests.")
    return {"sent": await run_in_threadpool(svc.alerting.send_digests)}

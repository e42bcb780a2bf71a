"""The agent's read tool over the alert states: "what alerts are open?", "why did you alert on
4412?". Kept apart from the alert engine (`alerts.py`) so that listing the tools loads no
pandas: the state store is imported when the tool runs."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from stockwise.tools.core.contract import fills
from stockwise.tools.core.errors import UnknownEntityError
from stockwise.tools.core.results import MAX_EVIDENCE_IDS, Evidence, ToolResult
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext


def alerts_path(settings: Settings) -> Path:
    return settings.data_dir / "alerts.sqlite"


class StockAlertsInput(BaseModel):
    item_id: str | None = Field(
        None,
        description="An item: why it was alerted (every episode). Omit: the open alerts.",
        json_schema_extra=fills("item"),
    )
    site_id: str | None = Field(None, description="Only this site", json_schema_extra=fills("site"))


class AlertView(BaseModel):
    alert_id: str
    state: str = Field(description="open, escalated or cleared")
    item_id: str
    site_id: str
    criticality: str | None
    raised_at: str
    escalated_at: str | None = None
    cleared_at: str | None = None
    why: str
    todo: str


class StockAlertsResult(ToolResult):
    alerts: list[AlertView]
    open_count: int


def _view(found: dict) -> AlertView:
    return AlertView(**{k: found.get(k) for k in AlertView.model_fields})


def stock_alerts(ctx: ToolContext, args: StockAlertsInput) -> StockAlertsResult:
    """The stock alerts Stockwise raised on incoming movements: the open ones (soonest
    breach first), or every alert of one item with why it was raised (the projection, the
    production orders and open purchases behind it) and what to do (order quantity and
    date, or expedite)."""
    from stockwise.tools.replenish.alert_state import AlertStore  # pandas, at call time

    path = alerts_path(ctx.settings)
    store = AlertStore(path)
    try:
        live = store.live()
        if args.item_id is not None:
            if not (ctx.dataset.items["item_id"] == args.item_id).any():
                raise UnknownEntityError("item", args.item_id)
            found = store.history(args.item_id)
        else:
            found = live
    finally:
        store.close()
    if args.site_id is not None:
        found = [a for a in found if a["site_id"] == args.site_id]
    views = [_view(a) for a in found]
    return StockAlertsResult(
        alerts=views,
        open_count=len(live),
        evidence=Evidence(
            tool="stock_alerts",
            params=args.model_dump(),
            as_of=ctx.dataset.as_of,
            rows_used={"alerts": len(views)},
            ids=[v.alert_id for v in views[:MAX_EVIDENCE_IDS]],
            notes=[
                f"alert states in {path.name} in the data directory, moved by POST /api/events",
                "projection: on hand, the lead-time demand forecast at the item's service "
                "target, open production orders' component "
                "needs timed by their progress, open purchases; over lead time + 1 day",
            ],
        ),
    )

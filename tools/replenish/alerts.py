"""Event-driven alerting: after a batch of stock movements, re-plan only the items it moved
and the components of the production orders it touched, and move their alert states.
`stock_alerts` is the read tool the agent answers "what alerts are open?" and "why did you
alert on 4412?" with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, Field

from stockwise.tools.core.contract import fills
from stockwise.tools.core.errors import UnknownEntityError
from stockwise.tools.core.results import MAX_EVIDENCE_IDS, Evidence, ToolResult
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.replenish.alert_state import AlertMessage, AlertStore
from stockwise.tools.replenish.projection import assess, components_of_orders

PAIR = ["item_id", "site_id"]


def alerts_path(settings: Settings) -> Path:
    return settings.data_dir / "alerts.sqlite"


def affected_pairs(ds: Dataset, moved: pd.DataFrame) -> pd.DataFrame:
    """(item, site) pairs a batch can change the projection of: those it moved, and every
    component the production orders it names still need (their timing moves with them)."""
    pairs = moved[PAIR].astype(str).drop_duplicates()
    refs = moved[moved["ref_type"].astype(object) == "production_order"]["ref_id"]
    orders = set(refs.dropna().astype(str))
    if orders:
        pairs = pd.concat([pairs, components_of_orders(ds, orders)]).drop_duplicates()
    return pairs.reset_index(drop=True)


@dataclass
class Replan:
    """What one re-planning did: pairs assessed, and the alert messages it produced."""

    pairs: int
    messages: list[AlertMessage]


class AlertEngine:
    """Keeps the alert state of a dataset current as movements arrive."""

    def __init__(self, store: AlertStore, settings: Settings):
        self.store, self.settings = store, settings

    def replan(self, ds: Dataset, pairs: pd.DataFrame | None = None) -> Replan:
        """Assess `pairs` (every bought item when None) and move their alert states."""
        assessed = assess(ds, self.settings, pairs, self.store.purchases())
        return Replan(len(assessed), self.store.update(assessed, ds.as_of))

    def on_batch(
        self,
        ds: Dataset,
        moved: pd.DataFrame,
        purchases: list[dict] | None = None,
        changed_orders: set[str] | None = None,
    ) -> Replan:
        """After `moved` (transactions rows) is in `ds`: new open purchase orders are kept,
        receipts close theirs, then the pairs any of it can move are re-planned (with the
        components of `changed_orders`, production orders whose progress moved)."""
        pairs = [affected_pairs(ds, moved)] if len(moved) else []
        if purchases:
            self.store.add_purchases(purchases)
            pairs.append(pd.DataFrame(purchases, columns=PAIR))
        receipts = (
            moved[
                (moved["txn_type"].astype(object) == "receipt")
                & (moved["ref_type"].astype(object) == "purchase_order")
            ]
            if len(moved)
            else moved
        )
        for r in receipts.itertuples():
            if pd.notna(r.ref_id):
                self.store.receive(str(r.ref_id), float(r.qty))
        if changed_orders:
            pairs.append(components_of_orders(ds, changed_orders))
        if not pairs:
            return Replan(0, [])
        return self.replan(ds, pd.concat(pairs)[PAIR].drop_duplicates())


# -- the agent's read tool ----------------------------------------------------------------


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
                "projection: on hand, the 90-day draw, open production orders' component "
                "needs timed by their progress, open purchases; over lead time + 1 day",
            ],
        ),
    )

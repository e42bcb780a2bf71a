"""The service's alerting: after each applied batch of movements (and purchase orders), the
alert engine re-plans what the batch can move and the messages go to delivery. Re-planning
runs on the caller's worker thread, one batch at a time (the alert state is one file)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from pydantic import BaseModel, Field

from stockwise.assistant.service.alert_delivery import Dispatcher
from stockwise.assistant.service.alert_subscriptions import (
    Subscription,
    SubscriptionIn,
    SubscriptionStore,
)
from stockwise.assistant.service.limits import CleanStr
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.replenish.alert_state import AlertMessage, AlertStore
from stockwise.tools.replenish.alerts import AlertEngine, alerts_path
from stockwise.tools.replenish.items import GROUP_OF_CATEGORY

log = logging.getLogger("stockwise.alerts")


class PurchaseOrderEvent(BaseModel):
    """An open purchase order as the ERP reports it when placed (or changed)."""

    po_id: CleanStr = Field(min_length=1, max_length=128)
    item_id: CleanStr = Field(min_length=1, max_length=128)
    site_id: CleanStr = Field(min_length=1, max_length=128)
    qty: float = Field(gt=0, le=1e9, allow_inf_nan=False)
    due_date: date


def purchase_problems(orders: list[PurchaseOrderEvent], ctx: ToolContext) -> list[str]:
    items = set(ctx.dataset.items["item_id"])
    sites = set(ctx.dataset.sites["site_id"])
    found = []
    for n, po in enumerate(orders):
        if po.item_id not in items:
            found.append(f"purchase order {n} ({po.po_id}): no item {po.item_id!r}")
        if po.site_id not in sites:
            found.append(f"purchase order {n} ({po.po_id}): no site {po.site_id!r}")
    return found


class Alerting:
    """The engine over the data directory's alert state, and who hears of each message."""

    def __init__(self, settings: Settings, dataset: Callable[[], Dataset]):
        self.engine = AlertEngine(AlertStore(alerts_path(settings)), settings)
        self._lock = threading.Lock()
        self.replanned: list[int] = []  # item-sites re-planned per batch, for the figures
        self.subscriptions = SubscriptionStore(settings.data_dir / "alert_delivery.sqlite")
        self.dataset = dataset
        self.dispatcher = Dispatcher(settings, self.subscriptions, self.category_of)
        self.listeners: list[Callable[[list[AlertMessage]], None]] = [self.dispatcher.submit]

    def category_of(self, item_id: str) -> str | None:
        items = self.dataset().items
        found = items.loc[items["item_id"] == item_id, "recorded_category"]
        return GROUP_OF_CATEGORY.get(found.iloc[0]) if len(found) else None

    def subscribe(self, sub: SubscriptionIn, who: str) -> Subscription:
        """A new subscription, or SubscriptionError naming what is wrong with it."""
        known = set(self.dataset().sites["site_id"])
        unknown = [s for s in sub.sites if s not in known]
        if unknown:
            raise SubscriptionError(
                f"no site {', '.join(map(repr, unknown))}; sites: {', '.join(sorted(known))}"
            )
        if sub.channel == "webhook":
            if not sub.target.startswith(("http://", "https://")):
                raise SubscriptionError("a webhook target is an http:// or https:// URL")
            if not sub.secret:
                raise SubscriptionError("a webhook needs a secret (16+ characters) to sign with")
        return self.subscriptions.add(sub, who)

    def start(self, ctx: ToolContext) -> int:
        """Bring every bought item's state up to date (what changed while we were down)."""
        with self._lock:
            done = self.engine.replan(ctx.dataset)
        self._tell(done.messages)
        return done.pairs

    def after_batch(
        self,
        ctx: ToolContext,
        applied: list,
        purchases: list[PurchaseOrderEvent],
        orders: set[str] | None = None,
    ) -> dict:
        """Re-plan what applied movements, purchase orders and production orders whose
        progress moved (`orders`) can change; tell the listeners."""
        moved = pd.DataFrame([e.model_dump() for e in applied])
        if len(moved):
            moved["ts"] = [e.naive_ts() for e in applied]
        rows = [p.model_dump() for p in purchases]
        with self._lock:
            done = self.engine.on_batch(ctx.dataset, moved, rows, orders)
        self.replanned.append(done.pairs)
        self._tell(done.messages)
        return {"replanned": done.pairs, "alerts": [[m.alert_id, m.kind] for m in done.messages]}

    def _tell(self, messages: list[AlertMessage]) -> None:
        if not messages:
            return
        for listener in self.listeners:
            try:
                listener(messages)
            except Exception:  # a broken channel never stops the event path
                log.exception("alert listener failed")

    def send_digests(self) -> int:
        live = self.engine.store.live()
        return self.dispatcher.digest(live, datetime.now(UTC).date().isoformat())

    async def daily_digests(self) -> None:
        """Each subscription's digest at 06:00 UTC every day, until the service stops."""
        while True:
            now = datetime.now(UTC)
            next_run = now.replace(hour=6, minute=0, second=0, microsecond=0)
            if next_run <= now:
                next_run += timedelta(days=1)
            await asyncio.sleep((next_run - now).total_seconds())
            try:
                await asyncio.to_thread(self.send_digests)
            except Exception:
                log.exception("daily alert digest failed")

    def close(self) -> None:
        self.dispatcher.drain(timeout=10)
        self.dispatcher.close()
        self.subscriptions.close()
        self.engine.store.close()


def subscribe_words(words: list[str]) -> dict[str, list[str]]:
    """`S1 A mro` -> sites, criticalities, categories (what Slack and Teams users type)."""
    found: dict[str, list[str]] = {"sites": [], "criticalities": [], "categories": []}
    for word in words:
        if word.upper() in ("A", "B", "C"):
            found["criticalities"].append(word.upper())
        elif word.lower() in ("mro", "raw"):
            found["categories"].append(word.lower())
        else:
            found["sites"].append(word)
    return found


class SubscriptionError(ValueError):
    """A subscription that cannot be kept (unknown site, webhook without a secret)."""

"""Event-driven alerting: after a batch of stock movements, re-plan only the items it moved
and the components of the production orders it touched, and move their alert states.
The read tool the agent answers "what alerts are open?" with is `alerts_tool.stock_alerts`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.replenish.alert_state import AlertMessage, AlertStore
from stockwise.tools.replenish.alerts_tool import alerts_path
from stockwise.tools.replenish.projection import PAIR, PlanCache, assess


def affected_pairs(ds: Dataset, moved: pd.DataFrame, cache: PlanCache) -> pd.DataFrame:
    """(item, site) pairs a batch can change the projection of: those it moved, and every
    component of the production orders it names (their timing moves with them)."""
    pairs = moved[PAIR].astype(str).drop_duplicates()
    refs = moved[moved["ref_type"].astype(object) == "production_order"]["ref_id"]
    orders = set(refs.dropna().astype(str))
    if orders:
        pairs = pd.concat([pairs, cache.affected_components(ds, orders)]).drop_duplicates()
    return pairs.reset_index(drop=True)


@dataclass
class Replan:
    """What one re-planning did: pairs assessed, and the alert messages it produced."""

    pairs: int
    messages: list[AlertMessage]
    assessed: pd.DataFrame | None = None  # the projection of each pair, for diagnosis


class AlertEngine:
    """Keeps the alert state of a dataset current as movements arrive."""

    def __init__(self, store: AlertStore, settings: Settings):
        self.store, self.settings = store, settings
        self.cache = PlanCache(settings)  # the day's forecasts, kept between batches

    def replan(
        self,
        ds: Dataset,
        pairs: pd.DataFrame | None = None,
        received: list[tuple[str, str]] | None = None,
    ) -> Replan:
        """Assess `pairs` (every bought item when None) and move their alert states;
        `received`: the pairs stock was received at since the last re-plan."""
        assessed = assess(ds, self.settings, pairs, self.store.purchases(), self.cache)
        changes = self.store.update(assessed, ds.as_of, received or [])
        return Replan(len(assessed), changes, assessed)

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
        pairs = [affected_pairs(ds, moved, self.cache)] if len(moved) else []
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
        received: list[tuple[str, str]] = []
        if len(moved):
            # A receipt after which the projection holds answers the shortage of its pair
            # (the store decides, once the pair is re-planned).
            arrived = moved[(moved["txn_type"].astype(object) == "receipt") & (moved["qty"] > 0)]
            received = list(
                zip(arrived["item_id"].astype(str), arrived["site_id"].astype(str), strict=True)
            )
        if changed_orders:
            pairs.append(self.cache.affected_components(ds, changed_orders))
        if not pairs:
            return Replan(0, [])
        return self.replan(ds, pd.concat(pairs)[PAIR].drop_duplicates(), received)


__all__ = ["AlertEngine", "Replan", "affected_pairs", "alerts_path"]

"""The demo plant loaded once per session through the real dataset loader (which also
validates it against the contract: a refused demo fails every test here)."""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.tools.dataset.load import load_dataset


@pytest.fixture(scope="session")
def demo(demo_dir):
    return load_dataset(demo_dir)


@pytest.fixture(scope="session")
def labels(demo_dir) -> pd.DataFrame:
    return pd.read_csv(demo_dir / "labels.csv", dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="session")
def anomalies(demo_dir) -> pd.DataFrame:
    return pd.read_csv(
        demo_dir / "planted_anomalies.csv", dtype=str, keep_default_na=False, na_values=[""]
    )


@pytest.fixture(scope="session")
def book(demo) -> pd.DataFrame:
    """Book balance and on hand per (item, site)."""
    balance = (
        demo.transactions.groupby(["item_id", "site_id"], observed=True).qty.sum().rename("book")
    )
    levels = demo.stock_levels.set_index(["item_id", "site_id"])
    return levels.join(balance).fillna({"book": 0.0})


@pytest.fixture(scope="session")
def books_balance():
    """A check for a generated plant: stock equals the sum of its movements (but for the
    planted count variances), never runs below zero, and every reference resolves."""
    from stockwise.demo import catalog

    def check(ds) -> None:  # type: ignore[no-untyped-def]
        txns = ds.transactions
        book = txns.groupby(["item_id", "site_id"], observed=True).qty.sum().rename("book")
        levels = ds.stock_levels.set_index(["item_id", "site_id"]).join(book)
        levels = levels.fillna({"book": 0.0})
        variance = (levels.on_hand_qty - levels.book).drop(
            index=[(i, s) for i, s, _ in catalog.COUNT_VARIANCES]
        )
        assert (variance.abs() < 1e-6).all()
        running = (
            txns.sort_values(["item_id", "site_id", "ts", "txn_id"])
            .groupby(["item_id", "site_id"], observed=True)
            .qty.cumsum()
        )
        assert running.min() > -1e-6
        prod = txns[txns.ref_type == "production_order"]
        assert prod.ref_id.isin(ds.production_orders.order_id).all()
        maint = txns[txns.txn_type == "issue_maintenance"]
        assert maint.ref_id.isin(ds.work_orders.wo_id).all()
        assert ds.boms.component_item_id.isin(ds.items.item_id).all()

    return check

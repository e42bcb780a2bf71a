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

"""`open_dataset`: the configured dataset, memoised in the process and cached as Parquet."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from stockwise.tools.core.errors import DatasetError
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset import open as opener
from stockwise.tools.dataset.schema import PRODUCT_TABLES

from .conftest import with_line


@pytest.fixture(autouse=True)
def fresh_memo():
    opener._memo.clear()
    yield
    opener._memo.clear()


def test_open_memoises_and_caches(small_folder, tmp_path):
    settings = Settings(dataset=str(small_folder), data_dir=tmp_path / "data")

    first = opener.open_dataset(settings, small_folder)
    assert opener.open_dataset(settings, small_folder) is first  # same process: the same object
    assert not first.meta.get("from_cache")

    opener._memo.clear()  # as if a new process started
    cached = opener.open_dataset(settings, small_folder)

    assert cached.meta["from_cache"] is True
    assert cached.fingerprint == first.fingerprint and cached.name == "Small plant"
    for name in PRODUCT_TABLES:
        pd.testing.assert_frame_equal(first.tables[name], cached.tables[name])


def test_an_edited_file_is_read_again(small_folder, tmp_path):
    settings = Settings(dataset=str(small_folder), data_dir=tmp_path / "data")
    first = opener.open_dataset(settings, small_folder)

    (small_folder / "transactions.csv").write_text(
        with_line("transactions", "T11,2025-01-03,I1,S1,7,receipt,,")
    )
    opener._memo.clear()
    again = opener.open_dataset(settings, small_folder)

    assert len(again.transactions) == 11 and not again.meta.get("from_cache")
    assert again.fingerprint != first.fingerprint


def test_a_refused_dataset_is_never_cached(small_folder, tmp_path):
    settings = Settings(dataset=str(small_folder), data_dir=tmp_path / "data")
    (small_folder / "sites.csv").write_text("site_id,name\nS1,A\nS1,B\nS2,C\n")

    with pytest.raises(DatasetError, match="duplicate key"):
        opener.open_dataset(settings, small_folder)

    assert not (tmp_path / "data" / "cache").exists()


def test_cached_tables_are_read_when_first_asked_for(small_folder, tmp_path):
    settings = Settings(dataset=str(small_folder), data_dir=tmp_path / "data")
    first = opener.open_dataset(settings, small_folder)
    opener._memo.clear()
    cached = opener.open_dataset(settings, small_folder)

    assert cached.tables._frames == {}  # type: ignore[attr-defined]  # nothing converted yet
    pd.testing.assert_frame_equal(cached.items, first.items)
    assert set(cached.tables._frames) == {"items"}  # type: ignore[attr-defined]
    assert cached.items is cached.tables["items"]  # converted once
    assert list(cached.tables) == list(PRODUCT_TABLES) and len(cached.tables) == len(first.tables)


def test_a_broken_cache_file_sends_the_load_back_to_the_source(small_folder, tmp_path):
    settings = Settings(dataset=str(small_folder), data_dir=tmp_path / "data")
    opener.open_dataset(settings, small_folder)
    [folder] = (tmp_path / "data" / "cache").iterdir()
    (folder / "transactions.parquet").write_bytes(b"not parquet")
    opener._memo.clear()

    again = opener.open_dataset(settings, small_folder)

    assert not again.meta.get("from_cache") and len(again.transactions) == 10


def test_a_cache_removed_after_opening_still_gives_its_tables(small_folder, tmp_path):
    settings = Settings(dataset=str(small_folder), data_dir=tmp_path / "data")
    first = opener.open_dataset(settings, small_folder)
    opener._memo.clear()
    cached = opener.open_dataset(settings, small_folder)
    shutil.rmtree(tmp_path / "data" / "cache")  # another process rewrote it

    for name in PRODUCT_TABLES:
        pd.testing.assert_frame_equal(cached.tables[name], first.tables[name])


def test_an_on_hand_answer_converts_no_transactions(small_folder, tmp_path):
    from stockwise.tools.dataset.context import ToolContext
    from stockwise.tools.stock.levels import OnHandInput, on_hand

    settings = Settings(dataset=str(small_folder), data_dir=tmp_path / "data")
    opener.open_dataset(settings, small_folder)
    opener._memo.clear()
    cached = opener.open_dataset(settings, small_folder)

    result = on_hand(ToolContext(dataset=cached, settings=settings), OnHandInput(item="I1"))

    assert result.items[0].on_hand == 500
    assert "transactions" not in cached.tables._frames  # type: ignore[attr-defined]

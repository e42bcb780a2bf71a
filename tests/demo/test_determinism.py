"""Same seed, same bytes; another seed, another plant; the documents travel with it."""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.demo.generator import generate_demo
from stockwise.knowledge import CORPUS_DIR


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


def test_same_seed_writes_identical_bytes(tmp_path):
    first = _files(generate_demo(tmp_path / "a", scale=0.05, seed=7))
    second = _files(generate_demo(tmp_path / "b", scale=0.05, seed=7))
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    other = _files(generate_demo(tmp_path / "c", scale=0.05, seed=8))
    assert other["transactions.csv"] != first["transactions.csv"]
    assert other["items.csv"] != first["items.csv"]


def test_catalog_ids_are_the_same_at_any_seed_and_scale_and_parquet_works(tmp_path, demo):
    out = generate_demo(tmp_path / "pq", scale=0.05, seed=3, fmt="parquet")
    assert (out / "transactions.parquet").is_file() and not (out / "transactions.csv").exists()
    items = pd.read_parquet(out / "items.parquet").set_index("item_id")
    named = demo.items.set_index("item_id")
    for item_id in ("4471", "4410", "4480", "4490", "1001", "3040"):
        assert items.loc[item_id, "description"] == named.loc[item_id, "description"]
    equipment = pd.read_parquet(out / "equipment.parquet")
    assert set(demo.equipment.equipment_id) == set(equipment.equipment_id)
    txns = pd.read_parquet(out / "transactions.parquet")
    assert pd.api.types.is_datetime64_any_dtype(txns.ts)


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="scale"):
        generate_demo(tmp_path / "x", scale=0)
    with pytest.raises(ValueError, match="format"):
        generate_demo(tmp_path / "y", fmt="xlsx")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        generate_demo(tmp_path / "full")
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"


def test_documents_are_copied_from_the_knowledge_corpus(demo_dir):
    source = CORPUS_DIR
    expected = {p.relative_to(source) for p in source.rglob("*") if p.is_file()
                and not p.name.startswith((".", "__"))}  # fmt: skip
    copied = {p.relative_to(demo_dir / "documents") for p in (demo_dir / "documents").rglob("*")
              if p.is_file()}  # fmt: skip
    assert copied == expected and expected

"""Fixtures for the knowledge-base tests: a small slice of the real corpus, indexed into a
Chroma store under tmp_path (the whole corpus is indexed only by the slow tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stockwise.knowledge import CORPUS_DIR
from stockwise.tools.documents.index import build_index
from stockwise.tools.documents.store import get_collection, open_client

SMALL_CORPUS = (
    "manuals/man-hydraulic-press.md",
    "manuals/man-cnc.md",
    "manuals/QRC-HP-01.pdf",
    "failure-reports/fr-2024-011-p3-seal-leak.md",
    "sops/sop-lockout-tagout.md",
    "safety/sds-solvent-degreaser.md",
)


# Three short documents for the tests that index several times.
TINY_CORPUS = (
    "manuals/man-cnc.md",
    "sops/sop-lockout-tagout.md",
    "safety/sds-solvent-degreaser.md",
)


def copy_corpus(target: Path, files=SMALL_CORPUS) -> Path:
    for name in files:
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS_DIR / name, dest)
    return target


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    return copy_corpus(tmp_path / "documents", TINY_CORPUS)


@pytest.fixture(scope="session")
def indexed_small(tmp_path_factory):
    """(documents folder, chroma folder, collection, report) built once per session."""
    root = tmp_path_factory.mktemp("kb")
    folder = copy_corpus(root / "documents")
    chroma = root / "chroma"
    collection = get_collection(open_client(path=chroma))
    report = build_index(folder, collection)
    return folder, chroma, collection, report

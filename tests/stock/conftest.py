"""Fixtures: the hand-made plant of `plant.py` and a tool context over it."""

from __future__ import annotations

import pytest

from assistant.settings import Settings
from tools.context import ToolContext

from .plant import hand_made_plant


@pytest.fixture(scope="session")
def plant():  # type: ignore[no-untyped-def]
    return hand_made_plant()


@pytest.fixture
def ctx(plant, tmp_path):  # type: ignore[no-untyped-def]
    return ToolContext(dataset=plant, settings=Settings(data_dir=tmp_path))

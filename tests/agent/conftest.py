"""Fixtures for the agent's tests: the tiny plant and a tool context over it."""

from __future__ import annotations

import pytest

from assistant.settings import get_settings
from tools.context import ToolContext

from .plant import tiny_plant


@pytest.fixture(scope="session")
def plant():
    return tiny_plant()


@pytest.fixture
def ctx(plant):
    return ToolContext(dataset=plant, settings=get_settings())

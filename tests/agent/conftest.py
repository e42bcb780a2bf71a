"""Fixtures for the agent's tests: the tiny plant and a tool context over it."""

from __future__ import annotations

import pytest

from stockwise.tools.core.settings import get_settings
from stockwise.tools.dataset.context import ToolContext

from .plant import tiny_plant


@pytest.fixture(scope="session")
def plant():
    return tiny_plant()


@pytest.fixture
def ctx(plant):
    return ToolContext(dataset=plant, settings=get_settings())

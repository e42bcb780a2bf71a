"""Fixtures: the MCP server over the demo plant, in process (the SDK's own client on its
in-memory transport) as a given user, for the tests of what the server does; the real
processes over stdio and HTTP are in test_transports.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from mcp import Client

from stockwise.assistant.mcp.server import build_server
from stockwise.assistant.mcp.workspace import Workspace
from stockwise.assistant.service.auth import Principal
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext


@pytest.fixture
def space(demo_dataset, tmp_path) -> Workspace:
    settings = Settings(data_dir=tmp_path / "data", local_user="ana", local_role="manager")
    return Workspace(settings, ToolContext(dataset=demo_dataset, settings=settings))


@pytest.fixture
def client_as(space) -> Callable[[str, str], Client]:
    """An MCP client of a server acting as `user` with `role` (as stdio acts as the local user)."""

    def make(user: str = "ana", role: str = "manager") -> Client:
        return Client(build_server(space, Principal(user, role, "local")))

    return make

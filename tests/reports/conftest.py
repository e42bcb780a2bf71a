"""Fixtures: a tool context on the demo plant whose classifier is trained once per session."""

from __future__ import annotations

import pytest

from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext


@pytest.fixture(scope="session")
def report_settings(tmp_path_factory):  # type: ignore[no-untyped-def]
    return Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("report-data"))


@pytest.fixture
def demo_ctx(demo_dataset, report_settings):  # type: ignore[no-untyped-def]
    return ToolContext(dataset=demo_dataset, settings=report_settings)

"""Fixtures shared by every test: each test gets its own data directory and settings."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from stockwise.tools.core.settings import get_settings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """No test reads the developer's data directory, .env or model endpoint."""
    for var in (
        "DATASET",
        "LLM_BASE_URL",
        "LLM_API_KEY",
        "LLM_MODEL",
        "CHECKPOINT_URL",
        "CHROMA_URL",
    ):
        monkeypatch.delenv(f"STOCKWISE_{var}", raising=False)
    monkeypatch.setenv("STOCKWISE_DATA_DIR", str(tmp_path / "stockwise-data"))
    monkeypatch.chdir(tmp_path)  # no stray .env is picked up
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory):
    """The demo plant (scale 1, seed 42) as CSV files, generated once per test session."""
    from stockwise.demo.generator import generate_demo

    return generate_demo(tmp_path_factory.mktemp("demo") / "plant", scale=1.0, seed=42)


@pytest.fixture(scope="session")
def demo_dataset(demo_dir):
    """The demo plant loaded (strict) once per test session. Treat it as read-only."""
    from stockwise.tools.dataset.load import load_dataset

    return load_dataset(demo_dir)


@pytest.fixture(scope="session")
def import_graph():
    """evals/import_graph.py (a script, run on any checkout: not an installed module), for
    the architecture tests that count imports and find cycles with it."""
    path = Path(__file__).resolve().parents[1] / "evals" / "import_graph.py"
    spec = importlib.util.spec_from_file_location("import_graph", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

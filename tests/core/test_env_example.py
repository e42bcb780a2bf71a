"""`.env.example` lists every setting, so a user finds each key in one place."""

from __future__ import annotations

from pathlib import Path

from stockwise.tools.core.settings import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_every_setting_is_in_env_example():
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"STOCKWISE_{name.upper()}=" not in text]
    assert missing == []

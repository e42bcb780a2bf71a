"""`stockwise mcp --http` refuses to listen beyond this machine without API keys, as
`stockwise serve` does, before anything starts."""

from __future__ import annotations

from typer.testing import CliRunner

from stockwise.assistant.cli.main import app


def test_http_beyond_loopback_without_keys_is_refused():
    done = CliRunner().invoke(app, ["mcp", "--http", "--host", "0.0.0.0", "--port", "1"])
    assert done.exit_code == 2
    assert "Refusing to listen on 0.0.0.0 without API keys" in done.output


def test_a_port_out_of_range_is_refused():
    done = CliRunner().invoke(app, ["mcp", "--http", "--port", "70000"])
    assert done.exit_code == 2
    assert "70000" in done.output

"""`stockwise mcp`: the tools, documents and audit report over the Model Context Protocol,
on stdio (for a desktop client that starts it) or, with `--http`, streamable HTTP."""

from __future__ import annotations

import typer


def mcp(
    http: bool = typer.Option(False, "--http", help="Serve streamable HTTP at /mcp, not stdio."),
    host: str = typer.Option("127.0.0.1", "--host", help="With --http: address to listen on."),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="With --http: the port."),
    insecure_open: bool = typer.Option(
        False,
        "--insecure-open",
        help="With --http and no API keys: listen on a non-loopback --host anyway "
        "(anonymous viewers).",
    ),
) -> None:
    """Serve Stockwise over MCP: every read tool, the documents as resources, the audit report;
    purchase requisitions are drafted and written only when a manager or admin approves."""
    from stockwise.assistant.mcp.run import log_to_stderr
    from stockwise.tools.core.settings import get_settings

    settings = get_settings()
    log_to_stderr()
    if not http:
        from stockwise.assistant.mcp.run import run_stdio

        run_stdio(settings)
        return
    from stockwise.assistant.service.exposure import ExposureRefused, exposure_notice

    try:
        notice = exposure_notice(host, settings.api_keys_file is not None, insecure_open)
    except ExposureRefused as refused:
        typer.echo(str(refused), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{notice} MCP endpoint: http://{host}:{port}/mcp", err=True)
    from stockwise.assistant.mcp.run import run_http

    try:
        run_http(settings, host, port, insecure_open and settings.api_keys_file is None)
    except ValueError as error:  # an unreadable API keys file
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None

"""Running the server: over stdio (a desktop client starts `stockwise mcp` and speaks on its
stdin/stdout, so nothing else may be printed there) or over streamable HTTP at
`http://HOST:PORT/mcp` with the service's API keys."""

from __future__ import annotations

import logging
from pathlib import Path

import anyio
from starlette.types import ASGIApp

from stockwise.assistant.mcp.identity import ApiKeys, local_principal
from stockwise.assistant.mcp.offered import catalog
from stockwise.assistant.mcp.server import build_server
from stockwise.assistant.mcp.workspace import Workspace
from stockwise.assistant.service.auth import KeyStore, RateLimiter
from stockwise.assistant.service.exposure import OpenAccessWarning
from stockwise.tools.core.settings import Settings

PATH = "/mcp"


def log_to_stderr() -> None:
    """Stockwise's own messages on stderr: over stdio, stdout belongs to the protocol."""
    logger = logging.getLogger("stockwise")
    if not logger.handlers:
        handler = logging.StreamHandler()  # stderr
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def run_stdio(settings: Settings) -> None:
    from mcp.server.stdio import stdio_server

    space = Workspace(settings)
    server = build_server(space, local_principal(settings))
    space.warm(catalog)  # the tool modules, for the first call

    async def serve() -> None:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(serve)


def keys_of(settings: Settings) -> KeyStore | None:
    path = settings.api_keys_file
    return KeyStore.load(Path(path)) if path else None


def http_app(
    settings: Settings, host: str, space: Workspace | None = None, insecure_open: bool = False
) -> ASGIApp:
    """The streamable HTTP app at /mcp, behind the API key check (and, when open without
    keys beyond this machine, a warning per request, as the service logs one)."""
    space = space or Workspace(settings)
    server = build_server(space, None)
    app = server.streamable_http_app(streamable_http_path=PATH, host=host)
    space.warm(catalog)  # the tool modules, for the first call
    checked = ApiKeys(app, keys_of(settings), RateLimiter(settings.rate_limit_per_minute))
    return OpenAccessWarning(checked) if insecure_open else checked


def run_http(settings: Settings, host: str, port: int, insecure_open: bool = False) -> None:
    import uvicorn

    app = http_app(settings, host, insecure_open=insecure_open)
    uvicorn.run(app, host=host, port=port, log_level="warning")

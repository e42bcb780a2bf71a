"""`stockwise mcp` as real processes for the transport tests and the benchmark: over stdio
(the SDK's client starts the console script) and over streamable HTTP on a real port on
127.0.0.1, with the SDK's client carrying an API key."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

STOCKWISE = Path(sys.executable).with_name("stockwise")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stdio_client(env: dict[str, str], mode: str = "auto") -> Client:
    """`mode`: "auto" negotiates the newest protocol; "legacy" is the initialize handshake
    that desktop clients of 2025 speak."""
    return Client(StdioServerParameters(command=str(STOCKWISE), args=["mcp"], env=env), mode=mode)


@contextmanager
def http_server(
    env: dict[str, str], port: int | None = None, timeout: float = 120
) -> Iterator[str]:
    """`stockwise mcp --http` on `port` (default: a free one); yields the endpoint's URL once
    it accepts connections."""
    port = port or free_port()
    server = subprocess.Popen(
        [str(STOCKWISE), "mcp", "--http", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "stockwise mcp --http did not listen"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        server.terminate()
        server.wait(20)


@asynccontextmanager
async def http_client(url: str, key: str | None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=120) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        yield client


def new_key(env: dict[str, str], user_role: str) -> str:
    """A key made the service's way (`stockwise serve --new-key`), into the env's keys file."""
    made = subprocess.run(
        [str(STOCKWISE), "serve", "--new-key", user_role],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip()

"""Two (or more) real `stockwise serve` processes sharing one PostgreSQL schema
(`STOCKWISE_STATE_URL`), made fresh for the run and dropped after it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from stockwise.assistant.service.auth import hash_key

STOCKWISE = Path(sys.executable).with_name("stockwise")
KEYS = {"bo": ("key-bo-manager", "manager"), "di": ("key-di-admin", "admin")}
AUDIT_KEY = "replicas-share-this-audit-mac-key-0123456789"


@dataclass
class Replicas:
    urls: list[str]
    state_url: str
    env: dict[str, str]
    processes: list[subprocess.Popen]

    @staticmethod
    def auth(user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {KEYS[user][0]}"}


@contextmanager
def fresh_schema(server_url: str) -> Iterator[str]:
    """A state URL whose tables all land in a new schema, dropped on exit."""
    schema = f"sw_replicas_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{server_url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def wait_ready(url: str, process: subprocess.Popen, log: Path, seconds: float = 600) -> None:
    """Until `/readyz` answers: the dataset opened and the warm-up done, which on a busy
    2-core machine with both replicas starting at once took up to ~5 min."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"replica {url} exited: {log.read_text()[-2000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"replica {url} did not get ready: {log.read_text()[-2000:]}")
        time.sleep(0.3)


@contextmanager
def run_replicas(
    dataset: Path, state_url: str, work: Path, ports: list[int], **extra_env: str
) -> Iterator[Replicas]:
    """Start one `stockwise serve` per port, each with its own data directory (nothing
    shared through files), wait until all are ready; terminate them on exit."""
    keys = work / "keys.json"
    work.mkdir(parents=True, exist_ok=True)
    entries = [{"user": u, "role": r, "key_sha256": hash_key(k)} for u, (k, r) in KEYS.items()]
    keys.write_text(json.dumps(entries))
    env = {
        **os.environ,
        "STOCKWISE_DATASET": str(dataset),
        "STOCKWISE_STATE_URL": state_url,
        "STOCKWISE_API_KEYS_FILE": str(keys),
        "STOCKWISE_AUDIT_KEY": AUDIT_KEY,
        "STOCKWISE_ALERTS_ON_START": "false",
        "STOCKWISE_RATE_LIMIT_PER_MINUTE": "100000",
        **extra_env,
    }
    processes, urls, logs = [], [], []
    try:
        for n, port in enumerate(ports):
            own = {**env, "STOCKWISE_DATA_DIR": str(work / f"replica-{n}")}
            logs.append(work / f"replica-{n}.log")  # a file: a pipe nobody reads would fill
            with logs[-1].open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        [str(STOCKWISE), "serve", "--port", str(port)],
                        env=own,
                        stdout=subprocess.DEVNULL,
                        stderr=log,
                    )
                )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process, log_path in zip(urls, processes, logs, strict=True):
            wait_ready(url, process, log_path)
        yield Replicas(urls, state_url, env, processes)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()

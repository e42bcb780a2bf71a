"""`stockwise serve` as a real process (the console script), used by the `openai` client;
then `stockwise audit verify` on the log it wrote."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from openai import OpenAI

from .conftest import free_port

pytestmark = pytest.mark.slow
STOCKWISE = Path(sys.executable).with_name("stockwise")


def test_serve_answers_the_openai_client_and_audit_verifies(demo_dir, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "STOCKWISE_DATASET": str(demo_dir),
        "STOCKWISE_DATA_DIR": str(tmp_path / "data"),
    }
    server = subprocess.Popen(
        [str(STOCKWISE), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # demo generation and the warm-up
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "stockwise serve did not get ready"
            time.sleep(0.3)
        client = OpenAI(base_url=f"{url}/v1", api_key="unused-without-a-keys-file", max_retries=0)
        question = [{"role": "user", "content": "what is below reorder point?"}]
        whole = client.chat.completions.create(model="stockwise", messages=question)
        text = whole.choices[0].message.content
        assert "Sources: below_reorder_point(" in text
        streamed = "".join(
            c.choices[0].delta.content or ""
            for c in client.chat.completions.create(
                model="stockwise", messages=question, stream=True
            )
            if c.choices
        )
        assert streamed == text
        assert "<!doctype html>" in httpx.get(url).text
    finally:
        server.terminate()
        server.wait(20)
    verify = subprocess.run(
        [str(STOCKWISE), "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )
    assert verify.returncode == 0, verify.stderr
    assert "6 entries, chain and MACs intact" in verify.stdout

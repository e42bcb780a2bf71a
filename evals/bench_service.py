"""Load figures for `stockwise serve`: N concurrent clients asking the offline planner for a
bounded time against a local server on 127.0.0.1 (loopback only).

    python evals/bench_service.py [--clients 50] [--seconds 60] [--dataset DIR]

Prints errors, requests per second, latency p50/p99, the service's own overhead per
request (total minus the graph's time, as the server reports it) and the server's
resident memory after warm-up and at the end."""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

QUESTIONS = [
    "what is below reorder point?",
    "how many of item 1002 do we have at S2?",
    "inventory valuation by site",
    "what is our WIP worth?",
    "how many orders are on the floor right now",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def client(url: str, n: int, deadline: float, out: dict) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        i = n
        while time.perf_counter() < deadline:
            question = QUESTIONS[i % len(QUESTIONS)]
            i += 1
            start = time.perf_counter()
            try:
                reply = await http.post("/api/chat", json={"message": question})
                total = (time.perf_counter() - start) * 1000
                if reply.status_code != 200 or not reply.json().get("answer"):
                    out["errors"].append(f"{reply.status_code}: {reply.text[:120]}")
                    continue
                graph = reply.json()["timings_ms"]["graph"]
                out["total"].append(total)
                out["overhead"].append(total - graph)
            except httpx.HTTPError as error:
                out["errors"].append(repr(error))


async def run(url: str, clients: int, seconds: float) -> dict:
    out: dict = {"total": [], "overhead": [], "errors": []}
    deadline = time.perf_counter() + seconds
    await asyncio.gather(*(client(url, n, deadline, out) for n in range(clients)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--dataset", help="dataset folder (default: the embedded demo plant)")
    args = parser.parse_args()

    port = free_port()
    env = {**os.environ, "STOCKWISE_RATE_LIMIT_PER_MINUTE": "0"}
    env.pop("STOCKWISE_LLM_BASE_URL", None)  # the offline planner: figures without a model
    env.pop("STOCKWISE_API_KEYS_FILE", None)
    env.setdefault("STOCKWISE_DATA_DIR", tempfile.mkdtemp(prefix="stockwise-bench-"))
    if args.dataset:
        env["STOCKWISE_DATASET"] = args.dataset
    stockwise = Path(sys.executable).with_name("stockwise")
    server = subprocess.Popen(
        [str(stockwise), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        started = time.perf_counter()
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.perf_counter() - started > 600:
                print(server.stderr.read().decode()[-2000:], file=sys.stderr)
                return 1
            time.sleep(0.2)
        print(f"server ready in {time.perf_counter() - started:.1f} s")
        asyncio.run(run(url, 2, 5))  # warm-up: every question type once, caches built
        rss_start = rss_mb(server.pid)
        out = asyncio.run(run(url, args.clients, args.seconds))
        rss_end = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(10)

    done = len(out["total"])
    print(
        f"clients {args.clients}, {args.seconds:.0f} s, requests {done}, "
        f"errors {len(out['errors'])}"
    )
    for error in out["errors"][:5]:
        print(f"  error: {error}")
    if done:
        print(f"throughput {done / args.seconds:.1f} req/s")
        print(
            f"latency p50 {percentile(out['total'], 0.5):.0f} ms, "
            f"p99 {percentile(out['total'], 0.99):.0f} ms"
        )
        print(
            f"service overhead (total - graph) p50 {percentile(out['overhead'], 0.5):.1f} ms, "
            f"p99 {percentile(out['overhead'], 0.99):.1f} ms, "
            f"mean {statistics.fmean(out['overhead']):.1f} ms"
        )
    print(
        f"server RSS after warm-up {rss_start:.0f} MB, at the end {rss_end:.0f} MB "
        f"({rss_end - rss_start:+.0f} MB)"
    )
    return 1 if out["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())

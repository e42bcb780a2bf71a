"""Load figures for `stockwise serve`: N concurrent clients asking the offline planner for a
bounded time against a local server subprocess on 127.0.0.1 (loopback only).

    python evals/bench_service.py [--clients 50] [--seconds 60] [--dataset DIR]
                                  [--phases cold,warm]

Two phases on one server: `cold` starts the clients the moment `/readyz` says ready (the
first minute after a start), `warm` runs the same load again afterwards. Each client posts
a question to /api/chat, waits for the answer, and asks the next one (a new conversation
thread each time). Per request the server reports, in its `Server-Timing`
header, where its time went:

    app    from the app getting the request's headers to sending the response's
    recv   of that, waiting for the client to send the request body
    queue  waiting for a free turn worker (the bounded pool that runs the graph)
    graph  inside the graph (planner, tools, checkpoints)

service overhead = app - recv - queue - graph: routing, auth, thread ownership, audit
log, JSON, and the hops between the event loop and the turn worker (with their waits for
the GIL and a core). Queueing is shown on its own, never folded into either. transport =
what the client saw minus app: HTTP parsing, loopback, the client's own work. Memory is
the server's resident set, sampled every second from warm-up to the end; CPU is the
server's and the clients' user+system time."""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from stockwise.assistant.service.timing import parse

QUESTIONS = [
    "what is below reorder point?",
    "how many of item 1002 do we have at S2?",
    "inventory valuation by site",
    "what is our WIP worth?",
    "how many orders are on the floor right now",
]
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def client(http: httpx.AsyncClient, n: int, deadline: float, out: dict) -> None:
    """One client: a question, wait for the answer, the next question (own connection)."""
    i = n
    while time.perf_counter() < deadline:
        question = QUESTIONS[i % len(QUESTIONS)]
        i += 1
        start = time.perf_counter()
        try:
            reply = await http.post("/api/chat", json={"message": question})
            latency = (time.perf_counter() - start) * 1000
            if reply.status_code != 200 or not reply.json().get("answer"):
                out["errors"].append(f"{reply.status_code}: {reply.text[:120]}")
                continue
            server = parse(reply.headers.get("server-timing", ""))
            if not {"app", "recv", "queue", "graph"} <= server.keys():
                out["errors"].append(f"no Server-Timing: {reply.headers}")
                continue
            out["latency"].append(latency)
            for name in ("app", "recv", "queue", "graph"):
                out[name].append(server[name])
            own = server["app"] - server["recv"] - server["queue"] - server["graph"]
            out["overhead"].append(own)
            out["transport"].append(latency - server["app"])
        except httpx.HTTPError as error:
            out["errors"].append(repr(error))


async def sample(pid: int, deadline: float, out: dict) -> None:
    while time.perf_counter() < deadline:
        out["rss"].append((time.perf_counter(), rss_mb(pid)))
        await asyncio.sleep(1.0)
    out["rss"].append((time.perf_counter(), rss_mb(pid)))


async def run(url: str, clients: int, seconds: float, pid: int | None = None) -> dict:
    names = ("latency", "app", "recv", "queue", "graph", "overhead", "transport", "errors", "rss")
    out: dict = {name: [] for name in names}
    # One pool of `clients` connections, made before the clock starts: an AsyncClient each,
    # made as the run starts, stalled the first answers for seconds (SSL context per client).
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        deadline = time.perf_counter() + seconds
        tasks = [client(http, n, deadline, out) for n in range(clients)]
        if pid is not None:
            tasks.append(sample(pid, deadline, out))
        await asyncio.gather(*tasks)
    return out


def wait_ready(url: str, server: subprocess.Popen, log: Path) -> bool:
    started = time.perf_counter()
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                print(f"server ready in {time.perf_counter() - started:.1f} s")
                return True
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.perf_counter() - started > 600:
            print(log.read_text()[-2000:], file=sys.stderr)
            return False
        time.sleep(0.2)


def report(out: dict, clients: int, seconds: float, cpu: dict, load: dict) -> None:
    done = len(out["latency"])
    print(f"clients {clients}, {seconds:.0f} s, requests {done}, errors {len(out['errors'])}")
    for error in out["errors"][:5]:
        print(f"  error: {error}")
    if done:
        print(f"throughput {done / seconds:.1f} req/s")

        def row(label: str, name: str) -> None:
            values = out[name]
            print(
                f"  {label:<40} p50 {percentile(values, 0.5):8.1f}  "
                f"p99 {percentile(values, 0.99):8.1f}  mean {sum(values) / len(values):8.1f}  "
                f"max {max(values):8.1f}"
            )

        print("per request, ms:")
        row("latency (client)", "latency")
        row("app (server, total)", "app")
        row("recv: waiting for the request body", "recv")
        row("queue: waiting for a turn worker", "queue")
        row("graph", "graph")
        row("service overhead (app-recv-queue-graph)", "overhead")
        row("transport (latency - app)", "transport")
    rss = out["rss"]
    if rss:
        mid = rss[len(rss) // 2][1]
        print(
            f"server RSS MB: start {rss[0][1]:.0f}, middle {mid:.0f}, end {rss[-1][1]:.0f}, "
            f"max {max(r for _, r in rss):.0f} (end - start {rss[-1][1] - rss[0][1]:+.0f})"
        )
    print(
        f"CPU s during the run: server {cpu['server']:.1f} ({cpu['server'] / seconds:.2f} cores), "
        f"bench clients {cpu['bench']:.1f}; {os.cpu_count()} cores"
    )
    print(f"load average (1 min) before {load['before']:.2f}, after {load['after']:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--dataset", help="dataset folder (default: the embedded demo plant)")
    parser.add_argument(
        "--phases",
        default="cold,warm",
        help="cold: load from the moment /readyz is 200; warm: load after that (default both)",
    )
    args = parser.parse_args()
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    if not phases or set(phases) - {"cold", "warm"}:
        parser.error("--phases takes cold, warm or cold,warm")

    port = free_port()
    env = {**os.environ, "STOCKWISE_RATE_LIMIT_PER_MINUTE": "0"}
    env.pop("STOCKWISE_LLM_BASE_URL", None)  # the offline planner: figures without a model
    env.pop("STOCKWISE_API_KEYS_FILE", None)
    env.setdefault("STOCKWISE_DATA_DIR", tempfile.mkdtemp(prefix="stockwise-bench-"))
    if args.dataset:
        env["STOCKWISE_DATASET"] = args.dataset
    log = Path(env["STOCKWISE_DATA_DIR"]) / "bench-server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(__doc__.split("\n\n", 2)[2].strip(), end="\n\n")
    stockwise = Path(sys.executable).with_name("stockwise")
    with log.open("wb") as log_file:  # a file, not a pipe: a full pipe would stall the server
        server = subprocess.Popen(
            [str(stockwise), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    errors = 0
    try:
        if not wait_ready(url, server, log):
            return 1
        for phase in phases:
            if phase == "warm" and "cold" not in phases:
                asyncio.run(run(url, 2, 5))  # every question type once, caches built
            load = {"before": os.getloadavg()[0]}
            cpu_server, cpu_bench = cpu_s(server.pid), time.process_time()
            out = asyncio.run(run(url, args.clients, args.seconds, server.pid))
            cpu = {
                "server": cpu_s(server.pid) - cpu_server,
                "bench": time.process_time() - cpu_bench,
            }
            load["after"] = os.getloadavg()[0]
            print(f"\n== {phase}{' (from the moment /readyz is 200)' if phase == 'cold' else ''}")
            report(out, args.clients, args.seconds, cpu, load)
            errors += len(out["errors"])
    finally:
        server.terminate()
        server.wait(10)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())

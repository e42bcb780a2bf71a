"""Two `stockwise serve` replicas sharing state in PostgreSQL (`STOCKWISE_STATE_URL`), N
concurrent chats for a bounded time, each turn sent to the other replica than the last.

    python evals/bench_replicas.py [--chats 50] [--seconds 60] [--dataset DIR]
                                   [--server-url postgresql://postgres@127.0.0.1:5432/test]
                                   [--kill-after S]

Each chat is a conversation thread: a first question on one replica, then follow-ups in the
same thread alternating replicas. Every fifth chat drafts purchase requisitions instead and
approves them on both replicas at once. At the end every thread is read back from each
replica. Figures: errors (anything but an answer, or the 409 of the second approval), turns,
threads continued across replicas (history on both replicas holds every question asked),
approvals applied once (one 200 and one 409 per pair, one `approval` audit entry per
thread, no requisition id twice), wall-clock latency per turn, and the replicas' CPU time
(user+system, from /proc). `--kill-after S` kills replica 2 after S seconds: a request that
fails on it is retried once on replica 1 and counted as `retried`.

The replica starter is the test's (`tests/service/replicas.py`); the schema is fresh for the
run and dropped after it."""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psycopg
from bench_service import QUESTIONS as SERVICE_QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
# The single-service bench's questions (run as a script, evals/ is on sys.path), and one more.
QUESTIONS = [*SERVICE_QUESTIONS, "how many hydraulic seal kits do we have"]
DRAFT = "draft purchase requisitions for critical spare parts"
TICKS = os.sysconf("SC_CLK_TCK")


def _harness():
    path = ROOT / "tests" / "service" / "replicas.py"
    spec = importlib.util.spec_from_file_location("replicas_harness", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / TICKS


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.errors: list[str] = []
        self.latencies: list[float] = []
        self.retried = 0
        self.cut = 0  # approvals whose connection a killed replica cut
        self.threads: dict[str, list[str]] = {}  # thread -> questions asked, in order
        self.replicas_used: dict[str, set[int]] = {}
        self.approval_pairs: list[tuple[int, int]] = []


def chat(n: int, urls: list[str], auth: dict, stop: float, tally: Tally, alive: list[bool]):
    client = httpx.Client(timeout=120, headers=auth)
    rng = random.Random(n)
    while time.monotonic() < stop:
        thread = None
        approving = n % 5 == 0
        for turn in range(3 if not approving else 1):
            if time.monotonic() >= stop:
                break
            question = DRAFT if approving else rng.choice(QUESTIONS)
            side = (n + turn) % 2
            body = {"message": question} | ({"thread_id": thread} if thread else {})
            answer, used = _post(client, urls, side, "/api/chat", body, tally, alive)
            if answer is None:
                break
            thread = answer["thread_id"]
            with tally.lock:
                tally.threads.setdefault(thread, []).append(question)
                tally.replicas_used.setdefault(thread, set()).add(used)
        if approving and thread:
            _approve_on_both(client, urls, thread, tally, alive)
    client.close()


def _post(client, urls, side, path, body, tally, alive):
    """(result, replica index), or (None, side) after recording an error. A refused
    connection to a killed replica is retried once on the other."""
    for attempt in range(2):
        target = side if alive[side] or attempt else 1 - side
        start = time.perf_counter()
        try:
            reply = client.post(f"{urls[target]}{path}", json=body)
        except httpx.TransportError as error:
            if attempt == 0:
                with tally.lock:
                    tally.retried += 1
                side = 1 - target
                continue
            with tally.lock:
                tally.errors.append(f"{path}: {type(error).__name__}")
            return None, target
        with tally.lock:
            tally.latencies.append(time.perf_counter() - start)
            if reply.status_code != 200:
                tally.errors.append(f"{path}: {reply.status_code} {reply.text[:120]}")
                return None, target
        return reply.json(), target
    return None, side


def _approve_on_both(client, urls, thread, tally, alive):
    codes: list[int] = []

    def one(url: str) -> None:
        try:
            reply = client.post(f"{url}/api/threads/{thread}/resume", json={"decision": "approve"})
            codes.append(reply.status_code)
        except httpx.TransportError:
            codes.append(0)

    live = [url for url, up in zip(urls, alive, strict=True) if up]
    pair = [threading.Thread(target=one, args=(url,)) for url in live]
    for t in pair:
        t.start()
    for t in pair:
        t.join()
    with tally.lock:
        tally.approval_pairs.append((codes.count(200), codes.count(409)))
        # 0: the connection was cut (a killed replica); it may have applied the approval
        # before dying, so then the other's 409 is right. The table's ids say the rest.
        unexpected = [c for c in codes if c not in (0, 200, 409)]
        tally.cut += codes.count(0)
        if unexpected or codes.count(200) > 1 or (codes.count(200) == 0 and 0 not in codes):
            tally.errors.append(f"approval of {thread}: {sorted(codes)}")


def continued(urls: list[str], auth: dict, tally: Tally, alive: list[bool]) -> tuple[int, int]:
    """(threads whose every question is in their history on each live replica, threads
    that ran on both replicas)."""
    whole = both = 0
    with httpx.Client(timeout=60, headers=auth) as client:
        for thread, asked in tally.threads.items():
            if len(tally.replicas_used[thread]) == 2:
                both += 1
            ok = True
            for url, up in zip(urls, alive, strict=True):
                if not up:
                    continue
                got = client.get(f"{url}/api/threads/{thread}").json()
                users = [m["content"] for m in got["messages"] if m["role"] == "user"]
                ok &= users == asked
            whole += ok
    return whole, both


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--dataset", type=Path, default=None, help="Default: the demo plant.")
    parser.add_argument("--server-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--kill-after", type=float, default=None)
    args = parser.parse_args()
    harness = _harness()
    work = Path(tempfile.mkdtemp(prefix="bench-replicas-"))
    dataset = args.dataset
    if dataset is None:
        from stockwise.demo.generator import generate_demo

        dataset = generate_demo(work / "plant", scale=1.0, seed=42)
    auth = harness.Replicas.auth("bo")
    with (
        harness.fresh_schema(args.server_url) as state_url,
        harness.run_replicas(dataset, state_url, work, [free_port(), free_port()]) as replicas,
    ):
        urls, pids = replicas.urls, [p.pid for p in replicas.processes]
        cpu_before = [cpu_s(p) for p in pids]
        tally, alive = Tally(), [True, True]
        stop = time.monotonic() + args.seconds
        workers = [
            threading.Thread(target=chat, args=(n, urls, auth, stop, tally, alive))
            for n in range(args.chats)
        ]
        start = time.monotonic()
        for w in workers:
            w.start()
        if args.kill_after is not None:
            time.sleep(args.kill_after)
            replicas.processes[1].kill()
            alive[1] = False
        for w in workers:
            w.join()
        wall = time.monotonic() - start
        cpu = [cpu_s(p) - b for p, b in zip(pids, cpu_before, strict=True)]
        whole, both = continued(urls, auth, tally, alive)
        with psycopg.connect(state_url) as conn:
            approvals = conn.execute(
                "SELECT count(*) FROM stockwise_audit_entry WHERE line::json->>'kind' = 'approval'"
            ).fetchone()[0]
            requisitions = conn.execute(
                "SELECT count(*), count(DISTINCT requisition_id) FROM stockwise_requisition"
            ).fetchone()
    lat = sorted(tally.latencies)

    def pct(q: float) -> float:
        return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else float("nan")

    pairs = tally.approval_pairs
    once = sum(1 for ok, _ in pairs if ok == 1)
    print(f"replicas 2, chats {args.chats}, {wall:.1f} s wall, dataset {dataset}")
    print(f"turns {len(lat)}, errors {len(tally.errors)}, retried on the other replica "
          f"{tally.retried}, approvals cut by a kill {tally.cut}")  # fmt: skip
    print(f"threads {len(tally.threads)}, ran on both replicas {both}, history whole on every "
          f"live replica {whole}")  # fmt: skip
    rows, distinct = requisitions
    print(f"approval pairs {len(pairs)}, applied once {once}, approval audit entries "
          f"{approvals}, requisition rows {rows} (distinct ids {distinct})")  # fmt: skip
    print(f"latency per turn (wall) p50 {pct(0.5):.0f} ms, p95 {pct(0.95):.0f} ms, "
          f"max {pct(1.0):.0f} ms")  # fmt: skip
    print(f"replica CPU (user+system) {cpu[0]:.1f} s + {cpu[1]:.1f} s; "
          f"{sum(c for c in cpu if c == c) / max(1, len(lat)) * 1000:.0f} ms per turn")  # fmt: skip
    for error in tally.errors[:10]:
        print("  error:", error)
    sys.exit(1 if tally.errors else 0)


if __name__ == "__main__":
    main()

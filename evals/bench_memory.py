"""Conversation memory over a long run: how much the store holds, and adds per turn, as
1,000 turns go through one thread and through several, with the memory bounded (the
default) and unbounded (`memory_turns_kept=0`, as before it was bounded), on SQLite and on
PostgreSQL.

    python evals/bench_memory.py                          # everything below, ~15-25 min
    python evals/bench_memory.py --stores sqlite --turns 200
    python evals/bench_memory.py --pg-url postgresql://postgres@127.0.0.1:5432/postgres

The offline planner answers the Q&A eval's questions (evals/qa/questions.py; follow-ups
after their lead question) on the demo plant, in order, round and round. At turns 10, 100,
500 and 1,000 it prints the store's size on disk (SQLite: the file, its WAL checkpointed
in first; PostgreSQL: the checkpoint tables with their indexes and TOAST, in a database of
the benchmark's own) and the bytes added per turn over the last tenth of the turns, and the
ratio of that figure at the last checkpoint to the first: flat memory has a ratio near 0
(it stops growing) or 1 (it grows by the same amount each turn). Unbounded memory grows
with the square of a thread's length, so its one-thread run stops once the store passes
--old-limit-mb, and the size at the last turn is extrapolated from there.

Figures, not a test: tests/agent/test_memory_bounded.py checks the behaviour.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from stockwise.assistant.agent.session import open_session
from stockwise.assistant.startup import open_context
from stockwise.tools.core.settings import Settings
from stockwise.tools.dataset.context import ToolContext

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from evals.qa.questions import QUESTIONS  # noqa: E402 - evals/ is not an installed package

DATA_DIR = Path("/tmp/stockwise-bench-memory")
CHECKPOINTS = (10, 100, 500, 1000)
PG_DB = "stockwise_bench_memory"
# The first call of these builds a document index or fits a classifier (10-20 s): a cost
# of the tool, not of memory, so the benchmark leaves them out.
SLOW_FIRST_CALL = {"search_documents", "classify_item"}


@dataclass
class Run:
    store: str
    scenario: str
    bounded: bool
    disk: dict[int, int] = field(default_factory=dict)  # turn -> bytes on disk (0: before)
    live: dict[int, int] = field(default_factory=dict)  # turn -> bytes of rows held
    turn_ms: dict[int, float] = field(default_factory=dict)  # turn -> ms of that turn
    stopped_at: int | None = None  # the unbounded one-thread run, past --old-limit-mb

    @property
    def label(self) -> str:
        return "bounded" if self.bounded else "unbounded (before)"


def questions() -> list[str]:
    return [q.text for q in QUESTIONS if not set(q.tools) & SLOW_FIRST_CALL]


def window_start(turn: int) -> int:
    """Where the window that bytes per turn are averaged over starts: the last tenth of the
    turns, and at least 5 (at turn 10, one turn is as much page allocation as memory)."""
    return max(0, turn - max(5, turn // 10))


def measured_turns(total: int) -> set[int]:
    marks = {t for t in CHECKPOINTS if t <= total} | {total}
    return marks | {window_start(t) for t in marks}


def per_turn(sizes: dict[int, int], turn: int) -> float:
    """Bytes added per turn over the window that ends at `turn` (from the last turn
    measured at or before its start)."""
    start = max(t for t in sizes if t <= window_start(turn))
    return (sizes[turn] - sizes[start]) / (turn - start)


# --- the stores -----------------------------------------------------------------------------
def sqlite_size(settings: Settings) -> tuple[int, int]:
    """Bytes on disk (the file, its WAL checkpointed in first) and bytes of rows held."""
    path = settings.checkpoint_path
    live = 0
    if path.exists():
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            live = db.execute(
                "SELECT (SELECT COALESCE(SUM(LENGTH(checkpoint) + LENGTH(metadata)), 0) "
                "FROM checkpoints) + (SELECT COALESCE(SUM(LENGTH(value)), 0) FROM writes)"
            ).fetchone()[0]
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")), live


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


TABLES = ("checkpoints", "checkpoint_blobs", "checkpoint_writes")
# Per column: a whole row's pg_column_size counts a TOASTed value as its 18-byte pointer.
LIVE_SQL = (
    "SELECT (SELECT COALESCE(SUM(pg_column_size(checkpoint) + pg_column_size(metadata)), 0) "
    "FROM checkpoints) + (SELECT COALESCE(SUM(pg_column_size(blob)), 0) FROM checkpoint_blobs) "
    "+ (SELECT COALESCE(SUM(pg_column_size(blob)), 0) FROM checkpoint_writes)"
)


def pg_size(url: str, vacuum: bool) -> tuple[int, int]:
    """Bytes on disk (tables, indexes, TOAST) and bytes of rows held (as stored, compressed
    where PostgreSQL compressed them). `vacuum` first frees dead rows for reuse, as
    autovacuum does on a server that has it on."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if vacuum:
            conn.execute(f"VACUUM {', '.join(TABLES)}")
        disk = conn.execute(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "WHERE c.relname = ANY(%s) AND c.relkind = 'r'",
            (list(TABLES),),
        ).fetchone()
        live = conn.execute(LIVE_SQL).fetchone()
    return int(disk[0]) if disk else 0, int(live[0]) if live else 0


def autovacuum_on(url: str) -> bool:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW autovacuum").fetchone()
    return bool(row) and row[0] == "on"


def bench_url(admin_url: str) -> str:
    return admin_url.rsplit("/", 1)[0] + f"/{PG_DB}"


# --- one run --------------------------------------------------------------------------------
def drive(run: Run, ctx: ToolContext, args: argparse.Namespace) -> Run:
    """`args.turns` questions, through one thread or round-robin through `args.threads`."""
    kept = {"memory_turns_kept": ctx.settings.memory_turns_kept if run.bounded else 0}
    if run.store == "postgres":
        pg_admin(args.pg_url, f"DROP DATABASE IF EXISTS {PG_DB}")
        pg_admin(args.pg_url, f"CREATE DATABASE {PG_DB}")
        settings = ctx.settings.model_copy(
            update={**kept, "checkpoint_url": bench_url(args.pg_url)}
        )

        def size() -> tuple[int, int]:
            return pg_size(bench_url(args.pg_url), args.vacuum)
    else:
        folder = DATA_DIR / f"memory-{run.store}-{run.scenario}-{int(run.bounded)}"
        for stale in folder.glob("memory.sqlite*"):
            stale.unlink()
        settings = ctx.settings.model_copy(update={**kept, "data_dir": folder})

        def size() -> tuple[int, int]:
            return sqlite_size(settings)

    threads = 1 if run.scenario == "one thread" else args.threads
    texts = questions()
    marks = measured_turns(args.turns)
    limit = args.old_limit_mb * 1_000_000
    session_ctx = ToolContext(dataset=ctx.dataset, settings=settings, services=ctx.services)
    with open_session(session_ctx) as session:
        run.disk[0], run.live[0] = size()
        for turn in range(1, args.turns + 1):
            thread = f"bench-{(turn - 1) % threads}"
            text = texts[((turn - 1) // threads) % len(texts)]
            start = time.perf_counter()
            session.ask(text, thread)
            ms = (time.perf_counter() - start) * 1000
            vacuum_due = args.vacuum_every and turn % args.vacuum_every == 0
            if run.store == "postgres" and vacuum_due and turn not in marks:
                pg_size(bench_url(args.pg_url), vacuum=True)
            check_limit = not run.bounded and threads == 1 and turn % 10 == 0
            if turn in marks or check_limit:
                run.disk[turn], run.live[turn] = size()
                run.turn_ms[turn] = ms
                if check_limit and run.disk[turn] > limit:
                    run.stopped_at = turn
                    break
    if run.store == "postgres":
        pg_admin(args.pg_url, f"DROP DATABASE IF EXISTS {PG_DB}")
    return run


# --- report ---------------------------------------------------------------------------------
def mb(n: float) -> str:
    return f"{n / 1e6:,.2f} MB"


def ratio(sizes: dict[int, int], shown: list[int]) -> str:
    first, last = per_turn(sizes, shown[0]), per_turn(sizes, shown[-1])
    return f"{last / first:.2f}x" if first else "n/a"


def report(run: Run, turns: int) -> None:
    print(f"\n{run.store} · {run.scenario} · {run.label}")
    print(
        f"  {'turn':>5}  {'on disk':>12}  {'added/turn':>11}  {'rows held':>12}  "
        f"{'added/turn':>11}  {'that turn':>9}"
    )
    shown = [t for t in sorted(run.disk) if t in CHECKPOINTS or t == run.stopped_at]
    for t in shown:
        print(
            f"  {t:>5}  {mb(run.disk[t]):>12}  {per_turn(run.disk, t):>11,.0f}  "
            f"{mb(run.live[t]):>12}  {per_turn(run.live, t):>11,.0f}  {run.turn_ms[t]:>6.0f} ms"
        )
    if len(shown) >= 2:
        print(
            f"  bytes added per turn, turn {shown[-1]} vs turn {shown[0]}: "
            f"on disk {ratio(run.disk, shown)}, rows held {ratio(run.live, shown)}"
        )
    if run.stopped_at:
        t = run.stopped_at
        guess = run.disk[t] * (turns / t) ** 2
        print(
            f"  stopped at turn {t}, past --old-limit-mb; growing with the square of the "
            f"thread's length, turn {turns} would hold about {guess / 1e9:,.0f} GB"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=20, help="the several-threads run")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--scenarios", default="one,several")
    parser.add_argument("--modes", default="bounded,unbounded")
    parser.add_argument(
        "--pg-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a database to create the benchmark's own from (dropped after each run)",
    )
    parser.add_argument("--old-limit-mb", type=float, default=1500)
    parser.add_argument(
        "--vacuum-every",
        type=int,
        default=None,
        help="PostgreSQL: VACUUM the checkpoint tables every N turns and before each "
        "measure (default: 50 when the server's autovacuum is off, else never)",
    )
    args = parser.parse_args()
    if "postgres" in args.stores and args.vacuum_every is None:
        args.vacuum_every = 0 if autovacuum_on(args.pg_url) else 50
        if args.vacuum_every:
            print(
                "PostgreSQL: autovacuum is off on this server; the benchmark vacuums the "
                "checkpoint tables every 50 turns and before each measure in its place"
            )
    args.vacuum = bool(args.vacuum_every)

    settings = Settings(data_dir=DATA_DIR, checkpoint_url=None)
    print(f"opening the demo plant in {DATA_DIR} (generated on first use) ...", flush=True)
    ctx = open_context(settings)
    print(
        f"memory: {settings.memory_turns_kept} turns kept, the latest "
        f"{settings.memory_whole_turns} whole; {len(questions())} questions, round and round"
    )
    runs = []
    for store in args.stores.split(","):
        for scenario in args.scenarios.split(","):
            for mode in args.modes.split(","):
                name = "one thread" if scenario == "one" else f"{args.threads} threads"
                run = Run(store, name, mode == "bounded")
                start = time.perf_counter()
                drive(run, ctx, args)
                report(run, args.turns)
                print(f"  ({time.perf_counter() - start:,.0f} s)", flush=True)
                runs.append(run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Retrieval eval: section-level recall@5 and MRR per slice, how often the search says the
documents do not cover a question (rightly and wrongly), hybrid vs dense-only vs
keyword-only, warm query latency and the cold index build time.

    python -m evals.retrieval [--set tuned|validation|blind] [--scale N] [--misses]

The index is built from scratch in a temporary folder, so the build time is a cold one
(model load included). Machines are named from the demo plant's equipment table at
`--scale` (20 for the latency target). Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from evals.retrieval.sets import SETS, Question, load
from stockwise.demo import catalog, maintenance
from stockwise.knowledge import CORPUS_DIR
from stockwise.tools.documents.aliases import MachineNames
from stockwise.tools.documents.e5 import clear_cache, warm
from stockwise.tools.documents.index import build_index
from stockwise.tools.documents.retriever import HybridRetriever
from stockwise.tools.documents.store import get_collection, open_client

MODES = ("hybrid", "dense", "keyword")
MRR_DEPTH = 10
K = 5
OTHER_LANGUAGES = ("de", "nl", "fr")
TARGETS = {
    "english_recall": 0.95,
    "english_mrr": 0.85,
    "other_recall": 0.80,
    "ooc_flagged": 0.95,
    "wrongly_flagged": 0.02,
    "p50_ms": 20.0,
}
# The simplest abstention beside relevance.judge: decline when the best passage's raw
# cosine is below this. Set on the validation set (the highest threshold that declines
# at most 2% of its answerable questions), never on the blind one.
BASELINE_COSINE = 0.785


def demo_retriever(collection, scale: float) -> HybridRetriever:
    """The retriever as the demo plant at `scale` sees it: its equipment and site names."""
    rows = [
        {
            "equipment_id": e.equipment_id,
            "name": e.name,
            "equipment_type": e.equipment_type,
            "site_id": e.site_id,
        }
        for e in maintenance.build_equipment(scale)
    ]
    sites = {s.site_id: s.name for s in catalog.SITES}
    return HybridRetriever(
        collection,
        equipment_types={r["equipment_id"]: r["equipment_type"] for r in rows},
        machines=MachineNames(rows, sites),
    )


def run_questions(retriever: HybridRetriever, questions: list[Question], mode: str) -> list[dict]:
    rows = []
    for q in questions:
        retriever.retrieve(q.text, k=MRR_DEPTH, mode=mode)  # warm the model, Chroma, allocator
        clear_cache()  # but the timed call embeds the query again, as a new question would
        started, cpu_started = time.perf_counter(), time.thread_time()
        found = retriever.retrieve(q.text, k=MRR_DEPTH, mode=mode)
        ms = (time.perf_counter() - started) * 1000
        cpu = (time.thread_time() - cpu_started) * 1000
        keys = [f"{h.metadata['doc_id']}|{h.metadata['section']}" for h in found.hits]
        rank = next((i for i, key in enumerate(keys, start=1) if q.accepts(key)), None)
        rows.append(
            {"q": q, "rank": rank, "covered": found.covered, "verdict": found.verdict,
             "keys": keys, "ms": ms, "cpu_ms": cpu}
        )  # fmt: skip
    return rows


def summarise(rows: list[dict]) -> dict[str, float]:
    answerable = [r for r in rows if r["q"].answerable]
    unanswerable = [r for r in rows if not r["q"].answerable]
    n = len(answerable)
    return {
        "n": len(rows),
        "answerable": n,
        "recall": sum(1 for r in answerable if r["rank"] and r["rank"] <= K) / n if n else 0,
        "mrr": sum(1 / r["rank"] for r in answerable if r["rank"]) / n if n else 0,
        # Answerable questions the search declined: the user gets nothing.
        "wrongly_flagged": sum(1 for r in answerable if not r["covered"]) / n if n else 0,
        # A found passage in the top 5 and not declined: what the user actually gets.
        "answered": (
            sum(1 for r in answerable if r["covered"] and r["rank"] and r["rank"] <= K) / n
            if n
            else 0
        ),
        "unanswerable": len(unanswerable),
        "flagged": (
            sum(1 for r in unanswerable if not r["covered"]) / len(unanswerable)
            if unanswerable
            else 0
        ),
    }


def baseline_rows(rows: list[dict]) -> list[dict]:
    """The same rankings, declined by the raw-cosine baseline instead of the verdict."""
    return [r | {"covered": r["verdict"].dense_top >= BASELINE_COSINE} for r in rows]


def slice_table(rows: list[dict]) -> dict[str, dict[str, float]]:
    by_slice: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_slice[r["q"].slice].append(r)
        if r["q"].slice.startswith("en-"):
            by_slice["all English"].append(r)
        if r["q"].slice in OTHER_LANGUAGES:
            by_slice["all other languages"].append(r)
    by_slice["all"] = rows
    return {name: summarise(group) for name, group in by_slice.items()}


def print_slices(table: dict[str, dict[str, float]]) -> None:
    print(
        f"{'slice':<22} {'n':>4} {'ans':>4} {'R@5':>6} {'MRR':>6} {'answered':>9} "
        f"{'wrongly flagged':>16} {'unans':>6} {'flagged':>8}"
    )
    for name, s in table.items():
        answerable = s["answerable"]
        ranking = (
            f"{s['recall']:>6.3f} {s['mrr']:>6.3f} {s['answered']:>9.3f} "
            f"{s['wrongly_flagged']:>16.3f}"
            if answerable
            else f"{'-':>6} {'-':>6} {'-':>9} {'-':>16}"
        )
        flagged = f"{s['flagged']:>8.3f}" if s["unanswerable"] else f"{'-':>8}"
        print(f"{name:<22} {s['n']:>4} {answerable:>4} {ranking} {s['unanswerable']:>6} {flagged}")


def checks(table: dict[str, dict[str, float]], p50: float) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for name, s in table.items():
        if name.startswith("en-") and s["answerable"]:
            out[f"{name}: R@5 {s['recall']:.3f} >= {TARGETS['english_recall']}"] = (
                s["recall"] >= TARGETS["english_recall"]
            )
            out[f"{name}: MRR {s['mrr']:.3f} >= {TARGETS['english_mrr']}"] = (
                s["mrr"] >= TARGETS["english_mrr"]
            )
    other = table.get("all other languages")
    if other and other["answerable"]:
        out[f"other languages: R@5 {other['recall']:.3f} >= {TARGETS['other_recall']}"] = (
            other["recall"] >= TARGETS["other_recall"]
        )
    ooc = table.get("out-of-corpus")
    if ooc:
        out[f"out-of-corpus flagged {ooc['flagged']:.3f} >= {TARGETS['ooc_flagged']}"] = (
            ooc["flagged"] >= TARGETS["ooc_flagged"]
        )
    wrong = table["all"]["wrongly_flagged"]
    out[f"answerable wrongly flagged {wrong:.3f} <= {TARGETS['wrongly_flagged']}"] = (
        wrong <= TARGETS["wrongly_flagged"]
    )
    out[f"search p50 {p50:.1f} ms <= {TARGETS['p50_ms']:.0f} ms"] = p50 <= TARGETS["p50_ms"]
    return out


def print_misses(rows: list[dict]) -> None:
    for r in rows:
        q, v = r["q"], r["verdict"]
        miss = q.answerable and (not r["rank"] or r["rank"] > 1 or not r["covered"])
        if miss or (not q.answerable and r["covered"]):
            print(
                f"  {q.qid} {q.slice:<16} rank={r['rank']} covered={r['covered']} "
                f"dense={v.dense_top:.3f} known={v.known:.2f} agree={v.agree} "
                f"{q.text[:60]!r} -> {r['keys'][:2]}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--set", dest="qset", choices=SETS, default="tuned")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--questions", type=Path, help="another file (or folder) of the set")
    parser.add_argument("--scale", type=float, default=20, help="demo plant scale for names")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    questions = load(args.qset, args.questions)

    with tempfile.TemporaryDirectory(prefix="stockwise-eval-") as tmp:
        started, cpu_started = time.perf_counter(), time.process_time()
        collection = get_collection(open_client(path=Path(tmp) / "chroma"))
        report = build_index(args.corpus, collection)
        cold = time.perf_counter() - started
        cold_cpu = time.process_time() - cpu_started
        retriever = demo_retriever(collection, args.scale)
        known = {f"{m['doc_id']}|{m['section']}" for m in collection.get()["metadatas"]}
        docs = {k.split("|", 1)[0] for k in known}
        missing = sorted(
            a
            for q in questions
            for a in q.answers
            if a not in known and not (a.endswith("|*") and a[:-2] in docs)
        )
        if missing:
            print("expected passages not in the index:", ", ".join(missing))
            return 2
        warm()  # as the service's warm-up does: questions embedded by the query graph
        results = {mode: run_questions(retriever, questions, mode) for mode in MODES}

    files, passages = len(report.indexed), report.passages_total
    print(
        f"Retrieval eval, {args.qset} set: {len(questions)} questions, {files} documents, "
        f"{passages} passages; machine names at demo scale {args.scale:g}"
    )
    for line in report.lines()[1:]:
        print(f"  {line}")
    # CPU seconds too: on shared cores the wall time says as much about the neighbours.
    print(f"cold index build: {cold:.1f} s wall, {cold_cpu:.1f} s CPU (model load included)")
    print(f"indexing throughput: {passages / max(report.embed_seconds, 1e-9):.1f} passages/s")
    print()
    print(f"{'mode':<9} {'R@5':>6} {'MRR':>6} {'p50 ms':>8} {'p95 ms':>8} {'p50 CPU ms':>11}")
    for mode, rows in results.items():
        s = summarise(rows)
        ms = sorted(r["ms"] for r in rows)
        cpu = statistics.median(r["cpu_ms"] for r in rows)
        p95 = ms[int(0.95 * (len(ms) - 1))]
        print(
            f"{mode:<9} {s['recall']:>6.3f} {s['mrr']:>6.3f} {statistics.median(ms):>8.1f} "
            f"{p95:>8.1f} {cpu:>11.1f}"
        )
    hybrid = results["hybrid"]
    print("\nhybrid, by slice (R@5 and MRR over answerable questions; 'answered': found in the")
    print("top 5 and not declined; 'flagged': declined as not covered)")
    table = slice_table(hybrid)
    print_slices(table)
    base = slice_table(baseline_rows(hybrid))
    print(f"\nbaseline abstention (decline when the raw cosine < {BASELINE_COSINE}), same ranking:")
    print_slices(base)
    print("\nabstention, verdict vs baseline (margin = verdict - baseline):")
    for name, label in (("out-of-corpus", "flagged"), ("all", "wrongly_flagged")):
        if name in table:
            ours, theirs = table[name][label], base[name][label]
            print(f"  {name} {label}: {ours:.3f} vs {theirs:.3f} (margin {ours - theirs:+.3f})")
    if args.misses:
        print("\nmisses (rank > 1, declined answerable, or accepted unanswerable):")
        print_misses(hybrid)
    p50 = statistics.median(r["ms"] for r in hybrid)
    print()
    results_ok = checks(table, p50)
    for name, ok in results_ok.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(results_ok.values()) else 1

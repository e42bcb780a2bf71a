"""Retrieval eval: recall@5 and MRR of hybrid vs dense-only vs keyword-only retrieval over the
demo corpus, warm query latency, indexing throughput and the cold index build time.

    python -m evals.retrieval [--corpus DIR] [--questions FILE] [--k 5]

The index is built from scratch in a temporary folder, so the build time is a cold one
(model load included). Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from stockwise.knowledge import CORPUS_DIR
from stockwise.tools.documents.index import build_index
from stockwise.tools.documents.minilm import clear_cache
from stockwise.tools.documents.retriever import HybridRetriever
from stockwise.tools.documents.store import get_collection, open_client

QUESTIONS = Path(__file__).with_name("questions.yaml")
MODES = ("hybrid", "dense", "keyword")
MRR_DEPTH = 10
TARGETS = {"recall@5": 0.90, "mrr": 0.75, "p50_ms": 50.0, "cold_build_s": 60.0}


def load_questions(path: Path) -> list[tuple[str, set[str]]]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(row["q"], set(row["a"])) for row in rows]


def evaluate(retriever: HybridRetriever, questions, mode: str, k: int) -> dict[str, float]:
    hits_at_k, reciprocal, latencies, cpu = 0, 0.0, [], []
    for query, answers in questions:
        retriever.search(query, k=MRR_DEPTH, mode=mode)  # warm the model, Chroma, allocator
        clear_cache()  # but the timed call embeds the query again, as a new question would
        started, cpu_started = time.perf_counter(), time.thread_time()
        hits = retriever.search(query, k=MRR_DEPTH, mode=mode)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - cpu_started) * 1000)
        keys = [f"{h.metadata['doc_id']}|{h.metadata['section']}" for h in hits]
        rank = next((i for i, key in enumerate(keys, start=1) if key in answers), None)
        hits_at_k += rank is not None and rank <= k
        reciprocal += 1.0 / rank if rank else 0.0
    latencies.sort()
    return {
        f"recall@{k}": hits_at_k / len(questions),
        "mrr": reciprocal / len(questions),
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
        # CPU time of the calling thread: the query's own cost, whatever the neighbours do.
        "p50_cpu_ms": statistics.median(cpu),
    }


def check_answers_exist(retriever: HybridRetriever, questions) -> list[str]:
    """Every expected passage must exist, or a typo would silently lower recall."""
    got = retriever._collection.get(include=["metadatas"])
    known = {f"{m['doc_id']}|{m['section']}" for m in got["metadatas"]}
    return sorted({a for _, answers in questions for a in answers} - known)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args(argv)
    questions = load_questions(args.questions)

    with tempfile.TemporaryDirectory(prefix="stockwise-eval-") as tmp:
        started, cpu_started = time.perf_counter(), time.process_time()
        collection = get_collection(open_client(path=Path(tmp) / "chroma"))
        report = build_index(args.corpus, collection)
        cold = time.perf_counter() - started
        cold_cpu = time.process_time() - cpu_started
        retriever = HybridRetriever(collection)
        missing = check_answers_exist(retriever, questions)
        if missing:
            print("expected passages not in the index:", ", ".join(missing))
            return 2
        results = {mode: evaluate(retriever, questions, mode, args.k) for mode in MODES}

    files, passages = len(report.indexed), report.passages_total
    print(f"Retrieval eval: {len(questions)} questions, {files} documents, {passages} passages")
    for line in report.lines()[1:]:
        print(f"  {line}")
    # CPU seconds too: on shared cores the wall time says as much about the neighbours.
    print(f"cold index build: {cold:.1f} s wall, {cold_cpu:.1f} s CPU (model load included)")
    print(
        f"indexing throughput: {passages / report.embed_seconds:.1f} passages/s wall, "
        f"{passages / cold_cpu:.1f} per CPU-second (whole build)"
    )
    print()
    header = f"{'mode':<9} {'recall@' + str(args.k):>9} {'MRR':>6} {'p50 ms':>8} {'p95 ms':>8}"
    print(f"{header} {'p50 CPU ms':>11}")
    for mode, r in results.items():
        print(
            f"{mode:<9} {r[f'recall@{args.k}']:>9.3f} {r['mrr']:>6.3f} "
            f"{r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['p50_cpu_ms']:>11.1f}"
        )
    hybrid = results["hybrid"]
    checks = {
        f"recall@{args.k} >= {TARGETS['recall@5']}": hybrid[f"recall@{args.k}"]
        >= TARGETS["recall@5"],
        f"MRR >= {TARGETS['mrr']}": hybrid["mrr"] >= TARGETS["mrr"],
        "hybrid better than dense-only and keyword-only (MRR)": all(
            hybrid["mrr"] > results[m]["mrr"] for m in ("dense", "keyword")
        ),
        f"p50 <= {TARGETS['p50_ms']:.0f} ms": hybrid["p50_ms"] <= TARGETS["p50_ms"],
        f"cold build <= {TARGETS['cold_build_s']:.0f} s": cold <= TARGETS["cold_build_s"],
    }
    print()
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1

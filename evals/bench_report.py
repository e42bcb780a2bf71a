"""Time the audit report end to end, the way a user runs it: `stockwise report audit` in a
fresh process, twice over one data folder, so the first run trains and saves the classifier
(if no model is saved for the dataset yet) and the second loads it.

    python evals/bench_report.py                                  # the demo plant, PDF
    python evals/bench_report.py --dataset /work/scale20 --period 2025-Q3 --format pdf
    python evals/bench_report.py --data-dir /tmp/keep --runs 1    # reuse a saved model

Prints, per run, wall and CPU time of the whole process (dataset load included), its peak
memory, and each section's wall and CPU time from `--timings`, with the load average, since
on shared cores wall time says as much about the neighbours as about the report. Figures,
not a test: nothing here fails a build. Targets (issue 9): demo <= 20 s, scale 20 <= 120 s
on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEP = re.compile(r"^\s+(?P<step>.+?)\s+(?P<wall>[\d.]+) s wall\s+(?P<cpu>[\d.]+) s CPU$")


def run_once(args: argparse.Namespace, data_dir: Path, out: Path) -> dict:
    env = {**os.environ, "STOCKWISE_DATA_DIR": str(data_dir)}
    if args.dataset:
        env["STOCKWISE_DATASET"] = str(args.dataset)
    else:
        env.pop("STOCKWISE_DATASET", None)
    command = [
        str(Path(sys.executable).with_name("stockwise")),
        "report", "audit", "--period", args.period, "--format", args.format,
        "--out", str(out), "--timings",
    ]  # fmt: skip
    if args.site:
        command += ["--site", args.site]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"stockwise report audit failed:\n{done.stdout}\n{done.stderr}")
    steps = [
        (m["step"], float(m["wall"]), float(m["cpu"]))
        for m in map(STEP.match, done.stdout.splitlines())
        if m
    ]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_mb": after.ru_maxrss / 1024,
        "load_before": load,
        "load_after": os.getloadavg()[0],
        "steps": steps,
        "bytes": out.stat().st_size,
        "summary": done.stdout.splitlines()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, help="a dataset folder (default: the demo)")
    parser.add_argument("--period", default="2025-Q3")
    parser.add_argument("--site")
    parser.add_argument("--format", default="pdf", choices=["pdf", "html", "md"])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, help="keep models here (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        print(f"dataset {args.dataset or 'demo plant'} · period {args.period} · "
              f"site {args.site or 'all'} · {args.format} · {os.cpu_count()} CPUs")  # fmt: skip
        for n in range(1, args.runs + 1):
            result = run_once(args, data_dir, Path(tmp) / f"report.{args.format}")
            print(
                f"\nrun {n}: {result['wall']:.1f} s wall, {result['cpu']:.1f} s CPU, "
                f"peak {result['peak_mb']:.0f} MB, {result['bytes'] / 1024:.0f} kB file, "
                f"load average {result['load_before']:.1f} -> {result['load_after']:.1f}"
            )
            print(f"  {result['summary']}")
            print(f"  {'step':<16} {'wall s':>8} {'CPU s':>8}")
            accounted = sum(w for _, w, _ in result["steps"])
            accounted_cpu = sum(c for _, _, c in result["steps"])
            for step, wall, cpu in result["steps"]:
                print(f"  {step:<16} {wall:8.1f} {cpu:8.1f}")
            rest_wall, rest_cpu = result["wall"] - accounted, result["cpu"] - accounted_cpu
            print(f"  {'(start, load)':<16} {rest_wall:8.1f} {rest_cpu:8.1f}")


if __name__ == "__main__":
    main()

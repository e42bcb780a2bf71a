"""Cold `stockwise ask`: a new process per question, as a user at a terminal pays it.

    python evals/bench_cold_ask.py [--runs 9] [--baseline /path/to/other/venv/bin/stockwise]

Runs the question in fresh processes, interleaving this build with the baseline build when
one is given (the same machine load falls on both), and prints the median wall time, the
median CPU time (user + system, steadier than wall on a shared machine) and their ratio.
The demo dataset is opened from its Parquet cache, so the first run that generates it is
discarded as a warm-up for each build.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

QUESTION = "Which critical spare parts will run out within their lead time?"


def one_run(executable: str, question: str, data_dir: str | None) -> tuple[float, float]:
    """Wall and CPU seconds of one `ask` in a new process."""
    env = {**os.environ, "NO_COLOR": "1"}
    if data_dir:
        env["STOCKWISE_DATA_DIR"] = data_dir
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [executable, "ask", question],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--baseline", help="the `stockwise` executable of the build to compare")
    parser.add_argument(
        "--baseline-data-dir",
        help="the baseline's own data dir: two builds sharing one would rewrite each other's "
        "Parquet cache on every run (default: STOCKWISE_DATA_DIR + '-baseline')",
    )
    args = parser.parse_args()

    this = shutil.which("stockwise") or sys.exit("`stockwise` is not on PATH")
    builds = {"this build": this}
    data_dirs: dict[str, str | None] = {"this build": None}
    if args.baseline:
        builds["baseline"] = args.baseline
        own = os.environ.get("STOCKWISE_DATA_DIR")
        data_dirs["baseline"] = args.baseline_data_dir or (own + "-baseline" if own else None)
        if data_dirs["baseline"] is None:
            sys.exit("set STOCKWISE_DATA_DIR or --baseline-data-dir to keep the builds apart")
    for name, executable in builds.items():
        one_run(executable, args.question, data_dirs[name])  # generates/caches the demo
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in builds}
    for _ in range(args.runs):
        for name, executable in builds.items():
            samples[name].append(one_run(executable, args.question, data_dirs[name]))

    print(f"cold `stockwise ask {args.question!r}`, {args.runs} interleaved runs each")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # Both builds then compile their modules from source on every run, which an installed
        # copy does only once: the build with more modules pays more.
        print("note: PYTHONDONTWRITEBYTECODE is set: each run compiles from source")
    medians = {}
    for name, runs in samples.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        medians[name] = (wall, cpu)
        print(f"  {name:<10}  wall p50 {wall:.2f} s   cpu p50 {cpu:.2f} s   ({builds[name]})")
    if "baseline" in medians:
        (wall, cpu), (base_wall, base_cpu) = medians["this build"], medians["baseline"]
        print(f"  ratio to baseline: wall {wall / base_wall:.2f}x, cpu {cpu / base_cpu:.2f}x")


if __name__ == "__main__":
    main()

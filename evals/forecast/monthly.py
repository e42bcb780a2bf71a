"""Monthly spare-parts benchmarks from a long `unique_id, ds, y` file: car parts (2,509
series, Hyndman's carparts), the refinery's MRO stores (7,024 series), or any other set in
that shape. Rolling origins, chosen and reported as `protocol.py` says. The file is read
from where it lies, never copied."""

from __future__ import annotations

import time
from pathlib import Path

from evals.forecast.backtest import SharedPoints, print_table, run_backtest, standard_methods
from evals.forecast.metrics import scales
from evals.forecast.protocol import describe, load_matrix, origins


def monthly_benchmark(
    title: str,
    path: Path,
    *,
    h: int = 6,
    last: int = 12,
    step: int = 1,
    n_jobs: int = 2,
    window: str = "report",
) -> None:
    start = time.perf_counter()
    cpu = time.process_time()
    history, negative = load_matrix(path)
    length = history.shape[1]
    used = origins(length, h, last, step, window)
    if not used:
        raise SystemExit(f"{length} months are too few for horizon {h} and window {last}")
    points = SharedPoints("month", n_jobs=n_jobs)
    rows = run_backtest(history, standard_methods(points), h=h, origins=used)
    # A series with no change in its training months (all zero, or constant) has no naive-error
    # scale: SPL and RMSSE leave it out rather than divide by zero (no NaN in the table).
    scored = [int((scales(history[:, :t])[0] > 0).sum()) for t in used]
    default, *others = rows
    best = min(others, key=lambda r: r.spl)
    best_rmsse = min(r.rmsse for r in others)
    note = (
        f"{history.shape[0]} series x {length} months; horizon {h}; "
        f"{describe(used, window, length, h, last)}\n"
        f"series scored per origin: {min(scored)}..{max(scored)} of {history.shape[0]} (the "
        f"rest have no change in their training months, so no scale: left out of SPL and "
        f"RMSSE).\n"
        f"negative months (returns above the month's issues) counted as 0 demand: {negative}.\n"
        f"default SPL vs best other ({best.method}): {default.spl / best.spl - 1:+.1%} "
        f"(target <= -5%); RMSSE {default.rmsse:.4f} vs best {best_rmsse:.4f}; "
        f"95% coverage {default.cov95:.1%} (target 92-98%).\n"
        f"statsforecast fitting {points.seconds:.0f} s wall (shared by methods, in their "
        f"seconds the first time); total wall time {time.perf_counter() - start:.0f} s, "
        f"CPU of this process {time.process_time() - cpu:.0f} s (statsforecast's worker "
        f"processes not included)."
    )
    print_table(f"{title}: rolling-origin backtest", rows, note)

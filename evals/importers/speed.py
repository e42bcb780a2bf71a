"""Import speed: a generated SAP extract of N material-document lines (MSEG + MKPF, German
number and date formats, `;` separated), imported to Parquet. Prints the time of each
step and the process's peak memory (ru_maxrss), so the figure includes pandas' text.

The extract is synthetic (random materials, movement types in the mix a plant has);
what it measures is the importer's own cost per row, not a particular plant.
"""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from stockwise.tools.importers.run import run_import

# movement type, SHKZG, share of lines
MIX = (("261", "H", 0.45), ("201", "H", 0.15), ("101", "S", 0.25), ("551", "H", 0.03),
       ("701", "S", 0.02), ("311", "H", 0.05), ("311", "S", 0.05))  # fmt: skip


def write_extract(folder: Path, rows: int, items: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    matnr = pd.Series(np.arange(100_000, 100_000 + items)).astype(str).str.zfill(18)
    pd.DataFrame({"MATNR": matnr, "MTART": "ERSA", "MEINS": "ST"}).to_csv(
        folder / "MARA.csv", sep=";", index=False
    )
    pd.DataFrame({"MATNR": matnr, "WERKS": "1000", "LGORT": "0001", "LABST": "10,000"}).to_csv(
        folder / "MARD.csv", sep=";", index=False
    )
    docs = rows // 2
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, docs), unit="D")
    mblnr = (4_900_000_000 + np.arange(docs)).astype(str)
    pd.DataFrame({"MBLNR": mblnr, "MJAHR": days.year.astype(str),
                  "BUDAT": days.strftime("%d.%m.%Y")}).to_csv(
        folder / "MKPF.csv", sep=";", index=False)  # fmt: skip
    kinds = rng.choice(len(MIX), rows, p=[m[2] for m in MIX])
    doc = np.arange(rows) // 2
    qty = rng.integers(1, 50, rows) + rng.integers(0, 1000, rows) / 1000
    frame = pd.DataFrame({
        "MBLNR": mblnr[doc], "MJAHR": days.year.astype(str).to_numpy()[doc],
        "ZEILE": (np.arange(rows) % 2 + 1).astype(str),
        "BWART": np.array([m[0] for m in MIX])[kinds],
        "MATNR": matnr.to_numpy()[rng.integers(0, items, rows)], "WERKS": "1000", "LGORT": "0001",
        "SHKZG": np.array([m[1] for m in MIX])[kinds],
        "MENGE": pd.Series(qty).map("{:.3f}".format).str.replace(".", ",", regex=False),
        "AUFNR": "", "KOSTL": "",
    })  # fmt: skip
    frame.to_csv(folder / "MSEG.csv", sep=";", index=False)


def speed(rows: int, items: int, work: Path | None) -> None:
    scratch = Path(work or tempfile.mkdtemp(prefix="stockwise-import-speed-"))
    try:
        started = time.perf_counter()
        if not (scratch / "extract" / "MSEG.csv").is_file():  # a kept --work folder is reused
            write_extract(scratch / "extract", rows, items)
        shutil.rmtree(scratch / "dataset", ignore_errors=True)
        size = (scratch / "extract" / "MSEG.csv").stat().st_size
        print(f"extract: {rows:,} MSEG lines ({size / 1e6:,.0f} MB), ready in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        marks: list[tuple[str, float]] = []
        started, cpu = time.perf_counter(), time.process_time()

        def progress(step: str, fraction: float) -> None:
            if not marks or marks[-1][0] != step:  # a step reports once per block read
                marks.append((step, time.perf_counter() - started))

        report = run_import("sap", scratch / "extract", scratch / "dataset", fmt="parquet",
                            rejects_path=scratch / "rejects.csv", progress=progress)  # fmt: skip
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu
        for (step, at), (_, until) in zip(marks, [*marks[1:], ("end", total)], strict=True):
            print(f"  {step}: {until - at:.1f} s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB -> GiB
        # CPU time beside wall time: on a shared machine the wall clock measures the others.
        print(f"imported {report.mapped.get('transactions', 0):,} transactions in {total:.1f} s "
              f"wall, {cpu:.1f} s CPU ({rows / total:,.0f} rows/s wall); "
              f"peak memory {peak:.2f} GiB")  # fmt: skip
        print(f"dropped: {dict(report.dropped)}")
    finally:
        if work is None:
            shutil.rmtree(scratch, ignore_errors=True)

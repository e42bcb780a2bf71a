"""`python -m evals.importers refinery --data DIR` and `... speed --rows N`."""

from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m evals.importers")
    sub = parser.add_subparsers(dest="bench", required=True)
    ref = sub.add_parser("refinery", help="the refinery .xls as published vs its derived CSVs")
    ref.add_argument("--data", type=Path, required=True, help="the refinery folder (README.md)")
    speed = sub.add_parser("speed", help="import time and memory for N SAP movement rows")
    speed.add_argument("--rows", type=int, default=1_000_000)
    speed.add_argument("--items", type=int, default=20_000)
    speed.add_argument("--work", type=Path, default=None, help="scratch folder (default: temp)")
    args = parser.parse_args()
    if args.bench == "refinery":
        from evals.importers.refinery import refinery

        raise SystemExit(refinery(args.data))
    from evals.importers.speed import speed as run_speed

    run_speed(args.rows, args.items, args.work)


if __name__ == "__main__":
    main()

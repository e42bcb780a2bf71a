"""Forecast backtests: `python -m evals.forecast carparts --data PATH`, `... refinery --data
PATH`, `... demo`, `... speed --data DATASET_DIR`."""

from __future__ import annotations

import argparse
from pathlib import Path

from evals.forecast.protocol import WINDOWS


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m evals.forecast")
    sub = parser.add_subparsers(dest="bench", required=True)
    monthly = {
        "carparts": ("Car parts", "2,509 monthly car-parts series", "carparts.csv"),
        "refinery": ("Refinery MRO", "7,024 monthly MRO series", "refinery_demand.csv"),
    }
    for name, (_, about, file) in monthly.items():
        cp = sub.add_parser(name, help=f"{about} (or any unique_id, ds, y file)")
        cp.add_argument("--data", type=Path, required=True, help=f"path to {file}")
        cp.add_argument("--horizon", type=int, default=6)
        cp.add_argument("--last", type=int, default=12, help="periods each window rolls over")
        cp.add_argument("--step", type=int, default=1)
        cp.add_argument("--jobs", type=int, default=2)
        cp.add_argument(
            "--window",
            choices=WINDOWS,
            default="report",
            help="report: the last --last periods; dev: the ones before, for choosing",
        )
    demo = sub.add_parser("demo", help="the demo plant's MRO items covered by PM plans")
    demo.add_argument("--data", type=Path, default=None, help="dataset folder (default: generate)")
    demo.add_argument("--scale", type=float, default=1.0)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--horizon", type=int, default=90, help="days")
    demo.add_argument("--origins", type=int, default=6)
    demo.add_argument("--step", type=int, default=30, help="days between origins")
    sp = sub.add_parser("speed", help="time to forecast every MRO item of a dataset")
    sp.add_argument("--data", type=Path, required=True, help="dataset folder")
    sp.add_argument("--horizon", type=int, default=90, help="days")
    args = parser.parse_args()
    if args.bench in monthly:
        from evals.forecast.monthly import monthly_benchmark

        monthly_benchmark(
            monthly[args.bench][0],
            args.data,
            h=args.horizon,
            last=args.last,
            step=args.step,
            n_jobs=args.jobs,
            window=args.window,
        )
    elif args.bench == "speed":
        from evals.forecast.speed import speed

        speed(args.data, args.horizon)
    else:
        from evals.forecast.demo import demo_backtest

        demo_backtest(args)


if __name__ == "__main__":
    main()

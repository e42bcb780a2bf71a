"""Replenishment benchmarks: `python -m evals.replenishment demo [--data DIR]`,
`... carparts --data PATH`, `... speed [--data DIR]`."""

from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m evals.replenishment")
    sub = parser.add_subparsers(dest="bench", required=True)
    cp = sub.add_parser("carparts", help="project policy vs Croston-SBA + normal safety stock")
    cp.add_argument("--data", type=Path, required=True, help="path to carparts.csv")
    for name, what in (("refinery", "a folder with *_items.csv and *_demand.csv"),):
        real = sub.add_parser(name, help="project vs textbook vs the plant's Min/Max")
        real.add_argument("--data", type=Path, required=True, help=what)
        real.add_argument("--chart", type=Path, default=None, help="trade-off chart PNG")
    demo = sub.add_parser("demo", help="recommended vs current policy on the demo plant")
    demo.add_argument("--data", type=Path, default=None, help="demo folder (default: generate)")
    demo.add_argument("--scale", type=float, default=1.0)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--chart", type=Path, default=None, help="trade-off chart PNG")
    speed = sub.add_parser("speed", help="recommendations at scale 20; 10k-item simulation")
    speed.add_argument("--data", type=Path, default=None, help="a scale-20 demo folder")
    args = parser.parse_args()
    if args.bench == "carparts":
        from evals.replenishment.carparts import carparts

        carparts(args.data)
    elif args.bench == "refinery":
        from evals.replenishment.real_plant import refinery

        refinery(args.data, args.chart)
    elif args.bench == "demo":
        from evals.replenishment.demo import demo

        demo(args)
    else:
        from evals.replenishment.speed import speed

        speed(args)


if __name__ == "__main__":
    main()

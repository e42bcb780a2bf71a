"""Replenishment benchmarks: `python -m evals.replenishment demo [--data DIR]`,
`... carparts --data PATH`, `... refinery --data DIR`, `... plant --demand F --items F`,
`... synthetic [--seed N]`, `... speed [--data DIR]`."""

from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m evals.replenishment")
    sub = parser.add_subparsers(dest="bench", required=True)
    cp = sub.add_parser("carparts", help="project policy vs Croston-SBA + normal safety stock")
    cp.add_argument("--data", type=Path, required=True, help="path to carparts.csv")
    cp.add_argument("--chart", type=Path, default=None, help="trade-off chart PNG")
    real = sub.add_parser("refinery", help="project vs textbook vs the plant's Min/Max")
    real.add_argument("--data", type=Path, required=True, help="folder: *_items.csv, *_demand.csv")
    real.add_argument("--chart", type=Path, default=None, help="trade-off chart PNG")
    plant = sub.add_parser("plant", help="any plant: a demand file and an items file")
    plant.add_argument("--demand", type=Path, required=True, help="unique_id, ds, y (monthly)")
    plant.add_argument("--items", type=Path, default=None, help="lead times, prices, Min/Max")
    plant.add_argument("--chart", type=Path, default=None, help="trade-off chart PNG")
    syn = sub.add_parser("synthetic", help="a stationary synthetic store: the method's own bias")
    syn.add_argument("--seed", type=int, default=7)
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

        carparts(args.data, args.chart)
    elif args.bench == "refinery":
        from evals.replenishment.real_plant import refinery

        refinery(args.data, args.chart)
    elif args.bench == "plant":
        from evals.replenishment.real_plant import plant

        plant(args.demand, args.items, args.chart)
    elif args.bench == "synthetic":
        from evals.replenishment.synthetic import synthetic

        synthetic(args.seed)
    elif args.bench == "demo":
        from evals.replenishment.demo import demo

        demo(args)
    else:
        from evals.replenishment.speed import speed

        speed(args)


def run() -> None:
    """`main`, with a plant file that cannot be read reported in one line (exit 1)."""
    from evals.replenishment.plant_files import PlantFileError

    try:
        main()
    except PlantFileError as exc:
        raise SystemExit(f"error: {exc}") from None


if __name__ == "__main__":
    run()

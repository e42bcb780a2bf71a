"""`stockwise demo`: generate the demo plant dataset."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console

from stockwise.demo import GENERATOR_VERSION, GENERATOR_VERSIONS
from stockwise.demo.ensure import build_atomically, is_current, rich_progress
from stockwise.demo.generator import FORMATS
from stockwise.tools.core.settings import get_settings


def demo(
    scale: float = typer.Option(None, "--scale", help="Size: 1 is ~2,000 items; 50 is ~100k."),
    out: Path = typer.Option(None, "--out", help="Folder to write. Default: the demo folder."),
    seed: int = typer.Option(None, "--seed", help="Random seed; same seed, same files."),
    fmt: str = typer.Option("csv", "--format", help="csv or parquet (faster at large scale)."),
    version: int = typer.Option(
        GENERATOR_VERSION,
        "--generator-version",
        help="2: the default plant the docs quote; 3, 4, 5: ambiguous item masters of real "
        "plants, each harder than the last (needs --out; 5 is the classification eval's).",
    ),
) -> None:
    """Generate the demo plant (two sites, items, orders, maintenance, planted anomalies)."""
    console = Console(stderr=True)
    settings = get_settings()
    scale = settings.demo_scale if scale is None else scale
    seed = settings.demo_seed if seed is None else seed
    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    if scale <= 0:
        raise typer.BadParameter("must be greater than 0", param_hint="--scale")
    if version not in GENERATOR_VERSIONS:
        known = ", ".join(map(str, GENERATOR_VERSIONS))
        raise typer.BadParameter(f"use one of {known}", param_hint="--generator-version")
    if version != GENERATOR_VERSION and out is None:
        # The data directory's demo is the default plant; another version there would be
        # rebuilt as the default by the next command that opens it.
        raise typer.BadParameter(
            f"version {version} is written to a folder you name: add --out DIR",
            param_hint="--generator-version",
        )
    in_data_dir = out is None
    if out is None:
        out = settings.model_copy(update={"demo_scale": scale, "demo_seed": seed}).demo_dir
        if is_current(out):
            console.print(f"The demo plant is already at {out}")
            raise typer.Exit(0)
    # The data directory's own demo may be rebuilt; a folder the user named is never replaced.
    if not in_data_dir and out.exists() and any(out.iterdir()):
        console.print(f"[red]{out} exists and is not empty.[/red] Choose another --out.")
        raise typer.Exit(1)
    started = time.perf_counter()
    with rich_progress(
        f"Generating the demo plant (scale {scale:g}, seed {seed}, version {version})", console
    ) as bar:
        build_atomically(
            out, scale=scale, seed=seed, fmt=fmt, progress=bar, generator_version=version
        )
    console.print(f"Wrote {out} in {time.perf_counter() - started:.1f} s")

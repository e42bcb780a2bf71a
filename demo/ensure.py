"""Make the demo dataset exist: generate it on first use, atomically, with a progress bar.

The demo is written into a temporary folder beside its final place and renamed into
place only when complete, so a half-made demo is never read. A lock file makes a second
process wait for the first instead of generating twice; if it cannot lock (no `fcntl`),
the rename alone still keeps concurrent callers safe.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from stockwise.demo import GENERATOR_VERSION
from stockwise.tools.core.settings import Settings

if TYPE_CHECKING:  # the generator and the progress bar load only when a demo is made
    from rich.console import Console

    from stockwise.demo.generator import Progress as ProgressCallback

COMPLETE_MARKER = "meta.json"  # written last: its presence means the folder is whole


@contextlib.contextmanager
def rich_progress(title: str, console: Console | None = None) -> Iterator[ProgressCallback]:
    """A Rich progress bar, yielded as the `progress` callback `generate_demo` takes."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[step]}"),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console or Console(stderr=True), transient=False) as bar:
        task = bar.add_task(title, total=1.0, step="")

        def update(step: str, fraction: float) -> None:
            bar.update(task, completed=fraction, step=step)

        yield update


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not on POSIX: rely on the atomic rename alone
        yield
        return
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_complete(folder: Path) -> bool:
    return (folder / COMPLETE_MARKER).is_file()


def is_current(folder: Path) -> bool:
    """Whole, and made by this version of the generator."""
    if not is_complete(folder):
        return False
    try:
        meta = json.loads((folder / COMPLETE_MARKER).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("generator_version") == GENERATOR_VERSION


def build_atomically(
    target: Path,
    *,
    scale: float,
    seed: int,
    fmt: str = "csv",
    progress: ProgressCallback | None,
    generator_version: int = GENERATOR_VERSION,
) -> Path:
    """Generate into a temporary sibling of `target`, then rename it into place (a
    half-made or older demo there is moved aside first and deleted with the temporary)."""
    from stockwise.demo.generator import generate_demo

    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock(target.parent / f".{target.name}.lock"):
        if is_current(target):
            return target
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        try:
            generate_demo(
                tmp / "data",
                scale=scale,
                seed=seed,
                fmt=fmt,
                progress=progress,
                generator_version=generator_version,
            )
            if target.exists() and not is_current(target):
                target.rename(tmp / "replaced")  # interrupted, or made by an older generator
            try:
                (tmp / "data").rename(target)
            except OSError:
                if not is_current(target):  # someone else won the race with a whole demo
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def ensure_demo(settings: Settings, console: Console | None = None) -> Path:
    """The demo dataset folder for these settings, generated on first use."""
    target = settings.demo_dir
    if is_current(target):
        return target
    title = (
        f"Rebuilding the demo plant (scale {settings.demo_scale:g}, made by an older version)"
        if is_complete(target)
        else f"Generating the demo plant (scale {settings.demo_scale:g}, first run only)"
    )
    with rich_progress(title, console) as progress:
        return build_atomically(
            target, scale=settings.demo_scale, seed=settings.demo_seed, progress=progress
        )

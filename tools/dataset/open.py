"""Open a dataset once per process, through a Parquet cache of its typed tables.

Loading a big CSV dataset means parsing and validating millions of rows, which a chat
question should not pay for each time. So after a folder dataset validates, its typed
tables are kept as Parquet in `settings.data_dir/cache`, keyed by the files' names, sizes
and modification times; the next process reads that copy (no parsing, no validation),
and within a process the `Dataset` itself is memoised. A table is converted to pandas
when it is first read (`cached_tables.py`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from stockwise.tools.dataset.cached_tables import cached_tables
from stockwise.tools.dataset.load import input_files, load_dataset, rejects_path_for
from stockwise.tools.dataset.model import Dataset
from stockwise.tools.dataset.schema import PRODUCT_TABLES
from stockwise.tools.dataset.source import is_url

# Bump when the typed frames change shape or dtype, so old caches are not read.
CACHE_VERSION = 2  # 2: meta carries rows_rejected and rejects_path
_memo: dict[tuple, Dataset] = {}


def open_dataset(settings, source: str | Path, progress=None) -> Dataset:
    """The validated dataset at `source`, a folder or a database URL. Strict by default (a
    refused dataset raises DatasetError); with `settings.lenient` the valid rows load and
    the rejected ones go to a rejects file. `settings.data_dir` holds the cache."""
    lenient = bool(settings.lenient)
    key = (str(source), _signature(source, lenient))
    if key in _memo:
        return _memo[key]
    load = partial(
        load_dataset,
        source,
        lenient=lenient,
        rejects_path=rejects_path_for(settings.data_dir, source),
        progress=progress,
    )
    if is_url(source):
        dataset = load()
    else:
        cache_dir = Path(settings.data_dir) / "cache" / _short_hash(str(Path(source).resolve()))
        cached = read_cache(cache_dir, key[1])
        if cached is not None:
            dataset = cached
        else:
            dataset = load()
            write_cache(cache_dir, key[1], dataset)
    _memo.clear()  # one dataset per process: don't hold an old one in memory
    _memo[key] = dataset
    return dataset


def _signature(source: str | Path, lenient: bool) -> str:
    # A lenient load keeps fewer rows than a strict one would accept: never share a cache.
    policy = "lenient" if lenient else "strict"
    if is_url(source):
        return f"{source}|{policy}"
    stats = [
        f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in input_files(Path(source))
    ]
    return _short_hash("|".join([f"v{CACHE_VERSION}", policy, str(Path(source).resolve()), *stats]))


def _short_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def read_cache(cache_dir: Path, signature: str) -> Dataset | None:
    info_path = cache_dir / "dataset.json"
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        if info.get("signature") != signature:
            return None
        tables = cached_tables(cache_dir, PRODUCT_TABLES)
    except (OSError, ValueError, pa.ArrowException):
        return None  # no cache, or a broken one: load from the source instead
    docs = info.get("documents_dir")
    return Dataset(
        tables=tables,
        source=info["source"],
        name=info["name"],
        currency=info["currency"],
        documents_dir=Path(docs) if docs else None,
        fingerprint=info["fingerprint"],
        meta={**info.get("meta", {}), "from_cache": True},
    )


def write_cache(cache_dir: Path, signature: str, dataset: Dataset) -> None:
    """Write the typed tables beside each other in a fresh folder, then swap it in."""
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{cache_dir.name}.", dir=cache_dir.parent))
    try:
        for name, frame in dataset.tables.items():
            table = pa.Table.from_pandas(frame, preserve_index=False)
            pq.write_table(table, tmp / f"{name}.parquet", compression="lz4")
        info = {
            "signature": signature,
            "source": dataset.source,
            "name": dataset.name,
            "currency": dataset.currency,
            "documents_dir": str(dataset.documents_dir) if dataset.documents_dir else None,
            "fingerprint": dataset.fingerprint,
            "meta": {k: v for k, v in dataset.meta.items() if _is_json(v)},
        }
        (tmp / "dataset.json").write_text(json.dumps(info), encoding="utf-8")
        old = cache_dir.with_name(cache_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if cache_dir.exists():
            cache_dir.rename(old)
        tmp.rename(cache_dir)
        shutil.rmtree(old, ignore_errors=True)
    except OSError:
        # A cache that cannot be written only costs speed next time.
        shutil.rmtree(tmp, ignore_errors=True)


def _is_json(value: object) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True

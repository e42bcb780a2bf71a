"""Where batch work runs: in this process, or on a Dask cluster (`STOCKWISE_EXECUTOR`).

A batch job (forecast every MRO item, classify every item, plan every reorder point) cuts
its rows into fixed blocks and maps one function over them. The blocks, and the seed of
each, belong to the job, not to the engine: a cluster computes exactly the figures this
process computes, only elsewhere. Scheduling, moving data and retrying a block whose
worker died are Dask's own (`Client.map(..., retries=...)`), not ours.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError
from typing import Any, Protocol

import numpy as np

from stockwise.tools.core.errors import StockwiseError

# Rows per block: small enough that a block's samples (rows x 1000 floats, 33 MB) fit any
# worker, large enough that scheduling a block costs little next to computing it.
BLOCK_ROWS = 4096
# A block whose worker died is run again this many times before the job fails.
RETRIES = 3


class ExecutorError(StockwiseError):
    """The cluster could not be reached, or lost a block more often than it retries."""


def blocks(n_rows: int, size: int = BLOCK_ROWS) -> list[slice]:
    """Consecutive row ranges of at most `size` rows covering `n_rows` (none for 0 rows)."""
    if size < 1:
        raise ValueError(f"a block holds at least one row, not {size}")
    return [slice(start, min(start + size, n_rows)) for start in range(0, n_rows, size)]


def block_rng(seed: int, block: int) -> np.random.Generator:
    """The random stream of one block. Block 0 keeps the job's seed, so a job of one block
    draws exactly what it drew before jobs were cut into blocks."""
    return np.random.default_rng(seed if block == 0 else [seed, block])


class Executor(Protocol):
    """Runs `fn(part, **shared)` for every part and returns the results in order."""

    description: str

    def map(self, fn: Callable[..., Any], parts: Sequence[Any], **shared: Any) -> list[Any]: ...

    def close(self) -> None: ...


class LocalExecutor:
    """Every block in this process, one after the other (the default)."""

    description = "in this process"

    def map(self, fn: Callable[..., Any], parts: Sequence[Any], **shared: Any) -> list[Any]:
        return [fn(part, **shared) for part in parts]

    def close(self) -> None:
        pass


class DaskExecutor:
    """Blocks as tasks on a Dask cluster: `shared` values are sent to every worker once
    (scattered), each block is one task, retried on another worker if its worker dies."""

    def __init__(self, client: Any, cluster: Any = None, retries: int = RETRIES) -> None:
        self.client = client
        self.cluster = cluster
        self.retries = retries
        self.address = client.scheduler.address
        workers = len(client.scheduler_info(n_workers=-1).get("workers", {}))
        self.description = f"Dask cluster at {self.address} ({workers} workers)"

    def map(self, fn: Callable[..., Any], parts: Sequence[Any], **shared: Any) -> list[Any]:
        if len(parts) <= 1:
            # One block gains nothing from a round trip to the cluster.
            return LocalExecutor().map(fn, parts, **shared)
        from distributed import KilledWorker

        try:
            scattered = {
                name: self.client.scatter(value, broadcast=True, hash=False)
                for name, value in shared.items()
            }
            with warnings.catch_warnings():
                # The blocks travel inside their tasks on purpose (Dask warns of a large
                # graph): the scheduler can rerun a task it holds when its worker dies, but
                # not one whose block was scattered to that worker alone.
                warnings.filterwarnings("ignore", "Sending large graph", UserWarning)
                futures = self.client.map(
                    fn, list(parts), retries=self.retries, pure=False, **scattered
                )
            return self.client.gather(futures)
        except KilledWorker as exc:
            raise ExecutorError(
                "the Dask cluster lost a block of this job: every worker that ran it died, "
                f"as many times as the scheduler allows ({exc}); no figure was computed: "
                "check the workers' memory and logs, then run it again"
            ) from exc
        except (OSError, CancelledError) as exc:
            # A lost scheduler cancels every future (FutureCancelledError): no block's
            # result is used, so nothing is half-computed.
            raise ExecutorError(
                f"the Dask scheduler at {self.address} stopped answering ({exc}); no figure "
                "was computed: run it again once the scheduler is back"
            ) from exc

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def open_executor(spec: str | None) -> LocalExecutor | DaskExecutor:
    """The executor `STOCKWISE_EXECUTOR` names: `local` (or unset), `dask://host:port` (a
    running scheduler) or `dask-local:N` (a cluster of N worker processes on this machine,
    closed with the executor)."""
    spec = (spec or "local").strip()
    if spec == "local":
        return LocalExecutor()
    if spec.startswith("dask://"):
        address = "tcp://" + spec.removeprefix("dask://")
        client = _client(address, spec)
        return DaskExecutor(client)
    if spec.startswith("dask-local:"):
        count = spec.removeprefix("dask-local:")
        if not count.isdigit() or int(count) < 1:
            raise ExecutorError(
                f"STOCKWISE_EXECUTOR={spec!r}: dask-local takes a number of workers, "
                "as in dask-local:2"
            )
        distributed = _distributed(spec)
        import dask

        # Dask has each worker hand freed memory back to the system at once
        # (MALLOC_TRIM_THRESHOLD_); a block allocates and frees arrays of megabytes in a
        # loop, and with it each one is mapped and page-faulted anew: twice the CPU per
        # block (0.85 s against 0.44 s, docs/scale.md).
        environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
        environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
            cluster = distributed.LocalCluster(
                n_workers=int(count), threads_per_worker=1, processes=True, dashboard_address=":0"
            )
        return DaskExecutor(_client(cluster, spec), cluster)
    raise ExecutorError(
        f"STOCKWISE_EXECUTOR={spec!r} is not an executor: use local, dask://host:port "
        "or dask-local:N"
    )


def _distributed(spec: str) -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ExecutorError(
            f"STOCKWISE_EXECUTOR={spec!r} needs Dask: pip install 'stockwise[distributed]'"
        ) from exc
    return distributed


def _client(address: Any, spec: str) -> Any:
    try:
        return _distributed(spec).Client(address, timeout="10s")
    except OSError as exc:
        raise ExecutorError(
            f"no Dask scheduler answers at {spec} ({exc}): start one (`dask scheduler`, "
            "then `dask worker tcp://host:8786` on each machine) or unset STOCKWISE_EXECUTOR"
        ) from exc

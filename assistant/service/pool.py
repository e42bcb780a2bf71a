"""The threads that run agent turns: a bounded pool beside the event loop. The loop only
routes and answers; graph work (CPU-bound with the offline planner, waiting on the model
otherwise) runs here, and a turn that finds every worker busy waits in the pool's queue,
where the wait is timed rather than hidden."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
_DONE = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def default_workers(offline: bool) -> int:
    """The offline planner is CPU-bound Python: more threads than cores only share the GIL
    (and slow the event loop). A model server leaves turns waiting on the network."""
    return max(2, os.cpu_count() or 2) if offline else 16


class TurnPool:
    def __init__(self, workers: int):
        self.workers = workers
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="turn")

    async def run(self, work: Callable[[float], T]) -> T:
        """`work(queue_ms)` on a worker, told how long it waited for one."""
        submitted = time.perf_counter()

        def job() -> T:
            return work((time.perf_counter() - submitted) * 1000)

        return await asyncio.wrap_future(self._executor.submit(job))

    async def stream(self, events: Iterator[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
        """Iterate `events` on a worker and yield each as it comes. A client that goes away
        does not stop the turn: it finishes, so its checkpoints and audit stay whole."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()

        def hand_over(item: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody is listening
                loop.call_soon_threadsafe(queue.put_nowait, item)

        def job() -> None:
            try:
                for event in events:
                    hand_over(event)
            except BaseException as error:
                hand_over(_Failed(error))
            finally:
                hand_over(_DONE)

        self._executor.submit(job)
        while True:
            item = await queue.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

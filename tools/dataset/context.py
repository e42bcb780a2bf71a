"""What a tool is called with besides its arguments: the dataset and the settings.

Every agent tool has the shape `tool(ctx: ToolContext, args: SomeInput) -> SomeResult`, so
a script, a notebook, a test and the agent call it the same way. Costly helpers a tool needs
(a fitted classifier, a document retriever) hang off the context and are built once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from stockwise.tools.core.executor import Executor, open_executor
from stockwise.tools.core.settings import Settings

if TYPE_CHECKING:  # pandas: a tool's module names ToolContext without loading it
    from stockwise.tools.dataset.model import Dataset

T = TypeVar("T")


@dataclass
class ToolContext:
    dataset: Dataset
    settings: Settings
    # What `cached` built, keyed by the function that built it.
    _built: dict[Callable[[ToolContext], Any], Any] = field(
        default_factory=dict, init=False, repr=False
    )
    _executor: Executor | None = field(default=None, init=False, repr=False)
    _executor_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def executor(self) -> Executor:
        """Where batch work runs (`STOCKWISE_EXECUTOR`): opened on first use, kept across
        datasets (a cluster does not depend on the data it is given)."""
        with self._executor_lock:
            if self._executor is None:
                self._executor = open_executor(self.settings.executor)
            return self._executor

    def cached(self, build: Callable[[ToolContext], T]) -> T:
        """`build(self)`, run on first use and kept for this context. The builder itself is
        the key: a module-level function (not a lambda, which is a new key at every call)."""
        if build not in self._built:
            self._built[build] = build(self)
        return cast(T, self._built[build])

    def provide(self, build: Callable[[ToolContext], T], value: T) -> None:
        """Use `value` as what `build` would make (a test's small index, a fitted model)."""
        self._built[build] = value

    def use_dataset(self, dataset: Dataset) -> None:
        """Read `dataset` from now on; what was built from the old one is dropped."""
        self.dataset = dataset
        self._built.clear()

"""Two packages the agent imports cost far more at start than what it uses of them.

`langsmith.run_trees` (imported by every `langchain_core` runnable) needs one `Literal`
from `langsmith.types`, whose `__init__` builds some 160 generated API models; and
`langgraph.runtime` needs one dataclass from `langgraph_sdk.auth.types`, whose top
package's `__init__` imports the LangGraph HTTP and websocket client. Together that was
about a tenth of a cold `stockwise ask`.

`defer_package_inits()` installs an import hook under which these packages are created
without running their `__init__`: their submodules import as usual, and the first
attribute looked up on the package itself (`from langgraph_sdk import get_client`) runs the
real `__init__` then. Nothing changes for code that uses them; only the order of work.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
import types
from collections.abc import Sequence
from typing import Any

DEFERRED = frozenset({"langsmith.types", "langgraph_sdk"})
_loading = threading.RLock()


class DeferredPackage(types.ModuleType):
    """A package whose `__init__` has not run yet; it runs on the first missing attribute."""

    def __getattr__(self, name: str) -> Any:
        # The import system and tools such as inspect probe dunders (`__path__`, `__file__`,
        # `__wrapped__`): answering those must not run the package. `__all__` is a real ask.
        if name.startswith("__") and name.endswith("__") and name != "__all__":
            raise AttributeError(name)
        with _loading:
            if type(self) is DeferredPackage:  # another thread may have just run it
                self.__class__ = types.ModuleType  # type: ignore[assignment]  # plain from now
                spec = self.__spec__
                assert spec is not None and isinstance(spec.loader, DeferredLoader)
                spec.loader = self.__loader__ = spec.loader.wrapped
                spec.loader.exec_module(self)
        return getattr(self, name)


class DeferredLoader(importlib.abc.Loader):
    def __init__(self, wrapped: importlib.abc.Loader) -> None:
        self.wrapped = wrapped

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return DeferredPackage(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        pass  # DeferredPackage.__getattr__ runs the real one when it is needed


class DeferInits(importlib.abc.MetaPathFinder):
    def __init__(self, names: frozenset[str] = DEFERRED) -> None:
        self.names = names

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            return None  # not a package found on disk: import it the ordinary way
        spec.loader = DeferredLoader(spec.loader)
        return spec


def defer_package_inits() -> None:
    """Install the hook once; packages already imported stay as they are."""
    if not any(isinstance(finder, DeferInits) for finder in sys.meta_path):
        sys.meta_path.insert(0, DeferInits())

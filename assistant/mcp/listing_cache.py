"""The tool listing, kept on disk between starts. Building it imports every tool package and
the agent's registry (langchain, pandas: about 1.5 s), and a desktop client lists the tools
as soon as it has started the server. The listing is a pure function of the code, so it is
stored with a fingerprint of the code (the version, and the size and modification time of
every source file of the tools, the agent, the reports and this server): a start whose
fingerprint matches answers from the file at once, while the tools load in the background;
any change to the code makes a new listing."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

import mcp_types as types

log = logging.getLogger("stockwise.mcp")
# The packages whose code the listing is derived from (by their folders' names).
SOURCES = ("stockwise.tools", "stockwise.assistant")


def source_folders() -> list[Path]:
    from importlib.util import find_spec

    folders = []
    for name in SOURCES:
        spec = find_spec(name)  # finds the folder without running the package
        if spec is not None and spec.submodule_search_locations:
            folders += [Path(p) for p in spec.submodule_search_locations]
    return folders


def cache_path(data_dir: Path) -> Path:
    return Path(data_dir) / "cache" / "mcp-tools.json"


def fingerprint() -> str:
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256()
    with contextlib.suppress(PackageNotFoundError):  # a source tree: the files say it all
        digest.update(version("stockwise").encode())
    for folder in source_folders():
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".py"):
                    stat = os.stat(os.path.join(root, name))
                    digest.update(f"{root}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class ListingCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fingerprint: str | None = None
        self._tools: list[types.Tool] | None = None

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = fingerprint()
        return self._fingerprint

    def load(self) -> list[types.Tool] | None:
        """The stored listing when it was made from this very code, else None."""
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if stored.get("fingerprint") != self.fingerprint():
                return None
            return [types.Tool.model_validate(tool) for tool in stored["tools"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent, unreadable or of another shape: built afresh

    def store(self, tools: list[types.Tool]) -> None:
        """Write the listing (atomically: a reader finds the old file or the new one)."""
        body = {
            "fingerprint": self.fingerprint(),
            "tools": [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools],
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            part = self.path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
            part.write_text(json.dumps(body), encoding="utf-8")
            os.replace(part, self.path)
        except OSError as error:  # a cache: the server serves without it
            log.warning(
                "stockwise mcp: could not keep the tool listing in %s: %s", self.path, error
            )

    def listing(self, build: Callable[[], list[types.Tool]]) -> list[types.Tool]:
        """The stored listing, or `build()` (then stored for the next start); kept in memory
        after the first answer."""
        if self._tools is None:
            found = self.load()
            if found is None:
                found = build()
                self.store(found)
            self._tools = found
        return self._tools

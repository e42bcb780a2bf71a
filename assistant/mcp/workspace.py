"""What one MCP server process holds: the settings, the dataset (opened once, in the
background from the start, so listing tools never waits for it), and the audit log writer
every call goes through."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from stockwise.tools.core.settings import Settings

if TYPE_CHECKING:  # pandas: loaded with the dataset, not with the server
    from stockwise.tools.dataset.context import ToolContext

CHANNEL = "mcp"
LISTING_GRACE_S = 30.0
log = logging.getLogger("stockwise.mcp")


class Workspace:
    def __init__(self, settings: Settings, ctx: ToolContext | None = None) -> None:
        self.settings = settings
        self._ctx = ctx
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self.listed = threading.Event()  # set once a client has had the tool listing
        # What a lenient load left out: logged once, and said with every result.
        self.notice: str | None = None
        if ctx is not None:
            from stockwise.assistant.startup import loading_notice

            self.notice = loading_notice(ctx)

    def warm(self, prepare: Callable[[], Any]) -> threading.Thread:
        """`prepare()` (the tools), open the dataset and its document index on a background
        thread, so the first call finds them ready and a start never blocks on them."""
        thread = threading.Thread(
            target=self._warm, args=(prepare,), name="stockwise-mcp-warm", daemon=True
        )
        thread.start()
        return thread

    def _warm(self, prepare: Callable[[], Any]) -> None:
        # Opening the dataset (pandas, the tables) holds the interpreter lock for a second or
        # more: it waits until the client has the listing it asks for right after starting
        # (or a grace period, for a client that never lists; its first call opens the
        # dataset anyway). A grace of 1 s was shorter than a start on a loaded machine: the
        # warm-up then took the lock from the listing still being built (server CPU at the
        # listing, median of 7 stdio starts at load 21: 1.19 s with it, 1.11 s without).
        self.listed.wait(LISTING_GRACE_S)
        try:
            prepare()
            tables = self.context().dataset.tables
            # A cached dataset converts a table when first read; here, off the caller's
            # path, all of them, so no first call waits for one (the demo's transactions:
            # 0.1 s).
            for name in tables:
                tables[name]
        except Exception as error:  # said again, as the tool's error, on the first call
            log.warning("stockwise mcp: %s", error)
            return
        try:  # the document index and its query engine, as the service warms them
            from stockwise.tools.documents.search import warm as warm_documents

            warm_documents(self.context())
        except Exception as error:  # a first document question is slower, never failed
            log.warning("stockwise mcp: warm-up of the document index failed: %s", error)

    @property
    def ctx(self) -> ToolContext:
        return self.context()

    def context(self) -> ToolContext:
        """The dataset of the settings, opened on first use; a dataset that cannot be opened
        gives the same error on every call, never half a context."""
        with self._lock:
            if self._ctx is None and self._error is None:
                from stockwise.assistant.startup import loading_notice, open_context

                try:
                    self._ctx = open_context(self.settings)
                except Exception as error:
                    self._error = error
                else:
                    self.notice = loading_notice(self._ctx)
                    if self.notice:
                        log.warning("note: %s", self.notice)
            if self._error is not None:
                raise self._error
            assert self._ctx is not None
            return self._ctx

    def audit(self, kind: str, user: str, **data: Any) -> None:
        """One audit entry, with the log opened and closed around it: the service, the CLI
        and other MCP processes append to the same chained log, and a writer that held it
        open would continue from an end that another one has moved on from."""
        from stockwise.assistant.service.audit_store import open_service_audit

        audit = open_service_audit(self.settings)
        try:
            audit.append(kind, user, CHANNEL, **data)
        finally:
            audit.close()

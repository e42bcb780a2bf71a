"""The tamper-evident audit log: one JSON line per event (question, tool call, answer,
approval), each carrying the hash of the one before, so an edited, removed or reordered
line breaks the chain and `verify` names where."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

GENESIS = "0" * 64


def _entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _last_line(path: Path) -> str | None:
    """The last non-blank line, read from the end: a long log is not read whole."""
    if not path.exists():
        return None
    with path.open("rb") as source:
        end = source.seek(0, os.SEEK_END)
        data, block = b"", 4096
        while end > 0:
            start = max(0, end - block)
            source.seek(start)
            data = source.read(end - start) + data
            end, block = start, block * 2
            lines = [line for line in data.splitlines() if line.strip()]
            if len(lines) >= 2 or (lines and start == 0):  # the last one is whole
                return lines[-1].decode("utf-8")
    return None


@dataclass(frozen=True)
class Problem:
    line: int
    why: str


class AuditLog:
    """Appends to `path` (created on first write). One writer per process; the lock keeps
    concurrent requests from interleaving the chain."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._last: tuple[int, str] | None = None  # (seq, hash) of the last line
        self._out: TextIO | None = None  # kept open: a turn appends three or more entries

    def _tail(self) -> tuple[int, str]:
        if self._last is None:  # first append of this process
            self.path.parent.mkdir(parents=True, exist_ok=True)
            line = _last_line(self.path)
            entry: dict[str, Any] = json.loads(line) if line else {"seq": 0, "hash": GENESIS}
            self._last = (int(entry["seq"]), str(entry["hash"]))
        return self._last

    def append(self, kind: str, user: str, channel: str, **data: Any) -> dict[str, Any]:
        with self._lock:
            seq, prev = self._tail()
            entry: dict[str, Any] = {
                "seq": seq + 1,
                "time": datetime.now(UTC).isoformat(timespec="microseconds"),
                "kind": kind,
                "user": user,
                "channel": channel,
                "data": data,
                "prev": prev,
            }
            entry["hash"] = digest = _entry_hash(entry)
            if self._out is None:
                self._out = self.path.open("a", encoding="utf-8")
            # Flushed per entry (readers and a crash see whole lines), not fsynced: that
            # would cost a disk sync per entry; a power cut may lose the newest lines.
            self._out.write(json.dumps(entry, sort_keys=True, default=str) + "\n")
            self._out.flush()
            self._last = (seq + 1, digest)
            return entry

    def close(self) -> None:
        with self._lock:
            if self._out is not None:
                self._out.close()
                self._out = None

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def verify(self) -> list[Problem]:
        """Every break in the chain, by line number (1-based); empty when intact."""
        problems: list[Problem] = []
        if not self.path.exists():
            return problems
        prev, expected_seq = GENESIS, 1
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(Problem(number, f"not valid JSON ({error.msg})"))
                continue
            if entry.get("hash") != _entry_hash(entry):
                problems.append(Problem(number, "content does not match its hash (edited)"))
            if entry.get("prev") != prev:
                problems.append(
                    Problem(number, "does not follow the line before (removed or reordered)")
                )
            if entry.get("seq") != expected_seq:
                problems.append(
                    Problem(number, f"sequence {entry.get('seq')} where {expected_seq} was due")
                )
            prev = entry.get("hash", "")
            expected_seq = (entry.get("seq") or expected_seq) + 1
        return problems

    def export(self, start: datetime | None, end: datetime | None) -> list[dict[str, Any]]:
        """Entries with start <= time < end (naive datetimes are read as UTC)."""

        def aware(moment: datetime | None) -> datetime | None:
            if moment is not None and moment.tzinfo is None:
                return moment.replace(tzinfo=UTC)
            return moment

        start, end = aware(start), aware(end)
        chosen = []
        for entry in self.entries():
            moment = datetime.fromisoformat(entry["time"])
            if (start is None or moment >= start) and (end is None or moment < end):
                chosen.append(entry)
        return chosen

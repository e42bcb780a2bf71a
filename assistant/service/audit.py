"""The tamper-evident audit log: one JSON line per event (question, tool call, answer,
approval, refusal), each carrying an HMAC-SHA256 of its content and of the MAC before it
under a key kept outside the log's folder, with the head (count, last MAC) checkpointed to
a second store after every append. `audit_verify` turns that into a verdict.

A process that dies mid-write leaves an unfinished last line: at the next start it is moved
to a side file and the log goes on, never a reason to stop serving. What the start finds
wrong (a missing tail, a rewritten end, another key) is logged and written into the log
itself, and new entries continue from the checkpoint so the gap stays visible."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from stockwise.assistant.service.audit_head import HeadStore, open_head_store
from stockwise.assistant.service.audit_key import key_id, load_key
from stockwise.assistant.service.limits import clean_text
from stockwise.tools.core.settings import Settings

log = logging.getLogger("stockwise.service")
GENESIS = "0" * 64
FIELDS = ("seq", "time", "kind", "user", "channel", "data", "key", "prev", "mac")


def canonical(entry: dict[str, Any]) -> bytes:
    body = {k: v for k, v in entry.items() if k != "mac"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def entry_mac(key: bytes, entry: dict[str, Any]) -> str:
    return hmac.new(key, canonical(entry), hashlib.sha256).hexdigest()


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def _plain(value: Any) -> Any:
    """`value` as JSON would give it back, strings cleaned: what is MAC'd is what is read."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    return clean_text(str(value))


def parse_entry(line: bytes) -> tuple[dict[str, Any] | None, str]:
    """An entry of the right shape, or None and why not (for `verify` and the tail)."""
    if not line.strip():
        return None, "a blank line (the service never writes one)"
    try:
        entry = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None, "not JSON"
    if not isinstance(entry, dict):
        return None, f"not an audit entry (a JSON {type(entry).__name__}, not an object)"
    missing = [f for f in FIELDS if f not in entry]
    if missing:
        return None, f"not an audit entry: lacks {', '.join(missing)}"
    if type(entry["seq"]) is not int or entry["seq"] < 1:
        return None, f"not an audit entry: seq {entry['seq']!r} is not a positive whole number"
    for name in ("time", "kind", "user", "channel", "key", "prev", "mac"):
        if not isinstance(entry[name], str):
            return None, f"not an audit entry: {name} is not a string"
    return entry, ""


def new_entry(
    key: bytes, seq: int, prev: str, kind: str, user: str, channel: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Entry `seq` of a chain whose last MAC is `prev`, MAC'd with `key`."""
    entry: dict[str, Any] = {
        "seq": seq,
        "time": datetime.now(UTC).isoformat(timespec="microseconds"),
        "kind": kind,
        "user": clean_text(user),
        "channel": channel,
        "data": _plain(data),
        "key": key_id(key),
        "prev": prev,
    }
    entry["mac"] = entry_mac(key, entry)
    return entry


def last_line(path: Path) -> bytes | None:
    """The last line (without its newline), read from the end: a long log is not read
    whole. None for an empty or missing file."""
    if not path.exists():
        return None
    with path.open("rb") as source:
        end = source.seek(0, os.SEEK_END)
        if end == 0:
            return None
        data, block, start = b"", 4096, end
        while start > 0:
            start = max(0, start - block)
            source.seek(start)
            data = source.read(end - start)
            found = data.rstrip(b"\n").rfind(b"\n")
            if found >= 0:
                return data[found + 1 :].rstrip(b"\n")
            block *= 2
        return data.rstrip(b"\n")


class AuditLog:
    """Appends to `path` (created on first write) with `key`, checkpointing its head in
    `head`. One writer per process; the lock keeps concurrent requests from interleaving
    the chain. Without a key it can only be read (`entries`, `export`)."""

    def __init__(self, path: Path, key: bytes | None = None, head: HeadStore | None = None):
        self.path = path
        self.key = key
        self.head = head
        self._lock = threading.Lock()
        self._last: tuple[int, str] | None = None  # (seq, MAC) of the last entry
        self._out: TextIO | None = None  # kept open: a turn appends three or more entries
        self.findings: list[str] = []  # what `open` found wrong or repaired

    @property
    def key_id(self) -> str:
        if self.key is None:
            raise RuntimeError("the audit log was opened without its MAC key: read-only")
        return key_id(self.key)

    def open(self) -> list[str]:
        """Recover and check the end of the log against its checkpoint (once; `append` does
        it too). Returns what was found, also logged and written into the log."""
        with self._lock:
            self._open()
            return list(self.findings)

    def _open(self) -> None:
        if self._last is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        findings = []
        torn = self._quarantine_torn_tail()
        if torn:
            findings.append(torn)
        resume, why = self._resume_point()
        if why:
            findings.append(why)
        self._last = resume
        self.findings = findings
        for finding in findings:
            log.warning("audit log %s: %s", self.path, finding)
            self._write("integrity", "stockwise", "service", {"finding": finding})
        self._checkpoint()

    def _quarantine_torn_tail(self) -> str | None:
        """Move an unfinished last line (no newline: the write was cut short) to a side file,
        so the log ends on a whole entry again."""
        if not self.path.exists():
            return None
        with self.path.open("rb+") as source:
            end = source.seek(0, os.SEEK_END)
            if end == 0:
                return None
            source.seek(end - 1)
            if source.read(1) == b"\n":
                return None
            start = max(0, end - (1 << 20))
            source.seek(start)
            tail = source.read()
            cut = tail.rfind(b"\n")
            cut = start + cut + 1 if cut >= 0 else 0
            source.seek(cut)
            torn = source.read()
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            side = self.path.with_name(f"{self.path.name}.torn-{stamp}")
            with side.open("wb") as out:
                out.write(torn)
                out.flush()
                os.fsync(out.fileno())
            source.truncate(cut)
        return (
            f"an unfinished last line ({len(torn):,} bytes, SHA-256 "
            f"{hashlib.sha256(torn).hexdigest()[:16]}; a write cut short) was moved to {side}"
        )

    def _resume_point(self) -> tuple[tuple[int, str], str | None]:
        """Where new entries continue the chain, and what is wrong with the end, if anything.
        The log's last entry is trusted when its MAC holds and it is not behind the
        checkpoint; otherwise the checkpoint is, so a cut or rewrite stays visible."""
        line = last_line(self.path)
        entry, why = parse_entry(line) if line is not None else (None, "")
        tail = None
        if entry is not None:
            tail = (entry["seq"], entry["mac"])
            if self.key is not None and entry_mac(self.key, entry) != entry["mac"]:
                entry, why = None, "its MAC does not match its content"
        if line is not None and entry is None:
            why = f"the last line is not a valid entry ({why})"
        head = self.head.read() if self.head is not None else None
        if head is None:
            if line is None or self.head is None:
                return tail or (0, GENESIS), (why or None) if line is not None else None
            found = f"no checkpoint of the log's head in {self.head.where}; made one from its end"
            return tail or (0, GENESIS), "; ".join(p for p in (why, found) if p)
        checkpoint = (head.count, head.last)
        if self.key is not None and head.key_id != key_id(self.key):
            return tail or checkpoint, (
                f"the MAC key (id {key_id(self.key)}) is not the one the log was "
                f"checkpointed with (id {head.key_id}): the earlier entries will not verify"
            )
        if line is None:
            return checkpoint, (
                f"the log is empty or missing but its checkpoint ({head.time}) says "
                f"{head.count:,} entries; new entries continue from the checkpoint"
            )
        if entry is None:
            return checkpoint, (
                f"{why}; new entries continue from the checkpoint ({head.count:,} entries)"
            )
        if entry["seq"] < head.count:
            return checkpoint, (
                f"the log ends at entry {entry['seq']:,} but its checkpoint ({head.time}) says "
                f"{head.count:,}: {head.count - entry['seq']:,} entries are missing; new "
                "entries continue from the checkpoint"
            )
        if entry["seq"] == head.count and entry["mac"] != head.last:
            return checkpoint, (
                f"entry {head.count:,} is not the one checkpointed ({head.time}): the end of "
                "the log was rewritten; new entries continue from the checkpoint"
            )
        return (entry["seq"], entry["mac"]), None

    def append(self, kind: str, user: str, channel: str, **data: Any) -> dict[str, Any]:
        with self._lock:
            self._open()
            entry = self._write(kind, user, channel, data)
            self._checkpoint()
            return entry

    def _write(self, kind: str, user: str, channel: str, data: dict[str, Any]) -> dict[str, Any]:
        if self.key is None:
            raise RuntimeError("the audit log was opened without its MAC key: read-only")
        assert self._last is not None
        seq, prev = self._last
        entry = new_entry(self.key, seq + 1, prev, kind, user, channel, data)
        if self._out is None:
            self._out = self.path.open("a", encoding="ascii")
        # One write per line, flushed (readers and a crash see whole lines, or a torn last
        # one that the next start sets aside), not fsynced: a sync per entry would cost a
        # disk flush; a power cut may lose the newest lines, and verify then says so.
        self._out.write(json.dumps(entry, sort_keys=True, ensure_ascii=True) + "\n")
        self._out.flush()
        self._last = (seq + 1, entry["mac"])
        return entry

    def _checkpoint(self) -> None:
        if self.head is None or self._last is None or self._last[0] == 0:
            return
        try:
            self.head.write(self._last[0], self._last[1], self.key_id)
        except Exception as error:  # the entry is written; the next append checkpoints it
            log.error("audit log %s: checkpoint of the head failed: %s", self.path, error)

    def close(self) -> None:
        with self._lock:
            if self._out is not None:
                self._out.close()
                self._out = None
            if self.head is not None:
                self.head.close()

    def entries(self) -> list[dict[str, Any]]:
        """The lines that are entries (others are `verify`'s to report)."""
        return list(self._entries())

    def _entries(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with self.path.open("rb") as source:
            for line in source:
                entry, _ = parse_entry(line)
                if entry is not None:
                    yield entry

    def export(self, start: datetime | None, end: datetime | None) -> list[dict[str, Any]]:
        """Entries with start <= time < end (naive datetimes are read as UTC)."""

        def aware(moment: datetime | None) -> datetime | None:
            if moment is not None and moment.tzinfo is None:
                return moment.replace(tzinfo=UTC)
            return moment

        start, end = aware(start), aware(end)
        chosen = []
        for entry in self._entries():
            try:
                moment = aware(datetime.fromisoformat(entry["time"]))
            except ValueError:
                continue
            assert moment is not None
            if (start is None or moment >= start) and (end is None or moment < end):
                chosen.append(entry)
        return chosen


def open_audit_log(settings: Settings) -> AuditLog:
    """The service's log: its key (made on the first start when none is configured), its
    head store, and its end recovered and checked; what was found is logged."""
    key, notice = load_key(settings, create=True)
    if notice:
        log.warning("audit log: %s", notice)
    legacy = settings.data_dir / "audit.jsonl"
    if legacy.exists():
        log.warning(
            "audit log: %s is in the earlier, unkeyed format and is no longer written; the "
            "log is now %s",
            legacy,
            settings.audit_path,
        )
    audit = AuditLog(settings.audit_path, key, open_head_store(settings))
    audit.open()
    return audit

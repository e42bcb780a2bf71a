"""`stockwise audit verify`: read the whole log against its key and its checkpointed head
and say what is wrong, by line number, never stopping at a malformed line. Detected:
an edited or forged entry (its MAC), a removed, inserted or reordered one (the chain and
the sequence), a cut end, an emptied or deleted log, a rewritten end (the checkpoint), a
swapped key, a torn last line; lines that are not entries at all (`[]`, `5`, not JSON,
fields missing) are reported as such."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from stockwise.assistant.service.audit import GENESIS, entry_mac, parse_entry
from stockwise.assistant.service.audit_head import Head, open_head_store
from stockwise.assistant.service.audit_key import key_id, load_key
from stockwise.tools.core.settings import Settings


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based; 0 for the log as a whole (missing, cut, key)
    why: str


@dataclass
class Verdict:
    path: Path
    entries: int = 0  # lines that are well-formed entries
    last_seq: int = 0
    head: Head | None = None
    head_where: str = ""
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad(self) -> Problem | None:
        """The first bad line, or a problem of the whole log when no line is bad."""
        lines = [p for p in self.problems if p.line > 0]
        if lines:
            return min(lines, key=lambda p: p.line)
        return self.problems[0] if self.problems else None


def verify_log(path: Path, key: bytes, head: Head | None, head_where: str) -> Verdict:
    verdict = Verdict(path, head=head, head_where=head_where)
    problems = verdict.problems
    current_key = key_id(key)
    if head is not None and head.key_id != current_key:
        problems.append(
            Problem(
                0,
                f"the log was checkpointed with MAC key {head.key_id}, but the key given is "
                f"{current_key}: the key was swapped (or the wrong key file is set)",
            )
        )
    for side in sorted(path.parent.glob(f"{path.name}.torn-*")):
        verdict.notices.append(f"an unfinished line set aside at a start is kept in {side}")
    if not path.exists():
        if head is not None and head.count > 0:
            problems.append(
                Problem(0, f"the log is missing; its checkpoint says {head.count:,} entries")
            )
        elif head is None:
            verdict.notices.append("no log yet")
        return verdict
    with path.open("rb") as source:
        return check_lines(verdict, source, key, head_where)


def check_lines(verdict: Verdict, source: Iterable[bytes], key: bytes, head_where: str) -> Verdict:
    """Check each line (MAC, chain, sequence) and the end against `verdict.head`."""
    problems, head, current_key = verdict.problems, verdict.head, key_id(key)
    checkpointed: tuple[int, str] | None = None  # (line, MAC) of the checkpointed entry
    prev: str | None = GENESIS
    seq: int | None = 1
    for number, raw in enumerate(source, 1):
        if not raw.endswith(b"\n"):
            problems.append(
                Problem(
                    number,
                    "an unfinished last line (a write cut short); the service sets it "
                    "aside at its next start",
                )
            )
            break
        entry, why = parse_entry(raw)
        if entry is None:
            problems.append(Problem(number, why))
            prev = seq = None  # what follows a bad line is checked against itself
            continue
        verdict.entries += 1
        if entry["key"] != current_key:
            problems.append(
                Problem(number, f"written with MAC key {entry['key']}, not {current_key}")
            )
        elif entry_mac(key, entry) != entry["mac"]:
            problems.append(
                Problem(number, "its MAC does not match its content (edited or forged)")
            )
        if prev is not None and entry["prev"] != prev:
            problems.append(
                Problem(
                    number,
                    "does not follow the entry before it (one removed, inserted or reordered)",
                )
            )
        if seq is not None and entry["seq"] != seq:
            problems.append(Problem(number, f"sequence {entry['seq']} where {seq} was due"))
        prev, seq = entry["mac"], entry["seq"] + 1
        verdict.last_seq = entry["seq"]
        if head is not None and entry["seq"] == head.count:
            checkpointed = (number, entry["mac"])
    if head is None:
        if verdict.entries:
            problems.append(
                Problem(
                    0,
                    f"no checkpoint of the log's head in {head_where}: a cut end or a "
                    "rewritten log cannot be ruled out",
                )
            )
        return verdict
    if verdict.last_seq < head.count:
        cut = head.count - verdict.last_seq
        what = (
            f"the log ends at entry {verdict.last_seq:,}" if verdict.entries else "the log is empty"
        )
        problems.append(
            Problem(
                0,
                f"{what}, but its checkpoint ({head.time}) says {head.count:,} entries: "
                f"{cut:,} cut from the end",
            )
        )
    elif checkpointed is None:
        problems.append(Problem(0, f"no entry {head.count:,}, the one last checkpointed"))
    elif checkpointed[1] != head.last:
        problems.append(
            Problem(
                checkpointed[0],
                f"is not the entry checkpointed as number {head.count:,} ({head.time}): "
                "the log was rewritten",
            )
        )
    elif verdict.last_seq > head.count:
        verdict.notices.append(
            f"{verdict.last_seq - head.count} entries after the last checkpoint (written just "
            "before a stop); their MACs are checked like the others"
        )
    return verdict


def verify_settings(settings: Settings) -> Verdict:
    """The service's log, with the configured key and head store (neither is created)."""
    key, _ = load_key(settings, create=False)
    if settings.state_url:
        from stockwise.assistant.service.audit_postgres import PostgresAuditLog

        shared = PostgresAuditLog(settings.state_url, None)
        verdict = Verdict(shared.path, head=shared.read_head(), head_where=shared.where)
        if verdict.head is not None and verdict.head.key_id != key_id(key):
            verdict.problems.append(
                Problem(
                    0,
                    f"the log was checkpointed with MAC key {verdict.head.key_id}, "
                    f"but the key given is {key_id(key)}",
                )
            )
        return check_lines(verdict, shared.lines(), key, shared.where)
    store = open_head_store(settings)
    try:
        head = store.read()
    finally:
        store.close()
    return verify_log(settings.audit_path, key, head, store.where)

"""What an import did: rows mapped, values guessed, rows dropped, each counted by reason.

A dropped row is also a *reject*: the source file, its row (spreadsheet numbering: the
header is row 1), the column and the value that decided it, and why. The rejects go to a
CSV a planner can open beside the export; the report keeps the counts, so a ten-million
row export with a million bad rows still prints a short summary.

JSON shape (`ImportReport.to_dict`):

    {"system": str, "source": str, "out": str, "ok": bool, "since": str | null,
     "changed": bool,                     # false: the dataset already held all of it
     "mapped": {table: rows written},     # rows in the dataset after the import
     "added": {table: rows new or changed this run},
     "guessed": {reason: count},          # a value Stockwise filled in, and from what
     "dropped": {reason: count},          # rows left out, and why
     "notes": [str],                      # statements about the mapping (e.g. dates used)
     "rejects_path": str | null,
     "listed": [{"file", "row", "column", "value", "reason"}]}   # the first rejects
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

LISTED = 30


@dataclass(frozen=True)
class Reject:
    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def render(self) -> str:
        where = self.file if self.row is None else f"{self.file} row {self.row}"
        if self.column:
            where += f", column {self.column}"
        value = "" if self.value is None else f" = {self.value!r}"
        return f"{where}{value}: {self.reason}"


@dataclass
class ImportReport:
    system: str
    source: str
    out: str = ""
    since: str | None = None
    currency: str | None = None  # when the export names it
    ok: bool = True
    changed: bool = True
    mapped: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)
    guessed: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    rejects_path: str | None = None
    # contract column -> the export's own name for it, so a reject names the column the
    # planner sees in the file (MATNR, Material), not ours (item_id)
    source_columns: dict[str, str] = field(default_factory=dict)

    def guess(self, reason: str, count: int = 1) -> None:
        if count:
            self.guessed[reason] += int(count)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def drop(self, reason: str, file: str, rows: pd.DataFrame, column: str | None) -> None:
        """Count the rows of `rows` (a frame indexed by spreadsheet row) as dropped for
        `reason`, and keep each as a reject naming `column`'s value."""
        if rows.empty:
            return
        self.dropped[reason] += len(rows)
        values = rows[column] if column and column in rows.columns else None
        label = self.source_columns.get(column, column) if column else None
        for i, row in enumerate(rows.index):
            value = None if values is None else values.iloc[i]
            self.rejects.append(
                Reject(
                    file,
                    None if pd.isna(row) else int(row),
                    label,
                    None if pd.isna(value) else str(value),
                    reason,
                )
            )

    def drop_one(
        self, reason: str, file: str, row: int | None, column: str | None, value: object
    ) -> None:
        self.dropped[reason] += 1
        self.rejects.append(
            Reject(file, row, column, None if value is None else str(value), reason)
        )

    def rejects_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(r.file, r.row, r.column, r.value, r.reason) for r in self.rejects],
            columns=["file", "row", "column", "value", "reason"],
        )

    def to_dict(self) -> dict:
        return {
            "system": self.system,
            "source": self.source,
            "out": self.out,
            "ok": self.ok,
            "since": self.since,
            "changed": self.changed,
            "mapped": dict(self.mapped),
            "added": dict(self.added),
            "guessed": dict(self.guessed),
            "dropped": dict(self.dropped),
            "notes": list(self.notes),
            "rejects_path": self.rejects_path,
            "listed": [r.__dict__ for r in self.rejects[:LISTED]],
        }

    def render_lines(self) -> list[str]:
        lines = [f"Imported from {self.system}: {self.source}"]
        if self.mapped:
            mapped = ", ".join(f"{name} {n:,}" for name, n in self.mapped.items() if n)
            lines.append(f"Mapped (rows in the dataset): {mapped}")
        if self.since is not None or not self.changed:
            added = ", ".join(f"{name} {n:,}" for name, n in self.added.items() if n) or "none"
            lines.append(f"New or changed this run: {added}")
        for reason, n in sorted(self.guessed.items()):
            lines.append(f"Guessed: {n:,} x {reason}")
        for reason, n in sorted(self.dropped.items()):
            lines.append(f"Dropped: {n:,} x {reason}")
        lines.extend(f"Note: {text}" for text in self.notes)
        for reject in self.rejects[:LISTED]:
            lines.append("  " + reject.render())
        if len(self.rejects) > LISTED:
            lines.append(f"  ... and {len(self.rejects) - LISTED:,} more in the rejects file")
        if self.rejects_path:
            lines.append(f"Rejected rows and their reasons: {self.rejects_path}")
        return lines

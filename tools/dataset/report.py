"""The validation report: every problem found in a dataset, by file, row, column and reason.

Row numbers are spreadsheet rows: the header is row 1, so the first data row is row 2.
The same numbering is used for Parquet files and SQL tables (data row N is row N + 1), so
a row number always means the same thing. `row` is None for a problem with a whole file
or column (missing file, missing column, not UTF-8).

A dataset with tens of millions of rows can have millions of problems; every one is
counted, but each (table, column, reason) group lists only its first `LISTED_PER_GROUP`
rows, and the rendering says how many more there are.

JSON shape (`ValidationReport.to_dict`, stable; new keys may be added, none removed):

    {
      "ok": bool,                      # true when nothing is refused
      "source": str,
      "lenient": bool,
      "problem_count": int,            # every problem, listed or not
      "rows_rejected": int,            # rows dropped (lenient) or that would be (strict)
      "rejects_path": str | null,      # the rejects CSV a lenient load wrote
      "tables": {name: {"file": str | null, "rows": int, "rows_rejected": int,
                        "extra_columns": [str]}},
      "groups": [{"table", "file", "column", "code", "count", "listed"}],
      "problems": [{"table", "file", "row", "column", "code", "reason"}]   # listed only
    }
"""

from __future__ import annotations

from dataclasses import dataclass, field

LISTED_PER_GROUP = 20


@dataclass(frozen=True)
class Problem:
    table: str
    file: str
    row: int | None
    column: str | None
    code: str
    reason: str

    def render(self) -> str:
        where = self.file if self.row is None else f"{self.file} row {self.row}"
        return f"{where}: {self.reason}"


@dataclass
class ProblemGroup:
    table: str
    file: str
    column: str | None
    code: str
    count: int = 0
    listed: list[Problem] = field(default_factory=list)


@dataclass
class TableSummary:
    file: str | None
    rows: int = 0
    rows_rejected: int = 0
    extra_columns: list[str] = field(default_factory=list)


@dataclass
class ValidationReport:
    source: str
    lenient: bool = False
    groups: dict[tuple[str, str | None, str], ProblemGroup] = field(default_factory=dict)
    tables: dict[str, TableSummary] = field(default_factory=dict)
    # A fatal problem refuses the dataset even when lenient (a required table is unusable).
    fatal: bool = False
    rejects_path: str | None = None  # where a lenient load wrote the rejected rows

    def add(
        self,
        table: str,
        file: str,
        column: str | None,
        code: str,
        count: int,
        listed: list[tuple[int | None, str]],
    ) -> None:
        """Record `count` problems of one kind; `listed` holds (row, reason) examples."""
        if count <= 0:
            return
        key = (table, column, code)
        group = self.groups.setdefault(key, ProblemGroup(table, file, column, code))
        group.count += count
        room = LISTED_PER_GROUP - len(group.listed)
        for row, reason in listed[: max(room, 0)]:
            group.listed.append(Problem(table, file, row, column, code, reason))

    @property
    def problem_count(self) -> int:
        return sum(g.count for g in self.groups.values())

    @property
    def rows_rejected(self) -> int:
        return sum(t.rows_rejected for t in self.tables.values())

    @property
    def ok(self) -> bool:
        """True when the dataset is accepted: no problem, or lenient and nothing fatal."""
        if self.fatal:
            return False
        return self.lenient or not self.groups

    @property
    def problems(self) -> list[Problem]:
        return [p for g in self.groups.values() for p in g.listed]

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "source": self.source,
            "lenient": self.lenient,
            "problem_count": self.problem_count,
            "rows_rejected": self.rows_rejected,
            "rejects_path": self.rejects_path,
            "tables": {
                name: {
                    "file": t.file,
                    "rows": t.rows,
                    "rows_rejected": t.rows_rejected,
                    "extra_columns": list(t.extra_columns),
                }
                for name, t in self.tables.items()
            },
            "groups": [
                {
                    "table": g.table,
                    "file": g.file,
                    "column": g.column,
                    "code": g.code,
                    "count": g.count,
                    "listed": len(g.listed),
                }
                for g in self.groups.values()
            ],
            "problems": [
                {
                    "table": p.table,
                    "file": p.file,
                    "row": p.row,
                    "column": p.column,
                    "code": p.code,
                    "reason": p.reason,
                }
                for p in self.problems
            ],
        }

    def render_lines(self) -> list[str]:
        """The problems as readable lines, with "... and N more" after a capped group."""
        lines: list[str] = []
        for g in self.groups.values():
            lines.extend(p.render() for p in g.listed)
            rest = g.count - len(g.listed)
            if rest > 0:
                col = f" {g.column}" if g.column else ""
                lines.append(
                    f"{g.file}: ... and {rest:,} more{col} {_plural(rest, 'problem')} like "
                    f"these ({g.code})"
                )
        return lines

    def summary(self) -> str:
        if not self.groups:
            return f"{self.source}: no problems found"
        verdict = (
            "refused"
            if not self.ok
            else f"loaded without {self.rows_rejected:,} {_plural(self.rows_rejected, 'row')}"
        )
        return (
            f"{self.source}: {self.problem_count:,} {_plural(self.problem_count, 'problem')}, "
            f"dataset {verdict}"
        )

    def render(self) -> str:
        return "\n".join([self.summary(), *self.render_lines()])


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"

"""The import engine: parse every row, find problems, compare with the database, write once.

Each row ends as new, updated, unchanged or rejected. A rejected row carries every problem
found, each naming the row number as the sender sees it, the column header as written in
the file and a Thai message. Nothing is written while any row is rejected unless the user
asks to write the valid rows only; writing is one transaction, and a dry run is the same
run rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from importers.columns import Column, Table
from importers.headers import missing_columns_message
from importers.parallel import can_split, parse_in_halves
from importers.reading import ReadError

NEW, UPDATED, UNCHANGED, REJECTED = "new", "updated", "unchanged", "rejected"
OUTCOMES = (NEW, UPDATED, UNCHANGED, REJECTED)
Progress = Callable[[str, int, int], None]
COLLEGE_MISSING = 'ไม่พบสถานศึกษา "{name}" ในระบบ'


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class Row:
    """One data row of the file on its way through the import."""

    # Slots and a plain __init__: a 100,000-row file makes 100,000 of these.
    __slots__ = ("number", "values", "problems", "outcome", "key", "record_id", "changes", "flags")

    def __init__(self, number: int, values: dict[str, Any] | None = None) -> None:
        self.number = number
        self.values: dict[str, Any] = values if values is not None else {}
        self.problems: list[Problem] = []
        self.outcome: str | None = None
        self.key: Hashable | None = None
        self.record_id: int | None = None
        self.changes: dict[str, tuple[Any, Any]] = {}
        self.flags: dict[str, Any] = {}

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportResult:
    kind: str
    filename: str
    rows: list[Row]
    written: bool
    dry_run: bool
    skip_invalid: bool
    unknown_columns: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome: self.count(outcome) for outcome in OUTCOMES}

    @property
    def problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.problems]

    def as_dict(self) -> dict[str, Any]:
        """The CLI's JSON contract."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "file": self.filename,
            "rows": len(self.rows),
            "created": self.count(NEW),
            "updated": self.count(UPDATED),
            "unchanged": self.count(UNCHANGED),
            "rejected": [problem.as_dict() for problem in self.problems],
            "written": self.written,
        }
        data.update(self.extra)
        return data


@dataclass(frozen=True)
class CellProblem:
    message: str


def parse_cell(parse: Callable[[Any], Any], raw: Any) -> Any:
    """Return the parsed value, or a CellProblem carrying the parser's Thai message."""
    try:
        return parse(raw)
    except ValueError as error:
        return CellProblem(str(error))


def padded(cells: list[Any], width: int) -> list[Any]:
    return [*cells, *([None] * (width - len(cells)))]


def comparable(value: Any) -> Any:
    """Normalise a value so that what is stored and what is read compare equal."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return value


class Importer:
    """Base of every importer: subclasses name their columns and how rows meet the database."""

    kind: ClassVar[str]
    label: ClassVar[str]
    columns: ClassVar[Sequence[Column]]
    # Groups of columns of which a file must hold at least one whole group.
    required_columns: ClassVar[Sequence[Sequence[Sequence[str]]]] = ()
    # The column(s) whose header names a repeated key.
    key_column: ClassVar[str]
    # True when prepare_row uses only what load_lookups() loaded, never the session, so a
    # large file's rows may be parsed in two processes (importers/parallel.py).
    parallel: ClassVar[bool] = False
    # A file refers to things that must exist first: shown with the template.
    instructions: ClassVar[str] = ""

    def __init__(self, session: Session, progress: Progress | None = None, **options: Any):
        self.session = session
        self.options = options
        self.progress = progress or (lambda stage, done, total: None)
        self.table: Table | None = None
        self.agencies: Any = None
        self.extra: dict[str, int] = {}

    # ------------------------------------------------------------------ the run

    def run(
        self,
        table: Table,
        filename: str,
        *,
        dry_run: bool = False,
        skip_invalid: bool = False,
        tail: Callable[[], Iterable[list[Row]]] | None = None,
    ) -> ImportResult:
        """Import a table; commit only if something valid may be written and it is no dry run.

        `tail`, when given, yields the parsed rows of the rest of the file a chunk at a time
        (read and parsed by another process while this one parses the table's rows).
        """
        self.table = table
        self.check_columns(table)
        try:
            seen: dict[Hashable, int] = {}
            if tail is not None:
                # Check and write this part while the other process still reads the rest:
                # it is one transaction, rolled back below if any later row is rejected.
                rows = self.parse(table)
                for row in rows:
                    self.prepare_row(row)
                clean = self.settle(rows, seen, skip_invalid)
                for rest in tail():
                    clean = self.settle(rest, seen, skip_invalid, clean_so_far=clean)
                    rows += rest
            else:
                if can_split(self, table):
                    self.load_lookups()
                    rows = parse_in_halves(self, table)
                else:
                    rows = self.parse(table)
                    self.prepare(rows)
                self.settle(rows, seen, skip_invalid)
            valid = sum(1 for row in rows if row.ok)
            may_write = valid > 0 and (skip_invalid or valid == len(rows))
            if may_write and not dry_run:
                self.session.commit()
            else:
                self.session.rollback()
        except Exception:
            self.session.rollback()
            raise
        headers = {column.name: table.header_of(column.name) for column in self.columns}
        return ImportResult(
            kind=self.kind,
            filename=filename,
            rows=rows,
            written=may_write,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            unknown_columns=table.unknown,
            headers=headers,
            extra=self.extra,
        )

    def check_columns(self, table: Table) -> None:
        """Refuse a file that lacks a required column, naming it."""
        present = set(table.positions)
        for alternatives in self.required_columns:
            if any(set(group) <= present for group in alternatives):
                continue
            groups = [[self.column(name) for name in group] for group in alternatives]
            raise ReadError(missing_columns_message(groups, table.headers, present))
        if not table.rows:
            raise ReadError("ไฟล์มีแต่หัวตาราง ไม่มีข้อมูลให้นำเข้า")

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def header(self, name: str) -> str:
        """The header a problem names: as written in the file, else the template's."""
        if self.table is not None and name in self.table.positions:
            return self.table.header_of(name)
        return self.column(name).title

    def problem(self, row: Row, column: str, message: str) -> None:
        row.problems.append(Problem(row.number, self.header(column), message))

    # ------------------------------------------------------------------ steps

    def parse(self, table: Table) -> list[Row]:
        """Turn each cell into a value with its column's parser; collect every problem.

        Columns are parsed one at a time and each distinct cell once: rosters repeat their
        colleges, departments and dates many times over, and this loop runs over every
        cell of a 100,000-row file.
        """
        present = [(c, table.positions[c.name]) for c in self.columns if c.name in table.positions]
        width = max((len(cells) for _n, cells in table.rows), default=0)
        # Pad short rows (CSV lines may end early) so a column is one itemgetter away.
        lines = [cells if len(cells) == width else padded(cells, width) for _n, cells in table.rows]
        parsed: dict[str, list[Any]] = {}
        for done, (column, position) in enumerate(present, start=1):
            raws = list(map(itemgetter(position), lines))
            parse = column.parse
            try:
                memo = {raw: parse_cell(parse, raw) for raw in set(raws)}
                parsed[column.name] = list(map(memo.__getitem__, raws))
            except TypeError:  # an unhashable cell: parse each one directly
                parsed[column.name] = [parse_cell(parse, raw) for raw in raws]
            self.progress("parse", done, len(present))
        names = list(parsed)
        numbers = [number for number, _cells in table.rows]
        if names:
            records = zip(*parsed.values(), strict=True)
            rows = list(map(Row, numbers, map(dict, map(partial(zip, names), records))))
        else:
            rows = [Row(number, {}) for number in numbers]
        for column, position in present:
            header = table.headers[position]
            for index, value in enumerate(parsed[column.name]):
                if type(value) is CellProblem:
                    row = rows[index]
                    row.values[column.name] = None
                    row.problems.append(Problem(row.number, header, value.message))
        return rows

    def load_lookups(self) -> None:
        """Load what prepare_row looks references up in (parallel importers only)."""

    def prepare(self, rows: list[Row]) -> None:
        """Check required values, resolve references and set each row's key."""
        for row in rows:
            self.prepare_row(row)

    def prepare_row(self, row: Row) -> None:
        raise NotImplementedError

    def require(self, row: Row, *names: str) -> bool:
        """Report each named value that is missing; return whether all are present."""
        ok = True
        for name in names:
            if row.values.get(name) is None and not self.has_problem(row, name):
                self.problem(row, name, f"ไม่ได้ระบุ{self.column(name).title}")
                ok = False
        return ok

    def take_person_name(self, row: Row) -> None:
        """Fill prefix, given name and surname from a glued full name; require the name."""
        values = row.values
        names = values.pop("full_name", None)
        if names is not None:
            prefix, first, last = names
            values["prefix"] = values.get("prefix") or prefix or None
            values["first_name"] = values.get("first_name") or first
            values["last_name"] = values.get("last_name") or last
        positions = self.table.positions if self.table else {}
        if {"first_name", "last_name"} <= set(positions):
            self.require(row, "first_name", "last_name")
        elif names is None:
            self.require(row, "full_name")

    def take_agency(self, row: Row, column: str, target: str, missing: str) -> Any:
        """Replace an agency named in a cell by its id in `target`; unknown is a row problem.

        `missing` is the Thai message, with {name} for the value as written. Importers that
        call this load `self.agencies` (an AgencyIndex) first.
        """
        name = row.values.pop(column, None)
        if name is None:
            return None
        found = self.agencies.find(name)
        if found is None:
            self.problem(row, column, missing.format(name=name))
        else:
            row.values[target] = found.id
        return found

    def has_problem(self, row: Row, name: str) -> bool:
        header = self.header(name)
        return any(problem.column == header for problem in row.problems)

    def settle(
        self,
        rows: list[Row],
        seen: dict[Hashable, int],
        skip_invalid: bool,
        clean_so_far: bool = True,
    ) -> bool:
        """Check rows against the file's earlier keys and the database; write them if allowed.

        Rows are written when the user chose to skip invalid rows or when no row so far is
        rejected. Returns whether every row so far is valid.
        """
        self.mark_duplicates(rows, seen)
        valid = [row for row in rows if row.ok]
        self.compare(valid)
        for row in rows:
            if not row.ok:
                row.outcome = REJECTED
        clean = clean_so_far and len(valid) == len(rows)
        if valid and (skip_invalid or clean):
            self.write([row for row in valid if row.outcome in (NEW, UPDATED)])
            self.session.flush()
        return clean

    def mark_duplicates(self, rows: list[Row], seen: dict[Hashable, int] | None = None) -> None:
        """A key repeated within one file rejects the later row (seen: keys of earlier parts)."""
        first: dict[Hashable, int] = {} if seen is None else seen
        for row in rows:
            if row.key is None:
                continue
            if row.key in first:
                self.problem(
                    row,
                    self.key_column,
                    f"ข้อมูลซ้ำกับแถวที่ {first[row.key]} ในไฟล์เดียวกัน (ใช้แถวแรกเท่านั้น)",
                )
            else:
                first[row.key] = row.number

    def compare(self, rows: list[Row]) -> None:
        """Set each valid row's outcome (new, updated, unchanged) and changed fields."""
        raise NotImplementedError

    def write(self, rows: list[Row]) -> None:
        """Create and update the records of the new and updated rows (no commit)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def diff(row: Row, current: dict[str, Any], fields: Sequence[str]) -> None:
        """Compare a row with a stored record; blank cells keep what is stored."""
        values = row.values
        if list(map(values.get, fields)) == list(map(current.get, fields)):
            row.outcome = UNCHANGED  # the usual case of a file sent again, checked at once
            return
        for name in fields:
            new = values.get(name)
            if new is None:
                continue
            old = current.get(name)
            # Most values are simply equal: only the rest need normalising (100,000 rows).
            if old != new and comparable(old) != comparable(new):
                row.changes[name] = (old, new)
        row.outcome = UPDATED if row.changes else UNCHANGED

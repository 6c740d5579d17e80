"""The importer of a kind: its columns, and how its rows meet the database, stage by stage.

`Importer.run` is the one path every file of every kind and size takes, after reading and
locating the table: parse (stage 4) → check values → prepare: require values and resolve
references (stages 5–6) → mark keys repeated in the file → compare with what is stored
(stage 7) → write, one transaction (stage 8). Each stage works on the whole row table at
once; a kind overrides `prepare`, `compare` and `write`.

Each row ends as new, updated, unchanged or rejected. A rejected row carries every problem
found, each naming the row number as the sender sees it, the column header as written in
the file and a Thai message. Nothing is written while any row is rejected unless the user
asks to write the valid rows only; a dry run is the same run rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from importers.columns import Column
from importers.headers import missing_columns_message
from importers.locate import Table
from importers.parse import Progress, check_values, parse_table
from importers.reading import ReadError
from importers.results import (
    NEW,
    REJECTED,
    UNCHANGED,
    UPDATED,
    ImportResult,
    RowTable,
    nones,
    objects,
)
from importers.versions import record_versions, refuse_if_changed
from thai.dates import bangkok_now

COLLEGE_MISSING = _l('The college "%(name)s" is not in the system')


def comparable(value: Any) -> Any:
    """Normalise a value so that what is stored and what is read compare equal."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return value


def distinct_map(values: np.ndarray, function: Callable[[Any], Any]) -> np.ndarray:
    """Apply a function to each distinct value once (None stays None); an object array.

    Values that cannot be told apart by hashing (lists) are mapped one by one.
    """
    try:
        codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    except TypeError:
        return objects([None if value is None else function(value) for value in values])
    mapped = objects([*(function(value) for value in uniques), None])
    return mapped[codes]


class Importer:
    """Base of every importer: subclasses name their columns and how rows meet the database."""

    kind: ClassVar[str]
    label: ClassVar[str]
    columns: ClassVar[Sequence[Column]]
    # Groups of columns of which a file must hold at least one whole group.
    required_columns: ClassVar[Sequence[Sequence[Sequence[str]]]] = ()
    # The column(s) whose header names a repeated key.
    key_column: ClassVar[str]
    # A file refers to things that must exist first: shown with the template.
    instructions: ClassVar[str] = ""
    # The model whose records rows.record_id names: the preview keeps their versions.
    record_model: ClassVar[Any] = None

    def __init__(self, session: Session, progress: Progress | None = None, **options: Any):
        self.session = session
        self.options = options
        self.progress = progress or (lambda stage, done, total: None)
        self.table: Table | None = None
        self.extra: dict[str, int] = {}
        self.today = bangkok_now().date()

    # ------------------------------------------------------------------ the run

    def run(
        self,
        table: Table,
        filename: str,
        *,
        dry_run: bool = False,
        skip_invalid: bool = False,
        previewed: Mapping[str, Any] | None = None,
    ) -> ImportResult:
        """Import a table; commit only if something valid may be written and it is no dry run.

        previewed: the record versions the confirmed preview compared with; if any row's
        record changed since, nothing is written (importers.versions.ChangedSincePreview).
        """
        self.table = table
        self.check_columns(table)
        try:
            rows = parse_table(table, self.columns, self.progress)
            table.release()
            check_values(rows, table, self.columns, self)
            self.prepare(rows)
            self.mark_duplicates(rows)
            self.compare(rows, np.flatnonzero(rows.ok))
            rows.outcome[rows.rejected] = REJECTED
            versions = record_versions(self.session, self.record_model, rows)
            refuse_if_changed(previewed, versions, rows)
            valid = int(np.count_nonzero(rows.ok))
            may_write = valid > 0 and (skip_invalid or valid == len(rows))
            if may_write:
                self.write(rows, rows.positions(NEW, UPDATED))
                self.session.flush()
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
            versions=versions,
        )

    def check_columns(self, table: Table) -> None:
        """Refuse a file that lacks a required column, naming it and what the file has."""
        present = set(table.positions)
        for alternatives in self.required_columns:
            if any(set(group) <= present for group in alternatives):
                continue
            groups = [[self.column(name) for name in group] for group in alternatives]
            raise ReadError(missing_columns_message(groups, table.headers, present))
        if table.empty:
            raise ReadError(_("The file has only its headers: there is no data to import"))

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def header(self, name: str) -> str:
        """The header a problem names: as written in the file, else the template's."""
        if self.table is not None and name in self.table.positions:
            return self.table.header_of(name)
        return self.column(name).title

    # ------------------------------------------------------------------ stages

    def prepare(self, rows: RowTable) -> None:
        """Check required values, resolve references and set each row's key."""
        raise NotImplementedError

    def compare(self, rows: RowTable, positions: np.ndarray) -> None:
        """Set the outcome (new, updated, unchanged) and changes of the rows at positions."""
        raise NotImplementedError

    def write(self, rows: RowTable, positions: np.ndarray) -> None:
        """Create and update the records of the new and updated rows (no commit)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ problems

    def problem(self, rows: RowTable, position: int, column: str, message: str) -> None:
        rows.add_problem(position, self.header(column), message)

    def problems(
        self, rows: RowTable, mask: np.ndarray, column: str, message: str | np.ndarray
    ) -> None:
        """Tell a problem on every row of the mask; message is one text or one per row."""
        header = self.header(column)
        for position in np.flatnonzero(mask):
            text = message if isinstance(message, str) else message[position]
            rows.add_problem(position, header, text)

    def has_problem(self, rows: RowTable, position: int, name: str) -> bool:
        return rows.has_problem(position, self.header(name))

    def require(self, rows: RowTable, *names: str) -> np.ndarray:
        """Report each named value that is missing; return which rows have them all."""
        present = np.ones(len(rows), dtype=bool)
        for name in names:
            missing = np.equal(rows.get(name), None)
            header = self.header(name)
            message = f"ไม่ได้ระบุ{self.column(name).title}"
            for position in np.flatnonzero(missing):
                if not rows.has_problem(position, header):
                    rows.add_problem(position, header, message)
            present &= ~missing
        return present

    # ------------------------------------------------------------------ shared steps

    def take_person_name(self, rows: RowTable) -> None:
        """Fill prefix, given name and surname from a glued full name; require the name."""
        positions = self.table.positions if self.table else {}
        apart = {"first_name", "last_name"} <= set(positions)
        if not apart:
            self.require(rows, "full_name")
        names = rows.drop("full_name")
        if not np.equal(names, None).all():
            glued = np.not_equal(names, None)
            for part, index in (("prefix", 0), ("first_name", 1), ("last_name", 2)):
                own = rows.get(part)
                from_name = nones(len(rows))
                from_name[glued] = [name[index] or None for name in names[glued]]
                rows.set(part, np.where(np.equal(own, None) | (own == ""), from_name, own))
        else:
            for part in ("prefix", "first_name", "last_name"):
                if not rows.has(part):
                    rows.set(part, nones(len(rows)))
        if apart:
            self.require(rows, "first_name", "last_name")

    def resolve(
        self,
        rows: RowTable,
        column: str,
        find: Callable[[Any], Any],
        missing: str | LazyString,
    ) -> np.ndarray:
        """Look up each distinct value of a reference column once; drop the column.

        Returns what `find` gave for each row (None where blank or not found); a value not
        found is a row problem, `missing` its message with %(name)s for the value.
        """
        names = rows.drop(column)
        found = distinct_map(names, find)
        absent = np.equal(found, None) & np.not_equal(names, None)
        if absent.any():
            header = self.header(column)
            for position in np.flatnonzero(absent):
                rows.add_problem(position, header, missing % {"name": names[position]})
        return found

    def mark_duplicates(self, rows: RowTable) -> None:
        """A key repeated within one file rejects the later rows (the first one is used)."""
        keyed = np.flatnonzero(np.not_equal(rows.key, None))
        if len(keyed) < 2:
            return
        codes, _uniques = pd.factorize(pd.Series(rows.key[keyed], dtype=object))
        _distinct, first = np.unique(codes, return_index=True)
        first_of = first[codes]
        repeated = np.flatnonzero(first_of != np.arange(len(keyed)))
        header = self.header(self.key_column)
        for index in repeated:
            number = rows.numbers[keyed[first_of[index]]]
            rows.add_problem(
                keyed[index],
                header,
                _(
                    "Repeats row %(number)s of the same file (only the first is used)",
                    number=number,
                ),
            )

    def match_stored(
        self,
        rows: RowTable,
        positions: np.ndarray,
        found: Mapping[Any, Any],
        fields: Sequence[str],
        accept: Callable[[int, Any], bool] = lambda position, record: True,
    ) -> np.ndarray:
        """Match each row to its stored record by key (found: key -> a record with .id and
        the fields): new where there is none, else compared field by field. `accept` may
        refuse a match (telling the row's problem); returns the positions compared."""
        known: list[int] = []
        stored: dict[str, list[Any]] = {name: [] for name in fields}
        for position in positions:
            record = found.get(rows.key[position])
            if record is None:
                rows.outcome[position] = NEW
                continue
            rows.record_id[position] = record.id
            if not accept(position, record):
                continue
            known.append(position)
            for name in fields:
                stored[name].append(getattr(record, name))
        compared = np.asarray(known, dtype=np.int64)
        self.diff(
            rows, compared, {name: objects(values) for name, values in stored.items()}, fields
        )
        return compared

    @staticmethod
    def diff(
        rows: RowTable,
        positions: np.ndarray,
        stored: dict[str, np.ndarray],
        fields: Sequence[str],
    ) -> None:
        """Compare rows with their stored records, field by field; blank cells keep what is
        stored. stored[name] holds each position's stored value; sets outcome and changes."""
        changes = rows.changes
        for name in fields:
            new = rows.get(name)[positions]
            old = stored[name]
            differs = np.not_equal(new, None) & np.asarray(new != old, dtype=bool)
            for index in np.flatnonzero(differs):
                before, after = old[index], new[index]
                # Most values are simply equal: only the rest need normalising.
                if comparable(before) != comparable(after):
                    changes.setdefault(int(positions[index]), {})[name] = (before, after)
        for position in positions:
            rows.outcome[position] = UPDATED if position in changes else UNCHANGED

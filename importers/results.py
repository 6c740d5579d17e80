"""What an import finds and decides: outcomes, problems, the row table and the result.

The row table holds a file's data rows as columns (a pandas frame of parsed values and an
array per fact: outcome, key, record id). A `Row` is only a view of one position, made when
somebody asks for it: the pipeline itself never builds an object per row.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

NEW, UPDATED, UNCHANGED, REJECTED = "new", "updated", "unchanged", "rejected"
OUTCOMES = (NEW, UPDATED, UNCHANGED, REJECTED)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row: the row number and the column header as the sender wrote
    them, and a message in Thai."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class CellProblem:
    """A cell parser's refusal, kept in place of the value until the row is told."""

    message: str


def objects(values: Sequence[Any] | np.ndarray) -> np.ndarray:
    """An object array of the values (tuples and lists stay whole, one item each)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def nones(length: int) -> np.ndarray:
    """An object array of `length` Nones: a column with nothing in it yet."""
    return np.full(length, None, dtype=object)


class RowTable:
    """Every data row of a file, as columns, on its way through the import."""

    def __init__(self, numbers: Sequence[int] | np.ndarray) -> None:
        self.numbers = np.asarray(numbers, dtype=np.int64)
        size = len(self.numbers)
        self.values = pd.DataFrame(index=pd.RangeIndex(size))
        # The cleaned text of each column as written (parse.Distinct), for messages that
        # quote the sender.
        self.written: dict[str, Any] = {}
        self.outcome = nones(size)
        self.key = nones(size)
        self.record_id = nones(size)
        self.rejected = np.zeros(size, dtype=bool)
        self.changes: dict[int, dict[str, tuple[Any, Any]]] = {}
        self.flags: dict[str, np.ndarray] = {}
        self._problems: list[tuple[int, int, str, str]] = []
        self._said: set[tuple[int, str]] = set()

    def __len__(self) -> int:
        return len(self.numbers)

    # ------------------------------------------------------------------ values

    def has(self, name: str) -> bool:
        return name in self.values.columns

    def get(self, name: str) -> np.ndarray:
        """A column's parsed values as an object array (all None when the file lacks it)."""
        if name in self.values.columns:
            return self.values[name].to_numpy(dtype=object)
        return nones(len(self))

    def set(self, name: str, values: Sequence[Any] | np.ndarray) -> None:
        array = values if isinstance(values, np.ndarray) and values.dtype == object else None
        self.values[name] = pd.Series(
            array if array is not None else objects(values), index=self.values.index, dtype=object
        )

    def drop(self, name: str) -> np.ndarray:
        """Remove a column and return its values (a reference column once resolved)."""
        values = self.get(name)
        if name in self.values.columns:
            del self.values[name]
        return values

    def flag(self, name: str) -> np.ndarray:
        """A flag column (None where unset), made on first use."""
        if name not in self.flags:
            self.flags[name] = nones(len(self))
        return self.flags[name]

    # ------------------------------------------------------------------ problems

    def add_problem(self, position: int, header: str, message: str) -> None:
        self._problems.append((int(position), len(self._problems), header, message))
        self._said.add((int(position), header))
        self.rejected[position] = True

    def has_problem(self, position: int, header: str) -> bool:
        return (int(position), header) in self._said

    @property
    def ok(self) -> np.ndarray:
        """True for each row with no problem so far."""
        return ~self.rejected

    def problems(self) -> list[Problem]:
        """Every problem, in row order and, within a row, in the order found."""
        ordered = sorted(self._problems)
        numbers = self.numbers
        return [Problem(int(numbers[p]), header, message) for p, _n, header, message in ordered]

    def problems_of(self, position: int) -> list[Problem]:
        number = int(self.numbers[position])
        return [Problem(number, h, m) for p, _n, h, m in sorted(self._problems) if p == position]

    def problems_by_position(self) -> dict[int, list[Problem]]:
        grouped: dict[int, list[Problem]] = {}
        for position, _n, header, message in sorted(self._problems):
            grouped.setdefault(position, []).append(
                Problem(int(self.numbers[position]), header, message)
            )
        return grouped

    # ------------------------------------------------------------------ outcomes

    def count(self, outcome: str) -> int:
        return int(np.count_nonzero(self.outcome == outcome))

    def positions(self, *outcomes: str) -> np.ndarray:
        """Positions of the rows with any of the outcomes, in file order."""
        mask = np.isin(self.outcome, list(outcomes))
        return np.flatnonzero(mask)

    def __getitem__(self, position: int) -> Row:
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        return Row(self, position)

    def __iter__(self) -> Iterator[Row]:
        grouped = self.problems_by_position()
        for position in range(len(self)):
            yield Row(self, position, grouped.get(position, []))


class Row:
    """A view of one row of a row table: what the preview and the tests read."""

    __slots__ = ("table", "position", "_problems")

    def __init__(self, table: RowTable, position: int, problems: list[Problem] | None = None):
        self.table = table
        self.position = position
        self._problems = problems

    @property
    def number(self) -> int:
        return int(self.table.numbers[self.position])

    @property
    def values(self) -> dict[str, Any]:
        frame = self.table.values
        return {name: frame[name].iat[self.position] for name in frame.columns}

    @property
    def problems(self) -> list[Problem]:
        if self._problems is None:
            self._problems = self.table.problems_of(self.position)
        return self._problems

    @property
    def ok(self) -> bool:
        return not self.table.rejected[self.position]

    @property
    def outcome(self) -> str | None:
        return self.table.outcome[self.position]

    @property
    def key(self) -> Hashable | None:
        return self.table.key[self.position]

    @property
    def record_id(self) -> int | None:
        return self.table.record_id[self.position]

    @property
    def changes(self) -> dict[str, tuple[Any, Any]]:
        return self.table.changes.get(self.position, {})

    @property
    def flags(self) -> dict[str, Any]:
        position = self.position
        return {
            name: values[position]
            for name, values in self.table.flags.items()
            if values[position] is not None
        }


@dataclass
class ImportResult:
    kind: str
    filename: str
    rows: RowTable
    written: bool
    dry_run: bool
    skip_invalid: bool
    unknown_columns: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)
    # {row number: [record id, version]} of the rows matched to stored records.
    versions: dict[str, list[Any]] = field(default_factory=dict)

    def count(self, outcome: str) -> int:
        return self.rows.count(outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome: self.count(outcome) for outcome in OUTCOMES}

    @property
    def problems(self) -> list[Problem]:
        return self.rows.problems()

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

"""Stage 2, locate the table: the sheet and header row that name the most columns, and the
data rows below it (blank rows and a totals line left out)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from importers.columns import Column
from importers.headers import (
    INSTRUCTIONS_SHEET_MESSAGE,
    looks_like_instructions,
    map_headers,
    match_header,
)
from importers.reading import ReadError, Sheet
from thai.text import normalize_text

# How far down a sheet the header row may sit (title rows above it).
HEADER_SEARCH_ROWS = 30
TOTAL_WORDS = ("รวม", "total", "ยอดรวม", "รวมทั้งสิ้น")


@dataclass
class Table:
    """The data rows under a header row, with the header cells as the sender wrote them."""

    sheet: str
    header_row: int
    headers: list[str]
    positions: dict[str, int]
    # The sheet's cells, and which of its rows (0-based) are the table's data rows.
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    kept: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    unknown: list[str] = field(default_factory=list)

    @property
    def numbers(self) -> np.ndarray:
        """The sheet's row numbers of the data rows, as the sender sees them."""
        return self.kept + 1

    @property
    def empty(self) -> bool:
        return len(self.kept) == 0

    def release(self) -> None:
        """Let the sheet's cells go once they are parsed, keeping the row numbers."""
        self.frame = self.frame.iloc[:0, :0]

    def header_of(self, column: str) -> str:
        """Return the header as written in the file for a column name."""
        position = self.positions.get(column)
        return self.headers[position] if position is not None else column

    def column(self, name: str) -> pd.Series:
        """The raw text of a mapped column, one cell per data row (taken when asked for, so
        that only one column is copied at a time)."""
        return self.frame[self.positions[name]].take(self.kept)


def header_text(cell: str | None) -> str:
    return normalize_text(cell) if cell is not None else ""


def score_row(row: Sequence[str | None], columns: Sequence[Column]) -> int:
    named = {
        found.name
        for cell in row
        if cell is not None and (found := match_header(header_text(cell), columns))
    }
    return len(named)


def find_table(sheets: Sequence[Sheet], columns: Sequence[Column]) -> Table:
    """Find the sheet and row whose cells name the most columns; take the rows below it.

    A template's instructions sheet (คำอธิบาย) names every column in its rows, so it is
    never taken for the data; a file holding only that sheet is told so.
    """
    best: tuple[int, Sheet, int] | None = None
    instructions = False
    for sheet in sheets:
        head = sheet.head(HEADER_SEARCH_ROWS)
        if looks_like_instructions(head):
            instructions = True
            continue
        for index, row in enumerate(head):
            score = score_row(row, columns)
            if score and (best is None or score > best[0]):
                best = (score, sheet, index)
    if best is None or best[0] < min(2, len(columns)):
        if instructions:
            raise ReadError(INSTRUCTIONS_SHEET_MESSAGE)
        expected = ", ".join(column.title for column in columns[:6])
        raise ReadError(f"ไม่พบแถวหัวตารางในไฟล์ (ควรมีหัวคอลัมน์ เช่น {expected})")
    _score, sheet, index = best
    row = sheet.row(index)
    headers = [header_text(cell) for cell in row]
    mapped = map_headers([cell or "" for cell in row], columns)
    return Table(
        sheet.name,
        index + 1,
        headers,
        mapped.positions,
        sheet.frame,
        data_rows(sheet.frame, index + 1),
        mapped.unknown,
    )


def data_rows(frame: pd.DataFrame, after: int) -> np.ndarray:
    """The positions (0-based) of the rows below row `after` that are neither blank nor totals.

    Column by column: a row is blank when every cell is, and a totals line such as
    "รวม 240 คน" is a row whose first cell that is not blank says so.
    """
    body = frame.iloc[after:]
    empty = np.ones(len(body), dtype=bool)
    total = np.zeros(len(body), dtype=bool)
    for position in body.columns:
        cells = body[position].str.strip()
        present = (cells.notna() & (cells != "")).to_numpy(dtype=bool)
        first = empty & present
        if first.any():
            said = cells[first].str.lower().str.startswith(TOTAL_WORDS)
            total[np.flatnonzero(first)] = said.to_numpy(dtype=bool)
        empty &= ~present
    return np.flatnonzero(~(empty | total)) + after

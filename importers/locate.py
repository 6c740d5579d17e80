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
    # The data rows' cells (every column of the sheet), indexed by row number.
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)
    unknown: list[str] = field(default_factory=list)

    @property
    def numbers(self) -> np.ndarray:
        return self.cells.index.to_numpy(dtype=np.int64)

    def header_of(self, column: str) -> str:
        """Return the header as written in the file for a column name."""
        position = self.positions.get(column)
        return self.headers[position] if position is not None else column

    def column(self, name: str) -> pd.Series:
        """The raw text of a mapped column, one cell per data row."""
        position = self.positions[name]
        if position in self.cells.columns:
            return self.cells[position]
        return pd.Series(None, index=self.cells.index, dtype="str")


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
        data_rows(sheet.frame, index + 1),
        mapped.unknown,
    )


def data_rows(frame: pd.DataFrame, after: int) -> pd.DataFrame:
    """The rows below row number `after`, indexed by row number, without blank or totals rows.

    Column by column: a row is blank when every cell is, and a totals line such as
    "รวม 240 คน" is a row whose first cell that is not blank says so.
    """
    body = frame.iloc[after:]
    body = body.set_axis(pd.RangeIndex(after + 1, after + 1 + len(body)), axis=0)
    if body.empty:
        return body
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
    return body[~(empty | total)]

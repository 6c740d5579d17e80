"""Columns (a field with its Thai and English headers) and finding the table in a file.

Headers are matched by importers/headers.py; `header_key` is re-exported here for callers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from importers import cells
from importers.cells import Parser, text
from importers.headers import (
    INSTRUCTIONS_SHEET_MESSAGE,
    header_key,
    looks_like_instructions,
    map_headers,
)
from importers.reading import ReadError, Sheet, cell_text, is_blank_cell, is_empty_row
from thai.text import normalize_text

# How far down a sheet the header row may sit (title rows above it).
HEADER_SEARCH_ROWS = 30
TOTAL_WORDS = ("รวม", "total", "ยอดรวม", "รวมทั้งสิ้น")


@dataclass(frozen=True)
class Column:
    """A field of an import: its headers, its cell parser, and whether a value is required."""

    name: str
    headers: tuple[str, ...]
    parse: Parser = text
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    example: str = ""

    @property
    def title(self) -> str:
        """The header a template writes: the first (Thai) alias."""
        return self.headers[0]

    def keys(self) -> set[str]:
        return {header_key(h) for h in self.headers}


@dataclass
class Table:
    """The data rows under a header row, with the header cells as the sender wrote them."""

    sheet: str
    header_row: int
    headers: list[str]
    positions: dict[str, int]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def header_of(self, column: str) -> str:
        """Return the header as written in the file for a column name."""
        position = self.positions.get(column)
        return self.headers[position] if position is not None else column


def person_name_columns(prefix: str, first: str, last: str) -> tuple[Column, ...]:
    """Prefix, given name and surname columns, or one full name with the prefix glued on."""
    return (
        Column(
            "prefix",
            ("คำนำหน้า", "คำนำหน้าชื่อ", "prefix", "title"),
            cells.prefix,
            help="นาย นาง นางสาว ว่าที่ร้อยตรี ดร. ฯลฯ",
            example=prefix,
        ),
        Column("first_name", ("ชื่อ", "first_name"), cells.text, example=first),
        Column("last_name", ("นามสกุล", "สกุล", "last_name"), cells.text, example=last),
        Column(
            "full_name",
            ("ชื่อ-สกุล", "ชื่อ - นามสกุล", "ชื่อ-นามสกุล", "full_name"),
            cells.full_name,
            help=f"ใช้แทนคอลัมน์ คำนำหน้า ชื่อ นามสกุล ได้ เช่น {prefix}{first} {last}",
        ),
    )


def score_row(row: Sequence[Any], columns: Sequence[Column]) -> int:
    """How many columns a row's cells name, matched as headers (hints cut off)."""
    return len(map_headers([cell_text(cell) for cell in row], columns).positions)


def find_table(sheets: Sequence[Sheet], columns: Sequence[Column]) -> Table:
    """Find the sheet and row whose cells name the most columns; read the rows below it.

    A template's instructions sheet (คำอธิบาย) names every column in its rows, so it is
    never taken for the data; a file holding only that sheet is told so.
    """
    best: tuple[int, Sheet, int] | None = None
    instructions = False
    for sheet in sheets:
        if looks_like_instructions(sheet.rows):
            instructions = True
            continue
        for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            score = score_row(row, columns)
            if score and (best is None or score > best[0]):
                best = (score, sheet, index)
    if best is None or best[0] < min(2, len(columns)):
        if instructions:
            raise ReadError(INSTRUCTIONS_SHEET_MESSAGE)
        expected = ", ".join(column.title for column in columns[:6])
        raise ReadError(f"ไม่พบแถวหัวตารางในไฟล์ (ควรมีหัวคอลัมน์ เช่น {expected})")
    _score, sheet, index = best
    row = sheet.rows[index]
    header_cells = [normalize_text(cell_text(cell)) for cell in row]
    mapped = map_headers([cell_text(cell) for cell in row], columns)
    table = Table(sheet.name, index + 1, header_cells, mapped.positions, unknown=mapped.unknown)
    table.rows = data_rows(sheet.rows, index + 1)
    return table


def data_rows(rows: Sequence[list[Any]], after: int) -> list[tuple[int, list[Any]]]:
    """Return (row number, cells) of the data rows below row number `after`."""
    return [
        (number, row)
        for number, row in enumerate(rows[after:], start=after + 1)
        if not (is_empty_row(row) or is_total_row(row))
    ]


def is_total_row(row: Sequence[Any]) -> bool:
    """A totals line such as "รวม 240 คน" closes a sheet; it is not data."""
    first = next((cell for cell in row if not is_blank_cell(cell)), "")
    return isinstance(first, str) and first.strip().lower().startswith(TOTAL_WORDS)

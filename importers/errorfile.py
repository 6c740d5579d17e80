"""The error copy: the uploaded table as text, with a column saying what is wrong in each row.

The sender fixes the marked rows and sends the file again. Every row keeps its number
(title rows above the header are copied too), so "แถว 121" in a message is row 121 here.
Cells are written as strings only: nothing in the copy ever becomes a formula, and the
values are not altered (a leading apostrophe would become part of the data on re-import).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from importers import KINDS
from importers.locate import find_table
from importers.reading import Limits, read_sheets
from thai.dates import format_be, parse_datetime

ERROR_HEADER = "ข้อผิดพลาด"
# Characters Excel refuses in a sheet name.
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
# How a date cell reads once the workbook is read as text.
DATE_CELL = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$")


def cell_as_text(value: Any) -> str:
    """A raw cell as text: whole numbers without ".0", dates as BE day/month/year."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        day = format_be(value.date(), style="numeric")
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return day
        return f"{day} {value:%H:%M:%S}"
    if isinstance(value, dt.date):
        return format_be(value, style="numeric")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, str) and DATE_CELL.match(value):
        try:
            return cell_as_text(parse_datetime(value))
        except ValueError:
            return value
    return str(value)


def problem_text(problems: Sequence[tuple[str, str]]) -> str:
    return "\n".join(f"{column}: {message}" if column else message for column, message in problems)


def sheet_title(name: str) -> str:
    cleaned = "".join(ch for ch in name if ch not in SHEET_NAME_FORBIDDEN).strip("'")
    return cleaned[:31] or "ข้อมูล"


def width_of(row: Sequence[Any]) -> int:
    """The number of cells up to the last one that is not blank."""
    for index in range(len(row) - 1, -1, -1):
        cell = row[index]
        if cell is not None and not (isinstance(cell, str) and not cell.strip()):
            return index + 1
    return 0


def write_error_copy(
    path: Path,
    content: bytes,
    filename: str,
    kind: str,
    problems: Mapping[int, Sequence[tuple[str, str]]],
    limits: Limits | None = None,
) -> None:
    """Write the error copy of an uploaded file to path (ReadError if the file is unreadable)."""
    sheets = read_sheets(content, filename, limits)
    table = find_table(sheets, KINDS[kind].columns)
    sheet = next(sheet for sheet in sheets if sheet.name == table.sheet)
    numbers = table.numbers
    last = int(numbers[-1]) if len(numbers) else table.header_row
    rows = sheet.head(last)
    header_index = table.header_row - 1
    width = max(width_of(row) for row in rows[header_index:])
    path.parent.mkdir(parents=True, exist_ok=True)
    # Built beside its final name, then renamed: a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix="_", suffix=".xlsx")
    os.close(handle)
    try:
        write_workbook(temporary, table.sheet, rows, header_index, width, problems)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_workbook(
    target: str,
    name: str,
    rows: Sequence[Sequence[Any]],
    header_index: int,
    width: int,
    problems: Mapping[int, Sequence[tuple[str, str]]],
) -> None:
    # constant_memory writes row by row to disk: a 100,000-row copy stays small in memory.
    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    error_header = book.add_format(
        {"bold": True, "bg_color": "#F8D7DA", "font_color": "#721C24", "border": 1}
    )
    error = book.add_format(
        {"bg_color": "#F8D7DA", "font_color": "#721C24", "text_wrap": True, "valign": "top"}
    )
    sheet = book.add_worksheet(sheet_title(name))
    text = book.add_format({"num_format": "@"})
    header_cells = rows[header_index] if header_index < len(rows) else []
    for col in range(width):
        label = cell_as_text(header_cells[col]) if col < len(header_cells) else ""
        sheet.set_column(col, col, min(max(len(label) + 4, 12), 40), text)
    sheet.set_column(width, width, 60, text)
    for index, cells in enumerate(rows):
        number = index + 1
        for col in range(min(width, len(cells))):
            value = cell_as_text(cells[col])
            if value:
                sheet.write_string(index, col, value, header if index == header_index else None)
        if index == header_index:
            sheet.write_string(index, width, ERROR_HEADER, error_header)
        elif number in problems:
            sheet.write_string(index, width, problem_text(problems[number]), error)
    sheet.freeze_panes(header_index + 1, 0)
    sheet.autofilter(header_index, 0, max(len(rows) - 1, header_index), width)
    book.close()

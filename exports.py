"""Spreadsheet output shared by admin exports and reports: safe cells, XLSX bytes."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from thai.dates import format_be, format_be_datetime

# A cell starting with one of these is run as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> str:
    """Return a cell's text so that no spreadsheet reads it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def be_text(value: Any) -> str:
    """Return a cell's text, dates in Buddhist Era as Thai readers expect."""
    if isinstance(value, dt.datetime):
        return format_be_datetime(value)
    if isinstance(value, dt.date):
        return format_be(value, style="numeric")
    return "" if value is None else str(value)


def safe_workbook(buffer: io.BytesIO) -> xlsxwriter.Workbook:
    """An in-memory workbook that writes every string as text: never a formula, number or link."""
    return xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )


def write_cell(
    sheet: Worksheet, row: int, col: int, value: Any, fmt: Any = None, number_format: Any = None
) -> str | None:
    """Write a value as a typed cell; return the text written (None for booleans and numbers).

    Booleans and numbers keep their type, dates become BE text, everything else is written
    as text, so a value starting with "=" can never run as a formula.
    """
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
        return None
    if isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, float(value), fmt or number_format)
        return None
    text = be_text(value)
    sheet.write_string(row, col, text, fmt)
    return text


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet_name: str = "Sheet1",
    title: str | None = None,
) -> bytes:
    """Write one sheet of rows to XLSX bytes; text is always text, never a formula."""
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    sheet = book.add_worksheet(sheet_name[:31])
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    row_no = 0
    if title:
        sheet.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 14}))
        row_no = 2
    for col, header in enumerate(headers):
        sheet.write_string(row_no, col, str(header), bold)
    widths = [min(max(len(str(h)) + 2, 8), 60) for h in headers]
    sheet.freeze_panes(row_no + 1, 0)
    for values in rows:
        row_no += 1
        for col, value in enumerate(values):
            text = write_cell(sheet, row_no, col, value)
            if text is not None and col < len(widths):
                widths[col] = min(max(widths[col], len(text) + 2), 60)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    book.close()
    return buffer.getvalue()

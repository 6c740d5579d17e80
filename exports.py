"""Spreadsheet output shared by admin exports and reports: safe, typed cells, XLSX bytes.

Dates are date cells and numbers are number cells, so a reader can sort, filter and add
them up; their number formats show them as the office reads them (dates in the Buddhist
Era, numbers with thousands separators). Text is always a text cell, never a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter
from flask import has_request_context
from flask_babel import get_locale
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from thai.dates import bangkok, format_be, format_be_datetime

# A cell starting with one of these is run as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Thai (041E), the Thai Buddhist calendar (07), Western digits (01): Excel and LibreOffice
# both show "24 ม.ค. 2568". (LibreOffice does not read the newer "[$-th-TH,107]" spelling,
# and "[$-D07041E]" shows Thai digits.)
BE_DATE = "[$-107041E]d mmm yyyy"
BE_DATETIME = '[$-107041E]d mmm yyyy hh:mm "น."'
# English (0409), Gregorian: "24 Jan 2025", for the English screen.
CE_DATE = "[$-409]d mmm yyyy"
CE_DATETIME = "[$-409]d mmm yyyy hh:mm"
INTEGER = "#,##0"
MONEY = "#,##0.00"
# Report percentages are 0-100, so the sign is a literal, not Excel's ×100 percent.
PERCENT = '0.0"%"'
YEAR = "0"
# Excel's first date; earlier ones are written as BE text.
FIRST_EXCEL_YEAR = 1900

# How a column's numbers are shown, by kind (reports.model.ColumnKind, plus "year").
NUMBER_FORMATS = {"int": INTEGER, "money": MONEY, "percent": PERCENT, "year": YEAR}
NUMBERS = int | float | Decimal


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


def typed_value(value: Any) -> Any:
    """An export value as the XLSX export writes it: dates and numbers kept, text made safe."""
    if isinstance(value, dt.date | NUMBERS) and not isinstance(value, bool):
        return value
    return safe_text(value)


def column_kind(name: Any) -> str:
    """How an admin export shows a column's numbers: years without separators ("2568")."""
    field = str(name).rsplit(".", 1)[-1].lower()
    return "year" if field == "year" or field.endswith("_year") else "text"


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


def english_screen() -> bool:
    """True when the request is on the English screen (exports then show CE dates)."""
    return has_request_context() and str(get_locale()) == "en"


class CellWriter:
    """Typed cells of one workbook; each style combined with the number format a value needs."""

    def __init__(self, book: xlsxwriter.Workbook, *, english: bool = False) -> None:
        self.book = book
        self.english = english
        self.date_format, self.datetime_format = (
            (CE_DATE, CE_DATETIME) if english else (BE_DATE, BE_DATETIME)
        )
        self.formats: dict[tuple, Format | None] = {}

    def style(self, style: dict[str, Any] | None = None, number: str | None = None) -> Any:
        """The format of a style (bold, fill…) with a number format, made once per workbook."""
        key = (tuple(sorted((style or {}).items())), number)
        if key not in self.formats:
            properties = {**(style or {}), **({"num_format": number} if number else {})}
            self.formats[key] = self.book.add_format(properties) if properties else None
        return self.formats[key]

    def write(
        self,
        sheet: Worksheet,
        row: int,
        col: int,
        value: Any,
        style: dict[str, Any] | None = None,
        kind: str = "text",
    ) -> str:
        """Write a value as a typed cell; return the text a reader sees (to size the column).

        Dates and times are date cells shown in BE (CE on the English screen), numbers are
        number cells with thousands separators (money with two decimals, years without),
        booleans stay booleans, and everything else is a text cell, so a value starting
        with "=" can never run as a formula. A "code" column is text even when all digits.
        """
        if value is None or value == "":
            sheet.write_blank(row, col, None, self.style(style))
            return ""
        if kind == "code":
            value = str(value)
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value, self.style(style))
            return "FALSE"
        if isinstance(value, dt.date):
            return self.write_date(sheet, row, col, value, style)
        if isinstance(value, NUMBERS) and math.isfinite(float(value)):
            number = self.number_format(value, kind)
            sheet.write_number(row, col, float(value), self.style(style, number))
            return number_text(value, number)
        text = str(value)
        sheet.write_string(row, col, text, self.style(style))
        return text

    def write_date(
        self, sheet: Worksheet, row: int, col: int, value: dt.date, style: dict | None
    ) -> str:
        if isinstance(value, dt.datetime):
            value = bangkok(value)
            number, text = self.datetime_format, format_be_datetime(value)
        else:
            number, text = self.date_format, format_be(value)
        if value.year < FIRST_EXCEL_YEAR:  # Excel has no date cell before 1900
            sheet.write_string(row, col, text, self.style(style))
            return text
        sheet.write_datetime(row, col, value, self.style(style, number))
        return text

    @staticmethod
    def number_format(value: int | float | Decimal, kind: str) -> str:
        if kind in NUMBER_FORMATS:
            return NUMBER_FORMATS[kind]
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return INTEGER
        return MONEY


def number_text(value: int | float | Decimal, number: str) -> str:
    """The text a number shows in its format (for column widths)."""
    if number == YEAR:
        return f"{value:.0f}"
    if number == INTEGER:
        return f"{value:,.0f}"
    if number == PERCENT:
        return f"{value:.1f}%"
    return f"{value:,.2f}"


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet_name: str = "Sheet1",
    title: str | None = None,
    kinds: Sequence[str] | None = None,
    english: bool | None = None,
) -> bytes:
    """Write one sheet of rows to XLSX bytes: typed cells, text never a formula.

    kinds names how each column's numbers are shown ("year", "int", "money"…; by type when
    not given); dates show in BE unless english (by default: the request's screen).
    """
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    cells = CellWriter(book, english=english_screen() if english is None else english)
    sheet = book.add_worksheet(sheet_name[:31])
    header_style = {"bold": True, "bg_color": "#E8EEF7", "border": 1}
    row_no = 0
    if title:
        sheet.write_string(0, 0, title, cells.style({"bold": True, "font_size": 14}))
        row_no = 2
    for col, header in enumerate(headers):
        sheet.write_string(row_no, col, str(header), cells.style(header_style))
    widths = [min(max(len(str(h)) + 2, 8), 60) for h in headers]
    sheet.freeze_panes(row_no + 1, 0)
    for values in rows:
        row_no += 1
        for col, value in enumerate(values):
            kind = kinds[col] if kinds and col < len(kinds) else "text"
            text = cells.write(sheet, row_no, col, value, kind=kind)
            if col < len(widths):
                widths[col] = min(max(widths[col], len(text) + 2), 60)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    book.close()
    return buffer.getvalue()

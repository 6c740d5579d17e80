"""Render a built report as a plain XLSX workbook: the same rows as the PDF, as data.

One sheet: the title and filters, then each block in order (a table's header, rows and
totals; a chart's figures; facts as label-value rows). Numbers stay numbers, dates are
written as BE text the way the office reads them, and text is always written as text, so
a cell starting with "=" can never run as a formula.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter

from exports import safe_workbook, write_cell
from reports.model import Chart, Facts, Note, Report, Table

MARK_WORDS = {"warn": "เฝ้าระวัง", "short": "ต่ำกว่าเป้าหมาย", "group": "", "total": ""}


class SheetWriter:
    def __init__(self, book: xlsxwriter.Workbook, name: str) -> None:
        self.sheet = book.add_worksheet(name[:31])
        self.row = 0
        self.widths: dict[int, int] = {}
        self.bold = book.add_format({"bold": True})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.header = book.add_format({"bold": True, "bg_color": "#E6ECF5", "border": 1})
        self.total = book.add_format({"bold": True, "bg_color": "#F1F1F1"})
        self.money = book.add_format({"num_format": "#,##0.00"})
        self.integer = book.add_format({"num_format": "#,##0"})

    def cell(self, col: int, value: Any, fmt: Any = None, kind: str = "text") -> None:
        if value is None or value == "":
            self.sheet.write_blank(self.row, col, None, fmt)
            return
        if kind == "code":
            value = str(value)  # codes and IDs stay text even when they are all digits
        number_format = self.money if kind == "money" else self.integer if kind == "int" else None
        text = write_cell(self.sheet, self.row, col, value, fmt, number_format)
        if text is not None:
            self.widths[col] = max(self.widths.get(col, 8), min(len(text) + 2, 60))

    def line(self, values: list[Any], fmt: Any = None, kinds: list[str] | None = None) -> None:
        for col, value in enumerate(values):
            self.cell(col, value, fmt, kinds[col] if kinds else "text")
        self.row += 1

    def skip(self) -> None:
        self.row += 1

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.sheet.set_column(col, col, width)


def render_xlsx(report: Report) -> bytes:
    """Return the XLSX twin of a built report."""
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    out = SheetWriter(book, report.name)
    out.line([report.title], out.title)
    for label, value in report.filters:
        out.line([label, value])
    out.skip()
    for block in report.blocks:
        if isinstance(block, Table):
            write_table(out, block)
        elif isinstance(block, Chart):
            out.line([block.title], out.bold)
            out.line(["", *[name for name, _values in block.series]], out.header)
            for index, label in enumerate(block.labels):
                out.line([label, *[values[index] for _name, values in block.series]])
        elif isinstance(block, Facts):
            if block.title:
                out.line([block.title], out.bold)
            for label, value in block.pairs:
                out.line([label, value])
        elif isinstance(block, Note):
            out.line([block.text])
        out.skip()
    out.finish()
    book.close()
    return buffer.getvalue()


def write_table(out: SheetWriter, table: Table) -> None:
    if table.title:
        out.line([table.title], out.bold)
    kinds = [column.kind for column in table.columns]
    out.line([column.title for column in table.columns], out.header)
    if not table.rows:
        out.line([table.empty])
        return
    for row in table.rows:
        out.line([row.get(column.key) for column in table.columns], kinds=kinds)
    if table.totals:
        out.line([table.totals.get(column.key) for column in table.columns], out.total, kinds)
    if table.legend:
        out.line([table.legend])

"""Render a built report as a plain XLSX workbook: the same rows as the PDF, as data.

One sheet: the title and filters, then each block in order (a table's header, rows and
totals; a chart's figures; facts as label-value rows). Dates are date cells shown in the
Buddhist Era ("24 ม.ค. 2568"), numbers are number cells with thousands separators (money
with two decimals, percentages with one), and text is always written as text, so a cell
starting with "=" can never run as a formula.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter

from exports import CellWriter, safe_workbook
from reports.model import Chart, Facts, Note, Report, Table
from reports.words import settle

BOLD = {"bold": True}
TITLE = {"bold": True, "font_size": 14}
HEADER = {"bold": True, "bg_color": "#E6ECF5", "border": 1}
TOTAL = {"bold": True, "bg_color": "#F1F1F1"}


class SheetWriter:
    def __init__(self, book: xlsxwriter.Workbook, name: str, *, english: bool = False) -> None:
        self.sheet = book.add_worksheet(name[:31])
        self.cells = CellWriter(book, english=english)
        self.row = 0
        self.widths: dict[int, int] = {}

    def cell(self, col: int, value: Any, style: dict | None = None, kind: str = "text") -> str:
        return self.cells.write(self.sheet, self.row, col, value, style, kind)

    def line(self, values: list[Any], style: dict | None = None, kinds: list[str] | None = None):
        """A row of cells; each sizes its column (to at most 60 characters)."""
        for col, value in enumerate(values):
            text = self.cell(col, value, style, kinds[col] if kinds else "text")
            if text:
                self.widths[col] = max(self.widths.get(col, 8), min(len(text) + 2, 60))
        self.row += 1

    def text(self, value: str, style: dict | None = None) -> None:
        """A line of one text (a title, a note) that runs on across the columns: it does
        not widen the first column."""
        self.cell(0, value, style, "code")
        self.row += 1

    def skip(self) -> None:
        self.row += 1

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.sheet.set_column(col, col, width)


def render_xlsx(report: Report, *, english: bool = False) -> bytes:
    """Return the XLSX twin of a built report (dates in BE; CE when english)."""
    report = settle(report)
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    out = SheetWriter(book, report.name, english=english)
    out.text(report.title, TITLE)
    for label, value in report.filters:
        out.line([label, value], kinds=["code", "code"])
    out.skip()
    for block in report.blocks:
        if isinstance(block, Table):
            write_table(out, block)
        elif isinstance(block, Chart):
            out.text(block.title, BOLD)
            out.line(["", *[name for name, _values in block.series]], HEADER)
            for index, label in enumerate(block.labels):
                out.line([label, *[values[index] for _name, values in block.series]])
        elif isinstance(block, Facts):
            if block.title:
                out.text(block.title, BOLD)
            for label, value in block.pairs:
                out.line([label, value])
        elif isinstance(block, Note):
            out.text(block.text)
        out.skip()
    out.finish()
    book.close()
    return buffer.getvalue()


def write_table(out: SheetWriter, table: Table) -> None:
    if table.title:
        out.text(table.title, BOLD)
    kinds = [column.kind for column in table.columns]
    out.line([column.title for column in table.columns], HEADER)
    if not table.rows:
        out.text(table.empty)
        return
    for row in table.rows:
        out.line([row.get(column.key) for column in table.columns], kinds=kinds)
    if table.totals:
        out.line([table.totals.get(column.key) for column in table.columns], TOTAL, kinds)
    if table.legend:
        out.text(table.legend)

"""Render a built report as an A4 PDF in Thai: Sarabun, BE dates, "หน้า X จาก Y".

The PDF is a pure function of the Report (and the moment it is printed): no database.
Every page carries the office and the report's title at the top and the time of printing
and the page number at the bottom; tables repeat their header on every page.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, SimpleDocTemplate, Spacer

from reports.model import Block, Chart, Column, Facts, Note, Report, Table
from reports.pdfdraw import (
    MARK_FILLS,
    RULE,
    TOTAL_FILL,
    BarChart,
    Cell,
    Grid,
    GridRow,
    TextBlock,
    TextStyle,
    draw_text,
)
from reports.pdffonts import BOLD, REGULAR, register_fonts
from reports.thaitext import wrap
from reports.words import lt, settle, t
from thai.dates import bangkok_now, format_be, format_be_datetime
from thai.digits import to_thai_digits

OFFICE = lt("สำนักพัฒนาสมรรถนะครูและบุคลากรอาชีวศึกษา")
MARGIN = 15 * mm
NUMERIC = {"int", "money", "percent"}
HEADER_SIZE = 8.5


class Formatter:
    """Turns values into the text printed, in Thai or Arabic digits."""

    def __init__(self, thai_digits: bool) -> None:
        self.thai_digits = thai_digits

    def digits(self, text: str) -> str:
        return to_thai_digits(text) if self.thai_digits else text

    def value(self, value: Any, kind: str) -> str:
        if value is None or value == "":
            return ""
        if kind == "code":
            return str(value)  # codes and IDs keep the digits they are filed under
        if isinstance(value, bool):
            text = "✓" if value else ""
        elif kind == "int" and isinstance(value, int | float | Decimal):
            text = f"{value:,.0f}"
        elif kind == "money" and isinstance(value, int | float | Decimal):
            text = f"{value:,.2f}"
        elif kind == "percent" and isinstance(value, int | float | Decimal):
            text = f"{value:.1f}%"
        elif isinstance(value, dt.datetime):
            text = format_be_datetime(value)
        elif isinstance(value, dt.date):
            text = format_be(value, style="short")
        elif isinstance(value, float | Decimal):
            text = f"{value:,.2f}"
        elif isinstance(value, int):
            text = f"{value:,}"
        else:
            text = str(value)
        return self.digits(text)

    def number(self, value: float) -> str:
        return self.digits(f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}")


class NumberedCanvas(Canvas):
    """A canvas that knows the page count when it draws each page's footer."""

    def __init__(self, *args: Any, report_footer=None, **kwargs: Any) -> None:
        # Sarabun from the start: ReportLab's default Helvetica would be named, never embedded.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or REGULAR
        super().__init__(*args, **kwargs)
        self.pages: list[dict[str, Any]] = []
        self.report_footer = report_footer

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self.pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self.pages)
        for page in self.pages:
            self.__dict__.update(page)
            if self.report_footer is not None:
                self.report_footer(self, self._pageNumber, total)
            super().showPage()
        super().save()


def render_pdf(
    report: Report,
    *,
    thai_digits: bool = False,
    printed_at: dt.datetime | None = None,
    office: str | None = None,
) -> bytes:
    """Return the PDF of a built report, its words in the current language."""
    report = settle(report)
    register_fonts()
    office = office or str(OFFICE)
    fmt = Formatter(thai_digits)
    printed_at = printed_at or bangkok_now()
    pagesize = landscape(A4) if report.landscape else A4
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 8 * mm,
        bottomMargin=MARGIN + 4 * mm,
        title=report.title,
        author=office,
        subject=" · ".join(f"{label} {value}" for label, value in report.filters),
        creator="Samatta",
    )
    width, height = pagesize
    # The running header is one line: a title too long for the page is cut at a word.
    running = wrap(fmt.digits(f"{office} · {report.title}"), REGULAR, 8, width - 2 * MARGIN)[0]
    printed = fmt.digits(t("พิมพ์เมื่อ %(when)s", when=format_be_datetime(printed_at)))

    def header(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(RULE)
        draw_text(canvas, MARGIN, height - MARGIN, running, REGULAR, 8)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, height - MARGIN - 3, width - MARGIN, height - MARGIN - 3)
        canvas.restoreState()

    def footer(canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        canvas.setFillColor(RULE)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, MARGIN + 8, width - MARGIN, MARGIN + 8)
        draw_text(canvas, MARGIN, MARGIN, printed, REGULAR, 8)
        page = fmt.digits(t("หน้า %(number)s จาก %(total)s", number=number, total=total))
        draw_text(canvas, width - MARGIN, MARGIN, page, REGULAR, 8, "right")
        canvas.restoreState()

    story = title_block(report, fmt, office)
    for block in report.blocks:
        story.extend(block_flowables(block, fmt))

    def canvasmaker(*args: Any, **kwargs: Any) -> NumberedCanvas:
        return NumberedCanvas(*args, report_footer=footer, **kwargs)

    doc.build(story, onFirstPage=header, onLaterPages=header, canvasmaker=canvasmaker)
    return buffer.getvalue()


def title_block(report: Report, fmt: Formatter, office: str) -> list[Flowable]:
    story: list[Flowable] = [
        TextBlock(fmt.digits(office), TextStyle(BOLD, 12, 16, "center"), space_after=2),
        TextBlock(fmt.digits(report.title), TextStyle(BOLD, 15, 20, "center"), space_after=4),
    ]
    if report.filters:
        used = "   ".join(f"{label}: {value}" for label, value in report.filters)
        story.append(TextBlock(fmt.digits(used), TextStyle(REGULAR, 10, 13.5, "center")))
    story.append(Spacer(1, 4 * mm))
    return story


def block_flowables(block: Block, fmt: Formatter) -> list[Flowable]:
    if isinstance(block, Table):
        return table_flowables(block, fmt)
    if isinstance(block, Chart):
        return chart_flowables(block, fmt)
    if isinstance(block, Facts):
        return facts_flowables(block, fmt)
    if isinstance(block, Note):
        return [TextBlock(fmt.digits(block.text), TextStyle(), space_after=6)]
    raise TypeError(f"not a report block: {block!r}")


def heading(text: str, fmt: Formatter) -> list[Flowable]:
    return [CondPageBreak(30 * mm), TextBlock(fmt.digits(text), TextStyle(BOLD, 11.5, 15))]


def cell_of(column: Column, value: Any, fmt: Formatter, bold: bool = False) -> Cell:
    align = "right" if column.kind in NUMERIC else "left"
    # Only text breaks between words; a name between its halves; numbers, dates, codes never.
    wrap_as = column.kind if column.kind in ("text", "name") else "code"
    return Cell(fmt.value(value, column.kind), wrap_as, align, bold)


def table_flowables(table: Table, fmt: Formatter) -> list[Flowable]:
    story: list[Flowable] = heading(table.title, fmt) if table.title else [CondPageBreak(25 * mm)]
    if not table.rows:
        story.append(TextBlock(fmt.digits(table.empty), TextStyle(), space_after=8))
        return story
    columns = table.columns
    header = GridRow(
        [Cell(fmt.digits(c.title), "text", "center", True) for c in columns], size=HEADER_SIZE
    )
    rows = [
        GridRow(
            [cell_of(column, row.get(column.key), fmt) for column in columns],
            fill=MARK_FILLS.get(table.marks.get(index, "")),
        )
        for index, row in enumerate(table.rows)
    ]
    if table.totals:
        cells = [cell_of(column, table.totals.get(column.key), fmt, True) for column in columns]
        rows.append(GridRow(cells, fill=TOTAL_FILL, bold=True))
    story.append(Grid(None, header, rows))
    if table.legend:
        story.append(Spacer(1, 2))
        story.append(TextBlock(fmt.digits(table.legend), TextStyle(REGULAR, 8.5, 11.5)))
    story.append(Spacer(1, 5 * mm))
    return story


def chart_flowables(chart: Chart, fmt: Formatter) -> list[Flowable]:
    if not chart.labels:
        return []
    labels = [fmt.digits(label) for label in chart.labels]
    series = [(fmt.digits(name), [float(v or 0) for v in values]) for name, values in chart.series]
    unit = fmt.digits(chart.unit)
    # A chart is never split: its title goes to the next page with it.
    title = TextBlock(fmt.digits(chart.title), TextStyle(BOLD, 11.5, 15))
    return [KeepTogether([title, BarChart(labels, series, fmt.number, unit)]), Spacer(1, 5 * mm)]


def facts_flowables(facts: Facts, fmt: Formatter) -> list[Flowable]:
    story: list[Flowable] = heading(facts.title, fmt) if facts.title else []
    rows = [
        GridRow([Cell(fmt.digits(label), bold=True), Cell(fmt.digits(value))])
        for label, value in facts.pairs
    ]
    story.append(Grid(None, None, rows))
    story.append(Spacer(1, 5 * mm))
    return story

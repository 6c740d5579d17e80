"""Drawing Thai text, tables and bar charts on a ReportLab canvas.

Text is shaped by HarfBuzz (through ReportLab) and wrapped by reports.thaitext before it
is drawn, so every line is known to fit its cell; each run carries its original text as
/ActualText so that copying and pdftotext give back exactly what was printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import shapeStr
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from reports.pdffonts import BOLD, REGULAR
from reports.thaitext import has_thai, pieces, wrap

INK = colors.HexColor("#1a1a1a")
RULE = colors.HexColor("#8a8f98")
HEADER_FILL = colors.HexColor("#e6ecf5")
TOTAL_FILL = colors.HexColor("#f1f1f1")
MARK_FILLS = {
    "warn": colors.HexColor("#fff1c2"),
    "short": colors.HexColor("#fde0dc"),
    "group": colors.HexColor("#eef3ea"),
    "total": TOTAL_FILL,
}
SERIES_FILLS = (colors.HexColor("#3f6fb5"), colors.HexColor("#e08a2c"), colors.HexColor("#5a9e5a"))


def actual_text(text: str) -> str:
    """The PDF string of text as UTF-16 with a byte-order mark."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, font: str, size: float, align: str = "left"
) -> None:
    """Draw one line of text (already known to fit), shaped when it holds Thai."""
    if not text:
        return
    width = stringWidth(text, font, size)
    if align == "right":
        x -= width
    elif align == "center":
        x -= width / 2
    # canvas.drawString(shaping=True) shapes only when rlbidi is installed: shape here.
    drawn = shaped(text, font, size) if has_thai(text) else text
    canvas.addLiteral(f"/Span <</ActualText {actual_text(text)}>> BDC")
    line = canvas.beginText(x, y)
    line.setFont(font, size)
    line.textOut(drawn)
    canvas.drawText(line)
    canvas.addLiteral("EMC")


@lru_cache(maxsize=65536)
def shaped_chunk(chunk: str, font: str, size: float) -> str:
    return shapeStr(chunk, font, size) if has_thai(chunk) else chunk


def shaped(text: str, font: str, size: float) -> str:
    """Text shaped by HarfBuzz, each space-separated chunk once per document run.

    Shaping is per glyph Python work in ReportLab; tables repeat the same words (names of
    colleges, statuses) thousands of times, and Thai shaping never reaches across a space.
    """
    chunks = text.split(" ")
    out = shaped_chunk(chunks[0], font, size)
    for chunk in chunks[1:]:
        out = out + (" " + shaped_chunk(chunk, font, size))
    return out


@dataclass
class TextStyle:
    font: str = REGULAR
    size: float = 10
    leading: float = 13.5
    align: str = "left"
    color: colors.Color = INK


class TextBlock(Flowable):
    """A paragraph of text wrapped at Thai word boundaries to the frame's width."""

    def __init__(self, text: str, style: TextStyle, kind: str = "text", space_after: float = 4):
        super().__init__()
        self.text = text
        self.style = style
        self.kind = kind
        self.spaceAfter = space_after
        self.lines: tuple[str, ...] = ()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.lines = wrap(self.text, self.style.font, self.style.size, availWidth, self.kind)
        self.height = len(self.lines) * self.style.leading
        return self.width, self.height

    def draw(self) -> None:
        style = self.style
        x = {"left": 0, "center": self.width / 2, "right": self.width}[style.align]
        self.canv.setFillColor(style.color)
        baseline = self.height - style.size
        for line in self.lines:
            draw_text(self.canv, x, baseline, line, style.font, style.size, style.align)
            baseline -= style.leading


@dataclass
class Cell:
    text: str
    kind: str = "text"  # how it may wrap: text, name, code
    align: str = "left"
    bold: bool = False


@dataclass
class GridRow:
    cells: list[Cell]
    fill: colors.Color | None = None
    bold: bool = False
    # Smaller type for header rows, so that column titles break less often.
    size: float | None = None
    # Filled in by layout: the wrapped lines of each cell and the row's height.
    lines: list[tuple[str, ...]] = field(default_factory=list)
    height: float = 0.0


class Grid(Flowable):
    """A table of text that wraps inside its cells and repeats its header on every page.

    Rows are laid out once (each cell wrapped to its column's width); splitting across
    pages only slices the list of rows, so a table of thousands of rows costs no more per
    row than a short one.
    """

    PAD_X = 3.0
    PAD_Y = 2.5

    def __init__(
        self,
        widths: Sequence[float],
        header: GridRow | None,
        rows: list[GridRow],
        size: float = 9.5,
        leading: float = 12.5,
        laid_out_width: float | None = None,
        auto: bool = False,
    ) -> None:
        super().__init__()
        # auto: widths from content, as a browser's automatic table layout (see content_widths).
        self.auto = auto
        self.fractions = list(widths)
        self.header = header
        self.rows = rows
        self.size = size
        self.leading = leading
        self.laid_out_width = laid_out_width
        self.widths: list[float] = []

    # ----------------------------------------------------------------- layout

    def layout(self, width: float) -> None:
        if self.laid_out_width == width:
            return
        if self.auto:
            self.widths = self.content_widths(width)
            self.fit_header()
        else:
            total = sum(self.fractions)
            self.widths = [width * fraction / total for fraction in self.fractions]
        for row in [self.header, *self.rows] if self.header else self.rows:
            self.layout_row(row)
        self.laid_out_width = width

    MIN_HEADER_SIZE = 7.0

    def content_widths(self, width: float) -> list[float]:
        """Each column at least its longest unbreakable word, the rest shared by content length.

        The header's words count at the smallest header size: a header row shrinks its type
        (down to MIN_HEADER_SIZE) before any of its words is cut.
        """
        count = len(self.fractions)
        pad = 2 * self.PAD_X
        least = [pad] * count
        most = [pad] * count
        rows = [(row, row.size or self.size) for row in self.rows]
        for row, size in rows:
            for index, cell in enumerate(row.cells):
                font = BOLD if (cell.bold or row.bold) else REGULAR
                whole = stringWidth(" ".join(cell.text.split()), font, size) + pad
                most[index] = max(most[index], whole)
                if whole > least[index]:  # only a cell wider than the floor can raise it
                    for piece in pieces(cell.text, cell.kind):
                        least[index] = max(least[index], stringWidth(piece, font, size) + pad)
        if self.header:
            for index, cell in enumerate(self.header.cells):
                size = self.header.size or self.size
                most[index] = max(most[index], stringWidth(cell.text, BOLD, size) + pad)
                for piece in pieces(cell.text, cell.kind):
                    floor = stringWidth(piece, BOLD, min(size, self.MIN_HEADER_SIZE)) + pad
                    least[index] = max(least[index], floor)
        if sum(least) >= width:  # not even every word fits: share the page by the words
            return [width * value / sum(least) for value in least]
        if sum(most) <= width:  # everything fits on one line: share the rest by content
            return [width * value / sum(most) for value in most]
        spare = width - sum(least)
        wants = [high - low for low, high in zip(least, most, strict=True)]
        return [low + spare * want / sum(wants) for low, want in zip(least, wants, strict=True)]

    def fit_header(self) -> None:
        """The largest header size (down to MIN_HEADER_SIZE) at which no header word is cut."""
        header = self.header
        if header is None:
            return
        size = header.__dict__.setdefault("base_size", header.size or self.size)
        while size > self.MIN_HEADER_SIZE:
            fits = all(
                stringWidth(piece, BOLD, size) <= width - 2 * self.PAD_X + 0.01
                for cell, width in zip(header.cells, self.widths, strict=True)
                for piece in pieces(cell.text, cell.kind)
            )
            if fits:
                break
            size = max(size - 0.5, self.MIN_HEADER_SIZE)
        header.size = size

    def layout_row(self, row: GridRow) -> None:
        row.lines = []
        size = row.size or self.size
        for cell, width in zip(row.cells, self.widths, strict=True):
            font = BOLD if (cell.bold or row.bold) else REGULAR
            inner = max(width - 2 * self.PAD_X, 1)
            row.lines.append(wrap(cell.text, font, size, inner, cell.kind))
        most = max((len(lines) for lines in row.lines), default=1)
        row.height = most * self.leading * size / self.size + 2 * self.PAD_Y

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.layout(availWidth)
        self.width = availWidth
        self.height = sum(row.height for row in self.rows) + self.header_height()
        return self.width, self.height

    def header_height(self) -> float:
        return self.header.height if self.header else 0.0

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.layout(availWidth)
        room = availHeight - self.header_height()
        used, count = 0.0, 0
        for row in self.rows:
            if used + row.height > room:
                break
            used += row.height
            count += 1
        if count == 0 or count == len(self.rows):
            return [] if count == 0 else [self]
        return [self.part(self.rows[:count]), self.part(self.rows[count:])]

    def part(self, rows: list[GridRow]) -> Grid:
        return Grid(
            self.fractions,
            self.header,
            rows,
            self.size,
            self.leading,
            self.laid_out_width,
            self.auto,
        )._with_widths(self.widths)

    def _with_widths(self, widths: list[float]) -> Grid:
        self.widths = widths
        return self

    # ----------------------------------------------------------------- drawing

    def draw(self) -> None:
        canvas = self.canv
        top = self.height
        if self.header:
            top = self.draw_row(self.header, top, HEADER_FILL, bold=True)
        for row in self.rows:
            top = self.draw_row(row, top, row.fill, bold=row.bold)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        x = 0.0
        for width in self.widths[:-1]:
            x += width
            canvas.line(x, 0, x, self.height)

    def draw_row(self, row: GridRow, top: float, fill, bold: bool) -> float:
        canvas = self.canv
        bottom = top - row.height
        if fill is not None:
            canvas.setFillColor(fill)
            canvas.rect(0, bottom, self.width, row.height, stroke=0, fill=1)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(0, bottom, self.width, bottom)
        canvas.setFillColor(INK)
        x = 0.0
        size = row.size or self.size
        leading = self.leading * size / self.size
        for cell, width, lines in zip(row.cells, self.widths, row.lines, strict=True):
            font = BOLD if (cell.bold or bold) else REGULAR
            if cell.align == "right":
                anchor = x + width - self.PAD_X
            elif cell.align == "center":
                anchor = x + width / 2
            else:
                anchor = x + self.PAD_X
            baseline = top - self.PAD_Y - size
            for line in lines:
                draw_text(canvas, anchor, baseline, line, font, size, cell.align)
                baseline -= leading
            x += width
        return bottom


class BarChart(Flowable):
    """Horizontal bars, one group per label, drawn as vector graphics with shaped labels."""

    BAR = 9.0
    GAP = 6.0
    SIZE = 9.0

    def __init__(
        self,
        labels: list[str],
        series: list[tuple[str, list[float]]],
        format_value,
        unit: str = "",
    ) -> None:
        super().__init__()
        self.labels = labels
        self.series = series
        self.format_value = format_value
        self.unit = unit

    def group_height(self) -> float:
        return self.BAR * len(self.series) + self.GAP

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.label_width = min(availWidth * 0.32, 180)
        self.label_lines = [
            wrap(label, REGULAR, self.SIZE, self.label_width - 6)[:2] for label in self.labels
        ]
        legend = 16 if len(self.series) > 1 else 0
        groups = [
            max(self.group_height(), len(lines) * (self.SIZE + 2) + self.GAP)
            for lines in self.label_lines
        ]
        self.group_heights = groups
        self.height = sum(groups) + legend + 4
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        biggest = max((max(values, default=0) for _name, values in self.series), default=0) or 1
        plot_left = self.label_width
        plot_width = self.width - plot_left - 60
        top = self.height
        if len(self.series) > 1:
            x = plot_left
            for index, (name, _values) in enumerate(self.series):
                canvas.setFillColor(SERIES_FILLS[index % len(SERIES_FILLS)])
                canvas.rect(x, top - 10, 10, 8, stroke=0, fill=1)
                canvas.setFillColor(INK)
                draw_text(canvas, x + 14, top - 9, name, REGULAR, self.SIZE)
                x += 24 + stringWidth(name, REGULAR, self.SIZE)
            top -= 16
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(plot_left, 0, plot_left, top)
        for index, lines in enumerate(self.label_lines):
            height = self.group_heights[index]
            canvas.setFillColor(INK)
            baseline = top - self.SIZE
            for line in lines:
                draw_text(canvas, plot_left - 6, baseline, line, REGULAR, self.SIZE, "right")
                baseline -= self.SIZE + 2
            bar_top = top - 1
            for number, (_name, values) in enumerate(self.series):
                value = values[index] if index < len(values) else 0
                length = plot_width * (value / biggest) if value > 0 else 0
                canvas.setFillColor(SERIES_FILLS[number % len(SERIES_FILLS)])
                canvas.rect(
                    plot_left, bar_top - self.BAR + 1, length, self.BAR - 2, stroke=0, fill=1
                )
                canvas.setFillColor(INK)
                text = self.format_value(value) + (f" {self.unit}" if self.unit else "")
                draw_text(
                    canvas, plot_left + length + 3, bar_top - self.BAR + 2.5, text, REGULAR, 8
                )
                bar_top -= self.BAR
            top -= height

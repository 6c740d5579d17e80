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


def capped(widths: list[float], room: float) -> list[float]:
    """Widths that fill room: the widest lowered to one common cap, the narrower kept."""
    ordered = sorted(widths, reverse=True)
    rest, cap = sum(widths), room
    for count, value in enumerate(ordered, start=1):
        rest -= value
        cap = (room - rest) / count
        if count == len(ordered) or cap >= ordered[count]:
            break
    return [min(value, cap) for value in widths]


def grown(widths: list[float], wanted: list[float], width: float) -> list[float]:
    """Widths grown towards wanted within width, each by its share of what all want."""
    wants = [max(target - value, 0.0) for value, target in zip(widths, wanted, strict=True)]
    spare = max(width - sum(widths), 0.0)
    if sum(wants) <= spare:
        return [value + want for value, want in zip(widths, wants, strict=True)]
    return [value + spare * want / sum(wants) for value, want in zip(widths, wants, strict=True)]


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
    # How it may wrap: text between words, name between its halves, code (also numbers
    # and dates) never.
    kind: str = "text"
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

    Column widths come from the content, as a browser's automatic table layout does (see
    content_widths), unless fixed widths are given. Rows are laid out once (each cell
    wrapped to its column's width); splitting across pages only slices the list of rows,
    so a table of thousands of rows costs no more per row than a short one.
    """

    PAD_X = 3.0
    PAD_Y = 2.5
    # A header's type shrinks, in steps, down to this before any of its words is cut.
    MIN_HEADER_SIZE = 7.0
    HEADER_STEP = 0.5

    def __init__(
        self,
        widths: Sequence[float] | None,
        header: GridRow | None,
        rows: list[GridRow],
        size: float = 9.5,
        leading: float = 12.5,
    ) -> None:
        super().__init__()
        # Fixed relative widths, or None for widths from the content.
        self.fractions = list(widths) if widths is not None else None
        self.header = header
        self.rows = rows
        self.size = size
        self.leading = leading
        self.laid_out_width: float | None = None
        self.widths: list[float] = []
        self.header_size = (header.size or size) if header else size

    # ----------------------------------------------------------------- layout

    def layout(self, width: float) -> None:
        if self.laid_out_width == width:
            return
        if self.fractions is None:
            self.widths = self.content_widths(width)
            self.header_size = self.fitting_header_size()
        else:
            total = sum(self.fractions)
            self.widths = [width * fraction / total for fraction in self.fractions]
        for row in [self.header, *self.rows] if self.header else self.rows:
            self.layout_row(row)
        self.laid_out_width = width

    def row_size(self, row: GridRow) -> float:
        return self.header_size if row is self.header else row.size or self.size

    def header_sizes(self) -> list[float]:
        """The header's sizes to try, largest first: its own, then smaller to the least."""
        size = (self.header.size if self.header else None) or self.size
        sizes = [size]
        while sizes[-1] > self.MIN_HEADER_SIZE:
            sizes.append(max(sizes[-1] - self.HEADER_STEP, self.MIN_HEADER_SIZE))
        return sizes

    def content_widths(self, width: float) -> list[float]:
        """Column widths from the content, as CSS's automatic table layout shares them.

        Each column is at least as wide as its longest unbreakable piece (a newmm word with
        its brackets, a name's half, a whole code, number or date): its min-content width.
        The header's words count at the largest header size (down to MIN_HEADER_SIZE) at
        which every column's minimum fits the page. Width left over goes first to the
        body's lines, in proportion to how much wider than its minimum each column's longest
        line is, then to the header's, then to every column by its width.
        """
        body_least, body_most = self.body_extents()
        least, header_most = self.header_extents(body_least, width)
        if sum(least) > width:
            return self.squeezed(least, body_most, width)
        widths = grown(grown(least, body_most, width), header_most, width)
        spare = max(width - sum(widths), 0.0)
        return [value + spare * value / sum(widths) for value in widths]

    def header_extents(self, least: list[float], width: float) -> tuple[list[float], list[float]]:
        """The minimums with the header's words, and the header's lines unwrapped."""
        if self.header is None:
            return least, [0.0] * len(least)
        cells = self.header.cells
        for size in self.header_sizes():
            floors = [self.extent(cell, BOLD, size, widest=False) for cell in cells]
            with_header = [max(low, floor) for low, floor in zip(least, floors, strict=True)]
            if sum(with_header) <= width:
                break
        base = self.header_sizes()[0]
        return with_header, [self.extent(cell, BOLD, base, widest=True) for cell in cells]

    def body_extents(self) -> tuple[list[float], list[float]]:
        """Each column's min-content and max-content width over the body's rows."""
        first = self.header or (self.rows[0] if self.rows else None)
        count = len(first.cells) if first else 0
        least = [2 * self.PAD_X] * count
        most = list(least)
        for row in self.rows:
            size = row.size or self.size
            for index, cell in enumerate(row.cells):
                font = BOLD if (cell.bold or row.bold) else REGULAR
                whole = self.extent(cell, font, size, widest=True)
                most[index] = max(most[index], whole)
                if whole > least[index]:  # only a cell wider than the floor can raise it
                    least[index] = max(least[index], self.extent(cell, font, size, widest=False))
        return least, most

    def extent(self, cell: Cell, font: str, size: float, widest: bool) -> float:
        """A cell's longest line unwrapped (widest) or its longest unbreakable piece."""
        if widest:
            parts = [" ".join(line.split()) for line in cell.text.split("\n")]
        else:
            parts = list(pieces(cell.text, cell.kind))
        widest_part = max((stringWidth(part, font, size) for part in parts), default=0.0)
        # A hair over the text: shared widths are sums and products of floats.
        return widest_part + 2 * self.PAD_X + 0.01

    @staticmethod
    def squeezed(least: list[float], body_most: list[float], width: float) -> list[float]:
        """Widths when the minimums together overflow the page.

        Columns whose cells never wrap at their minimum (numbers, money, dates, codes,
        one-word texts) keep it; the columns of longer text give up width, the widest
        first, and only there is a word cut between its clusters.
        """
        rigid = [high <= low for low, high in zip(least, body_most, strict=True)]
        kept = sum(low for low, fixed in zip(least, rigid, strict=True) if fixed)
        if all(rigid) or kept >= width:
            return capped(least, width)
        flexible = [low for low, fixed in zip(least, rigid, strict=True) if not fixed]
        room = iter(capped(flexible, width - kept))
        return [low if fixed else next(room) for low, fixed in zip(least, rigid, strict=True)]

    def fitting_header_size(self) -> float:
        """The largest header size (down to MIN_HEADER_SIZE) at which no header word is cut."""
        if self.header is None:
            return self.size
        for size in self.header_sizes():
            if all(
                self.extent(cell, BOLD, size, widest=False) <= width
                for cell, width in zip(self.header.cells, self.widths, strict=True)
            ):
                return size
        return self.MIN_HEADER_SIZE

    def layout_row(self, row: GridRow) -> None:
        row.lines = []
        size = self.row_size(row)
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
        """Some of the rows, laid out as they are here (a new flowable: ReportLab marks the
        ones it has postponed)."""
        piece = Grid(self.fractions, self.header, rows, self.size, self.leading)
        piece.widths, piece.header_size = self.widths, self.header_size
        piece.laid_out_width = self.laid_out_width
        return piece

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
        size = self.row_size(row)
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

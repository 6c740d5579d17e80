"""Print issued letters as official external letters (หนังสือภายนอก), with their attachments.

The layout follows the government's form for an external letter (the seed letter
ศธ ๐๖๐๕/๑๕๓๐ is one): A4, Sarabun 16 pt, 3 cm left and 2 cm right margins; the Garuda
emblem 3 cm high at the top centre; "ที่" at the left and the office's address at the
right; the date from the middle of the page; เรื่อง, เรียน, อ้างถึง, สิ่งที่ส่งมาด้วย; the body
with a first-line indent; the closing and the signature block under the date; the contact
lines at the bottom left. Continuation pages carry "- ๒ -" at the top. The attachment (the
college's eligible teachers) follows on its own pages as a table whose header repeats,
numbered "หน้า ๑ จาก ๒" of its own. Digits print as Thai digits, as official letters use.

render_letters is a pure function of the letters and the office settings (no database).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)

from reports.pdfdraw import INK, Cell, Grid, GridRow, draw_text
from reports.pdffonts import BOLD, REGULAR, register_fonts
from reports.thaitext import wrap
from thai.dates import format_be
from thai.digits import to_thai_digits

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 3 * cm
RIGHT = 2 * cm
TOP_FIRST = 1.5 * cm  # the emblem's space starts here
TOP_LATER = 2.5 * cm  # below the page number "- ๒ -"
BOTTOM = 2 * cm
SIZE = 16
LEADING = 21
EMBLEM_HEIGHT = 3 * cm
INDENT = 2.5 * cm  # a paragraph's first line, as the form's tab stop
# Kept on one line: a letter's number (the office's letters, its code, the running number),
# a count with its unit ("๑ ฉบับ") and the first date of a range with its dash.
UNBROKEN = re.compile(
    r"([ก-ฮ]{1,4}) ([๐-๙0-9]{4}(?:\.[๐-๙0-9]+)*/[๐-๙0-9]+)"
    r"|([๐-๙0-9]+) (ฉบับ|ราย|คน|ชุด|แผ่น|เล่ม)(?![ก-ฮ])"
    r"|[๐-๙0-9]+ –"  # a dash of a range of dates stays after its first date
)
COPIES = re.compile(r"\s*จำนวน\s+\S+\s+(?:ฉบับ|ชุด|แผ่น)\s*$")
TABLE_SIZE = 12
TABLE_LEADING = 15.5
HEADER_SIZE = 11


def thai(text: str | None) -> str:
    return to_thai_digits(text or "")


def thai_date(day: dt.date | None) -> str:
    return format_be(day, style="long", thai_digits=True) if day else ""


def short_date(value: Any) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return format_be(day, style="short", thai_digits=True)


# --------------------------------------------------------------------------- flowables


class Lines(Flowable):
    """Lines of 16 pt text drawn from an x offset, each already wrapped to fit."""

    def __init__(self, lines: Sequence[tuple[float, str]], font: str = REGULAR, after: float = 0):
        super().__init__()
        self.lines = list(lines)
        self.font = font
        self.spaceAfter = after

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = len(self.lines) * LEADING
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFillColor(INK)
        baseline = self.height - SIZE
        for x, text in self.lines:
            draw_text(self.canv, x, baseline, text, self.font, SIZE)
            baseline -= LEADING


class Paragraph(Flowable):
    """A body paragraph: its first line indented, the rest from the margin, Thai wrapping."""

    def __init__(self, text: str, indent: float = INDENT, after: float = 0) -> None:
        super().__init__()
        self.text = " ".join(text.split())
        self.indent = indent
        self.spaceAfter = after
        self.lines: list[tuple[float, str]] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.lines = indented_lines(self.text, availWidth, self.indent)
        self.height = len(self.lines) * LEADING
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.wrap(availWidth, availHeight)
        fits = int(availHeight // LEADING)
        if fits < 2 or fits >= len(self.lines) or len(self.lines) - fits < 2:
            # Never leave one line of a paragraph alone at the foot or the head of a page.
            fits = min(fits, len(self.lines) - 2)
            if fits < 2:
                return []
        return [Lines(self.lines[:fits]), Lines(self.lines[fits:], after=self.spaceAfter)]

    def draw(self) -> None:
        self.canv.setFillColor(INK)
        baseline = self.height - SIZE
        for x, text in self.lines:
            draw_text(self.canv, x, baseline, text, REGULAR, SIZE)
            baseline -= LEADING


def fill(text: str, width: float, first: float | None = None, font: str = REGULAR) -> list[str]:
    """Lines of text no wider than width (the first no wider than first), never breaking
    a letter number ("ศธ ๐๖๐๕/๑๕๓๐"): the engine breaks the Thai words, this fills lines."""
    joined_text = UNBROKEN.sub(lambda m: m.group(0).replace(" ", "\u00a0"), " ".join(text.split()))
    chunks = deque(joined_text.split(" "))
    lines: list[str] = []
    line = ""
    while chunks:
        chunk = chunks.popleft()
        room = first if first is not None and not lines else width
        joined = f"{line} {chunk}" if line else chunk
        if stringWidth(joined, font, SIZE) <= room:
            line = joined
            continue
        if "\u00a0" in chunk:
            # A letter number (or a count) goes whole to the next line.
            if line:
                lines.append(line)
                chunks.appendleft(chunk)
                line = ""
            else:
                line = chunk
            continue
        # The engine folds the no-break space into a space: same length, so slices agree.
        broken = wrap(joined.replace("\u00a0", " "), font, SIZE, room)[0]
        if line and broken == line.replace("\u00a0", " "):
            lines.append(line)
            chunks.appendleft(chunk)
        else:
            lines.append(broken)
            rest = joined[len(broken) :].strip()
            if rest:
                chunks.appendleft(rest)
        line = ""
    if line or not lines:
        lines.append(line)
    return [line.replace("\u00a0", " ") for line in lines]


def indented_lines(text: str, width: float, indent: float) -> list[tuple[float, str]]:
    """(x, line) pairs of a paragraph whose first line starts at indent."""
    lines = fill(text, width, first=width - indent)
    return [(indent if index == 0 else 0.0, line) for index, line in enumerate(lines)]


def labelled(label: str, text: str, width: float, after: float = 0) -> Lines:
    """เรื่อง / เรียน / อ้างถึง / สิ่งที่ส่งมาด้วย: the label, then its text hanging after it."""
    gap = stringWidth("  ", REGULAR, SIZE)
    start = stringWidth(label, REGULAR, SIZE) + gap
    lines: list[tuple[float, str]] = []
    for index, line in enumerate(fill(text, width - start)):
        if index == 0:
            lines.append((0.0, label))
        lines.append((start, line))
    return LabelledLines(lines, after=after)


class LabelledLines(Lines):
    """A label and its first line drawn on one line, continuation lines below."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = (len(self.lines) - 1) * LEADING
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFillColor(INK)
        baseline = self.height - SIZE
        (label_x, label), *rest = self.lines
        draw_text(self.canv, label_x, baseline, label, REGULAR, SIZE)
        for x, text in rest:
            draw_text(self.canv, x, baseline, text, REGULAR, SIZE)
            baseline -= LEADING


class Head(Flowable):
    """ "ที่ ศธ …/…" at the left and the office's name and address at the right."""

    def __init__(self, ref: str, address: list[str]) -> None:
        super().__init__()
        self.ref = ref
        self.address = address

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        # The address may use all the width the number leaves, less a gap of 1 cm.
        most = availWidth - stringWidth(self.ref, REGULAR, SIZE) - 1 * cm
        self.lines = [line for text in self.address for line in fill(text, most)]
        widest = max((stringWidth(line, REGULAR, SIZE) for line in self.lines), default=0)
        self.block_x = availWidth - widest
        self.height = max(len(self.lines), 1) * LEADING
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFillColor(INK)
        baseline = self.height - SIZE
        draw_text(canvas, 0, baseline, self.ref, REGULAR, SIZE)
        for line in self.lines:
            draw_text(canvas, self.block_x, baseline, line, REGULAR, SIZE)
            baseline -= LEADING


class Emblem(Flowable):
    """The Garuda, 3 cm high and centred; its space is left blank when there is none."""

    def __init__(self, image: ImageReader | None) -> None:
        super().__init__()
        self.image = image

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = EMBLEM_HEIGHT
        return self.width, self.height

    def draw(self) -> None:
        if self.image is None:
            return
        pixels_wide, pixels_high = self.image.getSize()
        width = EMBLEM_HEIGHT * pixels_wide / pixels_high
        # Centred on the page, not on the frame: the margins differ left and right.
        x = (PAGE_WIDTH - width) / 2 - LEFT
        self.canv.drawImage(self.image, x, 0, width, EMBLEM_HEIGHT, mask="auto")


class Centred(Flowable):
    """Lines centred on an axis at a fraction of the frame's width (signature block)."""

    def __init__(
        self, lines: list[str], axis: float, after: float = 0, font: str = REGULAR
    ) -> None:
        super().__init__()
        self.texts = lines
        self.axis = axis
        self.spaceAfter = after
        self.font = font

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        room = 2 * min(self.axis * availWidth, (1 - self.axis) * availWidth)
        self.lines = [line for text in self.texts for line in fill(text, room, font=self.font)]
        self.height = len(self.lines) * LEADING
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFillColor(INK)
        baseline = self.height - SIZE
        axis = self.axis * self.width
        for line in self.lines:
            draw_text(self.canv, axis, baseline, line, self.font, SIZE, "center")
            baseline -= LEADING


class AtFoot(Flowable):
    """Lines at the foot of the page the letter ends on (the contact lines)."""

    def __init__(self, lines: list[str], gap: float = LEADING) -> None:
        super().__init__()
        self.texts = lines
        self.gap = gap

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.lines = [line for text in self.texts for line in fill(text, availWidth)]
        needed = len(self.lines) * LEADING + self.gap
        # Take the rest of the frame, so the lines sit on its bottom edge.
        self.height = max(availHeight, needed) if availHeight >= needed else needed
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFillColor(INK)
        baseline = len(self.lines) * LEADING - SIZE
        for line in self.lines:
            draw_text(self.canv, 0, baseline, line, REGULAR, SIZE)
            baseline -= LEADING


class Marker(Flowable):
    """Tells the canvas which letter, and which part of it, the following pages hold."""

    def __init__(self, letter: int, part: str, ref: str) -> None:
        super().__init__()
        self.mark = (letter, part, ref)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        self.canv.mark = self.mark


class LetterCanvas(Canvas):
    """Numbers each letter's pages once the whole document is laid out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Sarabun from the start: ReportLab's default Helvetica would be named, never embedded.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or REGULAR
        super().__init__(*args, **kwargs)
        self.mark: tuple[int, str, str] = (0, "letter", "")
        self.pages: list[tuple[dict[str, Any], tuple[int, str, str]]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self.pages.append((dict(self.__dict__), self.mark))
        self._startPage()

    def save(self) -> None:
        totals: dict[tuple[int, str], int] = {}
        for _state, (letter, part, _ref) in self.pages:
            totals[(letter, part)] = totals.get((letter, part), 0) + 1
        seen: dict[tuple[int, str], int] = {}
        for state, (letter, part, ref) in self.pages:
            self.__dict__.update(state)
            number = seen[(letter, part)] = seen.get((letter, part), 0) + 1
            self.page_number(part, ref, number, totals[(letter, part)])
            super().showPage()
        super().save()

    def page_number(self, part: str, ref: str, number: int, total: int) -> None:
        self.saveState()
        self.setFillColor(INK)
        if part == "letter":
            if number > 1:
                text = thai(f"- {number} -")
                top = PAGE_HEIGHT - 1.5 * cm
                draw_text(self, PAGE_WIDTH / 2, top, text, REGULAR, SIZE, "center")
        else:
            text = thai(f"สิ่งที่ส่งมาด้วย หนังสือ ที่ {ref}  หน้า {number} จาก {total}")
            draw_text(self, PAGE_WIDTH - RIGHT, BOTTOM - 0.9 * cm, text, REGULAR, 12, "right")
        self.restoreState()


# --------------------------------------------------------------------------- the letter


def emblem_image(emblem: str | Path | bytes | None) -> ImageReader | None:
    """The emblem as ReportLab reads it, or None (blank space) when it is missing or broken."""
    if not emblem:
        return None
    try:
        # Read the file here: ReportLab's reader would keep a file it opened itself open.
        content = emblem if isinstance(emblem, bytes) else Path(emblem).read_bytes()
        image = ImageReader(io.BytesIO(content))
        image.getSize()
        return image
    except Exception:  # noqa: BLE001 - an unreadable emblem leaves its space blank
        return None


def address_lines(settings: Any) -> list[str]:
    lines = [settings.name] if settings.name else []
    lines.extend(line.strip() for line in (settings.address or "").splitlines() if line.strip())
    return [thai(line) for line in lines]


def contact_lines(settings: Any) -> list[str]:
    lines = []
    if settings.contact_unit:
        lines.append(thai(settings.contact_unit))
    if settings.contact_phone:
        lines.append(thai(f"โทร. {settings.contact_phone}"))
    if settings.contact_email:
        # An e-mail address keeps its own digits: it must still work when typed.
        lines.append(f"ไปรษณีย์อิเล็กทรอนิกส์ {settings.contact_email}")
    return lines


def body_paragraphs(body: str) -> list[str]:
    """Paragraphs of a body: one per line (blank lines between them are optional)."""
    return [line.strip() for line in body.splitlines() if line.strip()]


def letter_story(letter: Any, settings: Any, index: int, emblem: ImageReader | None, width: float):
    ref = thai(letter.ref)
    story: list[Flowable] = [
        Marker(index, "letter", ref),
        Emblem(emblem),
        Head(f"ที่ {ref}", address_lines(settings)),
        Spacer(1, 4),
        Lines([(width * 0.5, thai_date(letter.issued_on))], after=10),
        labelled("เรื่อง", thai(letter.subject), width, after=8),
        labelled("เรียน", thai(letter.addressee), width, after=8),
    ]
    if letter.reference:
        story.append(labelled("อ้างถึง", thai(letter.reference), width, after=8))
    if letter.enclosure:
        story.append(labelled("สิ่งที่ส่งมาด้วย", thai(letter.enclosure), width, after=8))
    for text in body_paragraphs(letter.body):
        story.append(Paragraph(thai(text), after=6))
    signature = [f"({thai(settings.signatory_name)})"] if settings.signatory_name else []
    signature.extend(
        thai(line.strip()) for line in (settings.signatory_position or "").splitlines() if line
    )
    # The closing starts where the date does; the signature lines centre under it.
    closing = thai(letter.closing or "ขอแสดงความนับถือ")
    axis = 0.5 + stringWidth(closing, REGULAR, SIZE) / 2 / width
    story.append(
        KeepTogether(
            [
                Spacer(1, 8),
                Lines([(width * 0.5, closing)]),
                Spacer(1, 3 * LEADING),
                Centred(signature, axis),
            ]
        )
    )
    story.append(AtFoot(contact_lines(settings)))
    return story


def attachment_story(letter: Any, index: int, width: float) -> list[Flowable]:
    ref = thai(letter.ref)
    # The enclosure line names the list and how many copies: the list's title is the name.
    title = COPIES.sub("", thai(letter.enclosure or "")) or "บัญชีรายชื่อครูผู้มีคุณสมบัติ"
    story: list[Flowable] = [Marker(index, "attachment", ref)]
    heads = [title]
    if letter.round is not None:
        heads.append(thai(letter.round.title))
    count = len(letter.attachment or [])
    if letter.college is not None:
        heads.append(thai(f"{letter.college.name_th} จำนวน {count} ราย"))
    heads.append(f"แนบท้ายหนังสือ ที่ {ref} ลงวันที่ {thai_date(letter.issued_on)}")
    story.append(Centred(heads[:1], 0.5, font=BOLD))
    story.append(Centred(heads[1:], 0.5, after=10))
    header = GridRow(
        [
            Cell("ที่", "text", "center", True),
            Cell("ชื่อ - นามสกุล", "text", "center", True),
            Cell("ตำแหน่ง / แผนกวิชา", "text", "center", True),
            Cell("สถานประกอบการ", "text", "center", True),
            Cell("ระยะเวลาฝึกประสบการณ์", "text", "center", True),
        ],
        size=HEADER_SIZE,
    )
    rows = []
    for number, row in enumerate(letter.attachment or [], start=1):
        position = "\n".join(p for p in (row.get("position"), row.get("department")) if p)
        start, end = short_date(row.get("start")), short_date(row.get("end"))
        period = f"{start}\n– {end}" if start and end else start or end
        rows.append(
            GridRow(
                [
                    Cell(thai(str(number)), "code", "center"),
                    Cell(thai(row.get("name")), "name"),
                    Cell(thai(position)),
                    Cell(thai(row.get("host"))),
                    Cell(period, "text", "center"),
                ]
            )
        )
    if rows:
        widths = [26, 134, 106, 94, 93]  # points, of the 453 between the margins
        story.append(Grid(widths, header, rows, TABLE_SIZE, TABLE_LEADING))
    else:
        story.append(Lines([(0.0, "ไม่มีรายชื่อ")]))
    return story


def render_letters(
    letters: Sequence[Any], settings: Any, *, emblem: str | Path | bytes | None = None
) -> bytes:
    """One PDF of the letters, each from a new page and followed by its attachment.

    settings is the office's OfficeSettings (name, address, signatory, contact lines);
    emblem is the Garuda image (a file path or its bytes), None to leave its space blank.
    """
    register_fonts()
    buffer = io.BytesIO()
    width = PAGE_WIDTH - LEFT - RIGHT
    first = Frame(LEFT, BOTTOM, width, PAGE_HEIGHT - TOP_FIRST - BOTTOM, 0, 0, 0, 0, id="first")
    later = Frame(LEFT, BOTTOM, width, PAGE_HEIGHT - TOP_LATER - BOTTOM, 0, 0, 0, 0, id="later")
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=TOP_FIRST,
        bottomMargin=BOTTOM,
        title=thai(letters[0].ref if len(letters) == 1 else "หนังสือส่ง") if letters else "",
        author=settings.name,
        subject=thai(letters[0].subject) if letters else "",
        creator="Samatta",
    )
    doc.addPageTemplates(
        [
            PageTemplate(id="first", frames=[first], autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=[later]),
        ]
    )
    image = emblem_image(emblem)
    story: list[Flowable] = []
    for index, letter in enumerate(letters):
        if index:
            story.extend([NextPageTemplate("first"), PageBreak()])
        story.extend(letter_story(letter, settings, index, image, width))
        if letter.attachment is not None:
            story.extend([NextPageTemplate("later"), PageBreak()])
            story.extend(attachment_story(letter, index, width))
    if not story:
        story.append(Spacer(1, 1))
    doc.build(story, canvasmaker=LetterCanvas)
    return buffer.getvalue()

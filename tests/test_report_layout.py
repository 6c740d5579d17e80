"""Tables laid out as a Thai typesetter would: over the demonstration data, no printed line
of any of the six reports ends inside a word that newmm keeps whole, and every PDF embeds
every font it names.

pdftotext -bbox gives each line drawn (one text span) with its box; the table's rules
(read with pdfplumber) say which cell a line belongs to, so the lines of each cell are
read in order even where columns stand side by side. A break between two lines of a cell
is a typesetter's break when the text printed there had a space, or newmm ends a word
there (as the PDF tokenizes: brackets kept on their word, the trades' words pythainlp's
dictionary lacks kept whole); a cut is allowed only inside a word wider than the page.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import unicodedata

import pdfplumber
import pytest
from apps import build_app, fill_schema
from helpers import demo_report_filters
from reportlab.pdfbase.pdfmetrics import stringWidth
from test_report_typesetting import fonts

from models import db
from reports import REPORTS, Viewer, build_report
from reports.model import Chart, Facts, Note, Table
from reports.pdf import Formatter, render_pdf
from reports.pdfdraw import Grid
from reports.pdffonts import REGULAR
from reports.thaitext import glued, thai_words
from seed.demo import load_demo

WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@pytest.fixture(scope="module")
def printed(tmp_path_factory, databases):
    """Each report's PDF over the demonstration data, with the texts it prints."""
    folder = tmp_path_factory.mktemp("demo")
    uri = databases.create("reference") if databases.postgresql else None
    if uri is None:
        fill_schema(build_app(folder), True)
    app = build_app(folder, database_uri=uri)
    with app.app_context():
        load_demo()
        filters = demo_report_filters(db.session)
        reports = {
            name: build_report(db.session, name, filters[name], Viewer()) for name in REPORTS
        }
        db.session.remove()
        db.engine.dispose()
    if uri is not None:
        databases.drop(uri)
    return {name: (render_pdf(report), texts_of(report)) for name, report in reports.items()}


def texts_of(report) -> list[str]:
    """Every text the report prints, as printed (formatted, one string per cell)."""
    fmt = Formatter(thai_digits=False)
    texts = [report.title, *(f"{label}: {value}" for label, value in report.filters)]
    for block in report.blocks:
        if isinstance(block, Table):
            texts += [block.title or "", block.legend or "", block.empty]
            texts += [column.title for column in block.columns]
            for row in [*block.rows, block.totals or {}]:
                texts += [fmt.value(row.get(c.key), c.kind) for c in block.columns]
        elif isinstance(block, Facts):
            texts += [block.title or "", *(text for pair in block.pairs for text in pair)]
        elif isinstance(block, Note):
            texts.append(block.text)
        elif isinstance(block, Chart):
            texts += [block.title, *block.labels, *(name for name, _values in block.series)]
    return [" ".join(text.split()) for text in texts if text]


def cell_lines(content: bytes) -> list[list[str]]:
    """The lines of each table cell (and of each page outside its tables), top to bottom."""
    command = [shutil.which("pdftotext"), "-bbox", "-", "-"]
    done = subprocess.run(command, input=content, capture_output=True, check=True)  # noqa: S603
    pages = done.stdout.decode().split("<page ")[1:]
    cells: dict[tuple, list[tuple[float, float, str]]] = {}
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        for number, (page, text) in enumerate(zip(pdf.pages, pages, strict=True)):
            upright = [line for line in page.lines if line["x0"] == line["x1"]]
            across = [line for line in page.lines if line["top"] == line["bottom"]]
            for match in WORD.finditer(text):
                x0, top, x1, bottom = (float(value) for value in match.groups()[:4])
                line = unicodedata.normalize("NFC", html.unescape(match.group(5)))
                middle, centre = (top + bottom) / 2, (x0 + x1) / 2
                rules = [r["x0"] for r in upright if r["top"] <= middle <= r["bottom"]]
                left = max((x for x in rules if x <= x0 + 0.5), default=None)
                right = min((x for x in rules if x >= x1 - 0.5), default=None)
                above = [r["top"] for r in across if r["x0"] <= centre <= r["x1"]]
                row = max((y for y in above if y <= top + 0.5), default=None)
                key = (number, left, right, row) if left is not None else (number,)
                cells.setdefault(key, []).append((round(top), x0, line))
    return [[line for _top, _x, line in sorted(lines)] for lines in cells.values()]


def cut_words(lines: list[str], texts: list[str], page_width: float) -> list[str]:
    """Breaks between these lines that fall inside a word newmm keeps whole."""
    chunks = {chunk for text in texts for chunk in text.split(" ")}
    spaced = "\n".join(texts)
    cuts = []
    for before, after in zip(lines, lines[1:], strict=False):
        if not before or not after:
            continue
        tail, head = before.split(" ")[-1], after.split(" ")[0]
        if f"{tail} {head}" in spaced:
            continue  # the line broke at a space
        printed = [chunk for chunk in chunks if tail + head in chunk]
        if printed and not any(ends_word(chunk, tail, head, page_width) for chunk in printed):
            cuts.append(f"{tail}|{head}")
    return cuts


def ends_word(chunk: str, tail: str, head: str, page_width: float) -> bool:
    """Whether a word of chunk ends between tail and head, or the word there cannot fit
    the page even at the smallest size a table prints."""
    cut = chunk.index(tail + head) + len(tail)
    end = 0
    for word in glued(thai_words(chunk)):
        end += len(word)
        if end >= cut:
            return end == cut or stringWidth(word, REGULAR, Grid.MIN_HEADER_SIZE) > page_width
    return True


@pytest.mark.parametrize("name", list(REPORTS))
def test_no_line_ends_inside_a_word(printed, name):
    content, texts = printed[name]
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        page_width = pdf.pages[0].width
    cuts = [cut for lines in cell_lines(content) for cut in cut_words(lines, texts, page_width)]
    assert not cuts, cuts


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_report_names_only_embedded_fonts(printed, name):
    listed = fonts(printed[name][0])
    assert listed
    assert all(emb == "yes" for _name, emb in listed), listed

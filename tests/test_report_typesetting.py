"""Printed PDFs name only fonts they embed: no reader substitutes a font we never sent."""

from __future__ import annotations

import shutil
import subprocess

from test_letter_pdf import a_letter, settings

from reports.letter import render_letters
from reports.model import Column, Note, Report, Table
from reports.pdf import render_pdf
from reports.pdfdraw import Cell, Grid, GridRow
from reports.thaitext import pieces


def fonts(content: bytes) -> list[tuple[str, str]]:
    """(name, emb) of each font pdffonts lists."""
    command = [shutil.which("pdffonts"), "-"]
    out = subprocess.run(command, input=content, capture_output=True, check=True)  # noqa: S603
    out = out.stdout.decode()
    rows = out.splitlines()[2:]
    return [(row.split()[0], row.split()[-5]) for row in rows if row.strip()]


def test_a_report_names_only_embedded_fonts():
    table = Table([Column("name", "ชื่อ"), Column("money", "จำนวนเงิน (บาท)", "number")], [])
    table.rows = [{"name": "กรุงเทพมหานคร", "money": 1000}]
    report = Report("t", "รายงานทดสอบ", [], [Note("หมายเหตุ"), table])
    listed = fonts(render_pdf(report))
    assert listed
    assert all(emb == "yes" for _name, emb in listed), listed
    assert not any("Helvetica" in name for name, _emb in listed)


def test_the_announcement_letter_names_only_embedded_fonts():
    listed = fonts(render_letters([a_letter(1)], settings()))
    assert listed
    assert all(emb == "yes" for _name, emb in listed), listed


def test_brackets_stay_with_their_word_when_a_cell_wraps():
    from reports.pdffonts import REGULAR, register_fonts
    from reports.thaitext import wrap

    register_fonts()
    for width in range(20, 120, 4):
        lines = wrap("จำนวนเงินทั้งหมด(บาท)", REGULAR, 9, width)
        assert not any(line.endswith("(") or line.startswith(")") for line in lines), lines
        if width >= 30:
            assert any("(บาท)" in line for line in lines), lines


def test_words_of_the_trades_stay_whole():
    # newmm alone cuts them into syllables: "ไฮ|ดร|อลิกส์", "เมค|คา|ทรอ|นิกส์".
    from reports.pdffonts import REGULAR, font, register_fonts
    from reports.thaitext import wrap

    register_fonts()
    text = "บำรุงรักษาระบบนิวแมติกส์และไฮดรอลิกส์ เมคคาทรอนิกส์และหุ่นยนต์"
    wholes = ("นิวแมติกส์", "ไฮดรอลิกส์", "เมคคาทรอนิกส์")
    narrowest = max(font(REGULAR).stringWidth(whole, 9) for whole in wholes)
    for width in range(int(narrowest) + 1, 200, 5):
        lines = wrap(text, REGULAR, 9, width)
        assert all(any(whole in line for line in lines) for whole in wholes), (width, lines)


def grid_of(header: list[str], rows: list[list[Cell]], width: float) -> Grid:
    from reports.pdffonts import register_fonts

    register_fonts()
    titles = GridRow([Cell(title, "text", "center", True) for title in header], size=8.5)
    grid = Grid(None, titles, [GridRow(cells) for cells in rows])
    grid.wrap(width, 800)
    return grid


def test_headers_shrink_before_a_word_is_cut():
    # Twelve such columns overflow a portrait page at 8.5 pt and fit it at 7 pt.
    header = ["ค้างส่งรายงานหลังการพัฒนา", "ส่งสมุดบันทึกแล้ว", "ปฐมนิเทศแล้ว"] * 4
    grid = grid_of(header, [[Cell("12", "code", "right")] * 12], 510)
    assert Grid.MIN_HEADER_SIZE <= grid.header_size < 8.5
    for title, lines in zip(header, grid.header.lines, strict=True):
        assert "".join(lines) == title
        words = pieces(title)
        ends = {len("".join(words[: i + 1])) for i in range(len(words))}
        assert {len("".join(lines[: i + 1])) for i in range(len(lines))} <= ends, lines


def test_short_columns_keep_their_width_when_long_text_cannot():
    # A run with no break in it, wider than the page: only its column gives up width.
    long = "https://example.org/" + "x" * 300
    row = [Cell(long), Cell("๒๗ ก.พ. ๒๕๖๘", "code"), Cell("ECM-ZZZ-5-011ZA", "code")]
    grid = grid_of(["รายละเอียด", "วันที่", "รหัส"], [row, row], 510)
    assert [len(lines) for lines in grid.rows[0].lines[1:]] == [1, 1]
    assert len(grid.rows[0].lines[0]) > 1

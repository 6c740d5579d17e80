"""The Thai PDF: shaped as HarfBuzz shapes it, wrapped inside its cells, readable as text."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pdfplumber
import pytest
import uharfbuzz as hb
from helpers import pdftotext

from reports.model import Chart, Column, Facts, Note, Report, Table
from reports.pdf import render_pdf
from reports.pdffonts import FILES, FONT_FOLDER, REGULAR, font, glyph_text
from reports.thaitext import FOLLOWING, clusters, thai_words, wrap

STRESS = "ที่ นี้ ผู้ สั่ง ปี่ ฐู ญุ ป่า ฟ้า ฝ้าย น้ำ ก็ ผู้อำนวยการ ปฏิบัติ ศึกษาธิการ".split()
PRINTED = dt.datetime(2025, 1, 24, 9, 30)
# scripts/system-packages installs poppler-utils; without it these tests cannot look.
LONG = (
    "สำนักงานคณะกรรมการการอาชีวศึกษาร่วมกับสถานประกอบการจัดการฝึกประสบการณ์วิชาชีพ"
    "ให้แก่ครูผู้สอนในสาขาวิชาที่มีความเป็นเลิศ"
)


def pdf_of(report: Report, **options) -> pdfplumber.PDF:
    return pdfplumber.open(io.BytesIO(render_pdf(report, printed_at=PRINTED, **options)))


def harfbuzz(word: str, size: float) -> list[tuple[str, float, float]]:
    """(character drawn, x, y) of each glyph HarfBuzz places for word, in points."""
    face = hb.Face(hb.Blob((FONT_FOLDER / FILES[REGULAR]).read_bytes()))
    hb_font = hb.Font(face)
    buffer = hb.Buffer()
    buffer.add_str(word)
    buffer.guess_segment_properties()
    hb.shape(hb_font, buffer, {"kern": True, "liga": True})
    scale = size / face.upem
    glyphs, pen = [], 0.0
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        name = hb_font.glyph_to_string(info.codepoint)
        x = pen + position.x_offset * scale
        glyphs.append((glyph_text(font(REGULAR), name), x, position.y_offset * scale))
        pen += position.x_advance * scale
    return glyphs


def test_stress_words_are_drawn_as_harfbuzz_shapes_them():
    report = Report("t", "ทดสอบ", [], [Note(word) for word in STRESS])
    with pdf_of(report) as pdf:
        chars = pdf.pages[0].chars
    notes = [char for char in chars if round(char["size"]) == 10]
    # Marks are drawn raised or lowered: give each glyph the line of the nearest base.
    bases = sorted({round(char["top"]) for char in notes if char["adv"] > 0})
    lines: dict[int, list] = {base: [] for base in bases}
    for char in notes:  # in drawing order
        lines[min(bases, key=lambda base: abs(base - char["top"]))].append(char)
    drawn_lines = list(lines.values())
    assert len(drawn_lines) == len(STRESS)
    for word, drawn in zip(STRESS, drawn_lines, strict=True):
        expected = harfbuzz(word, 10)
        start, base = drawn[0]["x0"], drawn[0]["y0"]
        got = [(c["text"], c["x0"] - start, c["y0"] - base) for c in drawn]
        assert [g[0] for g in got] == [e[0] for e in expected], word
        for (_t, x, y), (_e, ex, ey) in zip(got, expected, strict=True):
            assert x == pytest.approx(ex, abs=0.02), word
            assert y == pytest.approx(ey, abs=0.02), word


def test_shaped_glyphs_map_back_to_their_characters():
    # Shaping draws glyphs with no character of their own (a lowered tone mark, ญ
    # without its tail); the text layer still gives the real characters.
    report = Report("t", "ทดสอบ", [], [Note(" ".join(STRESS))])
    with pdf_of(report) as pdf:
        text = "".join(char["text"] for char in pdf.pages[0].chars)
    assert not any(0xE000 <= ord(c) <= 0xF8FF for c in text)
    for word in ("ที่", "ฐู", "ญุ", "ปี่"):
        assert word in text


def test_pdftotext_gives_back_the_thai_text():
    words = " ".join(STRESS)
    report = Report(
        "t",
        "ทะเบียนบันทึกข้อตกลงความร่วมมือ",
        [("ปีงบประมาณ", "2568")],
        [
            Note(words),
            Table([Column("a", "ชื่อหน่วยงาน")], [{"a": LONG}]),
        ],
    )
    text = pdftotext(render_pdf(report, printed_at=PRINTED))
    assert words in text
    assert "ทะเบียนบันทึกข้อตกลงความร่วมมือ" in text
    assert "ปีงบประมาณ: 2568" in text
    assert "พิมพ์เมื่อ 24 ม.ค. 2568 09:30 น." in text
    # The long cell wrapped over several lines, each a run of whole words.
    assert LONG in text.replace("\n", "")


def narrow_table(rows: int = 60) -> Report:
    columns = [
        Column("no", "ลำดับ", "int"),
        Column("name", "ชื่อ-นามสกุล", "name"),
        Column("text", "รายละเอียดการฝึกประสบการณ์", "text"),
        Column("code", "รหัส", "code"),
        Column("date", "วันที่", "date"),
    ]
    data = [
        {
            "no": i,
            "name": "ว่าที่ร้อยตรีศานนท์ ณ อยุธยา",
            "text": LONG if i % 2 else "ผู้อำนวยการปฏิบัติหน้าที่ศึกษาธิการจังหวัด",
            "code": "ECM-ZZZ-5-011ZA-LONGCODE",
            "date": dt.date(2025, 2, 27),
        }
        for i in range(1, rows + 1)
    ]
    return Report("t", "ทดสอบตารางแคบ", [], [Table(columns, data, totals={"no": "รวม"})])


def column_bounds(page) -> list[float]:
    xs = sorted({round(line["x0"], 1) for line in page.lines if line["x0"] == line["x1"]})
    return xs


def test_no_character_leaves_its_cell_or_the_page():
    with pdf_of(narrow_table()) as pdf:
        assert len(pdf.pages) > 1
        for page in pdf.pages:
            edges = column_bounds(page)
            left, right = min(r["x0"] for r in page.rects), max(r["x1"] for r in page.rects)
            bounds = [left, *edges, right]
            for char in page.chars:
                assert 0 <= char["x0"] and char["x1"] <= page.width
                table_top = min(r["top"] for r in page.rects)
                table_bottom = max(r["bottom"] for r in page.rects)
                if not (left <= char["x0"] <= right and table_top < char["top"] < table_bottom):
                    continue
                cell_left = max(b for b in bounds if b <= char["x0"] + 0.01)
                cell_right = min(b for b in bounds if b >= char["x0"] + 0.01)
                assert char["x1"] <= cell_right + 0.01, (char["text"], page.page_number)
                assert char["x0"] >= cell_left - 0.01


def test_no_line_starts_with_a_mark():
    text = pdftotext(render_pdf(narrow_table(8), printed_at=PRINTED))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert len(lines) > 40
    for line in lines:
        assert unicodedata.category(line[0]) != "Mn", line
        assert line[0] not in FOLLOWING, line


def test_names_break_only_between_given_name_and_surname():
    name = "ว่าที่ร้อยตรีศานนท์ ณ อยุธยา"
    given = font(REGULAR).stringWidth("ว่าที่ร้อยตรีศานนท์", 10)
    assert wrap(name, REGULAR, 10, given + 4, "name") == ("ว่าที่ร้อยตรีศานนท์", "ณ อยุธยา")
    # A surname with a space in it stays whole on its line.
    assert wrap("นายสมชาย ณ อยุธยา", REGULAR, 10, 50, "name") == ("นายสมชาย", "ณ อยุธยา")


def test_wrap_breaks_thai_only_at_word_boundaries():
    lines = wrap(LONG, REGULAR, 10, 90)
    assert len(lines) > 3
    assert "".join(lines) == LONG
    words = thai_words(LONG)
    boundaries = {sum(len(w) for w in words[:i]) for i in range(len(words) + 1)}
    ends = [sum(len(line) for line in lines[: i + 1]) for i in range(len(lines))]
    assert set(ends) <= boundaries  # every line ends where a word ends
    for line in lines:
        assert font(REGULAR).stringWidth(line, 10) <= 90
    # A word wider than the line is cut between clusters, never inside one.
    cut = wrap("ศึกษาธิการ", REGULAR, 10, 18)
    assert "".join(cut) == "ศึกษาธิการ"
    assert all(piece[0] not in "ิีึืุู่้๊๋ั็์ะาำ" for piece in cut)
    assert clusters("เปลี่ยนน้ำ") == ["เป", "ลี่", "ย", "น", "น้ำ"]


def test_pages_are_numbered_x_of_y_and_headers_repeat():
    content = render_pdf(narrow_table(120), printed_at=PRINTED)
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        total = len(pdf.pages)
    assert total >= 3
    for number in range(1, total + 1):
        text = pdftotext(content, "-f", str(number), "-l", str(number))
        assert f"หน้า {number} จาก {total}" in text
        assert "รายละเอียดการฝึกประสบการณ์" in text  # the table's header on every page
    assert "รวม" in text


def test_thai_digits_on_request():
    report = Report(
        "t",
        "ทดสอบ",
        [("ปีงบประมาณ", "2568")],
        [Facts([("จำนวน", "1,265")]), narrow_table(2).blocks[0]],
    )
    with pdf_of(report, thai_digits=True) as pdf:
        text = pdf.pages[0].extract_text()
    assert "ปีงบประมาณ: ๒๕๖๘" in text
    assert "๑,๒๖๕" in text
    assert "๒๗ ก.พ. ๒๕๖๘" in text
    assert "หน้า ๑ จาก ๑" in text
    assert "ECM-ZZZ-5-011" in text  # codes keep their digits


def test_chart_draws_its_labels_and_values():
    chart = Chart("ผู้สมัครตามภาค", ["ภาคเหนือ", "ภาคตะวันออกเฉียงเหนือ"], [("ทันกำหนด", [39, 24])], "คน")
    with pdf_of(Report("t", "ทดสอบ", [], [chart])) as pdf:
        page = pdf.pages[0]
        text = page.extract_text()
        bars = [r for r in page.rects if r["height"] < 10 and r["width"] > 20]
    assert "ภาคตะวันออกเฉียงเหนือ" in text and "39 คน" in text
    assert len(bars) == 2
    assert bars[0]["width"] > bars[1]["width"]

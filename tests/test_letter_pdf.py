"""The printed letter: what pdftotext reads back from it, and where things sit on the page."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pdfplumber
import pytest
from helpers import pdftotext
from PIL import Image
from reportlab.lib.units import cm
from rounds import make_placement, make_teacher, placement_world
from sqlalchemy import select

import models
from models import Agency, OfficeSettings, OutgoingLetter, PlacementRound, db
from processes.letters import issue_announcements
from reports.letter import render_letters
from reports.thaitext import FOLLOWING
from seed.letters import ANNOUNCEMENT_TEMPLATE, OFFICE

TODAY = dt.date(2026, 12, 2)
GIVEN = ("ศานนท์", "จุลลดา", "ธนุ", "สมพร", "ฐิติพร", "ปิยะนุช", "วรวุฒิ", "ญาณิศา")
SURNAMES = ("ใจดี", "ปฏิบัติงาน", "ศึกษาธิการ", "ผู้ใหญ่ยิ่ง", "ฟ้าใส", "น้ำทิพย์")


def flat(text: str) -> str:
    return " ".join(text.split())


def loose(text: str) -> str:
    """Text as pdfplumber reads it from the glyphs, for comparing: no marks, no spaces.

    pdfplumber reads the shaped glyphs, not /ActualText: marks may come out of order and
    sara am as nikhahit and sara aa.
    """
    text = unicodedata.normalize("NFC", text).replace("\u0e4d\u0e32", "\u0e33")
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Mn")


def line_like(lines, text: str, start: bool = False):
    """The line pdfplumber found whose text is (or starts with) the given text."""
    want = loose(text)
    for line in lines:
        got = loose(line["text"])
        if got == want or (start and got.startswith(want)):
            return line
    raise AssertionError(f"no line {text!r} in {[line['text'] for line in lines]}")


def page_texts(content: bytes, *options: str) -> list[str]:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        total = len(pdf.pages)
    return [pdftotext(content, *options, "-f", str(n), "-l", str(n)) for n in range(1, total + 1)]


def settings() -> OfficeSettings:
    return OfficeSettings(**OFFICE)


def a_letter(number: int, teachers: int = 3, college: str = "วิทยาลัยสารพัดช่างลำปาง"):
    """A letter as the register keeps it, without a database."""
    rows = [
        {
            "placement_id": index,
            "name": f"นาย{GIVEN[index % len(GIVEN)]} {SURNAMES[index % len(SURNAMES)]}",
            "position": "ครู",
            "department": "แผนกวิชาช่างยนต์",
            "host": "บริษัท ช่างไทย จำกัด",
            "start": "2025-03-17",
            "end": "2025-05-30",
        }
        for index in range(teachers)
    ]
    return OutgoingLetter(
        year=2569,
        number=number,
        prefix="ศธ ๐๖๐๕",
        issued_on=TODAY,
        issued_by="editor@example.go.th",
        subject="แจ้งรายชื่อครูผู้มีคุณสมบัติ",
        addressee=f"ผู้อำนวยการ{college}",
        reference="หนังสือสำนักงานคณะกรรมการการอาชีวศึกษา ที่ ศธ ๐๖๐๕/๑๕๓๐",
        enclosure=ANNOUNCEMENT_TEMPLATE["enclosure"],
        body="ย่อหน้าแรกของหนังสือ " * 30 + "\n" + "จึงเรียนมาเพื่อโปรดทราบ",
        closing="ขอแสดงความนับถือ",
        attachment=rows,
        round=PlacementRound(title="โครงการพัฒนาครูอาชีวศึกษา ปีงบประมาณ 2568"),
        college=Agency(name_th=college),
    )


def emblem_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 240), (0, 0, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_letter_holds_its_number_thai_date_college_and_every_eligible_teacher(
    app, reference, monkeypatch
):
    """A college with 40 eligible teachers: the attachment runs over pages; all are listed."""
    monkeypatch.setattr(models, "today", lambda: TODAY)
    from seed.letters import load_letter_defaults

    with app.app_context():
        load_letter_defaults(db.session)
        world = placement_world(db.session)
        names = []
        placements = []
        for index in range(40):
            given = f"{GIVEN[index % len(GIVEN)]}{'ก' * (index // len(GIVEN))}"
            surname = SURNAMES[index % len(SURNAMES)]
            teacher = make_teacher(db.session, world.college, given, surname, "นางสาว")
            names.append(f"นางสาว{given} {surname}")
            placements.append(make_placement(db.session, teacher, world.host, step="eligible"))
        # An earlier letter this year, so the number is not simply 1.
        for _ in range(14):
            from processes.letters import next_number

            next_number(db.session, 2569)
        letters = issue_announcements(db.session, [p.id for p in placements], by="staff")
        db.session.commit()
        content = render_letters(letters, db.session.scalar(select(OfficeSettings)))
    assert len(letters) == 1
    text = flat(pdftotext(content))
    assert "ที่ ศธ ๐๖๐๕/๑๕" in text
    assert "๒ ธันวาคม ๒๕๖๙" in text
    assert "เรียน ผู้อำนวยการวิทยาลัยสารพัดช่างลำปาง" in text
    assert "จำนวน ๔๐ ราย" in text
    for name in names:
        assert name in text, name
    pages = page_texts(content)
    attachment = [page for page in pages if "แนบท้ายหนังสือ" in page or "สิ่งที่ส่งมาด้วย หนังสือ" in page]
    assert len(attachment) >= 2
    for page in attachment:
        assert "ชื่อ - นามสกุล" in page  # the table's header repeats on every page
    assert "หน้า ๑ จาก" in attachment[0]
    # Thai digits throughout the letter, except the e-mail address.
    assert not any(
        char.isascii() and char.isdigit() for char in text.replace(OFFICE["contact_email"], "")
    )


def test_each_letter_starts_on_its_own_page_and_numbers_its_own_pages():
    content = render_letters([a_letter(7, teachers=2), a_letter(8, teachers=30)], settings())
    pages = page_texts(content)
    starts = [index for index, page in enumerate(pages) if flat(page).startswith("ที่ ศธ ๐๖๐๕/")]
    assert len(starts) == 2
    assert flat(pages[starts[0]]).startswith("ที่ ศธ ๐๖๐๕/๗")
    assert flat(pages[starts[1]]).startswith("ที่ ศธ ๐๖๐๕/๘")
    first, second = pages[: starts[1]], pages[starts[1] :]
    assert "หน้า ๑ จาก ๑" in first[-1]
    assert sum("สิ่งที่ส่งมาด้วย หนังสือ ที่ ศธ ๐๖๐๕/๘" in page for page in second) >= 2
    assert "หน้า ๒ จาก ๒" in second[-1]
    # A letter's continuation page carries its number at the top: "- ๒ -".
    continued = [page for page in page_texts(content, "-layout") if "- ๒ -" in page]
    assert len(continued) == 2
    # The contact lines close each letter.
    assert sum("ไปรษณีย์อิเล็กทรอนิกส์ teacher.placement@example.go.th" in p for p in pages) == 2


def test_the_form_of_an_external_letter_on_the_first_page():
    content = render_letters([a_letter(12)], settings(), emblem=emblem_png())
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        page = pdf.pages[0]
        assert (round(page.width), round(page.height)) == (595, 842)  # A4
        (image,) = page.images
        assert image["height"] == pytest.approx(3 * cm, abs=0.5)
        assert image["top"] == pytest.approx(1.5 * cm, abs=0.5)
        assert (image["x0"] + image["x1"]) / 2 == pytest.approx(page.width / 2, abs=0.5)
        for char in page.chars:
            if char["text"].strip():
                assert char["x0"] >= 3 * cm - 0.5, char["text"]  # left margin 3 cm
                assert char["x1"] <= page.width - 2 * cm + 0.5, char["text"]  # right 2 cm
        lines = page.extract_text_lines()
        # "ที่ ศธ …" at the left and the office's name at the right share the line.
        number = line_like(lines, f"ที่ ศธ ๐๖๐๕/๑๒ {OFFICE['name']}")
        assert number["x0"] == pytest.approx(3 * cm, abs=1)
        assert number["x1"] == pytest.approx(page.width - 2 * cm, abs=1)
        assert number["top"] > image["bottom"]
        address = line_like(lines, "สำนักงานคณะกรรมการการอาชีวศึกษา")
        assert address["x0"] > page.width / 2 - 3 * cm  # the address block sits at the right
        date = line_like(lines, "๒ ธันวาคม ๒๕๖๙")
        middle = 3 * cm + (page.width - 5 * cm) / 2
        assert date["x0"] == pytest.approx(middle, abs=1)
        for label in ("เรื่อง", "เรียน", "อ้างถึง", "สิ่งที่ส่งมาด้วย"):
            assert line_like(lines, label, start=True)["x0"] == pytest.approx(3 * cm, abs=1)
        sizes = {round(char["size"]) for char in page.chars if char["text"].strip()}
        assert sizes == {16}  # Sarabun 16 pt
        fonts = {char["fontname"].split("+")[-1] for char in page.chars}
        assert fonts == {"Sarabun-Regular"}


def test_the_emblem_space_is_left_blank_without_an_emblem():
    content = render_letters([a_letter(1)], settings())
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        page = pdf.pages[0]
        assert page.images == []
        top = min(char["top"] for char in page.chars)
        assert top >= 1.5 * cm + 3 * cm - 0.5


def test_a_broken_emblem_file_leaves_the_space_blank_too(tmp_path):
    broken = tmp_path / "emblem.png"
    broken.write_bytes(b"not a picture")
    content = render_letters([a_letter(1)], settings(), emblem=broken)
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        assert pdf.pages[0].images == []


def test_body_paragraphs_indent_their_first_line_and_wrap_at_thai_words():
    content = render_letters([a_letter(3)], settings())
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        lines = pdf.pages[0].extract_text_lines()
    body = [line for line in lines if loose("หน้าแรก") in loose(line["text"])]
    assert len(body) >= 3
    assert body[0]["x0"] == pytest.approx(3 * cm + 2.5 * cm, abs=1)
    for line in body[1:]:
        assert line["x0"] == pytest.approx(3 * cm, abs=1)
    text = pdftotext(content)
    for line in filter(None, (line.strip() for line in text.splitlines())):
        assert unicodedata.category(line[0]) != "Mn", line
        assert line[0] not in FOLLOWING, line
    # Every line break falls between words: the body reads back whole.
    assert "ย่อหน้าแรกของหนังสือ" * 30 in "".join(text.split())


def test_the_signature_block_sits_under_the_closing():
    content = render_letters([a_letter(4)], settings())
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        lines = [line for page in pdf.pages for line in page.extract_text_lines()]
    closing = line_like(lines, "ขอแสดงความนับถือ")
    name = line_like(lines, f"({OFFICE['signatory_name']})")
    axis = (closing["x0"] + closing["x1"]) / 2
    assert (name["x0"] + name["x1"]) / 2 == pytest.approx(axis, abs=1)
    assert name["top"] > closing["bottom"] + 40  # room to sign


def test_a_letter_number_a_count_and_a_date_range_never_break():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from reports.letter import SIZE, fill
    from reports.pdffonts import REGULAR, register_fonts

    register_fonts()
    text = (
        "ตามหนังสือสำนักงานคณะกรรมการการอาชีวศึกษา ที่ ศธ ๐๖๐๕/๑๕๓๐ ลงวันที่ ๒๔ มกราคม ๒๕๖๘ "
        "ที่ส่งมาด้วย จำนวน ๑ ฉบับ ระหว่างวันที่ ๑๖ – ๓๑ มีนาคม ๒๕๖๘"
    )
    for width in range(130, 460, 6):
        lines = fill(text, width, first=width - 40)
        assert "".join("".join(lines).split()) == "".join(text.split())
        assert any("ศธ ๐๖๐๕/๑๕๓๐" in line for line in lines), (width, lines)
        assert any("๑ ฉบับ" in line for line in lines), (width, lines)
        assert any("๑๖ –" in line for line in lines), (width, lines)
        assert stringWidth(lines[0], REGULAR, SIZE) <= width - 40
        for line in lines[1:]:
            assert stringWidth(line, REGULAR, SIZE) <= width

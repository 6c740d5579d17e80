"""Headers as senders write them: decorated aliases still name their column.

Stars, hints in brackets, after a colon, a spaced dash or on a second line, capitals, NBSP:
none of them may make a column unknown, map one header to two fields or two headers to
one field. A missing column is named with the headers the file did have and the names that
would do; a CSV of the template's instructions sheet is told it is not the data sheet.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import xlsxwriter
from helpers import SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from importers import KINDS, ReadError, import_file, templates
from importers.columns import header_key as columns_header_key
from importers.headers import (
    DATA_SHEET,
    HELP_SHEET,
    INSTRUCTIONS_SHEET_MESSAGE,
    header_candidates,
    header_key,
    looks_like_instructions,
    map_headers,
    match_header,
    missing_columns_message,
)
from importers.locate import find_table
from importers.reading import read_sheets
from models import Teacher, db

# Every (kind, column, alias) of every importer.
ALIASES = [
    (kind, column, alias)
    for kind, importer in KINDS.items()
    for column in importer.columns
    for alias in column.headers
]
HINTS = (
    "(บาท)",
    "(13 หลัก)",
    "(พ.ศ.)",
    "(วว/ดด/ปปปป)",
    "[required]",
    "[พ.ศ.]",
    "{ถ้ามี}",
    "（ตัวอย่าง）",
    ": วว/ดด/ปปปป",
    ": required",
    " - required",
    " -ถ้ามี",
    " – ถ้ามี",
    "— optional",
    "\nพ.ศ.",
    "\r\n(ตัวอย่าง: 01/02/2568)",
)
SPACES = (" ", "  ", "\u00a0", " \u00a0 ", "\u202f")
STARS = ("", "*", " *", " * ", "(*)", " (*)", "＊")
UNKNOWN = ("ลำดับ", "ลำดับที่", "remark (ถ้ามี)", "No.")


@st.composite
def decorated(draw, alias: str) -> str:
    """An alias as a sender might write it."""
    text = "".join(
        draw(st.sampled_from((ch.lower(), ch.upper()))) if ch.isascii() else ch for ch in alias
    )
    text = "".join(draw(st.sampled_from(SPACES)) if ch == " " else ch for ch in text)
    if draw(st.booleans()):
        text = draw(st.sampled_from(("*", "* ", "(*) ", "(*)"))) + text
    for hint in draw(st.lists(st.sampled_from(HINTS), max_size=2)):
        space = draw(st.sampled_from(("", " "))) if hint[0] in "([{（" else ""
        text += space + hint
    text += draw(st.sampled_from(STARS))
    before, after = draw(st.sampled_from(("", " ", "\u00a0"))), draw(st.sampled_from(("", " ")))
    return before + text + after


@st.composite
def decorated_alias(draw):
    kind, column, alias = draw(st.sampled_from(ALIASES))
    return kind, column, alias, draw(decorated(alias))


def test_columns_still_export_header_key():
    assert columns_header_key is header_key
    assert header_key("  E-Mail *") == header_key("email") == "email"
    assert header_key("ชื่อ - นามสกุล") == header_key("ชื่อ-นามสกุล")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("วันเกิด (วว/ดด/ปปปป)", "birth_date"),
        ("วันเกิด [พ.ศ.]", "birth_date"),
        ("วันเกิด: วว/ดด/ปปปป", "birth_date"),
        ("วันเกิด\nพ.ศ.", "birth_date"),
        ("วัน/เดือน/ปีเกิด (วว/ดด/ปปปป) *", "birth_date"),
        ("เลขประจำตัวประชาชน (13 หลัก)", "national_id"),
        ("(*) เลขประจำตัวประชาชน", "national_id"),
        ("Citizen\u00a0ID *", "national_id"),
        ("Email - required", "email"),
        ("E-MAIL – ถ้ามี", "email"),
        ("ชื่อ-สกุล", "full_name"),
        ("ชื่อ - นามสกุล", "full_name"),
        ("ชื่อ - นามสกุล\nพ.ศ.", "full_name"),
        ("ชื่อ - นามสกุล - required", "full_name"),
        ("ชื่อ-สกุล (นาย/นาง/นางสาว)", "full_name"),
        ("ชื่อ (ภาษาไทย)", "first_name"),
        ("ลำดับ", None),
        ("", None),
    ],
)
def test_decorated_teacher_headers(header, field):
    column = match_header(header, KINDS["teachers"].columns)
    assert (column.name if column else None) == field


def test_the_whole_header_is_tried_before_a_hint_is_cut():
    assert header_candidates("ชื่อ - นามสกุล") == [header_key("ชื่อ-นามสกุล"), "ชื่อ"]
    assert header_candidates("   ") == []


@pytest.mark.parametrize("hint", HINTS)
def test_every_alias_of_every_kind_survives_each_hint(hint):
    for kind, column, alias in ALIASES:
        for header in (f"{alias} {hint}", f"{alias}{hint} *", f"* {alias.upper()}{hint}"):
            found = match_header(header, KINDS[kind].columns)
            assert found is not None and found.name == column.name, (kind, header)


@settings(max_examples=400, deadline=None)
@given(decorated_alias())
def test_a_decorated_alias_maps_to_its_column(case):
    kind, column, alias, header = case
    found = match_header(header, KINDS[kind].columns)
    assert found is not None, (kind, alias, header)
    assert found.name == column.name, (kind, alias, header)
    assert map_headers([header], KINDS[kind].columns).positions == {column.name: 0}


@st.composite
def header_rows(draw):
    """A kind and a header row of decorated aliases (columns may repeat) and unknown headers."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    columns = KINDS[kind].columns
    cells = []
    for _ in range(draw(st.integers(1, len(columns) + 3))):
        if draw(st.integers(0, 5)) == 0:
            cells.append((None, draw(st.sampled_from((*UNKNOWN, "", "  ")))))
        else:
            column = draw(st.sampled_from(columns))
            cells.append((column, draw(decorated(draw(st.sampled_from(column.headers))))))
    return kind, cells


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header_rows())
def test_a_row_of_decorated_headers_maps_one_to_one(case):
    kind, cells = case
    columns = KINDS[kind].columns
    mapped = map_headers([header for _column, header in cells], columns)
    # One header to one field, one field to one header.
    assert len(set(mapped.positions.values())) == len(mapped.positions)
    written = [i for i, (_c, header) in enumerate(cells) if header.strip()]
    assert len(mapped.positions) + len(mapped.unknown) == len(written)
    for name, position in mapped.positions.items():
        assert cells[position][0] is not None and cells[position][0].name == name
    # Each column named keeps its first header written whole, else its first header.
    for column in {c for c, _h in cells if c is not None}:
        at = [i for i, (c, _h) in enumerate(cells) if c == column]
        whole = [i for i in at if header_key(cells[i][1]) in column.keys()]
        assert mapped.positions[column.name] == (whole or at)[0]
    # Everything else is unknown, as written, in file order.
    taken = set(mapped.positions.values())
    assert mapped.unknown == [" ".join(cells[i][1].split()) for i in written if i not in taken]


def test_a_second_header_for_a_field_is_unknown_and_a_whole_one_wins():
    columns = KINDS["teachers"].columns
    mapped = map_headers(["ลำดับ", "ชื่อ (อังกฤษ)", "ชื่อ", "นามสกุล", "สกุล", ""], columns)
    assert mapped.positions == {"first_name": 2, "last_name": 3}
    assert mapped.unknown == ["ลำดับ", "ชื่อ (อังกฤษ)", "สกุล"]


# ---------------------------------------------------------------- the missing-column message


def column_of(kind, name):
    return next(column for column in KINDS[kind].columns if column.name == name)


def test_missing_message_names_the_field_the_headers_found_and_the_accepted_names():
    message = missing_columns_message(
        [[column_of("teachers", "national_id")]], ["ลำดับ", "ชื่อ", "", "เลขที่บัตร"]
    )
    assert message.startswith('ไฟล์ไม่มีคอลัมน์ "เลขประจำตัวประชาชน" ซึ่งจำเป็นต้องมี')
    assert 'หัวคอลัมน์ที่พบในไฟล์: "ลำดับ", "ชื่อ", "เลขที่บัตร"' in message
    assert (
        'ชื่อหัวคอลัมน์ที่ใช้ได้: "เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "national_id", "citizen id"'
        in message
    )


def test_missing_message_for_alternatives_skips_what_the_file_has():
    groups = [
        [column_of("teachers", "first_name"), column_of("teachers", "last_name")],
        [column_of("teachers", "full_name")],
    ]
    message = missing_columns_message(groups, ["เลขประจำตัวประชาชน", "ชื่อ"], {"first_name"})
    assert message.startswith('ไฟล์ไม่มีคอลัมน์ "ชื่อ" + "นามสกุล" หรือ "ชื่อ-สกุล" ซึ่งจำเป็นต้องมี')
    assert '"นามสกุล", "สกุล", "last_name"' in message
    assert '"ชื่อ-สกุล", "ชื่อ - นามสกุล"' in message
    assert '"first_name"' not in message


def workbook(rows) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("รายชื่อ")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def test_a_file_without_the_id_column_is_told_what_it_has(app):
    content = workbook(
        [["ลำดับ", "ชื่อ", "นามสกุล", "เลขที่บัตร *"], ["1", "สมชาย", "ใจดี", "3100100000006"]]
    )
    with app.app_context(), pytest.raises(ReadError) as caught:
        import_file("teachers", content, "roster.xlsx", db.session)
    message = str(caught.value)
    assert 'ไฟล์ไม่มีคอลัมน์ "เลขประจำตัวประชาชน"' in message
    assert 'หัวคอลัมน์ที่พบในไฟล์: "ลำดับ", "ชื่อ", "นามสกุล", "เลขที่บัตร *"' in message
    assert '"เลขบัตรประชาชน", "national_id", "citizen id"' in message


# ---------------------------------------------------------------- end to end


@pytest.fixture
def colleges(app, reference):
    with app.app_context():
        content = (SAMPLES / "agencies.xlsx").read_bytes()
        import_file("agencies", content, "agencies.xlsx", db.session, skip_invalid=True)


DECORATED_ROSTER = {
    "เลขประจำตัวประชาชน": "เลขประจำตัวประชาชน (13 หลัก) *",
    "คำนำหน้า": "คำนำหน้า\u00a0",
    "ชื่อ": "ชื่อ\n(ภาษาไทย)",
    "นามสกุล": "(*) นามสกุล",
    "สถานศึกษา": "สถานศึกษา: ชื่อหรือรหัส",
    "แผนกวิชา": "แผนกวิชา - ถ้ามี",
    "ตำแหน่ง": "ตำแหน่ง [ถ้ามี]",
    "วิทยฐานะ": "วิทยฐานะ （ถ้ามี）",
    "วัน/เดือน/ปีเกิด": "วัน/เดือน/ปีเกิด (วว/ดด/ปปปป)",
    "อีเมล": "E-Mail – required",
    "โทรศัพท์": "โทรศัพท์\nมือถือ",
}


def decorated_roster() -> bytes:
    """The roster sample with a sequence column first and every header decorated."""
    book = openpyxl.load_workbook(SAMPLES / "teachers_roster.xlsx")
    sheet = book.active
    header_row = next(
        row[0].row for row in sheet.iter_rows(max_row=10) if row[0].value == "เลขประจำตัวประชาชน"
    )
    for cell in sheet[header_row]:
        cell.value = DECORATED_ROSTER[cell.value]
    sheet.insert_cols(1)
    sheet.cell(header_row, 1, "ลำดับ")
    rows = [
        row
        for row in range(header_row + 1, sheet.max_row + 1)
        if sheet.cell(row, 2).value not in (None, "รวม")  # the totals row has no number
    ]
    for number, row in enumerate(rows, start=1):
        sheet.cell(row, 1, number)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def outcome(result):
    return (
        len(result.rows),
        result.counts,
        sorted((problem.row, problem.message) for problem in result.problems),
    )


def test_a_decorated_roster_imports_like_the_plain_one(app, colleges):
    plain = (SAMPLES / "teachers_roster.xlsx").read_bytes()
    with app.app_context():
        expected = import_file("teachers", plain, "plain.xlsx", db.session, dry_run=True)
        result = import_file("teachers", decorated_roster(), "decorated.xlsx", db.session)
        assert outcome(result) == outcome(expected)
        assert result.unknown_columns == ["ลำดับ"]
        assert set(result.headers.values()) >= {
            " ".join(header.split()) for header in DECORATED_ROSTER.values()
        }
        assert not result.written
        written = import_file(
            "teachers", decorated_roster(), "decorated.xlsx", db.session, skip_invalid=True
        )
        assert written.written
        assert db.session.scalar(select(func.count()).select_from(Teacher)) == 236
        teacher = db.session.scalar(select(Teacher).where(Teacher.national_id == "3879217421801"))
        assert (teacher.prefix, teacher.first_name, teacher.last_name) == (
            "ว่าที่ร้อยตรี",
            "วิชรุติ",
            "ณ อยุธยา",
        )
        assert teacher.birth_date.isoformat() == "1990-08-21"
        assert teacher.college.name_th == "วิทยาลัยเทคนิคอุดรธานี"
        assert teacher.email == "t0.136@example.ac.th"


def test_a_hinted_full_name_header_no_longer_fails_the_roster(app, colleges):
    sample = (SAMPLES / "teachers_fullname.csv").read_bytes().decode("cp874")
    header, rest = sample.split("\n", 1)
    decorated = header.replace("ชื่อ-สกุล", '"ชื่อ-สกุล (นาย/นาง/นางสาว)"', 1)
    decorated = decorated.replace("วันเกิด", "วันเกิด: วว/ดด/ปปปป", 1)
    with app.app_context():
        expected = import_file(
            "teachers", sample.encode("cp874"), "a.csv", db.session, dry_run=True
        )
        content = f"{decorated}\n{rest}".encode("utf-8-sig")
        result = import_file("teachers", content, "b.csv", db.session, dry_run=True)
        assert outcome(result) == outcome(expected)
        assert result.headers["full_name"] == "ชื่อ-สกุล (นาย/นาง/นางสาว)"


# ---------------------------------------------------------------- the instructions sheet


def test_the_template_sheet_names_match_the_templates_module():
    assert (DATA_SHEET, HELP_SHEET) == (templates.DATA_SHEET, templates.HELP_SHEET)


def template_sheets(kind: str) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(io.BytesIO(templates.build_template(kind)))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_only_the_instructions_sheet_looks_like_instructions(kind):
    sheets = template_sheets(kind)
    assert looks_like_instructions(sheets[HELP_SHEET])
    assert not looks_like_instructions(sheets[DATA_SHEET])
    # The whole template still reads as its data sheet.
    workbook = read_sheets(templates.build_template(kind), f"{kind}.xlsx")
    table = find_table(workbook, KINDS[kind].columns)
    assert table.sheet == DATA_SHEET


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_csv_of_the_instructions_sheet_is_told_so(kind):
    content = as_csv(template_sheets(kind)[HELP_SHEET])
    sheets = read_sheets(content, f"{kind}.csv")
    with pytest.raises(ReadError) as caught:
        find_table(sheets, KINDS[kind].columns)
    assert str(caught.value) == INSTRUCTIONS_SHEET_MESSAGE
    assert f'"{HELP_SHEET}"' in INSTRUCTIONS_SHEET_MESSAGE
    assert f'"{DATA_SHEET}"' in INSTRUCTIONS_SHEET_MESSAGE


def test_import_file_refuses_the_instructions_sheet(app):
    content = as_csv(template_sheets("teachers")[HELP_SHEET])
    with app.app_context(), pytest.raises(ReadError) as caught:
        import_file("teachers", content, "template.csv", db.session)
    assert "คำอธิบาย" in str(caught.value) and "ข้อมูล" in str(caught.value)

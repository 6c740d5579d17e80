"""Stage 1, read: any spreadsheet the office receives becomes sheets of text columns.

Workbooks (.xlsx, .xls, .ods) are read by fastexcel, calamine's Arrow binding, with every
column as text: the cells arrive as Arrow strings without a Python object per cell, a date
cell as its ISO text ("2528-01-24 00:00:00") and a number as its shortest text ("3100100000006").
CSV text becomes the same shape. Each sheet is a pandas frame whose columns are the sheet's
columns and whose index is the sheet's row number less one; a blank cell is missing (NA).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import fastexcel
import pandas as pd

# Magic numbers, read from the content rather than trusting the file name.
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted OOXML workbook is an OLE file holding this stream (its name in UTF-16).
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
TEXT_ENCODINGS = ("utf-8-sig", "cp874")
LOCKED_FILE = "ไฟล์นี้ตั้งรหัสผ่านไว้ กรุณาเปิดไฟล์ เอารหัสผ่านออก แล้วบันทึกและส่งใหม่"
BROKEN_WORKBOOK = "ไฟล์เสียหรือไม่ใช่ไฟล์ตารางข้อมูล (เปิดไฟล์ Excel ไม่ได้)"
UNPACK_CHUNK = 1 << 20
UNSUPPORTED = "ไฟล์เสียหรือไม่ใช่ไฟล์ตารางข้อมูลที่รองรับ (.xlsx .xls .ods .csv)"


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
    """One sheet's cells as text columns: frame.iloc[i, j] is the cell of row i + 1, column j."""

    name: str
    frame: pd.DataFrame

    @property
    def height(self) -> int:
        return len(self.frame)

    def row(self, index: int) -> list[str | None]:
        """The cells of one row (0-based), None for blank."""
        return self.head(index + 1)[index]

    def head(self, count: int) -> list[list[str | None]]:
        """The first rows' cells, None for blank."""
        top = self.frame.iloc[:count]
        return [[None if pd.isna(c) else c for c in row] for row in top.itertuples(index=False)]

    @property
    def rows(self) -> list[list[str | None]]:
        """Every row's cells (a list per row, made when asked for: the import never does)."""
        return self.head(self.height)


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
            raise ReadError(LOCKED_FILE)
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
    """Refuse a workbook whose parts would unpack to far more than it weighs (a zip bomb).

    The sizes a zip declares may lie, and the workbook reader trusts them: each part is
    unpacked once here, which stops at its declared size and fails on the checksum of a
    part that holds more (about 0.13 s for a 100,000-row roster's 78 MB of XML).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
        unpacked = sum(info.file_size for info in parts)
    except (zipfile.BadZipFile, OSError) as error:
        raise ReadError(BROKEN_WORKBOOK) from error
    if unpacked > limits.max_unpacked_bytes or unpacked > limits.max_ratio * max(len(content), 1):
        raise ReadError(
            "ไฟล์นี้เมื่อแตกออกมีขนาดใหญ่ผิดปกติ "
            f"({unpacked / 1048576:.0f} MB) จึงไม่นำเข้า เพื่อความปลอดภัยของระบบ"
        )
    try:
        for info in parts:
            with archive.open(info) as part:
                while part.read(UNPACK_CHUNK):
                    pass
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as error:
        raise ReadError(BROKEN_WORKBOOK) from error


def read_workbook(content: bytes) -> list[Sheet]:
    """Read every sheet as text; formula cells give their last computed value."""
    try:
        book = fastexcel.read_excel(content)
        names = book.sheet_names
    except Exception as error:  # fastexcel raises its own error types, and ValueError
        raise unreadable(error) from error
    sheets = []
    for name in names:
        try:
            loaded = book.load_sheet(name, header_row=None, dtypes="string", skip_rows=0)
            frame = loaded.to_arrow().to_pandas()
        except Exception as error:
            if "empty" in str(error).lower():
                frame = pd.DataFrame()  # a sheet with no cells at all
            else:
                raise unreadable(error) from error
        frame.columns = range(frame.shape[1])
        sheets.append(Sheet(name, frame))
    del book  # calamine's copy of the workbook
    return sheets


def unreadable(error: Exception) -> ReadError:
    message = str(error).lower()
    if "password" in message or "encrypt" in message:
        return ReadError(LOCKED_FILE)
    return ReadError(UNSUPPORTED)


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
    """Read comma- or tab-separated text into one sheet of the same shape as a workbook's."""
    text = decode_text(content)
    if not text.strip():
        raise ReadError("ไฟล์ว่างเปล่า ไม่มีข้อมูล")
    head = text[:8192]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ReadError(f"อ่านไฟล์ CSV ไม่ได้: {error}") from error
    frame = pd.DataFrame(rows, dtype="str")
    frame = frame.where(frame != "")
    frame.columns = range(frame.shape[1])
    return Sheet(filename.rsplit("/", 1)[-1], frame)

"""Cut a large workbook's biggest sheet in two, so two processes can read it at once.

calamine reads a sheet in one indivisible step that holds the interpreter lock, and on a
100,000-row roster that step is half of the whole import. The sheet's XML is a list of
<row> elements, so cutting it at a row boundary gives two valid workbooks, each with half
the rows at their original row numbers. Anything unexpected returns None and the file is
read the ordinary way.
"""

from __future__ import annotations

import io
import zipfile

SHEET_DATA = b"<sheetData>"
SHEET_DATA_END = b"</sheetData>"
ROW = b"<row "


def split_workbook(content: bytes) -> tuple[bytes, bytes] | None:
    """Return two .xlsx files: the biggest sheet's first rows, and its remaining rows."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        sheets = [
            info
            for info in archive.infolist()
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        ]
        if not sheets:
            return None
        biggest = max(sheets, key=lambda info: info.file_size)
        xml = archive.read(biggest)
        start = xml.find(SHEET_DATA)
        end = xml.rfind(SHEET_DATA_END)
        if start < 0 or end < start:
            return None
        body_start = start + len(SHEET_DATA)
        cut = xml.find(ROW, body_start + (end - body_start) // 2, end)
        if cut < 0:
            return None
        first = xml[:cut] + xml[end:]
        second = xml[:body_start] + xml[cut:]
        return (
            rebuild(archive, biggest.filename, first),
            rebuild(archive, biggest.filename, second),
        )
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def rebuild(archive: zipfile.ZipFile, name: str, sheet: bytes) -> bytes:
    """Copy a workbook with one sheet's XML replaced; stored, not compressed, for speed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as copy:
        for info in archive.infolist():
            data = sheet if info.filename == name else archive.read(info)
            copy.writestr(info.filename, data)
    return buffer.getvalue()

"""Cut a large workbook's biggest sheet in two, so two processes can read it at once.

calamine reads a sheet in one indivisible step that holds the interpreter lock, and on a
100,000-row roster that step is half of the whole import. The sheet's XML is a list of
<row> elements, so cutting it at a row boundary gives two valid workbooks, each with part
of the rows at their original row numbers. Anything unexpected gives None and the file is
read the ordinary way.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

SHEET_DATA = b"<sheetData>"
SHEET_DATA_END = b"</sheetData>"
ROW = b"<row "


@dataclass
class Cut:
    """Where a workbook's biggest sheet is cut; each part is built by whoever reads it."""

    archive: zipfile.ZipFile
    name: str
    xml: bytes
    body_start: int
    cut: int
    end: int

    def first(self) -> bytes:
        """A workbook holding the sheet's rows before the cut."""
        return rebuild(self.archive, self.name, self.xml[: self.cut] + self.xml[self.end :])

    def second(self) -> bytes:
        """A workbook holding the sheet's rows from the cut on."""
        return rebuild(self.archive, self.name, self.xml[: self.body_start] + self.xml[self.cut :])


def cut_workbook(content: bytes, share: float = 0.5) -> Cut | None:
    """Find a row boundary about `share` of the way through the biggest sheet's rows."""
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
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    start = xml.find(SHEET_DATA)
    end = xml.rfind(SHEET_DATA_END)
    if start < 0 or end < start:
        return None
    body_start = start + len(SHEET_DATA)
    cut = xml.find(ROW, body_start + int((end - body_start) * share), end)
    if cut < 0:
        return None
    return Cut(archive, biggest.filename, xml, body_start, cut, end)


def rebuild(archive: zipfile.ZipFile, name: str, sheet: bytes) -> bytes:
    """Copy a workbook with one sheet's XML replaced; stored, not compressed, for speed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as copy:
        for info in archive.infolist():
            data = sheet if info.filename == name else archive.read(info)
            copy.writestr(info.filename, data)
    return buffer.getvalue()

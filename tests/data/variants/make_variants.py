"""Regenerate the sample variants: the samples as senders' spreadsheet programs re-save them.

Run from the checkout (LibreOffice's ``soffice`` must be on PATH; the tests need only the
files this writes, which are committed)::

    .venv/bin/python tests/data/variants/make_variants.py

For each of teachers_roster.xlsx, mous.xlsx, scholarships.xlsx and placements_form.csv in
tests/data/samples/ it writes, next to this script:

``<name>.lo.xls``, ``<name>.lo.ods``, ``<name>.lo.csv`` / ``<name>.lo.xlsx``
    The sample converted by LibreOffice (``soffice --headless --convert-to``). Workbooks go
    to .xls, .ods and UTF-8 .csv; the CSV form goes to .xls, .ods and .xlsx, opened the way
    a Thai sender's program opens it: Thai locale (1054), types detected, so that the typed
    dates "08/03/2568" become date cells of year 2568 and the national IDs numbers.
``<name>.be_dates.xlsx``
    The sample's own headers, every date a real date cell holding the BE year as typed in a
    Thai locale (24/01/2528 → a cell of year 2528, shown dd/mm/yyyy), written by xlsxwriter.
``<name>.ce_dates.xlsx``
    The same with date cells holding the CE year (24/01/2528 → a cell of year 1985).
``<name>.decorated.xlsx``
    Headers decorated as senders do (a hint in brackets or after a colon, a star, a format
    such as วว/ดด/ปปปป after a line break) and dates as BE date cells, as in be_dates.

A date text that cannot be a date cell (unparseable, or 29 Feb of a BE year, which has no
CE twin) stays text, as a spreadsheet program leaves it. National IDs and every other cell
stay text, as in the sample. The scholarships sample has no dates: it gets no be_dates or
ce_dates variant, and its decorated variant holds the academic years as number cells, as
senders type them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SAMPLES = ROOT / "tests" / "data" / "samples"
sys.path.insert(0, str(ROOT))

from thai.dates import parse_datetime  # noqa: E402

# The CSV filter: comma, double quote, UTF-8 (76); when reading, from line 1, default
# column types (detected), Thai locale (1054).
CSV_EXPORT = "csv:Text - txt - csv (StarCalc):44,34,76"
CSV_IMPORT_THAI = "CSV:44,34,76,1,,1054"
FIXED_TIME = dt.datetime(2025, 2, 3, 9, 0, 0)  # so that xlsxwriter's output is reproducible

# Per sample: its date columns (header -> number format) and its header decorations.
SOURCES: dict[str, dict] = {
    "teachers_roster.xlsx": {
        "dates": {"วัน/เดือน/ปีเกิด": "dd/mm/yyyy"},
        "decorated": {
            "เลขประจำตัวประชาชน": "เลขประจำตัวประชาชน (13 หลัก)*",
            "คำนำหน้า": "คำนำหน้า*",
            "ชื่อ": "ชื่อ*",
            "นามสกุล": "นามสกุล *",
            "สถานศึกษา": "สถานศึกษา: ชื่อเต็มหรือรหัส",
            "วัน/เดือน/ปีเกิด": "วัน/เดือน/ปีเกิด\n(วว/ดด/ปปปป)",
            "อีเมล": "อีเมล: ถ้ามี",
            "โทรศัพท์": "โทรศัพท์ (มือถือ)",
        },
    },
    "mous.xlsx": {
        "dates": {"วันที่ลงนาม": "dd/mm/yyyy", "วันสิ้นสุด": "dd/mm/yyyy"},
        "decorated": {
            "เลขที่": "เลขที่*",
            "คู่ภาคี": "คู่ภาคี (รหัสหรือชื่อหน่วยงาน)*",
            "วันที่ลงนาม": "วันที่ลงนาม\n(วว/ดด/ปปปป)*",
            "วันสิ้นสุด": "วันสิ้นสุด: ถ้ามี",
        },
    },
    "scholarships.xlsx": {
        "dates": {},
        "numbers": {"ปีการศึกษา"},
        "decorated": {
            "เลขประจำตัวประชาชน": "เลขประจำตัวประชาชน (13 หลัก หรือรหัส G)*",
            "ทุน": "ทุน*",
            "ปีการศึกษา": "ปีการศึกษา (พ.ศ.)*",
            "ผู้มีความต้องการจำเป็นพิเศษ": "ผู้มีความต้องการจำเป็นพิเศษ: ใช่/ไม่ใช่",
        },
    },
    "placements_form.csv": {
        "dates": {
            "ประทับเวลา": "d/m/yyyy hh:mm:ss",
            "วันเริ่มฝึก": "dd/mm/yyyy",
            "วันสิ้นสุดการฝึก": "dd/mm/yyyy",
        },
        "decorated": {
            "ประทับเวลา": "ประทับเวลา (Timestamp)",
            "เลขประจำตัวประชาชน": "เลขประจำตัวประชาชน (13 หลัก)*",
            "สถานประกอบการ": "สถานประกอบการ*",
            "วันเริ่มฝึก": "วันเริ่มฝึก\n(วว/ดด/ปปปป)",
            "วันสิ้นสุดการฝึก": "วันสิ้นสุดการฝึก (วว/ดด/ปปปป)*",
            "ที่อยู่อีเมล": "ที่อยู่อีเมล: ถ้ามี",
        },
    },
}


def read_rows(path: Path) -> list[list[str]]:
    """The sample's cells, all text (the samples hold text cells only)."""
    if path.suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text, newline="")))
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return [["" if cell is None else str(cell) for cell in row] for row in rows]


def header_index(rows: list[list[str]], headers: dict[str, str]) -> int:
    """The row holding the sample's headers (below any title rows)."""
    for number, row in enumerate(rows):
        if set(headers) & {cell.strip() for cell in row}:
            return number
    raise SystemExit("header row not found")


def date_cell(text: str, era: str) -> dt.datetime | None:
    """The date cell a spreadsheet makes of a typed date, or None if it stays text."""
    if not text.strip():
        return None
    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    if era == "ce":
        return moment
    try:
        return moment.replace(year=moment.year + 543)
    except ValueError:  # 29 Feb: no such day in the BE year, the cell stays text
        return None


def write_xlsx(name: str, target: Path, era: str, decorate: bool) -> None:
    """Write the sample again with real date cells (BE or CE years), headers as asked."""
    spec = SOURCES[name]
    rows = read_rows(SAMPLES / name)
    top = header_index(rows, spec["decorated"] or spec["dates"])
    headers = [cell.strip() for cell in rows[top]]
    workbook = xlsxwriter.Workbook(str(target))
    workbook.set_properties({"created": FIXED_TIME, "author": "Samatta tests"})
    formats = {
        pattern: workbook.add_format({"num_format": pattern})
        for pattern in set(spec["dates"].values())
    }
    wrap = workbook.add_format({"text_wrap": True, "bold": True})
    sheet = workbook.add_worksheet((SAMPLES / name).stem[:31])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if r == top:
                shown = spec["decorated"].get(value.strip(), value) if decorate else value
                sheet.write_string(r, c, shown, wrap if "\n" in shown else None)
                continue
            header = headers[c] if r > top and c < len(headers) else None
            pattern = spec["dates"].get(header)
            cell = date_cell(value, era) if pattern else None
            if cell is not None:
                sheet.write_datetime(r, c, cell, formats[pattern])
            elif decorate and header in spec.get("numbers", ()) and value.isdigit():
                sheet.write_number(r, c, int(value))
            elif value != "":
                sheet.write_string(r, c, value)
    workbook.close()


def soffice(source: Path, fmt: str, outdir: Path, infilter: str | None = None) -> None:
    # A private profile next to the output, so that a running office or a stale lock of
    # someone else's cannot interfere.
    profile = (outdir.parent / "profile").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", fmt, "--outdir", str(outdir), str(source)]
    # A fixed program and our own paths, no shell.
    subprocess.run(command, check=True, capture_output=True, timeout=180)  # noqa: S603


def convert_with_libreoffice(name: str) -> None:
    """The sample re-saved by LibreOffice in each other format, as <stem>.lo.<ext>."""
    stem, ext = name.rsplit(".", 1)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{stem}.lo.{ext}"
        shutil.copy(SAMPLES / name, source)
        if ext == "csv":
            for fmt in ("xls", "ods", "xlsx"):
                soffice(source, fmt, Path(tmp) / "out", CSV_IMPORT_THAI)
        else:
            for fmt in ("xls", "ods", CSV_EXPORT):
                soffice(source, fmt, Path(tmp) / "out")
        for made in sorted((Path(tmp) / "out").iterdir()):
            shutil.copy(made, HERE / made.name)
            print(f"{made.name}: {made.stat().st_size:,} bytes")


def main() -> None:
    if shutil.which("soffice") is None:
        raise SystemExit("soffice (LibreOffice) is not on PATH")
    for name in SOURCES:
        stem = name.rsplit(".", 1)[0]
        convert_with_libreoffice(name)
        for suffix, era, decorate in (
            ("be_dates", "be", False),
            ("ce_dates", "ce", False),
            ("decorated", "be", True),
        ):
            if suffix != "decorated" and not SOURCES[name]["dates"]:
                continue
            target = HERE / f"{stem}.{suffix}.xlsx"
            write_xlsx(name, target, era, decorate)
            print(f"{target.name}: {target.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()

"""The placement date rule through the import: a planned start or end must fall in the
round's fiscal year or the one after it (importers/plausible.py, placement_date).

The reference data's round is fiscal year 2568: 1 Oct 2567 to 30 Sep 2568 BE, so a planned
date is accepted from 1 Oct 2567 to 30 Sep 2569 BE and refused a day either side.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import xlsxwriter
from helpers import TEACHER_NID, count
from sqlalchemy import select

from importers import import_file
from models import Placement, PlacementRound, db
from thai.nid import make_national_id

HEADERS = (
    "ประทับเวลา",
    "ที่อยู่อีเมล",
    "เลขประจำตัวประชาชน",
    "ชื่อ-สกุล",
    "สถานศึกษา",
    "สถานประกอบการ",
    "จังหวัดของสถานประกอบการ",
    "สมรรถนะที่จะฝึก",
    "วันเริ่มฝึก",
    "วันสิ้นสุดการฝึก",
    "ลิงก์แผนพัฒนา",
)
START, END = "วันเริ่มฝึก", "วันสิ้นสุดการฝึก"
RANGE_2568 = "(ต้องอยู่ระหว่าง 1 ต.ค. 2567 ถึง 30 ก.ย. 2569 คือปีงบประมาณ 2568 หรือ 2569)"


def cells(start: str, end: str) -> list[str]:
    return [
        "20/2/2568, 10:00:00",
        "t@example.ac.th",
        TEACHER_NID,
        "นายศานนท์ ใจดี",
        "วิทยาลัยสารพัดช่างลำปาง",
        "บริษัท ช่างไทย จำกัด",
        "",
        "ECM-ZZZ-5-011ZA ตรวจสอบระบบเครื่องยนต์",
        start,
        end,
        "https://example.com/plan.pdf",
    ]


def form(start: str, end: str) -> bytes:
    """A one-row form export (CSV) with the planned dates as typed."""
    line = ",".join(f'"{cell}"' for cell in cells(start, end))
    return (",".join(HEADERS) + "\n" + line + "\n").encode("utf-8")


def run(content: bytes, filename: str = "form.csv", **options):
    options.setdefault("round", 2568)
    return import_file("placements", content, filename, db.session, **options)


def problems_of(result) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in result.problems]


def outside(written: str, shown: str, fiscal_year: int = 2568, accepted: str = RANGE_2568) -> str:
    return f'วันที่ "{written}" ({shown}) อยู่นอกช่วงของรอบปีงบประมาณ {fiscal_year} {accepted}'


# --------------------------------------------------------------------------- the edges


def test_the_last_day_of_the_fiscal_year_after_the_rounds_is_accepted(records, app):
    with app.app_context():
        result = run(form("03/03/2568", "30/09/2569"))
        assert problems_of(result) == []
        assert result.counts["new"] == 1
        assert db.session.scalar(select(Placement.planned_end)) == dt.date(2026, 9, 30)


def test_the_day_after_is_refused_naming_the_value_as_written(records, app):
    with app.app_context():
        result = run(form("03/03/2568", "01/10/2569"))
        assert count(app, Placement) == 0
    assert problems_of(result) == [(2, END, outside("01/10/2569", "1 ต.ค. 2569"))]
    assert result.count("rejected") == 1
    assert not result.written


def test_the_first_day_of_the_rounds_fiscal_year_is_accepted(records, app):
    with app.app_context():
        result = run(form("01/10/2567", "30/04/2568"))
        assert problems_of(result) == []
        assert result.counts["new"] == 1
        assert db.session.scalar(select(Placement.planned_start)) == dt.date(2024, 10, 1)


def test_the_day_before_is_refused_naming_the_value_as_written(records, app):
    with app.app_context():
        result = run(form("30/09/2567", "30/04/2568"))
        assert count(app, Placement) == 0
    assert problems_of(result) == [(2, START, outside("30/09/2567", "30 ก.ย. 2567"))]


# --------------------------------------------------------------------------- as written


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("1 ต.ค. 69", "1 ต.ค. 2569"),  # short BE year, Thai month
        ("๐๑/๑๐/๒๕๖๙", "1 ต.ค. 2569"),  # Thai digits
        ("01/10/2026", "1 ต.ค. 2569"),  # a CE year, read as such
    ],
)
def test_the_message_quotes_the_cell_as_the_sender_typed_it(records, app, written, shown):
    with app.app_context():
        result = run(form("03/03/2568", written))
    assert problems_of(result) == [(2, END, outside(written, shown))]


def test_an_end_a_year_early_is_refused_without_an_order_complaint_too(records, app):
    """8 Mar 2567 (last year typed by mistake) is before the start, but the range says why."""
    with app.app_context():
        result = run(form("03/03/2568", "08/03/2567"))
    assert problems_of(result) == [(2, END, outside("08/03/2567", "8 มี.ค. 2567"))]


def test_the_same_bad_date_on_several_rows_rejects_each(records, app):
    line = ",".join(f'"{cell}"' for cell in cells("03/03/2568", "01/10/2569"))
    other = line.replace(TEACHER_NID, make_national_id("310010000002"))
    content = (",".join(HEADERS) + "\n" + line + "\n" + other + "\n").encode("utf-8")
    with app.app_context():
        result = run(content)
    refused = [(r, c, m) for r, c, m in problems_of(result) if c == END]
    assert refused == [(n, END, outside("01/10/2569", "1 ต.ค. 2569")) for n in (2, 3)]


def test_a_real_date_cell_is_judged_too(records, app):
    """An .xlsx date cell arrives as its text: the message quotes that text."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADERS)
    for column, value in enumerate(cells("", "")):
        sheet.write_string(1, column, value)
    sheet.write_datetime(1, 8, dt.datetime(2025, 3, 3), dates)
    sheet.write_datetime(1, 9, dt.datetime(2026, 10, 1), dates)
    book.close()
    with app.app_context():
        result = run(buffer.getvalue(), "form.xlsx")
    ((number, column, message),) = problems_of(result)
    assert (number, column) == (2, END)
    assert message.startswith('วันที่ "2026-10-01') and "(1 ต.ค. 2569)" in message
    assert message.endswith(RANGE_2568)


# --------------------------------------------------------------------------- the round


def test_the_range_is_the_chosen_rounds(records, app):
    """The same dates judged against round 2569: 1 Oct 2569 is now inside, 30 Sep 2568 out."""
    with app.app_context():
        db.session.add(
            PlacementRound(
                fiscal_year=2569, title="รอบ 2569", application_deadline=dt.date(2026, 2, 27)
            )
        )
        db.session.commit()
        accepted = run(form("03/03/2569", "01/10/2569"), round=2569, dry_run=True)
        refused = run(form("30/09/2568", "30/04/2569"), round=2569, dry_run=True)
    assert problems_of(accepted) == []
    accepted_2569 = "(ต้องอยู่ระหว่าง 1 ต.ค. 2568 ถึง 30 ก.ย. 2570 คือปีงบประมาณ 2569 หรือ 2570)"
    assert problems_of(refused) == [
        (2, START, outside("30/09/2568", "30 ก.ย. 2568", 2569, accepted_2569))
    ]

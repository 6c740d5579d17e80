"""An MOU date that parses but no sender meant is a row error naming the value as written.

วันที่ลงนาม and วันสิ้นสุด must lie from 1 Jan 2500 BE to 20 years after the day of the
import (importers/plausible.py). The parties are organisations of the reference data.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from helpers import THAI
from sqlalchemy import func, select

import models
from importers import import_file
from importers.importer import Importer
from models import Mou, db
from thai.dates import format_be

HEADER = "เลขที่,ชื่อบันทึกข้อตกลง,คู่ภาคี,วันที่ลงนาม,วันสิ้นสุด"
TODAY = dt.date(2025, 2, 3)  # 3 ก.พ. 2568
FIRST_DAY = dt.date(1957, 1, 1)  # 1 ม.ค. 2500


@pytest.fixture
def today(monkeypatch):
    """Import as if on TODAY: the rule is judged against the importer's day."""
    original = Importer.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.today = TODAY

    monkeypatch.setattr(Importer, "__init__", init)
    return TODAY


def numeric(day: dt.date) -> str:
    return format_be(day, "numeric")


def mous(*dates: tuple[str, str]) -> bytes:
    """One MOU a line, MOU-T-1, MOU-T-2…, each with its (signed, ends) as written."""
    lines = [HEADER]
    for number, (signed, ends) in enumerate(dates, start=1):
        lines.append(f"MOU-T-{number},ทดสอบวันที่,OVEC; TPQI,{signed},{ends}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(content: bytes, filename: str = "mous.csv", **options):
    return import_file("mous", content, filename, db.session, **options)


def stored() -> dict[str, tuple[dt.date, dt.date | None]]:
    return {mou.ref_no: (mou.signed_on, mou.expires_on) for mou in db.session.scalars(select(Mou))}


def refused(problem, column: str, written: str) -> None:
    assert problem.column == column
    assert f'"{written}"' in problem.message
    assert "ไม่น่าเป็นไปได้" in problem.message
    assert THAI.search(problem.message)


# --------------------------------------------------------------------------- the earliest day


@pytest.mark.usefixtures("reference", "today")
@pytest.mark.parametrize("written", ["31/12/2499", "31 ธ.ค. 2499", "31/12/1956"])
def test_the_day_before_1_jan_2500_is_refused_naming_the_value_as_written(app, written):
    with app.app_context():
        result = run(mous((written, ""), ("01/01/2500", "")), skip_invalid=True)
        (problem,) = result.problems
        assert problem.row == 2
        refused(problem, "วันที่ลงนาม", written)
        # The message says what would have been accepted, in BE.
        assert "1 ม.ค. 2500" in problem.message
        assert format_be(dt.date(2045, 2, 3)) in problem.message
        assert result.counts == {"new": 1, "updated": 0, "unchanged": 0, "rejected": 1}
        assert stored() == {"MOU-T-2": (FIRST_DAY, None)}


@pytest.mark.usefixtures("reference", "today")
def test_1_jan_2500_itself_is_accepted_as_signing_and_end(app):
    with app.app_context():
        result = run(mous(("01/01/2500", "1 มกราคม 2500")))
        assert result.problems == []
        assert result.written
        assert stored() == {"MOU-T-1": (FIRST_DAY, FIRST_DAY)}


@pytest.mark.usefixtures("reference", "today")
def test_an_end_before_1_jan_2500_is_refused_on_the_end_column(app):
    with app.app_context():
        result = run(mous(("01/01/2500", "31/12/2499")))
        # The implausible end is what is wrong; it is not also told as ending before signing.
        (problem,) = result.problems
        refused(problem, "วันสิ้นสุด", "31/12/2499")
        assert not result.written
        assert db.session.scalar(select(func.count()).select_from(Mou)) == 0


# --------------------------------------------------------------------------- 20 years ahead


@pytest.mark.usefixtures("reference", "today")
def test_20_years_ahead_is_accepted_a_day_more_is_refused(app):
    latest = dt.date(2045, 2, 3)
    day_more = latest + dt.timedelta(days=1)
    dates = [
        ("01/10/2567", numeric(latest)),
        ("01/10/2567", numeric(day_more)),
        (numeric(latest), ""),
        (numeric(day_more), ""),
    ]
    with app.app_context():
        result = run(mous(*dates), skip_invalid=True)
        problems = {p.row: p for p in result.problems}
        assert sorted(problems) == [3, 5]
        refused(problems[3], "วันสิ้นสุด", "04/02/2588")
        refused(problems[5], "วันที่ลงนาม", "04/02/2588")
        assert "3 ก.พ. 2588" in problems[3].message  # the latest accepted day, in BE
        signed = dt.date(2024, 10, 1)
        assert stored() == {"MOU-T-1": (signed, latest), "MOU-T-3": (latest, None)}


@pytest.mark.usefixtures("reference")
def test_the_rule_is_judged_against_the_day_of_the_import(app):
    today = models.today()
    try:
        latest = today.replace(year=today.year + 20)
    except ValueError:  # 29 Feb: the same day 20 years on is 28 Feb
        latest = today.replace(year=today.year + 20, day=28)
    day_more = latest + dt.timedelta(days=1)
    dates = [("01/10/2567", numeric(latest)), ("01/10/2567", numeric(day_more))]
    with app.app_context():
        (problem,) = run(mous(*dates)).problems
    assert problem.row == 3
    refused(problem, "วันสิ้นสุด", numeric(day_more))


# --------------------------------------------------------------------------- as files hold them


@pytest.mark.usefixtures("reference", "today")
def test_a_date_cell_and_repeated_values_are_each_refused(app):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["เลขที่", "ชื่อบันทึกข้อตกลง", "คู่ภาคี", "วันที่ลงนาม", "วันสิ้นสุด"])
    sheet.append(["MOU-T-1", "ทดสอบ", "OVEC; TPQI", dt.datetime(1956, 12, 31), None])
    sheet.append(["MOU-T-2", "ทดสอบ", "OVEC; TPQI", dt.datetime(1957, 1, 1), None])
    sheet.append(["MOU-T-3", "ทดสอบ", "OVEC; TPQI", "01/10/2567", "04/02/2588"])
    sheet.append(["MOU-T-4", "ทดสอบ", "OVEC; TPQI", "01/10/2567", "04/02/2588"])
    buffer = io.BytesIO()
    book.save(buffer)
    with app.app_context():
        result = run(buffer.getvalue(), "mous.xlsx")
        problems = {p.row: p for p in result.problems}
        assert sorted(problems) == [2, 4, 5]
        assert problems[2].column == "วันที่ลงนาม"
        assert "31 ธ.ค. 2499" in problems[2].message
        assert problems[4].message == problems[5].message
        refused(problems[4], "วันสิ้นสุด", "04/02/2588")
        assert not result.written

"""`flask report`: the file it writes, its XLSX twin, and exit 2 with a Thai message."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import select

import models
from app import create_app
from models import Agency, Mou, MouParty, db
from reports import build_report, render
from reports.model import Table

TITLE = '=HYPERLINK("http://evil.example","คลิก") ความร่วมมือพัฒนาครูช่างยนต์'


@pytest.fixture
def mous(app, reference):
    with app.app_context():
        tpqi = db.session.scalar(select(Agency).where(Agency.code == "TPQI"))
        bma = db.session.scalar(select(Agency).where(Agency.code == "BMA"))
        today = models.today()
        for number, (days, title) in enumerate(((30, TITLE), (400, "ความร่วมมือ EWE"))):
            mou = Mou(
                ref_no=f"MOU-T-{number}",
                title=title,
                signed_on=today - dt.timedelta(days=700),
                expires_on=today + dt.timedelta(days=days),
            )
            mou.parties = [MouParty(agency=tpqi), MouParty(agency=bma)]
            db.session.add(mou)
        db.session.commit()
    return app


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["report", *args], catch_exceptions=False)


def test_writes_a_pdf(mous, tmp_path):
    out = tmp_path / "register.pdf"
    result = invoke(mous, "mous", "--partner", "TPQI", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "ทะเบียนบันทึกข้อตกลงความร่วมมือ" in result.output


def test_the_xlsx_twin_holds_the_same_rows_and_no_formula(mous, tmp_path):
    out = tmp_path / "register.xlsx"
    result = invoke(mous, "mous", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    with mous.app_context():
        report = build_report(db.session, "mous", {})
    table = next(block for block in report.blocks if isinstance(block, Table))
    sheet = openpyxl.load_workbook(out).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = [column.title for column in table.columns]
    start = next(i for i, row in enumerate(rows) if row[: len(header)] == header)
    body = rows[start + 1 : start + 1 + len(table.rows)]
    refs = [row[0] for row in body]
    assert refs == [row["ref_no"] for row in table.rows]
    # The title that looks like a formula is text in the twin, never a live formula.
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == TITLE]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_thai_digits_flag(mous, tmp_path):
    out = tmp_path / "register.pdf"
    assert invoke(mous, "mous", "--thai-digits", "-o", str(out)).exit_code == 0
    with mous.app_context():
        report = build_report(db.session, "mous", {})
    assert out.read_bytes() != render(report, "pdf")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", "-o", "x.pdf"), 'ไม่มีรายงานชื่อ "nope"'),
        (("mous", "--fiscal-year", "2568", "-o", "x.pdf"), "ไม่มีตัวกรอง --fiscal-year"),
        (("mous", "--status", "เก่ามาก", "-o", "x.pdf"), 'สถานะ "เก่ามาก" ไม่ถูกต้อง'),
        (("mous", "--province", "แอตแลนติส", "-o", "x.pdf"), 'ไม่พบจังหวัด "แอตแลนติส"'),
        (("placements", "-o", "x.pdf"), "ไม่ได้ระบุปีงบประมาณ"),
        (("placements", "--fiscal-year", "abc", "-o", "x.pdf"), 'ปีงบประมาณ "abc" ไม่ถูกต้อง'),
        (("teacher", "--teacher", "1234567890123", "-o", "x.pdf"), "เลขประจำตัวประชาชน"),
        (("mous",), "-o"),
    ],
)
def test_unusable_requests_exit_2_in_thai(mous, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = invoke(mous, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_an_unknown_option_is_a_usage_error(mous):
    result = invoke(mous, "mous", "--colour", "red", "-o", "x.pdf")
    assert result.exit_code == 2


def test_help_lists_every_report():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    result = app.test_cli_runner().invoke(args=["report", "--help"])
    for name in ("placements", "excellence", "mous", "alignment", "scholarships", "teacher"):
        assert name in result.output


def test_the_xlsx_starts_with_the_title_and_filters(mous):
    with mous.app_context():
        report = build_report(db.session, "mous", {"partner": "TPQI"})
    sheet = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx"))).active
    assert sheet["A1"].value == report.title
    assert [sheet["A2"].value, sheet["B2"].value] == list(report.filters[0])

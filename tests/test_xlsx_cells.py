"""Spreadsheets a clerk can sort and add up: report twins and admin XLSX exports.

Dates are date cells that Excel and LibreOffice show in the Buddhist Era, numbers and money
are number cells with thousands separators, and text that looks like a formula stays text.
Each workbook is read twice: its cells (openpyxl: type and number format) and what a reader
sees (LibreOffice converts it to CSV with every cell as shown).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from helpers import page, role_client, thai
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from exports import BE_DATE, BE_DATETIME, INTEGER, MONEY, PERCENT, YEAR
from models import (
    Agency,
    CompetencyUnit,
    Curriculum,
    CurriculumUnit,
    Mou,
    MouParty,
    Placement,
    Qualification,
    ScholarshipAward,
    Teacher,
    TeacherCertificate,
    TeacherUnit,
    db,
)
from reports import REPORTS, render
from reports.model import Chart, Column, Facts, Report, Table
from seed.demo import load_demo
from thai.dates import format_be

# LibreOffice's CSV filter: comma, double quotes, UTF-8, from row 1, and token 9 "save cell
# contents as shown" (without it a date is written as 24/01/2025, whatever its format).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"
FORMULA = '=HYPERLINK("http://evil.example","คลิก")'


@pytest.fixture(scope="module")
def shown(tmp_path_factory):
    """Return a function giving a workbook's first sheet as LibreOffice shows it (CSV rows)."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed: scripts/system-packages installs it"
    # A profile of this module's own, so that parallel test workers never share one.
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    counter = iter(range(1_000_000))

    def convert(content: bytes) -> list[list[str]]:
        folder = tmp_path_factory.mktemp(f"convert-{next(counter)}")
        source = folder / "book.xlsx"
        source.write_bytes(content)
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(folder),
            str(source),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=180)  # noqa: S603
        text = (folder / "book.csv").read_text(encoding="utf-8")
        return list(csv.reader(io.StringIO(text)))

    return convert


def cells_of(content: bytes) -> list[list]:
    return [list(row) for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()]


def row_with(rows: list[list], value) -> list:
    """The first row holding a cell of that value (cells or shown text)."""
    return next(row for row in rows if any(getattr(c, "value", c) == value for c in row))


# --------------------------------------------------------------------------- report twins


def sample_report() -> Report:
    columns = [
        Column("code", "รหัส", "code"),
        Column("title", "ชื่อ"),
        Column("signed_on", "วันที่ลงนาม", "date"),
        Column("teachers", "ครู (คน)", "int"),
        Column("budget", "งบประมาณ (บาท)", "money"),
        Column("rate", "ร้อยละ", "percent"),
    ]
    rows = [
        {
            "code": "10201",
            "title": FORMULA,
            "signed_on": dt.date(2025, 1, 24),
            "teachers": 1234,
            "budget": Decimal("3000000.50"),
            "rate": 85.714,
        },
        {
            "code": "10202",
            "title": "+66 เบอร์โทร",
            "signed_on": dt.date(2024, 10, 1),
            "teachers": 5,
            "budget": Decimal("250000"),
            "rate": 100.0,
        },
    ]
    totals = {"title": "รวม", "teachers": 1239, "budget": Decimal("3250000.50")}
    return Report(
        name="sample",
        title="รายงานทดสอบ",
        filters=[("ปีงบประมาณ", "2568")],
        blocks=[
            Table(columns, rows, totals=totals),
            Chart("ครูต่อปี", ["ปี 2567", "ปี 2568"], [("ครู", [12000, 15500])]),
            Facts([("พิมพ์เมื่อ", "24 ม.ค. 2568")]),
        ],
    )


def test_a_report_twin_writes_dates_numbers_and_text_as_their_types():
    content = render(sample_report(), "xlsx")
    rows = cells_of(content)
    first = row_with(rows, "10201")
    code, title, signed, teachers, budget, rate = first[:6]
    assert code.data_type == "s"  # a code stays text even when it is all digits
    assert title.data_type == "s" and title.value == FORMULA
    assert signed.is_date and signed.value.date() == dt.date(2025, 1, 24)
    assert signed.number_format == BE_DATE
    assert (teachers.data_type, teachers.value, teachers.number_format) == ("n", 1234, INTEGER)
    assert (budget.data_type, budget.value, budget.number_format) == ("n", 3000000.5, MONEY)
    assert (rate.data_type, rate.number_format) == ("n", PERCENT)
    totals = row_with(rows, "รวม")
    assert totals[4].number_format == MONEY and totals[4].font.b  # bold and still money
    chart = row_with(rows, "ปี 2568")
    assert (chart[1].value, chart[1].number_format) == (15500, INTEGER)
    # No cell anywhere is a formula.
    assert all(cell.data_type != "f" for row in rows for cell in row)
    # python-calamine (what the importers' fastexcel is built on) reads the same date.
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    values = [c for row in calamine.to_python() for c in row]
    assert dt.date(2025, 1, 24) in [c for c in values if isinstance(c, dt.date)]


def test_libreoffice_shows_a_report_twin_in_be_with_thousands_separators(shown):
    text = shown(render(sample_report(), "xlsx"))
    assert row_with(text, "10201")[:6] == [
        "10201",
        FORMULA,
        "24 ม.ค. 2568",
        "1,234",
        "3,000,000.50",
        "85.7%",
    ]
    assert row_with(text, "10202")[1:3] == ["+66 เบอร์โทร", "1 ต.ค. 2567"]
    assert row_with(text, "รวม")[3:5] == ["1,239", "3,250,000.50"]
    assert row_with(text, "ปี 2568")[:2] == ["ปี 2568", "15,500"]
    assert ["ปีงบประมาณ", "2568"] == row_with(text, "ปีงบประมาณ")[:2]


@pytest.fixture
def register(app, reference, monkeypatch):
    """Two MOUs with TPQI, the register read on 23 Nov 2025 (BE 2568)."""
    monkeypatch.setattr("models.today", lambda: dt.date(2025, 11, 23))
    with app.app_context():
        tpqi = db.session.scalar(select(Agency).where(Agency.code == "TPQI"))
        for ref_no, title, signed, expires in (
            ("MOU-2567-003", FORMULA, dt.date(2024, 3, 15), dt.date(2026, 1, 10)),
            ("MOU-2568-001", "ความร่วมมือพัฒนาครูช่างยนต์", dt.date(2025, 1, 24), None),
        ):
            mou = Mou(ref_no=ref_no, title=title, signed_on=signed, expires_on=expires)
            mou.parties = [MouParty(agency=tpqi)]
            db.session.add(mou)
        db.session.commit()
    return app


def test_the_mou_register_twin_from_the_report_page_has_be_date_cells(register, shown):
    client = role_client(register, "viewer")
    response = client.get("/admin/reports/mous/", query_string={"format": "xlsx"})
    assert response.status_code == 200
    rows = cells_of(response.data)
    row = row_with(rows, "MOU-2567-003")
    dates = [cell for cell in row if cell.is_date]
    assert [cell.value.date() for cell in dates] == [dt.date(2024, 3, 15), dt.date(2026, 1, 10)]
    assert {cell.number_format for cell in dates} == {BE_DATE}
    days_left = [cell for cell in row if cell.data_type == "n" and not cell.is_date]
    assert [(cell.value, cell.number_format) for cell in days_left] == [(48, INTEGER)]
    assert row[1].data_type == "s" and row[1].value == FORMULA

    text = shown(response.data)
    assert row_with(text, "MOU-2567-003")[3:5] == ["15 มี.ค. 2567", "10 ม.ค. 2569"]
    assert row_with(text, "MOU-2568-001")[3] == "24 ม.ค. 2568"
    assert row_with(text, "MOU-2567-003")[1] == FORMULA


def form_values(client, name: str) -> dict[str, str]:
    """The report form's filters as a browser would send them (its defaults)."""
    form = page(client.get(f"/admin/reports/{name}/"))
    fields = form.xpath('//form[@id="report-form"]//*[self::select or self::input]')
    return {
        field.get("name"): field.value or ""
        for field in fields
        if field.get("name") not in (None, "thai_digits", "csrf_token")
    }


def demo_choices() -> dict[str, dict[str, str]]:
    """Whom and what to print: a teacher with units, certificates and a placement; a
    qualification that curricula are aligned to."""
    teacher = db.session.scalar(
        select(Teacher.national_id)
        .join(TeacherUnit, TeacherUnit.teacher_id == Teacher.id)
        .join(TeacherCertificate, TeacherCertificate.teacher_id == Teacher.id)
        .join(Placement, Placement.teacher_id == Teacher.id)
        .limit(1)
    )
    qualification = db.session.scalar(
        select(Qualification.code)
        .join(Qualification.units)
        .join(CurriculumUnit, CurriculumUnit.unit_id == CompetencyUnit.id)
        .limit(1)
    )
    awards_year = db.session.scalar(select(func.max(ScholarshipAward.start_year)))
    return {
        "teacher": {"teacher": teacher},
        "alignment": {"qualification": qualification},
        "scholarships": {"academic_year": str(awards_year)},
    }


def test_every_report_twin_over_the_demo_data_shows_its_cells_as_typed(app, reference, shown):
    with app.app_context():
        load_demo()
        chosen = demo_choices()
    client = role_client(app, "editor")
    dated = set()
    for name in REPORTS:
        values = {**form_values(client, name), **chosen.get(name, {}), "format": "xlsx"}
        response = client.get(f"/admin/reports/{name}/", query_string=values)
        assert response.status_code == 200, (name, response.get_data(as_text=True)[:500])
        rows, text = cells_of(response.data), shown(response.data)
        numbers = 0
        for cell in (cell for row in rows for cell in row):
            assert cell.data_type != "f", (name, cell.coordinate)
            seen = text[cell.row - 1][cell.column - 1]
            if cell.is_date:
                dated.add(name)
                assert cell.number_format in (BE_DATE, BE_DATETIME), (name, cell.coordinate)
                assert seen.startswith(format_be(cell.value.date())), (name, seen)
                assert int(seen.split()[2]) == cell.value.year + 543
            elif cell.data_type == "n" and cell.number_format in (INTEGER, MONEY):
                numbers += 1
                decimals = 2 if cell.number_format == MONEY else 0
                assert seen == f"{cell.value:,.{decimals}f}", (name, cell.coordinate, seen)
        assert numbers, name  # every report counts something
    assert dated == {"mous", "teacher"}  # the reports with date columns


# --------------------------------------------------------------------------- admin exports


def test_an_admin_export_has_be_date_cells_and_money(app, reference, shown):
    client = role_client(app, "editor")
    response = client.get("/admin/round/export/xlsx/")
    assert response.status_code == 200
    rows = cells_of(response.data)
    fiscal_year, _title, deadline, budget = rows[1][:4]
    assert fiscal_year.value == "ปีงบประมาณ 2568"  # as the list shows it
    assert deadline.is_date and deadline.value.date() == dt.date(2025, 2, 27)
    assert deadline.number_format == BE_DATE
    assert (budget.data_type, budget.value, budget.number_format) == ("n", 3_000_000, MONEY)

    text = shown(response.data)
    assert text[1][2:4] == ["27 ก.พ. 2568", "3,000,000.00"]


def test_an_admin_export_writes_counts_with_separators_and_years_without(app, reference, shown):
    with app.app_context():
        db.session.add(
            Curriculum(
                code="VC-2562",
                title="หลักสูตรประกาศนียบัตรวิชาชีพ",
                kind="vocational_certificate",
                hours=3600,
                edition_year=2562,
            )
        )
        db.session.commit()
    response = role_client(app, "editor").get("/admin/curriculum/export/xlsx/")
    rows = cells_of(response.data)
    header = [cell.value for cell in rows[0]]
    row = dict(zip(header, rows[1], strict=True))
    hours, edition = row[thai(app, "Hours")], row[thai(app, "Edition (BE year)")]
    assert (hours.data_type, hours.value, hours.number_format) == ("n", 3600, INTEGER)
    assert (edition.data_type, edition.value, edition.number_format) == ("n", 2562, YEAR)
    text = dict(zip(header, shown(response.data)[1], strict=True))
    assert text[thai(app, "Hours")] == "3,600"
    assert text[thai(app, "Edition (BE year)")] == "2562"


@pytest.fixture
def placement(app, records):
    with app.app_context():
        db.session.add(
            Placement(
                round_id=records.round,
                teacher_id=records.teacher,
                college_id=records.college,
                host_id=records.host,
                applied_at=dt.datetime(2025, 2, 1, 9, 30),
                planned_start=dt.date(2025, 3, 3),
                planned_end=dt.date(2025, 4, 30),
                budget=Decimal("12500.00"),
            )
        )
        db.session.commit()


def test_a_placement_export_writes_the_application_time_and_budget(app, placement, shown):
    response = role_client(app, "editor").get("/admin/placement/export/xlsx/")
    assert response.status_code == 200
    rows = cells_of(response.data)
    header = [cell.value for cell in rows[0]]
    row = dict(zip(header, rows[1], strict=False))
    dates = [cell for cell in rows[1] if cell.is_date]
    assert [cell.value for cell in dates] == [
        dt.datetime(2025, 2, 1, 9, 30),
        dt.datetime(2025, 3, 3),
        dt.datetime(2025, 4, 30),
    ]
    assert [cell.number_format for cell in dates] == [BE_DATETIME, BE_DATE, BE_DATE]
    budget = rows[1][-1]
    assert (budget.value, budget.number_format) == (12500, MONEY)
    assert row[header[0]].data_type == "s"  # the round, as its label

    text = shown(response.data)
    shown_row = text[1]
    assert "1 ก.พ. 2568 09:30 น." in shown_row
    assert "3 มี.ค. 2568" in shown_row and "30 เม.ย. 2568" in shown_row
    assert shown_row[-1] == "12,500.00"


def test_formula_looking_text_in_an_admin_export_stays_text(app, reference, shown):
    with app.app_context():
        for number, name in enumerate(("=1+1", "+66 2 123 4567", "-5", "@SUM(A1)")):
            db.session.add(Agency(code=f"F{number}", name_th=name, kind="establishment"))
        db.session.commit()
    response = role_client(app, "editor").get("/admin/agency/export/xlsx/")
    rows = cells_of(response.data)
    names = {row[0].value: row[1] for row in rows[1:] if row[0].value.startswith("F")}
    assert {code: cell.value for code, cell in names.items()} == {
        "F0": "'=1+1",
        "F1": "'+66 2 123 4567",
        "F2": "'-5",
        "F3": "'@SUM(A1)",
    }
    assert all(cell.data_type == "s" for cell in names.values())
    assert all(cell.data_type != "f" for row in rows for cell in row)
    text = {row[0]: row[1] for row in shown(response.data)[1:] if row[0].startswith("F")}
    assert text["F0"] == "'=1+1" and text["F2"] == "'-5"


def test_the_english_screen_exports_ce_dates(app, reference, shown):
    client = role_client(app, "editor")
    client.get("/lang/en")
    response = client.get("/admin/round/export/xlsx/")
    deadline = cells_of(response.data)[1][2]
    assert deadline.is_date and deadline.number_format == "[$-409]d mmm yyyy"
    assert shown(response.data)[1][2] == "27 Feb 2025"


def test_the_csv_export_keeps_be_text_dates(app, placement):
    response = role_client(app, "editor").get("/admin/placement/export/csv/")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert "03/03/2568" in rows[1] and "30/04/2568" in rows[1]

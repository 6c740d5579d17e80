"""Exports: CSV that Excel opens as Thai, XLSX, and no cell ever runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from helpers import role_client, thai

from exports import BE_DATE
from models import Agency, Mou, MouParty, Placement, db

BOM = b"\xef\xbb\xbf"
FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", '=HYPERLINK("http://evil.example","x")']


@pytest.fixture
def tricky_agencies(app, reference):
    """Agencies whose names a spreadsheet would read as formulas."""
    with app.app_context():
        for number, name in enumerate(FORMULAS):
            db.session.add(Agency(code=f"F{number}", name_th=name, kind="establishment"))
        db.session.commit()


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_csv_starts_with_a_bom_and_keeps_thai_text(editor_client, reference):
    response = editor_client.get("/admin/agency/export/csv/")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith(".csv")
    body = response.get_data()
    assert body.startswith(BOM)
    assert not body[3:].startswith(BOM)
    rows = csv_rows(response)
    names = [row[1] for row in rows[1:]]
    assert "สำนักงานคณะกรรมการการอาชีวศึกษา" in names
    assert len(rows) == 1 + 12  # header and the seeded organisations


def test_csv_headers_are_the_thai_column_labels(app, editor_client, reference):
    header = csv_rows(editor_client.get("/admin/agency/export/csv/"))[0]
    assert header[:2] == [thai(app, "Code"), thai(app, "Thai name")]


def test_csv_cells_never_start_a_formula(editor_client, tricky_agencies):
    rows = csv_rows(editor_client.get("/admin/agency/export/csv/?search=F"))
    names = {row[0]: row[1] for row in rows[1:]}
    assert names["F0"] == "'=1+1"
    for number, formula in enumerate(FORMULAS):
        assert names[f"F{number}"] == "'" + formula


def test_xlsx_opens_with_the_rows_and_no_formulas(app, editor_client, tricky_agencies):
    response = editor_client.get("/admin/agency/export/xlsx/")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = book.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == [thai(app, "Code"), thai(app, "Thai name")]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["OVEC"][1] == "สำนักงานคณะกรรมการการอาชีวศึกษา"
    assert by_code["F0"][1] == "'=1+1"
    assert len(rows) == 1 + 12 + len(FORMULAS)
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_exports_follow_the_list_filter(editor_client, reference):
    rows = csv_rows(editor_client.get("/admin/agency/export/csv/?search=สำนัก"))
    codes = {row[0] for row in rows[1:]}
    assert codes == {"OVEC", "BPCD", "BVEPP", "OEC"}


def test_exported_dates_and_labels_are_thai(app, editor_client, reference):
    with app.app_context():
        agencies = db.session.scalars(db.select(Agency).where(Agency.code.in_(["BMA", "TPQI"])))
        mou = Mou(ref_no="MOU-2565-014", title="EWE", signed_on=dt.date(2022, 9, 14))
        mou.parties = [MouParty(agency=a) for a in agencies]
        db.session.add(mou)
        db.session.commit()
    rows = csv_rows(editor_client.get("/admin/mou/export/csv/"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row[thai(app, "Signed on")] == "14/09/2565"
    assert row[thai(app, "Status")] == thai(app, "Open-ended")
    assert "กรุงเทพมหานคร" in row[thai(app, "Parties")]
    book = openpyxl.load_workbook(
        io.BytesIO(editor_client.get("/admin/mou/export/xlsx/").get_data())
    )
    # The XLSX has the date as a date cell, shown in BE (tests/test_xlsx_cells.py reads it
    # through LibreOffice).
    signed = [cell for cell in book.active[2] if cell.is_date]
    assert [cell.value.date() for cell in signed] == [dt.date(2022, 9, 14)]
    assert signed[0].number_format == BE_DATE


def test_a_placement_export_carries_its_links_as_plain_addresses(app, records):
    """The list shows the plan and clip links as links; the export holds the addresses."""
    plan, clip = "https://drive.example/plan?id=1&x=2", "https://youtu.be/abc"
    with app.app_context():
        db.session.add(
            Placement(
                round_id=records.round,
                teacher_id=records.teacher,
                college_id=records.college,
                host_id=records.host,
                applied_at=dt.datetime(2025, 2, 1, 9, 30),
                plan_url=plan,
                clip_url=clip,
            )
        )
        db.session.commit()
    client = role_client(app, "editor")
    rows = csv_rows(client.get("/admin/placement/export/csv/"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row[thai(app, "Development plan link")] == plan
    assert row[thai(app, "Clip link")] == clip
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/admin/placement/export/xlsx/").get_data())
    )
    header = [cell.value for cell in book.active[1]]
    values = dict(zip(header, [cell.value for cell in book.active[2]], strict=True))
    assert values[thai(app, "Development plan link")] == plan
    assert values[thai(app, "Clip link")] == clip
    assert not any("<" in str(value) for value in values.values())

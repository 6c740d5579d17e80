"""A real browser: a viewer finds รายงาน in the menu, picks the MOU register and prints it."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest
from helpers import PASSWORD, USERS, add_teacher, make_user, pdftotext
from playwright.sync_api import expect
from sqlalchemy import select

from models import Agency, Mou, MouParty, db

# Kept where a reviewer looks at them after the run.
INDEX_SCREENSHOT = Path("/tmp/report-admin-index.png")  # noqa: S108
REPORT_SCREENSHOT = Path("/tmp/report-admin-mous.png")  # noqa: S108


@pytest.fixture
def mou(app, reference):
    """An MOU between a college and TPQI, and a viewer to print it."""
    with app.app_context():
        parties = db.session.scalars(select(Agency).where(Agency.code.in_(("C5201", "TPQI"))))
        record = Mou(
            ref_no="MOU-2568-001",
            title="ความร่วมมือพัฒนาครูช่างยนต์",
            signed_on=dt.date(2024, 10, 1),
            expires_on=dt.date(2099, 9, 30),
        )
        record.parties = [MouParty(agency=agency) for agency in parties]
        db.session.add(record)
        db.session.commit()
    make_user(app, "viewer")


def test_viewer_prints_the_mou_register_from_the_menu(app, mou, live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server}/admin/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.fill("#email", USERS["viewer"])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server}/admin/")
    # The menu opens by script: wait until the page's scripts have run (a busy machine).
    page.wait_for_load_state("load")

    page.locator("a.dropdown-toggle").filter(has_text=re.compile(r"^\s*รายงาน\s*$")).click()
    page.get_by_role("link", name="ทุกรายงาน").click()
    expect(page).to_have_url(f"{live_server}/admin/reports/")
    expect(page.locator("#reports a")).to_have_count(6)
    page.screenshot(path=str(INDEX_SCREENSHOT), full_page=True)

    page.click("#reports a[data-report=mous]")
    expect(page).to_have_url(f"{live_server}/admin/reports/mous/")
    expect(page.locator("#report-title")).to_have_text("ทะเบียนบันทึกข้อตกลงความร่วมมือ (MOU)")
    expect(page.locator("#province option").first).to_have_text("ทั้งหมด")
    page.check("#thai_digits")
    page.screenshot(path=str(REPORT_SCREENSHOT), full_page=True)

    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="พิมพ์ PDF").click()
    pdf = pdf_download.value
    assert re.fullmatch(r"mous-25\d\d-\d\d-\d\d\.pdf", pdf.suggested_filename)
    assert Path(pdf.path()).read_bytes().startswith(b"%PDF")

    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="ดาวน์โหลด XLSX").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    cells = [cell for row in book.active.iter_rows(values_only=True) for cell in row]
    assert "MOU-2568-001" in cells
    # Printing leaves the form where it was.
    expect(page).to_have_url(f"{live_server}/admin/reports/mous/")


@pytest.fixture
def teacher(app, reference):
    """A teacher of a college, and a viewer (who sees IDs masked) to print their record."""
    make_user(app, "viewer")
    return add_teacher(app)


def test_viewer_picks_a_teacher_by_name_and_prints_the_record(
    app, teacher, live_server, browser_page
):
    page = browser_page
    page.goto(f"{live_server}/login")
    page.fill("#email", USERS["viewer"])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/admin/reports/teacher/")
    page.wait_for_load_state("load")
    page.click("#s2id_teacher a.select2-choice")
    page.locator("#select2-drop:visible input.select2-input").fill("ศานนท์")
    result = page.locator("#select2-drop:visible .select2-result-selectable", has_text="ใจดี")
    result.first.click()
    expect(page.locator("#s2id_teacher .select2-chosen")).to_contain_text("ศานนท์ ใจดี")
    assert page.locator("input[name=teacher]").input_value() == str(teacher)

    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="พิมพ์ PDF").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert "นายศานนท์ ใจดี" in pdftotext(pdf)
    # The record's page, reached from the teacher's page, starts with the teacher chosen.
    page.goto(f"{live_server}/admin/reports/teacher/?teacher={teacher}")
    expect(page.locator("#s2id_teacher .select2-chosen")).to_contain_text("ศานนท์ ใจดี")

"""A real browser: an editor uploads a roster with errors, reads the preview, then imports one."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from helpers import PASSWORD, SAMPLES, USERS, count
from playwright.sync_api import expect

from bench.roster import roster_rows, write_roster
from importers import import_file
from models import Teacher, db

# Kept where a reviewer looks at it after the run.
SCREENSHOT = Path("/tmp/import_preview.png")  # noqa: S108


@pytest.fixture
def colleges(app, reference):
    """The import folder under the test's folder, and the colleges the roster names."""
    app.config["IMPORT_FOLDER"] = str(Path(app.config["UPLOAD_FOLDER"]).parent / "imports")
    with app.app_context():
        content = (SAMPLES / "agencies.xlsx").read_bytes()
        assert import_file("agencies", content, "agencies.xlsx", db.session, skip_invalid=True)
    return app


def choose_and_check(page, server, kind, path):
    page.goto(f"{server}/admin/imports/")
    page.click(f"label[for=kind-{kind}]")
    page.set_input_files("#file", str(path))
    page.click("#check-button")


@pytest.mark.csrf
def test_editor_previews_a_roster_with_errors_then_imports_a_valid_one(
    app, colleges, live_server, browser_page, tmp_path
):
    page = browser_page
    page.goto(f"{live_server}/admin/imports/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.fill("#email", USERS["editor"])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server}/admin/imports/")
    # The round is asked for placements only.
    expect(page.locator("#round-group")).to_be_hidden()
    page.click("label[for=kind-placements]")
    expect(page.locator("#round-group")).to_be_visible()
    page.screenshot(path=str(tmp_path / "import-upload.png"), full_page=True)

    choose_and_check(page, live_server, "teachers", SAMPLES / "teachers_roster.xlsx")
    expect(page).to_have_url(re.compile(r"/admin/imports/batch/\d+/$"))
    expect(page.locator("#count-new .figure")).to_have_text("236")
    expect(page.locator("#count-rejected .figure")).to_have_text("4")
    error = page.locator("#errors tbody tr").first
    expect(error).to_contain_text("121")
    expect(error).to_contain_text("เลขประจำตัวประชาชน")
    expect(page.locator("#nothing-written")).to_contain_text("จะไม่มีการบันทึกข้อมูลใดๆ จากไฟล์นี้")
    expect(page.locator("#confirm-button")).to_have_count(0)
    expect(page.locator("#rows tr[data-row='121']")).to_contain_text("ถูกปฏิเสธ")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 20_000
    assert count(app, Teacher) == 0

    # A clean roster, large enough to be checked in the background while the page polls.
    app.config["IMPORT_BACKGROUND_MIN_BYTES"] = 0
    rows = [[*row[:4], "C5201", *row[5:]] for row in roster_rows(25)]
    buffer = io.BytesIO()
    write_roster(buffer, rows)
    valid = tmp_path / "รายชื่อครู-ถูกต้อง.xlsx"
    valid.write_bytes(buffer.getvalue())
    choose_and_check(page, live_server, "teachers", valid)
    expect(page.locator("#confirm-button")).to_be_visible()
    expect(page.locator("#count-new .figure")).to_have_text("25")
    expect(page.locator("#batch-file")).to_have_text("รายชื่อครู-ถูกต้อง.xlsx")
    page.screenshot(path=str(tmp_path / "import-ready.png"), full_page=True)
    page.click("#confirm-button")
    expect(page.locator("#written")).to_be_visible()
    expect(page.locator("#batch-status")).to_have_text("บันทึกแล้ว")
    assert count(app, Teacher) == 25

    page.goto(f"{live_server}/admin/import-history/")
    expect(page.locator("#history tbody tr")).to_have_count(2)
    expect(page.locator("#history tbody tr").first).to_contain_text("รายชื่อครู-ถูกต้อง.xlsx")
    page.screenshot(path=str(tmp_path / "import-history.png"), full_page=True)

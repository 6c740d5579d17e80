"""A real browser: an editor logs in and records an MOU between two agencies."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from helpers import PASSWORD, USERS
from playwright.sync_api import expect
from sqlalchemy import select

from models import Mou, db


def pick_agency(page, field_id: str, typed: str, expected: str) -> None:
    """Open a select2 picker, type into its search box and choose the matching result."""
    page.click(f"#s2id_{field_id} a.select2-choice")
    search = page.locator("#select2-drop:visible input.select2-input")
    search.fill(typed)
    result = page.locator("#select2-drop:visible .select2-result-selectable", has_text=expected)
    result.first.click()
    expect(page.locator(f"#s2id_{field_id} .select2-chosen")).to_contain_text(expected)


@pytest.mark.csrf
def test_editor_records_an_mou_with_two_parties(app, live_server, browser_page, tmp_path):
    page = browser_page
    page.goto(f"{live_server}/admin/mou/")
    # The login wall sends the visitor to the login page first.
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fadmin%2Fmou%2F"))
    page.fill("#email", USERS["editor"])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server}/admin/mou/")

    page.goto(f"{live_server}/admin/mou/new/")
    page.fill("#ref_no", "MOU-2565-014")
    page.fill("#title", "ความร่วมมือ E-Workforce Ecosystem (EWE)")
    page.fill("#signed_on", "14 ก.ย. 65")
    page.fill("#expires_on", "13/09/2570")
    page.click("#parties-button")
    page.click("#parties-button")
    pick_agency(page, "parties-0-agency", "กทม", "กรุงเทพมหานคร")
    page.fill("#parties-0-signatory", "ผู้ว่าราชการกรุงเทพมหานคร")
    pick_agency(page, "parties-1-agency", "TPQI", "สถาบันคุณวุฒิวิชาชีพ")
    page.screenshot(path=str(tmp_path / "mou-form.png"), full_page=True)
    page.click("input[type=submit][value='บันทึก']")

    expect(page).to_have_url(f"{live_server}/admin/mou/")
    row = page.locator("table.model-list tbody tr", has_text="MOU-2565-014")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("กรุงเทพมหานคร")
    expect(row).to_contain_text("สถาบันคุณวุฒิวิชาชีพ")
    expect(row).to_contain_text("14 ก.ย. 2565")
    page.screenshot(path=str(tmp_path / "mou-list.png"), full_page=True)
    assert (tmp_path / "mou-list.png").stat().st_size > 10_000

    with app.app_context():
        mou = db.session.scalar(select(Mou).where(Mou.ref_no == "MOU-2565-014"))
        assert mou.signed_on == dt.date(2022, 9, 14)
        assert mou.expires_on == dt.date(2027, 9, 13)
        assert sorted(p.agency.code for p in mou.parties) == ["BMA", "TPQI"]

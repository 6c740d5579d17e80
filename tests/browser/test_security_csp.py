"""A real browser under the site's Content-Security-Policy: the admin works, nothing refused.

Chromium reports every script, style or frame the policy refuses as a
securitypolicyviolation event (and on the console); none may occur on the home page, the
lists, the forms, the details pages and the import pages, nor when the buttons that
Flask-Admin wires with onclick="..." are used.
"""

from __future__ import annotations

import pytest
from helpers import PASSWORD, USERS, add_teacher
from playwright.sync_api import expect

from models import Teacher, db

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
"""


@pytest.fixture
def teacher(app, live_server):
    return add_teacher(app)


def test_the_admin_works_under_the_policy(app, live_server, browser_page, teacher):
    page = browser_page
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)

    page.goto(f"{live_server}/login")
    page.fill("#email", USERS["editor"])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/admin/")

    violations = []

    def visit(path):
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        page.wait_for_load_state("load")
        violations.extend(f"{path}: {v}" for v in page.evaluate("window.__csp"))

    for path in (
        "/admin/",
        "/admin/teacher/",
        "/admin/teacher/new/",
        f"/admin/teacher/edit/?id={teacher}",
        f"/admin/teacher/details/?id={teacher}",
        "/admin/agency/",
        "/admin/mou/new/",
        "/admin/imports/",
        "/admin/import-history/",
        "/admin/placement/",
        "/admin/curriculum/",
    ):
        visit(path)

    # The list's buttons wired with onclick: a filter from "Add filter" (return false), the
    # row's delete button (a confirmation first) and a bulk action (asks for rows first).
    visit("/admin/teacher/")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.locator("div.field-filters").first.locator("xpath=preceding-sibling::a[1]").click()
    page.locator("a.filter").first.click()
    expect(page.locator("tr.form-horizontal .filter-op").first).to_be_attached()
    page.locator("form.icon button[title]").first.click()
    assert dialogs, "the delete button asked for no confirmation"
    page.goto(f"{live_server}/admin/teacher/")
    with app.app_context():
        assert db.session.get(Teacher, teacher) is not None  # dismissed: nothing deleted
    # An inline "Add" button adds a row (the MOU's parties).
    page.goto(f"{live_server}/admin/mou/new/")
    page.click("#parties-button")
    expect(page.locator("#parties-0-agency")).to_be_attached()
    # A javascript: link followed is refused by the policy: none is followed.
    page.locator("a.nav-link.active[href^='javascript:']").first.click()
    violations.extend(page.evaluate("window.__csp"))

    assert not violations, violations
    assert not console, console


def test_a_rows_delete_button_asks_in_thai_then_deletes(app, live_server, browser_page, teacher):
    page = browser_page
    page.goto(f"{live_server}/login")
    page.fill("#email", USERS["editor"])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/admin/")
    page.goto(f"{live_server}/admin/teacher/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator("form.icon button[title]").first.click()
    page.wait_for_url(f"{live_server}/admin/teacher/*")
    assert asked == ["ยืนยันการลบรายการนี้หรือไม่?"]
    with app.app_context():
        assert db.session.get(Teacher, teacher) is None

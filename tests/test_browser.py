"""A real browser: an editor logs in and records an MOU between two agencies."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from helpers import PASSWORD, USERS, make_user
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from models import Mou, db

CHROMIUM = "/usr/bin/chromium"
# Generous: the suite may run on a busy machine, and a slow page is not a failure here.
TIMEOUT_MS = 30_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Where the response body of a request is kept, for ClosingRequestHandler to find.
BODY_KEY = "samatta.tests.body"


class ClosingRequestHandler(WSGIRequestHandler):
    """Close the response body even when the browser drops the connection.

    Chromium cancels requests for scripts and fonts when a page navigates on. If that
    happens while Werkzeug's development server drains the request, it gives up before
    closing the body; a static file's handle is then left to the garbage collector, whose
    ResourceWarning the suite turns into an error (filterwarnings = error) in a random test.
    """

    def connection_dropped(self, error, environ=None):
        body = environ.pop(BODY_KEY, None) if environ else None
        if hasattr(body, "close"):
            body.close()


def keeping_body(app):
    """Wrap a WSGI app so that its response body is kept in the request's environ."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        environ[BODY_KEY] = body
        return body

    return wsgi


@pytest.fixture
def live_server(app, reference):
    """Serve the app on a free local port in a background thread; return its address."""
    make_user(app, "editor")
    server = make_server(
        "127.0.0.1", 0, keeping_body(app), threaded=True, request_handler=ClosingRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def browser_page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        yield page
        context.close()
        browser.close()


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

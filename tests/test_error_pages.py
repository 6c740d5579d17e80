"""Error pages: in the reader's language, inside the admin's layout, with a way back.

Each refusal or failure a user can meet (403, 404, 405, 413, 500, a form whose CSRF token
is missing or has expired) keeps its status code and the security headers, says in a
sentence what happened, and links back to the page the reader came from and to the start
page. A missing record's details or edit page says the record is missing (404) and links
to its list.
"""

from __future__ import annotations

import re

import pytest
from helpers import (
    THAI,
    USERS,
    add_failing_routes,
    csrf_token,
    login,
    make_user,
    page,
    text_of,
    thai,
)
from test_security_headers import assert_secured

from models import Teacher

REFERRER = "http://localhost/admin/agency/"
MISSING_ID = 999999
NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]+)'")


@pytest.fixture
def crashing(app):
    """Routes that fail as a bug or a refusal would, and a small upload limit."""
    add_failing_routes(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["MAX_CONTENT_LENGTH"] = 1024
    return app


def request_error(client, code):
    """Make the request that meets the error `code`, coming from the agency list."""
    headers = {"Referer": REFERRER}
    if code == 403:
        return client.get("/admin/user/", headers=headers)  # an editor is not an admin
    if code == 404:
        return client.get("/admin/no-such-screen/", headers=headers)
    if code == 405:
        return client.get("/logout", headers=headers)  # logging out is a POST
    if code == 413:
        data = {"name_th": "ก" * 5000}
        return client.post("/admin/agency/new/", data=data, headers=headers)
    if code == 500:
        return client.get("/test-crash", headers=headers)
    raise AssertionError(code)


# What each page says in Thai and in English (its title), by status code.
TITLES = {
    403: "You may not open this page",
    404: "Page not found",
    405: "This action is not available here",
    413: "The file is too large",
    500: "Something went wrong in the system",
}
CODES = sorted(TITLES)


def assert_error_page(app, response, code, title, language="th"):
    """The page a reader sees: status, layout, language, a way back, the headers."""
    assert response.status_code == code
    assert response.mimetype == "text/html"
    tree = page(response)
    assert tree.xpath("string(//h1[@id='error-title'])").strip() == title
    assert tree.xpath("string(//p[@id='error-message'])").strip()
    # Inside the admin's layout: its menu and the user's menu.
    assert tree.xpath("//nav[contains(@class, 'navbar')]//a[@id='user-menu']")
    assert tree.xpath("//nav//a[contains(@href, '/admin/teacher/')]")
    # A way back: the page the reader came from, and the start page.
    assert tree.xpath("//a[@id='error-back']/@href") == ["/admin/agency/"]
    assert tree.xpath("//a[@id='error-home']/@href") == ["/"]
    assert tree.xpath("//*[@id='error-code']") and str(code) in text_of(response)
    assert_secured(response, f"error {code}")
    # The layout's scripts run under the page's nonce; no inline script without it.
    nonce = NONCE.search(response.headers["Content-Security-Policy"]).group(1)
    scripts = tree.xpath("//script")
    assert scripts
    assert all(s.get("src") or s.get("nonce") == nonce for s in scripts)
    if language == "th":
        assert THAI.search(tree.xpath("string(//p[@id='error-message'])"))
        assert tree.xpath("string(//a[@id='error-back'])").strip() == thai(
            app, "Back to the previous page"
        )


@pytest.mark.parametrize("code", CODES)
def test_each_error_is_a_thai_page_in_the_layout_with_a_way_back(app, crashing, code):
    make_user(app, "editor")
    client = app.test_client()
    login(client, USERS["editor"])
    response = request_error(client, code)
    assert_error_page(app, response, code, thai(app, TITLES[code]))


@pytest.mark.parametrize("code", CODES)
def test_each_error_is_english_after_the_switch(app, crashing, code):
    make_user(app, "editor")
    client = app.test_client()
    login(client, USERS["editor"])
    client.get("/lang/en")
    response = request_error(client, code)
    assert_error_page(app, response, code, TITLES[code], language="en")
    # The whole page's text, the 500's time of the error too ("3 Dec 2026 14:05").
    assert not THAI.search(page(response).xpath("string(//div[@id='error-page'])"))
    assert "Back to the previous page" in text_of(response)


def test_the_pages_say_what_happened(app, crashing, editor_client):
    too_large = request_error(editor_client, 413)
    assert thai(app, "The file is larger than the %(limit)s MB limit.", limit="0") in text_of(
        too_large
    )
    crash = text_of(request_error(editor_client, 500))
    assert "RuntimeError" not in crash and "a bug" not in crash
    assert thai(app, "Time of the error: %(time)s.", time="X").split("X")[0] in crash
    forbidden = text_of(request_error(editor_client, 403))
    assert (
        thai(
            app,
            "Your role does not allow this page or this action. If your work needs it, "
            "ask the system administrator.",
        )
        in forbidden
    )


def test_a_refusal_keeps_the_headers_the_error_needs(app, editor_client):
    response = editor_client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_a_flask_admin_refusal_and_a_views_own_abort_get_the_page(app, crashing, editor_client):
    # Flask-Admin refuses a screen the role may not open (inaccessible_callback: abort(403)).
    for url in ("/admin/user/", "/admin/user/new/", "/test-forbidden"):
        response = editor_client.get(url)
        assert response.status_code == 403, url
        assert page(response).xpath("string(//h1)").strip() == thai(
            app, "You may not open this page"
        )
    # A viewer posting to a form: SecureMixin's abort(403) inside a Flask-Admin view.
    viewer = app.test_client()
    make_user(app, "viewer")
    login(viewer, USERS["viewer"])
    response = viewer.post("/admin/agency/new/", data={"name_th": "x"})
    assert response.status_code == 403
    assert page(response).xpath("//a[@id='user-menu']")


def test_without_a_referrer_the_page_offers_the_start_page_only(app, editor_client):
    response = editor_client.get("/admin/no-such-screen/")
    assert response.status_code == 404
    tree = page(response)
    assert tree.xpath("//a[@id='error-back']") == []
    assert tree.xpath("//a[@id='error-home']/@href") == ["/"]


def test_a_referrer_from_another_site_is_not_offered_as_the_way_back(app, editor_client):
    for referrer in ("https://evil.example/admin/", "http://localhost.evil.example/"):
        response = editor_client.get("/admin/no-such-screen/", headers={"Referer": referrer})
        assert response.status_code == 404
        assert page(response).xpath("//a[@id='error-back']") == [], referrer


def test_a_visitor_who_is_not_logged_in_gets_the_login_pages_layout(app, crashing, client):
    response = client.post("/login", data={"email": "x" * 5000}, headers={"Referer": REFERRER})
    assert response.status_code == 413
    tree = page(response)
    assert tree.xpath("string(//h1)").strip() == thai(app, "The file is too large")
    assert tree.xpath("//a[@id='user-menu']") == []
    assert tree.xpath("//a[@id='error-home']/@href") == ["/"]
    assert tree.xpath("//a[contains(@href, '/lang/en')]")
    assert_secured(response, "413 logged out")


# --------------------------------------------------------------------------- CSRF


@pytest.mark.csrf
def test_a_form_without_its_csrf_token_gets_a_thai_page(app, editor_client):
    response = editor_client.post(
        "/admin/agency/new/", data={"name_th": "x"}, headers={"Referer": REFERRER}
    )
    assert response.status_code == 400
    tree = page(response)
    assert tree.xpath("string(//h1)").strip() == thai(app, "The form was not accepted")
    message = tree.xpath("string(//p[@id='error-message'])")
    assert "CSRF token" in message and THAI.search(message)
    assert tree.xpath("//a[@id='user-menu']")
    assert tree.xpath("//a[@id='error-back']/@href") == ["/admin/agency/"]
    assert_secured(response, "csrf missing")


@pytest.mark.csrf
def test_an_expired_csrf_token_is_explained_in_english_after_the_switch(app, editor_client):
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is already expired
    token = csrf_token(editor_client, "/admin/agency/new/")
    editor_client.get("/lang/en")
    response = editor_client.post(
        "/admin/agency/new/",
        data={"name_th": "x", "csrf_token": token},
        headers={"Referer": REFERRER},
    )
    assert response.status_code == 400
    tree = page(response)
    assert tree.xpath("string(//h1)").strip() == "The form was not accepted"
    assert "The CSRF token has expired." in tree.xpath("string(//p[@id='error-message'])")
    assert "Open the form again" in text_of(response)
    assert tree.xpath("//a[@id='error-back']/@href") == ["/admin/agency/"]
    assert not THAI.search(tree.xpath("string(//div[@id='error-page'])"))
    assert_secured(response, "csrf expired")


@pytest.mark.csrf
def test_a_login_without_its_csrf_token_gets_the_standalone_page(app, client):
    response = client.post("/login", data={"email": USERS["editor"], "password": "x"})
    assert response.status_code == 400
    tree = page(response)
    assert tree.xpath("string(//h1)").strip() == thai(app, "The form was not accepted")
    assert tree.xpath("//a[@id='user-menu']") == []
    assert_secured(response, "csrf login")


# --------------------------------------------------------------------------- missing records


@pytest.mark.parametrize("screen", ["details", "edit"])
def test_a_missing_records_page_says_it_is_missing(app, editor_client, screen):
    response = editor_client.get(f"/admin/teacher/{screen}/?id={MISSING_ID}")
    assert response.status_code == 404
    tree = page(response)
    assert tree.xpath("string(//h1)").strip() == thai(app, "Record not found")
    message = tree.xpath("string(//p[@id='error-message'])")
    assert str(MISSING_ID) in message and thai(app, "Teachers") in message
    links = tree.xpath("//a[contains(@class, 'error-link')]")
    assert [a.get("href") for a in links] == ["/admin/teacher/"]
    assert links[0].text_content().strip() == thai(
        app, 'Go to the list "%(kind)s"', kind=thai(app, "Teachers")
    )
    assert_secured(response, f"missing {screen}")


def test_a_missing_record_in_english(app, editor_client):
    editor_client.get("/lang/en")
    response = editor_client.get("/admin/agency/details/?id=abc")
    assert response.status_code == 404
    text = text_of(response)
    assert 'The record asked for is not in "Agencies"' in text
    assert page(response).xpath("string(//h1)").strip() == "Record not found"
    assert not THAI.search(page(response).xpath("string(//div[@id='error-page'])"))


def test_an_existing_record_still_opens(app, editor_client, records):
    for screen in ("details", "edit"):
        response = editor_client.get(f"/admin/teacher/{screen}/?id={records.teacher}")
        assert response.status_code == 200, screen
        assert page(response).xpath("//div[@id='error-page']") == []


def test_a_viewer_asking_to_edit_is_still_sent_to_the_list(app, viewer_client):
    """A page the role may not use is Flask-Admin's to answer, as before (the list)."""
    response = viewer_client.get(f"/admin/teacher/edit/?id={MISSING_ID}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/teacher/")


def test_a_deleted_record_is_reported_missing(app, editor_client, records):
    from models import db

    with app.app_context():
        db.session.delete(db.session.get(Teacher, records.teacher))
        db.session.commit()
    response = editor_client.get(f"/admin/teacher/details/?id={records.teacher}")
    assert response.status_code == 404
    assert str(records.teacher) in page(response).xpath("string(//p[@id='error-message'])")

"""Security headers on every kind of response; the session cookie; proxies and HTTPS."""

from __future__ import annotations

import re

import lxml.html
import pytest
from helpers import PASSWORD, USERS, add_failing_routes, csrf_token, login, make_user

from app import create_app
from models import db

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]+)'")


def directives(response):
    policy = response.headers.get("Content-Security-Policy", "")
    found = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def assert_secured(response, what):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (what, name, response.headers.get(name))
    policy = directives(response)
    assert policy.get("frame-ancestors") == ["'none'"], what
    assert policy.get("object-src") == ["'none'"], what
    scripts = policy.get("script-src", [])
    assert "'self'" in scripts, what
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, what
    assert "'unsafe-inline'" not in policy.get("default-src", []), what
    # Inline handlers: only the exact texts whose hashes are listed.
    attributes = policy.get("script-src-attr", [])
    assert "'unsafe-inline'" not in attributes, what
    assert all(a == "'unsafe-hashes'" or a.startswith("'sha256-") for a in attributes), what


@pytest.fixture
def variant(app):
    """Build another app on the same database with some settings changed."""
    built = []

    def build(**overrides):
        config = {
            key: app.config[key]
            for key in (
                "TESTING",
                "SQLALCHEMY_DATABASE_URI",
                "WTF_CSRF_ENABLED",
                "SECRET_KEY",
                "SECRET_KEY_FILE",
                "UPLOAD_FOLDER",
                "IMPORT_FOLDER",
            )
        }
        other = create_app({**config, **overrides})
        built.append(other)
        return other

    yield build
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


# --------------------------------------------------------------------------- every response


def test_headers_on_every_kind_of_response(app, client, records, tmp_path):
    add_failing_routes(app)
    editor = app.test_client()
    make_user(app, "editor")
    login(editor, USERS["editor"])
    responses = {
        "login page": client.get("/login"),
        "redirect to login": client.get("/admin/teacher/"),
        "static file": client.get("/static/samatta.css"),
        "admin static file": client.get("/admin/static/bootstrap/bootstrap4/css/bootstrap.min.css"),
        "font": client.get("/fonts/Sarabun-Regular.ttf"),
        "language switch": client.get("/lang/en"),
        "not found static": client.get("/static/no-such-file.js"),
        "odd input": client.get("/login?next=%00"),
        "admin list": editor.get("/admin/teacher/"),
        "slash redirect": editor.get("/admin/teacher"),
        "not found": editor.get("/no-such-page"),
        "admin details": editor.get(f"/admin/teacher/details/?id={records.teacher}"),
        "admin form": editor.get(f"/admin/teacher/edit/?id={records.teacher}"),
        "csv export": editor.get("/admin/teacher/export/csv/"),
        "forbidden screen": editor.get("/admin/user/"),
        "forbidden": editor.get("/test-forbidden"),
        "method not allowed": editor.get("/logout"),
    }
    app.config["PROPAGATE_EXCEPTIONS"] = False
    responses["server error"] = editor.get("/test-crash")
    app.config["MAX_CONTENT_LENGTH"] = 100
    responses["too large"] = editor.post("/admin/agency/new/", data={"name_th": "x" * 500})
    expected = {
        "redirect to login": 302,
        "slash redirect": 308,
        "language switch": 302,
        "not found": 404,
        "not found static": 404,
        "odd input": 400,
        "forbidden screen": 403,
        "forbidden": 403,
        "method not allowed": 405,
        "server error": 500,
        "too large": 413,
    }
    try:
        for what, response in responses.items():
            assert response.status_code == expected.get(what, 200), (what, response.status_code)
            assert_secured(response, what)
    finally:
        for response in responses.values():
            response.close()


@pytest.mark.csrf
def test_headers_on_a_csrf_refusal(app, client):
    make_user(app, "editor")
    response = client.post("/login", data={"email": USERS["editor"], "password": PASSWORD})
    assert response.status_code == 400
    assert_secured(response, "csrf")


def test_pages_with_personal_data_are_not_cached_but_files_are(editor_client, records):
    assert editor_client.get("/admin/teacher/").headers["Cache-Control"] == "no-store"
    assert editor_client.get("/admin/teacher/export/csv/").headers["Cache-Control"] == "no-store"
    response = editor_client.get("/static/samatta.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_inline_scripts_carry_the_nonce_of_their_response(editor_client, records):
    for url in ("/admin/", "/admin/teacher/", "/admin/teacher/new/", "/admin/imports/"):
        response = editor_client.get(url)
        nonces = NONCE.findall(response.headers["Content-Security-Policy"])
        tree = lxml.html.fromstring(response.get_data(as_text=True))
        inline = [s for s in tree.iter("script") if not s.get("src")]
        for script in inline:
            assert nonces and script.get("nonce") == nonces[0], (url, script.text)
    # A new nonce every time.
    first = editor_client.get("/admin/teacher/new/").headers["Content-Security-Policy"]
    second = editor_client.get("/admin/teacher/new/").headers["Content-Security-Policy"]
    assert NONCE.findall(first) != NONCE.findall(second)


def test_the_app_own_pages_have_no_inline_script(app, editor_client, records):
    """Every script the app's own templates load is a file (static/*.js)."""
    from pathlib import Path

    templates = Path(app.root_path) / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "javascript:" not in text, path


# --------------------------------------------------------------------------- cookies


def session_cookie(response):
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1].lower()


def test_session_cookie_is_httponly_and_lax_and_not_secure_over_http(app, client):
    make_user(app, "viewer")
    cookie = session_cookie(login(client, USERS["viewer"]))
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie.replace("samesite", "")


def test_session_cookie_is_secure_when_the_site_is_https(app, variant):
    make_user(app, "viewer")
    other = variant(PREFERRED_URL_SCHEME="https")
    cookie = session_cookie(login(other.test_client(), USERS["viewer"]))
    assert "; secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_behind_a_trusted_proxy_https_and_the_visitor_address_are_used(app, variant):
    make_user(app, "viewer")
    other = variant(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    client = other.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    token = csrf_token(client)
    data = {"email": USERS["viewer"], "password": PASSWORD, "csrf_token": token}
    response = client.post("/login", data=data, headers=proxied)
    assert response.status_code == 302
    assert "; secure" in session_cookie(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    # Over plain HTTP through the same proxy: not Secure, no HSTS.
    plain = other.test_client()
    response = plain.post(
        "/login",
        data={"email": USERS["viewer"], "password": PASSWORD},
        headers={"X-Forwarded-Proto": "http"},
    )
    assert "secure" not in session_cookie(response).replace("samesite", "")
    assert "Strict-Transport-Security" not in response.headers
    # The log-in is logged from the visitor's address, not the proxy's.
    from sqlalchemy import select

    from models import AuditLog

    with other.app_context():
        addresses = [
            row.changes["address"]
            for row in db.session.scalars(select(AuditLog).where(AuditLog.action == "login"))
        ]
    assert "203.0.113.9" in addresses


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(app, client):
    make_user(app, "viewer")
    response = client.post(
        "/login",
        data={"email": USERS["viewer"], "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
    )
    assert "secure" not in session_cookie(response).replace("samesite", "")
    assert "Strict-Transport-Security" not in response.headers

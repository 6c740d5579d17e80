"""Logging in safely: throttling, the password rules, and where ?next= may lead."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from helpers import (
    PASSWORD,
    USERS,
    count,
    field_errors,
    login,
    make_user,
    text_of,
    thai,
)
from sqlalchemy import select, update

import security
from models import AuditLog, LoginAttempt, User, db

THROTTLED = (
    "Too many failed log-ins for this account or from this address. "
    "Try again at %(time)s (in %(minutes)s min)."
)


def thai_throttle_words(app):
    """The fixed words of the throttling message in Thai (before its first placeholder)."""
    return thai(app, THROTTLED, time="", minutes="").split("%")[0].strip()[:30]


def audit_rows(app, action):
    with app.app_context():
        return [
            (row.user_email, row.record_id, row.changes)
            for row in db.session.scalars(
                select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
            )
        ]


def age_attempts(app, minutes):
    """Move every log-in try back in time, as if minutes had passed."""
    with app.app_context():
        db.session.execute(
            update(LoginAttempt).values(at=LoginAttempt.at - dt.timedelta(minutes=minutes))
        )
        db.session.commit()


# --------------------------------------------------------------------------- throttling


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(app, client):
    user_id = make_user(app, "editor")
    for attempt in range(4):
        response = login(client, USERS["editor"], f"wrong-{attempt}")
        assert response.status_code == 200
        assert thai(app, "Wrong e-mail or password.") in text_of(response)
    # The fifth failure reaches the limit: the page says so, and when to try again.
    response = login(client, USERS["editor"], "wrong-5")
    assert response.status_code == 429
    text = text_of(response)
    assert thai_throttle_words(app) in text
    assert re.search(r"\d\d:\d\d", text)
    assert "15" in text or "14" in text

    # The right password now is refused too, without being checked.
    response = login(client, USERS["editor"], PASSWORD)
    assert response.status_code == 429
    assert thai_throttle_words(app) in text_of(response)
    assert client.get("/admin/").status_code == 302

    # Each refusal is in the change log as a try on that account.
    throttled = audit_rows(app, "login_throttled")
    assert len(throttled) == 1
    email, record_id, changes = throttled[0]
    assert (email, record_id) == (USERS["editor"], str(user_id))
    assert changes["email"] == USERS["editor"]
    assert changes["address"] == "127.0.0.1"
    assert len(audit_rows(app, "login_failed")) == 5

    # Fifteen minutes after the failures, the account opens again.
    age_attempts(app, 16)
    assert login(client, USERS["editor"], PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_lock_also_holds_for_an_unknown_account(app, client):
    for attempt in range(5):
        login(client, "nobody@example.go.th", f"guess-{attempt}")
    response = login(client, "nobody@example.go.th", "guess-6")
    assert response.status_code == 429
    assert audit_rows(app, "login_throttled")[0][:2] == ("nobody@example.go.th", None)


def test_a_successful_login_resets_the_account_count(app, client):
    make_user(app, "editor")
    for attempt in range(4):
        login(client, USERS["editor"], f"wrong-{attempt}")
    assert login(client, USERS["editor"], PASSWORD).status_code == 302
    client.post("/logout")
    for attempt in range(4):
        login(client, USERS["editor"], f"wrong-again-{attempt}")
    assert login(client, USERS["editor"], PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_throttled(app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 6
    make_user(app, "viewer")
    client = app.test_client()
    for attempt in range(6):
        response = login(client, f"guess{attempt}@example.go.th", "wrong-password")
        assert response.status_code == 200 if attempt < 5 else 429
    # Another account, its right password: refused from this address...
    response = login(client, USERS["viewer"], PASSWORD)
    assert response.status_code == 429
    # ...but not from another one.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert login(other, USERS["viewer"], PASSWORD).status_code == 302


def test_logins_and_logouts_are_logged_as_the_user(app, client):
    user_id = make_user(app, "editor")
    login(client, USERS["editor"], "wrong-password")
    login(client, USERS["editor"], PASSWORD)
    client.post("/logout")
    for action in ("login_failed", "login", "logout"):
        rows = audit_rows(app, action)
        assert len(rows) == 1, action
        assert rows[0][:2] == (USERS["editor"], str(user_id)), action
        assert rows[0][2] == {"email": USERS["editor"], "address": "127.0.0.1"}
    assert not audit_rows(app, "update")  # logging in is not an edit of the account
    with app.app_context():
        assert db.session.scalar(select(User.last_login_at)) is not None
        assert count(app, LoginAttempt) == 2


def test_old_login_attempts_are_forgotten(app, client):
    make_user(app, "editor")
    login(client, USERS["editor"], "wrong-password")
    age_attempts(app, 2 * 24 * 60)
    login(client, USERS["editor"], "wrong-again")
    assert count(app, LoginAttempt) == 1


# --------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("12345678", "short"),
        ("aaaaaaaa", "short"),
        ("aaaaaaaaaaaa", "distinct"),
        ("1234567890", "common"),
        ("qwertyuiop", "common"),
        ("Password123", "common"),
        ("somchai.j@example.go.th", "email"),
        ("Somchai.J", "short"),
        ("somchai.j1", "email"),
        ("xSOMCHAI.J-2568", "email"),
        ("horse-battery-staple", None),
        ("correct-horse-battery", None),
        ("ครูอาชีวะ-2568", None),
    ],
)
def test_password_rules(app, password, problem):
    with app.test_request_context():
        found = security.password_problem(password, "somchai.j@example.go.th")
    expected = {
        "short": "The password must have at least %(count)s characters.",
        "distinct": "The password must have at least %(count)s different characters.",
        "common": "This password is one of the most common passwords. Choose another one.",
        "email": "The password may not be the e-mail address or the part before the @.",
    }
    if problem is None:
        assert found is None
    else:
        count = 10 if problem == "short" else 4
        assert found == thai(app, expected[problem], count=count)


def test_the_local_part_of_the_email_is_not_a_password(app):
    with app.test_request_context():
        assert security.password_problem("Somchai.Jaidee", "somchai.jaidee@example.go.th")
        assert security.password_problem("somchai.jaidee@example.go.th", "somchai.jaidee@x.th")


def test_the_common_password_list_ships_with_the_app():
    passwords = security.common_passwords()
    assert len(passwords) >= 10_000
    assert {"password", "123456", "iloveyou", "1234567890"} <= passwords


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678", "The password must have at least %(count)s characters."),
        (
            "new.staff@example.go.th",
            "The password may not be the e-mail address or the part before the @.",
        ),
        ("1234567890", "This password is one of the most common passwords. Choose another one."),
    ],
)
def test_the_user_form_refuses_weak_passwords(app, admin_client, password, message):
    before = count(app, User)
    data = {
        "email": "new.staff@example.go.th",
        "role": "viewer",
        "active": "y",
        "new_password": password,
    }
    response = admin_client.post("/admin/user/new/", data=data)
    assert response.status_code == 200
    assert thai(app, message, count=10) in field_errors(response, "new_password")
    assert count(app, User) == before


def test_a_password_change_follows_the_rules_too(app, admin_client):
    user_id = make_user(app, "viewer")
    url = f"/admin/user/edit/?id={user_id}"
    data = {"email": USERS["viewer"], "role": "viewer", "active": "y", "new_password": "aaaaaaaa"}
    response = admin_client.post(url, data=data)
    assert response.status_code == 200
    assert field_errors(response, "new_password")
    data["new_password"] = "a-much-better-one"
    assert admin_client.post(url, data=data).status_code == 302
    client = app.test_client()
    assert login(client, USERS["viewer"], "a-much-better-one").status_code == 302


@pytest.mark.parametrize(
    "password", ["12345678", "1234567890", "cli@example.go.th", "cli@example.go"]
)
def test_user_create_refuses_weak_passwords(app, runner, password):
    result = runner.invoke(args=["user", "create", "cli@example.go.th", "--password", password])
    assert result.exit_code != 0
    assert count(app, User) == 0


def test_user_create_says_why_in_thai(app, runner):
    result = runner.invoke(args=["user", "create", "cli@example.go.th", "--password", "cli"])
    assert result.exit_code != 0
    assert thai(app, "The password must have at least %(count)s characters.", count=10) in (
        result.output
    )


# --------------------------------------------------------------------------- next


OFF_SITE = [
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,hi",
    " //evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/admin/\r\nSet-Cookie: x=1",
    "\x00/admin/",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_safe_next_refuses_anything_but_a_path_here(app, target):
    assert security.safe_next(target, "/admin/") == "/admin/"


@pytest.mark.parametrize(
    "target", ["/admin/teacher/?search=x", "/admin/teacher/details/?id=1&url=%2Fadmin%2F", "/"]
)
def test_safe_next_follows_a_path_here(app, target):
    assert security.safe_next(target, "/admin/") == target


@pytest.mark.parametrize(
    "query",
    [
        "//evil.example/",
        "/%09/evil.example/",
        "/%0a/evil.example/",
        "/%0d%0aSet-Cookie:%20x=1",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "/%5C%5Cevil.example",
        "https:%2F%2Fevil.example",
        "javascript:alert(1)",
        "%00",
        "%ff",
    ],
)
def test_login_never_leads_off_site_nor_fails(app, client, query):
    make_user(app, "viewer")
    data = {"email": USERS["viewer"], "password": PASSWORD}
    response = client.post(f"/login?next={query}", data=data)
    # Either refused outright (characters no link holds) or sent to the start page.
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 302:
        assert response.headers["Location"] == "/admin/"
    # Once logged in, the login page sends on the same way.
    login(client, USERS["viewer"])
    response = client.get(f"/login?next={query}")
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response.headers["Location"] == "/admin/"

"""Sessions end for real: logout, a new password, a new role or deactivation end them."""

from __future__ import annotations

from helpers import PASSWORD, USERS, count, login, make_user, role_client, text_of, thai
from sqlalchemy import select

from models import User, db


def saved_cookie(client):
    """The session cookie as a browser (or someone who copied it) keeps it."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def client_with(app, cookie):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def user_id(app, role):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == USERS[role]))


def test_a_cookie_saved_before_logout_no_longer_works(app, editor_client):
    cookie = saved_cookie(editor_client)
    assert client_with(app, cookie).get("/admin/").status_code == 200
    editor_client.post("/logout")
    assert editor_client.get("/admin/").status_code == 302
    # The copy taken before logging out is dead too.
    assert client_with(app, cookie).get("/admin/").status_code == 302
    # Logging in again works, and gives a working session.
    assert login(editor_client, USERS["editor"]).status_code == 302
    assert editor_client.get("/admin/").status_code == 200


def test_logout_ends_the_other_sessions_of_the_account(app, editor_client):
    second = role_client_again(app, "editor")
    assert second.get("/admin/").status_code == 200
    editor_client.post("/logout")
    assert second.get("/admin/").status_code == 302


def role_client_again(app, role):
    client = app.test_client()
    assert login(client, USERS[role]).status_code == 302
    return client


def edit_user(admin_client, app, who, **changes):
    target = user_id(app, who)
    data = {"email": USERS[who], "name": f"{who} user", "role": who, "active": "y"}
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    response = admin_client.post(f"/admin/user/edit/?id={target}", data=data)
    assert response.status_code == 302, text_of(response)[:800]


def test_a_new_password_ends_the_sessions_of_that_user(app, admin_client):
    editor = role_client(app, "editor")
    edit_user(admin_client, app, "editor", new_password="a-new-long-secret")
    assert editor.get("/admin/").status_code == 302
    assert login(editor, USERS["editor"], PASSWORD).status_code == 200
    assert login(editor, USERS["editor"], "a-new-long-secret").status_code == 302


def test_a_new_role_ends_the_sessions_of_that_user(app, admin_client):
    editor = role_client(app, "editor")
    edit_user(admin_client, app, "editor", role="viewer")
    assert editor.get("/admin/").status_code == 302
    login(editor, USERS["editor"])
    assert editor.get("/admin/").status_code == 200
    assert editor.get("/admin/agency/new/").status_code == 302  # a viewer now


def test_deactivation_ends_the_sessions_of_that_user(app, admin_client):
    editor = role_client(app, "editor")
    edit_user(admin_client, app, "editor", active=None)
    assert editor.get("/admin/").status_code == 302
    assert login(editor, USERS["editor"]).status_code == 200


def test_saving_a_user_without_changes_keeps_their_session(app, admin_client):
    editor = role_client(app, "editor")
    edit_user(admin_client, app, "editor")
    assert editor.get("/admin/").status_code == 200


def test_an_admin_who_sets_their_own_password_stays_logged_in(app, admin_client):
    edit_user(admin_client, app, "admin", new_password="my-own-new-secret")
    assert admin_client.get("/admin/user/").status_code == 200
    client = app.test_client()
    assert login(client, USERS["admin"], "my-own-new-secret").status_code == 302


def test_an_admin_cannot_change_their_own_role_or_lock_themselves_out(app, admin_client):
    me = user_id(app, "admin")
    form = admin_client.get(f"/admin/user/edit/?id={me}").get_data(as_text=True)
    assert 'name="role"' not in form and 'name="active"' not in form
    # Posting the fields anyway changes nothing.
    data = {"email": USERS["admin"], "name": "admin user", "role": "viewer"}
    admin_client.post(f"/admin/user/edit/?id={me}", data=data)
    with app.app_context():
        user = db.session.get(User, me)
        assert (user.role, user.active) == ("admin", True)
    # Another user's form has both.
    other = make_user(app, "editor")
    form = admin_client.get(f"/admin/user/edit/?id={other}").get_data(as_text=True)
    assert 'name="role"' in form and 'name="active"' in form


def test_an_admin_cannot_delete_their_own_account(app, admin_client):
    me = user_id(app, "admin")
    response = admin_client.post("/admin/user/delete/", data={"id": str(me)})
    assert response.status_code == 302
    assert count(app, User, User.id == me) == 1
    page = admin_client.get("/admin/user/")
    assert thai(app, "You cannot delete your own account.") in text_of(page)
    # The list's bulk delete is refused the same way.
    admin_client.post("/admin/user/action/", data={"action": "delete", "rowid": str(me)})
    assert count(app, User, User.id == me) == 1

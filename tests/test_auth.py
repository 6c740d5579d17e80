"""The login wall, logging in and out, roles and CSRF protection."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from helpers import (
    PASSWORD,
    STUDENT_NID,
    TEACHER_NID,
    USERS,
    count,
    csrf_token,
    form_values,
    latest_id,
    login,
    make_user,
    page,
    role_client,
    text_of,
    thai,
)
from werkzeug.routing import IntegerConverter, PathConverter

from models import Agency, Mou, MouParty, ScholarshipAward, Student, Teacher, User, db

# Endpoints a visitor may open without logging in: the login page, files, the language switch.
PUBLIC = {"auth.login", "static", "admin.static", "fonts", "switch_language"}
MODEL_SCREENS = [
    "agency",
    "contact",
    "mou",
    "qualification",
    "unit",
    "occupation",
    "sector",
    "curriculum",
    "excellence",
    "college_group",
    "teacher",
    "teacher_unit",
    "certificate",
    "training",
    "round",
    "placement",
    "programme",
    "allocation",
    "student",
    "award",
]


def dummy_url(rule):
    """Fill a URL rule's arguments with made-up values."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, PathConverter):
            values[name] = "some/file.txt"
        else:
            values[name] = "csv" if name == "export_type" else "x"
    return rule.build(values)[1]


# --------------------------------------------------------------------------- the login wall


def test_anonymous_is_sent_to_login_from_every_url(app, client):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in PUBLIC]
    assert len(rules) > 150  # every admin screen's list, forms, exports, ajax and actions
    checked = set()
    for rule in rules:
        url = dummy_url(rule)
        for method in ("GET", "POST"):
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url, response.status_code)
            location = urlsplit(response.headers["Location"])
            assert location.path == "/login", (method, url, response.headers["Location"])
            checked.add(rule.endpoint)
    assert {
        "admin.index",
        "mou.document",
        "teacher.export",
        "auth.logout",
        "user.index_view",
    } <= checked


def test_login_remembers_where_the_visitor_was_going(app, client):
    response = client.get("/admin/teacher/?search=x")
    assert response.status_code == 302
    assert "next=" in response.headers["Location"]
    make_user(app, "viewer")
    data = {"email": USERS["viewer"], "password": PASSWORD}
    response = client.post("/login?next=/admin/teacher/%3Fsearch%3Dx", data=data)
    assert response.headers["Location"] == "/admin/teacher/?search=x"


def test_public_urls_open_without_login(client):
    for url in ("/login", "/static/samatta.css", "/fonts/Sarabun-Regular.ttf", "/lang/en"):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert not response.headers.get("Location", "").startswith("/login"), url
        response.close()


def test_login_page_is_in_thai(app, client):
    text = text_of(client.get("/login"))
    assert thai(app, "Log in") in text
    assert thai(app, "Log in") != "Log in"


# --------------------------------------------------------------------------- logging in


def test_login_with_wrong_password_is_refused_in_thai(app, client):
    make_user(app, "editor")
    response = login(client, USERS["editor"], "wrong-password")
    assert response.status_code == 200
    message = thai(app, "Wrong e-mail or password.")
    assert message != "Wrong e-mail or password."
    assert message in text_of(response)
    assert client.get("/admin/").status_code == 302


def test_unknown_email_gets_the_same_answer(app, client):
    response = login(client, "nobody@example.go.th")
    assert thai(app, "Wrong e-mail or password.") in text_of(response)


def test_login_ignores_email_case_and_records_the_time(app, client):
    user_id = make_user(app, "editor")
    response = login(client, "Editor@Example.GO.TH")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        assert db.session.get(User, user_id).last_login_at is not None


def test_any_stored_address_can_log_in(app, client):
    # email_validator refuses special-use domains such as the demo's samatta.local.
    make_user(app, "admin", email="admin@samatta.local")
    assert login(client, "admin@samatta.local").status_code == 302
    assert client.get("/admin/user/").status_code == 200


def test_inactive_user_cannot_log_in(app, client):
    make_user(app, "editor", active=False)
    assert login(client, USERS["editor"]).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_login_never_redirects_off_site(app, client):
    make_user(app, "viewer")
    data = {"email": USERS["viewer"], "password": PASSWORD}
    for target in ("//evil.example/", "https://evil.example/", "javascript:x"):
        response = client.post("/login", query_string={"next": target}, data=data)
        assert response.headers["Location"] == "/admin/"
        client.post("/logout")


def test_logout_ends_the_session(editor_client):
    assert editor_client.get("/admin/").status_code == 200
    response = editor_client.post("/logout")
    assert response.headers["Location"] == "/login"
    assert editor_client.get("/admin/").status_code == 302


def test_start_page_shows_who_is_logged_in(editor_client):
    text = text_of(editor_client.get("/admin/"))
    assert USERS["editor"] in text


# --------------------------------------------------------------------------- roles


def test_viewer_reads_every_screen_but_is_offered_no_way_to_write(viewer_client, records):
    for endpoint in MODEL_SCREENS:
        listing = viewer_client.get(f"/admin/{endpoint}/")
        assert listing.status_code == 200, endpoint
        html = listing.get_data(as_text=True)
        for action in ("new", "edit", "delete"):
            assert f"/admin/{endpoint}/{action}/" not in html, endpoint
        # Typing the address of a form leads back to the list.
        assert viewer_client.get(f"/admin/{endpoint}/new/").status_code == 302, endpoint
        assert viewer_client.get(f"/admin/{endpoint}/edit/?id=1").status_code == 302, endpoint


def agency_names(app):
    with app.app_context():
        return sorted(db.session.scalars(db.select(Agency.name_th)))


@pytest.mark.csrf
def test_viewer_posts_are_forbidden_and_change_nothing(app, viewer_client, editor_client, records):
    before = agency_names(app)
    record_id = str(records.college)
    token = csrf_token(viewer_client, "/admin/agency/")
    assert token
    data = {
        "csrf_token": token,
        "code": "NEW",
        "name_th": "หน่วยงานใหม่",
        "kind": "ministry",
        "id": record_id,
        "rowid": record_id,
        "action": "delete",
        "list_form_pk": record_id,
        "name_en": "changed",
    }
    for action in ("new/", f"edit/?id={record_id}", "delete/", "action/", "ajax/update/"):
        response = viewer_client.post(f"/admin/agency/{action}", data=data)
        assert response.status_code == 403, action
        assert agency_names(app) == before, action
    for endpoint in ("teacher", "mou", "placement", "student"):
        response = viewer_client.post(f"/admin/{endpoint}/delete/", data=data)
        assert response.status_code == 403, endpoint
    assert count(app, Teacher) == 1

    # The same request from an editor, with the editor's token, goes through.
    data["csrf_token"] = csrf_token(editor_client, "/admin/agency/")
    assert editor_client.post("/admin/agency/new/", data=data).status_code == 302
    assert agency_names(app) == sorted([*before, "หน่วยงานใหม่"])


def test_viewer_list_has_no_buttons_the_editor_list_has(editor_client, viewer_client, records):
    editor_html = editor_client.get("/admin/agency/").get_data(as_text=True)
    viewer_html = viewer_client.get("/admin/agency/").get_data(as_text=True)
    for marker in ("/admin/agency/new/", "/admin/agency/edit/", "/admin/agency/delete/"):
        assert marker in editor_html
        assert marker not in viewer_html


def test_editor_creates_edits_and_deletes(app, editor_client, reference):
    before = count(app, Agency)
    data = {"code": "EST-9", "name_th": "บริษัท ทดสอบ จำกัด", "kind": "establishment"}
    assert editor_client.post("/admin/agency/new/", data=data).status_code == 302
    agency_id = latest_id(app, Agency)
    assert count(app, Agency) == before + 1

    edit = f"/admin/agency/edit/?id={agency_id}"
    values = form_values(editor_client.get(edit))
    values["name_th"] = ["บริษัท ทดสอบ (ไทย) จำกัด"]
    assert editor_client.post(edit, data=values).status_code == 302
    details = text_of(editor_client.get(f"/admin/agency/details/?id={agency_id}"))
    assert "บริษัท ทดสอบ (ไทย) จำกัด" in details

    response = editor_client.post("/admin/agency/delete/", data={"id": str(agency_id)})
    assert response.status_code == 302
    assert count(app, Agency) == before


USER_SCREENS = ("/admin/user/", "/admin/user/new/", "/admin/user/details/?id=1", "/admin/audit/")


def test_editor_cannot_reach_user_accounts(editor_client):
    for url in USER_SCREENS:
        assert editor_client.get(url).status_code == 403, url


@pytest.mark.csrf
def test_editor_cannot_create_a_user(app, editor_client):
    before = count(app, User)
    data = {"email": "x@example.go.th", "role": "admin", "new_password": "long-enough"}
    data["csrf_token"] = csrf_token(editor_client, "/admin/")
    assert editor_client.post("/admin/user/new/", data=data).status_code == 403
    assert count(app, User) == before


def test_user_menu_is_shown_to_admin_only(admin_client, editor_client):
    assert "/admin/user/" in admin_client.get("/admin/").get_data(as_text=True)
    assert "/admin/user/" not in editor_client.get("/admin/").get_data(as_text=True)


def test_admin_reaches_user_accounts(admin_client):
    for url in USER_SCREENS:
        assert admin_client.get(url).status_code == 200, url


def test_admin_creates_a_user_who_can_log_in(app, admin_client, client):
    data = {
        "email": "new@example.go.th",
        "role": "viewer",
        "active": "y",
        "new_password": "s3cret-pass",
    }
    assert admin_client.post("/admin/user/new/", data=data).status_code == 302
    assert login(client, "new@example.go.th", "s3cret-pass").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.post("/admin/agency/new/", data={"code": "X"}).status_code == 403


def test_new_user_needs_a_password(app, admin_client):
    before = count(app, User)
    data = {"email": "nopass@example.go.th", "role": "viewer", "active": "y"}
    response = admin_client.post("/admin/user/new/", data=data)
    assert response.status_code == 200
    assert thai(app, "A new user needs a password.") in text_of(response)
    assert count(app, User) == before


# --------------------------------------------------------------------------- personal data


@pytest.fixture
def placement_people(app, records):
    """Give the sample student an award and special needs; return the records."""
    with app.app_context():
        student = db.session.get(Student, records.student)
        student.special_needs = True
        db.session.add(
            ScholarshipAward(student=student, programme_id=records.programme, start_year=2566)
        )
        db.session.commit()
    return records


MASKED_TEACHER = f"{TEACHER_NID[0]}-xxxx-xxxxx-xx-{TEACHER_NID[-1]}"
FULL_TEACHER = "3-1001-00000-01-4"
MASKED_STUDENT = f"{STUDENT_NID[0]}-xxxx-xxxxx-xx-{STUDENT_NID[-1]}"
FULL_STUDENT = "1-1017-00203-45-0"


def test_full_ids_are_the_expected_format():
    assert TEACHER_NID == FULL_TEACHER.replace("-", "")
    assert STUDENT_NID == FULL_STUDENT.replace("-", "")


def visible_ids(client, records):
    """Return the text of every place a national ID is shown: lists, details, exports."""
    pages = [
        "/admin/teacher/",
        f"/admin/teacher/details/?id={records.teacher}",
        "/admin/student/",
        f"/admin/student/details/?id={records.student}",
    ]
    texts = [text_of(client.get(url)) for url in pages]
    for url in (
        "/admin/teacher/export/csv/",
        "/admin/student/export/csv/",
        "/admin/award/export/csv/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        texts.append(response.get_data(as_text=True))
    return texts


def test_viewer_sees_national_ids_masked_everywhere(viewer_client, placement_people):
    for text in visible_ids(viewer_client, placement_people):
        assert MASKED_TEACHER in text or MASKED_STUDENT in text
        for secret in (TEACHER_NID, STUDENT_NID, FULL_TEACHER, FULL_STUDENT, TEACHER_NID[1:12]):
            assert secret not in text


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_staff_see_national_ids_in_full(app, placement_people, role):
    client = role_client(app, role)
    for text in visible_ids(client, placement_people):
        assert FULL_TEACHER in text or FULL_STUDENT in text
        assert MASKED_TEACHER not in text and MASKED_STUDENT not in text


def test_special_needs_is_hidden_from_viewers(app, viewer_client, editor_client, placement_people):
    url = f"/admin/student/details/?id={placement_people.student}"
    label = thai(app, "Special needs")
    yes = thai(app, "Yes")

    def shown(client):
        tree = page(client.get(url))
        row = tree.xpath(f'//tr[td[contains(normalize-space(.), "{label}")]]')
        assert row, label
        return " ".join(row[0].text_content().split())

    assert yes in shown(editor_client)
    assert yes not in shown(viewer_client)


# --------------------------------------------------------------------------- CSRF


@pytest.mark.csrf
def test_login_without_csrf_token_is_refused(app, client):
    make_user(app, "editor")
    data = {"email": USERS["editor"], "password": PASSWORD}
    assert client.post("/login", data=data).status_code == 400
    assert client.get("/admin/").status_code == 302
    assert login(client, USERS["editor"]).status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.csrf
def test_post_without_csrf_token_is_refused_and_changes_nothing(app, editor_client, reference):
    before = count(app, Agency)
    data = {"code": "EST-9", "name_th": "บริษัท ทดสอบ จำกัด", "kind": "establishment"}
    response = editor_client.post("/admin/agency/new/", data=data)
    assert response.status_code == 400
    assert count(app, Agency) == before

    data["csrf_token"] = "not-the-token"
    assert editor_client.post("/admin/agency/new/", data=data).status_code == 400
    assert count(app, Agency) == before

    data["csrf_token"] = csrf_token(editor_client, "/admin/agency/new/")
    assert editor_client.post("/admin/agency/new/", data=data).status_code == 302
    assert count(app, Agency) == before + 1


@pytest.mark.csrf
def test_delete_and_logout_need_the_csrf_token(app, editor_client, reference):
    agency_id = latest_id(app, Agency)
    assert (
        editor_client.post("/admin/agency/delete/", data={"id": str(agency_id)}).status_code == 400
    )
    assert count(app, Agency, Agency.id == agency_id) == 1
    assert editor_client.post("/logout").status_code == 400
    assert editor_client.get("/admin/").status_code == 200

    token = csrf_token(editor_client, "/admin/agency/")
    response = editor_client.post(
        "/admin/agency/delete/", data={"id": str(agency_id), "csrf_token": token}
    )
    assert response.status_code == 302
    assert count(app, Agency, Agency.id == agency_id) == 0
    assert editor_client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert editor_client.get("/admin/").status_code == 302


@pytest.mark.csrf
def test_mou_with_parties_is_saved_through_the_protected_form(app, editor_client, records):
    form = editor_client.get("/admin/mou/new/")
    data = form_values(form)
    data.update(
        {
            "ref_no": ["MOU-2568-001"],
            "title": ["ความร่วมมือพัฒนาครู"],
            "signed_on": ["24/01/2568"],
            "parties-0-agency": [str(records.agencies["OVEC"])],
            "parties-1-agency": [str(records.host)],
        }
    )
    response = editor_client.post("/admin/mou/new/", data=data)
    assert response.status_code == 302, text_of(response)[:1500]
    with app.app_context():
        mou = db.session.scalar(db.select(Mou).where(Mou.ref_no == "MOU-2568-001"))
        assert mou.signed_on == dt.date(2025, 1, 24)
        assert count(app, MouParty, MouParty.mou_id == mou.id) == 2
    assert count(app, Teacher) == 1

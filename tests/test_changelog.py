"""The change log people read: who, when (BE), which record, which fields, before → after."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from flask_login import login_user
from helpers import (
    STUDENT_NID,
    TEACHER_NID,
    USERS,
    flash_messages,
    form_values,
    make_user,
    page,
    text_of,
    thai,
)
from sqlalchemy import delete, event, select, update

import audit
from exports import BE_DATETIME
from models import Agency, AuditLog, Student, Teacher, User, db
from thai.dates import bangkok, bangkok_now, format_be_datetime
from thai.nid import format_national_id, make_national_id, mask_national_id

AUDIT = "/admin/audit/"
TEACHERS = f"{AUDIT}?flt0_record_type_equals=teacher"


def edit_teacher(client, teacher_id, **changes):
    url = f"/admin/teacher/edit/?id={teacher_id}"
    values = form_values(client.get(url))
    for name, value in changes.items():
        values[name] = [value]
    response = client.post(url, data=values)
    assert response.status_code == 302, flash_messages(response)


def rows_of(response):
    """Each row of the change-log list as the text a reader sees."""
    tree = page(response)
    rows = tree.xpath("//table[contains(@class, 'model-list')]//tr[td]")
    return [" ".join(row.text_content().split()) for row in rows]


def other_college(app):
    with app.app_context():
        agency = Agency(code="C9901", name_th="วิทยาลัยเทคนิคทดสอบ", kind="college")
        db.session.add(agency)
        db.session.commit()
        return agency.id


# --------------------------------------------------------------------------- wording


def log_a_reveal(records):
    """What opening the teacher's details with the full ID writes (pdpa.log_reveal)."""
    audit.log_event(
        db.session,
        "reveal",
        table_name="teacher",
        record_id=records.teacher,
        changes={"where": "details", "fields": ["national_id"]},
        actor=USERS["admin"],
    )


def test_a_change_made_on_a_form_reads_as_the_screen_shows_it(app, records, admin_client):
    college = other_college(app)
    make_user(app, "editor")
    from helpers import login

    editor = app.test_client()
    login(editor, USERS["editor"])
    edit_teacher(
        editor,
        records.teacher,
        position="ครูชำนาญการ",
        college=str(college),
        birth_date="24/01/2528",
    )
    response = admin_client.get(AUDIT)
    assert response.status_code == 200
    newest = rows_of(response)[0]
    # Who: the editor's name and e-mail; when: a BE date; what: in Thai.
    assert "editor user" in newest and USERS["editor"] in newest
    assert f"{bangkok_now().year + 543}" in newest
    assert thai(app, "Changed") in newest
    # Which record: the teacher by name, linked to its page; the table as the menu names it.
    assert "นายศานนท์ ใจดี" in newest and "ครู" in newest
    tree = page(response)
    first = tree.xpath("//table[contains(@class, 'model-list')]//tr[td]")[0]
    link = first.xpath(".//a[contains(@class, 'history-record')]/@href")
    assert link == [f"/admin/teacher/details/?id={records.teacher}"]
    # Which fields, by their labels, before → after as the screen shows them.
    assert f"{thai(app, 'Position')}: — → ครูชำนาญการ" in newest
    assert "วิทยาลัยเทคนิคทดสอบ" in newest  # the college by name, not its id
    assert f"{thai(app, 'Birth date')}: — → 24 ม.ค. 2528" in newest
    # Bookkeeping stays out: no version, no update time, no JSON, no raw names.
    assert "updated_at" not in newest and "version" not in newest
    assert "college_id" not in newest and "{" not in newest


def test_created_and_deleted_records_are_named_and_values_shown(app, reference, editor_client):
    data = {"code": "EST-9", "name_th": "บริษัท ทดสอบ จำกัด", "kind": "establishment"}
    assert editor_client.post("/admin/agency/new/", data=data).status_code == 302
    with app.app_context():
        agency_id = db.session.scalar(select(Agency.id).where(Agency.code == "EST-9"))
    response = editor_client.post("/admin/agency/delete/", data={"id": str(agency_id)})
    assert response.status_code == 302
    admin = app.test_client()
    make_user(app, "admin")
    from helpers import login

    login(admin, USERS["admin"])
    deleted, created = rows_of(admin.get(f"{AUDIT}?flt0_record_type_equals=agency"))[:2]
    assert thai(app, "Deleted") in deleted and thai(app, "Created") in created
    # The record is gone, yet both rows still name it (from what the log kept) ...
    assert "บริษัท ทดสอบ จำกัด" in deleted and "บริษัท ทดสอบ จำกัด" in created
    # ... with no link to a page that no longer exists.
    tree = page(admin.get(f"{AUDIT}?flt0_record_type_equals=agency"))
    rows = tree.xpath("//table[contains(@class, 'model-list')]//tr[td]")[:2]
    assert not [a for row in rows for a in row.xpath(".//a[contains(@class, 'history-record')]")]
    # A kind is shown by its label, not its code.
    assert thai(app, "Establishment") in created
    assert "establishment" not in created


def test_booleans_read_yes_or_no(app, records, admin_client):
    edit_teacher(admin_client, records.teacher, is_active="")
    newest = rows_of(admin_client.get(TEACHERS))[0]
    assert f"{thai(app, 'Active')}: {thai(app, 'Yes')} → {thai(app, 'No')}" in newest


def test_the_english_screen_reads_in_english(app, records, admin_client):
    edit_teacher(admin_client, records.teacher, position="Head of department")
    admin_client.get("/lang/en")
    newest = rows_of(admin_client.get(TEACHERS))[0]
    assert "Changed" in newest and "Position: — → Head of department" in newest
    assert "Teacher" in newest


def test_commands_and_anonymous_requests_are_told_apart(app, records, admin_client):
    with app.app_context():
        teacher = db.session.get(Teacher, records.teacher)
        teacher.department = "ช่างยนต์"
        db.session.commit()
    newest = rows_of(admin_client.get(TEACHERS))[0]
    assert thai(app, "Command line") in newest


# --------------------------------------------------------------------------- who


def test_in_a_web_request_the_actor_is_the_logged_in_user_never_cli(app, reference):
    make_user(app, "editor")
    with app.test_request_context("/admin/"):
        assert audit.actor() == audit.ANONYMOUS_ACTOR
        user = db.session.scalar(select(User).where(User.email == USERS["editor"]))
        login_user(user)
        assert audit.actor() == USERS["editor"]
    with app.app_context():
        assert audit.actor() == "cli"


def test_a_login_leaves_no_anonymous_or_cli_update_of_the_user(app, reference):
    make_user(app, "viewer")
    from helpers import login

    with app.app_context():
        before = db.session.scalar(select(db.func.max(AuditLog.id))) or 0
    client = app.test_client()
    assert login(client, USERS["viewer"]).status_code == 302
    with app.app_context():
        actors = set(db.session.scalars(select(AuditLog.user_email).where(AuditLog.id > before)))
    assert not actors & {"cli", audit.ANONYMOUS_ACTOR}


def test_sign_in_events_and_reveals_read_in_words(app, records, admin_client):
    with app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.email == USERS["admin"]))
        for action in ("login", "logout"):
            audit.log_event(
                db.session,
                action,
                record_id=admin_id,
                changes={"email": USERS["admin"], "address": "10.0.0.7"},
                actor=USERS["admin"],
            )
        audit.log_event(
            db.session,
            "login_failed",
            changes={"email": "nobody@example.go.th", "address": "10.0.0.9"},
            actor="nobody@example.go.th",
        )
        log_a_reveal(records)
        db.session.commit()
    reveal, failed, logout, login = rows_of(admin_client.get(AUDIT))[:4]
    assert thai(app, "Logged in") in login and "10.0.0.7" in login and "admin user" in login
    assert thai(app, "Logged out") in logout
    assert thai(app, "Login failed") in failed and "nobody@example.go.th" in failed
    assert thai(app, "Full ID shown") in reveal and "นายศานนท์ ใจดี" in reveal
    assert thai(app, "National ID") in reveal
    assert TEACHER_NID not in reveal and "{" not in reveal


# --------------------------------------------------------------------------- masking


def change_personal_data(app, records, client):
    new_nid = make_national_id("310010000099")
    edit_teacher(client, records.teacher, national_id=format_national_id(new_nid))
    with app.app_context():
        student = db.session.get(Student, records.student)
        with audit.acting(db.session, USERS["admin"]):
            student.special_needs = True
            student.field = "ช่างยนต์"
            db.session.commit()
    return new_nid


def test_personal_data_is_masked_for_those_who_may_not_see_it(app, records, admin_client):
    new_nid = change_personal_data(app, records, admin_client)
    app.config["PERSONAL_DATA_ROLES"] = ["editor"]
    teachers = " ".join(rows_of(admin_client.get(TEACHERS)))
    assert TEACHER_NID not in teachers and new_nid not in teachers
    assert format_national_id(TEACHER_NID) not in teachers
    assert f"{mask_national_id(TEACHER_NID)} → {mask_national_id(new_nid)}" in teachers
    students = " ".join(rows_of(admin_client.get(f"{AUDIT}?flt0_record_type_equals=student")))
    assert thai(app, "Special needs") not in students
    assert "ช่างยนต์" in students  # what is not personal still shows
    # The creation rows mask the IDs too.
    assert STUDENT_NID not in students and mask_national_id(STUDENT_NID) in students


def test_personal_data_is_shown_to_those_who_may_see_it(app, records, admin_client):
    new_nid = change_personal_data(app, records, admin_client)
    shown = " ".join(rows_of(admin_client.get(TEACHERS)))
    # In full, written as the teacher's page writes it.
    assert f"{format_national_id(TEACHER_NID)} → {format_national_id(new_nid)}" in shown
    students = " ".join(rows_of(admin_client.get(f"{AUDIT}?flt0_record_type_equals=student")))
    assert f"{thai(app, 'Special needs')}: {thai(app, 'No')} → {thai(app, 'Yes')}" in students


def test_the_export_masks_as_the_screen_does(app, records, admin_client):
    change_personal_data(app, records, admin_client)
    app.config["PERSONAL_DATA_ROLES"] = ["editor"]
    response = admin_client.get(f"{AUDIT}export/csv/?flt0_record_type_equals=teacher")
    assert response.status_code == 200
    content = response.get_data(as_text=True)
    assert TEACHER_NID not in content and mask_national_id(TEACHER_NID) in content
    assert "นายศานนท์ ใจดี" in content and "{" not in content
    assert thai(app, "National ID") in content


def test_a_viewers_record_history_masks_the_id(app, records, admin_client, viewer_client):
    new_nid = change_personal_data(app, records, admin_client)
    response = viewer_client.get(f"/admin/teacher/details/?id={records.teacher}")
    tree = page(response)
    history = " ".join(tree.xpath("string(//table[@id='history'])").split())
    assert thai(app, "National ID") in history
    assert new_nid not in history and TEACHER_NID not in history
    assert f"{mask_national_id(TEACHER_NID)} → {mask_national_id(new_nid)}" in history
    student = viewer_client.get(f"/admin/student/details/?id={records.student}")
    history = " ".join(page(student).xpath("string(//table[@id='history'])").split())
    assert "ช่างยนต์" in history and thai(app, "Special needs") not in history


# --------------------------------------------------------------------------- a record's page


def test_a_record_page_lists_its_own_history_in_the_same_words(app, records, admin_client):
    edit_teacher(admin_client, records.teacher, position="ครูชำนาญการ")
    with app.app_context():
        log_a_reveal(records)
        db.session.commit()
    tree = page(admin_client.get(f"/admin/teacher/details/?id={records.teacher}"))
    assert tree.xpath("string(//*[@id='history-heading'])") == "ประวัติการแก้ไข"
    rows = [
        " ".join(r.text_content().split()) for r in tree.xpath("//table[@id='history']/tbody/tr")
    ]
    # The edit and the creation; a look at the record is not an edit of it.
    assert len(rows) == 2
    assert f"{thai(app, 'Position')}: — → ครูชำนาญการ" in rows[0]
    assert "admin user" in rows[0] and USERS["admin"] in rows[0]
    assert thai(app, "Created") in rows[1]


# --------------------------------------------------------------------------- filters


def two_kinds_of_change(app, records, admin_client, editor_client):
    edit_teacher(admin_client, records.teacher, position="ครูชำนาญการ")
    data = {"code": "EST-9", "name_th": "บริษัท ทดสอบ จำกัด", "kind": "establishment"}
    assert editor_client.post("/admin/agency/new/", data=data).status_code == 302


def test_filters_by_user_record_type_and_action(app, records, admin_client, editor_client):
    two_kinds_of_change(app, records, admin_client, editor_client)
    by_editor = rows_of(admin_client.get(f"{AUDIT}?flt0_user_equals={USERS['editor']}"))
    assert by_editor and all(USERS["editor"] in row for row in by_editor)
    teachers = rows_of(admin_client.get(f"{AUDIT}?flt0_record_type_equals=teacher"))
    assert teachers and all("นายศานนท์ ใจดี" in row for row in teachers)
    updates = rows_of(admin_client.get(f"{AUDIT}?flt0_action_equals=update"))
    assert len(updates) == 1 and "ครูชำนาญการ" in updates[0]
    # The filters offer Thai names for record types and people, not codes.
    listing = admin_client.get(AUDIT).get_data(as_text=True)
    assert "editor user (editor@example.go.th)" in listing
    assert "ผู้ได้รับทุน" in listing


def test_date_filters_take_be_dates_the_thai_way(app, records, admin_client):
    edit_teacher(admin_client, records.teacher, position="ครูชำนาญการ")
    today = bangkok_now().date()  # the office's day, not the server's
    be_today = f"{today.day}/{today.month}/{today.year + 543}"
    on = rows_of(admin_client.get(AUDIT, query_string={"flt0_date_on_the_day": be_today}))
    assert any("ครูชำนาญการ" in row for row in on)
    tomorrow = today + dt.timedelta(days=1)
    later = f"{tomorrow.day}/{tomorrow.month}/{tomorrow.year + 543}"
    none = page(admin_client.get(AUDIT, query_string={"flt0_date_from_the_day": later}))
    assert not any(
        "ครูชำนาญการ" in r.text_content()
        for r in none.xpath("//table[contains(@class, 'model-list')]//tr[td]")
    )
    until = rows_of(admin_client.get(AUDIT, query_string={"flt0_date_until_the_day": later}))
    assert any("ครูชำนาญการ" in row for row in until)


@pytest.mark.parametrize("value", ["31/02/2568", "ไม่ใช่วันที่", "9" * 30, "\x00"])
def test_a_date_that_is_not_one_is_explained_not_a_failure(app, reference, admin_client, value):
    response = admin_client.get(AUDIT, query_string={"flt0_date_on_the_day": value})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "24/01/2568" in flash_messages(response)


def test_filter_by_import_batch_refuses_numbers_no_batch_can_have(app, reference, admin_client):
    for value in ("1", str(2**63), "-1", "abc"):
        response = admin_client.get(AUDIT, query_string={"flt0_import_batch_equals": value})
        assert response.status_code == 200, value


# --------------------------------------------------------------------------- read-only


def test_the_change_log_cannot_be_changed_through_the_screens(app, records, admin_client):
    edit_teacher(admin_client, records.teacher, position="ครูชำนาญการ")
    with app.app_context():
        row_id = db.session.scalar(select(db.func.max(AuditLog.id)))
        count = db.session.scalar(select(db.func.count()).select_from(AuditLog))
    listing = admin_client.get(AUDIT).get_data(as_text=True)
    assert "/admin/audit/edit/" not in listing and "/admin/audit/delete/" not in listing
    assert 'name="rowid"' not in listing  # no bulk actions
    for url in ("/admin/audit/new/", f"/admin/audit/edit/?id={row_id}"):
        assert admin_client.get(url).status_code in (302, 403, 404)
    for url, data in (
        ("/admin/audit/delete/", {"id": str(row_id)}),
        ("/admin/audit/action/", {"action": "delete", "rowid": [str(row_id)]}),
        (f"/admin/audit/edit/?id={row_id}", {"action": "x"}),
    ):
        assert admin_client.post(url, data=data).status_code in (403, 404, 405)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(AuditLog)) == count


def test_the_orm_refuses_to_change_or_delete_log_rows(app, records):
    with app.app_context():
        row = db.session.scalar(select(AuditLog).limit(1))
        row.user_email = "someone-else@example.go.th"
        with pytest.raises(audit.HistoryIsReadOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditLog).limit(1)))
        with pytest.raises(audit.HistoryIsReadOnly):
            db.session.flush()
        db.session.rollback()
        for statement in (delete(AuditLog), update(AuditLog).values(action="x")):
            with pytest.raises(audit.HistoryIsReadOnly):
                db.session.execute(statement)
            db.session.rollback()
        assert db.session.scalar(select(db.func.count()).select_from(AuditLog)) > 0


# --------------------------------------------------------------------------- a big log


def count_queries(app, client, url):
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return len(statements)


def many_changes(app, first, count):
    with app.app_context():
        numbers = range(first, first + count)
        colleges = {
            n: Agency(code=f"C7{n:03d}", name_th=f"วิทยาลัยที่ {n}", kind="college") for n in numbers
        }
        teachers = [
            Teacher(
                national_id=str(3100100000000 + n * 10),
                first_name=f"ครู{n}",
                last_name="ทดสอบ",
                college=colleges[n],
            )
            for n in numbers
        ]
        db.session.add_all([*colleges.values(), *teachers])
        db.session.commit()


def test_a_page_of_the_log_costs_the_same_queries_however_many_rows_it_shows(
    app, reference, admin_client
):
    many_changes(app, 0, 5)
    few = count_queries(app, admin_client, f"{AUDIT}?page_size=20")
    many_changes(app, 5, 40)
    many = count_queries(app, admin_client, f"{AUDIT}?page_size=100")
    assert many <= few + 2, (few, many)
    text = text_of(admin_client.get(f"{AUDIT}?page_size=100"))
    assert "วิทยาลัยที่ 44" in text


# --------------------------------------------------------------------------- search and safety


def test_search_finds_by_record_type_user_name_and_action(
    app, records, admin_client, editor_client
):
    two_kinds_of_change(app, records, admin_client, editor_client)
    # A record type as the menu names it, in Thai.
    found = rows_of(admin_client.get(AUDIT, query_string={"search": "หน่วยงาน"}))
    assert any("บริษัท ทดสอบ จำกัด" in row for row in found)
    assert not any("ครูชำนาญการ" in row for row in found)
    # A user by name or by the start of the address.
    for word in ("editor user", "editor@exa"):
        found = rows_of(admin_client.get(AUDIT, query_string={"search": word}))
        assert found and all(USERS["editor"] in row for row in found), word
    # An action by its label.
    found = rows_of(admin_client.get(AUDIT, query_string={"search": thai(app, "Changed")}))
    assert any("ครูชำนาญการ" in row for row in found)
    # A word nothing holds finds nothing (and fails nothing).
    nothing = rows_of(admin_client.get(AUDIT, query_string={"search": "zzzz-nothing"}))
    assert not any("@" in row for row in nothing)
    for odd in ("9" * 40, "%", "_", "\\", "'"):
        assert admin_client.get(AUDIT, query_string={"search": odd}).status_code == 200


def test_what_people_typed_is_shown_as_text_not_markup(app, records, admin_client):
    edit_teacher(admin_client, records.teacher, position='<script>alert("x")</script>')
    html = admin_client.get(TEACHERS).get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html
    details = admin_client.get(f"/admin/teacher/details/?id={records.teacher}")
    assert '<script>alert("x")</script>' not in details.get_data(as_text=True)


def test_viewers_and_editors_cannot_open_the_change_log(app, reference, viewer_client):
    assert viewer_client.get(AUDIT).status_code == 403


# --------------------------------------------------------------------------- export


def test_the_export_writes_when_as_a_date_time_not_the_screens_text(app, records, admin_client):
    """The "when" column sorts and filters as a time: a date-time cell in the XLSX, the list's
    BE date and time in the CSV."""
    with app.app_context():
        log_a_reveal(records)
        db.session.commit()
        at = db.session.scalar(select(AuditLog.at).order_by(AuditLog.id.desc()))
    url = f"{AUDIT}export/xlsx/?flt0_record_type_equals=teacher"
    book = openpyxl.load_workbook(io.BytesIO(admin_client.get(url).get_data()))
    header = [cell.value for cell in book.active[1]]
    column = header.index(thai(app, "When"))
    when = [row[column] for row in book.active.iter_rows(min_row=2)]
    assert when and all(cell.is_date for cell in when)
    assert when[0].number_format == BE_DATETIME
    # Excel keeps times to the millisecond.
    assert abs(when[0].value - bangkok(at).replace(tzinfo=None)) < dt.timedelta(milliseconds=1)
    csv_text = admin_client.get(url.replace("xlsx", "csv")).get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text)))
    with app.test_request_context():
        assert rows[1][rows[0].index(thai(app, "When"))] == format_be_datetime(at)

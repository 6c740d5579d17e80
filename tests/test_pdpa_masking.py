"""PDPA: masked IDs cannot be rebuilt through pickers or sorting; full views are logged."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from helpers import STUDENT_NID, TEACHER_NID, make_user, page, role_client, text_of, thai
from sqlalchemy import select

from models import AuditLog, Student, Teacher, db
from pdpa import sees_personal_data, show_national_id
from thai.nid import make_national_id

FULL_TEACHER = "3-1001-00000-01-4"
MASKED_TEACHER = f"{TEACHER_NID[0]}-xxxx-xxxxx-xx-{TEACHER_NID[-1]}"
TEACHER_PICKERS = (
    "/admin/teacher_unit/ajax/lookup/?name=teacher",
    "/admin/certificate/ajax/lookup/?name=teacher",
    "/admin/placement/ajax/lookup/?name=teacher",
    "/admin/training/ajax/lookup/?name=trainingattendance-teacher",
)
STUDENT_PICKER = "/admin/award/ajax/lookup/?name=student"


def lookup(client, url, query):
    response = client.get(f"{url}&query={query}")
    assert response.status_code == 200, url
    return json.loads(response.get_data(as_text=True))


@pytest.fixture
def sensitive_student(app, records):
    """The records' student, with the special-needs flag set."""
    with app.app_context():
        db.session.get(Student, records.student).special_needs = True
        db.session.commit()
    return records


def reveals(app, table=None):
    with app.app_context():
        query = select(AuditLog).where(AuditLog.action == "reveal").order_by(AuditLog.id)
        if table:
            query = query.where(AuditLog.table_name == table)
        return [
            (row.user_email, row.table_name, row.record_id, row.changes)
            for row in db.session.scalars(query)
        ]


# --------------------------------------------------------------------------- pickers


@pytest.mark.parametrize("url", TEACHER_PICKERS)
@pytest.mark.parametrize(
    "query", [TEACHER_NID[:1], TEACHER_NID[:6], TEACHER_NID[3:9], TEACHER_NID[-4:], TEACHER_NID]
)
def test_a_viewer_picker_finds_no_teacher_by_id_digits(viewer_client, records, url, query):
    assert lookup(viewer_client, url, query) == []


@pytest.mark.parametrize("query", [STUDENT_NID[:5], STUDENT_NID[4:10], STUDENT_NID])
def test_a_viewer_picker_finds_no_student_by_id_digits(viewer_client, sensitive_student, query):
    assert lookup(viewer_client, STUDENT_PICKER, query) == []


def test_a_viewer_picker_finds_people_by_name_without_their_ids(viewer_client, sensitive_student):
    found = lookup(viewer_client, TEACHER_PICKERS[0], "ศานนท์")
    assert found == [[sensitive_student.teacher, "นายศานนท์ ใจดี"]]
    found = lookup(viewer_client, STUDENT_PICKER, "จุลลดา")
    assert found == [[sensitive_student.student, "นางสาวจุลลดา เรียนดี"]]
    assert STUDENT_NID not in json.dumps(found) and TEACHER_NID[1:12] not in json.dumps(found)


@pytest.mark.parametrize("query", [TEACHER_NID[:6], TEACHER_NID[3:9], TEACHER_NID])
def test_an_editor_picker_finds_a_teacher_by_id_digits(editor_client, records, query):
    for url in TEACHER_PICKERS:
        assert [row[0] for row in lookup(editor_client, url, query)] == [records.teacher]


def test_an_editor_picker_finds_a_student_by_id_digits(editor_client, sensitive_student):
    found = lookup(editor_client, STUDENT_PICKER, STUDENT_NID[2:9])
    assert [row[0] for row in found] == [sensitive_student.student]


def test_the_picker_hint_mentions_ids_only_to_those_it_searches_them_for(app, records):
    # Viewers cannot open forms, so the hint is checked as each role's picker renders it.
    make_user(app, "editor")
    make_user(app, "viewer")
    from flask_babel import force_locale
    from flask_login import login_user

    from admin.refs import TEACHER_REF
    from models import User

    with app.test_request_context(), force_locale("th"):
        for email, expected in (
            ("editor@example.go.th", "Type a national ID or a teacher's name"),
            ("viewer@example.go.th", "Type a teacher's name"),
        ):
            login_user(db.session.scalar(select(User).where(User.email == email)))
            assert str(TEACHER_REF["placeholder"]) == thai(app, expected)
    response = role_client(app, "admin").get("/admin/teacher_unit/new/")
    assert thai(app, "Type a national ID or a teacher's name") in response.get_data(as_text=True)


# --------------------------------------------------------------------------- sorting


@pytest.fixture
def teachers_out_of_id_order(app, records):
    """Three more teachers whose IDs sort in the reverse order of their creation."""
    with app.app_context():
        for number, first in enumerate(("ก", "ข", "ค")):
            db.session.add(
                Teacher(
                    national_id=make_national_id(f"{8 - number}00000000001"),
                    first_name=f"{first}ครู",
                    last_name="ทดสอบ",
                )
            )
        db.session.commit()
    return records


def first_names(response):
    tree = page(response)
    return [
        " ".join(cell.text_content().split())
        for cell in tree.xpath('//td[contains(@class, "col-first_name")]')
    ]


def test_a_viewer_cannot_sort_teachers_by_national_id(app, teachers_out_of_id_order):
    viewer = role_client(app, "viewer")
    default = first_names(viewer.get("/admin/teacher/"))
    # Column 0 is the national ID: asking to sort on it leaves the list in its own order.
    for asked in ("?sort=0", "?sort=0&desc=1"):
        assert first_names(viewer.get(f"/admin/teacher/{asked}")) == default
    tree = page(viewer.get("/admin/teacher/"))
    header = tree.xpath('//th[contains(@class, "column-header")]')[0]
    assert not header.xpath(".//a[contains(@href, 'sort=')]")


def test_an_editor_may_sort_teachers_by_national_id(app, teachers_out_of_id_order):
    editor = role_client(app, "editor")
    ascending = first_names(editor.get("/admin/teacher/?sort=0"))
    assert ascending[:3] == ["ศานนท์", "คครู", "ขครู"]
    assert first_names(editor.get("/admin/teacher/?sort=0&desc=1"))[0] == "กครู"


def test_a_viewer_cannot_sort_students_by_identifier(app, records):
    with app.app_context():
        db.session.add(
            Student(id_type="g_code", id_value="G000000000001", first_name="กนก", last_name="เก่ง")
        )
        db.session.commit()
    viewer = role_client(app, "viewer")
    default = first_names(viewer.get("/admin/student/"))
    assert default == ["จุลลดา", "กนก"]
    assert first_names(viewer.get("/admin/student/?sort=1&desc=1")) == default
    editor = role_client(app, "editor")
    assert first_names(editor.get("/admin/student/?sort=1&desc=1")) == ["กนก", "จุลลดา"]


# --------------------------------------------------------------------------- exports


def test_a_viewer_xlsx_export_masks_ids_and_hides_special_needs(app, sensitive_student):
    viewer = role_client(app, "viewer")
    for url in ("/admin/teacher/export/xlsx/", "/admin/student/export/xlsx/"):
        response = viewer.get(url)
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
        rows = list(book.active.iter_rows(values_only=True))
        text = " ".join(str(c) for row in rows for c in row if c)
        assert TEACHER_NID not in text and STUDENT_NID not in text
        assert TEACHER_NID[1:12] not in text and STUDENT_NID[1:12] not in text
        assert MASKED_TEACHER in text or STUDENT_NID[0] + "-xxxx-xxxxx-xx-" in text
    flag = rows[0].index(thai(app, "Special needs"))
    assert [row[flag] for row in rows[1:]] == ["—"]
    assert reveals(app) == []


def test_roles_that_see_personal_data_are_configurable(app, records):
    app.config["PERSONAL_DATA_ROLES"] = ["admin", "viewer"]
    viewer, editor = role_client(app, "viewer"), role_client(app, "editor")
    details = f"/admin/teacher/details/?id={records.teacher}"
    assert FULL_TEACHER in text_of(viewer.get(details))
    shown = text_of(editor.get(details))
    assert MASKED_TEACHER in shown and FULL_TEACHER not in shown
    exported = editor.get("/admin/teacher/export/csv/").get_data(as_text=True)
    assert TEACHER_NID not in exported and MASKED_TEACHER in exported
    with app.app_context():
        from models import User

        users = {u.role: u for u in db.session.scalars(select(User))}
        assert users["viewer"].sees_personal_data and not users["editor"].sees_personal_data
        assert show_national_id(TEACHER_NID, users["viewer"]) == FULL_TEACHER
        assert show_national_id(TEACHER_NID, users["editor"]) == MASKED_TEACHER


def test_nobody_sees_personal_data_outside_a_request(app):
    with app.app_context():
        assert not sees_personal_data()
        assert show_national_id(TEACHER_NID) == MASKED_TEACHER


# --------------------------------------------------------------------------- reveals logged


def test_each_full_id_on_a_details_page_is_logged(app, sensitive_student):
    editor, viewer = role_client(app, "editor"), role_client(app, "viewer")
    viewer.get(f"/admin/teacher/details/?id={sensitive_student.teacher}")
    viewer.get(f"/admin/student/details/?id={sensitive_student.student}")
    assert reveals(app) == []
    shown = text_of(editor.get(f"/admin/teacher/details/?id={sensitive_student.teacher}"))
    assert FULL_TEACHER in shown
    editor.get(f"/admin/student/details/?id={sensitive_student.student}")
    assert reveals(app) == [
        (
            "editor@example.go.th",
            "teacher",
            str(sensitive_student.teacher),
            {"where": "details", "fields": ["national_id"]},
        ),
        (
            "editor@example.go.th",
            "student",
            str(sensitive_student.student),
            {"where": "details", "fields": ["id_value", "special_needs"]},
        ),
    ]


def test_each_record_in_an_export_with_full_ids_is_logged(app, teachers_out_of_id_order):
    editor = role_client(app, "editor")
    response = editor.get("/admin/teacher/export/csv/")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert FULL_TEACHER in [row[0] for row in rows]
    with app.app_context():
        ids = sorted(str(t) for t in db.session.scalars(select(Teacher.id)))
    logged = reveals(app, "teacher")
    assert sorted(row[2] for row in logged) == ids
    assert {row[0] for row in logged} == {"editor@example.go.th"}
    assert {json.dumps(row[3]) for row in logged} == {
        json.dumps({"where": "export", "fields": ["national_id"]})
    }


def test_an_award_export_logs_whose_identifier_it_shows(app, records, editor_client):
    from models import ScholarshipAward

    with app.app_context():
        db.session.add(
            ScholarshipAward(
                student_id=records.student, programme_id=records.programme, start_year=2567
            )
        )
        db.session.commit()
    response = editor_client.get("/admin/award/export/xlsx/")
    assert response.status_code == 200
    assert [row[1:3] for row in reveals(app)] == [("student", str(records.student))]


def test_a_teacher_record_pdf_with_the_full_id_is_logged(app, records):
    role_client(app, "viewer").get(f"/admin/teacher/record/?id={records.teacher}")
    assert reveals(app) == []
    response = role_client(app, "editor").get(f"/admin/teacher/record/?id={records.teacher}")
    assert response.status_code == 200
    assert reveals(app) == [
        (
            "editor@example.go.th",
            "teacher",
            str(records.teacher),
            {"where": "export", "fields": ["national_id"]},
        )
    ]


def test_a_college_page_listing_full_teacher_ids_is_logged(app, records):
    url = f"/admin/agency/details/?id={records.college}"
    shown = text_of(role_client(app, "viewer").get(url))
    assert MASKED_TEACHER in shown and FULL_TEACHER not in shown
    assert reveals(app) == []
    assert FULL_TEACHER in text_of(role_client(app, "editor").get(url))
    assert reveals(app) == [
        (
            "editor@example.go.th",
            "teacher",
            str(records.teacher),
            {"where": "details", "fields": ["national_id"]},
        )
    ]


def test_the_roles_may_be_given_as_text_in_the_environment(app):
    from pdpa import personal_data_roles

    with app.app_context():
        assert personal_data_roles() == ("admin", "editor")
        app.config["PERSONAL_DATA_ROLES"] = "admin, viewer"  # FLASK_PERSONAL_DATA_ROLES
        assert personal_data_roles() == ("admin", "viewer")

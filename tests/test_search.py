"""The person search of the teacher, student and award lists: names by index, and IDs
found only whole by those who may not see them (no digit-by-digit oracle)."""

from __future__ import annotations

import pytest
from helpers import STUDENT_NID, TEACHER_NID, page, role_client, thai
from sqlalchemy import delete, select, update
from test_hubs import add_placement

from models import ScholarshipAward, ScholarshipProgramme, Student, Teacher, db
from thai.nid import format_national_id, make_national_id

# A second teacher whose ID shares its first eleven digits with the first teacher's.
NEIGHBOUR_NID = make_national_id("310010000002")
G_CODE = "G644200000001"


def listed(response, column="first_name"):
    """The values a list shows in one column, row by row."""
    assert response.status_code == 200, response.status_code
    cells = page(response).xpath(f'//td[@class="col-{column}"]')
    return [" ".join(cell.text_content().split()) for cell in cells]


def teachers_found(client, search):
    return listed(client.get("/admin/teacher/", query_string={"search": search}))


@pytest.fixture
def people(app, records):
    """The records' teacher and student, a teacher with a neighbouring ID, a G-code student."""
    with app.app_context():
        college = db.session.get(Teacher, records.teacher).college_id
        db.session.add_all(
            [
                Teacher(
                    national_id=NEIGHBOUR_NID,
                    prefix="นาง",
                    first_name="สมศรี",
                    last_name="มีสุข",
                    email="somsri@example.go.th",
                    college_id=college,
                ),
                Student(
                    id_type="g_code",
                    id_value=G_CODE,
                    first_name="ดารุณี",
                    last_name="ตั้งใจ",
                ),
            ]
        )
        db.session.commit()
    return records


def spaced(nid):
    return " ".join(format_national_id(nid).split("-"))


PARTIAL_IDS = (
    TEACHER_NID[:1],
    TEACHER_NID[:6],
    TEACHER_NID[-4:],
    TEACHER_NID[3:9],
    TEACHER_NID[:12],
    format_national_id(TEACHER_NID)[:6],  # "3-1001", dashed
    "3 1001",
    "๓๑๐๐๑",  # Thai digits
)


@pytest.mark.parametrize("partial", PARTIAL_IDS)
def test_a_viewers_partial_id_search_finds_nobody(app, people, partial):
    viewer = role_client(app, "viewer")
    assert teachers_found(viewer, partial) == []


def test_a_viewer_cannot_mix_part_of_an_id_into_a_name_search(app, people):
    viewer = role_client(app, "viewer")
    assert teachers_found(viewer, "ศานนท์") == ["ศานนท์"]
    assert teachers_found(viewer, f"ศานนท์ {TEACHER_NID[:4]}") == []


@pytest.mark.parametrize(
    "typed",
    [TEACHER_NID, format_national_id(TEACHER_NID), spaced(TEACHER_NID), f"  {TEACHER_NID} "],
)
@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_a_full_id_finds_exactly_its_person(app, people, typed, role):
    client = role_client(app, role)
    assert teachers_found(client, typed) == ["ศานนท์"]


def test_a_complete_id_with_a_wrong_check_digit_finds_nobody_for_a_viewer(app, people):
    wrong = TEACHER_NID[:12] + str((int(TEACHER_NID[12]) + 1) % 10)
    viewer = role_client(app, "viewer")
    assert teachers_found(viewer, wrong) == []


def test_an_editors_partial_id_search_works(app, people):
    editor = role_client(app, "editor")
    assert sorted(teachers_found(editor, TEACHER_NID[:11])) == ["ศานนท์", "สมศรี"]
    assert teachers_found(editor, TEACHER_NID[-4:]) == ["ศานนท์"]
    assert teachers_found(editor, format_national_id(NEIGHBOUR_NID)[-6:]) == ["สมศรี"]
    assert sorted(teachers_found(editor, "31")) == ["ศานนท์", "สมศรี"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("ศานนท์", ["ศานนท์"]),
        ("านน", ["ศานนท์"]),  # three letters match anywhere in a name
        ("ใจดี", ["ศานนท์"]),
        ("ใจดี ศานนท์", ["ศานนท์"]),  # every word must match
        ("สมศรี ใจดี", []),
        ("มีสุข", ["สมศรี"]),
        ("สม", ["สมศรี"]),  # one or two letters: the start of a name
        ("ศร", []),
        ("somsri@", ["สมศรี"]),  # the e-mail
        ("ไม่มีใคร", []),
    ],
)
def test_a_name_search_finds_by_any_part_of_a_name(app, people, typed, found):
    viewer = role_client(app, "viewer")
    assert sorted(teachers_found(viewer, typed)) == found


def test_the_search_follows_edits_and_deletions(app, people):
    viewer = role_client(app, "viewer")
    with app.app_context():
        db.session.execute(
            update(Teacher).where(Teacher.id == people.teacher).values(last_name="ใจงาม")
        )
        db.session.commit()
    assert teachers_found(viewer, "ใจดี") == []
    assert teachers_found(viewer, "ใจงาม") == ["ศานนท์"]
    with app.app_context():
        db.session.execute(delete(Teacher).where(Teacher.id == people.teacher))
        db.session.commit()
    assert teachers_found(viewer, "ใจงาม") == []
    assert teachers_found(viewer, "สมศรี") == ["สมศรี"]


def test_a_teacher_added_through_the_form_is_found(app, people):
    editor = role_client(app, "editor")
    new_nid = make_national_id("110020000003")
    response = editor.post(
        "/admin/teacher/new/",
        data={"national_id": new_nid, "first_name": "ปิยะพงษ์", "last_name": "รักงาน"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert teachers_found(editor, "ปิยะ") == ["ปิยะพงษ์"]
    viewer = role_client(app, "viewer")
    assert teachers_found(viewer, format_national_id(new_nid)) == ["ปิยะพงษ์"]


def test_the_search_box_says_what_it_searches(app, people):
    viewer = role_client(app, "viewer")
    response = viewer.get("/admin/teacher/")
    boxes = page(response).xpath('//input[@name="search"]/@placeholder')
    hint = thai(app, "Name, surname, e-mail or the full 13-digit national ID")
    assert boxes == [hint]


# --------------------------------------------------------------------------- students


def students_found(client, search):
    return listed(client.get("/admin/student/", query_string={"search": search}))


@pytest.mark.parametrize("partial", [STUDENT_NID[:5], STUDENT_NID[-3:], "G6442", "g644", "G"])
def test_a_viewers_partial_student_id_finds_nobody(app, people, partial):
    viewer = role_client(app, "viewer")
    assert students_found(viewer, partial) == []


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        (STUDENT_NID, ["จุลลดา"]),
        (format_national_id(STUDENT_NID), ["จุลลดา"]),
        (spaced(STUDENT_NID), ["จุลลดา"]),
        (G_CODE, ["ดารุณี"]),
        (G_CODE.lower(), ["ดารุณี"]),
        ("เรียนดี", ["จุลลดา"]),
    ],
)
def test_a_full_student_id_or_a_name_finds_exactly_the_student(app, people, typed, found):
    viewer = role_client(app, "viewer")
    assert students_found(viewer, typed) == found


def test_an_editor_may_search_part_of_a_student_id(app, people):
    editor = role_client(app, "editor")
    assert students_found(editor, STUDENT_NID[:7]) == ["จุลลดา"]
    assert students_found(editor, "G6442") == ["ดารุณี"]


def test_the_award_list_searches_students_by_the_same_rules(app, people):
    with app.app_context():
        programme = db.session.scalar(select(ScholarshipProgramme.id))
        db.session.add(
            ScholarshipAward(student_id=people.student, programme_id=programme, start_year=2567)
        )
        db.session.commit()
    viewer = role_client(app, "viewer")

    def awards(search):
        response = viewer.get("/admin/award/", query_string={"search": search})
        return listed(response, "student")

    assert awards(STUDENT_NID[:6]) == []
    assert awards(STUDENT_NID) == ["นางสาวจุลลดา เรียนดี"]
    assert awards("จุลลดา") == ["นางสาวจุลลดา เรียนดี"]
    editor = role_client(app, "editor")
    response = editor.get("/admin/award/", query_string={"search": STUDENT_NID[:6]})
    assert listed(response, "student") == ["นางสาวจุลลดา เรียนดี"]


@pytest.mark.parametrize(
    "typed", ['"', "'", "%", "_", "*", "AND", "NEAR(a b)", "{first_name}:x", "\\", "a\"b'c", "ศา*"]
)
def test_search_syntax_of_the_index_is_only_text(app, people, typed):
    viewer = role_client(app, "viewer")
    assert teachers_found(viewer, typed) == []
    assert students_found(viewer, typed) == []


def test_the_placement_list_searches_teachers_by_the_same_rules(app, people):
    """The placement list once searched the teacher's ID as a substring: a viewer's oracle."""
    add_placement(app, people, people.teacher)
    viewer = role_client(app, "viewer")

    def placements(client, search):
        response = client.get("/admin/placement/", query_string={"search": search})
        return listed(response, "teacher")

    everyone = placements(viewer, "")
    assert len(everyone) == 1
    for partial in PARTIAL_IDS:
        assert placements(viewer, partial) == [], partial
    assert placements(viewer, format_national_id(TEACHER_NID)) == everyone
    assert placements(viewer, spaced(TEACHER_NID)) == everyone
    assert placements(viewer, "ศานนท์") == everyone
    assert placements(role_client(app, "editor"), TEACHER_NID[:6]) == everyone


# --------------------------------------------------------------------------- glued titles

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("นายศานนท์", ["ศานนท์"]),
        ("นางสมศรี", ["สมศรี"]),
        ("นายศานนท์ ใจดี", ["ศานนท์"]),
        ("ว่าที่ร้อยตรีศานนท์", ["ศานนท์"]),
        ("นาย ศานนท์", ["ศานนท์"]),  # a title alone is no constraint
        (TEACHER_NID.translate(THAI_DIGITS), ["ศานนท์"]),
    ],
)
def test_a_name_typed_with_its_title_glued_on_finds_the_teacher(app, people, typed, found):
    viewer = role_client(app, "viewer")
    assert teachers_found(viewer, typed) == found


def test_a_title_alone_finds_everyone_not_nobody(app, people):
    viewer = role_client(app, "viewer")
    assert sorted(teachers_found(viewer, "นาย")) == ["ศานนท์", "สมศรี"]


def test_a_student_name_typed_with_its_title_glued_on_finds_the_student(app, people):
    viewer = role_client(app, "viewer")
    assert students_found(viewer, "นางสาวจุลลดา เรียนดี") == ["จุลลดา"]
    assert students_found(viewer, STUDENT_NID.translate(THAI_DIGITS)) == ["จุลลดา"]

"""The search-as-you-type pickers find what the screen shows, as the list search does: a
dashed, spaced or Thai-digit ID (for those who may see IDs only), a name with its title glued
on, and agencies told apart by code and province."""

from __future__ import annotations

import json

import pytest
from helpers import STUDENT_NID, TEACHER_NID
from sqlalchemy import select

from models import Agency, Province, Teacher, db
from thai.digits import to_thai_digits
from thai.nid import format_national_id, make_national_id

TEACHER_PICKER = ("placement", "teacher")
INLINE_TEACHER_PICKER = ("training", "trainingattendance-teacher")
STUDENT_PICKER = ("award", "student")
COLLEGE_PICKER = ("placement", "college")
UNIT_PICKER = ("placement", "units")
QUALIFICATION_PICKER = ("certificate", "qualification")
# Colleges whose names all end in ลำปาง, as the picker lists them for "ลำปาง".
LAMPANG = (
    ("C5202", "วิทยาลัยเทคนิคลำปาง", "52"),
    ("C5203", "วิทยาลัยอาชีวศึกษาลำปาง", "52"),
    ("C5204", "วิทยาลัยเกษตรและเทคโนโลยีลำปาง", "52"),
    ("C5205", "วิทยาลัยการอาชีพเกาะคาลำปาง", None),
)


def lookup(client, picker, query):
    """What a picker (a view and its field) lists for the text typed: [[id, label], ...]."""
    view, field = picker
    response = client.get(
        f"/admin/{view}/ajax/lookup/", query_string={"name": field, "query": query}
    )
    assert response.status_code == 200, picker
    return json.loads(response.get_data(as_text=True))


def found_ids(client, picker, query):
    return [row[0] for row in lookup(client, picker, query)]


def spaced(nid):
    return " ".join(format_national_id(nid).split("-"))


@pytest.fixture
def titled(app, records):
    """Two more teachers, one an acting sub-lieutenant (ว่าที่ร้อยตรี)."""
    with app.app_context():
        college = db.session.get(Teacher, records.teacher).college_id
        teachers = [
            Teacher(
                national_id=make_national_id("310010000002"),
                prefix="นาย",
                first_name="วิทยา",
                last_name="ขยันยิ่ง",
                college_id=college,
            ),
            Teacher(
                national_id=make_national_id("310010000003"),
                prefix="ว่าที่ร้อยตรี",
                first_name="ธนุ",
                last_name="แสงทอง",
                college_id=college,
            ),
        ]
        db.session.add_all(teachers)
        db.session.commit()
        return {teacher.first_name: teacher.id for teacher in teachers}


TYPED_IDS = {
    "dashed": format_national_id(TEACHER_NID),
    "spaced": spaced(TEACHER_NID),
    "thai digits": to_thai_digits(TEACHER_NID),
    "thai digits, dashed": to_thai_digits(format_national_id(TEACHER_NID)),
}


@pytest.mark.parametrize("url", [TEACHER_PICKER, INLINE_TEACHER_PICKER])
@pytest.mark.parametrize("typed", TYPED_IDS.values(), ids=TYPED_IDS.keys())
def test_an_editor_finds_a_teacher_by_the_id_as_displayed(editor_client, records, url, typed):
    assert found_ids(editor_client, url, typed) == [records.teacher]


@pytest.mark.parametrize("typed", TYPED_IDS.values(), ids=TYPED_IDS.keys())
def test_a_viewer_finds_nobody_by_id_not_even_a_complete_one(viewer_client, records, typed):
    assert lookup(viewer_client, TEACHER_PICKER, typed) == []


def test_the_student_picker_takes_a_dashed_or_thai_digit_id(editor_client, viewer_client, records):
    for typed in (format_national_id(STUDENT_NID), to_thai_digits(spaced(STUDENT_NID))):
        assert found_ids(editor_client, STUDENT_PICKER, typed) == [records.student]
        assert lookup(viewer_client, STUDENT_PICKER, typed) == []


def test_an_editors_thai_digit_part_of_an_id_is_searched(editor_client, titled, records):
    part = to_thai_digits(TEACHER_NID[:11])
    assert len(found_ids(editor_client, TEACHER_PICKER, part)) == 3


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("นายวิทยา", "วิทยา"),
        ("ว่าที่ร้อยตรีธนุ", "ธนุ"),
        ("ว่าที่ร้อยตรีธนุ แสงทอง", "ธนุ"),
        ("นายขยันยิ่ง", "วิทยา"),  # a surname, the title glued all the same
    ],
)
@pytest.mark.parametrize("client", ["editor_client", "viewer_client"])
def test_a_name_with_its_title_glued_on_finds_the_person(request, titled, typed, who, client):
    client = request.getfixturevalue(client)
    assert found_ids(client, TEACHER_PICKER, typed) == [titled[who]]


def test_a_glued_title_finds_a_student_too(viewer_client, records):
    found = lookup(viewer_client, STUDENT_PICKER, "นางสาวจุลลดา")
    assert found == [[records.student, "นางสาวจุลลดา เรียนดี"]]


@pytest.fixture
def lampang(app, records):
    """Colleges that differ only in the middle of their names, one without a province."""
    with app.app_context():
        provinces = {p.code: p for p in db.session.scalars(select(Province))}
        db.session.add_all(
            Agency(code=code, name_th=name, kind="college", province=provinces.get(province))
            for code, name, province in LAMPANG
        )
        db.session.commit()
    return records


def test_the_agency_picker_shows_code_and_province_beside_each_name(viewer_client, lampang):
    labels = [row[1] for row in lookup(viewer_client, COLLEGE_PICKER, "ลำปาง")]
    assert sorted(labels) == sorted(
        [
            "วิทยาลัยสารพัดช่างลำปาง (C5201, ลำปาง)",
            "วิทยาลัยเทคนิคลำปาง (C5202, ลำปาง)",
            "วิทยาลัยอาชีวศึกษาลำปาง (C5203, ลำปาง)",
            "วิทยาลัยเกษตรและเทคโนโลยีลำปาง (C5204, ลำปาง)",
            "วิทยาลัยการอาชีพเกาะคาลำปาง (C5205)",
        ]
    )


def test_the_agency_picker_takes_every_word_and_thai_digits(viewer_client, lampang):
    assert [row[1] for row in lookup(viewer_client, COLLEGE_PICKER, "C๕๒๐๓")] == [
        "วิทยาลัยอาชีวศึกษาลำปาง (C5203, ลำปาง)"
    ]
    labels = [row[1] for row in lookup(viewer_client, COLLEGE_PICKER, "เทคนิค ลำปาง")]
    assert labels == ["วิทยาลัยเทคนิคลำปาง (C5202, ลำปาง)"]
    # Nothing typed yet: every college (and only colleges).
    assert len(lookup(viewer_client, COLLEGE_PICKER, "")) == len(LAMPANG) + 1
    # The kind filter still holds: an establishment is no college.
    assert lookup(viewer_client, COLLEGE_PICKER, "EST-001") == []
    # LIKE's wildcards are letters like any other.
    assert lookup(viewer_client, COLLEGE_PICKER, "C52%1") == []


def test_the_unit_and_qualification_pickers_take_thai_digits(viewer_client, records):
    assert found_ids(viewer_client, UNIT_PICKER, "๔๐๑B") == [records.units[1]]
    assert found_ids(viewer_client, QUALIFICATION_PICKER, "Q-AUTO-๓") == [records.qualification]

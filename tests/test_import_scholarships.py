"""Importing scholarship awards: students by identifier, awards by programme and start year."""

from __future__ import annotations

import json

import pytest
from helpers import SAMPLES, STUDENT_NID, THAI, count
from sqlalchemy import select

from importers import ReadError, import_file
from importers.scholarships import student_level
from models import Agency, ScholarshipAward, ScholarshipProgramme, Student, db
from thai.nid import make_national_id

MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))["scholarships.xlsx"]
SAMPLE = (SAMPLES / "scholarships.xlsx").read_bytes()
HEADER = (
    "เลขประจำตัวประชาชน,คำนำหน้า,ชื่อ,นามสกุล,สถานศึกษา,ทุน,ปีการศึกษา,ระดับ,สาขาวิชา,สถานะ,"
    "ผู้มีความต้องการจำเป็นพิเศษ\n"
)
HVI = "ทุนนวัตกรรมสายอาชีพชั้นสูง"


def run(content=SAMPLE, filename="scholarships.xlsx", **options):
    return import_file("scholarships", content, filename, db.session, **options)


@pytest.fixture
def loaded(app, reference):
    with app.app_context():
        content = (SAMPLES / "agencies.xlsx").read_bytes()
        assert import_file(
            "agencies", content, "agencies.xlsx", db.session, skip_invalid=True
        ).written
    return app


def award_of(id_value: str, programme_code: str, year: int) -> ScholarshipAward:
    return db.session.scalar(
        select(ScholarshipAward)
        .join(ScholarshipAward.student)
        .join(ScholarshipAward.programme)
        .where(
            Student.id_value == id_value,
            ScholarshipProgramme.code == programme_code,
            ScholarshipAward.start_year == year,
        )
    )


# --------------------------------------------------------------------------- the sample


def test_sample_rejects_the_manifest_rows_and_writes_nothing_by_default(loaded):
    with loaded.app_context():
        result = run()
        assert len(result.rows) == MANIFEST["data_rows"]
        assert sorted({p.row for p in result.problems}) == MANIFEST["rejected_rows"]
        assert result.counts == {
            "new": MANIFEST["valid"],
            "updated": 0,
            "unchanged": 0,
            "rejected": 1,
        }
        assert not result.written
        assert count(loaded, ScholarshipAward) == 0
        assert count(loaded, Student) == 0


def test_each_problem_names_the_row_the_header_as_written_and_a_thai_message(loaded):
    with loaded.app_context():
        problems = run().problems
    assert [(p.row, p.column) for p in problems] == [(152, "เลขประจำตัวประชาชน"), (152, "ทุน")]
    for problem in problems:
        assert THAI.search(problem.message)
    assert "ทุนที่ไม่มีในระบบ" in problems[1].message


def test_skip_invalid_writes_the_valid_rows_with_their_values(loaded):
    with loaded.app_context():
        result = run(skip_invalid=True)
        assert result.written
        assert count(loaded, ScholarshipAward) == 150
        assert count(loaded, Student) == 150

        first = award_of("3143029766725", "SCH-HVI", 2564)  # row 2
        student = first.student
        assert (student.id_type, student.prefix, student.first_name, student.last_name) == (
            "national_id",
            "น.ส.",
            "สุนิสา",
            "พึ่งพาณิชย์กุล",
        )
        assert student.college.name_th == "วิทยาลัยอาชีวศึกษานครศรีธรรมราช"
        assert (student.level, student.field) == ("higher_vocational", "ช่างยนต์")
        assert first.programme.name_th == HVI
        assert first.status == "suspended"
        assert student.special_needs is False

        g_code = award_of("G642316099585", "SCH-PKS", 2566)  # row 4
        assert g_code.student.id_type == "g_code"
        assert g_code.student.level == "vocational"
        assert g_code.status == "graduated"

        dropped = award_of("3056102470979", "SCH-HVI", 2565)  # row 5
        assert dropped.status == "dropped_out"

        special = award_of("3876348943647", "SCH-HVI-SN", 2566)  # row 17
        assert special.status == "dropped_out"
        assert special.student.special_needs is True

        studying = award_of("1992431542807", "SCH-HVI", 2565)  # row 151
        assert studying.status == "studying"
        assert studying.student.college.code == "C5201"
        statuses = db.session.scalars(select(ScholarshipAward.status)).all()
        assert {s: statuses.count(s) for s in set(statuses)} == {
            "studying": 57,
            "graduated": 29,
            "dropped_out": 30,
            "suspended": 34,
        }


def test_reimport_leaves_everything_unchanged(loaded):
    with loaded.app_context():
        run(skip_invalid=True)
        again = run(skip_invalid=True)
        assert again.counts == {"new": 0, "updated": 0, "unchanged": 150, "rejected": 1}
        assert count(loaded, ScholarshipAward) == 150


def test_dry_run_writes_nothing(loaded):
    with loaded.app_context():
        result = run(skip_invalid=True, dry_run=True)
        assert result.counts["new"] == 150
        assert count(loaded, ScholarshipAward) == 0
        assert count(loaded, Student) == 0


# --------------------------------------------------------------------------- single rows


def sheet(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def row(
    person=STUDENT_NID,
    prefix="นางสาว",
    first="จุลลดา",
    last="เรียนดี",
    college="C5201",
    programme=HVI,
    year="2566",
    level="ปวส.",
    field="ช่างยนต์",
    status="กำลังศึกษา",
    special="ไม่ใช่",
) -> str:
    return ",".join(
        [person, prefix, first, last, college, programme, year, level, field, status, special]
    )


def problems_of(result) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in result.problems]


def test_existing_student_is_updated_and_gets_a_new_award(records, app):
    with app.app_context():
        result = run(sheet(row(level="ปวส. 1", special="ใช่")), "awards.csv")
        assert result.counts["new"] == 1
        assert count(app, Student) == 1
        student = db.session.get(Student, records.student)
        assert student.level == "higher_vocational"
        assert student.special_needs is True
        (award,) = student.awards
        assert (award.programme_id, award.start_year, award.status) == (
            records.programme,
            2566,
            "studying",
        )


def test_a_changed_status_or_student_updates(records, app):
    with app.app_context():
        run(sheet(row()), "awards.csv")
        result = run(sheet(row(status="สำเร็จการศึกษา", field="ช่างกลโรงงาน")), "awards.csv")
        assert result.counts["updated"] == 1
        assert set(result.rows[0].changes) == {"status", "field"}
        db.session.expire_all()
        award = db.session.scalar(select(ScholarshipAward))
        assert award.status == "graduated"
        assert award.student.field == "ช่างกลโรงงาน"
        assert count(app, ScholarshipAward) == 1


def test_one_student_on_two_awards_is_one_student(records, app):
    g_code = "G644200000001"
    content = sheet(
        row(person=g_code, first="สมหญิง", last="ใจงาม", year="2564", level="ปวช."),
        row(person=g_code, first="สมหญิง", last="ใจงาม", programme="SCH-HVI-SN", level="ปวส."),
    )
    with app.app_context():
        assert run(content, "awards.csv").counts["new"] == 2
        student = db.session.scalar(select(Student).where(Student.id_value == g_code))
        assert student.id_type == "g_code"
        assert student.level == "higher_vocational"  # the later year's
        assert sorted(a.start_year for a in student.awards) == [2564, 2566]
        again = run(content, "awards.csv")
        assert again.counts["unchanged"] == 2


def test_the_same_id_with_another_name_is_refused(records, app):
    content = sheet(row(year="2564"), row(first="ชื่ออื่น"))
    with app.app_context():
        result = run(content, "awards.csv")
    assert problems_of(result) == [(3, "เลขประจำตัวประชาชน")]
    assert "แถวที่ 2" in result.problems[0].message


def test_the_same_award_twice_rejects_the_later_row(records, app):
    with app.app_context():
        result = run(sheet(row(), row()), "awards.csv")
    assert problems_of(result) == [(3, "เลขประจำตัวประชาชน")]


@pytest.mark.parametrize(
    ("cells", "header"),
    [
        ({"person": "123"}, "เลขประจำตัวประชาชน"),
        ({"person": "G12"}, "เลขประจำตัวประชาชน"),
        ({"college": "วิทยาลัยที่ไม่มี"}, "สถานศึกษา"),
        ({"programme": "ทุนอื่น"}, "ทุน"),
        ({"programme": ""}, "ทุน"),
        ({"year": "สองพัน"}, "ปีการศึกษา"),
        ({"year": "2400"}, "ปีการศึกษา"),
        ({"level": "ปริญญาตรี"}, "ระดับ"),
        ({"status": "ไม่ทราบ"}, "สถานะ"),
        ({"special": "อาจจะ"}, "ผู้มีความต้องการจำเป็นพิเศษ"),
        ({"first": ""}, "ชื่อ"),
    ],
)
def test_a_bad_cell_rejects_the_row(records, app, cells, header):
    with app.app_context():
        result = run(sheet(row(**cells)), "awards.csv")
        assert count(app, ScholarshipAward) == 0
    assert problems_of(result) == [(2, header)]
    assert THAI.search(result.problems[0].message)


def test_programme_by_code_and_new_student_defaults(records, app):
    person = make_national_id("110170020999")
    content = sheet(row(person=person, programme="sch-pks", status="", special=""))
    with app.app_context():
        assert run(content, "awards.csv").counts["new"] == 1
        award = award_of(person, "SCH-PKS", 2566)
        assert award.status == "studying"
        assert award.student.special_needs is False
        assert award.student.college_id == db.session.scalar(
            select(Agency.id).where(Agency.code == "C5201")
        )


def test_a_file_without_the_programme_column_is_a_read_error(records, app):
    content = f"เลขประจำตัวประชาชน,ชื่อ,นามสกุล,สถานศึกษา,ปีการศึกษา\n{STUDENT_NID},ก,ข,C5201,2566\n"
    with app.app_context(), pytest.raises(ReadError, match="ทุน"):
        run(content.encode("utf-8"), "awards.csv")


@pytest.mark.parametrize(
    ("written", "level"),
    [
        ("ปวช.", "vocational"),
        ("ปวช", "vocational"),
        ("ปวช. 3", "vocational"),
        ("ประกาศนียบัตรวิชาชีพ", "vocational"),
        ("ปวส.", "higher_vocational"),
        ("ปวส.๒", "higher_vocational"),
        ("ประกาศนียบัตรวิชาชีพชั้นสูง", "higher_vocational"),
        ("Higher Vocational", "higher_vocational"),
        ("", None),
    ],
)
def test_levels(written, level):
    assert student_level(written) == level

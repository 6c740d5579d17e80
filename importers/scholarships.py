"""Scholarship awards, keyed by (programme, student identifier, start year).

Each row names a student (national ID or G-code), the programme and the academic year the
award starts. Students are created or updated by their identifier; the awards by the key.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from importers import cells
from importers.columns import Column, person_name_columns
from importers.core import COLLEGE_MISSING, NEW, UNCHANGED, UPDATED, Importer, Row, comparable
from importers.lookups import AgencyIndex
from models import (
    AwardStatus,
    IdentifierType,
    ScholarshipAward,
    ScholarshipProgramme,
    Student,
    StudentLevel,
)
from thai.digits import to_arabic_digits
from thai.text import normalize_text

STUDENT_FIELDS = (
    "prefix",
    "first_name",
    "last_name",
    "college_id",
    "level",
    "field",
    "special_needs",
)
AWARD_FIELDS = ("status",)
STATUS_LABELS = {
    "กำลังศึกษา": AwardStatus.STUDYING.value,
    "กำลังเรียน": AwardStatus.STUDYING.value,
    "สำเร็จการศึกษา": AwardStatus.GRADUATED.value,
    "จบการศึกษา": AwardStatus.GRADUATED.value,
    "ออกกลางคัน": AwardStatus.DROPPED_OUT.value,
    "พักการศึกษา": AwardStatus.SUSPENDED.value,
    "studying": AwardStatus.STUDYING.value,
    "graduated": AwardStatus.GRADUATED.value,
    "dropped out": AwardStatus.DROPPED_OUT.value,
    "dropped_out": AwardStatus.DROPPED_OUT.value,
    "suspended": AwardStatus.SUSPENDED.value,
}
# "ปวช.", "ปวช", "ปวช. 2", "ประกาศนียบัตรวิชาชีพชั้นสูง", "higher vocational"...
LEVELS = {
    "ปวช": StudentLevel.VOCATIONAL.value,
    "ประกาศนียบัตรวิชาชีพ": StudentLevel.VOCATIONAL.value,
    "vocational": StudentLevel.VOCATIONAL.value,
    "ปวส": StudentLevel.HIGHER_VOCATIONAL.value,
    "ประกาศนียบัตรวิชาชีพชั้นสูง": StudentLevel.HIGHER_VOCATIONAL.value,
    "highervocational": StudentLevel.HIGHER_VOCATIONAL.value,
}
LEVEL_NOISE = re.compile(r"[\s._\-]|(?:ชั้นปีที่|ปีที่)?\d+$")
FIRST_YEAR, LAST_YEAR = 2500, 2700


def student_level(value: Any) -> str | None:
    """ปวช. → vocational, ปวส. → higher_vocational (a year of study after it is ignored)."""
    if cells.text(value) is None:
        return None
    cleaned = normalize_text(to_arabic_digits(str(value))).lower()
    key = LEVEL_NOISE.sub("", cleaned)
    key = LEVEL_NOISE.sub("", key)
    found = LEVELS.get(key)
    if found is None:
        raise ValueError(f'ระดับ "{normalize_text(value)}" ไม่ถูกต้อง ใช้ได้: ปวช., ปวส.')
    return found


def start_year(value: Any) -> int | None:
    year = cells.be_year(value)
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"ปีการศึกษา {year} ไม่ถูกต้อง (ต้องเป็นปี พ.ศ. เช่น 2566)")
    return year


class ScholarshipImporter(Importer):
    kind = "scholarships"
    label = "ผู้รับทุนการศึกษา"
    key_column = "person_id"
    columns = (
        Column(
            "person_id",
            (
                "เลขประจำตัวประชาชน",
                "รหัส G",
                "เลขประจำตัวประชาชน/รหัส G",
                "เลขประจำตัวประชาชนหรือรหัส G",
                "เลขบัตรประชาชน",
                "national_id",
                "g_code",
                "student_id",
                "citizen id",
            ),
            cells.person_id,
            required=True,
            help="เลขประจำตัวประชาชน 13 หลัก หรือรหัส G สำหรับผู้ไม่มีเลขประจำตัวประชาชน",
            example="G644200000001",
        ),
        *person_name_columns("นางสาว", "จุลลดา", "เรียนดี"),
        Column(
            "college",
            ("สถานศึกษา", "วิทยาลัย", "institution", "college"),
            cells.text,
            required=True,
            help="ชื่อสถานศึกษาหรือรหัสหน่วยงาน ที่มีอยู่ในระบบแล้ว",
            example="วิทยาลัยสารพัดช่างลำปาง",
        ),
        Column(
            "programme",
            ("ทุน", "ชื่อทุน", "ประเภททุน", "โครงการทุน", "programme", "program", "scholarship"),
            cells.text,
            required=True,
            help="ชื่อทุนตามที่มีในระบบ หรือรหัสทุน",
            example="ทุนนวัตกรรมสายอาชีพชั้นสูง",
        ),
        Column(
            "start_year",
            ("ปีการศึกษา", "ปีการศึกษาที่ได้รับทุน", "ปีที่ได้รับทุน", "academic_year", "start_year"),
            start_year,
            required=True,
            help="ปีการศึกษา (พ.ศ.) ที่เริ่มรับทุน",
            example="2566",
        ),
        Column(
            "level",
            ("ระดับ", "ระดับการศึกษา", "ระดับชั้น", "level"),
            student_level,
            choices=("ปวช.", "ปวส."),
            example="ปวส.",
        ),
        Column("field", ("สาขาวิชา", "สาขา", "field", "major"), cells.text, example="ช่างยนต์"),
        Column(
            "status",
            ("สถานะ", "สถานะการศึกษา", "status"),
            cells.choice(STATUS_LABELS, "สถานะ"),
            choices=("กำลังศึกษา", "สำเร็จการศึกษา", "ออกกลางคัน", "พักการศึกษา"),
            example="กำลังศึกษา",
        ),
        Column(
            "special_needs",
            ("ผู้มีความต้องการจำเป็นพิเศษ", "ความต้องการจำเป็นพิเศษ", "special_needs"),
            cells.yes_no,
            choices=("ใช่", "ไม่ใช่"),
            example="ไม่ใช่",
        ),
    )
    required_columns = (
        (("person_id",),),
        (("first_name", "last_name"), ("full_name",)),
        (("college",),),
        (("programme",),),
        (("start_year",),),
    )
    instructions = "สถานศึกษาและทุนต้องมีอยู่ในระบบก่อน (นำเข้าหน่วยงานก่อนผู้รับทุน)"

    def prepare(self, rows: list[Row]) -> None:
        self.agencies = AgencyIndex.load(self.session)
        self.programmes: dict[str, int] = {}
        query = select(
            ScholarshipProgramme.id, ScholarshipProgramme.code, ScholarshipProgramme.name_th
        )
        for programme_id, code, name_th in self.session.execute(query):
            self.programmes[cells.key_text(code)] = programme_id
            self.programmes[cells.key_text(name_th)] = programme_id
        self.names_seen: dict[tuple[str, str], tuple[int, str, str]] = {}
        super().prepare(rows)

    def prepare_row(self, row: Row) -> None:
        values = row.values
        self.take_person_name(row)
        self.require(row, "person_id", "college", "programme", "start_year")

        self.take_agency(row, "college", "college_id", COLLEGE_MISSING)

        programme = values.pop("programme", None)
        if programme is not None:
            values["programme_id"] = self.programmes.get(cells.key_text(programme))
            if values["programme_id"] is None:
                self.problem(row, "programme", f'ไม่พบทุน "{programme}" ในระบบ')

        person = values.get("person_id")
        if person is not None:
            self.check_same_person(row, person)
        if person and values.get("programme_id") and values.get("start_year"):
            row.key = (values["programme_id"], *person, values["start_year"])

    def check_same_person(self, row: Row, person: tuple[str, str]) -> None:
        """One identifier is one person: the same ID with another name is refused."""
        first, last = row.values.get("first_name"), row.values.get("last_name")
        if first is None or last is None:
            return
        seen = self.names_seen.get(person)
        if seen is None:
            self.names_seen[person] = (row.number, first, last)
            return
        number, seen_first, seen_last = seen
        if cells.key_text(f"{first}{last}") != cells.key_text(f"{seen_first}{seen_last}"):
            self.problem(
                row,
                "person_id",
                f"{self.label_of(person)}นี้เป็นของ {seen_first} {seen_last} ในแถวที่ {number} "
                f"แต่แถวนี้ระบุชื่อ {first} {last}",
            )

    @staticmethod
    def label_of(person: tuple[str, str]) -> str:
        return "รหัส G " if person[0] == IdentifierType.G_CODE.value else "เลขประจำตัวประชาชน "

    def compare(self, rows: list[Row]) -> None:
        people = {row.values["person_id"] for row in rows}
        students = self.load_students(people)
        awards = self.load_awards([student.id for student in students.values()])
        # What each student should look like: the rows in order of start year, later values
        # over earlier ones, so a student on two awards is compared (and written) once.
        self.targets: dict[tuple[str, str], dict[str, Any]] = {}
        self.lead: dict[tuple[str, str], Row] = {}
        for row in sorted(rows, key=lambda r: (r.values["start_year"], r.number)):
            person = row.values["person_id"]
            target = self.targets.setdefault(person, {})
            for name in STUDENT_FIELDS:
                if row.values.get(name) is not None:
                    target[name] = row.values[name]
            self.lead[person] = row
        for row in rows:
            person = row.values["person_id"]
            student = students.get(person)
            award = None
            if student is not None:
                award = awards.get(
                    (row.values["programme_id"], student.id, row.values["start_year"])
                )
            if award is None:
                row.outcome = NEW
            else:
                row.record_id = award.id
                self.diff(row, {"status": award.status}, AWARD_FIELDS)
            if student is not None and self.lead[person] is row:
                for name, new in self.targets[person].items():
                    old = getattr(student, name)
                    if comparable(old) != comparable(new):
                        row.changes[name] = (old, new)
                if row.outcome == UNCHANGED and row.changes:
                    row.outcome = UPDATED

    def load_students(self, people: set[tuple[str, str]]) -> dict[tuple[str, str], Student]:
        values = {value for _type, value in people}
        query = select(Student).where(Student.id_value.in_(values))
        found = {(s.id_type, s.id_value): s for s in self.session.scalars(query)}
        return {key: student for key, student in found.items() if key in people}

    def load_awards(self, student_ids: list[int]) -> dict[tuple[int, int, int], ScholarshipAward]:
        query = select(ScholarshipAward).where(ScholarshipAward.student_id.in_(student_ids))
        return {
            (award.programme_id, award.student_id, award.start_year): award
            for award in self.session.scalars(query)
        }

    def write(self, rows: list[Row]) -> None:
        people = {row.values["person_id"] for row in rows}
        students = self.load_students(people)
        for person in people:
            student = students.get(person)
            target = self.targets[person]
            if student is None:
                id_type, id_value = person
                student = Student(id_type=id_type, id_value=id_value)
                for name in STUDENT_FIELDS:
                    setattr(student, name, target.get(name))
                student.special_needs = bool(target.get("special_needs"))
                self.session.add(student)
                students[person] = student
            else:
                for name, new in target.items():
                    if comparable(getattr(student, name)) != comparable(new):
                        setattr(student, name, new)
        for row in rows:
            values = row.values
            status = values.get("status")
            if row.outcome == NEW:
                award = ScholarshipAward(
                    student=students[values["person_id"]],
                    programme_id=values["programme_id"],
                    start_year=values["start_year"],
                    status=status or AwardStatus.STUDYING.value,
                )
                self.session.add(award)
            elif "status" in row.changes:
                award = self.session.get(ScholarshipAward, row.record_id)
                award.status = status

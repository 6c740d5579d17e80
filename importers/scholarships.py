"""Scholarship awards, keyed by (programme, student identifier, start year).

Each row names a student (national ID or G-code), the programme and the academic year the
award starts. Students are created or updated by their identifier; the awards by the key.
One identifier is one person: the first row naming it gives its name (rows in file order),
and a student on several awards is compared and written once, with the later year's values.

An award's status changes only by the award rules (processes.awards), as on its page: a
change the rules refuse (graduated back to studying, say) is a problem on that row's status
cell, in Thai, naming the change and why. A new award starts studying (its creation event)
and, when the file gives another status, moves there at once; an allowed change of a stored
award is a move. The file holds no date for a change, so each is dated the day of the
import; each event carries the import's batch.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from importers import cells, plausible
from importers.columns import Column, person_name_columns
from importers.importer import COLLEGE_MISSING, Importer, comparable
from importers.lookups import AgencyIndex
from importers.results import NEW, UNCHANGED, UPDATED, RowTable, objects
from importers.store import in_chunks
from models import (
    AwardStatus,
    IdentifierType,
    ScholarshipAward,
    ScholarshipProgramme,
    Student,
    StudentLevel,
)
from processes import awards as award_rules
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
PROGRAMME_MISSING = _l('The scholarship "%(name)s" is not in the system')
EVENT_NOTE = "เปลี่ยนสถานะจากการนำเข้าไฟล์"


def student_level(value: Any) -> str | None:
    """ปวช. → vocational, ปวส. → higher_vocational (a year of study after it is ignored)."""
    if cells.text(value) is None:
        return None
    cleaned = normalize_text(to_arabic_digits(str(value))).lower()
    key = LEVEL_NOISE.sub("", cleaned)
    key = LEVEL_NOISE.sub("", key)
    found = LEVELS.get(key)
    if found is None:
        raise ValueError(
            _('The level "%(value)s" is not valid; use: ปวช., ปวส.', value=normalize_text(value))
        )
    return found


def plausible_start_year(written: str, year: int, importer: Importer) -> str | None:
    """ปีการศึกษา: from 2550 to the coming academic year, against the day of the import."""
    return plausible.award_start_year(written, year, importer.today)


def start_year(value: Any) -> int | None:
    year = cells.be_year(value)
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            _("The academic year %(year)s is not valid (it is a BE year, e.g. 2566)", year=year)
        )
    return year


class ScholarshipImporter(Importer):
    kind = "scholarships"
    record_model = ScholarshipAward
    label = _l("Scholarship holders")
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
            help=_l("A 13-digit national ID, or a G-code for someone without one"),
            example="G644200000001",
        ),
        *person_name_columns("นางสาว", "จุลลดา", "เรียนดี"),
        Column(
            "college",
            ("สถานศึกษา", "วิทยาลัย", "institution", "college"),
            cells.text,
            required=True,
            help=_l("The name or agency code of a college already in the system"),
            example="วิทยาลัยสารพัดช่างลำปาง",
        ),
        Column(
            "programme",
            ("ทุน", "ชื่อทุน", "ประเภททุน", "โครงการทุน", "programme", "program", "scholarship"),
            cells.text,
            required=True,
            help=_l("The scholarship's name as in the system, or its code"),
            example="ทุนนวัตกรรมสายอาชีพชั้นสูง",
        ),
        Column(
            "start_year",
            ("ปีการศึกษา", "ปีการศึกษาที่ได้รับทุน", "ปีที่ได้รับทุน", "academic_year", "start_year"),
            start_year,
            required=True,
            help=_l("The academic year (BE) the scholarship starts"),
            check=plausible_start_year,
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
    instructions = _l(
        "Colleges and scholarships must be in the system first (import agencies before "
        "scholarship holders)"
    )

    def prepare(self, rows: RowTable) -> None:
        agencies = AgencyIndex.load(self.session)
        programmes: dict[str, int] = {}
        query = select(
            ScholarshipProgramme.id, ScholarshipProgramme.code, ScholarshipProgramme.name_th
        )
        for programme_id, code, name_th in self.session.execute(query):
            programmes[cells.key_text(code)] = programme_id
            programmes[cells.key_text(name_th)] = programme_id

        self.take_person_name(rows)
        self.require(rows, "person_id", "college", "programme", "start_year")
        colleges = self.resolve(rows, "college", agencies.find, COLLEGE_MISSING)
        rows.set("college_id", [None if ref is None else ref.id for ref in colleges])
        programme_ids = self.resolve(
            rows,
            "programme",
            lambda name: programmes.get(cells.key_text(name)),
            PROGRAMME_MISSING,
        )
        rows.set("programme_id", programme_ids)
        self.check_same_person(rows)

        people, years = rows.get("person_id"), rows.get("start_year")
        keyed = np.not_equal(people, None) & np.not_equal(programme_ids, None)
        keyed &= np.not_equal(years, None)
        rows.key[keyed] = objects(
            [
                (programme_id, *person, year)
                for programme_id, person, year in zip(
                    programme_ids[keyed], people[keyed], years[keyed], strict=True
                )
            ]
        )

    def check_same_person(self, rows: RowTable) -> None:
        """One identifier is one person: the same ID with another name is refused.

        In file order: the first row naming an identifier gives the name it belongs to.
        """
        people = rows.get("person_id")
        firsts, lasts = rows.get("first_name"), rows.get("last_name")
        named = np.not_equal(people, None) & np.not_equal(firsts, None)
        named &= np.not_equal(lasts, None)
        header = self.header("person_id")
        numbers = rows.numbers
        seen: dict[tuple[str, str], tuple[int, str, str, str]] = {}
        for position in np.flatnonzero(named).tolist():
            person, first, last = people[position], firsts[position], lasts[position]
            name_key = cells.key_text(f"{first}{last}")
            earlier = seen.get(person)
            if earlier is None:
                seen[person] = (int(numbers[position]), first, last, name_key)
                continue
            number, seen_first, seen_last, seen_key = earlier
            if name_key != seen_key:
                rows.add_problem(
                    position,
                    header,
                    f"{self.label_of(person)}นี้เป็นของ {seen_first} {seen_last} ในแถวที่ {number} "
                    f"แต่แถวนี้ระบุชื่อ {first} {last}",
                )

    @staticmethod
    def label_of(person: tuple[str, str]) -> str:
        return "รหัส G " if person[0] == IdentifierType.G_CODE.value else "เลขประจำตัวประชาชน "

    def compare(self, rows: RowTable, positions: np.ndarray) -> None:
        people = rows.get("person_id")
        programme_ids, years = rows.get("programme_id"), rows.get("start_year")
        self.students = self.load_students({people[p] for p in positions})
        self.awards = self.load_awards([student.id for student in self.students.values()])
        # What each student should look like: the rows in order of start year, later values
        # over earlier ones, so a student on two awards is compared (and written) once.
        columns = {name: rows.get(name) for name in STUDENT_FIELDS}
        self.targets: dict[tuple[str, str], dict[str, Any]] = {}
        lead: dict[tuple[str, str], int] = {}
        order = positions[np.lexsort((rows.numbers[positions], years[positions].astype(np.int64)))]
        for position in order.tolist():
            person = people[position]
            target = self.targets.get(person)
            if target is None:
                target = self.targets[person] = {}
            for name, column in columns.items():
                value = column[position]
                if value is not None:
                    target[name] = value
            lead[person] = position
        known, statuses = [], []
        for position in positions.tolist():
            student = self.students.get(people[position])
            award = None
            if student is not None:
                award = self.awards.get((programme_ids[position], student.id, years[position]))
            if award is None:
                rows.outcome[position] = NEW
            else:
                rows.record_id[position] = award.id
                known.append(position)
                statuses.append(award.status)
        self.diff(
            rows, np.asarray(known, dtype=np.int64), {"status": objects(statuses)}, AWARD_FIELDS
        )
        self.check_moves(rows, known)
        for person, position in lead.items():
            student = self.students.get(person)
            if student is None:
                continue
            changes = rows.changes.get(position, {})
            for name, new in self.targets[person].items():
                old = getattr(student, name)
                if comparable(old) != comparable(new):
                    changes[name] = (old, new)
            if changes:
                rows.changes[position] = changes
                if rows.outcome[position] == UNCHANGED:
                    rows.outcome[position] = UPDATED

    def check_moves(self, rows: RowTable, known: list[int]) -> None:
        """A status change of a stored award must be a move the award rules allow."""
        awards_by_id = {award.id: award for award in self.awards.values()}
        for position in known:
            change = rows.changes.get(position, {}).get("status")
            if change is None:
                continue
            award = awards_by_id[rows.record_id[position]]
            reason = self.refusal(award, change[1])
            if reason is not None:
                self.problem(rows, position, "status", reason)

    def refusal(self, award: ScholarshipAward, to: str) -> str | None:
        """Why the rules refuse the move today, in Thai (importer messages are Thai)."""
        with force_locale("th"):
            return award_rules.refusal(award, to, effective_on=self.today, on=self.today)

    def load_students(self, people: set[tuple[str, str]]) -> dict[tuple[str, str], Student]:
        """The stored students of these identifiers, one query per chunk of identifiers."""
        found: dict[tuple[str, str], Student] = {}
        for values in in_chunks(value for _type, value in people):
            query = select(Student).where(Student.id_value.in_(values))
            for student in self.session.scalars(query):
                key = (student.id_type, student.id_value)
                if key in people:
                    found[key] = student
        return found

    def load_awards(self, student_ids: list[int]) -> dict[tuple[int, int, int], ScholarshipAward]:
        awards: dict[tuple[int, int, int], ScholarshipAward] = {}
        for ids in in_chunks(student_ids):
            query = select(ScholarshipAward).where(ScholarshipAward.student_id.in_(ids))
            for award in self.session.scalars(query):
                awards[(award.programme_id, award.student_id, award.start_year)] = award
        return awards

    def write(self, rows: RowTable, positions: np.ndarray) -> None:
        people = rows.get("person_id")
        students = self.students
        for person in dict.fromkeys(people[positions].tolist()):
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
        awards_by_id = {award.id: award for award in self.awards.values()}
        programme_ids, years = rows.get("programme_id"), rows.get("start_year")
        statuses = rows.get("status")
        for position in positions.tolist():
            status = statuses[position]
            if rows.outcome[position] == NEW:
                award = ScholarshipAward(
                    student=students[people[position]],
                    programme_id=programme_ids[position],
                    start_year=years[position],
                )
                self.session.add(award)
                award_rules.start_award(self.session, award, effective_on=self.today)
                if status is not None and status != award.status:
                    self.move(award, status)
            elif "status" in rows.changes.get(position, {}):
                self.move(awards_by_id[rows.record_id[position]], status)

    def move(self, award: ScholarshipAward, to: str) -> None:
        """An allowed move, dated the day of the import (compare refused the others)."""
        with force_locale("th"):
            award_rules.move_award(
                self.session, award, to, effective_on=self.today, note=EVENT_NOTE
            )

"""Excellence fields against their targets: curricula, and teachers trained in a fiscal year.

A field meets its targets with at least CURRICULUM_TARGET teacher-development curricula
and at least TEACHER_TARGET teachers trained in the year. A teacher counts as trained in
a field when they completed a training of that field that started within the fiscal year;
a teacher is counted once per field however many of its trainings they finished. The
group (Excellence Center, Expert, Standard) is that of the teacher's college, as recorded
now, for that field. Curricula have no year: a field's curricula are those linked to it now,
and only teacher-development ones count toward the target (others are shown beside them).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session

from models import (
    Agency,
    CollegeFieldGroup,
    Curriculum,
    CurriculumKind,
    ExcellenceField,
    ExcellenceGroup,
    Teacher,
    Training,
    TrainingAttendance,
    today,
)
from reports import filters as report_filters
from reports.model import (
    Block,
    Chart,
    Column,
    FilterError,
    Note,
    Report,
    ReportDefinition,
    Table,
    Viewer,
)
from thai.dates import fiscal_year, fiscal_year_range, format_be

CURRICULUM_TARGET = 1
TEACHER_TARGET = 20

# The report is printed in Thai whatever the language of the screen that asked for it.
GROUP_LABELS = {
    ExcellenceGroup.EXCELLENCE_CENTER: "กลุ่มความเป็นเลิศ",
    ExcellenceGroup.EXPERT: "กลุ่มเชี่ยวชาญเฉพาะ",
    ExcellenceGroup.STANDARD: "กลุ่มทั่วไป",
}
NO_GROUP = "no_group"
NO_HUB = "ยังไม่กำหนด"
MET = "ครบตามเป้าหมาย"

COLUMNS = [
    Column("field", "สาขาวิชาที่มีความเป็นเลิศ", width=2.4),
    Column("hub", "สถานศึกษาแม่ข่าย", width=2.2),
    Column("curricula", "หลักสูตรพัฒนาครู", "int", 0.9),
    Column("other_curricula", "หลักสูตรอื่นในสาขา", "int", 0.9),
    Column("teachers", "ครูที่ผ่านการพัฒนา (คน)", "int", 1.0),
    *(Column(group.value, label, "int", 0.9) for group, label in GROUP_LABELS.items()),
    Column(NO_GROUP, "ไม่ระบุกลุ่ม", "int", 0.8),
    Column("result", "ผลตามเป้าหมาย", width=1.6),
]
COUNT_KEYS = [c.key for c in COLUMNS if c.kind == "int"]


def fiscal_year_choices(session: Session) -> list[tuple[str, str]]:
    """Return the fiscal years in which trainings started, and the current one, newest first."""
    # One row per month is enough to know the fiscal years, however many trainings there are.
    months = session.execute(
        select(func.min(Training.start_on)).group_by(
            func.extract("year", Training.start_on), func.extract("month", Training.start_on)
        )
    ).scalars()
    years = {fiscal_year(day) for day in months if day is not None}
    years.add(fiscal_year(today()))
    return [(str(year), str(year)) for year in sorted(years, reverse=True)]


def result_text(curricula: int, teachers: int) -> str:
    """Say what a field lacks against its targets, or that it meets them."""
    missing = []
    if curricula < CURRICULUM_TARGET:
        missing.append(f"ขาดหลักสูตร {CURRICULUM_TARGET - curricula}")
    if teachers < TEACHER_TARGET:
        missing.append(f"ขาดครู {TEACHER_TARGET - teachers} คน")
    return " ".join(missing) if missing else MET


class ExcellenceReport(ReportDefinition):
    """Teacher-development curricula and teachers trained per excellence field and group."""

    name = "excellence"
    title = "สาขาวิชาที่มีความเป็นเลิศ: หลักสูตรและการพัฒนาครู"
    description = (
        f"หลักสูตรพัฒนาครูของแต่ละสาขา (เป้าหมายอย่างน้อย {CURRICULUM_TARGET} หลักสูตร) "
        f"และครูที่ผ่านการพัฒนาในปีงบประมาณ (เป้าหมายอย่างน้อย {TEACHER_TARGET} คนต่อสาขา) "
        "แยกตามกลุ่มของสถานศึกษา"
    )
    landscape = True
    filters = (dataclasses.replace(report_filters.fiscal_year(), choices=fiscal_year_choices),)

    def build(self, session: Session, values: dict[str, Any], viewer: Viewer) -> Report:
        """Build the report for one fiscal year."""
        year = values.get("fiscal_year")
        if year is None:
            raise FilterError("ให้ระบุปีงบประมาณ")
        first, last = fiscal_year_range(year)

        fields = session.execute(
            select(ExcellenceField.id, ExcellenceField.name_th, Agency.name_th)
            .outerjoin(Agency, Agency.id == ExcellenceField.hub_college_id)
            .order_by(ExcellenceField.id)
        ).all()
        curricula = self.curricula_per_field(session)
        trained = self.teachers_per_field_and_group(session, first, last)

        rows: list[dict[str, Any]] = []
        marks: dict[int, Any] = {}
        for field_id, name, hub in fields:
            row: dict[str, Any] = {"field": name, "hub": hub or NO_HUB}
            row["curricula"], row["other_curricula"] = curricula.get(field_id, (0, 0))
            by_group = trained.get(field_id, {})
            for key in (*(g.value for g in GROUP_LABELS), NO_GROUP):
                row[key] = by_group.get(key, 0)
            row["teachers"] = sum(by_group.values())
            row["result"] = result_text(row["curricula"], row["teachers"])
            if row["result"] != MET:
                marks[len(rows)] = "short"
            rows.append(row)

        totals = {key: sum(r[key] for r in rows) for key in COUNT_KEYS} if rows else None
        if totals is not None:
            short = len(marks)
            totals["result"] = f"ยังไม่ถึงเป้าหมาย {short} สาขา" if short else MET
            totals["field"] = "รวม"
        table = Table(
            COLUMNS,
            rows,
            title=f"หลักสูตรพัฒนาครูและครูที่ผ่านการพัฒนา ปีงบประมาณ {year}",
            totals=totals,
            marks=marks,
            legend=(
                "แถวที่เน้นสี: สาขาที่ยังไม่ถึงเป้าหมาย "
                f"(หลักสูตรพัฒนาครูอย่างน้อย {CURRICULUM_TARGET} หลักสูตร "
                f"และครูผ่านการพัฒนาอย่างน้อย {TEACHER_TARGET} คนต่อปี)"
            ),
            empty="ยังไม่มีสาขาวิชาที่มีความเป็นเลิศในระบบ",
        )

        blocks: list[Block] = [table, Note(self.reading(session, first, last, totals))]
        if rows and len(rows) <= 15:
            blocks.append(
                Chart(
                    f"ครูที่ผ่านการพัฒนาแยกตามสาขา เทียบกับเป้าหมาย {TEACHER_TARGET} คน",
                    [r["field"] for r in rows],
                    [
                        ("ครูที่ผ่านการพัฒนา", [r["teachers"] for r in rows]),
                        ("เป้าหมาย", [TEACHER_TARGET] * len(rows)),
                    ],
                    unit="คน",
                )
            )
        shown = [
            (f.label, report_filters.describe(f, session, values[f.name]))
            for f in self.filters
            if values.get(f.name) is not None
        ]
        return Report(self.name, self.title, shown, blocks, landscape=self.landscape)

    # ------------------------------------------------------------------ queries

    def curricula_per_field(self, session: Session) -> dict[int, tuple[int, int]]:
        """Return field id -> (teacher-development curricula, other curricula of the field)."""
        development = Curriculum.kind == CurriculumKind.TEACHER_DEVELOPMENT.value
        query = (
            select(
                Curriculum.excellence_field_id,
                func.sum(case((development, 1), else_=0)),
                func.sum(case((development, 0), else_=1)),
            )
            .where(Curriculum.excellence_field_id.is_not(None))
            .group_by(Curriculum.excellence_field_id)
        )
        return {
            field_id: (int(ours), int(others)) for field_id, ours, others in session.execute(query)
        }

    def teachers_per_field_and_group(
        self, session: Session, first: Any, last: Any
    ) -> dict[int, dict[str, int]]:
        """Return field id -> group -> distinct teachers who completed a training that year."""
        query = (
            select(
                Training.excellence_field_id,
                CollegeFieldGroup.tier,
                func.count(distinct(Teacher.id)),
            )
            .select_from(TrainingAttendance)
            .join(Training, Training.id == TrainingAttendance.training_id)
            .join(Teacher, Teacher.id == TrainingAttendance.teacher_id)
            .outerjoin(
                CollegeFieldGroup,
                and_(
                    CollegeFieldGroup.field_id == Training.excellence_field_id,
                    CollegeFieldGroup.college_id == Teacher.college_id,
                ),
            )
            .where(
                TrainingAttendance.completed.is_(True),
                Training.excellence_field_id.is_not(None),
                Training.start_on.between(first, last),
            )
            .group_by(Training.excellence_field_id, CollegeFieldGroup.tier)
        )
        found: dict[int, dict[str, int]] = {}
        for field_id, tier, teachers in session.execute(query):
            found.setdefault(field_id, {})[tier or NO_GROUP] = teachers
        return found

    def reading(
        self, session: Session, first: Any, last: Any, totals: dict[str, Any] | None
    ) -> str:
        """Explain how teachers are counted, with the distinct total across all fields."""
        distinct_teachers = session.scalar(
            select(func.count(distinct(TrainingAttendance.teacher_id)))
            .join(Training, Training.id == TrainingAttendance.training_id)
            .where(
                TrainingAttendance.completed.is_(True),
                Training.excellence_field_id.is_not(None),
                Training.start_on.between(first, last),
            )
        )
        text = (
            f"นับครูที่อบรมครบตามหลักสูตรในการฝึกอบรมของสาขาที่เริ่มระหว่าง {format_be(first)} "
            f"ถึง {format_be(last)} ครูหนึ่งคนนับครั้งเดียวต่อสาขา "
            "กลุ่มตามกลุ่มของสถานศึกษาต้นสังกัดของครูในสาขานั้น "
            "ไม่ระบุกลุ่ม คือ สถานศึกษาของครูไม่ได้อยู่ในกลุ่มใดของสาขานั้นหรือไม่ทราบสถานศึกษา"
        )
        if not distinct_teachers:
            text += " ยังไม่มีครูที่ผ่านการพัฒนาในปีงบประมาณนี้"
        elif totals is not None and distinct_teachers != totals["teachers"]:
            text += f" ครูที่ผ่านการพัฒนามากกว่าหนึ่งสาขานับในทุกสาขาที่ผ่าน รวมไม่ซ้ำคน {distinct_teachers:,} คน"
        return text

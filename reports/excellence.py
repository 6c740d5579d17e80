"""Excellence fields against their targets: curricula, and teachers trained in a fiscal year.

A field meets its targets with at least CURRICULUM_TARGET teacher-development curricula
and at least TEACHER_TARGET teachers trained in the year. A teacher counts as trained in
a field when they completed a training of that field that started within the fiscal year;
a teacher is counted once per field however many of its trainings they finished. The
group (Excellence Center, Expert, Standard) is that of the teacher's college, as recorded
now, for that field. Curricula have no year: a field's curricula are those linked to it now,
and only teacher-development ones count toward the target (others are shown beside them).

The figures come from processes.targets.field_targets, the same computation the targets
screen and the home page show.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.orm import Session

from models import ExcellenceGroup, today
from processes import targets
from processes.targets import CURRICULUM_TARGET, NO_GROUP, TEACHER_TARGET
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
from reports.words import lt, t
from thai.dates import fiscal_year, fiscal_year_range, format_be

# The report is printed in Thai whatever the language of the screen that asked for it.
GROUP_LABELS = {
    ExcellenceGroup.EXCELLENCE_CENTER: lt("กลุ่มความเป็นเลิศ"),
    ExcellenceGroup.EXPERT: lt("กลุ่มเชี่ยวชาญเฉพาะ"),
    ExcellenceGroup.STANDARD: lt("กลุ่มทั่วไป"),
}
NO_HUB = lt("ยังไม่กำหนด")
MET = lt("ครบตามเป้าหมาย")

COLUMNS = [
    Column("field", lt("สาขาวิชาที่มีความเป็นเลิศ")),
    Column("hub", lt("สถานศึกษาแม่ข่าย")),
    Column("curricula", lt("หลักสูตรพัฒนาครู"), "int"),
    Column("other_curricula", lt("หลักสูตรอื่นในสาขา"), "int"),
    Column("teachers", lt("ครูที่ผ่านการพัฒนา (คน)"), "int"),
    *(Column(group.value, label, "int") for group, label in GROUP_LABELS.items()),
    Column(NO_GROUP, lt("ไม่ระบุกลุ่ม"), "int"),
    Column("result", lt("ผลตามเป้าหมาย")),
]
COUNT_KEYS = [c.key for c in COLUMNS if c.kind == "int"]


def fiscal_year_choices(session: Session) -> list[tuple[str, str]]:
    """Return the fiscal years in which trainings started, and the current one, newest first."""
    years = {*targets.training_fiscal_years(session), fiscal_year(today())}
    return [(str(year), str(year)) for year in sorted(years, reverse=True)]


def result_text(target: targets.FieldTarget) -> str:
    """Say what a field lacks against its targets, or that it meets them."""
    missing = []
    if target.curricula_short:
        missing.append(t("ขาดหลักสูตร %(curricula_short)s", curricula_short=target.curricula_short))
    if target.teachers_short:
        missing.append(t("ขาดครู %(teachers_short)s คน", teachers_short=target.teachers_short))
    return " ".join(missing) if missing else str(MET)


class ExcellenceReport(ReportDefinition):
    """Teacher-development curricula and teachers trained per excellence field and group."""

    name = "excellence"
    title = lt("สาขาวิชาที่มีความเป็นเลิศ: หลักสูตรและการพัฒนาครู")
    description = lt(
        "หลักสูตรพัฒนาครูของแต่ละสาขา (เป้าหมายอย่างน้อย %(curriculum_target)s "
        "หลักสูตร) และครูที่ผ่านการพัฒนาในปีงบประมาณ (เป้าหมายอย่างน้อย "
        "%(teacher_target)s คนต่อสาขา) แยกตามกลุ่มของสถานศึกษา",
        curriculum_target=CURRICULUM_TARGET,
        teacher_target=TEACHER_TARGET,
    )
    landscape = True
    filters = (dataclasses.replace(report_filters.fiscal_year(), choices=fiscal_year_choices),)

    def build(self, session: Session, values: dict[str, Any], viewer: Viewer) -> Report:
        """Build the report for one fiscal year."""
        year = values.get("fiscal_year")
        if year is None:
            raise FilterError(t("ให้ระบุปีงบประมาณ"))
        first, last = fiscal_year_range(year)

        rows: list[dict[str, Any]] = []
        marks: dict[int, Any] = {}
        for target in targets.field_targets(session, year):
            hub = target.field.hub_college
            row: dict[str, Any] = {
                "field": target.field.name_th,
                "hub": hub.name_th if hub is not None else str(NO_HUB),
                "curricula": target.curricula,
                "other_curricula": target.other_curricula,
                **target.by_group,
                "teachers": target.teachers_trained,
                "result": result_text(target),
            }
            if target.below_target:
                marks[len(rows)] = "short"
            rows.append(row)

        totals = {key: sum(r[key] for r in rows) for key in COUNT_KEYS} if rows else None
        if totals is not None:
            short = len(marks)
            totals["result"] = t("ยังไม่ถึงเป้าหมาย %(short)s สาขา", short=short) if short else str(MET)
            totals["field"] = t("รวม")
        table = Table(
            COLUMNS,
            rows,
            title=t("หลักสูตรพัฒนาครูและครูที่ผ่านการพัฒนา ปีงบประมาณ %(year)s", year=year),
            totals=totals,
            marks=marks,
            legend=(
                t(
                    "แถวที่เน้นสี: สาขาที่ยังไม่ถึงเป้าหมาย (หลักสูตรพัฒนาครูอย่างน้อย "
                    "%(curriculum_target)s หลักสูตร และครูผ่านการพัฒนาอย่างน้อย "
                    "%(teacher_target)s คนต่อปี)",
                    curriculum_target=CURRICULUM_TARGET,
                    teacher_target=TEACHER_TARGET,
                )
            ),
            empty=t("ยังไม่มีสาขาวิชาที่มีความเป็นเลิศในระบบ"),
        )

        blocks: list[Block] = [table, Note(self.reading(session, year, first, last, totals))]
        if rows and len(rows) <= 15:
            blocks.append(
                Chart(
                    t(
                        "ครูที่ผ่านการพัฒนาแยกตามสาขา เทียบกับเป้าหมาย %(teacher_target)s คน",
                        teacher_target=TEACHER_TARGET,
                    ),
                    [r["field"] for r in rows],
                    [
                        (t("ครูที่ผ่านการพัฒนา"), [r["teachers"] for r in rows]),
                        (t("เป้าหมาย"), [TEACHER_TARGET] * len(rows)),
                    ],
                    unit=t("คน"),
                )
            )
        shown = [
            (f.label, report_filters.describe(f, session, values[f.name]))
            for f in self.filters
            if values.get(f.name) is not None
        ]
        return Report(self.name, self.title, shown, blocks, landscape=self.landscape)

    def reading(
        self, session: Session, year: int, first: Any, last: Any, totals: dict[str, Any] | None
    ) -> str:
        """Explain how teachers are counted, with the distinct total across all fields."""
        distinct_teachers = targets.distinct_teachers_trained(session, year)
        text = t(
            "นับครูที่อบรมครบตามหลักสูตรในการฝึกอบรมของสาขาที่เริ่มระหว่าง "
            "%(format_be)s ถึง %(format_be2)s ครูหนึ่งคนนับครั้งเดียวต่อสาขา "
            "กลุ่มตามกลุ่มของสถานศึกษาต้นสังกัดของครูในสาขานั้น ไม่ระบุกลุ่ม คือ "
            "สถานศึกษาของครูไม่ได้อยู่ในกลุ่มใดของสาขานั้นหรือไม่ทราบสถานศึกษา",
            format_be=format_be(first),
            format_be2=format_be(last),
        )
        if not distinct_teachers:
            text += t(" ยังไม่มีครูที่ผ่านการพัฒนาในปีงบประมาณนี้")
        elif totals is not None and distinct_teachers != totals["teachers"]:
            text += t(
                " ครูที่ผ่านการพัฒนามากกว่าหนึ่งสาขานับในทุกสาขาที่ผ่าน รวมไม่ซ้ำคน %(distinct_teachers)s คน",
                distinct_teachers=format(distinct_teachers, ","),
            )
        return text

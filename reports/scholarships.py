"""Scholarships of one academic year: the quota allocated against the awards made, per college.

How the figures are counted:

- Allocation (ทุนที่จัดสรร) is the sum of ScholarshipAllocation.quota for the academic year.
  An allocation either names a college (a quota for that college) or names none (a quota
  for the whole programme, not split among colleges: the reference data stores AY2566 this
  way, the demo adds per-college quotas for AY2567). A programme's allocation is the sum of
  both kinds. A college's own allocation is its named quota; when it has none but the
  programme holds a programme-wide quota that year, the college draws on that pool, so its
  allocation is shown blank (not zero) and no remaining figure is worked out for it. When
  the programme's quota is split among other colleges only, the college's allocation is 0.
  A programme with no allocation recorded for the year shows a blank allocation too: no
  record is not a quota of zero, so no shortfall is claimed.
- Awards (ผู้รับทุน) are the ScholarshipAward rows whose start_year is the academic year,
  whatever their status now: a student who dropped out still used a place of that year's
  quota. An award belongs to the college of its student (Student.college_id).
- Remaining (คงเหลือ) is allocation minus awards; below zero means more awards than places.

The figures are processes.targets.programme_allocations, the same lines the targets screen
and the home page show (the rule for which statuses count is there: all of them).

Special-needs status is sensitive personal data: the report shows counts only, never a
student.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models import Agency, AwardStatus, ScholarshipProgramme
from processes import targets
from processes.targets import AllocationLine
from reports import filters as report_filters
from reports.model import (
    Block,
    Chart,
    Column,
    Filter,
    FilterError,
    Mark,
    Note,
    Report,
    ReportDefinition,
    Table,
    Viewer,
)
from reports.words import lt, t

NO_COLLEGE = lt("ไม่ระบุสถานศึกษา")
POOLED = lt("ใช้โควตารวมของโครงการ")
NO_QUOTA = lt("ไม่มีข้อมูลการจัดสรรทุน")
ALL = lt("ทั้งหมด")
STATUSES = list(AwardStatus)
COUNT_KEYS = ["allocation", "awards", *(s.value for s in STATUSES), "remaining"]


# --------------------------------------------------------------------------- the filter


def parse_programme(session: Session, text: str) -> ScholarshipProgramme:
    """Find a programme by code (any case), Thai name or English name."""
    key = report_filters.clean(text)
    programme = session.scalar(
        select(ScholarshipProgramme).where(
            or_(
                func.lower(ScholarshipProgramme.code) == key.lower(),
                ScholarshipProgramme.name_th == key,
                func.lower(ScholarshipProgramme.name_en) == key.lower(),
            )
        )
    )
    if programme is None:
        names = ", ".join(
            session.scalars(select(ScholarshipProgramme.name_th).order_by(ScholarshipProgramme.id))
        )
        raise FilterError(t('ไม่พบโครงการทุน "%(text)s" (มี %(names)s)', text=text, names=names))
    return programme


def programme() -> Filter:
    """A scholarship programme, by code or by its Thai (or English) name."""
    return Filter(
        "programme",
        lt("โครงการทุน"),
        parse_programme,
        choices=lambda session: [
            (p.code, p.name_th)
            for p in session.scalars(select(ScholarshipProgramme).order_by(ScholarshipProgramme.id))
        ],
        describe=lambda session, value: value.name_th,
        help=lt("รหัสหรือชื่อโครงการทุน เช่น SCH-HVI หรือ ทุนนวัตกรรมสายอาชีพชั้นสูง"),
    )


# --------------------------------------------------------------------------- figures

BLANK_NOTES = {targets.POOLED: POOLED, targets.NO_QUOTA: NO_QUOTA}


def note_for(line: AllocationLine) -> tuple[str, Mark | None]:
    """Return what a reader should know about a row, and the mark that draws it."""
    if line.quota is None:
        return BLANK_NOTES.get(line.blank_because or "", ""), None
    if line.over:
        if line.quota == 0:
            return t(
                "ไม่มีทุนที่จัดสรร แต่มีผู้รับทุน %(awarded)s คน", awarded=format(line.awarded, ",")
            ), "short"
        return t("ผู้รับทุนเกินจำนวนที่จัดสรร %(excess)s คน", excess=format(line.excess, ",")), "short"
    return "", None


def row_of(name: str, line: AllocationLine) -> dict[str, Any]:
    """Turn a line into a table row, with the note that explains it."""
    row: dict[str, Any] = {
        "name": name,
        "allocation": line.quota,
        "awards": line.awarded,
        **{status.value: line.statuses.get(status.value, 0) for status in STATUSES},
        "remaining": line.remaining,
    }
    row["note"], _ = note_for(line)
    return row


def columns() -> list[Column]:
    """Return the table's columns."""
    labels = AwardStatus.labels()
    return [
        Column("name", t("โครงการทุน / สถานศึกษา")),
        Column("allocation", t("ทุนที่จัดสรร"), "int"),
        Column("awards", t("ผู้รับทุน"), "int"),
        *(Column(s.value, labels[s.value], "int") for s in STATUSES),
        Column("remaining", t("ทุนคงเหลือ"), "int"),
        Column("note", t("หมายเหตุ")),
    ]


class ScholarshipsReport(ReportDefinition):
    """Quota allocated against awards made, by programme and college, for an academic year."""

    name = "scholarships"
    title = lt("ทุนการศึกษา: จำนวนทุนที่จัดสรรเทียบกับผู้รับทุน")
    description = lt(
        "จำนวนทุนที่จัดสรรในปีการศึกษาเทียบกับจำนวนผู้รับทุนที่เริ่มรับทุนในปีนั้น "
        "แยกตามโครงการทุนและสถานศึกษา พร้อมสถานะกำลังศึกษา สำเร็จการศึกษา "
        "ออกกลางคัน และพักการศึกษา"
    )
    filters = (
        report_filters.academic_year(),
        programme(),
        report_filters.college(),
    )

    def build(self, session: Session, values: dict[str, Any], viewer: Viewer) -> Report:
        """Build the table, the chart and the notes for an academic year."""
        year = values.get("academic_year")
        if year is None:
            raise FilterError(t("ให้ระบุปีการศึกษา"))
        chosen_programme: ScholarshipProgramme | None = values.get("programme")
        college: Agency | None = values.get("college")

        lines = targets.programme_allocations(session, year)
        if chosen_programme is not None:
            lines = [line for line in lines if line.programme.id == chosen_programme.id]

        rows: list[dict[str, Any]] = []
        marks: dict[int, Mark] = {}
        chart_rows: list[tuple[str, AllocationLine]] = []
        for line in lines:
            if college is not None:
                # One college: its figures stand for the programme, no breakdown needed.
                if line.college is not None and line.college.id == college.id:
                    name = line.programme.name_th
                    self.add_row(rows, marks, row_of(name, line), note_for(line)[1])
                    chart_rows.append((name, line))
                continue
            if line.programme_total:
                name = line.programme.name_th
                self.add_row(rows, marks, row_of(name, line), "group")
                chart_rows.append((name, line))
            else:
                label = line.college.name_th if line.college is not None else str(NO_COLLEGE)
                self.add_row(rows, marks, row_of(label, line), note_for(line)[1])

        table = Table(
            columns(),
            rows,
            title=t("ทุนที่จัดสรรและผู้รับทุนที่เริ่มรับทุนในปีการศึกษา %(year)s", year=year),
            totals=self.totals(rows, marks) if rows else None,
            marks=marks,
            legend=(
                t("แถวที่เน้น: ผู้รับทุนเกินจำนวนทุนที่จัดสรร (ดูคอลัมน์หมายเหตุ)")
                if "short" in marks.values()
                else None
            ),
            empty=t("ไม่มีการจัดสรรทุนหรือผู้รับทุนในปีการศึกษา %(year)s ตามเงื่อนไขที่เลือก", year=year),
        )
        blocks: list[Block] = [table]
        if chart_rows:
            blocks.append(
                Chart(
                    title=t("ทุนที่จัดสรรเทียบกับผู้รับทุน ปีการศึกษา %(year)s", year=year),
                    labels=[name for name, _ in chart_rows],
                    series=[
                        (t("ทุนที่จัดสรร"), [float(line.quota or 0) for _, line in chart_rows]),
                        (t("ผู้รับทุน"), [float(line.awarded) for _, line in chart_rows]),
                    ],
                    unit=t("ทุน"),
                )
            )
        blocks.append(Note(self.how_counted(college is not None)))

        shown = [
            (t("ปีการศึกษา"), str(year)),
            (t("โครงการทุน"), chosen_programme.name_th if chosen_programme else str(ALL)),
            (t("สถานศึกษา"), college.name_th if college else str(ALL)),
        ]
        return Report(self.name, self.title, shown, blocks, landscape=self.landscape)

    # ------------------------------------------------------------------ rows

    @staticmethod
    def add_row(
        rows: list[dict[str, Any]], marks: dict[int, Mark], row: dict[str, Any], mark: Mark | None
    ) -> None:
        if mark is not None:
            marks[len(rows)] = mark
        rows.append(row)

    @staticmethod
    def totals(rows: list[dict[str, Any]], marks: dict[int, Mark]) -> dict[str, Any]:
        """Sum the programme rows (a college row is already inside its programme's row)."""
        has_groups = any(mark == "group" for mark in marks.values())
        top = [r for i, r in enumerate(rows) if not has_groups or marks.get(i) == "group"]
        totals: dict[str, Any] = {
            key: sum(r[key] for r in top if r[key] is not None) for key in COUNT_KEYS
        }
        totals["name"] = t("รวม")
        short = sum(
            -r["remaining"] for r in top if r["remaining"] is not None and r["remaining"] < 0
        )
        totals["note"] = (
            t("ผู้รับทุนเกินจำนวนที่จัดสรรรวม %(short)s คน", short=format(short, ",")) if short else ""
        )
        return totals

    @staticmethod
    def how_counted(one_college: bool) -> str:
        text = t(
            "ทุนที่จัดสรรคือโควตาของปีการศึกษาที่เลือก "
            "ทั้งที่จัดสรรให้สถานศึกษาและที่จัดสรรรวมระดับโครงการ "
            "ผู้รับทุนนับตามปีการศึกษาที่เริ่มรับทุน ทุกสถานะ "
            "และนับตามสถานศึกษาของผู้รับทุน ทุนคงเหลือคือทุนที่จัดสรรลบผู้รับทุน "
            "สถานศึกษาที่ไม่มีโควตาของตนเองแต่โครงการมีโควตารวมระดับโครงการ "
            "และโครงการที่ไม่มีข้อมูลการจัดสรรทุนในปีนั้น "
            "จะไม่แสดงทุนที่จัดสรรและทุนคงเหลือ"
        )
        if not one_college:
            text += t(" แถวโครงการรวมทุกสถานศึกษาของโครงการ และแถวรวมท้ายตารางรวมเฉพาะแถวโครงการ")
        return text + t(" รายงานนี้แสดงเฉพาะจำนวน ไม่แสดงข้อมูลรายบุคคลของผู้รับทุน")

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

Special-needs status is sensitive personal data: the report shows counts only, never a
student.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models import (
    Agency,
    AwardStatus,
    ScholarshipAllocation,
    ScholarshipAward,
    ScholarshipProgramme,
    Student,
)
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
from thai.text import thai_sort_key

NO_COLLEGE = "ไม่ระบุสถานศึกษา"
POOLED = "ใช้โควตารวมของโครงการ"
NO_QUOTA = "ไม่มีข้อมูลการจัดสรรทุน"
ALL = "ทั้งหมด"
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
        raise FilterError(f'ไม่พบโครงการทุน "{text}" (มี {names})')
    return programme


def programme() -> Filter:
    """A scholarship programme, by code or by its Thai (or English) name."""
    return Filter(
        "programme",
        "โครงการทุน",
        parse_programme,
        choices=lambda session: [
            (p.code, p.name_th)
            for p in session.scalars(select(ScholarshipProgramme).order_by(ScholarshipProgramme.id))
        ],
        describe=lambda session, value: value.name_th,
        help="รหัสหรือชื่อโครงการทุน เช่น SCH-HVI หรือ ทุนนวัตกรรมสายอาชีพชั้นสูง",
    )


# --------------------------------------------------------------------------- figures


@dataclass
class Figures:
    """Allocation and awards of one programme, or of one college within it."""

    allocation: int | None = 0
    # Why the allocation is blank, when it is.
    blank_because: str = ""
    statuses: dict[str, int] = field(
        default_factory=lambda: {status.value: 0 for status in STATUSES}
    )

    @property
    def awards(self) -> int:
        return sum(self.statuses.values())

    @property
    def remaining(self) -> int | None:
        return None if self.allocation is None else self.allocation - self.awards

    def leave_blank(self, because: str) -> None:
        self.allocation, self.blank_because = None, because


def note_for(figures: Figures) -> tuple[str, Mark | None]:
    """Return what a reader should know about a row, and the mark that draws it."""
    awards, remaining = figures.awards, figures.remaining
    if remaining is None:
        return figures.blank_because, None
    if remaining < 0:
        if figures.allocation == 0:
            return f"ไม่มีทุนที่จัดสรร แต่มีผู้รับทุน {awards:,} คน", "short"
        return f"ผู้รับทุนเกินจำนวนที่จัดสรร {-remaining:,} คน", "short"
    return "", None


def row_of(name: str, figures: Figures) -> dict[str, Any]:
    """Turn figures into a table row, with the note that explains them."""
    row: dict[str, Any] = {
        "name": name,
        "allocation": figures.allocation,
        "awards": figures.awards,
        **figures.statuses,
        "remaining": figures.remaining,
    }
    row["note"], _ = note_for(figures)
    return row


def columns() -> list[Column]:
    """Return the table's columns; about 13 width units on a portrait A4 page."""
    labels = AwardStatus.thai_labels()
    return [
        Column("name", "โครงการทุน / สถานศึกษา", width=4.2),
        Column("allocation", "ทุนที่จัดสรร", "int", 1.0),
        Column("awards", "ผู้รับทุน", "int", 0.9),
        *(Column(s.value, labels[s.value], "int", 1.0) for s in STATUSES),
        Column("remaining", "ทุนคงเหลือ", "int", 1.0),
        Column("note", "หมายเหตุ", width=2.6),
    ]


class ScholarshipsReport(ReportDefinition):
    """Quota allocated against awards made, by programme and college, for an academic year."""

    name = "scholarships"
    title = "ทุนการศึกษา: จำนวนทุนที่จัดสรรเทียบกับผู้รับทุน"
    description = (
        "จำนวนทุนที่จัดสรรในปีการศึกษาเทียบกับจำนวนผู้รับทุนที่เริ่มรับทุนในปีนั้น แยกตามโครงการทุนและ"
        "สถานศึกษา พร้อมสถานะกำลังศึกษา สำเร็จการศึกษา ออกกลางคัน และพักการศึกษา"
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
            raise FilterError("ให้ระบุปีการศึกษา")
        chosen_programme: ScholarshipProgramme | None = values.get("programme")
        college: Agency | None = values.get("college")

        quotas = self.quotas(session, year, chosen_programme)
        awards = self.awards(session, year, chosen_programme, college)
        if college is None:
            programme_ids = {p for p, _ in quotas} | {p for p, _ in awards}
        else:
            # Only the programmes this college has a quota or awards in.
            programme_ids = {p for p, c in quotas if c == college.id} | {p for p, _ in awards}
        programme_names = dict(
            session.execute(
                select(ScholarshipProgramme.id, ScholarshipProgramme.name_th).where(
                    ScholarshipProgramme.id.in_(sorted(programme_ids))
                )
            ).all()
        )
        college_ids = {c for _, c in awards} | {c for _, c in quotas}
        college_names = dict(
            session.execute(
                select(Agency.id, Agency.name_th).where(
                    Agency.id.in_([c for c in college_ids if c is not None])
                )
            ).all()
        )

        rows: list[dict[str, Any]] = []
        marks: dict[int, Mark] = {}
        chart_rows: list[tuple[str, Figures]] = []
        for programme_id in sorted(programme_ids):
            name = programme_names[programme_id]
            per_college = self.per_college(programme_id, quotas, awards)
            if college is not None:
                # One college: its figures stand for the programme, no breakdown needed.
                figures = per_college[college.id]
                self.add_row(rows, marks, row_of(name, figures), note_for(figures)[1])
                chart_rows.append((name, figures))
                continue
            whole = Figures(allocation=sum(q for (p, _), q in quotas.items() if p == programme_id))
            for figures in per_college.values():
                for status, count in figures.statuses.items():
                    whole.statuses[status] += count
            if not any(p == programme_id for p, _ in quotas):
                # Nothing recorded is not a quota of zero: no shortfall can be claimed.
                whole.leave_blank(NO_QUOTA)
            self.add_row(rows, marks, row_of(name, whole), "group")
            chart_rows.append((name, whole))
            ordered = sorted(
                per_college.items(),
                key=lambda item: (item[0] is None, thai_sort_key(college_names.get(item[0], ""))),
            )
            for college_id, figures in ordered:
                label = college_names.get(college_id, NO_COLLEGE)
                self.add_row(rows, marks, row_of(label, figures), note_for(figures)[1])

        table = Table(
            columns(),
            rows,
            title=f"ทุนที่จัดสรรและผู้รับทุนที่เริ่มรับทุนในปีการศึกษา {year}",
            totals=self.totals(rows, marks) if rows else None,
            marks=marks,
            legend=(
                "แถวที่เน้น: ผู้รับทุนเกินจำนวนทุนที่จัดสรร (ดูคอลัมน์หมายเหตุ)"
                if "short" in marks.values()
                else None
            ),
            empty=f"ไม่มีการจัดสรรทุนหรือผู้รับทุนในปีการศึกษา {year} ตามเงื่อนไขที่เลือก",
        )
        blocks: list[Block] = [table]
        if chart_rows:
            blocks.append(
                Chart(
                    title=f"ทุนที่จัดสรรเทียบกับผู้รับทุน ปีการศึกษา {year}",
                    labels=[name for name, _ in chart_rows],
                    series=[
                        ("ทุนที่จัดสรร", [float(f.allocation or 0) for _, f in chart_rows]),
                        ("ผู้รับทุน", [float(f.awards) for _, f in chart_rows]),
                    ],
                    unit="ทุน",
                )
            )
        blocks.append(Note(self.how_counted(college is not None)))

        shown = [
            ("ปีการศึกษา", str(year)),
            ("โครงการทุน", chosen_programme.name_th if chosen_programme else ALL),
            ("สถานศึกษา", college.name_th if college else ALL),
        ]
        return Report(self.name, self.title, shown, blocks, landscape=self.landscape)

    # ------------------------------------------------------------------ queries

    @staticmethod
    def quotas(
        session: Session, year: int, chosen: ScholarshipProgramme | None
    ) -> dict[tuple[int, int | None], int]:
        """Return the quota per (programme, college or None for programme-wide).

        Never narrowed to one college: whether a college draws on a programme-wide quota,
        or on none, depends on the programme's other allocations.
        """
        allocation = ScholarshipAllocation
        query = (
            select(allocation.programme_id, allocation.college_id, func.sum(allocation.quota))
            .where(allocation.academic_year == year)
            .group_by(allocation.programme_id, allocation.college_id)
        )
        if chosen is not None:
            query = query.where(allocation.programme_id == chosen.id)
        return {(p, c): int(q or 0) for p, c, q in session.execute(query)}

    @staticmethod
    def awards(
        session: Session,
        year: int,
        chosen: ScholarshipProgramme | None,
        college: Agency | None,
    ) -> dict[tuple[int, int | None], dict[str, int]]:
        """Return the number of awards per (programme, college) and status."""
        award = ScholarshipAward
        query = (
            select(award.programme_id, Student.college_id, award.status, func.count(award.id))
            .join(Student, Student.id == award.student_id)
            .where(award.start_year == year)
            .group_by(award.programme_id, Student.college_id, award.status)
        )
        if chosen is not None:
            query = query.where(award.programme_id == chosen.id)
        if college is not None:
            query = query.where(Student.college_id == college.id)
        found: dict[tuple[int, int | None], dict[str, int]] = defaultdict(dict)
        for programme_id, college_id, status, count in session.execute(query):
            found[programme_id, college_id][status] = count
        return found

    @staticmethod
    def per_college(
        programme_id: int,
        quotas: dict[tuple[int, int | None], int],
        awards: dict[tuple[int, int | None], dict[str, int]],
    ) -> dict[int | None, Figures]:
        """Return the figures of each college with a quota or awards in a programme."""
        result: dict[int | None, Figures] = {}
        for (p, college_id), quota in quotas.items():
            if p == programme_id and college_id is not None:
                result[college_id] = Figures(allocation=quota)
        for (p, college_id), statuses in awards.items():
            if p != programme_id:
                continue
            figures = result.get(college_id)
            if figures is None:
                figures = result[college_id] = Figures()
                # No quota of its own: it draws on a programme-wide quota, or has none at all
                # (a quota of 0 when the programme's quota is split among other colleges).
                if (programme_id, None) in quotas:
                    figures.leave_blank(POOLED)
                elif not any(p == programme_id for p, _ in quotas):
                    figures.leave_blank(NO_QUOTA)
            for status, count in statuses.items():
                figures.statuses[status] += count
        return result

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
        totals["name"] = "รวม"
        short = sum(
            -r["remaining"] for r in top if r["remaining"] is not None and r["remaining"] < 0
        )
        totals["note"] = f"ผู้รับทุนเกินจำนวนที่จัดสรรรวม {short:,} คน" if short else ""
        return totals

    @staticmethod
    def how_counted(one_college: bool) -> str:
        text = (
            "ทุนที่จัดสรรคือโควตาของปีการศึกษาที่เลือก ทั้งที่จัดสรรให้สถานศึกษาและที่จัดสรรรวมระดับโครงการ "
            "ผู้รับทุนนับตามปีการศึกษาที่เริ่มรับทุน ทุกสถานะ และนับตามสถานศึกษาของผู้รับทุน "
            "ทุนคงเหลือคือทุนที่จัดสรรลบผู้รับทุน สถานศึกษาที่ไม่มีโควตาของตนเองแต่โครงการมีโควตารวม"
            "ระดับโครงการ และโครงการที่ไม่มีข้อมูลการจัดสรรทุนในปีนั้น จะไม่แสดงทุนที่จัดสรรและทุนคงเหลือ"
        )
        if not one_college:
            text += " แถวโครงการรวมทุกสถานศึกษาของโครงการ และแถวรวมท้ายตารางรวมเฉพาะแถวโครงการ"
        return text + " รายงานนี้แสดงเฉพาะจำนวน ไม่แสดงข้อมูลรายบุคคลของผู้รับทุน"

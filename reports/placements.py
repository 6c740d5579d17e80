"""Teachers' industry placements of one fiscal year, per college, with the round's budget.

What "reached a step" means: a placement's status is where it is now, and PlacementStep's
main line (PLACEMENT_PROGRESS: applied, eligible, oriented, in placement, tested,
college report, lessons learned, post report) is ordered, so a placement whose status is
at or after a step on that line has passed that step. Not eligible, withdrawn and rejected
are off the line: such a placement counts as an application and in no reached-step
column (its status no longer says how far it got).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from models import (
    PLACEMENT_PROGRESS,
    Agency,
    ExamResult,
    Placement,
    PlacementRound,
    PlacementStep,
    Province,
    Region,
    RoundStep,
    Teacher,
    steps_from,
)
from processes.placement_rules import post_report_due_clause
from reports import filters as report_filters
from reports.model import (
    Block,
    Chart,
    Column,
    Facts,
    FilterError,
    Note,
    Report,
    ReportDefinition,
    Table,
    Viewer,
)
from reports.words import lt, t
from thai.dates import fiscal_year_range, format_be
from thai.text import thai_sort_key

NO_COLLEGE = lt("ไม่ระบุสถานศึกษา")
NO_PROVINCE = lt("ไม่ระบุจังหวัด")
NO_REGION = lt("ไม่ระบุภาค")

# The steps as the printout names them (in its language).
STEP_LABELS = {
    PlacementStep.APPLIED: lt("สมัคร"),
    PlacementStep.ELIGIBLE: lt("มีคุณสมบัติ"),
    PlacementStep.ORIENTED: lt("ปฐมนิเทศ"),
    PlacementStep.IN_PLACEMENT: lt("ฝึกในสถานประกอบการ"),
    PlacementStep.TESTED: lt("ทดสอบสมรรถนะ"),
    PlacementStep.COLLEGE_REPORT: lt("สถานศึกษารายงานผล"),
    PlacementStep.LESSONS_LEARNED: lt("ถอดบทเรียน"),
    PlacementStep.POST_REPORT: lt("รายงานหลังการพัฒนา"),
    PlacementStep.NOT_ELIGIBLE: lt("ไม่มีคุณสมบัติ"),
    PlacementStep.WITHDRAWN: lt("สละสิทธิ์"),
    PlacementStep.REJECTED: lt("ไม่ผ่านการพิจารณา"),
}
OFF_LINE_STEPS = (PlacementStep.NOT_ELIGIBLE, PlacementStep.WITHDRAWN, PlacementStep.REJECTED)

COLUMNS = [
    Column("province", lt("จังหวัด")),
    Column("college", lt("สถานศึกษา")),
    Column("applications", lt("ผู้สมัคร"), "int"),
    Column("on_time", lt("สมัครทันกำหนด"), "int"),
    Column("late", lt("สมัครหลังกำหนด"), "int"),
    Column("eligible", lt("มีคุณสมบัติ"), "int"),
    Column("oriented", lt("ปฐมนิเทศแล้ว"), "int"),
    Column("in_placement", lt("ฝึกในสถานประกอบการ"), "int"),
    Column("tested", lt("ทดสอบแล้ว"), "int"),
    Column("passed", lt("ผ่านการทดสอบ"), "int"),
    Column("pass_rate", lt("ร้อยละที่ผ่าน"), "percent"),
    Column("clips", lt("ส่งคลิปแล้ว"), "int"),
    Column("logbooks", lt("ส่งสมุดบันทึกแล้ว"), "int"),
    Column("post_reports_due", lt("ค้างส่งรายงานหลังการพัฒนา"), "int"),
    Column("budget", lt("งบประมาณ (บาท)"), "money"),
]
READING = lt(
    "ช่องตามขั้นตอน (มีคุณสมบัติ ปฐมนิเทศแล้ว ฝึกในสถานประกอบการ "
    "ทดสอบแล้ว) นับครูที่ผ่านขั้นนั้นมาแล้ว ไม่รวมผู้ที่ไม่มีคุณสมบัติ "
    "สละสิทธิ์ หรือไม่ผ่านการพิจารณา  สมัครหลังกำหนด คือ "
    "ส่งใบสมัครหลังวันสิ้นสุดการรับสมัคร  "
    "ร้อยละที่ผ่านคิดจากผู้ที่มีผลการทดสอบแล้ว  ค้างส่งรายงานหลังการพัฒนา "
    "คือ ครูที่ทดสอบแล้วแต่สำนักยังไม่ได้รับรายงานหลังการพัฒนา"
)
# Counted per college but not printed as columns.
HIDDEN_KEYS = ("undated", "results")
COUNT_KEYS = [c.key for c in COLUMNS if c.kind == "int"]


def count_where(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """Return SUM(CASE WHEN condition THEN 1 ELSE 0 END): a count that works in any GROUP BY."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def reached(step: PlacementStep) -> ColumnElement[bool]:
    """Return the condition 'the placement is at this step of the main line or past it'."""
    return Placement.status.in_(steps_from(step))


def post_report_due() -> ColumnElement[bool]:
    """Return the condition 'the teacher still owes the report after the development'.

    The one rule the lists and the home page use too (processes.placement_rules).
    """
    return post_report_due_clause()


def money(value: Decimal) -> str:
    return t("%(value)s บาท", value=format(value, ",.2f"))


def to_decimal(value: Any) -> Decimal:
    """Return a sum of money to the satang; SUM() over no rows is NULL, i.e. nothing spent."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(Decimal("0.01"))


def pass_rate(passed: int, results: int) -> float | None:
    """Return the percentage passed of the tests with a result; None when none has one."""
    return round(passed * 100 / results, 1) if results else None


class PlacementsReport(ReportDefinition):
    """Applications, progress, tests, evidence and budget of a placement round per college."""

    name = "placements"
    title = lt("สรุปการฝึกประสบการณ์ในสถานประกอบการของครู")
    description = lt(
        "จำนวนผู้สมัครแยกตามสถานศึกษา การสมัครทันหรือหลังกำหนด "
        "ความก้าวหน้าตามขั้นตอน ผลการทดสอบ คลิปและสมุดบันทึกที่ได้รับ "
        "รายงานหลังการพัฒนาที่ยังค้าง และงบประมาณ"
    )
    landscape = True
    filters = (
        report_filters.fiscal_year(),
        report_filters.region(),
        report_filters.province(),
        report_filters.college(),
    )

    def build(self, session: Session, values: dict[str, Any], viewer: Viewer) -> Report:
        """Build the report for a fiscal year's round, optionally narrowed to a place."""
        year = values.get("fiscal_year")
        if year is None:
            raise FilterError(t("ให้ระบุปีงบประมาณ"))
        placement_round = session.scalar(
            select(PlacementRound).where(PlacementRound.fiscal_year == year)
        )
        if placement_round is None:
            raise FilterError(t("ไม่มีรอบการฝึกประสบการณ์ปีงบประมาณ %(year)s", year=year))

        scope = Scope(placement_round, values)
        table, undated = self.college_table(session, scope)
        blocks: list[Block] = [self.round_facts(session, placement_round), table, Note(READING)]
        if undated:
            blocks.append(
                Note(
                    t(
                        "ผู้สมัคร %(undated)s รายไม่มีวันเวลาที่สมัคร จึงไม่นับในช่องสมัครทันกำหนดหรือสมัครหลังกำหนด",
                        undated=format(undated, ","),
                    )
                )
            )
        blocks.append(self.step_chart(session, scope))
        region_chart = self.region_chart(session, scope)
        if region_chart is not None:
            blocks.append(region_chart)

        shown = [
            (f.label, report_filters.describe(f, session, values[f.name]))
            for f in self.filters
            if values.get(f.name) is not None
        ]
        return Report(self.name, self.title, shown, blocks, landscape=self.landscape)

    # ------------------------------------------------------------------ blocks

    def college_table(self, session: Session, scope: Scope) -> tuple[Table, int]:
        """Return the per-college table and how many applications carry no time stamp."""
        applied_at = Placement.applied_at
        counts = {
            "applications": func.count(Placement.id),
            "on_time": count_where(applied_at < scope.cutoff),
            "late": count_where(applied_at >= scope.cutoff),
            "undated": count_where(applied_at.is_(None)),
            "eligible": count_where(reached(PlacementStep.ELIGIBLE)),
            "oriented": count_where(reached(PlacementStep.ORIENTED)),
            "in_placement": count_where(reached(PlacementStep.IN_PLACEMENT)),
            "tested": count_where(reached(PlacementStep.TESTED)),
            "passed": count_where(Placement.test_result == ExamResult.PASSED.value),
            "results": count_where(Placement.test_result.is_not(None)),
            "clips": count_where(and_(Placement.clip_url.is_not(None), Placement.clip_url != "")),
            "logbooks": count_where(Placement.logbook_received.is_(True)),
            "post_reports_due": count_where(post_report_due()),
            "budget": func.sum(Placement.budget),
        }
        query = scope.select(
            scope.college.id.label("college_id"),
            scope.college.name_th.label("college"),
            scope.province.name_th.label("province"),
            *(expr.label(key) for key, expr in counts.items()),
        ).group_by(scope.college.id, scope.college.name_th, scope.province.name_th)

        rows: list[dict[str, Any]] = []
        for found in session.execute(query).mappings():
            row = {key: found[key] for key in counts}
            row["budget"] = to_decimal(found["budget"])
            row["pass_rate"] = pass_rate(row["passed"], row["results"])
            row["college"] = found["college"] or str(NO_COLLEGE)
            row["province"] = found["province"] or str(NO_PROVINCE)
            rows.append(row)
        # Unknown places last; Thai names in dictionary order, which SQL's ORDER BY is not.
        rows.sort(
            key=lambda r: (
                r["province"] == str(NO_PROVINCE),
                thai_sort_key(r["province"]),
                r["college"] == str(NO_COLLEGE),
                thai_sort_key(r["college"]),
            )
        )

        totals: dict[str, Any] | None = None
        if rows:
            totals = {key: sum(r[key] for r in rows) for key in (*COUNT_KEYS, *HIDDEN_KEYS)}
            totals["budget"] = sum((r["budget"] for r in rows), Decimal("0.00"))
            totals["pass_rate"] = pass_rate(totals["passed"], totals.pop("results"))
            totals["province"] = t("รวม")
        undated = totals.pop("undated") if totals else 0
        for row in rows:
            for key in HIDDEN_KEYS:
                del row[key]
        table = Table(
            COLUMNS,
            rows,
            title=t("จำนวนครูแยกตามสถานศึกษา"),
            totals=totals,
            empty=t(
                "ไม่มีผู้สมัครในรอบปีงบประมาณ %(fiscal_year)s ตามเงื่อนไขที่เลือก",
                fiscal_year=scope.round.fiscal_year,
            ),
        )
        return table, undated

    def round_facts(self, session: Session, placement_round: PlacementRound) -> Facts:
        """Return the round's title, dates and budget against what has been allocated."""
        allocated = to_decimal(
            session.scalar(
                select(func.sum(Placement.budget)).where(Placement.round_id == placement_round.id)
            )
        )
        first, last = fiscal_year_range(placement_round.fiscal_year)
        year = f"{placement_round.fiscal_year} ({format_be(first)} - {format_be(last)})"
        pairs = [(t("โครงการ"), placement_round.title), (t("ปีงบประมาณ"), year)]
        if placement_round.letter_ref:
            pairs.append((t("หนังสืออ้างอิง"), placement_round.letter_ref))
        pairs.append(
            (
                t("กำหนดส่งใบสมัคร"),
                t(
                    "ภายในวันที่ %(format_be)s",
                    format_be=format_be(placement_round.application_deadline, "long"),
                ),
            )
        )
        post_report = session.scalar(
            select(RoundStep).where(
                RoundStep.round_id == placement_round.id,
                RoundStep.step == PlacementStep.POST_REPORT.value,
            )
        )
        if post_report is not None and post_report.starts_on is not None:
            window = format_be(post_report.starts_on)
            if post_report.ends_on is not None:
                window += f" - {format_be(post_report.ends_on)}"
            pairs.append((t("กำหนดส่งรายงานหลังการพัฒนา"), window))
        if placement_round.budget is not None:
            budget = to_decimal(placement_round.budget)
            pairs.append((t("งบประมาณของรอบ"), money(budget)))
            pairs.append((t("จัดสรรให้ครูแล้ว (ทั้งรอบ)"), money(allocated)))
            pairs.append((t("คงเหลือ"), money(budget - allocated)))
        else:
            pairs.append((t("งบประมาณของรอบ"), t("ยังไม่ได้บันทึก")))
            pairs.append((t("จัดสรรให้ครูแล้ว (ทั้งรอบ)"), money(allocated)))
        return Facts(pairs, title=t("รอบการฝึกประสบการณ์"))

    def step_chart(self, session: Session, scope: Scope) -> Chart:
        """Return, per step, how many placements are there now and how many got that far."""
        query = scope.select(Placement.status, func.count(Placement.id)).group_by(Placement.status)
        now = {status: count for status, count in session.execute(query)}
        labels = [STEP_LABELS[step] for step in (*PLACEMENT_PROGRESS, *OFF_LINE_STEPS)]
        at_step = [now.get(s.value, 0) for s in (*PLACEMENT_PROGRESS, *OFF_LINE_STEPS)]
        got_there = [
            sum(now.get(value, 0) for value in steps_from(step)) for step in PLACEMENT_PROGRESS
        ]
        # Everyone applied, wherever they are now; an exit is reached only by being there.
        got_there[0] = sum(now.values())
        got_there += [now.get(s.value, 0) for s in OFF_LINE_STEPS]
        return Chart(
            t("จำนวนครูตามขั้นตอนการฝึกประสบการณ์"),
            labels,
            [(t("ผ่านขั้นนี้มาแล้ว"), got_there), (t("อยู่ที่ขั้นนี้ในปัจจุบัน"), at_step)],
            unit=t("คน"),
        )

    def region_chart(self, session: Session, scope: Scope) -> Chart | None:
        """Return on-time and late applications per region, when more than one region shows."""
        query = scope.select(
            scope.region.id,
            scope.region.name_th,
            count_where(Placement.applied_at < scope.cutoff),
            count_where(Placement.applied_at >= scope.cutoff),
        ).group_by(scope.region.id, scope.region.name_th)
        found = sorted(session.execute(query).all(), key=lambda r: (r[0] is None, r[0] or 0))
        if len(found) < 2:
            return None
        return Chart(
            t("การส่งใบสมัครแยกตามภาค"),
            [name or str(NO_REGION) for _, name, _, _ in found],
            [
                (t("ทันกำหนด"), [on_time for _, _, on_time, _ in found]),
                (t("หลังกำหนด"), [late for _, _, _, late in found]),
            ],
            unit=t("คน"),
        )


class Scope:
    """The placements a report covers: one round, optionally one region, province or college."""

    def __init__(self, placement_round: PlacementRound, values: dict[str, Any]) -> None:
        self.round = placement_round
        # Applications stamped on the deadline day count as on time, whatever the hour.
        self.cutoff = dt.datetime.combine(
            placement_round.application_deadline + dt.timedelta(days=1), dt.time.min
        )
        self.values = values
        self.college = aliased(Agency, name="college")
        self.province = aliased(Province, name="college_province")
        self.region = aliased(Region, name="college_region")

    def select(self, *columns: Any) -> Select[Any]:
        """Return SELECT columns over the round's placements joined to their college's place."""
        # The placement's own college, else the teacher's (rows imported before the
        # college was recorded on the placement).
        college_id = func.coalesce(Placement.college_id, Teacher.college_id)
        query = (
            select(*columns)
            .select_from(Placement)
            .join(Teacher, Teacher.id == Placement.teacher_id)
            .outerjoin(self.college, self.college.id == college_id)
            .outerjoin(self.province, self.province.id == self.college.province_id)
            .outerjoin(self.region, self.region.id == self.province.region_id)
            .where(Placement.round_id == self.round.id)
        )
        if self.values.get("region") is not None:
            query = query.where(self.region.id == self.values["region"].id)
        if self.values.get("province") is not None:
            query = query.where(self.province.id == self.values["province"].id)
        if self.values.get("college") is not None:
            query = query.where(self.college.id == self.values["college"].id)
        return query

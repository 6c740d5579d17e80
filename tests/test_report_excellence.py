"""The excellence report: curricula and teachers trained per field against their targets."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from helpers import build_with
from sqlalchemy import event, select

from models import (
    Agency,
    CollegeFieldGroup,
    Curriculum,
    ExcellenceField,
    Teacher,
    Training,
    TrainingAttendance,
    db,
)
from reports import excellence
from reports.excellence import ExcellenceReport
from reports.model import Chart, FilterError, Note, Report, Table, Viewer
from thai.nid import make_national_id

FY2568_FIRST = dt.date(2024, 10, 1)
FY2568_LAST = dt.date(2025, 9, 30)
AUTO = "ยานยนต์สมัยใหม่"
DIGI = "ดิจิทัล"
LOGI = "โลจิสติกส์"
_serial = itertools.count(1)


@pytest.fixture
def session(app, reference):
    with app.app_context():
        yield db.session


def build(session, **texts: str) -> Report:
    return build_with(ExcellenceReport(), session, texts)


def table_of(report: Report) -> Table:
    (table,) = [b for b in report.blocks if isinstance(b, Table)]
    return table


def rows_by_field(report: Report) -> dict[str, dict]:
    return {row["field"]: row for row in table_of(report).rows}


def field(session, code: str) -> ExcellenceField:
    return session.scalar(select(ExcellenceField).where(ExcellenceField.code == code))


def college(session, code: str) -> Agency:
    agency = Agency(code=code, name_th=f"วิทยาลัยทดสอบ {code}", kind="college")
    session.add(agency)
    return agency


def teachers(session, where: Agency | None, how_many: int) -> list[Teacher]:
    found = []
    for _ in range(how_many):
        n = next(_serial)
        found.append(
            Teacher(
                national_id=make_national_id(f"3{n:011d}"),
                first_name=f"ครู{n}",
                last_name="ทดสอบ",
                college=where,
            )
        )
    session.add_all(found)
    return found


def training(
    session, of: ExcellenceField, start_on: dt.date, people: list[Teacher], completed=True
) -> Training:
    course = Training(title=f"อบรม {of.code} {start_on}", excellence_field=of, start_on=start_on)
    course.attendances = [TrainingAttendance(teacher=t, completed=completed) for t in people]
    session.add(course)
    return course


def curriculum(session, code: str, of: ExcellenceField | None, kind="teacher_development"):
    session.add(Curriculum(code=code, title=f"หลักสูตร {code}", kind=kind, excellence_field=of))


@pytest.fixture
def colleges(session):
    """A hub (Excellence Center), an Expert and a Standard college for the automotive field."""
    auto = field(session, "EF-AUTO")
    found = {tier: college(session, code) for tier, code in (
        ("excellence_center", "C0001"), ("expert", "C0002"), ("standard", "C0003")
    )}  # fmt: skip
    found["none"] = college(session, "C0004")
    auto.hub_college = found["excellence_center"]
    for tier in ("excellence_center", "expert", "standard"):
        auto.college_groups.append(CollegeFieldGroup(college=found[tier], tier=tier))
    session.flush()
    return found


# --------------------------------------------------------------------------- the year


def test_the_report_needs_a_fiscal_year(session):
    with pytest.raises(FilterError):
        ExcellenceReport().build(session, {"fiscal_year": None}, Viewer())


def test_every_field_is_listed_with_its_hub_even_with_nothing_done(session, colleges):
    session.commit()
    report = build(session, fiscal_year="2568")
    assert report.title == "สาขาวิชาที่มีความเป็นเลิศ: หลักสูตรและการพัฒนาครู"
    assert report.filters == [("ปีงบประมาณ", "2568")]
    rows = rows_by_field(report)
    assert len(rows) == 8  # the reference data's fields
    assert rows[AUTO]["hub"] == "วิทยาลัยทดสอบ C0001"
    assert rows[LOGI]["hub"] == "ยังไม่กำหนด"
    assert rows[LOGI]["result"] == "ขาดหลักสูตร 1 ขาดครู 20 คน"


# --------------------------------------------------------------------------- curricula


def test_only_teacher_development_curricula_count_toward_the_target(session):
    auto, digi = field(session, "EF-AUTO"), field(session, "EF-DIGI")
    curriculum(session, "TD-1", auto)
    curriculum(session, "TD-2", auto)
    curriculum(session, "PWS-1", digi, kind="higher_vocational")
    curriculum(session, "SC-1", None, kind="short_course")
    session.commit()
    rows = rows_by_field(build(session, fiscal_year="2568"))
    assert (rows[AUTO]["curricula"], rows[AUTO]["other_curricula"]) == (2, 0)
    assert (rows[DIGI]["curricula"], rows[DIGI]["other_curricula"]) == (0, 1)
    assert rows[DIGI]["result"].startswith("ขาดหลักสูตร 1")


# --------------------------------------------------------------------------- teachers


def test_teachers_trained_count_once_per_field_within_the_fiscal_year(session, colleges):
    auto = field(session, "EF-AUTO")
    people = teachers(session, colleges["expert"], 4)
    training(session, auto, FY2568_FIRST, people[:2])
    training(session, auto, FY2568_LAST, people[:3])  # two of them again: counted once
    training(session, auto, FY2568_FIRST - dt.timedelta(days=1), people[3:])  # FY2567
    training(session, auto, dt.date(2025, 1, 15), people[3:], completed=False)
    session.commit()
    row = rows_by_field(build(session, fiscal_year="2568"))[AUTO]
    assert row["teachers"] == 3
    assert row["expert"] == 3
    assert rows_by_field(build(session, fiscal_year="2567"))[AUTO]["teachers"] == 1


def test_teachers_are_split_by_their_colleges_group_in_that_field(session, colleges):
    auto, digi = field(session, "EF-AUTO"), field(session, "EF-DIGI")
    center = teachers(session, colleges["excellence_center"], 2)
    expert = teachers(session, colleges["expert"], 3)
    standard = teachers(session, colleges["standard"], 4)
    outside = teachers(session, colleges["none"], 1) + teachers(session, None, 1)
    training(session, auto, dt.date(2025, 3, 1), center + expert + standard + outside)
    # The same colleges have no group in the digital field.
    training(session, digi, dt.date(2025, 3, 1), center)
    session.commit()
    rows = rows_by_field(build(session, fiscal_year="2568"))
    auto_row = rows[AUTO]
    assert (auto_row["excellence_center"], auto_row["expert"], auto_row["standard"]) == (2, 3, 4)
    assert auto_row["no_group"] == 2
    assert auto_row["teachers"] == 11
    assert (rows[DIGI]["no_group"], rows[DIGI]["teachers"]) == (2, 2)
    columns = {c.key: c.title for c in table_of(build(session, fiscal_year="2568")).columns}
    assert columns["no_group"] == "ไม่ระบุกลุ่ม"
    assert columns["excellence_center"] == "กลุ่มความเป็นเลิศ"


# --------------------------------------------------------------------------- targets


def test_fields_short_of_a_target_are_marked_and_say_what_they_lack(session, colleges):
    auto, digi = field(session, "EF-AUTO"), field(session, "EF-DIGI")
    curriculum(session, "TD-AUTO", auto)
    curriculum(session, "TD-DIGI", digi)
    training(session, auto, dt.date(2025, 5, 1), teachers(session, colleges["expert"], 20))
    training(session, digi, dt.date(2025, 5, 1), teachers(session, colleges["expert"], 15))
    session.commit()
    table = table_of(build(session, fiscal_year="2568"))
    rows = {row["field"]: row for row in table.rows}
    assert rows[AUTO]["result"] == "ครบตามเป้าหมาย"
    assert rows[DIGI]["result"] == "ขาดครู 5 คน"
    assert rows[LOGI]["result"] == "ขาดหลักสูตร 1 ขาดครู 20 คน"
    index = {row["field"]: i for i, row in enumerate(table.rows)}
    assert index[AUTO] not in table.marks
    assert table.marks[index[DIGI]] == table.marks[index[LOGI]] == "short"
    assert len(table.marks) == 7
    assert "20" in table.legend and "ยังไม่ถึงเป้าหมาย" in table.legend
    assert table.totals["curricula"] == 2
    assert table.totals["teachers"] == 35
    assert table.totals["result"] == "ยังไม่ถึงเป้าหมาย 7 สาขา"


def test_a_teacher_trained_in_two_fields_counts_in_both_and_once_overall(session, colleges):
    auto, digi = field(session, "EF-AUTO"), field(session, "EF-DIGI")
    both = teachers(session, colleges["expert"], 2)
    training(session, auto, dt.date(2025, 5, 1), both)
    training(session, digi, dt.date(2025, 6, 1), both + teachers(session, None, 1))
    session.commit()
    report = build(session, fiscal_year="2568")
    assert table_of(report).totals["teachers"] == 5
    notes = " ".join(b.text for b in report.blocks if isinstance(b, Note))
    assert "รวมไม่ซ้ำคน 3 คน" in notes
    assert "1 ต.ค. 2567" in notes and "30 ก.ย. 2568" in notes


def test_the_chart_sets_each_fields_teachers_against_the_target(session, colleges):
    training(session, field(session, "EF-AUTO"), dt.date(2025, 5, 1), teachers(session, None, 3))
    session.commit()
    (chart,) = [b for b in build(session, fiscal_year="2568").blocks if isinstance(b, Chart)]
    assert len(chart.labels) == 8 <= 15
    series = dict(chart.series)
    assert series["ครูที่ผ่านการพัฒนา"][chart.labels.index(AUTO)] == 3
    assert set(series["เป้าหมาย"]) == {20}


def test_without_fields_the_table_says_so(session):
    for row in session.scalars(select(ExcellenceField)):
        session.delete(row)
    session.commit()
    report = build(session, fiscal_year="2568")
    table = table_of(report)
    assert table.rows == [] and table.totals is None
    assert "สาขาวิชาที่มีความเป็นเลิศ" in table.empty
    assert not [b for b in report.blocks if isinstance(b, Chart)]


# --------------------------------------------------------------------------- filter and queries


def test_the_year_choices_are_the_years_with_trainings_and_this_one(session, monkeypatch):
    monkeypatch.setattr(excellence, "today", lambda: dt.date(2025, 12, 1))
    auto = field(session, "EF-AUTO")
    training(session, auto, dt.date(2023, 10, 1), [])
    training(session, auto, dt.date(2023, 9, 30), [])
    session.commit()
    (year,) = ExcellenceReport.filters
    assert [value for value, _ in year.choices(session)] == ["2569", "2567", "2566"]


def test_counts_come_from_grouped_queries_not_one_query_per_field(session, colleges):
    def statements() -> int:
        seen: list[str] = []
        engine = session.get_bind()

        def count(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            build(session, fiscal_year="2568")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    few = statements()
    for code in range(10):
        extra = ExcellenceField(code=f"EF-X{code}", name_th=f"สาขาทดสอบ {code}")
        curriculum(session, f"TD-X{code}", extra)
        training(session, extra, dt.date(2025, 5, 1), teachers(session, colleges["expert"], 3))
    session.commit()
    assert statements() == few

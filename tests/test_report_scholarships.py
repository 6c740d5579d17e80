"""The scholarships report: allocations against awards per programme and college."""

from __future__ import annotations

import itertools

import pytest
from helpers import strings_of
from sqlalchemy import func, select

from models import (
    Agency,
    AwardStatus,
    ScholarshipAllocation,
    ScholarshipAward,
    ScholarshipProgramme,
    Student,
    db,
)
from reports.model import Chart, FilterError, Note, Table, Viewer
from reports.scholarships import NO_QUOTA, POOLED, ScholarshipsReport

YEAR = 2567
STATUS_KEYS = [s.value for s in AwardStatus]
_numbers = itertools.count(1)


def programme(code: str) -> ScholarshipProgramme:
    return db.session.scalar(select(ScholarshipProgramme).where(ScholarshipProgramme.code == code))


def college(code: str, name: str) -> Agency:
    agency = Agency(code=code, name_th=name, kind="college")
    db.session.add(agency)
    return agency


def award(
    programme: ScholarshipProgramme,
    college: Agency | None,
    year: int,
    status: AwardStatus = AwardStatus.STUDYING,
    *,
    special_needs: bool = False,
    first_name: str = "นักเรียน",
) -> None:
    student = Student(
        id_type="g_code",
        id_value=f"G{next(_numbers):012d}",
        prefix="นางสาว",
        first_name=first_name,
        last_name="ทดสอบ",
        college=college,
        special_needs=special_needs,
    )
    db.session.add(
        ScholarshipAward(student=student, programme=programme, start_year=year, status=status)
    )


def quota(programme: ScholarshipProgramme, year: int, amount: int, college: Agency | None = None):
    db.session.add(
        ScholarshipAllocation(
            programme=programme, academic_year=year, college=college, quota=amount
        )
    )


@pytest.fixture
def data(app, reference):
    """Three colleges, three programmes, and rows outside the year that must not count.

    AY2567: ทุนนวัตกรรมสายอาชีพชั้นสูง has quotas for colleges A (10) and B (5); B gets 6
    awards (one too many), C none of its own but 2 awards. The special-needs programme
    has a programme-wide quota of 4 and one award at A. ทุนพระกนิษฐาสัมมาชีพ has no quota
    but an award at B.
    """
    with app.app_context():
        a = college("T-A", "วิทยาลัยเทคนิคทดสอบเอ")
        b = college("T-B", "วิทยาลัยเทคนิคทดสอบบี")
        c = college("T-C", "วิทยาลัยเทคนิคทดสอบซี")
        hvi, sn, pks = programme("SCH-HVI"), programme("SCH-HVI-SN"), programme("SCH-PKS")
        quota(hvi, YEAR, 10, a)
        quota(hvi, YEAR, 5, b)
        quota(sn, YEAR, 4)
        for status in (
            AwardStatus.STUDYING,
            AwardStatus.STUDYING,
            AwardStatus.STUDYING,
            AwardStatus.GRADUATED,
            AwardStatus.DROPPED_OUT,
        ):
            award(hvi, a, YEAR, status)
        for _ in range(6):
            award(hvi, b, YEAR)
        award(hvi, c, YEAR, AwardStatus.SUSPENDED)
        award(hvi, c, YEAR)
        award(sn, a, YEAR, AwardStatus.SUSPENDED, special_needs=True, first_name="ลับเฉพาะ")
        award(pks, b, YEAR, AwardStatus.GRADUATED)
        # Outside AY2567: must not be counted.
        quota(hvi, 2568, 99, a)
        award(hvi, a, 2566, AwardStatus.GRADUATED)
        award(hvi, a, 2568)
        award(sn, b, 2566)
        db.session.commit()
        return {"A": a.id, "B": b.id, "C": c.id}


def build(**texts: str):
    """Parse filter texts as the admin and the CLI do, then build the report."""
    report = ScholarshipsReport()
    values = {
        f.name: f.parse(db.session, texts[f.name]) if f.name in texts else None
        for f in report.filters
    }
    return report.build(db.session, values, Viewer())


def table_of(report) -> Table:
    return next(b for b in report.blocks if isinstance(b, Table))


def sections(table: Table) -> dict[str, tuple[dict, dict[str, dict]]]:
    """Return each programme's row and its college rows by name."""
    result: dict[str, tuple[dict, dict[str, dict]]] = {}
    current = None
    for i, row in enumerate(table.rows):
        if table.marks.get(i) == "group":
            current = row["name"]
            result[current] = (row, {})
        else:
            result[current][1][row["name"]] = row
    return result


def awards_in_db(programme_code: str | None = None, college_id=None, status=None) -> int:
    query = (
        select(func.count())
        .select_from(ScholarshipAward)
        .join(Student, Student.id == ScholarshipAward.student_id)
        .join(ScholarshipProgramme, ScholarshipProgramme.id == ScholarshipAward.programme_id)
        .where(ScholarshipAward.start_year == YEAR)
    )
    if programme_code:
        query = query.where(ScholarshipProgramme.code == programme_code)
    if college_id:
        query = query.where(Student.college_id == college_id)
    if status:
        query = query.where(ScholarshipAward.status == status)
    return db.session.scalar(query)


def quota_in_db(programme_code: str, college_id=None) -> int:
    query = (
        select(func.coalesce(func.sum(ScholarshipAllocation.quota), 0))
        .join(ScholarshipProgramme)
        .where(
            ScholarshipProgramme.code == programme_code,
            ScholarshipAllocation.academic_year == YEAR,
        )
    )
    if college_id:
        query = query.where(ScholarshipAllocation.college_id == college_id)
    return db.session.scalar(query)


def test_figures_equal_the_database_counts(app, data):
    with app.app_context():
        report = build(academic_year=str(YEAR))
        by_programme = sections(table_of(report))
        hvi_name = programme("SCH-HVI").name_th
        assert set(by_programme) == {
            hvi_name,
            programme("SCH-HVI-SN").name_th,
            programme("SCH-PKS").name_th,
        }
        for code in ("SCH-HVI", "SCH-HVI-SN", "SCH-PKS"):
            row, colleges = by_programme[programme(code).name_th]
            assert row["awards"] == awards_in_db(code)
            for status in STATUS_KEYS:
                assert row[status] == awards_in_db(code, status=status)
            assert row["awards"] == sum(row[s] for s in STATUS_KEYS)
            for key, college_id in data.items():
                name = db.session.get(Agency, college_id).name_th
                if name in colleges:
                    assert colleges[name]["awards"] == awards_in_db(code, college_id)
                    for status in STATUS_KEYS:
                        assert colleges[name][status] == awards_in_db(code, college_id, status)
                else:
                    assert awards_in_db(code, college_id) == 0, (code, key)

        hvi, hvi_colleges = by_programme[hvi_name]
        assert hvi["allocation"] == quota_in_db("SCH-HVI") == 15
        assert hvi["remaining"] == 15 - awards_in_db("SCH-HVI")
        college_a = db.session.get(Agency, data["A"]).name_th
        assert hvi_colleges[college_a]["allocation"] == quota_in_db("SCH-HVI", data["A"]) == 10
        assert hvi_colleges[college_a]["remaining"] == 10 - 5


def test_totals_are_the_sum_of_the_programme_rows(app, data):
    with app.app_context():
        table = table_of(build(academic_year=str(YEAR)))
        programme_rows = [row for row, _ in sections(table).values()]
        assert table.totals["name"] == "รวม"
        for key in ("allocation", "awards", "remaining", *STATUS_KEYS):
            assert table.totals[key] == sum(r[key] for r in programme_rows if r[key] is not None)
        assert table.totals["awards"] == awards_in_db()


def test_more_awards_than_quota_is_marked_and_explained(app, data):
    with app.app_context():
        table = table_of(build(academic_year=str(YEAR)))
        _, colleges = sections(table)[programme("SCH-HVI").name_th]
        b = colleges[db.session.get(Agency, data["B"]).name_th]
        c = colleges[db.session.get(Agency, data["C"]).name_th]
        a = colleges[db.session.get(Agency, data["A"]).name_th]
        assert (b["allocation"], b["awards"], b["remaining"]) == (5, 6, -1)
        assert "เกินจำนวนที่จัดสรร 1 คน" in b["note"]
        # C has no quota while the programme's quota is split among the others: 0, short.
        assert (c["allocation"], c["remaining"]) == (0, -2)
        assert "ไม่มีทุนที่จัดสรร" in c["note"]
        assert a["note"] == ""
        marked = {table.rows[i]["name"] for i, m in table.marks.items() if m == "short"}
        assert marked == {b["name"], c["name"]}
        assert "เกินจำนวน" in table.legend


def test_pooled_and_unrecorded_quotas_are_left_blank(app, data):
    with app.app_context():
        table = table_of(build(academic_year=str(YEAR)))
        by_programme = sections(table)
        sn, sn_colleges = by_programme[programme("SCH-HVI-SN").name_th]
        assert sn["allocation"] == 4
        (only,) = sn_colleges.values()
        assert (only["allocation"], only["remaining"], only["note"]) == (None, None, POOLED)
        # No allocation recorded is not a quota of zero: no shortfall claimed.
        pks, pks_colleges = by_programme[programme("SCH-PKS").name_th]
        assert (pks["allocation"], pks["remaining"], pks["note"]) == (None, None, NO_QUOTA)
        pks_rows = [i for i, row in enumerate(table.rows) if row is pks] + [
            i for i, row in enumerate(table.rows) if any(row is r for r in pks_colleges.values())
        ]
        assert len(pks_rows) == 2
        assert all(table.marks.get(i) != "short" for i in pks_rows)
        assert all(table.rows[i]["remaining"] is None for i in pks_rows)


def test_programme_filter_keeps_one_programme(app, data):
    with app.app_context():
        report = build(academic_year="2567", programme="sch-hvi-sn")
        assert list(sections(table_of(report))) == [programme("SCH-HVI-SN").name_th]
        assert ("โครงการทุน", programme("SCH-HVI-SN").name_th) in report.filters
        same = build(academic_year="2567", programme=programme("SCH-HVI-SN").name_th)
        assert table_of(same).rows == table_of(report).rows


def test_college_filter_gives_one_row_per_programme_of_that_college(app, data):
    with app.app_context():
        report = build(academic_year="2567", college="T-A")
        table = table_of(report)
        assert ("สถานศึกษา", "วิทยาลัยเทคนิคทดสอบเอ") in report.filters
        rows = {row["name"]: row for row in table.rows}
        assert set(rows) == {programme("SCH-HVI").name_th, programme("SCH-HVI-SN").name_th}
        hvi = rows[programme("SCH-HVI").name_th]
        assert hvi["awards"] == awards_in_db("SCH-HVI", data["A"]) == 5
        assert hvi["allocation"] == quota_in_db("SCH-HVI", data["A"])
        assert rows[programme("SCH-HVI-SN").name_th]["allocation"] is None
        assert table.totals["awards"] == sum(r["awards"] for r in table.rows)

        other = table_of(build(academic_year="2567", college="T-C"))
        assert [r["name"] for r in other.rows] == [programme("SCH-HVI").name_th]
        assert other.rows[0]["awards"] == awards_in_db("SCH-HVI", data["C"]) == 2


def test_programme_wide_quota_of_an_earlier_year(app, data):
    with app.app_context():
        # The reference data holds AY2566 quotas for the whole programme only.
        table = table_of(build(academic_year="2566"))
        hvi, colleges = sections(table)[programme("SCH-HVI").name_th]
        assert hvi["allocation"] == 1265
        assert hvi["awards"] == 1
        assert [r["allocation"] for r in colleges.values()] == [None]


def test_empty_year_says_so(app, data):
    with app.app_context():
        report = build(academic_year="2570")
        table = table_of(report)
        assert table.rows == [] and table.totals is None
        assert "2570" in table.empty
        assert not any(isinstance(b, Chart) for b in report.blocks)
        assert ("ปีการศึกษา", "2570") in report.filters


def test_chart_compares_allocation_with_awards_per_programme(app, data):
    with app.app_context():
        report = build(academic_year="2567")
        chart = next(b for b in report.blocks if isinstance(b, Chart))
        rows = [row for row, _ in sections(table_of(report)).values()]
        assert chart.labels == [r["name"] for r in rows]
        series = dict(chart.series)
        assert series["ผู้รับทุน"] == [float(r["awards"]) for r in rows]
        assert series["ทุนที่จัดสรร"] == [float(r["allocation"] or 0) for r in rows]


def test_status_columns_carry_the_thai_labels(app, data):
    with app.app_context():
        titles = [c.title for c in table_of(build(academic_year="2567")).columns]
        for label in ("กำลังศึกษา", "สำเร็จการศึกษา", "ออกกลางคัน", "พักการศึกษา"):
            assert label in titles


def test_no_student_is_shown(app, data):
    with app.app_context():
        report = build(academic_year="2567")
        text = " ".join(strings_of(report))
        # Neither the special-needs student's name nor any student's prefix appears.
        assert "ลับเฉพาะ" not in text
        assert "นางสาว" not in text
        assert any(isinstance(b, Note) and "จำนวน" in b.text for b in report.blocks)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("programme", "ทุนที่ไม่มีจริง", 'ไม่พบโครงการทุน "ทุนที่ไม่มีจริง"'),
        ("college", "C9999", 'ไม่พบสถานศึกษา "C9999"'),
        ("academic_year", "ปีหน้า", 'ปีการศึกษา "ปีหน้า" ไม่ถูกต้อง'),
    ],
)
@pytest.mark.usefixtures("reference")
def test_bad_filter_text_is_refused_in_thai(app, name, text, expected):
    with app.app_context():
        filter_ = next(f for f in ScholarshipsReport.filters if f.name == name)
        with pytest.raises(FilterError, match=expected):
            filter_.parse(db.session, text)


@pytest.mark.usefixtures("reference")
def test_programme_filter_offers_every_programme(app):
    with app.app_context():
        filter_ = next(f for f in ScholarshipsReport.filters if f.name == "programme")
        choices = dict(filter_.choices(db.session))
        assert choices["SCH-HVI"] == "ทุนนวัตกรรมสายอาชีพชั้นสูง"
        assert len(choices) == 4
        assert [f.name for f in ScholarshipsReport.filters if f.required] == ["academic_year"]

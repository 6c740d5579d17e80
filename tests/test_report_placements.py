"""The placements report: a round's applications, progress, evidence and budget per college."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from helpers import build_with
from sqlalchemy import event, select

from models import Agency, Placement, PlacementRound, Province, Teacher, db
from reports.model import Chart, Facts, FilterError, Note, Report, Table
from reports.placements import PlacementsReport, thai_sort_key
from thai.nid import make_national_id

DEADLINE = dt.date(2025, 2, 27)  # the FY2568 round of the reference data
ON_DEADLINE_NIGHT = dt.datetime(2025, 2, 27, 23, 59)
DAY_AFTER = dt.datetime(2025, 2, 28, 0, 0)
EARLY = dt.datetime(2025, 2, 1, 9, 30)
_serial = itertools.count(1)


@pytest.fixture
def session(app, reference):
    with app.app_context():
        yield db.session


def build(session, **texts: str) -> Report:
    return build_with(PlacementsReport(), session, texts)


def blocks_of(report: Report, kind: type) -> list:
    return [b for b in report.blocks if isinstance(b, kind)]


def college_table(report: Report) -> Table:
    (table,) = blocks_of(report, Table)
    return table


def rows_by_college(report: Report) -> dict[str, dict]:
    return {row["college"]: row for row in college_table(report).rows}


def college(session, code: str, name: str, province_code: str | None) -> Agency:
    province = session.scalar(select(Province).where(Province.code == province_code))
    agency = Agency(code=code, name_th=name, kind="college", province=province)
    session.add(agency)
    return agency


def teacher(session, college: Agency | None) -> Teacher:
    n = next(_serial)
    person = Teacher(
        national_id=make_national_id(f"3{n:011d}"),
        first_name=f"ครู{n}",
        last_name="ทดสอบ",
        college=college,
    )
    session.add(person)
    return person


def place(session, round_: PlacementRound, where: Agency | None, **values) -> Placement:
    """Add one teacher of a college and their placement (on time and just applied unless told)."""
    values.setdefault("applied_at", EARLY)
    placement = Placement(round=round_, teacher=teacher(session, where), college=where, **values)
    session.add(placement)
    return placement


def round_2568(session) -> PlacementRound:
    return session.scalar(select(PlacementRound).where(PlacementRound.fiscal_year == 2568))


@pytest.fixture
def colleges(session):
    """Two northern colleges (Lampang, Chiang Mai) and a southern one (Nakhon Si Thammarat)."""
    found = {
        "lampang": session.scalar(select(Agency).where(Agency.code == "C5201")),
        "chiangmai": college(session, "C5001", "วิทยาลัยเทคนิคเชียงใหม่", "50"),
        "nakhon": college(session, "C8001", "วิทยาลัยเทคนิคนครศรีธรรมราช", "80"),
    }
    session.flush()
    return found


@pytest.fixture
def placements(session, colleges):
    """A round with a placement at each interesting point, mostly at the Lampang college."""
    r = round_2568(session)
    lampang, chiangmai, nakhon = colleges["lampang"], colleges["chiangmai"], colleges["nakhon"]
    place(session, r, lampang, status="applied", applied_at=ON_DEADLINE_NIGHT)
    place(session, r, lampang, status="applied", applied_at=DAY_AFTER)
    place(session, r, lampang, status="not_eligible", applied_at=DAY_AFTER)
    place(session, r, lampang, status="eligible", budget=Decimal("5000.00"))
    place(session, r, lampang, status="in_placement", logbook_received=True, budget=10000)
    place(
        session,
        r,
        lampang,
        status="tested",
        test_result="passed",
        clip_url="https://example.com/clip1",
        logbook_received=True,
        budget=Decimal("12500.50"),
    )
    place(session, r, lampang, status="college_report", test_result="failed", clip_url="")
    place(
        session,
        r,
        lampang,
        status="post_report",
        test_result="passed",
        clip_url="https://example.com/clip2",
        logbook_received=True,
        post_report_received=False,  # the status says it came in: not due
    )
    # Received, though the status was not moved on: not due any more.
    place(session, r, lampang, status="lessons_learned", post_report_received=True)
    place(session, r, lampang, status="withdrawn", applied_at=None)
    place(session, r, chiangmai, status="oriented", budget=Decimal("7000"))
    place(session, r, nakhon, status="rejected", applied_at=DAY_AFTER)
    # Another year's round is not counted.
    r2567 = PlacementRound(
        fiscal_year=2567, title="รอบปี 2567", application_deadline=dt.date(2024, 2, 28)
    )
    session.add(r2567)
    place(session, r2567, lampang, status="post_report", budget=99999)
    session.commit()
    return r


# --------------------------------------------------------------------------- the year


def test_a_year_without_a_round_is_refused_by_name(session):
    with pytest.raises(FilterError, match="^ไม่มีรอบการฝึกประสบการณ์ปีงบประมาณ 2570$"):
        build(session, fiscal_year="2570")


def test_the_report_is_landscape_and_names_its_filters(session, placements, colleges):
    report = build(session, fiscal_year="๒๕๖๘", province="ลำปาง")
    assert report.name == "placements"
    assert report.title == "สรุปการฝึกประสบการณ์ในสถานประกอบการของครู"
    assert report.landscape is True
    assert report.filters == [("ปีงบประมาณ", "2568"), ("จังหวัด", "ลำปาง")]


# --------------------------------------------------------------------------- the table


def test_each_college_counts_its_applications_steps_and_evidence(session, placements):
    row = rows_by_college(build(session, fiscal_year="2568"))["วิทยาลัยสารพัดช่างลำปาง"]
    assert row["province"] == "ลำปาง"
    assert row["applications"] == 10
    # On the deadline day, even at 23:59, is on time; the next midnight is late; a row
    # without a time stamp is neither.
    assert (row["on_time"], row["late"]) == (7, 2)
    # Reached a step = at it or further along the main line; the exits are in none.
    assert row["eligible"] == 6
    assert row["oriented"] == 5
    assert row["in_placement"] == 5
    assert row["tested"] == 4
    assert row["passed"] == 2
    assert row["pass_rate"] == pytest.approx(66.7)
    assert row["clips"] == 2  # an empty link is no clip
    assert row["logbooks"] == 3
    # Tested, college report: due; post report status or received flag: not due.
    assert row["post_reports_due"] == 2
    assert row["budget"] == Decimal("27500.50")


def test_rows_are_in_thai_dictionary_order_of_province_then_college(session, placements):
    table = college_table(build(session, fiscal_year="2568"))
    # เชียงใหม่ files under ช, before นครศรีธรรมราช and ลำปาง, though its first code point
    # (the leading vowel เ) is the largest of the three.
    assert [(r["province"], r["college"]) for r in table.rows] == [
        ("เชียงใหม่", "วิทยาลัยเทคนิคเชียงใหม่"),
        ("นครศรีธรรมราช", "วิทยาลัยเทคนิคนครศรีธรรมราช"),
        ("ลำปาง", "วิทยาลัยสารพัดช่างลำปาง"),
    ]


@pytest.mark.parametrize(
    "expected",
    [
        ["กรุงเทพมหานคร", "เชียงใหม่", "ลำปาง", "สงขลา"],
        ["แพร่", "แม่ฮ่องสอน", "ลำพูน"],
        ["กาล", "เกิด", "ไก่", "เป็ด", "วันที่", "วัว", "หมู"],
    ],
)
def test_thai_sort_key_files_words_under_their_consonant(expected):
    assert sorted(reversed(expected), key=thai_sort_key) == expected


def test_totals_add_up_the_rows_and_recompute_the_pass_rate(session, placements):
    table = college_table(build(session, fiscal_year="2568"))
    totals = table.totals
    assert totals["applications"] == 12
    assert (totals["on_time"], totals["late"]) == (8, 3)
    assert totals["eligible"] == 7
    assert totals["passed"] == 2
    assert totals["pass_rate"] == pytest.approx(66.7)
    assert totals["budget"] == Decimal("34500.50")
    for key in ("applications", "eligible", "tested", "clips", "logbooks", "post_reports_due"):
        assert totals[key] == sum(row[key] for row in table.rows)
    # The table shows only its columns; working counts are not left in the rows.
    keys = {c.key for c in table.columns}
    assert all(set(row) <= keys for row in table.rows)
    assert set(totals) <= keys


def test_a_college_without_test_results_has_no_pass_rate(session, placements):
    row = rows_by_college(build(session, fiscal_year="2568"))["วิทยาลัยเทคนิคเชียงใหม่"]
    assert row["tested"] == 0
    assert row["pass_rate"] is None


def test_applications_without_a_time_stamp_are_explained(session, placements):
    notes = [b.text for b in blocks_of(build(session, fiscal_year="2568"), Note)]
    assert any("1 รายไม่มีวันเวลาที่สมัคร" in text for text in notes)


def test_the_placements_college_else_the_teachers_else_none(session, colleges):
    r = round_2568(session)
    moved = place(session, r, None)
    moved.teacher.college = colleges["chiangmai"]
    place(session, r, None)
    session.commit()
    rows = college_table(build(session, fiscal_year="2568")).rows
    assert [(row["province"], row["college"], row["applications"]) for row in rows] == [
        ("เชียงใหม่", "วิทยาลัยเทคนิคเชียงใหม่", 1),
        ("ไม่ระบุจังหวัด", "ไม่ระบุสถานศึกษา", 1),
    ]


def test_an_empty_round_prints_the_empty_message(session):
    report = build(session, fiscal_year="2568")
    table = college_table(report)
    assert table.rows == []
    assert table.totals is None
    assert "2568" in table.empty
    facts = blocks_of(report, Facts)[0]
    assert ("จัดสรรให้ครูแล้ว (ทั้งรอบ)", "0.00 บาท") in facts.pairs


# --------------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ({"region": "เหนือ"}, {"วิทยาลัยสารพัดช่างลำปาง", "วิทยาลัยเทคนิคเชียงใหม่"}),
        ({"region": "ภาคใต้"}, {"วิทยาลัยเทคนิคนครศรีธรรมราช"}),
        ({"province": "50"}, {"วิทยาลัยเทคนิคเชียงใหม่"}),
        ({"college": "C5201"}, {"วิทยาลัยสารพัดช่างลำปาง"}),
        ({"region": "เหนือ", "province": "นครศรีธรรมราช"}, set()),
    ],
)
def test_place_filters_narrow_the_colleges(session, placements, texts, expected):
    report = build(session, fiscal_year="2568", **texts)
    assert set(rows_by_college(report)) == expected


def test_the_round_budget_is_against_the_whole_round_whatever_the_filter(session, placements):
    facts = blocks_of(build(session, fiscal_year="2568", college="C5001"), Facts)[0]
    pairs = dict(facts.pairs)
    assert pairs["โครงการ"].startswith("โครงการพัฒนาครูอาชีวศึกษา")
    assert pairs["กำหนดส่งใบสมัคร"] == "ภายในวันที่ 27 กุมภาพันธ์ 2568"
    assert pairs["ปีงบประมาณ"] == "2568 (1 ต.ค. 2567 - 30 ก.ย. 2568)"
    assert pairs["งบประมาณของรอบ"] == "3,000,000.00 บาท"
    assert pairs["จัดสรรให้ครูแล้ว (ทั้งรอบ)"] == "34,500.50 บาท"
    assert pairs["คงเหลือ"] == "2,965,499.50 บาท"
    assert pairs["กำหนดส่งรายงานหลังการพัฒนา"] == "1 พ.ย. 2568 - 31 ธ.ค. 2568"


# --------------------------------------------------------------------------- charts


def test_the_step_chart_shows_how_far_and_where_teachers_are(session, placements):
    charts = blocks_of(build(session, fiscal_year="2568"), Chart)
    steps = charts[0]
    assert len(steps.labels) <= 15
    series = dict(steps.series)
    reached = dict(zip(steps.labels, series["ผ่านขั้นนี้มาแล้ว"], strict=True))
    now = dict(zip(steps.labels, series["อยู่ที่ขั้นนี้ในปัจจุบัน"], strict=True))
    assert reached["สมัคร"] == 12
    assert reached["มีคุณสมบัติ"] == 7
    assert reached["ทดสอบสมรรถนะ"] == 4
    assert now["สมัคร"] == 2
    assert now["ไม่มีคุณสมบัติ"] == now["สละสิทธิ์"] == now["ไม่ผ่านการพิจารณา"] == 1
    assert sum(now.values()) == 12


def test_the_region_chart_appears_only_across_regions(session, placements):
    charts = blocks_of(build(session, fiscal_year="2568"), Chart)
    regions = charts[1]
    assert regions.labels == ["ภาคเหนือ", "ภาคใต้"]
    assert dict(regions.series) == {"ทันกำหนด": [8, 0], "หลังกำหนด": [2, 1]}
    assert len(blocks_of(build(session, fiscal_year="2568", region="เหนือ"), Chart)) == 1


# --------------------------------------------------------------------------- queries


def statements_to_build(session) -> int:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        build(session, fiscal_year="2568")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_counts_come_from_grouped_queries_not_one_query_per_row(session, colleges):
    r = round_2568(session)
    place(session, r, colleges["lampang"])
    session.commit()
    few = statements_to_build(session)
    for code in range(20):
        where = college(session, f"X{code:03d}", f"วิทยาลัยทดสอบ {code}", "52")
        for _ in range(3):
            place(session, r, where, status="tested", test_result="passed")
    session.commit()
    assert statements_to_build(session) == few

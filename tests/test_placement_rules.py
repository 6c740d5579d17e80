"""The placement rules: the MOU rule, late applications, the calendar, visits, the clip.

Each SQL clause is checked against the one-record function it mirrors, on the same rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale
from rounds import (
    PLANNED_END,
    PLANNED_START,
    agency,
    make_college,
    make_host,
    make_mou,
    make_placement,
    make_teacher,
    make_units,
    placement_world,
)
from sqlalchemy import select

from models import Placement, PlacementRound, RoundStep, SupervisionVisit, db
from processes import calendar, placement_flow, placement_rules
from processes.placement_flow import MoveRefused
from thai.dates import after_day

DAY = dt.timedelta(days=1)


@pytest.fixture
def session(app, reference):
    with app.app_context(), force_locale("en"):
        yield db.session


@pytest.fixture
def world(session):
    return placement_world(session)


def matching(session, clause):
    return set(session.scalars(select(Placement).where(clause)))


def bare_world(session):
    """A college, a host and a teacher, with no MOU between them."""
    college = agency(session, "C5201")
    host = make_host(session, "EST-BARE", "บริษัท ไม่มีข้อตกลง จำกัด")
    teacher = make_teacher(session, college, "สมพร", "ทดสอบ")
    return college, host, teacher


# --------------------------------------------------------------------------- the MOU rule

MOU_CASES = [
    # (signed_on, expires_on, in force over the placement's dates)
    (PLANNED_START - DAY, None, True),
    (PLANNED_START, None, True),
    (PLANNED_START + DAY, None, False),
    (PLANNED_START - 400 * DAY, PLANNED_END - DAY, False),
    (PLANNED_START - 400 * DAY, PLANNED_END, True),
    (PLANNED_START - 400 * DAY, PLANNED_END + DAY, True),
    (PLANNED_START, PLANNED_END, True),
    (PLANNED_START + DAY, PLANNED_END + DAY, False),
    (PLANNED_START - 400 * DAY, PLANNED_START - DAY, False),
]


@pytest.mark.parametrize(("signed_on", "expires_on", "in_force"), MOU_CASES)
def test_the_mou_rule_at_the_edges_of_its_dates(session, signed_on, expires_on, in_force):
    college, host, teacher = bare_world(session)
    mou = make_mou(session, [host, college], signed_on, expires_on)
    placement = make_placement(session, teacher, host)
    assert (placement_rules.covering_mou(session, placement) is mou) is in_force
    assert placement_rules.mou_ok(session, placement) is in_force
    assert (placement in matching(session, placement_rules.valid_mou_clause())) is in_force
    reason = placement_flow.refusal(session, placement, "eligible")
    if in_force:
        assert reason is None
        placement_flow.move(session, placement, "eligible")
    else:
        assert reason == (
            "No MOU between the host and the teacher's college is in force from 17 Mar 2025 "
            "to 30 May 2025, and the placement has no joint education development exception."
        )
        with pytest.raises(MoveRefused):
            placement_flow.move(session, placement, "eligible")
        assert placement.status == "applied"


def test_an_mou_of_the_host_with_another_college_does_not_cover(session):
    college, host, teacher = bare_world(session)
    other_college = make_college(session, "C9001", "วิทยาลัยเทคนิคอื่น")
    make_mou(session, [host, other_college], dt.date(2024, 1, 1))
    placement = make_placement(session, teacher, host)
    assert placement_rules.covering_mou(session, placement) is None
    assert placement not in matching(session, placement_rules.valid_mou_clause())
    assert placement_flow.refusal(session, placement, "eligible").startswith("No MOU")


def test_an_mou_of_the_college_with_another_host_does_not_cover(session):
    college, host, teacher = bare_world(session)
    other_host = make_host(session, "EST-OTHER", "บริษัท อื่น จำกัด")
    make_mou(session, [other_host, college], dt.date(2024, 1, 1))
    placement = make_placement(session, teacher, host)
    assert placement_rules.covering_mou(session, placement) is None
    assert placement not in matching(session, placement_rules.valid_mou_clause())


def test_an_mou_of_several_parties_including_both_covers(session):
    college, host, teacher = bare_world(session)
    mou = make_mou(session, [agency(session, "OVEC"), host, college], dt.date(2024, 1, 1))
    placement = make_placement(session, teacher, host)
    assert placement_rules.covering_mou(session, placement) is mou
    assert placement in matching(session, placement_rules.valid_mou_clause())


def test_the_teachers_college_counts_when_the_placement_names_none(session):
    college, host, teacher = bare_world(session)
    mou = make_mou(session, [host, college], dt.date(2024, 1, 1))
    placement = make_placement(session, teacher, host)
    placement.college = None
    session.flush()
    assert placement_rules.covering_mou(session, placement) is mou
    assert placement in matching(session, placement_rules.valid_mou_clause())


def test_the_teachers_own_college_counts_when_others_come_first(session):
    """The teacher's college is this placement's teacher's, not the first teacher's found."""
    other_college = make_college(session, "C9002", "วิทยาลัยเทคนิคก่อนหน้า")
    earlier = make_teacher(session, other_college, "มาก่อน", "ทดสอบ")
    college, host, teacher = bare_world(session)
    make_placement(session, earlier, host).college = None
    make_mou(session, [host, college], dt.date(2024, 1, 1))
    placement = make_placement(session, teacher, host)
    placement.college = None
    session.flush()
    assert placement in matching(session, placement_rules.valid_mou_clause())


def test_of_several_mous_the_longest_lasting_is_shown(session):
    college, host, teacher = bare_world(session)
    make_mou(session, [host, college], dt.date(2024, 1, 1), dt.date(2026, 1, 1))
    open_ended = make_mou(session, [host, college], dt.date(2024, 6, 1))
    placement = make_placement(session, teacher, host)
    assert placement_rules.covering_mou(session, placement) is open_ended


def test_a_page_of_placements_gets_each_its_own_mou_in_one_read(session):
    college, host, teacher = bare_world(session)
    other_host = make_host(session, "EST-OTHER", "บริษัท อื่น จำกัด")
    short = make_mou(session, [host, college], dt.date(2024, 1, 1), dt.date(2025, 4, 30))
    long = make_mou(session, [other_host, college], dt.date(2024, 1, 1))
    within = make_placement(session, teacher, host, planned_end=dt.date(2025, 4, 30))
    beyond = make_placement(
        session, make_teacher(session, college, "ชูใจ", "ทดสอบ"), host, planned_end=PLANNED_END
    )
    elsewhere = make_placement(session, make_teacher(session, college, "ปิติ", "ทดสอบ"), other_host)
    hostless = make_placement(session, make_teacher(session, college, "มานะ", "ทดสอบ"), None)
    page = [within, beyond, elsewhere, hostless]
    found = placement_rules.covering_mous(session, page)
    assert found == [short, None, long, None]
    # The same answer as one placement at a time.
    assert found == [placement_rules.covering_mou(session, p) for p in page]


def test_without_planned_dates_the_mou_must_be_in_force_on_the_day(session):
    college, host, teacher = bare_world(session)
    mou = make_mou(session, [host, college], dt.date(2025, 3, 10), dt.date(2025, 3, 31))
    placement = make_placement(session, teacher, host, planned_start=None, planned_end=None)
    assert placement_rules.covering_mou(session, placement, on=dt.date(2025, 3, 20)) is mou
    assert placement_rules.covering_mou(session, placement, on=dt.date(2025, 4, 1)) is None
    # Lists check on today, long after this MOU ended.
    assert placement not in matching(session, placement_rules.valid_mou_clause())


def test_a_placement_without_a_host_has_no_mou(session):
    college, host, teacher = bare_world(session)
    placement = make_placement(session, teacher, None)
    assert placement_rules.covering_mou(session, placement) is None
    assert placement_flow.refusal(session, placement, "eligible") == (
        "The placement has no host establishment, so no MOU can cover it."
    )


def test_the_exception_with_a_reason_allows_eligible(session):
    college, host, teacher = bare_world(session)
    placement = make_placement(
        session, teacher, host, mou_exception_reason="ร่วมพัฒนาหลักสูตรทวิภาคีกับวิทยาลัย"
    )
    assert placement_rules.covering_mou(session, placement) is None
    assert placement_rules.mou_ok(session, placement)
    assert placement in matching(session, placement_rules.valid_mou_clause())
    placement_flow.move(session, placement, "eligible")
    assert placement.status == "eligible"


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_the_exception_needs_a_reason(session, reason):
    college, host, teacher = bare_world(session)
    placement = make_placement(session, teacher, host)
    placement.mou_exception, placement.mou_exception_reason = True, reason
    session.flush()
    assert not placement_rules.mou_ok(session, placement)
    assert placement not in matching(session, placement_rules.valid_mou_clause())
    assert placement_flow.refusal(session, placement, "eligible") == (
        "The joint education development exception needs a reason."
    )


def test_the_mou_rule_is_only_for_announcing_eligible(session):
    college, host, teacher = bare_world(session)
    placement = make_placement(session, teacher, host)
    for step in ("not_eligible",):
        assert placement_flow.refusal(session, placement, step) is None
    assert placement_flow.refusal(session, placement, "rejected") is None
    assert placement_flow.refusal(session, placement, "withdrawn") is None


def test_the_mou_refusal_in_thai(session):
    college, host, teacher = bare_world(session)
    placement = make_placement(session, teacher, host)
    with force_locale("th"):
        reason = placement_flow.refusal(session, placement, "eligible")
    assert reason.startswith("ไม่มีบันทึกข้อตกลงความร่วมมือ")
    assert "17 มี.ค. 2568" in reason


# --------------------------------------------------------------------------- late applications

DEADLINE = dt.date(2025, 2, 27)
BANGKOK = dt.timezone(dt.timedelta(hours=7))
LATE_CASES = [
    (dt.datetime(2025, 2, 27, 0, 0), False),
    (dt.datetime(2025, 2, 27, 23, 59, 59), False),
    (dt.datetime(2025, 2, 27, 23, 59, 59, 999999), False),
    (dt.datetime(2025, 2, 28, 0, 0, 0), True),
    (dt.datetime(2025, 3, 5, 12, 0), True),
    (dt.datetime(2025, 2, 27, 16, 59, 59, tzinfo=dt.UTC), False),  # 23:59:59 in Bangkok
    (dt.datetime(2025, 2, 27, 17, 0, 0, tzinfo=dt.UTC), True),  # 00:00:00 the next day
    (dt.datetime(2025, 2, 28, 0, 30, tzinfo=BANGKOK), True),
    (dt.datetime(2025, 2, 27, 23, 30, tzinfo=BANGKOK), False),
]


@pytest.mark.parametrize(("applied_at", "late"), LATE_CASES)
def test_is_late_at_the_deadlines_edges_in_bangkok_time(applied_at, late):
    assert after_day(applied_at, DEADLINE) is late


def test_is_late_without_a_time_or_deadline():
    assert after_day(None, DEADLINE) is False
    assert after_day(dt.datetime(2030, 1, 1), None) is False


def test_the_late_clause_flags_the_same_applications(session):
    college = agency(session, "C5201")
    host = make_host(session, "EST-LATE", "บริษัท ส่งช้า จำกัด")
    expected = {}
    for number, (applied_at, late) in enumerate(LATE_CASES):
        teacher = make_teacher(session, college, f"ครู{number}", "ตรงเวลา")
        expected[make_placement(session, teacher, host, applied_at=applied_at)] = late
    unknown = make_placement(session, make_teacher(session, college, "ไม่", "ทราบ"), host)
    unknown.applied_at = None
    session.commit()
    assert matching(session, placement_rules.late_clause()) == {
        placement for placement, late in expected.items() if late
    }
    for placement, late in expected.items():
        assert placement.applied_at.tzinfo is None  # stored naive, in Bangkok time
        assert placement.is_late is late


def test_the_late_clause_follows_the_rounds_deadline(session):
    college = agency(session, "C5201")
    host = make_host(session, "EST-DL", "บริษัท เลื่อนกำหนด จำกัด")
    teacher = make_teacher(session, college, "เลื่อน", "กำหนด")
    placement = make_placement(session, teacher, host, applied_at=dt.datetime(2025, 3, 2, 8, 0))
    assert placement in matching(session, placement_rules.late_clause())
    placement.round.application_deadline = dt.date(2025, 3, 2)
    session.flush()
    assert placement not in matching(session, placement_rules.late_clause())


# --------------------------------------------------------------------------- the calendar


def eligible_window(session, placement_round) -> RoundStep:
    return calendar.window(placement_round, "eligible")


def test_window_and_due_on_come_from_the_rounds_calendar(session, world):
    placement = make_placement(session, world.teacher, world.host)
    row = calendar.window(world.round, "eligible")
    assert (row.starts_on, row.ends_on) == (dt.date(2025, 3, 1), dt.date(2025, 3, 15))
    assert calendar.window(world.round, "withdrawn") is None
    assert calendar.window(None, "eligible") is None
    assert calendar.due_on(placement) == dt.date(2025, 3, 15)
    placement_flow.move(session, placement, "eligible")
    assert calendar.due_on(placement) == dt.date(2025, 3, 31)  # orientation's end
    placement_flow.move(session, placement, "withdrawn")
    assert calendar.due_on(placement) is None


def test_due_on_without_a_window_is_none(session, world):
    bare = PlacementRound(fiscal_year=2580, title="รอบไม่มีปฏิทิน", application_deadline=DEADLINE)
    session.add(bare)
    placement = make_placement(session, world.teacher, world.host, round=bare)
    assert calendar.due_on(placement) is None
    assert placement_rules.overdue_steps(session, placement, dt.date(2030, 1, 1)) == []
    assert placement not in matching(session, placement_rules.overdue_clause(dt.date(2030, 1, 1)))


def overdue(session, placement, on):
    in_clause = placement in matching(session, placement_rules.overdue_clause(on))
    steps = placement_rules.overdue_steps(session, placement, on)
    assert in_clause is bool(steps)
    return [row.step for row in steps]


def test_overdue_after_the_next_windows_last_day(session, world):
    placement = make_placement(session, world.teacher, world.host)
    assert overdue(session, placement, dt.date(2025, 3, 15)) == []
    assert overdue(session, placement, dt.date(2025, 3, 16)) == ["eligible"]
    assert overdue(session, placement, dt.date(2025, 4, 1)) == ["eligible", "oriented"]


def test_the_overdue_flag_follows_the_calendars_data(session, world):
    placement = make_placement(session, world.teacher, world.host)
    assert overdue(session, placement, dt.date(2025, 3, 16)) == ["eligible"]
    calendar.window(world.round, "eligible").ends_on = dt.date(2025, 3, 20)
    session.flush()
    assert overdue(session, placement, dt.date(2025, 3, 16)) == []
    assert overdue(session, placement, dt.date(2025, 3, 21)) == ["eligible"]


def test_a_step_reached_is_not_overdue_when_its_own_window_ends(session, world):
    placement = make_placement(session, world.teacher, world.host, step="in_placement")
    assert overdue(session, placement, dt.date(2025, 6, 1)) == []  # placement window ended
    assert overdue(session, placement, dt.date(2025, 6, 30)) == []
    assert overdue(session, placement, dt.date(2025, 7, 1)) == ["tested", "college_report"]


@pytest.mark.parametrize("step", ["post_report", "withdrawn", "not_eligible", "rejected"])
def test_a_placement_out_of_the_round_is_never_overdue(session, world, step):
    placement = make_placement(session, world.teacher, world.host, step=step)
    assert overdue(session, placement, dt.date(2030, 1, 1)) == []


def test_the_last_open_step_is_overdue_after_the_post_report_window(session, world):
    placement = make_placement(session, world.teacher, world.host, step="lessons_learned")
    assert overdue(session, placement, dt.date(2025, 12, 31)) == []
    assert overdue(session, placement, dt.date(2026, 1, 1)) == ["post_report"]


# --------------------------------------------------------------------------- supervision visits

STARTED = dt.datetime(2025, 3, 17, 9, 0)


def in_placement_since(session, world, started=STARTED):
    placement = make_placement(session, world.teacher, world.host, step="oriented")
    placement_flow.move(session, placement, "in_placement", at=started)
    session.flush()
    return placement


def flagged(session, placement, on):
    in_clause = placement in matching(session, placement_rules.no_visit_clause(on))
    assert in_clause is placement_rules.needs_visit(placement, on)
    return in_clause


def test_no_visit_after_more_than_30_days_in_placement(session, world):
    placement = in_placement_since(session, world)
    assert not flagged(session, placement, dt.date(2025, 4, 16))  # 30 days
    assert flagged(session, placement, dt.date(2025, 4, 17))  # 31 days


def test_a_visit_since_the_start_clears_the_flag(session, world):
    placement = in_placement_since(session, world)
    placement.visits.append(
        SupervisionVisit(visited_on=dt.date(2025, 3, 17), visitor="ศึกษานิเทศก์ ก.")
    )
    session.flush()
    assert not flagged(session, placement, dt.date(2025, 5, 1))


def test_a_visit_before_the_start_does_not_count(session, world):
    placement = in_placement_since(session, world)
    placement.visits.append(
        SupervisionVisit(visited_on=dt.date(2025, 3, 16), visitor="ศึกษานิเทศก์ ก.")
    )
    session.flush()
    assert flagged(session, placement, dt.date(2025, 5, 1))


def test_only_placements_in_placement_need_a_visit(session, world):
    placement = in_placement_since(session, world)
    placement_flow.record_test(session, placement, "passed", dt.date(2025, 5, 20))
    session.flush()
    assert not flagged(session, placement, dt.date(2025, 6, 1))


# --------------------------------------------------------------------------- post reports


@pytest.mark.parametrize(
    ("step", "due"),
    [
        ("applied", False),
        ("in_placement", False),
        ("tested", True),
        ("college_report", True),
        ("lessons_learned", True),
        ("post_report", False),
        ("withdrawn", False),
        ("not_eligible", False),
    ],
)
def test_post_reports_due(session, world, step, due):
    placement = make_placement(session, world.teacher, world.host, step=step)
    assert (placement in matching(session, placement_rules.post_report_due_clause())) is due


def test_a_post_report_received_is_not_due(session, world):
    placement = make_placement(session, world.teacher, world.host, step="lessons_learned")
    placement.post_report_received = True
    session.flush()
    assert placement not in matching(session, placement_rules.post_report_due_clause())


def test_the_placement_report_counts_post_reports_due_with_the_same_clause():
    from reports import placements

    assert str(placements.post_report_due()) == str(placement_rules.post_report_due_clause())


# --------------------------------------------------------------------------- the clip


def clip_placement(session, world):
    return make_placement(session, world.teacher, world.host, units=world.units, step="oriented")


def test_expected_titles_name_the_teacher_and_each_planned_unit(session, world):
    placement = clip_placement(session, world)
    assert placement_rules.expected_clip_titles(placement) == [
        "ศานนท์ ใจดี (ตรวจสอบระบบเครื่องยนต์)",
        "ศานนท์ ใจดี (ติดตั้งระบบเครือข่าย)",
    ]


@pytest.mark.parametrize(
    "title",
    [
        "ศานนท์ ใจดี (ตรวจสอบระบบเครื่องยนต์)",
        "ศานนท์ ใจดี (ติดตั้งระบบเครือข่าย)",
        "  ศานนท์  ใจดี ( ตรวจสอบระบบเครื่องยนต์ ) ",
        "ศานนท์ ใจดี(ตรวจสอบระบบเครื่องยนต์)",
        "นายศานนท์ ใจดี (ตรวจสอบระบบเครื่องยนต์)",
    ],
)
def test_a_title_that_follows_the_rule(session, world, title):
    placement = clip_placement(session, world)
    assert placement_rules.clip_problems(placement, title, 299) == []


@pytest.mark.parametrize(
    "title",
    [
        "สมชาย ใจดี (ตรวจสอบระบบเครื่องยนต์)",  # someone else's first name
        "ศานนท์ ใจงาม (ตรวจสอบระบบเครื่องยนต์)",  # someone else's last name
        "ศานนท์ ใจดี (เชื่อมโลหะ)",  # a unit not in the plan
        "ศานนท์ ใจดี",
        "คลิปการฝึกงาน",
    ],
)
def test_a_mismatched_title_says_what_was_expected(session, world, title):
    placement = clip_placement(session, world)
    assert placement_rules.clip_problems(placement, title, 120) == [
        f"The clip's title “{title}” does not match the rule “first name last name (unit of "
        "competence)”: expected “ศานนท์ ใจดี (ตรวจสอบระบบเครื่องยนต์)” or “ศานนท์ ใจดี "
        "(ติดตั้งระบบเครือข่าย)”."
    ]


def test_a_unit_of_another_placement_does_not_match(session, world):
    placement = clip_placement(session, world)
    [other_unit] = make_units(session, "ซ่อมระบบเบรก")
    title = f"ศานนท์ ใจดี ({other_unit.title})"
    assert len(placement_rules.clip_problems(placement, title, None)) == 1


def test_without_planned_units_no_title_can_match(session, world):
    placement = make_placement(session, world.teacher, world.host)
    assert placement_rules.expected_clip_titles(placement) == []
    assert placement_rules.clip_problems(placement, "ศานนท์ ใจดี (อะไรก็ได้)", None) == [
        "The placement has no planned units of competence, so the clip's title cannot name one."
    ]


@pytest.mark.parametrize(
    ("seconds", "problem"),
    [
        (1, None),
        (299, None),
        (300, None),
        (301, "The clip is 5:01 long; it may be at most 5 minutes (5:00)."),
        (600, "The clip is 10:00 long; it may be at most 5 minutes (5:00)."),
        (0, "The clip's length must be more than 0 seconds."),
    ],
)
def test_the_clip_is_at_most_five_minutes(session, world, seconds, problem):
    placement = clip_placement(session, world)
    problems = placement_rules.clip_problems(placement, None, seconds)
    assert problems == ([problem] if problem else [])


def test_both_problems_at_once_and_nothing_not_given(session, world):
    placement = clip_placement(session, world)
    assert len(placement_rules.clip_problems(placement, "ผิด", 400)) == 2
    assert placement_rules.clip_problems(placement, None, None) == []
    assert placement_rules.clip_problems(placement, "  ", None) == []


def test_the_clip_messages_in_thai(session, world):
    placement = clip_placement(session, world)
    with force_locale("th"):
        problems = placement_rules.clip_problems(placement, "ผิด", 400)
    assert problems[0] == "คลิปยาว 6:40 นาที ความยาวต้องไม่เกิน 5 นาที (5:00)"
    assert "“ศานนท์ ใจดี (ตรวจสอบระบบเครื่องยนต์)” หรือ “ศานนท์ ใจดี (ติดตั้งระบบเครือข่าย)”" in (problems[1])


# --------------------------------------------------------------------------- the college


def test_the_college_is_filled_from_the_teacher(session):
    college, host, teacher = bare_world(session)
    placement = Placement(round=placement_world_round(session), teacher=teacher, host=host)
    placement_flow.start(session, placement)
    session.flush()
    assert placement.college_id == college.id


def placement_world_round(session):
    return session.scalar(select(PlacementRound).where(PlacementRound.fiscal_year == 2568))

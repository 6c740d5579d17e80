"""The placement round as a state machine: every move of the graph, its events and effects."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale
from rounds import (
    BY,
    TESTED_ON,
    agency,
    bring_to,
    make_college,
    make_placement,
    make_teacher,
    placement_world,
)
from sqlalchemy import select

import audit
import models
from models import AuditLog, Placement, PlacementEvent, PlacementStep, TeacherUnit, db
from processes import placement_flow
from processes.placement_flow import MoveRefused

S = PlacementStep
ALL_STEPS = [step.value for step in PlacementStep]
OPEN = [
    "applied",
    "eligible",
    "oriented",
    "in_placement",
    "tested",
    "college_report",
    "lessons_learned",
]
# The graph as the issue states it, written out independently of MOVES.
ALLOWED = {
    "applied": {"eligible", "not_eligible", "rejected", "withdrawn"},
    "eligible": {"oriented", "withdrawn"},
    "oriented": {"in_placement", "withdrawn"},
    "in_placement": {"tested", "withdrawn"},
    "tested": {"college_report", "withdrawn"},
    "college_report": {"lessons_learned", "withdrawn"},
    "lessons_learned": {"post_report", "withdrawn"},
    "post_report": set(),
    "not_eligible": set(),
    "withdrawn": set(),
    "rejected": set(),
}
TABLE = [(start, to) for start in ALL_STEPS for to in ALL_STEPS]


@pytest.fixture
def session(app, reference):
    with app.app_context(), force_locale("en"):
        yield db.session


@pytest.fixture
def world(session):
    return placement_world(session)


def placement_at(session, world, step):
    return make_placement(session, world.teacher, world.host, units=world.units, step=step)


def test_the_graph_is_the_one_the_issue_states():
    assert {step: set(targets) for step, targets in placement_flow.MOVES.items()} == ALLOWED
    assert placement_flow.OPEN_STEPS == frozenset(OPEN)
    assert set(placement_flow.MOVES) == set(ALL_STEPS)


@pytest.mark.parametrize(("start", "to"), TABLE, ids=[f"{a}->{b}" for a, b in TABLE])
def test_every_move_of_the_table(session, world, start, to):
    placement = placement_at(session, world, start)
    assert placement.status == start
    events = len(placement.events)
    kwargs = {"test_result": "passed", "tested_on": TESTED_ON} if to == "tested" else {}
    reason = placement_flow.refusal(session, placement, to, **kwargs)
    if to in ALLOWED[start]:
        assert reason is None
        event = placement_flow.move(session, placement, to, by=BY, **kwargs)
        assert placement.status == to
        assert (event.from_step, event.to_step, event.by) == (start, to, BY)
        assert placement.status_since == event.at
        assert len(placement.events) == events + 1
    else:
        assert reason is not None
        assert PlacementStep(start).label in reason
        assert PlacementStep(to).label in reason
        with pytest.raises(MoveRefused) as refused:
            placement_flow.move(session, placement, to, by=BY, **kwargs)
        assert str(refused.value) == reason
        assert placement.status == start
        assert len(placement.events) == events


@pytest.mark.parametrize("start", ALL_STEPS)
def test_next_steps_are_the_graph_in_display_order(session, world, start):
    placement = placement_at(session, world, start)
    steps = placement_flow.next_steps(placement)
    assert set(steps) == ALLOWED[start]
    assert all(isinstance(step, PlacementStep) for step in steps)
    if steps:
        assert steps[-1] == S.WITHDRAWN  # withdrawing comes last, after the way forward


def test_a_refusal_names_the_steps_it_can_move_to(session, world):
    placement = placement_at(session, world, "oriented")
    reason = placement_flow.refusal(session, placement, "college_report")
    assert reason == (
        "A placement at “Oriented” cannot move to “College report”; it can move to "
        "“In placement”, “Withdrawn”."
    )


def test_a_refusal_is_in_the_readers_language(session, world):
    placement = placement_at(session, world, "post_report")
    with force_locale("th"):
        reason = placement_flow.refusal(session, placement, "withdrawn")
    assert reason == ("รายการที่อยู่ในขั้น “รายงานหลังการพัฒนาแล้ว” สิ้นสุดแล้ว จึงเปลี่ยนเป็น “สละสิทธิ์” ไม่ได้")


def test_an_unknown_step_is_refused(session, world):
    placement = placement_at(session, world, "applied")
    assert (
        placement_flow.refusal(session, placement, "clip") == "“clip” is not a step of the round."
    )
    with pytest.raises(MoveRefused):
        placement_flow.move(session, placement, "clip")


# --------------------------------------------------------------------------- creation


def test_start_records_the_creation_and_fills_the_college_from_the_teacher(session, world):
    placement = Placement(
        round=world.round,
        teacher=world.teacher,
        host=world.host,
        applied_at=dt.datetime(2025, 2, 20, 9, 30),
    )
    event = placement_flow.start(session, placement, by=BY)
    session.flush()
    assert placement.college is world.college
    assert placement.status == "applied"
    assert (event.from_step, event.to_step, event.by) == (None, "applied", BY)
    assert event.at == dt.datetime(2025, 2, 20, 9, 30)  # when the teacher applied
    assert placement.status_since == event.at
    assert placement.events == [event]


def test_start_keeps_a_college_already_given(session, world):
    other = make_college(session, "C9999", "วิทยาลัยเทคนิคทดสอบ")
    placement = Placement(round=world.round, teacher=world.teacher, host=world.host, college=other)
    placement_flow.start(session, placement)
    assert placement.college is other


def test_start_by_id_only_still_finds_the_teachers_college(session, world):
    placement = Placement(round_id=world.round.id, teacher_id=world.teacher.id)
    placement_flow.start(session, placement)
    session.flush()
    assert placement.college_id == world.college.id


def test_start_stores_an_aware_application_time_as_bangkok_local_time(session, world):
    utc = dt.datetime(2025, 2, 27, 17, 0, tzinfo=dt.UTC)
    placement = Placement(round=world.round, teacher=world.teacher, applied_at=utc)
    event = placement_flow.start(session, placement)
    session.flush()
    assert placement.applied_at == dt.datetime(2025, 2, 28, 0, 0)
    assert event.at == dt.datetime(2025, 2, 28, 0, 0)


def test_start_without_an_application_time_is_dated_now(session, world):
    placement = Placement(round=world.round, teacher=world.teacher)
    event = placement_flow.start(session, placement)
    assert abs(event.at - dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=7)) < (
        dt.timedelta(minutes=5)
    )


def test_a_placement_starts_once(session, world):
    placement = placement_at(session, world, "applied")
    with pytest.raises(ValueError, match="already started"):
        placement_flow.start(session, placement)


def test_the_actor_and_batch_default_to_the_sessions(session, world):
    placement = placement_at(session, world, "applied")
    assert placement_flow.move(session, placement, "rejected").by == "cli"
    other = make_placement(
        session, make_teacher(session, world.college, "จุลลดา", "เรียนดี"), world.host
    )
    with audit.acting(session, "importer@example.go.th"):
        event = placement_flow.move(session, other, "withdrawn", note="ย้ายที่ทำงาน")
    assert (event.by, event.note, event.batch_id) == ("importer@example.go.th", "ย้ายที่ทำงาน", None)


def test_a_move_dated_in_the_past_keeps_its_date(session, world):
    placement = placement_at(session, world, "eligible")
    at = dt.datetime(2025, 3, 20, 9, 0)
    event = placement_flow.move(session, placement, "oriented", at=at)
    assert event.at == at == placement.status_since


def test_moves_are_logged_by_the_audit_trail(session, world):
    placement = placement_at(session, world, "applied")
    session.commit()
    placement_flow.move(session, placement, "eligible", by=BY)
    session.commit()
    changes = session.scalars(
        select(AuditLog).where(AuditLog.table_name == "placement", AuditLog.action == "update")
    ).all()
    assert any(row.changes["status"] == ["applied", "eligible"] for row in changes)
    assert session.scalar(
        select(AuditLog).where(
            AuditLog.table_name == "placement_event", AuditLog.action == "create"
        )
    )


# --------------------------------------------------------------------------- tests and the bank


def test_tested_needs_a_result_and_a_date(session, world):
    placement = placement_at(session, world, "in_placement")
    assert placement_flow.refusal(session, placement, "tested") == (
        "Recording a test needs its result (passed or failed)."
    )
    assert placement_flow.refusal(session, placement, "tested", test_result="passed") == (
        "Recording a test needs the date of the test."
    )
    assert placement_flow.refusal(
        session, placement, "tested", test_result="maybe", tested_on=TESTED_ON
    ) == ("Recording a test needs its result (passed or failed).")
    with pytest.raises(MoveRefused, match="date of the test"):
        placement_flow.move(session, placement, "tested", test_result="failed")
    assert placement.status == "in_placement"


def test_a_test_date_in_the_future_is_refused(session, world):
    placement = placement_at(session, world, "in_placement")
    tomorrow = models.today() + dt.timedelta(days=1)
    with pytest.raises(MoveRefused, match="in the future"):
        placement_flow.record_test(session, placement, "passed", tomorrow)


def test_a_pass_earns_the_planned_units(session, world):
    placement = placement_at(session, world, "in_placement")
    event = placement_flow.record_test(session, placement, "passed", dt.date(2025, 5, 20), by=BY)
    session.flush()
    assert (event.from_step, event.to_step) == ("in_placement", "tested")
    assert "ผ่าน" in event.note and "20 พ.ค. 2568" in event.note
    assert (placement.test_result, placement.tested_on) == ("passed", dt.date(2025, 5, 20))
    earned = session.scalars(select(TeacherUnit).where(TeacherUnit.teacher == world.teacher)).all()
    assert {row.unit for row in earned} == set(world.units)
    for row in earned:
        assert row.source == "placement"
        assert row.achieved_on == dt.date(2025, 5, 20)
        assert row.placement_id == placement.id
        assert row.placement is placement
        assert world.host.name_th in row.evidence and "2568" in row.evidence


def test_a_fail_earns_nothing(session, world):
    placement = placement_at(session, world, "in_placement")
    event = placement_flow.record_test(session, placement, "failed", TESTED_ON)
    assert "ไม่ผ่าน" in event.note
    assert world.teacher.units == []


def test_a_later_fail_keeps_the_units_earned(session, world):
    placement = placement_at(session, world, "tested")  # passed on the way
    assert len(world.teacher.units) == 2
    retest = placement_flow.record_test(
        session, placement, "failed", dt.date(2025, 6, 2), note="สอบซ้ำ"
    )
    session.flush()
    assert (retest.from_step, retest.to_step) == ("tested", "tested")
    assert "ไม่ผ่าน" in retest.note and "สอบซ้ำ" in retest.note
    assert (placement.status, placement.test_result) == ("tested", "failed")
    assert placement.tested_on == dt.date(2025, 6, 2)
    assert len(world.teacher.units) == 2


def test_a_retest_pass_after_a_fail_earns_the_units(session, world):
    placement = make_placement(
        session, world.teacher, world.host, units=world.units, step="tested", test_result="failed"
    )
    assert world.teacher.units == []
    placement_flow.record_test(session, placement, "passed", dt.date(2025, 6, 10))
    session.flush()
    assert {row.achieved_on for row in world.teacher.units} == {dt.date(2025, 6, 10)}
    assert len(world.teacher.units) == 2


def test_a_second_pass_does_not_duplicate_or_redate_units(session, world):
    placement = placement_at(session, world, "tested")
    placement_flow.record_test(session, placement, "passed", dt.date(2025, 6, 10))
    session.flush()
    assert len(world.teacher.units) == 2
    assert {row.achieved_on for row in world.teacher.units} == {TESTED_ON}


def test_a_withdrawal_keeps_the_units_earned(session, world):
    placement = placement_at(session, world, "tested")
    placement_flow.move(session, placement, "withdrawn", note="ลาออก")
    session.flush()
    assert placement.status == "withdrawn"
    assert len(world.teacher.units) == 2


def test_a_unit_held_from_elsewhere_is_kept_as_it_was(session, world):
    held = TeacherUnit(
        unit=world.units[0], achieved_on=dt.date(2024, 1, 5), source="test", evidence="สอบเอง"
    )
    world.teacher.units.append(held)
    session.flush()
    placement = placement_at(session, world, "tested")
    assert len(world.teacher.units) == 2
    assert (held.source, held.achieved_on, held.placement_id) == ("test", dt.date(2024, 1, 5), None)
    new = next(row for row in world.teacher.units if row is not held)
    assert new.placement_id == placement.id


@pytest.mark.parametrize("step", [s for s in ALL_STEPS if s not in ("in_placement", "tested")])
def test_a_test_is_recorded_only_in_placement_or_at_tested(session, world, step):
    placement = placement_at(session, world, step)
    with pytest.raises(MoveRefused):
        placement_flow.record_test(session, placement, "passed", TESTED_ON)
    assert placement.status == step


def test_post_report_completes_and_ticks_the_report_received(session, world):
    placement = placement_at(session, world, "lessons_learned")
    assert placement.post_report_received is False
    placement_flow.move(session, placement, "post_report")
    assert placement.post_report_received is True


def test_the_full_round_leaves_one_event_per_move(session, world):
    placement = placement_at(session, world, "post_report")
    session.commit()
    steps = [(e.from_step, e.to_step) for e in placement.events]
    assert steps == [
        (None, "applied"),
        ("applied", "eligible"),
        ("eligible", "oriented"),
        ("oriented", "in_placement"),
        ("in_placement", "tested"),
        ("tested", "college_report"),
        ("college_report", "lessons_learned"),
        ("lessons_learned", "post_report"),
    ]
    assert session.scalar(select(PlacementEvent).order_by(PlacementEvent.id.desc())).to_step == (
        "post_report"
    )


# --------------------------------------------------------------------------- bulk moves


def test_bulk_moves_are_the_ones_the_list_offers():
    assert [(code, to) for code, to, _ in placement_flow.BULK_MOVES] == [
        ("announce_eligible", "eligible"),
        ("announce_not_eligible", "not_eligible"),
        ("mark_oriented", "oriented"),
        ("start_placement", "in_placement"),
        ("college_reports", "college_report"),
        ("close_lessons", "lessons_learned"),
    ]


def test_move_many_moves_what_may_move_and_says_why_not_for_the_rest(session, world):
    ready = placement_at(session, world, "applied")
    no_mou_host = agency(session, "TPQI")
    other = make_teacher(session, world.college, "จุลลดา", "เรียนดี")
    without_mou = make_placement(session, other, no_mou_host)
    third = make_teacher(session, world.college, "ธนุ", "มั่นคง")
    already = make_placement(session, third, world.host, step="oriented")
    summary = placement_flow.move_many(
        session, [ready, without_mou, already], "eligible", by=BY, note="ประกาศรอบที่ 1"
    )
    assert summary.moved == [ready]
    assert [p for p, _ in summary.refused] == [without_mou, already]
    assert "No MOU" in summary.refused[0][1]
    assert "cannot move" in summary.refused[1][1]
    assert ready.events[-1].note == "ประกาศรอบที่ 1"
    assert (without_mou.status, already.status) == ("applied", "oriented")


def test_move_many_commits_nothing(app, session, world):
    placement = placement_at(session, world, "applied")
    session.commit()
    placement_flow.move_many(session, [placement], "eligible")
    session.rollback()
    assert session.get(Placement, placement.id).status == "applied"
    assert len(session.get(Placement, placement.id).events) == 1


def test_bring_to_withdrawn_from_any_open_step(session, world):
    for number, step in enumerate(OPEN):
        teacher = make_teacher(session, world.college, f"ครู{number}", "ถอนตัว")
        placement = make_placement(session, teacher, world.host, units=world.units)
        bring_to(session, placement, "withdrawn", withdraw_from=step)
        assert [e.to_step for e in placement.events][-2:] == [step, "withdrawn"]
        assert placement.status == "withdrawn"

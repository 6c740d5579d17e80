"""A placement's round as a state machine: the allowed moves, the checks, the dated events.

Placement.status is written only here. Every path (the form, a button, a bulk action, the
importer) asks refusal() and moves with move(), record_test() or start(), so the same rules
hold everywhere. Nothing here commits: the caller does, and audit.py logs the changes.

The graph: applied → eligible | not eligible | rejected; eligible → oriented → in placement →
tested → college report → lessons learned → post report (completed); withdrawn from any open
step. A re-test while at tested goes through record_test (an event tested → tested).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, scoped_session

import audit
from models import ExamResult, Placement, PlacementEvent, PlacementStep, Teacher, today
from processes import bank
from processes.calendar import now
from processes.placement_rules import OPEN_STEPS, mou_refusal
from thai.dates import bangkok, format_be, thai_date

__all__ = [
    "BULK_MOVES",
    "MOVES",
    "OPEN_STEPS",
    "MoveRefused",
    "MoveSummary",
    "move",
    "move_many",
    "next_steps",
    "record_test",
    "refusal",
    "start",
]

S = PlacementStep
MOVES: dict[str, tuple[str, ...]] = {
    S.APPLIED.value: (S.ELIGIBLE.value, S.NOT_ELIGIBLE.value, S.REJECTED.value, S.WITHDRAWN.value),
    S.ELIGIBLE.value: (S.ORIENTED.value, S.WITHDRAWN.value),
    S.ORIENTED.value: (S.IN_PLACEMENT.value, S.WITHDRAWN.value),
    S.IN_PLACEMENT.value: (S.TESTED.value, S.WITHDRAWN.value),
    S.TESTED.value: (S.COLLEGE_REPORT.value, S.WITHDRAWN.value),
    S.COLLEGE_REPORT.value: (S.LESSONS_LEARNED.value, S.WITHDRAWN.value),
    S.LESSONS_LEARNED.value: (S.POST_REPORT.value, S.WITHDRAWN.value),
    S.POST_REPORT.value: (),
    S.NOT_ELIGIBLE.value: (),
    S.WITHDRAWN.value: (),
    S.REJECTED.value: (),
}

# The list's bulk actions: (action code, target step, English label).
BULK_MOVES = (
    ("announce_eligible", S.ELIGIBLE.value, _l("Announce eligible")),
    ("announce_not_eligible", S.NOT_ELIGIBLE.value, _l("Announce not eligible")),
    ("mark_oriented", S.ORIENTED.value, _l("Mark oriented")),
    ("start_placement", S.IN_PLACEMENT.value, _l("Start placement")),
    ("college_reports", S.COLLEGE_REPORT.value, _l("Record college reports received")),
    ("close_lessons", S.LESSONS_LEARNED.value, _l("Close lessons learned")),
)


class MoveRefused(ValueError):
    """A move the rules do not allow; str(error) is the reason in the reader's language."""

    def __init__(self, reason: str, placement: Placement | None = None, to: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.placement = placement
        self.to = to


@dataclasses.dataclass
class MoveSummary:
    """What a bulk move did: the placements moved, and those refused with the reason."""

    moved: list[Placement] = dataclasses.field(default_factory=list)
    refused: list[tuple[Placement, str]] = dataclasses.field(default_factory=list)


def label(step: str | None) -> str:
    try:
        return PlacementStep(step).label
    except ValueError:
        return str(step)


def next_steps(placement: Placement) -> list[PlacementStep]:
    """Return the steps the graph allows next, in display order (rules not checked)."""
    return [PlacementStep(step) for step in MOVES.get(placement.status, ())]


def test_refusal(result: str | None, tested_on: dt.date | None, on: dt.date) -> str | None:
    """Return why a test result cannot be recorded, or None."""
    if result not in {r.value for r in ExamResult}:
        return _("Recording a test needs its result (passed or failed).")
    if tested_on is None:
        return _("Recording a test needs the date of the test.")
    if tested_on > on:
        return _("The test date %(date)s is in the future.", date=format_be(tested_on))
    return None


def graph_refusal(placement: Placement, to: str) -> str | None:
    allowed = MOVES.get(placement.status, ())
    if to in allowed:
        return None
    if not allowed:
        return _(
            "A placement at “%(from)s” has left the round and cannot move to “%(to)s”.",
            **{"from": label(placement.status), "to": label(to)},
        )
    return _(
        "A placement at “%(from)s” cannot move to “%(to)s”; it can move to %(allowed)s.",
        allowed=", ".join(f"“{label(step)}”" for step in allowed),
        **{"from": label(placement.status), "to": label(to)},
    )


def refusal(
    session: Session | scoped_session,
    placement: Placement,
    to: str,
    *,
    on: dt.date | None = None,
    test_result: str | None = None,
    tested_on: dt.date | None = None,
) -> str | None:
    """Return why the placement cannot move to a step now, or None when it can.

    Checks the graph, then the step's own rule: the MOU rule for eligible; a result and a
    test date for tested (those given, else the ones already on the placement).
    """
    on = on or today()
    try:
        to = PlacementStep(to).value
    except ValueError:
        return _("“%(step)s” is not a step of the round.", step=to)
    reason = graph_refusal(placement, to)
    if reason is not None:
        return reason
    if to == S.ELIGIBLE.value:
        return mou_refusal(session, placement, on)
    if to == S.TESTED.value:
        return test_refusal(
            test_result or placement.test_result, tested_on or placement.tested_on, on
        )
    return None


def actor_and_batch(
    session: Session | scoped_session, by: str | None, batch_id: int | None
) -> tuple[str, int | None]:
    who, batch = audit.current(session)
    return by or who, batch_id if batch_id is not None else batch


def add_event(
    session: Session | scoped_session,
    placement: Placement,
    from_step: str | None,
    to: str,
    *,
    by: str | None,
    note: str | None,
    at: dt.datetime | None,
    batch_id: int | None,
) -> PlacementEvent:
    who, batch = actor_and_batch(session, by, batch_id)
    event = PlacementEvent(
        from_step=from_step,
        to_step=to,
        at=bangkok(at) if at is not None else now(),
        by=who,
        note=note or None,
        batch_id=batch,
    )
    placement.events.append(event)
    return event


def test_note(result: str, tested_on: dt.date, note: str | None) -> str:
    """Return the event note of a test: its result and date (Thai, as records are), then note."""
    text = f"ผลการทดสอบ: {ExamResult.thai_labels()[result]} (ทดสอบวันที่ {thai_date(tested_on)})"
    return f"{text} — {note}" if note else text


def apply_test(
    session: Session | scoped_session, placement: Placement, result: str, tested_on: dt.date
) -> None:
    placement.test_result = result
    placement.tested_on = tested_on
    if result == ExamResult.PASSED.value:
        bank.earn_units(session, placement)


def move(
    session: Session | scoped_session,
    placement: Placement,
    to: str,
    *,
    by: str | None = None,
    note: str | None = None,
    at: dt.datetime | None = None,
    batch_id: int | None = None,
    test_result: str | None = None,
    tested_on: dt.date | None = None,
) -> PlacementEvent:
    """Move a placement to a step, or raise MoveRefused; return the event it records.

    Sets status and status_since. Side effects: tested records the result and its date (a
    pass earns the planned units); post report ticks post_report_received.
    """
    # A move dated in the past (an import of last month's results) is checked as of its day.
    on = bangkok(at).date() if at is not None else today()
    reason = refusal(session, placement, to, on=on, test_result=test_result, tested_on=tested_on)
    if reason is not None:
        raise MoveRefused(reason, placement, str(to))
    to = PlacementStep(to).value
    if to == S.TESTED.value:
        test_result = test_result or placement.test_result
        tested_on = tested_on or placement.tested_on
        note = test_note(test_result, tested_on, note)
    event = add_event(
        session, placement, placement.status, to, by=by, note=note, at=at, batch_id=batch_id
    )
    placement.status = to
    placement.status_since = event.at
    if to == S.TESTED.value:
        apply_test(session, placement, test_result, tested_on)
    elif to == S.POST_REPORT.value:
        placement.post_report_received = True
    return event


def record_test(
    session: Session | scoped_session,
    placement: Placement,
    result: str,
    tested_on: dt.date,
    *,
    by: str | None = None,
    note: str | None = None,
    at: dt.datetime | None = None,
    batch_id: int | None = None,
) -> PlacementEvent:
    """Record a test: in placement → tested, or a re-test while at tested.

    A re-test is an event tested → tested with the result in its note; it replaces the
    placement's result and date. A pass earns the planned units; a fail never removes any.
    """
    if placement.status != S.TESTED.value:
        return move(
            session,
            placement,
            S.TESTED.value,
            by=by,
            note=note,
            at=at,
            batch_id=batch_id,
            test_result=result,
            tested_on=tested_on,
        )
    reason = test_refusal(result, tested_on, bangkok(at).date() if at is not None else today())
    if reason is not None:
        raise MoveRefused(reason, placement, S.TESTED.value)
    event = add_event(
        session,
        placement,
        S.TESTED.value,
        S.TESTED.value,
        by=by,
        note=test_note(result, tested_on, note),
        at=at,
        batch_id=batch_id,
    )
    apply_test(session, placement, result, tested_on)
    return event


def move_many(
    session: Session | scoped_session,
    placements: list[Placement],
    to: str,
    *,
    by: str | None = None,
    note: str | None = None,
) -> MoveSummary:
    """Move each placement that may move; list the others with the reason."""
    summary = MoveSummary()
    for placement in placements:
        reason = refusal(session, placement, to)
        if reason is not None:
            summary.refused.append((placement, reason))
            continue
        move(session, placement, to, by=by, note=note)
        summary.moved.append(placement)
    return summary


def start(
    session: Session | scoped_session,
    placement: Placement,
    *,
    by: str | None = None,
    at: dt.datetime | None = None,
    batch_id: int | None = None,
    note: str | None = None,
) -> PlacementEvent:
    """Record a new placement's creation (None → applied) and fill its college from the teacher.

    The event's time is at, else the application's time, else now; applied_at is kept as
    naive Bangkok time.
    """
    if placement.events:
        raise ValueError("the placement has already started")
    if placement not in session:
        session.add(placement)  # first: what follows may load (and so flush)
    if placement.applied_at is not None:
        placement.applied_at = bangkok(placement.applied_at)
    teacher = placement.teacher
    if teacher is None and placement.teacher_id is not None:
        teacher = session.get(Teacher, placement.teacher_id)
    if placement.college_id is None and placement.college is None and teacher is not None:
        placement.college = teacher.college
    event = add_event(
        session,
        placement,
        None,
        S.APPLIED.value,
        by=by,
        note=note,
        at=at or placement.applied_at,
        batch_id=batch_id,
    )
    placement.status = S.APPLIED.value
    placement.status_since = event.at
    return event

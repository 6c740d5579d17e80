"""A scholarship award's status as dated moves: the allowed moves, the checks, the events.

ScholarshipAward.status is written only here. The award form, the buttons on an award's
page and the scholarships importer all ask refusal() and move with move_award(), so the
same rule holds on every path. Nothing here commits: the caller does, and audit.py logs
the changes.

The moves: studying → graduated | dropped out | suspended; suspended → studying;
graduated and dropped out are final. An award's first event is its creation (no status →
studying), written by start_award(). A move is dated by the day it took effect
(effective_on: a graduation day, the start of a suspension), which may be earlier than the
day it is recorded but never later, and never before the award's previous move or its
start. A final move (graduated, dropped out) also sets the award's end date to that day.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy.orm import Session, scoped_session

import audit
from models import AwardEvent, AwardStatus, ScholarshipAward, today
from thai.dates import format_be

__all__ = [
    "AWARD_MOVES",
    "FINAL",
    "AwardMoveRefused",
    "last_effective_on",
    "move_award",
    "next_statuses",
    "refusal",
    "start_award",
]

A = AwardStatus
AWARD_MOVES: dict[str, tuple[str, ...]] = {
    A.STUDYING.value: (A.GRADUATED.value, A.DROPPED_OUT.value, A.SUSPENDED.value),
    A.SUSPENDED.value: (A.STUDYING.value,),
    A.GRADUATED.value: (),
    A.DROPPED_OUT.value: (),
}
FINAL = frozenset(status for status, moves in AWARD_MOVES.items() if not moves)


class AwardMoveRefused(ValueError):
    """A move the rules do not allow; str(error) is the reason in the reader's language."""

    def __init__(self, reason: str, award: ScholarshipAward | None = None, to: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.award = award
        self.to = to


def label(status: str | None) -> str:
    try:
        return AwardStatus(status).label
    except ValueError:
        return str(status)


def next_statuses(award: ScholarshipAward) -> list[AwardStatus]:
    """Return the statuses the award may move to next, in display order (dates not checked)."""
    return [AwardStatus(status) for status in AWARD_MOVES.get(award.status, ())]


def last_effective_on(award: ScholarshipAward) -> dt.date | None:
    """The day the award's latest move took effect (its creation counts), or None."""
    days = [event.effective_on for event in award.events if event.effective_on is not None]
    return max(days) if days else None


def graph_refusal(current: str | None, to: str) -> str | None:
    allowed = AWARD_MOVES.get(current or "", ())
    if to in allowed:
        return None
    if to == current:
        return _("The award is already “%(status)s”.", status=label(to))
    if not allowed:
        return _(
            "An award that is “%(from)s” is final and cannot move to “%(to)s”.",
            **{"from": label(current), "to": label(to)},
        )
    return _(
        "An award that is “%(from)s” cannot move to “%(to)s”; it can move to %(allowed)s.",
        allowed=", ".join(f"“{label(status)}”" for status in allowed),
        **{"from": label(current), "to": label(to)},
    )


def date_refusal(award: ScholarshipAward, effective_on: dt.date | None, on: dt.date) -> str | None:
    if effective_on is None:
        return _("Give the day the change took effect.")
    if effective_on > on:
        return _(
            "The day the change took effect (%(date)s) is in the future.",
            date=format_be(effective_on),
        )
    if award.started_on is not None and effective_on < award.started_on:
        return _(
            "The day the change took effect (%(date)s) is before the award started (%(start)s).",
            date=format_be(effective_on),
            start=format_be(award.started_on),
        )
    previous = last_effective_on(award)
    if previous is not None and effective_on < previous:
        return _(
            "The day the change took effect (%(date)s) is before the award's latest change "
            "(%(previous)s).",
            date=format_be(effective_on),
            previous=format_be(previous),
        )
    return None


def refusal(
    award: ScholarshipAward,
    to: str,
    *,
    effective_on: dt.date | None,
    on: dt.date | None = None,
) -> str | None:
    """Return why the award cannot move to a status on that day, or None when it can."""
    try:
        to = AwardStatus(to).value
    except ValueError:
        return _("“%(status)s” is not a status of an award.", status=to)
    reason = graph_refusal(award.status, to)
    if reason is not None:
        return reason
    return date_refusal(award, effective_on, on or today())


def add_event(
    session: Session | scoped_session,
    award: ScholarshipAward,
    from_status: str | None,
    to: str,
    *,
    effective_on: dt.date,
    by: str | None,
    note: str | None,
    batch_id: int | None,
) -> AwardEvent:
    who, batch = audit.current(session)
    event = AwardEvent(
        from_status=from_status,
        to_status=to,
        effective_on=effective_on,
        by=by or who,
        note=(note or "").strip() or None,
        batch_id=batch_id if batch_id is not None else batch,
    )
    award.events.append(event)
    return event


def start_award(
    session: Session | scoped_session,
    award: ScholarshipAward,
    *,
    effective_on: dt.date | None = None,
    by: str | None = None,
    note: str | None = None,
    batch_id: int | None = None,
) -> AwardEvent:
    """Record a new award's creation: no status → studying, dated its start (or today)."""
    award.status = AwardStatus.STUDYING.value
    return add_event(
        session,
        award,
        None,
        AwardStatus.STUDYING.value,
        effective_on=effective_on or award.started_on or today(),
        by=by,
        note=note,
        batch_id=batch_id,
    )


def move_award(
    session: Session | scoped_session,
    award: ScholarshipAward,
    to: str,
    *,
    effective_on: dt.date | None,
    by: str | None = None,
    note: str | None = None,
    batch_id: int | None = None,
) -> AwardEvent:
    """Move an award to a status, or raise AwardMoveRefused; return the event it records.

    Sets status; a final move (graduated, dropped out) sets ended_on to effective_on.
    """
    reason = refusal(award, to, effective_on=effective_on)
    if reason is not None:
        raise AwardMoveRefused(reason, award, str(to))
    to = AwardStatus(to).value
    event = add_event(
        session,
        award,
        award.status,
        to,
        effective_on=effective_on,
        by=by,
        note=note,
        batch_id=batch_id,
    )
    award.status = to
    if to in FINAL:
        award.ended_on = effective_on
    return event

"""Demo award events: give each award without a history the moves that led to its status.

The demo writes awards with a status and dates; this replays them through the award rules
(processes.awards) so every award page shows a timeline that the rules allow: created
studying on its start, then the move to its status on the day it took effect (the end date
for graduated and dropped out). A few studying awards were suspended for a term and resumed,
and some suspended ones had a term off before. Dates never pass today. Awards that already
have events are left alone, so loading the demo twice adds nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, scoped_session, selectinload

from models import AwardEvent, AwardStatus, ScholarshipAward, today
from processes import awards as award_rules
from thai.dates import ce_year

S = AwardStatus
NOTES = {
    S.GRADUATED.value: "สำเร็จการศึกษาตามหลักสูตร",
    S.DROPPED_OUT.value: "แจ้งออกกลางคันจากสถานศึกษา",
    S.SUSPENDED.value: "ขอพักการศึกษา 1 ภาคเรียน",
    S.STUDYING.value: "กลับเข้าศึกษาต่อ",
}


def started(award: ScholarshipAward) -> dt.date:
    return award.started_on or dt.date(ce_year(award.start_year), 5, 16)


def clamp(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    return max(low, min(day, high))


def history(award: ScholarshipAward, on: dt.date) -> list[tuple[str, dt.date]]:
    """The moves after creation that lead to the award's status, with their days."""
    start = started(award)
    target = award.status
    plan: list[tuple[str, dt.date]] = []
    # A term off (about 5 months) some time in the first year, for one award in seven.
    if award.id % 7 == 3 and target in (S.STUDYING.value, S.GRADUATED.value, S.SUSPENDED.value):
        off = start + dt.timedelta(days=120 + award.id % 60)
        back = off + dt.timedelta(days=150)
        if back < on:
            plan += [(S.SUSPENDED.value, off), (S.STUDYING.value, back)]
    after = plan[-1][1] if plan else start
    if target in (S.GRADUATED.value, S.DROPPED_OUT.value):
        day = award.ended_on or start + dt.timedelta(days=365)
        plan.append((target, clamp(day, after, on)))
    elif target == S.SUSPENDED.value:
        day = after + dt.timedelta(days=90 + award.id % 200)
        plan.append((target, clamp(day, after, on)))
    return plan


def add_award_events(session: Session | scoped_session, by: str | None = None) -> int:
    """Give every award without events its history through the award rules; return how many
    events were added (nothing is committed)."""
    on = today()
    has_events = exists().where(AwardEvent.award_id == ScholarshipAward.id)
    session.flush()
    awards = session.scalars(
        select(ScholarshipAward)
        .where(~has_events)
        .options(selectinload(ScholarshipAward.events))
        .order_by(ScholarshipAward.id)
    ).all()
    added = 0
    for award in awards:
        plan, ended = history(award, on), award.ended_on
        award_rules.start_award(session, award, effective_on=min(started(award), on), by=by)
        added += 1
        for to, day in plan:
            award_rules.move_award(session, award, to, effective_on=day, by=by, note=NOTES[to])
            added += 1
        if award.status not in award_rules.FINAL:
            award.ended_on = ended
    return added

"""Builders for placement tests: hosts, MOUs, teachers and placements brought to a step
through the real moves of processes.placement_flow (so each has its events).

Plain functions taking the session; they flush but never commit. Import them in a test as
``from rounds import make_placement``. Dates default to the FY2568 round of the reference
data (deadline 27 Feb 2568 = 2025-02-27).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from types import SimpleNamespace

from sqlalchemy import select

from models import (
    PLACEMENT_PROGRESS,
    Agency,
    AgencyKind,
    CompetencyUnit,
    Mou,
    MouParty,
    Placement,
    PlacementRound,
    PlacementStep,
    Teacher,
)
from processes import placement_flow
from thai.nid import make_national_id

BY = "tester@example.go.th"
PLANNED_START = dt.date(2025, 3, 17)
PLANNED_END = dt.date(2025, 5, 30)
APPLIED_AT = dt.datetime(2025, 2, 20, 10, 0)
TESTED_ON = dt.date(2025, 5, 20)
# The path from applied to each step, through the real moves.
OFF_LINE = {
    PlacementStep.NOT_ELIGIBLE.value: PlacementStep.APPLIED.value,
    PlacementStep.REJECTED.value: PlacementStep.APPLIED.value,
}
_serial = itertools.count(1)


def fy2568(session) -> PlacementRound:
    """Return the reference data's FY2568 round."""
    return session.scalar(select(PlacementRound).where(PlacementRound.fiscal_year == 2568))


def agency(session, code: str) -> Agency:
    return session.scalar(select(Agency).where(Agency.code == code))


def make_host(session, code: str, name: str, kind: str = AgencyKind.ESTABLISHMENT.value) -> Agency:
    host = Agency(code=code, name_th=name, kind=kind)
    session.add(host)
    session.flush()
    return host


def make_college(session, code: str, name: str) -> Agency:
    return make_host(session, code, name, kind=AgencyKind.COLLEGE.value)


def make_mou(
    session,
    parties: Sequence[Agency],
    signed_on: dt.date,
    expires_on: dt.date | None = None,
    *,
    ref_no: str | None = None,
    title: str = "บันทึกข้อตกลงความร่วมมือการฝึกประสบการณ์",
) -> Mou:
    number = next(_serial)
    mou = Mou(
        ref_no=ref_no or f"MOU-T-{number:04d}",
        title=title,
        signed_on=signed_on,
        expires_on=expires_on,
        parties=[MouParty(agency=party) for party in parties],
    )
    session.add(mou)
    session.flush()
    return mou


def make_units(session, *titles: str) -> list[CompetencyUnit]:
    units = [CompetencyUnit(code=f"U-T-{next(_serial):04d}", title=title) for title in titles]
    session.add_all(units)
    session.flush()
    return units


def make_teacher(
    session, college: Agency | None, first_name: str, last_name: str, prefix: str = "นาย"
) -> Teacher:
    number = next(_serial)
    teacher = Teacher(
        national_id=make_national_id(f"3{number:011d}"[:12]),
        prefix=prefix,
        first_name=first_name,
        last_name=last_name,
        college=college,
    )
    session.add(teacher)
    session.flush()
    return teacher


def path_to(step: str) -> list[str]:
    """Return the steps after applied a placement passes through to reach a step."""
    step = PlacementStep(step).value
    if step in OFF_LINE:
        return [step]
    if step == PlacementStep.WITHDRAWN.value:
        return [step]
    main = [s.value for s in PLACEMENT_PROGRESS]
    return main[1 : main.index(step) + 1]


def bring_to(
    session,
    placement: Placement,
    step: str,
    *,
    by: str = BY,
    test_result: str = "passed",
    tested_on: dt.date = TESTED_ON,
    withdraw_from: str | None = None,
) -> Placement:
    """Move a placement from where it is to a step through the real moves.

    Withdrawn is reached from withdraw_from (an open step; applied when not given).
    """
    if step == PlacementStep.WITHDRAWN.value:
        if withdraw_from:
            bring_to(
                session,
                placement,
                withdraw_from,
                by=by,
                test_result=test_result,
                tested_on=tested_on,
            )
        placement_flow.move(session, placement, step, by=by)
        return placement
    for target in path_to(step):
        if target in steps_reached(placement):
            continue
        if target == PlacementStep.TESTED.value:
            placement_flow.record_test(session, placement, test_result, tested_on, by=by)
        else:
            placement_flow.move(session, placement, target, by=by)
    session.flush()
    return placement


def steps_reached(placement: Placement) -> set[str]:
    return {event.to_step for event in placement.events}


def make_placement(
    session,
    teacher: Teacher,
    host: Agency | None,
    *,
    round: PlacementRound | None = None,  # noqa: A002 - the model's own word
    step: str = PlacementStep.APPLIED.value,
    planned_start: dt.date | None = PLANNED_START,
    planned_end: dt.date | None = PLANNED_END,
    applied_at: dt.datetime | None = APPLIED_AT,
    units: Iterable[CompetencyUnit] = (),
    mou_exception_reason: str | None = None,
    by: str = BY,
    test_result: str = "passed",
    tested_on: dt.date = TESTED_ON,
    withdraw_from: str | None = None,
) -> Placement:
    """Create a placement through start() and bring it to a step through the real moves.

    Moving past applied needs the MOU rule met: give the host an MOU with the college
    (make_mou) or pass mou_exception_reason.
    """
    placement = Placement(
        round=round or fy2568(session),
        teacher=teacher,
        host=host,
        planned_start=planned_start,
        planned_end=planned_end,
        applied_at=applied_at,
        units=list(units),
        mou_exception=mou_exception_reason is not None,
        mou_exception_reason=mou_exception_reason,
    )
    placement_flow.start(session, placement, by=by)
    session.flush()
    if step != PlacementStep.APPLIED.value:
        bring_to(
            session,
            placement,
            step,
            by=by,
            test_result=test_result,
            tested_on=tested_on,
            withdraw_from=withdraw_from,
        )
    return placement


def placement_world(session) -> SimpleNamespace:
    """Return a college (C5201 of the reference data), a host with an open-ended MOU with it,
    a teacher of the college and two units: the setting most placement tests start from."""
    college = agency(session, "C5201")
    host = make_host(session, f"EST-T{next(_serial):03d}", f"บริษัท ทดสอบ {next(_serial)} จำกัด")
    mou = make_mou(session, [host, college], dt.date(2024, 1, 1))
    teacher = make_teacher(session, college, "ศานนท์", "ใจดี")
    units = make_units(session, "ตรวจสอบระบบเครื่องยนต์", "ติดตั้งระบบเครือข่าย")
    return SimpleNamespace(
        college=college, host=host, mou=mou, teacher=teacher, units=units, round=fy2568(session)
    )

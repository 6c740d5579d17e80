"""The Digital Competency Bank: the units a teacher earns, and keeps, from a placement."""

from __future__ import annotations

from sqlalchemy.orm import Session, scoped_session

from models import Placement, Teacher, TeacherUnit, UnitSource

EVIDENCE_LENGTH = 500


def evidence(placement: Placement) -> str:
    """Return the evidence line that names the placement a unit was earned in."""
    parts = ["การฝึกประสบการณ์ในสถานประกอบการ"]
    if placement.round is not None:
        parts.append(str(placement.round))
    if placement.host is not None:
        parts.append(f"ที่ {placement.host}")
    parts.append(f"(รายการที่ {placement.id})")
    return " ".join(parts)[:EVIDENCE_LENGTH]


def earn_units(session: Session | scoped_session, placement: Placement) -> list[TeacherUnit]:
    """Add the placement's planned units to the teacher's record; return the new rows.

    Called when a test is passed. A unit the teacher already holds (from this placement,
    an earlier one or another source) is left as it is: the bank only ever grows here, so a
    later fail or a withdrawal never takes back what was earned.
    """
    if placement.id is None:
        session.flush()
    teacher = placement.teacher or session.get(Teacher, placement.teacher_id)
    held = {row.unit for row in teacher.units}
    earned = []
    for unit in placement.units:
        if unit in held:
            continue
        row = TeacherUnit(
            unit=unit,
            achieved_on=placement.tested_on,
            source=UnitSource.PLACEMENT.value,
            evidence=evidence(placement),
            placement_id=placement.id,
        )
        teacher.units.append(row)
        held.add(unit)
        earned.append(row)
    return earned

"""Figures for the start page."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from models import (
    Agency,
    AgencyKind,
    Curriculum,
    Mou,
    MouStatus,
    Placement,
    PlacementRound,
    PlacementStep,
    Qualification,
    ScholarshipAward,
    Teacher,
    db,
)

AREAS = (
    (_l("Agencies"), Agency, "agency.index_view"),
    (_l("MOUs"), Mou, "mou.index_view"),
    (_l("Qualifications"), Qualification, "qualification.index_view"),
    (_l("Curricula"), Curriculum, "curriculum.index_view"),
    (_l("Teachers"), Teacher, "teacher.index_view"),
    (_l("Placements"), Placement, "placement.index_view"),
    (_l("Scholarship awards"), ScholarshipAward, "award.index_view"),
)


def dashboard_figures() -> dict[str, Any]:
    """Count each area's records, MOUs by status and the latest round's placements by step."""
    counts = [
        (label, db.session.scalar(select(func.count()).select_from(model)), endpoint)
        for label, model, endpoint in AREAS
    ]
    colleges = db.session.scalar(
        select(func.count()).select_from(Agency).where(Agency.kind == AgencyKind.COLLEGE.value)
    )
    mou_status = dict(
        db.session.execute(select(Mou.status, func.count()).group_by(Mou.status)).all()
    )
    latest = db.session.scalar(select(PlacementRound).order_by(PlacementRound.fiscal_year.desc()))
    steps: list[tuple[str, int]] = []
    if latest is not None:
        by_status = dict(
            db.session.execute(
                select(Placement.status, func.count())
                .where(Placement.round_id == latest.id)
                .group_by(Placement.status)
            ).all()
        )
        steps = [(step.label, by_status.get(step.value, 0)) for step in PlacementStep]
    expiring = db.session.scalars(
        select(Mou).where(Mou.status == MouStatus.EXPIRING.value).order_by(Mou.expires_on).limit(10)
    ).all()
    return {
        "counts": counts,
        "colleges": colleges,
        "mou_status": [(s.label, mou_status.get(s.value, 0)) for s in MouStatus],
        "round": latest,
        "steps": steps,
        "expiring": expiring,
    }

"""The start page's figures for a fiscal year: counts, small charts and what needs doing.

Every "needs attention" list is counted and read with the same condition as the list its
count links to (processes.placement_rules for placements), so the two always agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import selectinload

from admin.listing import table_size_text
from admin.placement_page import step_label
from importers import KINDS
from models import (
    PLACEMENT_PROGRESS,
    Agency,
    AgencyKind,
    Curriculum,
    ImportBatch,
    ImportStatus,
    Mou,
    MouStatus,
    Placement,
    PlacementRound,
    PlacementStep,
    Qualification,
    ScholarshipAward,
    Teacher,
    db,
    today,
)
from processes.placement_rules import (
    OPEN_STEPS,
    in_placement_since,
    late_clause,
    no_visit_clause,
    overdue_clause,
    overdue_steps,
    post_report_due_clause,
    valid_mou_clause,
)
from processes.targets import (
    CURRICULUM_TARGET,
    TEACHER_TARGET,
    AllocationLine,
    FieldTarget,
    allocation_years,
    field_targets,
    over_allocated,
    programme_allocations,
    training_fiscal_years,
)
from thai.dates import academic_year, fiscal_year, fiscal_year_range, format_be, format_be_datetime

# How many rows each "needs attention" list shows before "all N".
FIRST_ROWS = 3
# The fiscal years (BE) the page accepts, as the records do.
FIRST_YEAR, LAST_YEAR = 2500, 2700
EXPIRING_DAYS = 90
OFF_LINE = (PlacementStep.NOT_ELIGIBLE, PlacementStep.WITHDRAWN, PlacementStep.REJECTED)
# The MOU list's status filter, as Flask-Admin names it in the URL (admin/mous.py).
MOU_STATUS_ARG = "flt0_status_equals"

AREAS = (
    (_l("Agencies"), Agency, "agency.index_view"),
    (_l("MOUs"), Mou, "mou.index_view"),
    (_l("Qualifications"), Qualification, "qualification.index_view"),
    (_l("Curricula"), Curriculum, "curriculum.index_view"),
    (_l("Teachers"), Teacher, "teacher.index_view"),
    (_l("Placements"), Placement, "placement.index_view"),
    (_l("Scholarship awards"), ScholarshipAward, "award.index_view"),
)


@dataclasses.dataclass(frozen=True)
class Bar:
    """One bar of a chart: a label, a value (and a target or quota to draw against)."""

    label: str
    value: int
    url: str | None = None
    target: int | None = None
    tone: str = "main"  # main, off (off the main line), warn (short of target or over quota)
    note: str = ""


@dataclasses.dataclass(frozen=True)
class Item:
    """One row of a "needs attention" list."""

    text: str
    url: str | None = None
    note: str = ""


@dataclasses.dataclass
class Attention:
    """A "needs attention" list: how many, where the full list is, the first few rows."""

    key: str
    title: str
    count: int
    url: str | None
    items: list[Item]
    rule: str = ""
    missing: str = ""  # said instead of "nothing to do" when the list cannot be drawn


# --------------------------------------------------------------------------- fiscal years


def fiscal_years(chosen: int | None = None) -> list[int]:
    """The years the selector offers: those of a placement round, of trainings of the
    excellence fields and of scholarship allocations, the current one and the chosen one."""
    years = set(db.session.scalars(select(PlacementRound.fiscal_year)))
    years.update(training_fiscal_years(db.session))
    years.update(fiscal_year_of_scholarships(db.session))
    years.add(fiscal_year(today()))
    if chosen is not None:
        years.add(chosen)
    return sorted(years, reverse=True)


def default_fiscal_year() -> int:
    """The latest placement round's fiscal year (the current one when there is no round)."""
    latest = db.session.scalar(select(func.max(PlacementRound.fiscal_year)))
    return latest or fiscal_year(today())


def chosen_fiscal_year(text: str | None) -> int:
    """The fiscal year asked for (a BE year, Thai digits too); else the default."""
    try:
        year = int(str(text).strip())
    except (TypeError, ValueError):
        return default_fiscal_year()
    return year if FIRST_YEAR <= year <= LAST_YEAR else default_fiscal_year()


# --------------------------------------------------------------------------- placements


def placement_list_url(year: int, **filters: Any) -> str:
    """The placement list filtered as the contract names its filters (flt_late=1, ...)."""
    args = {f"flt_{name}": value for name, value in filters.items()}
    return url_for("placement.index_view", **args, flt_fy=year)


def placement_item(placement: Placement, note: str) -> Item:
    college = placement.college or placement.teacher.college
    where = f" · {college.name_th}" if college is not None else ""
    return Item(
        text=placement.teacher.full_name,
        url=url_for("placement.details_view", id=placement.id),
        note=f"{note}{where}",
    )


def placements_where(
    placement_round: PlacementRound | None, condition: ColumnElement[bool], order: Any
) -> tuple[int, list[Placement]]:
    """Count the round's placements that meet a condition; load the first few."""
    if placement_round is None:
        return 0, []
    # A count (which the (round, status) index often answers alone) and the first rows
    # (an ordered scan that stops after FIRST_ROWS): measured at 100,000 placements in a
    # round, far cheaper than one query whose window count makes the database sort every
    # matching placement before it can stop.
    where = (Placement.round_id == placement_round.id, condition)
    total = db.session.scalar(select(func.count()).select_from(Placement).where(*where)) or 0
    if not total:
        return 0, []
    rows = db.session.scalars(
        select(Placement)
        .where(*where)
        .options(
            selectinload(Placement.teacher).selectinload(Teacher.college),
            selectinload(Placement.college),
            selectinload(Placement.host),
        )
        .order_by(order, Placement.id)
        .limit(FIRST_ROWS)
    ).all()
    return total, list(rows)


def step_bars(placement_round: PlacementRound | None, year: int) -> list[Bar]:
    """Placements of the round per step: the main line in order, then the off-line steps."""
    if placement_round is None:
        return []
    counts = dict(
        db.session.execute(
            select(Placement.status, func.count())
            .where(Placement.round_id == placement_round.id)
            .group_by(Placement.status)
        ).all()
    )
    return [
        Bar(
            label=step.label,
            value=counts.get(step.value, 0),
            url=placement_list_url(year, step=step.value),
            tone="off" if step in OFF_LINE else "main",
        )
        for step in [*PLACEMENT_PROGRESS, *OFF_LINE]
    ]


def placement_lists(
    placement_round: PlacementRound | None, year: int, on: dt.date
) -> list[Attention]:
    """The placements that need doing, one list per condition of the placement list's filters."""
    missing = "" if placement_round is not None else _("No placement round this fiscal year.")

    def attention(
        key: str,
        title: str,
        condition: ColumnElement[bool],
        order: Any,
        note: Callable[[Placement], str],
        rule: str,
        **filters: Any,
    ) -> Attention:
        total, rows = placements_where(placement_round, condition, order)
        return Attention(
            key=key,
            title=title,
            count=total,
            url=placement_list_url(year, **filters),
            items=[placement_item(p, note(p)) for p in rows],
            rule=rule,
            missing=missing,
        )

    deadline = format_be(placement_round.application_deadline) if placement_round else ""
    open_steps = Placement.status.in_(sorted(OPEN_STEPS))
    return [
        attention(
            "late",
            _("Late applications"),
            late_clause(),
            Placement.applied_at,
            lambda p: _("Applied %(at)s", at=format_be_datetime(p.applied_at)),
            _("Applied after the deadline, %(deadline)s.", deadline=deadline)
            if placement_round
            else "",
            late=1,
        ),
        attention(
            "mou",
            _("Placements without a valid MOU"),
            open_steps & ~valid_mou_clause(),
            Placement.applied_at,
            host_note,
            _("Open placements whose host has no MOU in force with the college."),
            mou=0,
            open=1,
        ),
        attention(
            "overdue",
            _("Steps overdue by the calendar"),
            overdue_clause(on),
            Placement.status_since,
            lambda p: overdue_note(p, on),
            _("Open placements past a window of the round's calendar."),
            overdue=1,
        ),
        attention(
            "novisit",
            _("Placements without a visit"),
            no_visit_clause(on),
            Placement.status_since,
            lambda p: visit_note(p, on),
            _("In placement for more than 30 days with no supervision visit."),
            novisit=1,
        ),
        attention(
            "postdue",
            _("Post-reports due"),
            post_report_due_clause(),
            Placement.status_since,
            lambda p: step_label(p.status),
            _("Tested, and the teacher's report after the development not yet received."),
            postdue=1,
        ),
    ]


def host_note(placement: Placement) -> str:
    step = step_label(placement.status)
    if placement.host:
        return _("%(step)s, host: %(host)s", step=step, host=placement.host)
    return _("%(step)s, no host", step=step)


def overdue_note(placement: Placement, on: dt.date) -> str:
    windows = overdue_steps(db.session, placement, on)
    if not windows:
        return step_label(placement.status)
    first = min(windows, key=lambda w: (w.ends_on, w.position))
    return _(
        "At %(step)s; %(window)s ended %(date)s",
        step=step_label(placement.status),
        window=first.title,
        date=format_be(first.ends_on),
    )


def visit_note(placement: Placement, on: dt.date) -> str:
    since = in_placement_since(placement)
    if since is None:
        return step_label(placement.status)
    return _(
        "In placement since %(date)s (%(days)s days)", date=format_be(since), days=(on - since).days
    )


# --------------------------------------------------------------------------- MOUs and imports


def mou_status_url(status: str) -> str:
    return url_for("mou.index_view", **{MOU_STATUS_ARG: status})


MOU_TONES = {
    MouStatus.ACTIVE.value: "main",
    MouStatus.OPEN_ENDED.value: "open",
    MouStatus.EXPIRING.value: "warn",
    MouStatus.EXPIRED.value: "off",
}


def mou_bars() -> list[Bar]:
    # Grouped over a subquery: PostgreSQL refuses to group by a CASE with bound parameters.
    statuses = select(Mou.status.label("status")).subquery()
    counts = dict(
        db.session.execute(
            select(statuses.c.status, func.count()).group_by(statuses.c.status)
        ).all()
    )
    return [
        Bar(
            label=status.label,
            value=counts.get(status.value, 0),
            url=mou_status_url(status.value),
            tone=MOU_TONES[status.value],
        )
        for status in MouStatus
    ]


def expiring_mous(on: dt.date) -> Attention:
    """MOUs ending today or within the next 90 days (the MOU list's "expiring" status)."""
    query = select(Mou).where(Mou.status == MouStatus.EXPIRING.value)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(Mou.expires_on, Mou.id).limit(FIRST_ROWS)).all()
    return Attention(
        key="expiring",
        title=_("MOUs expiring within 90 days"),
        count=total,
        url=mou_status_url(MouStatus.EXPIRING.value),
        items=[
            Item(
                text=f"{mou.ref_no} {mou.title}",
                url=url_for("mou.details_view", id=mou.id),
                note=_(
                    "Ends %(date)s (in %(days)s days)",
                    date=format_be(mou.expires_on),
                    days=(mou.expires_on - on).days,
                ),
            )
            for mou in rows
        ],
        rule=_("Renew them before placements need them."),
    )


def waiting_imports() -> Attention:
    """Uploads checked and waiting for someone to confirm the write."""
    query = select(ImportBatch).where(ImportBatch.status == ImportStatus.PREVIEWED.value)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(ImportBatch.created_at, ImportBatch.id).limit(FIRST_ROWS)
    ).all()
    show_who = current_user.is_authenticated and current_user.sees_personal_data
    items = []
    for batch in rows:
        kind = KINDS[batch.kind].label if batch.kind in KINDS else batch.kind
        note = f"{kind} · {format_be_datetime(batch.created_at)}"
        if show_who and batch.user_email:
            note += f" · {batch.user_email}"
        items.append(
            Item(text=batch.filename, url=url_for("imports.batch", batch_id=batch.id), note=note)
        )
    return Attention(
        key="imports",
        title=_("Imports waiting for confirmation"),
        count=total,
        url=url_for("import_history.index", status=ImportStatus.PREVIEWED.value),
        items=items,
        rule=_("Checked files nothing has been written from yet."),
    )


# --------------------------------------------------------------------------- targets


def fiscal_year_of_scholarships(session: Any) -> set[int]:
    """The fiscal years whose scholarship figures are those of an academic year with data."""
    return {year + 1 for year in allocation_years(session)}


def scholarship_year(year: int) -> int:
    """The academic year a fiscal year's scholarship figures are for: the one under way when
    the fiscal year opens on 1 October (FY2568 → AY2567, which runs May 2567 – May 2568 and
    so lies mostly within FY2568)."""
    return academic_year(fiscal_year_range(year)[0])


def local_name(record: Any) -> str:
    """A field's or programme's name in the reader's language, Thai when it has no other."""
    if str(get_locale()) != "th" and getattr(record, "name_en", None):
        return record.name_en
    return record.name_th


def field_bars(targets: list[FieldTarget]) -> list[Bar]:
    return [
        Bar(
            label=local_name(target.field),
            value=target.teachers_trained,
            target=TEACHER_TARGET,
            tone="warn" if target.below_target else "main",
            note=_(
                "curricula %(count)s/%(target)s", count=target.curricula, target=CURRICULUM_TARGET
            ),
        )
        for target in targets
    ]


def fields_below_target(targets: list[FieldTarget], url: str | None) -> Attention:
    below = [target for target in targets if target.below_target]
    return Attention(
        key="fields",
        title=_("Excellence fields below target"),
        count=len(below),
        url=url,
        items=[
            Item(
                text=local_name(target.field),
                url=url_for("targets.field", field_id=target.field.id, fy=target.fiscal_year),
                note=_(
                    "teachers trained %(teachers)s/%(teacher_target)s, "
                    "curricula %(curricula)s/%(curriculum_target)s",
                    teachers=target.teachers_trained,
                    teacher_target=TEACHER_TARGET,
                    curricula=target.curricula,
                    curriculum_target=CURRICULUM_TARGET,
                ),
            )
            for target in below[:FIRST_ROWS]
        ],
        rule=_(
            "At least %(curricula)s curriculum and %(teachers)s teachers trained per field "
            "in the fiscal year.",
            curricula=CURRICULUM_TARGET,
            teachers=TEACHER_TARGET,
        ),
    )


def award_bars(lines: list[AllocationLine]) -> list[Bar]:
    return [
        Bar(
            label=local_name(line.programme),
            value=line.awarded,
            target=line.quota,
            tone="warn" if line.over else "main",
            note="" if line.quota is not None else _("no allocation recorded"),
        )
        for line in lines
        if line.programme_total
    ]


def programmes_over(lines: list[AllocationLine], url: str | None) -> Attention:
    over = over_allocated(lines)
    return Attention(
        key="allocation",
        title=_("Programmes over allocation"),
        count=len(over),
        url=url,
        items=[
            Item(
                text=local_name(line.programme),
                url=url_for("programme.details_view", id=line.programme.id),
                note=_(
                    "%(awarded)s awards for a quota of %(quota)s (%(excess)s over)",
                    awarded=line.awarded,
                    quota=line.quota,
                    excess=line.excess,
                ),
            )
            for line in over[:FIRST_ROWS]
        ],
        rule=_("More awards started in the academic year than its allocation."),
    )


# --------------------------------------------------------------------------- the page


def area_counts() -> list[tuple[str, str, str]]:
    """Each area's size as text (exact, or "about N" for a table past the lists' count
    limit), its label and its list."""
    return [
        (str(label), table_size_text(db.session, model), endpoint)
        for label, model, endpoint in AREAS
    ]


def home_figures(year: int, on: dt.date | None = None) -> dict[str, Any]:
    """Everything the start page shows for a fiscal year, as of a day (today in Bangkok, the
    day the placement list's filters count from)."""
    on = on or today()
    placement_round = db.session.scalar(
        select(PlacementRound)
        .where(PlacementRound.fiscal_year == year)
        .options(selectinload(PlacementRound.steps))
    )
    steps = step_bars(placement_round, year)
    targets = field_targets(db.session, year)
    school_year = scholarship_year(year)
    allocations = programme_allocations(db.session, school_year)
    attention = [
        *placement_lists(placement_round, year, on),
        expiring_mous(today()),
        fields_below_target(
            targets, url_for("targets.index", fy=year, ay=school_year, _anchor="fields")
        ),
        programmes_over(
            allocations, url_for("targets.index", fy=year, ay=school_year, _anchor="allocations")
        ),
        waiting_imports(),
    ]
    return {
        "year": year,
        "years": fiscal_years(year),
        "on": on,
        "round": placement_round,
        "round_total": sum(bar.value for bar in steps),
        "counts": area_counts(),
        "colleges": db.session.scalar(
            select(func.count()).select_from(Agency).where(Agency.kind == AgencyKind.COLLEGE.value)
        ),
        "steps": steps,
        "mous": mou_bars(),
        "fields": field_bars(targets),
        "academic_year": school_year,
        "teacher_target": TEACHER_TARGET,
        "awards": award_bars(allocations),
        "attention": attention,
    }


def dashboard_figures() -> dict[str, Any]:
    """The start page's figures for the fiscal year the request asks for (?fy=2568)."""
    return home_figures(chosen_fiscal_year(request.args.get("fy")))

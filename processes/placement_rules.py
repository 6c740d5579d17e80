"""The rules a placement is checked against, for one record and as SQL conditions for lists.

Each SQL clause works on a select over Placement with no join: what it needs from other
tables it reads through correlated subqueries, so lists, counts and reports can combine
them freely.

The MOU rule (DOMAIN.md): the host must share an MOU with the teacher's college that is in
force over the placement's dates (signed on or before the planned start; no end date, or an
end on or after the planned end), or the placement carries the explicit "joint education
development" exception with a reason. A placement without planned dates is checked on the
day of the check (start unknown) and over its start alone (end unknown).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Date,
    and_,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, aliased, scoped_session

from models import (
    PLACEMENT_PROGRESS,
    Mou,
    MouParty,
    Placement,
    PlacementRound,
    PlacementStep,
    RoundStep,
    SupervisionVisit,
    Teacher,
    db,
    steps_from,
    today,
)
from processes.calendar import steps_not_reached
from thai.dates import format_be

CLIP_MAX_SECONDS = 5 * 60
VISIT_DAYS = 30
# The steps a placement is still moving through (completed and off-line steps excluded).
OPEN_STEPS = frozenset(
    {
        PlacementStep.APPLIED.value,
        PlacementStep.ELIGIBLE.value,
        PlacementStep.ORIENTED.value,
        PlacementStep.IN_PLACEMENT.value,
        PlacementStep.TESTED.value,
        PlacementStep.COLLEGE_REPORT.value,
        PlacementStep.LESSONS_LEARNED.value,
    }
)


# --------------------------------------------------------------------------- the MOU rule


def college_id_of(placement: Placement) -> int | None:
    """Return the placement's college, else its teacher's."""
    if placement.college_id is not None:
        return placement.college_id
    if placement.college is not None:
        return placement.college.id
    teacher = placement.teacher
    return teacher.college_id if teacher is not None else None


def host_id_of(placement: Placement) -> int | None:
    if placement.host_id is not None:
        return placement.host_id
    return placement.host.id if placement.host is not None else None


def placement_span(placement: Placement, on: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Return the dates an MOU must cover: the planned start and end, or the day of the check."""
    start = placement.planned_start or on or today()
    return start, placement.planned_end or start


def covering_mou(
    session: Session | scoped_session, placement: Placement, on: dt.date | None = None
) -> Mou | None:
    """Return the MOU between host and college in force over the placement's dates, or None.

    Of several, the one that lasts longest (open-ended first) is returned.
    """
    return covering_mous(session, [placement], on)[0]


def covering_mous(
    session: Session | scoped_session, placements: Sequence[Placement], on: dt.date | None = None
) -> list[Mou | None]:
    """Return each placement's covering MOU (see covering_mou), in order, in one query.

    The MOUs between each (host, college) pair are read at once, longest-lasting first, and
    each placement takes the first one in force over its own dates.
    """
    spans: list[tuple[int, int, dt.date, dt.date] | None] = []
    for placement in placements:
        host_id, college_id = host_id_of(placement), college_id_of(placement)
        missing = host_id is None or college_id is None
        spans.append(None if missing else (host_id, college_id, *placement_span(placement, on)))
    pairs = {(span[0], span[1]) for span in spans if span is not None}
    if not pairs:
        return [None] * len(spans)
    host_party, college_party = aliased(MouParty), aliased(MouParty)
    rows = session.execute(
        select(Mou, host_party.agency_id, college_party.agency_id)
        .join(host_party, host_party.mou_id == Mou.id)
        .join(college_party, college_party.mou_id == Mou.id)
        .where(tuple_(host_party.agency_id, college_party.agency_id).in_(pairs))
        .order_by(Mou.expires_on.is_not(None), Mou.expires_on.desc(), Mou.id)
    ).all()
    between: dict[tuple[int, int], list[Mou]] = {}
    for mou, host_id, college_id in rows:
        between.setdefault((host_id, college_id), []).append(mou)
    found: list[Mou | None] = []
    for span in spans:
        if span is None:
            found.append(None)
            continue
        host_id, college_id, start, end = span
        candidates = between.get((host_id, college_id), ())
        found.append(next((mou for mou in candidates if in_force(mou, start, end)), None))
    return found


def in_force(mou: Mou, start: dt.date, end: dt.date) -> bool:
    """Whether an MOU is in force from start to end: signed by then, not ended before."""
    return mou.signed_on <= start and (mou.expires_on is None or mou.expires_on >= end)


def has_exception(placement: Placement) -> bool:
    """True when the placement carries the joint-education exception with a reason."""
    return bool(placement.mou_exception and (placement.mou_exception_reason or "").strip())


def mou_ok(
    session: Session | scoped_session, placement: Placement, on: dt.date | None = None
) -> bool:
    """True when a covering MOU is in force, or the exception is recorded with a reason."""
    return has_exception(placement) or covering_mou(session, placement, on) is not None


def mou_refusal(
    session: Session | scoped_session, placement: Placement, on: dt.date | None = None
) -> str | None:
    """Return why the MOU rule is not met (in the reader's language), or None."""
    if has_exception(placement) or covering_mou(session, placement, on) is not None:
        return None
    if placement.mou_exception:
        return _("The joint education development exception needs a reason.")
    if host_id_of(placement) is None:
        return _("The placement has no host establishment, so no MOU can cover it.")
    if college_id_of(placement) is None:
        return _("The placement has no college, so no MOU can cover it.")
    start, end = placement_span(placement, on)
    return _(
        "No MOU between the host and the teacher's college is in force from %(start)s to "
        "%(end)s, and the placement has no joint education development exception.",
        start=format_be(start),
        end=format_be(end),
    )


def placement_college_id() -> ColumnElement[int | None]:
    """The placement's college, else its teacher's, as an SQL expression."""
    # Correlated to the placement the outer query reads: inside the MOU rule's EXISTS the
    # automatic correlation does not reach two levels out, and the subquery read every
    # placement instead (the first teacher's college, or an error on PostgreSQL).
    teacher_college = (
        select(Teacher.college_id)
        .where(Teacher.id == Placement.teacher_id)
        .correlate(Placement)
        .scalar_subquery()
    )
    return func.coalesce(Placement.college_id, teacher_college)


def valid_mou_clause() -> ColumnElement[bool]:
    """Placements that satisfy the MOU rule (as of today for those without planned dates)."""
    now = today()
    start = func.coalesce(Placement.planned_start, literal(now, Date))
    end = func.coalesce(Placement.planned_end, Placement.planned_start, literal(now, Date))
    host_party, college_party = aliased(MouParty), aliased(MouParty)
    covered = exists(
        select(Mou.id)
        .join(host_party, host_party.mou_id == Mou.id)
        .join(college_party, college_party.mou_id == Mou.id)
        .where(
            host_party.agency_id == Placement.host_id,
            college_party.agency_id == placement_college_id(),
            Mou.signed_on <= start,
            or_(Mou.expires_on.is_(None), Mou.expires_on >= end),
        )
    )
    excepted = and_(
        Placement.mou_exception.is_(True),
        func.length(func.trim(func.coalesce(Placement.mou_exception_reason, ""))) > 0,
    )
    return or_(excepted, covered)


# --------------------------------------------------------------------------- late applications


def late_clause(session: Session | scoped_session | None = None) -> ColumnElement[bool]:
    """Placements applied for after the end of their round's deadline day (Bangkok time).

    The rounds are few (one a year): each round's first moment after its deadline day is
    read first, so the database compares each placement's time with a constant instead of
    looking up its round's deadline row by row.
    """
    session = session or db.session
    deadlines = session.execute(
        select(PlacementRound.id, PlacementRound.application_deadline).where(
            PlacementRound.application_deadline.is_not(None)
        )
    ).all()
    cases = [
        and_(
            Placement.round_id == round_id,
            Placement.applied_at >= dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time()),
        )
        for round_id, deadline in deadlines
    ]
    return or_(*cases) if cases else false()


# --------------------------------------------------------------------------- the calendar


def overdue_clause(
    on: dt.date, session: Session | scoped_session | None = None
) -> ColumnElement[bool]:
    """Open placements past the end of a calendar window for a step they have not reached.

    A round's calendar is a handful of windows: which steps are overdue in each round is
    worked out from it first, so the database tests only each placement's round and step
    (which the (round, status) index answers) instead of a subquery per placement.
    """
    session = session or db.session
    ended: dict[int, set[str]] = {}
    for round_id, step in session.execute(
        select(RoundStep.round_id, RoundStep.step).where(
            RoundStep.ends_on.is_not(None), RoundStep.ends_on < on
        )
    ):
        ended.setdefault(round_id, set()).add(step)
    cases = []
    for round_id, steps in sorted(ended.items()):
        overdue = [
            step.value
            for step in PLACEMENT_PROGRESS
            if step.value in OPEN_STEPS and steps & {s.value for s in steps_not_reached(step)}
        ]
        if overdue:
            cases.append(and_(Placement.round_id == round_id, Placement.status.in_(overdue)))
    return or_(*cases) if cases else false()


def overdue_steps(
    session: Session | scoped_session, placement: Placement, on: dt.date
) -> list[RoundStep]:
    """Return the calendar windows that have ended without the placement reaching their step."""
    if placement.status not in OPEN_STEPS or placement.round is None:
        return []
    later = {s.value for s in steps_not_reached(placement.status)}
    return [
        row
        for row in placement.round.steps
        if row.step in later and row.ends_on is not None and row.ends_on < on
    ]


# --------------------------------------------------------------------------- supervision visits


def in_placement_since(placement: Placement) -> dt.date | None:
    if placement.status_since is not None:
        return placement.status_since.date()
    return placement.planned_start


def needs_visit(placement: Placement, on: dt.date) -> bool:
    """True when the placement has been in placement more than 30 days with no visit since."""
    if placement.status != PlacementStep.IN_PLACEMENT.value:
        return False
    since = in_placement_since(placement)
    if since is None or (on - since).days <= VISIT_DAYS:
        return False
    return not any(visit.visited_on >= since for visit in placement.visits)


def no_visit_clause(on: dt.date) -> ColumnElement[bool]:
    """Placements in placement for more than 30 days with no supervision visit since then."""
    since = func.coalesce(func.date(Placement.status_since), Placement.planned_start)
    visited = exists(
        select(SupervisionVisit.id).where(
            SupervisionVisit.placement_id == Placement.id,
            SupervisionVisit.visited_on >= since,
        )
    )
    return and_(
        Placement.status == PlacementStep.IN_PLACEMENT.value,
        since < on - dt.timedelta(days=VISIT_DAYS),
        ~visited,
    )


# --------------------------------------------------------------------------- post reports


def post_report_due_clause() -> ColumnElement[bool]:
    """Placements whose teacher still owes the report after the development.

    Owed once the placement has reached the test (the practical part is over; the report is
    asked for months later, in the next fiscal year) until the bureau has it: either
    post_report_received is ticked or the placement is at post report. Withdrawn, rejected
    and not-eligible placements owe nothing.
    """
    return and_(
        Placement.status.in_(steps_from(PlacementStep.TESTED)),
        Placement.status != PlacementStep.POST_REPORT.value,
        Placement.post_report_received.is_not(True),
    )


# --------------------------------------------------------------------------- the clip


def expected_clip_titles(placement: Placement) -> list[str]:
    """Return the titles the clip may carry: "ชื่อ นามสกุล (unit title)" per planned unit."""
    teacher = placement.teacher
    if teacher is None:
        return []
    name = f"{teacher.first_name} {teacher.last_name}"
    return [f"{name} ({unit.title})" for unit in placement.units]


def title_key(title: str) -> str:
    """Return a title as compared: NFC, single spaces, none just inside or before brackets."""
    text = unicodedata.normalize("NFC", title).replace("\u0e4d\u0e32", "\u0e33")
    text = " ".join(text.split())
    text = re.sub(r"\s*\(\s*", " (", text)
    return re.sub(r"\s*\)", ")", text).strip()


def format_duration(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def clip_problems(
    placement: Placement, title: str | None, duration_seconds: int | None
) -> list[str]:
    """Return what is wrong with a clip's title and length (in the reader's language).

    A title or length not given is not checked. The title must be the teacher's own first
    and last name and, in brackets, the title of one of the placement's planned units
    (the teacher's prefix in front is accepted too).
    """
    problems = []
    if duration_seconds is not None:
        if duration_seconds <= 0:
            problems.append(_("The clip's length must be more than 0 seconds."))
        elif duration_seconds > CLIP_MAX_SECONDS:
            problems.append(
                _(
                    "The clip is %(length)s long; it may be at most 5 minutes (5:00).",
                    length=format_duration(duration_seconds),
                )
            )
    if title is not None and title.strip():
        problems.extend(title_problems(placement, title))
    return problems


def title_problems(placement: Placement, title: str) -> Sequence[str]:
    expected = expected_clip_titles(placement)
    if not expected:
        return [
            _(
                "The placement has no planned units of competence, so the clip's title "
                "cannot name one."
            )
        ]
    prefix = placement.teacher.prefix or ""
    accepted = {title_key(t) for t in expected} | {title_key(prefix + t) for t in expected}
    if title_key(title) in accepted:
        return []
    return [
        _(
            "The clip's title “%(title)s” does not match the rule "
            "“first name last name (unit of competence)”: expected %(expected)s.",
            title=title.strip(),
            expected=_(" or ").join(f"“{t}”" for t in expected),
        )
    ]

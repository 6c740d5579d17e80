"""Targets and allocations, counted from the records: one computation for screens and print.

The excellence report, the scholarships report, the targets screen and the home page all
take their figures from field_targets() and programme_allocations(), so what a director
prints and what staff see on screen cannot disagree.

Excellence fields (per fiscal year):

- Curricula: the teacher-development curricula linked to the field now (curricula have no
  year). At least CURRICULUM_TARGET are expected. Other kinds of curricula of the field are
  counted beside them (other_curricula) but do not count toward the target.
- Teachers trained: the distinct teachers with a *completed* attendance of a training of
  the field that *started* within the fiscal year (1 Oct – 30 Sep). A teacher who finished
  several of the field's trainings counts once; one trained in two fields counts in both.
  At least TEACHER_TARGET per field are expected. by_group splits them by the group
  (Excellence Center, Expert, Standard) of the teacher's college in that field, as recorded
  now; NO_GROUP when the college is in no group of the field or the teacher has no college.

Scholarship allocations (per academic year):

- Quota: ScholarshipAllocation.quota of the year. An allocation names a college (that
  college's quota) or none (a programme-wide quota, not split among colleges).
- Awards: the ScholarshipAward rows that started in the year (start_year), counted at the
  college of the student. COUNTED_STATUSES is every status: a place of a year's quota is
  used when the award starts, and a student who later graduates, drops out or is suspended
  does not give the place back to that year's intake.
- One line per programme as a whole (college is None, programme_total is True): its quota
  is the sum of both kinds, or None when the programme has no allocation recorded that
  year (no record is not a quota of zero). Then one line per college with a quota or awards
  in the programme: its own quota; None when it has none but the programme holds a
  programme-wide quota (it draws on that pool: "pooled"); 0 when the programme's quota is
  split among other colleges only. Awards of students without a college make a line with
  college None and programme_total False.
- Over allocation: more awards counted than the quota (a quota of None is never over).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session, joinedload, scoped_session

from models import (
    Agency,
    AwardStatus,
    CollegeFieldGroup,
    Curriculum,
    CurriculumKind,
    ExcellenceField,
    ExcellenceGroup,
    ScholarshipAllocation,
    ScholarshipAward,
    ScholarshipProgramme,
    Student,
    Teacher,
    Training,
    TrainingAttendance,
    today,
)
from thai.dates import academic_year, fiscal_year, fiscal_year_range
from thai.text import thai_sort_key

__all__ = [
    "COUNTED_STATUSES",
    "CURRICULUM_TARGET",
    "GROUPS",
    "NO_GROUP",
    "NO_QUOTA",
    "POOLED",
    "TEACHER_TARGET",
    "AllocationLine",
    "FieldTarget",
    "allocation_years",
    "college_groups",
    "default_academic_year",
    "default_fiscal_year",
    "distinct_teachers_trained",
    "field_curricula",
    "field_targets",
    "over_allocated",
    "programme_allocations",
    "trained_conditions",
    "trained_teachers",
    "training_fiscal_years",
]

CURRICULUM_TARGET = 1
TEACHER_TARGET = 20
GROUPS = tuple(group.value for group in ExcellenceGroup)
NO_GROUP = "no_group"
COUNTED_STATUSES = frozenset(status.value for status in AwardStatus)
# Why a line's quota is None.
POOLED = "pooled"  # the college has no quota of its own; the programme has a common one
NO_QUOTA = "no_quota"  # nothing allocated to the programme that year

Session_ = Session | scoped_session


# --------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class FieldTarget:
    """One excellence field's figures for a fiscal year against its two targets."""

    field: ExcellenceField
    fiscal_year: int
    curricula: int
    other_curricula: int
    teachers_trained: int
    by_group: dict[str, int]

    @property
    def curricula_short(self) -> int:
        return max(CURRICULUM_TARGET - self.curricula, 0)

    @property
    def teachers_short(self) -> int:
        return max(TEACHER_TARGET - self.teachers_trained, 0)

    @property
    def below_target(self) -> bool:
        return bool(self.curricula_short or self.teachers_short)


def trained_conditions(year: int) -> list[Any]:
    """The conditions on a TrainingAttendance joined to its Training that make a teacher
    count as trained in a field in a fiscal year."""
    first, last = fiscal_year_range(year)
    return [
        TrainingAttendance.completed.is_(True),
        Training.excellence_field_id.is_not(None),
        Training.start_on.between(first, last),
    ]


def curricula_per_field(session: Session_) -> dict[int, tuple[int, int]]:
    """Return field id -> (teacher-development curricula, other curricula of the field)."""
    development = Curriculum.kind == CurriculumKind.TEACHER_DEVELOPMENT.value
    query = (
        select(
            Curriculum.excellence_field_id,
            func.sum(case((development, 1), else_=0)),
            func.sum(case((development, 0), else_=1)),
        )
        .where(Curriculum.excellence_field_id.is_not(None))
        .group_by(Curriculum.excellence_field_id)
    )
    return {field_id: (int(ours), int(others)) for field_id, ours, others in session.execute(query)}


def teachers_per_field_and_group(session: Session_, year: int) -> dict[int, dict[str, int]]:
    """Return field id -> group -> distinct teachers trained in the fiscal year.

    A teacher's college is in at most one group per field, so the groups add up to the
    field's distinct teachers.
    """
    query = (
        select(
            Training.excellence_field_id,
            CollegeFieldGroup.tier,
            func.count(distinct(Teacher.id)),
        )
        .select_from(TrainingAttendance)
        .join(Training, Training.id == TrainingAttendance.training_id)
        .join(Teacher, Teacher.id == TrainingAttendance.teacher_id)
        .outerjoin(
            CollegeFieldGroup,
            and_(
                CollegeFieldGroup.field_id == Training.excellence_field_id,
                CollegeFieldGroup.college_id == Teacher.college_id,
            ),
        )
        .where(*trained_conditions(year))
        .group_by(Training.excellence_field_id, CollegeFieldGroup.tier)
    )
    found: dict[int, dict[str, int]] = {}
    for field_id, tier, teachers in session.execute(query):
        found.setdefault(field_id, {})[tier or NO_GROUP] = int(teachers)
    return found


def field_targets(session: Session_, fiscal_year: int) -> list[FieldTarget]:
    """Every excellence field (in id order) with its curricula and teachers trained that year."""
    fields = session.scalars(
        select(ExcellenceField)
        .options(joinedload(ExcellenceField.hub_college))
        .order_by(ExcellenceField.id)
    ).all()
    curricula = curricula_per_field(session)
    trained = teachers_per_field_and_group(session, fiscal_year)
    targets = []
    for excellence_field in fields:
        ours, others = curricula.get(excellence_field.id, (0, 0))
        found = trained.get(excellence_field.id, {})
        by_group = {key: found.get(key, 0) for key in (*GROUPS, NO_GROUP)}
        targets.append(
            FieldTarget(
                field=excellence_field,
                fiscal_year=fiscal_year,
                curricula=ours,
                other_curricula=others,
                teachers_trained=sum(by_group.values()),
                by_group=by_group,
            )
        )
    return targets


def distinct_teachers_trained(session: Session_, fiscal_year: int) -> int:
    """Teachers trained in any field that year, each counted once."""
    query = (
        select(func.count(distinct(TrainingAttendance.teacher_id)))
        .join(Training, Training.id == TrainingAttendance.training_id)
        .where(*trained_conditions(fiscal_year))
    )
    return int(session.scalar(query) or 0)


def training_fiscal_years(session: Session_) -> list[int]:
    """The fiscal years in which trainings of excellence fields started, newest first."""
    # One row per month is enough to know the fiscal years, however many trainings there are.
    months = session.execute(
        select(func.min(Training.start_on)).group_by(
            func.extract("year", Training.start_on), func.extract("month", Training.start_on)
        )
    ).scalars()
    return sorted({fiscal_year(day) for day in months if day is not None}, reverse=True)


def default_fiscal_year(session: Session_) -> int:
    """The latest fiscal year with trainings, else the current one."""
    years = training_fiscal_years(session)
    return years[0] if years else fiscal_year(today())


# --------------------------------------------------------------------------- allocations


@dataclass
class AllocationLine:
    """A programme's (or one of its colleges') quota against the awards of an academic year."""

    programme: ScholarshipProgramme
    college: Agency | None
    academic_year: int
    quota: int | None
    statuses: dict[str, int] = dataclass_field(
        default_factory=lambda: {status.value: 0 for status in AwardStatus}
    )
    programme_total: bool = False
    # Why quota is None, when it is: POOLED or NO_QUOTA.
    blank_because: str | None = None

    @property
    def awarded(self) -> int:
        """The awards that count against the quota (COUNTED_STATUSES)."""
        return sum(n for status, n in self.statuses.items() if status in COUNTED_STATUSES)

    @property
    def remaining(self) -> int | None:
        return None if self.quota is None else self.quota - self.awarded

    @property
    def over(self) -> bool:
        return self.quota is not None and self.awarded > self.quota

    @property
    def excess(self) -> int:
        """How many awards beyond the quota (0 when not over)."""
        return max(-(self.remaining or 0), 0)

    def leave_blank(self, because: str) -> None:
        self.quota, self.blank_because = None, because


def quotas_of(session: Session_, year: int) -> dict[tuple[int, int | None], int]:
    """Return the quota per (programme, college or None for programme-wide)."""
    allocation = ScholarshipAllocation
    query = (
        select(allocation.programme_id, allocation.college_id, func.sum(allocation.quota))
        .where(allocation.academic_year == year)
        .group_by(allocation.programme_id, allocation.college_id)
    )
    return {(p, c): int(q or 0) for p, c, q in session.execute(query)}


def awards_of(session: Session_, year: int) -> dict[tuple[int, int | None], dict[str, int]]:
    """Return the number of awards started in the year per (programme, college) and status."""
    award = ScholarshipAward
    query = (
        select(award.programme_id, Student.college_id, award.status, func.count(award.id))
        .join(Student, Student.id == award.student_id)
        .where(award.start_year == year)
        .group_by(award.programme_id, Student.college_id, award.status)
    )
    found: dict[tuple[int, int | None], dict[str, int]] = defaultdict(dict)
    for programme_id, college_id, status, count in session.execute(query):
        found[programme_id, college_id][status] = int(count)
    return found


def college_lines(
    programme: ScholarshipProgramme,
    year: int,
    quotas: dict[tuple[int, int | None], int],
    awards: dict[tuple[int, int | None], dict[str, int]],
    colleges: dict[int, Agency],
) -> dict[int | None, AllocationLine]:
    """The line of each college with a quota or awards in a programme (None: no college)."""
    lines: dict[int | None, AllocationLine] = {}
    for (p, college_id), quota in quotas.items():
        if p == programme.id and college_id is not None:
            lines[college_id] = AllocationLine(programme, colleges[college_id], year, quota)
    has_pool = (programme.id, None) in quotas
    has_any = any(p == programme.id for p, _ in quotas)
    for (p, college_id), statuses in awards.items():
        if p != programme.id:
            continue
        line = lines.get(college_id)
        if line is None:
            college = colleges.get(college_id) if college_id is not None else None
            # No quota of its own: it draws on a programme-wide quota, or has none at all
            # (a quota of 0 when the programme's quota is split among other colleges).
            line = lines[college_id] = AllocationLine(programme, college, year, 0)
            if has_pool:
                line.leave_blank(POOLED)
            elif not has_any:
                line.leave_blank(NO_QUOTA)
        for status, count in statuses.items():
            line.statuses[status] = line.statuses.get(status, 0) + count
    return lines


def programme_allocations(session: Session_, academic_year: int) -> list[AllocationLine]:
    """Each programme with a quota or awards that year: its line, then its colleges' lines.

    Programmes in id order; colleges in Thai alphabetical order, students without a college
    last. See the module's docstring for how each figure is counted.
    """
    quotas = quotas_of(session, academic_year)
    awards = awards_of(session, academic_year)
    programme_ids = {p for p, _ in quotas} | {p for p, _ in awards}
    if not programme_ids:
        return []
    programmes = session.scalars(
        select(ScholarshipProgramme)
        .where(ScholarshipProgramme.id.in_(sorted(programme_ids)))
        .order_by(ScholarshipProgramme.id)
    ).all()
    college_ids = {c for _, c in quotas} | {c for _, c in awards}
    colleges = {
        agency.id: agency
        for agency in session.scalars(
            select(Agency).where(Agency.id.in_([c for c in college_ids if c is not None]))
        )
    }
    result: list[AllocationLine] = []
    for programme in programmes:
        per_college = college_lines(programme, academic_year, quotas, awards, colleges)
        whole = AllocationLine(
            programme,
            None,
            academic_year,
            sum(q for (p, _), q in quotas.items() if p == programme.id),
            programme_total=True,
        )
        if not any(p == programme.id for p, _ in quotas):
            # Nothing recorded is not a quota of zero: no shortfall can be claimed.
            whole.leave_blank(NO_QUOTA)
        for line in per_college.values():
            for status, count in line.statuses.items():
                whole.statuses[status] = whole.statuses.get(status, 0) + count
        result.append(whole)
        result.extend(
            sorted(
                per_college.values(),
                key=lambda line: (
                    line.college is None,
                    thai_sort_key(line.college.name_th if line.college else ""),
                ),
            )
        )
    return result


def allocation_years(session: Session_) -> list[int]:
    """The academic years with an allocation or an award, newest first."""
    allocated = session.scalars(select(ScholarshipAllocation.academic_year).distinct())
    started = session.scalars(select(ScholarshipAward.start_year).distinct())
    return sorted({*allocated, *started}, reverse=True)


def default_academic_year(session: Session_) -> int:
    """The latest academic year with an allocation or an award, else the current one."""
    years = allocation_years(session)
    return years[0] if years else academic_year(today())


def over_allocated(lines: Iterable[AllocationLine]) -> list[AllocationLine]:
    """The programme lines (not college lines) with more awards than their quota."""
    return [line for line in lines if line.programme_total and line.over]


# --------------------------------------------------------------------------- the records behind


def trained_teachers(
    session: Session_, field_id: int, fiscal_year: int
) -> list[tuple[Teacher, list[Training]]]:
    """The teachers counted as trained in a field that year, each with the trainings that
    count (completed, started in the year), by name; as many as teachers_trained."""
    query = (
        select(Teacher, Training)
        .select_from(TrainingAttendance)
        .join(Training, Training.id == TrainingAttendance.training_id)
        .join(Teacher, Teacher.id == TrainingAttendance.teacher_id)
        .options(joinedload(Teacher.college))
        .where(Training.excellence_field_id == field_id, *trained_conditions(fiscal_year))
        .order_by(Training.start_on, Training.id)
    )
    found: dict[int, tuple[Teacher, list[Training]]] = {}
    for teacher, training in session.execute(query):
        found.setdefault(teacher.id, (teacher, []))[1].append(training)
    return sorted(
        found.values(),
        key=lambda item: (thai_sort_key(item[0].first_name), thai_sort_key(item[0].last_name)),
    )


def field_curricula(session: Session_, field_id: int) -> list[Curriculum]:
    """The curricula linked to a field: teacher-development ones first, then by code."""
    development = Curriculum.kind == CurriculumKind.TEACHER_DEVELOPMENT.value
    return list(
        session.scalars(
            select(Curriculum)
            .where(Curriculum.excellence_field_id == field_id)
            .order_by(case((development, 0), else_=1), Curriculum.code)
        )
    )


def college_groups(session: Session_, field_id: int) -> dict[int, str]:
    """College id -> its group in a field."""
    query = select(CollegeFieldGroup.college_id, CollegeFieldGroup.tier).where(
        CollegeFieldGroup.field_id == field_id
    )
    return dict(session.execute(query).all())

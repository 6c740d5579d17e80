"""เป้าหมายและการจัดสรร: excellence fields against their targets, scholarships against quotas.

The figures are processes.targets' (the printed excellence and scholarships reports print
the same ones). Each count links to the records behind it: a field's curricula and trained
teachers on a page of their own, a programme's awards and quotas in the award and
allocation lists, filtered. Reading changes nothing: the page is GET and every role sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEmpty, FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, scoped_session

from admin.base import SecureBaseView
from admin.registry import model_view
from models import (
    Agency,
    AwardStatus,
    CurriculumKind,
    ExcellenceField,
    ExcellenceGroup,
    ScholarshipAllocation,
    ScholarshipAward,
    ScholarshipProgramme,
    db,
    today,
)
from processes import targets
from processes.targets import AllocationLine, FieldTarget
from thai.dates import academic_year, fiscal_year, fiscal_year_range

CATEGORY = _l("Reports")
FIRST_YEAR, LAST_YEAR = 2500, 2700


# --------------------------------------------------------------------------- links


def column_key(column: Any) -> tuple[str, str] | None:
    """(table, column) of a filter's column or a mapped attribute."""
    prop = getattr(column, "property", None)
    if prop is not None and getattr(prop, "columns", None):
        column = prop.columns[0]
    table = getattr(column, "table", None)
    name = getattr(column, "name", None)
    if table is None or name is None:
        return None
    return table.name, name


def list_url(endpoint: str, *conditions: tuple[Any, type, Any]) -> str | None:
    """A list page filtered by (column, filter class, value) conditions, or None when the
    list has no such filter (or the user cannot open it)."""
    view = model_view(endpoint)
    if view is None or not view.is_accessible():
        return None
    filters = view._filters if view._filters is not None else view.get_filters()
    args: dict[str, Any] = {}
    for position, (column, kind, value) in enumerate(conditions):
        wanted = column_key(column)
        for index, flt in enumerate(filters or ()):
            if isinstance(flt, kind) and column_key(getattr(flt, "column", None)) == wanted:
                args[f"flt{position}_{view.get_filter_arg(index, flt)}"] = value
                break
        else:
            return None
    return url_for(f"{endpoint}.index_view", **args)


# --------------------------------------------------------------------------- rows


@dataclass
class FieldRow:
    target: FieldTarget
    curricula_url: str
    teachers_url: str


@dataclass
class AllocationRow:
    line: AllocationLine
    awards_url: str | None
    quota_url: str | None


def award_links(line: AllocationLine) -> tuple[str | None, str | None]:
    """The award and allocation lists filtered to the line's programme, year and college."""
    programme = (ScholarshipProgramme.name_th, FilterEqual, line.programme.name_th)
    awards: list[tuple[Any, type, Any]] = [
        programme,
        (ScholarshipAward.start_year, FilterEqual, line.academic_year),
    ]
    quotas: list[tuple[Any, type, Any]] = [
        programme,
        (ScholarshipAllocation.academic_year, FilterEqual, line.academic_year),
    ]
    if not line.programme_total:
        if line.college is None:
            awards.append((Agency.name_th, FilterEmpty, "1"))
        else:
            awards.append((Agency.name_th, FilterEqual, line.college.name_th))
            quotas.append((Agency.name_th, FilterEqual, line.college.name_th))
    quota_url = None if line.quota is None else list_url("allocation", *quotas)
    return list_url("award", *awards), quota_url


# --------------------------------------------------------------------------- years


def year_arg(name: str, default: int) -> tuple[int, bool]:
    """The year asked for in the query string, or the default; False when it was unusable."""
    text = (request.args.get(name) or "").strip()
    if not text:
        return default, True
    if text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return int(text), True
    return default, False


def choices(years: Sequence[int], *also: int) -> list[int]:
    return sorted({*years, *also}, reverse=True)


def figures(session: Session | scoped_session, fy: int, ay: int) -> dict[str, Any]:
    """Everything the page shows for a fiscal year (fields) and an academic year (awards)."""
    fields = [
        FieldRow(
            target,
            url_for("targets.field", field_id=target.field.id, fy=fy, _anchor="curricula"),
            url_for("targets.field", field_id=target.field.id, fy=fy, _anchor="teachers"),
        )
        for target in targets.field_targets(session, fy)
    ]
    allocations = [
        AllocationRow(line, *award_links(line))
        for line in targets.programme_allocations(session, ay)
    ]
    return {
        "fields": fields,
        "below": sum(1 for row in fields if row.target.below_target),
        "allocations": allocations,
        "over": targets.over_allocated(row.line for row in allocations),
        "over_colleges": sum(
            1 for row in allocations if row.line.over and not row.line.programme_total
        ),
    }


class TargetsView(SecureBaseView):
    """Targets per excellence field and fiscal year; awards per programme against its quota."""

    @expose("/")
    def index(self):
        session = db.session
        fy_default = targets.default_fiscal_year(session)
        ay_default = targets.default_academic_year(session)
        fy, fy_ok = year_arg("fy", fy_default)
        ay, ay_ok = year_arg("ay", ay_default)
        first, last = fiscal_year_range(fy)
        return self.render(
            "admin/targets/index.html",
            fy=fy,
            ay=ay,
            fy_first=first,
            fy_last=last,
            fy_choices=choices(targets.training_fiscal_years(session), fiscal_year(today()), fy),
            ay_choices=choices(targets.allocation_years(session), academic_year(today()), ay),
            bad_year=not (fy_ok and ay_ok),
            curriculum_target=targets.CURRICULUM_TARGET,
            teacher_target=targets.TEACHER_TARGET,
            groups=[(code, ExcellenceGroup(code).label) for code in targets.GROUPS],
            statuses=[(status.value, status.label) for status in AwardStatus],
            **figures(session, fy, ay),
        )

    @expose("/field/<int:field_id>/")
    def field(self, field_id: int):
        """The records behind one field's counts: its curricula and the teachers trained."""
        session = db.session
        excellence_field = session.get(ExcellenceField, field_id)
        if excellence_field is None:
            abort(404)
        fy, fy_ok = year_arg("fy", targets.default_fiscal_year(session))
        (target,) = [t for t in targets.field_targets(session, fy) if t.field.id == field_id]
        groups = targets.college_groups(session, field_id)
        first, last = fiscal_year_range(fy)
        return self.render(
            "admin/targets/field.html",
            target=target,
            fy=fy,
            fy_first=first,
            fy_last=last,
            bad_year=not fy_ok,
            curricula=targets.field_curricula(session, field_id),
            teachers=targets.trained_teachers(session, field_id, fy),
            group_of=lambda teacher: (
                ExcellenceGroup(groups[teacher.college_id]).label
                if teacher.college_id in groups
                else _("Not in a group of the field")
            ),
            curriculum_target=targets.CURRICULUM_TARGET,
            teacher_target=targets.TEACHER_TARGET,
            development=CurriculumKind.TEACHER_DEVELOPMENT.value,
            kind_label=lambda kind: CurriculumKind(kind).label,
        )


def add_views(admin) -> None:
    admin.add_view(
        TargetsView(
            name=_l("Targets and allocations"), category=CATEGORY, endpoint="targets", url="targets"
        )
    )

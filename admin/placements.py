"""การฝึกประสบการณ์: placement rounds with their calendar, placements and visits."""

from __future__ import annotations

from typing import Any

from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from wtforms.validators import NumberRange, Optional

from admin.base import SecureModelView, choice_filter, choice_formatter, db_options, link_formatter
from admin.labels import LABELS
from admin.refs import COLLEGES, HOSTS, TEACHER_REF, UNIT_REF, agency_ref
from admin.validators import NotBefore, PdfUploadField
from models import (
    ExamResult,
    Placement,
    PlacementRound,
    PlacementStep,
    RoundStep,
    SupervisionVisit,
    db,
)
from thai.dates import fiscal_year_label

CATEGORY = _l("Industry placements")
FY_RANGE = NumberRange(min=2500, max=2700, message=_l("Enter a Buddhist Era year, e.g. 2568."))


def fiscal_year_options() -> list[tuple[int, str]]:
    years = db.session.scalars(
        db.select(PlacementRound.fiscal_year).order_by(PlacementRound.fiscal_year.desc())
    )
    return [(year, fiscal_year_label(year)) for year in years]


class LateFilter(BaseSQLAFilter):
    """Applications stamped after their round's deadline (or on time)."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        late = func.date(Placement.applied_at) > PlacementRound.application_deadline
        # The view's query already joins the round (see PlacementView.get_query).
        return query.filter(late if value == "1" else ~late)

    def operation(self) -> Any:
        return _l("equals")


def fiscal_year_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    year = model.fiscal_year if isinstance(model, PlacementRound) else model.round.fiscal_year
    return fiscal_year_label(year)


def late_formatter(view: Any, context: Any, model: Placement, name: str) -> str:
    return _("Late") if model.is_late else _("On time")


class PlacementRoundView(SecureModelView):
    column_labels = LABELS
    column_list = ("fiscal_year", "title", "application_deadline", "budget")
    column_details_list = (
        "fiscal_year",
        "title",
        "letter_ref",
        "application_deadline",
        "budget",
        "steps",
        "notes",
    )
    column_searchable_list = ("title",)
    column_default_sort = ("fiscal_year", True)
    column_formatters = {"fiscal_year": fiscal_year_formatter}
    form_columns = ("fiscal_year", "title", "letter_ref", "application_deadline", "budget", "notes")
    form_args = {
        "fiscal_year": {
            "validators": [FY_RANGE],
            "description": _l("Buddhist Era year in which the fiscal year ends, e.g. 2568."),
        },
        "budget": {"validators": [Optional(), NumberRange(min=0)]},
    }
    inline_models = (
        (
            RoundStep,
            {
                "form_columns": ("id", "position", "step", "title", "starts_on", "ends_on"),
                "column_labels": {**LABELS, "position": _l("Order")},
                "form_choices": {"step": [("", "—"), *PlacementStep.choices()]},
                "form_args": {"ends_on": {"validators": [NotBefore("starts_on")]}},
            },
        ),
    )


class PlacementView(SecureModelView):
    column_labels = {
        **LABELS,
        "teacher.college.province.name_th": _l("Province"),
        "college.province.region.name_th": _l("Region"),
        "college.province.name_th": _l("Province"),
    }
    column_list = (
        "round",
        "teacher",
        "college",
        "host",
        "applied_at",
        "is_late",
        "status",
        "test_result",
    )
    column_details_list = (
        "round",
        "teacher",
        "college",
        "host",
        "applied_at",
        "is_late",
        "applicant_email",
        "units",
        "planned_start",
        "planned_end",
        "plan_url",
        "plan_document_path",
        "status",
        "test_result",
        "logbook_received",
        "clip_url",
        "clip_title",
        "post_report_received",
        "budget",
        "visits",
        "notes",
        "created_at",
        "updated_at",
    )
    column_export_list = (
        "round",
        "teacher",
        "college",
        "host",
        "applied_at",
        "is_late",
        "planned_start",
        "planned_end",
        "status",
        "test_result",
        "logbook_received",
        "clip_title",
        "post_report_received",
        "budget",
    )
    column_searchable_list = ("teacher.first_name", "teacher.last_name", "teacher.national_id")
    column_filters = (
        FilterEqual(
            PlacementRound.fiscal_year, _l("Fiscal year"), options=db_options(fiscal_year_options)
        ),
        choice_filter(Placement.status, _l("Status"), PlacementStep),
        choice_filter(Placement.test_result, _l("Test result"), ExamResult),
        LateFilter(Placement.applied_at, _l("Late"), options=(("1", _l("Yes")), ("0", _l("No")))),
        "college.name_th",
        "college.province.name_th",
        "college.province.region.name_th",
        "host.name_th",
        "logbook_received",
        "post_report_received",
    )
    column_sortable_list = ("applied_at", "status", ("teacher", "teacher.first_name"))
    column_default_sort = ("applied_at", True)
    column_formatters = {
        "status": choice_formatter(PlacementStep),
        "test_result": choice_formatter(ExamResult),
        "is_late": late_formatter,
        "plan_url": link_formatter,
        "clip_url": link_formatter,
    }
    column_formatters_export = column_formatters
    form_columns = (
        "round",
        "teacher",
        "college",
        "host",
        "applied_at",
        "applicant_email",
        "units",
        "planned_start",
        "planned_end",
        "plan_url",
        "plan_document_path",
        "status",
        "test_result",
        "logbook_received",
        "clip_url",
        "clip_title",
        "post_report_received",
        "budget",
        "notes",
    )
    form_overrides = {"plan_document_path": PdfUploadField}
    form_choices = {
        "status": PlacementStep.choices(),
        "test_result": [("", "—"), *ExamResult.choices()],
    }
    form_ajax_refs = {
        "teacher": TEACHER_REF,
        "college": agency_ref(*COLLEGES),
        "host": agency_ref(*HOSTS),
        "units": UNIT_REF,
    }
    form_args = {
        "planned_end": {"validators": [NotBefore("planned_start")]},
        "plan_document_path": {"subfolder": "plans"},
        "budget": {"validators": [Optional(), NumberRange(min=0)]},
    }
    inline_models = (
        (
            SupervisionVisit,
            {"form_columns": ("id", "visited_on", "visitor", "notes"), "column_labels": LABELS},
        ),
    )

    def get_query(self):
        return super().get_query().join(PlacementRound, Placement.round_id == PlacementRound.id)

    def get_count_query(self):
        return (
            super().get_count_query().join(PlacementRound, Placement.round_id == PlacementRound.id)
        )

    def on_model_change(self, form: Any, model: Placement, is_created: bool) -> None:
        # First, as loading the teacher's college below flushes the placement (CHECK on "").
        if not model.test_result:
            model.test_result = None
        # The college at the time of application stays as recorded when the teacher moves.
        if model.college is None and model.teacher is not None:
            model.college = model.teacher.college


def add_views(admin) -> None:
    admin.add_view(
        PlacementRoundView(
            PlacementRound, name=_l("Placement rounds"), category=CATEGORY, endpoint="round"
        )
    )
    admin.add_view(
        PlacementView(Placement, name=_l("Placements"), category=CATEGORY, endpoint="placement")
    )

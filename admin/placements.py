"""การฝึกประสบการณ์: rounds with their calendar, placements moved step by step, visits.

The rules live in processes/: placement_flow moves a placement (one at a time or in bulk)
and placement_rules holds the MOU rule, the flags and the clip checks. These screens read
forms, call them, commit and show what came of it; none of them writes `status` itself.
This module holds the two views and the list's columns; beside it, placement_filters (the
list's filters), placement_forms (the clip field and the form's checks), placement_page
(the details page's panel) and placement_moves (the move, visit and bulk endpoints).
"""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms.validators import Length, NumberRange, Optional

from admin.base import SecureModelView, choice_filter, choice_formatter, link_formatter
from admin.labels import LABELS
from admin.placement_filters import (
    FiscalYearFilter,
    LateFilter,
    MouFilter,
    NoVisitFilter,
    OpenFilter,
    OverdueFilter,
    PostDueFilter,
    StepFilter,
    quick_link_counts,
)
from admin.placement_forms import ClipDurationField, check_placement_form, clip_title_help
from admin.placement_moves import PlacementMovesMixin
from admin.placement_page import placement_panel, plan_document_formatter, step_label
from admin.refs import COLLEGES, HOSTS, TEACHER_REF, UNIT_REF, agency_ref
from admin.related import Cell, related
from admin.search import TEACHER_SEARCH, PersonSearchMixin
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
from processes import placement_flow as flow
from processes import placement_rules as rules
from thai.dates import fiscal_year_label, format_be

CATEGORY = _l("Industry placements")
FY_RANGE = NumberRange(min=2500, max=2700, message=_l("Enter a Buddhist Era year, e.g. 2568."))
STEP_BADGES = {
    PlacementStep.APPLIED.value: "secondary",
    PlacementStep.ELIGIBLE.value: "info",
    PlacementStep.NOT_ELIGIBLE.value: "dark",
    PlacementStep.ORIENTED.value: "info",
    PlacementStep.IN_PLACEMENT.value: "primary",
    PlacementStep.TESTED.value: "primary",
    PlacementStep.COLLEGE_REPORT.value: "primary",
    PlacementStep.LESSONS_LEARNED.value: "primary",
    PlacementStep.POST_REPORT.value: "success",
    PlacementStep.WITHDRAWN.value: "dark",
    PlacementStep.REJECTED.value: "dark",
}


# --------------------------------------------------------------------------- list columns


def fiscal_year_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    year = model.fiscal_year if isinstance(model, PlacementRound) else model.round.fiscal_year
    return fiscal_year_label(year)


def round_year_formatter(view: Any, context: Any, model: Placement, name: str) -> str:
    return str(model.round.fiscal_year) if model.round else ""


def late_formatter(view: Any, context: Any, model: Placement, name: str) -> Any:
    if model.is_late:
        return Markup('<span class="badge badge-warning flag-late">{}</span>').format(_("Late"))
    return Markup('<span class="text-muted">{}</span>').format(_("On time"))


def late_text_formatter(view: Any, context: Any, model: Placement, name: str) -> str:
    return _("Late") if model.is_late else _("On time")


def step_formatter(view: Any, context: Any, model: Placement, name: str) -> Any:
    css = STEP_BADGES.get(model.status, "secondary")
    return Markup('<span class="badge badge-{} step step-{}">{}</span>').format(
        css, model.status, step_label(model.status)
    )


def page_mou(model: Placement) -> Any:
    """The placement's covering MOU, read for the whole page at once (see get_list)."""
    known = g.get("covering_mous")
    if known is None or model.id not in known:
        return rules.covering_mou(db.session, model)
    return known[model.id]


def mou_formatter(view: Any, context: Any, model: Placement, name: str) -> Any:
    mou = page_mou(model)
    if mou is not None:
        return Markup('<a class="mou-link" href="{}">{}</a>').format(
            url_for("mou.details_view", id=mou.id), mou.ref_no
        )
    if rules.has_exception(model):
        return Markup('<span class="badge badge-info mou-exception" title="{}">{}</span>').format(
            model.mou_exception_reason, _("Joint education development")
        )
    return Markup('<span class="badge badge-danger mou-missing">{}</span>').format(
        _("No valid MOU")
    )


def mou_text_formatter(view: Any, context: Any, model: Placement, name: str) -> str:
    mou = page_mou(model)
    if mou is not None:
        return mou.ref_no
    return _("Joint education development") if rules.has_exception(model) else _("No valid MOU")


def duration_formatter(view: Any, context: Any, model: Placement, name: str) -> str:
    return rules.format_duration(model.clip_duration) if model.clip_duration else ""


# --------------------------------------------------------------------------- views


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
    column_formatters_detail = {
        **column_formatters,
        "steps": related(
            "steps",
            (
                Cell(_l("Step"), lambda s: s.title),
                Cell(_l("Starts on"), lambda s: format_be(s.starts_on), nowrap=True),
                Cell(_l("Ends on"), lambda s: format_be(s.ends_on), nowrap=True),
            ),
            _l("The round has no calendar yet."),
        ),
    }
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


class PlacementView(PlacementMovesMixin, PersonSearchMixin, SecureModelView):
    list_template = "admin/placements/list.html"
    details_template = "admin/placements/details.html"
    create_template = "admin/placements/create.html"
    edit_template = "admin/placements/edit.html"
    column_labels = {
        **LABELS,
        "round": _l("Fiscal year"),
        "status": _l("Step"),
        "mou": _l("MOU"),
        "is_late": _l("Application"),
        "status_since": _l("At this step since"),
        "tested_on": _l("Test date"),
        "clip_duration": _l("Clip length"),
        "mou_exception": _l("Joint education development (MOU exception)"),
        "mou_exception_reason": _l("Reason for the exception"),
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
        "mou",
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
        "status_since",
        "mou",
        "mou_exception",
        "mou_exception_reason",
        "test_result",
        "tested_on",
        "logbook_received",
        "clip_url",
        "clip_title",
        "clip_duration",
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
        "mou",
        "test_result",
        "tested_on",
        "logbook_received",
        "plan_url",
        "clip_url",
        "clip_title",
        "clip_duration",
        "post_report_received",
        "budget",
    )
    # The teacher's name or complete ID; part of an ID only for those who may see IDs.
    column_searchable_list = ("teacher.first_name", "teacher.last_name", "teacher.national_id")
    person_search = TEACHER_SEARCH
    person_key = "teacher_id"
    column_filters = (
        FiscalYearFilter(_l("Fiscal year")),
        StepFilter(_l("Step")),
        OpenFilter(_l("Open or closed")),
        MouFilter(_l("MOU")),
        LateFilter(_l("Application")),
        OverdueFilter(_l("Overdue by the calendar")),
        NoVisitFilter(_l("No visit for 30 days")),
        PostDueFilter(_l("Post report due")),
        choice_filter(Placement.test_result, _l("Test result"), ExamResult),
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
        "round": round_year_formatter,
        "status": step_formatter,
        "test_result": choice_formatter(ExamResult),
        "is_late": late_formatter,
        "mou": mou_formatter,
        "plan_url": link_formatter,
        "plan_document_path": plan_document_formatter,
        "clip_url": link_formatter,
        "clip_duration": duration_formatter,
    }
    # The export carries values, never the list's HTML: the links are their plain addresses.
    column_formatters_export = {
        "round": round_year_formatter,
        "status": choice_formatter(PlacementStep),
        "test_result": choice_formatter(ExamResult),
        "is_late": late_text_formatter,
        "mou": mou_text_formatter,
        "clip_duration": duration_formatter,
    }
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
        "mou_exception",
        "mou_exception_reason",
        "logbook_received",
        "clip_url",
        "clip_title",
        "clip_duration",
        "post_report_received",
        "budget",
        "notes",
    )
    form_overrides = {"plan_document_path": PdfUploadField, "clip_duration": ClipDurationField}
    form_ajax_refs = {
        "teacher": TEACHER_REF,
        "college": agency_ref(*COLLEGES),
        "host": agency_ref(*HOSTS),
        "units": UNIT_REF,
    }
    form_args = {
        "college": {
            "description": _l("Left empty, the teacher's college is filled in when saving.")
        },
        "planned_end": {"validators": [NotBefore("planned_start")]},
        "plan_document_path": {"subfolder": "plans"},
        "budget": {"validators": [Optional(), NumberRange(min=0)]},
        "mou_exception": {
            "description": _l(
                "Tick when the host has no MOU with the college but develops education "
                "jointly with it; the placement may then be announced eligible."
            )
        },
        "clip_url": {"validators": [Optional(), Length(max=1000)]},
        "clip_duration": {"description": _l("At most 5 minutes; type 4:30 or 4.5.")},
    }
    form_widget_args = {
        "clip_title": {"list": "clip-title-choices", "autocomplete": "off"},
        "mou_exception_reason": {"rows": 2},
    }
    inline_models = (
        (
            SupervisionVisit,
            {"form_columns": ("id", "visited_on", "visitor", "notes"), "column_labels": LABELS},
        ),
    )

    # ----------------------------------------------------------------- filters

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        # Each row shows its covering MOU: read them for the whole page (or export) in one
        # query instead of one per row.
        count, placements = super().get_list(*args, **kwargs)
        if isinstance(placements, list):  # not when asked for the query itself
            mous = rules.covering_mous(db.session, placements)
            g.covering_mous = {p.id: mou for p, mou in zip(placements, mous, strict=True)}
        return count, placements

    def get_filter_arg(self, index: int, flt: Any) -> str:
        # The fixed names of the contract (?flt_mou=0 ...): the home page links to them.
        return getattr(flt, "url_name", "") or super().get_filter_arg(index, flt)

    # ----------------------------------------------------------------- form

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        form.clip_title.description = clip_title_help(None)
        return form

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        form.clip_title.description = clip_title_help(obj)
        return form

    def validate_form(self, form: Any) -> bool:
        ok = super().validate_form(form)
        return check_placement_form(form) and ok

    def on_model_change(self, form: Any, model: Placement, is_created: bool) -> None:
        if model.clip_title is not None:
            model.clip_title = model.clip_title.strip() or None
        if is_created:
            # The creation is the placement's first event (applied); it fills the college.
            flow.start(db.session, model)
        elif model.college is None and model.teacher is not None:
            # The college at the time of application stays as recorded when the teacher moves.
            model.college = model.teacher.college

    # ----------------------------------------------------------------- details page

    def render(self, template: str, **kwargs: Any) -> Any:
        kwargs.setdefault("step_label", step_label)
        if template == self.details_template and kwargs.get("model") is not None:
            kwargs["panel"] = placement_panel(kwargs["model"], self.may_write())
            kwargs["result_choices"] = ExamResult.choices()
        if template == self.edit_template and kwargs.get("model") is not None:
            kwargs["mou"] = rules.covering_mou(db.session, kwargs["model"])
            kwargs["mou_problem"] = rules.mou_refusal(db.session, kwargs["model"])
        return super().render(template, **kwargs)

    def quick_links(self) -> list[tuple[str, str, str, int]]:
        """The list template's "needs attention" links, counted on this view's filters."""
        return quick_link_counts(self._filters)


def add_views(admin) -> None:
    admin.add_view(
        PlacementRoundView(
            PlacementRound, name=_l("Placement rounds"), category=CATEGORY, endpoint="round"
        )
    )
    admin.add_view(
        PlacementView(Placement, name=_l("Placements"), category=CATEGORY, endpoint="placement")
    )

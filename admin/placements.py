"""การฝึกประสบการณ์: rounds with their calendar, placements moved step by step, visits.

The rules live in processes/: placement_flow moves a placement (one at a time or in bulk)
and placement_rules holds the MOU rule, the flags and the clip checks. These screens read
forms, call them, commit and show what came of it; none of them writes `status` itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from flask import flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import exists, func, not_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from admin.base import (
    AdminForm,
    SecureModelView,
    choice_filter,
    choice_formatter,
    db_options,
    link_formatter,
)
from admin.fields import ThaiDateField
from admin.labels import LABELS
from admin.refs import COLLEGES, HOSTS, TEACHER_REF, UNIT_REF, agency_ref
from admin.validators import NotBefore, PdfUploadField
from models import (
    ExamResult,
    Mou,
    MouParty,
    Placement,
    PlacementEvent,
    PlacementRound,
    PlacementStep,
    RoundStep,
    SupervisionVisit,
    Teacher,
    db,
)
from processes import placement_flow as flow
from processes import placement_rules as rules
from processes.calendar import due_on, now
from thai.dates import fiscal_year_label, format_be
from thai.digits import to_arabic_digits

CATEGORY = _l("Industry placements")
FY_RANGE = NumberRange(min=2500, max=2700, message=_l("Enter a Buddhist Era year, e.g. 2568."))
CLIP_MAX_SECONDS = rules.CLIP_MAX_SECONDS
BULK_CODES = frozenset(code for code, _to, _label in flow.BULK_MOVES)
# The bulk move whose summary offers to issue the announcement letters.
ANNOUNCE = "announce_eligible"
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


def current_day() -> dt.date:
    """Today as the office in Bangkok sees it."""
    return now().date()


def step_label(code: str | None) -> str:
    if code is None:
        return "—"
    try:
        return PlacementStep(code).label
    except ValueError:
        return str(code)


def bulk_moves() -> dict[str, tuple[str, str]]:
    """The list's bulk moves: code -> (target step, label in the reader's language)."""
    return {code: (str(to), str(label)) for code, to, label in flow.BULK_MOVES}


def optional_url(endpoint: str, **values: Any) -> str | None:
    """A link to another area's page, or None while that area is not installed."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def actor() -> str:
    return current_user.email if current_user.is_authenticated else "?"


def parse_ids(values: list[str]) -> list[int]:
    """The whole numbers among posted ids, in order and once each (anything else is ignored)."""
    ids: list[int] = []
    for value in values:
        text = to_arabic_digits(str(value)).strip()
        if text.isdigit() and len(text) < 12 and int(text) not in ids:
            ids.append(int(text))
    return ids


def load_placements(ids: list[int]) -> list[Placement]:
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Placement)
            .where(Placement.id.in_(ids))
            .options(selectinload(Placement.teacher), selectinload(Placement.college))
            .join(Teacher, Placement.teacher_id == Teacher.id)
            .order_by(Placement.college_id, Teacher.first_name, Teacher.last_name, Placement.id)
        )
    )


# --------------------------------------------------------------------------- the clip length


DURATION_MSS = re.compile(r"^(\d{1,3})\s*:\s*(\d{1,2})$")
DURATION_MINUTES = re.compile(r"^(\d{1,3})(?:[.,](\d{1,2}))?$")
MINUTE_WORDS = ("นาที", "min", "mins", "minutes", "minute", "น.")


def parse_duration(text: str) -> int:
    """Read a clip length typed as m:ss ("4:30") or as minutes ("4", "4.5"); return seconds."""
    value = to_arabic_digits(text).strip().lower()
    for word in MINUTE_WORDS:
        value = value.removesuffix(word).strip()
    match = DURATION_MSS.match(value)
    if match:
        minutes, seconds = int(match.group(1)), int(match.group(2))
        if seconds >= 60:
            raise ValueError(_("Seconds must be 0 to 59: type the length as m:ss, e.g. 4:30."))
        return minutes * 60 + seconds
    match = DURATION_MINUTES.match(value)
    if match:
        fraction = float(f"0.{match.group(2)}") if match.group(2) else 0.0
        return round((int(match.group(1)) + fraction) * 60)
    raise ValueError(
        _("Type the clip's length as minutes and seconds (4:30) or as minutes (4 or 4.5).")
    )


class ClipDurationField(StringField):
    """A clip's length typed as m:ss or minutes, kept as seconds, at most 5 minutes."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = kwargs.pop("render_kw", None) or {}
        render_kw.setdefault("placeholder", _l("m:ss, e.g. 4:30"))
        render_kw.setdefault("autocomplete", "off")
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return rules.format_duration(self.data) if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str((valuelist[0] if valuelist else "") or "")
        self.data = None
        if not text.strip():
            return
        seconds = parse_duration(text)
        if seconds <= 0:
            raise ValueError(_("The clip's length must be more than 0 seconds."))
        if seconds > CLIP_MAX_SECONDS:
            raise ValueError(
                _(
                    "The clip is %(length)s long; it may be at most 5 minutes (5:00).",
                    length=rules.format_duration(seconds),
                )
            )
        self.data = seconds


def clip_title_help(placement: Placement | None) -> Markup:
    """The clip title's help text: the titles the rule expects, offered as suggestions."""
    titles = rules.expected_clip_titles(placement) if placement is not None else []
    rule = _("The title is the teacher's first and last name and, in brackets, a planned unit.")
    if not titles:
        return Markup('<span class="clip-rule">{}</span>').format(rule)
    options = Markup("").join(Markup('<option value="{}">').format(t) for t in titles)
    items = Markup("").join(Markup('<li class="clip-expected">{}</li>').format(t) for t in titles)
    return Markup(
        '<span class="clip-rule">{}</span> {}<ul class="clip-titles mb-0">{}</ul>'
        '<datalist id="clip-title-choices">{}</datalist>'
    ).format(rule, _("Expected:"), items, options)


@dataclass
class ClipCandidate:
    """What clip_problems reads of a placement, taken from the form before it is saved."""

    teacher: Teacher | None
    units: list[Any]


# --------------------------------------------------------------------------- list filters


class NamedFilter(BaseSQLAFilter):
    """A list filter whose URL argument has a fixed name (flt_<url_name>=value).

    Flask-Admin reads any `flt<position>_<name>` argument, the position being optional, so
    `?flt_mou=0` (the home page's links) and `?flt0_mou=0` (the list's own links) both work.
    Each filter is one condition of processes.placement_rules.
    """

    url_name = ""
    values: Any = (("1", _l("Yes")),)

    def __init__(self, name: Any) -> None:
        super().__init__(Placement.id, name, options=self.values)

    def operation(self) -> Any:
        return _l("equals")

    def validate(self, value: Any) -> bool:
        return value in {code for code, _label in self.get_options(None) or ()}

    def clean(self, value: Any) -> Any:
        return value

    def condition(self, value: str) -> Any:
        raise NotImplementedError

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(self.condition(value))


class MouFilter(NamedFilter):
    url_name = "mou"
    values = (("0", _l("No valid MOU")), ("1", _l("Valid MOU or exception")))

    def condition(self, value: str) -> Any:
        valid = rules.valid_mou_clause()
        return valid if value == "1" else not_(valid)


class OpenFilter(NamedFilter):
    """Open placements (still on their way) or closed ones (completed or off the line)."""

    url_name = "open"
    values = (("1", _l("Open")), ("0", _l("Closed")))

    def condition(self, value: str) -> Any:
        is_open = Placement.status.in_(rules.OPEN_STEPS)
        return is_open if value == "1" else not_(is_open)


class LateFilter(NamedFilter):
    url_name = "late"
    values = (("1", _l("Late")), ("0", _l("On time")))

    def condition(self, value: str) -> Any:
        late = rules.late_clause()
        return late if value == "1" else not_(late)


class OverdueFilter(NamedFilter):
    url_name = "overdue"

    def condition(self, value: str) -> Any:
        return rules.overdue_clause(current_day())


class NoVisitFilter(NamedFilter):
    url_name = "novisit"

    def condition(self, value: str) -> Any:
        return rules.no_visit_clause(current_day())


class PostDueFilter(NamedFilter):
    url_name = "postdue"

    def condition(self, value: str) -> Any:
        return rules.post_report_due_clause()


def fiscal_year_options() -> list[tuple[str, str]]:
    years = db.session.scalars(
        select(PlacementRound.fiscal_year).order_by(PlacementRound.fiscal_year.desc())
    )
    return [(str(year), fiscal_year_label(year)) for year in years]


class FiscalYearFilter(NamedFilter):
    url_name = "fy"
    values = staticmethod(db_options(fiscal_year_options))

    def validate(self, value: Any) -> bool:
        text = str(value).strip()
        return text.isdigit() and len(text) == 4

    def condition(self, value: str) -> Any:
        rounds = select(PlacementRound.id).where(PlacementRound.fiscal_year == int(value))
        return Placement.round_id.in_(rounds)


class StepFilter(NamedFilter):
    url_name = "step"
    values = PlacementStep.choices

    def condition(self, value: str) -> Any:
        return Placement.status == value


# The list's "needs attention" links: (filter URL name, value, label).
QUICK_LINKS = (
    ("mou", "0", _l("No valid MOU")),
    ("late", "1", _l("Late applications")),
    ("overdue", "1", _l("Overdue by the calendar")),
    ("novisit", "1", _l("No visit for 30 days")),
    ("postdue", "1", _l("Post report due")),
)


# --------------------------------------------------------------------------- list columns


def fiscal_year_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    year = model.fiscal_year if isinstance(model, PlacementRound) else model.round.fiscal_year
    return fiscal_year_label(year)


def round_year_formatter(view: Any, context: Any, model: Placement, name: str) -> str:
    return str(model.round.fiscal_year) if model.round else ""


def late_formatter(view: Any, context: Any, model: Placement, name: str) -> Any:
    if rules.is_late(model.applied_at, model.round.application_deadline if model.round else None):
        return Markup('<span class="badge badge-warning flag-late">{}</span>').format(_("Late"))
    return Markup('<span class="text-muted">{}</span>').format(_("On time"))


def late_text_formatter(view: Any, context: Any, model: Placement, name: str) -> str:
    deadline = model.round.application_deadline if model.round else None
    return _("Late") if rules.is_late(model.applied_at, deadline) else _("On time")


def step_formatter(view: Any, context: Any, model: Placement, name: str) -> Any:
    css = STEP_BADGES.get(model.status, "secondary")
    return Markup('<span class="badge badge-{} step step-{}">{}</span>').format(
        css, model.status, step_label(model.status)
    )


def mou_formatter(view: Any, context: Any, model: Placement, name: str) -> Any:
    mou = rules.covering_mou(db.session, model)
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
    mou = rules.covering_mou(db.session, model)
    if mou is not None:
        return mou.ref_no
    return _("Joint education development") if rules.has_exception(model) else _("No valid MOU")


def duration_formatter(view: Any, context: Any, model: Placement, name: str) -> str:
    return rules.format_duration(model.clip_duration) if model.clip_duration else ""


# --------------------------------------------------------------------------- page forms


class MoveForm(AdminForm):
    """One step button's form: where to, the step seen on the page, a note."""

    to = HiddenField(validators=[InputRequired()])
    seen = HiddenField()
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    test_result = StringField(_l("Test result"))
    tested_on = ThaiDateField(_l("Test date"))


class VisitForm(AdminForm):
    """Log a supervision visit on the placement page."""

    visited_on = ThaiDateField(_l("Visited on"), validators=[InputRequired()])
    visitor = StringField(_l("Visitor"), validators=[InputRequired(), Length(max=255)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])

    def validate_visited_on(self, field: Any) -> None:
        if field.data and field.data > current_day():
            raise ValidationError(_("A visit cannot be dated in the future."))


class BulkForm(AdminForm):
    """The confirmation page's form: the note for every move (the ids are read as a list)."""

    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


# --------------------------------------------------------------------------- the details page


@dataclass
class StepButton:
    to: str
    label: str
    hint: str | None  # why the move would be refused now, if it would
    needs_result: bool = False
    needs_reason: bool = False


@dataclass
class Flag:
    css: str
    key: str
    text: str


@dataclass
class PlacementPanel:
    """What the placement page shows above its fields: steps, flags, MOU, visits."""

    placement: Placement
    buttons: list[StepButton]
    events: list[PlacementEvent]
    flags: list[Flag]
    mou: Mou | None
    mou_problem: str | None
    visit_form: VisitForm
    retest: bool = False
    due: dt.date | None = None
    other_mous: list[Mou] = field(default_factory=list)


def mous_between(placement: Placement) -> list[Mou]:
    """Every MOU the host and the college share, in force or not (for the warning)."""
    host_id, college_id = rules.host_id_of(placement), rules.college_id_of(placement)
    if host_id is None or college_id is None:
        return []
    return list(
        db.session.scalars(
            select(Mou)
            .where(
                exists().where(MouParty.mou_id == Mou.id, MouParty.agency_id == host_id),
                exists().where(MouParty.mou_id == Mou.id, MouParty.agency_id == college_id),
            )
            .order_by(Mou.signed_on.desc())
        )
    )


def placement_flags(placement: Placement, on: dt.date) -> list[Flag]:
    flags = []
    deadline = placement.round.application_deadline if placement.round else None
    if rules.is_late(placement.applied_at, deadline):
        flags.append(
            Flag(
                "warning",
                "late",
                _(
                    "Late application: applied on %(applied)s, after the deadline of %(deadline)s.",
                    applied=format_be(placement.applied_at),
                    deadline=format_be(deadline),
                ),
            )
        )
    overdue = sorted(
        rules.overdue_steps(db.session, placement, on), key=lambda row: (row.ends_on, row.position)
    )
    if overdue:
        # The step due first says what to do now; the later ones are only counted.
        first = overdue[0]
        text = _(
            "Overdue: “%(title)s” (%(step)s) was due by %(due)s.",
            title=first.title,
            step=step_label(first.step),
            due=format_be(first.ends_on),
        )
        if len(overdue) > 1:
            text += " " + _(
                "Later steps also past their window: %(count)s.", count=len(overdue) - 1
            )
        flags.append(Flag("danger", "overdue", text))
    if rules.needs_visit(placement, on):
        since = rules.in_placement_since(placement)
        flags.append(
            Flag(
                "warning",
                "novisit",
                _(
                    "No supervision visit for more than %(days)s days (in placement since "
                    "%(since)s).",
                    days=rules.VISIT_DAYS,
                    since=format_be(since),
                ),
            )
        )
    return flags


def step_buttons(placement: Placement) -> list[StepButton]:
    buttons = []
    for step in flow.next_steps(placement):
        code = str(step.value if isinstance(step, PlacementStep) else step)
        buttons.append(
            StepButton(
                to=code,
                label=step_label(code),
                # The tested form asks for the result and date: hint only at other blockers.
                hint=flow.refusal(
                    db.session, placement, code, test_result="passed", tested_on=current_day()
                ),
                needs_result=code == PlacementStep.TESTED.value,
                needs_reason=code == PlacementStep.WITHDRAWN.value,
            )
        )
    return buttons


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
        "clip_title",
        "clip_duration",
        "post_report_received",
        "budget",
    )
    column_searchable_list = ("teacher.first_name", "teacher.last_name", "teacher.national_id")
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
        "clip_url": link_formatter,
        "clip_duration": duration_formatter,
    }
    column_formatters_export = {
        **column_formatters,
        "status": choice_formatter(PlacementStep),
        "is_late": late_text_formatter,
        "mou": mou_text_formatter,
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
        if "mou_exception" in form and form.mou_exception.data:
            # Checked here: the field's own Optional() stops its validators on a blank reason.
            if not (form.mou_exception_reason.data or "").strip():
                form.mou_exception_reason.errors = [
                    *form.mou_exception_reason.errors,
                    _("Give the reason for the joint education development exception."),
                ]
                ok = False
        if "clip_title" in form and "teacher" in form and self.clip_changed(form):
            ok = self.check_clip(form) and ok
        return ok

    def clip_changed(self, form: Any) -> bool:
        """Check the clip on a new placement, or when its title, length or units change.

        An edit of something else keeps a clip recorded earlier as it is, so that ticking
        "logbook received" on an imported placement is not refused for its clip's title.
        """
        stored = getattr(form, "_obj", None)
        if stored is None:
            return True
        units = {u.id for u in (form.units.data or [])} if "units" in form else None
        return (
            (form.clip_title.data or "").strip() != (stored.clip_title or "").strip()
            or form.clip_duration.data != stored.clip_duration
            or getattr(form.teacher.data, "id", None) != stored.teacher_id
            or (units is not None and units != {u.id for u in stored.units})
        )

    @staticmethod
    def check_clip(form: Any) -> bool:
        candidate = ClipCandidate(
            teacher=form.teacher.data, units=list(form.units.data or []) if "units" in form else []
        )
        ok = True
        title = (form.clip_title.data or "").strip()
        if title:
            problems = rules.clip_problems(candidate, title, None)
            if problems:
                form.clip_title.errors = [*form.clip_title.errors, *problems]
                ok = False
        if form.clip_duration.data is not None:
            problems = rules.clip_problems(candidate, None, form.clip_duration.data)
            if problems:
                form.clip_duration.errors = [*form.clip_duration.errors, *problems]
                ok = False
        return ok

    def on_model_change(self, form: Any, model: Placement, is_created: bool) -> None:
        if model.clip_title is not None:
            model.clip_title = model.clip_title.strip() or None
        if is_created:
            # The creation is the placement's first event (applied); it fills the college.
            flow.start(db.session, model, by=actor())
        elif model.college is None and model.teacher is not None:
            # The college at the time of application stays as recorded when the teacher moves.
            model.college = model.teacher.college

    # ----------------------------------------------------------------- details page

    def render(self, template: str, **kwargs: Any) -> Any:
        kwargs.setdefault("step_label", step_label)
        if template == self.details_template and kwargs.get("model") is not None:
            kwargs["panel"] = self.placement_panel(kwargs["model"])
            kwargs["result_choices"] = ExamResult.choices()
        return super().render(template, **kwargs)

    def placement_panel(self, placement: Placement) -> PlacementPanel:
        on = current_day()
        mou = rules.covering_mou(db.session, placement)
        problem = None if mou is not None else rules.mou_refusal(db.session, placement)
        visit_form = g.pop("visit_form", None) or VisitForm(formdata=None)
        return PlacementPanel(
            placement=placement,
            buttons=step_buttons(placement) if self.may_write() else [],
            events=sorted(placement.events, key=lambda e: (e.at, e.id)),
            flags=placement_flags(placement, on),
            mou=mou,
            mou_problem=problem,
            other_mous=mous_between(placement) if mou is None else [],
            visit_form=visit_form,
            retest=placement.status == PlacementStep.TESTED.value and self.may_write(),
            due=due_on(placement) if placement.status in rules.OPEN_STEPS else None,
        )

    def quick_links(self) -> list[tuple[str, str, str, int]]:
        """The "needs attention" links above the list: (name, value, label, how many)."""
        filters = {getattr(f, "url_name", ""): f for f in self._filters or ()}
        links = []
        for name, value, label in QUICK_LINKS:
            condition = filters[name].condition(value)
            number = db.session.scalar(select(func.count(Placement.id)).where(condition))
            links.append((name, value, str(label), number or 0))
        return links

    def details_url(self, placement_id: int) -> str:
        return url_for(".details_view", id=placement_id, url=request.args.get("url") or None)

    def posted_placement(self) -> Placement | None:
        ids = parse_ids([request.args.get("id", "")] + request.form.getlist("id"))
        placement = db.session.get(Placement, ids[0]) if ids else None
        if placement is None:
            flash(_("That placement no longer exists (it may have been deleted)."), "error")
        return placement

    @expose("/move/", methods=("POST",))
    def move_view(self):
        """Move one placement to a next step from its page (a button's small form)."""
        placement = self.posted_placement()
        if placement is None:
            return redirect(url_for(".index_view"))
        back = redirect(self.details_url(placement.id))
        form = MoveForm(request.form)
        if not form.validate():
            for errors in form.errors.values():
                for error in errors:
                    flash(str(error), "error")
            return back
        to = form.to.data
        if to not in {s.value for s in PlacementStep}:
            flash(_("That step does not exist."), "error")
            return back
        if form.seen.data and form.seen.data != placement.status:
            flash(self.moved_meanwhile(placement), "error")
            return back
        note = (form.note.data or "").strip() or None
        try:
            if to == PlacementStep.TESTED.value:
                # In placement → tested, or a re-test while at tested.
                flow.record_test(
                    db.session,
                    placement,
                    form.test_result.data or None,
                    form.tested_on.data,
                    by=actor(),
                    note=note,
                )
            else:
                if to == PlacementStep.WITHDRAWN.value and not note:
                    raise flow.MoveRefused(_("Give the reason for the withdrawal."))
                flow.move(db.session, placement, to, by=actor(), note=note)
            db.session.commit()
        except flow.MoveRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
            return back
        except SQLAlchemyError:
            db.session.rollback()
            flash(_("The move was not saved: the data changed meanwhile. Try again."), "error")
            return back
        flash(_("Moved to “%(step)s”", step=step_label(placement.status)), "success")
        return back

    @staticmethod
    def moved_meanwhile(placement: Placement) -> str:
        return _(
            "Someone else moved this placement meanwhile: it is now at “%(step)s”. "
            "Nothing was changed; check the page and try again.",
            step=step_label(placement.status),
        )

    @expose("/visit/", methods=("POST",))
    def visit_view(self):
        """Log a supervision visit from the placement page."""
        placement = self.posted_placement()
        if placement is None:
            return redirect(url_for(".index_view"))
        form = VisitForm(request.form)
        if not form.validate():
            # Show the page again with what was typed and the errors beside the fields.
            g.visit_form = form
            flash(_("The visit was not saved: see the form below."), "error")
            return self.details_view()
        placement.visits.append(
            SupervisionVisit(
                visited_on=form.visited_on.data,
                visitor=form.visitor.data.strip(),
                notes=(form.notes.data or "").strip() or None,
            )
        )
        db.session.commit()
        flash(
            _("Visit of %(when)s logged.", when=format_be(form.visited_on.data)),
            "success",
        )
        return redirect(self.details_url(placement.id) + "#visits-panel")

    # ----------------------------------------------------------------- bulk moves

    def init_actions(self) -> None:
        super().init_actions()
        # The moves first, labelled lazily (each request reads them in its language); delete
        # stays last, as before.
        bulk = [(code, label) for code, _to, label in flow.BULK_MOVES]
        self._actions = [*bulk, *self._actions]
        for code, label in bulk:
            self._actions_data[code] = (self.bulk_handler(code), label, None)

    def is_action_allowed(self, name: str) -> bool:
        if name in BULK_CODES:
            return self.may_write()
        return super().is_action_allowed(name)

    def bulk_handler(self, code: str) -> Any:
        def handler(ids: list[str]) -> Any:
            return self.bulk_confirm(code, ids)

        return handler

    def bulk_confirm(self, code: str, raw_ids: list[str]) -> Any:
        """The confirmation page: which placements will move, which will not, and why."""
        to, label = bulk_moves()[code]
        ids = parse_ids(raw_ids)
        placements = load_placements(ids)
        if not placements:
            flash(_("Select the placements to move first."), "warning")
            return redirect(request.form.get("url") or url_for(".index_view"))
        movable, refused = [], []
        for placement in placements:
            reason = flow.refusal(db.session, placement, to)
            if reason is None:
                movable.append(placement)
            else:
                refused.append((placement, reason))
        return self.render(
            "admin/placements/bulk_confirm.html",
            code=code,
            label=label,
            to_label=step_label(to),
            movable=movable,
            refused=refused,
            missing=len(ids) - len(placements),
            form=BulkForm(formdata=None),
            return_url=self.safe_return_url(request.form.get("url")),
        )

    def safe_return_url(self, url: str | None) -> str:
        if url and url.startswith(self.url) and "//" not in url:
            return url
        return url_for(".index_view")

    @expose("/bulk/<code>/", methods=("POST",))
    def bulk_move(self, code: str):
        """Confirmed: run the move for the listed placements and show what came of it."""
        moves = bulk_moves()
        back = self.safe_return_url(request.form.get("url"))
        if code not in moves:
            flash(_("That bulk action does not exist."), "error")
            return redirect(back)
        form = BulkForm(request.form)
        if not form.validate():
            for errors in form.errors.values():
                for error in errors:
                    flash(str(error), "error")
            return redirect(back)
        to, label = moves[code]
        ids = parse_ids(request.form.getlist("placement_ids"))
        placements = load_placements(ids)
        # A placement moved by someone else since the confirmation page is not moved now.
        current, changed = [], []
        for placement in placements:
            seen = request.form.get(f"seen-{placement.id}")
            if seen and seen != placement.status:
                changed.append((placement, self.moved_meanwhile_short(placement)))
            else:
                current.append(placement)
        note = (form.note.data or "").strip() or None
        try:
            summary = flow.move_many(db.session, current, to, by=actor(), note=note)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            flash(_("Nothing was moved: the data changed meanwhile. Try again."), "error")
            return redirect(back)
        moved = list(summary.moved)
        return self.render(
            "admin/placements/bulk_summary.html",
            code=code,
            label=label,
            to_label=step_label(to),
            moved=moved,
            refused=[*changed, *summary.refused],
            missing=len(ids) - len(placements),
            letters_url=optional_url("letters.issue") if code == ANNOUNCE and moved else None,
            return_url=back,
        )

    @staticmethod
    def moved_meanwhile_short(placement: Placement) -> str:
        return _(
            "Someone else moved it meanwhile: it is now at “%(step)s”.",
            step=step_label(placement.status),
        )


def add_views(admin) -> None:
    admin.add_view(
        PlacementRoundView(
            PlacementRound, name=_l("Placement rounds"), category=CATEGORY, endpoint="round"
        )
    )
    admin.add_view(
        PlacementView(Placement, name=_l("Placements"), category=CATEGORY, endpoint="placement")
    )

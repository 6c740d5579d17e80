"""ทุนการศึกษา: programmes, allocations, students and awards.

An award's status is not a form field: it moves by the award rules (processes.awards) with
the buttons on the award's page, each move a dated event shown as the award's timeline.
A new award starts studying (its creation event).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from admin.base import (
    AdminForm,
    SecureModelView,
    choice_filter,
    choice_formatter,
    national_id_formatter,
    sensitive_flag_formatter,
)
from admin.fields import ThaiDateField
from admin.labels import LABELS
from admin.refs import COLLEGES, STUDENT_REF, agency_ref
from admin.search import STUDENT_SEARCH, PersonSearchMixin
from keys import record_id
from models import (
    AwardStatus,
    IdentifierType,
    ScholarshipAllocation,
    ScholarshipAward,
    ScholarshipProgramme,
    Student,
    StudentLevel,
    db,
    today,
)
from pdpa import PersonalDataMixin
from processes import awards as award_rules
from thai.dates import format_be
from thai.nid import clean_g_code, clean_national_id

CATEGORY = _l("Scholarships")
AY_RANGE = NumberRange(min=2500, max=2700, message=_l("Enter a Buddhist Era year, e.g. 2566."))


class ProgrammeView(SecureModelView):
    column_labels = LABELS
    column_list = ("code", "name_th", "funder", "level", "duration_years")
    column_details_list = (
        "code",
        "name_th",
        "name_en",
        "funder",
        "level",
        "duration_years",
        "target_group",
        "allocations",
    )
    column_searchable_list = ("code", "name_th", "name_en")
    form_columns = (
        "code",
        "name_th",
        "name_en",
        "funder",
        "level",
        "duration_years",
        "target_group",
    )
    form_ajax_refs = {"funder": agency_ref()}
    form_args = {"duration_years": {"validators": [Optional(), NumberRange(min=1, max=10)]}}
    inline_models = (
        (
            ScholarshipAllocation,
            {
                "form_columns": ("id", "academic_year", "college", "quota"),
                "column_labels": LABELS,
                "form_ajax_refs": {"college": agency_ref(*COLLEGES)},
                "form_args": {
                    "academic_year": {"validators": [AY_RANGE]},
                    "quota": {"validators": [NumberRange(min=0)]},
                },
            },
        ),
    )


class AllocationView(SecureModelView):
    column_labels = LABELS
    column_list = ("programme", "academic_year", "college", "quota")
    column_filters = ("programme.name_th", "academic_year", "college.name_th")
    column_default_sort = ("academic_year", True)
    form_columns = ("programme", "academic_year", "college", "quota")
    form_ajax_refs = {"college": agency_ref(*COLLEGES)}
    form_args = {
        "academic_year": {"validators": [AY_RANGE]},
        "quota": {"validators": [NumberRange(min=0)]},
    }


class StudentView(PersonSearchMixin, PersonalDataMixin, SecureModelView):
    # The identifier and the special-needs flag: masked or hidden for those who may not see
    # them, never sorted on by them, each full view logged.
    personal_columns = ("id_value", "special_needs")
    column_labels = LABELS
    column_list = (
        "id_type",
        "id_value",
        "prefix",
        "first_name",
        "last_name",
        "college",
        "level",
        "field",
    )
    column_details_list = (
        "id_type",
        "id_value",
        "prefix",
        "first_name",
        "last_name",
        "college",
        "level",
        "field",
        "special_needs",
        "awards",
    )
    column_export_list = (*column_list, "special_needs")
    # The person search (admin/search.py): names by index, IDs only when complete.
    column_searchable_list = ("first_name", "last_name", "id_value")
    person_search = STUDENT_SEARCH
    column_filters = (
        choice_filter(Student.level, _l("Level"), StudentLevel),
        "college.name_th",
        "college.province.name_th",
        "field",
    )
    column_formatters = {
        "id_type": choice_formatter(IdentifierType),
        "id_value": national_id_formatter,
        "level": choice_formatter(StudentLevel),
        "special_needs": sensitive_flag_formatter,
    }
    column_formatters_export = column_formatters
    form_columns = (
        "id_type",
        "id_value",
        "prefix",
        "first_name",
        "last_name",
        "college",
        "level",
        "field",
        "special_needs",
    )
    form_choices = {
        "id_type": IdentifierType.choices(),
        "level": [("", "—"), *StudentLevel.choices()],
    }
    form_ajax_refs = {"college": agency_ref(*COLLEGES)}

    def on_model_change(self, form: Any, model: Student, is_created: bool) -> None:
        cleaner = clean_national_id if model.id_type == IdentifierType.NATIONAL_ID else clean_g_code
        try:
            model.id_value = cleaner(model.id_value or "")
        except ValueError as error:
            raise ValidationError(_("Identifier: %(error)s", error=str(error))) from error
        model.level = model.level or None


class AwardMoveForm(AdminForm):
    """One move button's form: where to, the status seen on the page, the day, a note."""

    to = HiddenField(validators=[InputRequired()])
    seen = HiddenField()
    effective_on = ThaiDateField(_l("Effective on"), validators=[InputRequired()])
    note = TextAreaField(_l("Note on the change"), validators=[Optional(), Length(max=2000)])


MOVE_LABELS = {
    AwardStatus.GRADUATED.value: _l("Mark graduated"),
    AwardStatus.DROPPED_OUT.value: _l("Mark dropped out"),
    AwardStatus.SUSPENDED.value: _l("Suspend"),
    AwardStatus.STUDYING.value: _l("Resume studying"),
}


def status_label(status: str | None) -> str:
    return award_rules.label(status) if status else "—"


class AwardView(PersonSearchMixin, PersonalDataMixin, SecureModelView):
    # The export's student identifier is the student's personal data.
    personal_columns = ("id_value",)
    column_labels = LABELS
    column_list = ("student", "student.college.name_th", "programme", "start_year", "status")
    column_details_list = (
        "student",
        "programme",
        "start_year",
        "status",
        "started_on",
        "ended_on",
        "notes",
    )
    column_export_list = (
        "student.id_value",
        "student.first_name",
        "student.last_name",
        "student.college.name_th",
        "programme",
        "start_year",
        "status",
    )
    column_searchable_list = ("student.first_name", "student.last_name", "student.id_value")
    person_search = STUDENT_SEARCH
    person_key = "student_id"
    column_filters = (
        "programme.name_th",
        "start_year",
        choice_filter(ScholarshipAward.status, _l("Status"), AwardStatus),
        "student.college.name_th",
        "student.college.province.name_th",
    )
    column_formatters = {"status": choice_formatter(AwardStatus)}
    column_formatters_export = {
        "status": choice_formatter(AwardStatus),
        "student.id_value": lambda v, c, m, n: national_id_formatter(v, c, m.student, "id_value"),
    }
    column_labels = {**LABELS, "student.college.province.name_th": _l("Province")}
    # Status and the end date follow the award's moves (the buttons on its page), not the form.
    form_columns = ("student", "programme", "start_year", "started_on", "notes")
    form_ajax_refs = {"student": STUDENT_REF}
    form_args = {
        "start_year": {
            "validators": [AY_RANGE],
            "description": _l("Academic year (BE) in which the award started."),
        },
        "started_on": {
            "description": _l(
                "The award starts as studying; its status then changes with the buttons on "
                "its page."
            ),
        },
    }
    details_template = "admin/targets/award_details.html"

    @staticmethod
    def reveal_owner(model: ScholarshipAward) -> Student:
        return model.student

    def on_model_change(self, form: Any, model: ScholarshipAward, is_created: bool) -> None:
        if is_created:
            award_rules.start_award(db.session, model)
        elif model.ended_on is not None and model.started_on and model.started_on > model.ended_on:
            raise ValidationError(
                _(
                    "The award ended on %(end)s, before that start date.",
                    end=format_be(model.ended_on),
                )
            )

    # ----------------------------------------------------------------- details page

    def render(self, template: str, **kwargs: Any) -> Any:
        if template == self.details_template and kwargs.get("model") is not None:
            award = kwargs["model"]
            kwargs["events"] = sorted(award.events, key=lambda e: (e.effective_on, e.at, e.id))
            kwargs["moves"] = self.move_buttons(award) if self.may_write() else []
            kwargs["status_label"] = status_label
            kwargs["today_text"] = format_be(today(), style="numeric")
        return super().render(template, **kwargs)

    @staticmethod
    def move_buttons(award: ScholarshipAward) -> list[tuple[str, str]]:
        """(status, button label) for each move the award may make."""
        return [
            (status.value, str(MOVE_LABELS[status.value]))
            for status in award_rules.next_statuses(award)
        ]

    def details_url(self, award_id: int) -> str:
        return url_for(".details_view", id=award_id, url=request.args.get("url") or None)

    @expose("/move/", methods=("POST",))
    def move_view(self):
        """Move an award to a status from its page; a refused move changes nothing."""
        award_id = record_id(request.args.get("id"))
        award = db.session.get(ScholarshipAward, award_id) if award_id else None
        if award is None:
            flash(_("That award no longer exists (it may have been deleted)."), "error")
            return redirect(url_for(".index_view"))
        back = redirect(self.details_url(award.id))
        form = AwardMoveForm(request.form)
        if not form.validate():
            for errors in form.errors.values():
                for error in errors:
                    flash(_("The status was not changed: %(reason)s", reason=error), "error")
            return back
        if form.seen.data and form.seen.data != award.status:
            flash(
                _(
                    "Someone else changed this award meanwhile: it is now “%(status)s”. "
                    "Nothing was changed; check the page and try again.",
                    status=status_label(award.status),
                ),
                "error",
            )
            return back
        try:
            award_rules.move_award(
                db.session,
                award,
                form.to.data,
                effective_on=form.effective_on.data,
                note=form.note.data,
            )
            db.session.commit()
        except award_rules.AwardMoveRefused as refused:
            db.session.rollback()
            flash(_("The status was not changed: %(reason)s", reason=str(refused)), "error")
            return back
        except SQLAlchemyError:
            db.session.rollback()
            flash(
                _("The status change was not saved: the data changed meanwhile. Try again."),
                "error",
            )
            return back
        flash(
            _(
                "The award is now “%(status)s” (from %(date)s).",
                status=status_label(award.status),
                date=format_be(form.effective_on.data),
            ),
            "success",
        )
        return back


def add_views(admin) -> None:
    admin.add_view(
        ProgrammeView(
            ScholarshipProgramme, name=_l("Programmes"), category=CATEGORY, endpoint="programme"
        )
    )
    admin.add_view(
        AllocationView(
            ScholarshipAllocation, name=_l("Allocations"), category=CATEGORY, endpoint="allocation"
        )
    )
    admin.add_view(StudentView(Student, name=_l("Students"), category=CATEGORY, endpoint="student"))
    admin.add_view(
        AwardView(ScholarshipAward, name=_l("Awards"), category=CATEGORY, endpoint="award")
    )

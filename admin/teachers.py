"""ครู: teachers, their competency record, certificates and trainings.

A teacher's page is a hub: units of competence, certificates, placements and trainings
as small tables with links, and a button that prints the competency record (the
teacher report) as PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.validators import NumberRange, Optional

from admin.base import (
    SecureModelView,
    choice_filter,
    choice_formatter,
    choice_label,
    national_id_formatter,
)
from admin.fields import NationalIdField
from admin.hubs import HUB_HELPERS, Section, agency_link_formatter
from admin.labels import LABELS
from admin.refs import COLLEGES, QUALIFICATION_REF, TEACHER_REF, UNIT_REF, agency_ref
from admin.related import Cell, related
from admin.reports import download_name
from admin.search import TEACHER_SEARCH, PersonSearchMixin
from admin.validators import NotBefore, email_validator, phone_validator, strip_filter
from models import (
    Placement,
    Teacher,
    TeacherCertificate,
    TeacherUnit,
    Training,
    TrainingAttendance,
    UnitSource,
    db,
)
from pdpa import PersonalDataMixin
from reports import MEDIA_TYPES, FilterError, Viewer, build_report, render

CATEGORY = _l("Teachers")

UNIT_INLINE = (
    TeacherUnit,
    {
        "form_columns": ("id", "unit", "achieved_on", "source", "evidence"),
        "column_labels": LABELS,
        "form_ajax_refs": {"unit": UNIT_REF},
        "form_choices": {"source": UnitSource.choices()},
    },
)
CERTIFICATE_INLINE = (
    TeacherCertificate,
    {
        "form_columns": ("id", "qualification", "certificate_no", "issued_on", "expires_on"),
        "column_labels": LABELS,
        "form_ajax_refs": {"qualification": QUALIFICATION_REF},
        "form_args": {"expires_on": {"validators": [NotBefore("issued_on")]}},
    },
)


@dataclass
class TeacherHub:
    """What a teacher's page lists under the teacher's fields."""

    units: Section
    certificates: Section
    placements: Section
    attendances: Section


def teacher_hub(teacher: Teacher) -> TeacherHub:
    """Gather a teacher's record, one query per table (no query per row)."""
    session = db.session
    units = session.scalars(
        select(TeacherUnit)
        .where(TeacherUnit.teacher_id == teacher.id)
        .options(
            joinedload(TeacherUnit.unit),
            joinedload(TeacherUnit.placement).joinedload(Placement.round),
            joinedload(TeacherUnit.placement).joinedload(Placement.host),
        )
        .order_by(TeacherUnit.achieved_on, TeacherUnit.id)
    )
    certificates = session.scalars(
        select(TeacherCertificate)
        .where(TeacherCertificate.teacher_id == teacher.id)
        .options(joinedload(TeacherCertificate.qualification))
        .order_by(TeacherCertificate.issued_on, TeacherCertificate.id)
    )
    placements = session.scalars(
        select(Placement)
        .where(Placement.teacher_id == teacher.id)
        .options(joinedload(Placement.round), joinedload(Placement.host))
        .order_by(Placement.round_id.desc(), Placement.id.desc())
    )
    attendances = session.scalars(
        select(TrainingAttendance)
        .join(TrainingAttendance.training)
        .where(TrainingAttendance.teacher_id == teacher.id)
        .options(joinedload(TrainingAttendance.training))
        .order_by(Training.start_on.desc(), Training.id.desc())
    )
    # A teacher's record is short: every row is shown.
    tables = (units, certificates, placements, attendances)
    return TeacherHub(*(Section.of(rows) for rows in tables))


class TeacherView(PersonSearchMixin, PersonalDataMixin, SecureModelView):
    # Masked for those who may not see it, never sorted on by them, each full view logged.
    personal_columns = ("national_id",)
    column_list = (
        "national_id",
        "prefix",
        "first_name",
        "last_name",
        "college",
        "department",
        "academic_standing",
        "is_active",
    )
    column_details_list = (
        "national_id",
        "prefix",
        "first_name",
        "last_name",
        "college",
        "department",
        "position",
        "academic_standing",
        "birth_date",
        "email",
        "phone",
        "is_active",
        "created_at",
        "updated_at",
    )
    column_export_list = (
        "national_id",
        "prefix",
        "first_name",
        "last_name",
        "college",
        "department",
        "position",
        "academic_standing",
        "birth_date",
        "email",
        "phone",
        "is_active",
    )
    # The person search (admin/search.py): names by index, IDs only when complete.
    column_searchable_list = ("first_name", "last_name", "email", "national_id")
    person_search = TEACHER_SEARCH
    column_filters = (
        "college.name_th",
        "college.province.name_th",
        "college.province.region.name_th",
        "department",
        "academic_standing",
        "is_active",
    )
    column_sortable_list = (
        "national_id",
        "first_name",
        "last_name",
        ("college", "college.name_th"),
    )
    column_default_sort = "id"
    column_labels = {
        **LABELS,
        "college.province.name_th": _l("Province"),
        "college.province.region.name_th": _l("Region"),
        "placements": _l("Industry placements"),
    }
    column_formatters = {"national_id": national_id_formatter, "college": agency_link_formatter}
    column_formatters_export = {"national_id": national_id_formatter}
    details_template = "admin/hubs/teacher_details.html"
    form_columns = (
        "national_id",
        "prefix",
        "first_name",
        "last_name",
        "college",
        "department",
        "position",
        "academic_standing",
        "birth_date",
        "email",
        "phone",
        "is_active",
    )
    form_overrides = {"national_id": NationalIdField}
    form_ajax_refs = {"college": agency_ref(*COLLEGES)}
    form_args = {
        "first_name": {"filters": [strip_filter]},
        "last_name": {"filters": [strip_filter]},
        "phone": {"validators": [phone_validator]},
        "email": {"validators": [email_validator]},
    }
    inline_models = (UNIT_INLINE, CERTIFICATE_INLINE)

    def render(self, template: str, **kwargs: Any) -> Any:
        if template == self.details_template and kwargs.get("model") is not None:
            kwargs.update(
                HUB_HELPERS,
                hub=teacher_hub(kwargs["model"]),
                source_label=lambda value: choice_label(UnitSource, value),
            )
        return super().render(template, **kwargs)

    @expose("/record/")
    def record_view(self):
        """Print the teacher's competency record: the teacher report, as PDF.

        The link names the teacher by record id, not by national ID, so the full ID is in
        no page a viewer reads and in no server log; the report masks it as for the user.
        """
        number = request.args.get("id", type=int)
        # A number SQLite cannot hold is no record either.
        teacher = db.session.get(Teacher, number) if number and 0 < number < 2**63 else None
        if teacher is None:
            abort(404)
        viewer = Viewer(sees_personal_data=current_user.sees_personal_data)
        try:
            report = build_report(db.session, "teacher", {"teacher": teacher.national_id}, viewer)
        except FilterError as error:
            flash(str(error), "error")
            return redirect(url_for(".details_view", id=teacher.id))
        return send_file(
            io.BytesIO(render(report, "pdf")),
            mimetype=MEDIA_TYPES["pdf"],
            download_name=download_name(report, "pdf"),
        )


class TeacherUnitView(SecureModelView):
    column_labels = {
        **LABELS,
        "teacher.national_id": _l("National ID"),
        "unit.code": _l("Unit code"),
        "unit.title": _l("Unit title"),
    }
    column_list = ("teacher", "unit", "achieved_on", "source", "evidence")
    column_searchable_list = ("teacher.first_name", "teacher.last_name", "unit.code", "unit.title")
    column_filters = (
        choice_filter(TeacherUnit.source, _l("Source"), UnitSource),
        "achieved_on",
        "unit.code",
    )
    column_formatters = {"source": choice_formatter(UnitSource)}
    column_formatters_export = column_formatters
    form_columns = ("teacher", "unit", "achieved_on", "source", "evidence")
    form_choices = {"source": UnitSource.choices()}
    form_ajax_refs = {"teacher": TEACHER_REF, "unit": UNIT_REF}


class CertificateView(SecureModelView):
    column_labels = LABELS
    column_list = ("certificate_no", "teacher", "qualification", "issued_on", "expires_on")
    column_searchable_list = ("certificate_no", "teacher.first_name", "teacher.last_name")
    column_filters = ("issued_on", "expires_on", "qualification.code")
    form_columns = ("teacher", "qualification", "certificate_no", "issued_on", "expires_on")
    form_ajax_refs = {"teacher": TEACHER_REF, "qualification": QUALIFICATION_REF}
    form_args = {
        "certificate_no": {"filters": [strip_filter]},
        "expires_on": {"validators": [NotBefore("issued_on")]},
    }


class TrainingView(SecureModelView):
    column_labels = LABELS
    column_formatters_detail = {
        "attendances": related(
            "attendances",
            (
                Cell(
                    _l("Teacher"),
                    lambda a: a.teacher.full_name,
                    ("teacher.details_view", lambda a: a.teacher_id),
                ),
                Cell(
                    _l("College"),
                    lambda a: a.teacher.college.name_th if a.teacher.college else None,
                ),
                Cell(_l("Completed"), lambda a: _("Yes") if a.completed else _("No")),
            ),
            _l("No teacher has attended this training yet."),
            order=lambda a: (a.teacher.first_name, a.teacher.last_name),
        )
    }
    column_list = ("title", "provider", "excellence_field", "start_on", "end_on", "hours")
    column_details_list = (
        "title",
        "provider",
        "excellence_field",
        "curriculum",
        "start_on",
        "end_on",
        "hours",
        "attendances",
    )
    column_searchable_list = ("title",)
    column_filters = ("excellence_field.name_th", "provider.name_th", "start_on")
    column_default_sort = ("start_on", True)
    form_columns = (
        "title",
        "provider",
        "excellence_field",
        "curriculum",
        "start_on",
        "end_on",
        "hours",
    )
    form_ajax_refs = {"provider": agency_ref()}
    form_args = {
        "end_on": {"validators": [NotBefore("start_on")]},
        "hours": {"validators": [Optional(), NumberRange(min=0)]},
    }
    inline_models = (
        (
            TrainingAttendance,
            {
                "form_columns": ("id", "teacher", "completed"),
                "column_labels": LABELS,
                "form_ajax_refs": {"teacher": TEACHER_REF},
            },
        ),
    )


def add_views(admin) -> None:
    admin.add_view(TeacherView(Teacher, name=_l("Teachers"), category=CATEGORY, endpoint="teacher"))
    admin.add_view(
        TeacherUnitView(
            TeacherUnit, name=_l("Competency record"), category=CATEGORY, endpoint="teacher_unit"
        )
    )
    admin.add_view(
        CertificateView(
            TeacherCertificate,
            name=_l("Qualification certificates"),
            category=CATEGORY,
            endpoint="certificate",
        )
    )
    admin.add_view(
        TrainingView(Training, name=_l("Trainings"), category=CATEGORY, endpoint="training")
    )

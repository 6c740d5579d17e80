"""ทุนการศึกษา: programmes, allocations, students and awards."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import NumberRange, Optional, ValidationError

from admin.base import (
    SecureModelView,
    choice_filter,
    choice_formatter,
    national_id_formatter,
    sensitive_flag_formatter,
)
from admin.labels import LABELS
from admin.refs import COLLEGES, STUDENT_REF, agency_ref
from admin.validators import NotBefore
from models import (
    AwardStatus,
    IdentifierType,
    ScholarshipAllocation,
    ScholarshipAward,
    ScholarshipProgramme,
    Student,
    StudentLevel,
)
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


class StudentView(SecureModelView):
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
    column_searchable_list = ("id_value", "first_name", "last_name")
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


class AwardView(SecureModelView):
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
    form_columns = (
        "student",
        "programme",
        "start_year",
        "status",
        "started_on",
        "ended_on",
        "notes",
    )
    form_choices = {"status": AwardStatus.choices()}
    form_ajax_refs = {"student": STUDENT_REF}
    form_args = {
        "start_year": {
            "validators": [AY_RANGE],
            "description": _l("Academic year (BE) in which the award started."),
        },
        "ended_on": {"validators": [NotBefore("started_on")]},
    }


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

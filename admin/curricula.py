"""หลักสูตร: curricula with their alignment to units, and excellence fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import NumberRange, Optional

from admin.base import SecureModelView, choice_filter, choice_formatter
from admin.labels import LABELS
from admin.refs import COLLEGES, UNIT_REF, agency_ref
from admin.validators import strip_filter
from models import (
    CollegeFieldGroup,
    Coverage,
    CreditBankLevel,
    Curriculum,
    CurriculumKind,
    CurriculumUnit,
    ExcellenceField,
    ExcellenceGroup,
)

CATEGORY = _l("Curricula")
NOT_NEGATIVE = NumberRange(min=0, message=_l("Enter zero or a positive number."))
BE_YEAR = NumberRange(min=2500, max=2700, message=_l("Enter a Buddhist Era year, e.g. 2562."))


class CurriculumView(SecureModelView):
    column_labels = LABELS
    column_list = (
        "code",
        "title",
        "owner",
        "kind",
        "level_group",
        "field",
        "hours",
        "edition_year",
    )
    column_details_list = (
        "code",
        "title",
        "owner",
        "kind",
        "level_group",
        "field",
        "excellence_field",
        "hours",
        "credits",
        "edition_year",
        "alignments",
        "created_at",
        "updated_at",
    )
    column_export_list = column_list
    column_searchable_list = ("code", "title", "field")
    column_filters = (
        choice_filter(Curriculum.kind, _l("Kind"), CurriculumKind),
        choice_filter(Curriculum.level_group, _l("Credit-bank level group"), CreditBankLevel),
        "owner.name_th",
        "excellence_field.name_th",
        "edition_year",
    )
    column_sortable_list = ("code", "title", "kind", "edition_year", "hours")
    column_default_sort = "code"
    column_formatters = {
        "kind": choice_formatter(CurriculumKind),
        "level_group": choice_formatter(CreditBankLevel),
    }
    column_formatters_export = column_formatters
    form_columns = (
        "code",
        "title",
        "owner",
        "kind",
        "level_group",
        "field",
        "excellence_field",
        "hours",
        "credits",
        "edition_year",
    )
    form_choices = {"kind": CurriculumKind.choices(), "level_group": CreditBankLevel.choices()}
    form_ajax_refs = {"owner": agency_ref()}
    form_args = {
        "code": {"filters": [strip_filter]},
        "hours": {"validators": [Optional(), NOT_NEGATIVE]},
        "credits": {"validators": [Optional(), NOT_NEGATIVE]},
        "edition_year": {"validators": [Optional(), BE_YEAR]},
    }
    inline_models = (
        (
            CurriculumUnit,
            {
                "form_columns": ("id", "unit", "coverage", "notes"),
                "column_labels": LABELS,
                "form_ajax_refs": {"unit": UNIT_REF},
                "form_choices": {"coverage": Coverage.choices()},
            },
        ),
    )


class ExcellenceFieldView(SecureModelView):
    column_labels = LABELS
    column_list = ("code", "name_th", "name_en", "hub_college")
    column_details_list = ("code", "name_th", "name_en", "hub_college", "college_groups")
    column_searchable_list = ("code", "name_th", "name_en")
    column_default_sort = "code"
    form_columns = ("code", "name_th", "name_en", "hub_college")
    form_ajax_refs = {"hub_college": agency_ref(*COLLEGES)}
    inline_models = (
        (
            CollegeFieldGroup,
            {
                "form_columns": ("id", "college", "tier"),
                "column_labels": LABELS,
                "form_ajax_refs": {"college": agency_ref(*COLLEGES)},
                "form_choices": {"tier": ExcellenceGroup.choices()},
            },
        ),
    )


class CollegeFieldGroupView(SecureModelView):
    column_labels = LABELS
    column_list = ("field", "college", "tier")
    column_searchable_list = ("college.name_th", "field.name_th")
    column_filters = (
        choice_filter(CollegeFieldGroup.tier, _l("Group"), ExcellenceGroup),
        "field.name_th",
        "college.province.name_th",
    )
    column_formatters = {"tier": choice_formatter(ExcellenceGroup)}
    column_formatters_export = column_formatters
    form_columns = ("field", "college", "tier")
    form_choices = {"tier": ExcellenceGroup.choices()}
    form_ajax_refs = {"college": agency_ref(*COLLEGES)}


def add_views(admin) -> None:
    admin.add_view(
        CurriculumView(Curriculum, name=_l("Curricula"), category=CATEGORY, endpoint="curriculum")
    )
    admin.add_view(
        ExcellenceFieldView(
            ExcellenceField, name=_l("Excellence fields"), category=CATEGORY, endpoint="excellence"
        )
    )
    admin.add_view(
        CollegeFieldGroupView(
            CollegeFieldGroup,
            name=_l("College groups per field"),
            category=CATEGORY,
            endpoint="college_group",
        )
    )

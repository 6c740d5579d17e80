"""มาตรฐานอาชีพ: sectors, occupations, qualifications and units of competence."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import NumberRange

from admin.base import SecureModelView
from admin.labels import LABELS
from admin.refs import UNIT_REF
from admin.related import Cell, related
from admin.validators import strip_filter
from models import CompetencyUnit, Occupation, Qualification, Sector, UnitElement

CATEGORY = _l("Occupational standards")
LEVEL_RANGE = NumberRange(min=1, max=8, message=_l("The level must be from 1 to 8."))


class SectorView(SecureModelView):
    column_labels = LABELS
    column_list = ("name_th", "name_en")
    column_details_list = ("name_th", "name_en", "occupations")
    column_searchable_list = ("name_th", "name_en")
    form_columns = ("name_th", "name_en")


class OccupationView(SecureModelView):
    column_labels = LABELS
    column_list = ("name_th", "sector")
    column_details_list = ("name_th", "sector", "qualifications")
    column_searchable_list = ("name_th",)
    column_filters = ("sector.name_th",)
    form_columns = ("sector", "name_th")


class QualificationView(SecureModelView):
    column_list = ("code", "title", "level", "occupation", "occupation.sector")
    column_details_list = (
        "code",
        "title",
        "level",
        "occupation",
        "units",
        "created_at",
        "updated_at",
    )
    column_export_list = ("code", "title", "level", "occupation", "units")
    column_searchable_list = ("code", "title")
    column_filters = ("level", "occupation.name_th", "occupation.sector.name_th")
    column_sortable_list = ("code", "title", "level")
    column_default_sort = "code"
    column_labels = {**LABELS, "occupation.sector": _l("Sector")}
    form_columns = ("code", "title", "level", "occupation", "units")
    form_args = {
        "code": {"filters": [strip_filter]},
        "level": {"validators": [LEVEL_RANGE]},
    }
    form_ajax_refs = {"units": UNIT_REF}


class CompetencyUnitView(SecureModelView):
    column_labels = LABELS
    column_list = ("code", "title", "qualifications")
    column_details_list = (
        "code",
        "title",
        "qualifications",
        "elements",
        "created_at",
        "updated_at",
    )
    column_export_list = ("code", "title", "qualifications")
    column_formatters_detail = {
        "qualifications": related(
            "qualifications",
            (
                Cell(
                    _l("Code"),
                    lambda q: q.code,
                    ("qualification.details_view", lambda q: q.id),
                    True,
                ),
                Cell(_l("Occupational qualification"), lambda q: q.title),
                Cell(_l("Level"), lambda q: q.level),
            ),
            _l("This unit belongs to no occupational qualification yet."),
            order=lambda q: q.code,
        )
    }
    column_searchable_list = ("code", "title")
    column_filters = ("qualifications.code", "qualifications.level")
    column_sortable_list = ("code", "title")
    column_default_sort = "code"
    form_columns = ("code", "title")
    form_args = {"code": {"filters": [strip_filter]}}
    inline_models = (
        (
            UnitElement,
            {
                "form_columns": ("id", "code", "title", "performance_criteria"),
                "column_labels": LABELS,
            },
        ),
    )


def add_views(admin) -> None:
    admin.add_view(
        QualificationView(
            Qualification, name=_l("Qualifications"), category=CATEGORY, endpoint="qualification"
        )
    )
    admin.add_view(
        CompetencyUnitView(
            CompetencyUnit, name=_l("Units of competence"), category=CATEGORY, endpoint="unit"
        )
    )
    admin.add_view(
        OccupationView(Occupation, name=_l("Occupations"), category=CATEGORY, endpoint="occupation")
    )
    admin.add_view(SectorView(Sector, name=_l("Sectors"), category=CATEGORY, endpoint="sector"))

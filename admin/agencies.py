"""หน่วยงาน: agencies, their contacts, provinces and regions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import URL, Optional

from admin.base import SecureModelView, choice_filter, choice_formatter, link_formatter
from admin.labels import LABELS
from admin.refs import agency_ref
from admin.validators import email_validator, phone_validator, strip_filter
from models import Agency, AgencyContact, AgencyKind, Province, Region

CATEGORY = _l("Agencies")


class AgencyView(SecureModelView):
    column_labels = LABELS
    column_list = ("code", "name_th", "abbreviation", "kind", "province", "parent")
    column_details_list = (
        "code",
        "name_th",
        "abbreviation",
        "name_en",
        "kind",
        "parent",
        "children",
        "province",
        "province.region",
        "address",
        "phone",
        "email",
        "website",
        "contacts",
        "notes",
        "created_at",
        "updated_at",
    )
    column_export_list = (
        "code",
        "name_th",
        "abbreviation",
        "name_en",
        "kind",
        "parent",
        "province",
        "phone",
        "email",
        "website",
    )
    column_searchable_list = ("code", "name_th", "abbreviation", "name_en")
    column_filters = (
        choice_filter(Agency.kind, _l("Kind"), AgencyKind),
        "province.name_th",
        "province.region.name_th",
        "parent.name_th",
    )
    column_sortable_list = (
        "code",
        "name_th",
        "abbreviation",
        "kind",
        ("province", "province.name_th"),
    )
    column_default_sort = "code"
    column_formatters = {"kind": choice_formatter(AgencyKind), "website": link_formatter}
    column_formatters_export = {"kind": choice_formatter(AgencyKind)}
    form_columns = (
        "code",
        "name_th",
        "abbreviation",
        "name_en",
        "kind",
        "parent",
        "province",
        "address",
        "phone",
        "email",
        "website",
        "notes",
    )
    form_choices = {"kind": AgencyKind.choices()}
    form_ajax_refs = {"parent": agency_ref()}
    form_args = {
        "code": {"filters": [strip_filter]},
        "name_th": {"filters": [strip_filter]},
        "phone": {"validators": [phone_validator]},
        "email": {"validators": [email_validator]},
        "website": {"validators": [Optional(), URL(message=_l("Enter a full web address."))]},
    }
    inline_models = (
        (
            AgencyContact,
            {
                "form_columns": ("id", "name", "position", "phone", "email", "coordinator_for"),
                "column_labels": LABELS,
                "form_args": {
                    "phone": {"validators": [phone_validator]},
                    "email": {"validators": [email_validator]},
                },
            },
        ),
    )


class AgencyContactView(SecureModelView):
    column_labels = LABELS
    column_list = ("name", "agency", "position", "phone", "email", "coordinator_for")
    column_searchable_list = ("name", "email", "agency.name_th")
    column_filters = ("agency.name_th", "coordinator_for")
    form_columns = ("agency", "name", "position", "phone", "email", "coordinator_for")
    form_ajax_refs = {"agency": agency_ref()}
    form_args = {
        "phone": {"validators": [phone_validator]},
        "email": {"validators": [email_validator]},
    }


class ProvinceView(SecureModelView):
    """Reference data from geothai: read-only."""

    allow_create = allow_edit = allow_delete = False
    column_labels = LABELS
    column_list = ("code", "name_th", "name_en", "region")
    column_searchable_list = ("code", "name_th", "name_en")
    column_filters = ("region.name_th",)
    column_default_sort = "code"
    page_size = 100


class RegionView(SecureModelView):
    allow_create = allow_edit = allow_delete = False
    column_labels = LABELS
    column_list = ("code", "name_th", "name_en")
    column_details_list = ("code", "name_th", "name_en", "provinces")


def add_views(admin) -> None:
    admin.add_view(AgencyView(Agency, name=_l("Agencies"), category=CATEGORY, endpoint="agency"))
    admin.add_view(
        AgencyContactView(
            AgencyContact,
            name=_l("Contacts and coordinators"),
            category=CATEGORY,
            endpoint="contact",
        )
    )
    admin.add_view(
        ProvinceView(Province, name=_l("Provinces"), category=CATEGORY, endpoint="province")
    )
    admin.add_view(RegionView(Region, name=_l("Regions"), category=CATEGORY, endpoint="region"))

"""หน่วยงาน: agencies, their contacts, provinces and regions.

An agency's page is a hub: beside its own fields it lists what the office's work ties to
it (MOUs, sub-agencies, a college's teachers, placements and field groups, an
establishment's hosted placements and partner colleges), each section a short table that
links to the records and, when long, to the full list filtered on the agency (the
sections and links are admin/hubs.py's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.model.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased, joinedload, selectinload
from wtforms.validators import URL, Optional

from admin.base import (
    SecureModelView,
    choice_filter,
    choice_formatter,
    db_options,
    link_formatter,
    national_id_formatter,
)
from admin.hubs import (
    HUB_HELPERS,
    Section,
    agency_link_formatter,
    equals_on,
    filtered_list_url,
    section,
)
from admin.labels import LABELS
from admin.mous import PartyFilter
from admin.refs import COLLEGES, HOSTS, agency_ref
from admin.validators import email_validator, phone_validator, strip_filter
from models import (
    Agency,
    AgencyContact,
    AgencyKind,
    CollegeFieldGroup,
    Mou,
    MouParty,
    Placement,
    Province,
    Region,
    Teacher,
    db,
)
from pdpa import log_reveals, sees_personal_data

CATEGORY = _l("Agencies")


# --------------------------------------------------------------------------- filters


def is_party_filter(flt: BaseFilter) -> bool:
    return isinstance(flt, PartyFilter)


class ParentFilter(BaseSQLAFilter):
    """Agencies under a parent, chosen by its code.

    Not Flask-Admin's "parent.name_th" filter: on this self-join it compares the agency's
    own name, so it listed the parent instead of its sub-agencies.
    """

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        parent = aliased(Agency)
        return query.filter(Agency.parent_id.in_(select(parent.id).where(parent.code == value)))

    def operation(self) -> Any:
        return _l("equals")


def parent_options() -> list[tuple[str, str]]:
    parent = aliased(Agency)
    parents = db.session.execute(
        select(Agency.code, Agency.name_th)
        .where(select(parent.id).where(parent.parent_id == Agency.id).exists())
        .order_by(Agency.name_th)
    )
    return [(code, name) for code, name in parents]


def is_parent_filter(flt: BaseFilter) -> bool:
    return isinstance(flt, ParentFilter)


# --------------------------------------------------------------------------- the hub


@dataclass
class PartnerCollege:
    """A college that shares MOUs with an establishment."""

    college: Agency
    mous: list[Mou] = field(default_factory=list)


@dataclass
class AgencyHub:
    agency: Agency
    mous: Section
    children: Section
    teachers: Section | None = None
    sent: Section | None = None
    groups: Section | None = None
    hosted: Section | None = None
    partners: Section | None = None


def placements_of(column: Any, agency_id: int) -> Select:
    return (
        select(Placement)
        .where(column == agency_id)
        .options(
            joinedload(Placement.teacher),
            joinedload(Placement.round),
            joinedload(Placement.college),
            joinedload(Placement.host),
        )
        .order_by(Placement.round_id.desc(), Placement.applied_at.desc(), Placement.id.desc())
    )


def partner_colleges(agency: Agency) -> Section:
    """The colleges that are parties to this agency's MOUs, each with those MOUs."""
    shared = select(MouParty.mou_id).where(MouParty.agency_id == agency.id)
    parties = db.session.scalars(
        select(MouParty)
        .join(MouParty.agency)
        .join(MouParty.mou)
        .where(
            MouParty.mou_id.in_(shared),
            MouParty.agency_id != agency.id,
            Agency.kind.in_([kind.value for kind in COLLEGES]),
        )
        .options(joinedload(MouParty.agency).joinedload(Agency.province), joinedload(MouParty.mou))
        .order_by(Agency.name_th, Mou.signed_on.desc())
    )
    partners: dict[int, PartnerCollege] = {}
    for party in parties:
        partners.setdefault(party.agency_id, PartnerCollege(party.agency)).mous.append(party.mou)
    return Section.of(partners.values())


def agency_hub(agency: Agency) -> AgencyHub:
    """Gather what an agency's page lists, one or two queries per section."""
    mous = (
        select(Mou)
        .where(Mou.parties.any(MouParty.agency_id == agency.id))
        .options(selectinload(Mou.parties).joinedload(MouParty.agency))
        .order_by(Mou.signed_on.desc(), Mou.id.desc())
    )
    children = select(Agency).where(Agency.parent_id == agency.id).order_by(Agency.code)
    hub = AgencyHub(
        agency,
        mous=section(mous, filtered_list_url("mou", is_party_filter, agency.name_th)),
        children=section(children, filtered_list_url("agency", is_parent_filter, agency.code)),
    )
    if agency.kind in COLLEGES:
        teachers = (
            select(Teacher)
            .where(Teacher.college_id == agency.id)
            .order_by(Teacher.first_name, Teacher.last_name, Teacher.id)
        )
        hub.teachers = section(
            teachers, filtered_list_url("teacher", equals_on("college.name_th"), agency.name_th)
        )
        hub.sent = section(
            placements_of(Placement.college_id, agency.id),
            filtered_list_url("placement", equals_on("college.name_th"), agency.name_th),
        )
        groups = (
            select(CollegeFieldGroup)
            .where(CollegeFieldGroup.college_id == agency.id)
            .options(joinedload(CollegeFieldGroup.field))
            .order_by(CollegeFieldGroup.field_id)
        )
        hub.groups = section(groups, limit=100)
    if agency.kind in HOSTS:
        hub.hosted = section(
            placements_of(Placement.host_id, agency.id),
            filtered_list_url("placement", equals_on("host.name_th"), agency.name_th),
        )
        hub.partners = partner_colleges(agency)
    return hub


# --------------------------------------------------------------------------- views


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
        ParentFilter(Agency.parent_id, _l("Parent agency"), options=db_options(parent_options)),
    )
    column_sortable_list = (
        "code",
        "name_th",
        "abbreviation",
        "kind",
        ("province", "province.name_th"),
    )
    column_default_sort = "code"
    column_formatters = {
        "kind": choice_formatter(AgencyKind),
        "website": link_formatter,
        "parent": agency_link_formatter,
    }
    column_formatters_export = {"kind": choice_formatter(AgencyKind)}
    details_template = "admin/hubs/agency_details.html"
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

    def render(self, template: str, **kwargs: Any) -> Any:
        if template == self.details_template and kwargs.get("model") is not None:
            kwargs.update(HUB_HELPERS, hub=agency_hub(kwargs["model"]))
            teachers = getattr(kwargs["hub"], "teachers", None)
            if teachers is not None and teachers.rows and sees_personal_data():
                # A college's page lists its teachers' full IDs: each view logged (PDPA).
                log_reveals(teachers.rows, "details", ["national_id"])
        return super().render(template, **kwargs)

    def shown_national_id(self, teacher: Teacher) -> str:
        """A teacher's national ID as the teacher list shows it to this user."""
        return national_id_formatter(self, None, teacher, "national_id")


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

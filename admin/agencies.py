"""หน่วยงาน: agencies, their contacts, provinces and regions.

An agency's page is a hub: beside its own fields it lists what the office's work ties to
it (MOUs, sub-agencies, a college's teachers, placements and field groups, an
establishment's hosted placements and partner colleges), each section a short table that
links to the records and, when long, to the full list filtered on the agency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, url_for
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_admin.model.filters import BaseFilter
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import Select, func, select
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
from admin.labels import LABELS
from admin.mous import PartyFilter, status_formatter
from admin.refs import COLLEGES, HOSTS, agency_ref
from admin.validators import email_validator, phone_validator, strip_filter
from models import (
    Agency,
    AgencyContact,
    AgencyKind,
    CollegeFieldGroup,
    ExcellenceGroup,
    Mou,
    MouParty,
    Placement,
    PlacementStep,
    Province,
    Region,
    Teacher,
    db,
)
from thai.dates import fiscal_year_label

CATEGORY = _l("Agencies")
# A hub section shows this many rows, then links to the full list.
HUB_ROWS = 10


# --------------------------------------------------------------------------- filter links


def model_view(endpoint: str) -> Any:
    """Return the app's admin view registered under an endpoint, or None."""
    for admin in current_app.extensions.get("admin", []):
        for view in admin._views:
            if getattr(view, "endpoint", None) == endpoint:
                return view
    return None


def filtered_list_url(endpoint: str, match: Callable[[BaseFilter], bool], value: str) -> str | None:
    """Return the URL of a list filtered as its own filter form writes it, or None.

    The argument's name comes from the list's view, so the link follows that view's
    filters. None when the filter is missing, or when its name is shared with another
    filter or changes with the language (Flask-Admin's default for Thai labels): the list
    would then apply another filter, or none.
    """
    view = model_view(endpoint)
    filters = list(getattr(view, "_filters", None) or ())
    found = [index for index, flt in enumerate(filters) if match(flt)]
    if not found:
        return None
    index = found[0]
    names = [view.get_filter_arg(i, flt) for i, flt in enumerate(filters)]
    with force_locale("en"):
        stable = view.get_filter_arg(index, filters[index]) == names[index]
    if not stable or names.count(names[index]) != 1:
        return None
    return url_for(f"{endpoint}.index_view", **{f"flt0_{names[index]}": value})


def equals_on(path: str) -> Callable[[BaseFilter], bool]:
    """Match the "equals" filter Flask-Admin makes from a column path such as college.name_th."""
    *relations, column = path.split(".")

    def match(flt: BaseFilter) -> bool:
        # Flask-Admin keys a related column's filter as <relations>.<table>.<column>.
        parts = (getattr(flt, "key_name", None) or "").split(".")
        return type(flt) is FilterEqual and parts[:-2] == relations and parts[-1] == column

    return match


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
class Section:
    """One table of a hub: its first rows, how many there are, and the full list."""

    rows: list[Any]
    total: int
    more_url: str | None = None

    @classmethod
    def of(cls, rows: Any) -> Section:
        """A section that shows all its rows."""
        rows = list(rows)
        return cls(rows, len(rows))

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def section(query: Select, more_url: str | None = None, limit: int = HUB_ROWS) -> Section:
    """Count a query's rows and load the first few (two queries, however many rows)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(db.session.scalars(query.limit(limit)).unique()) if total else []
    return Section(rows, total or 0, more_url if (total or 0) > len(rows) else None)


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


# --------------------------------------------------------------------------- formatters


def agency_link(agency: Agency | None) -> Any:
    """An agency's name linked to its page."""
    if agency is None:
        return ""
    url = url_for("agency.details_view", id=agency.id)
    return Markup('<a href="{}">{}</a>').format(url, agency.name_th)


def agency_link_formatter(view: Any, context: Any, model: Any, name: str) -> Any:
    return agency_link(getattr(model, name, None))


def choice_label(choice: Any, value: str | None) -> str:
    """An enumeration's label for a stored code; the code itself when unknown."""
    if value is None:
        return ""
    try:
        return choice(value).label
    except ValueError:
        return str(value)


HUB_HELPERS = {
    "agency_link": agency_link,
    "mou_status": lambda mou: status_formatter(None, None, mou, "status"),
    "step_label": lambda value: choice_label(PlacementStep, value),
    "tier_label": lambda value: choice_label(ExcellenceGroup, value),
    "kind_label": lambda value: choice_label(AgencyKind, value),
    "fiscal_year_label": fiscal_year_label,
}


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

"""Search-as-you-type pickers for large related tables (admin/pickers.py loads them).

The teacher and student pickers search as the lists do (admin/search.py), with one rule more:
IDs, even complete ones, are searched only for users who may see personal data. A viewer
typing digits into a picker finds nobody by ID, so the picker is no oracle for rebuilding a
masked ID.
"""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from admin.search import STUDENT_SEARCH, TEACHER_SEARCH
from models import Agency, AgencyKind
from pdpa import sees_personal_data


def agency_label(agency: Agency) -> str:
    """An agency as a picker lists it: its name, code and province, so namesakes differ."""
    where = ", ".join(str(part) for part in (agency.code, agency.province) if part)
    return f"{agency.name_th} ({where})" if where else agency.name_th


def agency_ref(*kinds: AgencyKind) -> dict[str, Any]:
    """Pick an agency by code, Thai name or abbreviation, optionally of given kinds."""
    ref: dict[str, Any] = {
        "fields": ("code", "name_th", "abbreviation"),
        "page_size": 20,
        "placeholder": _l("Type an agency code, name or abbreviation"),
        "minimum_input_length": 0,
        "label": agency_label,
        "load": (joinedload(Agency.province),),
    }
    if kinds:
        values = ", ".join(f"'{kind.value}'" for kind in kinds)
        ref["filters"] = [f"kind IN ({values})"]
    return ref


UNIT_REF = {
    "fields": ("code", "title"),
    "page_size": 20,
    "placeholder": _l("Type a unit code or title"),
    "minimum_input_length": 0,
}


def personal_placeholder(with_id: Any, without_id: Any) -> LazyString:
    """A picker's hint that mentions IDs only to those whose typing searches them."""
    return LazyString(lambda: str(with_id if sees_personal_data() else without_id))


TEACHER_REF = {
    "person": TEACHER_SEARCH,
    "page_size": 20,
    "placeholder": personal_placeholder(
        _l("Type a national ID or a teacher's name"), _l("Type a teacher's name")
    ),
    "minimum_input_length": 0,
}
STUDENT_REF = {
    "person": STUDENT_SEARCH,
    "page_size": 20,
    "placeholder": personal_placeholder(
        _l("Type a student identifier or name"), _l("Type a student's name")
    ),
    "minimum_input_length": 0,
}
QUALIFICATION_REF = {
    "fields": ("code", "title"),
    "page_size": 20,
    "placeholder": _l("Type a qualification code or title"),
    "minimum_input_length": 0,
}
COLLEGES = (AgencyKind.COLLEGE, AgencyKind.TRAINING_SCHOOL)
HOSTS = (AgencyKind.ESTABLISHMENT,)

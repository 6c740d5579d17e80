"""Search-as-you-type pickers for large related tables."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from models import AgencyKind


def agency_ref(*kinds: AgencyKind) -> dict[str, Any]:
    """Pick an agency by code, Thai name or abbreviation, optionally of given kinds."""
    ref: dict[str, Any] = {
        "fields": ("code", "name_th", "abbreviation"),
        "page_size": 20,
        "placeholder": _l("Type an agency code, name or abbreviation"),
        "minimum_input_length": 0,
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
TEACHER_REF = {
    "fields": ("national_id", "first_name", "last_name"),
    "page_size": 20,
    "placeholder": _l("Type a national ID or a teacher's name"),
    "minimum_input_length": 0,
}
STUDENT_REF = {
    "fields": ("id_value", "first_name", "last_name"),
    "page_size": 20,
    "placeholder": _l("Type a student identifier or name"),
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

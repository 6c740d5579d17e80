"""Search-as-you-type pickers for large related tables."""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import null

from models import AgencyKind, Student, Teacher
from pdpa import sees_personal_data


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


class PersonalColumn:
    """An ID column a picker searches only for users who may see personal data.

    For everyone else it stands for NULL, which matches no search: a viewer typing digits
    into a teacher or student picker finds nobody by ID, so the picker is no oracle for
    rebuilding a masked ID. The choice is made per query (SQLAlchemy asks each time).
    """

    def __init__(self, column: Any) -> None:
        self.column = column

    def __clause_element__(self) -> Any:
        if sees_personal_data():
            return self.column.__clause_element__()
        return null()


def personal_placeholder(with_id: Any, without_id: Any) -> LazyString:
    """A picker's hint that mentions IDs only to those whose typing searches them."""
    return LazyString(lambda: str(with_id if sees_personal_data() else without_id))


TEACHER_REF = {
    "fields": (PersonalColumn(Teacher.national_id), "first_name", "last_name"),
    "page_size": 20,
    "placeholder": personal_placeholder(
        _l("Type a national ID or a teacher's name"), _l("Type a teacher's name")
    ),
    "minimum_input_length": 0,
}
STUDENT_REF = {
    "fields": (PersonalColumn(Student.id_value), "first_name", "last_name"),
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

"""Personal data under the PDPA: who may see it in full, how it is shown, and each reveal logged.

A full national ID (or G-code) and a student's special-needs flag are shown only to the roles
in config PERSONAL_DATA_ROLES (admin and editor by default); everyone else sees masked IDs and
no flag. Each time a full ID is shown on a details page or written into an export, a change-log
row with action "reveal" names who saw whose ID, where, and which fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import has_request_context
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from pdpa_roles import personal_data_roles
from thai.nid import format_national_id, mask_national_id

REVEAL = "reveal"
# The fields of each table that are personal data, as the change log and the reveal rows name them.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "teacher": ("national_id",),
    "student": ("id_value", "special_needs"),
}


def _user_or_current(user: Any) -> Any:
    if user is not None:
        return user
    if not has_request_context():
        return None
    from flask_login import current_user

    return current_user


def sees_personal_data(user: Any = None) -> bool:
    """Whether the user (default: the logged-in user) may see full IDs and special-needs flags.

    Nobody does outside a request unless named: a command or a thread has no user to trust.
    """
    user = _user_or_current(user)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not getattr(user, "is_active", True):
        return False
    return getattr(user, "role", None) in personal_data_roles()


def show_national_id(value: Any, user: Any = None) -> str:
    """A national ID (or G-code) in full, formatted, for those who may see it; masked otherwise."""
    if value is None or value == "":
        return ""
    if sees_personal_data(user):
        return format_national_id(value)
    return mask_national_id(value)


def show_flag(value: Any, user: Any = None) -> bool | None:
    """A sensitive flag (special needs) for those who may see it, None (hidden) for others."""
    return bool(value) if sees_personal_data(user) else None


def _actor() -> str:
    user = _user_or_current(None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user.email
    return "cli"


def _key(record: Any) -> str | None:
    identity = sa_inspect(record).mapper.primary_key_from_instance(record)
    return None if not identity or identity[0] is None else str(identity[0])


def log_reveals(records: Iterable[Any], where: str, fields: Sequence[str] | None = None) -> int:
    """Log that the current user was shown these records' personal data in full.

    One "reveal" row per record: table and record of whose data was shown, and changes
    {"where": "details" | "export", "fields": [...]}. Written in a transaction of its own,
    so the log stays even when the page's own session is rolled back. Returns the rows written.
    """
    import audit
    from models import db

    by_table: dict[str, list[str]] = {}
    for record in records:
        key = _key(record)
        if key is not None:
            by_table.setdefault(record.__tablename__, []).append(key)
    if not by_table:
        return 0
    who = _actor()
    written = 0
    with Session(db.engine) as session:
        for table, keys in by_table.items():
            shown = list(fields) if fields is not None else list(PERSONAL_FIELDS.get(table, ()))
            changes = {"where": where, "fields": shown}
            audit.log_bulk(session, table, REVEAL, keys, changes, actor=who, batch_id=None)
            written += len(keys)
        session.commit()
    return written


def log_reveal(record: Any, where: str, fields: Sequence[str] | None = None) -> None:
    """Log that the current user was shown one record's personal data in full (see log_reveals)."""
    log_reveals([record], where, fields)


class PersonalDataMixin:
    """A model view whose personal columns are masked, unsortable and logged when shown in full.

    personal_columns: the view's columns that hold personal data (e.g. "national_id"). For users
    who may not see personal data they cannot be sorted on; for those who may, each details page
    and each export that shows them in full writes a reveal row per record.
    Put it before SecureModelView in the view's bases.
    """

    personal_columns: tuple[str, ...] = ()

    # Flask-Admin keeps the sortable columns in this attribute (set once when the view is built)
    # and reads it for the list's sort links and for the sort it applies.
    @property
    def _sortable_columns(self) -> dict[Any, Any]:
        columns = self.__dict__.get("_all_sortable_columns", {})
        if not has_request_context() or sees_personal_data():
            return columns
        hidden = {name.lower() for name in self.personal_columns}
        return {
            key: value
            for key, value in columns.items()
            if str(key).lower().rsplit(".", 1)[-1] not in hidden
        }

    @_sortable_columns.setter
    def _sortable_columns(self, value: dict[Any, Any]) -> None:
        self.__dict__["_all_sortable_columns"] = value

    @staticmethod
    def reveal_owner(model: Any) -> Any:
        """Whose personal data a row of the view shows (an award shows its student's)."""
        return model

    def revealed_fields(self, names: Iterable[str]) -> list[str]:
        wanted = {str(name) for name in names}
        return [name for name in self.personal_columns if name in wanted]

    def render(self, template: str, **kwargs: Any) -> Any:
        model = kwargs.get("model")
        if template == self.details_template and model is not None and sees_personal_data():
            fields = self.revealed_fields(name for name, _label in self._details_columns)
            if fields and any(getattr(model, name, None) for name in fields):
                log_reveal(self.reveal_owner(model), "details", fields)
        return super().render(template, **kwargs)

    def _export_data(self) -> tuple[int, Any]:
        count, data = super()._export_data()
        if sees_personal_data():
            fields = self.revealed_fields(self.export_personal_names())
            if fields:
                data = list(data)
                owners = (self.reveal_owner(row) for row in data)
                log_reveals([owner for owner in owners if owner is not None], "export", fields)
        return count, data

    def export_personal_names(self) -> list[str]:
        """The personal columns an export writes (a related "student.id_value" counts)."""
        return [str(name).rsplit(".", 1)[-1] for name, _label in self._export_columns]

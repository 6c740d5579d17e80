"""ผู้ใช้งาน: accounts and roles (administrators only), and the change log."""

from __future__ import annotations

import json
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import PasswordField
from wtforms.validators import Length, Optional, ValidationError

from admin.base import SecureModelView, choice_filter, choice_formatter
from admin.labels import LABELS
from admin.validators import email_validator
from auth import hash_password
from models import AuditLog, Role, User

CATEGORY = _l("Users")


class UserView(SecureModelView):
    admin_only = True
    can_export = False
    column_labels = {**LABELS, "new_password": _l("Password")}
    column_list = ("email", "name", "role", "active", "last_login_at")
    column_details_list = ("email", "name", "role", "active", "last_login_at", "created_at")
    column_searchable_list = ("email", "name")
    column_filters = (choice_filter(User.role, _l("Role"), Role), "active")
    column_formatters = {"role": choice_formatter(Role)}
    form_columns = ("email", "name", "role", "active", "new_password")
    form_choices = {"role": Role.choices()}
    form_extra_fields = {
        "new_password": PasswordField(
            _l("Password"),
            validators=[Optional(), Length(min=8)],
            description=_l("At least 8 characters. Leave empty to keep the current password."),
        )
    }
    form_args = {"email": {"validators": [email_validator]}}

    def on_model_change(self, form: Any, model: User, is_created: bool) -> None:
        if form.new_password.data:
            model.password_hash = hash_password(form.new_password.data)
        elif is_created:
            raise ValidationError(_("A new user needs a password."))


def changes_formatter(view: Any, context: Any, model: AuditLog, name: str) -> str:
    return json.dumps(model.changes, ensure_ascii=False, default=str) if model.changes else ""


def batch_formatter(view: Any, context: Any, model: AuditLog, name: str) -> str:
    """The import batch that made the change, linked to its page."""
    if model.batch_id is None:
        return ""
    url = url_for("imports.batch", batch_id=model.batch_id)
    return Markup('<a href="{0}">{1}</a>').format(
        url, _("Import %(number)s", number=model.batch_id)
    )


def batch_export_formatter(view: Any, context: Any, model: AuditLog, name: str) -> str:
    return str(model.batch_id) if model.batch_id is not None else ""


class AuditLogView(SecureModelView):
    """Who changed what and when, and by which import: read-only."""

    admin_only = True
    allow_create = allow_edit = allow_delete = False
    column_labels = {**LABELS, "batch_id": _l("Import batch")}
    column_list = ("at", "user_email", "action", "table_name", "record_id", "batch_id", "changes")
    column_searchable_list = ("user_email", "table_name", "record_id")
    column_filters = ("at", "user_email", "action", "table_name", "batch_id")
    column_default_sort = ("at", True)
    column_formatters = {"changes": changes_formatter, "batch_id": batch_formatter}
    column_formatters_export = {"changes": changes_formatter, "batch_id": batch_export_formatter}


def add_views(admin) -> None:
    admin.add_view(UserView(User, name=_l("User accounts"), category=CATEGORY, endpoint="user"))
    admin.add_view(
        AuditLogView(AuditLog, name=_l("Change log"), category=CATEGORY, endpoint="audit")
    )

"""ผู้ใช้งาน: accounts and roles (administrators only); the change log is admin/changelog.py."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import inspect as sa_inspect
from wtforms import PasswordField
from wtforms.validators import Optional, ValidationError

from admin.base import SecureModelView, choice_filter, choice_formatter
from admin.labels import LABELS
from admin.validators import email_validator
from auth import hash_password, refresh_session
from models import Role, User
from security import password_problem

CATEGORY = _l("Users")


def password_rules(form: Any, field: Any) -> None:
    """The password policy (security.password_problem), against the e-mail in the form."""
    if field.data:
        email = form.email.data if "email" in form else None
        problem = password_problem(field.data, email)
        if problem:
            raise ValidationError(problem)


def is_self(model: User | None) -> bool:
    return model is not None and current_user.is_authenticated and model.id == current_user.id


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
            validators=[Optional(), password_rules],
            description=_l(
                "At least 10 characters, not the e-mail address and not a common password. "
                "Leave empty to keep the current password."
            ),
        )
    }
    form_args = {"email": {"validators": [email_validator]}}

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        # A new account has no current password to keep: the hint asks for its first one.
        form.new_password.description = _l(
            "At least 10 characters, not the e-mail address and not a common password. "
            "A new user needs one to log in."
        )
        return form

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        if is_self(obj):
            # Administrators cannot lower their own role or lock themselves out: another
            # administrator does that. (on_model_change refuses it too.)
            for name in ("role", "active"):
                if name in form:
                    delattr(form, name)
        return form

    def on_model_change(self, form: Any, model: User, is_created: bool) -> None:
        if not is_created and is_self(model):
            role = sa_inspect(model).attrs.role.history
            if role.deleted and role.added and role.deleted[0] != role.added[0]:
                raise ValidationError(_("You cannot change your own role."))
            if not model.active:
                raise ValidationError(_("You cannot deactivate your own account."))
        if form.new_password.data:
            # A new password (or role) ends the account's other sessions (auth.py).
            model.password_hash = hash_password(form.new_password.data)
        elif is_created:
            raise ValidationError(_("A new user needs a password."))

    def after_model_change(self, form: Any, model: User, is_created: bool) -> None:
        # An administrator who set their own password stays logged in here.
        if is_self(model):
            refresh_session(model)

    def on_model_delete(self, model: User) -> None:
        if is_self(model):
            raise ValidationError(_("You cannot delete your own account."))


def add_views(admin) -> None:
    admin.add_view(UserView(User, name=_l("User accounts"), category=CATEGORY, endpoint="user"))

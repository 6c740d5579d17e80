"""Which roles may see personal data: a leaf module, so the User model can ask without a cycle."""

from __future__ import annotations

from flask import current_app, has_app_context

DEFAULT_ROLES = ("admin", "editor")


def personal_data_roles() -> tuple[str, ...]:
    """The roles that may see full IDs and special-needs flags (config PERSONAL_DATA_ROLES)."""
    roles = current_app.config.get("PERSONAL_DATA_ROLES") if has_app_context() else None
    if roles is None:
        return DEFAULT_ROLES
    if isinstance(roles, str):  # FLASK_PERSONAL_DATA_ROLES="admin,editor"
        roles = roles.replace(",", " ").split()
    return tuple(str(role).strip() for role in roles)

"""The admin site: init_admin(app) builds a fresh Admin for each app."""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

import security
from admin import (
    agencies,
    changelog,
    curricula,
    imports,
    letters,
    mous,
    placements,
    reports,
    scholarships,
    standards,
    targets,
    teachers,
    users,
)
from admin.base import SecureMixin
from admin.dashboard import dashboard_figures
from i18n import TRANSLATIONS


class HomeView(SecureMixin, AdminIndexView):
    """The start page: what each area holds and what needs attention."""

    @expose("/")
    def index(self):
        return self.render("admin/home.html", figures=dashboard_figures())


def init_admin(app: Flask) -> Admin:
    """Build the admin with every area's screens, in the office's menu order."""
    admin = Admin(
        app,
        name="Samatta",
        theme=Bootstrap4Theme(base_template="admin/samatta_base.html", fluid=True),
        index_view=HomeView(name=_l("Home"), url="/admin"),
        translations_path=str(TRANSLATIONS),
        csp_nonce_generator=security.csp_nonce,
    )
    areas = (
        agencies,
        mous,
        standards,
        curricula,
        teachers,
        placements,
        letters,
        scholarships,
        reports,
        targets,
        imports,
        users,
        changelog,
    )
    for area in areas:
        area.add_views(admin)
    return admin

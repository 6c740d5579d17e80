"""รายงาน: the printed reports, each a form of its filters with PDF and XLSX buttons.

The pages are thin: reports.build_report parses the filters and gathers the rows, and
reports.render draws them; this module draws the forms and sends the files. Printing
changes nothing, so the forms use GET and every role may print.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from flask import abort, request, send_file, url_for
from flask_admin import expose
from flask_admin.menu import MenuDivider, MenuLink
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

import models
from admin.base import SecureBaseView
from models import db
from reports import (
    FORMATS,
    LANGUAGES,
    MEDIA_TYPES,
    REPORTS,
    FilterError,
    Report,
    Viewer,
    build_report,
    render,
)
from reports.model import Filter, ReportDefinition
from thai.dates import academic_year, be_year, fiscal_year

CATEGORY = _l("Reports")
# The printout's languages, each named in its own language.
PRINTOUT_LANGUAGES = (("th", "ไทย"), ("en", "English"))
# A year typed in (no list to choose from) starts at the current one.
CURRENT_YEARS = {"fiscal_year": fiscal_year, "academic_year": academic_year}


def year_of(option: tuple[str, str]) -> int:
    value = option[0]
    return int(value) if value.isdigit() else -1


def default_value(filter_: Filter, options: Sequence[tuple[str, str]] | None) -> str:
    """Return what a filter shows before the form is sent: the newest year, else nothing."""
    if filter_.name not in CURRENT_YEARS:
        return ""
    if options:
        return max(options, key=year_of)[0]
    return str(CURRENT_YEARS[filter_.name](models.today()))


def picker(admin: Any, filter_: Filter, value: str) -> dict[str, Any] | None:
    """How a filter with a picker draws it: the lookup's URL, its hint, the chosen record."""
    if filter_.picker is None:
        return None
    endpoint, field = filter_.picker
    view = next(view for view in admin._views if view.endpoint == endpoint)
    loader = view._form_ajax_refs[field]
    chosen = None
    if value:
        try:
            chosen = loader.format(filter_.parse(db.session, value))
        except FilterError:
            chosen = None  # the form says why when it is sent
    return {
        "url": url_for(f"{endpoint}.ajax_lookup", name=field),
        "placeholder": str(loader.options.get("placeholder") or ""),
        "chosen": chosen,
    }


def form_fields(
    definition: ReportDefinition, given: Mapping[str, str], admin: Any
) -> list[dict[str, Any]]:
    """Each filter as the form draws it: a select when it has choices, a picker when it
    has one, else a text box."""
    fields = []
    for filter_ in definition.filters:
        options = None
        if filter_.choices is not None:
            options = [(str(value), str(label)) for value, label in filter_.choices(db.session)]
        # With nothing to choose from (no placement round yet), the value can still be typed.
        options = options or None
        value = given[filter_.name] if filter_.name in given else default_value(filter_, options)
        if options is not None and value and value not in {v for v, _label in options}:
            # Keep what was sent, though it is not on the list, so the error reads against it.
            options.append((value, value))
        fields.append(
            {
                "name": filter_.name,
                "label": filter_.label,
                "required": filter_.required,
                "help": filter_.help,
                "options": options,
                "value": value,
                "picker": picker(admin, filter_, value),
            }
        )
    return fields


def printout_language() -> str:
    """The language the form asks the printout in: Thai unless English is chosen."""
    chosen = request.args.get("language")
    return chosen if chosen in LANGUAGES else "th"


def download_name(report: Report, fmt: str) -> str:
    """Name the file after the report and the day it was printed (BE), e.g. mous-2568-11-23."""
    day = models.today()
    return f"{report.name}-{be_year(day.year)}-{day:%m-%d}.{fmt}"


class ReportView(SecureBaseView):
    """The list of reports; each report's filters, printed as PDF or XLSX."""

    def is_visible(self) -> bool:
        # The menu lists the reports themselves (ReportLink) instead of this page alone.
        return False

    @expose("/")
    def index(self):
        return self.render("admin/reports/index.html", reports=list(REPORTS.values()))

    # Not <name>: Flask-Admin's _handle_view takes the view's name as its first argument.
    @expose("/<report_name>/")
    def report(self, report_name: str):
        definition = REPORTS.get(report_name)
        if definition is None:
            abort(404)
        fmt = request.args.get("format")
        if fmt not in FORMATS:
            return self.report_page(definition)
        viewer = Viewer(sees_personal_data=current_user.sees_personal_data)
        try:
            with force_locale(printout_language()):
                report = build_report(db.session, report_name, request.args, viewer)
                content = render(report, fmt, thai_digits=bool(request.args.get("thai_digits")))
        except FilterError as error:
            return self.report_page(definition, error=self.screen_message(error), status=400)
        return send_file(
            io.BytesIO(content),
            mimetype=MEDIA_TYPES[fmt],
            as_attachment=True,
            download_name=download_name(report, fmt),
        )

    def screen_message(self, error: FilterError) -> str:
        """What is wrong with the filters, in the screen's language (the printout's may
        differ): the same report built again for the screen fails the same way."""
        viewer = Viewer(sees_personal_data=current_user.sees_personal_data)
        try:
            build_report(db.session, request.view_args["report_name"], request.args, viewer)
        except FilterError as again:
            return str(again)
        return str(error)

    def report_page(
        self, definition: ReportDefinition, error: str | None = None, status: int = 200
    ):
        page = self.render(
            "admin/reports/report.html",
            definition=definition,
            fields=form_fields(definition, request.args, self.admin),
            thai_digits=bool(request.args.get("thai_digits")),
            language=printout_language(),
            languages=PRINTOUT_LANGUAGES,
            error=error,
        )
        return page, status


class ReportLink(MenuLink):
    """A menu entry for one report, or (without a report) for the list of them."""

    def __init__(self, name: Any, report: str | None = None) -> None:
        super().__init__(name, category=CATEGORY)
        self.report = report

    def get_url(self) -> str:
        if self.report is None:
            return url_for("reports.index")
        return url_for("reports.report", report_name=self.report)

    def is_accessible(self) -> bool:
        return current_user.is_authenticated

    def is_active(self, view: Any) -> bool:
        endpoint = "reports.index" if self.report is None else "reports.report"
        return (
            request.endpoint == endpoint
            and (request.view_args or {}).get("report_name") == self.report
        )


def add_views(admin) -> None:
    admin.add_view(ReportView(name=CATEGORY, category=CATEGORY, endpoint="reports", url="reports"))
    admin.add_link(ReportLink(_l("All reports")))
    admin.add_menu_item(MenuDivider(), target_category=CATEGORY)
    for definition in REPORTS.values():
        admin.add_link(ReportLink(definition.title, definition.name))

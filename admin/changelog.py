"""ประวัติการแก้ไขข้อมูล: the change log as people read it (administrators only), read-only.

Each row says who (name and e-mail), when (BE), what (in words), which record (by its name,
linked to its page), and which fields changed from what to what, as the screens show them
(admin/history.py). Only the rows of the page shown are described.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, g, get_template_attribute, request, url_for
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import and_, false, or_, select

from admin import history
from admin.base import SecureModelView, db_options
from admin.labels import LABELS
from keys import MAX_KEY
from models import AuditLog, User, db
from thai.dates import parse_date

CATEGORY = _l("Users")


# --------------------------------------------------------------------------- filters


def user_options() -> list[tuple[str, str]]:
    users = db.session.execute(select(User.email, User.name).order_by(User.name, User.email))
    options = [(email, f"{name} ({email})" if name else email) for email, name in users]
    return [*options, ("cli", _("Command line"))]


def action_options() -> list[tuple[str, Any]]:
    return list(history.ACTIONS.items())


class DayFilter(BaseSQLAFilter):
    """The change log on, from or until a day typed the Thai way (24/01/2568, 24 ม.ค. 68)."""

    def __init__(self, column: Any, name: Any, bound: str) -> None:
        super().__init__(column, name)
        self.bound = bound

    def validate(self, value: Any) -> bool:
        try:
            parse_date(value)
        except ValueError:
            return False
        return True

    def clean(self, value: Any) -> dt.date:
        return parse_date(value)

    def apply(self, query: Any, value: dt.date, alias: Any = None) -> Any:
        """Keep the rows logged from the day's start and/or until its end.

        Rows are numbered in the order they are logged, so a day is a range of ids: its
        first and last rows are found on the time index, and the list (newest first, by id)
        then reads only that range, however many rows the log holds.
        """
        start = dt.datetime.combine(value, dt.time())
        end = start + dt.timedelta(days=1)
        conditions = []
        if self.bound in ("on", "from"):
            first = select(AuditLog.id).where(AuditLog.at >= start)
            first = first.order_by(AuditLog.at, AuditLog.id).limit(1).scalar_subquery()
            conditions.append(AuditLog.id >= first)
        if self.bound in ("on", "until"):
            last = select(AuditLog.id).where(AuditLog.at < end)
            last = last.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(1)
            conditions.append(AuditLog.id <= last.scalar_subquery())
        return query.filter(*conditions)

    def operation(self) -> Any:
        return {"on": _l("on the day"), "from": _l("from the day"), "until": _l("until the day")}[
            self.bound
        ]


class BatchFilter(FilterEqual):
    """The changes of one import batch, by its number."""

    def validate(self, value: Any) -> bool:
        text = str(value).strip()
        return text.isdigit() and int(text) <= MAX_KEY

    def clean(self, value: Any) -> int:
        return int(str(value).strip())


def search_condition(term: str) -> Any:
    """The rows a search word finds, each way through an index.

    A word finds the changes of the users whose name or e-mail holds it, of the record
    types whose name (as the menu says it, or the table's own) holds it, the actions so
    named, and for a number the record with that id or the import batch with that number.
    """
    word = term.strip().lower()
    conditions = []
    emails = [
        email
        for email, name in db.session.execute(select(User.email, User.name))
        if word in email.lower() or word in (name or "").lower()
    ]
    if word == "cli" or word in _("Command line").lower():
        emails.append("cli")
    if emails:
        conditions.append(AuditLog.user_email.in_(emails))
    if "@" in word:
        # An address typed in part: its start, as an index range.
        conditions.append(and_(AuditLog.user_email >= word, AuditLog.user_email < word + "\uffff"))
    tables = [
        name
        for name, text in history.table_options()
        if word in name.lower() or word in text.lower()
    ]
    if tables:
        conditions.append(AuditLog.table_name.in_(tables))
    actions = [code for code, label in history.ACTIONS.items() if word in str(label).lower()]
    if actions:
        conditions.append(AuditLog.action.in_(actions))
    if word.isdigit() and int(word) <= MAX_KEY:
        conditions.append(AuditLog.batch_id == int(word))
        conditions.append(
            and_(AuditLog.table_name.in_(list(db.metadata.tables)), AuditLog.record_id == word)
        )
    return or_(*conditions) if conditions else false()


# --------------------------------------------------------------------------- formatters


def entry_of(model: AuditLog) -> history.Entry:
    """The row in words, described with the rest of its page (see AuditLogView.get_list)."""
    entries = g.get("changelog_entries")
    if entries is None or model.id not in entries:
        entries = entries or {}
        entries[model.id] = history.describe([model])[0]
        g.changelog_entries = entries
    return entries[model.id]


def when_formatter(view: Any, context: Any, model: AuditLog, name: str) -> str:
    return entry_of(model).when


def who_formatter(view: Any, context: Any, model: AuditLog, name: str) -> str:
    return entry_of(model).who


def action_formatter(view: Any, context: Any, model: AuditLog, name: str) -> str:
    return entry_of(model).action_text


def table_formatter(view: Any, context: Any, model: AuditLog, name: str) -> str:
    return entry_of(model).table_text


def record_formatter(view: Any, context: Any, model: AuditLog, name: str) -> str:
    entry = entry_of(model)
    if entry.record_url:
        return Markup('<a href="{0}" class="history-record">{1}</a>').format(
            entry.record_url, entry.record_text
        )
    return entry.record_text


def record_export_formatter(view: Any, context: Any, model: AuditLog, name: str) -> str:
    return entry_of(model).record_text


def changes_formatter(view: Any, context: Any, model: AuditLog, name: str) -> str:
    # A macro of an .html template: its output is already escaped Markup.
    render = get_template_attribute("admin/changelog/_entry.html", "changes")
    return render(entry_of(model))


def changes_export_formatter(view: Any, context: Any, model: AuditLog, name: str) -> str:
    return entry_of(model).text()


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


# --------------------------------------------------------------------------- the screen


class AuditLogView(SecureModelView):
    """Who changed what and when, and by which import: read-only, for administrators."""

    admin_only = True
    allow_create = allow_edit = allow_delete = False
    can_view_details = False
    column_display_actions = False
    # An export describes every row it holds: a filtered part of the log, not all of it.
    export_max_rows = 20_000
    action_disallowed_list = ["delete"]
    column_labels = {
        **LABELS,
        "user_email": _l("Made by"),
        "table_name": _l("Record type"),
        "record": _l("Changed record"),
        "batch_id": _l("Import batch"),
    }
    column_list = ("at", "user_email", "action", "table_name", "record", "changes", "batch_id")
    # Newest first by id, the order rows are logged in: an index walk (and seek pages).
    column_sortable_list = (("at", AuditLog.id),)
    column_default_sort = ("id", True)
    # Search reads names, not the log's million rows (see search_condition).
    column_searchable_list = ("user_email", "table_name")
    column_formatters = {
        "at": when_formatter,
        "user_email": who_formatter,
        "action": action_formatter,
        "table_name": table_formatter,
        "record": record_formatter,
        "changes": changes_formatter,
        "batch_id": batch_formatter,
    }
    # "at" has no export formatter: the export carries the time itself, a date-time cell in
    # the XLSX and the list's BE date and time in the CSV, not the screen's text.
    column_formatters_export = {
        "user_email": who_formatter,
        "action": action_formatter,
        "table_name": table_formatter,
        "record": record_export_formatter,
        "changes": changes_export_formatter,
        "batch_id": batch_export_formatter,
    }
    column_filters = (
        FilterEqual(AuditLog.user_email, _l("User"), options=db_options(user_options)),
        FilterEqual(
            AuditLog.table_name, _l("Record type"), options=db_options(history.table_options)
        ),
        FilterEqual(AuditLog.action, _l("Action"), options=action_options),
        DayFilter(AuditLog.at, _l("Date"), "on"),
        DayFilter(AuditLog.at, _l("Date"), "from"),
        DayFilter(AuditLog.at, _l("Date"), "until"),
        BatchFilter(AuditLog.batch_id, _l("Import batch")),
    )

    def _handle_view(self, name: str, **kwargs: Any):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        # Nothing on this screen writes: the log is evidence (audit.refuse_history_changes).
        if request.method not in ("GET", "HEAD"):
            abort(403)
        return None

    def get_actions_list(self) -> Any:
        return [], {}

    def create_model(self, form: Any) -> Any:
        return False

    def update_model(self, form: Any, model: Any) -> bool:
        return False

    def delete_model(self, model: Any) -> bool:
        return False

    def get_list(self, page: int | None, *args: Any, **kwargs: Any) -> Any:
        count, rows = super().get_list(page, *args, **kwargs)
        if kwargs.get("execute", True) and isinstance(rows, list):
            g.changelog_entries = {entry.id: entry for entry in history.describe(rows)}
        return count, rows

    def _apply_search(
        self, query: Any, count_query: Any, joins: Any, count_joins: Any, search: str
    ) -> Any:
        for term in search.split():
            condition = search_condition(term)
            query = query.filter(condition)
            if count_query is not None:
                count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins

    def get_invalid_value_msg(self, value: str, filter: Any) -> str:  # noqa: A002
        if isinstance(filter, DayFilter):
            return _(
                "“%(value)s” is not a date for the filter %(filter)s: "
                "type a day such as 24/01/2568.",
                value=value,
                filter=f"{filter.name} {filter.operation()}",
            )
        return _(
            "“%(value)s” is not a value the filter %(filter)s accepts.",
            value=value,
            filter=f"{filter.name} {filter.operation()}",
        )


def add_views(admin) -> None:
    admin.add_view(
        AuditLogView(AuditLog, name=_l("Change log"), category=CATEGORY, endpoint="audit")
    )

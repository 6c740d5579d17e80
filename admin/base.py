"""The secure base views every admin screen is built on."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask_admin import BaseView
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_gettext
from flask_admin.contrib.sqla import ModelView, tools
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_admin.contrib.sqla.tools import is_relationship
from flask_admin.model import typefmt
from flask_admin.model.filters import BaseIntFilter, BaseIntListFilter
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import Integer, UniqueConstraint, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import NotFound
from werkzeug.utils import secure_filename

from admin.fields import ThaiModelConverter
from admin.history import record_entries
from admin.labels import filter_label
from admin.listing import ListingMixin
from admin.pickers import PickerViewMixin
from admin.versioning import StaleGuard, VersionedViewMixin
from exports import be_text, column_kind, safe_text, typed_value, write_xlsx
from i18n import form_translations
from keys import MAX_KEY, record_ids
from models import Choice, db
from pdpa import sees_personal_data, show_national_id
from thai.dates import bangkok_now, format_be, format_be_datetime
from thai.phone import format_phone


class AdminForm(FlaskForm):
    """Flask-Admin's form base with Flask-WTF CSRF and Thai WTForms messages."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            return form_translations

    def __init__(self, formdata: Any = None, obj: Any = None, prefix: str = "", **kwargs: Any):
        self._obj = obj
        super().__init__(formdata=formdata, obj=obj, prefix=prefix, **kwargs)


# --------------------------------------------------------------------------- formatters


def be_date_formatter(view: Any, value: dt.date, name: str) -> str:
    return format_be(value)


def be_datetime_formatter(view: Any, value: dt.datetime, name: str) -> str:
    return format_be_datetime(value)


def bool_text_formatter(view: Any, value: bool, name: str) -> str:
    return _("Yes") if value else _("No")


def bool_icon_formatter(view: Any, value: bool, name: str) -> Markup:
    """Flask-Admin's tick or dash, titled "Yes"/"No" in the reader's language (Flask-Admin
    titles it with the field's name and "true"/"false")."""
    icon = (
        "fa-check-circle glyphicon-ok-circle" if value else "fa-minus-circle glyphicon-minus-sign"
    )
    word = bool_text_formatter(view, value, name)
    return Markup('<span class="fa {}" title="{}"></span>').format(icon, word)


def money_formatter(view: Any, value: Decimal, name: str) -> str:
    """Amounts (the only decimal columns) with thousands separators: "3,000,000.00"."""
    return f"{value:,.2f}"


# The columns that hold phone numbers, in every model that has one.
PHONE_COLUMNS = frozenset({"phone", "contact_phone"})
LIST_FORMATTERS = {
    **typefmt.BASE_FORMATTERS,
    bool: bool_icon_formatter,
    Decimal: money_formatter,
    dt.datetime: be_datetime_formatter,
    dt.date: be_date_formatter,
}
EXPORT_FORMATTERS = {
    **typefmt.EXPORT_FORMATTERS,
    dt.datetime: be_datetime_formatter,
    dt.date: lambda view, value, name: format_be(value, style="numeric"),
    bool: bool_text_formatter,
}
# The XLSX export keeps dates and numbers typed (exports.write_xlsx shows them in BE and with
# thousands separators); the CSV writes them as text.
XLSX_FORMATTERS = {
    kind: formatter
    for kind, formatter in EXPORT_FORMATTERS.items()
    if kind not in (dt.date, dt.datetime)
}


def national_id_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    """Show a national ID in full to staff who need it, masked to everyone else."""
    return show_national_id(getattr(model, name, None))


def sensitive_flag_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    """Hide special-needs status (sensitive under the PDPA) from those who may not see it."""
    if sees_personal_data():
        return bool_text_formatter(view, getattr(model, name), name)
    return "—"


def choice_label(choice: type[Choice], value: str | None) -> str:
    """An enumeration's label for a stored code; the code itself when unknown."""
    if value is None:
        return ""
    try:
        return choice(value).label
    except ValueError:
        return str(value)


def choice_formatter(choice: type[Choice]):
    """Return a formatter that shows an enumeration's label instead of its code."""

    def formatter(view: Any, context: Any, model: Any, name: str) -> str:
        return choice_label(choice, getattr(model, name.split(".")[-1], None))

    return formatter


def link_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    url = getattr(model, name, None)
    if not url:
        return ""
    if not str(url).startswith(("http://", "https://")):
        return str(url)
    return Markup('<a href="{0}" target="_blank" rel="noopener">{0}</a>').format(url)


def db_options(load: Any) -> Any:
    """Wrap a filter's option loader so it reads the database per request, not at start-up."""

    def options() -> list[tuple[Any, str]]:
        return load() if has_request_context() else []

    return options


def choice_filter(column: Any, label: Any, choice: type[Choice]) -> FilterEqual:
    """Return an equality filter offering an enumeration's labels."""
    return FilterEqual(column, label, options=lambda: choice.choices())


# --------------------------------------------------------------------------- filter names


def untranslated(text: Any) -> str:
    """A lazy label's English msgid, whatever the reader's language."""
    return str(getattr(text, "_args", (text,))[0])


def is_relationship_path(model: Any, path: str) -> bool:
    """Whether a column path ("college", "college.province") ends on a relationship."""
    attr, _joins = tools.get_field_with_path(model, path)
    return attr is not None and is_relationship(attr)


def column_path(model: Any, flt: Any) -> str:
    """A hand-made filter's column as a path: "status", "agency.name_th"."""
    key = getattr(flt, "key_name", None)
    if isinstance(key, str):
        return key
    column = getattr(flt, "column", None)
    table = getattr(column, "table", None)
    name = getattr(column, "key", None) or getattr(column, "name", None) or "filter"
    if table is not None and table is not getattr(model, "__table__", None):
        return f"{table.name}.{name}"
    return str(name)


def filter_url_name(model: Any, flt: Any) -> str:
    """A filter's name in list URLs (flt0_<name>=value), the same in every language.

    A fixed `url_name` is kept (the placement list's contract, ?flt_mou=0). A filter made
    from a column path is named after the path and the operation (department_contains,
    college_province_name_th_equals). A hand-made filter keeps the name its English label
    gives it (record_type_equals), or is named after its column when the label is not a
    translatable English text.
    """
    fixed = getattr(flt, "url_name", "")
    if fixed:
        return fixed
    operation = untranslated(flt.operation())
    path = getattr(flt, "samatta_path", None)
    if path is None and hasattr(flt.name, "_args"):
        path = untranslated(flt.name)
    if path is None or not re.search(r"[a-z0-9]", path.lower()):
        path = column_path(model, flt)
    name = re.sub(r"[^a-z0-9]+", "_", f"{path} {operation}".lower())
    return name.strip("_")


# --------------------------------------------------------------------------- access


class SecureMixin:
    """Logged-in users only; writes need the editor role; some views need admin."""

    admin_only = False

    def is_accessible(self) -> bool:
        if not current_user.is_authenticated:
            return False
        return current_user.is_admin or not self.admin_only

    def inaccessible_callback(self, name: str, **kwargs: Any):
        if current_user.is_authenticated:
            abort(403)
        return redirect(url_for("auth.login", next=request.full_path))

    def _handle_view(self, name: str, **kwargs: Any):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        if request.method == "POST" and not self.may_write():
            abort(403)
        return None

    def may_write(self) -> bool:
        return current_user.is_authenticated and current_user.can_edit


class SecureBaseView(SecureMixin, StaleGuard, BaseView):
    """A custom page (imports, reports) behind the same login and role rules."""


class SecureModelView(
    SecureMixin, StaleGuard, ListingMixin, VersionedViewMixin, PickerViewMixin, ModelView
):
    """A model screen: Thai labels, BE dates, masked IDs, safe exports, Thai form errors."""

    def _get_list_value(
        self, context: Any, model: Any, name: str, column_formatters: Any, type_formatters: Any
    ) -> Any:
        # Phone numbers read as people write them ("081-234-5678"), however they were typed.
        if name in PHONE_COLUMNS and name not in column_formatters:
            return format_phone(getattr(model, name, None))
        return super()._get_list_value(context, model, name, column_formatters, type_formatters)

    # Per-view switches; the user's role decides the rest (see the properties below).
    allow_create = True
    allow_edit = True
    allow_delete = True

    can_view_details = True
    can_export = True
    export_types = ["csv", "xlsx"]
    export_max_rows = 100_000
    can_set_page_size = True
    page_size = 50
    page_size_options = (20, 50, 100, 200)
    form_base_class = AdminForm
    model_form_converter = ThaiModelConverter
    column_type_formatters = LIST_FORMATTERS
    column_type_formatters_detail = LIST_FORMATTERS
    column_type_formatters_export = EXPORT_FORMATTERS
    column_display_pk = False
    named_filter_urls = True
    details_modal = False
    edit_modal = False
    create_modal = False
    # Thai labels for columns every view shares.
    column_labels: dict[str, Any] = {}
    # The details page lists the record's change log under its fields.
    details_template = "admin/model/samatta_details.html"
    history_limit = 200

    def __init__(self, model: Any, **kwargs: Any) -> None:
        super().__init__(model, db, **kwargs)

    @property
    def can_create(self) -> bool:
        return self.allow_create and self.may_write()

    @property
    def can_edit(self) -> bool:
        return self.allow_edit and self.may_write()

    @property
    def can_delete(self) -> bool:
        return self.allow_delete and self.may_write()

    @action(
        "delete",
        admin_gettext("Delete"),
        admin_gettext("Are you sure you want to delete selected records?"),
    )
    def action_delete(self, ids: Any) -> None:
        # The list posts its row ids as text; PostgreSQL compares no INTEGER id with text
        # (SQLite does), so they become ids first, and a huge number names no record.
        return super().action_delete(tuple(record_ids(ids)))

    def render(self, template: str, **kwargs: Any) -> Any:
        if template == self.details_template and kwargs.get("model") is not None:
            kwargs["history"] = self.record_history(kwargs["model"])
        return super().render(template, **kwargs)

    def record_history(self, model: Any) -> list[Any]:
        """The record's changes in words (admin/history.py), newest first: when, who, what."""
        identity = sa_inspect(model).identity
        if not identity:
            return []
        return record_entries(model.__tablename__, identity[0], self.history_limit)

    def history_label(self, name: str) -> str:
        """A changed field as the record's screens label it."""
        label = self.column_labels.get(name) or self.column_labels.get(name.removesuffix("_id"))
        return str(label) if label else name

    def get_list(self, page: int | None, *args: Any, **kwargs: Any) -> Any:
        # A page from the URL may be negative or huge: PostgreSQL refuses a negative OFFSET
        # and no database takes one past its integers. Such a page is the first or the last.
        if page is not None:
            page = min(max(page, 0), MAX_KEY // 1000)
        return super().get_list(page, *args, **kwargs)

    def _handle_view(self, name: str, **kwargs: Any):
        refused = super()._handle_view(name, **kwargs)
        if refused is None and name in ("details_view", "edit_view"):
            self.refuse_missing_record(name)
        return refused

    def refuse_missing_record(self, name: str) -> None:
        """A details or edit page for a record that is not there: a 404 naming its kind.

        Flask-Admin would flash a message and show the list instead, which reads as if the
        link had worked. Left to Flask-Admin: a page the role may not open, and no id at all.
        """
        allowed = self.can_view_details if name == "details_view" else self.can_edit
        record_id = request.args.get("id")
        if not allowed or record_id is None or self.get_one(record_id) is not None:
            return
        kind = str(self.name)
        shown = record_id if record_id.isdigit() and len(record_id) <= 20 else None
        if shown:
            message = _(
                'There is no record number %(id)s in "%(kind)s": it may have been deleted, '
                "or the link may be out of date.",
                id=shown,
                kind=kind,
            )
        else:
            message = _(
                'The record asked for is not in "%(kind)s": the link may be out of date.',
                kind=kind,
            )
        missing = NotFound()
        missing.page_title = _("Record not found")  # type: ignore[attr-defined]
        missing.page_message = message  # type: ignore[attr-defined]
        missing.page_links = [  # type: ignore[attr-defined]
            (self.get_url(".index_view"), _('Go to the list "%(kind)s"', kind=kind))
        ]
        raise missing

    def get_one(self, id: Any) -> Any:  # noqa: A002 - Flask-Admin's own name
        """Return the record with this id, or None for an id no integer key can hold.

        An id from the URL ("abc", a number too large for the column) would otherwise reach
        the database, which PostgreSQL refuses with an error (SQLite just finds nothing).
        """
        if isinstance(sa_inspect(self.model).primary_key[0].type, Integer):
            try:
                key = int(str(id))
            except ValueError:
                return None
            if not -MAX_KEY <= key <= MAX_KEY:
                return None
        return super().get_one(id)

    def _get_list_filter_args(self) -> Any:
        """The list's filters from the URL, less integer ones no column can hold.

        Flask-Admin checks that an integer filter's value is an integer, not that it fits:
        SQLite cannot bind 2**63 at all. Such a filter is left out with Flask-Admin's own
        "invalid filter value" message, as for a value that is not a number.
        """
        filters = super()._get_list_filter_args()
        if not filters:
            return filters
        kept = []
        for idx, name, value in filters:
            flt = self._filters[idx]
            if isinstance(flt, BaseIntFilter | BaseIntListFilter):
                numbers = flt.clean(value)
                numbers = numbers if isinstance(numbers, list) else [numbers]
                if any(abs(n) > MAX_KEY for n in numbers):
                    flash(self.get_invalid_value_msg(value, flt), "error")
                    continue
            kept.append((idx, name, value))
        return kept

    # ----------------------------------------------------------------- filter names

    def scaffold_filters(self, name: Any) -> Any:
        """Flask-Admin's filters for a column path, named and labelled after the path."""
        filters = super().scaffold_filters(name)
        if isinstance(name, str):
            for flt in filters or ():
                path = name
                if is_relationship_path(self.model, name):
                    path = f"{name}.{flt.column.key}"
                flt.samatta_path = path
                flt.name = filter_label(self.column_labels, path)
        return filters

    def get_filters(self) -> Any:
        """The list's filters, each with a URL name of its own (see get_filter_arg)."""
        filters = super().get_filters()
        taken: set[str] = set()
        for flt in filters or ():
            arg = base_arg = filter_url_name(self.model, flt)
            if arg in taken:
                label = re.sub(r"[^a-z0-9]+", "_", untranslated(flt.name).lower()).strip("_")
                arg = f"{base_arg}_{label}" if label else base_arg
            suffix = 2
            while arg in taken:
                arg, suffix = f"{base_arg}_{suffix}", suffix + 1
            taken.add(arg)
            flt.samatta_arg = arg
        return filters

    def get_filter_arg(self, index: int, flt: Any) -> str:
        """Name a filter in list URLs after its column path and operation, in any language.

        Flask-Admin names it after the label in the reader's language and keeps only a-z
        and digits: every Thai label becomes "", so the filters collide ("_equals") and a
        link or a bookmark filters on the wrong column, or on nothing. A filter with a
        fixed `url_name` (the placement list's contract) keeps it.
        """
        return getattr(flt, "samatta_arg", None) or filter_url_name(self.model, flt)

    def _get_filter_groups(self) -> Any:
        # Options such as fiscal years come from the database: read them on every list page.
        self._refresh_filters_cache()
        return super()._get_filter_groups()

    # ----------------------------------------------------------------- validation

    def validate_form(self, form: Any) -> bool:
        """Validate fields, then report duplicate keys beside the field, not as a crash."""
        if not super().validate_form(form):
            return False
        return self.check_unique(form)

    def check_unique(self, form: Any) -> bool:
        current_id = request.args.get("id", type=int)
        ok = True
        for columns in self.unique_keys():
            if not all(name in form for name in columns):
                continue
            values = {name: self.key_value(form[name].data) for name in columns}
            if any(v is None for v in values.values()):
                continue
            query = select(func.count()).select_from(self.model)
            for name, value in values.items():
                query = query.where(self.key_column(name) == value)
            if current_id is not None:
                query = query.where(self.model.id != current_id)
            if db.session.scalar(query):
                field = form[columns[-1]]
                label = ", ".join(str(form[name].label.text) for name in columns)
                field.errors = [
                    *field.errors,
                    _("This %(label)s is already in use by another record.", label=label),
                ]
                ok = False
        return ok

    def key_column(self, name: str) -> Any:
        """Return the column a key field is stored in: for a relation, its foreign key."""
        relation = sa_inspect(self.model).relationships.get(name)
        if relation is not None:
            return next(iter(relation.local_columns))
        return getattr(self.model, name)

    @staticmethod
    def key_value(value: Any) -> Any:
        if hasattr(value, "id") and not isinstance(value, str | int):
            return value.id
        if isinstance(value, str):
            return value.strip()
        return value

    def unique_keys(self) -> list[tuple[str, ...]]:
        """Return the model's unique keys as form field names (relations by name)."""
        table = self.model.__table__
        keys: list[tuple[str, ...]] = []
        for column in table.columns:
            if column.unique:
                keys.append((column.key,))
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint):
                keys.append(tuple(column.key for column in constraint.columns))
        return [tuple(self.form_name(name) for name in key) for key in keys]

    def form_name(self, column: str) -> str:
        """Map a foreign-key column (college_id) to its relationship field (college)."""
        if column.endswith("_id"):
            relation = column[:-3]
            if hasattr(self.model, relation):
                return relation
        return column

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, IntegrityError):
            db.session.rollback()
            flash(
                _(
                    "The record was not saved: it conflicts with existing data "
                    "(a duplicate key, a missing required value or a record still in use)."
                ),
                "error",
            )
            return True
        return super().handle_view_exception(exc)

    # ----------------------------------------------------------------- export

    def get_export_value(self, model: Any, name: Any) -> Any:
        return safe_text(super().get_export_value(model, name))

    def get_xlsx_value(self, model: Any, name: Any) -> Any:
        """An export value with its type: a date or a number stays one, text is made safe."""
        formatters = self.column_formatters_export
        return typed_value(self._get_list_value(None, model, name, formatters, XLSX_FORMATTERS))

    def export_rows(self, typed: bool = False) -> tuple[list[str], list[list[Any]]]:
        _count, data = self._export_data()
        headers = [str(label) for _name, label in self._export_columns]
        value = self.get_xlsx_value if typed else self.get_export_value
        rows = [[value(row, name) for name, _l in self._export_columns] for row in data]
        return headers, rows

    def export_filename(self, extension: str) -> str:
        stamp = bangkok_now().strftime("%Y%m%d-%H%M")
        name = secure_filename(self.endpoint) or "export"
        return f"{name}-{stamp}.{extension}"

    def _export_csv(self, return_url: Any) -> Response:
        headers, rows = self.export_rows()
        buffer = io.StringIO()
        # The BOM makes Excel open Thai text as UTF-8 instead of mojibake.
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(rows)
        return Response(
            buffer.getvalue().encode("utf-8"),
            mimetype="text/csv; charset=utf-8",
            headers={"Content-Disposition": f"attachment; filename={self.export_filename('csv')}"},
        )

    def _export_tablib(self, export_type: str, return_url: str) -> Response:
        headers, rows = self.export_rows(typed=True)
        kinds = [column_kind(name) for name, _label in self._export_columns]
        content = write_xlsx(headers, rows, sheet_name=str(self.name), kinds=kinds)
        return Response(
            content,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f"attachment; filename={self.export_filename('xlsx')}"},
        )


__all__ = [
    "SecureBaseView",
    "SecureModelView",
    "be_text",
    "choice_filter",
    "choice_formatter",
    "choice_label",
    "link_formatter",
    "national_id_formatter",
    "sensitive_flag_formatter",
]

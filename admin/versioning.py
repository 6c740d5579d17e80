"""No lost updates: a form carries the version it was rendered with, and saves only its changes.

Every editable record has a `version` (SQLAlchemy's version counter, models.VersionMixin).
An edit form carries three hidden values: the record's version, the form's values as they
were rendered (JSON), and the newest change-log id when it was rendered. On save:

- a form whose version is not the record's (or an inline row's version not its row's) is
  refused: nothing is written, the user's input stays in the form, and a message says what
  changed meanwhile and by whom (the record's change-log rows newer than the form);
- otherwise only the fields whose submitted value differs from the rendered one are
  written, so a field the user never touched is never reverted;
- a write that loses the race anyway (StaleDataError at the flush) is refused the same way.

VersionedViewMixin goes before Flask-Admin's ModelView (SecureModelView's bases); StaleGuard
catches StaleDataError raised by any admin page (a button, a bulk action) and says so.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
from decimal import Decimal
from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin.babel import gettext as admin_gettext
from flask_admin.contrib.sqla.fields import InlineModelFormList
from flask_admin.model.fields import InlineFieldList, InlineModelFormField
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from wtforms.fields import HiddenField

from admin.history import describe
from models import AuditLog, db

log = logging.getLogger(__name__)

VERSION = "version"
# The hidden values a form carries for its save (never written to the record).
VERSION_FIELD = "record_version"
ORIGINAL_FIELD = "record_original"
SEEN_FIELD = "record_seen"
KEPT = (VERSION_FIELD, ORIGINAL_FIELD, SEEN_FIELD)
# Fields a conflict never shows (bookkeeping, not what anyone typed).
NOT_SHOWN = {"id", VERSION, "password_hash", "created_at", "updated_at"}
# How many change-log rows a conflict shows at most.
SHOWN_ROWS = 20


class KeptField(HiddenField):
    """A hidden value the form carries for its save; never written to the record."""

    def populate_obj(self, obj: Any, name: str) -> None:
        return None


class Conflict(Exception):
    """The form is stale: the record (or one of its rows) changed after it was rendered."""

    def __init__(self, deleted_rows: list[str] | None = None) -> None:
        super().__init__("stale form")
        self.deleted_rows = deleted_rows or []


# --------------------------------------------------------------------------- comparing values


def canonical(value: Any) -> Any:
    """A field's value in a form that compares equal whether it came from the record or the
    browser (JSON-safe: what the form was rendered with travels as JSON)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.replace("\r\n", "\n")
        return text if text != "" else None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, enum.Enum):
        return canonical(value.value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        items = [canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))
    if hasattr(value, "__table__"):
        identity = sa_inspect(value).identity
        return ["@", value.__table__.name, *(str(key) for key in identity or ())]
    return str(value)


def comparable(value: Any) -> Any:
    """canonical(), as it reads back from JSON (tuples become lists)."""
    return json.loads(json.dumps(canonical(value), default=str))


def is_inline(field: Any) -> bool:
    return isinstance(field, InlineFieldList | InlineModelFormField)


def is_upload(field: Any) -> bool:
    # Flask-Admin's upload fields keep the stored file unless a new one is sent or the
    # delete box is ticked: always let them decide.
    return hasattr(field, "_save_file") or getattr(field, "type", "") == "FileField"


def compared_fields(form: Any) -> dict[str, Any]:
    """The form's own fields whose values are compared (not inline rows, files or tokens)."""
    return {
        name: field
        for name, field in form._fields.items()
        if name not in KEPT
        and name != "csrf_token"
        and not is_inline(field)
        and not is_upload(field)
    }


def rendered_values(form: Any) -> str:
    return json.dumps(
        {name: canonical(field.data) for name, field in compared_fields(form).items()},
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )


def original_values(form: Any) -> dict[str, Any] | None:
    """The values the form was rendered with, or None when it did not say (write them all)."""
    field = getattr(form, ORIGINAL_FIELD, None)
    text = getattr(field, "data", None)
    if not text:
        return None
    try:
        values = json.loads(text)
    except ValueError:
        return None
    return values if isinstance(values, dict) else None


def changed_names(form: Any) -> set[str] | None:
    """The fields the user changed (None: the form did not say what it showed, so all)."""
    original = original_values(form)
    if original is None:
        return None
    return {
        name
        for name, field in compared_fields(form).items()
        if name not in original or comparable(field.data) != original[name]
    }


def posted_int(form: Any, name: str) -> int | None:
    field = getattr(form, name, None)
    text = str(getattr(field, "data", "") or "").strip()
    if not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def populate_changed(form: Any, obj: Any, skip_pk: str | None = None) -> None:
    """Write the form's fields into the record, leaving out those the user did not change."""
    changed = changed_names(form)
    for name, field in form._fields.items():
        if name == skip_pk or name in KEPT:
            continue
        if changed is not None and name in compared_fields(form) and name not in changed:
            continue
        if isinstance(field, InlineModelFormList):
            for entry in field.entries:
                entry.populate_obj = partial_entry_populate(entry)
        field.populate_obj(obj, name)


def partial_entry_populate(entry: Any) -> Any:
    """An inline row's populate_obj that writes only the row's changed fields."""

    def populate(obj: Any, name: Any) -> None:
        populate_changed(entry.form, obj, skip_pk=getattr(entry, "_pk", None))

    return populate


# --------------------------------------------------------------------------- inline rows


def inline_lists(form: Any) -> list[Any]:
    return [field for field in form._fields.values() if isinstance(field, InlineModelFormList)]


def entry_pk(entry: Any) -> str | None:
    try:
        pk = entry.get_pk()
    except Exception:  # noqa: BLE001 - a row without a usable key is a new row
        return None
    return str(pk) if pk not in (None, "") else None


def stored_rows(model: Any, inline: Any) -> dict[str, Any]:
    """The record's rows of an inline list, by primary key as the form names them."""
    values = getattr(model, inline.short_name, None) or []
    return {str(getattr(row, inline._pk)): row for row in values}


def patch_inline_forms(form_class: Any) -> None:
    """Give each inline row form the hidden version and values, and no editable version."""
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        field_class = getattr(unbound, "field_class", None)
        if not (isinstance(field_class, type) and issubclass(field_class, InlineModelFormList)):
            continue
        child = unbound.args[0] if unbound.args else unbound.kwargs.get("form")
        if child is None:
            continue
        add_kept_fields(child)


def add_kept_fields(form_class: Any) -> None:
    if VERSION in vars(form_class):
        delattr(form_class, VERSION)
    for name in KEPT:
        if not hasattr(form_class, name):
            setattr(form_class, name, KeptField())


# --------------------------------------------------------------------------- the view


class VersionedViewMixin:
    """Stale forms refused, only changed fields written (before ModelView in the bases)."""

    # ----------------------------------------------------------------- no editable version

    def scaffold_list_columns(self) -> list[Any]:
        return [name for name in super().scaffold_list_columns() if name != VERSION]

    def scaffold_sortable_columns(self) -> Any:
        columns = super().scaffold_sortable_columns()
        return {key: value for key, value in columns.items() if key != VERSION}

    def scaffold_form(self) -> Any:
        form_class = super().scaffold_form()
        add_kept_fields(form_class)
        patch_inline_forms(form_class)
        return form_class

    # ----------------------------------------------------------------- rendering

    def render(self, template: str, **kwargs: Any) -> Any:
        form, model = kwargs.get("form"), kwargs.get("model")
        if (
            request.method == "GET"
            and form is not None
            and model is not None
            and hasattr(form, VERSION_FIELD)
            and hasattr(model, VERSION)
        ):
            self.stamp_form(form, model)
        return super().render(template, **kwargs)

    def stamp_form(self, form: Any, model: Any) -> None:
        """Write into the hidden fields the version and values the form is rendered with."""
        getattr(form, VERSION_FIELD).data = str(model.version or "")
        getattr(form, ORIGINAL_FIELD).data = rendered_values(form)
        getattr(form, SEEN_FIELD).data = str(newest_log_id())
        for inline in inline_lists(form):
            for entry in inline.entries:
                row = entry.object_data
                if row is None or not hasattr(entry.form, VERSION_FIELD):
                    continue
                getattr(entry.form, VERSION_FIELD).data = str(getattr(row, VERSION, "") or "")
                getattr(entry.form, ORIGINAL_FIELD).data = rendered_values(entry.form)

    # ----------------------------------------------------------------- saving

    def check_current(self, form: Any, model: Any) -> None:
        """Raise Conflict when the form's record or any of its inline rows changed since."""
        seen = posted_int(form, VERSION_FIELD)
        stale = seen is not None and seen != model.version
        if stale and only_unshown_changes(form, model):
            # Bookkeeping the form does not show (a sign-in, a step moved by a button): the
            # save writes only what the user changed, so nothing of it is lost.
            stale = False
        deleted: list[str] = []
        for inline in inline_lists(form):
            rows = stored_rows(model, inline)
            for entry in inline.entries:
                pk = entry_pk(entry)
                if pk is None:
                    continue
                row = rows.get(pk)
                if row is None:
                    if not inline.should_delete(entry):
                        deleted.append(str(inline.label.text))
                    continue
                row_seen = posted_int(entry.form, VERSION_FIELD)
                if row_seen is not None and row_seen != getattr(row, VERSION, row_seen):
                    stale = True
        if stale or deleted:
            raise Conflict(deleted)

    def update_model(self, form: Any, model: Any) -> bool:
        session = db.session
        try:
            self.check_current(form, model)
            populate_changed(form, model)
            self._on_model_change(form, model, False)
            session.commit()
        except (Conflict, StaleDataError) as conflict:
            session.rollback()
            self.refuse_stale(form, model, conflict)
            return False
        except Exception as ex:
            if not self.handle_view_exception(ex):
                flash(admin_gettext("Failed to update record. %(error)s", error=str(ex)), "error")
                log.exception("Failed to update record.")
            session.rollback()
            return False
        else:
            self.after_model_change(form, model, False)
        return True

    def refuse_stale(self, form: Any, model: Any, conflict: Exception) -> None:
        """Say what changed meanwhile; keep the user's input and let a second save through."""
        current = reload(model)
        if current is None:
            flash(
                _("This record was deleted by someone else meanwhile: nothing was saved."), "error"
            )
            return
        deleted = conflict.deleted_rows if isinstance(conflict, Conflict) else []
        flash(conflict_message(self, current, posted_int(form, SEEN_FIELD), deleted), "error")
        # The message said what changed: a second save, from this form, is the user's choice.
        # Fields the user did not touch now show the record as it is.
        refresh_untouched(form, current)
        if hasattr(form, VERSION_FIELD):
            getattr(form, VERSION_FIELD).data = str(current.version)
        if hasattr(form, SEEN_FIELD):
            getattr(form, SEEN_FIELD).data = str(newest_log_id())
        for inline in inline_lists(form):
            rows = stored_rows(current, inline)
            for entry in inline.entries:
                row = rows.get(entry_pk(entry) or "")
                if row is not None and hasattr(entry.form, VERSION_FIELD):
                    getattr(entry.form, VERSION_FIELD).data = str(getattr(row, VERSION, ""))

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, StaleDataError):
            db.session.rollback()
            flash(stale_message(), "error")
            return True
        return super().handle_view_exception(exc)


def shown_columns(form: Any, model: Any) -> set[str]:
    """The record's columns the form shows (a relation's field stands for its foreign key)."""
    mapper = sa_inspect(type(model))
    names: set[str] = set()
    for name in form._fields:
        if name in KEPT or name == "csrf_token":
            continue
        names.add(name)
        relation = mapper.relationships.get(name)
        if relation is not None:
            names.update(column.key for column in relation.local_columns)
    return names


def only_unshown_changes(form: Any, model: Any) -> bool:
    """Whether every change to the record since the form was rendered (its change-log rows)
    touched only fields the form does not show. Unknown changes count as shown."""
    seen = posted_int(form, SEEN_FIELD)
    identity = sa_inspect(model).identity
    if seen is None or not identity:
        return False
    rows = list(
        db.session.execute(
            select(AuditLog.action, AuditLog.changes).where(
                AuditLog.table_name == model.__tablename__,
                AuditLog.record_id == str(identity[0]),
                AuditLog.id > seen,
            )
        )
    )
    if not rows:
        return False
    shown = shown_columns(form, model)
    for action, changes in rows:
        if action != "update" or not isinstance(changes, dict):
            return False
        if (set(changes) - {VERSION}) & shown:
            return False
    return True


def refresh_untouched(form: Any, current: Any) -> None:
    """Show the record's current values in the fields the user did not change, and take
    them as what the form was rendered with (a second save leaves them as they are)."""
    original = original_values(form)
    changed = changed_names(form)
    if original is None or changed is None:
        return
    for name, field in compared_fields(form).items():
        if name in changed or not hasattr(current, name):
            continue
        try:
            field.raw_data = None
            field.process(None, data=getattr(current, name))
        except Exception:  # noqa: BLE001 - a field that cannot show it keeps what it had
            log.debug("could not refresh field %s", name, exc_info=True)
            continue
        original[name] = canonical(field.data)
    getattr(form, ORIGINAL_FIELD).data = json.dumps(
        original, ensure_ascii=False, separators=(",", ":"), default=str
    )


def reload(model: Any) -> Any:
    """The record as it is now in the database, or None if it was deleted."""
    identity = sa_inspect(model).identity
    if not identity:
        return None
    try:
        return db.session.get(type(model), identity, populate_existing=True)
    except ObjectDeletedError:
        return None


def newest_log_id() -> int:
    return db.session.scalar(select(func.max(AuditLog.id))) or 0


def stale_message() -> str:
    return _(
        "Nothing was saved: someone else changed this record meanwhile. "
        "Open it again to see the changes, then make yours."
    )


# --------------------------------------------------------------------------- what changed


def conflict_message(view: Any, model: Any, seen: int | None, deleted: list[str]) -> Markup:
    """The refusal: nothing saved, the input kept, and each change made meanwhile, by whom."""
    rows = changes_since(model, seen)
    items = [describe_row(view, model, row) for row in rows]
    items += [
        Markup("{0}").format(_("A row of “%(section)s” was deleted meanwhile.", section=section))
        for section in deleted
    ]
    if not items:
        items = [Markup("{0}").format(_("The change log holds no details of the change."))]
    head = _(
        "Someone else saved this record after you opened the form: nothing was saved, and "
        "your input is kept below. Check what changed meanwhile, then save again."
    )
    body = Markup("").join(Markup("<li>{0}</li>").format(item) for item in items)
    return Markup(
        '<div class="version-conflict"><strong>{0}</strong>'
        '<div class="mt-1">{1}</div><ul class="mb-0 conflict-changes">{2}</ul></div>'
    ).format(head, _("Changed meanwhile:"), body)


def child_records(model: Any) -> list[tuple[str, str]]:
    """(table, id) of the record's rows in one-to-many lists (units, parties, visits)."""
    found = []
    for relation in sa_inspect(type(model)).relationships:
        if relation.direction.name != "ONETOMANY" or not relation.cascade.delete_orphan:
            continue
        table = relation.mapper.local_table.name
        for row in getattr(model, relation.key) or []:
            identity = sa_inspect(row).identity
            if identity:
                found.append((table, str(identity[0])))
    return found


def changes_since(model: Any, seen: int | None) -> list[AuditLog]:
    """The change-log rows of the record (and of its rows) newer than the form."""
    identity = sa_inspect(model).identity
    records = [(model.__tablename__, str(identity[0]))] if identity else []
    records += child_records(model)
    if not records:
        return []
    by_table: dict[str, list[str]] = {}
    for table, record_id in records:
        by_table.setdefault(table, []).append(record_id)
    where = or_(
        *(
            (AuditLog.table_name == table) & AuditLog.record_id.in_(ids)
            for table, ids in by_table.items()
        )
    )
    query = select(AuditLog).where(where, AuditLog.action.in_(("create", "update", "delete")))
    if seen is not None:
        query = query.where(AuditLog.id > seen).order_by(AuditLog.id).limit(SHOWN_ROWS)
        return list(db.session.scalars(query))
    # The form did not say when it was rendered: the latest few changes.
    query = query.where(AuditLog.action == "update").order_by(AuditLog.id.desc()).limit(3)
    return list(reversed(list(db.session.scalars(query))))


def describe_row(view: Any, model: Any, row: AuditLog) -> Markup:
    """One change made meanwhile: when, by whom, and each field's before → after, worded
    (and masked) as the change log words it (admin/history.py)."""
    entry = describe([row])[0]
    parts = [
        Markup("{0}: {1} → {2}").format(
            change.label, "—" if change.before is None else change.before, change.after
        )
        for change in entry.changes
    ]
    if row.action == "update" and not parts:
        return Markup("")
    what = Markup("; ").join(parts)
    if row.table_name != model.__tablename__:
        section = section_label(view, model, row.table_name)
        action = {"create": _("row added"), "delete": _("row deleted"), "update": _("row changed")}
        what = Markup("{0} ({1}){2}{3}").format(
            section, action.get(row.action, row.action), Markup(": ") if parts else "", what
        )
    elif row.action == "delete":
        what = Markup("{0}").format(_("the record was deleted"))
    return Markup("{0}, {1}: {2}").format(entry.when, entry.who, what)


def section_label(view: Any, model: Any, table_name: str) -> str:
    for relation in sa_inspect(type(model)).relationships:
        if relation.mapper.local_table.name == table_name:
            label = getattr(view, "column_labels", {}).get(relation.key)
            return str(label) if label else relation.key
    return table_name


# --------------------------------------------------------------------------- any admin page


class StaleGuard:
    """Any admin page whose write loses to another writer says so instead of failing (500)."""

    def _run_view(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super()._run_view(fn, *args, **kwargs)
        except StaleDataError:
            db.session.rollback()
            flash(stale_message(), "error")
            return redirect(back_url())


def back_url() -> str:
    """Where to go after a refused write: the page the user came from, on this site."""
    referrer = request.referrer or ""
    host = request.host_url
    if referrer.startswith(host) and "\\" not in referrer:
        return referrer
    if request.method == "GET":
        return request.path
    try:
        return url_for("admin.index")
    except Exception:  # noqa: BLE001 - no admin index: the site's root
        return "/"

"""Change-log rows in words: who, when (BE), which record, which fields, before → after.

``describe(rows)`` turns AuditLog rows into ``Entry`` objects the change-log list and every
record's "ประวัติการแก้ไข" show alike: the user's name and e-mail, the table as the menu
names it, the record by its name (linked to its page while it exists), each field by the
label its screen gives it, and each value as the screen shows it (names for ids, labels for
codes, BE dates, ใช่/ไม่ใช่), personal data masked for users who may not see it.

It reads the names it needs for a whole page at once (one query per table), so a page of a
million-row log costs a handful of queries, whatever the rows hold.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Boolean as BooleanType
from sqlalchemy import CheckConstraint, Date, DateTime, Float, Numeric, and_, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

import audit
from admin.labels import LABELS
from keys import record_ids
from models import AuditLog, Choice, User, db
from thai.dates import format_be, format_be_datetime
from thai.nid import format_national_id, mask_national_id

# Fields the log keeps but no one needs to read; the record version is the locking's.
SKIP = frozenset(audit.SKIP_FIELDS | {"version", "id"})
# Personal data (PDPA): IDs shown masked, flags not shown at all, to users who may not see it.
MASKED = {("teacher", "national_id"), ("student", "id_value")}
HIDDEN = {("student", "special_needs")}
# An import's bookkeeping (where its file is kept, which worker checks it, how far it got):
# the import's own page shows its progress; its history tells the outcome.
BOOKKEEPING = {
    ("import_batch", name)
    for name in ("stored_path", "sha256", "size", "options", "stage", "progress", "worker")
}
# Fields whose names mean something else in other tables.
TABLE_LABELS = {
    "import_batch": {
        "filename": _l("File"),
        "rows": _l("Rows read"),
        "created": _l("Records added"),
        "updated": _l("Records changed"),
        "unchanged": _l("Rows unchanged"),
        "rejected": _l("Rows rejected"),
        "message": _l("Message"),
        "finished_at": _l("Finished at"),
        "skip_invalid": _l("Import the valid rows only"),
        "undo_of": _l("Undo of import"),
        "undone_at": _l("Undone at"),
        "undone_by": _l("Undone by"),
    }
}
# What a record's own page lists: the changes made to it (not who looked at it).
RECORD_ACTIONS = ("create", "update", "delete", "conflict")
# Actions that change no record: told in words, not as fields.
EVENTS = ("login", "logout", "login_failed", "login_throttled", "reveal")
# Longest list of values shown for a created or deleted record.
MAX_VALUES = 12
# Largest IN (...) list per query (SQLite's older limit is 999 variables).
CHUNK = 500

ACTIONS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "login": _l("Logged in"),
    "logout": _l("Logged out"),
    "login_failed": _l("Login failed"),
    "login_throttled": _l("Login refused: too many attempts"),
    "reveal": _l("Full ID shown"),
    "conflict": _l("Save refused: changed by someone else"),
}
# Tables no menu entry shows on their own: named here, in the menu's words.
TABLE_NAMES = {
    "import_batch": _l("Import batch"),
    "mou_party": _l("MOU party"),
    "unit_element": _l("Element of a unit of competence"),
    "curriculum_unit": _l("Curriculum alignment"),
    "training_attendance": _l("Training attendance"),
    "round_step": _l("Round calendar step"),
    "supervision_visit": _l("Supervision visit"),
    "placement_event": _l("Placement step change"),
    "award_event": _l("Scholarship status change"),
    "office_settings": _l("Office settings"),
    "letter_counter": _l("Letter number counter"),
    "qualification_unit": _l("Unit of a qualification"),
    "placement_unit": _l("Unit of a placement"),
    "user": _l("User accounts"),
    "audit_log": _l("Change log"),
}
# How a record is named when it no longer exists: the first of these its log row holds.
NAME_FIELDS = ("name_th", "title", "name", "ref_no", "code", "email", "filename")
PERSON_TABLES = {"teacher", "student"}
IN_LIST = re.compile(r"(\w+) IN \(([^)]*)\)")


@dataclasses.dataclass
class FieldChange:
    label: str
    before: str | None = None  # None for a created or deleted record's value
    after: str = ""


@dataclasses.dataclass
class Entry:
    id: int
    at: dt.datetime | None
    when: str
    actor: str
    actor_name: str
    action: str
    action_text: str
    table_name: str
    table_text: str
    record_id: str | None
    record_text: str
    record_url: str | None
    changes: list[FieldChange]
    summary: str
    batch_id: int | None
    more: int = 0  # values left out of a long created or deleted record

    @property
    def who(self) -> str:
        if self.actor in (audit.CLI_ACTOR, audit.ANONYMOUS_ACTOR):
            return self.actor_name
        if self.actor_name and self.actor_name != self.actor:
            return f"{self.actor_name} ({self.actor})"
        return self.actor_name or self.actor

    def text(self) -> str:
        """The change as one line of plain text (exports)."""
        parts = [self.summary] if self.summary else []
        for change in self.changes:
            if change.before is None:
                parts.append(f"{change.label}: {change.after}")
            else:
                parts.append(f"{change.label}: {change.before} → {change.after}")
        if self.more:
            parts.append(_("and %(count)s more", count=self.more))
        return "; ".join(parts)


# --------------------------------------------------------------------------- who may see


def sees_personal_data() -> bool:
    """Whether the current user may see full IDs and special-needs flags (pdpa decides)."""
    if not has_request_context():
        return True
    try:
        import pdpa
    except ImportError:
        pdpa = None
    if pdpa is not None and hasattr(pdpa, "sees_personal_data"):
        return bool(pdpa.sees_personal_data())
    return bool(current_user.is_authenticated and current_user.sees_personal_data)


# --------------------------------------------------------------------------- the schema


def models_by_table() -> dict[str, Any]:
    return {
        mapper.local_table.name: mapper.class_
        for mapper in db.Model.registry.mappers
        if mapper.local_table is not None
    }


def views_by_table() -> dict[str, Any]:
    """The admin screen of each table (the first the menu lists)."""
    views: dict[str, Any] = {}
    for admin in current_app.extensions.get("admin", []) if has_request_context() else []:
        for view in admin._views:
            model = getattr(view, "model", None)
            if model is not None and hasattr(model, "__tablename__"):
                views.setdefault(model.__tablename__, view)
    return views


def choice_columns() -> dict[tuple[str, str], type[Choice]]:
    """The enumeration of each coded column, read from the CHECK constraints models declare."""
    found = getattr(choice_columns, "cache", None)
    if found is not None:
        return found
    choices = list(all_choices(Choice))
    found = {}
    for table in db.metadata.tables.values():
        for constraint in table.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            match = IN_LIST.search(str(constraint.sqltext))
            if not match:
                continue
            values = {v.strip().strip("'") for v in match.group(2).split(",")}
            for choice in choices:
                if {m.value for m in choice} == values:
                    found[(table.name, match.group(1))] = choice
                    break
    choice_columns.cache = found  # type: ignore[attr-defined]
    return found


def all_choices(base: type[Choice]) -> Iterable[type[Choice]]:
    for sub in base.__subclasses__():
        if hasattr(sub, "LABELS"):
            yield sub
        yield from all_choices(sub)


def table_text(table_name: str, views: dict[str, Any] | None = None) -> str:
    """A table as the menu names it."""
    view = (views if views is not None else views_by_table()).get(table_name)
    if view is not None:
        return str(view.name)
    return str(TABLE_NAMES.get(table_name, table_name))


def table_options() -> list[tuple[str, str]]:
    """(table, name) of every table the log may hold, sorted by the name (list filter)."""
    views = views_by_table()
    names = {name: table_text(name, views) for name in db.metadata.tables}
    names.pop("audit_log", None)
    return sorted(names.items(), key=lambda item: item[1])


def field_label(table_name: str, name: str, views: dict[str, Any] | None = None) -> str:
    """A field as its record's screens label it."""
    view = (views if views is not None else views_by_table()).get(table_name)
    if view is not None and hasattr(view, "history_label"):
        label = view.history_label(name)
        if label != name:
            return label
    labels = TABLE_LABELS.get(table_name, {})
    label = labels.get(name) or labels.get(name.removesuffix("_id"))
    label = label or LABELS.get(name) or LABELS.get(name.removesuffix("_id"))
    return str(label) if label else name


# --------------------------------------------------------------------------- describing


class Describer:
    """Describes a page of log rows, reading what it needs for all of them at once."""

    def __init__(self, rows: Sequence[AuditLog], *, personal: bool | None = None) -> None:
        self.rows = rows
        self.personal = sees_personal_data() if personal is None else personal
        self.models = models_by_table()
        self.views = views_by_table()
        self.choices = choice_columns()
        self.names: dict[tuple[str, str], str] = {}
        self.exists: set[tuple[str, str]] = set()
        self.users: dict[str, User] = {}
        # Labels and names are the same for every row of a table: translated once a page.
        self.labels: dict[tuple[str, str], str] = {}
        self.tables: dict[str, str] = {}
        self.refs: dict[str, dict[str, str]] = {}
        self.words: dict[str, str] = {}
        self.linked: dict[str, bool] = {}

    # ----------------------------------------------------------------- lookups

    def foreign_keys(self, table_name: str) -> dict[str, str]:
        """Column → the table it refers to."""
        found = self.refs.get(table_name)
        if found is not None:
            return found
        table = db.metadata.tables.get(table_name)
        refs = {}
        for column in table.columns if table is not None else ():
            for fk in column.foreign_keys:
                refs[column.name] = fk.column.table.name
        self.refs[table_name] = refs
        return refs

    def label(self, table_name: str, name: str) -> str:
        key = (table_name, name)
        if key not in self.labels:
            self.labels[key] = field_label(table_name, name, self.views)
        return self.labels[key]

    def table(self, table_name: str) -> str:
        if table_name not in self.tables:
            self.tables[table_name] = table_text(table_name, self.views)
        return self.tables[table_name]

    def load(self) -> None:
        wanted: dict[str, set[str]] = defaultdict(set)
        records: dict[str, set[str]] = defaultdict(set)
        emails: set[str] = set()
        for row in self.rows:
            if row.user_email:
                emails.add(row.user_email)
            if row.record_id is not None:
                records[row.table_name].add(str(row.record_id))
            refs = self.foreign_keys(row.table_name)
            for name, value in (row.changes or {}).items():
                if name not in refs:
                    continue
                for one in value if isinstance(value, list) else [value]:
                    if one is not None:
                        wanted[refs[name]].add(str(one))
        for table_name, ids in records.items():
            wanted[table_name] |= ids
        for table_name, ids in wanted.items():
            self.load_names(table_name, ids)
        self.load_deleted_names(records)
        if emails:
            for chunk in chunks(sorted(emails)):
                for user in db.session.scalars(select(User).where(User.email.in_(chunk))):
                    self.users[user.email] = user

    def load_names(self, table_name: str, ids: set[str]) -> None:
        model = self.models.get(table_name)
        if model is None or not hasattr(model, "id"):
            return
        keys = record_ids(ids)
        # What __str__ reads of the records it refers to, loaded in one query each.
        options = [
            selectinload(relation)
            for relation in model.__mapper__.relationships
            if relation.direction.name == "MANYTOONE"
        ]
        for chunk in chunks(keys):
            query = select(model).where(model.id.in_(chunk)).options(*options)
            for record in db.session.scalars(query):
                key = (table_name, str(record.id))
                self.exists.add(key)
                try:
                    self.names[key] = str(record)
                except Exception:  # noqa: BLE001 - a name is never worth a failed page
                    self.names[key] = ""

    def load_deleted_names(self, records: dict[str, set[str]]) -> None:
        """Name records that no longer exist from the values their log kept."""
        missing = {
            table_name: sorted(ids - {i for t, i in self.exists if t == table_name})
            for table_name, ids in records.items()
        }
        for row in self.rows:
            key = (row.table_name, str(row.record_id))
            if row.action in ("create", "delete") and key not in self.exists and row.changes:
                self.names.setdefault(key, self.name_from_values(row.table_name, row.changes))
        conditions = [
            and_(AuditLog.table_name == table_name, AuditLog.record_id.in_(chunk))
            for table_name, ids in missing.items()
            for chunk in chunks([i for i in ids if (table_name, i) not in self.names])
        ]
        if not conditions:
            return
        logged = db.session.execute(
            select(AuditLog.table_name, AuditLog.record_id, AuditLog.changes).where(
                AuditLog.action.in_(("create", "delete")), or_(*conditions)
            )
        )
        for table_name, record_id, changes in logged:
            if changes and isinstance(changes, dict):
                name = self.name_from_values(table_name, changes)
                if name:
                    self.names.setdefault((table_name, str(record_id)), name)

    def name_from_values(self, table_name: str, values: dict[str, Any]) -> str:
        if table_name in PERSON_TABLES and values.get("first_name"):
            prefix = values.get("prefix") or ""
            return f"{prefix}{values.get('first_name')} {values.get('last_name') or ''}".strip()
        for name in NAME_FIELDS:
            if values.get(name):
                return str(values[name])
        return ""

    # ----------------------------------------------------------------- values

    def value_text(self, table_name: str, name: str, value: Any) -> str:
        """A stored value as the record's screen shows it."""
        if value is None or value == "":
            return "—"
        if (table_name, name) in MASKED:
            return format_national_id(value) if self.personal else mask_national_id(value)
        ref = self.foreign_keys(table_name).get(name)
        if ref is not None:
            shown = self.names.get((ref, str(value)))
            return shown or _("%(table)s no. %(id)s", table=self.table(ref), id=value)
        choice = self.choices.get((table_name, name))
        if choice is not None:
            try:
                return choice(value).label
            except ValueError:
                return str(value)
        column = self.column(table_name, name)
        kind = column.type if column is not None else None
        try:
            if isinstance(kind, BooleanType) or isinstance(value, bool):
                return _("Yes") if value else _("No")
            if isinstance(kind, DateTime):
                return format_be_datetime(as_datetime(value))
            if isinstance(kind, Date):
                return format_be(as_date(value))
        except (TypeError, ValueError):
            return str(value)
        if isinstance(kind, Numeric | Float) and isinstance(value, str):
            return value
        if isinstance(value, dict | list):
            return ", ".join(str(v) for v in (value.values() if isinstance(value, dict) else value))
        return str(value)

    def column(self, table_name: str, name: str) -> Any:
        table = db.metadata.tables.get(table_name)
        return table.columns.get(name) if table is not None else None

    def shown(self, table_name: str, name: str) -> bool:
        if name in SKIP or (table_name, name) in BOOKKEEPING:
            return False
        return self.personal or (table_name, name) not in HIDDEN

    def field_changes(self, row: AuditLog) -> tuple[list[FieldChange], int]:
        changes = row.changes if isinstance(row.changes, dict) else {}
        table_name = row.table_name
        out: list[FieldChange] = []
        for name, value in changes.items():
            if not self.shown(table_name, name):
                continue
            label = self.label(table_name, name)
            if row.action == "update" and isinstance(value, list) and len(value) == 2:
                before, after = (self.value_text(table_name, name, v) for v in value)
                out.append(FieldChange(label, before, after))
            elif row.action in ("create", "delete"):
                if value is None or value is False or value == "":
                    continue
                out.append(FieldChange(label, None, self.value_text(table_name, name, value)))
            else:
                out.append(FieldChange(label, None, self.value_text(table_name, name, value)))
        more = 0
        if row.action in ("create", "delete") and len(out) > MAX_VALUES:
            more, out = len(out) - MAX_VALUES, out[:MAX_VALUES]
        return out, more

    # ----------------------------------------------------------------- events

    def summary(self, row: AuditLog) -> str:
        values = row.changes if isinstance(row.changes, dict) else {}
        address = values.get("address")
        email = values.get("email")
        if row.action in ("login", "logout", "login_failed", "login_throttled"):
            parts = []
            if email and row.action in ("login_failed", "login_throttled"):
                parts.append(_("E-mail typed: %(email)s", email=email))
            if address:
                parts.append(_("from address %(address)s", address=address))
            return ", ".join(parts)
        if row.action == "reveal":
            fields = values.get("fields") or []
            if isinstance(fields, str):
                fields = [fields]
            labels = ", ".join(self.label(row.table_name, str(f)) for f in fields)
            where = values.get("where")
            if where == "export":
                return _("%(fields)s shown in full in an export", fields=labels or _("ID"))
            return _("%(fields)s shown in full on the details page", fields=labels or _("ID"))
        return ""

    # ----------------------------------------------------------------- entries

    def record_url(self, row: AuditLog) -> str | None:
        key = (row.table_name, str(row.record_id))
        view = self.views.get(row.table_name)
        if row.record_id is None or key not in self.exists or view is None:
            return None
        if row.table_name not in self.linked:
            self.linked[row.table_name] = bool(view.is_accessible())
        if not self.linked[row.table_name]:
            return None
        try:
            return url_for(f"{view.endpoint}.details_view", id=row.record_id)
        except BuildError:
            return None

    def entry(self, row: AuditLog) -> Entry:
        user = self.users.get(row.user_email or "")
        actor = row.user_email or ""
        if actor == audit.CLI_ACTOR:
            actor_name = self.word("cli", _l("Command line"))
        elif actor == audit.ANONYMOUS_ACTOR:
            actor_name = self.word("anonymous", _l("Not logged in"))
        else:
            actor_name = (user.name if user is not None else None) or actor or "—"
        record_text = ""
        if row.record_id is not None:
            record_text = self.names.get((row.table_name, str(row.record_id))) or _(
                "%(table)s no. %(id)s",
                table=self.table(row.table_name),
                id=row.record_id,
            )
        changes, more = ([], 0) if row.action in EVENTS else self.field_changes(row)
        action = ACTIONS.get(row.action)
        action_text = self.word(row.action, action) if action else row.action
        return Entry(
            id=row.id,
            at=row.at,
            when=format_be_datetime(row.at) if row.at else "",
            actor=actor,
            actor_name=actor_name,
            action=row.action,
            action_text=action_text,
            table_name=row.table_name,
            table_text=self.table(row.table_name),
            record_id=row.record_id,
            record_text=record_text,
            record_url=self.record_url(row),
            changes=changes,
            summary=self.summary(row),
            batch_id=row.batch_id,
            more=more,
        )

    def word(self, key: str, lazy: Any) -> str:
        """A translated word, translated once a page."""
        if key not in self.words:
            self.words[key] = str(lazy)
        return self.words[key]

    def describe(self) -> list[Entry]:
        self.load()
        return [self.entry(row) for row in self.rows]


def describe(rows: Sequence[AuditLog], *, personal: bool | None = None) -> list[Entry]:
    """The rows in words, in their order; personal decides masking (default: the user)."""
    return Describer(rows, personal=personal).describe()


def record_entries(table_name: str, record_id: Any, limit: int) -> list[Entry]:
    """A record's own history, newest first: the changes made to it."""
    rows = list(
        db.session.scalars(
            select(AuditLog)
            .where(
                AuditLog.table_name == table_name,
                AuditLog.record_id == str(record_id),
                AuditLog.action.in_(RECORD_ACTIONS),
            )
            .order_by(AuditLog.id.desc())
            .limit(limit)
        )
    )
    return describe(rows)


# --------------------------------------------------------------------------- helpers


def chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))

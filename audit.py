"""Record every change made through the ORM, so each change is traceable (PDPA).

Who made a change is the logged-in user in a web request ("anonymous" if nobody is logged
in), or "cli" outside a request, unless the session says otherwise: ``acting(session, actor,
batch_id)`` names the actor and the import batch for the changes flushed inside it (imports
run in threads and commands, with no user of their own). Writers that go around the ORM log
their rows with ``log_bulk``; events that change no record (a login, a full ID shown) with
``log_event``.

The change log is evidence: no session of the app may update or delete its rows
(``refuse_history_changes``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import Index, bindparam, event, insert, inspect
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session

from models import AuditLog, ImportBatch, db
from thai.dates import bangkok_now

# Fields no one reads in a change log: secrets, clocks, and the bookkeeping of logins
# (a login or logout is logged as an event of its own, see log_event).
SKIP_FIELDS = {"password_hash", "created_at", "updated_at", "last_login_at", "session_version"}
# Tables whose rows are records of events already logged (sign-in attempts), not data.
NOT_LOGGED = {"login_attempt"}
CLI_ACTOR = "cli"
ANONYMOUS_ACTOR = "anonymous"
# The keys of session.info that name who is acting and for which import batch.
ACTOR_KEY = "audit_actor"
BATCH_KEY = "import_batch_id"
CHUNK = 10_000

# The change-log list (admin/changelog.py) shows the newest rows first, by id, filtered by
# table, user or action: these indexes make that a short walk whatever the log's size (a
# million rows). They belong to the log's table, so create_all and the migrations see them.
LIST_INDEXES = (
    Index("ix_audit_log_table_name_id", AuditLog.table_name, AuditLog.id),
    Index("ix_audit_log_user_email_id", AuditLog.user_email, AuditLog.id),
    Index("ix_audit_log_action_id", AuditLog.action, AuditLog.id),
)


def plain(value: Any) -> Any:
    """Return a JSON-friendly copy of a column value."""
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    return value


def actor() -> str:
    """Who is acting: in a web request the logged-in user, else the command line.

    A request names its actor with ``g.audit_actor`` where nobody is logged in yet or any
    more (the login that is being made, the logout); a request with neither is "anonymous",
    never "cli": a change logged as "cli" was made by a command.
    """
    if has_request_context():
        named = g.get(ACTOR_KEY)
        if named:
            return named
        if current_user and current_user.is_authenticated:
            return current_user.email
        return ANONYMOUS_ACTOR
    return CLI_ACTOR


def session_of(session: Session | scoped_session) -> Session:
    return session() if isinstance(session, scoped_session) else session


def current(session: Session | scoped_session) -> tuple[str, int | None]:
    """Who the session's changes are logged as, and the import batch they belong to."""
    info = session_of(session).info
    return info.get(ACTOR_KEY) or actor(), info.get(BATCH_KEY)


@contextmanager
def acting(
    session: Session | scoped_session, actor: str | None, batch_id: int | None = None
) -> Iterator[None]:
    """Log the changes flushed inside as made by actor, as part of the import batch_id."""
    info = session_of(session).info
    missing = object()
    saved = {key: info.get(key, missing) for key in (ACTOR_KEY, BATCH_KEY)}
    info[ACTOR_KEY], info[BATCH_KEY] = actor, batch_id
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is missing:
                info.pop(key, None)
            else:
                info[key] = value


def column_changes(obj: Any, only_changed: bool) -> dict[str, Any]:
    """Return {field: [old, new]} for an updated row, or {field: value} for a new one."""
    state = inspect(obj)
    changes: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SKIP_FIELDS:
            continue
        history = state.attrs[attr.key].history
        if only_changed:
            if history.has_changes():
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                changes[attr.key] = [plain(old), plain(new)]
        else:
            value = getattr(obj, attr.key)
            if value is not None:
                changes[attr.key] = plain(value)
    return changes


def record_changes(session: Session, flush_context: Any) -> None:
    """Write one audit row per created, updated or deleted record of this flush."""
    who, batch_id = current(session)
    rows = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", deleted_in(session, flush_context)),
    ):
        for obj in objects:
            if isinstance(obj, AuditLog) or not hasattr(obj, "__table__"):
                continue
            if obj.__tablename__ in NOT_LOGGED:
                continue
            changes = column_changes(obj, only_changed=action == "update")
            if action == "update" and not changes:
                continue
            # Primary keys of new rows are filled in by now, though their identity key is not.
            identity = inspect(obj).mapper.primary_key_from_instance(obj)
            record_id = str(identity[0]) if identity and identity[0] is not None else None
            # A batch's own row is the import's record, not one of the records it changed.
            batch = None if isinstance(obj, ImportBatch) else batch_id
            rows.append((obj.__tablename__, action, record_id, changes or None, batch))
    if rows:
        tables, actions, record_ids, changes, batches = zip(*rows, strict=True)
        write_rows(session, tables, actions, record_ids, changes, who, batches)


def deleted_in(session: Session, flush_context: Any) -> list[Any]:
    """The records this flush deleted, orphans of a delete-orphan relationship included.

    session.deleted holds only what was deleted by name; an MOU party dropped from its
    MOU's list is found to be an orphan during the flush, and is known only to the flush.
    """
    deleted = list(session.deleted)
    seen = {id(obj) for obj in deleted}
    for state, (is_delete, list_only) in getattr(flush_context, "states", {}).items():
        obj = state.obj()
        if is_delete and not list_only and obj is not None and id(obj) not in seen:
            deleted.append(obj)
            seen.add(id(obj))
    return deleted


def log_bulk(
    session: Session | scoped_session,
    table_name: str,
    action: str,
    record_ids: Sequence[Any],
    changes: Sequence[Mapping[str, Any] | None] | Mapping[str, Any] | None,
    *,
    actor: str,
    batch_id: int | None,
) -> None:
    """Log many records written around the ORM: one row per record id, in one executemany.

    changes is one mapping per record (in record_ids' order), or one for all of them; its
    values must already be plain (see plain()).
    """
    if not record_ids:
        return
    if changes is None or isinstance(changes, Mapping):
        each: Sequence[Any] = [changes or None] * len(record_ids)
    else:
        each = changes
        if len(each) != len(record_ids):
            raise ValueError("log_bulk needs one change per record id")
    write_rows(session_of(session), table_name, action, record_ids, each, actor, batch_id)


def log_event(
    session: Session | scoped_session,
    action: str,
    *,
    table_name: str = "user",
    record_id: Any = None,
    changes: Mapping[str, Any] | None = None,
    actor: str | None = None,
) -> None:
    """Log one event that changes no record: a login, a logout, a full ID shown.

    The actor is the one given, else who is acting now (see ``current``); a login is logged
    as the user who logs in, so pass their e-mail before ``login_user`` has run.
    """
    who, batch_id = current(session)
    write_rows(
        session_of(session),
        table_name,
        action,
        [record_id],
        [dict(changes) if changes else None],
        actor or who,
        batch_id,
    )


def json_encoder() -> Any:
    """One encoder for every row: Thai kept as written, anything unusual as its text.

    json.dumps builds a new C encoder per call, a third of the time for small objects;
    this builds it once (falling back to the pure-Python encoder where there is none).
    """
    python = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)
    make = json.encoder.c_make_encoder
    if make is None:
        return python.encode
    encode = make(None, str, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(encode(value, 0))


encode_json = json_encoder()


def write_rows(
    session: Session,
    table_name: str | Sequence[str],
    action: str | Sequence[str],
    record_ids: Sequence[Any],
    changes: Sequence[Any],
    actor: str,
    batch_id: int | None | Sequence[int | None],
) -> None:
    """Insert change-log rows straight through the driver, all stamped with the same time.

    Each of table_name, action and batch_id is one value for all rows or one per row. The
    ORM hook and bulk writers both come here, so their rows are encoded alike.
    """
    connection = session.connection()
    dialect = connection.dialect
    table = AuditLog.__table__
    count = len(record_ids)

    def per_row(value: Any) -> Sequence[Any]:
        return [value] * count if value is None or isinstance(value, str | int) else value

    convert_at = table.c.at.type.dialect_impl(dialect).bind_processor(dialect)
    now = bangkok_now()
    columns = {
        "at": [convert_at(now) if convert_at else now] * count,
        "user_email": [actor] * count,
        "action": per_row(action),
        "table_name": per_row(table_name),
        "record_id": [None if key is None else str(key) for key in record_ids],
        # Bulk writers may hand over changes already encoded (built a column at a time).
        "changes": [
            change if change is None or type(change) is str else encode_json(change)
            for change in changes
        ],
        "batch_id": per_row(batch_id),
    }
    statement = insert(table).values({name: bindparam(name) for name in columns})
    compiled = statement.compile(dialect=dialect)
    names = list(compiled.positiontup or columns)
    records: list[Any] = list(zip(*(columns[name] for name in names), strict=True))
    if not compiled.positiontup:
        records = [dict(zip(names, record, strict=True)) for record in records]
    cursor = connection.connection.driver_connection.cursor()
    try:
        for start in range(0, len(records), CHUNK):
            cursor.executemany(compiled.string, records[start : start + CHUNK])
    finally:
        cursor.close()


class HistoryIsReadOnly(RuntimeError):
    """Raised when code tries to change or delete a change-log row."""

    def __init__(self) -> None:
        super().__init__("ประวัติการแก้ไขข้อมูลแก้ไขหรือลบไม่ได้ (change-log rows are read-only)")


def refuse_history_changes(session: Session, flush_context: Any, instances: Any) -> None:
    """Refuse a flush that would change or delete a change-log row."""
    for obj in session.deleted:
        if isinstance(obj, AuditLog):
            raise HistoryIsReadOnly()
    for obj in session.dirty:
        if isinstance(obj, AuditLog) and session.is_modified(obj):
            raise HistoryIsReadOnly()


def refuse_history_statements(state: ORMExecuteState) -> None:
    """Refuse ORM UPDATE and DELETE statements on the change log (session.execute)."""
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditLog for mapper in state.all_mappers
    ):
        raise HistoryIsReadOnly()


def init_app() -> None:
    """Listen to the app's session once per process."""
    listeners = (
        ("after_flush", record_changes),
        ("before_flush", refuse_history_changes),
        ("do_orm_execute", refuse_history_statements),
    )
    for name, listener in listeners:
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)

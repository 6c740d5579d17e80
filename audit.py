"""Record every change made through the ORM, so each change is traceable (PDPA)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from models import AuditLog, db

SKIP_FIELDS = {"password_hash", "created_at", "updated_at"}


def plain(value: Any) -> Any:
    """Return a JSON-friendly copy of a column value."""
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    return value


def actor() -> str:
    if has_request_context() and current_user.is_authenticated:
        return current_user.email
    return "cli"


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
    rows = []
    now = dt.datetime.now()
    who = actor()
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if isinstance(obj, AuditLog) or not hasattr(obj, "__table__"):
                continue
            changes = column_changes(obj, only_changed=action == "update")
            if action == "update" and not changes:
                continue
            # Primary keys of new rows are filled in by now, though their identity key is not.
            identity = inspect(obj).mapper.primary_key_from_instance(obj)
            rows.append(
                {
                    "at": now,
                    "user_email": who,
                    "action": action,
                    "table_name": obj.__tablename__,
                    "record_id": str(identity[0]) if identity and identity[0] is not None else None,
                    "changes": changes or None,
                }
            )
    if rows:
        session.connection().execute(insert(AuditLog.__table__), rows)


def init_app() -> None:
    """Listen to the app's session once per process."""
    if not event.contains(db.session, "after_flush", record_changes):
        event.listen(db.session, "after_flush", record_changes)

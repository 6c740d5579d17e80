"""Taking an import back: delete what a batch created, put back what it changed.

The batch's change-log rows say what it did to each record: created it, changed some of
its fields (from old to new), or deleted it (with every value it had). Undoing does the
reverse, in one transaction, as a batch of its own that names the one it takes back; the
original is then marked undone. Nothing is done when any record the batch touched has
changed since (by a form, a command or another import), when removing a record it created
would leave later records pointing at nothing, or when the batch cannot be undone at all.

The reverse is written with plain statements and logged with audit.log_bulk, table by
table (children before parents), so a 100,000-row roster is taken back as fast as a
ten-row file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    Numeric,
    Table,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, scoped_session

import audit
from models import AuditLog, ImportBatch, ImportStatus, db
from thai.dates import bangkok_now, format_be, thai_date

# Tables whose rows are the history itself, never records a batch created.
HISTORY_TABLES = {AuditLog.__tablename__, ImportBatch.__tablename__}
# Statements over many ids go in chunks of this many (well below every driver's limit).
CHUNK = 500
# A refusal names at most this many records; the rest are counted.
NAMED = 20
TABLE_LABELS = {
    "agency": "หน่วยงาน",
    "agency_contact": "ผู้ติดต่อ",
    "mou": "บันทึกข้อตกลง",
    "mou_party": "คู่ภาคี",
    "sector": "สาขาวิชาชีพ",
    "occupation": "อาชีพ",
    "qualification": "คุณวุฒิวิชาชีพ",
    "competency_unit": "หน่วยสมรรถนะ",
    "unit_element": "สมรรถนะย่อย",
    "curriculum": "หลักสูตร",
    "curriculum_unit": "การเทียบเคียงหลักสูตร",
    "teacher": "ครู",
    "teacher_unit": "หน่วยสมรรถนะของครู",
    "teacher_certificate": "ประกาศนียบัตรของครู",
    "training": "การอบรม",
    "training_attendance": "ผู้เข้าอบรม",
    "placement": "การฝึกประสบการณ์",
    "supervision_visit": "การนิเทศ",
    "student": "นักเรียนนักศึกษา",
    "scholarship_award": "ผู้ได้รับทุน",
    "scholarship_allocation": "การจัดสรรทุน",
    "scholarship_programme": "โครงการทุน",
    "excellence_field": "สาขาความเป็นเลิศ",
    "college_field_group": "กลุ่มสถานศึกษา",
    "placement_event": "การเปลี่ยนขั้นตอนการฝึกประสบการณ์",
    "award_event": "การเปลี่ยนสถานะทุน",
}
# Columns that name a record to a reader, after its own str(): national ID, code, number.
KEY_COLUMNS = ("national_id", "id_value", "code", "ref_no", "certificate_no", "email")


class UnknownBatch(LookupError):
    """No import batch has this id."""


@dataclass
class UndoResult:
    """What undoing a batch did (or, as a dry run, would do), or why it was refused."""

    batch_id: int
    dry_run: bool
    reasons: list[str] = field(default_factory=list)
    # Per table: records removed (the batch created them), restored (it changed them) and
    # recreated (it deleted them).
    removed: dict[str, int] = field(default_factory=dict)
    restored: dict[str, int] = field(default_factory=dict)
    recreated: dict[str, int] = field(default_factory=dict)
    undo_batch_id: int | None = None

    @property
    def refused(self) -> bool:
        return bool(self.reasons)

    @property
    def done(self) -> bool:
        """Undone (with dry_run: would be)."""
        return not self.reasons

    def tables(self) -> list[tuple[str, str, int, int, int]]:
        """(table, label, removed, restored, recreated) for each table the undo touches."""
        names = dict.fromkeys([*self.removed, *self.restored, *self.recreated])
        return [
            (
                name,
                table_label(name),
                self.removed.get(name, 0),
                self.restored.get(name, 0),
                self.recreated.get(name, 0),
            )
            for name in names
        ]

    def counts(self) -> dict[str, int]:
        return {
            "removed": sum(self.removed.values()),
            "restored": sum(self.restored.values()),
            "recreated": sum(self.recreated.values()),
        }


@dataclass
class Record:
    """What one batch did to one record, netted over all its change-log rows."""

    created: bool = False
    deleted: bool = False
    values: dict[str, Any] = field(default_factory=dict)  # as created, or as deleted
    old: dict[str, Any] = field(default_factory=dict)  # each changed field before the batch
    new: dict[str, Any] = field(default_factory=dict)  # each changed field after it


def table_label(name: str) -> str:
    return TABLE_LABELS.get(name, name)


def undo_batch(
    session: Session | scoped_session, batch_id: int, actor: str, *, dry_run: bool = False
) -> UndoResult:
    """Undo an import batch in one transaction; refused (nothing done) with Thai reasons."""
    session = audit.session_of(session)
    batch = session.get(ImportBatch, batch_id, populate_existing=True)
    if batch is None:
        raise UnknownBatch(batch_id)
    result = UndoResult(batch_id=batch_id, dry_run=dry_run)
    result.reasons = status_reasons(batch)
    if result.reasons:
        session.rollback()
        return result
    first_log, records = load_records(session, batch_id)
    if not records and (batch.created or batch.updated):
        result.reasons = [
            "การนำเข้านี้ไม่มีบันทึกการเปลี่ยนแปลงของแต่ละรายการ (นำเข้าก่อนที่ระบบจะบันทึกไว้) จึงย้อนไม่ได้"
        ]
        session.rollback()
        return result
    for (table, _key), record in records.items():
        counter = result.restored
        if record.created and not record.deleted:
            counter = result.removed
        elif record.deleted and not record.created:
            counter = result.recreated
        elif record.created:
            continue  # created and deleted again: nothing left to undo
        counter[table] = counter.get(table, 0) + 1
    result.reasons = later_changes(session, batch_id, first_log, records)
    result.reasons += orphans(session, records)
    if result.reasons or dry_run:
        session.rollback()
        return result
    undo = ImportBatch(
        kind=batch.kind,
        filename=batch.filename,
        size=batch.size,
        sha256=batch.sha256,
        stored_path=batch.stored_path,
        user_email=actor,
        status=ImportStatus.WRITTEN.value,
        stage="done",
        progress=100,
        undo_of_id=batch.id,
        rows=len(records),
        created=sum(result.recreated.values()),
        updated=sum(result.restored.values()),
        options={"undo": result.counts()},
        finished_at=bangkok_now(),
    )
    session.add(undo)
    session.flush()
    result.undo_batch_id = undo.id
    try:
        reverse(session, records, actor, undo.id)
        now = bangkok_now()
        claimed = session.execute(
            update(ImportBatch.__table__)
            .where(
                ImportBatch.__table__.c.id == batch_id,
                ImportBatch.__table__.c.status == ImportStatus.WRITTEN.value,
            )
            .values(status=ImportStatus.UNDONE.value, undone_at=now, undone_by=actor)
        )
        if claimed.rowcount != 1:
            # Someone else undid it meanwhile.
            session.rollback()
            result.undo_batch_id = None
            result.reasons = ["การนำเข้านี้เพิ่งถูกย้อนไปโดยผู้อื่น"]
            return result
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.expire_all()
    return result


def status_reasons(batch: ImportBatch) -> list[str]:
    if batch.undo_of_id is not None:
        return [
            f"รายการนี้เป็นการย้อนการนำเข้าครั้งที่ {batch.undo_of_id} "
            "การย้อนการนำเข้าไม่สามารถย้อนกลับได้ (an undo cannot be undone)"
        ]
    if batch.status == ImportStatus.UNDONE.value:
        when = format_be(batch.undone_at) if batch.undone_at else ""
        return [f"การนำเข้านี้ถูกย้อนไปแล้ว เมื่อ {when} โดย {batch.undone_by or '—'}"]
    if batch.status != ImportStatus.WRITTEN.value:
        label = str(ImportStatus(batch.status).label)
        return [f'ย้อนได้เฉพาะการนำเข้าที่บันทึกข้อมูลแล้ว การนำเข้านี้มีสถานะ "{label}"']
    return []


# --------------------------------------------------------------------------- the plan


def load_records(session: Session, batch_id: int) -> tuple[int, dict[tuple[str, str], Record]]:
    """The batch's first change-log id and, per (table, record id), what it did."""
    rows = session.execute(
        select(
            AuditLog.id, AuditLog.table_name, AuditLog.record_id, AuditLog.action, AuditLog.changes
        )
        .where(AuditLog.batch_id == batch_id)
        .order_by(AuditLog.id)
    )
    first = 0
    records: dict[tuple[str, str], Record] = {}
    tables = db.metadata.tables
    for log_id, table, record_id, action, changes in rows:
        first = first or log_id
        if table in HISTORY_TABLES or table not in tables or record_id is None:
            continue
        record = records.setdefault((table, record_id), Record())
        changes = changes or {}
        if action == "create":
            record.created = True
            record.values = dict(changes)
        elif action == "update":
            for name, pair in changes.items():
                old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
                record.old.setdefault(name, old)
                record.new[name] = new
        elif action == "delete":
            record.deleted = True
            record.values = dict(changes)
    return first, records


def excluded_batches() -> Any:
    """Batches whose changes no longer count: undone ones, and the undos themselves."""
    table = ImportBatch.__table__
    return select(table.c.id).where(
        or_(table.c.status == ImportStatus.UNDONE.value, table.c.undo_of_id.is_not(None))
    )


def later_changes(
    session: Session, batch_id: int, first_log: int, records: dict[tuple[str, str], Record]
) -> list[str]:
    """Name each record that changed after the batch, other than by the batch itself."""
    if not records:
        return []
    tables = sorted({table for table, _key in records})
    query = (
        select(
            AuditLog.table_name,
            AuditLog.record_id,
            AuditLog.action,
            AuditLog.at,
            AuditLog.user_email,
            AuditLog.batch_id,
        )
        .where(
            AuditLog.id > first_log,
            AuditLog.table_name.in_(tables),
            or_(
                AuditLog.batch_id.is_(None),
                AuditLog.batch_id.not_in(excluded_batches()),
            ),
            AuditLog.batch_id.is_distinct_from(batch_id),
        )
        .order_by(AuditLog.id)
    )
    latest: dict[tuple[str, str], Any] = {}
    for row in session.execute(query):
        key = (row.table_name, row.record_id)
        if key in records:
            latest[key] = row
    reasons = []
    for (table, record_id), row in list(latest.items())[:NAMED]:
        name = describe(session, table, record_id, records[(table, record_id)].values)
        what = "ถูกลบ" if row.action == "delete" else "ถูกแก้ไข"
        by = f" โดย {row.user_email}" if row.user_email else ""
        via = f" (การนำเข้าครั้งที่ {row.batch_id})" if row.batch_id else ""
        reasons.append(f"{name} {what}หลังการนำเข้านี้ เมื่อ {thai_date(row.at)}{by}{via}")
    if len(latest) > NAMED:
        reasons.append(f"และอีก {len(latest) - NAMED:,} รายการที่ถูกแก้ไขหลังการนำเข้านี้")
    return reasons


def orphans(session: Session, records: dict[tuple[str, str], Record]) -> list[str]:
    """Name each later record that points at a record the undo would remove."""
    removing = removal_ids(records)
    mapped = mapped_tables()
    found: list[tuple[str, str, str, str]] = []
    for table_name, ids in removing.items():
        table = db.metadata.tables[table_name]
        for referrer, column in references_to(table):
            if referrer.name in HISTORY_TABLES or referrer.name not in mapped:
                continue  # links (many-to-many rows) go with the record
            key = primary_key(referrer)
            going = removing.get(referrer.name, set())
            for chunk in chunks(sorted(ids), CHUNK):
                rows = session.execute(
                    select(key, column).where(column.in_([typed(table, i) for i in chunk]))
                )
                for referrer_id, target in rows:
                    if referrer_id in going:
                        continue
                    record = records.get((referrer.name, str(referrer_id)))
                    if record is not None and column.name in record.old:
                        continue  # the undo points it back where it was
                    found.append((referrer.name, str(referrer_id), table_name, str(target)))
    reasons = []
    for referrer_name, referrer_id, table_name, target in found[:NAMED]:
        target_name = describe(session, table_name, target, records[(table_name, target)].values)
        referrer_text = describe(session, referrer_name, referrer_id, {})
        reasons.append(
            f"ลบ{target_name} ไม่ได้ เพราะ{referrer_text} ซึ่งเพิ่มหรือแก้ไขหลังการนำเข้านี้ ยังอ้างถึงอยู่"
        )
    if len(found) > NAMED:
        reasons.append(f"และอีก {len(found) - NAMED:,} รายการที่ยังอ้างถึงข้อมูลที่จะลบ")
    return reasons


def removal_ids(records: dict[tuple[str, str], Record]) -> dict[str, set[Any]]:
    removing: dict[str, set[Any]] = defaultdict(set)
    for (table_name, record_id), record in records.items():
        if record.created and not record.deleted:
            removing[table_name].add(typed(db.metadata.tables[table_name], record_id))
    return removing


def references_to(table: Table) -> Iterable[tuple[Table, Any]]:
    """Every (table, column) whose foreign key points at this table."""
    for other in db.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table is table:
                yield other, key.parent


def mapped_tables() -> dict[str, type]:
    return {
        mapper.local_table.name: mapper.class_
        for mapper in db.Model.registry.mappers
        if isinstance(mapper.local_table, Table)
    }


def primary_key(table: Table) -> Any:
    return next(iter(table.primary_key.columns))


def typed(table: Table, record_id: str) -> Any:
    """A logged record id (text) as the table's primary key holds it."""
    key = primary_key(table)
    try:
        return key.type.python_type(record_id)
    except (NotImplementedError, TypeError, ValueError):
        return record_id


def chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def describe(session: Session, table_name: str, record_id: str, values: dict[str, Any]) -> str:
    """A record as a reader knows it: 'ครู "นายศานนท์ ศรีสุข" (3100100000006)'."""
    label = table_label(table_name)
    model = mapped_tables().get(table_name)
    table = db.metadata.tables[table_name]
    obj = session.get(model, typed(table, record_id)) if model is not None else None
    text = ""
    if obj is not None:
        try:
            text = str(obj).strip()
        except Exception:  # noqa: S110 - a record that cannot say its name is named by id
            pass
        values = {name: getattr(obj, name, None) for name in KEY_COLUMNS} | {
            k: v for k, v in values.items() if v is not None
        }
    key = next((str(values[name]) for name in KEY_COLUMNS if values.get(name)), "")
    if not text:
        first = values.get("first_name")
        text = f"{values.get('prefix') or ''}{first} {values.get('last_name') or ''}".strip()
        if not first:
            text = str(values.get("title") or values.get("name_th") or key or f"#{record_id}")
    shown = f'{label} "{text}"'
    if key and key not in text:
        shown += f" ({key})"
    return shown


# --------------------------------------------------------------------------- the reverse


def reverse(
    session: Session, records: dict[tuple[str, str], Record], actor: str, undo_id: int
) -> None:
    """Put back what the batch changed and recreate what it deleted, then remove what it made.

    Parents are recreated before their children, and children removed before their parents.
    """
    by_table: dict[str, dict[str, Record]] = defaultdict(dict)
    for (table_name, record_id), record in records.items():
        by_table[table_name][record_id] = record
    ordered = [table for table in db.metadata.sorted_tables if table.name in by_table]
    log: list[Logged] = []
    for table in ordered:
        group = by_table[table.name]
        items = [(k, r) for k, r in group.items() if r.deleted and not r.created]
        log += recreate(session, table, items)
        log += restore(
            session, table, [(k, r) for k, r in group.items() if r.old and not r.deleted]
        )
    for table in reversed(ordered):
        group = by_table[table.name]
        log += remove(session, table, [k for k, r in group.items() if r.created and not r.deleted])
    for table_name, action, ids, changes in log:
        audit.log_bulk(session, table_name, action, ids, changes, actor=actor, batch_id=undo_id)


# (table, action, record ids, changes): one log_bulk call's worth of change-log rows.
Logged = tuple[str, str, list[Any], list[Any]]


def recreate(session: Session, table: Table, items: list[tuple[str, Record]]) -> list[Logged]:
    if not items:
        return []
    values = [record.values | record.old for _key, record in items]
    if "version" in table.c:
        # A record put back is newer than any form opened before it was deleted.
        values = [row | {"version": int(row.get("version") or 0) + 1} for row in values]
    # The log leaves out empty fields: every row names every column logged for any of them.
    names = dict.fromkeys(name for row in values for name in row)
    rows = [stored(table, {name: row.get(name) for name in names}) for row in values]
    session.execute(insert(table), rows)
    return [(table.name, "create", [key for key, _record in items], values)]


def restore(session: Session, table: Table, items: list[tuple[str, Record]]) -> list[Logged]:
    if not items:
        return []
    key = primary_key(table)
    shapes: dict[tuple[str, ...], list[tuple[str, Record]]] = defaultdict(list)
    for record_id, record in items:
        names = tuple(sorted(name for name in record.old if name in table.c and name != "version"))
        if names:
            shapes[names].append((record_id, record))
    for names, group in shapes.items():
        values: dict[str, Any] = {name: bindparam(name) for name in names}
        if "version" in table.c:
            # Putting values back is a write like any other: a form opened before is stale.
            values["version"] = table.c.version + 1
        statement = update(table).where(key == bindparam("_key")).values(values)
        params = [
            {"_key": typed(table, record_id), **stored(table, {n: record.old[n] for n in names})}
            for record_id, record in group
        ]
        session.execute(statement, params)
    ids = [record_id for record_id, _record in items]
    changes = [
        {name: [record.new.get(name), old] for name, old in record.old.items() if name != "version"}
        for _record_id, record in items
    ]
    return [(table.name, "update", ids, changes)]


def remove(session: Session, table: Table, record_ids: list[str]) -> list[Logged]:
    if not record_ids:
        return []
    key = primary_key(table)
    # Newer records first: within one table (an agency under a new parent), a child is
    # usually younger than its parent.
    ids = sorted((typed(table, record_id) for record_id in record_ids), reverse=True)
    skip = audit.SKIP_FIELDS
    logged_ids, logged = [], []
    links = [
        (other, column)
        for other, column in references_to(table)
        if other.name not in mapped_tables() and other.name not in HISTORY_TABLES
    ]
    for chunk in chunks(ids, CHUNK):
        for row in session.execute(select(table).where(key.in_(chunk))).mappings():
            logged_ids.append(row[key.name])
            logged.append(
                {
                    name: audit.plain(value)
                    for name, value in row.items()
                    if value is not None and name not in skip
                }
            )
        for other, column in links:
            session.execute(delete(other).where(column.in_(chunk)))
        session.execute(delete(table).where(key.in_(chunk)))
    return [(table.name, "delete", logged_ids, logged)]


def stored(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    """Logged (JSON) values back as the columns hold them: dates, times, decimals."""
    out = {}
    for name, value in values.items():
        if name not in table.c:
            continue
        column_type = table.c[name].type
        if isinstance(value, str):
            if isinstance(column_type, DateTime):
                value = dt.datetime.fromisoformat(value)
            elif isinstance(column_type, Date):
                value = dt.date.fromisoformat(value)
            elif isinstance(column_type, Numeric) and not isinstance(column_type, Float):
                value = Decimal(value)
        out[name] = value
    return out

"""Imports as the admin runs them: keep the uploaded file, check it, write it on confirmation.

An upload becomes an ImportBatch and a file under the imports folder
(``<folder>/<batch id>/<safe name>``) with its size and SHA-256. The check is the same import
as a dry run; its result (every row's outcome, changes and problems) is kept as JSON next to
the file. Writing re-reads the stored file, never anything sent again by the browser.
Nothing here touches the request: callers pass the session, the folder and the limits.

Progress is kept two ways: in memory, for the page that polls while the work runs in a
thread of this process, and in the batch row now and then. SQLite lets one connection
write at a time, so the batch row is not touched while the import's own connection is
writing (the in-memory figure still moves).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import numpy as np
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, scoped_session
from werkzeug.utils import secure_filename

import audit
from importers import KINDS, ImportResult, Limits, ReadError, import_file
from importers.columns import Column
from importers.errorfile import write_error_copy
from importers.importer import Importer, distinct_map
from importers.recovery import recover_stale, worker_id
from importers.results import NEW, OUTCOMES, REJECTED, UNCHANGED, UPDATED, RowTable, objects
from models import Agency, ImportBatch, ImportStatus, Province, ScholarshipProgramme
from thai.dates import format_be, format_be_datetime

logger = logging.getLogger(__name__)

# secure_filename never starts a name with "_": kept files cannot clash with the upload's name.
RESULT_NAME = "_result.json"
ERROR_COPY_NAME = "_errors.xlsx"
RESULT_VERSION = 1
# Statuses in which a thread is (or should be) working on the batch.
RUNNING = {ImportStatus.CHECKING.value, ImportStatus.WRITING.value}
# Statuses from which a batch may be confirmed, re-checked or cancelled.
CONFIRMABLE = {ImportStatus.PREVIEWED.value}
OPEN = {ImportStatus.PREVIEWED.value, ImportStatus.REJECTED.value}
# Each stage of the work fills a band of the progress bar (percent).
BANDS = {
    "queued": (0, 0),
    "read": (0, 15),
    "parse": (15, 55),
    "compare": (55, 65),
    "write": (65, 95),
    "save": (95, 100),
    "done": (100, 100),
}
# Write the progress to the batch row at most this often (seconds).
PROGRESS_INTERVAL = 0.5
# Foreign keys whose ids a preview shows as names.
REFERENCES: dict[str, Any] = {
    "college_id": Agency,
    "parent_id": Agency,
    "host_id": Agency,
    "owner_id": Agency,
    "funder_id": Agency,
    "province_id": Province,
    "programme_id": ScholarshipProgramme,
}
# The parts of a person's name, shown together in a row's summary.
NAME_PARTS = ("prefix", "first_name", "last_name")
# How many values a row's summary shows, and how long it may be.
SUMMARY_FIELDS = 5
SUMMARY_LENGTH = 160
UNEXPECTED = "เกิดข้อผิดพลาดที่ไม่คาดคิดระหว่างนำเข้า ไม่ได้บันทึกข้อมูลใดๆ (รายละเอียดอยู่ในบันทึกของระบบ)"
CHANGED_FILE = "ไฟล์ที่เก็บไว้ไม่ตรงกับไฟล์ที่อัปโหลด (SHA-256 ไม่ตรงกัน) จึงไม่นำเข้า"
MISSING_FILE = "ไม่พบไฟล์ที่เก็บไว้ของรายการนี้ กรุณาอัปโหลดใหม่"


@dataclass(frozen=True)
class Settings:
    """Where uploads are kept and how large they may be."""

    folder: Path
    limits: Limits

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        return cls(
            folder=Path(config["IMPORT_FOLDER"]),
            limits=Limits(max_bytes=int(config["IMPORT_MAX_BYTES"])),
        )

    def path_of(self, batch: ImportBatch) -> Path:
        return self.folder / batch.stored_path

    def result_path(self, batch_id: int) -> Path:
        return self.folder / str(batch_id) / RESULT_NAME

    def error_copy_path(self, batch_id: int) -> Path:
        return self.folder / str(batch_id) / ERROR_COPY_NAME


# --------------------------------------------------------------------------- the upload


def display_name(filename: str | None) -> str:
    """The file's own name as the sender's browser gave it, without any folders."""
    name = unicodedata.normalize("NFC", filename or "")
    name = PureWindowsPath(PurePosixPath(name).name).name.strip()
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name[:255] or "upload"


def stored_name(filename: str) -> str:
    """A name safe on any disk; Thai names lose their letters, so keep at least the extension."""
    path = PurePosixPath(filename)
    stem = secure_filename(path.stem)[:100] or "upload"
    suffix = secure_filename(path.suffix.lstrip("."))[:10].lower()
    return f"{stem}.{suffix}" if suffix else stem


def store_upload(
    session: Session,
    settings: Settings,
    *,
    kind: str,
    filename: str,
    content: bytes,
    user_email: str | None,
    options: Mapping[str, Any] | None = None,
    skip_invalid: bool = False,
) -> ImportBatch:
    """Record an upload as a batch waiting for its check, and keep the file under its id."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    name = display_name(filename)
    batch = ImportBatch(
        kind=kind,
        filename=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        stored_path="",
        user_email=user_email,
        options=dict(options) if options else None,
        skip_invalid=skip_invalid,
        status=ImportStatus.CHECKING.value,
        worker=worker_id(),
        stage="queued",
        progress=0,
    )
    session.add(batch)
    session.flush()
    relative = PurePosixPath(str(batch.id)) / stored_name(name)
    path = settings.folder / relative
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        batch.stored_path = relative.as_posix()
        session.commit()
    except Exception:
        session.rollback()
        path.unlink(missing_ok=True)
        raise
    return batch


def read_stored(settings: Settings, batch: ImportBatch) -> bytes:
    """Return the stored file's bytes, refusing a file that is not the one uploaded."""
    try:
        content = settings.path_of(batch).read_bytes()
    except (OSError, ValueError) as error:
        raise ReadError(MISSING_FILE) from error
    if hashlib.sha256(content).hexdigest() != batch.sha256:
        raise ReadError(CHANGED_FILE)
    return content


# --------------------------------------------------------------------------- status and progress


_board: dict[tuple[str, int], tuple[str, int]] = {}
_board_lock = threading.Lock()


def board_key(engine: Engine, batch_id: int) -> tuple[str, int]:
    # Batch ids restart in every database (tests run many), so the key names the database.
    return (engine.url.render_as_string(hide_password=True), batch_id)


def live_progress(engine: Engine, batch_id: int) -> tuple[str, int] | None:
    with _board_lock:
        return _board.get(board_key(engine, batch_id))


def holds_write_lock(session: Session) -> bool:
    """Whether the session's SQLite connection has begun writing and so locks out others."""
    if not session.in_transaction():
        return False
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        return False
    driver = session.connection().connection.driver_connection
    return bool(getattr(driver, "in_transaction", False))


def update_batch(engine: Engine, batch_id: int, **values: Any) -> None:
    """Change a batch's row through its own short transaction."""
    with engine.begin() as connection:
        connection.execute(
            update(ImportBatch.__table__).where(ImportBatch.id == batch_id).values(**values)
        )


class Reporter:
    """The progress callback of one run: stage and percent, in memory and in the batch row."""

    def __init__(self, session: Session | scoped_session, batch_id: int) -> None:
        # The session the import runs in (the current one, if given a scoped session).
        self.session = session() if isinstance(session, scoped_session) else session
        self.engine = session.get_bind()
        self.batch_id = batch_id
        self.key = board_key(self.engine, batch_id)
        self.stage = "queued"
        self.percent = 0
        self.saved_at = 0.0
        self.saved_stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "parse" and total and done >= total:
            # Parsing is done; the importer now looks up references and compares.
            stage, done, total = "compare", 0, 1
        low, high = BANDS.get(stage, (self.percent, self.percent))
        percent = low + (high - low) * min(done, total) // total if total else low
        self.set(stage, percent)

    def set(self, stage: str, percent: int, force: bool = False) -> None:
        # Never move the bar backwards (a dry run's trial write follows its own parse).
        self.stage, self.percent = stage, max(percent, self.percent)
        with _board_lock:
            _board[self.key] = (self.stage, self.percent)
        now = time.monotonic()
        due = force or stage != self.saved_stage or now - self.saved_at >= PROGRESS_INTERVAL
        if due and not holds_write_lock(self.session):
            update_batch(self.engine, self.batch_id, stage=self.stage, progress=self.percent)
            self.saved_at, self.saved_stage = now, stage

    def forget(self) -> None:
        with _board_lock:
            _board.pop(self.key, None)


def status_of(session: Session, batch_id: int) -> dict[str, Any] | None:
    """The batch's state for a page that polls: status, stage, percent and counts."""
    batch = session.get(ImportBatch, batch_id, populate_existing=True)
    if batch is None:
        return None
    if batch.status in RUNNING and recover_stale(session, [batch_id]):
        # Its process died (a restart): it now says so.
        batch = session.get(ImportBatch, batch_id, populate_existing=True)
    stage, percent = batch.stage, batch.progress
    if batch.status in RUNNING:
        live = live_progress(session.get_bind(), batch_id)
        if live is not None and live[1] >= (percent or 0):
            stage, percent = live
    return {
        "id": batch.id,
        "status": batch.status,
        "running": batch.status in RUNNING,
        "stage": stage,
        "progress": percent or 0,
        "rows": batch.rows,
        "counts": counts_of(batch),
        "message": batch.message,
    }


def counts_of(batch: ImportBatch) -> dict[str, int]:
    return {
        NEW: batch.created or 0,
        UPDATED: batch.updated or 0,
        UNCHANGED: batch.unchanged or 0,
        REJECTED: batch.rejected or 0,
    }


def claim(session: Session, batch_id: int, allowed: Iterable[str], **values: Any) -> bool:
    """Move a batch on only from the allowed statuses; False if someone else moved it first."""
    result = session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.status.in_(list(allowed)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def start_writing(session: Session, batch_id: int) -> bool:
    """Claim a checked batch for writing (one confirmation wins, a second one is refused)."""
    return claim(
        session,
        batch_id,
        CONFIRMABLE,
        status=ImportStatus.WRITING.value,
        worker=worker_id(),
        stage="queued",
        progress=0,
    )


def start_recheck(session: Session, batch_id: int, skip_invalid: bool) -> bool:
    """Claim a checked (or failed) batch for another check, e.g. now writing only valid rows."""
    return claim(
        session,
        batch_id,
        {*OPEN, ImportStatus.FAILED.value},
        status=ImportStatus.CHECKING.value,
        worker=worker_id(),
        skip_invalid=skip_invalid,
        stage="queued",
        progress=0,
        message=None,
        finished_at=None,
    )


def cancel(session: Session, batch_id: int) -> bool:
    """Close a checked batch without writing anything."""
    return claim(
        session,
        batch_id,
        OPEN,
        status=ImportStatus.CANCELLED.value,
        finished_at=dt.datetime.now(),
    )


# --------------------------------------------------------------------------- check and write


def check(session: Session, batch_id: int, settings: Settings, *, error_copy: bool = True) -> None:
    """Run the import as a dry run; keep its result and mark the batch previewed or rejected.

    With error_copy, the copy of the file with its errors is written afterwards, so that it
    is ready when asked for; a run inside a request leaves that to the download.
    """
    run(session, batch_id, settings, dry_run=True, error_copy=error_copy)


def write(session: Session, batch_id: int, settings: Settings, *, error_copy: bool = True) -> None:
    """Run the import for real from the stored file; mark the batch written, rejected or failed."""
    run(session, batch_id, settings, dry_run=False, error_copy=error_copy)


def run(
    session: Session, batch_id: int, settings: Settings, *, dry_run: bool, error_copy: bool
) -> None:
    batch = session.get(ImportBatch, batch_id, populate_existing=True)
    if batch is None:
        return
    kind, filename = batch.kind, batch.filename
    options, skip_invalid = dict(batch.options or {}), bool(batch.skip_invalid)
    engine = session.get_bind()
    report = Reporter(session, batch_id)
    try:
        report.set("read", 0, force=True)
        content = read_stored(settings, batch)
        # Start the import on a clean session: the importer commits or rolls back all of it.
        session.commit()
        # Every change is logged as the uploader's, as part of this batch (not as "cli").
        with audit.acting(session, batch.user_email, batch_id):
            result = import_file(
                kind,
                content,
                filename,
                session,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                limits=settings.limits,
                progress=report,
                **options,
            )
        report.set("save", BANDS["save"][0], force=True)
        document = result_document(session, result)
        save_result(settings, batch_id, document)
    except ReadError as error:
        session.rollback()
        # A file that could not be read when checked is unreadable; when writing, it has
        # been read before, so what went wrong (e.g. the round is gone) is a failure.
        status = ImportStatus.UNREADABLE if dry_run else ImportStatus.FAILED
        finish(engine, batch_id, status, message=str(error))
        return
    except Exception:
        session.rollback()
        logger.exception("import batch %s (%s) failed", batch_id, kind)
        finish(engine, batch_id, ImportStatus.FAILED, message=UNEXPECTED)
        return
    finally:
        report.forget()
    if dry_run:
        status = ImportStatus.PREVIEWED if result.written else ImportStatus.REJECTED
    else:
        status = ImportStatus.WRITTEN if result.written else ImportStatus.REJECTED
    counts = result.counts
    finish(
        engine,
        batch_id,
        status,
        rows=len(result.rows),
        created=counts[NEW],
        updated=counts[UPDATED],
        unchanged=counts[UNCHANGED],
        rejected=counts[REJECTED],
    )
    if error_copy and document["problem_count"]:
        # The page already shows the result; have the error copy ready before it is asked for
        # (a 100,000-row copy takes a while to write).
        prepare_error_copy(settings, batch_id, kind, filename, content, document)


def prepare_error_copy(
    settings: Settings,
    batch_id: int,
    kind: str,
    filename: str,
    content: bytes,
    document: Mapping[str, Any],
) -> Path | None:
    """Write the batch's error copy; None if it cannot be made (the page still works)."""
    path = settings.error_copy_path(batch_id)
    with _copies_lock:
        done = _copies_in_progress.setdefault(str(path), threading.Event())
    try:
        write_error_copy(path, content, filename, kind, problems_by_row(document), settings.limits)
    except Exception:
        logger.exception("error copy of import batch %s failed", batch_id)
        return None
    finally:
        with _copies_lock:
            _copies_in_progress.pop(str(path), None)
        done.set()
    return path


_copies_in_progress: dict[str, threading.Event] = {}
_copies_lock = threading.Lock()


def wait_for_error_copy(path: Path, timeout: float) -> None:
    """If this process is writing the error copy at path, wait for it rather than write another."""
    with _copies_lock:
        pending = _copies_in_progress.get(str(path))
    if pending is not None:
        pending.wait(timeout)


def finish(engine: Engine, batch_id: int, status: ImportStatus, **values: Any) -> None:
    final = status != ImportStatus.PREVIEWED
    update_batch(
        engine,
        batch_id,
        status=status.value,
        worker=None,
        stage="done",
        progress=100,
        finished_at=dt.datetime.now() if final else None,
        **values,
    )


# --------------------------------------------------------------------------- the result


class Describer:
    """Say a row's values and changes in words a reader knows (names rather than ids).

    A 100,000-row file repeats its colleges, departments and dates over and over, so each
    distinct value of a field is put into words once.
    """

    def __init__(self, session: Session, importer: type[Importer], headers: Mapping[str, str]):
        self.session = session
        self.importer = importer
        self.columns = {column.name: column for column in importer.columns}
        self.headers = headers
        self.names: dict[str, dict[Any, str]] = {}
        self.memo: dict[str, dict[Any, str]] = {name: {} for name in self.columns}
        for column in importer.columns:
            self.memo[column.name].update(choice_labels(column))
        self.steps = self.summary_steps()

    def summary_steps(self) -> list[tuple[str, str]]:
        """What a summary shows, in template order: the key is shown on its own."""
        steps = []
        for name in self.columns:
            if name == self.importer.key_column or name in NAME_PARTS[1:]:
                continue
            if name == NAME_PARTS[0]:
                steps.append(("person", name))
            elif name == "full_name":
                steps.append(("full_name", name))
            else:
                steps.append(("value", name))
        return steps

    def load_names(self, rows: RowTable) -> None:
        """Look up, one query per table, the names behind every id the rows mention."""
        wanted: dict[Any, set[Any]] = {}
        for name, model in REFERENCES.items():
            ids = wanted.setdefault(model, set())
            if rows.has(name):
                ids.update(rows.get(name).tolist())
            for changes in rows.changes.values():
                if name in changes:
                    ids.update(changes[name])
        for model, ids in wanted.items():
            ids = {value for value in ids if isinstance(value, int)}
            if not ids:
                continue
            query = select(model.id, model.name_th).where(model.id.in_(ids))
            self.names[model.__name__] = {key: name for key, name in self.session.execute(query)}

    def label(self, name: str) -> str:
        """The column header for a field: as written in the file, else the template's."""
        for candidate in (name, name.removesuffix("_id")):
            header = self.headers.get(candidate)
            if header and header != candidate:
                return header
            if candidate in self.columns:
                return self.columns[candidate].title
        return name

    def text(self, name: str, value: Any) -> str:
        if value is None:
            return ""
        memo = self.memo.get(name)
        if memo is None:
            memo = self.memo[name] = {}
        try:
            return memo[value]
        except KeyError:
            pass
        except TypeError:  # an unhashable value (a list of units): no memo
            return plain_text(value)
        model = REFERENCES.get(name)
        if model is not None and isinstance(value, int):
            text = self.names.get(model.__name__, {}).get(value, str(value))
        else:
            text = plain_text(value)
        memo[value] = text
        return text

    def texts(self, rows: RowTable, name: str) -> np.ndarray:
        """A column's values in words, each distinct value once ("" where blank)."""
        words = distinct_map(rows.get(name), lambda value: self.text(name, value))
        words[np.equal(words, None)] = ""
        return words

    def summaries(self, rows: RowTable) -> list[str]:
        """A few of each row's values in template order, a person's name as one."""
        steps: list[np.ndarray] = []
        for step, name in self.steps:
            if step == "person":
                parts = [rows.get(part) for part in NAME_PARTS]
                steps.append(objects([person_name(*name) for name in zip(*parts, strict=True)]))
            elif step == "full_name" and rows.has(name):
                steps.append(distinct_map(rows.get(name), lambda glued: person_name(*glued)))
            elif rows.has(name) or not rows.has(f"{name}_id"):
                steps.append(self.texts(rows, name))
            else:
                # A reference column is kept as the id it resolved to (college -> college_id).
                steps.append(self.texts(rows, f"{name}_id"))
        summaries = []
        for texts in zip(*steps, strict=True):
            parts = [text for text in texts if text][:SUMMARY_FIELDS]
            summary = " · ".join(parts)
            if len(summary) > SUMMARY_LENGTH:
                summary = summary[: SUMMARY_LENGTH - 1] + "…"
            summaries.append(summary)
        return summaries or [""] * len(rows)


def choice_labels(column: Column) -> dict[Any, str]:
    """A listed column's stored codes with the first label the file may use for each."""
    labels: dict[Any, str] = {}
    for label in column.choices:
        try:
            code = column.parse(label)
        except (ValueError, TypeError):
            continue
        if isinstance(code, str) and code not in labels:
            labels[code] = label
    return labels


def person_name(prefix: Any, first: Any, last: Any) -> str:
    """Join a name as thai.names.full_name does, without cleaning values the importer cleaned."""
    prefix, first, last = plain_text(prefix), plain_text(first), plain_text(last)
    glue = " " if prefix and first and prefix.isascii() else ""
    return f"{prefix}{glue}{first} {last}".strip()


def plain_text(value: Any) -> str:
    """A value as text for the preview: BE dates, Thai yes/no, lists joined."""
    if value is None:
        return ""
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "ใช่" if value else "ไม่ใช่"
    if isinstance(value, dt.datetime):
        return format_be_datetime(value)
    if isinstance(value, dt.date):
        return format_be(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(plain_text(item) for item in value if item is not None)
    return str(value)


def result_document(session: Session, result: ImportResult) -> dict[str, Any]:
    """The check's result as JSON-friendly data: every row with its outcome, changes, problems.

    Built from the row table's columns: each value is put into words once, and one pass
    over the rows assembles their entries.
    """
    importer = KINDS[result.kind]
    rows = result.rows
    describe = Describer(session, importer, result.headers)
    describe.load_names(rows)
    summaries = describe.summaries(rows)
    keys = key_texts(rows, importer.key_column)
    problems = rows.problems_by_position()
    flags = {name: values for name, values in rows.flags.items() if all(map(is_plain, values))}
    numbers, outcomes = rows.numbers.tolist(), rows.outcome.tolist()
    items = []
    for position in range(len(rows)):
        item: dict[str, Any] = {"row": numbers[position], "outcome": outcomes[position]}
        if keys[position]:
            item["key"] = keys[position]
        if summaries[position]:
            item["summary"] = summaries[position]
        changes = rows.changes.get(position)
        if changes:
            item["changes"] = [
                [describe.label(name), describe.text(name, old), describe.text(name, new)]
                for name, (old, new) in changes.items()
            ]
        if position in problems:
            item["problems"] = [[problem.column, problem.message] for problem in problems[position]]
        said = {
            name: values[position] for name, values in flags.items() if values[position] is not None
        }
        if said:
            item["flags"] = said
        items.append(item)
    counts = result.counts
    return {
        "version": RESULT_VERSION,
        "kind": result.kind,
        "filename": result.filename,
        "dry_run": result.dry_run,
        "skip_invalid": result.skip_invalid,
        "written": result.written,
        "total": len(rows),
        "counts": counts,
        "extra": dict(result.extra),
        "problem_count": sum(len(found) for found in problems.values()),
        "headers": dict(result.headers),
        "key_header": describe.label(importer.key_column),
        "unknown_columns": list(result.unknown_columns),
        "rows": items,
    }


def key_texts(rows: RowTable, key_column: str) -> list[str]:
    """Each row's key as the sender wrote it (keys built of database ids are not shown)."""
    values = rows.get(key_column)
    # An identifier parsed as (kind, value), such as a national ID or a G-code.
    shown = distinct_map(values, lambda value: value[-1] if isinstance(value, tuple) else value)
    keys = rows.key
    texts = []
    for value, key in zip(shown.tolist(), keys.tolist(), strict=True):
        if value is None and isinstance(key, str):
            value = key
        texts.append(plain_text(value))
    return texts


def is_plain(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def save_result(settings: Settings, batch_id: int, document: dict[str, Any]) -> None:
    """Keep the result next to the file (written whole, then renamed into place)."""
    path = settings.result_path(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    # dumps, not dump: only the one-shot encoder is the fast one written in C.
    temporary.write_text(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    os.replace(temporary, path)
    settings.error_copy_path(batch_id).unlink(missing_ok=True)
    # The preview comes next: let this process show it without reading the file back.
    remember_result(path, path.stat().st_mtime_ns, document)


# A 100,000-row result is tens of megabytes: keep the last few in memory, by file version.
_results: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()
_results_lock = threading.Lock()
KEPT_RESULTS = 4


def remember_result(path: Path, stamp: int, document: dict[str, Any]) -> None:
    with _results_lock:
        _results[str(path)] = (stamp, document)
        _results.move_to_end(str(path))
        while len(_results) > KEPT_RESULTS:
            _results.popitem(last=False)


def load_result(settings: Settings, batch_id: int) -> dict[str, Any] | None:
    """Return a batch's kept result, or None if it has none (yet)."""
    path = settings.result_path(batch_id)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    with _results_lock:
        kept = _results.get(str(path))
    if kept is not None and kept[0] == stamp:
        return kept[1]
    with path.open(encoding="utf-8") as stream:
        document = json.load(stream)
    remember_result(path, stamp, document)
    return document


def problems_by_row(document: Mapping[str, Any]) -> dict[int, list[tuple[str, str]]]:
    """Each rejected row's problems (column as written, message), by row number."""
    return {
        item["row"]: [(column, message) for column, message in item["problems"]]
        for item in document.get("rows", ())
        if item.get("problems")
    }


# --------------------------------------------------------------------------- background work


_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


def launch(work: Callable[[], None], name: str) -> threading.Thread:
    """Run a check or a write in a thread of its own; the page polls for its progress."""

    def target() -> None:
        try:
            work()
        except Exception:
            logger.exception("background import %s failed", name)

    thread = threading.Thread(target=target, name=name, daemon=True)
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()
    return thread


def running_threads() -> list[threading.Thread]:
    """The import threads still running (tests wait for them before the app goes)."""
    with _threads_lock:
        return [thread for thread in _threads if thread.is_alive()]


__all__ = [
    "OUTCOMES",
    "Settings",
    "cancel",
    "check",
    "launch",
    "load_result",
    "start_recheck",
    "start_writing",
    "status_of",
    "store_upload",
    "write",
]

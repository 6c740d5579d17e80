"""Imports as the admin runs them: keep the uploaded file, check it, write it on confirmation.

An upload becomes an ImportBatch and a file under the imports folder
(``<folder>/<batch id>/<safe name>``) with its size and SHA-256. The check is the same import
as a dry run; its result (every row's outcome, changes and problems) is kept as JSON next to
the file. Writing re-reads the stored file, never anything sent again by the browser.
Nothing here touches the request: callers pass the session, the folder and the limits.

The preview's words are in importers/preview.py and the progress a page polls in
importers/progress.py; undoing a written batch in importers/undo.py.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

import audit
from importers import KINDS, Limits, ReadError, import_file, preview
from importers.errorfile import write_error_copy
from importers.preview import problems_by_row, result_document, save_result
from importers.progress import BANDS, Reporter, live_progress, update_batch
from importers.recovery import recover_stale, worker_id
from importers.results import NEW, OUTCOMES, REJECTED, UNCHANGED, UPDATED
from models import ImportBatch, ImportStatus
from thai.dates import bangkok_now

logger = logging.getLogger(__name__)

# secure_filename never starts a name with "_": kept files cannot clash with the upload's name.
RESULT_NAME = "_result.json"
ERROR_COPY_NAME = "_errors.xlsx"
# Statuses in which a thread is (or should be) working on the batch.
RUNNING = {ImportStatus.CHECKING.value, ImportStatus.WRITING.value}
# Statuses from which a batch may be confirmed, re-checked or cancelled.
CONFIRMABLE = {ImportStatus.PREVIEWED.value}
OPEN = {ImportStatus.PREVIEWED.value, ImportStatus.REJECTED.value}
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


def add_batch(
    session: Session,
    folder: Path,
    *,
    kind: str,
    filename: str,
    content: bytes,
    user_email: str | None,
    options: Mapping[str, Any] | None = None,
    skip_invalid: bool = False,
    **values: Any,
) -> ImportBatch:
    """Add a batch for a file to the session (flushed, not committed) and keep the file under
    its id, with its size and SHA-256; values give the batch's status and stage."""
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
        **values,
    )
    session.add(batch)
    session.flush()
    relative = PurePosixPath(str(batch.id)) / stored_name(name)
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    batch.stored_path = relative.as_posix()
    session.flush()
    return batch


def store_upload(
    session: Session, settings: Settings, *, kind: str, **described: Any
) -> ImportBatch:
    """Record an upload as a batch waiting for its check, and keep the file under its id.

    described: the file as add_batch takes it (filename, content, user_email, options,
    skip_invalid).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    batch: ImportBatch | None = None
    try:
        batch = add_batch(
            session,
            settings.folder,
            kind=kind,
            status=ImportStatus.CHECKING.value,
            worker=worker_id(),
            stage="queued",
            progress=0,
            **described,
        )
        session.commit()
    except Exception:
        kept = settings.folder / batch.stored_path if batch and batch.stored_path else None
        session.rollback()
        if kept is not None:
            kept.unlink(missing_ok=True)
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


# --------------------------------------------------------------------------- status


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
        finished_at=bangkok_now(),
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
        # A write does what its preview showed or nothing: the versions the check compared.
        previewed = None if dry_run else previewed_versions(settings, batch_id)
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
                previewed=previewed,
                **options,
            )
        report.set("save", BANDS["save"][0], force=True)
        document = result_document(session, result)
        save_result(settings.result_path(batch_id), document)
        settings.error_copy_path(batch_id).unlink(missing_ok=True)
    except ReadError as error:
        session.rollback()
        # A file that could not be read when checked is unreadable; when writing, it has
        # been read before, so what went wrong (e.g. the round is gone) is a failure.
        status = ImportStatus.UNREADABLE if dry_run else ImportStatus.FAILED
        gone = {}
        if dry_run:
            # A file that cannot be read is of no use to anyone: it goes at once (PDPA, disk).
            shutil.rmtree(settings.folder / str(batch_id), ignore_errors=True)
            gone = {"stored_path": ""}
        finish(engine, batch_id, status, message=str(error), **gone)
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


def previewed_versions(settings: Settings, batch_id: int) -> dict[str, Any] | None:
    """The record versions the batch's check compared with (None: a check that kept none)."""
    try:
        document = load_result(settings, batch_id)
    except (OSError, ValueError):
        return None
    versions = document.get("versions") if document else None
    return versions if isinstance(versions, dict) else None


def load_result(settings: Settings, batch_id: int) -> dict[str, Any] | None:
    """A batch's kept result, or None if it has none (yet)."""
    return preview.load_result(settings.result_path(batch_id))


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
        finished_at=bangkok_now() if final else None,
        **values,
    )


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

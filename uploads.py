"""Uploaded documents: checked by parsing, never left behind when refused, served only to
users who may see their record, and import files cleaned by age.

- save: a PDF is read with pypdf before anything is written (a file that only starts like
  a PDF, an HTML/PDF hybrid or a truncated PDF is refused with a Thai message); the kept
  file's name keeps its extension and its Thai letters. A file written for a record that is
  then not saved (a check refuses the form, the database refuses the row) is deleted when
  the request ends.
- serve: /files/<kind>/<record id>, for logged-in users whose role may open that record's
  screen; the upload folder is never a static path.
- clean: `flask --app app uploads clean` deletes import files older than
  UPLOAD_MAX_AGE_DAYS (of imports no longer waiting for confirmation), and at once the
  files of imports that could not be read or were cancelled. It runs only when asked (e.g.
  from cron), never at start-up: several gunicorn workers start at once.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import shutil
import time
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO, Any

import click
from flask import Blueprint, Flask, abort, current_app, g, has_request_context, send_file
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import event, select
from werkzeug.security import safe_join

from keys import is_key
from models import ImportBatch, ImportStatus, Mou, Placement, db
from thai.dates import bangkok_now

logger = logging.getLogger(__name__)

PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"
# A browser that sniffs a file reads its first bytes: none of these may be there.
MARKUP = (b"<html", b"<script", b"<body", b"<head", b"<!doctype", b"<svg", b"<iframe", b"<?xml")
SNIFF_BYTES = 1024
# How much a file may hold after its last %%EOF (line ends, padding) before it counts as a
# second file glued on.
TAIL_SLACK = 64
# Longest name kept on disk, in bytes (Thai letters take three): the disk allows 255.
NAME_BYTES = 180
# Statuses whose import file is needed no more at all (kept files are cleaned by age).
DISCARDED = {ImportStatus.UNREADABLE.value, ImportStatus.CANCELLED.value}
# Statuses in which an import still reads its file.
IN_USE = {
    ImportStatus.CHECKING.value,
    ImportStatus.PREVIEWED.value,
    ImportStatus.WRITING.value,
}
PENDING_KEY = "_pending_uploads"


class UploadRefused(ValueError):
    """An uploaded file that is not kept; the message says why, in Thai."""


# --------------------------------------------------------------------------- checking


def check_pdf(content: bytes) -> None:
    """Refuse anything but a whole, readable PDF document (raise UploadRefused)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not content.startswith(PDF_HEADER):
        raise UploadRefused(_("The file is not a PDF document."))
    if any(marker in content[:SNIFF_BYTES].lower() for marker in MARKUP):
        raise UploadRefused(
            _("The file is not a plain PDF document: it also holds a web page (HTML).")
        )
    end = content.rfind(PDF_END)
    if end < 0 or len(content[end + len(PDF_END) :].strip()) > TAIL_SLACK:
        raise UploadRefused(
            _(
                "The PDF file is incomplete or has something else attached to its end; "
                "save it again as PDF and upload that file."
            )
        )
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UploadRefused(
                _("The PDF is protected by a password: upload a copy without a password.")
            )
        pages = reader.pages
        if len(pages) == 0:
            raise UploadRefused(_("The PDF file has no pages."))
        for page in pages:
            page.mediabox  # noqa: B018 - reading each page's box reads the page
    except UploadRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError, AssertionError, ZeroDivisionError) as error:  # fmt: skip
        logger.info("PDF refused: %s", error)
        raise UploadRefused(
            _(
                "The PDF file is damaged or incomplete and cannot be opened; "
                "check it and save it again."
            )
        ) from None


def read_upload(storage: Any, limit: int) -> bytes:
    """Read an uploaded file's bytes, refusing it over limit bytes."""
    stream: IO[bytes] = storage.stream
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > limit:
        raise UploadRefused(
            _(
                "The file is %(size)s MB; the limit is %(limit)s MB.",
                size=f"{size / 1048576:.1f}",
                limit=f"{limit / 1048576:.0f}",
            )
        )
    content = stream.read()
    stream.seek(0)
    return content


# --------------------------------------------------------------------------- names


def display_name(filename: str | None, default: str = "document.pdf") -> str:
    """A file's own name without folders, control characters or characters a disk refuses.

    Thai letters (with their vowel and tone marks) and the extension are kept:
    "บันทึกข้อตกลง ฉบับลงนาม.pdf" stays "บันทึกข้อตกลง_ฉบับลงนาม.pdf".
    """
    name = unicodedata.normalize("NFC", filename or "")
    name = PureWindowsPath(PurePosixPath(name).name).name
    kept = []
    for ch in name:
        category = unicodedata.category(ch)
        if ch.isspace():
            kept.append("_")
        elif category[0] in "LMN" or ch in "-_.()":
            kept.append(ch)
    name = re.sub(r"_+", "_", "".join(kept)).rstrip("._")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = re.sub(r"[^a-z0-9]", "", suffix.lower())[:10]
    default_stem, _dot, default_suffix = default.rpartition(".")
    suffix = suffix or default_suffix
    stem = stem.strip("._") or default_stem
    while len(f"{stem}.{suffix}".encode()) > NAME_BYTES:
        stem = stem[:-1]
    return f"{stem}.{suffix}"


def stored_name(filename: str | None) -> str:
    """A new name on disk for an upload: never another file's, the display name after it."""
    return f"{uuid.uuid4().hex[:12]}-{display_name(filename)}"


def shown_name(stored: str) -> str:
    """The name a kept file is downloaded as: its display name, without the unique prefix."""
    head, dash, rest = stored.partition("-")
    return rest if dash and len(head) == 12 and rest else stored


def folder_of(subfolder: str) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / subfolder


# --------------------------------------------------------------------------- saving


def save_pdf(storage: Any, subfolder: str) -> str:
    """Check an uploaded PDF and keep it under the upload folder; return its stored name.

    Raises UploadRefused (nothing written). Inside a request the file counts as pending until
    the request's session commits: if it never does, the file is deleted when the request ends.
    """
    content = read_upload(storage, int(current_app.config["MOU_DOCUMENT_MAX_BYTES"]))
    check_pdf(content)
    return keep(content, getattr(storage, "filename", None), subfolder)


def keep(content: bytes, filename: str | None, subfolder: str) -> str:
    """Write checked content under the upload folder as a new file; return its stored name."""
    folder = folder_of(subfolder)
    folder.mkdir(parents=True, exist_ok=True)
    name = stored_name(filename)
    path = folder / name
    with open(path, "xb") as file:
        file.write(content)
    track(path)
    return name


def track(path: Path) -> None:
    """Delete this new file unless the request's session commits (see init_app)."""
    if has_request_context():
        g.setdefault(PENDING_KEY, []).append(path)


def forget_pending(session: Any) -> None:
    """The session committed: its record now names the pending files, keep them."""
    if has_request_context():
        g.pop(PENDING_KEY, None)


def discard_pending(error: BaseException | None = None) -> None:
    """The request ended without a commit after its files were written: delete them."""
    for path in g.pop(PENDING_KEY, None) or []:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:  # pragma: no cover - a file the disk will not let go of
            logger.warning("refused upload not deleted: %s", path)


# --------------------------------------------------------------------------- serving


@dataclass(frozen=True)
class FileKind:
    """A kind of uploaded document: the record that keeps it and the screen that shows it."""

    model: Any
    column: str
    subfolder: str
    endpoint: str  # the admin view whose users may see the record


KINDS = {
    "mou": FileKind(Mou, "document_path", "mous", "mou"),
    "plan": FileKind(Placement, "plan_document_path", "plans", "placement"),
}
files = Blueprint("files", __name__)


def may_see(kind: FileKind, record: Any) -> bool:
    """Whether the logged-in user may open the record's screen (and so its documents)."""
    from admin.registry import model_view

    view = model_view(kind.endpoint)
    return view is not None and bool(view.is_accessible())


def file_url(kind: str, record: Any) -> str | None:
    """The link that downloads a record's document, or None when it has none."""
    from flask import url_for

    if not getattr(record, KINDS[kind].column, None):
        return None
    return url_for("files.download", kind=kind, record_id=record.id)


@files.route("/files/<kind>/<int:record_id>")
def download(kind: str, record_id: int):
    """Send a record's document to a logged-in user who may see the record."""
    if not current_user.is_authenticated:
        from flask import redirect, request, url_for

        return redirect(url_for("auth.login", next=request.full_path))
    described = KINDS.get(kind)
    if described is None or not is_key(record_id):
        abort(404)
    record = db.session.get(described.model, record_id)
    if record is None:
        abort(404)
    if not may_see(described, record):
        abort(403)
    name = getattr(record, described.column, None)
    path = safe_join(str(folder_of(described.subfolder)), name) if name else None
    if path is None or not os.path.isfile(path):
        abort(404)
    # Documents are small (MOU_DOCUMENT_MAX_BYTES): read whole, no file left open.
    response = send_file(
        io.BytesIO(Path(path).read_bytes()),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=shown_name(PurePosixPath(name).name),
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------- cleaning


@dataclass
class Cleaned:
    """What a clean-up deleted: import batches whose files went, and stray files."""

    batches: list[int] = field(default_factory=list)
    strays: list[str] = field(default_factory=list)
    bytes: int = 0


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def batch_folders(folder: Path) -> Iterator[tuple[int, Path]]:
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name.isdigit():
            yield int(entry.name), entry


def clean_imports(
    max_age_days: float | None = None, now: dt.datetime | None = None, dry_run: bool = False
) -> Cleaned:
    """Delete kept import files that are no longer needed.

    - files of imports that could not be read or were cancelled: at once;
    - files of other finished imports (written, rejected, failed, undone) older than
      max_age_days (config UPLOAD_MAX_AGE_DAYS);
    - folders of no import at all (a crash between writing the file and the record) older
      than a day.
    Imports still checking, waiting for confirmation or writing keep their files. A batch
    whose file went keeps its record (the history), with no stored file.
    """
    config = current_app.config
    folder = Path(config["IMPORT_FOLDER"])
    days = float(config.get("UPLOAD_MAX_AGE_DAYS", 90) if max_age_days is None else max_age_days)
    # Batches are dated in Bangkok time (as the database keeps times), files by the disk.
    old = (now or bangkok_now()) - dt.timedelta(days=days)
    stray_before = time.time() - 86400
    on_disk = dict(batch_folders(folder))
    done = Cleaned()
    if not on_disk:
        return done
    batches = {
        batch.id: batch
        for batch in db.session.scalars(
            select(ImportBatch).where(ImportBatch.id.in_(list(on_disk)))
        )
    }
    for batch_id, path in sorted(on_disk.items()):
        batch = batches.get(batch_id)
        if batch is None:
            if path.stat().st_mtime >= stray_before:
                continue
            done.strays.append(path.name)
        elif batch.status in IN_USE:
            continue
        elif batch.status not in DISCARDED and batch.created_at >= old:
            continue
        else:
            done.batches.append(batch_id)
        done.bytes += size_of(path)
        if not dry_run:
            shutil.rmtree(path, ignore_errors=True)
            if batch is not None and batch.stored_path:
                batch.stored_path = ""
    if not dry_run:
        db.session.commit()
    return done


uploads_cli = AppGroup("uploads", help="Kept upload files: clean-up.")


@uploads_cli.command("clean")
@click.option(
    "--days",
    type=float,
    default=None,
    help="Delete import files older than this many days (default: UPLOAD_MAX_AGE_DAYS).",
)
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
def clean_command(days: float | None, dry_run: bool) -> None:
    """Delete import files no longer needed (see uploads.clean_imports)."""
    import audit

    with audit.acting(db.session, "cli"):
        done = clean_imports(days, dry_run=dry_run)
    verb = "จะลบ" if dry_run else "ลบ"
    click.echo(
        f"{verb}ไฟล์นำเข้า {len(done.batches)} รายการ"
        f" และโฟลเดอร์ที่ไม่มีรายการนำเข้า {len(done.strays)} โฟลเดอร์"
        f" ({done.bytes / 1048576:.1f} MB)"
    )


# --------------------------------------------------------------------------- wiring


def check_folders(app: Flask) -> None:
    """Refuse an upload or import folder inside the static folder, which anyone may read."""
    if not app.static_folder:
        return
    static = Path(app.static_folder).resolve()
    for key in ("UPLOAD_FOLDER", "IMPORT_FOLDER"):
        folder = Path(app.config[key]).resolve()
        if folder == static or static in folder.parents:
            raise RuntimeError(
                f"{key} ({folder}) is inside the static folder ({static}), which is served "
                "to anyone: keep uploaded files elsewhere (the default is instance/uploads)."
            )


def init_app(app: Flask) -> None:
    """Serve documents through the checked route; delete files of uncommitted records."""
    check_folders(app)
    app.register_blueprint(files)
    app.teardown_request(discard_pending)
    if not event.contains(db.session, "after_commit", forget_pending):
        event.listen(db.session, "after_commit", forget_pending)

"""The `import` command: load one spreadsheet from the command line, for people and automation.

Exit codes are the contract monitoring relies on: 0 the file was written (with --dry-run: would
be), 1 rows were rejected and nothing was written, 2 the file cannot be read at all or the
command was used wrongly.

Every run is kept in the import history as a batch, like an upload in the admin. A write's
batch row goes into the same transaction as the import's rows (begin_batch before the
import, the importer's commit keeps both, its rollback neither), so the history never
claims a write that did not happen; a run that writes nothing records its batch afterwards
(one whose file cannot be read leaves no trace at all).
`import-undo` takes a written batch back.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import audit
from importers import KINDS, ImportResult, Limits, ReadError, import_file
from importers.preview import result_document, save_result
from importers.progress import update_batch
from importers.reading import check_size
from importers.results import NEW, REJECTED, UNCHANGED, UPDATED
from importers.service import Settings, add_batch
from importers.undo import UndoResult, UnknownBatch, table_label, undo_batch
from models import ImportBatch, ImportStatus, User, db
from schema import ensure_schema
from thai.dates import bangkok_now

WRITTEN, REJECTED_EXIT, UNREADABLE = 0, 1, 2
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# Kinds whose rows go into a placement round named by its fiscal year.
ROUND_KINDS = {"placements"}
# A long list of problems is cut here in the summary; --json always gives all of them.
MAX_PROBLEMS = 20
OUTCOME_LABELS = (
    (NEW, "เพิ่มใหม่"),
    (UPDATED, "แก้ไข"),
    (UNCHANGED, "ไม่เปลี่ยนแปลง"),
    (REJECTED, "ไม่ผ่านการตรวจ"),
)
EXTRA_LABELS = {"late": "ส่งหลังกำหนด"}
STAGE_LABELS = {"read": "อ่านไฟล์", "parse": "ตรวจข้อมูล", "write": "บันทึก"}
# Who the history and the change log name for a command run without --user.
CLI_USER = "cli"
UNDONE, UNDO_REFUSED, UNKNOWN_BATCH = 0, 1, 2


# Who a command's history and change log name, if not `cli`.
USER_OPTION = click.option(
    "--user",
    "user",
    metavar="EMAIL",
    help="The user the import history and the change log name (default: cli).",
)


class ImportCommand(click.Command):
    """A command whose help lists the kinds registered when it is shown."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help_text(ctx, formatter)
        with formatter.section("KIND"):
            formatter.write_dl([(kind, str(importer.label)) for kind, importer in KINDS.items()])


@click.command("import", cls=ImportCommand)
@click.argument("kind", metavar="KIND")
@click.argument("file", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and compare only; never write.")
@click.option(
    "--skip-invalid", is_flag=True, help="Write the valid rows even when others are rejected."
)
@click.option(
    "--round",
    "fiscal_year",
    type=int,
    metavar="FISCAL_YEAR",
    help="The placement round (BE fiscal year, e.g. 2568); placements only.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object and nothing else.")
@USER_OPTION
@with_appcontext
def import_command(
    kind: str,
    file: Path,
    dry_run: bool,
    skip_invalid: bool,
    fiscal_year: int | None,
    as_json: bool,
    user: str | None,
) -> None:
    """Import a spreadsheet FILE (.xlsx .xls .ods .csv) as KIND.

    Exit 0 when the file was written (with --dry-run: would be), 1 when rows were rejected
    and nothing was written, 2 when the file cannot be read or the usage is wrong.
    """
    if kind not in KINDS:
        raise click.BadParameter(
            f'ไม่รู้จักประเภท "{kind}" เลือกได้: {", ".join(KINDS)}', param_hint="KIND"
        )
    if kind in ROUND_KINDS and fiscal_year is None:
        raise click.UsageError(f"{kind} ต้องระบุรอบด้วย --round ปีงบประมาณ เช่น --round 2568")
    if kind not in ROUND_KINDS and fiscal_year is not None:
        raise click.BadParameter(
            f"ใช้ได้กับ {', '.join(sorted(ROUND_KINDS))} เท่านั้น", param_hint="--round"
        )
    # The importer checks that the round exists (a ReadError, so exit 2, if not).
    options: dict[str, Any] = {"round": fiscal_year} if fiscal_year is not None else {}
    ensure_schema()

    user_email = resolve_user(user)

    limits = Limits(max_bytes=current_app.config.get("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))
    folder = Path(current_app.config["IMPORT_FOLDER"])
    progress = TerminalProgress(enabled=not as_json and is_terminal())
    name = str(file)
    described = dict(
        kind=kind,
        filename=name,
        user_email=user_email,
        options=options,
        skip_invalid=skip_invalid,
    )
    content: bytes | None = None
    begun: tuple[int, str] | None = None  # the write's batch (id, stored path), until committed
    try:
        progress("read", 0, 1)
        content = read_file(file, limits)
        if not dry_run:
            # In the import's own transaction: committed with its rows, or not at all.
            written = begin_batch(db.session, folder, content=content, **described)
            begun = (written.id, written.stored_path)
        with audit.acting(db.session, user_email, begun[0] if begun else None):
            result = import_file(
                kind,
                content,
                name,
                db.session,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                limits=limits,
                progress=progress,
                **options,
            )
    except ReadError as error:
        # A file that cannot be read leaves the database exactly as it was, history and all
        # (the contract tests/test_import_hostile.py holds the command to).
        db.session.rollback()
        forget_file(folder, begun)
        progress.clear()
        if as_json:
            echo_json({"kind": kind, "file": name, "error": str(error), "written": False})
        else:
            click.echo(f"นำเข้าไฟล์ {name} ไม่ได้: {error}")
            click.echo("ไม่ได้บันทึกข้อมูลใดๆ")
        sys.exit(UNREADABLE)
    except BaseException:
        db.session.rollback()
        if content is not None:
            # Keep the failure in the history if the database still lets us.
            with contextlib.suppress(Exception):
                record_batch(folder, content, ImportStatus.FAILED, begun, **described)
        raise
    progress.clear()
    if begun is not None and result.written:
        batch_id = begun[0]
        update_batch(db.engine, batch_id, **outcome_values(result))
    else:
        if dry_run:
            status = ImportStatus.PREVIEWED if result.written else ImportStatus.REJECTED
        else:
            status = ImportStatus.REJECTED
        values = outcome_values(result)
        batch_id = record_batch(folder, content, status, begun, **described, **values)
    keep_result(folder, batch_id, result, problems_only=not dry_run)
    if as_json:
        echo_json(result.as_dict())
    else:
        click.echo(summary(result, batch_id))
    sys.exit(WRITTEN if result.written else REJECTED_EXIT)


def keep_result(folder: Path, batch_id: int, result: ImportResult, problems_only: bool) -> None:
    """Keep the run's result beside its file, as an upload's is: a dry run whole (it may be
    confirmed in the admin), a write or a refusal with the rows that have problems, for its
    page's list of errors and the copy of the file with a column of errors."""
    document = result_document(db.session, result, problems_only=problems_only)
    save_result(Settings(folder, Limits()).result_path(batch_id), document)


def resolve_user(email: str | None) -> str:
    """The e-mail of the named user (as stored), or "cli"; a usage error if there is none."""
    if email is None:
        return CLI_USER
    found = db.session.scalar(
        select(User.email).where(func.lower(User.email) == email.strip().lower())
    )
    db.session.rollback()
    if found is None:
        raise click.BadParameter(
            f'ไม่พบผู้ใช้งานที่มีอีเมล "{email}" ในระบบ '
            "(ระบุอีเมลของผู้ใช้งานที่มีอยู่ หรือไม่ระบุ --user เพื่อบันทึกในนาม cli)",
            param_hint="--user",
        )
    return found


def begin_batch(
    session: Session,
    folder: Path,
    *,
    status: ImportStatus = ImportStatus.WRITTEN,
    **values: Any,
) -> ImportBatch:
    """Add the run's batch to the session's transaction (flushed, not committed); keep the file.

    A write's batch is added as written before the import: the import's commit keeps both
    and its rollback neither, so a batch said written always has its rows (and a killed
    run leaves no trace in the database). The counts follow the commit (outcome_values).
    """
    return add_batch(session, folder, status=status.value, stage="done", progress=100, **values)


def record_batch(
    folder: Path,
    content: bytes,
    status: ImportStatus,
    begun: tuple[int, str] | None,
    **values: Any,
) -> int:
    """Record a run that wrote nothing as a batch of its own transaction; return its id.

    begun is the rolled-back batch of a write (id, stored path), whose file is let go.
    """
    session = db.session
    session.rollback()
    forget_file(folder, begun)
    # A previewed run may still be confirmed in the admin: it is not finished.
    values["finished_at"] = None if status == ImportStatus.PREVIEWED else bangkok_now()
    batch = begin_batch(session, folder, content=content, status=status, **values)
    session.commit()
    return batch.id


def forget_file(folder: Path, begun: tuple[int, str] | None) -> None:
    """Remove the file kept for a write's batch that was rolled back."""
    if begun is None:
        return
    # Its id may have been taken since by another upload, with a file of its own.
    taken = db.session.scalar(select(ImportBatch.id).where(ImportBatch.id == begun[0]))
    db.session.rollback()
    if taken is None:
        (folder / begun[1]).unlink(missing_ok=True)


def outcome_values(result: ImportResult) -> dict[str, Any]:
    counts = result.counts
    return {
        "rows": len(result.rows),
        "created": counts[NEW],
        "updated": counts[UPDATED],
        "unchanged": counts[UNCHANGED],
        "rejected": counts[REJECTED],
        "finished_at": bangkok_now(),
    }


def batch_line(batch_id: int) -> str:
    return f"ประวัติการนำเข้า: รายการเลขที่ {batch_id}"


@click.command("import-undo")
@click.argument("batch_id", metavar="BATCH_ID", type=int)
@click.option("--dry-run", is_flag=True, help="Check what would be undone; change nothing.")
@USER_OPTION
@with_appcontext
def undo_command(batch_id: int, dry_run: bool, user: str | None) -> None:
    """Undo the written import BATCH_ID: remove what it added, restore what it changed.

    Exit 0 when undone (with --dry-run: it could be), 1 when refused (the reasons are
    printed; nothing is changed), 2 for an unknown batch or wrong usage.
    """
    ensure_schema()
    actor = resolve_user(user)
    try:
        result = undo_batch(db.session, batch_id, actor, dry_run=dry_run)
    except UnknownBatch:
        click.echo(f"ไม่พบการนำเข้าเลขที่ {batch_id} ในประวัติการนำเข้า")
        sys.exit(UNKNOWN_BATCH)
    click.echo(undo_summary(result))
    sys.exit(UNDONE if result.done else UNDO_REFUSED)


def undo_summary(result: UndoResult) -> str:
    """Say in Thai what the undo did (or would do), or why it was refused."""
    batch = db.session.get(ImportBatch, result.batch_id)
    label = KINDS[batch.kind].label if batch and batch.kind in KINDS else ""
    name = f" (ข้อมูล{label} จากไฟล์ {batch.filename})" if batch else ""
    lines = [f"ย้อนการนำเข้าเลขที่ {result.batch_id}{name}"]
    if result.refused:
        lines.append("ย้อนไม่ได้ ไม่ได้เปลี่ยนแปลงข้อมูลใดๆ เพราะ:")
        lines += [f"  - {reason}" for reason in result.reasons]
        return "\n".join(lines)
    for table, text, removed, restored, recreated in result.tables():
        parts = [
            f"{verb} {number:,} รายการ"
            for verb, number in (("ลบ", removed), ("คืนค่าเดิม", restored), ("เพิ่มคืน", recreated))
            if number
        ]
        lines.append(f"  {text or table_label(table)}: {', '.join(parts)}")
    if not result.tables():
        lines.append("  ไม่มีข้อมูลที่ต้องย้อน")
    if result.dry_run:
        lines.append("ทดลองย้อน (--dry-run): ย้อนได้ แต่ยังไม่ได้เปลี่ยนแปลงข้อมูลใดๆ")
    else:
        lines.append(f"ย้อนการนำเข้าเรียบร้อย บันทึกไว้ในประวัติการนำเข้า รายการเลขที่ {result.undo_batch_id}")
    return "\n".join(lines)


def read_file(path: Path, limits: Limits) -> bytes:
    """Read a file, refusing one over the limit before loading it into memory."""
    try:
        with path.open("rb") as stream:
            check_size(path.stat().st_size, limits)
            return stream.read(limits.max_bytes + 1)
    except FileNotFoundError as error:
        raise ReadError(f"ไม่พบไฟล์ {path}") from error
    except IsADirectoryError as error:
        raise ReadError(f"{path} เป็นโฟลเดอร์ ไม่ใช่ไฟล์") from error
    except PermissionError as error:
        raise ReadError(f"ไม่มีสิทธิ์อ่านไฟล์ {path}") from error
    except OSError as error:
        raise ReadError(f"อ่านไฟล์ {path} ไม่ได้ ({error.strerror or error})") from error


def echo_json(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


def is_terminal() -> bool:
    return sys.stdout.isatty()


class TerminalProgress:
    """Click's progress bar, one per stage of the import; silent unless enabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.stage: str | None = None
        self.bar: Any = None
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self.stage or self.bar is None:
            self.clear()
            self.stage, self.done = stage, 0
            label = STAGE_LABELS.get(stage, stage)
            self.bar = click.progressbar(length=max(total, 1), label=label, show_pos=True)
            self.bar.__enter__()
        self.bar.update(max(done - self.done, 0))
        self.done = max(done, self.done)

    def clear(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def summary(result: ImportResult, batch_id: int | None = None) -> str:
    """Say in Thai what became of each row, each problem, and whether anything was written."""
    importer = KINDS[result.kind]
    counts = result.counts
    lines = [f"นำเข้าข้อมูล{importer.label}จากไฟล์ {result.filename}: {len(result.rows):,} แถว"]
    lines += [f"  {label}: {counts[outcome]:,} แถว" for outcome, label in OUTCOME_LABELS]
    lines += [f"  {EXTRA_LABELS.get(key, key)}: {value:,}" for key, value in result.extra.items()]
    if result.unknown_columns:
        lines.append("คอลัมน์ที่ไม่รู้จัก (ไม่ได้นำเข้า): " + ", ".join(result.unknown_columns))
    problems = result.problems
    if problems:
        lines.append(f"ปัญหาที่พบ {len(problems):,} รายการ:")
        lines += [
            f'  แถว {problem.row} คอลัมน์ "{problem.column}": {problem.message}'
            for problem in problems[:MAX_PROBLEMS]
        ]
        if len(problems) > MAX_PROBLEMS:
            lines.append(f"  …และอีก {len(problems) - MAX_PROBLEMS:,} รายการ")
    if batch_id is not None:
        lines.append(batch_line(batch_id))
    lines.append(outcome_line(result))
    return "\n".join(lines)


def outcome_line(result: ImportResult) -> str:
    rejected = result.count(REJECTED)
    valid = len(result.rows) - rejected
    skipped = f" (ข้ามแถวที่ไม่ผ่าน {rejected:,} แถว)" if rejected else ""
    if result.written and result.dry_run:
        return f"ทดลองนำเข้า (--dry-run): บันทึกได้{skipped} แต่ยังไม่ได้บันทึกข้อมูลใดๆ"
    if result.written:
        return f"บันทึกข้อมูลเรียบร้อย{skipped}"
    if valid:
        return (
            f"ไม่ได้บันทึกข้อมูลใดๆ เพราะมีแถวที่ไม่ผ่าน {rejected:,} แถว: แก้ไขไฟล์แล้วนำเข้าใหม่ "
            f"หรือใช้ --skip-invalid เพื่อบันทึกเฉพาะ {valid:,} แถวที่ถูกต้อง"
        )
    return "ไม่ได้บันทึกข้อมูลใดๆ เพราะไม่มีแถวที่ถูกต้อง: แก้ไขไฟล์แล้วนำเข้าใหม่"

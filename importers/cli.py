"""The `import` command: load one spreadsheet from the command line, for people and automation.

Exit codes are the contract monitoring relies on: 0 the file was written (with --dry-run: would
be), 1 rows were rejected and nothing was written, 2 the file cannot be read at all or the
command was used wrongly.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect

from importers import KINDS, ImportResult, Limits, ReadError, import_file
from importers.reading import check_size
from importers.results import NEW, REJECTED, UNCHANGED, UPDATED
from models import db

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


class ImportCommand(click.Command):
    """A command whose help lists the kinds registered when it is shown."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help_text(ctx, formatter)
        with formatter.section("KIND"):
            formatter.write_dl([(kind, importer.label) for kind, importer in KINDS.items()])


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
@with_appcontext
def import_command(
    kind: str,
    file: Path,
    dry_run: bool,
    skip_invalid: bool,
    fiscal_year: int | None,
    as_json: bool,
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

    limits = Limits(max_bytes=current_app.config.get("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))
    progress = TerminalProgress(enabled=not as_json and is_terminal())
    name = str(file)
    try:
        progress("read", 0, 1)
        content = read_file(file, limits)
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
        progress.clear()
        if as_json:
            echo_json({"kind": kind, "file": name, "error": str(error), "written": False})
        else:
            click.echo(f"นำเข้าไฟล์ {name} ไม่ได้: {error}")
            click.echo("ไม่ได้บันทึกข้อมูลใดๆ")
        sys.exit(UNREADABLE)
    progress.clear()
    if as_json:
        echo_json(result.as_dict())
    else:
        click.echo(summary(result))
    sys.exit(WRITTEN if result.written else REJECTED_EXIT)


def ensure_schema() -> None:
    """Apply the migrations, so that a fresh database works.

    A database built without them (db.create_all, as the tests do) has tables but no
    alembic_version; upgrading it would fail on its existing tables, so it is left as it is.
    """
    from seed.cli import apply_migrations

    tables = set(inspect(db.engine).get_table_names())
    if not tables or "alembic_version" in tables:
        apply_migrations()


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
    """Redraw one status line with \\r while the import runs; silent unless enabled."""

    width = 30

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        filled = self.width * done // total if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"{STAGE_LABELS.get(stage, stage)} [{bar}] {done:,}/{total:,}"
        click.echo("\r" + line.ljust(self.shown), nl=False)
        self.shown = max(self.shown, len(line))

    def clear(self) -> None:
        if self.shown:
            click.echo("\r" + " " * self.shown + "\r", nl=False)
            self.shown = 0


def summary(result: ImportResult) -> str:
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

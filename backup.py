"""Backup and restore: the whole database and the kept files in one portable archive.

`flask --app app backup FILE` writes a zip that any Samatta database can take back, SQLite
or PostgreSQL, whichever it came from:

    manifest.json          format, when, the schema revision, each table's columns and rows
    tables/NAME.jsonl      one JSON object per row, tables in dependency order
    files/uploads/...      UPLOAD_FOLDER (MOU documents, placement plans, the emblem)
    files/imports/...      IMPORT_FOLDER (uploaded spreadsheets and their error copies)

`flask --app app restore FILE` loads it into an empty database (an empty one is migrated
first) and refuses a database that holds records unless --force, which empties it first.
Rows go in with Core statements, so no change-log rows are written for them and the ids
stay as they were; PostgreSQL's id sequences are then moved past the highest id.
Exit 0 when done, 1 when refused, 2 when the archive cannot be read.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import json
import shutil
import sys
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Connection, Table, bindparam, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from models import db

FORMAT = "samatta-backup"
FORMAT_VERSION = 1
# Rows per INSERT batch (executemany) and per fetch when reading.
BATCH = 1000
FOLDERS = {"uploads": "UPLOAD_FOLDER", "imports": "IMPORT_FOLDER"}
REFUSED, UNREADABLE = 1, 2


class BackupError(Exception):
    """A backup or restore cannot go on; str(error) says why, in Thai; code: the exit code."""

    def __init__(self, message: str, code: int = REFUSED) -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------- values


def encode(value: Any) -> Any:
    """A column's Python value as JSON can hold it (decoded by the column's type)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, enum.Enum):
        return value.value
    return value


def python_type(column) -> type | None:
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def decoder(column):
    """The function that turns a column's JSON value back into what its type binds."""
    kind = python_type(column)
    if kind is dt.datetime:
        return dt.datetime.fromisoformat
    if kind is dt.date:
        return dt.date.fromisoformat
    if kind is dt.time:
        return dt.time.fromisoformat
    if kind is Decimal:
        return Decimal
    if kind is bytes:
        return base64.b64decode
    return None


# --------------------------------------------------------------------------- backup


def tables() -> list[Table]:
    """Every table of the models, each after the tables it refers to."""
    return list(db.metadata.sorted_tables)


def schema_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def rows_of(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
        select(table).order_by(*order)
    )
    for row in result.mappings():
        yield {name: encode(value) for name, value in row.items()}


def kept_files(config) -> Iterator[tuple[str, Path]]:
    """(name in the archive, path on disk) of every file in the kept-file folders."""
    for label, key in FOLDERS.items():
        folder = Path(config[key])
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield f"files/{label}/{path.relative_to(folder).as_posix()}", path


def read_snapshot(connection: Connection) -> Connection:
    """Make the connection read every table as of one moment, while others write.

    PostgreSQL: one REPEATABLE READ transaction. SQLite: an explicit BEGIN, since the
    driver starts none for reads; in WAL mode the read transaction sees one snapshot.
    """
    if connection.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
    return connection


def write_backup(connection: Connection, target: Path, config) -> dict[str, Any]:
    """Write the archive (of one snapshot of the database); return its manifest."""
    connection = read_snapshot(connection)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": connection.dialect.name,
        "revision": schema_revision(connection),
        "tables": [],
        "files": [],
    }
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables():
            count = 0
            with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as out:
                for row in rows_of(connection, table):
                    out.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
                    count += 1
            manifest["tables"].append(
                {"name": table.name, "columns": [c.name for c in table.columns], "rows": count}
            )
        for name, path in kept_files(config):
            archive.write(path, name)
            manifest["files"].append(name)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    partial.replace(target)
    return manifest


# --------------------------------------------------------------------------- restore


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError("ไฟล์นี้ไม่ใช่ไฟล์สำรองข้อมูลของระบบ (ไม่มี manifest.json)", UNREADABLE) from error
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or manifest.get("version") != FORMAT_VERSION
    ):
        raise BackupError("ไฟล์นี้ไม่ใช่ไฟล์สำรองข้อมูลของระบบ หรือเป็นรุ่นที่ไม่รู้จัก", UNREADABLE)
    return manifest


def check_fits(connection: Connection, manifest: dict[str, Any]) -> None:
    """Refuse an archive whose tables or columns this database does not have."""
    known = {table.name: table for table in tables()}
    for entry in manifest["tables"]:
        table = known.get(entry["name"])
        if table is None:
            raise BackupError(f"ฐานข้อมูลนี้ไม่มีตาราง {entry['name']} ที่อยู่ในไฟล์สำรอง")
        missing = sorted(set(entry["columns"]) - set(table.columns.keys()))
        if missing:
            raise BackupError(
                f"ตาราง {entry['name']} ในฐานข้อมูลนี้ไม่มีคอลัมน์ {', '.join(missing)} ที่อยู่ในไฟล์สำรอง"
            )
    revision = schema_revision(connection)
    if manifest.get("revision") and revision and revision != manifest["revision"]:
        raise BackupError(
            f"ไฟล์สำรองมาจากฐานข้อมูลรุ่น {manifest['revision']} แต่ฐานข้อมูลนี้เป็นรุ่น "
            f"{revision}: ปรับรุ่นฐานข้อมูล (flask --app app db upgrade) ให้ตรงกันก่อน"
        )


def non_empty_tables(connection: Connection) -> list[str]:
    existing = set(inspect(connection).get_table_names())
    return [
        table.name
        for table in tables()
        if table.name in existing
        and connection.scalar(select(func.count()).select_from(select(table).limit(1).subquery()))
    ]


def empty_database(connection: Connection) -> None:
    for table in reversed(tables()):
        connection.execute(table.delete())


def later_references(table: Table, loaded: set[str]) -> list[str]:
    """Columns of table that refer to a table not loaded before it (itself, or a cycle)."""
    return sorted(
        {
            fk.parent.name
            for fk in table.foreign_keys
            if fk.column.table.name not in loaded and fk.parent.nullable
        }
    )


def load_table(
    connection: Connection, archive: zipfile.ZipFile, table: Table, loaded: set[str]
) -> int:
    """Insert a table's rows; columns that refer to rows not yet in go in afterwards."""
    deferred = later_references(table, loaded)
    # The second step sets these columns' values as they were, not their onupdate default.
    kept = [c.name for c in table.columns if c.onupdate is not None and c.name not in deferred]
    decoders = {c.name: decoder(c) for c in table.columns if decoder(c)}
    keys = [c.name for c in table.primary_key.columns]
    later: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    count = 0
    with archive.open(f"tables/{table.name}.jsonl") as lines:
        for line in lines:
            row = json.loads(line)
            for name, convert in decoders.items():
                if row.get(name) is not None:
                    row[name] = convert(row[name])
            if deferred and any(row.get(name) is not None for name in deferred):
                later.append(
                    {f"_{k}": row[k] for k in keys} | {k: row.get(k) for k in deferred + kept}
                )
                row = row | dict.fromkeys(deferred)
            batch.append(row)
            count += 1
            if len(batch) >= BATCH:
                connection.execute(table.insert(), batch)
                batch = []
    if batch:
        connection.execute(table.insert(), batch)
    if later:
        statement = (
            update(table)
            .where(*(table.c[k] == bindparam(f"_{k}") for k in keys))
            .values({k: bindparam(k) for k in deferred + kept})
        )
        connection.execute(statement, later)
    return count


def reset_sequences(connection: Connection) -> None:
    """Move each PostgreSQL id sequence past the highest id restored."""
    if connection.dialect.name != "postgresql":
        return
    preparer = connection.dialect.identifier_preparer
    for table in tables():
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or python_type(columns[0]) is not int:
            continue
        sequence = connection.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": preparer.format_table(table), "column": columns[0].name},
        )
        if sequence:
            top = connection.scalar(select(func.max(columns[0])))
            connection.execute(
                text("SELECT setval(:sequence, :value, :called)"),
                {"sequence": sequence, "value": top or 1, "called": top is not None},
            )


def rebuild_search(connection: Connection) -> None:
    """Rebuild the name-search index if the app has one (search_index.py)."""
    try:
        import search_index
    except ImportError:
        return
    rebuild = getattr(search_index, "rebuild", None)
    if rebuild is not None:
        rebuild(connection)


def file_targets(manifest: dict[str, Any], config) -> list[tuple[str, Path]]:
    """(name in the archive, path to write) of each kept file; refuse a name that escapes."""
    targets = []
    for name in manifest.get("files", []):
        parts = PurePosixPath(str(name)).parts
        if len(parts) < 3 or parts[0] != "files" or parts[1] not in FOLDERS or ".." in parts:
            raise BackupError(f"ไฟล์สำรองมีชื่อไฟล์ที่ใช้ไม่ได้: {name}")
        targets.append((name, Path(config[FOLDERS[parts[1]]]).joinpath(*parts[2:])))
    return targets


def restore_files(archive: zipfile.ZipFile, targets: list[tuple[str, Path]]) -> None:
    for name, target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(name) as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)


def restore_backup(source: Path, config, force: bool = False) -> dict[str, Any]:
    """Load an archive into the app's database and folders; return its manifest."""
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"อ่านไฟล์ {source} ไม่ได้: {error}", UNREADABLE) from error
    with archive:
        manifest = read_manifest(archive)
        targets = file_targets(manifest, config)
        with db.engine.connect() as connection:
            empty = not set(inspect(connection).get_table_names()) & {t.name for t in tables()}
        if empty:
            from schema import apply_migrations

            apply_migrations()
        with db.engine.begin() as connection:
            check_fits(connection, manifest)
            filled = non_empty_tables(connection)
            if filled and not force:
                raise BackupError(
                    "ฐานข้อมูลนี้มีข้อมูลอยู่แล้ว (ตาราง "
                    + ", ".join(filled[:5])
                    + ("…" if len(filled) > 5 else "")
                    + "): กู้คืนได้เฉพาะฐานข้อมูลว่าง หรือใช้ --force เพื่อลบข้อมูลเดิมทั้งหมดก่อน"
                )
            if filled:
                empty_database(connection)
            in_archive = {entry["name"] for entry in manifest["tables"]}
            loaded: set[str] = set()
            for table in tables():
                if table.name in in_archive:
                    try:
                        load_table(connection, archive, table, loaded)
                    except DBAPIError as error:
                        raise BackupError(f"กู้คืนตาราง {table.name} ไม่ได้: {error.orig}") from error
                loaded.add(table.name)
            reset_sequences(connection)
            rebuild_search(connection)
        restore_files(archive, targets)
    return manifest


# --------------------------------------------------------------------------- commands


def fail(message: str, code: int) -> None:
    click.echo(f"ผิดพลาด: {message}", err=True)
    sys.exit(code)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write the database and the kept files (uploads, imports) to a zip FILE."""
    try:
        with db.engine.connect() as connection:
            manifest = write_backup(connection, file, current_app.config)
    except OSError as error:
        fail(f"เขียนไฟล์ {file} ไม่ได้: {error}", UNREADABLE)
    rows = sum(entry["rows"] for entry in manifest["tables"])
    click.echo(
        f"สำรองข้อมูลแล้ว: {rows:,} แถวจาก {len(manifest['tables'])} ตาราง "
        f"และไฟล์ {len(manifest['files']):,} ไฟล์ ไปที่ {file}"
    )


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Empty a database that holds records first.")
@with_appcontext
def restore_command(file: Path, force: bool) -> None:
    """Load a backup FILE into this database (empty, or emptied with --force)."""
    try:
        manifest = restore_backup(file, current_app.config, force=force)
    except BackupError as error:
        fail(str(error), error.code)
    rows = sum(entry["rows"] for entry in manifest["tables"])
    click.echo(
        f"กู้คืนข้อมูลแล้ว: {rows:,} แถวจาก {len(manifest['tables'])} ตาราง "
        f"และไฟล์ {len(manifest['files']):,} ไฟล์ จาก {file}"
    )

"""`flask --app app backup FILE` and `restore FILE`: every table and kept file, both databases."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from apps import build_app, fill_schema
from helpers import USERS, login, make_user
from sqlalchemy import func, select

import backup
from models import Agency, ImportBatch, LetterCounter, Teacher, db
from seed.demo import load_demo
from thai.nid import make_national_id

THAI_PDF = "บันทึกข้อตกลง ฉบับลงนาม.pdf"


def fill(app):
    """A demonstration's records, rows that refer to later rows of their own table, a login
    (its attempts and change-log rows), and kept files with Thai names."""
    with app.app_context():
        load_demo()
        first = db.session.scalar(select(Agency).order_by(Agency.id).limit(1))
        last = db.session.scalar(select(Agency).order_by(Agency.id.desc()).limit(1))
        first.parent = last
        batches = [
            ImportBatch(
                kind="teachers",
                filename=f"รายชื่อครู {n}.xlsx",
                size=10,
                sha256="0" * 64,
                stored_path=f"2026/12/{n}.xlsx",
                options={"round": 2568, "note": "ทดลอง"},
            )
            for n in (1, 2)
        ]
        db.session.add_all(batches)
        db.session.flush()
        batches[0].undo_of_id = batches[1].id
        db.session.add(LetterCounter(year=2568, last_number=41))
        db.session.commit()
    make_user(app, "editor")
    client = app.test_client()
    login(client, USERS["editor"], "wrong password")
    login(client, USERS["editor"])
    uploads = Path(app.config["UPLOAD_FOLDER"])
    (uploads / "mous").mkdir(parents=True)
    (uploads / "mous" / THAI_PDF).write_bytes(b"%PDF-1.4 signed")
    imports = Path(app.config["IMPORT_FOLDER"])
    (imports / "2026" / "12").mkdir(parents=True)
    (imports / "2026" / "12" / "1.xlsx").write_bytes(b"PK\x03\x04 sheet")


@pytest.fixture(scope="module")
def source(databases, tmp_path_factory):
    """An app on the suite's database filled once for this module, its backup and snapshot."""
    folder = tmp_path_factory.mktemp("source")
    if databases.postgresql:
        uri = databases.create("reference")
    else:
        uri = f"sqlite:///{folder / 'samatta.db'}"
        fill_schema(build_app(folder, database_uri=uri), True)
    app = build_app(folder, database_uri=uri)
    fill(app)
    archive = folder / "samatta-backup.zip"
    result = run(app, "backup", str(archive))
    assert result.exit_code == 0, result.output
    assert "สำรองข้อมูลแล้ว" in result.output
    yield SimpleNamespace(app=app, archive=archive, snapshot=snapshot(app), output=result.output)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if databases.postgresql:
        databases.drop(uri)


def snapshot(app) -> dict[str, list]:
    """Every table's rows (in key order) as the archive writes them, and every kept file."""
    tables = {}
    with app.app_context(), db.engine.connect() as connection:
        for table in backup.tables():
            tables[table.name] = list(backup.rows_of(connection, table))
        files = {name: path.read_bytes() for name, path in backup.kept_files(app.config)}
    return {"tables": tables, "files": files}


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_a_restored_backup_holds_every_row_and_file(source, new_app):
    restored = new_app("schema")
    result = run(restored, "restore", str(source.archive))
    assert result.exit_code == 0, result.output
    assert "กู้คืนข้อมูลแล้ว" in result.output
    before, after = source.snapshot, snapshot(restored)
    assert set(before["tables"]) == {t.name for t in db.metadata.sorted_tables}
    for name, rows in before["tables"].items():
        assert after["tables"][name] == rows, name
    assert after["files"] == before["files"]
    assert f"files/uploads/mous/{THAI_PDF}" in after["files"]
    # Every table the demonstration and the login fill came back (and so was compared).
    empty = {name for name, rows in before["tables"].items() if not rows}
    assert not empty & {"agency", "teacher", "placement", "audit_log", "import_batch", "user"}


def test_new_records_after_a_restore_take_new_ids(source, new_app):
    restored = new_app("schema")
    assert run(restored, "restore", str(source.archive)).exit_code == 0
    with restored.app_context():
        highest = db.session.scalar(select(func.max(Teacher.id)))
        college = db.session.scalar(select(Agency).where(Agency.kind == "college"))
        teacher = Teacher(
            national_id=make_national_id("399990000001"),
            prefix="นาย",
            first_name="ใหม่",
            last_name="หลังกู้คืน",
            college=college,
        )
        db.session.add(teacher)
        db.session.commit()
        assert teacher.id > highest


def test_restore_refuses_a_database_that_holds_records(source, app, reference):
    make_user(app, "viewer")
    result = run(app, "restore", str(source.archive))
    assert result.exit_code == 1
    assert "มีข้อมูลอยู่แล้ว" in result.output and "--force" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Teacher)) == 0

    result = run(app, "restore", "--force", str(source.archive))
    assert result.exit_code == 0, result.output
    assert snapshot(app) == source.snapshot


def test_a_backup_moves_between_sqlite_and_the_suite_database(source, new_app, tmp_path):
    """The suite's database (PostgreSQL in CI's second run) to SQLite and back again."""
    folder = tmp_path / "sqlite"
    folder.mkdir()
    fill_schema(build_app(folder), False)
    on_sqlite = build_app(folder)
    second = tmp_path / "from-sqlite.zip"
    try:
        result = run(on_sqlite, "restore", str(source.archive))
        assert result.exit_code == 0, result.output
        assert snapshot(on_sqlite) == source.snapshot
        assert run(on_sqlite, "backup", str(second)).exit_code == 0
    finally:
        with on_sqlite.app_context():
            db.engine.dispose()
    with zipfile.ZipFile(second) as archive:
        assert json.loads(archive.read("manifest.json"))["database"] == "sqlite"

    back = new_app("schema")
    assert run(back, "restore", str(second)).exit_code == 0
    assert snapshot(back) == source.snapshot


def test_restore_refuses_what_is_not_a_backup(app, tmp_path):
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    result = run(app, "restore", str(not_zip))
    assert result.exit_code == 2
    assert "อ่านไฟล์" in result.output

    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "not a backup")
    result = run(app, "restore", str(other_zip))
    assert result.exit_code == 2
    assert "ไม่ใช่ไฟล์สำรองข้อมูล" in result.output


def test_restore_writes_no_file_outside_the_kept_folders(source, app, tmp_path):
    archive_path = tmp_path / "evil.zip"
    with zipfile.ZipFile(source.archive) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest["files"] = ["files/uploads/../../escaped.txt"]
    members["manifest.json"] = json.dumps(manifest).encode()
    members["files/uploads/../../escaped.txt"] = b"x"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = run(app, "restore", str(archive_path))
    assert result.exit_code == 1
    assert "ชื่อไฟล์ที่ใช้ไม่ได้" in result.output
    assert not (tmp_path / "escaped.txt").exists()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Teacher)) == 0

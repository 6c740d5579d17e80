"""Every import write in the change log: who, which batch, and what changed (or nothing)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from helpers import USERS, make_user, page, text_of
from sqlalchemy import select

import audit
from importers import service
from importers.cli import import_command
from models import AuditLog, ImportBatch, ImportStatus, Mou, Teacher, db
from thai.nid import make_national_id

NIDS = [make_national_id(f"31001000{n:04d}") for n in range(1, 4)]
BAD_NID = "3100100000000"
TEACHERS = "เลขประจำตัวประชาชน,ชื่อ-นามสกุล,สถานศึกษา,แผนกวิชา,วันเกิด\n"
MOUS = "เลขที่,ชื่อบันทึกข้อตกลง,คู่ภาคี,วันที่ลงนาม,วันสิ้นสุด\n"
MOU_LINE = "MOU-2568-001,ความร่วมมือทดลอง,BMA; TPQI,1/10/2567,{ends}\n"


# Uploads are checked and written inside the request (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("imports_in_request")


def teachers_csv(*rows):
    lines = "".join(
        f"{nid},{name},C5201,{department},24/01/2528\n" for nid, name, department in rows
    )
    return (TEACHERS + lines).encode("utf-8")


FIRST = teachers_csv((NIDS[0], "นายศานนท์ ศรีสุข", "ช่างยนต์"), (NIDS[1], "นางสาวจุลลดา ใจดี", "บัญชี"))
SECOND = teachers_csv(
    (NIDS[0], "นายศานนท์ ศรีสุข", "ช่างไฟฟ้า"),
    (NIDS[1], "นางสาวจุลลดา ใจดี", "บัญชี"),
    (BAD_NID, "นายธนุ มั่นคง", "ช่างกล"),
)


def logged(app, table):
    """(action, record id, batch id, user, changes) of each change-log row of a table."""
    with app.app_context():
        rows = db.session.execute(
            select(
                AuditLog.action,
                AuditLog.record_id,
                AuditLog.batch_id,
                AuditLog.user_email,
                AuditLog.changes,
            )
            .where(AuditLog.table_name == table)
            .order_by(AuditLog.id)
        )
        return [tuple(row) for row in rows]


def teacher_id(app, nid):
    with app.app_context():
        return str(db.session.scalar(select(Teacher.id).where(Teacher.national_id == nid)))


def admin_import(app, kind, content, filename, user=USERS["editor"], skip_invalid=False):
    """Store, check and write a file as the admin pages do; return the batch id."""
    with app.app_context():
        settings = service.Settings.from_config(app.config)
        batch = service.store_upload(
            db.session,
            settings,
            kind=kind,
            filename=filename,
            content=content,
            user_email=user,
            skip_invalid=skip_invalid,
        )
        batch_id = batch.id
        service.check(db.session, batch_id, settings, error_copy=False)
        assert service.start_writing(db.session, batch_id)
        service.write(db.session, batch_id, settings, error_copy=False)
        assert db.session.get(ImportBatch, batch_id).status == ImportStatus.WRITTEN.value
        return batch_id


# --------------------------------------------------------------------------- the admin


def test_admin_teacher_imports_log_each_outcome_with_the_batch(app, reference):
    first = admin_import(app, "teachers", FIRST, "first.csv")
    created = logged(app, "teacher")
    assert [(a, b, u) for a, _r, b, u, _c in created] == [
        ("create", first, USERS["editor"]),
        ("create", first, USERS["editor"]),
    ]
    values = next(c for _a, r, _b, _u, c in created if r == teacher_id(app, NIDS[0]))
    assert values["national_id"] == NIDS[0]
    assert values["department"] == "ช่างยนต์"
    assert values["birth_date"] == "1985-01-24"  # ISO text, as the ORM hook stores dates
    assert values["id"] == int(teacher_id(app, NIDS[0]))

    second = admin_import(app, "teachers", SECOND, "second.csv", skip_invalid=True)
    rows = logged(app, "teacher")[2:]
    # The changed teacher has one row with old and new; the unchanged and the rejected none.
    assert rows == [
        (
            "update",
            teacher_id(app, NIDS[0]),
            second,
            USERS["editor"],
            {"department": ["ช่างยนต์", "ช่างไฟฟ้า"]},
        )
    ]


def test_admin_mou_imports_log_through_the_orm_with_the_batch(app, reference):
    first = admin_import(app, "mous", (MOUS + MOU_LINE.format(ends="")).encode(), "mous.csv")
    rows = logged(app, "mou")
    assert [(a, b, u) for a, _r, b, u, _c in rows] == [("create", first, USERS["editor"])]
    assert rows[0][4]["ref_no"] == "MOU-2568-001"
    parties = logged(app, "mou_party")
    assert [(a, b) for a, _r, b, _u, _c in parties] == [("create", first), ("create", first)]

    again = MOUS + MOU_LINE.format(ends="") + MOU_LINE.replace("001", "002").format(ends="x")
    second = admin_import(app, "mous", again.encode(), "again.csv", skip_invalid=True)
    changed = (MOUS + MOU_LINE.format(ends="30/9/2570")).encode()
    third = admin_import(app, "mous", changed, "changed.csv")
    rows = logged(app, "mou")
    # Unchanged (second) and rejected rows leave no trace; the change is old and new.
    assert second not in {b for _a, _r, b, _u, _c in rows}
    assert rows[1][:3] == ("update", rows[0][1], third)
    assert rows[1][4] == {"expires_on": [None, "2027-09-30"]}


def test_a_check_alone_logs_nothing(app, reference):
    with app.app_context():
        settings = service.Settings.from_config(app.config)
        batch = service.store_upload(
            db.session, settings, kind="teachers", filename="a.csv", content=FIRST, user_email="x"
        )
        service.check(db.session, batch.id, settings, error_copy=False)
    assert logged(app, "teacher") == []


# --------------------------------------------------------------------------- the command


def cli(runner, tmp_path, kind, content, *args):
    path = tmp_path / f"{kind}-{len(list(tmp_path.iterdir()))}.csv"
    path.write_bytes(content)
    return runner.invoke(import_command, [kind, str(path), *args])


def batches(app):
    with app.app_context():
        rows = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id)).all()
        db.session.expunge_all()
        return rows


def test_a_cli_write_is_a_batch_with_user_cli(app, runner, reference, tmp_path):
    result = cli(runner, tmp_path, "teachers", FIRST)
    assert result.exit_code == 0, result.output
    (batch,) = batches(app)
    assert (batch.kind, batch.user_email, batch.status) == ("teachers", "cli", "written")
    assert (batch.rows, batch.created, batch.updated) == (2, 2, 0)
    assert batch.finished_at is not None
    assert f"รายการเลขที่ {batch.id}" in result.output
    assert len(batch.sha256) == 64 and batch.size == len(FIRST)
    stored = tmp_path / "imports" / batch.stored_path
    assert stored.read_bytes() == FIRST
    assert {(a, b, u) for a, _r, b, u, _c in logged(app, "teacher")} == {
        ("create", batch.id, "cli")
    }


def test_a_cli_write_names_the_user(app, runner, reference, tmp_path):
    make_user(app, "editor")
    result = cli(
        runner,
        tmp_path,
        "mous",
        (MOUS + MOU_LINE.format(ends="")).encode(),
        "--user",
        USERS["editor"].upper(),
    )
    assert result.exit_code == 0, result.output
    (batch,) = batches(app)
    assert batch.user_email == USERS["editor"]
    assert {(b, u) for _a, _r, b, u, _c in logged(app, "mou")} == {(batch.id, USERS["editor"])}


def test_an_unknown_user_is_a_usage_error(app, runner, reference, tmp_path):
    result = cli(runner, tmp_path, "teachers", FIRST, "--user", "nobody@example.go.th")
    assert result.exit_code == 2
    assert "ไม่พบผู้ใช้งาน" in result.output
    assert batches(app) == []
    with app.app_context():
        assert db.session.scalar(select(Teacher.id)) is None


def test_rejected_and_dry_runs_are_batches_without_changes(app, runner, reference, tmp_path):
    rejected = cli(runner, tmp_path, "teachers", SECOND)
    assert rejected.exit_code == 1
    dry = cli(runner, tmp_path, "teachers", FIRST, "--dry-run")
    assert dry.exit_code == 0
    statuses = [(b.status, b.user_email, b.rejected) for b in batches(app)]
    assert statuses == [("rejected", "cli", 1), ("previewed", "cli", 0)]
    assert logged(app, "teacher") == []
    with app.app_context():
        assert db.session.scalar(select(Teacher.id)) is None


def test_an_unreadable_file_leaves_no_trace(app, runner, reference, tmp_path):
    unreadable = cli(runner, tmp_path, "teachers", b"\x00\x01 not a sheet")
    assert unreadable.exit_code == 2
    assert batches(app) == []
    assert not list((tmp_path / "imports").rglob("*.csv"))


def test_cli_updates_log_old_and_new_and_unchanged_rows_nothing(app, runner, reference, tmp_path):
    assert cli(runner, tmp_path, "teachers", FIRST).exit_code == 0
    result = cli(runner, tmp_path, "teachers", SECOND, "--skip-invalid")
    assert result.exit_code == 0, result.output
    second = batches(app)[-1]
    assert (second.created, second.updated, second.unchanged, second.rejected) == (0, 1, 1, 1)
    updates = [row for row in logged(app, "teacher") if row[0] == "update"]
    assert updates == [
        (
            "update",
            teacher_id(app, NIDS[0]),
            second.id,
            "cli",
            {"department": ["ช่างยนต์", "ช่างไฟฟ้า"]},
        )
    ]


# --------------------------------------------------------------------------- log_bulk


def test_log_bulk_writes_many_rows_as_the_hook_does(app):
    # More rows than one executemany chunk; its speed is for bench/imports.py to measure.
    ids = list(range(1, 25_001))
    changes = [{"first_name": "ศานนท์", "birth_date": "1985-01-24", "college_id": 5}] * len(ids)
    with app.app_context():
        audit.log_bulk(db.session, "teacher", "create", ids, changes, actor="cli", batch_id=None)
        db.session.commit()
        row = db.session.scalar(select(AuditLog).where(AuditLog.record_id == "25000"))
        assert (row.action, row.table_name, row.user_email) == ("create", "teacher", "cli")
        assert row.changes == changes[0]
        stored = (
            db.session.connection()
            .exec_driver_sql("SELECT CAST(changes AS TEXT) FROM audit_log WHERE record_id = '1'")
            .scalar()
        )
        assert "ศานนท์" in stored  # Thai as written, not \\u escapes


# --------------------------------------------------------------------------- the screens


def test_the_change_log_shows_and_filters_by_batch(app, reference, admin_client):
    batch_id = admin_import(app, "teachers", FIRST, "first.csv")
    text = text_of(admin_client.get("/admin/audit/"))
    assert f"การนำเข้าครั้งที่ {batch_id}" in text
    tree = page(admin_client.get("/admin/audit/"))
    assert tree.xpath(f"//a[contains(@href, '/admin/imports/batch/{batch_id}/')]")


def test_a_record_details_page_lists_its_history_with_the_batch(app, reference, editor_client):
    batch_id = admin_import(app, "teachers", FIRST, "first.csv")
    with app.app_context():
        teacher = db.session.scalar(select(Teacher).where(Teacher.national_id == NIDS[0]))
        with audit.acting(db.session, USERS["admin"]):
            teacher.position = "ครูชำนาญการ"
            db.session.commit()
        record_id = teacher.id
    response = editor_client.get(f"/admin/teacher/details/?id={record_id}")
    assert response.status_code == 200
    tree = page(response)
    assert "ประวัติการแก้ไข" in tree.xpath("string(//*[@id='history-heading'])")
    rows = tree.xpath("//table[@id='history']/tbody/tr")
    assert len(rows) == 2
    newest, oldest = (" ".join(row.text_content().split()) for row in rows)
    assert USERS["admin"] in newest and "ครูชำนาญการ" in newest
    assert USERS["editor"] in oldest and f"การนำเข้าครั้งที่ {batch_id}" in oldest
    assert tree.xpath(f"//table[@id='history']//a[contains(@href, '/imports/batch/{batch_id}/')]")


@pytest.mark.parametrize("endpoint", ["agency", "mou"])
def test_other_details_pages_have_the_history_too(app, reference, admin_client, endpoint):
    admin_import(app, "mous", (MOUS + MOU_LINE.format(ends="")).encode(), "mous.csv")
    with app.app_context():
        record_id = db.session.scalar(select(Mou.id)) if endpoint == "mou" else 1
    tree = page(admin_client.get(f"/admin/{endpoint}/details/?id={record_id}"))
    assert tree.xpath("//*[@id='history-heading']")


def test_history_masks_personal_data_from_viewers(app, reference, viewer_client):
    admin_import(app, "teachers", FIRST, "first.csv")
    admin_import(app, "teachers", SECOND, "second.csv", skip_invalid=True)
    record_id = teacher_id(app, NIDS[0])
    text = text_of(viewer_client.get(f"/admin/teacher/details/?id={record_id}"))
    assert "ประวัติการแก้ไข" in text
    # What the list shows anyone is shown as it changed; the national ID is masked.
    assert "ช่างยนต์ → ช่างไฟฟ้า" in text
    assert NIDS[0] not in text


def test_a_cli_run_with_errors_shows_them_on_its_page_and_in_its_error_copy(
    app, runner, reference, tmp_path, editor_client
):
    samples = Path(__file__).parent / "data" / "samples"
    agencies = runner.invoke(
        import_command, ["agencies", str(samples / "agencies.xlsx"), "--skip-invalid"]
    )
    assert agencies.exit_code == 0, agencies.output
    roster = runner.invoke(
        import_command, ["teachers", str(samples / "teachers_roster.xlsx"), "--skip-invalid"]
    )
    assert roster.exit_code == 0, roster.output
    batch = batches(app)[-1]
    assert (batch.kind, batch.status, batch.rejected) == ("teachers", "written", 4)

    shown = page(editor_client.get(f"/admin/imports/batch/{batch.id}/"))
    assert sorted({int(row) for row in shown.xpath("//table[@id='errors']//td[1]/text()")}) == [
        121,
        149,
        227,
        242,
    ]
    assert shown.xpath("//*[@id='rows-kept']") and not shown.xpath("//*[@id='count-late']")

    with editor_client.get(f"/admin/imports/batch/{batch.id}/errors.xlsx") as copy:
        assert copy.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(copy.data)).active
    marked = {cells[0].row for cells in sheet.iter_rows() if cells[-1].value and cells[0].row > 4}
    assert marked == {121, 149, 227, 242}

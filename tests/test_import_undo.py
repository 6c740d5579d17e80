"""Undoing an import: what it created is gone, what it changed is back, or nothing is done."""

from __future__ import annotations

import pytest
from helpers import USERS, count, csrf_token, make_user, page, text_of
from sqlalchemy import select

import audit
from importers.cli import undo_command
from importers.undo import UnknownBatch, undo_batch
from models import Agency, AuditLog, ImportBatch, ImportStatus, Mou, MouParty, Teacher, db
from thai.nid import make_national_id

NIDS = [make_national_id(f"31001000{n:04d}") for n in range(1, 4)]
TEACHERS = "เลขประจำตัวประชาชน,ชื่อ-นามสกุล,สถานศึกษา,แผนกวิชา,วันเกิด\n"
MOUS = "เลขที่,ชื่อบันทึกข้อตกลง,คู่ภาคี,วันที่ลงนาม,วันสิ้นสุด\n"


# Uploads are checked and written inside the request (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("imports_in_request")


def cli_import(runner, tmp_path, kind, text, *args):
    path = tmp_path / f"{kind}-{len(list(tmp_path.iterdir()))}.csv"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["import", kind, str(path), *args])
    assert result.exit_code == 0, result.output
    return latest_batch(runner.app)


def latest_batch(app):
    with app.app_context():
        return db.session.scalar(select(ImportBatch.id).order_by(ImportBatch.id.desc()))


def teachers_csv(*rows):
    return TEACHERS + "".join(
        f"{nid},{name},C5201,{department},24/01/2528\n" for nid, name, department in rows
    )


def teacher_state(app):
    """Every teacher as stored, without the time stamps and the version an undo moves on."""
    with app.app_context():
        table = Teacher.__table__
        columns = [c for c in table.c if c.name not in ("created_at", "updated_at", "version")]
        return sorted(tuple(row) for row in db.session.execute(select(*columns)))


def undo(app, batch_id, actor="admin@example.go.th", **options):
    with app.app_context():
        return undo_batch(db.session, batch_id, actor, **options)


def status_of(app, batch_id):
    with app.app_context():
        return db.session.get(ImportBatch, batch_id).status


@pytest.fixture
def first(app, runner, reference, tmp_path):
    """Two teachers imported by the command; returns its batch id."""
    rows = [(NIDS[0], "นายศานนท์ ศรีสุข", "ช่างยนต์"), (NIDS[1], "นางสาวจุลลดา ใจดี", "บัญชี")]
    return cli_import(runner, tmp_path, "teachers", teachers_csv(*rows))


@pytest.fixture
def second(app, runner, first, tmp_path):
    """A second roster: one department changed, one teacher added, one left as it is."""
    rows = [
        (NIDS[0], "นายศานนท์ ศรีสุข", "ช่างไฟฟ้า"),
        (NIDS[1], "นางสาวจุลลดา ใจดี", "บัญชี"),
        (NIDS[2], "นายธนุ มั่นคง", "ช่างกล"),
    ]
    before = teacher_state(app)
    batch_id = cli_import(runner, tmp_path, "teachers", teachers_csv(*rows))
    return batch_id, before


# --------------------------------------------------------------------------- undo


def test_undo_removes_what_the_batch_created_and_restores_what_it_changed(app, second):
    batch_id, before = second
    assert teacher_state(app) != before
    result = undo(app, batch_id)
    assert result.done and not result.reasons
    assert (result.removed, result.restored) == ({"teacher": 1}, {"teacher": 1})
    assert teacher_state(app) == before
    with app.app_context():
        original = db.session.get(ImportBatch, batch_id)
        assert original.status == ImportStatus.UNDONE.value
        assert original.undone_by == "admin@example.go.th" and original.undone_at
        undo_row = db.session.get(ImportBatch, result.undo_batch_id)
        assert (undo_row.undo_of_id, undo_row.kind) == (batch_id, "teachers")
        assert (undo_row.status, undo_row.user_email) == ("written", "admin@example.go.th")
        # The undo's own changes are in the change log under the undo's batch.
        logged = db.session.execute(
            select(AuditLog.action, AuditLog.user_email, AuditLog.changes).where(
                AuditLog.batch_id == result.undo_batch_id
            )
        ).all()
        actions = sorted(action for action, _who, _changes in logged)
        assert actions == ["delete", "update"]
        assert {who for _a, who, _c in logged} == {"admin@example.go.th"}
        update = next(changes for action, _w, changes in logged if action == "update")
        assert update == {"department": ["ช่างไฟฟ้า", "ช่างยนต์"]}


def test_undo_of_the_first_batch_after_the_second_is_undone(app, second):
    batch_id, _before = second
    assert undo(app, batch_id).done
    assert undo(app, batch_id - 1).done
    assert teacher_state(app) == []


def test_a_dry_run_says_what_would_be_undone_and_changes_nothing(app, second):
    batch_id, _before = second
    after = teacher_state(app)
    result = undo(app, batch_id, dry_run=True)
    assert result.done and result.undo_batch_id is None
    assert result.removed == {"teacher": 1}
    assert teacher_state(app) == after
    assert status_of(app, batch_id) == "written"


def test_a_record_changed_since_refuses_the_undo_naming_it(app, second):
    batch_id, _before = second
    with app.app_context():
        teacher = db.session.scalar(select(Teacher).where(Teacher.national_id == NIDS[0]))
        with audit.acting(db.session, "editor@example.go.th"):
            teacher.position = "ครูชำนาญการ"
            db.session.commit()
    after = teacher_state(app)
    result = undo(app, batch_id)
    assert result.refused
    (reason,) = result.reasons
    assert f'ครู "นายศานนท์ ศรีสุข" ({NIDS[0]})' in reason
    assert "ถูกแก้ไขหลังการนำเข้านี้ เมื่อ" in reason and "editor@example.go.th" in reason
    assert teacher_state(app) == after
    assert status_of(app, batch_id) == "written"
    assert count(app, ImportBatch, ImportBatch.undo_of_id.is_not(None)) == 0


def test_removing_a_record_that_later_records_point_at_is_refused(app, runner, reference, tmp_path):
    batch_id = cli_import(
        runner, tmp_path, "mous", MOUS + "MOU-2568-001,ความร่วมมือทดลอง,BMA; TPQI,1/10/2567,\n"
    )
    with app.app_context():
        mou = db.session.scalar(select(Mou).where(Mou.ref_no == "MOU-2568-001"))
        eef = db.session.scalar(select(Agency).where(Agency.code == "EEF"))
        mou.parties.append(MouParty(agency_id=eef.id))
        db.session.commit()
    result = undo(app, batch_id)
    assert result.refused
    assert any("คู่ภาคี" in reason and "ยังอ้างถึงอยู่" in reason for reason in result.reasons)
    assert count(app, Mou) == 1 and count(app, MouParty) == 3


def test_an_mou_batch_is_undone_children_first(app, runner, reference, tmp_path):
    batch_id = cli_import(
        runner, tmp_path, "mous", MOUS + "MOU-2568-001,ความร่วมมือทดลอง,BMA; TPQI,1/10/2567,\n"
    )
    result = undo(app, batch_id)
    assert result.done, result.reasons
    assert result.removed == {"mou": 1, "mou_party": 2}
    assert count(app, Mou) == 0 and count(app, MouParty) == 0


def test_parties_the_batch_dropped_come_back(app, runner, reference, tmp_path):
    line = "MOU-2568-001,ความร่วมมือทดลอง,{},1/10/2567,\n"
    cli_import(runner, tmp_path, "mous", MOUS + line.format("BMA; TPQI"))
    batch_id = cli_import(runner, tmp_path, "mous", MOUS + line.format("BMA; EEF"))
    result = undo(app, batch_id)
    assert result.done, result.reasons
    with app.app_context():
        mou = db.session.scalar(select(Mou).where(Mou.ref_no == "MOU-2568-001"))
        assert {party.agency.code for party in mou.parties} == {"BMA", "TPQI"}


def test_an_undo_cannot_be_undone_nor_a_batch_undone_twice(app, second):
    batch_id, _before = second
    result = undo(app, batch_id)
    again = undo(app, batch_id)
    assert again.refused and "ถูกย้อนไปแล้ว" in again.reasons[0]
    of_undo = undo(app, result.undo_batch_id)
    assert of_undo.refused and "an undo cannot be undone" in of_undo.reasons[0]


def test_only_written_batches_can_be_undone(app, runner, reference, tmp_path):
    path = tmp_path / "dry.csv"
    path.write_text(teachers_csv((NIDS[0], "นายศานนท์ ศรีสุข", "ช่างยนต์")), encoding="utf-8")
    assert runner.invoke(args=["import", "teachers", str(path), "--dry-run"]).exit_code == 0
    result = undo(app, latest_batch(app))
    assert result.refused and "ย้อนได้เฉพาะการนำเข้าที่บันทึกข้อมูลแล้ว" in result.reasons[0]
    with app.app_context(), pytest.raises(UnknownBatch):
        undo_batch(db.session, 999, "cli")


# --------------------------------------------------------------------------- the command


def test_the_undo_command_exit_codes(app, runner, second):
    batch_id, before = second
    dry = runner.invoke(undo_command, [str(batch_id), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "ครู: ลบ 1 รายการ, คืนค่าเดิม 1 รายการ" in dry.output
    assert "--dry-run" in dry.output
    unknown_user = runner.invoke(undo_command, [str(batch_id), "--user", "nobody@example.go.th"])
    assert unknown_user.exit_code == 2
    assert "ไม่พบผู้ใช้งาน" in unknown_user.output
    done = runner.invoke(undo_command, [str(batch_id)])
    assert done.exit_code == 0, done.output
    assert "ย้อนการนำเข้าเรียบร้อย" in done.output
    assert teacher_state(app) == before
    refused = runner.invoke(undo_command, [str(batch_id)])
    assert refused.exit_code == 1
    assert "ย้อนไม่ได้" in refused.output and "ถูกย้อนไปแล้ว" in refused.output
    assert runner.invoke(undo_command, ["999"]).exit_code == 2


def test_the_undo_command_names_the_user(app, runner, second):
    batch_id, _before = second
    make_user(app, "admin")
    result = runner.invoke(undo_command, [str(batch_id), "--user", USERS["admin"]])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).undone_by == USERS["admin"]


# --------------------------------------------------------------------------- the admin


def undo_url(batch_id):
    return f"/admin/imports/batch/{batch_id}/undo"


def test_only_admins_see_the_undo_button(app, second, editor_client, viewer_client):
    batch_id, _before = second
    for client in (editor_client, viewer_client):
        tree = page(client.get(f"/admin/imports/batch/{batch_id}/"))
        assert not tree.xpath("//*[@id='undo-button']")
        assert client.get(undo_url(batch_id)).status_code == 403
        assert client.post(undo_url(batch_id)).status_code == 403
    assert status_of(app, batch_id) == "written"


def test_an_admin_confirms_the_undo(app, second, admin_client):
    batch_id, before = second
    tree = page(admin_client.get(f"/admin/imports/batch/{batch_id}/"))
    (button,) = tree.xpath("//*[@id='undo-button']")
    assert button.get("href").endswith(undo_url(batch_id))
    confirm = admin_client.get(undo_url(batch_id))
    assert confirm.status_code == 200
    text = text_of(confirm)
    assert "ครู" in text
    assert teacher_state(app) != before
    done = admin_client.post(undo_url(batch_id), follow_redirects=True)
    assert done.status_code == 200
    assert teacher_state(app) == before
    assert status_of(app, batch_id) == "undone"
    history = text_of(admin_client.get("/admin/import-history/"))
    assert f"ย้อนการนำเข้าครั้งที่ {batch_id}" in history


def test_the_confirmation_page_says_why_an_undo_is_refused(app, second, admin_client):
    batch_id, _before = second
    with app.app_context():
        teacher = db.session.scalar(select(Teacher).where(Teacher.national_id == NIDS[2]))
        with audit.acting(db.session, "editor@example.go.th"):
            teacher.phone = "0812345678"
            db.session.commit()
    tree = page(admin_client.get(undo_url(batch_id)))
    assert "ถูกแก้ไขหลังการนำเข้านี้" in tree.xpath("string(//*[@id='undo-refused'])")
    assert not tree.xpath("//*[@id='confirm-undo']")
    admin_client.post(undo_url(batch_id))
    assert status_of(app, batch_id) == "written"


@pytest.mark.csrf
def test_the_undo_needs_a_csrf_token(app, second, admin_client):
    batch_id, _before = second
    assert admin_client.post(undo_url(batch_id)).status_code == 400
    token = csrf_token(admin_client, undo_url(batch_id))
    assert admin_client.post(undo_url(batch_id), data={"csrf_token": token}).status_code == 302
    assert status_of(app, batch_id) == "undone"

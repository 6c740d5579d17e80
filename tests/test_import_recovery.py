"""Imports cut short by a restart: shown failed, their file kept, checked again and written."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import count, page, text_of
from sqlalchemy import select, update
from test_import_admin import batch_url, clean_roster

from app import create_app
from importers import service
from importers.recovery import RESTARTED, host_name, is_alive, recover_stale, start_time, worker_id
from models import ImportBatch, ImportStatus, Teacher, db

ROOT = Path(__file__).resolve().parent.parent


# Uploads are checked and written inside the request (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("imports_in_request")


@pytest.fixture(scope="module")
def dead_worker():
    """The worker id of a process that has ended (and been reaped)."""
    result = subprocess.run(
        [sys.executable, "-c", "from importers.recovery import worker_id; print(worker_id())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    worker = result.stdout.strip()
    assert worker.startswith(f"{host_name()}:") and not is_alive(worker)
    return worker


def stored_batch(app, content, **values):
    """A batch as an upload leaves it (checking), then changed as if its process had died."""
    with app.app_context():
        settings = service.Settings.from_config(app.config)
        batch = service.store_upload(
            db.session,
            settings,
            kind="teachers",
            filename="roster.xlsx",
            content=content,
            user_email="editor@example.go.th",
        )
        assert batch.worker == worker_id()
        if values:
            db.session.execute(update(ImportBatch).where(ImportBatch.id == batch.id).values(values))
            db.session.commit()
        return batch.id, settings.path_of(batch)


def batch_of(app, batch_id):
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        db.session.expunge(batch)
        return batch


def test_a_check_cut_short_by_a_restart_is_failed_then_checked_again_and_written(
    app, editor_client, reference, dead_worker
):
    content = clean_roster(20)
    batch_id, path = stored_batch(app, content, worker=dead_worker, stage="parse", progress=35)

    state = editor_client.get(batch_url(batch_id, "status")).get_json()
    assert state["status"] == ImportStatus.FAILED.value
    assert not state["running"]
    assert state["message"] == RESTARTED[ImportStatus.CHECKING.value]
    assert "ไม่ได้บันทึกข้อมูลใดๆ" in state["message"] and "ตรวจใหม่ได้" in state["message"]
    batch = batch_of(app, batch_id)
    assert batch.worker is None and batch.finished_at is not None
    # The page says what happened; the kept file is still the one uploaded.
    assert RESTARTED[ImportStatus.CHECKING.value] in text_of(editor_client.get(batch_url(batch_id)))
    assert (
        hashlib.sha256(path.read_bytes()).hexdigest()
        == batch.sha256
        == (hashlib.sha256(content).hexdigest())
    )
    with editor_client.get(batch_url(batch_id, "file")) as original:
        assert original.data == content

    # The failed page offers to check the kept file again, as it was sent.
    (form,) = page(editor_client.get(batch_url(batch_id))).xpath(
        "//button[@id='check-again-button']/ancestor::form"
    )
    assert form.get("action") == batch_url(batch_id, "recheck")
    fields = {field.get("name"): field.get("value") for field in form.xpath(".//input")}
    response = editor_client.post(form.get("action"), data=fields)
    assert response.status_code == 302
    batch = batch_of(app, batch_id)
    assert (batch.status, batch.worker, batch.created) == (ImportStatus.PREVIEWED.value, None, 20)
    assert not batch.skip_invalid
    assert page(editor_client.get(batch_url(batch_id))).xpath("//*[@id='confirm-button']")
    assert count(app, Teacher) == 0

    response = editor_client.post(batch_url(batch_id, "confirm"), follow_redirects=True)
    assert page(response).xpath("//*[@id='written']")
    assert batch_of(app, batch_id).status == ImportStatus.WRITTEN.value
    assert count(app, Teacher) == 20


def test_a_write_cut_short_by_a_restart_is_failed_and_says_nothing_was_written(
    app, editor_client, reference, dead_worker
):
    batch_id, path = stored_batch(app, clean_roster(3))
    editor_client.get(batch_url(batch_id, "status"))
    assert batch_of(app, batch_id).status == ImportStatus.CHECKING.value
    with app.app_context():
        service.check(db.session, batch_id, service.Settings.from_config(app.config))
        assert service.start_writing(db.session, batch_id)
        assert db.session.get(ImportBatch, batch_id).worker == worker_id()
        db.session.execute(
            update(ImportBatch).where(ImportBatch.id == batch_id).values(worker=dead_worker)
        )
        db.session.commit()
        assert recover_stale(db.session) == [batch_id]
        assert recover_stale(db.session) == []
    batch = batch_of(app, batch_id)
    assert batch.status == ImportStatus.FAILED.value
    assert batch.message == RESTARTED[ImportStatus.WRITING.value]
    assert "การบันทึกถูกยกเลิกทั้งหมด" in batch.message
    assert path.exists()
    assert count(app, Teacher) == 0


def test_a_batch_whose_process_is_alive_is_left_alone(app, editor_client, reference):
    batch_id, _ = stored_batch(app, clean_roster(3))
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        other = f"{host_name()}:{sleeper.pid}:{start_time(sleeper.pid)}"
        elsewhere = "another-host:1:1"
        other_id, _ = stored_batch(app, clean_roster(2), worker=other)
        remote_id, _ = stored_batch(app, clean_roster(1), worker=elsewhere)

        state = editor_client.get(batch_url(batch_id, "status")).get_json()
        assert state["running"] and state["status"] == ImportStatus.CHECKING.value
        with app.app_context():
            assert recover_stale(db.session) == []
            statuses = db.session.scalars(select(ImportBatch.status)).all()
        assert statuses == [ImportStatus.CHECKING.value] * 3
        assert batch_of(app, other_id).worker == other
        assert batch_of(app, remote_id).worker == elsewhere
    finally:
        sleeper.kill()
        sleeper.wait(10)
    # Its process gone, the same batch is a restart's leftover.
    with app.app_context():
        assert recover_stale(db.session) == [other_id]


def test_a_worker_is_alive_only_with_its_own_start_time():
    me = worker_id()
    host, pid, start = me.rsplit(":", 2)
    assert (host, int(pid)) == (host_name(), os.getpid())
    assert is_alive(me)
    if start:  # where /proc tells the start time, a reused pid is not the same process
        assert not is_alive(f"{host}:{pid}:{int(start) + 1}")
    assert not is_alive(None) and not is_alive("") and not is_alive(f"{host}:x:1")
    assert is_alive("some-other-server:123:456")


def test_the_app_recovers_imports_when_it_starts(app, reference, dead_worker, tmp_path):
    batch_id, _ = stored_batch(app, clean_roster(2), worker=dead_worker)
    live_id, _ = stored_batch(app, clean_roster(2))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()

    restarted = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY_FILE": str(tmp_path / "secret_key"),
        }
    )
    with restarted.app_context():
        db.engine.dispose()
    assert batch_of(app, batch_id).status == ImportStatus.FAILED.value
    assert batch_of(app, live_id).status == ImportStatus.CHECKING.value


def test_the_app_starts_on_a_database_without_tables(tmp_path):
    new = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.db'}",
            "SECRET_KEY_FILE": str(tmp_path / "secret_key"),
        }
    )
    with new.app_context():
        db.engine.dispose()
    assert new.config["ADMIN_SCREENS"]

"""kill -9 in the middle of `flask import` leaves the database exactly as it was.

A real command in a real process on a file database: the import writes its rows in one
transaction, so until it commits SQLite keeps them in the write-ahead log (spilling there
once they outgrow the page cache), never in the database file; killed, the log's
uncommitted frames are dropped when the database is next opened.
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import create_app
from bench.imports import COLLEGES
from bench.roster import HEADERS, roster_rows
from models import Agency, AgencyKind, db
from schema import apply_migrations
from seed.reference import load_reference_data

ROOT = Path(__file__).resolve().parent.parent
ROWS = 60_000
# Kill once this much of the write has spilled into the log: well inside the transaction
# (60,000 teachers and their change log fill tens of megabytes before the commit).
SPILLED = 4 * 1024 * 1024
TIMEOUT = 60
WAL_HEADER, FRAME_HEADER = 32, 24


def build_database(folder: Path) -> Path:
    """Migrations, reference data and the roster's colleges; every connection closed."""
    path = folder / "samatta.db"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY_FILE": str(folder / "secret_key"),
        }
    )
    with app.app_context():
        apply_migrations()
        load_reference_data()
        for code, name in COLLEGES:
            db.session.add(Agency(code=code, name_th=name, kind=AgencyKind.COLLEGE.value))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return path


def write_roster(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADERS)
        writer.writerows(roster_rows(rows))


def wal_of(database: Path) -> Path:
    return database.with_name(database.name + "-wal")


def dump(database: Path) -> list[str]:
    """Every table's schema and rows as SQL, and the integrity check's answer."""
    connection = sqlite3.connect(database)
    try:
        check = connection.execute("PRAGMA integrity_check").fetchall()
        return [*connection.iterdump(), f"integrity_check {check}"]
    finally:
        connection.close()


def committed_frames(wal: Path) -> int:
    """How many frames of a write-ahead log end a transaction (a commit)."""
    data = wal.read_bytes() if wal.exists() else b""
    if len(data) < WAL_HEADER:
        return 0
    page_size = struct.unpack(">I", data[8:12])[0]
    commits, offset = 0, WAL_HEADER
    while offset + FRAME_HEADER + page_size <= len(data):
        # A frame's second word is the database size after a commit, 0 inside a transaction.
        commits += struct.unpack(">I", data[offset + 4 : offset + 8])[0] != 0
        offset += FRAME_HEADER + page_size
    return commits


def test_kill_9_during_a_write_leaves_the_database_as_it_was(tmp_path):
    database = build_database(tmp_path)
    roster = tmp_path / "roster.csv"
    write_roster(roster, ROWS)
    wal = wal_of(database)
    assert not wal.exists() or wal.stat().st_size == 0
    before = database.read_bytes()
    data_before = dump(database)
    assert data_before[-1] == "integrity_check [('ok',)]"
    assert database.read_bytes() == before and not wal.exists()

    env = {
        **os.environ,
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "FLASK_SECRET_KEY": "kill-test-" + "k" * 40,
        "FLASK_IMPORT_FOLDER": str(tmp_path / "imports"),
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "import", "teachers"]
    with (tmp_path / "stderr.txt").open("w+") as errors:
        # A session of its own, so that the kill reaches any process the import forks.
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [*command, str(roster), "--skip-invalid"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + TIMEOUT
            while process.poll() is None and time.monotonic() < deadline:
                if wal.exists() and wal.stat().st_size > SPILLED:
                    os.killpg(process.pid, signal.SIGKILL)
                    break
                time.sleep(0.002)
            else:
                errors.seek(0)
                state = "finished" if process.poll() is not None else "was still reading"
                pytest.fail(
                    f"the import {state} (exit {process.poll()}) before it could be killed "
                    f"mid-write: the log never outgrew {SPILLED:,} bytes; stderr:\n"
                    + errors.read()[-2000:]
                )
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(TIMEOUT)
    assert process.returncode == -signal.SIGKILL
    assert committed_frames(wal) == 0, "the import committed before it was killed"

    # The database file was never touched; opening it drops the log's uncommitted frames.
    assert database.read_bytes() == before
    data_after = dump(database)
    assert data_after == data_before
    assert database.read_bytes() == before
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("SELECT count(*) FROM teacher").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM import_batch").fetchone() == (0,)
    finally:
        connection.close()

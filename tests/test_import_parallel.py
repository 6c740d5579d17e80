"""A large roster parsed on two cores gives exactly the result of parsing it on one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

import importers.parallel
from importers import import_file
from models import Teacher, db

SAMPLES = Path(__file__).parent / "data" / "samples"


def load_colleges() -> None:
    agencies = (SAMPLES / "agencies.xlsx").read_bytes()
    import_file("agencies", agencies, "agencies.xlsx", db.session, skip_invalid=True)


def outcomes(result):
    return [
        (row.number, row.outcome, row.key, [(p.column, p.message) for p in row.problems])
        for row in result.rows
    ]


@pytest.mark.usefixtures("reference")
def test_split_parse_matches_serial_parse(app, monkeypatch):
    content = (SAMPLES / "teachers_roster.xlsx").read_bytes()
    with app.app_context():
        load_colleges()
        serial = import_file("teachers", content, "roster.xlsx", db.session, dry_run=True)
        monkeypatch.setattr(importers.parallel, "MIN_ROWS", 10)
        split = import_file("teachers", content, "roster.xlsx", db.session, skip_invalid=True)
        assert outcomes(split) == outcomes(serial)
        assert [row.values for row in split.rows] == [row.values for row in serial.rows]
        # The rejected rows of the manifest, found in both halves of the file.
        assert sorted({p.row for p in split.problems}) == [121, 149, 227, 242]
        stored = db.session.scalar(select(func.count()).select_from(Teacher))
        assert stored == split.count("new")


@pytest.mark.usefixtures("reference")
def test_a_failing_worker_falls_back_to_the_parent(app, monkeypatch):
    content = (SAMPLES / "teachers_roster.xlsx").read_bytes()
    monkeypatch.setattr(importers.parallel, "MIN_ROWS", 10)
    real = importers.parallel.parse_rows
    calls = []

    def worker_dies_in_second_half(importer, table):
        calls.append(len(table.rows))
        if len(calls) == 1 and importers.parallel.os.getpid() != parent:
            raise RuntimeError("worker crashed")
        return real(importer, table)

    parent = importers.parallel.os.getpid()
    monkeypatch.setattr(importers.parallel, "parse_rows", worker_dies_in_second_half)
    with app.app_context():
        load_colleges()
        result = import_file("teachers", content, "roster.xlsx", db.session, dry_run=True)
    assert len(result.rows) == 240
    assert sorted({p.row for p in result.problems}) == [121, 149, 227, 242]


@pytest.mark.usefixtures("reference")
def test_a_workbook_read_in_two_halves_matches_one_read(app, monkeypatch):
    content = (SAMPLES / "teachers_roster.xlsx").read_bytes()
    with app.app_context():
        load_colleges()
        whole = import_file("teachers", content, "roster.xlsx", db.session, dry_run=True)
        monkeypatch.setattr(importers.parallel, "SPLIT_MIN_BYTES", 1)
        halves = importers.parallel.split_workbook(content)
        assert halves is not None
        split = import_file("teachers", content, "roster.xlsx", db.session, dry_run=True)
    assert outcomes(split) == outcomes(whole)
    assert [row.values for row in split.rows] == [row.values for row in whole.rows]
    assert len(split.rows) == 240
    # The totals line ("รวม 240 คน") in the second half is not taken for data.
    assert split.rows[-1].number == 244

"""Teacher rosters: both samples give the manifest's outcome and every expected record."""

from __future__ import annotations

import json

import pytest
from helpers import SAMPLES
from sqlalchemy import func, select

from importers import import_file
from models import Teacher, db

MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def colleges(app, reference):
    with app.app_context():
        content = (SAMPLES / "agencies.xlsx").read_bytes()
        import_file("agencies", content, "agencies.xlsx", db.session, skip_invalid=True)


def teacher_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Teacher))


@pytest.mark.parametrize("sample", ["teachers_roster.xlsx", "teachers_fullname.csv"])
def test_sample_rejects_exactly_the_manifest_rows_and_writes_nothing(app, colleges, sample):
    expected = MANIFEST[sample]
    with app.app_context():
        result = import_file("teachers", (SAMPLES / sample).read_bytes(), sample, db.session)
        assert len(result.rows) == expected["data_rows"]
        rejected = sorted({problem.row for problem in result.problems})
        assert rejected == expected["rejected_rows"]
        assert result.count("new") == expected["valid"]
        assert not result.written
        assert teacher_count() == 0
        for problem in result.problems:
            assert problem.column in ("เลขประจำตัวประชาชน", "national_id")
            assert any("\u0e00" <= ch <= "\u0e7f" for ch in problem.message)


@pytest.mark.parametrize("sample", ["teachers_roster.xlsx", "teachers_fullname.csv"])
def test_every_expected_teacher_is_stored_with_the_manifest_values(app, colleges, sample):
    expected = MANIFEST[sample]
    content = (SAMPLES / sample).read_bytes()
    with app.app_context():
        result = import_file("teachers", content, sample, db.session, skip_invalid=True)
        assert result.written
        assert teacher_count() == expected["valid"]
        teachers = {t.national_id: t for t in db.session.scalars(select(Teacher))}
        for national_id, values in expected["expect"].items():
            teacher = teachers[national_id]
            assert teacher.first_name == values["first_name"], national_id
            assert teacher.last_name == values["last_name"], national_id
            assert teacher.college.name_th == values["college"], national_id
            assert teacher.birth_date.isoformat() == values["birth_date"], national_id


def test_cp874_names_with_glued_prefixes_are_split(app, colleges):
    with app.app_context():
        content = (SAMPLES / "teachers_fullname.csv").read_bytes()
        import_file("teachers", content, "teachers_fullname.csv", db.session, skip_invalid=True)
        teacher = db.session.scalar(select(Teacher).where(Teacher.national_id == "3308344082163"))
        assert (teacher.prefix, teacher.first_name, teacher.last_name) == (
            "นาง",
            "กาญจนา",
            "เพชรรัตน์",
        )


def test_a_changed_cell_updates_only_that_teacher(app, colleges, tmp_path):
    sample = (SAMPLES / "teachers_fullname.csv").read_bytes().decode("cp874")
    with app.app_context():
        import_file("teachers", sample.encode("cp874"), "a.csv", db.session, skip_invalid=True)
        changed = sample.replace("ครูผู้ช่วย", "ครู", 1).encode("utf-8-sig")
        result = import_file("teachers", changed, "b.csv", db.session, skip_invalid=True)
        assert result.count("updated") == 1
        assert result.count("unchanged") == 117
        (row,) = [row for row in result.rows if row.outcome == "updated"]
        assert row.changes == {"position": ("ครูผู้ช่วย", "ครู")}

"""Fixtures: a fresh app and database per test, and logged-in clients per role."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest
from argon2 import PasswordHasher
from helpers import STUDENT_NID, TEACHER_NID, role_client
from sqlalchemy import func, select

import auth
from app import create_app
from models import (
    Agency,
    CompetencyUnit,
    ExcellenceField,
    Occupation,
    PlacementRound,
    Province,
    Qualification,
    ScholarshipProgramme,
    Sector,
    Student,
    Teacher,
    db,
)
from seed.reference import load_reference_data

AGENCY_CODES = ("MOE", "OVEC", "BPCD", "TPQI", "BMA", "EEF", "C5201")


# Flask-Admin 2.2.1 builds its select fields from (value, label) tuples and yields tuples
# from Select2Field.iter_choices; WTForms 3.3 deprecates both. Nothing in the app can avoid
# the second short of replacing Flask-Admin's field, so only these two are let through.
WTFORMS_TUPLE_DEPRECATIONS = (
    "ignore:Passing SelectField choices as tuples is deprecated:DeprecationWarning",
    "ignore:Yielding raw tuples from iter_choices:DeprecationWarning",
)


def pytest_configure(config):
    config.addinivalue_line("markers", "csrf: build the app with CSRF protection enabled")
    for line in WTFORMS_TUPLE_DEPRECATIONS:
        config.addinivalue_line("filterwarnings", line)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Hash passwords with Argon2id at its lowest cost: the same code path, in milliseconds."""
    monkeypatch.setattr(auth, "hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def build_app(tmp_path, csrf=False):
    """Build the app on a new SQLite file under tmp_path, as every test does."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'samatta.db'}",
            "WTF_CSRF_ENABLED": csrf,
            "SECRET_KEY_FILE": str(tmp_path / "secret_key"),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "IMPORT_FOLDER": str(tmp_path / "imports"),
        }
    )


@pytest.fixture
def imports_in_request(app):
    """Check and write uploads inside the request instead of a thread (build_app keeps the
    files under the test's folder)."""
    app.config["IMPORT_BACKGROUND"] = False


@pytest.fixture(scope="session")
def reference_database(tmp_path_factory):
    """Build a database with the schema and the reference data once, for tests to copy."""
    folder = tmp_path_factory.mktemp("reference")
    app = build_app(folder)
    with app.app_context():
        db.create_all()
        load_reference_data()
        db.session.remove()
        db.engine.dispose()
    assert not (folder / "samatta.db-wal").exists()
    return folder / "samatta.db"


@pytest.fixture
def app(request, tmp_path):
    """Return an app on a new database with the schema; CSRF is on for tests marked `csrf`.

    A test that asks for `reference` (directly or through `records`) starts from a copy of
    the reference database instead: copying takes milliseconds, loading it a third of a second.
    """
    if "reference" in request.fixturenames:
        shutil.copy(request.getfixturevalue("reference_database"), tmp_path / "samatta.db")
    app = build_app(tmp_path, csrf=request.node.get_closest_marker("csrf") is not None)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def empty_app(tmp_path):
    """Return an app on an empty database (no tables), for migrations and commands."""
    app = build_app(tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def reference(app):
    """Start from the reference data: provinces, regions, organisations, round, programmes.

    The `app` fixture sees this fixture's name and copies in the reference database.
    """
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Province)) == 77


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def admin_client(app):
    return role_client(app, "admin")


@pytest.fixture
def editor_client(app):
    return role_client(app, "editor")


@pytest.fixture
def viewer_client(app):
    return role_client(app, "viewer")


@pytest.fixture
def records(app, reference):
    """Add a few records that forms refer to; return their ids by name."""
    with app.app_context():
        college = db.session.scalar(select(Agency).where(Agency.code == "C5201"))
        host = Agency(code="EST-001", name_th="บริษัท ช่างไทย จำกัด", kind="establishment")
        sector = Sector(name_th="ยานยนต์")
        occupation = Occupation(name_th="ช่างซ่อมบำรุงรถยนต์", sector=sector)
        units = [
            CompetencyUnit(code="ECM-ZZZ-5-011ZA", title="ตรวจสอบระบบเครื่องยนต์"),
            CompetencyUnit(code="ICT-QLIP-401B", title="ติดตั้งระบบเครือข่าย"),
        ]
        qualification = Qualification(
            code="Q-AUTO-3", title="ช่างซ่อมรถยนต์", level=3, occupation=occupation, units=units
        )
        teacher = Teacher(
            national_id=TEACHER_NID,
            prefix="นาย",
            first_name="ศานนท์",
            last_name="ใจดี",
            college=college,
        )
        student = Student(
            id_type="national_id",
            id_value=STUDENT_NID,
            prefix="นางสาว",
            first_name="จุลลดา",
            last_name="เรียนดี",
            college=college,
        )
        db.session.add_all([host, qualification, teacher, student])
        db.session.commit()
        return SimpleNamespace(
            college=college.id,
            host=host.id,
            sector=sector.id,
            occupation=occupation.id,
            qualification=qualification.id,
            units=[u.id for u in units],
            teacher=teacher.id,
            student=student.id,
            round=db.session.scalar(select(PlacementRound.id)),
            field=db.session.scalar(
                select(ExcellenceField.id).where(ExcellenceField.code == "EF-AUTO")
            ),
            programme=db.session.scalar(
                select(ScholarshipProgramme.id).where(ScholarshipProgramme.code == "SCH-HVI")
            ),
            agencies={
                a.code: a.id
                for a in db.session.scalars(select(Agency).where(Agency.code.in_(AGENCY_CODES)))
            },
        )

"""Fixtures: a fresh app and database per test, and logged-in clients per role.

The tests run on SQLite (a file per test) unless SAMATTA_TEST_DATABASE names a PostgreSQL
server, e.g. `postgresql+psycopg://postgres@127.0.0.1:5433/postgres`: each test then gets
a database of its own, cloned from a template built once per session (see databases.py).
"""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest
from apps import build_app, fill_schema
from argon2 import PasswordHasher
from databases import TestDatabases, run_id
from helpers import STUDENT_NID, TEACHER_NID, role_client
from sqlalchemy import func, select

import auth
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

AGENCY_CODES = ("MOE", "OVEC", "BPCD", "TPQI", "BMA", "EEF", "C5201")


# Flask-Admin 2.2.1 builds its select fields from (value, label) tuples and yields tuples
# from Select2Field.iter_choices; WTForms 3.3 deprecates both. Nothing in the app can avoid
# the second short of replacing Flask-Admin's field, so only these two are let through.
WTFORMS_TUPLE_DEPRECATIONS = (
    "ignore:Passing SelectField choices as tuples is deprecated:DeprecationWarning",
    "ignore:Yielding raw tuples from iter_choices:DeprecationWarning",
)


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        run_id()  # name this run's template databases, for the xdist workers too
    config.addinivalue_line("markers", "csrf: build the app with CSRF protection enabled")
    for line in WTFORMS_TUPLE_DEPRECATIONS:
        config.addinivalue_line("filterwarnings", line)


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        backend = TestDatabases.from_environment()
        if backend.postgresql:
            backend.drop_templates()
        backend.close()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Hash passwords with Argon2id at its lowest cost: the same code path, in milliseconds."""
    monkeypatch.setattr(auth, "hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def imports_in_request(app):
    """Check and write uploads inside the request instead of a thread (build_app keeps the
    files under the test's folder)."""
    app.config["IMPORT_BACKGROUND"] = False


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    """The databases tests run on: SQLite files, or PostgreSQL databases cloned from templates."""
    folder = tmp_path_factory.mktemp("templates")
    backend = TestDatabases.from_environment()
    if backend.postgresql:
        backend.build_template(
            "schema", lambda uri: fill_schema(build_app(folder, database_uri=uri), False)
        )
        backend.build_template(
            "reference", lambda uri: fill_schema(build_app(folder, database_uri=uri), True)
        )
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def reference_database(tmp_path_factory, databases):
    """Build a SQLite database with the schema and the reference data once, for tests to copy."""
    if databases.postgresql:
        return None
    folder = tmp_path_factory.mktemp("reference")
    fill_schema(build_app(folder), True)
    assert not (folder / "samatta.db-wal").exists()
    return folder / "samatta.db"


@pytest.fixture
def database_uri(request, databases, tmp_path):
    """The URI of this test's own database: the schema, plus the reference data if asked.

    A test that asks for `reference` (directly or through `records`) starts from a copy of
    the reference database: copying takes milliseconds, loading it a third of a second.
    """
    wants_reference = "reference" in request.fixturenames
    if databases.postgresql:
        uri = databases.create("reference" if wants_reference else "schema")
        yield uri
        databases.drop(uri)
        return
    if wants_reference:
        shutil.copy(request.getfixturevalue("reference_database"), tmp_path / "samatta.db")
    yield f"sqlite:///{tmp_path / 'samatta.db'}"


@pytest.fixture
def app(request, tmp_path, databases, database_uri):
    """Return an app on a new database with the schema; CSRF is on for tests marked `csrf`."""
    csrf = request.node.get_closest_marker("csrf") is not None
    app = build_app(tmp_path, csrf=csrf, database_uri=database_uri)
    if not databases.postgresql:
        # A PostgreSQL test database is a clone of a template that has the tables already.
        with app.app_context():
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def new_app(databases, tmp_path):
    """Build more apps, each on a new database of the suite's backend and folders of its own:
    new_app("schema"), new_app("reference") or new_app(None) for one without tables."""
    made = []

    def make(kind="schema", name=None):
        folder = tmp_path / (name or f"app{len(made) + 1}")
        folder.mkdir()
        uri = (
            databases.create(kind) if databases.postgresql else f"sqlite:///{folder / 'samatta.db'}"
        )
        if not databases.postgresql and kind:
            fill_schema(build_app(folder, database_uri=uri), kind == "reference")
        app = build_app(folder, database_uri=uri)
        made.append((app, uri))
        return app

    yield make
    for app, uri in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if databases.postgresql:
            databases.drop(uri)


@pytest.fixture
def empty_database_uri(databases, tmp_path):
    """The URI of a new database without tables, on the backend the suite runs on."""
    if databases.postgresql:
        uri = databases.create(None)
        yield uri
        databases.drop(uri)
        return
    yield f"sqlite:///{tmp_path / 'samatta.db'}"


@pytest.fixture
def empty_app(tmp_path, empty_database_uri):
    """Return an app on an empty database (no tables), for migrations and commands."""
    app = build_app(tmp_path, database_uri=empty_database_uri)
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

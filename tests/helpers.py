"""Helpers the tests share: logging in, reading forms and pages as a browser would."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import lxml.html
import pandas as pd
import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import String, Text, func, select

from auth import hash_password
from models import Role, User, db
from thai.nid import make_national_id

# The sample files the office receives, copied from the shared folder (tests/data/samples).
SAMPLES = Path(__file__).parent / "data" / "samples"
PASSWORD = "correct-horse-battery"
USERS = {
    "admin": "admin@example.go.th",
    "editor": "editor@example.go.th",
    "viewer": "viewer@example.go.th",
}
# migrations/env.py is Flask-Migrate's stock template: it calls db.get_engine(), which
# Flask-SQLAlchemy 3.1 deprecates. Tests that run the migrations let that one warning pass.
MIGRATIONS_ENV_WARNING = pytest.mark.filterwarnings(
    "ignore:'get_engine' is deprecated:DeprecationWarning"
)
TEACHER_NID = make_national_id("310010000001")
STUDENT_NID = make_national_id("110170020345")
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
THAI = re.compile(r"[\u0e00-\u0e7f]")


def csrf_token(client, url="/login"):
    """Return the CSRF token of the form at url, as a browser would read it."""
    match = CSRF_INPUT.search(client.get(url).get_data(as_text=True))
    return match.group(1) if match else None


def login(client, email, password=PASSWORD):
    """Log in through the login form; return the response."""
    data = {"email": email, "password": password}
    token = csrf_token(client)
    if token:
        data["csrf_token"] = token
    return client.post("/login", data=data)


def count(app, model, *where):
    """Return how many rows of a model there are (matching optional conditions)."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def latest_id(app, model):
    with app.app_context():
        return db.session.scalar(select(func.max(model.id)))


def page(response):
    """Return a response's HTML as an lxml tree."""
    return lxml.html.fromstring(response.get_data(as_text=True))


def text_of(response):
    """Return the text a reader sees on a page (no tags, single spaces)."""
    return " ".join(page(response).text_content().split())


def form_values(response, form_index=-1):
    """Return the values a browser would submit from a page's form, as a dict of lists."""
    tree = page(response)
    forms = [f for f in tree.forms if f.method.upper() == "POST" and "logout" not in f.action]
    values = {}
    for name, value in forms[form_index].form_values():
        values.setdefault(name, []).append(value)
    return values


def field_errors(response, name):
    """Return the error text shown in the form group of the field called name."""
    tree = page(response)
    fields = tree.xpath(f'//*[@name="{name}"]')
    assert fields, f"no field {name!r} on the page"
    group = fields[0].xpath('ancestor::*[contains(@class, "form-group")][1]')
    assert group, f"field {name!r} is not in a form group"
    errors = group[0].xpath('.//*[contains(@class, "invalid-feedback")]')
    return " ".join(" ".join(e.text_content().split()) for e in errors)


def flash_messages(response):
    tree = page(response)
    return " ".join(
        " ".join(e.text_content().split()) for e in tree.xpath('//div[contains(@class, "alert-")]')
    )


def make_user(app, role, email=None, password=PASSWORD, active=True):
    with app.app_context():
        user = User(
            email=email or USERS[role],
            name=f"{role} user",
            role=Role(role).value,
            password_hash=hash_password(password),
            active=active,
        )
        db.session.add(user)
        db.session.commit()
        return user.id


def role_client(app, role):
    make_user(app, role)
    client = app.test_client()
    response = login(client, USERS[role])
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def thai(app, message, **values):
    """Return a message as the Thai interface shows it; fail if it has no Thai translation."""
    with app.test_request_context(), force_locale("th"):
        values = {k: gettext(v) for k, v in values.items()}
        text = gettext(message, **values)
    assert THAI.search(text), f"no Thai translation for {message!r}"
    return text


def build_with(definition, session, texts, viewer=None):
    """Build a report as the admin page and the CLI do: parse each filter's text first."""
    from reports.model import Viewer

    values = {
        f.name: f.parse(session, texts[f.name]) if f.name in texts else None
        for f in definition.filters
    }
    return definition.build(session, values, viewer or Viewer())


def strings_of(value) -> list[str]:
    """Return every string a built report holds, however deep."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value):
        return strings_of([getattr(value, f.name) for f in dataclasses.fields(value)])
    if isinstance(value, dict):
        return strings_of(list(value.keys()) + list(value.values()))
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings_of(item)]
    return []


def pdftotext(content: bytes, *options: str) -> str:
    """A PDF's text as poppler reads it (and as copy and paste gives it), in NFC."""
    command = [shutil.which("pdftotext"), *options, "-", "-"]
    done = subprocess.run(command, input=content, capture_output=True, check=True)  # noqa: S603
    return unicodedata.normalize("NFC", done.stdout.decode())


def mou_data(records, **changes):
    """The fields of a new MOU between OVEC and the host, as its form posts them."""
    data = {
        "ref_no": "MOU-2568-001",
        "title": "ความร่วมมือพัฒนาครูอาชีวศึกษา",
        "signed_on": "24/01/2568",
        "expires_on": "23/01/2571",
        "parties-0-agency": str(records.agencies["OVEC"]),
        "parties-1-agency": str(records.host),
    }
    data.update(changes)
    return data


def add_failing_routes(app):
    """Two routes no screen has: /test-crash fails as a bug would (500), /test-forbidden
    refuses as an access rule would (403)."""
    from flask import abort

    @app.route("/test-crash")
    def crash():
        raise RuntimeError("a bug")

    @app.route("/test-forbidden")
    def forbidden():
        abort(403)


def admin_message(app, message: str, language: str) -> str:
    """A Flask-Admin message as its templates show it in a language.

    Read from the catalogues themselves (the app's first, then Flask-Admin's): asking
    Flask-Admin's domain outside one of its views would cache its catalogue without the
    app's translations for every view after.
    """
    from babel.support import Translations
    from flask_admin import translations

    folders = [admin.translations_path for admin in app.extensions.get("admin", [])]
    folders = [*[f for f in folders if f], translations.__path__[0]]
    for folder in folders:
        catalogue = Translations.load(folder, [language], "admin")
        text = catalogue.gettext(message)
        if text != message:
            return text
    return message


def demo_report_filters(session) -> dict[str, dict[str, str]]:
    """Filters that give each of the six reports a full page over the demonstration data."""
    from sqlalchemy import func, select

    from models import Curriculum, Placement, Teacher

    busiest = session.scalar(
        select(Teacher.national_id)
        .join(Placement, Placement.teacher_id == Teacher.id)
        .group_by(Teacher.id)
        .order_by(func.count(Placement.id).desc(), Teacher.id)
        .limit(1)
    )
    curriculum = session.scalar(select(Curriculum.code).order_by(Curriculum.id).limit(1))
    return {
        "placements": {"fiscal_year": "2568"},
        "excellence": {"fiscal_year": "2568"},
        "mous": {},
        "alignment": {"curriculum": curriculum},
        "scholarships": {"academic_year": "2567"},
        "teacher": {"teacher": busiest},
    }


def data_values(*spreadsheets: bytes) -> list[str]:
    """Every text stored in the database or sent in an uploaded spreadsheet, and each line
    of it, with single spaces, longest first: they are data, in any language."""
    texts: list[str] = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if columns:
            for row in db.session.execute(select(*columns)):
                texts.extend(v for v in row if isinstance(v, str))
    for content in spreadsheets:
        cells = pd.read_excel(io.BytesIO(content), engine="calamine", header=None, dtype=str)
        texts.extend(str(v) for v in cells.stack().tolist())
    values = {" ".join(line.split()) for text in texts for line in [text, *text.splitlines()]}
    return sorted((v for v in values if len(v) > 1), key=len, reverse=True)


def add_teacher(app, college_code="C5201"):
    """Add นายศานนท์ ใจดี (TEACHER_NID) of a college of the reference data; return the id."""
    from models import Agency, Teacher

    with app.app_context():
        college = db.session.scalar(select(Agency).where(Agency.code == college_code))
        record = Teacher(
            national_id=TEACHER_NID,
            prefix="นาย",
            first_name="ศานนท์",
            last_name="ใจดี",
            college=college,
        )
        db.session.add(record)
        db.session.commit()
        return record.id

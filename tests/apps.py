"""Building the app on a given database, for fixtures and for tests that need more than one app."""

from __future__ import annotations

from app import create_app
from models import db
from seed.reference import load_reference_data


def build_app(tmp_path, csrf=False, database_uri=None):
    """Build the app on a database (by default a new SQLite file under tmp_path)."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_uri or f"sqlite:///{tmp_path / 'samatta.db'}",
            "WTF_CSRF_ENABLED": csrf,
            "SECRET_KEY_FILE": str(tmp_path / "secret_key"),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "IMPORT_FOLDER": str(tmp_path / "imports"),
        }
    )


def fill_schema(app, reference_data):
    """Create the tables (and load the reference data) in the app's database; close it."""
    with app.app_context():
        db.create_all()
        if reference_data:
            load_reference_data()
        db.session.remove()
        db.engine.dispose()

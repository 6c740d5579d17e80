"""Bringing the database schema up to date, for the commands that need it.

Commands call these inside an app context; create_app registers the migrations folder.
"""

from __future__ import annotations

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import inspect

from models import db


def apply_migrations() -> None:
    """Bring the database schema up to date."""
    upgrade(directory=current_app.extensions["migrate"].directory)


def ensure_schema() -> None:
    """Apply the migrations, so that a fresh database works.

    A database built without them (db.create_all, as the tests do) has tables but no
    alembic_version; upgrading it would fail on its existing tables, so it is left as it is.
    """
    tables = set(inspect(db.engine).get_table_names())
    if not tables or "alembic_version" in tables:
        apply_migrations()

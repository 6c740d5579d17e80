"""Application factory: the only way to build a Samatta app."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import fontpkg_sarabun
from flask import Flask, render_template, send_from_directory
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

import audit
import auth
import i18n
from admin import init_admin
from models import db

HERE = Path(__file__).resolve().parent
SARABUN = Path(fontpkg_sarabun.ROOT) / "files"
migrate = Migrate()
csrf = CSRFProtect()

# Keys that are known placeholders are as bad as none.
WEAK_SECRET_KEYS = {"", "dev", "secret", "changeme", "change-me"}


def defaults(instance_path: str) -> dict[str, Any]:
    """Return the built-in configuration, overridden by FLASK_* variables and tests."""
    import_max_bytes = 50 * 1024 * 1024
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///samatta.db",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "UPLOAD_FOLDER": os.path.join(instance_path, "uploads"),
        # Imports are the largest uploads: Flask refuses anything bigger (413, in Thai).
        "MAX_CONTENT_LENGTH": import_max_bytes,
        "MOU_DOCUMENT_MAX_BYTES": 10 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "th",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Bangkok",
        "LANGUAGES": ["th", "en"],
        "OFFICE_NAME": "สำนักพัฒนาสมรรถนะครูและบุคลากรอาชีวศึกษา",
        "SECRET_KEY_FILE": os.path.join(instance_path, "secret_key"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "IMPORT_FOLDER": os.path.join(instance_path, "imports"),
        "IMPORT_MAX_BYTES": import_max_bytes,
        # Files from this size up are checked and written in a thread while the page polls.
        "IMPORT_BACKGROUND": True,
        "IMPORT_BACKGROUND_MIN_BYTES": 256 * 1024,
    }


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults in code, then FLASK_* environment variables, then overrides."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_prefixed_env()
    if overrides:
        app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    load_secret_key(app)

    db.init_app(app)
    audit.init_app()
    migrate.init_app(app, db, directory=str(HERE / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    init_admin(app)
    register_commands(app)

    @app.route("/fonts/<path:name>")
    def fonts(name: str):
        return send_from_directory(SARABUN, name, max_age=86400)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = i18n.form_translations.gettext(error.description)
        return render_template("error.html", message=message), 400

    @app.errorhandler(413)
    def too_large(error):
        return render_template("error.html", message=i18n.too_large_message(app)), 413

    return app


def load_secret_key(app: Flask) -> None:
    """Take SECRET_KEY from config, else from the instance file the demo command writes."""
    key = app.config.get("SECRET_KEY")
    path = Path(app.config["SECRET_KEY_FILE"])
    if not key and path.exists():
        key = path.read_text().strip()
    if not key and app.testing:
        key = secrets.token_hex(32)
    app.config["SECRET_KEY"] = key if key not in WEAK_SECRET_KEYS else None

    if app.config["SECRET_KEY"] is None:
        # Commands such as `demo` may still run (they create the key); serving may not.
        @app.before_request
        def refuse_without_secret_key():
            return render_template("error.html", message=i18n.no_secret_key_message(path)), 503


def write_secret_key(app: Flask) -> Path | None:
    """Create the instance secret key file if the app has no key; return its path when created."""
    path = Path(app.config["SECRET_KEY_FILE"])
    if app.config.get("SECRET_KEY") or path.exists():
        return None
    path.write_text(secrets.token_hex(32))
    path.chmod(0o600)
    return path


@event.listens_for(Engine, "connect")
def sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Enforce foreign keys, allow readers during writes and cache more pages on SQLite."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 32 MB of page cache (the default is 2 MB): a 100,000-row import touches indexes
        # far larger than that.
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.close()


def register_commands(app: Flask) -> None:
    """Add the command groups of each area."""
    from importers.cli import import_command
    from reports.cli import report_command
    from seed.cli import demo_command, seed_command

    app.cli.add_command(auth.user_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(import_command)
    app.cli.add_command(report_command)

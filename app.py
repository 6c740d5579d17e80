"""Application factory: the only way to build a Samatta app."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import fontpkg_sarabun
from flask import Flask, render_template, send_from_directory
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFError, CSRFProtect

import audit
import auth
import i18n
from admin import init_admin
from config import defaults, load_secret_key
from models import db

HERE = Path(__file__).resolve().parent
SARABUN = Path(fontpkg_sarabun.ROOT) / "files"
migrate = Migrate()
csrf = CSRFProtect()


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

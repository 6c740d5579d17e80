"""Application factory: the only way to build a Samatta app."""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path
from typing import Any

import click
import fontpkg_sarabun
from flask import Flask, send_from_directory
from flask.cli import AppGroup, ScriptInfo
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

import audit
import auth
import error_pages
import i18n
import security
import uploads
from config import defaults, load_secret_key
from models import ImportBatch, db

HERE = Path(__file__).resolve().parent
SARABUN = Path(fontpkg_sarabun.ROOT) / "files"
# The flask commands that serve or show the pages, and so need the admin screens.
SERVING_COMMANDS = {"run", "routes", "shell"}
# The app's own commands, each imported when it is run or listed (so that `import` does not
# load ReportLab for `report`).
COMMANDS = {
    "user": "auth:user_cli",
    "seed": "seed.cli:seed_command",
    "demo": "seed.cli:demo_command",
    "import": "importers.cli:import_command",
    "import-undo": "importers.cli:undo_command",
    "report": "reports.cli:report_command",
    "backup": "backup:backup_command",
    "restore": "backup:restore_command",
    "uploads": "uploads:uploads_cli",
}
migrate = Migrate()
csrf = CSRFProtect()
logger = logging.getLogger(__name__)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults in code, then FLASK_* environment variables, then overrides.

    The admin screens are left out only when the flask CLI builds the app for a command
    that serves no pages (ADMIN_SCREENS None, the default, decides so; True or False says).
    """
    app = Flask(__name__, instance_relative_config=True)
    app.cli = Commands(COMMANDS, name=app.name)
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_prefixed_env()
    if overrides:
        app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    load_secret_key(app)
    # Before any route: it replaces the int converter, and wraps the WSGI app for proxies.
    security.init_app(app)

    db.init_app(app)
    audit.init_app()
    migrate.init_app(app, db, directory=str(HERE / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    uploads.init_app(app)
    if app.config.get("ADMIN_SCREENS", None) is None:
        app.config["ADMIN_SCREENS"] = serves_pages()
    if app.config["ADMIN_SCREENS"]:
        # Importing the screens (Flask-Admin, every form, ReportLab) is most of the start-up.
        from admin import init_admin

        init_admin(app)

    @app.route("/fonts/<path:name>")
    def fonts(name: str):
        return send_from_directory(SARABUN, name, max_age=86400)

    error_pages.register(app)

    if app.config["ADMIN_SCREENS"]:
        # The pages list imports: those a restart cut short must not show as running.
        recover_imports(app)
    return app


def serves_pages() -> bool:
    """Whether the app being built will serve or show its pages, by how it is started.

    The flask CLI builds the app inside its click context: `run`, `routes` and `shell` from
    their own command, Flask-Migrate's `db` commands from theirs, and the group itself when
    it looks up (or lists) the app's own commands: import, report, seed, demo, user. Only the
    first three need the screens. Outside the CLI (a WSGI server, the tests) the app always
    has them.
    """
    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.find_object(ScriptInfo) is None:
        return True
    # Climb to the context just below the flask group: the command being run.
    while ctx.parent is not None and ctx.parent.parent is not None:
        ctx = ctx.parent
    return ctx.parent is not None and ctx.info_name in SERVING_COMMANDS


def recover_imports(app: Flask) -> None:
    """Mark the imports whose process died (a restart) as failed; never fail the start-up."""
    from importers.recovery import recover_stale

    try:
        with app.app_context():
            try:
                if inspect(db.engine).has_table(ImportBatch.__tablename__):
                    recovered = recover_stale(db.session)
                    if recovered:
                        logger.warning("imports left unfinished by a restart: %s", recovered)
            finally:
                db.session.remove()
    except SQLAlchemyError as error:
        # A database not yet migrated, or not reachable yet: the commands and pages say so.
        logger.info("imports cut short by a restart not looked for: %s", error)
    except Exception:
        logger.exception("imports cut short by a restart not looked for")


class Commands(AppGroup):
    """The app's command group: commands named by "module:attribute" load when looked up."""

    def __init__(self, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy:
            module, _, attribute = self.lazy[name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

"""Configuration: the built-in defaults, the secret key, and how SQLite connections are set up.

Settings have defaults here, are overridden by FLASK_* environment variables, and tests
override both (see create_app in app.py).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, render_template
from sqlalchemy import event
from sqlalchemy.engine import Engine

import i18n

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
        "PERSONAL_DATA_ROLES": ["admin", "editor"],  # who sees full IDs (pdpa.py)
        "UPLOAD_MAX_AGE_DAYS": 90,  # import files older than this: `flask uploads clean`
        "BABEL_DEFAULT_LOCALE": "th",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Bangkok",
        "LANGUAGES": ["th", "en"],
        "OFFICE_NAME": "สำนักพัฒนาสมรรถนะครูและบุคลากรอาชีวศึกษา",
        "SECRET_KEY_FILE": os.path.join(instance_path, "secret_key"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # The session cookie is Secure when this is "https", or when a request came over
        # HTTPS (directly, or through a proxy trusted by PROXY_FIX_X_PROTO): security.py.
        "PREFERRED_URL_SCHEME": "http",
        "SESSION_COOKIE_SECURE": False,
        # How many proxies in front of the app set X-Forwarded-For / -Proto / -Host / -Prefix
        # (werkzeug's ProxyFix); 0 trusts none of them. Behind one reverse proxy: 1 and 1.
        "PROXY_FIX_X_FOR": 0,
        "PROXY_FIX_X_PROTO": 0,
        "PROXY_FIX_X_HOST": 0,
        "PROXY_FIX_X_PREFIX": 0,
        # Login throttling: this many failures in LOGIN_THROTTLE_MINUTES for one account, or
        # from one address (an office behind one NAT address shares it), refuse more tries.
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
        "LOGIN_THROTTLE_MINUTES": 15,
        "PASSWORD_MIN_LENGTH": 10,
        # Sent as Strict-Transport-Security on HTTPS responses; 0 sends none.
        "HSTS_MAX_AGE": 365 * 24 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,
        "IMPORT_FOLDER": os.path.join(instance_path, "imports"),
        "IMPORT_MAX_BYTES": import_max_bytes,
        # Files from this size up are checked and written in a thread while the page polls.
        "IMPORT_BACKGROUND": True,
        "IMPORT_BACKGROUND_MIN_BYTES": 256 * 1024,
    }


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
def connection_settings(dbapi_connection, connection_record) -> None:
    """Per connection: on SQLite enforce foreign keys, allow readers during writes and cache
    more pages; on PostgreSQL turn off JIT compilation, which spent 350 ms compiling the
    home page's MOU count at a million teachers to run a query that takes 100 ms."""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()
        return
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 32 MB of page cache (the default is 2 MB): a 100,000-row import touches indexes
        # far larger than that.
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.close()

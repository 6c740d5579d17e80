"""The hardened web layer: headers, cookies, proxies, odd input, redirects and passwords.

- Every response carries a Content-Security-Policy (scripts from this site or with the
  request's nonce only: no inline script runs but the few onclick="..." texts Flask-Admin's
  templates write, by their hashes), frame-ancestors 'none' and X-Frame-Options,
  nosniff and a same-origin Referrer-Policy; pages are not cached (personal data).
- The session cookie is HttpOnly and SameSite=Lax always, Secure when the site is served
  over HTTPS (PREFERRED_URL_SCHEME=https, or the request came over HTTPS, directly or
  through a proxy that ProxyFix is told to trust).
- A URL or form that no browser sends from a real screen (a NUL byte, broken UTF-8, control
  characters in the address, an integer no database column holds) is answered 400 or 404,
  never 500.
- ``safe_next`` follows ?next= only to a path on this site; ``password_problem`` is the one
  password policy (the user form, the `user create` command).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from functools import cache
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

from flask import (
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    render_template,
    request,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from keys import MAX_KEY

HERE = Path(__file__).resolve().parent
# Django's list of the 20,000 most common passwords (BSD licence), most common first.
COMMON_PASSWORDS = HERE / "data" / "common-passwords.txt"
# C0 control characters and DEL: never in an address a screen links to.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# Endpoints whose responses browsers may cache (files that are the same for everyone).
CACHEABLE_ENDPOINTS = {"static", "fonts"}
PASSWORD_MIN_DISTINCT = 4


# --------------------------------------------------------------------------- passwords


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords, in lower case."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why a password may not be used (in the reader's language), or None when it may.

    At least PASSWORD_MIN_LENGTH characters (10), at least 4 different ones, neither the
    e-mail address nor built on the part before its @, not on the list of common passwords.
    """
    minimum = current_app.config.get("PASSWORD_MIN_LENGTH", 10) if has_app_context() else 10
    password = password or ""
    if len(password) < minimum:
        return _("The password must have at least %(count)s characters.", count=minimum)
    lowered = password.strip().lower()
    if email:
        address = email.strip().lower()
        local = address.split("@", 1)[0]
        # A piece of the address, or a password built on the part before the @
        # ("somchai.j2568").
        if lowered in address or (len(local) >= 4 and local in lowered):
            return _("The password may not be the e-mail address or the part before the @.")
    if len(set(lowered)) < PASSWORD_MIN_DISTINCT:
        return _(
            "The password must have at least %(count)s different characters.",
            count=PASSWORD_MIN_DISTINCT,
        )
    if lowered in common_passwords():
        return _("This password is one of the most common passwords. Choose another one.")
    return None


# --------------------------------------------------------------------------- redirects


def safe_next(target: str | None, default: str) -> str:
    """Return target when it is a path on this site, else default.

    Refused: other sites ("//host", "/\\host", "https://host", "javascript:"), backslashes
    (browsers read them as slashes), and control characters (browsers drop tabs and
    newlines, so "/<tab>/host" is "//host"; a newline cannot go in a header at all).
    """
    if not isinstance(target, str) or not target or len(target) > 2048:
        return default
    if CONTROL.search(target) or "\\" in target:
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


# --------------------------------------------------------------------------- odd input


class IdConverter(IntegerConverter):
    """<int:...> in a route: an integer an id column can hold, else the page is not found."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_KEY)
        super().__init__(map, *args, **kwargs)


def odd_input_message() -> str:
    return _(
        "The address or the form holds characters no screen of this site sends "
        "(a NUL byte, a control character or text that is not UTF-8). Go back and try again."
    )


def readable(raw: bytes, controls: bool) -> bool:
    """Whether bytes from a URL are UTF-8 text without NUL (or any control character)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not (CONTROL.search(text) if controls else "\x00" in text)


def reject_odd_input():
    """Answer 400 to a URL or form no screen sends, before any view reads it."""
    environ = request.environ
    path = environ.get("PATH_INFO", "").encode("latin-1", "replace")
    query = environ.get("QUERY_STRING", "").replace("+", " ")
    ok = readable(path, controls=True) and readable(unquote_to_bytes(query), controls=True)
    if ok and request.method == "POST" and request.mimetype in FORM_TYPES:
        # Text typed in a form may hold tabs and newlines, never a NUL (PostgreSQL refuses it).
        ok = not any("\x00" in value for value in request.form.values())
    if not ok:
        return render_template("error.html", message=odd_input_message()), 400
    return None


# --------------------------------------------------------------------------- headers


def csp_nonce() -> str:
    """The request's nonce for the few inline scripts Flask-Admin's templates still write."""
    if not has_request_context():
        return ""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def flask_admin_handlers(app: Flask) -> list[str]:
    """The onclick="..." attributes Flask-Admin's templates write, exactly as written.

    Its templates still wire three buttons inline: a filter in "Add filter" (return false),
    a bulk action and an inline form's "Add" button (a row's delete button is drawn by
    templates/admin/model/row_actions.html, which asks through static/csp-links.js). The
    policy lets these exact texts run (by their hashes, 'unsafe-hashes' in script-src-attr)
    and no other inline handler.
    """
    from flask_admin.model.fields import InlineFieldList
    from wtforms.fields.core import UnboundField

    handlers = {"return false;"}
    for admin in app.extensions.get("admin", []):
        for view in admin._views:
            for name, _text in getattr(view, "_actions", None) or []:
                handlers.add(f"return modelActions.execute('{name}');")
            for form_class in (
                getattr(view, "_create_form_class", None),
                getattr(view, "_edit_form_class", None),
            ):
                for name in dir(form_class) if form_class else []:
                    field = getattr(form_class, name, None)
                    if isinstance(field, UnboundField) and issubclass(
                        field.field_class, InlineFieldList
                    ):
                        handlers.add(f"faForm.addInlineField(this, '{name}');")
    return sorted(handlers)


def handler_hashes() -> str:
    """The CSP sources of Flask-Admin's inline handlers, worked out once per app."""
    app = current_app._get_current_object()
    hashes = app.extensions.get("samatta_csp_handlers")
    if hashes is None:
        digests = (
            base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
            for text in flask_admin_handlers(app)
        )
        hashes = " ".join(f"'sha256-{digest}'" for digest in digests)
        app.extensions["samatta_csp_handlers"] = hashes
    return hashes


def content_security_policy() -> str:
    nonce = g.get("csp_nonce")
    scripts = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {scripts}",
            f"script-src-attr 'unsafe-hashes' {handler_hashes()}",
            # Flask-Admin's and the app's markup has style="" attributes; no script runs from them.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def add_headers(response):
    """Put the security headers on every response: pages, files, redirects and errors."""
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy()
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    max_age = current_app.config.get("HSTS_MAX_AGE") or 0
    if request.is_secure and max_age:
        headers["Strict-Transport-Security"] = f"max-age={int(max_age)}"
    if request.endpoint not in CACHEABLE_ENDPOINTS and not str(request.endpoint).endswith(
        ".static"
    ):
        # Pages show personal data: not kept for the back button of a shared computer.
        headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- cookies


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, Secure also when this request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if super().get_cookie_secure(app):
            return True
        return has_request_context() and request.is_secure


def init_app(app: Flask) -> None:
    """Harden the app; call before any route is added (the int converter is replaced)."""
    app.url_map.converters["int"] = IdConverter
    config = app.config
    if str(config.get("PREFERRED_URL_SCHEME", "")).lower() == "https":
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    config["SESSION_COOKIE_HTTPONLY"] = True
    config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.session_interface = SessionInterface()
    proxies = {
        name: int(config.get(f"PROXY_FIX_X_{name.upper()}") or 0)
        for name in ("for", "proto", "host", "prefix")
    }
    if any(proxies.values()):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=proxies["for"],
            x_proto=proxies["proto"],
            x_host=proxies["host"],
            x_prefix=proxies["prefix"],
        )
    app.before_request(reject_odd_input)
    app.after_request(add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

"""Thai-first language handling: locale choice, catalogues, Jinja filters."""

from __future__ import annotations

from pathlib import Path

from babel.support import NullTranslations, Translations
from flask import (
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    redirect,
    request,
    session,
)
from flask_babel import Babel, Domain, get_locale
from flask_babel import gettext as _

from models import Role
from thai import messages as thai_messages
from thai.dates import fiscal_year_label, format_be, format_be_datetime

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
babel = Babel()
# The thai library writes its messages in Thai; the English screen reads them from here.
thai_library = Domain(str(TRANSLATIONS), domain="thai")


def select_locale() -> str:
    """Use the language the user switched to, else Thai."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def wtforms_translations() -> NullTranslations:
    """Return WTForms' messages in the request's language (WTForms ships no Thai)."""
    cached = getattr(g, "_wtforms_translations", None)
    if cached is None:
        cached = Translations.load(str(TRANSLATIONS), [str(get_locale())], domain="wtforms")
        g._wtforms_translations = cached
    return cached


class FormTranslations:
    """The object WTForms asks for messages; it follows the request's language."""

    def gettext(self, string: str) -> str:
        return wtforms_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return wtforms_translations().ungettext(singular, plural, n)


form_translations = FormTranslations()


def no_secret_key_message(path: Path) -> str:
    return _(
        "The system has no SECRET_KEY. Set FLASK_SECRET_KEY or run "
        "'flask --app app demo', which writes one to %(path)s.",
        path=str(path),
    )


def too_large_message(app: Flask) -> str:
    limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return _("The file is larger than the %(limit)s MB limit.", limit=limit)


def reader_language() -> str:
    """The language of the screen (or of the printout being drawn): Thai outside the app."""
    return str(get_locale()) if has_app_context() else "th"


def written_in(text: object) -> str:
    """The language a quoted text is written in ("th" when it has Thai letters), for its
    lang attribute: header names and values senders write are shown as they write them."""
    return "th" if any("\u0e00" <= ch <= "\u0e7f" for ch in str(text)) else "en"


def init_app(app: Flask) -> None:
    """Set up Flask-Babel, the language switch and the Thai date filters."""
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(TRANSLATIONS),
    )
    thai_messages.install(thai_library.gettext, language=reader_language)
    app.jinja_env.filters["be_date"] = format_be
    app.jinja_env.filters["be_datetime"] = format_be_datetime
    app.jinja_env.filters["fiscal_year"] = fiscal_year_label
    app.jinja_env.filters["written_in"] = written_in
    app.jinja_env.globals["role_label"] = lambda role: Role(role).label
    app.jinja_env.globals["get_locale"] = get_locale

    @app.route("/lang/<code>")
    def switch_language(code: str):
        if code in app.config["LANGUAGES"]:
            session["lang"] = code
        target = request.referrer or "/admin/"
        # Only follow referrers on this site, never an outside address.
        if not target.startswith(request.host_url):
            target = "/admin/"
        return redirect(target)

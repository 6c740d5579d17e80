"""Error pages: every refusal and failure answered in the reader's language, with a way back."""

from __future__ import annotations

import copy
import logging
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

import i18n
import security
from models import db
from thai.dates import bangkok_now, format_be_datetime

logger = logging.getLogger(__name__)

# What each refusal or failure says: a title and a sentence of what happened and what to do.
ERROR_TEXTS = {
    400: (
        _l("The request could not be read"),
        _l("The page received a request it cannot read. Go back, reload the page and try again."),
    ),
    403: (
        _l("You may not open this page"),
        _l(
            "Your role does not allow this page or this action. If your work needs it, "
            "ask the system administrator."
        ),
    ),
    404: (
        _l("Page not found"),
        _l(
            "There is no page at this address. The link may be out of date, or the address "
            "may have been typed wrongly."
        ),
    ),
    405: (
        _l("This action is not available here"),
        _l(
            "This address does not accept what was sent to it (for example a form sent to a "
            "page that only shows data). Go back and use the page's own buttons."
        ),
    ),
    413: (
        _l("The file is too large"),
        _l("Make the file smaller (for example, split it into several files) and send it again."),
    ),
    500: (
        _l("Something went wrong in the system"),
        _l(
            "The system met an unexpected error and could not finish the request. Try again "
            "in a moment; if it happens again, tell the system administrator what you were "
            "doing and when."
        ),
    ),
}
OTHER_ERROR = (
    _l("The request could not be completed"),
    _l("The system could not complete the request. Go back and try again."),
)
CSRF_TEXTS = (
    _l("The form was not accepted"),
    _l(
        "For your safety, a form is accepted only for a limited time and only from this "
        "site's own pages. Open the form again, fill it in and send it."
    ),
)


def register(app: Flask) -> None:
    """Answer every refusal and failure with a page in the reader's language.

    A logged-in user sees it inside the admin's layout (menu, language switch), anyone else
    in the login page's; each keeps its status code and the headers the error needs (Allow
    for 405). A view may raise an HTTPException carrying ``page_title``, ``page_message`` (a
    sentence) and ``page_links`` ((url, label) pairs), as a missing record's page does
    (admin/base.py).
    """

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        title, advice = CSRF_TEXTS
        reason = i18n.form_translations.gettext(error.description)
        return error_page(error, title=str(title), message=reason, hint=str(advice))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return error_page(error)


def error_page(
    error: HTTPException,
    title: str | None = None,
    message: str | None = None,
    hint: str | None = None,
):
    """The page for an HTTP error: status, texts, a way back; never an error of its own."""
    code = error.code or 500
    if code >= 500:
        try:
            db.session.rollback()
        except Exception:
            logger.exception("the session could not be rolled back after an error")
    default_title, default_message = ERROR_TEXTS.get(code, OTHER_ERROR)
    context = {
        "code": code,
        "title": title or getattr(error, "page_title", None) or str(default_title),
        "message": message or getattr(error, "page_message", None) or str(default_message),
        "hint": hint,
        "links": list(getattr(error, "page_links", ())),
    }
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    try:
        if code == 413:
            context["message"] = i18n.too_large_message(current_app)
            context["hint"] = str(default_message)
        elif code == 500:
            context["hint"] = _("Time of the error: %(time)s.", time=error_time())
        context["back_url"] = previous_page()
        return render_error(context), code, headers
    except Exception:
        logger.exception("the error page for %s could not be drawn", code)
    try:
        return render_template("error.html", message=context["message"]), code, headers
    except Exception:
        logger.exception("the plain error page for %s could not be drawn", code)
    return Response(context["message"], code, headers, mimetype="text/plain")


def error_time() -> str:
    """Now, as the reader reads dates: BE in Thai, "3 Dec 2026 14:05" (CE) in English."""
    now = bangkok_now()
    if str(get_locale()) == "th":
        return format_be_datetime(now)
    return f"{now.day} {now:%b %Y %H:%M}"


def render_error(context: dict[str, Any]) -> str:
    """The error page in the admin's layout for a logged-in user, else the login page's."""
    admins = current_app.extensions.get("admin") or []
    if admins and current_user.is_authenticated:
        # A copy of the start page's view draws the layout; the menu marks no entry as the
        # current one (none is), and the window's title is the error's.
        view = copy.copy(admins[0].index_view)
        view.name, view.category, view.menu = context["title"], None, None
        return view.render("errors/page.html", **context)
    return render_template("error.html", **context)


def previous_page() -> str | None:
    """The page the reader came from, when it is on this site and not this very page."""
    referrer = request.referrer or ""
    if not referrer.startswith(request.host_url):
        return None
    path = "/" + referrer[len(request.host_url) :]
    # A form sent to its own address: going back to it opens the form anew, as it should.
    here = (request.full_path, request.path, request.full_path.rstrip("?"))
    if request.method in ("GET", "HEAD") and path in here:
        return None
    return security.safe_next(path, None)

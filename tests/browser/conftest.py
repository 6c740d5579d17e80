"""Browser tests: the app served on a free local port, and a headless Chromium page."""

from __future__ import annotations

import threading

import pytest
from helpers import make_user
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = "/usr/bin/chromium"
# Generous: the suite may run on a busy machine, and a slow page is not a failure here.
TIMEOUT_MS = 30_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Where the response body of a request is kept, for ClosingRequestHandler to find.
BODY_KEY = "samatta.tests.body"


class ClosingRequestHandler(WSGIRequestHandler):
    """Close the response body even when the browser drops the connection.

    Chromium cancels requests for scripts and fonts when a page navigates on. If that
    happens while Werkzeug's development server drains the request, it gives up before
    closing the body; a static file's handle is then left to the garbage collector, whose
    ResourceWarning the suite turns into an error (filterwarnings = error) in a random test.
    """

    def connection_dropped(self, error, environ=None):
        body = environ.pop(BODY_KEY, None) if environ else None
        if hasattr(body, "close"):
            body.close()


def keeping_body(app):
    """Wrap a WSGI app so that its response body is kept in the request's environ."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        environ[BODY_KEY] = body
        return body

    return wsgi


@pytest.fixture
def live_server(app, reference):
    """Serve the app on a free local port in a background thread; return its address."""
    make_user(app, "editor")
    server = make_server(
        "127.0.0.1", 0, keeping_body(app), threaded=True, request_handler=ClosingRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def browser_page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        yield page
        context.close()
        browser.close()

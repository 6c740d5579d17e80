"""Every URL rule, hit as an administrator with values no screen sends: never a 500.

Huge integers (past 64 bits, past any database's integers), -1, NUL bytes and broken UTF-8
go into path arguments, the list parameters (page, page_size, sort, id, search, filters)
and every other parameter a view reads, by GET and, where the rule allows it, by POST.
"""

from __future__ import annotations

import re
import traceback

import pytest
from helpers import text_of, thai

from reports import REPORTS

HUGE = ["9223372036854775808", "1" + "0" * 30, "-1"]
BROKEN = ["%00", "%ff%fe", "a%0a%0db"]
# The parameters Flask-Admin's lists and the app's own pages read.
PARAMS = [
    "page",
    "page_size",
    "sort",
    "desc",
    "id",
    "search",
    "url",
    "next",
    "fy",
    "epage",
    "show",
    "kind",
    "status",
    "qualification",
    "format",
    "name",
    "query",
    "offset",
    "limit",
    "placement_ids",
    "thai_digits",
]
FORM_KEYS = ["id", "rowid", "action", "page", "placement_ids", "url", "name", "query"]
# Logging out would end the administrator's session half-way.
SKIPPED = {"auth.logout"}
ARGUMENT = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")


def report_params():
    return sorted({f.name for definition in REPORTS.values() for f in definition.filters})


def fill(rule, value=None):
    """The rule's path with every argument set to value (or a plain one)."""

    def one(match):
        converter, name = match.group(1) or "default", match.group(2)
        if value is not None:
            return value
        if converter == "int":
            return "1"
        if name == "export_type":
            return "csv"
        if converter == "path":
            return "some/file.txt"
        return "x"

    return ARGUMENT.sub(one, rule.rule)


def filter_params(app):
    """Each model view's list URL and the names of its filter arguments."""
    found = {}
    for admin in app.extensions["admin"]:
        for view in admin._views:
            filters = getattr(view, "_filter_args", None)
            if filters:
                found[f"{view.endpoint}.index_view"] = [
                    f"flt{i}_{key}" for i, key in enumerate(filters)
                ]
    return found


class Probe:
    """Sends requests, keeps the ones answered 500 (or raising) with what was sent."""

    def __init__(self, client):
        self.client = client
        self.failures = []
        self.sent = 0

    def send(self, method, url, body=None):
        self.sent += 1
        try:
            if body is None:
                response = self.client.open(url, method=method)
            else:
                response = self.client.open(
                    url,
                    method=method,
                    data=body.encode("latin-1"),
                    content_type="application/x-www-form-urlencoded",
                )
            status = response.status_code
            response.close()
        except Exception as error:  # the app let an error through: that is a 500
            frames = traceback.extract_tb(error.__traceback__)
            ours = [f for f in frames if "/.venv/" not in f.filename]
            where = f"{ours[-1].filename}:{ours[-1].lineno}" if ours else ""
            self.failures.append((method, url, body, f"{type(error).__name__}: {error} {where}"))
            return
        if status >= 500:
            self.failures.append((method, url, body, status))
        if status in (301, 302, 303, 307, 308):
            # Flashed messages would pile up in the session cookie across redirects.
            with self.client.session_transaction() as session:
                session.pop("_flashes", None)

    def report(self):
        lines = [f"{m} {u} {b or ''} -> {r}" for m, u, b, r in self.failures[:40]]
        return f"{len(self.failures)} of {self.sent} requests failed:\n" + "\n".join(lines)


def rules_of(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED),
        key=lambda r: r.rule,
    )


def methods_of(rule):
    return [m for m in ("GET", "POST") if m in rule.methods]


def probe_everything(app, client, value, per_param):
    """Hit every rule with value in its path, then in its query and form parameters."""
    probe = Probe(client)
    params = PARAMS + report_params()
    filters = filter_params(app)
    for rule in rules_of(app):
        plain = fill(rule)
        for method in methods_of(rule):
            if rule.arguments:
                probe.send(method, fill(rule, value))
            query = "&".join(f"{name}={value}" for name in params + filters.get(rule.endpoint, []))
            body = "&".join(f"{key}={value}" for key in FORM_KEYS)
            probe.send(method, f"{plain}?{query}", body if method == "POST" else None)
        if per_param and rule.endpoint in filters:
            # A list view: each parameter alone, so one refused value hides no other.
            for name in ["page", "page_size", "sort", "id", "search", *filters[rule.endpoint]]:
                probe.send("GET", f"{plain}?{name}={value}")
    return probe


@pytest.mark.parametrize("value", HUGE)
def test_no_url_gives_500_with_huge_or_negative_integers(app, admin_client, records, value):
    # Each list parameter alone for the first value; all of them at once for the others.
    per_param = value == HUGE[0]
    probe = probe_everything(app, admin_client, value, per_param=per_param)
    assert probe.sent > (700 if per_param else 350)
    assert not probe.failures, probe.report()


@pytest.mark.parametrize("value", BROKEN)
def test_no_url_gives_500_with_nul_bytes_or_broken_utf8(app, admin_client, records, value):
    probe = probe_everything(app, admin_client, value, per_param=False)
    assert probe.sent > 300
    assert not probe.failures, probe.report()


ODD_INPUT = (
    "The address or the form holds characters no screen of this site sends "
    "(a NUL byte, a control character or text that is not UTF-8). Go back and try again."
)


@pytest.mark.parametrize(
    ("query", "raw_path"),
    [("%00", "\x00"), ("%ff%fe", "\xff\xfe"), ("%0a", "\n"), ("%e0%b8", "\xe0\xb8")],
)
def test_odd_characters_are_refused_with_a_thai_message(app, admin_client, query, raw_path):
    message = thai(app, ODD_INPUT)
    response = admin_client.get(f"/admin/teacher/?search={query}")
    assert response.status_code == 400
    assert message in text_of(response)
    # A server hands the path over as bytes (read as Latin-1); the test client cannot send
    # broken UTF-8 in a path any other way.
    response = admin_client.get(
        "/admin/teacher/", environ_overrides={"PATH_INFO": f"/admin/teacher/{raw_path}/"}
    )
    assert response.status_code == 400
    assert message in text_of(response)


def test_a_nul_byte_in_a_form_is_refused(app, editor_client, reference):
    response = editor_client.post(
        "/admin/agency/new/", data={"code": "X\x00", "name_th": "ก", "kind": "ministry"}
    )
    assert response.status_code == 400
    assert thai(app, ODD_INPUT) in text_of(response)
    # Tabs and newlines typed in a form are text like any other.
    response = editor_client.post(
        "/admin/agency/new/", data={"code": "X-1", "name_th": "ก\tข\r\nค", "kind": "ministry"}
    )
    assert response.status_code == 302


def test_a_number_too_large_for_the_database_finds_no_record(app, admin_client, records):
    # A filter: the list is shown, the filter is refused with Flask-Admin's own message.
    response = admin_client.get(f"/admin/qualification/?flt0_level_equals={2**63}")
    assert response.status_code == 200
    # An id in the path or in the query: no record has it (PostgreSQL's INTEGER is 32 bits,
    # so 2**31 is already too large there).
    assert admin_client.get(f"/admin/imports/batch/{2**63}/").status_code == 404
    for value in (2**31, 2**63):
        assert admin_client.get(f"/admin/letters/pdf?id={value}").status_code == 404
        assert admin_client.get(f"/admin/letters/issued?id={value}").status_code == 404

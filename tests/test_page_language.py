"""Every page in the reader's language: a crawl of the whole admin over the demo data.

An administrator follows every link from the home page (one page of each kind: the same
screen with other sort orders, filters or record ids is not visited again) once with the
Thai screen and once with the English one.

- Thai: no page shows a message of Flask-Admin, WTForms or select2 in English (their
  English texts are the msgids of the catalogues the app ships in translations/th).
- English: no page shows a Thai character except in data values, i.e. texts stored in the
  database (names of agencies and people, letter bodies…) and words marked lang="th"
  (the language switch's "ไทย", the Thai header names senders write in spreadsheets).

What the reader sees is the page's text, the placeholder, title and aria-label attributes,
the buttons' values and the filter menus' operations and options; not scripts, styles or
class names.
"""

from __future__ import annotations

import io
import json
import re
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import lxml.html
import pytest
from babel.messages.pofile import read_po
from helpers import SAMPLES, data_values, role_client
from werkzeug.exceptions import HTTPException

from seed.demo import load_demo

CATALOGUES = Path(__file__).resolve().parent.parent / "translations" / "th" / "LC_MESSAGES"
# select2 3.5's English texts (Flask-Admin's vendor/select2/select2.min.js).
SELECT2 = [
    "No matches found",
    "Loading failed",
    "Please enter",
    "Please delete",
    "You can only select",
    "Loading more results",
    "Searching",
]
ATTRIBUTES = ("placeholder", "title", "aria-label", "data-placeholder")
# Links that leave the page (logging out) or only switch the language.
NOT_FOLLOWED = {"auth.logout", "switch_language", "static"}
# Query arguments that show the same screen in another order, page or filter.
SAME_SCREEN = re.compile(r"^(url|page|page_size|sort|desc|search|after|before|flt\d*_.*)$")
THAI = re.compile(r"[\u0e00-\u0e7f]+")
OTHER = {"th": "en", "en": "th"}
# A word of Latin letters (not the letters of a code or a hash such as "3dcb2e").
ENGLISH_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z-]*[A-Za-z](?![A-Za-z0-9_])")
# English words the Thai screen keeps: the product's name, the name of the English switch,
# file formats, and names the office itself writes in English.
KEPT_IN_ENGLISH = {
    "Samatta",
    "English",
    "XLSX",
    "CSV",
    "PDF",
    "Excel",
    "OpenDocument",
    "JPEG",
    "PNG",
    "KB",
    "MB",
    "SHA",
    "ods",
    "xls",
    "xlsx",
    "csv",
    "MOU",
    "Digital",
    "Competency",
    "Bank",
}


def english_texts() -> list[str]:
    """The English texts Flask-Admin, WTForms and select2 show, as plain phrases."""
    texts = set(SELECT2)
    for domain in ("admin", "wtforms"):
        with open(CATALOGUES / f"{domain}.po", "rb") as handle:
            catalogue = read_po(handle)
        for message in catalogue:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            for msgid in ids:
                # A message with placeholders is checked by its longest literal piece.
                pieces = re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", msgid or "")
                piece = max(pieces, key=len).strip(" .:,!?") if pieces else ""
                if len(piece) >= 2 and re.search(r"[A-Za-z]{2}", piece):
                    texts.add(piece)
    return sorted(texts, key=len, reverse=True)


def json_texts(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in json_texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in json_texts(item)]
    return [value] if isinstance(value, str) else []


def seen_text(html: str, quoted: str) -> tuple[str, lxml.html.HtmlElement]:
    """Return the text a reader can see on a page, and the page's tree (for its links).

    Words marked as another language (lang=quoted) are left out: they are quoted, such as
    the language switch's "ไทย" or the header names senders write; so is code (a letter's
    placeholders such as {college}).
    """
    tree = lxml.html.fromstring(html)
    for element in tree.xpath(f"//*[@lang='{quoted}']|//script|//style|//template|//code"):
        element.drop_tree()
    parts = []
    # Flask-Admin keeps the form of a new inline row as escaped HTML, shown on "Add".
    for template in tree.xpath("//*[contains(@class, 'inline-field-template')]"):
        parts.append(seen_text(f"<div>{template.text_content()}</div>", quoted)[0])
        template.drop_tree()
    # ... and the filter menus and the confirmation questions as JSON.
    for data in tree.xpath("//*[substring(@id, string-length(@id) - 4) = '-data']"):
        texts = json_texts(json.loads(data.text_content() or "null"))
        parts.extend(text for text in texts if not re.fullmatch(r"[a-z0-9_-]+", text))
        data.drop_tree()
    for element in tree.xpath("//*[@placeholder or @title or @aria-label or @data-placeholder]"):
        parts.extend(element.get(name) for name in ATTRIBUTES if element.get(name))
    parts.extend(tree.xpath("//input[@type='submit' or @type='button']/@value"))
    parts.append(tree.text_content())
    return " ".join(" ".join(parts).split()), tree


def without(text: str, values: list[str]) -> str:
    for value in values:
        if value in text:
            text = text.replace(value, " ")
    return text


def crawl(app, client, language, check) -> str:
    """Visit one page of each kind reachable from the home page; check(text) -> problems.

    Return the problems, a line per page ("" when there are none)."""
    adapter = app.url_map.bind("localhost")
    kinds: set[tuple] = set()
    # Every screen without arguments, linked from a menu or not, and what they link to.
    starts = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin/") and not rule.arguments and "GET" in rule.methods
    )
    queue, problems, visited = deque(starts), {}, 0
    while queue:
        url = queue.popleft()
        response = client.get(url)
        response.close()  # downloads (spreadsheets, PDFs) are streamed from open files
        assert response.status_code < 500, url
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        visited += 1
        text, tree = seen_text(response.get_data(as_text=True), OTHER[language])
        found = check(text)
        if found:
            problems[url] = found
        for href in tree.xpath("//a/@href"):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            try:
                endpoint, arguments = adapter.match(parts.path)
            except HTTPException:
                continue
            shown = tuple(sorted(k for k, _ in parse_qsl(parts.query) if not SAME_SCREEN.match(k)))
            # A record's id picks another record of the same screen; other path arguments
            # (a report's name, a letter's kind) pick another screen.
            named = tuple(
                sorted((k, v if not isinstance(v, int) else 0) for k, v in arguments.items())
            )
            kind = (endpoint, named, shown)
            if endpoint not in NOT_FOLLOWED and kind not in kinds:
                kinds.add(kind)
                queue.append(href)
    # The crawl reached every part of the admin (the demo data has records of each kind).
    assert visited > 150, visited
    return "\n".join(f"{url}: {found}" for url, found in problems.items())


@pytest.fixture
def demo_admin(app, reference, imports_in_request):
    """The demo data and an administrator; they upload a roster with rejected rows in the
    language the test reads (an import's problems are worded as its uploader reads)."""
    with app.app_context():
        load_demo()
    client = role_client(app, "admin")
    roster = (SAMPLES / "teachers_roster.xlsx").read_bytes()

    def reading(language):
        client.get(f"/lang/{language}")
        data = {"kind": "teachers", "file": (io.BytesIO(roster), "teachers_roster.xlsx")}
        response = client.post("/admin/imports/", data=data, content_type="multipart/form-data")
        assert response.status_code == 302
        with app.app_context():
            return client, data_values(roster)

    return reading


def test_thai_pages_show_no_english_words_of_the_frameworks(app, demo_admin):
    client, values = demo_admin("th")
    english = [
        (text, re.compile(rf"(?<![A-Za-z]){re.escape(text)}(?![A-Za-z])"))
        for text in english_texts()
    ]

    def check(text):
        text = without(text, values)
        found = [phrase for phrase, pattern in english if pattern.search(text)]
        # Nor any other English word but names the office uses as they are.
        words = set(ENGLISH_WORD.findall(text)) - KEPT_IN_ENGLISH
        return found + sorted(words)

    problems = crawl(app, client, "th", check)
    assert not problems, problems


def test_english_pages_show_no_thai_outside_data_values(app, demo_admin):
    client, values = demo_admin("en")

    def check(text):
        return sorted(set(THAI.findall(without(text, values))))[:10]

    problems = crawl(app, client, "en", check)
    assert not problems, problems

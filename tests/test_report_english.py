"""Reports in English on request: the same report with English words and CE dates.

Over the demonstration data each of the six reports, printed with language "en", has no
Thai outside data values (names of agencies, people, curricula…) and dates in CE; the
admin's form offers the choice, says the printout is Thai otherwise, and keeps Thai when
the screen is English but the choice is not made.
"""

from __future__ import annotations

import re

import pytest
from apps import build_app, fill_schema
from flask_babel import force_locale
from helpers import data_values, demo_report_filters, page, pdftotext, role_client, text_of
from test_report_layout import texts_of

from models import db
from reports import REPORTS, Viewer, build_report, render
from reports.model import Table
from seed.demo import load_demo

THAI = re.compile(r"[\u0e00-\u0e7f]+")
THAI_MONTH = re.compile(
    r"ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\."
)
ENGLISH_DATE = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 20\d\d\b")


@pytest.fixture(scope="module")
def printouts(tmp_path_factory, databases):
    """Each report's PDF text in English and in Thai over the demo data, and the data."""
    folder = tmp_path_factory.mktemp("demo")
    uri = databases.create("reference") if databases.postgresql else None
    if uri is None:
        fill_schema(build_app(folder), True)
    app = build_app(folder, database_uri=uri)
    texts = {}
    with app.app_context():
        load_demo()
        filters = demo_report_filters(db.session)
        for name in REPORTS:
            for language in ("en", "th"):
                with app.test_request_context(), force_locale(language):
                    report = build_report(db.session, name, filters[name], Viewer())
                    pdf = pdftotext(render(report, "pdf"))
                    titles = [
                        c.title for b in report.blocks if isinstance(b, Table) for c in b.columns
                    ]
                    texts[name, language] = (texts_of(report), pdf, titles)
        values = data_values()
        db.session.remove()
        db.engine.dispose()
    if uri is not None:
        databases.drop(uri)
    return texts, values


def without(text: str, values: list[str]) -> str:
    text = " ".join(text.split())
    for value in values:
        if value in text:
            text = text.replace(value, " ")
    return text


@pytest.mark.parametrize("name", list(REPORTS))
def test_an_english_printout_has_no_thai_but_data(printouts, name):
    texts, values = printouts
    printed, pdf, _titles = texts[name, "en"]
    # Each text the report prints (title, filters, headers, cells, notes), less its data.
    thai = {word for text in printed for word in THAI.findall(without(text, values))}
    assert sorted(thai) == []
    assert not THAI_MONTH.search(pdf)
    # The running header and footer too: printed on a date in CE, "Page 1 of N".
    assert ENGLISH_DATE.search(pdf) and "Page 1 of" in pdf
    # The Thai printout built after it is Thai throughout: the English one changed nothing
    # of the report's own words (its columns are the module's).
    thai_texts, thai_pdf, thai_titles = texts[name, "th"]
    assert thai_titles and all(THAI.search(title) for title in thai_titles)
    assert THAI.search(thai_texts[0])
    assert "พิมพ์เมื่อ" in thai_pdf and "หน้า 1 จาก" in thai_pdf and "Printed" not in thai_pdf


def test_the_form_offers_the_language_and_says_the_printout_is_thai_otherwise(app, reference):
    client = role_client(app, "viewer")
    client.get("/lang/en")
    response = client.get("/admin/reports/mous/")
    choice = page(response).xpath('//select[@name="language"]/option')
    assert [(o.get("value"), o.text_content()) for o in choice] == [
        ("th", "ไทย"),
        ("en", "English"),
    ]
    assert "print in Thai, with BE dates, unless you choose English" in text_of(response)
    thai = client.get("/admin/reports/mous/?format=pdf")
    assert "ทะเบียนบันทึกข้อตกลงความร่วมมือ" in pdftotext(thai.data)
    english = client.get("/admin/reports/mous/?format=pdf&language=en")
    assert "Register of memoranda of understanding (MOU)" in pdftotext(english.data)


def test_a_bad_filter_is_told_in_the_screens_language_whatever_the_printout(app, reference):
    client = role_client(app, "viewer")
    response = client.get("/admin/reports/placements/?format=pdf&fiscal_year=abc&language=en")
    assert response.status_code == 400
    assert "ไม่ถูกต้อง" in text_of(response)
    client.get("/lang/en")
    response = client.get("/admin/reports/placements/?format=pdf&fiscal_year=abc&language=th")
    assert 'Fiscal year (BE) "abc" is not valid; give a BE year, e.g. 2568' in text_of(response)

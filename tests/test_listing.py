"""Lists at scale: counts that stop at a limit, and pages that seek by key."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import page, role_client, thai
from sqlalchemy import insert, select

from models import Agency, Teacher, db
from thai.nid import make_national_id

TEACHERS = 60
LIMIT = 25


@pytest.fixture
def many(app, reference):
    """Sixty teachers (ครู001 … ครู060) and a count limit of 25."""
    app.config["LIST_COUNT_LIMIT"] = LIMIT
    with app.app_context():
        college = db.session.scalar(select(Agency.id).where(Agency.code == "C5201"))
        db.session.execute(
            insert(Teacher),
            [
                {
                    "national_id": make_national_id(f"1{i:011d}"),
                    "first_name": f"ครู{i:03d}",
                    "last_name": "ทดสอบ",
                    "college_id": college,
                }
                for i in range(1, TEACHERS + 1)
            ],
        )
        db.session.commit()
    return role_client(app, "viewer")


def names(response):
    assert response.status_code == 200, response.status_code
    return [
        " ".join(td.text_content().split())
        for td in page(response).xpath('//td[@class="col-first_name"]')
    ]


def pager_link(response, label):
    """The href of the pager's link labelled "<" or ">" (None when it is disabled)."""
    for link in page(response).xpath('//ul[contains(@class, "pagination")]//li'):
        if link.text_content().strip() == label and "disabled" not in link.get("class", ""):
            return link.xpath(".//a/@href")[0]
    return None


def list_tab(response):
    tabs = page(response).xpath('//ul[contains(@class, "nav-tabs")]//a[contains(@class, "active")]')
    return " ".join(tabs[0].text_content().split())


def test_a_short_list_counts_exactly_and_numbers_its_pages(app, many):
    app.config["LIST_COUNT_LIMIT"] = 1000
    response = many.get("/admin/teacher/?page_size=20")
    assert list_tab(response).endswith(f"({TEACHERS})")
    numbers = page(response).xpath('//ul[contains(@class, "pagination")]//a/text()')
    assert {"1", "2", "3"} <= {n.strip() for n in numbers}


def test_a_long_list_says_about_how_many_without_counting_them_all(app, many):
    response = many.get("/admin/teacher/")
    assert thai(app, "about %(count)s", count=str(TEACHERS)) in list_tab(response)


def test_a_long_search_result_says_more_than_the_limit(app, many):
    response = many.get("/admin/teacher/", query_string={"search": "ครู"})
    assert thai(app, "more than %(count)s", count=str(LIMIT)) in list_tab(response)
    assert len(names(response)) == 50


def test_the_pager_walks_the_whole_list_by_key_forwards_and_back(app, many):
    url = "/admin/teacher/?page_size=20"
    seen, pages = [], []
    while url:
        response = many.get(url)
        pages.append(names(response))
        seen += pages[-1]
        url = pager_link(response, ">")
        if url:
            query = parse_qs(urlsplit(url).query)
            assert "after" in query  # the next page seeks from the last row's key
        assert len(pages) < 10
    assert seen == [f"ครู{i:03d}" for i in range(1, TEACHERS + 1)]
    # And back: each previous page is the page seen before it.
    back = []
    url = pager_link(response, "<")
    while url:
        response = many.get(url)
        back.append(names(response))
        url = pager_link(response, "<")
    assert back == pages[-2::-1]


def test_a_typed_page_number_without_a_key_shows_the_same_rows(app, many):
    first = many.get("/admin/teacher/?page_size=20")
    second = many.get(pager_link(first, ">"))
    assert names(many.get("/admin/teacher/?page_size=20&page=1")) == names(second)


def test_the_key_stays_out_of_sorting_and_search_links(app, many):
    first = many.get("/admin/teacher/?page_size=20")
    second = many.get(pager_link(first, ">"))
    # Sorting by a column or changing the page size starts again from the first page.
    links = page(second).xpath("//th//a/@href")
    assert links
    assert not any("after=" in link or "before=" in link for link in links)


def test_a_search_result_pages_by_key_too(app, many):
    first = many.get("/admin/teacher/", query_string={"search": "ครู", "page_size": 20})
    second = many.get(pager_link(first, ">"))
    assert names(second) == [f"ครู{i:03d}" for i in range(21, 41)]
    assert "search=" in pager_link(second, ">")


@pytest.mark.parametrize(
    "query",
    [
        "page=1&after=abc",
        f"page=1&after={2**63}",
        f"page=1&after={10**30}",
        "page=1&before=-1",
        f"page=2&before={-(2**63)}",
        "page=1&after=",
        "page=-5&after=3",
        f"page={2**40}&after=3",
        "page=1&after=30&before=10",
    ],
)
def test_keys_from_the_url_never_break_the_list(app, many, query):
    response = many.get(f"/admin/teacher/?{query}")
    assert response.status_code == 200


def test_an_export_ignores_a_key_in_its_url(app, many):
    editor = role_client(app, "editor")
    response = editor.get("/admin/teacher/export/csv/?page=1&after=50")
    assert response.status_code == 200
    lines = response.get_data(as_text=True).strip().splitlines()
    assert len(lines) == TEACHERS + 1  # the header and every teacher

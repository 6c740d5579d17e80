"""Every list filter has a URL name of its own, the same in Thai and English, and a label in
the reader's language (no raw field paths such as "Parent / Name Th")."""

import json
import re

from lxml import html
from sqlalchemy import select

from admin.base import SecureModelView
from models import Agency, Teacher, db

THAI = re.compile(r"[\u0e00-\u0e7f]")
ASCII_LETTER = re.compile(r"[A-Za-z]")


def filter_groups(client, url):
    """The list page's filters as its filter menu reads them: {label: [URL names]}."""
    response = client.get(url)
    assert response.status_code == 200, url
    data = html.fromstring(response.get_data(as_text=True)).xpath('//*[@id="filter-groups-data"]')
    if not data:
        return {}
    return {label: [f["arg"] for f in flts] for label, flts in json.loads(data[0].text).items()}


def list_views(app):
    return [
        view
        for view in app.extensions["admin"][0]._views
        if isinstance(view, SecureModelView) and view.column_filters
    ]


def list_url(app, view):
    with app.test_request_context():
        from flask import url_for

        return url_for(f"{view.endpoint}.index_view")


def test_every_filter_label_is_in_the_readers_language_and_every_url_name_unique(app, admin_client):
    views = list_views(app)
    assert len(views) >= 15
    thai = {view.endpoint: filter_groups(admin_client, list_url(app, view)) for view in views}
    admin_client.get("/lang/en")
    english = {view.endpoint: filter_groups(admin_client, list_url(app, view)) for view in views}
    for endpoint, groups in thai.items():
        assert groups, endpoint
        assert [label for label in groups if ASCII_LETTER.search(label)] == [], endpoint
        names = [name for args in groups.values() for name in args]
        assert len(names) == len(set(names)), endpoint
        assert all(re.fullmatch(r"[a-z0-9_]+", name) for name in names), (endpoint, names)
        # The same filters under the same URL names in English, labelled in English.
        assert sorted(n for a in english[endpoint].values() for n in a) == sorted(names)
        assert [label for label in english[endpoint] if THAI.search(label)] == [], endpoint


def test_nested_paths_are_labelled_as_a_reader_says_them(app, admin_client):
    groups = filter_groups(admin_client, "/admin/student/")
    assert "จังหวัดของสถานศึกษา" in groups
    assert groups["จังหวัดของสถานศึกษา"][0] == "college_province_name_th_contains"
    admin_client.get("/lang/en")
    assert "Province of the college" in filter_groups(admin_client, "/admin/student/")


def add_teachers(app, departments):
    with app.app_context():
        college = db.session.scalar(select(Agency).where(Agency.code == "C5201"))
        for number, department in enumerate(departments):
            db.session.add(
                Teacher(
                    national_id=f"1101700{number:05d}9",
                    prefix="นาย",
                    first_name=f"ครู{department}{number}",
                    last_name="ทดสอบ",
                    college=college,
                    department=department,
                )
            )
        db.session.commit()


def names_on(client, url):
    page = html.fromstring(client.get(url).get_data(as_text=True))
    return {
        text.strip() for text in page.xpath("//table//td//text()") if text.strip().startswith("ครู")
    }


def test_a_thai_contains_filter_on_the_teacher_list_finds_exactly_the_matching_teachers(
    app, reference, admin_client
):
    add_teachers(app, ["ช่างยนต์", "ช่างยนต์", "ช่างไฟฟ้ากำลัง", "การบัญชี"])
    groups = filter_groups(admin_client, "/admin/teacher/")
    department = groups["แผนกวิชา / สาขาวิชา"]
    assert "department_contains" in department
    url = "/admin/teacher/?flt0_department_contains=ช่างยนต์"
    assert names_on(admin_client, url) == {"ครูช่างยนต์0", "ครูช่างยนต์1"}
    assert names_on(admin_client, "/admin/teacher/?flt0_department_equals=การบัญชี") == {"ครูการบัญชี3"}
    # The same link after switching the screen to English filters the same teachers.
    admin_client.get("/lang/en")
    assert names_on(admin_client, url) == {"ครูช่างยนต์0", "ครูช่างยนต์1"}

"""The interface speaks Thai by default; /lang/en switches to English and back."""

from __future__ import annotations

import re

from helpers import THAI, form_values, latest_id, page, text_of, thai
from sqlalchemy import select

from models import PlacementRound, Region, User, db

MENU_CATEGORIES = [
    "หน่วยงาน",
    "บันทึกข้อตกลง",
    "มาตรฐานอาชีพ",
    "หลักสูตร",
    "ครู",
    "การฝึกประสบการณ์",
    "ทุนการศึกษา",
    "ผู้ใช้งาน",
]


def menu(response):
    """Return the names of the top-level menu entries."""
    tree = page(response)
    links = tree.xpath('(//ul[contains(@class, "navbar-nav")])[1]/li/a')
    return [" ".join(a.text_content().split()) for a in links]


def tabs(response):
    return [
        " ".join(a.text_content().split())
        for a in page(response).xpath("//ul[@class='nav nav-tabs']/li/a")
    ]


def submit_labels(response):
    return [i.get("value") for i in page(response).xpath('//input[@type="submit"]')]


def test_flask_admin_speaks_thai_by_default(editor_client):
    listing = editor_client.get("/admin/agency/")
    assert tabs(listing)[:2] == ["รายการ", "สร้าง"]
    assert page(listing).xpath("/html/@lang") in (["th"], [])
    form = editor_client.get("/admin/agency/new/")
    assert "บันทึก" in submit_labels(form)


def test_menu_categories_are_thai(app, admin_client):
    entries = menu(admin_client.get("/admin/"))
    assert entries[0] == thai(app, "Home")
    # The office's areas, in the office's order (other entries may sit between them).
    assert [e for e in entries if e in MENU_CATEGORIES] == MENU_CATEGORIES
    untranslated = [e for e in entries if not THAI.search(e)]
    assert untranslated == []


def test_app_labels_and_choices_are_thai(app, editor_client, reference):
    form = editor_client.get("/admin/agency/new/")
    text = text_of(form)
    assert thai(app, "Thai name") in text
    assert thai(app, "Ministry") in text
    assert "Ministry" not in text


def test_switch_to_english_and_back(editor_client):
    response = editor_client.get("/lang/en", headers={"Referer": "http://localhost/admin/agency/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "http://localhost/admin/agency/"
    listing = editor_client.get("/admin/agency/")
    assert tabs(listing)[:2] == ["List", "Create"]
    assert "Agencies" in menu(listing)
    assert "หน่วยงาน" not in menu(listing)
    assert "Save" in submit_labels(editor_client.get("/admin/agency/new/"))
    # The choice stays for the rest of the session.
    assert "Create" in tabs(editor_client.get("/admin/mou/"))

    editor_client.get("/lang/th")
    assert tabs(editor_client.get("/admin/agency/"))[:2] == ["รายการ", "สร้าง"]


def test_unknown_language_is_ignored(editor_client):
    for code in ("fr", "xx", "EN"):
        editor_client.get(f"/lang/{code}")
        assert tabs(editor_client.get("/admin/agency/"))[:2] == ["รายการ", "สร้าง"], code


def test_language_switch_never_sends_off_site(client):
    response = client.get("/lang/en", headers={"Referer": "https://evil.example/phish"})
    assert response.headers["Location"] == "/admin/"


def test_login_page_switches_language_before_login(app, client):
    assert thai(app, "Log in") in text_of(client.get("/login"))
    client.get("/lang/en")
    assert "Log in" in text_of(client.get("/login"))
    assert page(client.get("/login")).xpath("/html/@lang") == ["en"]


def test_form_errors_follow_the_language(editor_client):
    thai_errors = text_of(editor_client.post("/admin/agency/new/", data={"kind": "bureau"}))
    assert "This field is required." not in thai_errors
    editor_client.get("/lang/en")
    response = editor_client.post("/admin/agency/new/", data={"kind": "bureau"})
    assert "This field is required." in text_of(response)
    assert form_values(response)["kind"] == ["bureau"]


def test_dates_read_the_english_way_on_the_english_screen(app, editor_client, records):
    round_id = latest_id(app, PlacementRound)
    url = f"/admin/round/details/?id={round_id}"
    thai_text = text_of(editor_client.get(url))
    assert "ปีงบประมาณ 2568" in thai_text
    editor_client.get("/lang/en")
    text = text_of(editor_client.get(url))
    # The fiscal year in CE with the BE year the office's inputs use; no Thai month names.
    assert "FY 2025 (BE 2568)" in text
    assert not re.search(
        r"ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.",
        text,
    )


# --------------------------------------------------------------------------- wording


def blank_choice(client):
    """The words of the province not yet chosen on a new agency's form."""
    tree = page(client.get("/admin/agency/new/"))
    (option,) = tree.xpath("//select[@name='province']/option[@value='__None']")
    return option.text_content()


def test_a_choice_not_yet_made_asks_for_one(editor_client, reference):
    assert blank_choice(editor_client) == "กรุณาเลือก…"
    editor_client.get("/lang/en")
    assert blank_choice(editor_client) == "Please choose…"


def password_hint(client, url):
    tree = page(client.get(url))
    (field,) = tree.xpath("//input[@name='new_password']")
    group = field.xpath("ancestor::*[contains(@class, 'form-group')][1]")[0]
    return " ".join(" ".join(e.text_content().split()) for e in group.xpath(".//small"))


def test_the_password_hint_of_a_new_user_fits_creating(app, admin_client):
    created = password_hint(admin_client, "/admin/user/new/")
    assert "ผู้ใช้ใหม่ต้องมีรหัสผ่านจึงจะเข้าสู่ระบบได้" in created
    assert "ไม่ต้องการเปลี่ยน" not in created
    # Editing keeps the hint about the current password.
    edited = password_hint(admin_client, f"/admin/user/edit/?id={latest_id(app, User)}")
    assert "เว้นว่างไว้หากไม่ต้องการเปลี่ยนรหัสผ่าน" in edited


def test_a_regions_page_names_its_provinces_in_thai(app, admin_client, reference):
    with app.app_context():
        region = db.session.scalars(select(Region).order_by(Region.id)).first()
    tree = page(admin_client.get(f"/admin/region/details/?id={region.id}"))
    labels = [" ".join(cell.text_content().split()) for cell in tree.xpath("//table//td[1]")]
    assert "จังหวัด" in labels
    assert "Provinces" not in labels

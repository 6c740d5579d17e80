"""A real browser: the pickers, the list filters and the file inputs speak the reader's language,
and the pickers find and show what a person reads on the screen.

select2 (the search-as-you-type pickers and the filters' selects) and the browser's file
input draw their own words ("No matches found", "Choose file / No file chosen"); the base
template gives them the catalogue's (static/widgets-i18n.js).
"""

from __future__ import annotations

import re

import pytest
from helpers import PASSWORD, USERS, admin_message, thai
from playwright.sync_api import expect
from sqlalchemy import select

from models import Agency, Province, Teacher, db
from thai.nid import format_national_id, make_national_id

NOTHING_MATCHES = "ไม่มีหน่วยงานชื่อนี้ zzqx"


def log_in(page, server):
    page.goto(f"{server}/login")
    page.fill("#email", USERS["editor"])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{server}/admin/")


def type_in_picker(page, field_id, text):
    """Open a select2 picker and type into its search box; return the drop-down."""
    page.click(f"#s2id_{field_id} a.select2-choice")
    drop = page.locator("#select2-drop:visible")
    drop.locator("input.select2-input").fill(text)
    return drop


@pytest.mark.csrf
def test_a_picker_that_finds_nothing_says_so_in_thai_then_in_english(
    app, live_server, browser_page, tmp_path
):
    page = browser_page
    log_in(page, live_server)
    page.goto(f"{live_server}/admin/agency/new/")
    drop = type_in_picker(page, "parent", NOTHING_MATCHES)
    no_results = drop.locator(".select2-no-results")
    expect(no_results).to_have_text(thai(app, "No matches found"))
    page.screenshot(path=str(tmp_path / "picker-th.png"))
    # A text that matches still lists the agency, with no message.
    drop.locator("input.select2-input").fill("TPQI")
    expect(drop.locator(".select2-result-selectable").first).to_contain_text("สถาบันคุณวุฒิวิชาชีพ")
    expect(no_results).to_have_count(0)
    page.keyboard.press("Escape")

    page.goto(f"{live_server}/lang/en")
    page.goto(f"{live_server}/admin/agency/new/")
    drop = type_in_picker(page, "parent", NOTHING_MATCHES)
    expect(drop.locator(".select2-no-results")).to_have_text("No matches found")


@pytest.mark.csrf
def test_a_list_filters_select_says_so_in_thai(app, live_server, browser_page, tmp_path):
    page = browser_page
    log_in(page, live_server)
    page.goto(f"{live_server}/admin/agency/")
    page.locator(".dropdown-menu.field-filters").locator("xpath=..").locator(
        "a.dropdown-toggle"
    ).first.click()
    page.locator(".field-filters a.filter").first.click()
    # The filter's operation is a select2 of its own: nothing in it matches this text.
    page.locator(".filters .select2-container a.select2-choice").first.click()
    drop = page.locator("#select2-drop:visible")
    drop.locator("input.select2-input").fill(NOTHING_MATCHES)
    expect(drop.locator(".select2-no-results")).to_have_text(thai(app, "No matches found"))
    page.screenshot(path=str(tmp_path / "filter-th.png"))
    page.keyboard.press("Escape")

    # "Province in list": Flask-Admin's tags box asks for comma-separated values in English.
    with app.test_request_context():
        in_list = admin_message(app, "in list", "th")
    page.locator(".dropdown-menu.field-filters").locator("xpath=..").locator(
        "a.dropdown-toggle"
    ).first.click()
    page.locator(".field-filters a.filter").nth(1).click()
    page.locator(".filters tr").last.locator(".select2-container a.select2-choice").click()
    drop = page.locator("#select2-drop:visible")
    drop.locator("input.select2-input").fill(in_list)
    drop.locator(".select2-result-selectable", has_text=in_list).first.click()
    page.locator(".filters tr").last.locator(".select2-container-multi input").click()
    expect(page.locator("#select2-drop:visible .select2-no-results")).to_have_text(
        thai(app, "Enter comma separated values")
    )
    page.screenshot(path=str(tmp_path / "filter-in-list-th.png"))


@pytest.mark.csrf
def test_file_inputs_are_labelled_in_the_readers_language(app, live_server, browser_page, tmp_path):
    page = browser_page
    log_in(page, live_server)
    page.goto(f"{live_server}/admin/imports/")
    label = page.locator("label.custom-file-label[for=file]")
    expect(label).to_have_text(thai(app, "No file chosen"))
    expect(label).to_have_attribute("data-browse", thai(app, "Choose file"))
    # The button's word is drawn from data-browse: the browser shows it, not "Browse".
    after = label.evaluate("e => getComputedStyle(e, '::after').content")
    assert after == '"{}"'.format(thai(app, "Choose file"))
    roster = tmp_path / "รายชื่อครู.xlsx"
    roster.write_bytes(b"not read by this test")
    page.set_input_files("#file", str(roster))
    expect(label).to_have_text("รายชื่อครู.xlsx")
    page.screenshot(path=str(tmp_path / "import-file-th.png"), full_page=True)

    # The MOU's signed document: the same input, with its own name and accept list.
    page.goto(f"{live_server}/admin/mou/new/")
    document = page.locator("input[type=file][name=document_path]")
    expect(document).to_have_class(re.compile(r"\bcustom-file-input\b"))
    expect(
        page.locator(f"label.custom-file-label[for={document.get_attribute('id')}]")
    ).to_have_text(thai(app, "No file chosen"))

    page.goto(f"{live_server}/lang/en")
    page.goto(f"{live_server}/admin/imports/")
    label = page.locator("label.custom-file-label[for=file]")
    expect(label).to_have_text("No file chosen")
    expect(label).to_have_attribute("data-browse", "Choose file")


# Colleges whose names all end in ลำปาง: only the code and province beside each tell them apart.
LAMPANG_COLLEGES = (
    ("C5202", "วิทยาลัยเทคนิคลำปาง"),
    ("C5203", "วิทยาลัยอาชีวศึกษาลำปาง"),
    ("C5204", "วิทยาลัยเกษตรและเทคโนโลยีลำปาง"),
    ("C5205", "วิทยาลัยการอาชีพเกาะคาลำปาง"),
    ("C5206", "วิทยาลัยการอาชีพเถินลำปาง"),
)
ACTING_NID = make_national_id("310010000003")


@pytest.mark.csrf
def test_pickers_show_namesake_colleges_apart_and_find_a_person_as_written(
    app, live_server, browser_page, tmp_path
):
    with app.app_context():
        lampang = db.session.scalar(select(Province).where(Province.code == "52"))
        db.session.add_all(
            Agency(code=code, name_th=name, kind="college", province=lampang)
            for code, name in LAMPANG_COLLEGES
        )
        db.session.add(
            Teacher(
                national_id=ACTING_NID,
                prefix="ว่าที่ร้อยตรี",
                first_name="ธนุ",
                last_name="แสงทอง",
            )
        )
        db.session.commit()
    page = browser_page
    log_in(page, live_server)
    page.goto(f"{live_server}/admin/placement/new/")
    drop = type_in_picker(page, "college", "ลำปาง")
    results = drop.locator(".select2-result-selectable")
    expect(results).to_have_count(len(LAMPANG_COLLEGES) + 1)
    expect(results.filter(has_text="วิทยาลัยเทคนิคลำปาง (C5202, ลำปาง)")).to_have_count(1)
    expect(results.filter(has_text="วิทยาลัยสารพัดช่างลำปาง (C5201, ลำปาง)")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "agency-picker-th.png"))
    results.filter(has_text="C5203").click()
    expect(page.locator("#s2id_college .select2-chosen")).to_have_text(
        "วิทยาลัยอาชีวศึกษาลำปาง (C5203, ลำปาง)"
    )

    # The teacher as a letter names him, title glued on; then his ID as the screen shows it.
    for typed in ("ว่าที่ร้อยตรีธนุ", format_national_id(ACTING_NID)):
        drop = type_in_picker(page, "teacher", typed)
        expect(drop.locator(".select2-result-selectable")).to_have_text(["ว่าที่ร้อยตรีธนุ แสงทอง"])
        page.screenshot(path=str(tmp_path / "teacher-picker-th.png"))
        page.keyboard.press("Escape")

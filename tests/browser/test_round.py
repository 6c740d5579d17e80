"""A real browser runs the FY2568 round for two teachers, as the office's staff would.

An editor imports the applications from the online form, sees on the home page that the
file waits for confirmation and that one application came late, announces the eligible
teacher in bulk (the one whose host has no MOU with the college is refused, with the
reason), issues the announcement letter, then moves the placement step by step with the
buttons of its page to the post report, recording the test on the way; the home page
follows every step, and the pass lands in the teacher's competency record.
"""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import PASSWORD, USERS, pdftotext
from playwright.sync_api import expect
from rounds import make_host, make_teacher, placement_world
from sqlalchemy import select

from models import OutgoingLetter, Placement, PlacementStep, TeacherUnit, db
from thai.digits import to_thai_digits
from thai.nid import format_national_id

HEADERS = (
    "ประทับเวลา",
    "ที่อยู่อีเมล",
    "เลขประจำตัวประชาชน",
    "ชื่อ-สกุล",
    "สถานประกอบการ",
    "สมรรถนะที่จะฝึก",
    "วันเริ่มฝึก",
    "วันสิ้นสุดการฝึก",
)


@pytest.fixture
def world(app, reference):
    """A college, a host with an MOU with it and one without, two of its teachers, units."""
    with app.app_context():
        session = db.session
        world = placement_world(session)
        stranger = make_host(session, "EST-NOMOU", "บริษัท ไม่มีข้อตกลง จำกัด")
        other = make_teacher(session, world.college, "ชูใจ", "มีสุข", prefix="นางสาว")
        session.commit()
        return {
            "host": world.host.name_th,
            "stranger": stranger.name_th,
            "college": world.college.name_th,
            "teacher": (
                world.teacher.national_id,
                world.teacher.first_name,
                world.teacher.last_name,
            ),
            "other": (other.national_id, other.first_name, other.last_name),
            "units": [(unit.id, unit.code, unit.title) for unit in world.units],
        }


def applications_csv(world, path):
    """The online form's export: one application on time, one a few minutes late."""
    (_id1, code1, title1), (_id2, code2, title2) = world["units"]
    nid, first, last = world["teacher"]
    nid2, first2, last2 = world["other"]
    rows = [
        HEADERS,
        (
            "20/2/2568, 10:30:00",
            "sanon@example.ac.th",
            format_national_id(nid),
            f"นาย{first} {last}",
            world["host"],
            f"{code1} {title1}, {code2} {title2}",
            "17/03/2568",
            "30/05/2568",
        ),
        (
            "28/2/2568, 0:05:00",
            "chujai@example.ac.th",
            nid2,
            f"นางสาว{first2} {last2}",
            world["stranger"],
            f"{code1} {title1}",
            "17/03/2568",
            "30/05/2568",
        ),
    ]
    path.write_text("\n".join(",".join(f'"{cell}"' for cell in row) for row in rows), "utf-8")
    return path


def attention(page, key):
    return page.locator(f"#attention-{key} .attention-count")


def move_with_button(page, to, **fields):
    form = page.locator(f"form.step-form-{to}")
    for name, value in fields.items():
        if name == "test_result":
            form.locator("select[name=test_result]").select_option(value)
        else:
            form.locator(f"[name={name}]").fill(value)
    form.locator("button.step-button").click()
    expect(page.locator("#placement-panel")).to_have_attribute("data-step", to)


@pytest.mark.csrf
def test_editor_runs_the_round_from_application_to_post_report(
    app, world, live_server, browser_page, tmp_path
):
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server}/admin/")
    page.fill("#email", USERS["editor"])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server}/admin/")

    # 1. The applications, from the online form's export.
    page.goto(f"{live_server}/admin/imports/")
    page.click("label[for=kind-placements]")
    page.select_option("#fiscal_year", "2568")
    page.set_input_files("#file", str(applications_csv(world, tmp_path / "ใบสมัคร.csv")))
    page.click("#check-button")
    expect(page.locator("#count-new .figure")).to_have_text("2")
    batch_url = page.url

    page.goto(f"{live_server}/admin/?fy=2568")
    expect(attention(page, "imports")).to_have_text("1")
    page.goto(batch_url)
    page.click("#confirm-button")
    expect(page.locator("#written")).to_be_visible()

    page.goto(f"{live_server}/admin/?fy=2568")
    expect(attention(page, "late")).to_have_text("1")
    expect(page.locator("#attention-late")).to_contain_text(world["other"][1])
    expect(attention(page, "mou")).to_have_text("1")
    expect(page.locator("#attention-mou")).to_contain_text(world["other"][1])
    expect(attention(page, "imports")).to_have_text("0")
    page.screenshot(path=str(tmp_path / "home-applied.png"), full_page=True)

    # 2. Announce both eligible in bulk: the one without an MOU is refused, with the reason.
    page.goto(f"{live_server}/admin/placement/")
    expect(page.locator("table.model-list tbody tr")).to_have_count(2)
    # The row toggle and the action menu work by script: wait until it has run.
    page.wait_for_load_state("load")
    page.check("input.action-rowtoggle")
    page.click("a.dropdown-toggle:has-text('ดำเนินการกับรายการที่เลือก')")
    page.click("a.dropdown-item:has-text('ประกาศผู้มีคุณสมบัติ')")
    expect(page.locator("#will-move .count")).to_have_text("1")
    expect(page.locator("#will-not-move .count")).to_have_text("1")
    expect(page.locator("#will-not-move")).to_contain_text(world["other"][1])
    expect(page.locator("#will-not-move")).to_contain_text("บันทึกข้อตกลง")
    page.screenshot(path=str(tmp_path / "bulk-confirm.png"), full_page=True)
    page.click("#confirm-move")
    expect(page.locator("#bulk-counts")).to_contain_text("1")
    expect(page.locator("#moved")).to_contain_text(world["teacher"][1])

    # 3. The announcement letter, numbered in the register, as a PDF.
    page.click("#issue-letters button")
    pdf_link = page.locator("a[href*='/pdf']").first
    expect(pdf_link).to_be_visible()
    response = page.request.get(live_server + pdf_link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = pdftotext(response.body())
    with app.app_context():
        letter = db.session.scalar(select(OutgoingLetter))
        assert letter is not None and letter.number == 1
    assert f"/{to_thai_digits('1')}" in text
    assert world["college"] in text
    assert world["teacher"][1] in text and world["teacher"][2] in text
    assert world["other"][1] not in text

    # 4. Step by step with the placement page's buttons, the home page following.
    with app.app_context():
        placement_id = db.session.scalar(
            select(Placement.id).where(Placement.status == PlacementStep.ELIGIBLE.value)
        )
    details = f"{live_server}/admin/placement/details/?id={placement_id}"
    page.goto(details)
    move_with_button(page, "oriented")
    move_with_button(page, "in_placement")
    move_with_button(page, "tested", test_result="passed", tested_on="20/05/2568")
    page.goto(f"{live_server}/admin/?fy=2568")
    expect(page.locator("#attention-postdue")).to_contain_text(world["teacher"][1])

    page.goto(details)
    move_with_button(page, "college_report")
    move_with_button(page, "lessons_learned")
    move_with_button(page, "post_report", note="รายงานหลังการพัฒนาฉบับสมบูรณ์")
    timeline = page.locator("#timeline li")
    expect(timeline).to_have_count(8)
    expect(timeline.last).to_contain_text("รายงานหลังการพัฒนาฉบับสมบูรณ์")
    expect(timeline.last).to_contain_text(USERS["editor"])
    expect(page.locator("#steps-panel")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "placement-timeline.png"), full_page=True)

    page.goto(f"{live_server}/admin/?fy=2568")
    expect(page.locator("#attention-postdue")).not_to_contain_text(world["teacher"][1])
    page.screenshot(path=str(tmp_path / "home-completed.png"), full_page=True)

    # The pass is in the teacher's competency record, with the placement as its evidence.
    with app.app_context():
        earned = db.session.scalars(select(TeacherUnit)).all()
        assert {unit.unit_id for unit in earned} == {unit_id for unit_id, _c, _t in world["units"]}
        assert {unit.placement_id for unit in earned} == {placement_id}
        assert {unit.achieved_on for unit in earned} == {dt.date(2025, 5, 20)}

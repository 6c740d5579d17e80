"""The letters the office sends: the register's numbers, the announcement letters, the screens."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from helpers import (
    count,
    csrf_token,
    field_errors,
    flash_messages,
    form_values,
    login,
    make_user,
    page,
    text_of,
    thai,
)
from PIL import Image
from rounds import make_college, make_mou, make_placement, make_teacher, placement_world
from sqlalchemy import func, select

import models
from models import LetterCounter, LetterTemplate, OfficeSettings, OutgoingLetter, db
from processes import letters
from processes.letters import LetterRefused, issue, issue_announcements, next_number
from seed.letters import load_letter_defaults

ISSUE = "/admin/letters/issue"
SETTINGS = "/admin/office_settings/"
TODAY = dt.date(2026, 12, 2)  # 2 ธันวาคม 2569


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(models, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def round_world(app, reference, today):
    """Two colleges of the FY2568 round with eligible teachers, one applied, the letter setup."""
    with app.app_context():
        load_letter_defaults(db.session)
        world = placement_world(db.session)
        other = make_college(db.session, "C5101", "วิทยาลัยเทคนิคลำพูน")
        make_mou(db.session, [world.host, other], dt.date(2024, 1, 1))
        eligible = [
            make_placement(db.session, world.teacher, world.host, step="eligible"),
            make_placement(
                db.session,
                make_teacher(db.session, world.college, "จุลลดา", "ปฏิบัติงาน", "นางสาว"),
                world.host,
                step="eligible",
            ),
            make_placement(
                db.session,
                make_teacher(db.session, other, "ธนุ", "ศึกษาธิการ"),
                world.host,
                step="eligible",
            ),
        ]
        applied = make_placement(
            db.session, make_teacher(db.session, other, "สมพร", "ผู้ใหญ่ยิ่ง"), world.host
        )
        db.session.commit()
        return {
            "eligible": [p.id for p in eligible],
            "applied": applied.id,
            "college": world.college.id,
            "other": other.id,
        }


def all_ids(world):
    return [*world["eligible"], world["applied"]]


def register(app):
    with app.app_context():
        rows = db.session.execute(
            select(OutgoingLetter.year, OutgoingLetter.number).order_by(
                OutgoingLetter.year, OutgoingLetter.number
            )
        )
        return [tuple(row) for row in rows]


def office(session):
    return session.scalar(select(OfficeSettings))


def plain_letter(session, on=TODAY):
    return issue(
        session,
        settings=office(session),
        subject="ทดสอบ",
        addressee="ผู้อำนวยการวิทยาลัย",
        body="ข้อความ",
        closing="ขอแสดงความนับถือ",
        by="tester@example.go.th",
        on=on,
    )


def at_once(app, work) -> list[BaseException]:
    """Run work in two threads at the same moment, each in its own app context (so with its
    own connection); return what either raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker():
        try:
            with app.app_context():
                start.wait()
                work()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - returned to the test
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


# --------------------------------------------------------------------------- numbers


def test_two_issuers_at_once_get_every_number_of_the_year_once(app, round_world):
    """Two staff issuing letters at the same moment, each with its own connection."""
    per_thread = 25

    def issuer():
        for _ in range(per_thread):
            plain_letter(db.session)
            db.session.commit()

    assert at_once(app, issuer) == []
    numbers = [number for year, number in register(app) if year == 2569]
    assert sorted(numbers) == list(range(1, 2 * per_thread + 1))
    with app.app_context():
        assert db.session.get(LetterCounter, 2569).last_number == 2 * per_thread
        # A new calendar year starts again at 1.
        letter = plain_letter(db.session, on=dt.date(2027, 1, 4))
        db.session.commit()
        assert (letter.year, letter.number, letter.ref) == (2570, 1, "ศธ ๐๖๐๕/๑")


def test_two_staff_announcing_the_same_placements_at_once_send_one_letter_per_college(
    app, round_world
):
    results: list[int] = []

    def announcer():
        issued = issue_announcements(db.session, all_ids(round_world), by="staff")
        db.session.commit()
        results.append(len(issued))

    assert at_once(app, announcer) == []
    assert sorted(results) == [0, 2]
    assert register(app) == [(2569, 1), (2569, 2)]


def test_a_rolled_back_issue_gives_its_number_back(app, round_world):
    with app.app_context():
        assert plain_letter(db.session).number == 1
        db.session.rollback()
        assert plain_letter(db.session).number == 1
        db.session.commit()
        assert plain_letter(db.session).number == 2
        db.session.commit()
    assert register(app) == [(2569, 1), (2569, 2)]


def test_next_number_counts_each_year_apart(app, reference):
    with app.app_context():
        assert [next_number(db.session, 2569) for _ in range(3)] == [1, 2, 3]
        assert next_number(db.session, 2570) == 1
        assert next_number(db.session, 2569) == 4


# --------------------------------------------------------------------------- announcements


def test_one_letter_per_college_lists_its_eligible_teachers(app, round_world):
    with app.app_context():
        issued = issue_announcements(db.session, all_ids(round_world), by="editor@example.go.th")
        db.session.commit()
        by_college = {letter.college_id: letter for letter in issued}
        assert set(by_college) == {round_world["college"], round_world["other"]}
        lampang = by_college[round_world["college"]]
        assert [row["name"] for row in lampang.attachment] == [
            "นางสาวจุลลดา ปฏิบัติงาน",
            "นายศานนท์ ใจดี",
        ]
        assert lampang.attachment[0]["host"].startswith("บริษัท ทดสอบ")
        assert lampang.attachment[0]["start"] == "2025-03-17"
        assert lampang.addressee == "ผู้อำนวยการวิทยาลัยสารพัดช่างลำปาง"
        assert lampang.issued_on == TODAY
        assert lampang.issued_by == "editor@example.go.th"
        assert lampang.subject.endswith("ประจำปีงบประมาณ พ.ศ. ๒๕๖๘")
        assert "จำนวน ๒ ราย" in lampang.body
        assert "ภายในวันที่ ๒๗ กุมภาพันธ์ ๒๕๖๘" in lampang.body
        assert "ระหว่างวันที่ ๑๖ – ๓๑ มีนาคม ๒๕๖๘" in lampang.body
        assert lampang.reference == (
            "หนังสือสำนักงานคณะกรรมการการอาชีวศึกษา ที่ ศธ ๐๖๐๕/๑๕๓๐ ลงวันที่ ๒๔ มกราคม ๒๕๖๘"
        )
        assert [(letter.number, letter.ref) for letter in issued] == [
            (1, "ศธ ๐๖๐๕/๑"),
            (2, "ศธ ๐๖๐๕/๒"),
        ]
        # The applied placement is left out, and says why.
        assert [(p.id, reason) for p, reason in issued.skipped] == [
            (
                round_world["applied"],
                "ไม่ได้แจ้ง: รายการอยู่ที่ขั้น “สมัครแล้ว” ไม่ใช่ “มีคุณสมบัติ”",
            )
        ]


def test_placements_already_announced_are_not_announced_again(app, round_world):
    with app.app_context():
        first = issue_announcements(db.session, round_world["eligible"], by="staff")
        db.session.commit()
        again = issue_announcements(db.session, round_world["eligible"], by="staff")
        assert list(again) == []
        assert {reason for _p, reason in again.skipped} == {
            f"แจ้งไปแล้วในหนังสือที่ {first[0].ref}",
            f"แจ้งไปแล้วในหนังสือที่ {first[1].ref}",
        }


def test_an_unknown_placeholder_stops_the_issue_with_a_message(app, round_world):
    with app.app_context():
        template = db.session.scalar(select(LetterTemplate))
        template.body = "เรียนคุณ {teacher} ของ {college}"
        db.session.commit()
        with pytest.raises(LetterRefused) as refused:
            issue_announcements(db.session, round_world["eligible"], by="staff")
        assert "{teacher}" in str(refused.value)
        assert "{college}" in str(refused.value)  # the placeholders that may be used
    assert count(app, OutgoingLetter) == 0


@pytest.mark.parametrize(
    "text",
    ["{college", "ถึง {college.name_th}", "{college!r}", "{count:>5}", "{}", "{0}"],
)
def test_malformed_placeholders_are_refused(app, text):
    with app.test_request_context():
        assert "body" in letters.template_problems({"body": text})


def test_without_office_settings_no_letter_is_issued(app, round_world):
    with app.app_context():
        db.session.delete(office(db.session))
        db.session.commit()
        with pytest.raises(LetterRefused, match="ข้อมูลส่วนราชการ"):
            issue_announcements(db.session, round_world["eligible"], by="staff")


def test_the_defaults_load_once(app, reference):
    with app.app_context():
        load_letter_defaults(db.session)
        db.session.commit()
        office(db.session).signatory_name = "นางสาวทดสอบ แก้ไขแล้ว"
        db.session.commit()
        load_letter_defaults(db.session)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(OfficeSettings)) == 1
        assert db.session.scalar(select(func.count()).select_from(LetterTemplate)) == 1
        assert office(db.session).signatory_name == "นางสาวทดสอบ แก้ไขแล้ว"
        assert office(db.session).letter_prefix == "ศธ ๐๖๐๕"


# --------------------------------------------------------------------------- the screens


def test_issuing_from_the_placements_lists_the_letters_with_their_pdfs(
    app, editor_client, round_world
):
    response = editor_client.post(ISSUE, data={"placement_ids": all_ids(round_world)})
    assert response.status_code == 302
    shown = editor_client.get(response.headers["Location"])
    tree = page(shown)
    rows = tree.xpath('//table[@id="issued-letters"]/tbody/tr')
    assert [row.xpath("./td[1]")[0].text_content().strip() for row in rows] == [
        "ศธ ๐๖๐๕/๑",
        "ศธ ๐๖๐๕/๒",
    ]
    assert "ผู้อำนวยการวิทยาลัยเทคนิคลำพูน" in text_of(shown)
    assert "ผู้ใหญ่ยิ่ง" in flash_messages(shown)  # the applied one, not announced
    for link in tree.xpath('//a[contains(@class, "letter-pdf")]/@href'):
        pdf = editor_client.get(link)
        assert pdf.status_code == 200
        assert pdf.mimetype == "application/pdf"
    everything = tree.xpath('//a[@id="all-letters-pdf"]/@href')[0]
    assert editor_client.get(everything).data.startswith(b"%PDF-")


@pytest.mark.csrf
def test_issuing_needs_the_csrf_token(app, editor_client, round_world):
    refused = editor_client.post(ISSUE, data={"placement_ids": round_world["eligible"]})
    assert refused.status_code == 400
    assert count(app, OutgoingLetter) == 0
    token = csrf_token(editor_client, SETTINGS)
    data = {"placement_ids": round_world["eligible"], "csrf_token": token}
    assert editor_client.post(ISSUE, data=data).status_code == 302
    assert count(app, OutgoingLetter) == 2


def test_viewers_cannot_issue_letters(app, viewer_client, round_world):
    response = viewer_client.post(ISSUE, data={"placement_ids": round_world["eligible"]})
    assert response.status_code == 403
    assert count(app, OutgoingLetter) == 0
    assert register(app) == []


def test_issuing_nothing_eligible_says_so(app, editor_client, round_world):
    data = {"placement_ids": [round_world["applied"]], "next": "/admin/placement/"}
    response = editor_client.post(ISSUE, data=data)
    assert response.headers["Location"] == "/admin/placement/"
    messages = flash_messages(editor_client.get("/admin/outgoing_letter/"))
    assert thai(app, "No letter was issued: none of the placements can be announced.") in messages
    assert count(app, OutgoingLetter) == 0


def issue_two(app, round_world):
    with app.app_context():
        issued = issue_announcements(db.session, round_world["eligible"], by="editor@example.go.th")
        db.session.commit()
        return [letter.id for letter in issued]


def test_the_register_lists_letters_and_cannot_be_edited_or_deleted(
    app, editor_client, admin_client, round_world
):
    ids = issue_two(app, round_world)
    listing = editor_client.get("/admin/outgoing_letter/")
    assert listing.status_code == 200
    text = text_of(listing)
    assert "ทะเบียนหนังสือส่ง" in text
    assert "ศธ ๐๖๐๕/๑" in text and "ศธ ๐๖๐๕/๒" in text
    assert "2 ธ.ค. 2569" in text  # the date in BE
    assert "editor@example.go.th" in text
    tree = page(listing)
    assert not tree.xpath('//a[contains(@href, "/outgoing_letter/edit/")]')
    assert not tree.xpath('//a[contains(@href, "/outgoing_letter/new/")]')
    assert not tree.xpath('//form[contains(@action, "/outgoing_letter/delete/")]')
    for client in (editor_client, admin_client):
        edit = client.post(
            f"/admin/outgoing_letter/edit/?id={ids[0]}", data={"subject": "แก้ไข", "number": "9"}
        )
        assert edit.status_code in (302, 403, 404)
        delete = client.post("/admin/outgoing_letter/delete/", data={"id": ids[0]})
        assert delete.status_code in (302, 403, 404)
        action = client.post(
            "/admin/outgoing_letter/action/", data={"action": "delete", "rowid": ids}
        )
        assert action.status_code in (302, 403, 404)
        create = client.post("/admin/outgoing_letter/new/", data={"subject": "ใหม่"})
        assert create.status_code in (302, 403, 404)
    assert register(app) == [(2569, 1), (2569, 2)]
    with app.app_context():
        assert db.session.get(OutgoingLetter, ids[0]).subject.startswith("แจ้งรายชื่อครู")


def test_the_register_prints_a_selection_as_one_pdf(app, editor_client, round_world):
    ids = issue_two(app, round_world)
    response = editor_client.post(
        "/admin/outgoing_letter/action/", data={"action": "print", "rowid": ids}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")


def test_viewers_read_the_register_and_print_one_letter(app, viewer_client, round_world):
    ids = issue_two(app, round_world)
    listing = viewer_client.get("/admin/outgoing_letter/")
    assert "ศธ ๐๖๐๕/๑" in text_of(listing)
    assert b'value="print"' not in listing.data  # a posted action needs the editor role
    assert viewer_client.get(f"/admin/letters/pdf?id={ids[0]}").mimetype == "application/pdf"
    assert viewer_client.get("/admin/letters/pdf?id=999").status_code == 404


def template_form(editor_client, template_id):
    from helpers import form_values

    values = form_values(editor_client.get(f"/admin/letter_template/edit/?id={template_id}"))
    return {name: value[0] for name, value in values.items()}


def template_id(app):
    with app.app_context():
        return db.session.scalar(
            select(LetterTemplate.id).where(LetterTemplate.code == letters.ANNOUNCEMENT)
        )


def test_editing_the_template_changes_the_next_letter(app, editor_client, round_world):
    tid = template_id(app)
    edit = editor_client.get(f"/admin/letter_template/edit/?id={tid}")
    help_text = text_of(edit)
    for name in letters.PLACEHOLDERS:
        assert "{" + name + "}" in help_text
    data = template_form(editor_client, tid)
    data["body"] = "ขอแจ้งว่า{college}มีครูผู้มีคุณสมบัติ {count} ราย\nจึงเรียนมาเพื่อโปรดทราบ"
    data["subject"] = "แจ้งผลการพิจารณา {round_title}"
    response = editor_client.post(f"/admin/letter_template/edit/?id={tid}", data=data)
    assert response.status_code == 302
    ids = issue_two(app, round_world)
    with app.app_context():
        letter = db.session.get(OutgoingLetter, ids[0])
        assert letter.body == ("ขอแจ้งว่าวิทยาลัยสารพัดช่างลำปางมีครูผู้มีคุณสมบัติ ๒ ราย\nจึงเรียนมาเพื่อโปรดทราบ")
        assert letter.subject.startswith("แจ้งผลการพิจารณา โครงการพัฒนาครูอาชีวศึกษา")


def test_the_template_form_refuses_an_unknown_placeholder(app, editor_client, round_world):
    tid = template_id(app)
    with app.app_context():
        before = db.session.get(LetterTemplate, tid).body
    data = template_form(editor_client, tid)
    data["body"] = "เรียน {teacher_name} ที่ {college}"
    response = editor_client.post(f"/admin/letter_template/edit/?id={tid}", data=data)
    assert response.status_code == 200
    error = field_errors(response, "body")
    assert "{teacher_name}" in error
    assert "ไม่รู้จักตัวแทนข้อความ" in error
    with app.app_context():
        assert db.session.get(LetterTemplate, tid).body == before


def test_viewers_cannot_change_the_template(app, viewer_client, round_world):
    tid = template_id(app)
    response = viewer_client.post(f"/admin/letter_template/edit/?id={tid}", data={"body": "x"})
    assert response.status_code == 403


def png_bytes(kind="PNG", size=(60, 68)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 20, 20)).save(buffer, format=kind)
    return buffer.getvalue()


def settings_form(client):
    from helpers import form_values

    values = form_values(client.get(SETTINGS))
    return {name: value[0] for name, value in values.items() if name != "emblem"}


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("emblem.png", b"this is not an image at all"),
        ("emblem.png", png_bytes()[:40]),  # cut short
        ("emblem.gif", png_bytes("GIF")),
        ("emblem.pdf", b"%PDF-1.4 not an emblem"),
    ],
    ids=["text", "cut-short", "gif", "pdf"],
)
def test_the_emblem_upload_refuses_anything_but_a_png_or_jpeg(
    app, editor_client, round_world, filename, content
):
    data = settings_form(editor_client)
    data["emblem"] = (io.BytesIO(content), filename)
    response = editor_client.post(SETTINGS, data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert thai(app, "The emblem must be a PNG or JPEG image.") in field_errors(response, "emblem")
    with app.app_context():
        assert office(db.session).emblem_path is None


def test_the_emblem_upload_refuses_a_file_over_the_limit(app, editor_client, round_world):
    app.config["EMBLEM_MAX_BYTES"] = 1000
    data = settings_form(editor_client)
    data["emblem"] = (io.BytesIO(png_bytes(size=(400, 400)) + b"\0" * 2000), "big.png")
    response = editor_client.post(SETTINGS, data=data, content_type="multipart/form-data")
    assert "MB" in field_errors(response, "emblem")


def test_an_uploaded_emblem_is_kept_and_printed(app, editor_client, round_world, tmp_path):
    page_before = editor_client.get(SETTINGS)
    assert b'id="no-emblem"' in page_before.data
    data = settings_form(editor_client)
    data["contact_phone"] = "0 2282 1000"
    data["emblem"] = (io.BytesIO(png_bytes("JPEG")), "garuda.jpg")
    response = editor_client.post(SETTINGS, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        settings = office(db.session)
        assert settings.contact_phone == "0 2282 1000"
        stored = tmp_path / "uploads" / "letters" / settings.emblem_path
        assert stored.is_file()
    image = editor_client.get("/admin/office_settings/emblem")
    assert image.mimetype == "image/jpeg"
    assert editor_client.get(f"/static/{stored.name}").status_code == 404
    ids = issue_two(app, round_world)
    pdf = editor_client.get(f"/admin/letters/pdf?id={ids[0]}").data
    assert b"/Subtype /Image" in pdf
    # Removing it leaves the space blank again.
    data = settings_form(editor_client)
    data["remove_emblem"] = "y"
    editor_client.post(SETTINGS, data=data, content_type="multipart/form-data")
    assert editor_client.get("/admin/office_settings/emblem").status_code == 404
    assert b"/Subtype /Image" not in editor_client.get(f"/admin/letters/pdf?id={ids[0]}").data


def test_viewers_see_the_settings_but_cannot_change_them(app, viewer_client, round_world):
    shown = viewer_client.get(SETTINGS)
    assert shown.status_code == 200
    assert "ศธ ๐๖๐๕" in text_of(shown)
    assert not page(shown).xpath('//form[@id="office-settings"]')
    assert viewer_client.post(SETTINGS, data={"name": "x"}).status_code == 403


def test_the_letter_screens_are_in_thai(app, editor_client, round_world):
    menu = text_of(editor_client.get("/admin/"))
    for label in ("หนังสือราชการ", "ทะเบียนหนังสือส่ง", "แม่แบบหนังสือ", "ข้อมูลส่วนราชการ"):
        assert label in menu


def test_the_register_exports_with_the_letter_numbers(app, editor_client, round_world):
    issue_two(app, round_world)
    csv = editor_client.get("/admin/outgoing_letter/export/csv/")
    assert csv.status_code == 200
    text = csv.get_data(as_text=True)
    assert "ศธ ๐๖๐๕/๑," in text and "ศธ ๐๖๐๕/๒," in text
    assert "<span" not in text


def test_the_register_reads_in_english_too(app, editor_client, round_world):
    issue_two(app, round_world)
    editor_client.get("/lang/en")
    listing = text_of(editor_client.get("/admin/outgoing_letter/"))
    assert "Outgoing letters" in listing
    assert "ศธ ๐๖๐๕/๑" in listing


def test_a_subject_too_long_once_filled_in_is_refused(app, round_world):
    with app.app_context():
        template = db.session.scalar(select(LetterTemplate))
        template.subject = "{round_title} " * 8
        db.session.commit()
        with pytest.raises(LetterRefused, match="“เรื่อง” ของหนังสือยาวเกิน 500"):
            issue_announcements(db.session, round_world["eligible"], by="staff")


def test_a_stale_settings_form_is_refused_and_says_who_changed_what(
    app, editor_client, round_world
):
    make_user(app, "editor", email="second-editor@example.go.th")
    other = app.test_client()
    login(other, "second-editor@example.go.th")
    mine, theirs = settings_form(editor_client), settings_form(other)
    theirs["contact_phone"] = "02-111-1111"
    assert other.post(SETTINGS, data=theirs).status_code == 302

    mine["signatory_name"] = "นายใหม่ ลงนาม"
    response = editor_client.post(SETTINGS, data=mine)
    assert response.status_code == 200
    messages = flash_messages(response)
    assert "second-editor@example.go.th" in messages and "02-111-1111" in messages
    with app.app_context():
        saved = office(db.session)
        assert saved.contact_phone == "02-111-1111"
        assert saved.signatory_name != "นายใหม่ ลงนาม"
    # The input is kept; saving again from the refused form is the user's choice, and keeps
    # the other editor's change to a field this user did not touch.
    again = form_values(response)
    assert again["signatory_name"] == ["นายใหม่ ลงนาม"]
    again = {name: value[0] for name, value in again.items() if name != "emblem"}
    again["contact_phone"] = "02-111-1111"
    assert editor_client.post(SETTINGS, data=again).status_code == 302
    with app.app_context():
        saved = office(db.session)
        assert (saved.signatory_name, saved.contact_phone) == ("นายใหม่ ลงนาม", "02-111-1111")

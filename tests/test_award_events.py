"""An award's status moves as dated events, by the same rule on its page and in the importer."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale
from helpers import (
    STUDENT_NID,
    THAI,
    USERS,
    count,
    csrf_token,
    flash_messages,
    form_values,
    page,
    text_of,
    thai,
)
from sqlalchemy import select

from importers import service
from models import (
    AwardEvent,
    AwardStatus,
    ImportBatch,
    ImportStatus,
    ScholarshipAward,
    Student,
    db,
    today,
)
from processes import awards as award_rules
from seed.awards import add_award_events
from thai.dates import format_be

S = AwardStatus
STATUSES = [s.value for s in AwardStatus]
ALLOWED = [(a, b) for a, moves in award_rules.AWARD_MOVES.items() for b in moves]
REFUSED = [(a, b) for a in STATUSES for b in STATUSES if (a, b) not in ALLOWED]
HVI = "ทุนนวัตกรรมสายอาชีพชั้นสูง"
HEADER = "เลขประจำตัวประชาชน,ชื่อ,นามสกุล,สถานศึกษา,ทุน,ปีการศึกษา,สถานะ\n"
STATUS_TH = {
    "studying": "กำลังศึกษา",
    "graduated": "สำเร็จการศึกษา",
    "dropped_out": "ออกกลางคัน",
    "suspended": "พักการศึกษา",
}


def make_award(app, records, status="studying", started_on=dt.date(2024, 5, 16)) -> int:
    """An award with its creation event and, for another status, the move there."""
    with app.app_context():
        award = ScholarshipAward(
            student_id=records.student,
            programme_id=records.programme,
            start_year=2566,
            started_on=started_on,
        )
        db.session.add(award)
        award_rules.start_award(db.session, award, by="setup")
        if status != "studying":
            award_rules.move_award(
                db.session, award, status, effective_on=dt.date(2025, 1, 10), by="setup"
            )
        db.session.commit()
        return award.id


def state(app, award_id) -> tuple[str, list[tuple[str | None, str]]]:
    with app.app_context():
        award = db.session.get(ScholarshipAward, award_id)
        return award.status, [(e.from_status, e.to_status) for e in award.events]


def not_changed(app) -> str:
    """The Thai start of a refused move's message."""
    return thai(app, "The status was not changed: %(reason)s", reason="Yes").rsplit(":", 1)[0]


def move(client, award_id, to, effective_on="01/03/2568", note="", seen=None):
    data = {"to": to, "effective_on": effective_on, "note": note}
    if seen is not None:
        data["seen"] = seen
    return client.post(f"/admin/award/move/?id={award_id}", data=data, follow_redirects=True)


# --------------------------------------------------------------------------- the rule


def test_the_moves_are_the_domains():
    assert award_rules.AWARD_MOVES == {
        "studying": ("graduated", "dropped_out", "suspended"),
        "suspended": ("studying",),
        "graduated": (),
        "dropped_out": (),
    }
    assert award_rules.FINAL == {"graduated", "dropped_out"}


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_every_allowed_move_records_a_dated_event(app, records, start, to):
    award_id = make_award(app, records, start)
    with app.app_context():
        award = db.session.get(ScholarshipAward, award_id)
        event = award_rules.move_award(
            db.session, award, to, effective_on=dt.date(2025, 3, 1), by="x@y", note="ตามหนังสือ"
        )
        db.session.commit()
        assert (event.from_status, event.to_status) == (start, to)
        assert (event.effective_on, event.by, event.note) == (
            dt.date(2025, 3, 1),
            "x@y",
            "ตามหนังสือ",
        )
        assert award.status == to
        assert award.ended_on == (dt.date(2025, 3, 1) if to in award_rules.FINAL else None)


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_every_refused_move_says_why_and_changes_nothing(app, records, start, to):
    award_id = make_award(app, records, start)
    before = state(app, award_id)
    with app.app_context():
        award = db.session.get(ScholarshipAward, award_id)
        with pytest.raises(award_rules.AwardMoveRefused) as refused:
            award_rules.move_award(db.session, award, to, effective_on=dt.date(2025, 3, 1))
        db.session.rollback()
        assert award_rules.label(start) in str(refused.value)
    assert state(app, award_id) == before


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (None, "Give the day the change took effect."),
        (dt.date(2030, 1, 1), "is in the future"),
        (dt.date(2024, 5, 1), "before the award started"),
        (dt.date(2025, 1, 9), "before the award's latest change"),
    ],
)
def test_a_move_dated_out_of_order_is_refused(app, records, day, expected):
    award_id = make_award(app, records, "suspended")  # suspended on 10 Jan 2025
    with app.test_request_context(), force_locale("en"):
        award = db.session.get(ScholarshipAward, award_id)
        reason = award_rules.refusal(award, "studying", effective_on=day)
        assert expected in reason
        assert award_rules.refusal(award, "studying", effective_on=dt.date(2025, 1, 10)) is None
        assert award_rules.refusal(award, "nonsense", effective_on=dt.date(2025, 2, 1))


def test_a_new_award_starts_studying_with_its_creation_event(app, records):
    award_id = make_award(app, records, started_on=dt.date(2024, 5, 16))
    with app.app_context():
        (event,) = db.session.get(ScholarshipAward, award_id).events
        assert (event.from_status, event.to_status, event.effective_on) == (
            None,
            "studying",
            dt.date(2024, 5, 16),
        )


# --------------------------------------------------------------------------- the page


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_every_allowed_move_through_its_button(app, editor_client, records, start, to):
    award_id = make_award(app, records, start)
    details = editor_client.get(f"/admin/award/details/?id={award_id}")
    (form,) = page(details).xpath('//form[@id="move-form"]')
    buttons = form.xpath('.//button[@name="to"]/@value')
    assert sorted(buttons) == sorted(award_rules.AWARD_MOVES[start])
    # As a browser sends it: the form's fields, the day typed over today's, the button pressed.
    data = dict(form.form_values())
    assert data["effective_on"] == format_be(today(), style="numeric")
    data.update(effective_on="01/03/2568", note="ตามหนังสือสถานศึกษา", to=to)
    response = editor_client.post(form.action, data=data, follow_redirects=True)
    assert response.status_code == 200
    status, events = state(app, award_id)
    assert status == to
    assert events[-1] == (start, to)
    with app.app_context():
        event = db.session.scalar(select(AwardEvent).order_by(AwardEvent.id.desc()))
        assert (event.effective_on, event.by, event.note) == (
            dt.date(2025, 3, 1),
            USERS["editor"],
            "ตามหนังสือสถานศึกษา",
        )
    assert thai(
        app,
        "The award is now “%(status)s” (from %(date)s).",
        status=S(to).LABELS[to],
        date="1 มี.ค. 2568",
    ) in flash_messages(response)
    timeline = page(response).xpath('//ol[@id="award-timeline"]/li')
    assert [li.get("data-to") for li in timeline][-1] == to
    assert "1 มี.ค. 2568" in " ".join(timeline[-1].text_content().split())


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_every_refused_move_through_the_page_shows_why(app, editor_client, records, start, to):
    award_id = make_award(app, records, start)
    before = state(app, award_id)
    response = move(editor_client, award_id, to, "01/03/2568")
    assert response.status_code == 200
    assert state(app, award_id) == before
    messages = flash_messages(response)
    assert not_changed(app) in messages
    assert THAI.search(messages)


@pytest.mark.parametrize("typed", ["", "31/02/2568", "พรุ่งนี้", "01/01/2580", "01/01/2560"])
def test_a_bad_day_is_refused_with_a_reason(app, editor_client, records, typed):
    award_id = make_award(app, records)
    response = move(editor_client, award_id, "graduated", typed)
    assert response.status_code == 200
    assert state(app, award_id)[0] == "studying"
    assert not_changed(app) in flash_messages(response)


def test_a_move_made_meanwhile_by_someone_else_is_not_repeated(app, editor_client, records):
    award_id = make_award(app, records, "suspended")
    response = move(editor_client, award_id, "studying", seen="studying")
    assert state(app, award_id)[0] == "suspended"
    assert "meanwhile" in flash_messages(response) or THAI.search(flash_messages(response))


def test_a_missing_award_is_said_so(editor_client, records):
    response = move(editor_client, 99999, "graduated")
    assert response.status_code == 200
    assert flash_messages(response)


def test_the_viewer_sees_the_timeline_but_cannot_move(app, viewer_client, records):
    award_id = make_award(app, records, "suspended")
    details = viewer_client.get(f"/admin/award/details/?id={award_id}")
    tree = page(details)
    assert not tree.xpath('//form[contains(@class, "move-form")]')
    assert len(tree.xpath('//ol[@id="award-timeline"]/li')) == 2
    assert (
        viewer_client.post(
            f"/admin/award/move/?id={award_id}",
            data={"to": "studying", "effective_on": "01/03/2568"},
        ).status_code
        == 403
    )
    assert state(app, award_id)[0] == "suspended"


def test_a_final_status_offers_no_move(app, editor_client, records):
    award_id = make_award(app, records, "graduated")
    tree = page(editor_client.get(f"/admin/award/details/?id={award_id}"))
    assert not tree.xpath('//form[contains(@class, "move-form")]')
    assert tree.xpath('//*[@id="final-status"]')


@pytest.mark.csrf
def test_a_move_needs_the_forms_csrf_token(app, records):
    from helpers import role_client

    client = role_client(app, "editor")
    award_id = make_award(app, records)
    response = client.post(
        f"/admin/award/move/?id={award_id}", data={"to": "graduated", "effective_on": "01/03/2568"}
    )
    assert response.status_code == 400
    assert state(app, award_id)[0] == "studying"
    token = csrf_token(client, f"/admin/award/details/?id={award_id}")
    response = client.post(
        f"/admin/award/move/?id={award_id}",
        data={"to": "graduated", "effective_on": "01/03/2568", "csrf_token": token},
    )
    assert response.status_code == 302
    assert state(app, award_id)[0] == "graduated"


def test_the_form_no_longer_edits_the_status_and_a_new_award_is_created_studying(
    app, editor_client, records
):
    form = editor_client.get("/admin/award/new/")
    assert "status" not in form_values(form)
    assert "ended_on" not in form_values(form)
    response = editor_client.post(
        "/admin/award/new/",
        data={
            "student": str(records.student),
            "programme": str(records.programme),
            "start_year": "2566",
            "started_on": "16/05/2566",
            "status": "graduated",  # not a field any more: ignored
        },
    )
    assert response.status_code == 302, text_of(response)[:1000]
    with app.app_context():
        award = db.session.scalar(select(ScholarshipAward))
        assert award.status == "studying"
        (event,) = award.events
        assert (event.from_status, event.to_status, event.effective_on, event.by) == (
            None,
            "studying",
            dt.date(2023, 5, 16),
            USERS["editor"],
        )


# --------------------------------------------------------------------------- the importer


def sheet(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def row(status: str, year: int) -> str:
    return ",".join([STUDENT_NID, "จุลลดา", "เรียนดี", "C5201", HVI, str(year), status])


def admin_import(app, content: bytes, skip_invalid=False) -> tuple[int, ImportBatch]:
    """Store, check and write a file as the admin pages do; return the batch id and batch."""
    with app.app_context():
        settings = service.Settings.from_config(app.config)
        batch = service.store_upload(
            db.session,
            settings,
            kind="scholarships",
            filename="awards.csv",
            content=content,
            user_email=USERS["editor"],
            skip_invalid=skip_invalid,
        )
        batch_id = batch.id
        service.check(db.session, batch_id, settings, error_copy=False)
        assert service.start_writing(db.session, batch_id)
        service.write(db.session, batch_id, settings, error_copy=False)
        return batch_id, db.session.get(ImportBatch, batch_id).status


def import_problems(app, content: bytes):
    from importers import import_file

    with app.app_context():
        return import_file("scholarships", content, "awards.csv", db.session)


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_every_allowed_change_in_a_file_is_a_move_of_the_import(
    app, records, imports_in_request, start, to
):
    year = 2566
    admin_import(app, sheet(row(STATUS_TH[start], year)))
    with app.app_context():
        award = db.session.scalar(select(ScholarshipAward))
        assert award.status == start
        assert [(e.from_status, e.to_status) for e in award.events][0] == (None, "studying")
    batch_id, status = admin_import(app, sheet(row(STATUS_TH[to], year)))
    assert status == ImportStatus.WRITTEN.value
    with app.app_context():
        award = db.session.scalar(select(ScholarshipAward))
        assert award.status == to
        event = award.events[-1]
        assert (event.from_status, event.to_status) == (start, to)
        assert event.batch_id == batch_id
        assert event.effective_on == today()
        assert event.by == USERS["editor"]


@pytest.mark.parametrize(("start", "to"), [(a, b) for a, b in REFUSED if a != b])
def test_every_refused_change_in_a_file_is_a_problem_on_its_status_cell(app, records, start, to):
    award_id = make_award(app, records, start)
    with app.app_context():
        year = db.session.get(ScholarshipAward, award_id).start_year
    before = state(app, award_id)
    result = import_problems(app, sheet(row(STATUS_TH[to], year)))
    assert [(p.row, p.column) for p in result.problems] == [(2, "สถานะ")]
    message = result.problems[0].message
    assert STATUS_TH[start] in message and STATUS_TH[to] in message
    assert THAI.search(message)
    assert result.counts["rejected"] == 1
    assert state(app, award_id) == before


def test_a_new_award_in_a_file_with_a_later_status_has_both_events(app, records):
    result = import_problems(app, sheet(row("สำเร็จการศึกษา", 2564), row("", 2565)))
    assert result.written
    with app.app_context():
        first, second = db.session.scalars(
            select(ScholarshipAward).order_by(ScholarshipAward.start_year)
        ).all()
        assert [(e.from_status, e.to_status) for e in first.events] == [
            (None, "studying"),
            ("studying", "graduated"),
        ]
        assert first.status == "graduated"
        assert [(e.from_status, e.to_status) for e in second.events] == [(None, "studying")]
        assert count(app, AwardEvent) == 3


def test_undoing_the_import_takes_its_moves_back(app, records, imports_in_request):
    from importers.undo import undo_batch

    admin_import(app, sheet(row("กำลังศึกษา", 2566)))
    batch_id, _status = admin_import(app, sheet(row("พักการศึกษา", 2566)))
    with app.app_context():
        result = undo_batch(db.session, batch_id, "admin@example.go.th")
        assert result.done, result.reasons
        award = db.session.scalar(select(ScholarshipAward))
        assert award.status == "studying"
        assert [(e.from_status, e.to_status) for e in award.events] == [(None, "studying")]


# --------------------------------------------------------------------------- the demo


def test_demo_events_give_every_award_a_history_the_rules_allow(app, records):
    with app.app_context():
        student = db.session.get(Student, records.student)
        plan = [
            (2564, "graduated", dt.date(2021, 5, 16), dt.date(2023, 3, 31)),
            (2565, "dropped_out", dt.date(2022, 5, 16), dt.date(2022, 9, 1)),
            (2566, "suspended", dt.date(2023, 5, 16), None),
            (2567, "studying", None, None),
        ]
        for year, status, started, ended in plan:
            db.session.add(
                ScholarshipAward(
                    student=student,
                    programme_id=records.programme,
                    start_year=year,
                    status=status,
                    started_on=started,
                    ended_on=ended,
                )
            )
        db.session.commit()
        assert add_award_events(db.session) >= 7
        db.session.commit()
        for award in db.session.scalars(select(ScholarshipAward)):
            events = award.events
            assert (events[0].from_status, events[0].to_status) == (None, "studying")
            assert events[-1].to_status == award.status
            for before, after in zip(events, events[1:], strict=False):
                assert after.from_status == before.to_status
                assert after.to_status in award_rules.AWARD_MOVES[before.to_status]
                assert before.effective_on <= after.effective_on <= today()
        graduated = db.session.scalar(
            select(ScholarshipAward).where(ScholarshipAward.start_year == 2564)
        )
        assert graduated.ended_on == dt.date(2023, 3, 31)
        assert graduated.events[-1].effective_on == dt.date(2023, 3, 31)
        assert add_award_events(db.session) == 0  # loading the demo twice adds nothing
        assert format_be(graduated.events[-1].effective_on) == "31 มี.ค. 2566"

"""The placement screens: the form, the page with its step buttons, timeline, MOU and visits,
and the list with its columns and the fixed filter URLs the home page links to."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from helpers import (
    USERS,
    count,
    field_errors,
    flash_messages,
    form_values,
    latest_id,
    page,
    text_of,
    thai,
)
from rounds import (
    TESTED_ON,
    agency,
    make_host,
    make_mou,
    make_placement,
    make_teacher,
    placement_world,
)
from sqlalchemy import select

from models import (
    Agency,
    CompetencyUnit,
    Placement,
    PlacementEvent,
    PlacementRound,
    PlacementStep,
    RoundStep,
    SupervisionVisit,
    db,
)
from processes import placement_flow
from processes.calendar import now

BASE = "/admin/placement"
ALL_STEPS = [step.value for step in PlacementStep]
# The graph as the issue states it, written out independently of placement_flow.MOVES.
ALLOWED = {
    "applied": ["eligible", "not_eligible", "rejected", "withdrawn"],
    "eligible": ["oriented", "withdrawn"],
    "oriented": ["in_placement", "withdrawn"],
    "in_placement": ["tested", "withdrawn"],
    "tested": ["college_report", "withdrawn"],
    "college_report": ["lessons_learned", "withdrawn"],
    "lessons_learned": ["post_report", "withdrawn"],
    "post_report": [],
    "not_eligible": [],
    "withdrawn": [],
    "rejected": [],
}
ALLOWED_MOVES = [(start, to) for start, targets in ALLOWED.items() for to in targets]
# What a step's form needs besides the step itself (the button's form asks for them).
EXTRA = {
    "tested": {"test_result": "passed", "tested_on": "20/05/2568"},
    "withdrawn": {"note": "ย้ายไปรับราชการที่อื่น"},
}
_names = iter(range(1, 10_000))


@pytest.fixture
def world(app, reference):
    """C5201, a host with an open-ended MOU with it, and two units (ids)."""
    with app.app_context():
        w = placement_world(db.session)
        db.session.commit()
        return SimpleNamespace(
            college=w.college.id,
            host=w.host.id,
            mou=w.mou.id,
            mou_ref=w.mou.ref_no,
            teacher=w.teacher.id,
            units=[u.id for u in w.units],
            round=w.round.id,
        )


def placement_at(
    app, world, step="applied", *, first=None, last="ทดสอบ", host=None, round_id=None, **kwargs
):
    """A placement of a new teacher of C5201 brought to a step through the real moves."""
    with app.app_context():
        session = db.session
        if round_id is not None:
            kwargs["round"] = session.get(PlacementRound, round_id)
        teacher = make_teacher(
            session, agency(session, "C5201"), first or f"ครู{next(_names)}", last
        )
        units = [session.get(CompetencyUnit, i) for i in world.units]
        placement = make_placement(
            session,
            teacher,
            session.get(Agency, host if host is not None else world.host),
            step=step,
            units=units,
            **kwargs,
        )
        session.commit()
        return placement.id


def status_of(app, placement_id):
    with app.app_context():
        return db.session.get(Placement, placement_id).status


def events_of(app, placement_id):
    with app.app_context():
        return [
            (e.from_step, e.to_step, e.by, e.note)
            for e in db.session.scalars(
                select(PlacementEvent)
                .where(PlacementEvent.placement_id == placement_id)
                .order_by(PlacementEvent.id)
            )
        ]


def refusal_in_thai(app, placement_id, to, **kwargs):
    with app.test_request_context(), force_locale("th"):
        placement = db.session.get(Placement, placement_id)
        return placement_flow.refusal(db.session, placement, to, **kwargs)


def label(app, step):
    with app.test_request_context(), force_locale("th"):
        return PlacementStep(step).label


def press(client, placement_id, to, seen=None, **data):
    """Press a step's button on the placement page (its small form), following the redirect."""
    form = {"to": to, **data}
    if seen is not None:
        form["seen"] = seen
    return client.post(f"{BASE}/move/?id={placement_id}", data=form, follow_redirects=True)


def details(client, placement_id):
    response = client.get(f"{BASE}/details/?id={placement_id}")
    assert response.status_code == 200
    return response


# --------------------------------------------------------------------------- the buttons


@pytest.mark.parametrize(
    ("start", "to"), ALLOWED_MOVES, ids=[f"{a}->{b}" for a, b in ALLOWED_MOVES]
)
def test_every_allowed_move_through_its_button(app, editor_client, world, start, to):
    placement_id = placement_at(app, world, start)
    page_before = details(editor_client, placement_id)
    buttons = page(page_before).xpath('//form[contains(@class, "step-form")]//input[@name="to"]')
    assert to in [b.get("value") for b in buttons]

    data = {"note": "บันทึกจากหน้ารายการ", **EXTRA.get(to, {})}
    response = press(editor_client, placement_id, to, seen=start, **data)
    assert response.status_code == 200
    assert status_of(app, placement_id) == to
    assert label(app, to) in flash_messages(response)
    last = events_of(app, placement_id)[-1]
    assert last[:3] == (start, to, USERS["editor"])
    assert data["note"] in last[3]
    # The timeline shows the move: from, to, who and the note.
    timeline = page(response).xpath('//ol[@id="timeline"]/li')[-1].text_content()
    assert label(app, start) in timeline and label(app, to) in timeline
    assert USERS["editor"] in timeline and data["note"] in timeline
    if to == "tested":
        with app.app_context():
            placement = db.session.get(Placement, placement_id)
            assert (placement.test_result, placement.tested_on) == ("passed", dt.date(2025, 5, 20))


@pytest.mark.parametrize("start", ALL_STEPS)
def test_every_refused_move_through_the_button_says_why_and_changes_nothing(
    app, editor_client, world, start
):
    placement_id = placement_at(app, world, start)
    refused = [to for to in ALL_STEPS if to not in ALLOWED[start] and to != start]
    for to in refused:
        before = events_of(app, placement_id)
        reason = refusal_in_thai(app, placement_id, to, test_result="passed", tested_on=TESTED_ON)
        assert reason
        response = press(editor_client, placement_id, to, seen=start, **EXTRA.get(to, {}))
        assert response.status_code == 200
        assert reason in flash_messages(response), to
        assert status_of(app, placement_id) == start
        assert events_of(app, placement_id) == before


def test_the_page_offers_exactly_the_next_steps_of_the_graph(app, editor_client, world):
    for start, targets in ALLOWED.items():
        placement_id = placement_at(app, world, start)
        tree = page(details(editor_client, placement_id))
        offered = [
            i.get("value")
            for i in tree.xpath('//form[contains(@class, "step-form")]//input[@name="to"]')
            if "step-form-retest" not in i.getparent().get("class", "")
        ]
        assert offered == targets, start


def test_announcing_eligible_without_a_valid_mou_is_refused_with_the_reason(
    app, editor_client, world
):
    with app.app_context():
        lone = make_host(db.session, "EST-LONE", "บริษัท ไม่มีข้อตกลง จำกัด")
        db.session.commit()
        lone_id = lone.id
    placement_id = placement_at(app, world, host=lone_id)
    reason = refusal_in_thai(app, placement_id, "eligible")
    assert reason
    tree = page(details(editor_client, placement_id))
    hint = tree.xpath(
        '//form[contains(@class, "step-form-eligible")]//*[contains(@class, "step-hint")]'
    )
    assert reason in hint[0].text_content()

    response = press(editor_client, placement_id, "eligible", seen="applied")
    assert reason in flash_messages(response)
    assert status_of(app, placement_id) == "applied"
    assert len(events_of(app, placement_id)) == 1


def test_the_tested_step_needs_a_result_and_a_date(app, editor_client, world):
    placement_id = placement_at(app, world, "in_placement")
    for data, reason in (
        ({"tested_on": "20/05/2568"}, "Recording a test needs its result (passed or failed)."),
        ({"test_result": "failed"}, "Recording a test needs the date of the test."),
    ):
        response = press(editor_client, placement_id, "tested", seen="in_placement", **data)
        assert thai(app, reason) in flash_messages(response)
        assert status_of(app, placement_id) == "in_placement"
    tomorrow = (now().date() + dt.timedelta(days=1)).strftime("%d/%m/") + str(
        now().date().year + 543
    )
    response = press(
        editor_client,
        placement_id,
        "tested",
        seen="in_placement",
        test_result="passed",
        tested_on=tomorrow,
    )
    assert status_of(app, placement_id) == "in_placement"
    response = press(
        editor_client,
        placement_id,
        "tested",
        seen="in_placement",
        tested_on="31/02/2568",
        test_result="passed",
    )
    assert response.status_code == 200
    assert status_of(app, placement_id) == "in_placement"


def test_a_failed_test_then_a_retest_on_the_page(app, editor_client, world):
    placement_id = placement_at(app, world, "in_placement")
    press(
        editor_client,
        placement_id,
        "tested",
        seen="in_placement",
        test_result="failed",
        tested_on="20/05/2568",
    )
    tree = page(details(editor_client, placement_id))
    assert tree.xpath('//form[contains(@class, "step-form-retest")]')
    response = press(
        editor_client,
        placement_id,
        "tested",
        seen="tested",
        test_result="passed",
        tested_on="05/06/2568",
        note="สอบซ่อม",
    )
    assert status_of(app, placement_id) == "tested"
    with app.app_context():
        placement = db.session.get(Placement, placement_id)
        assert (placement.test_result, placement.tested_on) == ("passed", dt.date(2025, 6, 5))
    assert events_of(app, placement_id)[-1][:2] == ("tested", "tested")
    # The details page shows the test date in BE.
    assert "5 มิ.ย. 2568" in text_of(response)


def test_withdrawing_needs_a_reason(app, editor_client, world):
    placement_id = placement_at(app, world, "eligible")
    response = press(editor_client, placement_id, "withdrawn", seen="eligible", note="  ")
    assert thai(app, "Give the reason for the withdrawal.") in flash_messages(response)
    assert status_of(app, placement_id) == "eligible"


def test_a_placement_moved_meanwhile_is_not_moved_again(app, editor_client, world):
    placement_id = placement_at(app, world, "applied")
    # Someone else announced it while this page was open.
    assert press(editor_client, placement_id, "eligible", seen="applied").status_code == 200
    response = press(editor_client, placement_id, "not_eligible", seen="applied")
    assert thai(
        app,
        "Someone else moved this placement meanwhile: it is now at “%(step)s”. "
        "Nothing was changed; check the page and try again.",
        step="Eligible",
    ) in (flash_messages(response))
    assert status_of(app, placement_id) == "eligible"


@pytest.mark.parametrize(
    "query",
    ["?id=999999", "?id=abc", "", "?id=-1", "?id=๑๒๓๔๕๖๗๘๙๐๑๒๓๔"],
)
def test_a_move_for_a_missing_placement_says_so(app, editor_client, world, query):
    response = editor_client.post(f"{BASE}/move/{query}", data={"to": "eligible"})
    assert response.status_code == 302
    followed = editor_client.get(response.headers["Location"])
    assert thai(app, "That placement no longer exists (it may have been deleted).") in (
        flash_messages(followed)
    )


@pytest.mark.parametrize("to", ["clip", "", "' OR 1=1 --"])
def test_a_move_to_an_unknown_step_is_refused(app, editor_client, world, to):
    placement_id = placement_at(app, world)
    response = press(editor_client, placement_id, to, seen="applied")
    assert response.status_code == 200
    assert status_of(app, placement_id) == "applied"


def test_a_viewer_sees_no_buttons_and_cannot_move(app, viewer_client, world):
    placement_id = placement_at(app, world)
    tree = page(details(viewer_client, placement_id))
    assert not tree.xpath('//form[contains(@class, "step-form")]')
    assert not tree.xpath('//form[@id="visit-form"]')
    assert (
        viewer_client.post(f"{BASE}/move/?id={placement_id}", data={"to": "eligible"}).status_code
        == 403
    )
    visit = {"visited_on": "02/04/2568", "visitor": "นายนิเทศ"}
    assert viewer_client.post(f"{BASE}/visit/?id={placement_id}", data=visit).status_code == 403
    assert status_of(app, placement_id) == "applied"


@pytest.mark.csrf
def test_a_button_without_the_csrf_token_changes_nothing(app, reference, world):
    from helpers import role_client

    client = role_client(app, "editor")
    placement_id = placement_at(app, world)
    response = client.post(f"{BASE}/move/?id={placement_id}", data={"to": "eligible"})
    assert response.status_code == 400
    assert status_of(app, placement_id) == "applied"


# --------------------------------------------------------------------------- the page


def test_the_timeline_lists_every_move_with_when_who_and_note(app, editor_client, world):
    placement_id = placement_at(app, world, "oriented")
    press(editor_client, placement_id, "in_placement", seen="oriented", note="เริ่มฝึกที่โรงงาน")
    tree = page(details(editor_client, placement_id))
    items = tree.xpath('//ol[@id="timeline"]/li')
    moves = [
        " ".join(li.xpath('.//*[contains(@class, "timeline-move")]')[0].text_content().split())
        for li in items
    ]
    assert moves == [
        f"{thai(app, 'Created')} {label(app, 'applied')}",
        f"{label(app, 'applied')} {label(app, 'eligible')}",
        f"{label(app, 'eligible')} {label(app, 'oriented')}",
        f"{label(app, 'oriented')} {label(app, 'in_placement')}",
    ]
    last = items[-1].text_content()
    assert USERS["editor"] in last and "เริ่มฝึกที่โรงงาน" in last
    # When, in BE.
    assert f"{now().year + 543}" in last
    first = items[0].text_content()
    assert "20 ก.พ. 2568 10:00 น." in first


def test_the_page_links_the_covering_mou(app, editor_client, world):
    placement_id = placement_at(app, world)
    tree = page(details(editor_client, placement_id))
    link = tree.xpath('//section[@id="mou-panel"]//a[contains(@class, "mou-link")]')
    assert link[0].get("href") == f"/admin/mou/details/?id={world.mou}"
    assert link[0].text_content() == world.mou_ref
    assert not tree.xpath('//*[@id="mou-missing"]')


def test_the_page_warns_of_no_valid_mou_and_says_what_is_missing(app, editor_client, world):
    with app.app_context():
        host = make_host(db.session, "EST-OLD", "บริษัท ข้อตกลงหมดอายุ จำกัด")
        old = make_mou(
            db.session,
            [host, agency(db.session, "C5201")],
            dt.date(2022, 1, 1),
            dt.date(2025, 4, 30),
            ref_no="MOU-OLD-1",
        )
        db.session.commit()
        host_id, old_id = host.id, old.id
    placement_id = placement_at(app, world, host=host_id)
    tree = page(details(editor_client, placement_id))
    warning = " ".join(tree.xpath('//*[@id="mou-missing"]')[0].text_content().split())
    assert thai(app, "No valid MOU") in warning
    # The MOU ends on 30 Apr 2568, before the planned end of 30 May 2568.
    assert "17 มี.ค. 2568" in warning and "30 พ.ค. 2568" in warning
    other = tree.xpath('//ul[contains(@class, "other-mous")]//a')
    assert [(a.text_content(), a.get("href")) for a in other] == [
        ("MOU-OLD-1", f"/admin/mou/details/?id={old_id}")
    ]
    assert "30 เม.ย. 2568" in tree.xpath('//ul[contains(@class, "other-mous")]')[0].text_content()


def test_the_form_shows_the_covering_mou_or_the_warning(app, editor_client, world):
    covered = placement_at(app, world)
    form = page(editor_client.get(f"/admin/placement/edit/?id={covered}"))
    link = form.xpath('//*[@id="form-mou"]//a[contains(@class, "mou-link")]')
    assert link[0].get("href") == f"/admin/mou/details/?id={world.mou}"
    with app.app_context():
        lone = make_host(db.session, "EST-FORM", "บริษัท ไม่มีข้อตกลง จำกัด")
        db.session.commit()
        lone_id = lone.id
    uncovered = placement_at(app, world, host=lone_id)
    reason = refusal_in_thai(app, uncovered, "eligible")
    form = page(editor_client.get(f"/admin/placement/edit/?id={uncovered}"))
    warning = form.xpath('//*[@id="form-mou"][contains(@class, "alert-danger")]')
    assert reason in " ".join(warning[0].text_content().split())
    assert not warning[0].xpath(".//a")


def test_the_page_shows_the_exception_and_its_reason(app, editor_client, world):
    with app.app_context():
        host = make_host(db.session, "EST-JOINT", "บริษัท พัฒนาร่วม จำกัด")
        db.session.commit()
        host_id = host.id
    placement_id = placement_at(
        app, world, host=host_id, mou_exception_reason="ร่วมพัฒนาหลักสูตรทวิภาคีกับวิทยาลัย"
    )
    tree = page(details(editor_client, placement_id))
    panel = tree.xpath('//section[@id="mou-panel"]')[0].text_content()
    assert "ร่วมพัฒนาหลักสูตรทวิภาคีกับวิทยาลัย" in panel
    assert thai(app, "Joint education development") in panel
    assert not tree.xpath('//*[@id="mou-missing"]')


def test_the_page_flags_a_late_application(app, editor_client, world):
    placement_id = placement_at(app, world, applied_at=dt.datetime(2025, 2, 28, 0, 5))
    tree = page(details(editor_client, placement_id))
    flag = tree.xpath('//li[contains(@class, "flag-late")]')[0].text_content()
    assert "28 ก.พ. 2568" in flag and "27 ก.พ. 2568" in flag
    on_time = placement_at(app, world, applied_at=dt.datetime(2025, 2, 27, 23, 59))
    assert not page(details(editor_client, on_time)).xpath('//li[contains(@class, "flag-late")]')


def test_the_page_flags_overdue_steps_with_their_due_date(app, editor_client, world):
    with app.app_context():
        ends = db.session.scalars(
            select(RoundStep).where(RoundStep.round_id == world.round, RoundStep.step == "eligible")
        ).first()
        due = ends.ends_on
    placement_id = placement_at(app, world)
    flags = page(details(editor_client, placement_id)).xpath(
        '//li[contains(@class, "flag-overdue")]'
    )
    from thai.dates import format_be

    assert any(format_be(due) in f.text_content() for f in flags)


def test_the_page_flags_no_visit_for_more_than_30_days(app, editor_client, world):
    placement_id = placement_at(app, world, "in_placement")
    with app.app_context():
        placement = db.session.get(Placement, placement_id)
        placement.status_since = now() - dt.timedelta(days=31)
        db.session.commit()
    flags = page(details(editor_client, placement_id)).xpath(
        '//li[contains(@class, "flag-novisit")]'
    )
    assert flags
    # Logging a visit clears the flag.
    today = now().date()
    response = editor_client.post(
        f"{BASE}/visit/?id={placement_id}",
        data={"visited_on": today.isoformat(), "visitor": "นายนิเทศ ดีมาก"},
        follow_redirects=True,
    )
    assert not page(response).xpath('//li[contains(@class, "flag-novisit")]')


def test_a_visit_logged_on_the_page(app, editor_client, world):
    placement_id = placement_at(app, world, "in_placement")
    response = editor_client.post(
        f"{BASE}/visit/?id={placement_id}",
        data={"visited_on": "02/04/2568", "visitor": " นายนิเทศ ดีมาก ", "notes": "ครูฝึกงานตามแผน"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    rows = page(response).xpath('//table[@id="visits"]//tr[contains(@class, "visit")]')
    assert [[td.text_content() for td in r.xpath("./td")] for r in rows] == [
        ["2 เม.ย. 2568", "นายนิเทศ ดีมาก", "ครูฝึกงานตามแผน"]
    ]
    with app.app_context():
        visit = db.session.scalar(select(SupervisionVisit))
        assert (visit.placement_id, visit.visited_on, visit.visitor) == (
            placement_id,
            dt.date(2025, 4, 2),
            "นายนิเทศ ดีมาก",
        )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ({"visited_on": "02/04/2568", "visitor": ""}, "visitor", "This field is required."),
        ({"visited_on": "", "visitor": "นายนิเทศ"}, "visited_on", "This field is required."),
        ({"visited_on": "31/02/2568", "visitor": "นายนิเทศ"}, "visited_on", None),
        (
            {"visited_on": "01/01/2600", "visitor": "นายนิเทศ"},
            "visited_on",
            "A visit cannot be dated in the future.",
        ),
    ],
)
def test_a_visit_with_a_mistake_is_shown_again_with_the_error(
    app, editor_client, world, data, name, message
):
    placement_id = placement_at(app, world, "in_placement")
    response = editor_client.post(f"{BASE}/visit/?id={placement_id}", data=data)
    assert response.status_code == 200
    errors = field_errors(response, name)
    assert errors
    if message:
        assert thai(app, message) in errors if message != "This field is required." else errors
    assert count(app, SupervisionVisit) == 0
    # What was typed is kept.
    values = form_values(response, form_index=-1)
    assert values.get("visitor", [""])[0] == data["visitor"]


# --------------------------------------------------------------------------- the form


def test_status_is_not_in_the_form(app, editor_client, world):
    placement_id = placement_at(app, world)
    for url in (f"{BASE}/new/", f"{BASE}/edit/?id={placement_id}"):
        tree = page(editor_client.get(url))
        assert not tree.xpath('//*[@name="status"]'), url
        assert tree.xpath('//*[@name="mou_exception"]') and tree.xpath('//*[@name="clip_duration"]')
    # A status posted anyway is ignored: only the moves change it.
    data = form_values(editor_client.get(f"{BASE}/edit/?id={placement_id}"))
    data["status"] = ["post_report"]
    assert editor_client.post(f"{BASE}/edit/?id={placement_id}", data=data).status_code == 302
    assert status_of(app, placement_id) == "applied"


def new_placement_data(world, **changes):
    data = {
        "round": str(world.round),
        "teacher": str(world.teacher),
        "host": str(world.host),
        "applied_at": "20/02/2568 10:30",
        "units": [str(world.units[0])],
        "planned_start": "17/03/2568",
        "planned_end": "30/05/2568",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_creating_a_placement_records_its_first_event_and_fills_the_college(
    app, editor_client, world
):
    response = editor_client.post(f"{BASE}/new/", data=new_placement_data(world, status="tested"))
    assert response.status_code == 302, flash_messages(response)
    placement_id = latest_id(app, Placement)
    with app.app_context():
        placement = db.session.get(Placement, placement_id)
        assert placement.college_id == world.college
        assert placement.status == "applied"
        assert placement.status_since is not None
    assert events_of(app, placement_id) == [(None, "applied", USERS["editor"], None)]


def test_the_mou_exception_needs_a_reason(app, editor_client, world):
    response = editor_client.post(
        f"{BASE}/new/", data=new_placement_data(world, mou_exception="y", mou_exception_reason=" ")
    )
    assert response.status_code == 200
    assert thai(app, "Give the reason for the joint education development exception.") in (
        field_errors(response, "mou_exception_reason")
    )
    assert count(app, Placement) == 0
    response = editor_client.post(
        f"{BASE}/new/",
        data=new_placement_data(
            world, mou_exception="y", mou_exception_reason="พัฒนาหลักสูตรร่วมกับวิทยาลัย"
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        placement = db.session.get(Placement, latest_id(app, Placement))
        assert placement.mou_exception and placement.mou_exception_reason


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [
        ("4:30", 270),
        ("4", 240),
        ("4.5", 270),
        ("๔:๓๐", 270),
        ("0:45", 45),
        ("5:00", 300),
        ("5 นาที", 300),
    ],
)
def test_the_clip_length_is_typed_as_minutes_and_kept_in_seconds(
    app, editor_client, world, typed, seconds
):
    data = new_placement_data(world, clip_duration=typed)
    assert editor_client.post(f"{BASE}/new/", data=data).status_code == 302
    placement_id = latest_id(app, Placement)
    with app.app_context():
        assert db.session.get(Placement, placement_id).clip_duration == seconds
    edit = editor_client.get(f"{BASE}/edit/?id={placement_id}")
    assert form_values(edit)["clip_duration"] == [f"{seconds // 60}:{seconds % 60:02d}"]
    assert f"{seconds // 60}:{seconds % 60:02d}" in text_of(details(editor_client, placement_id))


@pytest.mark.parametrize(
    ("typed", "message", "values"),
    [
        (
            "5:01",
            "The clip is %(length)s long; it may be at most 5 minutes (5:00).",
            {"length": "5:01"},
        ),
        (
            "12",
            "The clip is %(length)s long; it may be at most 5 minutes (5:00).",
            {"length": "12:00"},
        ),
        ("0", "The clip's length must be more than 0 seconds.", {}),
        ("4:75", "Seconds must be 0 to 59: type the length as m:ss, e.g. 4:30.", {}),
        (
            "four minutes",
            "Type the clip's length as minutes and seconds (4:30) or as minutes (4 or 4.5).",
            {},
        ),
    ],
)
def test_a_clip_too_long_or_unreadable_is_explained_in_thai(
    app, editor_client, world, typed, message, values
):
    response = editor_client.post(
        f"{BASE}/new/", data=new_placement_data(world, clip_duration=typed)
    )
    assert response.status_code == 200
    with app.test_request_context(), force_locale("th"):
        from flask_babel import gettext

        expected = gettext(message, **values)
    assert expected in field_errors(response, "clip_duration")
    assert count(app, Placement) == 0


def test_the_form_proposes_the_expected_clip_titles(app, editor_client, world):
    placement_id = placement_at(app, world, first="สมศรี", last="มีฝีมือ")
    tree = page(editor_client.get(f"{BASE}/edit/?id={placement_id}"))
    proposed = [o.get("value") for o in tree.xpath('//datalist[@id="clip-title-choices"]/option')]
    assert proposed == [
        "สมศรี มีฝีมือ (ตรวจสอบระบบเครื่องยนต์)",
        "สมศรี มีฝีมือ (ติดตั้งระบบเครือข่าย)",
    ]
    assert tree.xpath('//input[@name="clip_title"]')[0].get("list") == "clip-title-choices"


def test_a_clip_title_that_does_not_match_is_explained_beside_the_field(app, editor_client, world):
    placement_id = placement_at(app, world, first="สมศรี", last="มีฝีมือ")
    url = f"{BASE}/edit/?id={placement_id}"
    data = form_values(editor_client.get(url))
    data["clip_title"] = ["สมศรี มีฝีมือ (ซ่อมรถ)"]
    response = editor_client.post(url, data=data)
    assert response.status_code == 200
    errors = field_errors(response, "clip_title")
    assert "สมศรี มีฝีมือ (ตรวจสอบระบบเครื่องยนต์)" in errors
    assert "สมศรี มีฝีมือ (ซ่อมรถ)" in errors
    data["clip_title"] = ["สมศรี มีฝีมือ (ติดตั้งระบบเครือข่าย)"]
    data["clip_url"] = ["https://youtu.be/abc"]
    data["clip_duration"] = ["4:59"]
    assert editor_client.post(url, data=data).status_code == 302
    with app.app_context():
        placement = db.session.get(Placement, placement_id)
        assert (placement.clip_title, placement.clip_duration) == (
            "สมศรี มีฝีมือ (ติดตั้งระบบเครือข่าย)",
            299,
        )


def test_an_earlier_clip_title_does_not_block_other_edits(app, editor_client, world):
    placement_id = placement_at(app, world)
    with app.app_context():
        db.session.get(Placement, placement_id).clip_title = "ชื่อคลิปเดิมจากการนำเข้า"
        db.session.commit()
    url = f"{BASE}/edit/?id={placement_id}"
    data = form_values(editor_client.get(url))
    data["logbook_received"] = ["y"]
    assert editor_client.post(url, data=data).status_code == 302


# --------------------------------------------------------------------------- the list


def list_rows(client, query=""):
    """The list's rows as {teacher name: row text}."""
    sep = "&" if query else ""
    response = client.get(f"{BASE}/?page_size=200{sep}{query}")
    assert response.status_code == 200
    rows = {}
    for tr in page(response).xpath('//table[contains(@class, "model-list")]//tr'):
        cell = tr.xpath('./td[contains(@class, "col-teacher")]')
        if cell:
            rows[" ".join(cell[0].text_content().split()).removeprefix("นาย")] = tr
    return rows


def test_the_list_shows_the_mou_the_late_flag_and_the_step(app, editor_client, world):
    with app.app_context():
        lone = make_host(db.session, "EST-LONE", "บริษัท ไม่มีข้อตกลง จำกัด")
        db.session.commit()
        lone_id = lone.id
    placement_at(app, world, "oriented", first="มีข้อตกลง")
    placement_at(app, world, first="ไม่มีข้อตกลง", host=lone_id, applied_at=dt.datetime(2025, 3, 1))
    rows = list_rows(editor_client)
    covered = next(tr for name, tr in rows.items() if "มีข้อตกลง" in name and "ไม่มี" not in name)
    link = covered.xpath('./td[contains(@class, "col-mou")]//a')[0]
    assert link.get("href") == f"/admin/mou/details/?id={world.mou}"
    assert (
        label(app, "oriented")
        in covered.xpath('./td[contains(@class, "col-status")]')[0].text_content()
    )
    assert not covered.xpath('.//*[contains(@class, "flag-late")]')
    missing = next(tr for name, tr in rows.items() if "ไม่มีข้อตกลง" in name)
    assert (
        thai(app, "No valid MOU")
        in missing.xpath('./td[contains(@class, "col-mou")]')[0].text_content()
    )
    assert missing.xpath('.//*[contains(@class, "flag-late")]')


@pytest.fixture
def spread(app, world):
    """Placements that each meet one condition of the fixed filters, by teacher first name.

    FY2568 (calendar of the reference data, all windows past): open ones are overdue.
    FY2570 (a calendar around today): only the applied one is past its window.
    """
    today = now().date()
    with app.app_context():
        session = db.session
        lone = make_host(session, "EST-LONE", "บริษัท ไม่มีข้อตกลง จำกัด")
        fy2570 = PlacementRound(
            fiscal_year=2570,
            title="ฝึกประสบการณ์ 2570",
            application_deadline=today - dt.timedelta(days=60),
            steps=[
                RoundStep(
                    position=1,
                    step="eligible",
                    title="ประกาศรายชื่อ",
                    ends_on=today - dt.timedelta(days=1),
                ),
                RoundStep(
                    position=2,
                    step="oriented",
                    title="ปฐมนิเทศ",
                    ends_on=today + dt.timedelta(days=30),
                ),
                RoundStep(
                    position=3,
                    step="in_placement",
                    title="ฝึก",
                    ends_on=today + dt.timedelta(days=90),
                ),
            ],
        )
        session.add(fy2570)
        session.commit()
        lone_id, round_id = lone.id, fy2570.id
    recent = dt.datetime.combine(today - dt.timedelta(days=70), dt.time(9))
    late = dt.datetime.combine(today - dt.timedelta(days=59), dt.time(0, 10))
    start = today - dt.timedelta(days=40)
    fy2570 = {
        "round_id": round_id,
        "planned_start": start,
        "planned_end": start + dt.timedelta(days=60),
    }
    names = {}

    def add(name, step="applied", new=False, **kwargs):
        if new:
            kwargs = {**fy2570, **kwargs}
        names[name] = placement_at(app, world, step, first=name, **kwargs)

    add("ตรงเวลา")
    add("ยื่นช้า", applied_at=dt.datetime(2025, 2, 28, 0, 1))
    add("ไม่มีเอ็มโอยู", host=lone_id)
    add("ข้อยกเว้น", host=lone_id, mou_exception_reason="ร่วมพัฒนาการศึกษา")
    add("ยังไม่ทดสอบ", "in_placement")
    add("ทดสอบแล้ว", "tested")
    add("จบแล้ว", "post_report")
    add("สละสิทธิ์", "withdrawn")
    add("ใหม่สมัคร", new=True, applied_at=recent)
    add("ใหม่ยื่นช้า", new=True, applied_at=late)
    add("ใหม่มีสิทธิ์", "eligible", new=True, applied_at=recent)
    add("ใหม่ไม่มีนิเทศ", "in_placement", new=True, applied_at=recent)
    add("ใหม่มีนิเทศ", "in_placement", new=True, applied_at=recent)
    with app.app_context():
        for name in ("ใหม่ไม่มีนิเทศ", "ใหม่มีนิเทศ", "ยังไม่ทดสอบ"):
            db.session.get(Placement, names[name]).status_since = now() - dt.timedelta(days=35)
        db.session.add(
            SupervisionVisit(
                placement_id=names["ใหม่มีนิเทศ"],
                visited_on=today - dt.timedelta(days=3),
                visitor="ศน.",
            )
        )
        db.session.commit()
    return names


FIXED_FILTERS = {
    "flt_mou=0": {"ไม่มีเอ็มโอยู"},
    "flt_late=1": {"ยื่นช้า", "ใหม่ยื่นช้า"},
    "flt_overdue=1": {
        "ตรงเวลา",
        "ยื่นช้า",
        "ไม่มีเอ็มโอยู",
        "ข้อยกเว้น",
        "ยังไม่ทดสอบ",
        "ทดสอบแล้ว",
        "ใหม่สมัคร",
        "ใหม่ยื่นช้า",
    },
    "flt_novisit=1": {"ยังไม่ทดสอบ", "ใหม่ไม่มีนิเทศ"},
    "flt_postdue=1": {"ทดสอบแล้ว"},
    "flt_fy=2570": {"ใหม่สมัคร", "ใหม่ยื่นช้า", "ใหม่มีสิทธิ์", "ใหม่ไม่มีนิเทศ", "ใหม่มีนิเทศ"},
    "flt_step=in_placement": {"ยังไม่ทดสอบ", "ใหม่ไม่มีนิเทศ", "ใหม่มีนิเทศ"},
    "flt_step=applied": {"ตรงเวลา", "ยื่นช้า", "ไม่มีเอ็มโอยู", "ข้อยกเว้น", "ใหม่สมัคร", "ใหม่ยื่นช้า"},
}


@pytest.mark.parametrize("query", list(FIXED_FILTERS))
def test_each_fixed_filter_url_lists_exactly_the_placements_that_qualify(
    app, editor_client, spread, query
):
    rows = list_rows(editor_client, query)
    shown = {name.split()[0] for name in rows}
    assert shown == FIXED_FILTERS[query]


def test_the_fixed_filters_combine_and_the_lists_own_links_keep_them(app, editor_client, spread):
    rows = list_rows(editor_client, "flt_fy=2570&flt_late=1")
    assert {name.split()[0] for name in rows} == {"ใหม่ยื่นช้า"}
    response = editor_client.get(f"{BASE}/?flt_fy=2570&flt_step=in_placement")
    # The list's own filter links (sorting, paging) carry the same filters.
    tree = page(response)
    sort_links = tree.xpath('//th//a[contains(@href, "sort=")]/@href')
    assert sort_links and all(
        "_fy=2570" in href and "_step=in_placement" in href for href in sort_links
    )


@pytest.mark.parametrize(
    "query", ["flt_fy=abc", "flt_step=clip", "flt_mou=2", "flt_late=%27", "flt_fy=99999"]
)
def test_a_fixed_filter_with_a_bad_value_is_ignored(app, editor_client, spread, query):
    response = editor_client.get(f"{BASE}/?{query}")
    assert response.status_code == 200
    assert len(list_rows(editor_client, query)) == len(spread)


def test_the_list_offers_the_needs_attention_links_with_their_counts(app, editor_client, spread):
    tree = page(editor_client.get(f"{BASE}/"))
    links = {
        a.get("href").split("?")[1]: int(a.xpath('.//*[@class="count"]')[0].text_content())
        for a in tree.xpath('//nav[@id="placement-quick"]/a')
    }
    assert links == {
        query: len(FIXED_FILTERS[query])
        for query in ("flt_mou=0", "flt_late=1", "flt_overdue=1", "flt_novisit=1", "flt_postdue=1")
    }


def test_the_list_exports_the_mou_and_the_late_flag_as_text(app, editor_client, spread):
    response = editor_client.get(f"{BASE}/export/csv/")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert thai(app, "No valid MOU") in text and thai(app, "Late") in text
    assert "<span" not in text


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", f"{BASE}/details/?id=abc", None),
        ("get", f"{BASE}/details/?id=99999999999999999999", None),
        ("get", f"{BASE}/edit/?id=-1", None),
        ("get", f"{BASE}/?flt_fy=2568abc&flt_step=&flt_mou=", None),
        ("get", f"{BASE}/?page=-3&sort=99&flt_overdue=yes", None),
        ("post", f"{BASE}/move/?id=99999999999999999999", {"to": "eligible"}),
        ("post", f"{BASE}/visit/?id=0", {"visited_on": "02/04/2568", "visitor": "x"}),
        ("post", f"{BASE}/bulk/%E0%B8%81/", {"placement_ids": ["1"]}),
        ("post", f"{BASE}/bulk/mark_oriented/", {"placement_ids": ["9" * 40, "๑"]}),
        ("post", f"{BASE}/action/", {"action": "announce_eligible", "rowid": ["<b>"]}),
        ("post", f"{BASE}/action/", {"action": "no_such_action", "rowid": ["1"]}),
    ],
)
def test_no_input_makes_the_placement_screens_fail(app, editor_client, world, method, url, data):
    placement_at(app, world)
    response = getattr(editor_client, method)(url, data=data)
    assert response.status_code in (200, 302, 404), response.get_data(as_text=True)[:500]
    assert status_of(app, 1) == "applied"

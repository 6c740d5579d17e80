"""Bulk moves in the placement list: the action, its confirmation page, the move, the summary."""

from __future__ import annotations

import pytest
from flask import url_for
from flask_babel import force_locale
from helpers import USERS, flash_messages, page, role_client, thai
from rounds import agency, make_host, make_placement, make_teacher, placement_world
from sqlalchemy import select

from models import Agency, CompetencyUnit, Placement, PlacementEvent, PlacementStep, db
from processes import placement_flow

BASE = "/admin/placement"
ALL_STEPS = [step.value for step in PlacementStep]
# The list's bulk moves as the issue names them: action code -> target step.
BULK = {
    "announce_eligible": "eligible",
    "announce_not_eligible": "not_eligible",
    "mark_oriented": "oriented",
    "start_placement": "in_placement",
    "college_reports": "college_report",
    "close_lessons": "lessons_learned",
}
# The step each target is reached from (the graph of the issue).
FROM = {
    "eligible": "applied",
    "not_eligible": "applied",
    "oriented": "eligible",
    "in_placement": "oriented",
    "college_report": "tested",
    "lessons_learned": "college_report",
}


@pytest.fixture
def world(app, reference):
    with app.app_context():
        w = placement_world(db.session)
        lone = make_host(db.session, "EST-LONE", "บริษัท ไม่มีข้อตกลง จำกัด")
        db.session.commit()
        return {"host": w.host.id, "lone": lone.id, "units": [u.id for u in w.units]}


def placement_at(app, world, step, name, host="host"):
    with app.app_context():
        session = db.session
        teacher = make_teacher(session, agency(session, "C5201"), name, "ทดสอบ")
        placement = make_placement(
            session,
            teacher,
            session.get(Agency, world[host]),
            step=step,
            units=[session.get(CompetencyUnit, i) for i in world["units"]],
        )
        session.commit()
        return placement.id


@pytest.fixture
def one_per_step(app, world):
    """A placement at each step of the round (teacher named after it), and one applied
    placement whose host has no MOU with the college."""
    ids = {step: placement_at(app, world, step, f"ครู{step}") for step in ALL_STEPS}
    ids["no_mou"] = placement_at(app, world, "applied", "ครูไม่มีข้อตกลง", host="lone")
    return ids


def statuses(app, ids):
    with app.app_context():
        return {i: db.session.get(Placement, i).status for i in ids}


def refusal_in_thai(app, placement_id, to):
    with app.test_request_context(), force_locale("th"):
        return placement_flow.refusal(db.session, db.session.get(Placement, placement_id), to)


def run_action(client, code, ids):
    """Tick the rows in the list and choose the action from the "with selected" menu."""
    data = {"action": code, "rowid": [str(i) for i in ids], "url": f"{BASE}/"}
    return client.post(f"{BASE}/action/", data=data)


def table_ids(response, table_id):
    rows = page(response).xpath(f'//table[@id="{table_id}"]//tr[contains(@class, "bulk-row")]')
    return {int(tr.get("data-id")): tr for tr in rows}


def confirm_form(response):
    """The confirmation page's form: where it posts and what it holds."""
    form = page(response).xpath('//form[@id="confirm-form"]')[0]
    data = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return form.get("action"), data


def confirm(client, response, note=None):
    """Press the confirmation page's button."""
    action, data = confirm_form(response)
    if note is not None:
        data["note"] = [note]
    return client.post(action, data=data)


@pytest.mark.parametrize("code", list(BULK))
def test_every_bulk_move_moves_those_that_may_and_says_why_not_for_the_others(
    app, editor_client, one_per_step, code
):
    to = BULK[code]
    ids = list(one_per_step.values())
    movable = {one_per_step[FROM[to]]}
    if FROM[to] == "applied" and to != "eligible":
        # Only announcing eligible needs the MOU rule.
        movable.add(one_per_step["no_mou"])
    refused = set(ids) - movable
    reasons = {i: refusal_in_thai(app, i, to) for i in refused}
    assert all(reasons.values())

    # The confirmation page lists what will move and what will not, with the reason.
    page_ = run_action(editor_client, code, ids)
    assert page_.status_code == 200
    assert set(table_ids(page_, "movable")) == movable
    shown = table_ids(page_, "refused")
    assert set(shown) == refused
    for i, tr in shown.items():
        assert tr.xpath('./td[contains(@class, "reason")]')[0].text_content() == reasons[i]
    before = statuses(app, ids)
    assert before == statuses(app, ids)  # nothing moved yet

    summary = confirm(editor_client, page_, note="ตามประกาศสำนัก")
    assert summary.status_code == 200
    assert set(table_ids(summary, "moved-table")) == movable
    not_moved = table_ids(summary, "refused-table")
    assert set(not_moved) == refused
    for i, tr in not_moved.items():
        assert tr.xpath('./td[contains(@class, "reason")]')[0].text_content() == reasons[i]
    counts = " ".join(page(summary).xpath('//*[@id="bulk-counts"]')[0].text_content().split())
    assert thai(app, "%(count)s moved", count=str(len(movable))) in counts
    assert thai(app, "%(count)s not moved", count=str(len(refused))) in counts

    after = statuses(app, ids)
    assert {i for i in ids if after[i] != before[i]} == movable
    assert all(after[i] == to for i in movable)
    with app.app_context():
        event = db.session.scalars(
            select(PlacementEvent)
            .where(PlacementEvent.placement_id.in_(movable))
            .order_by(PlacementEvent.id.desc())
        ).first()
        assert (event.from_step, event.to_step, event.by, event.note) == (
            FROM[to],
            to,
            USERS["editor"],
            "ตามประกาศสำนัก",
        )


def test_announcing_eligible_refuses_a_placement_without_a_valid_mou(
    app, editor_client, one_per_step
):
    ids = [one_per_step["applied"], one_per_step["no_mou"]]
    page_ = run_action(editor_client, "announce_eligible", ids)
    assert set(table_ids(page_, "movable")) == {one_per_step["applied"]}
    reason = refusal_in_thai(app, one_per_step["no_mou"], "eligible")
    assert (
        table_ids(page_, "refused")[one_per_step["no_mou"]]
        .xpath('./td[contains(@class, "reason")]')[0]
        .text_content()
        == reason
    )


def test_the_announcement_summary_offers_to_issue_the_letters(app, editor_client, world):
    ids = [placement_at(app, world, "applied", f"ครูประกาศ{n}") for n in range(3)]
    summary = confirm(editor_client, run_action(editor_client, "announce_eligible", ids))
    form = page(summary).xpath('//form[@id="issue-letters"]')
    assert form, "no letters button"
    with app.test_request_context():
        assert form[0].get("action") == url_for("letters.issue")
    posted = [int(v) for v in form[0].xpath('.//input[@name="placement_ids"]/@value')]
    assert sorted(posted) == sorted(ids)
    assert form[0].xpath('.//input[@name="csrf_token"]')


def test_other_bulk_moves_offer_no_letters(app, editor_client, one_per_step):
    summary = confirm(
        editor_client, run_action(editor_client, "mark_oriented", [one_per_step["eligible"]])
    )
    assert not page(summary).xpath('//form[@id="issue-letters"]')


def test_no_letters_are_offered_when_nothing_was_announced(app, editor_client, one_per_step):
    page_ = run_action(editor_client, "announce_eligible", [one_per_step["no_mou"]])
    assert not page(page_).xpath('//form[@id="confirm-form"]')
    assert page(page_).xpath('//*[@id="none-movable"]')


def test_a_placement_moved_meanwhile_is_left_as_it_is(app, editor_client, one_per_step):
    ids = [one_per_step["applied"], one_per_step["no_mou"]]
    page_ = run_action(editor_client, "announce_not_eligible", ids)
    assert set(table_ids(page_, "movable")) == set(ids)
    # Another user rejects one of them before this one confirms.
    with app.app_context():
        placement = db.session.get(Placement, one_per_step["applied"])
        placement_flow.move(db.session, placement, "rejected", by=USERS["admin"])
        db.session.commit()
    summary = confirm(editor_client, page_)
    assert set(table_ids(summary, "moved-table")) == {one_per_step["no_mou"]}
    reason = table_ids(summary, "refused-table")[one_per_step["applied"]]
    assert (
        thai(app, "Someone else moved it meanwhile: it is now at “%(step)s”.", step="Rejected")
        in reason.text_content()
    )
    assert statuses(app, ids) == {
        one_per_step["applied"]: "rejected",
        one_per_step["no_mou"]: "not_eligible",
    }


def test_placements_deleted_meanwhile_are_counted_not_crashed_on(app, editor_client, one_per_step):
    page_ = run_action(editor_client, "mark_oriented", [one_per_step["eligible"]])
    action, data = confirm_form(page_)
    data["placement_ids"] = [str(one_per_step["eligible"]), "999999", "abc", "-3"]
    summary = editor_client.post(action, data=data)
    assert summary.status_code == 200
    assert set(table_ids(summary, "moved-table")) == {one_per_step["eligible"]}
    counts = page(summary).xpath('//*[@id="bulk-counts"]')[0].text_content()
    assert thai(app, "%(count)s no longer exist", count="1") in counts


def test_an_action_with_nothing_ticked_asks_to_select_first(app, editor_client, one_per_step):
    response = run_action(editor_client, "mark_oriented", [])
    assert response.status_code == 302
    followed = editor_client.get(response.headers["Location"])
    assert thai(app, "Select the placements to move first.") in flash_messages(followed)
    response = run_action(editor_client, "mark_oriented", ["x", "999999"])
    assert response.status_code == 302


def test_an_unknown_bulk_move_is_refused(app, editor_client, one_per_step):
    response = editor_client.post(
        f"{BASE}/bulk/drop_tables/", data={"placement_ids": [str(one_per_step["applied"])]}
    )
    assert response.status_code == 302
    followed = editor_client.get(response.headers["Location"])
    assert thai(app, "That bulk action does not exist.") in flash_messages(followed)
    assert statuses(app, [one_per_step["applied"]]) == {one_per_step["applied"]: "applied"}


def test_the_list_offers_the_bulk_moves_to_editors_and_none_to_viewers(app, one_per_step):
    editor = role_client(app, "editor")
    html = editor.get(f"{BASE}/").get_data(as_text=True)
    for code in BULK:
        assert f"modelActions.execute('{code}')" in html
    # Delete stays as before for those who may write.
    assert "modelActions.execute('delete')" in html
    viewer = role_client(app, "viewer")
    html = viewer.get(f"{BASE}/").get_data(as_text=True)
    assert "modelActions.execute(" not in html
    assert 'name="rowid"' not in html


def test_a_viewer_cannot_post_a_bulk_move(app, viewer_client, one_per_step):
    ids = [str(one_per_step["applied"])]
    assert run_action(viewer_client, "announce_eligible", ids).status_code == 403
    response = viewer_client.post(f"{BASE}/bulk/announce_eligible/", data={"placement_ids": ids})
    assert response.status_code == 403
    assert statuses(app, [one_per_step["applied"]]) == {one_per_step["applied"]: "applied"}


@pytest.mark.csrf
def test_a_confirmation_without_the_csrf_token_moves_nothing(app, reference, world):
    client = role_client(app, "editor")
    placement_id = placement_at(app, world, "applied", "ครูซีเอสอาร์เอฟ")
    response = client.post(
        f"{BASE}/bulk/announce_eligible/", data={"placement_ids": [str(placement_id)]}
    )
    assert response.status_code == 400
    assert statuses(app, [placement_id]) == {placement_id: "applied"}
    # With the page's own token the same confirmation goes through.
    listing = client.get(f"{BASE}/")
    token = page(listing).xpath('//form[@id="action_form"]//input[@name="csrf_token"]/@value')[0]
    page_ = client.post(
        f"{BASE}/action/",
        data={"action": "announce_eligible", "rowid": [str(placement_id)], "csrf_token": token},
    )
    assert page_.status_code == 200
    summary = confirm(client, page_)
    assert summary.status_code == 200
    assert statuses(app, [placement_id]) == {placement_id: "eligible"}

"""No lost updates: stale forms are refused with what changed meanwhile; saves write only
what the user changed; bulk moves and imports respect the versions they showed."""

from __future__ import annotations

import test_admin_placement_bulk as bulk
from helpers import USERS, flash_messages, form_values, login, make_user, page, thai
from sqlalchemy import select

from models import AuditLog, Teacher, TeacherUnit, db
from processes import placement_flow

EDITOR2 = "editor2@example.go.th"
# The bulk-move tests' placements, one at each step (their fixtures, shared).
world = bulk.world
one_per_step = bulk.one_per_step
confirm_bulk, run_action, table_ids = bulk.confirm, bulk.run_action, bulk.table_ids


def second_editor(app):
    make_user(app, "editor", email=EDITOR2)
    client = app.test_client()
    assert login(client, EDITOR2).status_code == 302
    return client


def edit_url(teacher_id):
    return f"/admin/teacher/edit/?id={teacher_id}"


def open_form(client, teacher_id):
    response = client.get(edit_url(teacher_id))
    assert response.status_code == 200
    return form_values(response)


def save(client, teacher_id, values, **changes):
    data = {name: list(value) for name, value in values.items()}
    for name, value in changes.items():
        data[name] = [value]
    return client.post(edit_url(teacher_id), data=data)


def teacher(app, teacher_id):
    with app.app_context():
        return db.session.get(Teacher, teacher_id)


def test_the_form_carries_the_version_and_no_editable_version_field(app, records, editor_client):
    values = open_form(editor_client, records.teacher)
    assert values["record_version"] == ["1"]
    assert "version" not in values
    tree = page(editor_client.get(edit_url(records.teacher)))
    assert tree.xpath('//input[@name="record_version"][@type="hidden"]')
    # Neither lists nor details show the version.
    listing = editor_client.get("/admin/teacher/").get_data(as_text=True)
    assert "column-header col-version" not in listing


def test_each_save_raises_the_version(app, records, editor_client):
    values = open_form(editor_client, records.teacher)
    assert save(editor_client, records.teacher, values, phone="0812345678").status_code == 302
    assert teacher(app, records.teacher).version == 2
    assert open_form(editor_client, records.teacher)["record_version"] == ["2"]


def test_a_stale_form_is_refused_and_says_what_changed_and_by_whom(app, records, editor_client):
    other = second_editor(app)
    mine = open_form(editor_client, records.teacher)
    theirs = open_form(other, records.teacher)

    assert save(other, records.teacher, theirs, phone="0811111111").status_code == 302

    response = save(editor_client, records.teacher, mine, email="sanon@example.go.th")
    assert response.status_code == 200
    messages = flash_messages(response)
    assert (
        thai(
            app,
            "Someone else saved this record after you opened the form: nothing was saved, and "
            "your input is kept below. Check what changed meanwhile, then save again.",
        )
        in messages
    )
    # What changed (the field by its label, before → after) and by whom.
    assert "0811111111" in messages
    assert "→" in messages
    assert EDITOR2 in messages
    assert thai(app, "Phone") in messages
    # Nothing overwritten: the first save stands, the second wrote nothing.
    saved = teacher(app, records.teacher)
    assert saved.phone == "0811111111"
    assert saved.email is None
    # The user's input is kept in the form.
    kept = form_values(response)
    assert kept["email"] == ["sanon@example.go.th"]


def test_saving_again_after_the_refusal_keeps_the_other_editors_change(app, records, editor_client):
    other = second_editor(app)
    mine = open_form(editor_client, records.teacher)
    theirs = open_form(other, records.teacher)
    save(other, records.teacher, theirs, phone="0811111111")
    refused = save(editor_client, records.teacher, mine, email="sanon@example.go.th")

    again = form_values(refused)
    # The user's input stays; the field they never touched shows the other editor's phone.
    assert again["email"] == ["sanon@example.go.th"]
    assert again["phone"] == ["0811111111"]
    assert editor_client.post(edit_url(records.teacher), data=again).status_code == 302
    saved = teacher(app, records.teacher)
    assert saved.email == "sanon@example.go.th"
    assert saved.phone == "0811111111"


def test_fields_the_user_did_not_touch_are_not_written(app, records, editor_client):
    """Even without the version (an old page, a hand-made post), untouched fields stay."""
    other = second_editor(app)
    mine = open_form(editor_client, records.teacher)
    theirs = open_form(other, records.teacher)
    save(other, records.teacher, theirs, phone="0811111111", department="ช่างยนต์")

    del mine["record_version"]
    response = save(editor_client, records.teacher, mine, email="sanon@example.go.th")
    assert response.status_code == 302
    saved = teacher(app, records.teacher)
    assert saved.email == "sanon@example.go.th"
    assert saved.phone == "0811111111"
    assert saved.department == "ช่างยนต์"


def test_a_save_that_changes_nothing_does_not_raise_the_version(app, records, editor_client):
    values = open_form(editor_client, records.teacher)
    assert save(editor_client, records.teacher, values).status_code == 302
    assert teacher(app, records.teacher).version == 1


def test_a_stale_inline_row_is_refused(app, records, editor_client):
    with app.app_context():
        unit = TeacherUnit(
            teacher_id=records.teacher,
            unit_id=records.units[0],
            achieved_on=__import__("datetime").date(2024, 5, 1),
            source="test",
        )
        db.session.add(unit)
        db.session.commit()
        unit_id = unit.id
    other = second_editor(app)
    mine = open_form(editor_client, records.teacher)
    theirs = open_form(other, records.teacher)
    evidence = next(name for name in theirs if name.endswith("-evidence"))
    assert (
        save(other, records.teacher, theirs, **{evidence: "ใบรับรองผลการทดสอบ"}).status_code == 302
    )
    with app.app_context():
        assert db.session.get(TeacherUnit, unit_id).version == 2

    response = save(editor_client, records.teacher, mine, phone="0899999999")
    assert response.status_code == 200
    assert "ใบรับรองผลการทดสอบ" in flash_messages(response)
    assert teacher(app, records.teacher).phone is None


def test_a_write_that_loses_the_race_is_refused_not_a_500(app, records, editor_client):
    """The check passes, then another writer commits before the flush: StaleDataError."""
    values = open_form(editor_client, records.teacher)
    from sqlalchemy import update

    import admin.versioning as versioning

    real = versioning.VersionedViewMixin.check_current

    def meanwhile(self, form, model):
        real(self, form, model)
        with db.engine.begin() as connection:
            connection.execute(
                update(Teacher)
                .where(Teacher.id == records.teacher)
                .values(phone="0822222222", version=Teacher.version + 1)
            )

    versioning.VersionedViewMixin.check_current = meanwhile
    try:
        response = save(editor_client, records.teacher, values, email="x@example.go.th")
    finally:
        versioning.VersionedViewMixin.check_current = real
    assert response.status_code == 200
    assert thai(
        app,
        "Someone else saved this record after you opened the form: nothing was saved, and "
        "your input is kept below. Check what changed meanwhile, then save again.",
    ) in flash_messages(response)
    saved = teacher(app, records.teacher)
    assert saved.phone == "0822222222"
    assert saved.email is None


def test_the_change_log_keeps_one_row_per_save(app, records, editor_client):
    values = open_form(editor_client, records.teacher)
    save(editor_client, records.teacher, values, phone="0812345678")
    with app.app_context():
        rows = db.session.scalars(
            select(AuditLog).where(AuditLog.table_name == "teacher", AuditLog.action == "update")
        ).all()
    assert len(rows) == 1
    assert rows[0].user_email == USERS["editor"]
    assert set(rows[0].changes) - {"version"} == {"phone"}


# --------------------------------------------------------------------------- imports


def roster(rows, department=None):
    import io

    from bench.roster import roster_rows, write_roster

    data = [[*row[:4], "C5201", department or row[5], *row[6:]] for row in roster_rows(rows)]
    buffer = io.BytesIO()
    write_roster(buffer, data)
    return buffer.getvalue()


def upload_roster(client, content):
    import io

    data = {"kind": "teachers", "file": (io.BytesIO(content), "roster.xlsx")}
    response = client.post("/admin/imports/", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with client.application.app_context():
        from models import ImportBatch

        return db.session.scalar(select(ImportBatch.id).order_by(ImportBatch.id.desc()))


def batch_of(app, batch_id):
    from models import ImportBatch

    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        db.session.expunge(batch)
        return batch


def confirm(client, batch_id):
    return client.post(f"/admin/imports/batch/{batch_id}/confirm", follow_redirects=True)


def test_an_import_writes_raise_the_version(app, records, editor_client, imports_in_request):
    confirm(editor_client, upload_roster(editor_client, roster(3)))
    confirm(editor_client, upload_roster(editor_client, roster(3, department="ช่างกลโรงงาน")))
    with app.app_context():
        versions = db.session.scalars(
            select(Teacher.version).where(Teacher.department == "ช่างกลโรงงาน")
        ).all()
    assert versions == [2, 2, 2]


def test_confirm_refuses_when_records_changed_since_the_preview(
    app, records, editor_client, imports_in_request
):
    from models import ImportStatus

    confirm(editor_client, upload_roster(editor_client, roster(3)))
    batch_id = upload_roster(editor_client, roster(3, department="ช่างกลโรงงาน"))
    assert batch_of(app, batch_id).status == ImportStatus.PREVIEWED.value
    # Meanwhile an editor changes the second teacher of the file through the form.
    from bench.roster import roster_rows
    from importers import service

    nid = roster_rows(3)[1][0]
    with app.app_context():
        second_id = db.session.scalar(select(Teacher.id).where(Teacher.national_id == nid))
    kept = service.load_result(service.Settings.from_config(app.config), batch_id)
    row = next(number for number, (record, _v) in kept["versions"].items() if record == second_id)
    others = [number for number in kept["versions"] if number != row]
    values = open_form(editor_client, second_id)
    assert save(editor_client, second_id, values, phone="0899999999").status_code == 302

    response = confirm(editor_client, batch_id)
    batch = batch_of(app, batch_id)
    assert batch.status == ImportStatus.FAILED.value
    # The message names the row of that teacher (as the sheet numbers it), and only it.
    assert f"แถวที่ {row} " in batch.message
    assert not any(f" {number} " in batch.message for number in others)
    assert batch.message in " ".join(page(response).text_content().split())
    with app.app_context():
        departments = db.session.scalars(select(Teacher.department)).all()
    assert "ช่างกลโรงงาน" not in departments
    assert teacher(app, second_id).phone == "0899999999"

    # Checked again, the preview shows the record as it is now; confirming then writes.
    editor_client.post(f"/admin/imports/batch/{batch_id}/recheck", data={"valid_only": "0"})
    assert batch_of(app, batch_id).status == ImportStatus.PREVIEWED.value
    confirm(editor_client, batch_id)
    assert batch_of(app, batch_id).status == ImportStatus.WRITTEN.value
    # The new preview showed the file's phone against the one typed meanwhile: now written.
    assert teacher(app, second_id).department == "ช่างกลโรงงาน"


def test_confirm_refuses_when_a_previewed_new_record_was_created_meanwhile(
    app, records, editor_client, imports_in_request
):
    from bench.roster import roster_rows
    from importers import service
    from models import ImportStatus

    batch_id = upload_roster(editor_client, roster(2))
    kept = service.load_result(service.Settings.from_config(app.config), batch_id)
    first_row = kept["rows"][0]["row"]
    nid = roster_rows(2)[0][0]
    with app.app_context():
        db.session.add(Teacher(national_id=nid, first_name="ก", last_name="ข"))
        db.session.commit()
    confirm(editor_client, batch_id)
    batch = batch_of(app, batch_id)
    assert batch.status == ImportStatus.FAILED.value
    assert f"แถวที่ {first_row} " in batch.message
    with app.app_context():
        assert (
            db.session.scalar(select(Teacher.first_name).where(Teacher.national_id == nid)) == "ก"
        )


# --------------------------------------------------------------------------- bulk moves


def test_a_bulk_move_skips_placements_changed_since_its_confirmation_page(
    app, editor_client, one_per_step
):
    from models import Placement

    ids = [one_per_step["applied"], one_per_step["no_mou"]]
    shown = run_action(editor_client, "announce_not_eligible", ids)
    assert set(table_ids(shown, "movable")) == set(ids)
    # Another editor changes one of them (not its step) before this one confirms.
    with app.app_context():
        placement = db.session.get(Placement, one_per_step["applied"])
        placement.notes = "แก้ไขระหว่างนั้น"
        db.session.commit()
    summary = confirm_bulk(editor_client, shown)
    assert set(table_ids(summary, "moved-table")) == {one_per_step["no_mou"]}
    reason = table_ids(summary, "refused-table")[one_per_step["applied"]]
    assert (
        thai(
            app,
            "Someone else changed it after the confirmation page was shown: it was not moved. "
            "Check it and try again.",
        )
        in reason.text_content()
    )
    with app.app_context():
        assert db.session.get(Placement, one_per_step["applied"]).status == "applied"
        assert db.session.get(Placement, one_per_step["no_mou"]).status == "not_eligible"


def add_unit(app, records):
    import datetime as dt

    with app.app_context():
        unit = TeacherUnit(
            teacher_id=records.teacher,
            unit_id=records.units[0],
            achieved_on=dt.date(2024, 5, 1),
            source="test",
        )
        db.session.add(unit)
        db.session.commit()
        return unit.id


def test_an_inline_row_deleted_meanwhile_is_not_brought_back(app, records, editor_client):
    unit_id = add_unit(app, records)
    mine = open_form(editor_client, records.teacher)
    with app.app_context():
        db.session.delete(db.session.get(TeacherUnit, unit_id))
        db.session.commit()
    evidence = next(name for name in mine if name.endswith("-evidence"))
    response = save(editor_client, records.teacher, mine, **{evidence: "หลักฐานใหม่"})
    assert response.status_code == 200
    deleted = thai(app, "A row of “%(section)s” was deleted meanwhile.", section="x")
    assert deleted.split("“")[0] in flash_messages(response)
    with app.app_context():
        assert db.session.scalars(select(TeacherUnit)).all() == []


def test_only_the_changed_fields_of_an_inline_row_are_written(app, records, editor_client):
    unit_id = add_unit(app, records)
    mine = open_form(editor_client, records.teacher)
    # Someone fixes the row's evidence; this user's old form has no version for the row.
    with app.app_context():
        db.session.get(TeacherUnit, unit_id).evidence = "ผลการทดสอบ"
        db.session.commit()
    for name in [name for name in mine if name.endswith("record_version")]:
        del mine[name]
    assert save(editor_client, records.teacher, mine, phone="0812345678").status_code == 302
    with app.app_context():
        assert db.session.get(TeacherUnit, unit_id).evidence == "ผลการทดสอบ"
    assert teacher(app, records.teacher).phone == "0812345678"


def test_any_admin_page_that_loses_a_write_race_says_so(app, records, editor_client, monkeypatch):
    """StaleDataError from a page of its own (the office settings) is a message, not a 500."""
    from sqlalchemy import update

    import admin.letters as letters
    from models import OfficeSettings

    with app.app_context():
        db.session.add(OfficeSettings(name="สำนักงาน", letter_prefix="ศธ ๐๖๐๕"))
        db.session.commit()
    real = letters.the_settings

    def loaded_then_changed():
        settings = real()
        with db.engine.begin() as connection:
            connection.execute(
                update(OfficeSettings).values(name="แก้แล้ว", version=OfficeSettings.version + 1)
            )
        return settings

    monkeypatch.setattr(letters, "the_settings", loaded_then_changed)
    response = editor_client.post(
        "/admin/office_settings/",
        data={"name": "สำนักงานใหม่", "letter_prefix": "ศธ ๐๖๐๕"},
        headers={"Referer": "http://localhost/admin/office_settings/"},
    )
    assert response.status_code == 302
    monkeypatch.setattr(letters, "the_settings", real)
    shown = editor_client.get(response.headers["Location"])
    assert thai(
        app,
        "Nothing was saved: someone else changed this record meanwhile. "
        "Open it again to see the changes, then make yours.",
    ) in flash_messages(shown)
    with app.app_context():
        assert db.session.scalar(select(OfficeSettings.name)) == "แก้แล้ว"


def test_changes_the_form_does_not_show_do_not_make_it_stale(app, editor_client, one_per_step):
    """A step moved by a button while the form is open: the form's save still goes through,
    and writes only what it changed (the step stays where the button put it)."""
    from models import Placement

    placement_id = one_per_step["applied"]
    url = f"/admin/placement/edit/?id={placement_id}"
    values = form_values(editor_client.get(url))
    with app.app_context():
        placement = db.session.get(Placement, placement_id)
        placement_flow.move(db.session, placement, "eligible", by=USERS["admin"])
        db.session.commit()
        assert placement.version > 1
    data = {**values, "notes": ["โทรนัดสถานประกอบการแล้ว"]}
    assert editor_client.post(url, data=data).status_code == 302
    with app.app_context():
        placement = db.session.get(Placement, placement_id)
        assert placement.notes == "โทรนัดสถานประกอบการแล้ว"
        assert placement.status == "eligible"


def test_no_screen_lists_shows_or_edits_the_version(app, admin_client):
    """The version is the app's bookkeeping: in no list, details page, export or form field."""
    from flask_admin.contrib.sqla import ModelView

    checked = 0
    with app.test_request_context():
        for view in app.extensions["admin"][0]._views:
            if not isinstance(view, ModelView) or "version" not in view.model.__table__.c:
                continue
            checked += 1
            names = [name for name, _label in view._list_columns]
            names += [name for name, _label in view._details_columns]
            names += [name for name, _label in view.get_export_columns()]
            assert "version" not in names, view.endpoint
            form_class = view.get_edit_form()
            assert not hasattr(form_class, "version"), view.endpoint
            assert hasattr(form_class, "record_version"), view.endpoint
    assert checked > 20

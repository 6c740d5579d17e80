"""Forms: Thai error messages beside the field, nothing saved on error, BE dates in and out."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import (
    TEACHER_NID,
    THAI,
    count,
    field_errors,
    flash_messages,
    form_values,
    latest_id,
    mou_data,
    text_of,
    thai,
)
from sqlalchemy import select

from models import Agency, Mou, MouParty, Occupation, Placement, Qualification, Teacher, db
from thai.nid import make_national_id

# Flask-Admin's "Already exists." in its Thai catalogue (admin.po).
ALREADY_EXISTS = "มีข้อมูลนี้อยู่แล้ว"


def teacher_data(records, **changes):
    data = {
        "national_id": make_national_id("150010000012"),
        "prefix": "นาย",
        "first_name": "ธนุ",
        "last_name": "ตั้งใจ",
        "college": str(records.college),
        "is_active": "y",
    }
    data.update(changes)
    return data


def refused(app, response, model, before):
    """The form came back (200, not a crash) and nothing was written."""
    assert response.status_code == 200, response.status_code
    assert count(app, model) == before


# ------------------------------------------------------------------------- errors beside the field


@pytest.mark.parametrize(
    ("national_id", "message"),
    [
        ("3100100000015", "เลขตรวจสอบไม่ตรง"),
        ("3-1001-00000-01", "13 หลัก"),
        ("31001000000l4", "ตัวเลข"),
        ("9100100000011", "หลักแรก"),
    ],
    ids=["checksum", "too short", "a letter", "first digit"],
)
def test_bad_national_id_is_explained_beside_the_field(
    app, editor_client, records, national_id, message
):
    before = count(app, Teacher)
    response = editor_client.post(
        "/admin/teacher/new/", data=teacher_data(records, national_id=national_id)
    )
    refused(app, response, Teacher, before)
    errors = field_errors(response, "national_id")
    assert "เลขประจำตัวประชาชน" in errors
    assert message in errors
    # What the user typed stays in the box so it can be corrected.
    assert form_values(response)["national_id"] == [national_id]


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        ("national_id", {"national_id": "3100100000015"}, "its check digit does not match"),
        ("national_id", {"national_id": "31001"}, "A national ID has 13 digits (found 5)"),
        ("birth_date", {"birth_date": "31/02/2528"}, 'The date "31/02/2528" does not exist'),
        ("phone", {"phone": "12"}, 'The phone number "12" is not valid'),
    ],
    ids=["checksum", "too short", "no such date", "phone"],
)
def test_the_english_screen_explains_a_bad_value_in_english(
    app, editor_client, records, field, data, message
):
    before = count(app, Teacher)
    editor_client.get("/lang/en")
    response = editor_client.post("/admin/teacher/new/", data=teacher_data(records, **data))
    refused(app, response, Teacher, before)
    errors = field_errors(response, field)
    assert message in errors
    assert not THAI.search(errors)
    # The Thai screen keeps its Thai words.
    editor_client.get("/lang/th")
    response = editor_client.post("/admin/teacher/new/", data=teacher_data(records, **data))
    assert THAI.search(field_errors(response, field))


def test_national_id_typed_with_dashes_or_thai_digits_is_stored_as_13_digits(
    app, editor_client, records
):
    nid = make_national_id("150010000012")
    digits = nid.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    typed = f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"
    response = editor_client.post(
        "/admin/teacher/new/", data=teacher_data(records, national_id=typed)
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Teacher, latest_id(app, Teacher)).national_id == nid


@pytest.mark.parametrize("typed", ["31/02/2568", "32/01/2568", "ไม่ทราบ"])
def test_impossible_date_is_explained_beside_the_field(app, editor_client, records, typed):
    before = count(app, Mou)
    response = editor_client.post("/admin/mou/new/", data=mou_data(records, signed_on=typed))
    refused(app, response, Mou, before)
    errors = field_errors(response, "signed_on")
    assert typed in errors
    assert "วันที่" in errors
    assert THAI.search(errors)


def test_end_date_before_start_date_is_explained_beside_the_end_date(app, editor_client, records):
    before = count(app, Mou)
    data = mou_data(records, signed_on="24/01/2568", expires_on="23/01/2568")
    response = editor_client.post("/admin/mou/new/", data=data)
    refused(app, response, Mou, before)
    expected = thai(
        app, "%(field)s must not be before %(other)s.", field="Ends on", other="Signed on"
    )
    assert expected in field_errors(response, "expires_on")
    assert expected not in field_errors(response, "signed_on")


def test_end_date_before_start_is_checked_in_inline_rows_too(app, editor_client, records):
    data = {
        "fiscal_year": "2570",
        "title": "รอบ 2570",
        "application_deadline": "27/02/2570",
        "steps-0-position": "1",
        "steps-0-step": "",
        "steps-0-title": "ปฐมนิเทศ",
        "steps-0-starts_on": "16/03/2570",
        "steps-0-ends_on": "15/03/2570",
    }
    from models import PlacementRound

    before = count(app, PlacementRound)
    response = editor_client.post("/admin/round/new/", data=data)
    refused(app, response, PlacementRound, before)
    expected = thai(
        app, "%(field)s must not be before %(other)s.", field="Ends on", other="Starts on"
    )
    assert expected in field_errors(response, "steps-0-ends_on")


@pytest.mark.parametrize("level", ["9", "0"])
def test_level_outside_1_to_8_is_explained_beside_the_field(app, editor_client, records, level):
    before = count(app, Qualification)
    data = {"code": "Q-NEW", "title": "ช่างใหม่", "level": level}
    response = editor_client.post("/admin/qualification/new/", data=data)
    refused(app, response, Qualification, before)
    assert thai(app, "The level must be from 1 to 8.") in field_errors(response, "level")


@pytest.mark.parametrize(
    ("url", "data", "field", "label"),
    [
        (
            "/admin/agency/new/",
            lambda r: {"code": " OVEC ", "name_th": "หน่วยงานอื่น", "kind": "bureau"},
            "code",
            "Code",
        ),
        (
            "/admin/agency/new/",
            lambda r: {"code": "NEW", "name_th": "กรุงเทพมหานคร", "kind": "bureau"},
            "name_th",
            "Thai name",
        ),
        (
            "/admin/mou/new/",
            lambda r: mou_data(r, ref_no="MOU-EXISTING"),
            "ref_no",
            "Reference number",
        ),
        (
            "/admin/teacher/new/",
            lambda r: teacher_data(r, national_id=TEACHER_NID),
            "national_id",
            "National ID",
        ),
    ],
    ids=["agency code", "agency name", "MOU ref_no", "teacher national ID"],
)
def test_duplicate_key_is_explained_beside_the_field(
    app, editor_client, records, url, data, field, label
):
    with app.app_context():
        mou = Mou(ref_no="MOU-EXISTING", title="ก", signed_on=dt.date(2024, 1, 1))
        mou.parties = [MouParty(agency_id=records.college), MouParty(agency_id=records.host)]
        db.session.add(mou)
        db.session.commit()
    model = {"agency": Agency, "mou": Mou, "teacher": Teacher}[url.split("/")[2]]
    before = count(app, model)
    response = editor_client.post(url, data=data(records))
    refused(app, response, model, before)
    # Flask-Admin's own check of a unique column answers first; the app's covers the rest.
    expected = {
        ALREADY_EXISTS,
        thai(app, "This %(label)s is already in use by another record.", label=label),
    }
    errors = field_errors(response, field)
    assert any(message in errors for message in expected), errors


def test_duplicate_of_a_two_column_key_is_explained_not_crashed(app, editor_client, records):
    data = {"sector": str(records.sector), "name_th": "ช่างซ่อมบำรุงรถยนต์"}
    before = count(app, Occupation)
    response = editor_client.post("/admin/occupation/new/", data=data)
    refused(app, response, Occupation, before)
    label = f"{thai(app, 'Sector')}, {thai(app, 'Thai name')}"
    expected = thai(app, "This %(label)s is already in use by another record.", label=label)
    assert field_errors(response, "name_th") == expected
    # The same occupation name under another sector is fine.
    with app.app_context():
        from models import Sector

        other = Sector(name_th="ไฟฟ้า")
        db.session.add(other)
        db.session.commit()
        data["sector"] = str(other.id)
    assert editor_client.post("/admin/occupation/new/", data=data).status_code == 302
    assert count(app, Occupation) == before + 1


def test_editing_a_record_does_not_count_as_a_duplicate_of_itself(app, editor_client, records):
    edit = f"/admin/agency/edit/?id={records.college}"
    data = form_values(editor_client.get(edit))
    data["notes"] = ["ศูนย์กลางเครือข่าย"]
    assert editor_client.post(edit, data=data).status_code == 302


def test_required_field_is_explained_in_thai(app, editor_client, records):
    before = count(app, Agency)
    response = editor_client.post("/admin/agency/new/", data={"code": "NEW", "kind": "bureau"})
    refused(app, response, Agency, before)
    errors = field_errors(response, "name_th")
    assert errors and THAI.search(errors)


@pytest.mark.parametrize(
    ("parties", "message"),
    [
        (["OVEC"], "An MOU needs at least two parties."),
        (["OVEC", "OVEC"], "The same agency is listed twice as a party."),
    ],
)
def test_mou_parties_are_checked(app, editor_client, records, parties, message):
    data = mou_data(records)
    del data["parties-0-agency"], data["parties-1-agency"]
    for number, code in enumerate(parties):
        data[f"parties-{number}-agency"] = str(records.agencies[code])
    before = (count(app, Mou), count(app, MouParty))
    response = editor_client.post("/admin/mou/new/", data=data)
    assert response.status_code == 200
    assert (count(app, Mou), count(app, MouParty)) == before
    assert thai(app, message) in flash_messages(response)


def test_phone_and_email_are_cleaned(app, editor_client, records):
    data = {
        "code": "EST-2",
        "name_th": "บริษัท สอง จำกัด",
        "kind": "establishment",
        "phone": "๐๘๑-๒๓๔-๕๖๗๘",
        "email": " Info@Example.CO.TH ",
    }
    assert editor_client.post("/admin/agency/new/", data=data).status_code == 302
    with app.app_context():
        agency = db.session.get(Agency, latest_id(app, Agency))
        assert agency.phone == "0812345678"
        assert agency.email == "info@example.co.th"


def test_bad_phone_is_explained_beside_the_field(app, editor_client, records):
    before = count(app, Agency)
    data = {"code": "EST-3", "name_th": "บริษัท สาม จำกัด", "kind": "establishment", "phone": "12"}
    response = editor_client.post("/admin/agency/new/", data=data)
    refused(app, response, Agency, before)
    assert THAI.search(field_errors(response, "phone"))


# --------------------------------------------------------------------------- Buddhist Era dates


@pytest.mark.parametrize(
    "typed", ["24/01/2568", "24 ม.ค. 68", "2025-01-24", "๒๔/๐๑/๒๕๖๘", "24 มกราคม 2568"]
)
def test_dates_typed_in_be_ce_or_thai_digits_are_stored_as_the_same_day(
    app, editor_client, records, typed
):
    response = editor_client.post(
        "/admin/mou/new/", data=mou_data(records, signed_on=typed, expires_on="")
    )
    assert response.status_code == 302, field_errors(response, "signed_on")
    with app.app_context():
        mou = db.session.scalar(select(Mou).where(Mou.ref_no == "MOU-2568-001"))
        assert mou.signed_on == dt.date(2025, 1, 24)
        assert mou.expires_on is None


def test_date_and_time_typed_in_be_is_stored(app, editor_client, records):
    data = {
        "round": str(records.round),
        "teacher": str(records.teacher),
        "applied_at": "28/02/2568 08:15",
        "status": "applied",
        "test_result": "",
    }
    assert editor_client.post("/admin/placement/new/", data=data).status_code == 302
    placement_id = latest_id(app, Placement)
    with app.app_context():
        placement = db.session.get(Placement, placement_id)
        assert placement.applied_at == dt.datetime(2025, 2, 28, 8, 15)
        # After the 27 Feb 2568 deadline.
        assert placement.is_late
    edit = editor_client.get(f"/admin/placement/edit/?id={placement_id}")
    assert form_values(edit)["applied_at"] == ["28/02/2568 08:15"]


@pytest.fixture
def mou_2568(app, records):
    """An MOU signed on 24 January 2025 (2568 BE)."""
    with app.app_context():
        mou = Mou(
            ref_no="MOU-2568-024",
            title="ความร่วมมือ",
            signed_on=dt.date(2025, 1, 24),
            expires_on=dt.date(2028, 1, 23),
        )
        mou.parties = [MouParty(agency_id=records.college), MouParty(agency_id=records.host)]
        db.session.add(mou)
        db.session.commit()
        return mou.id


def test_dates_are_shown_in_be_in_list_and_details(viewer_client, mou_2568):
    for url in ("/admin/mou/", f"/admin/mou/details/?id={mou_2568}"):
        text = text_of(viewer_client.get(url))
        assert "24 ม.ค. 2568" in text
        assert "23 ม.ค. 2571" in text
        assert "2025" not in text  # no Christian Era year anywhere


def test_dates_are_numeric_be_in_exports_and_edit_forms(editor_client, mou_2568):
    csv_text = editor_client.get("/admin/mou/export/csv/").get_data(as_text=True)
    assert "24/01/2568" in csv_text
    assert "2025-01-24" not in csv_text
    values = form_values(editor_client.get(f"/admin/mou/edit/?id={mou_2568}"))
    assert values["signed_on"] == ["24/01/2568"]
    assert values["expires_on"] == ["23/01/2571"]


def test_editing_without_touching_dates_keeps_them(app, editor_client, mou_2568):
    edit = f"/admin/mou/edit/?id={mou_2568}"
    data = form_values(editor_client.get(edit))
    data["title"] = ["ความร่วมมือ (แก้ไข)"]
    assert editor_client.post(edit, data=data).status_code == 302
    with app.app_context():
        mou = db.session.get(Mou, mou_2568)
        assert (mou.signed_on, mou.expires_on) == (dt.date(2025, 1, 24), dt.date(2028, 1, 23))
        assert len(mou.parties) == 2

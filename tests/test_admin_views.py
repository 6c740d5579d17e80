"""Every admin area: list, create, details, edit and delete through the screens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from helpers import USERS, count, flash_messages, form_values, latest_id, text_of
from sqlalchemy import select

import models
from models import (
    Agency,
    AgencyContact,
    AuditLog,
    CollegeFieldGroup,
    CompetencyUnit,
    Curriculum,
    ExcellenceField,
    Mou,
    MouParty,
    Occupation,
    Placement,
    PlacementRound,
    Qualification,
    ScholarshipAllocation,
    ScholarshipAward,
    ScholarshipProgramme,
    Sector,
    Student,
    Teacher,
    TeacherCertificate,
    TeacherUnit,
    Training,
    User,
    db,
)
from thai.nid import make_national_id

NEW_TEACHER_NID = make_national_id("350010000007")


@dataclass
class Area:
    """One admin screen: what to type into its form and what the user then reads."""

    endpoint: str
    model: type
    data: Any  # records -> form data
    shows: str  # text seen in the list and on the details page
    edit: tuple[str, str, str]  # field, new value, text then seen on the details page
    check: Any = None  # (record, records) -> None: what the database holds afterwards
    details: list[str] = field(default_factory=list)  # more text on the details page


def check_mou(mou: Mou, r) -> None:
    assert {p.agency_id for p in mou.parties} == {r.agencies["BMA"], r.agencies["TPQI"]}
    assert mou.signed_on == dt.date(2022, 9, 14)


def check_qualification(q: Qualification, r) -> None:
    assert sorted(u.id for u in q.units) == sorted(r.units)
    assert q.level == 4


def check_curriculum(c: Curriculum, r) -> None:
    assert [(a.unit_id, a.coverage) for a in c.alignments] == [(r.units[0], "partial")]


def check_teacher(t: Teacher, r) -> None:
    assert t.national_id == NEW_TEACHER_NID
    assert [u.unit_id for u in t.units] == [r.units[1]]
    assert t.units[0].achieved_on == dt.date(2025, 1, 24)


def check_round(pr: PlacementRound, r) -> None:
    assert pr.application_deadline == dt.date(2026, 2, 27)
    assert [(s.title, s.starts_on) for s in pr.steps] == [("ปฐมนิเทศ", dt.date(2026, 3, 16))]


def check_placement(p: Placement, r) -> None:
    assert p.teacher_id == r.teacher and p.host_id == r.host
    # The college is taken from the teacher when left empty.
    assert p.college_id == r.college
    assert [(v.visited_on, v.visitor) for v in p.visits] == [(dt.date(2025, 4, 2), "นายนิเทศ ดีมาก")]
    assert [u.id for u in p.units] == [r.units[0]]


def check_programme(p: ScholarshipProgramme, r) -> None:
    assert [(a.academic_year, a.quota) for a in p.allocations] == [(2567, 300)]


def check_user(u: User, r) -> None:
    assert u.role == "editor" and u.password_hash.startswith("$argon2")


def check_award(a: ScholarshipAward, r) -> None:
    assert a.student_id == r.student and a.status == "studying"


AREAS = [
    Area(
        "agency",
        Agency,
        lambda r: {
            "code": " C5001 ",
            "name_th": "วิทยาลัยเทคนิคเชียงใหม่",
            "abbreviation": "วท.ชม.",
            "kind": "college",
            "parent": str(r.agencies["OVEC"]),
            "province": "",
            "phone": "053 217 708",
            "contacts-0-name": "นางสาวจุลลดา ประสานดี",
            "contacts-0-coordinator_for": "ฝึกประสบการณ์",
        },
        "วิทยาลัยเทคนิคเชียงใหม่",
        ("name_th", "วิทยาลัยเทคนิคเชียงใหม่ (แก้ไข)", "วิทยาลัยเทคนิคเชียงใหม่ (แก้ไข)"),
        lambda a, r: a.code == "C5001" and a.contacts[0].coordinator_for == "ฝึกประสบการณ์",
        ["C5001", "นางสาวจุลลดา ประสานดี", "053217708"],
    ),
    Area(
        "contact",
        AgencyContact,
        lambda r: {
            "agency": str(r.agencies["TPQI"]),
            "name": "นายสมชาย ติดต่อ",
            "position": "นักวิชาการ",
        },
        "นายสมชาย ติดต่อ",
        ("position", "ผู้อำนวยการ", "ผู้อำนวยการ"),
        lambda c, r: c.agency_id == r.agencies["TPQI"],
    ),
    Area(
        "mou",
        Mou,
        lambda r: {
            "ref_no": "MOU-2565-014",
            "title": "ความร่วมมือ E-Workforce Ecosystem",
            "signed_on": "14/09/2565",
            "expires_on": "",
            "parties-0-agency": str(r.agencies["BMA"]),
            "parties-0-signatory": "ผู้ว่าราชการกรุงเทพมหานคร",
            "parties-1-agency": str(r.agencies["TPQI"]),
        },
        "MOU-2565-014",
        ("title", "ความร่วมมือ EWE (ฉบับแก้ไข)", "ความร่วมมือ EWE (ฉบับแก้ไข)"),
        check_mou,
        ["กรุงเทพมหานคร", "สถาบันคุณวุฒิวิชาชีพ", "14 ก.ย. 2565"],
    ),
    Area(
        "sector",
        Sector,
        lambda r: {"name_th": "ดิจิทัล", "name_en": "Digital"},
        "ดิจิทัล",
        ("name_en", "Digital technology", "Digital technology"),
    ),
    Area(
        "occupation",
        Occupation,
        lambda r: {"sector": str(r.sector), "name_th": "ช่างเชื่อม"},
        "ช่างเชื่อม",
        ("name_th", "ช่างเชื่อมโลหะ", "ช่างเชื่อมโลหะ"),
        lambda o, r: o.sector_id == r.sector,
        ["ยานยนต์"],
    ),
    Area(
        "qualification",
        Qualification,
        lambda r: {
            "code": "Q-AUTO-4",
            "title": "ช่างซ่อมรถยนต์ชั้นสูง",
            "level": "4",
            "occupation": str(r.occupation),
            "units": ",".join(str(u) for u in r.units),
        },
        "Q-AUTO-4",
        ("title", "ช่างซ่อมรถยนต์อาวุโส", "ช่างซ่อมรถยนต์อาวุโส"),
        check_qualification,
        ["ECM-ZZZ-5-011ZA", "ICT-QLIP-401B"],
    ),
    Area(
        "unit",
        CompetencyUnit,
        lambda r: {
            "code": "DG-WPJL-028",
            "title": "จัดทำเว็บไซต์",
            "elements-0-code": "DG-WPJL-028.1",
            "elements-0-title": "ออกแบบหน้าเว็บ",
        },
        "DG-WPJL-028",
        ("title", "จัดทำและดูแลเว็บไซต์", "จัดทำและดูแลเว็บไซต์"),
        lambda u, r: [e.code for e in u.elements] == ["DG-WPJL-028.1"],
        ["ออกแบบหน้าเว็บ"],
    ),
    Area(
        "curriculum",
        Curriculum,
        lambda r: {
            "code": "CUR-2562-AUTO",
            "title": "ปวช. 2562 ช่างยนต์",
            "owner": str(r.agencies["OVEC"]),
            "kind": "vocational_certificate",
            "level_group": "upper_secondary",
            "hours": "120",
            "edition_year": "2562",
            "alignments-0-unit": str(r.units[0]),
            "alignments-0-coverage": "partial",
        },
        "CUR-2562-AUTO",
        ("title", "ปวช. 2562 ช่างยนต์ (ปรับปรุง)", "ปวช. 2562 ช่างยนต์ (ปรับปรุง)"),
        check_curriculum,
        ["ECM-ZZZ-5-011ZA"],
    ),
    Area(
        "excellence",
        ExcellenceField,
        lambda r: {
            "code": "EF-RAIL",
            "name_th": "ระบบราง",
            "hub_college": str(r.college),
            "college_groups-0-college": str(r.college),
            "college_groups-0-tier": "expert",
        },
        "ระบบราง",
        ("name_en", "Rail systems", "Rail systems"),
        lambda f, r: [(g.college_id, g.tier) for g in f.college_groups] == [(r.college, "expert")],
    ),
    Area(
        "college_group",
        CollegeFieldGroup,
        lambda r: {"field": str(r.field), "college": str(r.college), "tier": "standard"},
        "วิทยาลัยสารพัดช่างลำปาง",
        ("tier", "excellence_center", "วิทยาลัยสารพัดช่างลำปาง"),
        lambda g, r: g.field_id == r.field,
    ),
    Area(
        "teacher",
        Teacher,
        lambda r: {
            "national_id": NEW_TEACHER_NID,
            "prefix": "นางสาว",
            "first_name": "มาลี",
            "last_name": "ศรีสุข",
            "college": str(r.college),
            "department": "ช่างยนต์",
            "birth_date": "1 มกราคม 2530",
            "is_active": "y",
            "units-0-unit": str(r.units[1]),
            "units-0-achieved_on": "24/01/2568",
            "units-0-source": "test",
        },
        "มาลี",
        ("department", "ช่างกลโรงงาน", "ช่างกลโรงงาน"),
        check_teacher,
        ["ศรีสุข", "ICT-QLIP-401B"],
    ),
    Area(
        "teacher_unit",
        TeacherUnit,
        lambda r: {
            "teacher": str(r.teacher),
            "unit": str(r.units[0]),
            "achieved_on": "24/01/2568",
            "source": "placement",
        },
        "ECM-ZZZ-5-011ZA",
        ("evidence", "หนังสือรับรองเลขที่ 123", "หนังสือรับรองเลขที่ 123"),
        lambda tu, r: tu.achieved_on == dt.date(2025, 1, 24),
    ),
    Area(
        "certificate",
        TeacherCertificate,
        lambda r: {
            "teacher": str(r.teacher),
            "qualification": str(r.qualification),
            "certificate_no": "CERT-0001",
            "issued_on": "01/02/2568",
            "expires_on": "31/01/2573",
        },
        "CERT-0001",
        ("certificate_no", "CERT-0001-A", "CERT-0001-A"),
        lambda c, r: c.expires_on == dt.date(2030, 1, 31),
    ),
    Area(
        "training",
        Training,
        lambda r: {
            "title": "อบรมครูช่างยนต์ไฟฟ้า",
            "provider": str(r.agencies["BPCD"]),
            "start_on": "03/03/2568",
            "end_on": "07/03/2568",
            "hours": "30",
            "attendances-0-teacher": str(r.teacher),
            "attendances-0-completed": "y",
        },
        "อบรมครูช่างยนต์ไฟฟ้า",
        ("hours", "35", "35"),
        lambda t, r: [a.teacher_id for a in t.attendances] == [r.teacher],
        ["ศานนท์"],
    ),
    Area(
        "round",
        PlacementRound,
        lambda r: {
            "fiscal_year": "2569",
            "title": "ฝึกประสบการณ์ ปีงบประมาณ 2569",
            "application_deadline": "27/02/2569",
            "budget": "2500000",
            "steps-0-position": "1",
            "steps-0-step": "oriented",
            "steps-0-title": "ปฐมนิเทศ",
            "steps-0-starts_on": "16/03/2569",
        },
        "ฝึกประสบการณ์ ปีงบประมาณ 2569",
        ("letter_ref", "ศธ ๐๖๐๕/๙๙๙", "ศธ ๐๖๐๕/๙๙๙"),
        check_round,
        ["27 ก.พ. 2569", "ปฐมนิเทศ"],
    ),
    Area(
        "placement",
        Placement,
        lambda r: {
            "round": str(r.round),
            "teacher": str(r.teacher),
            "host": str(r.host),
            "applied_at": "20/02/2568 10:30",
            "units": str(r.units[0]),
            "planned_start": "01/03/2568",
            "planned_end": "31/05/2568",
            "status": "in_placement",
            "test_result": "",
            "visits-0-visited_on": "02/04/2568",
            "visits-0-visitor": "นายนิเทศ ดีมาก",
        },
        "บริษัท ช่างไทย จำกัด",
        ("clip_title", "ศานนท์ ใจดี (ตรวจสอบระบบเครื่องยนต์)", "ตรวจสอบระบบเครื่องยนต์"),
        check_placement,
        ["นายนิเทศ ดีมาก", "2 เม.ย. 2568"],
    ),
    Area(
        "programme",
        ScholarshipProgramme,
        lambda r: {
            "code": "SCH-NEW",
            "name_th": "ทุนครูรัก(ษ์)ถิ่น สายอาชีพ",
            "funder": str(r.agencies["EEF"]),
            "duration_years": "2",
            "allocations-0-academic_year": "2567",
            "allocations-0-quota": "300",
        },
        "ทุนครูรัก(ษ์)ถิ่น สายอาชีพ",
        ("level", "ปวส.", "ปวส."),
        check_programme,
        ["300"],
    ),
    Area(
        "allocation",
        ScholarshipAllocation,
        lambda r: {
            "programme": str(r.programme),
            "academic_year": "2567",
            "college": str(r.college),
            "quota": "25",
        },
        "วิทยาลัยสารพัดช่างลำปาง",
        ("quota", "30", "30"),
        lambda a, r: a.academic_year == 2567,
    ),
    Area(
        "student",
        Student,
        lambda r: {
            "id_type": "g_code",
            "id_value": "g644200000001",
            "prefix": "นาย",
            "first_name": "ธนุ",
            "last_name": "ขยันเรียน",
            "college": str(r.college),
            "level": "higher_vocational",
        },
        "ขยันเรียน",
        ("field", "ช่างไฟฟ้า", "ช่างไฟฟ้า"),
        lambda s, r: s.id_value == "G644200000001",
    ),
    Area(
        "award",
        ScholarshipAward,
        lambda r: {
            "student": str(r.student),
            "programme": str(r.programme),
            "start_year": "2566",
            "status": "studying",
            "started_on": "16/05/2566",
        },
        "จุลลดา",
        ("notes", "ผลการเรียนดีเยี่ยม", "ผลการเรียนดีเยี่ยม"),
        check_award,
    ),
    Area(
        "user",
        User,
        lambda r: {
            "email": "Staff@Example.go.th",
            "name": "เจ้าหน้าที่ใหม่",
            "role": "editor",
            "active": "y",
            "new_password": "a-long-password",
        },
        "staff@example.go.th",
        ("name", "เจ้าหน้าที่ฝ่ายทุน", "เจ้าหน้าที่ฝ่ายทุน"),
        check_user,
    ),
]


def saved(response) -> None:
    """Fail with the page's own error messages when a form was not saved."""
    assert response.status_code == 302, flash_messages(response) or text_of(response)[:2000]


@pytest.mark.parametrize("area", AREAS, ids=[a.endpoint for a in AREAS])
def test_create_list_details_edit_delete(app, admin_client, records, area):
    r = records
    base = f"/admin/{area.endpoint}"
    before = count(app, area.model)

    assert admin_client.get(f"{base}/").status_code == 200
    assert admin_client.get(f"{base}/new/").status_code == 200
    saved(admin_client.post(f"{base}/new/", data=area.data(r)))
    assert count(app, area.model) == before + 1
    record_id = latest_id(app, area.model)

    listing = admin_client.get(f"{base}/")
    assert listing.status_code == 200
    assert area.shows in text_of(listing)
    details = admin_client.get(f"{base}/details/?id={record_id}")
    assert details.status_code == 200
    for text in [area.shows, *area.details]:
        assert text in text_of(details)
    if area.check:
        with app.app_context():
            result = area.check(db.session.get(area.model, record_id), r)
            assert result is not False

    # Edit: submit the edit form as the browser shows it, with one field changed.
    name, value, shown = area.edit
    edit_url = f"{base}/edit/?id={record_id}"
    data = form_values(admin_client.get(edit_url))
    assert name in data, sorted(data)
    data[name] = [value]
    saved(admin_client.post(edit_url, data=data))
    assert count(app, area.model) == before + 1
    assert shown in text_of(admin_client.get(f"{base}/details/?id={record_id}"))
    if area.check:
        with app.app_context():
            # Re-posting the form keeps what it held (inline rows are not duplicated).
            assert area.check(db.session.get(area.model, record_id), r) is not False

    saved(admin_client.post(f"{base}/delete/", data={"id": str(record_id), "url": f"{base}/"}))
    assert count(app, area.model) == before
    assert area.shows not in text_of(admin_client.get(f"{base}/"))


@pytest.mark.parametrize("endpoint", ["province", "region", "audit"])
def test_read_only_screens_list_but_offer_no_form(admin_client, reference, endpoint):
    listing = admin_client.get(f"/admin/{endpoint}/")
    assert listing.status_code == 200
    assert f"/admin/{endpoint}/new/" not in listing.get_data(as_text=True)
    # Flask-Admin sends a disallowed create back to the list instead of showing a form.
    response = admin_client.get(f"/admin/{endpoint}/new/")
    assert response.status_code == 302


def test_province_list_shows_provinces_with_their_region(admin_client, reference):
    text = text_of(admin_client.get("/admin/province/?search=ลำปาง"))
    assert "ลำปาง" in text
    assert "Lampang" in text
    assert "ภาคเหนือ" in text


def test_mou_list_filters_by_status(app, admin_client, records):
    today = models.today()
    with app.app_context():
        bma, tpqi = records.agencies["BMA"], records.agencies["TPQI"]
        for ref, end in (("MOU-OLD", today - dt.timedelta(days=1)), ("MOU-SOON", today)):
            mou = Mou(
                ref_no=ref, title=ref, signed_on=today - dt.timedelta(days=400), expires_on=end
            )
            mou.parties = [MouParty(agency_id=bma), MouParty(agency_id=tpqi)]
            db.session.add(mou)
        db.session.commit()
    text = text_of(admin_client.get("/admin/mou/?flt0_status_equals=expiring"))
    assert "MOU-SOON" in text
    assert "MOU-OLD" not in text


def test_every_change_through_the_screens_is_logged_with_who_made_it(app, editor_client, reference):
    data = {"code": "EST-9", "name_th": "บริษัท ทดสอบ จำกัด", "kind": "establishment"}
    saved(editor_client.post("/admin/agency/new/", data=data))
    agency_id = latest_id(app, Agency)
    edit = f"/admin/agency/edit/?id={agency_id}"
    values = form_values(editor_client.get(edit))
    values["name_th"] = ["บริษัท ทดสอบ (ไทย) จำกัด"]
    saved(editor_client.post(edit, data=values))
    saved(editor_client.post("/admin/agency/delete/", data={"id": str(agency_id)}))

    with app.app_context():
        rows = db.session.scalars(
            select(AuditLog)
            .where(AuditLog.table_name == "agency", AuditLog.record_id == str(agency_id))
            .order_by(AuditLog.id)
        ).all()
        assert [(r.action, r.user_email) for r in rows] == [
            ("create", USERS["editor"]),
            ("update", USERS["editor"]),
            ("delete", USERS["editor"]),
        ]
        assert rows[0].changes["code"] == "EST-9"
        assert rows[1].changes["name_th"] == ["บริษัท ทดสอบ จำกัด", "บริษัท ทดสอบ (ไทย) จำกัด"]


def test_admin_reads_the_change_log(app, admin_client, reference):
    saved(admin_client.post("/admin/sector/new/", data={"name_th": "โลจิสติกส์"}))
    text = text_of(admin_client.get("/admin/audit/?search=sector"))
    assert USERS["admin"] in text
    assert "โลจิสติกส์" in text


@pytest.mark.parametrize("given", ["abc", "1.5", str(2**31), str(-(2**31) - 1), "9" * 30, "%00"])
def test_a_record_id_no_integer_key_holds_finds_nothing_instead_of_failing(
    app, editor_client, records, given
):
    """On PostgreSQL such an id reached the database and failed there (a 500)."""
    for url in ("/admin/placement/details/", "/admin/teacher/edit/", "/admin/agency/details/"):
        response = editor_client.get(url, query_string={"id": given})
        assert response.status_code == 404, url  # the missing-record page
    assert (
        editor_client.get(
            "/admin/teacher/details/", query_string={"id": str(records.teacher)}
        ).status_code
        == 200
    )


@pytest.mark.parametrize("given", ["-3", "-1", str(2**40), "9" * 30])
def test_a_page_number_out_of_range_shows_a_list_instead_of_failing(app, editor_client, given):
    """A negative page gave PostgreSQL a negative OFFSET, a huge one overflowed (HTTP 500)."""
    for url in ("/admin/placement/", "/admin/teacher/", "/admin/agency/"):
        assert editor_client.get(url, query_string={"page": given}).status_code == 200, url

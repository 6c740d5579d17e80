"""Agencies and teachers as hubs: their pages list the records tied to them, with links."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from helpers import TEACHER_NID, page, pdftotext, role_client, text_of, thai
from sqlalchemy import event, select

import models
from models import (
    Agency,
    CollegeFieldGroup,
    CompetencyUnit,
    Mou,
    MouParty,
    Placement,
    PlacementStep,
    Qualification,
    Teacher,
    TeacherCertificate,
    TeacherUnit,
    Training,
    TrainingAttendance,
    db,
)
from thai.dates import format_be
from thai.nid import format_national_id, make_national_id, mask_national_id

TODAY = models.today()
FAR = TODAY + dt.timedelta(days=3 * 365)


def hub_url(kind, record_id):
    return f"/admin/{kind}/details/?id={record_id}"


def section(response, name):
    """Return one hub section of a page (an lxml element); fail when it is missing."""
    found = page(response).xpath(f'//section[@id="hub-{name}"]')
    assert found, f"no section {name!r} on the page"
    return found[0]


def rows(section_):
    """Each body row of a section's table as the texts of its cells."""
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
        for row in section_.xpath(".//tbody/tr")
    ]


def count_shown(section_):
    return int(section_.xpath('.//*[contains(@class, "hub-count")]')[0].text_content())


def links(section_):
    return [a.get("href") for a in section_.xpath(".//tbody//a")]


def more_link(section_):
    found = section_.xpath('.//*[contains(@class, "hub-more")]//a/@href')
    return found[0] if found else None


def listed(response):
    """The text of a list page's table of records (not its filter form's choices)."""
    assert response.status_code == 200
    tables = page(response).xpath('//table[contains(@class, "model-list")]')
    assert tables, "no list of records on the page"
    return " ".join(tables[0].text_content().split())


def follow(client, url):
    """Open a link as the browser would (path and query only)."""
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)


def add_teacher(app, college_id, serial, first_name, **fields):
    with app.app_context():
        teacher = Teacher(
            national_id=make_national_id(f"3500200{serial:05d}"),
            prefix="นาย",
            first_name=first_name,
            last_name="ทดสอบ",
            college_id=college_id,
            **fields,
        )
        db.session.add(teacher)
        db.session.commit()
        return teacher.id


def add_placement(app, records, teacher_id, host_id=None, status="applied", college_id=None):
    with app.app_context():
        placement = Placement(
            round_id=records.round,
            teacher_id=teacher_id,
            college_id=college_id or records.college,
            host_id=host_id or records.host,
            status=status,
            applied_at=dt.datetime(2025, 1, 10, 9, 0),
        )
        db.session.add(placement)
        db.session.commit()
        return placement.id


def add_mou(app, ref_no, party_ids, signed_on, expires_on):
    with app.app_context():
        mou = Mou(ref_no=ref_no, title=f"ความร่วมมือ {ref_no}", signed_on=signed_on)
        mou.expires_on = expires_on
        mou.parties = [MouParty(agency_id=agency_id) for agency_id in party_ids]
        db.session.add(mou)
        db.session.commit()
        return mou.id


@pytest.fixture
def hub(app, records):
    """A college with MOUs, a sub-agency, a field group and a placement; an establishment."""
    r = records
    bma, tpqi = r.agencies["BMA"], r.agencies["TPQI"]
    mous = {
        "MOU-HOST": add_mou(app, "MOU-HOST", [r.college, r.host], dt.date(2024, 6, 9), FAR),
        "MOU-OLD": add_mou(
            app, "MOU-OLD", [r.college, bma], dt.date(2020, 1, 1), dt.date(2023, 1, 1)
        ),
        "MOU-OPEN": add_mou(app, "MOU-OPEN", [r.college, tpqi], dt.date(2023, 3, 1), None),
        "MOU-OTHERS": add_mou(app, "MOU-OTHERS", [bma, tpqi], dt.date(2023, 3, 1), None),
    }
    with app.app_context():
        child = Agency(code="C5201-A", name_th="ศูนย์ฝึกอาชีพ สารพัดช่างลำปาง", kind="training_school")
        child.parent_id = r.college
        db.session.add(child)
        db.session.add(CollegeFieldGroup(field_id=r.field, college_id=r.college, tier="expert"))
        db.session.commit()
        child_id = child.id
    placement = add_placement(app, r, r.teacher, status=PlacementStep.IN_PLACEMENT.value)
    return SimpleNamespace(mous=mous, child=child_id, placement=placement)


# --------------------------------------------------------------------------- an agency


def test_an_agency_lists_exactly_its_mous_with_their_status_and_links(
    app, admin_client, records, hub
):
    response = admin_client.get(hub_url("agency", records.college))
    assert response.status_code == 200
    mous = section(response, "mous")
    assert count_shown(mous) == 3
    shown = {row[0]: row for row in rows(mous)}
    assert set(shown) == {"MOU-HOST", "MOU-OLD", "MOU-OPEN"}
    assert shown["MOU-HOST"][2] == format_be(dt.date(2024, 6, 9))
    assert shown["MOU-HOST"][3] == format_be(FAR)
    assert shown["MOU-HOST"][4] == thai(app, "Active")
    assert shown["MOU-OLD"][4] == thai(app, "Expired")
    assert shown["MOU-OPEN"][4] == thai(app, "Open-ended")
    assert "บริษัท ช่างไทย จำกัด" in shown["MOU-HOST"][5]
    for ref in shown:
        assert f"/admin/mou/details/?id={hub.mous[ref]}" in links(mous)
    for url in links(mous):
        assert follow(admin_client, url).status_code == 200


def test_an_agency_links_its_parent_and_its_sub_agencies(app, admin_client, records, hub):
    response = admin_client.get(hub_url("agency", records.college))
    children = section(response, "children")
    assert rows(children) == [["C5201-A", "ศูนย์ฝึกอาชีพ สารพัดช่างลำปาง", thai(app, "Training school")]]
    assert links(children) == [hub_url("agency", hub.child)]

    child = follow(admin_client, links(children)[0])
    assert child.status_code == 200
    parent = page(child).xpath('//*[@id="hub-parent"]//a/@href')
    assert parent == [hub_url("agency", records.college)]
    assert thai(app, "This agency has no sub-agency.") in text_of(child)


def test_a_college_lists_its_teachers_placements_and_field_groups(app, admin_client, records, hub):
    response = admin_client.get(hub_url("agency", records.college))

    teachers = section(response, "teachers")
    assert [row[1] for row in rows(teachers)] == ["นายศานนท์ ใจดี"]
    assert links(teachers) == [hub_url("teacher", records.teacher)]

    sent = section(response, "sent")
    assert rows(sent) == [
        [
            "นายศานนท์ ใจดี",
            "2568",
            "บริษัท ช่างไทย จำกัด",
            thai(app, "In placement"),
            thai(app, "View"),
        ]
    ]
    assert f"/admin/placement/details/?id={hub.placement}" in links(sent)

    groups = section(response, "groups")
    assert [row[1] for row in rows(groups)] == [thai(app, "Expert")]
    assert links(groups) == [f"/admin/excellence/details/?id={records.field}"]
    # A college hosts nothing and has no partner colleges.
    assert not page(response).xpath('//section[@id="hub-hosted" or @id="hub-partners"]')

    for name in ("teachers", "sent", "groups"):
        for url in links(section(response, name)):
            assert follow(admin_client, url).status_code == 200


def test_an_establishment_lists_the_placements_it_hosts_and_its_colleges(
    app, admin_client, records, hub
):
    other = add_teacher(app, records.college, 1, "มานะ")
    add_placement(app, records, other, host_id=records.agencies["BMA"])
    response = admin_client.get(hub_url("agency", records.host))
    assert response.status_code == 200

    hosted = section(response, "hosted")
    assert rows(hosted) == [
        [
            "นายศานนท์ ใจดี",
            "2568",
            "วิทยาลัยสารพัดช่างลำปาง",
            thai(app, "In placement"),
            thai(app, "View"),
        ]
    ]
    assert f"/admin/placement/details/?id={hub.placement}" in links(hosted)

    partners = section(response, "partners")
    assert [row[0] for row in rows(partners)] == ["วิทยาลัยสารพัดช่างลำปาง"]
    assert hub_url("agency", records.college) in links(partners)
    assert f"/admin/mou/details/?id={hub.mous['MOU-HOST']}" in links(partners)
    assert [row[0] for row in rows(section(response, "mous"))] == ["MOU-HOST"]
    assert not page(response).xpath('//section[@id="hub-teachers" or @id="hub-sent"]')
    for url in links(hosted) + links(partners):
        assert follow(admin_client, url).status_code == 200


def test_empty_sections_say_so(app, admin_client, reference):
    with app.app_context():
        college = Agency(code="C9999", name_th="วิทยาลัยการอาชีพทดสอบ", kind="college")
        host = Agency(code="E9999", name_th="บริษัท ว่างเปล่า จำกัด", kind="establishment")
        db.session.add_all([college, host])
        db.session.commit()
        ids = college.id, host.id
    expected = {
        ids[0]: {
            "mous": "This agency is not a party to any MOU.",
            "teachers": "No teacher of this college is recorded.",
            "sent": "This college has sent no teacher on a placement.",
            "groups": "This college is in no excellence-field group.",
            "children": "This agency has no sub-agency.",
        },
        ids[1]: {
            "hosted": "This establishment has hosted no placement.",
            "partners": "This establishment has no MOU with a college.",
        },
    }
    for agency_id, sections in expected.items():
        response = admin_client.get(hub_url("agency", agency_id))
        for name, message in sections.items():
            part = section(response, name)
            assert count_shown(part) == 0
            empty = part.xpath('.//*[contains(@class, "hub-empty")]')
            assert [e.text_content().strip() for e in empty] == [thai(app, message)]
            assert not part.xpath(".//table")


def test_a_long_section_shows_the_first_rows_and_links_to_the_filtered_list(
    app, admin_client, records
):
    add_teacher(app, records.agencies["BMA"], 99, "คนอื่น")
    names = [f"ครูที่{n:02d}" for n in range(12)]
    for serial, name in enumerate(names, start=1):
        add_teacher(app, records.college, serial, name)
    response = admin_client.get(hub_url("agency", records.college))
    teachers = section(response, "teachers")
    assert count_shown(teachers) == 13
    assert len(rows(teachers)) == 10
    url = more_link(teachers)
    assert url and "/admin/teacher/" in url
    # Twice: the list must read its filter again after drawing its filter form.
    for _ in range(2):
        listing = listed(follow(admin_client, url))
        assert all(name in listing for name in names)
        assert "ศานนท์" in listing
        assert "คนอื่น" not in listing


def test_many_sub_agencies_link_to_the_agency_list_filtered_by_parent(app, admin_client, records):
    with app.app_context():
        for n in range(11):
            child = Agency(code=f"SUB-{n:02d}", name_th=f"หน่วยย่อยที่ {n:02d}", kind="bureau")
            child.parent_id = records.college
            db.session.add(child)
        db.session.commit()
    children = section(admin_client.get(hub_url("agency", records.college)), "children")
    assert count_shown(children) == 11 and len(rows(children)) == 10
    for _ in range(2):
        listing = listed(follow(admin_client, more_link(children)))
        assert all(f"SUB-{n:02d}" in listing for n in range(11))
        assert "C5201 " not in listing and "TPQI" not in listing


def test_many_placements_and_mous_link_to_their_lists_filtered_by_the_agency(
    app, admin_client, records
):
    teachers = [add_teacher(app, records.college, n, f"ผู้ฝึก{n:02d}") for n in range(1, 12)]
    for n, teacher_id in enumerate(teachers, start=1):
        add_placement(app, records, teacher_id)
        add_mou(app, f"MOU-L{n:02d}", [records.college, records.host], TODAY, None)
    bma, tpqi = records.agencies["BMA"], records.agencies["TPQI"]
    elsewhere = add_teacher(app, bma, 50, "ต่างถิ่น")
    add_placement(app, records, elsewhere, host_id=tpqi, college_id=bma)
    add_mou(app, "MOU-ELSEWHERE", [bma, tpqi], TODAY, None)
    placements = [f"ผู้ฝึก{n:02d}" for n in range(1, 12)]
    mous = [f"MOU-L{n:02d}" for n in range(1, 12)]

    college = admin_client.get(hub_url("agency", records.college))
    host = admin_client.get(hub_url("agency", records.host))
    for response, name, expected, outsider in (
        (college, "sent", placements, "ต่างถิ่น"),
        (host, "hosted", placements, "ต่างถิ่น"),
        (college, "mous", mous, "MOU-ELSEWHERE"),
    ):
        part = section(response, name)
        assert count_shown(part) == 11 and len(rows(part)) == 10
        url = more_link(part)
        assert url, f"no link to the full list under {name!r}"
        for _ in range(2):
            listing = listed(follow(admin_client, url))
            assert all(text in listing for text in expected)
            assert outsider not in listing


def test_a_viewer_sees_masked_national_ids(app, records):
    url = hub_url("agency", records.college)
    full, masked = format_national_id(TEACHER_NID), mask_national_id(TEACHER_NID)
    for role, sees in (("viewer", False), ("editor", True)):
        client = role_client(app, role)
        for response in (client.get(url), client.get(hub_url("teacher", records.teacher))):
            html = response.get_data(as_text=True)
            assert (full in html) is sees
            assert (masked in html) is not sees
            if not sees:
                assert TEACHER_NID not in html
        teachers = section(client.get(url), "teachers")
        assert rows(teachers)[0][0] == (full if sees else masked)


def test_a_missing_or_mistyped_id_is_not_an_error(admin_client, records):
    for value in ("999999", "abc", "", "99999999999999999999999"):
        for kind in ("agency", "teacher"):
            assert admin_client.get(hub_url(kind, value)).status_code in (302, 404)
        assert admin_client.get(f"/admin/teacher/record/?id={value}").status_code == 404


def test_the_page_asks_the_database_the_same_number_of_times_for_one_row_or_many(
    app, admin_client, records, hub
):
    def statements(url):
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert admin_client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    college, host = hub_url("agency", records.college), hub_url("agency", records.host)
    before = statements(college), statements(host)
    for n in range(1, 8):
        teacher = add_teacher(app, records.college, n, f"ครู{n}")
        add_placement(app, records, teacher)
        add_mou(app, f"MOU-N{n}", [records.college, records.host], TODAY, None)
    assert (statements(college), statements(host)) == before


# --------------------------------------------------------------------------- a teacher


@pytest.fixture
def teacher_record(app, records, hub):
    """The fixture teacher's units (one earned by the placement), certificate and training."""
    with app.app_context():
        first, second = records.units
        db.session.add_all(
            [
                TeacherUnit(
                    teacher_id=records.teacher,
                    unit_id=first,
                    achieved_on=dt.date(2025, 3, 20),
                    source="placement",
                    placement_id=hub.placement,
                ),
                TeacherUnit(
                    teacher_id=records.teacher,
                    unit_id=second,
                    achieved_on=dt.date(2024, 8, 1),
                    source="test",
                    evidence="ผลการทดสอบ สคช.",
                ),
                TeacherCertificate(
                    teacher_id=records.teacher,
                    qualification_id=records.qualification,
                    certificate_no="TPQI-68-000123",
                    issued_on=dt.date(2025, 2, 1),
                    expires_on=dt.date(2030, 2, 1),
                ),
            ]
        )
        training = Training(
            title="ระบบแบตเตอรี่ยานยนต์ไฟฟ้า",
            start_on=dt.date(2025, 5, 12),
            end_on=dt.date(2025, 5, 14),
        )
        training.attendances = [TrainingAttendance(teacher_id=records.teacher, completed=True)]
        db.session.add(training)
        db.session.commit()
        return SimpleNamespace(training=training.id)


def test_a_teacher_page_lists_units_certificates_placements_and_trainings(
    app, admin_client, records, hub, teacher_record
):
    response = admin_client.get(hub_url("teacher", records.teacher))
    assert response.status_code == 200
    with app.app_context():
        codes = {u.id: u.code for u in db.session.scalars(select(CompetencyUnit))}
        qualification = db.session.get(Qualification, records.qualification).title
    first, second = records.units

    units = section(response, "units")
    assert rows(units) == [
        [
            codes[second],
            "ติดตั้งระบบเครือข่าย",
            format_be(dt.date(2024, 8, 1)),
            thai(app, "Competency test"),
            "ผลการทดสอบ สคช.",
        ],
        [
            codes[first],
            "ตรวจสอบระบบเครื่องยนต์",
            format_be(dt.date(2025, 3, 20)),
            thai(app, "Industry placement"),
            f"{thai(app, 'Placement')}: ปีงบประมาณ 2568, บริษัท ช่างไทย จำกัด",
        ],
    ]
    evidence = units.xpath('.//a[contains(@class, "hub-evidence")]/@href')
    assert evidence == [f"/admin/placement/details/?id={hub.placement}"]

    certificates = section(response, "certificates")
    assert rows(certificates) == [
        [
            "TPQI-68-000123",
            f"{qualification} Q-AUTO-3",
            format_be(dt.date(2025, 2, 1)),
            format_be(dt.date(2030, 2, 1)),
        ]
    ]
    placements = section(response, "placements")
    assert rows(placements) == [
        ["2568", "บริษัท ช่างไทย จำกัด", thai(app, "In placement"), thai(app, "View")]
    ]
    assert f"/admin/placement/details/?id={hub.placement}" in links(placements)
    trainings = section(response, "trainings")
    assert rows(trainings) == [
        [
            "ระบบแบตเตอรี่ยานยนต์ไฟฟ้า",
            f"{format_be(dt.date(2025, 5, 12))} – {format_be(dt.date(2025, 5, 14))}",
            thai(app, "Yes"),
        ]
    ]
    assert links(trainings) == [f"/admin/training/details/?id={teacher_record.training}"]

    for name in ("units", "certificates", "placements", "trainings"):
        for url in links(section(response, name)):
            assert follow(admin_client, url).status_code == 200, url
    # The change history stays under the fields.
    assert page(response).xpath('//*[@id="history-heading"]')


def test_a_teacher_without_records_sees_muted_lines(app, admin_client, records):
    response = admin_client.get(hub_url("teacher", records.teacher))
    for name, message in (
        ("units", "No unit of competence is recorded for this teacher."),
        ("certificates", "No qualification certificate is recorded for this teacher."),
        ("placements", "This teacher has not applied for a placement."),
        ("trainings", "This teacher has attended no training."),
    ):
        empty = section(response, name).xpath('.//*[contains(@class, "hub-empty")]')
        assert [e.text_content().strip() for e in empty] == [thai(app, message)]


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_the_print_button_gives_this_teachers_competency_record_as_pdf(
    app, records, hub, teacher_record, role
):
    other = add_teacher(app, records.college, 7, "อีกคน")
    client = role_client(app, role)
    response = client.get(hub_url("teacher", records.teacher))
    button = page(response).xpath('//a[@id="hub-print"]')
    assert button and button[0].text_content().strip() == thai(app, "Print competency record (PDF)")
    url = button[0].get("href")
    # The link names the record, never the national ID.
    assert TEACHER_NID not in url

    pdf = follow(client, url)
    assert pdf.status_code == 200
    assert pdf.content_type == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    text = pdftotext(pdf.data)
    assert "ศานนท์" in text and "ใจดี" in text
    assert "TPQI-68-000123" in text
    assert "อีกคน" not in text
    masked = mask_national_id(TEACHER_NID)
    assert (masked in text) is (role == "viewer")
    assert other

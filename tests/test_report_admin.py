"""รายงาน in the admin: the list, each report's form, and the PDF and XLSX it sends."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from helpers import TEACHER_NID, page, text_of
from sqlalchemy import select

from models import Agency, Mou, MouParty, PlacementRound, Qualification, Teacher, db
from reports import REPORTS
from thai.nid import format_national_id, make_national_id, mask_national_id

ROLES = ("viewer", "editor", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A national ID whose last digit is not its check digit.
WRONG_CHECK_DIGIT = TEACHER_NID[:-1] + str((int(TEACHER_NID[-1]) + 1) % 10)


@pytest.fixture
def data(app, reference):
    """An MOU, a teacher, a qualification and a later placement round to print."""
    with app.app_context():
        college = db.session.scalar(select(Agency).where(Agency.code == "C5201"))
        tpqi = db.session.scalar(select(Agency).where(Agency.code == "TPQI"))
        mou = Mou(
            ref_no="MOU-2568-001",
            title="ความร่วมมือพัฒนาครูช่างยนต์",
            signed_on=dt.date(2024, 10, 1),
            expires_on=dt.date(2099, 9, 30),
        )
        mou.parties = [MouParty(agency=college), MouParty(agency=tpqi)]
        teacher = Teacher(
            national_id=TEACHER_NID,
            prefix="นาย",
            first_name="ศานนท์",
            last_name="ใจดี",
            college=college,
        )
        later = PlacementRound(
            fiscal_year=2569,
            title="การฝึกประสบการณ์ของครู ปีงบประมาณ 2569",
            application_deadline=dt.date(2026, 1, 31),
        )
        qualification = Qualification(code="Q-AUTO-3", title="ช่างซ่อมรถยนต์", level=3)
        db.session.add_all([mou, teacher, later, qualification])
        db.session.commit()


def client_of(request, role):
    return request.getfixturevalue(f"{role}_client")


def xlsx_text(content):
    """Return every cell of a workbook as one text, as a reader would search it."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


def download(client, url, fmt, **filters):
    return client.get(url, query_string={**filters, "format": fmt})


def selected(response, name):
    """Return the value a browser would send for a select or a text box."""
    return page(response).xpath(f'//*[@name="{name}"]')[0].value


def test_anonymous_is_sent_to_log_in(client):
    for url in ("/admin/reports/", "/admin/reports/mous/", "/admin/reports/mous/?format=pdf"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]


def test_index_lists_every_report_with_a_link(viewer_client):
    response = viewer_client.get("/admin/reports/")
    assert response.status_code == 200
    text = text_of(response)
    links = page(response).xpath('//div[@id="reports"]/a/@href')
    assert links == [f"/admin/reports/{name}/" for name in REPORTS]
    assert len(links) == 6
    for definition in REPORTS.values():
        assert str(definition.title) in text
        assert str(definition.description) in text


def test_menu_has_reports_after_scholarships_with_every_report(admin_client):
    tree = page(admin_client.get("/admin/"))
    categories = [
        " ".join(a.text_content().split())
        for a in tree.xpath('(//ul[contains(@class, "navbar-nav")])[1]/li/a')
    ]
    assert categories.index("ทุนการศึกษา") + 1 == categories.index("รายงาน")
    assert categories.index("รายงาน") + 1 == categories.index("นำเข้าข้อมูล")
    menu = tree.xpath('//li[a[normalize-space()="รายงาน"]]/ul')[0]
    entries = [" ".join(a.text_content().split()) for a in menu.xpath(".//a")]
    # Every printed report, then the on-screen targets and allocations they print.
    assert entries == ["ทุกรายงาน", *(str(d.title) for d in REPORTS.values()), "เป้าหมายและการจัดสรร"]


@pytest.mark.parametrize("name", list(REPORTS))
def test_report_page_shows_its_filters_and_buttons(viewer_client, reference, name):
    response = viewer_client.get(f"/admin/reports/{name}/")
    assert response.status_code == 200
    tree = page(response)
    labels = [" ".join(label.text_content().split()) for label in tree.xpath("//form//label")]
    for filter_ in REPORTS[name].filters:
        assert str(filter_.label) + ("*" if filter_.required else "") in labels
        assert tree.xpath(f'//form[@id="report-form"]//*[@name="{filter_.name}"]')
    assert "ตัวเลขไทย (๑๒๓)" in labels
    form = tree.xpath('//form[@id="report-form"]')[0]
    assert form.get("method") == "get"
    buttons = {b.get("value"): " ".join(b.text_content().split()) for b in form.xpath(".//button")}
    assert buttons == {"pdf": "พิมพ์ PDF", "xlsx": "ดาวน์โหลด XLSX"}


def test_optional_selects_offer_all_and_years_default_to_the_newest(viewer_client, data):
    response = viewer_client.get("/admin/reports/placements/")
    tree = page(response)
    years = tree.xpath('//select[@name="fiscal_year"]/option/@value')
    assert years == ["2569", "2568"]
    assert tree.xpath('//select[@name="fiscal_year"]/option[@selected]/@value') == ["2569"]
    region = tree.xpath('//select[@name="region"]/option')
    assert (region[0].get("value"), region[0].text) == ("", "ทั้งหมด")
    # A college is typed: the help says how.
    assert tree.xpath('//*[@id="college-help"]/text()') == ["รหัสหรือชื่อสถานศึกษา เช่น C5201"]


def test_a_typed_year_starts_at_the_current_one(viewer_client, reference, monkeypatch):
    monkeypatch.setattr("models.today", lambda: dt.date(2025, 6, 1))
    response = viewer_client.get("/admin/reports/scholarships/")
    assert selected(response, "academic_year") == "2568"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_downloads_a_pdf_and_an_xlsx(request, data, role, monkeypatch):
    monkeypatch.setattr("models.today", lambda: dt.date(2025, 11, 23))
    client = client_of(request, role)
    url = "/admin/reports/mous/"
    pdf = download(client, url, "pdf", partner="TPQI", thai_digits="y")
    assert pdf.status_code == 200
    assert pdf.content_type == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == "attachment; filename=mous-2568-11-23.pdf"

    sheet = download(client, url, "xlsx", partner="TPQI")
    assert sheet.status_code == 200
    assert sheet.content_type == XLSX
    assert sheet.headers["Content-Disposition"] == "attachment; filename=mous-2568-11-23.xlsx"
    text = xlsx_text(sheet.data)
    assert "MOU-2568-001" in text
    assert "ความร่วมมือพัฒนาครูช่างยนต์" in text


def test_every_report_prints_with_its_default_filters(editor_client, data):
    """Each report's form, sent as the page fills it in (plus whom or what), gives a PDF."""
    for name in REPORTS:
        form = editor_client.get(f"/admin/reports/{name}/")
        fields = page(form).xpath('//form[@id="report-form"]//*[self::select or self::input]/@name')
        values = {field: selected(form, field) for field in fields if field != "thai_digits"}
        if name == "teacher":
            values["teacher"] = format_national_id(TEACHER_NID)
        if name == "alignment":
            values["qualification"] = "Q-AUTO-3"
        response = download(editor_client, f"/admin/reports/{name}/", "pdf", **values)
        assert response.status_code == 200, (name, text_of(response))
        assert response.data.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("name", "filters", "message"),
    [
        ("mous", {"province": "เมืองลับแล"}, 'ไม่พบจังหวัด "เมืองลับแล"'),
        ("placements", {"fiscal_year": "abc"}, 'ปีงบประมาณ "abc" ไม่ถูกต้อง'),
        ("placements", {"fiscal_year": "2570"}, "ไม่มีรอบการฝึกประสบการณ์ปีงบประมาณ 2570"),
        ("scholarships", {"academic_year": ""}, "ไม่ได้ระบุปีการศึกษา"),
        ("teacher", {"teacher": WRONG_CHECK_DIGIT}, "เลขประจำตัวประชาชน"),
        ("teacher", {"teacher": make_national_id("150990000012")}, "ไม่พบครู"),
        ("alignment", {"curriculum": "", "qualification": ""}, "ให้ระบุหลักสูตรหรือคุณวุฒิวิชาชีพ"),
        ("mous", {"partner": "<script>alert(1)</script>"}, 'ไม่พบหน่วยงาน "<script>'),
        ("mous", {"status": "x" * 5000}, "สถานะ"),
        ("excellence", {"fiscal_year": "'; DROP TABLE mou; --"}, "ปีงบประมาณ"),
    ],
)
def test_a_bad_filter_says_why_in_thai_and_keeps_the_values(
    viewer_client, data, name, filters, message
):
    for fmt in ("pdf", "xlsx"):
        response = download(viewer_client, f"/admin/reports/{name}/", fmt, **filters)
        assert response.status_code == 400
        assert response.content_type.startswith("text/html")
        assert "Content-Disposition" not in response.headers
        error = page(response).xpath('//*[@id="report-error"]')[0]
        assert message in " ".join(error.text_content().split())
        for key, value in filters.items():
            assert selected(response, key) == value


ODD_TEXTS = ("TP\x00QI", "9" * 400, "x'\"<>&", "\u200b2568", "-1", "๒๕๖๘", "   ")
EVERY_FILTER = [(name, f.name) for name, d in REPORTS.items() for f in d.filters]


@pytest.mark.parametrize(("name", "field"), EVERY_FILTER)
def test_nothing_typed_in_a_filter_breaks_the_page(viewer_client, data, name, field):
    url = f"/admin/reports/{name}/"
    for text in ODD_TEXTS:
        response = download(viewer_client, url, "pdf", **{field: text})
        assert response.status_code in (200, 400), text
    # Bytes that are not UTF-8 at all.
    assert viewer_client.get(f"{url}?{field}=%ff%00&format=xlsx").status_code in (200, 400)


def test_teacher_record_masks_the_national_id_for_a_viewer_only(request, data):
    full = format_national_id(TEACHER_NID)
    masked = mask_national_id(TEACHER_NID)
    url = "/admin/reports/teacher/"
    for role, sees in (("viewer", False), ("admin", True)):
        client = client_of(request, role)
        response = download(client, url, "xlsx", teacher=TEACHER_NID)
        assert response.status_code == 200
        text = xlsx_text(response.data)
        assert "ศานนท์" in text
        digits = re.sub(r"\D", "", text)
        assert (full in text) is sees
        assert (TEACHER_NID in digits) is sees
        assert (masked in text) is not sees


def test_unknown_report_is_not_found(viewer_client):
    assert viewer_client.get("/admin/reports/nothing/").status_code == 404
    assert viewer_client.get("/admin/reports/nothing/?format=pdf").status_code == 404


def test_an_unknown_format_shows_the_form(viewer_client, data):
    response = viewer_client.get("/admin/reports/mous/?format=doc")
    assert response.status_code == 200
    assert "Content-Disposition" not in response.headers
    assert page(response).xpath('//form[@id="report-form"]')

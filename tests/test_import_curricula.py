"""Importing curricula (keyed by code) and their alignment to units of competence."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from helpers import SAMPLES, THAI, count
from sqlalchemy import select

from importers import import_file
from models import Agency, CompetencyUnit, Curriculum, CurriculumUnit, db

HEADER = "รหัสหลักสูตร,ชื่อหลักสูตร,หน่วยงานเจ้าของ,ประเภท,ระดับ,สาขาวิชา,จำนวนชั่วโมง"
CURRICULA = [
    "TD-AUTO-01,การบำรุงรักษารถยนต์ไฟฟ้าสำหรับครู,BPCD,หลักสูตรพัฒนาครู,"
    "หลักสูตรระยะสั้นและการศึกษาตลอดชีวิต,ยานยนต์สมัยใหม่,30",
    "VC-62-AUTO,ช่างยนต์,สอศ.,ปวช. 2562,มัธยมศึกษาตอนปลาย/ปวช.,ช่างยนต์,๓๖๐๐",
    "HV-63-ICT,เทคโนโลยีสารสนเทศ,สำนักงานคณะกรรมการการอาชีวศึกษา,"
    "หลักสูตรประกาศนียบัตรวิชาชีพชั้นสูง พุทธศักราช 2563,ปวส./อนุปริญญา,เทคโนโลยีสารสนเทศ,",
    "BMA-TS-COOK,การประกอบอาหารไทย,กทม.,หลักสูตรโรงเรียนฝึกอาชีพ,,อาหาร,60",
    "SC-BAD-1,หลักสูตรของหน่วยงานที่ไม่มี,สถาบันที่ไม่มีจริง,หลักสูตรระยะสั้น,,,12",
    "SC-BAD-2,หลักสูตรประเภทผิด,OVEC,ปริญญาตรี,ประถมศึกษา,,สามสิบ",
    "SC-BAD-3,,OVEC,,,,",
]
ALIGNMENT_HEADER = "รหัสหลักสูตร,รหัสหน่วยสมรรถนะ,การเทียบเคียง,หมายเหตุ"
ALIGNMENT = [
    "TD-AUTO-01,AUT-MEC-4-220B,เต็ม,",
    "TD-AUTO-01,DG-WPJL-028,บางส่วน,สอนเฉพาะการใช้ซอฟต์แวร์",
    "td-auto-01,ecm-zzz-5-011za,Full,",
    "HV-63-ICT,ICT-QLIP-401B,partial,",
    "NO-SUCH-CURRICULUM,ICT-QLIP-401B,เต็ม,",
    "HV-63-ICT,NO-SUCH-UNIT,เต็ม,",
    "HV-63-ICT,DG-WPJL-028,ครึ่งหนึ่ง,",
    "TD-AUTO-01,AUT-MEC-4-220B,บางส่วน,",
    "HV-63-ICT,TOU-HTL-3-102A,,",
]


def csv_file(header: str, lines: list[str]) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def import_curricula(lines=CURRICULA, **options):
    return import_file("curricula", csv_file(HEADER, lines), "curricula.csv", db.session, **options)


def import_alignment(lines=ALIGNMENT, **options):
    content = csv_file(ALIGNMENT_HEADER, lines)
    return import_file("alignment", content, "alignment.csv", db.session, **options)


def curriculum(code: str) -> Curriculum | None:
    return db.session.scalar(select(Curriculum).where(Curriculum.code == code))


def agency_id(code: str) -> int:
    return db.session.scalar(select(Agency.id).where(Agency.code == code))


def coverage_of(code: str) -> dict[str, str]:
    return {link.unit.code: link.coverage for link in curriculum(code).alignments}


def problems_by_row(result) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for problem in result.problems:
        found.setdefault(problem.row, set()).add(problem.column)
    return found


@pytest.fixture
def aligned(app, reference):
    """The reference data, the standards sample and the valid curricula."""
    with app.app_context():
        content = (SAMPLES / "standards_tpqi.xlsx").read_bytes()
        import_file("standards", content, "standards_tpqi.xlsx", db.session, skip_invalid=True)
        assert import_curricula(skip_invalid=True).written
    return app


# --------------------------------------------------------------------------- curricula


def test_bad_curriculum_rows_are_rejected_and_nothing_is_written(app, reference):
    with app.app_context():
        result = import_curricula()
    assert not result.written
    assert result.counts == {"new": 4, "updated": 0, "unchanged": 0, "rejected": 3}
    assert problems_by_row(result) == {
        6: {"หน่วยงานเจ้าของ"},
        7: {"ประเภท", "ระดับ", "จำนวนชั่วโมง"},
        8: {"ชื่อหลักสูตร", "ประเภท"},
    }
    for problem in result.problems:
        assert problem.column in HEADER.split(",")
        assert THAI.search(problem.message)
    messages = {(p.row, p.column): p.message for p in result.problems}
    assert '"สถาบันที่ไม่มีจริง"' in messages[6, "หน่วยงานเจ้าของ"]
    assert '"ปริญญาตรี"' in messages[7, "ประเภท"]
    assert "หลักสูตรพัฒนาครู" in messages[7, "ประเภท"]  # says what is allowed
    assert "ปวส./อนุปริญญา" in messages[7, "ระดับ"]
    assert messages[8, "ชื่อหลักสูตร"] == "ไม่ได้ระบุชื่อหลักสูตร"
    assert count(app, Curriculum) == 0


def test_skip_invalid_writes_the_valid_curricula_with_their_values(app, reference):
    agencies_before = count(app, Agency)
    with app.app_context():
        assert import_curricula(skip_invalid=True).written
        teacher = curriculum("TD-AUTO-01")
        assert teacher.title == "การบำรุงรักษารถยนต์ไฟฟ้าสำหรับครู"
        assert teacher.owner_id == agency_id("BPCD")
        assert (teacher.kind, teacher.level_group) == ("teacher_development", "short_lifelong")
        assert (teacher.field, teacher.hours, teacher.edition_year) == ("ยานยนต์สมัยใหม่", 30, None)
        vocational = curriculum("VC-62-AUTO")
        assert vocational.owner_id == agency_id("OVEC")  # by abbreviation
        assert (vocational.kind, vocational.edition_year) == ("vocational_certificate", 2562)
        assert (vocational.level_group, vocational.hours) == ("upper_secondary", 3600)
        higher = curriculum("HV-63-ICT")
        assert (higher.kind, higher.edition_year) == ("higher_vocational", 2563)
        assert (higher.level_group, higher.hours) == ("associate", None)
        course = curriculum("BMA-TS-COOK")
        assert (course.kind, course.owner_id) == ("training_school", agency_id("BMA"))
        assert course.level_group is None
        assert curriculum("SC-BAD-1") is None
    assert count(app, Curriculum) == 4
    assert count(app, Agency) == agencies_before


def test_reimporting_curricula_leaves_them_unchanged(app, reference):
    with app.app_context():
        import_curricula(skip_invalid=True)
        result = import_curricula(skip_invalid=True)
    assert result.counts == {"new": 0, "updated": 0, "unchanged": 4, "rejected": 3}


def test_a_curricula_dry_run_writes_nothing(app, reference):
    with app.app_context():
        result = import_curricula(skip_invalid=True, dry_run=True)
    assert result.counts["new"] == 4
    assert count(app, Curriculum) == 0


def test_a_changed_curriculum_cell_is_an_update_and_blanks_keep_values(app, reference):
    with app.app_context():
        import_curricula(skip_invalid=True)
        line = "TD-AUTO-01,การบำรุงรักษารถยนต์ไฟฟ้าสำหรับครู,BPCD,หลักสูตรพัฒนาครู,,,45"
        (row,) = import_curricula([line]).rows
        assert row.outcome == "updated"
        assert row.changes == {"hours": (30, 45)}
        stored = curriculum("TD-AUTO-01")
        assert stored.hours == 45
        assert stored.level_group == "short_lifelong"
        assert stored.field == "ยานยนต์สมัยใหม่"


def test_a_workbook_with_english_headers_labels_and_a_totals_row(app, reference):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Curricula")
    sheet.write_row(0, 0, ["Curricula of the Bureau, FY2568"])
    sheet.write_row(2, 0, ["code", "title", "owner", "kind", "level", "field", "hours"])
    sheet.write_row(3, 0, ["SC-01", "Drone basics", "TPQI", "Short course", "Lifelong learning"])
    sheet.write_row(4, 0, ["SC-02", "Welding", "EEF", "por wor sor", "associate degree", "", -5])
    sheet.write_row(5, 0, ["SC-01", "Drone basics again", "TPQI", "short course"])
    sheet.write_row(6, 0, ["Total", 2])
    book.close()
    with app.app_context():
        result = import_file("curricula", buffer.getvalue(), "c.xlsx", db.session)
    assert [(p.row, p.column) for p in result.problems] == [(5, "hours"), (6, "code")]
    assert all(THAI.search(p.message) for p in result.problems)
    assert result.rows[0].values["kind"] == "short_course"
    assert result.rows[0].values["level_group"] == "short_lifelong"


# --------------------------------------------------------------------------- alignment


def test_bad_alignment_rows_are_rejected_and_nothing_is_written(aligned):
    with aligned.app_context():
        result = import_alignment()
    assert not result.written
    assert result.counts == {"new": 4, "updated": 0, "unchanged": 0, "rejected": 5}
    assert problems_by_row(result) == {
        6: {"รหัสหลักสูตร"},
        7: {"รหัสหน่วยสมรรถนะ"},
        8: {"การเทียบเคียง"},
        9: {"รหัสหน่วยสมรรถนะ"},
        10: {"การเทียบเคียง"},
    }
    messages = {p.row: p.message for p in result.problems}
    assert '"NO-SUCH-CURRICULUM"' in messages[6]
    assert '"NO-SUCH-UNIT"' in messages[7]
    assert '"ครึ่งหนึ่ง"' in messages[8] and "บางส่วน" in messages[8]
    assert "แถวที่ 2" in messages[9]
    assert messages[10] == "ไม่ได้ระบุการเทียบเคียง"
    assert all(THAI.search(p.message) for p in result.problems)
    assert count(aligned, CurriculumUnit) == 0


def test_skip_invalid_writes_the_valid_alignment_rows(aligned):
    units_before = count(aligned, CompetencyUnit)
    with aligned.app_context():
        assert import_alignment(skip_invalid=True).written
        # Codes written in another case still find the stored curriculum and unit.
        assert coverage_of("TD-AUTO-01") == {
            "AUT-MEC-4-220B": "full",
            "DG-WPJL-028": "partial",
            "ECM-ZZZ-5-011ZA": "full",
        }
        assert coverage_of("HV-63-ICT") == {"ICT-QLIP-401B": "partial"}
        notes = {link.unit.code: link.notes for link in curriculum("TD-AUTO-01").alignments}
        assert notes["DG-WPJL-028"] == "สอนเฉพาะการใช้ซอฟต์แวร์"
    assert count(aligned, CompetencyUnit) == units_before
    assert count(aligned, Curriculum) == 4


def test_reimporting_alignment_leaves_it_unchanged(aligned):
    with aligned.app_context():
        import_alignment(skip_invalid=True)
        result = import_alignment(skip_invalid=True)
    assert result.counts == {"new": 0, "updated": 0, "unchanged": 4, "rejected": 5}


def test_an_alignment_dry_run_writes_nothing(aligned):
    with aligned.app_context():
        result = import_alignment(skip_invalid=True, dry_run=True)
    assert result.counts["new"] == 4
    assert count(aligned, CurriculumUnit) == 0


def test_a_changed_coverage_is_an_update(aligned):
    with aligned.app_context():
        import_alignment(skip_invalid=True)
        (row,) = import_alignment(["HV-63-ICT,ICT-QLIP-401B,เต็ม,"]).rows
        assert row.outcome == "updated"
        assert row.changes == {"coverage": ("partial", "full")}
        assert coverage_of("HV-63-ICT") == {"ICT-QLIP-401B": "full"}


def test_alignment_needs_curricula_and_standards_first(app, reference):
    with app.app_context():
        result = import_alignment(ALIGNMENT[:1])
    assert problems_by_row(result) == {2: {"รหัสหลักสูตร", "รหัสหน่วยสมรรถนะ"}}
    assert not result.written

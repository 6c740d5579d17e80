"""Importing placement applications from the online form into a round."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from helpers import SAMPLES, TEACHER_NID, THAI, count
from sqlalchemy import select

from importers import ReadError, import_file
from importers.placements import UnitIndex
from models import Agency, CompetencyUnit, Placement, PlacementRound, Teacher, db
from thai.nid import make_national_id

MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))[
    "placements_form.csv"
]
FORM = (SAMPLES / "placements_form.csv").read_bytes()
FY = MANIFEST["round_fiscal_year"]
LATE_ROWS = [7, 19]  # stamped 1/3/2568 and 28/2/2568; three rows on 27/2/2568 are on time
HEADER = (
    "ประทับเวลา,ที่อยู่อีเมล,เลขประจำตัวประชาชน,ชื่อ-สกุล,สถานศึกษา,สถานประกอบการ,"
    "จังหวัดของสถานประกอบการ,สมรรถนะที่จะฝึก,วันเริ่มฝึก,วันสิ้นสุดการฝึก,ลิงก์แผนพัฒนา\n"
)
UNKNOWN_NID = make_national_id("310010099999")


def run(content=FORM, filename="placements_form.csv", **options):
    options.setdefault("round", FY)
    return import_file("placements", content, filename, db.session, **options)


@pytest.fixture
def loaded(app, reference):
    """The reference data plus the samples the form refers to (each with its bad row skipped)."""
    with app.app_context():
        for kind, name in (
            ("agencies", "agencies.xlsx"),
            ("teachers", "teachers_roster.xlsx"),
            ("standards", "standards_tpqi.xlsx"),
        ):
            content = (SAMPLES / name).read_bytes()
            assert import_file(kind, content, name, db.session, skip_invalid=True).written
    return app


def placement_of(national_id: str) -> Placement:
    return db.session.scalar(
        select(Placement).join(Placement.teacher).where(Teacher.national_id == national_id)
    )


def agency(code: str) -> Agency:
    return db.session.scalar(select(Agency).where(Agency.code == code))


# --------------------------------------------------------------------------- the sample


def test_sample_rejects_the_manifest_rows_and_writes_nothing_by_default(loaded):
    with loaded.app_context():
        result = run()
        assert len(result.rows) == MANIFEST["data_rows"]
        rejected = sorted({problem.row for problem in result.problems})
        assert rejected == MANIFEST["rejected_rows"]
        assert result.counts == {"new": 40, "updated": 0, "unchanged": 0, "rejected": 1}
        assert not result.written
        assert count(loaded, Placement) == 0


def test_each_problem_names_the_row_the_header_as_written_and_a_thai_message(loaded):
    header = FORM.decode("utf-8-sig").splitlines()[0].split(",")
    with loaded.app_context():
        problems = run().problems
    assert problems
    for problem in problems:
        assert problem.row == 42
        assert problem.column in header
        assert THAI.search(problem.message)
    columns = {problem.column for problem in problems}
    # The ID fails its check digit, the college is unknown, and the end is before the start.
    assert {"เลขประจำตัวประชาชน", "สถานศึกษา", "วันสิ้นสุดการฝึก"} <= columns


def test_late_applications_are_counted_and_flagged(loaded):
    with loaded.app_context():
        result = run()
    assert result.extra["late"] == MANIFEST["late"] == 2
    assert result.as_dict()["late"] == 2
    assert [row.number for row in result.rows if row.flags.get("late")] == LATE_ROWS


def test_skip_invalid_writes_the_valid_rows_with_their_values(loaded):
    with loaded.app_context():
        result = run(skip_invalid=True)
        assert result.written
        assert result.extra["late"] == 2
        assert count(loaded, Placement) == 40
        round_ = db.session.scalar(select(PlacementRound).where(PlacementRound.fiscal_year == FY))
        assert round_.application_deadline.isoformat() == MANIFEST["deadline"]

        first = placement_of("3879217421801")  # row 2
        assert first.round_id == round_.id
        assert first.teacher.first_name == "วิชรุติ"
        assert first.teacher.last_name == "ณ อยุธยา"
        assert first.host.code == "E0003"  # โรงแรมลำปางริเวอร์ไซด์
        assert first.college.name_th == "วิทยาลัยเทคนิคอุดรธานี"
        assert sorted(unit.code for unit in first.units) == ["AUT-MEC-4-220B", "PRT-PRS-4-255ZB"]
        assert first.planned_start == dt.date(2025, 3, 8)
        assert first.planned_end == dt.date(2025, 4, 11)
        assert first.plan_url == "https://drive.google.com/open?id=PLAN0000"
        assert first.applied_at == dt.datetime(2025, 2, 26, 20, 59, 59)
        assert first.applicant_email == "p0@example.ac.th"
        assert first.status == "applied"
        assert not first.is_late

        late = placement_of("3899143301468")  # row 7
        assert late.applied_at == dt.datetime(2025, 3, 1, 10, 59, 59)
        assert late.is_late
        assert late.host.code == "E0002"
        assert sorted(unit.code for unit in late.units) == ["DG-WPJL-028", "PRT-PRS-4-255ZB"]

        on_deadline = placement_of("3681809608081")  # row 15, 27/2/2568 07:59:59
        assert not on_deadline.is_late
        assert on_deadline.host.code == "E0002"
        assert on_deadline.college.code == "C3001"

        last = placement_of("5185886605045")  # row 41
        assert last.host.code == "E0006"  # การไฟฟ้าส่วนภูมิภาค เขต 1 (ภาคเหนือ)
        assert (last.planned_start, last.planned_end) == (
            dt.date(2025, 3, 20),
            dt.date(2025, 4, 17),
        )
        assert sum(1 for p in db.session.scalars(select(Placement)) if p.is_late) == 2


def test_reimport_leaves_everything_unchanged(loaded):
    with loaded.app_context():
        run(skip_invalid=True)
        again = run(skip_invalid=True)
        assert again.counts == {"new": 0, "updated": 0, "unchanged": 40, "rejected": 1}
        assert again.extra["late"] == 2
        assert count(loaded, Placement) == 40


def test_dry_run_writes_nothing(loaded):
    with loaded.app_context():
        result = run(skip_invalid=True, dry_run=True)
        assert result.counts["new"] == 40
        assert result.extra["late"] == 2
        assert count(loaded, Placement) == 0


@pytest.mark.parametrize(
    "options", [{"round": None}, {"round": ""}, {"round": 2599}, {"round": "x"}]
)
def test_a_missing_or_unknown_round_is_a_read_error(loaded, options):
    with loaded.app_context():
        with pytest.raises(ReadError) as caught:
            run(skip_invalid=True, **options)
        assert THAI.search(str(caught.value))
        assert "ปีงบประมาณ" in str(caught.value)
        assert count(loaded, Placement) == 0


def test_the_round_may_be_given_as_text(loaded):
    with loaded.app_context():
        assert run(skip_invalid=True, round="2568").counts["new"] == 40


# --------------------------------------------------------------------------- single rows


def form(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def row(
    nid=TEACHER_NID,
    name="นายศานนท์ ใจดี",
    college="วิทยาลัยสารพัดช่างลำปาง",
    host="บริษัท ช่างไทย จำกัด",
    province="",
    units="ECM-ZZZ-5-011ZA ตรวจสอบระบบเครื่องยนต์",
    start="03/03/2568",
    end="30/04/2568",
    stamp="20/2/2568, 10:00:00",
    url="https://example.com/plan.pdf",
) -> str:
    cells = [f'"{stamp}"', "t@example.ac.th", nid, name, college, host, province, f'"{units}"']
    return ",".join([*cells, start, end, url])


def problems_of(result) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in result.problems]


@pytest.mark.parametrize(
    ("cells", "header", "fragment"),
    [
        ({"nid": UNKNOWN_NID}, "เลขประจำตัวประชาชน", "ไม่พบครู"),
        ({"host": "บริษัทที่ไม่มีจริง"}, "สถานประกอบการ", "บริษัทที่ไม่มีจริง"),
        ({"college": "วิทยาลัยที่ไม่มี"}, "สถานศึกษา", "วิทยาลัยที่ไม่มี"),
        (
            {"units": "ECM-ZZZ-5-011ZA ตรวจสอบระบบเครื่องยนต์, XYZ-999 ไม่มีหน่วยนี้"},
            "สมรรถนะที่จะฝึก",
            '"XYZ-999"',
        ),
        ({"units": "ฝึกอะไรก็ได้"}, "สมรรถนะที่จะฝึก", "ฝึกอะไรก็ได้"),
        ({"province": "จังหวัดไม่มีจริง"}, "จังหวัดของสถานประกอบการ", "จังหวัดไม่มีจริง"),
        ({"end": "01/03/2568"}, "วันสิ้นสุดการฝึก", "ต้องไม่ก่อนวันเริ่มฝึก"),
        ({"url": "drive.google.com/x"}, "ลิงก์แผนพัฒนา", "https://"),
        ({"stamp": "ไม่ใช่วันที่"}, "ประทับเวลา", ""),
    ],
)
def test_a_bad_cell_rejects_the_row(records, app, cells, header, fragment):
    with app.app_context():
        result = run(form(row(**cells)), "form.csv")
        assert count(app, Placement) == 0
    ((number, column, message),) = problems_of(result)
    assert (number, column) == (2, header)
    assert fragment in message
    assert THAI.search(message)
    assert result.count("rejected") == 1


def test_required_values_are_asked_for(records, app):
    with app.app_context():
        result = run(form(row(host="", units="")), "form.csv")
    assert [(r, c) for r, c, _m in problems_of(result)] == [
        (2, "สถานประกอบการ"),
        (2, "สมรรถนะที่จะฝึก"),
    ]


def test_blank_college_is_the_teachers_and_a_different_name_is_only_noted(records, app):
    content = form(row(name="นางสาวชื่ออื่น นามสกุลอื่น", college="", province="ลำปาง"))
    with app.app_context():
        result = run(content, "form.csv")
        assert result.counts["new"] == 1
        (only,) = result.rows
        assert only.flags["name_mismatch"] == "ศานนท์ ใจดี"
        # The test host has no province stored: nothing to compare against.
        assert "province_mismatch" not in only.flags
        placement = db.session.get(Placement, db.session.scalar(select(Placement.id)))
        assert placement.college_id == records.college
        assert placement.host_id == records.host
        assert placement.teacher_id == records.teacher
        assert placement.round_id == records.round


def test_a_host_province_that_differs_is_noted_not_refused(records, app):
    with app.app_context():
        agency("EST-001").province_id = agency("C5201").province_id  # Lampang
        db.session.commit()
        result = run(form(row(province="ชลบุรี")), "form.csv")
    assert result.counts["new"] == 1
    assert result.rows[0].flags["province_mismatch"] is True


def test_units_by_code_title_or_with_commas_in_titles(records, app):
    with app.app_context():
        db.session.add(CompetencyUnit(code="10201", title="วางแผน, ติดตั้ง และทดสอบ"))
        db.session.commit()
        units = UnitIndex.load(db.session)
        ids = {unit.code: unit.id for unit in db.session.scalars(select(CompetencyUnit))}
    assert units.parse("10201 วางแผน, ติดตั้ง และทดสอบ, ICT-QLIP-401B ติดตั้งระบบเครือข่าย") == (
        [ids["10201"], ids["ICT-QLIP-401B"]],
        [],
    )
    assert units.parse("ตรวจสอบระบบเครื่องยนต์\nติดตั้งระบบเครือข่าย (ICT-QLIP-401B)") == (
        [ids["ECM-ZZZ-5-011ZA"], ids["ICT-QLIP-401B"]],
        [],
    )
    assert units.parse("ecm-zzz-5-011za; ECM-ZZZ-5-011ZA") == ([ids["ECM-ZZZ-5-011ZA"]], [])
    found, messages = units.parse("ICT-QLIP-401B ติดตั้งระบบเครือข่าย, ไม่ใช่ส่วนของชื่อ")
    assert found == [ids["ICT-QLIP-401B"]]
    assert len(messages) == 1 and "ไม่ใช่ส่วนของชื่อ" in messages[0]


def test_a_changed_application_updates_and_keeps_the_step(records, app):
    with app.app_context():
        run(form(row()), "form.csv")
        placement = db.session.scalar(select(Placement))
        placement.status = "eligible"
        db.session.commit()
        result = run(
            form(row(units="ICT-QLIP-401B ติดตั้งระบบเครือข่าย", end="15/05/2568", college="")),
            "form.csv",
        )
        assert result.counts["updated"] == 1
        assert set(result.rows[0].changes) == {"unit_ids", "planned_end"}
        db.session.expire_all()
        placement = db.session.scalar(select(Placement))
        assert [unit.code for unit in placement.units] == ["ICT-QLIP-401B"]
        assert placement.planned_end == dt.date(2025, 5, 15)
        assert placement.status == "eligible"
        assert placement.college_id == records.college
        assert count(app, Placement) == 1


def test_the_same_teacher_twice_in_one_file_rejects_the_later_row(records, app):
    with app.app_context():
        result = run(form(row(), row(stamp="21/2/2568, 09:00:00")), "form.csv")
    assert problems_of(result)[0][:2] == (3, "เลขประจำตัวประชาชน")
    assert "แถวที่ 2" in problems_of(result)[0][2]

"""A teacher's competency record (Digital Competency Bank statement)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from helpers import strings_of
from sqlalchemy import func, select

from models import (
    Agency,
    CompetencyUnit,
    ExamResult,
    Placement,
    PlacementRound,
    PlacementStep,
    Qualification,
    Teacher,
    TeacherCertificate,
    TeacherUnit,
    Training,
    TrainingAttendance,
    UnitSource,
    db,
)
from reports.model import Facts, FilterError, Report, Table, Viewer
from reports.teacher import TeacherRecord, parse_teacher
from thai.digits import to_thai_digits
from thai.nid import format_national_id, make_national_id, mask_national_id

NID = make_national_id("310010000001")
OTHER_NID = make_national_id("110170020345")
EMPTY_NID = make_national_id("150990000012")


def teacher(nid: str, first: str, college: Agency | None, **values) -> Teacher:
    person = Teacher(
        national_id=nid, prefix="นาย", first_name=first, last_name="ใจดี", college=college, **values
    )
    db.session.add(person)
    return person


@pytest.fixture
def data(app, reference):
    """A teacher with two of everything, another teacher's rows, and a teacher with none."""
    with app.app_context():
        college = db.session.scalar(select(Agency).where(Agency.code == "C5201"))
        host = Agency(code="EST-T1", name_th="บริษัท ช่างไทย จำกัด", kind="establishment")
        provider = db.session.scalar(select(Agency).where(Agency.code == "TPQI"))
        units = [
            CompetencyUnit(code="ECM-ZZZ-5-011ZA", title="ตรวจสอบระบบเครื่องยนต์"),
            CompetencyUnit(code="ICT-QLIP-401B", title="ติดตั้งระบบเครือข่าย"),
            CompetencyUnit(code="10201", title="งานเชื่อมพื้นฐาน"),
        ]
        auto = Qualification(code="Q-AUTO-3", title="ช่างซ่อมรถยนต์", level=3, units=units[:1])
        network = Qualification(code="Q-NET-4", title="ช่างเครือข่าย", level=4, units=units[1:2])
        somchai = teacher(
            NID,
            "สมชาย",
            college,
            department="ช่างยนต์",
            position="ครู",
            academic_standing="ชำนาญการพิเศษ",
        )
        other = teacher(OTHER_NID, "สมศักดิ์", college, department="ช่างไฟฟ้า")
        empty = teacher(EMPTY_NID, "สมหมาย", None)
        db.session.add_all(
            [
                TeacherUnit(
                    teacher=somchai,
                    unit=units[1],
                    achieved_on=dt.date(2025, 4, 20),
                    source=UnitSource.PLACEMENT.value,
                    evidence="ฝึกประสบการณ์ที่บริษัท ช่างไทย จำกัด",
                ),
                TeacherUnit(
                    teacher=somchai,
                    unit=units[0],
                    achieved_on=dt.date(2024, 6, 1),
                    source=UnitSource.TEST.value,
                ),
                TeacherUnit(
                    teacher=other,
                    unit=units[2],
                    achieved_on=dt.date(2024, 1, 5),
                    source=UnitSource.TRAINING.value,
                ),
                TeacherCertificate(
                    teacher=somchai,
                    qualification=auto,
                    certificate_no="TPQI-65-000001",
                    issued_on=dt.date(2020, 1, 10),
                    expires_on=dt.date(2023, 1, 9),
                ),
                TeacherCertificate(
                    teacher=somchai,
                    qualification=network,
                    certificate_no="TPQI-67-000002",
                    issued_on=dt.date(2024, 6, 1),
                    expires_on=None,
                ),
                TeacherCertificate(
                    teacher=other,
                    qualification=network,
                    certificate_no="TPQI-67-000003",
                    issued_on=dt.date(2024, 6, 1),
                ),
            ]
        )
        round_2568 = db.session.scalar(
            select(PlacementRound).where(PlacementRound.fiscal_year == 2568)
        )
        round_2567 = PlacementRound(
            fiscal_year=2567, title="รอบ 2567", application_deadline=dt.date(2024, 2, 28)
        )
        db.session.add_all(
            [
                Placement(
                    round=round_2567,
                    teacher=somchai,
                    college=college,
                    host=host,
                    status=PlacementStep.POST_REPORT.value,
                    test_result=ExamResult.PASSED.value,
                    planned_start=dt.date(2024, 3, 4),
                    planned_end=dt.date(2024, 4, 30),
                ),
                Placement(
                    round=round_2568,
                    teacher=somchai,
                    college=college,
                    host=None,
                    status=PlacementStep.APPLIED.value,
                ),
                Placement(round=round_2568, teacher=other, college=college, host=host),
            ]
        )
        course = Training(
            title="การซ่อมบำรุงรถยนต์ไฟฟ้า",
            provider=provider,
            start_on=dt.date(2024, 8, 1),
            end_on=dt.date(2024, 8, 3),
            hours=18,
        )
        short = Training(title="ความปลอดภัยในงานช่าง", start_on=dt.date(2025, 1, 15), hours=6)
        only_other = Training(title="ระบบไฟฟ้าในอาคาร", start_on=dt.date(2024, 5, 1), hours=30)
        db.session.add_all(
            [
                TrainingAttendance(training=course, teacher=somchai, completed=True),
                TrainingAttendance(training=short, teacher=somchai, completed=False),
                TrainingAttendance(training=only_other, teacher=other, completed=True),
                TrainingAttendance(training=course, teacher=other, completed=True),
            ]
        )
        db.session.commit()
        return SimpleNamespace(teacher=somchai.id, other=other.id, empty=empty.id)


def build(text: str = NID, sees_personal_data: bool = False) -> Report:
    """Parse the teacher filter as the admin and the CLI do, then build the record."""
    report = TeacherRecord()
    (filter_,) = report.filters
    values = {filter_.name: filter_.parse(db.session, text)}
    return report.build(db.session, values, Viewer(sees_personal_data=sees_personal_data))


def tables(report: Report) -> dict[str, Table]:
    return {b.title: b for b in report.blocks if isinstance(b, Table)}


def facts(report: Report) -> dict[str, str]:
    return dict(next(b for b in report.blocks if isinstance(b, Facts)).pairs)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_identity_block(app, data):
    with app.app_context():
        shown = facts(build())
        assert shown["ชื่อ-นามสกุล"] == "นายสมชาย ใจดี"
        assert shown["สถานศึกษา"] == "วิทยาลัยสารพัดช่างลำปาง"
        assert shown["แผนกวิชา"] == "ช่างยนต์"
        assert shown["ตำแหน่ง"] == "ครู"
        assert shown["วิทยฐานะ"] == "ชำนาญการพิเศษ"
        assert facts(build(OTHER_NID))["วิทยฐานะ"] == "-"


def test_rows_are_this_teachers_and_match_the_database(app, data):
    with app.app_context():
        shown = tables(build())
        units = shown["หน่วยสมรรถนะที่ได้รับ"]
        assert len(units.rows) == count(TeacherUnit, TeacherUnit.teacher_id == data.teacher)
        # Oldest first; the other teacher's unit is not in this record.
        assert [r["code"] for r in units.rows] == ["ECM-ZZZ-5-011ZA", "ICT-QLIP-401B"]
        assert units.rows[0]["achieved_on"] == dt.date(2024, 6, 1)
        assert units.rows[0]["source"] == "การทดสอบสมรรถนะ"
        assert units.rows[1]["source"] == "การฝึกประสบการณ์"
        assert units.rows[1]["evidence"] == "ฝึกประสบการณ์ที่บริษัท ช่างไทย จำกัด"

        certificates = shown["ประกาศนียบัตรคุณวุฒิวิชาชีพ"]
        assert len(certificates.rows) == count(
            TeacherCertificate, TeacherCertificate.teacher_id == data.teacher
        )
        assert [
            (r["qualification"], r["level"], r["certificate_no"]) for r in certificates.rows
        ] == [
            ("ช่างซ่อมรถยนต์", 3, "TPQI-65-000001"),
            ("ช่างเครือข่าย", 4, "TPQI-67-000002"),
        ]

        placements = shown["การฝึกประสบการณ์ในสถานประกอบการ"]
        assert len(placements.rows) == count(Placement, Placement.teacher_id == data.teacher)
        first, second = placements.rows
        assert (first["fiscal_year"], first["host"]) == ("2567", "บริษัท ช่างไทย จำกัด")
        assert (first["status"], first["test_result"]) == ("รายงานหลังการพัฒนาแล้ว", "ผ่าน")
        assert (first["planned_start"], first["planned_end"]) == (
            dt.date(2024, 3, 4),
            dt.date(2024, 4, 30),
        )
        assert (second["fiscal_year"], second["status"], second["test_result"]) == (
            "2568",
            "สมัครแล้ว",
            "-",
        )

        trainings = shown["การฝึกอบรม"]
        assert len(trainings.rows) == count(
            TrainingAttendance, TrainingAttendance.teacher_id == data.teacher
        )
        assert [(r["title"], r["provider"], r["completed"]) for r in trainings.rows] == [
            ("การซ่อมบำรุงรถยนต์ไฟฟ้า", "สถาบันคุณวุฒิวิชาชีพ (องค์การมหาชน)", "สำเร็จ"),
            ("ความปลอดภัยในงานช่าง", "-", "ไม่สำเร็จ"),
        ]


def test_totals_count_units_and_add_training_hours(app, data):
    with app.app_context():
        shown = tables(build())
        units = shown["หน่วยสมรรถนะที่ได้รับ"]
        assert units.totals["code"] == "รวม"
        assert units.totals["title"] == f"{len(units.rows)} หน่วยสมรรถนะ"
        trainings = shown["การฝึกอบรม"]
        assert trainings.totals["title"] == "รวม"
        assert trainings.totals["hours"] == sum(r["hours"] for r in trainings.rows) == 24
        assert trainings.totals["completed"] == "สำเร็จ 1 จาก 2 รายการ"


def test_expired_certificate_is_marked(app, data):
    with app.app_context():
        certificates = tables(build())["ประกาศนียบัตรคุณวุฒิวิชาชีพ"]
        assert [r["state"] for r in certificates.rows] == ["หมดอายุแล้ว", "ใช้ได้"]
        assert certificates.marks == {0: "warn"}
        assert "หมดอายุ" in certificates.legend


def test_a_teacher_with_no_records_gets_thai_empty_texts(app, data):
    with app.app_context():
        report = build(EMPTY_NID)
        assert facts(report)["สถานศึกษา"] == "-"
        shown = tables(report)
        assert len(shown) == 4
        for table in shown.values():
            assert table.rows == [] and table.totals is None
            assert table.empty.startswith("ยังไม่")


def test_national_id_is_masked_for_a_viewer_without_need(app, data):
    with app.app_context():
        report = build(sees_personal_data=False)
        text = strings_of(report)
        masked = mask_national_id(NID)
        assert not [s for s in text if NID in s.replace("-", "").replace(" ", "")]
        assert not [s for s in text if format_national_id(NID) in s]
        assert facts(report)["เลขประจำตัวประชาชน"] == masked
        assert report.filters == [("ครู", f"นายสมชาย ใจดี ({masked})")]


def test_national_id_is_shown_to_a_viewer_who_may_see_it(app, data):
    with app.app_context():
        report = build(sees_personal_data=True)
        shown = format_national_id(NID)
        assert facts(report)["เลขประจำตัวประชาชน"] == shown
        assert report.filters == [("ครู", f"นายสมชาย ใจดี ({shown})")]


@pytest.mark.parametrize(
    "text",
    [
        NID,
        format_national_id(NID),
        f"{NID[:1]} {NID[1:5]} {NID[5:10]} {NID[10:12]} {NID[12]}",
        f" {to_thai_digits(format_national_id(NID))} ",
    ],
)
def test_filter_accepts_the_id_however_it_is_written(app, data, text):
    with app.app_context():
        assert parse_teacher(db.session, text).id == data.teacher


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NID[:-1] + str((int(NID[-1]) + 1) % 10), "ไม่ถูกต้อง: เลขตรวจสอบไม่ตรง"),
        ("123456789012", "ไม่ถูกต้อง: ต้องมี 13 หลัก"),
        ("3-1001-ABCDE-01-4", "ไม่ถูกต้อง: ต้องเป็นตัวเลขเท่านั้น"),
        (make_national_id("199999999999"), "ไม่พบครูเลขประจำตัวประชาชน"),
    ],
)
def test_bad_or_unknown_ids_are_refused_in_thai(app, data, text, expected):
    with app.app_context():
        with pytest.raises(FilterError, match=expected) as error:
            parse_teacher(db.session, text)
        assert "เลขประจำตัวประชาชน" in str(error.value)


def test_the_pickers_record_number_finds_the_teacher(app, data):
    with app.app_context():
        assert parse_teacher(db.session, str(data.teacher)).id == data.teacher
        with pytest.raises(FilterError, match="ไม่พบครูที่เลือกในระบบ"):
            parse_teacher(db.session, "999999")


def test_filter_description_never_shows_the_whole_id(app, data):
    with app.app_context():
        (filter_,) = TeacherRecord.filters
        assert filter_.required and filter_.choices is None
        described = filter_.describe(db.session, parse_teacher(db.session, NID))
        assert described == f"นายสมชาย ใจดี ({mask_national_id(NID)})"

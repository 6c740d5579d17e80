"""A college's results sheet moves placements through the placements importer, by the same
rules as the screens; a refused move is a problem of its row, and undoing the import puts
every placement back."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import TEACHER_NID, THAI, USERS, make_user
from rounds import make_mou, make_placement
from sqlalchemy import func, select

from importers import import_file
from importers.placement_moves import STEP_NAMES, duration
from importers.undo import undo_batch
from models import (
    Agency,
    CompetencyUnit,
    ImportBatch,
    Placement,
    PlacementEvent,
    PlacementStep,
    Teacher,
    TeacherUnit,
    db,
)
from processes import placement_flow

STEP_TH = {
    "applied": "สมัครแล้ว",
    "eligible": "มีคุณสมบัติ",
    "not_eligible": "ไม่มีคุณสมบัติ",
    "oriented": "ปฐมนิเทศแล้ว",
    "in_placement": "อยู่ระหว่างฝึก",
    "tested": "ทดสอบแล้ว",
    "college_report": "สถานศึกษารายงานผลแล้ว",
    "lessons_learned": "ถอดบทเรียนแล้ว",
    "post_report": "รายงานหลังการพัฒนาแล้ว",
    "withdrawn": "สละสิทธิ์",
    "rejected": "ไม่ผ่านการพิจารณา",
}
ALL_STEPS = [step.value for step in PlacementStep]
RESULTS = "เลขประจำตัวประชาชน,ชื่อ-สกุล,ขั้นตอน,ผลการทดสอบ,วันที่ทดสอบ,ลิงก์คลิป,ชื่อคลิป,ความยาวคลิป\n"
APPLICATIONS = (
    "ประทับเวลา,เลขประจำตัวประชาชน,ชื่อ-สกุล,สถานประกอบการ,สมรรถนะที่จะฝึก,วันเริ่มฝึก,วันสิ้นสุดการฝึก,ขั้นตอน\n"
)
CLIP_TITLE = "ศานนท์ ใจดี (ตรวจสอบระบบเครื่องยนต์)"
EDITOR = USERS["editor"]


def sheet(*rows: tuple[str, ...], header: str = RESULTS) -> bytes:
    lines = [",".join(f'"{cell}"' for cell in row) for row in rows]
    return (header + "\n".join(lines) + "\n").encode("utf-8")


def result_row(status="", result="", tested_on="", url="", title="", length="", nid=TEACHER_NID):
    return (nid, "นายศานนท์ ใจดี", status, result, tested_on, url, title, length)


# A college's whole report on a placement in training: passed, its clip, and the next step.
REPORTED = {
    "status": "สถานศึกษารายงานผลแล้ว",
    "result": "ผ่าน",
    "tested_on": "20/05/2568",
    "url": "https://youtu.be/abc",
    "title": CLIP_TITLE,
    "length": "4:30",
}


def run(content, filename="results.csv", **options):
    options.setdefault("round", 2568)
    return import_file("placements", content, filename, db.session, **options)


def problems_of(result):
    return [(p.row, p.column, p.message) for p in result.problems]


@pytest.fixture
def world(app, records):
    """records' teacher, host and units, with an open-ended MOU between host and college."""
    with app.app_context():
        college = db.session.get(Agency, records.college)
        host = db.session.get(Agency, records.host)
        make_mou(db.session, [host, college], dt.date(2024, 1, 1))
        db.session.commit()
    return records


def placement_at(app, records, step, **options):
    """The records' teacher's placement brought to a step; returns its id."""
    with app.app_context():
        teacher = db.session.get(Teacher, records.teacher)
        host = db.session.get(Agency, records.host)
        units = [db.session.get(CompetencyUnit, unit) for unit in records.units]
        placement = make_placement(db.session, teacher, host, units=units, step=step, **options)
        db.session.commit()
        return placement.id


def state(app, placement_id):
    """What a placement's step is and what it did, as stored."""
    with app.app_context():
        db.session.expire_all()
        placement = db.session.get(Placement, placement_id)
        return {
            "status": placement.status,
            "status_since": placement.status_since,
            "test_result": placement.test_result,
            "tested_on": placement.tested_on,
            "post_report_received": placement.post_report_received,
            "clip": (placement.clip_url, placement.clip_title, placement.clip_duration),
            "events": [(e.from_step, e.to_step, e.by) for e in placement.events],
            "units": sorted(row.unit_id for row in placement.teacher.units),
        }


def cli_import(app, runner, tmp_path, content, *args):
    path = tmp_path / f"results-{len(list(tmp_path.iterdir()))}.csv"
    path.write_bytes(content)
    outcome = runner.invoke(args=["import", "placements", str(path), "--round", "2568", *args])
    with app.app_context():
        batch_id = db.session.scalar(select(ImportBatch.id).order_by(ImportBatch.id.desc()))
    return outcome, batch_id


# --------------------------------------------------------------------------- every move


def test_the_importer_names_the_steps_as_the_screens_do(app):
    with app.app_context():
        assert PlacementStep.thai_labels() == STEP_TH == STEP_NAMES


MOVE_TABLE = [(start, to) for start in ALL_STEPS for to in ALL_STEPS if start != to]


def allowed(start, to):
    return to in placement_flow.MOVES[start]


@pytest.mark.parametrize(
    ("start", "to"),
    [pair for pair in MOVE_TABLE if not allowed(*pair)],
    ids=[f"{a}->{b}" for a, b in MOVE_TABLE if not allowed(a, b)],
)
def test_a_refused_move_is_a_problem_of_its_row_and_changes_nothing(app, world, start, to):
    placement_id = placement_at(app, world, start)
    before = state(app, placement_id)
    with app.app_context():
        result = run(sheet(result_row(status=STEP_TH[to])))
    ((row, column, message),) = problems_of(result)
    assert (row, column) == (2, "ขั้นตอน")
    assert f"“{STEP_TH[start]}”" in message and f"“{STEP_TH[to]}”" in message
    assert THAI.search(message)
    assert not result.written
    assert state(app, placement_id) == before


@pytest.mark.parametrize(
    ("start", "to"),
    [pair for pair in MOVE_TABLE if allowed(*pair) and pair[1] != "tested"],
    ids=[f"{a}->{b}" for a, b in MOVE_TABLE if allowed(a, b) and b != "tested"],
)
def test_an_allowed_move_is_made_with_its_event(app, world, start, to):
    placement_id = placement_at(app, world, start)
    before = state(app, placement_id)
    with app.app_context():
        result = run(sheet(result_row(status=STEP_TH[to])))
        assert result.written, problems_of(result)
        assert result.counts["updated"] == 1
        assert result.rows[0].changes["status"] == (start, to)
    after = state(app, placement_id)
    assert after["status"] == to
    assert after["events"] == [*before["events"], (start, to, "cli")]
    assert after["status_since"] > before["status_since"]


def test_moving_to_tested_needs_the_result(app, world):
    placement_id = placement_at(app, world, "in_placement")
    with app.app_context():
        result = run(sheet(result_row(status="ทดสอบแล้ว")))
    assert problems_of(result) == [
        (
            2,
            "ขั้นตอน",
            "เปลี่ยนขั้นตอนจาก “อยู่ระหว่างฝึก” เป็น “ทดสอบแล้ว” ไม่ได้: "
            "การบันทึกผลการทดสอบต้องระบุผล (ผ่านหรือไม่ผ่าน)",
        )
    ]
    assert state(app, placement_id)["status"] == "in_placement"


def test_a_result_without_its_date_is_refused(app, world):
    placement_at(app, world, "in_placement")
    with app.app_context():
        result = run(sheet(result_row(result="ผ่าน")))
    assert problems_of(result) == [
        (
            2,
            "ผลการทดสอบ",
            "เปลี่ยนขั้นตอนจาก “อยู่ระหว่างฝึก” เป็น “ทดสอบแล้ว” ไม่ได้: การบันทึกผลการทดสอบต้องระบุวันที่ทดสอบ",
        )
    ]


def test_a_date_without_a_result_is_refused(app, world):
    placement_at(app, world, "in_placement")
    with app.app_context():
        result = run(sheet(result_row(tested_on="20/05/2568")))
    assert problems_of(result) == [(2, "วันที่ทดสอบ", "ระบุวันที่ทดสอบแล้ว แต่ไม่ได้ระบุผลการทดสอบ")]


def test_a_result_before_the_placement_is_refused(app, world):
    placement_at(app, world, "oriented")
    with app.app_context():
        result = run(sheet(result_row(result="ผ่าน", tested_on="20/05/2568")))
    ((row, column, message),) = problems_of(result)
    assert (row, column) == (2, "ผลการทดสอบ")
    assert "“ปฐมนิเทศแล้ว”" in message and "“ทดสอบแล้ว”" in message


def test_a_step_given_as_its_code(app, world):
    placement_id = placement_at(app, world, "tested")
    with app.app_context():
        assert run(sheet(result_row(status="college_report"))).written
    assert state(app, placement_id)["status"] == "college_report"


def test_an_unknown_step_is_a_cell_problem(app, world):
    placement_at(app, world, "tested")
    with app.app_context():
        result = run(sheet(result_row(status="ไปต่อ")))
    ((row, column, message),) = problems_of(result)
    assert (row, column) == (2, "ขั้นตอน")
    assert "ไปต่อ" in message and "สถานศึกษารายงานผลแล้ว" in message


# --------------------------------------------------------------------------- the results sheet


def test_a_results_sheet_records_the_test_the_clip_and_the_next_step(app, world):
    placement_id = placement_at(app, world, "in_placement")
    before = state(app, placement_id)
    row = result_row(**REPORTED)
    with app.app_context():
        result = run(sheet(row))
        assert result.written, problems_of(result)
        assert result.rows[0].changes == {
            "clip_url": (None, "https://youtu.be/abc"),
            "clip_title": (None, CLIP_TITLE),
            "clip_duration": (None, 270),
            "status": ("in_placement", "college_report"),
            "test_result": (None, "passed"),
            "tested_on": (None, dt.date(2025, 5, 20)),
        }
        events = db.session.scalars(
            select(PlacementEvent).where(PlacementEvent.placement_id == placement_id)
        ).all()
        assert "ผ่าน" in events[-2].note and "results.csv" in events[-2].note
        earned = db.session.scalars(select(TeacherUnit)).all()
        assert {row.unit_id for row in earned} == set(world.units)
        assert {(row.placement_id, row.achieved_on, row.source) for row in earned} == {
            (placement_id, dt.date(2025, 5, 20), "placement")
        }
    after = state(app, placement_id)
    assert after["status"] == "college_report"
    assert (after["test_result"], after["tested_on"]) == ("passed", dt.date(2025, 5, 20))
    assert after["clip"] == ("https://youtu.be/abc", CLIP_TITLE, 270)
    assert after["events"] == [
        *before["events"],
        ("in_placement", "tested", "cli"),
        ("tested", "college_report", "cli"),
    ]


def test_the_same_sheet_again_changes_nothing(app, world):
    placement_id = placement_at(app, world, "in_placement")
    content = sheet(result_row(status="สถานศึกษารายงานผลแล้ว", result="ผ่าน", tested_on="20/05/2568"))
    with app.app_context():
        assert run(content).written
    before = state(app, placement_id)
    with app.app_context():
        again = run(content)
    assert again.counts["unchanged"] == 1 and problems_of(again) == []
    assert state(app, placement_id) == before


def test_a_retest_while_tested_keeps_the_units(app, world):
    placement_id = placement_at(app, world, "tested")  # passed on 20 May
    before = state(app, placement_id)
    assert len(before["units"]) == 2
    with app.app_context():
        result = run(sheet(result_row(result="ไม่ผ่าน", tested_on="10/06/2568")))
        assert result.written, problems_of(result)
        assert result.rows[0].changes == {
            "test_result": ("passed", "failed"),
            "tested_on": (dt.date(2025, 5, 20), dt.date(2025, 6, 10)),
        }
    after = state(app, placement_id)
    assert after["status"] == "tested"
    assert after["events"][-1] == ("tested", "tested", "cli")
    assert (after["test_result"], after["tested_on"]) == ("failed", dt.date(2025, 6, 10))
    assert after["units"] == before["units"]


def test_a_changed_result_after_the_test_step_is_refused(app, world):
    placement_id = placement_at(app, world, "college_report")
    with app.app_context():
        result = run(sheet(result_row(result="ไม่ผ่าน", tested_on="10/06/2568")))
    ((row, column, message),) = problems_of(result)
    assert (row, column) == (2, "ผลการทดสอบ")
    assert "“สถานศึกษารายงานผลแล้ว”" in message and "“ทดสอบแล้ว”" in message
    assert state(app, placement_id)["test_result"] == "passed"


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("4:30", 270), ("0:04:30", 270), ("04:30:00", 270), ("4.5", 270), ("5", 300), ("๔:๓๐", 270)],
)
def test_clip_lengths_as_sheets_write_them(written, seconds):
    assert duration(written) == seconds


@pytest.mark.parametrize("written", ["สี่นาที", "4:75", "-3"])
def test_a_clip_length_that_is_not_one(app, written):
    # The message is in the app's language (Thai unless a request asks for English).
    with app.app_context(), pytest.raises(ValueError, match="ความยาวคลิป"):
        duration(written)


def test_clip_rules_through_the_importer(app, world):
    placement_id = placement_at(app, world, "in_placement")
    row = result_row(url="https://youtu.be/x", title="คลิปของฉัน", length="5:01")
    with app.app_context():
        result = run(sheet(row))
    assert problems_of(result) == [
        (
            2,
            "ชื่อคลิป",
            "ชื่อคลิป “คลิปของฉัน” ไม่ตรงตามรูปแบบ “ชื่อ นามสกุล (ชื่อหน่วยสมรรถนะ)” ที่ควรเป็นคือ "
            "“ศานนท์ ใจดี (ตรวจสอบระบบเครื่องยนต์)” หรือ “ศานนท์ ใจดี (ติดตั้งระบบเครือข่าย)”",
        ),
        (2, "ความยาวคลิป", "คลิปยาว 5:01 นาที ความยาวต้องไม่เกิน 5 นาที (5:00)"),
    ]
    assert state(app, placement_id)["clip"] == (None, None, None)


def test_a_results_sheet_row_for_a_teacher_without_a_placement_needs_host_and_units(app, world):
    with app.app_context():
        result = run(sheet(result_row(status="มีคุณสมบัติ")))
    assert [(r, c) for r, c, _ in problems_of(result)] == [
        (2, "สถานประกอบการ"),
        (2, "สมรรถนะที่จะฝึก"),
    ]


def test_a_dry_run_moves_nothing(app, world):
    placement_id = placement_at(app, world, "in_placement")
    before = state(app, placement_id)
    with app.app_context():
        result = run(sheet(result_row(result="ผ่าน", tested_on="20/05/2568")), dry_run=True)
        assert result.counts["updated"] == 1
    assert state(app, placement_id) == before


def test_skip_invalid_moves_the_valid_rows_only(app, world):
    placement_id = placement_at(app, world, "in_placement")
    content = sheet(
        result_row(result="ผ่าน", tested_on="20/05/2568"),
        result_row(status="มีคุณสมบัติ", nid="1234567890123"),
    )
    with app.app_context():
        result = run(content, skip_invalid=True)
        assert result.written and result.count("rejected") == 1
    assert state(app, placement_id)["status"] == "tested"


# --------------------------------------------------------------------------- the MOU rule


def test_announcing_eligible_without_an_mou_is_refused(app, records):
    placement_id = placement_at(app, records, "applied")
    before = state(app, placement_id)
    with app.app_context():
        result = run(sheet(result_row(status="มีคุณสมบัติ")))
    ((row, column, message),) = problems_of(result)
    assert (row, column) == (2, "ขั้นตอน")
    assert message == (
        "เปลี่ยนขั้นตอนจาก “สมัครแล้ว” เป็น “มีคุณสมบัติ” ไม่ได้: "
        "ไม่มีบันทึกข้อตกลงความร่วมมือระหว่างสถานประกอบการกับสถานศึกษาของครูที่มีผลตั้งแต่ "
        "17 มี.ค. 2568 ถึง 30 พ.ค. 2568 และรายการนี้ไม่มีข้อยกเว้นการร่วมพัฒนาการศึกษา"
    )
    assert state(app, placement_id) == before


def test_announcing_eligible_with_an_mou_in_force(app, world):
    placement_id = placement_at(app, world, "applied")
    with app.app_context():
        assert run(sheet(result_row(status="มีคุณสมบัติ"))).written
    assert state(app, placement_id)["status"] == "eligible"


def test_announcing_eligible_with_the_exception(app, records):
    placement_id = placement_at(app, records, "applied", mou_exception_reason="ร่วมพัฒนาหลักสูตร")
    with app.app_context():
        assert run(sheet(result_row(status="มีคุณสมบัติ"))).written
    assert state(app, placement_id)["status"] == "eligible"


def test_an_mou_that_ends_before_the_rows_new_end_date_does_not_cover(app, records):
    with app.app_context():
        college = db.session.get(Agency, records.college)
        host = db.session.get(Agency, records.host)
        make_mou(db.session, [host, college], dt.date(2024, 1, 1), dt.date(2025, 5, 30))
        db.session.commit()
    header = "เลขประจำตัวประชาชน,ขั้นตอน,วันสิ้นสุดการฝึก\n"
    placement_id = placement_at(app, records, "applied")
    with app.app_context():
        on_the_end = run(sheet((TEACHER_NID, "มีคุณสมบัติ", "30/05/2568"), header=header), dry_run=True)
        assert problems_of(on_the_end) == []
        result = run(sheet((TEACHER_NID, "มีคุณสมบัติ", "31/05/2568"), header=header))
    ((row, column, message),) = problems_of(result)
    assert (row, column) == (2, "ขั้นตอน")
    assert "31 พ.ค. 2568" in message
    assert state(app, placement_id)["status"] == "applied"


def application(status, host="บริษัท ช่างไทย จำกัด"):
    return (
        "20/2/2568, 10:00:00",
        TEACHER_NID,
        "นายศานนท์ ใจดี",
        host,
        "ECM-ZZZ-5-011ZA ตรวจสอบระบบเครื่องยนต์",
        "17/03/2568",
        "30/05/2568",
        status,
    )


def test_a_new_application_announced_eligible_starts_and_moves(app, world):
    with app.app_context():
        result = run(sheet(application("มีคุณสมบัติ"), header=APPLICATIONS))
        assert result.written, problems_of(result)
        placement = db.session.scalar(select(Placement))
        assert [(e.from_step, e.to_step) for e in placement.events] == [
            (None, "applied"),
            ("applied", "eligible"),
        ]
        assert placement.events[0].at == dt.datetime(2025, 2, 20, 10, 0)
        assert placement.college_id == world.college


def test_a_new_application_without_an_mou_is_not_created(app, records):
    with app.app_context():
        result = run(sheet(application("มีคุณสมบัติ"), header=APPLICATIONS))
        ((row, column, message),) = problems_of(result)
        assert (row, column) == (2, "ขั้นตอน")
        assert message.startswith("เปลี่ยนขั้นตอนจาก “สมัครแล้ว” เป็น “มีคุณสมบัติ” ไม่ได้: ไม่มีบันทึก")
        assert db.session.scalar(select(func.count()).select_from(Placement)) == 0


def test_a_new_application_without_a_step_starts_applied(app, records):
    with app.app_context():
        assert run(sheet(application(""), header=APPLICATIONS)).written
        placement = db.session.scalar(select(Placement))
        assert placement.status == "applied"
        assert [(e.from_step, e.to_step, e.by) for e in placement.events] == [
            (None, "applied", "cli")
        ]
        assert placement.status_since == dt.datetime(2025, 2, 20, 10, 0)


# --------------------------------------------------------------------------- batches and undo


def test_the_events_name_the_importing_user_and_batch(app, world, runner, tmp_path):
    make_user(app, "editor")
    placement_id = placement_at(app, world, "in_placement")
    content = sheet(result_row(status="สถานศึกษารายงานผลแล้ว", result="ผ่าน", tested_on="20/05/2568"))
    outcome, batch_id = cli_import(app, runner, tmp_path, content, "--user", EDITOR)
    assert outcome.exit_code == 0, outcome.output
    with app.app_context():
        events = db.session.scalars(
            select(PlacementEvent).where(PlacementEvent.batch_id == batch_id)
        ).all()
        assert [(e.placement_id, e.from_step, e.to_step, e.by) for e in events] == [
            (placement_id, "in_placement", "tested", EDITOR),
            (placement_id, "tested", "college_report", EDITOR),
        ]


def test_undo_puts_the_step_back_and_removes_the_events_and_units(app, world, runner, tmp_path):
    placement_id = placement_at(app, world, "in_placement")
    before = state(app, placement_id)
    row = result_row(**REPORTED)
    outcome, batch_id = cli_import(app, runner, tmp_path, sheet(row))
    assert outcome.exit_code == 0, outcome.output
    moved = state(app, placement_id)
    assert moved["status"] == "college_report" and len(moved["units"]) == 2
    with app.app_context():
        undone = undo_batch(db.session, batch_id, "admin@example.go.th")
        assert undone.done, undone.reasons
    assert state(app, placement_id) == before
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(PlacementEvent)
                .where(PlacementEvent.batch_id == batch_id)
            )
            == 0
        )


def test_undo_of_new_applications_with_moves_removes_them(app, world, runner, tmp_path):
    outcome, batch_id = cli_import(
        app, runner, tmp_path, sheet(application("มีคุณสมบัติ"), header=APPLICATIONS)
    )
    assert outcome.exit_code == 0, outcome.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlacementEvent)) == 2
        undone = undo_batch(db.session, batch_id, "admin@example.go.th")
        assert undone.done, undone.reasons
        assert db.session.scalar(select(func.count()).select_from(Placement)) == 0
        assert db.session.scalar(select(func.count()).select_from(PlacementEvent)) == 0

"""Importing TPQI standards: one row per unit in a qualification, built without duplicates."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from helpers import SAMPLES, THAI, count
from sqlalchemy import func, select

from importers import import_file
from models import (
    CompetencyUnit,
    Occupation,
    Qualification,
    Sector,
    db,
    qualification_unit,
)

MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))[
    "standards_tpqi.xlsx"
]
SAMPLE = (SAMPLES / "standards_tpqi.xlsx").read_bytes()
HEADER = "สาขาวิชาชีพ,อาชีพ,รหัสคุณวุฒิ,ชื่อคุณวุฒิ,ระดับ,รหัสหน่วยสมรรถนะ,ชื่อหน่วยสมรรถนะ\n"
SHARED_UNIT = "DG-WPJL-028"


def run(content=SAMPLE, filename="standards_tpqi.xlsx", **options):
    return import_file("standards", content, filename, db.session, **options)


def csv_file(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def edited_sample(**cells: str) -> bytes:
    """Return the sample with some cells (by address, e.g. D2) replaced."""
    book = openpyxl.load_workbook(io.BytesIO(SAMPLE))
    for address, value in cells.items():
        book.active[address] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def qualification(code: str) -> Qualification | None:
    return db.session.scalar(select(Qualification).where(Qualification.code == code))


def unit(code: str) -> CompetencyUnit | None:
    return db.session.scalar(select(CompetencyUnit).where(CompetencyUnit.code == code))


def links() -> int:
    return db.session.scalar(select(func.count()).select_from(qualification_unit))


# --------------------------------------------------------------------------- the sample


def test_sample_rejects_the_manifest_rows_and_writes_nothing_by_default(app, reference):
    with app.app_context():
        result = run()
        assert len(result.rows) == MANIFEST["data_rows"]
        assert sorted({p.row for p in result.problems}) == MANIFEST["rejected_rows"]
        assert result.counts == {"new": 12, "updated": 0, "unchanged": 0, "rejected": 1}
        assert not result.written
        assert links() == 0
    for model in (Sector, Occupation, Qualification, CompetencyUnit):
        assert count(app, model) == 0


def test_a_level_outside_1_to_8_names_the_row_and_the_level_column(app, reference):
    with app.app_context():
        (problem,) = run().problems
    assert (problem.row, problem.column) == (14, "ระดับ")
    assert THAI.search(problem.message)
    assert '"ระดับ 9"' in problem.message
    assert "1 ถึง 8" in problem.message


def test_skip_invalid_builds_qualifications_units_and_links_without_duplicates(app, reference):
    with app.app_context():
        result = run(skip_invalid=True)
        assert result.written
        assert count(app, Qualification) == MANIFEST["qualifications"] == 7
        assert count(app, CompetencyUnit) == MANIFEST["units"] == 8
        assert links() == 12
        assert count(app, Sector) == 7
        assert count(app, Occupation) == 7
        assert qualification("Q-ICT-NET-9") is None
        assert unit("ICT-XXXX-999") is None
        electrical = qualification("Q-ECM-5")  # "ชั้น 5"
        assert (electrical.title, electrical.level) == ("ช่างไฟฟ้าอุตสาหกรรม ชั้น 5", 5)
        assert electrical.occupation.name_th == "ช่างไฟฟ้าอุตสาหกรรม"
        assert electrical.occupation.sector.name_th == "ไฟฟ้า"
        assert [u.code for u in electrical.units] == [SHARED_UNIT, "ECM-ZZZ-5-011ZA"]
        assert qualification("Q-RAI-5").level == 5  # "ระดับ ๕"
        assert qualification("Q-PRT-4").level == 4  # "4"
        shared = unit(SHARED_UNIT)
        assert shared.title == "ใช้เครื่องมือดิจิทัลในการทำงาน"
        assert len(shared.qualifications) == 5


def test_reimporting_the_sample_leaves_everything_unchanged(app, reference):
    with app.app_context():
        run(skip_invalid=True)
        result = run(skip_invalid=True)
        assert result.counts == {"new": 0, "updated": 0, "unchanged": 12, "rejected": 1}
        assert links() == 12
        assert count(app, CompetencyUnit) == 8


def test_a_dry_run_writes_nothing(app, reference):
    with app.app_context():
        result = run(skip_invalid=True, dry_run=True)
    assert result.counts["new"] == 12
    assert count(app, Qualification) == 0
    assert count(app, Sector) == 0


def test_units_already_stored_are_reused(app, records):
    """The records fixture holds ECM-ZZZ-5-011ZA and ICT-QLIP-401B under Q-AUTO-3."""
    with app.app_context():
        result = run(skip_invalid=True)
        assert result.counts["new"] == 12
        assert count(app, CompetencyUnit) == 8
        stored = unit("ECM-ZZZ-5-011ZA")
        assert stored.title == "ควบคุมการทำงานของระบบไฟฟ้าอุตสาหกรรม"
        assert {q.code for q in stored.qualifications} == {"Q-AUTO-3", "Q-ECM-5"}
        # The file's sector "ยานยนต์" is the one already stored.
        assert count(app, Sector) == 7
        assert qualification("Q-AUT-4").occupation.sector.id == records.sector


# --------------------------------------------------------------------------- updates


def test_a_changed_qualification_title_is_one_update_on_its_first_row(app, reference):
    new_title = "ช่างเทคนิคระบบเครือข่ายคอมพิวเตอร์ ระดับ 4"
    with app.app_context():
        run(skip_invalid=True)
        result = run(edited_sample(D2=new_title, D3=new_title), skip_invalid=True)
        assert result.counts == {"new": 0, "updated": 1, "unchanged": 11, "rejected": 1}
        (row,) = [row for row in result.rows if row.outcome == "updated"]
        assert row.number == 2
        assert row.changes == {"qualification": ("ช่างเทคนิคระบบเครือข่าย ระดับ 4", new_title)}
        assert qualification("Q-ICT-NET-4").title == new_title


def test_a_changed_unit_title_and_a_new_link(app, reference):
    with app.app_context():
        run(skip_invalid=True)
        lines = [
            "ICT,ช่างเทคนิคระบบเครือข่าย,Q-ICT-NET-4,,,ICT-QLIP-401B,ติดตั้งระบบเครือข่าย",
            "ICT,ช่างเทคนิคระบบเครือข่าย,Q-ICT-NET-4,,,FOD-CKG-3-014A,",
        ]
        result = run(csv_file(*lines), "standards.csv")
        first, second = result.rows
        assert first.outcome == "updated"
        assert first.changes == {"unit_title": ("ติดตั้งและบำรุงรักษาระบบเครือข่าย", "ติดตั้งระบบเครือข่าย")}
        assert second.outcome == "new"
        assert unit("ICT-QLIP-401B").title == "ติดตั้งระบบเครือข่าย"
        network = qualification("Q-ICT-NET-4")
        assert network.level == 4  # blank cells keep what is stored
        assert network.title == "ช่างเทคนิคระบบเครือข่าย ระดับ 4"
        assert len(network.units) == 3
        assert count(app, CompetencyUnit) == 8


def test_a_qualification_moved_to_another_occupation(app, reference):
    with app.app_context():
        run(skip_invalid=True)
        line = "ดิจิทัล,ช่างเทคนิคเครือข่าย,Q-ICT-NET-4,,,ICT-QLIP-401B,"
        (row,) = run(csv_file(line), "standards.csv").rows
        assert row.outcome == "updated"
        assert set(row.changes) == {"sector", "occupation"}
        moved = qualification("Q-ICT-NET-4").occupation
        assert (moved.sector.name_th, moved.name_th) == ("ดิจิทัล", "ช่างเทคนิคเครือข่าย")


# --------------------------------------------------------------------------- problems


@pytest.mark.parametrize(
    ("cells", "column", "row_number"),
    [
        ({"D3": "ช่างเครือข่าย ระดับ 4"}, "ชื่อคุณวุฒิ", 3),
        ({"E3": "ระดับ 3"}, "ระดับ", 3),
        ({"B5": "ช่างไฟฟ้า"}, "อาชีพ", 5),
        ({"G8": "ใช้เครื่องมือดิจิทัล"}, "ชื่อหน่วยสมรรถนะ", 8),
    ],
)
def test_a_later_row_that_contradicts_an_earlier_one_is_rejected(
    app, reference, cells, column, row_number
):
    with app.app_context():
        result = run(edited_sample(**cells), skip_invalid=True)
        problems = [p for p in result.problems if p.row != 14]
        (problem,) = problems
        assert (problem.row, problem.column) == (row_number, column)
        assert "ในแถวที่" in problem.message
        assert THAI.search(problem.message)
        # The earlier row's value is the one written.
        assert count(app, Qualification) == 7


def test_a_new_qualification_needs_a_title_and_level_in_some_row(app, reference):
    lines = [
        "ยานยนต์,ช่างยนต์,Q-NEW-3,,,NEW-001,หน่วยใหม่",
        "ยานยนต์,ช่างยนต์,Q-NEW-3,,ระดับ 3,NEW-002,หน่วยใหม่ 2",
        "ยานยนต์,ช่างยนต์,Q-NEW-4,ช่างยนต์ ระดับ 4,4,NEW-003,",
    ]
    with app.app_context():
        result = run(csv_file(*lines), "standards.csv")
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "ชื่อคุณวุฒิ"),
        (3, "ชื่อคุณวุฒิ"),
        (4, "ชื่อหน่วยสมรรถนะ"),
    ]
    assert '"Q-NEW-3"' in result.problems[0].message
    assert '"NEW-003"' in result.problems[2].message
    assert not result.written


def test_an_occupation_needs_its_sector_and_a_pair_appears_once(app, reference):
    lines = [
        ",ช่างยนต์,Q-NEW-3,ช่างยนต์ ระดับ 3,3,NEW-001,หน่วยใหม่",
        "ยานยนต์,,Q-NEW-3,,,NEW-002,หน่วยใหม่ 2",
        "ยานยนต์,ช่างยนต์,Q-NEW-3,,,NEW-002,",
        ",,,,,NEW-003,",
    ]
    with app.app_context():
        result = run(csv_file(*lines), "standards.csv")
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "สาขาวิชาชีพ"),
        (3, "อาชีพ"),
        (4, "รหัสหน่วยสมรรถนะ"),
        (5, "รหัสคุณวุฒิ"),
    ]
    assert "แถวที่ 3" in result.problems[2].message
    assert all(THAI.search(p.message) for p in result.problems)


def test_english_headers_are_recognised(app, reference):
    content = (
        b"sector,occupation,qualification_code,qualification,level,unit_code,unit_title\n"
        b"Food,Thai cook,Q-FOOD-2,Thai cook level 2,Level 2,10201,Prepare ingredients\n"
    )
    with app.app_context():
        result = run(content, "standards.csv")
        assert result.counts["new"] == 1
        assert unit("10201").qualifications[0].level == 2

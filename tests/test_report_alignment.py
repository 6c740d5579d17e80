"""Curriculum alignment: one pair, a curriculum's qualifications, a qualification's curricula."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from models import CompetencyUnit, Curriculum, CurriculumUnit, Qualification, db
from reports.alignment import SHORT_LEGEND, AlignmentReport
from reports.model import Facts, FilterError, Note, Table, Viewer


@pytest.fixture
def standards(app):
    """Two qualifications sharing a unit, and three curricula aligned to some of the units.

    Q-AUTO-3: U1 U2 U3 U4.  Q-EV-4: U1 U5.  U9 belongs to no qualification.
    C-PWC: U1 full, U2 partial, U9 full.  C-EV: U1 U2 U3 full, U5 partial.  C-NONE: nothing.
    """
    with app.app_context():
        units = {
            code: CompetencyUnit(code=code, title=title)
            for code, title in [
                ("U1", "ตรวจสอบระบบเครื่องยนต์"),
                ("U2", "ซ่อมระบบเบรก"),
                ("U3", "ซ่อมระบบไฟฟ้ารถยนต์"),
                ("U4", "ปรับตั้งศูนย์ล้อ"),
                ("U5", "ดูแลแบตเตอรี่รถยนต์ไฟฟ้า"),
                ("U9", "ความปลอดภัยในสถานประกอบการ"),
            ]
        }
        db.session.add_all(
            [
                Qualification(
                    code="Q-AUTO-3",
                    title="ช่างซ่อมรถยนต์",
                    level=3,
                    units=[units[c] for c in ("U4", "U2", "U1", "U3")],
                ),
                Qualification(
                    code="Q-EV-4",
                    title="ช่างเทคนิคยานยนต์ไฟฟ้า",
                    level=4,
                    units=[units["U1"], units["U5"]],
                ),
                Qualification(code="Q-OTHER", title="ช่างเชื่อม", level=2, units=[]),
            ]
        )
        curricula = [
            (
                "C-PWC",
                "ปวช. 2562 สาขาวิชาช่างยนต์",
                [("U1", "full"), ("U2", "partial"), ("U9", "full")],
            ),
            (
                "C-EV",
                "หลักสูตรระยะสั้นยานยนต์ไฟฟ้า",
                [("U1", "full"), ("U2", "full"), ("U3", "full"), ("U5", "partial")],
            ),
            ("C-NONE", "หลักสูตรที่ยังไม่เทียบเคียง", []),
        ]
        for code, title, aligned in curricula:
            curriculum = Curriculum(code=code, title=title, kind="short_course")
            curriculum.alignments = [
                CurriculumUnit(
                    unit=units[unit],
                    coverage=coverage,
                    notes="ฝึกในโรงฝึกงาน" if (code, unit) == ("C-PWC", "U2") else None,
                )
                for unit, coverage in aligned
            ]
            db.session.add(curriculum)
        db.session.commit()
        yield


def parse(name, text):
    filter_ = next(f for f in AlignmentReport.filters if f.name == name)
    return filter_.parse(db.session, text)


def build(curriculum=None, qualification=None):
    values = {
        "curriculum": parse("curriculum", curriculum) if curriculum else None,
        "qualification": parse("qualification", qualification) if qualification else None,
    }
    return AlignmentReport().build(db.session, values, Viewer())


def blocks(report, kind):
    return [block for block in report.blocks if isinstance(block, kind)]


def test_definition():
    assert AlignmentReport.name == "alignment"
    assert AlignmentReport.title == "การเทียบเคียงหลักสูตรกับมาตรฐานอาชีพ"
    assert [f.name for f in AlignmentReport.filters] == ["curriculum", "qualification"]
    assert not any(f.required for f in AlignmentReport.filters)


def test_curriculum_and_qualification_by_code_or_exact_title(standards):
    assert parse("curriculum", "C-PWC").code == "C-PWC"
    assert parse("curriculum", "c-pwc").code == "C-PWC"
    assert parse("curriculum", " ปวช. 2562 สาขาวิชาช่างยนต์ ").code == "C-PWC"
    assert parse("qualification", "Q-EV-4").code == "Q-EV-4"
    assert parse("qualification", "ช่างซ่อมรถยนต์").code == "Q-AUTO-3"


def test_unknown_curriculum_or_qualification_is_a_filter_error(standards):
    with pytest.raises(FilterError, match='^ไม่พบหลักสูตร "ช่างยนต์"'):
        parse("curriculum", "ช่างยนต์")  # not the exact title
    with pytest.raises(FilterError, match='^ไม่พบคุณวุฒิวิชาชีพ "Q-NONE"'):
        parse("qualification", "Q-NONE")


def test_a_title_shared_by_two_curricula_asks_for_the_code(standards):
    db.session.add(Curriculum(code="C-PWC-2", title="ปวช. 2562 สาขาวิชาช่างยนต์", kind="short_course"))
    db.session.commit()
    with pytest.raises(FilterError, match="ให้ระบุรหัสแทน"):
        parse("curriculum", "ปวช. 2562 สาขาวิชาช่างยนต์")
    assert parse("curriculum", "C-PWC-2").code == "C-PWC-2"


def test_neither_curriculum_nor_qualification_is_refused(standards):
    with pytest.raises(FilterError, match="^ให้ระบุหลักสูตรหรือคุณวุฒิวิชาชีพอย่างน้อยหนึ่งอย่าง$"):
        build()


def test_choices_and_header(standards):
    curricula = dict(AlignmentReport.filters[0].choices(db.session))
    assert curricula["C-EV"] == "C-EV หลักสูตรระยะสั้นยานยนต์ไฟฟ้า"
    report = build("C-PWC", "Q-AUTO-3")
    assert report.filters == [
        ("หลักสูตร", "C-PWC ปวช. 2562 สาขาวิชาช่างยนต์"),
        ("คุณวุฒิวิชาชีพ", "Q-AUTO-3 ช่างซ่อมรถยนต์ (ระดับ 3)"),
    ]


def test_one_pair_lists_every_unit_with_its_coverage(standards):
    report = build("C-PWC", "Q-AUTO-3")
    (table,) = blocks(report, Table)
    assert table.rows == [
        {"code": "U1", "title": "ตรวจสอบระบบเครื่องยนต์", "coverage": "เต็ม", "notes": None},
        {"code": "U2", "title": "ซ่อมระบบเบรก", "coverage": "บางส่วน", "notes": "ฝึกในโรงฝึกงาน"},
        {"code": "U3", "title": "ซ่อมระบบไฟฟ้ารถยนต์", "coverage": "ไม่ครอบคลุม", "notes": None},
        {"code": "U4", "title": "ปรับตั้งศูนย์ล้อ", "coverage": "ไม่ครอบคลุม", "notes": None},
    ]
    assert table.marks == {2: "short", 3: "short"}
    assert table.legend == SHORT_LEGEND


def test_one_pair_figures_count_partial_as_half(standards):
    report = build("C-PWC", "Q-AUTO-3")
    (facts,) = blocks(report, Facts)
    assert dict(facts.pairs) == {
        "จำนวนหน่วยสมรรถนะของคุณวุฒิ": "4",
        "ครอบคลุมเต็ม": "1",
        "ครอบคลุมบางส่วน": "1",
        "ไม่ครอบคลุม": "2",
        "ร้อยละการครอบคลุม": "37.5",  # (1 + 0.5) / 4
    }
    (note,) = blocks(report, Note)
    assert "× 1" in note.text and "× 0.5" in note.text


def test_full_coverage_has_no_marks(standards):
    report = build("C-EV", "Q-AUTO-3")
    (table,) = blocks(report, Table)
    assert [row["coverage"] for row in table.rows] == ["เต็ม", "เต็ม", "เต็ม", "ไม่ครอบคลุม"]
    assert dict(blocks(report, Facts)[0].pairs)["ร้อยละการครอบคลุม"] == "75.0"
    ev = build("C-EV", "Q-EV-4")
    (table,) = blocks(ev, Table)
    assert table.marks == {}
    assert table.legend is None
    assert dict(blocks(ev, Facts)[0].pairs)["ร้อยละการครอบคลุม"] == "75.0"


def test_a_qualification_without_units_has_no_percentage(standards):
    report = build("C-PWC", "Q-OTHER")
    (table,) = blocks(report, Table)
    assert table.rows == []
    assert dict(blocks(report, Facts)[0].pairs)["ร้อยละการครอบคลุม"] == "-"


def test_a_curriculum_alone_gives_a_section_per_qualification_it_touches(standards):
    report = build(curriculum="C-PWC")
    overview, *unit_tables = blocks(report, Table)
    # U9 is in no qualification; Q-OTHER shares no unit with the curriculum.
    assert overview.rows == [
        {
            "code": "Q-AUTO-3",
            "title": "ช่างซ่อมรถยนต์",
            "full": 1,
            "partial": 1,
            "none": 2,
            "percent": 37.5,
        },
        {
            "code": "Q-EV-4",
            "title": "ช่างเทคนิคยานยนต์ไฟฟ้า",
            "full": 1,
            "partial": 0,
            "none": 1,
            "percent": 50.0,
        },
    ]
    headings = [facts.title for facts in blocks(report, Facts)]
    assert headings == [
        "คุณวุฒิวิชาชีพ Q-AUTO-3 ช่างซ่อมรถยนต์ (ระดับ 3)",
        "คุณวุฒิวิชาชีพ Q-EV-4 ช่างเทคนิคยานยนต์ไฟฟ้า (ระดับ 4)",
    ]
    assert [[row["code"] for row in t.rows] for t in unit_tables] == [
        ["U1", "U2", "U3", "U4"],
        ["U1", "U5"],
    ]
    assert unit_tables[1].marks == {1: "short"}
    assert dict(blocks(report, Facts)[1].pairs)["ร้อยละการครอบคลุม"] == "50.0"
    assert len(blocks(report, Note)) == 1


def test_a_curriculum_aligned_to_nothing_says_so(standards):
    report = build(curriculum="C-NONE")
    assert blocks(report, Table) == []
    (note,) = blocks(report, Note)
    assert "ยังไม่ได้เทียบเคียง" in note.text


def test_a_qualification_alone_ranks_curricula_by_coverage(standards):
    report = build(qualification="Q-AUTO-3")
    (table,) = blocks(report, Table)
    assert table.rows == [
        {
            "code": "C-EV",
            "title": "หลักสูตรระยะสั้นยานยนต์ไฟฟ้า",
            "full": 3,
            "partial": 0,
            "none": 1,
            "percent": 75.0,
        },
        {
            "code": "C-PWC",
            "title": "ปวช. 2562 สาขาวิชาช่างยนต์",
            "full": 1,
            "partial": 1,
            "none": 2,
            "percent": 37.5,
        },
    ]
    assert [c.kind for c in table.columns][-4:] == ["int", "int", "int", "percent"]
    assert dict(blocks(report, Facts)[0].pairs) == {
        "จำนวนหน่วยสมรรถนะของคุณวุฒิ": "4",
        "จำนวนหลักสูตรที่เทียบเคียง": "2",
    }
    assert blocks(report, Note)


def test_a_qualification_no_curriculum_covers_gives_an_empty_table(standards):
    report = build(qualification="Q-OTHER")
    (table,) = blocks(report, Table)
    assert table.rows == []
    assert "ยังไม่มีหลักสูตร" in table.empty


def test_the_printouts_language_names_the_coverage(app, standards):
    values = {
        "curriculum": db.session.scalar(select(Curriculum).where(Curriculum.code == "C-PWC")),
        "qualification": db.session.scalar(
            select(Qualification).where(Qualification.code == "Q-AUTO-3")
        ),
    }
    coverage = {}
    for language in ("th", "en"):
        with app.test_request_context(), force_locale(language):
            (table,) = blocks(AlignmentReport().build(db.session, values, Viewer()), Table)
            coverage[language] = [str(row["coverage"]) for row in table.rows]
    assert coverage["th"] == ["เต็ม", "บางส่วน", "ไม่ครอบคลุม", "ไม่ครอบคลุม"]
    assert coverage["en"] == ["Full", "Partial", "Not covered", "Not covered"]

"""Targets and allocations: the figures equal the records, on screen as in print."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from helpers import build_with, page, text_of, thai
from sqlalchemy import select

from models import (
    Agency,
    AwardStatus,
    CollegeFieldGroup,
    Curriculum,
    ExcellenceField,
    ScholarshipAllocation,
    ScholarshipAward,
    ScholarshipProgramme,
    Student,
    Teacher,
    Training,
    TrainingAttendance,
    db,
)
from processes import targets
from reports.excellence import ExcellenceReport
from reports.scholarships import ScholarshipsReport
from thai.nid import make_national_id

AUTO, DIGI = "EF-AUTO", "EF-DIGI"
FY = 2568
AY = 2567
_serial = itertools.count(1)


# --------------------------------------------------------------------------- building records


def field(code: str) -> ExcellenceField:
    return db.session.scalar(select(ExcellenceField).where(ExcellenceField.code == code))


def programme(code: str) -> ScholarshipProgramme:
    return db.session.scalar(select(ScholarshipProgramme).where(ScholarshipProgramme.code == code))


def college(code: str, name: str | None = None) -> Agency:
    agency = Agency(code=code, name_th=name or f"วิทยาลัยทดสอบ {code}", kind="college")
    db.session.add(agency)
    return agency


def teachers(where: Agency | None, how_many: int) -> list[Teacher]:
    found = []
    for _ in range(how_many):
        n = next(_serial)
        found.append(
            Teacher(
                national_id=make_national_id(f"5{n:011d}"),
                first_name=f"ครู{n}",
                last_name="เป้าหมาย",
                college=where,
            )
        )
    db.session.add_all(found)
    return found


def training(of: ExcellenceField, start_on: dt.date, people, completed=True) -> Training:
    course = Training(title=f"อบรม {of.code} {start_on}", excellence_field=of, start_on=start_on)
    course.attendances = [TrainingAttendance(teacher=t, completed=completed) for t in people]
    db.session.add(course)
    return course


def curriculum(code: str, of: ExcellenceField | None, kind="teacher_development") -> None:
    db.session.add(Curriculum(code=code, title=f"หลักสูตร {code}", kind=kind, excellence_field=of))


def award(prog, where: Agency | None, year: int, status=AwardStatus.STUDYING) -> None:
    student = Student(
        id_type="g_code",
        id_value=f"G{next(_serial):012d}",
        first_name="นักเรียน",
        last_name="ทุนดี",
        college=where,
    )
    db.session.add(
        ScholarshipAward(student=student, programme=prog, start_year=year, status=status.value)
    )


def quota(prog, year: int, amount: int, where: Agency | None = None) -> None:
    db.session.add(
        ScholarshipAllocation(programme=prog, academic_year=year, college=where, quota=amount)
    )


@pytest.fixture
def fields(app, reference):
    """The automotive field with known counts in FY2568, and the digital one.

    Automotive: 2 teacher-development curricula and 1 other; 21 teachers trained in FY2568:
    20 at the expert college (two trainings, 5 of them in both: counted once), and one at a
    college in no group, trained on 30 Sep 2025 (the last day of FY2568). Not counted: a
    training on 1 Oct 2025 (FY2569), an incomplete attendance, 30 Sep 2024 (FY2567).
    Digital: no curriculum, 3 teachers (one of them trained in automotive too).
    """
    with app.app_context():
        auto, digi = field(AUTO), field(DIGI)
        expert, outside = college("C9001"), college("C9002")
        auto.hub_college = expert
        auto.college_groups.append(CollegeFieldGroup(college=expert, tier="expert"))
        curriculum("TD-A1", auto)
        curriculum("TD-A2", auto)
        curriculum("PWS-A", auto, kind="higher_vocational")
        group = teachers(expert, 20)
        late = teachers(outside, 1)
        training(auto, dt.date(2024, 10, 1), group[:15])
        training(auto, dt.date(2025, 3, 1), group[10:])
        training(auto, dt.date(2025, 9, 30), late)
        training(auto, dt.date(2025, 10, 1), teachers(expert, 3))
        training(auto, dt.date(2025, 5, 1), teachers(expert, 4), completed=False)
        training(auto, dt.date(2024, 9, 30), teachers(expert, 2))
        training(digi, dt.date(2025, 6, 1), [group[0], *teachers(None, 2)])
        db.session.commit()
        return {"expert": expert.id, "outside": outside.id}


@pytest.fixture
def allocations(app, reference):
    """AY2567: HVI split between colleges A (10) and B (5); B has 6 awards (one over), A 4
    (one dropped out, still counted), C no quota of its own but 2 awards (the quota is split
    among other colleges only: 0, over). The special-needs programme has a programme-wide
    quota of 4 and 5 awards at A (over by 1). PKS has no allocation but 1 award (no quota).
    """
    with app.app_context():
        a, b, c = college("T-A", "วิทยาลัยก"), college("T-B", "วิทยาลัยข"), college("T-C", "วิทยาลัยค")
        hvi, sn, pks = programme("SCH-HVI"), programme("SCH-HVI-SN"), programme("SCH-PKS")
        quota(hvi, AY, 10, a)
        quota(hvi, AY, 5, b)
        quota(sn, AY, 4)
        for status in ("studying", "studying", "graduated", "dropped_out"):
            award(hvi, a, AY, AwardStatus(status))
        for _ in range(6):
            award(hvi, b, AY)
        award(hvi, c, AY, AwardStatus.SUSPENDED)
        award(hvi, c, AY)
        for _ in range(5):
            award(sn, a, AY)
        award(pks, None, AY)
        # Other years: never counted in AY2567.
        quota(hvi, 2566, 99, a)
        award(hvi, a, 2566)
        award(hvi, b, 2568)
        db.session.commit()
        return {"A": a.id, "B": b.id, "C": c.id}


def by_code(found: list[targets.FieldTarget]) -> dict[str, targets.FieldTarget]:
    return {target.field.code: target for target in found}


def line_of(lines, programme_code: str, college_id=None, total=False):
    (line,) = [
        line
        for line in lines
        if line.programme.code == programme_code
        and line.programme_total == total
        and (total or (line.college.id if line.college else None) == college_id)
    ]
    return line


# --------------------------------------------------------------------------- field targets


def test_field_targets_equal_the_records_at_the_edges_of_the_year(app, fields):
    with app.app_context():
        found = by_code(targets.field_targets(db.session, FY))
        auto, digi = found[AUTO], found[DIGI]
        assert (auto.curricula, auto.other_curricula) == (2, 1)
        assert auto.teachers_trained == 21  # 20 once each, and the one of 30 Sep
        assert auto.by_group == {
            "excellence_center": 0,
            "expert": 20,
            "standard": 0,
            "no_group": 1,
        }
        assert (auto.curricula_short, auto.teachers_short, auto.below_target) == (0, 0, False)
        assert (digi.curricula, digi.teachers_trained) == (0, 3)
        assert (digi.curricula_short, digi.teachers_short, digi.below_target) == (1, 17, True)
        assert len(found) == 8 and all(t.fiscal_year == FY for t in found.values())
        # 1 Oct 2025 opens FY2569; 30 Sep 2024 closes FY2567.
        assert by_code(targets.field_targets(db.session, 2569))[AUTO].teachers_trained == 3
        assert by_code(targets.field_targets(db.session, 2567))[AUTO].teachers_trained == 2


def test_the_teachers_behind_the_count_are_the_ones_counted(app, fields):
    with app.app_context():
        auto = field(AUTO)
        listed = targets.trained_teachers(db.session, auto.id, FY)
        assert len(listed) == by_code(targets.field_targets(db.session, FY))[AUTO].teachers_trained
        trained_twice = [teacher for teacher, trainings in listed if len(trainings) == 2]
        assert len(trained_twice) == 5
        curricula = targets.field_curricula(db.session, auto.id)
        assert [c.code for c in curricula] == ["TD-A1", "TD-A2", "PWS-A"]


def test_the_excellence_report_prints_the_same_figures(app, fields):
    with app.app_context():
        report = build_with(ExcellenceReport(), db.session, {"fiscal_year": str(FY)})
        (table,) = [b for b in report.blocks if hasattr(b, "rows")]
        rows = {row["field"]: row for row in table.rows}
        for target in targets.field_targets(db.session, FY):
            row = rows[target.field.name_th]
            assert row["curricula"] == target.curricula
            assert row["teachers"] == target.teachers_trained
            assert {key: row[key] for key in target.by_group} == target.by_group
            index = list(rows).index(target.field.name_th)
            assert (table.marks.get(index) == "short") == target.below_target


def test_the_default_fiscal_year_is_the_latest_with_trainings(app, fields):
    with app.app_context():
        assert targets.default_fiscal_year(db.session) == 2569
        assert targets.training_fiscal_years(db.session) == [2569, 2568, 2567]


# --------------------------------------------------------------------------- allocations


def test_allocation_lines_equal_the_records(app, allocations):
    with app.app_context():
        lines = targets.programme_allocations(db.session, AY)
        hvi = line_of(lines, "SCH-HVI", total=True)
        assert (hvi.quota, hvi.awarded, hvi.over) == (15, 12, False)
        a = line_of(lines, "SCH-HVI", allocations["A"])
        assert (a.quota, a.awarded, a.remaining, a.over) == (10, 4, 6, False)
        assert a.statuses["dropped_out"] == 1  # still counted against the quota
        b = line_of(lines, "SCH-HVI", allocations["B"])
        assert (b.quota, b.awarded, b.over, b.excess) == (5, 6, True, 1)
        c = line_of(lines, "SCH-HVI", allocations["C"])
        assert (c.quota, c.awarded, c.over, c.blank_because) == (0, 2, True, None)
        # A programme-wide quota: the college draws on the pool, the programme is over.
        sn = line_of(lines, "SCH-HVI-SN", total=True)
        assert (sn.quota, sn.awarded, sn.over, sn.excess) == (4, 5, True, 1)
        sn_a = line_of(lines, "SCH-HVI-SN", allocations["A"])
        assert (sn_a.quota, sn_a.blank_because, sn_a.over) == (None, targets.POOLED, False)
        # No allocation recorded: no quota, never over; a student without a college.
        pks = line_of(lines, "SCH-PKS", total=True)
        assert (pks.quota, pks.blank_because, pks.awarded, pks.over) == (
            None,
            targets.NO_QUOTA,
            1,
            False,
        )
        assert line_of(lines, "SCH-PKS", None).college is None
        assert [line.programme.code for line in targets.over_allocated(lines)] == ["SCH-HVI-SN"]
        # Every status counts against the quota.
        assert targets.COUNTED_STATUSES == {s.value for s in AwardStatus}


def test_allocation_lines_come_in_programme_then_college_order(app, allocations):
    with app.app_context():
        lines = targets.programme_allocations(db.session, AY)
        ids = [line.programme.id for line in lines]
        assert ids == sorted(ids)
        shape = {}
        for line in lines:
            shape.setdefault(line.programme.code, []).append(
                "total" if line.programme_total else (line.college.code if line.college else None)
            )
        assert shape == {
            "SCH-HVI": ["total", "T-A", "T-B", "T-C"],
            "SCH-HVI-SN": ["total", "T-A"],
            "SCH-PKS": ["total", None],
        }
        assert targets.programme_allocations(db.session, 2590) == []


def test_the_scholarships_report_prints_the_same_figures(app, allocations):
    with app.app_context():
        report = build_with(ScholarshipsReport(), db.session, {"academic_year": str(AY)})
        table = next(b for b in report.blocks if hasattr(b, "rows"))
        lines = targets.programme_allocations(db.session, AY)
        assert len(table.rows) == len(lines)
        for row, line in zip(table.rows, lines, strict=True):
            assert (row["allocation"], row["awards"], row["remaining"]) == (
                line.quota,
                line.awarded,
                line.remaining,
            )
        over_rows = {i for i, mark in table.marks.items() if mark == "short"}
        assert over_rows == {
            i for i, line in enumerate(lines) if line.over and not line.programme_total
        }


def test_the_default_academic_year_is_the_latest_with_data(app, allocations):
    with app.app_context():
        assert targets.default_academic_year(db.session) == 2568
        assert targets.allocation_years(db.session) == [2568, 2567, 2566]


# --------------------------------------------------------------------------- the screen


def listed(client, url: str) -> int:
    """How many records a list page shows."""
    tree = page(client.get(url))
    table = '//table[contains(@class, "model-list")]'
    return len(tree.xpath(f'{table}//tr[td[contains(@class, "list-buttons-column")]]'))


def cells(tree, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


def test_the_screen_shows_each_fields_counts_and_shortfall(app, viewer_client, fields):
    response = viewer_client.get(f"/admin/targets/?fy={FY}")
    assert response.status_code == 200
    tree = page(response)
    auto = tree.xpath(f'//table[@id="field-targets"]//tr[@data-field="{AUTO}"]')[0]
    digi = tree.xpath(f'//table[@id="field-targets"]//tr[@data-field="{DIGI}"]')[0]
    assert cells(auto, './td[contains(@class, "curricula")]//a') == ["2"]
    assert cells(auto, './td[contains(@class, "teachers")]//a') == ["21"]
    assert cells(auto, './td[contains(@class, "group-expert")]') == ["20"]
    assert "below-target" not in auto.get("class")
    assert "below-target" in digi.get("class")
    assert cells(digi, './td[contains(@class, "teachers") and contains(@class, "short")]') == ["3"]
    assert cells(digi, './td[contains(@class, "curricula") and contains(@class, "short")]') == ["0"]
    result = " ".join(cells(digi, './td[@class="result"]'))
    assert thai(app, "%(count)s teachers short", count="17") in result
    assert thai(app, "%(count)s curricula short", count="1") in result
    summary = " ".join(cells(tree, '//*[@id="fields-summary"]'))
    assert thai(app, "%(count)s of %(total)s fields below target", count="7", total="8") in summary


def test_a_fields_counts_link_to_the_records_counted(app, viewer_client, fields):
    tree = page(viewer_client.get(f"/admin/targets/?fy={FY}"))
    auto = tree.xpath(f'//table[@id="field-targets"]//tr[@data-field="{AUTO}"]')[0]
    (teachers_link,) = auto.xpath('./td[contains(@class, "teachers")]//a/@href')
    (curricula_link,) = auto.xpath('./td[contains(@class, "curricula")]//a/@href')
    detail = page(viewer_client.get(teachers_link))
    assert len(detail.xpath('//table[@id="teachers-list"]/tbody/tr')) == 21
    assert cells(detail, '//*[@id="teachers-count"]') == ["21"]
    detail = page(viewer_client.get(curricula_link))
    rows = detail.xpath('//table[@id="curricula-list"]/tbody/tr')
    assert [r.get("class") for r in rows] == ["counted", "counted", "not-counted"]


def test_the_screen_flags_over_allocation_and_links_to_the_awards(app, viewer_client, allocations):
    response = viewer_client.get(f"/admin/targets/?ay={AY}")
    tree = page(response)
    table = tree.xpath('//table[@id="allocation-lines"]')[0]
    b = table.xpath('.//tr[@data-programme="SCH-HVI" and @data-college="T-B"]')[0]
    assert "over" in b.get("class")
    assert cells(b, './td[contains(@class, "quota")]') == ["5"]
    assert cells(b, './td[contains(@class, "awarded")]') == ["6"]
    assert thai(app, "Over allocation by %(count)s", count="1") in " ".join(cells(b, "./td"))
    a = table.xpath('.//tr[@data-programme="SCH-HVI" and @data-college="T-A"]')[0]
    assert "over" not in a.get("class")
    sn = table.xpath('.//tr[@data-programme="SCH-HVI-SN" and contains(@class, "programme-row")]')
    assert "over" in sn[0].get("class")
    pooled = table.xpath('.//tr[@data-programme="SCH-HVI-SN" and @data-college="T-A"]')[0]
    assert thai(app, "Draws on the programme-wide quota") in " ".join(cells(pooled, "./td"))
    assert cells(tree, '//*[@id="over-programmes"]') == [
        thai(app, "%(count)s programmes over allocation", count="1")
    ]
    assert cells(tree, '//*[@id="over-colleges"]') == [
        thai(app, "%(count)s colleges over allocation", count="2")
    ]
    # The awards count opens the award list filtered to that college's awards of the year.
    (awards_link,) = b.xpath('./td[contains(@class, "awarded")]//a/@href')
    assert listed(viewer_client, awards_link) == 6
    (quota_link,) = b.xpath('./td[contains(@class, "quota")]//a/@href')
    assert listed(viewer_client, quota_link) == 1
    programme_row = table.xpath(
        './/tr[@data-programme="SCH-HVI" and contains(@class, "programme-row")]'
    )[0]
    (awards_link,) = programme_row.xpath('./td[contains(@class, "awarded")]//a/@href')
    assert listed(viewer_client, awards_link) == 12


def test_the_screen_defaults_to_the_latest_years_with_data(app, viewer_client, fields, allocations):
    tree = page(viewer_client.get("/admin/targets/"))
    assert tree.xpath('//select[@id="fy"]/option[@selected]/@value') == ["2569"]
    assert tree.xpath('//select[@id="ay"]/option[@selected]/@value') == ["2568"]


@pytest.mark.parametrize("query", ["fy=abc", "fy=99999", "ay=-1", "fy=2568&ay=%E0%B8%81"])
def test_a_year_that_is_not_a_year_shows_the_default_and_says_so(viewer_client, reference, query):
    response = viewer_client.get(f"/admin/targets/?{query}")
    assert response.status_code == 200
    assert page(response).xpath('//*[@id="bad-year"]')


def test_an_unknown_field_is_not_found(viewer_client, reference):
    assert viewer_client.get("/admin/targets/field/99999/").status_code == 404


def test_the_screen_is_thai_by_default_and_in_the_reports_menu(app, viewer_client, reference):
    response = viewer_client.get("/admin/targets/")
    text = text_of(response)
    assert thai(app, "Targets and allocations") in text
    menu = page(response).xpath('//a[contains(@href, "/admin/targets/")]')
    assert menu
    viewer_client.get("/lang/en")
    assert "Targets and allocations" in text_of(viewer_client.get("/admin/targets/"))

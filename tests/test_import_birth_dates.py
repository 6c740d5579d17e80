"""A teacher's birth date that parses but makes no sense is a row error naming the value.

C5201 (Lampang Polytechnic) is in the reference data."""

from __future__ import annotations

import datetime as dt

import pytest

import models
from importers import import_file
from models import Teacher, db
from thai.dates import format_be

HEADERS = "เลขประจำตัวประชาชน,คำนำหน้า,ชื่อ,นามสกุล,สถานศึกษา,วันเกิด"
NIDS = ("3100100000006", "1101700207030", "3101200112341", "1100400053210")


def years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


def roster(*births: str) -> bytes:
    lines = [HEADERS]
    for nid, birth in zip(NIDS, births, strict=False):
        lines.append(f"{nid},นาย,ศานนท์,ศรีสุข,C5201,{birth}")
    return "\n".join(lines).encode()


def numeric_be(day: dt.date) -> str:
    return format_be(day, style="numeric")


@pytest.mark.usefixtures("reference")
def test_ages_15_and_80_pass_a_day_outside_fails_naming_the_value(app):
    today = models.today()
    youngest = years_before(today, 15)
    oldest = years_before(today, 81) + dt.timedelta(days=1)
    too_young = youngest + dt.timedelta(days=1)
    too_old = oldest - dt.timedelta(days=1)
    births = [numeric_be(d) for d in (youngest, oldest, too_young, too_old)]
    with app.app_context():
        result = import_file("teachers", roster(*births), "r.csv", db.session, skip_invalid=True)
        problems = {p.row: p for p in result.problems}
        assert sorted(problems) == [4, 5]
        assert problems[4].column == "วันเกิด"
        assert f'"{births[2]}"' in problems[4].message and "อายุ 14 ปี" in problems[4].message
        assert f'"{births[3]}"' in problems[5].message and "อายุ 81 ปี" in problems[5].message
        assert result.written
        stored = sorted(db.session.scalars(db.select(Teacher.birth_date)))
        assert stored == sorted([youngest, oldest])


@pytest.mark.usefixtures("reference")
def test_a_birth_date_typed_in_the_wrong_era_is_refused_and_nothing_written(app):
    with app.app_context():
        result = import_file("teachers", roster("24/01/2028"), "r.csv", db.session)
        (problem,) = result.problems
        assert problem.row == 2 and '"24/01/2028"' in problem.message
        assert not result.written
        assert db.session.scalar(db.select(db.func.count(Teacher.id))) == 0

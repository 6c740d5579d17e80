"""The award start-year rule through a scholarship import: from 2550 to the coming year.

ปีการศึกษา parses from 2500 to 2700; the plausibility rule then accepts an award starting
from academic year 2550 up to the coming academic year (the one after the current one,
against the day of the import), and a rejection quotes the year as the sender wrote it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import STUDENT_NID, THAI, count
from sqlalchemy import select

import models
from importers import import_file
from importers.plausible import coming_academic_year
from importers.scholarships import ScholarshipImporter
from models import ScholarshipAward, db

HEADER = "เลขประจำตัวประชาชน,คำนำหน้า,ชื่อ,นามสกุล,สถานศึกษา,ทุน,ปีการศึกษา,ระดับ,สาขาวิชา,สถานะ\n"
PROGRAMME = "ทุนนวัตกรรมสายอาชีพชั้นสูง"


def award_file(*years: str) -> bytes:
    """One award row per year for the same student (each year its own award)."""
    lines = [
        f"{STUDENT_NID},นางสาว,จุลลดา,เรียนดี,C5201,{PROGRAMME},{year},ปวส.,ช่างยนต์,กำลังศึกษา"
        for year in years
    ]
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def run(*years: str):
    return import_file("scholarships", award_file(*years), "awards.csv", db.session)


def stored_years() -> list[int]:
    return sorted(db.session.scalars(select(ScholarshipAward.start_year)))


@pytest.fixture
def today(monkeypatch):
    """Import as if on the given day: set_today(date)."""

    def set_today(day: dt.date) -> None:
        original = ScholarshipImporter.__init__

        def init(self, *args, **kwargs):
            original(self, *args, **kwargs)
            self.today = day

        monkeypatch.setattr(ScholarshipImporter, "__init__", init)

    return set_today


# --------------------------------------------------------------------------- the earliest year


def test_2550_is_accepted(records, app):
    with app.app_context():
        result = run("2550")
        assert result.counts["new"] == 1
        assert not result.problems
        assert result.written
        assert stored_years() == [2550]


def test_2549_is_rejected_naming_the_year_as_written(records, app):
    with app.app_context():
        result = run("2549")
        assert count(app, ScholarshipAward) == 0
    assert not result.written
    (problem,) = result.problems
    assert (problem.row, problem.column) == (2, "ปีการศึกษา")
    assert THAI.search(problem.message)
    assert '"2549"' in problem.message
    assert "2550" in problem.message  # the accepted range


@pytest.mark.parametrize(
    ("written", "year"),
    [
        ("๒๕๔๙", 2549),  # Thai digits: quoted as typed, not as Arabic digits
        ("ปีการศึกษา 2549", 2549),
        ("2006", 2549),  # a CE year: quoted as typed, and given in BE
        ("49", 2549),
    ],
)
def test_a_year_before_2550_is_quoted_as_the_sender_wrote_it(records, app, written, year):
    with app.app_context():
        result = run(written)
    (problem,) = result.problems
    assert problem.column == "ปีการศึกษา"
    assert f'"{written}"' in problem.message
    assert f"พ.ศ. {year}" in problem.message


def test_only_the_row_of_the_implausible_year_is_rejected(records, app):
    with app.app_context():
        result = run("2549", "2550", "2566")
    assert [(p.row, p.column) for p in result.problems] == [(2, "ปีการศึกษา")]
    assert result.counts == {"new": 2, "updated": 0, "unchanged": 0, "rejected": 1}


def test_the_year_is_judged_once_for_every_row_holding_it(records, app):
    """The same cell on two rows (two awards of one year): both rows are told."""
    content = (
        HEADER
        + f"{STUDENT_NID},นางสาว,จุลลดา,เรียนดี,C5201,{PROGRAMME},2549,ปวส.,ช่างยนต์,\n"
        + f"{STUDENT_NID},นางสาว,จุลลดา,เรียนดี,C5201,SCH-HVI-SN,2549,ปวส.,ช่างยนต์,\n"
    ).encode("utf-8")
    with app.app_context():
        result = import_file("scholarships", content, "awards.csv", db.session)
    assert [(p.row, p.column) for p in result.problems] == [(2, "ปีการศึกษา"), (3, "ปีการศึกษา")]


# --------------------------------------------------------------------------- the latest year


def test_the_coming_academic_year_is_accepted_the_one_after_rejected(records, app):
    """Against the real day of the import."""
    coming = coming_academic_year(models.today())
    with app.app_context():
        accepted = run(str(coming))
        assert accepted.counts["new"] == 1
        assert not accepted.problems
        assert stored_years() == [coming]
        rejected = run(str(coming + 1))
        assert stored_years() == [coming]
    (problem,) = rejected.problems
    assert (problem.row, problem.column) == (2, "ปีการศึกษา")
    assert f'"{coming + 1}"' in problem.message
    assert str(coming) in problem.message  # the latest accepted year


@pytest.mark.parametrize(
    ("day", "coming"),
    [
        (dt.date(2025, 2, 3), 2568),  # academic year 2567 runs to 15 May 2025
        (dt.date(2025, 5, 15), 2568),  # its last day
        (dt.date(2025, 5, 16), 2569),  # 2568 begins: 2569 is the coming year
        (dt.date(2025, 12, 31), 2569),
    ],
)
def test_the_latest_year_follows_the_day_of_the_import(records, app, today, day, coming):
    today(day)
    with app.app_context():
        result = run(str(coming), str(coming + 1))
    assert result.rows[0].ok
    assert [(p.row, p.column) for p in result.problems] == [(3, "ปีการศึกษา")]
    assert f'"{coming + 1}"' in result.problems[0].message


def test_a_year_outside_what_parses_is_told_once(records, app):
    """2400 is refused by the cell parser; the plausibility rule adds nothing to it."""
    with app.app_context():
        result = run("2400")
    (problem,) = result.problems
    assert problem.column == "ปีการศึกษา"
    assert "2400" in problem.message

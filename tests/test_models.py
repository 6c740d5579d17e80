"""The database keeps records whole: unique keys, required values, CHECKs, MOU status."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError

import models
from models import (
    Agency,
    CompetencyUnit,
    Mou,
    MouParty,
    MouStatus,
    Placement,
    PlacementRound,
    Qualification,
    ScholarshipAllocation,
    ScholarshipProgramme,
    Student,
    Teacher,
    User,
    db,
    mou_status,
)
from thai.nid import make_national_id

TODAY = models.today()
DAY = dt.timedelta(days=1)


@pytest.fixture
def session(app):
    """Return the database session inside an app context."""
    with app.app_context():
        yield db.session


def agency(code: str, kind: str = "establishment", **values) -> Agency:
    return Agency(code=code, name_th=values.pop("name_th", f"หน่วยงาน {code}"), kind=kind, **values)


def teacher(national_id: str, **values) -> Teacher:
    return Teacher(national_id=national_id, first_name="สมชาย", last_name="ใจดี", **values)


def commit_fails(session, *records) -> IntegrityError:
    """Add records, expect the commit to be refused, and leave the session usable."""
    session.add_all(records)
    with pytest.raises(IntegrityError) as refused:
        session.commit()
    session.rollback()
    return refused.value


def refused_by(error: IntegrityError, constraint: str) -> bool:
    """Whether the database named this kind of constraint: SQLite says "UNIQUE constraint
    failed", PostgreSQL "violates unique constraint" (and "not-null" for NOT NULL)."""
    return constraint in str(error.orig).lower().replace("-", " ")


# --------------------------------------------------------------------------- unique keys


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (lambda: agency("X1"), lambda: agency("X1", name_th="อีกแห่งหนึ่ง")),
        (lambda: agency("X1"), lambda: agency("X2", name_th="หน่วยงาน X1")),
        (
            lambda: Mou(ref_no="MOU-1", title="ก", signed_on=TODAY),
            lambda: Mou(ref_no="MOU-1", title="ข", signed_on=TODAY),
        ),
        (lambda: teacher("3100100000014"), lambda: teacher("3100100000014")),
        (
            lambda: CompetencyUnit(code="ECM-ZZZ-5-011ZA", title="ก"),
            lambda: CompetencyUnit(code="ECM-ZZZ-5-011ZA", title="ข"),
        ),
        (
            lambda: Qualification(code="Q1", title="ก", level=3),
            lambda: Qualification(code="Q1", title="ข", level=4),
        ),
        (
            lambda: User(email="a@example.go.th", password_hash="x"),
            lambda: User(email="a@example.go.th", password_hash="y"),
        ),
        (
            lambda: Student(
                id_value="G644200000001", id_type="g_code", first_name="ก", last_name="ข"
            ),
            lambda: Student(
                id_value="G644200000001", id_type="g_code", first_name="ค", last_name="ง"
            ),
        ),
    ],
    ids=[
        "agency code",
        "agency Thai name",
        "MOU ref_no",
        "teacher national ID",
        "unit code",
        "qualification code",
        "user e-mail",
        "student identifier",
    ],
)
def test_duplicate_natural_key_is_refused(session, first, second):
    session.add(first())
    session.commit()
    error = commit_fails(session, second())
    assert refused_by(error, "unique")
    assert session.scalar(select(db.func.count()).select_from(type(first()))) == 1


def test_an_agency_is_a_party_to_an_mou_only_once(session):
    a, b = agency("A"), agency("B")
    mou = Mou(ref_no="MOU-1", title="ก", signed_on=TODAY)
    mou.parties = [MouParty(agency=a), MouParty(agency=b)]
    session.add(mou)
    session.commit()
    commit_fails(session, MouParty(mou=mou, agency=a))
    assert len(session.get(Mou, mou.id).parties) == 2


def test_allocation_per_programme_year_and_college_is_unique(session):
    programme = ScholarshipProgramme(code="P", name_th="ทุน")
    college = agency("C", kind="college")
    session.add(
        ScholarshipAllocation(programme=programme, academic_year=2566, college=college, quota=5)
    )
    session.commit()
    commit_fails(
        session,
        ScholarshipAllocation(programme=programme, academic_year=2566, college=college, quota=9),
    )


# --------------------------------------------------------------------------- required values


@pytest.mark.parametrize(
    "make",
    [
        lambda: Agency(code="X", kind="ministry"),  # no Thai name
        lambda: Agency(name_th="ก", kind="ministry"),  # no code
        lambda: Mou(ref_no="M", title="ก"),  # no signing date
        lambda: Qualification(code="Q", title="ก"),  # no level
        lambda: Teacher(first_name="ก", last_name="ข"),  # no national ID
        lambda: PlacementRound(fiscal_year=2569, title="ก"),  # no deadline
    ],
    ids=["agency name", "agency code", "MOU signed_on", "level", "national ID", "deadline"],
)
def test_required_value_is_refused_when_missing(session, make):
    error = commit_fails(session, make())
    assert refused_by(error, "not null")


# --------------------------------------------------------------------------- CHECK constraints


def test_mou_may_not_end_before_it_was_signed(session):
    commit_fails(session, Mou(ref_no="M", title="ก", signed_on=TODAY, expires_on=TODAY - DAY))
    session.add(Mou(ref_no="M", title="ก", signed_on=TODAY, expires_on=TODAY))
    session.commit()


@pytest.mark.parametrize(("level", "allowed"), [(0, False), (1, True), (8, True), (9, False)])
def test_qualification_level_is_1_to_8(session, level, allowed):
    record = Qualification(code="Q", title="ก", level=level)
    if allowed:
        session.add(record)
        session.commit()
        assert session.get(Qualification, record.id).level == level
    else:
        assert "level_range" in str(commit_fails(session, record).orig)


@pytest.mark.parametrize("national_id", ["310010000001", "31001000000140", ""])
def test_teacher_national_id_has_13_characters(session, national_id):
    session.add(teacher(national_id))
    # The CHECK refuses it; a longer value PostgreSQL's VARCHAR(13) refuses even before.
    with pytest.raises((IntegrityError, DataError)) as refused:
        session.commit()
    session.rollback()
    said = str(refused.value.orig)
    assert "national_id_length" in said or "value too long" in said


@pytest.mark.parametrize(
    "make",
    [
        lambda: agency("X", kind="company"),
        lambda: Student(id_type="passport", id_value="AA1", first_name="ก", last_name="ข"),
        lambda: Student(id_value="1", level="university", first_name="ก", last_name="ข"),
        lambda: User(email="u@example.go.th", password_hash="x", role="superuser"),
    ],
    ids=["agency kind", "student identifier type", "student level", "user role"],
)
def test_enumeration_value_outside_its_list_is_refused(session, make):
    assert "_valid" in str(commit_fails(session, make()).orig)


def test_placement_status_and_test_result_are_checked(session):
    session.add(PlacementRound(fiscal_year=2568, title="ก", application_deadline=TODAY))
    session.add(teacher(make_national_id("310010000001")))
    session.commit()
    keys = {"round_id": 1, "teacher_id": 1}
    commit_fails(session, Placement(**keys, status="finished"))
    commit_fails(session, Placement(**keys, test_result="maybe"))
    session.add(Placement(**keys, status="tested", test_result="passed"))
    session.commit()


def test_fiscal_year_is_a_buddhist_era_year(session):
    commit_fails(session, PlacementRound(fiscal_year=2025, title="ก", application_deadline=TODAY))


def test_a_party_agency_in_use_cannot_be_deleted(session):
    a, b = agency("A"), agency("B")
    mou = Mou(
        ref_no="M", title="ก", signed_on=TODAY, parties=[MouParty(agency=a), MouParty(agency=b)]
    )
    session.add(mou)
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(db.delete(Agency).where(Agency.id == a.id))
    session.rollback()
    # Deleting the MOU takes its party rows with it.
    session.delete(session.get(Mou, mou.id))
    session.commit()
    assert session.scalar(select(db.func.count()).select_from(MouParty)) == 0


# --------------------------------------------------------------------------- MOU status

STATUS_CASES = [
    (None, MouStatus.OPEN_ENDED),
    (TODAY - DAY, MouStatus.EXPIRED),
    (TODAY - 400 * DAY, MouStatus.EXPIRED),
    (TODAY, MouStatus.EXPIRING),
    (TODAY + 30 * DAY, MouStatus.EXPIRING),
    (TODAY + 90 * DAY, MouStatus.EXPIRING),
    (TODAY + 91 * DAY, MouStatus.ACTIVE),
    (TODAY + 3 * 365 * DAY, MouStatus.ACTIVE),
]


def test_mou_status_property():
    for expires_on, status in STATUS_CASES:
        mou = Mou(ref_no="M", title="ก", signed_on=TODAY - 500 * DAY, expires_on=expires_on)
        assert mou.status == status.value, expires_on


def test_mou_status_sql_filter_matches_the_property(session):
    for number, (expires_on, _status) in enumerate(STATUS_CASES):
        session.add(
            Mou(
                ref_no=f"M{number}",
                title="ก",
                signed_on=TODAY - 500 * DAY,
                expires_on=expires_on,
            )
        )
    session.commit()
    for status in MouStatus:
        found = set(session.scalars(select(Mou.ref_no).where(Mou.status == status.value)))
        expected = {f"M{n}" for n, (_e, s) in enumerate(STATUS_CASES) if s == status}
        assert found == expected, status
    for mou in session.scalars(select(Mou)):
        assert mou.status in {s.value for s in MouStatus}


def test_mou_status_on_a_given_day():
    end = dt.date(2025, 3, 31)
    assert mou_status(end, on=dt.date(2025, 1, 1)) == "expiring"
    assert mou_status(end, on=dt.date(2024, 12, 31)) == "expiring"  # 90 days ahead
    assert mou_status(end, on=dt.date(2024, 12, 30)) == "active"
    assert mou_status(end, on=end) == "expiring"
    assert mou_status(end, on=dt.date(2025, 4, 1)) == "expired"


def test_str_is_what_staff_read(app):
    mou = Mou(ref_no="MOU-2565-014", title="EWE", signed_on=dt.date(2022, 9, 14))
    assert str(mou) == "MOU-2565-014 EWE"
    qualification = Qualification(code="Q1", title="ช่างยนต์", level=3)
    with app.test_request_context():
        assert str(qualification) == "Q1 ช่างยนต์ (ระดับ 3)"
        with force_locale("en"):
            assert str(qualification) == "Q1 ช่างยนต์ (level 3)"
    assert str(PlacementRound(fiscal_year=2568)) == "ปีงบประมาณ 2568"
    assert str(teacher("1", prefix="นาย")) == "นายสมชาย ใจดี"

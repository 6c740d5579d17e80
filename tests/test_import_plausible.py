"""Plausibility rules: every edge of every accepted range, and messages that name the value."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import plausible
from importers.plausible import (
    age_on,
    award_start_year,
    birth_date,
    coming_academic_year,
    mou_date,
    placement_date,
)
from thai.dates import fiscal_year, format_be, parse_date

THAI = re.compile("[\u0e01-\u0e4f]")
FAST = settings(max_examples=200, deadline=None, database=None)
TODAY = date(2025, 2, 3)  # 3 ก.พ. 2568


def numeric(d: date) -> str:
    """The date as a Thai sender types it: 24/01/2528."""
    return format_be(d, "numeric")


def years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def check(message: str | None, raw: str) -> str:
    """A rejection is Thai and quotes the value exactly as the sender wrote it."""
    assert message is not None
    assert THAI.search(message)
    assert f'"{raw}"' in message
    return message


# --------------------------------------------------------------------------- birth dates


def test_the_example_message() -> None:
    message = birth_date("24/01/2400", parse_date("24/01/2400"), TODAY)
    assert message == (
        'วันเกิด "24/01/2400" ทำให้อายุ 168 ปี ซึ่งไม่น่าเป็นไปได้ '
        "(ต้องอายุ 15–80 ปี คือเกิดระหว่าง 4 ก.พ. 2487 ถึง 3 ก.พ. 2553)"
    )


def test_exactly_15_today_passes_one_day_less_fails() -> None:
    fifteenth = date(2010, 2, 3)
    assert birth_date(numeric(fifteenth), fifteenth, TODAY) is None
    day_later = fifteenth + timedelta(days=1)
    message = check(birth_date(numeric(day_later), day_later, TODAY), "04/02/2553")
    assert "อายุ 14 ปี" in message


def test_exactly_80_passes_81_fails() -> None:
    eightieth = date(1945, 2, 3)
    assert birth_date(numeric(eightieth), eightieth, TODAY) is None
    # The day before the 81st birthday is still 80 years old.
    oldest = date(1944, 2, 4)
    assert birth_date(numeric(oldest), oldest, TODAY) is None
    eighty_first = date(1944, 2, 3)
    message = check(birth_date("03/02/2487", eighty_first, TODAY), "03/02/2487")
    assert "อายุ 81 ปี" in message
    assert "4 ก.พ. 2487" in message  # the earliest accepted birth date, in BE


def test_the_message_gives_the_range_in_be() -> None:
    message = birth_date("2028-01-24", date(2028, 1, 24), TODAY)
    check(message, "2028-01-24")
    assert "15–80 ปี" in message
    assert "4 ก.พ. 2487 ถึง 3 ก.พ. 2553" in message


def test_a_birth_date_in_the_future_is_named_so() -> None:
    message = check(birth_date("24/01/2571", date(2028, 1, 24), TODAY), "24/01/2571")
    assert "อนาคต" in message
    tomorrow = TODAY + timedelta(days=1)
    assert "อนาคต" in check(birth_date("x", tomorrow, TODAY), "x")
    assert "อายุ 0 ปี" in check(birth_date("03/02/2568", TODAY, TODAY), "03/02/2568")


def test_ce_typed_as_be_is_caught() -> None:
    # CE is read as CE, so "24/01/1985" is fine; "24/01/2028" typed for 2528 parses as
    # CE 2028 and is caught.
    assert birth_date("24/01/1985", parse_date("24/01/1985"), TODAY) is None
    check(birth_date("24/01/2028", parse_date("24/01/2028"), TODAY), "24/01/2028")
    # 543 years too early (a BE date cell stored as CE, the old bug) is caught too.
    check(birth_date("24/01/1442", date(1442, 1, 24), TODAY), "24/01/1442")


def test_blank_is_not_judged() -> None:
    assert birth_date("", None, TODAY) is None


def test_a_datetime_value_is_judged_by_its_day() -> None:
    assert birth_date("03/02/2553 00:00", datetime(2010, 2, 3), TODAY) is None
    assert birth_date("04/02/2553 00:00", datetime(2010, 2, 4), TODAY) is not None


def test_a_leap_day_birthday() -> None:
    born = date(2008, 2, 29)
    # In 2023 (no 29 Feb) the 15th birthday is counted on 1 Mar.
    assert age_on(born, date(2023, 2, 28)) == 14
    assert age_on(born, date(2023, 3, 1)) == 15
    assert birth_date("29/02/2551", born, date(2023, 2, 28)) is not None
    assert birth_date("29/02/2551", born, date(2023, 3, 1)) is None
    assert birth_date("29/02/2551", born, date(2024, 2, 29)) is None  # 16


def test_today_a_leap_day() -> None:
    today = date(2024, 2, 29)
    assert birth_date("a", date(2009, 2, 28), today) is None  # 15 today
    assert birth_date("a", date(2009, 3, 1), today) is not None  # 14
    assert birth_date("a", date(1944, 2, 29), today) is None  # 80 today
    assert birth_date("a", date(1943, 3, 1), today) is None  # 80, 81 tomorrow
    assert birth_date("a", date(1943, 2, 28), today) is not None  # 81
    message = birth_date("a", date(1943, 2, 28), today)
    assert "1 มี.ค. 2486 ถึง 28 ก.พ. 2552" in message


@FAST
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
)
def test_birth_date_accepts_exactly_the_ages_15_to_80(born: date, today: date) -> None:
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    message = birth_date(numeric(born), born, today)
    assert (message is None) == (15 <= years <= 80)
    if message is not None:
        check(message, numeric(born))


@FAST
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_the_range_in_the_message_is_the_accepted_range(today: date) -> None:
    earliest = years_before(today, 81) + timedelta(days=1)
    latest = years_before(today, 15)
    assert birth_date("a", earliest, today) is None
    assert birth_date("a", latest, today) is None
    assert birth_date("a", earliest - timedelta(days=1), today) is not None
    message = birth_date("a", latest + timedelta(days=1), today)
    assert f"{format_be(earliest)} ถึง {format_be(latest)}" in message


# --------------------------------------------------------------------------- placements


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (date(2024, 9, 30), False),  # last day of FY2567
        (date(2024, 10, 1), True),  # first day of FY2568
        (date(2025, 3, 8), True),
        (date(2025, 9, 30), True),
        (date(2025, 10, 1), True),  # FY2569, the year after: the post report
        (date(2026, 9, 30), True),  # last day of FY2569
        (date(2026, 10, 1), False),  # FY2570
    ],
)
def test_placement_dates_fall_in_the_round_year_or_the_next(value: date, ok: bool) -> None:
    raw = numeric(value)
    message = placement_date(raw, value, 2568)
    if ok:
        assert message is None
    else:
        check(message, raw)
        assert "1 ต.ค. 2567 ถึง 30 ก.ย. 2569" in message
        assert "2568" in message


def test_placement_date_message() -> None:
    assert placement_date("08/03/2025", date(1482, 3, 8), 2568) == (
        'วันที่ "08/03/2025" (8 มี.ค. 2025) อยู่นอกช่วงของรอบปีงบประมาณ 2568 '
        "(ต้องอยู่ระหว่าง 1 ต.ค. 2567 ถึง 30 ก.ย. 2569 คือปีงบประมาณ 2568 หรือ 2569)"
    )


def test_placement_date_takes_datetimes_and_blanks() -> None:
    assert placement_date("x", datetime(2025, 3, 8, 9, 0), 2568) is None
    assert placement_date("", None, 2568) is None


@FAST
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.integers(2545, 2640))
def test_placement_date_agrees_with_the_fiscal_year(value: date, fy: int) -> None:
    assert (placement_date("x", value, fy) is None) == (fiscal_year(value) in (fy, fy + 1))


# --------------------------------------------------------------------------- MOUs


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (date(1956, 12, 31), False),  # 31 ธ.ค. 2499
        (date(1957, 1, 1), True),  # 1 ม.ค. 2500
        (date(2022, 9, 14), True),
        (date(2045, 2, 3), True),  # exactly 20 years after today
        (date(2045, 2, 4), False),
    ],
)
def test_mou_dates_from_2500_to_20_years_ahead(value: date, ok: bool) -> None:
    raw = numeric(value)
    message = mou_date(raw, value, TODAY)
    if ok:
        assert message is None
    else:
        check(message, raw)
        assert "1 ม.ค. 2500 ถึง 3 ก.พ. 2588" in message


def test_mou_date_message_and_blank() -> None:
    assert mou_date("14 กันยายน 2065", date(2065, 9, 14), TODAY) == (
        'วันที่ "14 กันยายน 2065" (14 ก.ย. 2608) ไม่น่าเป็นไปได้สำหรับบันทึกข้อตกลง '
        "(ต้องอยู่ระหว่าง 1 ม.ค. 2500 ถึง 3 ก.พ. 2588)"
    )
    assert mou_date("", None, TODAY) is None


def test_mou_twenty_years_from_a_leap_day() -> None:
    today = date(2024, 2, 29)
    assert mou_date("a", date(2044, 2, 29), today) is None
    assert mou_date("a", date(2044, 3, 1), today) is not None
    assert mou_date("a", date(2045, 2, 28), date(2025, 2, 28)) is None


# --------------------------------------------------------------------------- award years


@pytest.mark.parametrize(
    ("today", "coming"),
    [
        (date(2025, 5, 15), 2568),  # still AY2567
        (date(2025, 5, 16), 2569),  # AY2568 has started
        (date(2026, 3, 31), 2569),
        (date(2026, 5, 16), 2570),
    ],
)
def test_the_coming_academic_year(today: date, coming: int) -> None:
    assert coming_academic_year(today) == coming


@pytest.mark.parametrize(
    ("year", "ok"),
    [(2549, False), (2550, True), (2566, True), (2568, True), (2569, True), (2570, False)],
)
def test_award_start_year_from_2550_to_the_coming_year(year: int, ok: bool) -> None:
    today = date(2025, 6, 1)  # AY2568, so the coming one is 2569
    message = award_start_year(str(year), year, today)
    if ok:
        assert message is None
    else:
        check(message, str(year))
        assert "2550 ถึง 2569" in message


def test_award_start_year_message_names_the_year_as_written() -> None:
    assert award_start_year("ปีการศึกษา ๒๕๘๐", 2580, TODAY) == (
        'ปีการศึกษา "ปีการศึกษา ๒๕๘๐" (พ.ศ. 2580) ไม่น่าเป็นไปได้ '
        "(ต้องอยู่ระหว่างปีการศึกษา 2550 ถึง 2568 คือไม่เกินปีการศึกษาหน้า)"
    )
    assert award_start_year("", None, TODAY) is None
    # On the day before the academic year starts, the coming year is still this one + 1.
    assert award_start_year("2568", 2568, date(2025, 5, 15)) is None
    assert award_start_year("2569", 2569, date(2025, 5, 15)) is not None


# --------------------------------------------------------------------------- all rules


def test_long_raw_values_are_cut_short_and_spaces_collapsed() -> None:
    raw = "24/01/2400" + " " * 3 + "x" * 60
    message = birth_date(raw, date(1857, 1, 24), TODAY)
    assert message is not None
    assert '"24/01/2400 xxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"' in message


def test_the_samples_are_plausible() -> None:
    # The rules must not reject what the sample files hold (checked on their own terms).
    assert plausible.MIN_AGE == 15 and plausible.MAX_AGE == 80
    assert award_start_year("2564", 2564, TODAY) is None
    assert mou_date("14 กันยายน 2565", date(2022, 9, 14), TODAY) is None
    assert placement_date("08/03/2568", date(2025, 3, 8), 2568) is None

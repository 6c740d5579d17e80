"""Tests for thai.dates: BE/CE parsing, formatting, fiscal and academic years."""

import math
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import thai.messages as thai_messages
from thai import (
    MONTHS_ABBR,
    MONTHS_FULL,
    academic_year,
    academic_year_label,
    academic_year_range,
    be_year,
    ce_year,
    fiscal_year,
    fiscal_year_label,
    fiscal_year_range,
    format_be,
    format_be_datetime,
    parse_be_year,
    parse_date,
    parse_datetime,
    to_thai_digits,
)

THAI_LETTER = re.compile("[\u0e01-\u0e4f]")
FAST = settings(max_examples=100, deadline=None, database=None)


def assert_thai_error(exc: pytest.ExceptionInfo[ValueError]) -> None:
    """Check that a ValueError speaks Thai to the office worker."""
    assert THAI_LETTER.search(str(exc.value)), str(exc.value)


# --- parse_date: accepted forms -------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "24/01/2568",
        "24/1/68",
        "24-01-2568",
        "24.01.2568",
        "24 ม.ค. 68",
        "24 ม.ค. 2568",
        "24 ม.ค.2568",
        "24 มค 68",
        "24 มกราคม 2568",
        "24 มกราคม พ.ศ. 2568",
        "24 มกราคม พ.ศ.2568",
        "24 มกรา 68",
        "วันที่ 24 มกราคม 2568",
        "วันศุกร์ที่ 24 มกราคม 2568",
        "2025-01-24",
        "2568-01-24",
        "2025-01-24 00:00:00",
        "2025-01-24T00:00:00",
        "24/01/2025",
        "24 ม.ค. ค.ศ. 2025",
        "๒๔/๐๑/๒๕๖๘",
        "๒๔ มกราคม ๒๕๖๘",
        "  24 / 01 / 2568  ",
        "24\u00a0ม.ค.\u00a02568",
        "24/01/2568 16:45",
        "45681",
        45681,
        45681.0,
        45681.99,
        date(2025, 1, 24),
        datetime(2025, 1, 24, 16, 45),
    ],
)
def test_parse_date_accepts_the_forms_thai_users_send(value: object) -> None:
    assert parse_date(value) == date(2025, 1, 24)


def test_parse_date_returns_a_plain_date_for_a_datetime() -> None:
    result = parse_date(datetime(2025, 1, 24, 23, 59))
    assert type(result) is date


def test_two_digit_year_is_be() -> None:
    assert parse_date("1/1/00") == date(1957, 1, 1)  # 2500 BE
    assert parse_date("31/12/99") == date(2056, 12, 31)  # 2599 BE
    assert parse_date("15 ก.ย. 25") == date(1982, 9, 15)  # 2525 BE, not 2025 CE


def test_four_digit_year_from_2400_is_be_below_is_ce() -> None:
    assert parse_date("01/01/2400") == date(1857, 1, 1)
    assert parse_date("01/01/2025") == date(2025, 1, 1)
    assert parse_date("01/01/2200") == date(2200, 1, 1)


def test_year_between_ce_and_be_ranges_is_rejected() -> None:
    with pytest.raises(ValueError) as exc:
        parse_date("01/01/2350")
    assert_thai_error(exc)


def test_be_leap_day_converted_before_building_the_date() -> None:
    # 2567 BE = 2024 CE, a leap year; 2567 itself is not divisible by 4.
    assert parse_date("29/02/2567") == date(2024, 2, 29)
    assert parse_date("29 ก.พ. 67") == date(2024, 2, 29)
    with pytest.raises(ValueError, match="ไม่มีอยู่จริง"):
        parse_date("29/02/2568")  # 2025 CE is not a leap year, though 2568 is divisible by 4


def test_day_first_always() -> None:
    assert parse_date("03/04/2568") == date(2025, 4, 3)
    assert parse_date("12/01/2025") == date(2025, 1, 12)


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (45681, date(2025, 1, 24)),
        (45351, date(2024, 2, 29)),
    ],
)
def test_excel_serials_use_the_1900_system(serial: int, expected: date) -> None:
    assert parse_date(serial) == expected


def test_excel_serial_time_fraction() -> None:
    assert parse_datetime(45681.75) == datetime(2025, 1, 24, 18, 0)
    assert parse_datetime(45681 + (16 * 3600 + 45 * 60 + 12) / 86400) == datetime(
        2025, 1, 24, 16, 45, 12
    )


def test_exact_error_messages() -> None:
    with pytest.raises(ValueError) as exc:
        parse_date("31/02/2568")
    assert str(exc.value) == 'วันที่ "31/02/2568" ไม่มีอยู่จริง'
    with pytest.raises(ValueError) as exc:
        parse_date("24/13/2568")
    assert str(exc.value) == 'วันที่ "24/13/2568" ไม่ถูกต้อง: ไม่มีเดือนที่ 13'
    with pytest.raises(ValueError) as exc:
        parse_date("  ")
    assert str(exc.value) == "ไม่ได้ระบุวันที่"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        " \u00a0 ",
        math.nan,
        "abc",
        "24/13/2568",
        "00/01/2568",
        "32/01/2568",
        "31/04/2568",
        "24/01/125",
        "24/01/25681",
        "24 มกรา๊คม 2568",
        "24 Foo 2568",
        "24 ม.ค. พ.ศ. 2025",
        "24 ม.ค. ค.ศ. 2568",
        "1/1/1025",
        "24/01/2568 25:00",
        "2568",
        "60",
        60,
        0,
        -5,
        True,
        [2025, 1, 24],
    ],
)
def test_parse_date_rejects_with_thai_message(value: object) -> None:
    with pytest.raises(ValueError) as exc:
        parse_date(value)
    assert_thai_error(exc)


def test_parse_date_of_aware_moment_takes_the_bangkok_day() -> None:
    assert parse_date("2025-01-24T20:00:00Z") == date(2025, 1, 25)
    assert parse_date(datetime(2025, 1, 24, 20, 0, tzinfo=UTC)) == date(2025, 1, 25)


# --- parse_datetime ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("27/2/2568, 16:45:12", datetime(2025, 2, 27, 16, 45, 12)),
        ("27/2/2025 16:45:12", datetime(2025, 2, 27, 16, 45, 12)),
        ("๒๗/๒/๒๕๖๘, ๑๖:๔๕:๑๒", datetime(2025, 2, 27, 16, 45, 12)),
        ("2025-02-27 16:45:12", datetime(2025, 2, 27, 16, 45, 12)),
        ("2025-02-27T16:45:12.5", datetime(2025, 2, 27, 16, 45, 12, 500000)),
        ("27 ก.พ. 2568 16:45 น.", datetime(2025, 2, 27, 16, 45)),
        ("27 ก.พ. 2568 เวลา 16.45 น.", datetime(2025, 2, 27, 16, 45)),
        ("27/02/2568", datetime(2025, 2, 27)),
        (datetime(2025, 2, 27, 16, 45), datetime(2025, 2, 27, 16, 45)),
        (date(2025, 2, 27), datetime(2025, 2, 27)),
    ],
)
def test_parse_datetime(value: object, expected: datetime) -> None:
    assert parse_datetime(value) == expected


def test_parse_datetime_keeps_an_explicit_offset() -> None:
    result = parse_datetime("2025-02-27T16:45:12+07:00")
    assert result.utcoffset() == timedelta(hours=7)
    assert result == datetime(2025, 2, 27, 9, 45, 12, tzinfo=UTC)


# --- formatting -------------------------------------------------------------------------


def test_format_be_styles() -> None:
    d = date(2025, 1, 24)
    assert format_be(d) == "24 ม.ค. 2568"
    assert format_be(d, "long") == "24 มกราคม 2568"
    assert format_be(d, "numeric") == "24/01/2568"
    assert format_be(date(2025, 3, 5), "short") == "5 มี.ค. 2568"
    assert format_be(d, "numeric", thai_digits=True) == "๒๔/๐๑/๒๕๖๘"
    assert format_be(None) == ""


def test_format_be_rejects_unknown_style() -> None:
    with pytest.raises(ValueError):
        format_be(date(2025, 1, 24), "medium")  # type: ignore[arg-type]


def test_format_be_datetime() -> None:
    assert format_be_datetime(datetime(2025, 1, 24, 16, 45, 59)) == "24 ม.ค. 2568 16:45 น."
    assert format_be_datetime(datetime(2025, 1, 24, 9, 5)) == "24 ม.ค. 2568 09:05 น."
    utc = datetime(2025, 1, 24, 20, 0, tzinfo=UTC)
    assert format_be_datetime(utc) == "25 ม.ค. 2568 03:00 น."  # shown in Bangkok time
    assert format_be_datetime(None) == ""
    assert format_be_datetime(datetime(2025, 1, 24, 16, 45), thai_digits=True) == (
        "๒๔ ม.ค. ๒๕๖๘ ๑๖:๔๕ น."
    )


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_name_form(month: int) -> None:
    abbr = MONTHS_ABBR[month]
    for text in (MONTHS_FULL[month], abbr, abbr.replace(".", ""), abbr.replace(".", ". ")):
        assert parse_date(f"1 {text} 2568") == date(2025, month, 1), text


def test_common_misspelling_of_july() -> None:
    assert parse_date("24 กรกฏาคม 2568") == date(2025, 7, 24)  # ฏ typed for ฎ
    assert parse_date("24 กรกฎา 68") == date(2025, 7, 24)


def test_month_tables() -> None:
    assert len(MONTHS_FULL) == len(MONTHS_ABBR) == 13
    assert MONTHS_FULL[1] == "มกราคม" and MONTHS_ABBR[1] == "ม.ค."
    assert MONTHS_FULL[7] == "กรกฎาคม" and MONTHS_ABBR[12] == "ธ.ค."


# --- years ------------------------------------------------------------------------------


def test_be_ce_year() -> None:
    assert be_year(2025) == 2568
    assert ce_year(2568) == 2025


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2024, 9, 30), 2567),
        (date(2024, 10, 1), 2568),
        (date(2025, 1, 24), 2568),
        (date(2025, 9, 30), 2568),
        (date(2025, 10, 1), 2569),
    ],
)
def test_fiscal_year(d: date, fy: int) -> None:
    assert fiscal_year(d) == fy


def test_fiscal_year_range_and_label() -> None:
    assert fiscal_year_range(2568) == (date(2024, 10, 1), date(2025, 9, 30))
    assert fiscal_year_range("๒๕๖๘") == (date(2024, 10, 1), date(2025, 9, 30))
    assert fiscal_year_label(2568) == "ปีงบประมาณ 2568"


@pytest.mark.parametrize(
    ("d", "ay"),
    [
        (date(2025, 5, 15), 2567),
        (date(2025, 5, 16), 2568),
        (date(2025, 11, 1), 2568),
        (date(2026, 3, 31), 2568),
        (date(2026, 4, 20), 2568),  # the break before the new year still counts as 2568
        (date(2026, 5, 16), 2569),
    ],
)
def test_academic_year(d: date, ay: int) -> None:
    assert academic_year(d) == ay


def test_academic_year_range_and_label() -> None:
    assert academic_year_range(2568) == (date(2025, 5, 16), date(2026, 5, 15))
    assert academic_year_label(2568) == "ปีการศึกษา 2568"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2568, 2568),
        ("2568", 2568),
        ("๒๕๖๘", 2568),
        ("68", 2568),
        (2025, 2568),
        (2568.0, 2568),
        ("ปีการศึกษา 2568", 2568),
        ("ปีงบประมาณ พ.ศ. 2568", 2568),
        ("พ.ศ.2568", 2568),
        ("ค.ศ. 2025", 2568),
    ],
)
def test_parse_be_year(value: object, expected: int) -> None:
    assert parse_be_year(value) == expected


@pytest.mark.parametrize("value", [None, "", "abc", "256", 2568.5, "2568/1", "พ.ศ. 2025", 1025])
def test_parse_be_year_rejects(value: object) -> None:
    with pytest.raises(ValueError) as exc:
        parse_be_year(value)
    assert_thai_error(exc)


# --- properties -------------------------------------------------------------------------

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
# Two-digit years are read as 25xx BE, i.e. 1957–2056 CE.
TWO_DIGIT_DATES = st.dates(min_value=date(1957, 1, 1), max_value=date(2056, 12, 31))


@FAST
@given(DATES, st.sampled_from(["short", "long", "numeric"]), st.booleans())
def test_format_be_round_trips(d: date, style: str, thai: bool) -> None:
    assert parse_date(format_be(d, style, thai_digits=thai)) == d  # type: ignore[arg-type]


@FAST
@given(DATES)
def test_iso_and_thai_digit_be_round_trip(d: date) -> None:
    assert parse_date(d.isoformat()) == d
    be_numeric = to_thai_digits(f"{d.day}/{d.month}/{d.year + 543}")
    assert parse_date(be_numeric) == d


@FAST
@given(TWO_DIGIT_DATES)
def test_two_digit_be_year_round_trips(d: date) -> None:
    assert parse_date(f"{d.day}/{d.month:02d}/{(d.year + 543) % 100:02d}") == d
    assert parse_date(f"{d.day} {MONTHS_ABBR[d.month]} {(d.year + 543) % 100:02d}") == d


@FAST
@given(DATES)
def test_excel_serial_round_trips(d: date) -> None:
    # Independent of the code under test: Excel counts 1900-02-29, so from March 1900
    # on the serial is the day count from 1899-12-30.
    if d >= date(1900, 3, 1):
        assert parse_date((d - date(1899, 12, 30)).days) == d


@FAST
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)))
def test_format_be_datetime_round_trips_to_the_minute(dt: datetime) -> None:
    assert parse_datetime(format_be_datetime(dt)) == dt.replace(second=0, microsecond=0)


@FAST
@given(DATES)
def test_fiscal_year_contains_its_dates(d: date) -> None:
    first, last = fiscal_year_range(fiscal_year(d))
    assert first <= d <= last
    first, last = academic_year_range(academic_year(d))
    assert first <= d <= last


@FAST
@given(st.integers(0, 99), st.integers(0, 99), st.integers(0, 9999))
def test_plain_day_month_year_reads_as_the_general_rules_do(day: int, month: int, year: int):
    # "24/01/2568" takes a short path; any such text must give the date (or the Thai
    # message) that the same text with a space in front gives through the full rules.
    text = f"{day}/{month:02d}/{year:04d}"
    try:
        expected: object = parse_date(" " + text)
    except ValueError as error:
        expected = str(error).replace('" ' + text, '"' + text)
    try:
        got: object = parse_date(text)
    except ValueError as error:
        got = str(error)
    assert got == expected


# --- date cells holding the BE year -----------------------------------------------------
# A spreadsheet program in a Thai locale saves a typed "24/01/2528" as a real date cell of
# year 2528; calamine hands it over as a date object, fastexcel (cells read as text) as ISO
# text. Either way the year is the BE year the sender typed.

BE_CELL_DATES = st.dates(min_value=date(1857, 1, 1), max_value=date(2200, 12, 31))


def be_cell(d: date) -> date:
    """The date cell a Thai-locale spreadsheet makes of d typed with its BE year."""
    return date(d.year + 543, d.month, d.day)


@pytest.mark.parametrize(
    "value",
    [
        date(2528, 1, 24),
        datetime(2528, 1, 24),
        datetime(2528, 1, 24, 0, 0, 0),
        "2528-01-24",
        "2528-01-24 00:00:00",
        "2528-01-24T00:00:00",
        "2528-01-24 00:00:00.000",
        (date(2528, 1, 24) - date(1899, 12, 30)).days,  # the cell's serial, as a number
        float((date(2528, 1, 24) - date(1899, 12, 30)).days),
    ],
)
def test_a_date_cell_of_a_be_year_is_read_as_be(value: object) -> None:
    assert parse_date(value) == date(1985, 1, 24)
    assert parse_datetime(value) == datetime(1985, 1, 24)


@pytest.mark.parametrize(
    "value", [date(1985, 1, 24), datetime(1985, 1, 24), "1985-01-24", "1985-01-24 00:00:00"]
)
def test_a_date_cell_of_a_ce_year_stays_ce(value: object) -> None:
    assert parse_date(value) == date(1985, 1, 24)


def test_a_be_date_cell_keeps_its_time_and_time_zone() -> None:
    assert parse_datetime(datetime(2568, 2, 27, 16, 45, 12)) == datetime(2025, 2, 27, 16, 45, 12)
    assert parse_datetime("2568-02-27 16:45:12") == datetime(2025, 2, 27, 16, 45, 12)
    aware = datetime(2568, 1, 24, 20, 0, tzinfo=UTC)
    assert parse_datetime(aware) == datetime(2025, 1, 24, 20, 0, tzinfo=UTC)
    assert parse_date(aware) == date(2025, 1, 25)  # the Bangkok day, as for CE moments


def test_the_be_threshold_for_date_cells() -> None:
    assert parse_date(date(2400, 1, 1)) == date(1857, 1, 1)
    assert parse_date(date(2200, 12, 31)) == date(2200, 12, 31)
    assert parse_date(date(1800, 1, 1)) == date(1800, 1, 1)


@pytest.mark.parametrize(
    "value",
    [date(2399, 12, 31), date(2201, 1, 1), date(1799, 12, 31), date(9999, 12, 31), date(1, 1, 1)],
)
def test_a_date_cell_outside_both_ranges_is_rejected_in_thai(value: date) -> None:
    with pytest.raises(ValueError) as exc:
        parse_date(value)
    assert_thai_error(exc)
    assert f"/{value.year}" in str(exc.value)  # names the cell as the sender sees it


def test_the_be_leap_day_of_a_non_leap_ce_year_is_an_error() -> None:
    # 2568 is a Gregorian leap year, so the cell can hold 29 Feb 2568; CE 2025 has no 29 Feb.
    for value in (date(2568, 2, 29), datetime(2568, 2, 29, 8, 0)):
        with pytest.raises(ValueError) as exc:
            parse_date(value)
        assert_thai_error(exc)
        assert "29/02/2568" in str(exc.value)
        assert "ไม่มีอยู่จริง" in str(exc.value)
    with pytest.raises(ValueError, match='^วันที่ "29/02/2568" ไม่มีอยู่จริง: ปี พ.ศ. 2568'):
        parse_datetime(date(2568, 2, 29))
    for text in ("2568-02-29", "2568-02-29 00:00:00"):
        with pytest.raises(ValueError, match="ไม่มีอยู่จริง"):
            parse_date(text)
    serial = (date(2568, 2, 28) - date(1899, 12, 30)).days + 1
    with pytest.raises(ValueError, match="ไม่มีอยู่จริง"):
        parse_date(serial)
    # 2567 BE is 2024 CE, a leap year, though 2567 is not; the cell cannot hold 29/02/2567.
    assert parse_date("2567-02-29") == date(2024, 2, 29)


def test_no_be_leap_day_cell_exists_in_ce() -> None:
    # 543 is odd, so a BE year and its CE year are never both leap years: every 29 Feb
    # date cell holding a BE year is a date that does not exist.
    for year in filter(_is_leap, range(2400, 2744)):
        with pytest.raises(ValueError, match="ไม่มีอยู่จริง"):
            parse_date(date(year, 2, 29))
        assert parse_date(date(year, 2, 28)) == date(year - 543, 2, 28)


@FAST
@given(BE_CELL_DATES)
def test_a_be_date_cell_reads_back_as_the_date_typed(d: date) -> None:
    if d.month == 2 and d.day == 29 and not _is_leap(d.year + 543):
        return  # no such cell can exist
    cell = be_cell(d)
    assert parse_date(cell) == d
    assert parse_date(datetime.combine(cell, datetime.min.time())) == d
    assert parse_date(cell.isoformat()) == d
    assert parse_date(f"{cell.isoformat()} 00:00:00") == d
    assert parse_date((cell - date(1899, 12, 30)).days) == d


@FAST
@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31)))
def test_a_ce_date_cell_reads_back_unchanged(d: date) -> None:
    assert parse_date(d) == d
    assert parse_datetime(datetime.combine(d, datetime.min.time())).date() == d
    assert parse_date(f"{d.isoformat()} 00:00:00") == d


@FAST
@given(st.dates(min_value=date(2400, 1, 1), max_value=date(2743, 12, 31)))
def test_every_cell_year_from_2400_parses_or_fails_in_thai(cell: date) -> None:
    try:
        d = parse_date(cell)
    except ValueError as error:
        assert (cell.month, cell.day) == (2, 29), cell  # only the leap day can fail
        assert "ไม่มีอยู่จริง" in str(error)
    else:
        assert (d.year, d.month, d.day) == (cell.year - 543, cell.month, cell.day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@pytest.fixture
def english_reader():
    """The application says the reader reads English (as i18n.py does on the English screen)."""
    thai_messages.install(lambda text: text, language=lambda: "en")
    yield
    thai_messages.install(lambda text: text)


def test_an_english_reader_reads_ce_dates_with_english_months(english_reader) -> None:
    assert format_be(date(2025, 1, 24)) == "24 Jan 2025"
    assert format_be(date(2025, 1, 24), style="long") == "24 January 2025"
    assert format_be(date(2025, 1, 24), style="numeric") == "24/01/2025"
    assert format_be_datetime(datetime(2025, 1, 24, 16, 45)) == "24 Jan 2025 16:45"
    assert fiscal_year_label(2568) == "FY 2025 (BE 2568)"
    assert academic_year_label(2568) == "academic year 2025/26 (BE 2568)"
    # What the English reader types back is read as the same day.
    assert parse_date(format_be(date(2025, 1, 24), style="numeric")) == date(2025, 1, 24)


def test_thai_digits_always_give_the_thai_date(english_reader) -> None:
    # Official letters ask for Thai digits: they stay Thai whoever prints them.
    assert format_be(date(2025, 1, 24), style="long", thai_digits=True) == "๒๔ มกราคม ๒๕๖๘"

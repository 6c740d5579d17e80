"""Plausibility rules: a value that parses can still be one no sender meant.

A date typed with the wrong era ("24/01/2028" for 2528), a year from the wrong column or a
slip of the finger parses cleanly and would be stored. Each rule here is a pure function of
the value as the sender wrote it (``raw``, text), the parsed value and what it is judged
against (today, the round's fiscal year); it returns None when the value is plausible, or
a Thai message that quotes the value as written and gives the accepted range in BE.

Which rule checks which column (the importers call them after parsing the cell):

- teachers, วันเกิด (``birth_date``): :func:`birth_date`, against the day of the import;
- placements, วันเริ่มฝึก (``planned_start``) and วันสิ้นสุดการฝึก (``planned_end``):
  :func:`placement_date`, against the round's fiscal year;
- mous, วันที่ลงนาม (``signed_on``) and วันสิ้นสุด (``expires_on``): :func:`mou_date`,
  against the day of the import;
- scholarships, ปีการศึกษา (``start_year``): :func:`award_start_year`, against the day
  of the import.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from thai.dates import BE_OFFSET, academic_year, fiscal_year_range, thai_date

# Teachers and scholarship students: nobody on a roster is younger or older than this.
MIN_AGE = 15
MAX_AGE = 80
# The oldest MOU the office keeps, and how far ahead an end date may lie.
MOU_EARLIEST = date(2500 - BE_OFFSET, 1, 1)  # 1 Jan 2500 BE
MOU_MAX_YEARS_AHEAD = 20
# Scholarship programmes on record start from this academic year (BE).
AWARD_EARLIEST_YEAR = 2550


def birth_date(raw: object, value: date | None, today: date) -> str | None:
    """A birth date must make the person 15 to 80 years old (in whole years) today.

    Someone born on 29 Feb turns a year older on 1 Mar in years without a 29 Feb.
    """
    if value is None:
        return None
    value = _day(value)
    age = age_on(value, today)
    if MIN_AGE <= age <= MAX_AGE:
        return None
    earliest = _years_before(today, MAX_AGE + 1) + timedelta(days=1)
    latest = _years_before(today, MIN_AGE)
    accepted = (
        f"(ต้องอายุ {MIN_AGE}–{MAX_AGE} ปี คือเกิดระหว่าง {thai_date(earliest)} ถึง {thai_date(latest)})"
    )
    if value > today:
        return f"วันเกิด {_quote(raw)} เป็นวันในอนาคต ซึ่งไม่น่าเป็นไปได้ {accepted}"
    return f"วันเกิด {_quote(raw)} ทำให้อายุ {age} ปี ซึ่งไม่น่าเป็นไปได้ {accepted}"


def placement_date(raw: object, value: date | None, fiscal_year_be: int) -> str | None:
    """A placement date must fall in the round's fiscal year or the one after it.

    The one after, because post-placement work runs on into the next fiscal year.
    """
    if value is None:
        return None
    value = _day(value)
    first, _ = fiscal_year_range(fiscal_year_be)
    _, last = fiscal_year_range(fiscal_year_be + 1)
    if first <= value <= last:
        return None
    return (
        f"วันที่ {_quote(raw)} ({thai_date(value)}) อยู่นอกช่วงของรอบปีงบประมาณ {fiscal_year_be} "
        f"(ต้องอยู่ระหว่าง {thai_date(first)} ถึง {thai_date(last)} "
        f"คือปีงบประมาณ {fiscal_year_be} หรือ {fiscal_year_be + 1})"
    )


def mou_date(raw: object, value: date | None, today: date) -> str | None:
    """An MOU date (signed or ending) must be from 1 Jan 2500 BE to 20 years after today."""
    if value is None:
        return None
    value = _day(value)
    latest = _years_after(today, MOU_MAX_YEARS_AHEAD)
    if MOU_EARLIEST <= value <= latest:
        return None
    return (
        f"วันที่ {_quote(raw)} ({thai_date(value)}) ไม่น่าเป็นไปได้สำหรับบันทึกข้อตกลง "
        f"(ต้องอยู่ระหว่าง {thai_date(MOU_EARLIEST)} ถึง {thai_date(latest)})"
    )


def award_start_year(raw: object, year_be: int | None, today: date) -> str | None:
    """An award's start year (BE) must be from 2550 to the coming academic year."""
    if year_be is None:
        return None
    latest = coming_academic_year(today)
    if AWARD_EARLIEST_YEAR <= year_be <= latest:
        return None
    return (
        f"ปีการศึกษา {_quote(raw)} (พ.ศ. {year_be}) ไม่น่าเป็นไปได้ "
        f"(ต้องอยู่ระหว่างปีการศึกษา {AWARD_EARLIEST_YEAR} ถึง {latest} "
        f"คือไม่เกินปีการศึกษาหน้า)"
    )


def coming_academic_year(today: date) -> int:
    """The academic year (BE) after the current one: awards may be entered a year ahead."""
    return academic_year(today) + 1


def age_on(born: date, today: date) -> int:
    """Age in whole years on a day (negative for a birth date in the future)."""
    years = today.year - born.year
    if (today.month, today.day) < (born.month, born.day):
        years -= 1
    return years


def _years_before(d: date, years: int) -> date:
    """The last birth date that makes someone ``years`` old on d (29 Feb gives 28 Feb)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def _years_after(d: date, years: int) -> date:
    """The same day ``years`` later (29 Feb gives 28 Feb in a year without one)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _quote(raw: object) -> str:
    """Quote the value as the sender wrote it, cut short if it is long."""
    text = "" if raw is None else " ".join(str(raw).split())
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'

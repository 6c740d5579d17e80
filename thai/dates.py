"""Buddhist Era dates: parse what Thai users type, show what they expect to read.

Store CE (ordinary ``datetime.date``) values; convert to BE (CE + 543) only at the edges.
"""

from __future__ import annotations

import math
import numbers
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Literal, TypeGuard, TypeVar

from thai.digits import to_arabic_digits, to_thai_digits
from thai.messages import language, message
from thai.text import is_blank, normalize_text

BE_OFFSET = 543
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")  # no DST, so no tz database needed


def bangkok_now() -> datetime:
    """Return the current time as naive Bangkok local time, the way the database keeps times.

    The office reads every time in Bangkok time, whatever the server's own zone.
    """
    return datetime.now(BANGKOK).replace(tzinfo=None)


def bangkok(value: datetime) -> datetime:
    """Return a moment as naive Bangkok local time, the way the database keeps times.

    A naive value is taken to be Bangkok time already; an aware one is converted.
    """
    if value.tzinfo is None:
        return value
    return value.astimezone(BANGKOK).replace(tzinfo=None)


def after_day(moment: datetime | None, day: date | None) -> bool:
    """True when a moment falls after the end of a day in Bangkok (a deadline passed)."""
    if moment is None or day is None:
        return False
    return bangkok(moment).date() > day


# Index 1..12; index 0 is empty so that MONTHS_FULL[1] is January.
MONTHS_FULL: tuple[str, ...] = (
    "",
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_ABBR: tuple[str, ...] = (
    "",
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
# For the English reader (calendar.month_name would follow the process's locale).
MONTHS_EN_FULL: tuple[str, ...] = (
    "",
    *"January February March April May June July".split(),
    *"August September October November December".split(),
)
MONTHS_EN_ABBR: tuple[str, ...] = ("", *(name[:3] for name in MONTHS_EN_FULL[1:]))
# Spoken short forms ("24 มกรา 68") and the very common misspelling กรกฏาคม (ฏ for ฎ).
_MONTHS_COLLOQUIAL: tuple[str, ...] = (
    "",
    "มกรา",
    "กุมภา",
    "มีนา",
    "เมษา",
    "พฤษภา",
    "มิถุนา",
    "กรกฎา",
    "สิงหา",
    "กันยา",
    "ตุลา",
    "พฤศจิกา",
    "ธันวา",
)


def _month_key(name: str) -> str:
    """Reduce a month name to a lookup key: no dots, no spaces."""
    return re.sub(r"[\s.]", "", name)


_MONTH_LOOKUP: dict[str, int] = {}
for _names in (MONTHS_FULL, MONTHS_ABBR, _MONTHS_COLLOQUIAL):
    for _number, _name in enumerate(_names[1:], start=1):
        _MONTH_LOOKUP[_month_key(_name)] = _number
_MONTH_LOOKUP.update({"กรกฏาคม": 7, "กรกฏา": 7})

# Years are limited to a range that makes sense for this office's records, so that a
# mistyped year ("24/01/2658", "1/1/1025") is reported instead of stored.
MIN_YEAR = 1800
MAX_YEAR = 2200
# A four-digit year from 2400 on is BE (2400 BE = 1857 CE); below it, CE.
BE_THRESHOLD = 2400

# Excel's 1900 date system, including its fake 29 Feb 1900 (serial 60).
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 31 Dec 9999

# The academic year starts on 16 May (assumed: the usual first day of the first semester
# in OVEC colleges). Everything before that day, including the April–mid-May break,
# belongs to the academic year that started the previous May.
ACADEMIC_YEAR_START = (5, 16)
# The fiscal year starts on 1 October and is named by the BE year in which it ends.
FISCAL_YEAR_START = (10, 1)

_EXAMPLE = "เช่น 24/01/2568 หรือ 24 ม.ค. 2568"

# "วันที่ 24 ...", "วันศุกร์ที่ 24 ..." as in letters
_LEADING_WORDS = re.compile(r"^วัน\S*ที่\s*")
_TIME = re.compile(
    r"(?:[\s,T]+|\s*เวลา\s*)"
    r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?:น\.?|นาฬิกา)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_PLAIN_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\Z")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,4})$")
_MONTH_NAME_DATE = re.compile(r"^(\d{1,2})\s*[/\-]?\s*(\D+?)\s*[/\-]?\s*(\d{1,4})$")
_ERA = re.compile(r"(พ|ค)\s*\.?\s*ศ\s*\.?$")
_EXCEL_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.\d+)?$")
_YEAR_TEXT = re.compile(r"^[^\d]*?\s*(?:(พ|ค)\s*\.?\s*ศ\s*\.?)?\s*(\d+)$")

Style = Literal["short", "long", "numeric"]
_D = TypeVar("_D", date, datetime)


def be_year(ce_year: int) -> int:
    """Return the Buddhist Era year of a CE year."""
    return ce_year + BE_OFFSET


def ce_year(be_year: int) -> int:
    """Return the CE year of a Buddhist Era year."""
    return be_year - BE_OFFSET


def _quote(value: object) -> str:
    """Quote a user's value for an error message, cut short if it is long."""
    text = str(value).strip()
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


def _unreadable(raw: object) -> str:
    return message("อ่านวันที่ %(raw)s ไม่ได้ " + _EXAMPLE, raw=_quote(raw))


def _ce_from_year_text(digits: str, era: str | None, raw: object) -> int:
    """Return the CE year written as digits, with an optional era marker (พ or ค)."""
    n = int(digits)
    if len(digits) == 2:
        # A two-digit year is BE (68 → 2568) unless marked ค.ศ.
        year = 2000 + n if era == "ค" else 2500 + n - BE_OFFSET
    elif len(digits) == 4:
        if era == "พ" and n < BE_THRESHOLD:
            raise ValueError(message("ปี พ.ศ. %(year)s ใน %(raw)s ไม่ถูกต้อง", year=n, raw=_quote(raw)))
        if era == "ค" and n >= BE_THRESHOLD:
            raise ValueError(message("ปี ค.ศ. %(year)s ใน %(raw)s ไม่ถูกต้อง", year=n, raw=_quote(raw)))
        year = n - BE_OFFSET if n >= BE_THRESHOLD else n
    else:
        raise ValueError(message("ปีใน %(raw)s ต้องมี 2 หรือ 4 หลัก " + _EXAMPLE, raw=_quote(raw)))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(message("ปี %(year)s ใน %(raw)s ไม่ถูกต้อง", year=digits, raw=_quote(raw)))
    return year


def _build_date(year: int, month: int, day: int, raw: object) -> date:
    """Build a date from CE parts, explaining in Thai why it cannot exist."""
    if not 1 <= month <= 12:
        raise ValueError(
            message("วันที่ %(raw)s ไม่ถูกต้อง: ไม่มีเดือนที่ %(month)s", raw=_quote(raw), month=month)
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(message("วันที่ %(raw)s ไม่มีอยู่จริง", raw=_quote(raw))) from None


def _parse_date_text(s: str, raw: object) -> date:
    """Parse the date part of a cleaned string (Arabic digits, single spaces)."""
    m = _NUMERIC_DATE.match(s)
    if m:
        first, month, last = m.groups()
        if len(first) == 4:  # year first: 2025-01-24, 2568-01-24
            year, day = _ce_from_year_text(first, None, raw), int(last)
        elif len(first) <= 2:  # day first, always: 24/01/2568
            year, day = _ce_from_year_text(last, None, raw), int(first)
        else:
            raise ValueError(_unreadable(raw))
        return _build_date(year, int(month), day, raw)
    m = _MONTH_NAME_DATE.match(s)
    if m:
        day, month_text, year_text = m.groups()
        era_match = _ERA.search(month_text)
        era = era_match.group(1) if era_match else None
        if era_match:
            month_text = month_text[: era_match.start()]
        month = _MONTH_LOOKUP.get(_month_key(month_text))
        if month is None:
            raise ValueError(
                message(
                    "ไม่รู้จักชื่อเดือน %(month)s ใน %(raw)s",
                    month=_quote(month_text),
                    raw=_quote(raw),
                )
            )
        year = _ce_from_year_text(year_text, era, raw)
        return _build_date(year, month, int(day), raw)
    raise ValueError(_unreadable(raw))


def _parse_text(raw: str) -> tuple[date, time | None]:
    """Parse a date with an optional time of day from text."""
    s = normalize_text(to_arabic_digits(raw))
    if not s:
        raise ValueError(message("ไม่ได้ระบุวันที่"))
    s = _LEADING_WORDS.sub("", s)
    if _EXCEL_SERIAL_TEXT.match(s):
        # A date cell read from Excel as text ("45681") still holds the serial number.
        moment = _from_excel_serial(float(s), raw)
        return moment.date(), moment.time()
    m = _TIME.search(s)
    if not m:
        return _parse_date_text(s, raw), None
    d = _parse_date_text(s[: m.start()].rstrip(" ,"), raw)
    hour, minute, second = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
    micro = int((m["f"] or "0")[:6].ljust(6, "0"))
    tz = None
    if m["tz"]:
        tz = UTC
        if m["tz"].upper() != "Z":
            offset = m["tz"].replace(":", "")
            sign = -1 if offset[0] == "-" else 1
            tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
    try:
        return d, time(hour, minute, second, micro, tzinfo=tz)
    except ValueError:
        raise ValueError(message("เวลาใน %(raw)s ไม่ถูกต้อง", raw=_quote(raw))) from None


def _from_excel_serial(serial: float, raw: object) -> datetime:
    """Convert an Excel date serial (1900 system) to a datetime."""
    if not 1 <= serial <= _EXCEL_MAX_SERIAL:
        raise ValueError(message("ตัวเลข %(raw)s ไม่ใช่วันที่ " + _EXAMPLE, raw=_quote(raw)))
    days = math.floor(serial)
    if days == 60:
        raise ValueError(message("วันที่ %(raw)s (29 ก.พ. 1900 ของ Excel) ไม่มีอยู่จริง", raw=_quote(raw)))
    if days < 60:
        days += 1  # Excel counts the fake 29 Feb 1900, so earlier serials are one day off
    # Excel keeps times as fractions of a day; round to the second to undo float noise.
    seconds = round((serial - math.floor(serial)) * 86400)
    moment = _EXCEL_EPOCH + timedelta(days=days, seconds=seconds)
    if moment.year >= BE_THRESHOLD:
        # A date typed in a Thai locale ("24/01/2528") saved as a date cell of year 2528.
        return _from_be_cell(moment, raw)
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValueError(message("ตัวเลข %(raw)s ไม่ใช่วันที่ " + _EXAMPLE, raw=_quote(raw)))
    return moment


def _from_date_cell(value: date) -> date:
    """Read a date cell: a year from 2400 on is the BE year the sender typed, else CE.

    A spreadsheet program in a Thai locale keeps "24/01/2528" as a date of year 2528 (CE
    2528 to the file); the sender meant 24 Jan 1985. Month, day and time are kept.
    """
    if value.year >= BE_THRESHOLD:
        return _from_be_cell(value, value)
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(
            message(
                "ปี %(year)s ในวันที่ %(raw)s ไม่ถูกต้อง",
                year=value.year,
                raw=_quote(_cell_text(value)),
            )
        )
    return value


def _from_be_cell(value: _D, raw: object) -> _D:
    """Move a date whose year is the BE year back by 543 years, or say why it cannot be."""
    shown = _quote(_cell_text(value) if isinstance(raw, date) else raw)
    year = value.year - BE_OFFSET
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(
            message("ปี พ.ศ. %(year)s ในวันที่ %(raw)s ไม่ถูกต้อง", year=value.year, raw=shown)
        )
    try:
        return value.replace(year=year)
    except ValueError:  # 29 Feb of a BE year whose CE year is not a leap year
        raise ValueError(
            message(
                "วันที่ %(raw)s ไม่มีอยู่จริง: ปี พ.ศ. %(be)s (ค.ศ. %(ce)s) ไม่มีวันที่ %(day)s %(month)s",
                raw=shown,
                be=value.year,
                ce=year,
                day=value.day,
                month=MONTHS_FULL[value.month],
            )
        ) from None


def _cell_text(value: date) -> str:
    """Show a date cell as a Thai user sees it: day/month/year as stored, time if any."""
    text = f"{value.day:02d}/{value.month:02d}/{value.year}"
    if isinstance(value, datetime) and (value.hour, value.minute, value.second) != (0, 0, 0):
        text += f" {value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    return text


def _is_number(value: object) -> TypeGuard[numbers.Real]:
    """Return True for ints and floats (numpy ones too), but not for booleans."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _parse_any(value: object) -> datetime | date | tuple[date, time | None]:
    """Turn any accepted input into a datetime, a date, or a date with an optional time."""
    if is_blank(value):
        raise ValueError(message("ไม่ได้ระบุวันที่"))
    if isinstance(value, date):  # datetime too; pandas Timestamp is a datetime
        return _from_date_cell(value)
    if _is_number(value):
        return _from_excel_serial(float(value), value)
    if type(value).__name__ == "datetime64":  # numpy; its str() is ISO 8601
        value = str(value)
    if isinstance(value, str):
        return _parse_text(value)
    raise ValueError(_unreadable(value))


def parse_date(value: object) -> date:
    """Parse a date typed or exported the Thai way (BE or CE); any time part is ignored."""
    if type(value) is str and (m := _PLAIN_DATE.match(value)):
        # The commonest form, 24/01/2568, without the general path's clean-up (rosters
        # hold tens of thousands of birth dates); same rules, same messages.
        return _build_date(_ce_from_year_text(m[3], None, value), int(m[2]), int(m[1]), value)
    parsed = _parse_any(value)
    if isinstance(parsed, tuple):
        d, t = parsed
        if t is None or t.tzinfo is None:
            return d
        parsed = datetime.combine(d, t)
    # A moment with a time zone falls on the calendar day it was in Thailand.
    return _to_bangkok_date(parsed)


def parse_datetime(value: object) -> datetime:
    """Parse a date and time (e.g. a Google Forms timestamp); a bare date means midnight."""
    parsed = _parse_any(value)
    if isinstance(parsed, tuple):
        d, t = parsed
        return datetime.combine(d, t or time())
    if isinstance(parsed, datetime):
        return parsed
    return datetime.combine(parsed, time())


def parse_be_year(value: object) -> int:
    """Parse a year ("2568", "๒๕๖๘", "68", "ปีการศึกษา 2568", 2025) and return it in BE."""
    if is_blank(value):
        raise ValueError(message("ไม่ได้ระบุปี"))
    if _is_number(value):
        number = float(value)
        if not number.is_integer():
            raise ValueError(message("ปี %(raw)s ไม่ถูกต้อง เช่น 2568", raw=_quote(value)))
        text = str(int(number))
    else:
        text = normalize_text(to_arabic_digits(str(value)))
    m = _YEAR_TEXT.match(text)
    if not m or len(m.group(2)) not in (2, 4):
        raise ValueError(message("ปี %(raw)s ไม่ถูกต้อง เช่น 2568", raw=_quote(value)))
    return be_year(_ce_from_year_text(m.group(2), m.group(1), value))


def _to_bangkok_date(d: date) -> date:
    """Return the calendar date as seen in Thailand."""
    if isinstance(d, datetime):
        if d.tzinfo is not None:
            d = d.astimezone(BANGKOK)
        return d.date()
    return d


def english(written_in: str | None = None) -> bool:
    """Whether dates are shown the English way (CE years, English month names): in the
    reader's language, unless the text they go into is written in a given language."""
    return (written_in or language()) == "en"


def _format_english(d: date, style: Style) -> str:
    if style == "short":
        return f"{d.day} {MONTHS_EN_ABBR[d.month]} {d.year}"
    if style == "long":
        return f"{d.day} {MONTHS_EN_FULL[d.month]} {d.year}"
    if style == "numeric":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    raise ValueError(f"unknown date style {style!r}; use 'short', 'long' or 'numeric'")


def format_be(
    d: date | None,
    style: Style = "short",
    *,
    thai_digits: bool = False,
    written_in: str | None = None,
) -> str:
    """Format a date with a BE year: short "24 ม.ค. 2568", long, or numeric "24/01/2568".

    For an English reader the date reads "24 Jan 2025" (CE); a date that goes into a text
    written in Thai (written_in="th") stays Thai whoever reads it. Thai digits are Thai
    only: asking for them (official letters) always gives the Thai date.
    """
    if d is None or is_blank(d):
        return ""
    d = _to_bangkok_date(d)
    if english(written_in) and not thai_digits:
        return _format_english(d, style)
    year = d.year + BE_OFFSET
    if style == "short":
        text = f"{d.day} {MONTHS_ABBR[d.month]} {year}"
    elif style == "long":
        text = f"{d.day} {MONTHS_FULL[d.month]} {year}"
    elif style == "numeric":
        text = f"{d.day:02d}/{d.month:02d}/{year}"
    else:
        raise ValueError(f"unknown date style {style!r}; use 'short', 'long' or 'numeric'")
    return to_thai_digits(text) if thai_digits else text


def thai_date(d: date | None) -> str:
    """A date for a text written in Thai ("24 ม.ค. 2568"), whoever reads it."""
    return format_be(d, written_in="th")


def format_be_datetime(
    dt: datetime | None,
    style: Style = "short",
    *,
    thai_digits: bool = False,
    written_in: str | None = None,
) -> str:
    """Format a date and time the Thai way: "24 ม.ค. 2568 16:45 น." (Bangkok time)."""
    if dt is None or is_blank(dt):
        return ""
    if dt.tzinfo is not None:
        dt = dt.astimezone(BANGKOK)
    if english(written_in) and not thai_digits:
        return f"{format_be(dt.date(), style)} {dt.hour:02d}:{dt.minute:02d}"
    text = f"{format_be(dt.date(), style, written_in='th')} {dt.hour:02d}:{dt.minute:02d} น."
    return to_thai_digits(text) if thai_digits else text


def fiscal_year(d: date) -> int:
    """Return the BE fiscal year of a date (FY2568 = 1 Oct 2024 – 30 Sep 2025)."""
    d = _to_bangkok_date(d)
    starts_next = (d.month, d.day) >= FISCAL_YEAR_START
    return d.year + BE_OFFSET + (1 if starts_next else 0)


def fiscal_year_range(fy: int | str) -> tuple[date, date]:
    """Return the first and last day of a fiscal year given in BE (or CE)."""
    end_year = ce_year(parse_be_year(fy))
    first = date(end_year - 1, *FISCAL_YEAR_START)
    return first, date(end_year, *FISCAL_YEAR_START) - timedelta(days=1)


def fiscal_year_label(fy: int | str) -> str:
    """Return "ปีงบประมาณ 2568" for a fiscal year ("FY 2025 (BE 2568)" in English)."""
    be = parse_be_year(fy)
    return f"FY {ce_year(be)} (BE {be})" if english() else f"ปีงบประมาณ {be}"


def academic_year(d: date) -> int:
    """Return the BE academic year of a date (named by the BE year in which it starts)."""
    d = _to_bangkok_date(d)
    started_this_year = (d.month, d.day) >= ACADEMIC_YEAR_START
    return d.year + BE_OFFSET - (0 if started_this_year else 1)


def academic_year_range(ay: int | str) -> tuple[date, date]:
    """Return the first and last day counted in an academic year given in BE (or CE)."""
    start_year = ce_year(parse_be_year(ay))
    first = date(start_year, *ACADEMIC_YEAR_START)
    return first, date(start_year + 1, *ACADEMIC_YEAR_START) - timedelta(days=1)


def academic_year_label(ay: int | str) -> str:
    """Return "ปีการศึกษา 2568" for an academic year ("academic year 2025/26 (BE 2568)")."""
    be = parse_be_year(ay)
    if english():
        start = ce_year(be)
        return f"academic year {start}/{(start + 1) % 100:02d} (BE {be})"
    return f"ปีการศึกษา {be}"

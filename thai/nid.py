"""Thai national ID numbers (เลขประจำตัวประชาชน) and G-codes for students without one."""

from __future__ import annotations

import numbers
import re
from decimal import Decimal, InvalidOperation
from operator import mul
from typing import Literal

from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.th import pin

from thai.digits import to_arabic_digits
from thai.messages import message
from thai.text import is_blank, normalize_text

NID_LENGTH = 13
G_CODE_DIGITS = 12

_LOST_DIGITS = (
    "เลขประจำตัวประชาชนถูก Excel เก็บเป็นตัวเลขจนบางหลักหายไป "
    "กรุณาจัดรูปแบบคอลัมน์เป็นข้อความ (Text) แล้วพิมพ์เลขใหม่"
)
_FIRST_DIGIT = "เลขประจำตัวประชาชนไม่ถูกต้อง (หลักแรกต้องเป็นเลข 1–8)"
_CHECK_DIGIT = "เลขประจำตัวประชาชนไม่ถูกต้อง (เลขตรวจสอบไม่ตรง)"
# Hyphens of every kind, underscores and spaces people put between the digit groups.
_SEPARATORS = re.compile(r"[\s\-_\u2010-\u2015\u2212]")
_SCIENTIFIC = re.compile(r"^(\d)(?:\.(\d+))?e\+?(\d+)$", re.IGNORECASE)
_WHOLE_DECIMAL = re.compile(r"^(\d+)\.0+$")
_G_CODE = re.compile(rf"^G\d{{{G_CODE_DIGITS}}}$")
# An ID that went through Excel's scientific notation ("3.10012E+12") keeps at most six
# significant digits; so many trailing zeros in a float mean digits were lost.
_LOST_DIGITS_ZEROS = 10**6

IdType = Literal["national_id", "g_code"]


def _digits_of(value: object) -> str:
    """Return the characters of an ID with separators removed; raise on lossy numbers."""
    if is_blank(value):
        raise ValueError(message("ไม่ได้ระบุเลขประจำตัวประชาชน"))
    if isinstance(value, bool):
        raise ValueError(message("เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลัก"))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        # A float is exact up to 2**53, so a whole float is the number Excel stored ...
        number = float(value)
        if not number.is_integer():
            raise ValueError(message(_LOST_DIGITS))
        whole = int(number)
        # ... unless that number came from a CSV cell in scientific notation.
        if whole and whole % _LOST_DIGITS_ZEROS == 0:
            raise ValueError(message(_LOST_DIGITS))
        return str(whole)
    text = normalize_text(to_arabic_digits(str(value))).lstrip("'")  # Excel's text marker
    m = _SCIENTIFIC.match(text)
    if m:
        # "3.100100000001E+12" is exact, "3.1001E+12" is not: count the digits written.
        if len(m.group(1) + (m.group(2) or "")) < NID_LENGTH:
            raise ValueError(message(_LOST_DIGITS))
        try:
            return str(int(Decimal(text)))
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            raise ValueError(message(_LOST_DIGITS)) from None
    m = _WHOLE_DECIMAL.match(text)
    if m:  # "3100100000001.0": a float written back as text
        text = m.group(1)
    return _SEPARATORS.sub("", text)


_WEIGHTS = tuple(range(13, 1, -1))
_ZERO_OFFSET = ord("0") * sum(_WEIGHTS)


def _check_digit(first12: str) -> str:
    """The check digit of DOMAIN.md: (11 - sum(d_i * (14 - i)) mod 11) mod 10."""
    # Byte codes minus the code of "0" times the weights: the weighted digit sum, quickly.
    total = sum(map(mul, first12.encode("ascii"), _WEIGHTS)) - _ZERO_OFFSET
    return "0123456789"[(11 - total % 11) % 10]


def clean_national_id(value: object) -> str:
    """Return a national ID as 13 digits, or raise ValueError explaining the problem in Thai."""
    # Fast path for the common, already clean cell (a 100,000-row roster is mostly these);
    # the same rules as stdnum's, which a property test checks.
    if type(value) is str and len(value) == NID_LENGTH and value.isascii() and value.isdigit():
        if value[0] in "09":
            raise ValueError(message(_FIRST_DIGIT))
        if _check_digit(value[:12]) != value[12]:
            raise ValueError(message(_CHECK_DIGIT))
        return value
    digits = _digits_of(value)
    bad = next((ch for ch in digits if ch not in "0123456789"), None)
    if bad is not None:
        raise ValueError(message('เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น (พบ "%(bad)s")', bad=bad))
    if len(digits) != NID_LENGTH:
        raise ValueError(
            message(
                "เลขประจำตัวประชาชนต้องมี %(length)s หลัก (พบ %(found)s หลัก)",
                length=NID_LENGTH,
                found=len(digits),
            )
        )
    try:
        return pin.validate(digits)
    except InvalidComponent:
        raise ValueError(message(_FIRST_DIGIT)) from None
    except InvalidChecksum:
        raise ValueError(message(_CHECK_DIGIT)) from None
    except ValidationError:  # pragma: no cover - length and digits are checked above
        raise ValueError(message("เลขประจำตัวประชาชนไม่ถูกต้อง")) from None


def is_valid_national_id(value: object) -> bool:
    """Return True if value is a valid national ID in any accepted form."""
    try:
        clean_national_id(value)
    except ValueError:
        return False
    return True


def _loose_digits(value: object) -> str:
    """Return value's characters without separators, never raising (for display)."""
    try:
        return _digits_of(value)
    except ValueError:
        return _SEPARATORS.sub("", normalize_text(value))


def format_national_id(value: object) -> str:
    """Show 13 digits as 1-2345-67890-12-1; other values come back cleaned, not refused."""
    digits = _loose_digits(value)
    if len(digits) == NID_LENGTH and digits.isdecimal():
        return pin.format(digits)
    return normalize_text(value)


def mask_national_id(value: object) -> str:
    """Hide all but the first and last digit (1-xxxx-xxxxx-xx-1), for people without need."""
    digits = _loose_digits(value)
    if len(digits) == NID_LENGTH and digits.isdecimal():
        return f"{digits[0]}-xxxx-xxxxx-xx-{digits[-1]}"
    # Keeping two characters of a very short value would show nearly all of it.
    if len(digits) <= 2:
        return "x" * len(digits)
    return digits[0] + "x" * (len(digits) - 2) + digits[-1]


def make_national_id(first12: str) -> str:
    """Append the check digit to 12 digits (first digit 1–8), e.g. to make demo data."""
    digits = _SEPARATORS.sub("", to_arabic_digits(str(first12)))
    if len(digits) != NID_LENGTH - 1 or not digits.isascii() or not digits.isdecimal():
        raise ValueError(message("ต้องระบุตัวเลข 12 หลักแรกของเลขประจำตัวประชาชน"))
    if digits[0] in "09":
        raise ValueError(message(_FIRST_DIGIT))
    return digits + pin.calc_check_digit(digits)


def clean_g_code(value: object) -> str:
    """Return a G-code such as G644200000001 (G and 12 digits), or raise ValueError."""
    if is_blank(value):
        raise ValueError(message("ไม่ได้ระบุรหัส G"))
    code = _SEPARATORS.sub("", normalize_text(to_arabic_digits(str(value)))).upper()
    if not _G_CODE.match(code):
        raise ValueError(
            message(
                'รหัส G "%(code)s" ไม่ถูกต้อง ต้องเป็นตัว G ตามด้วยตัวเลข %(digits)s หลัก เช่น G644200000001',
                code=normalize_text(value),
                digits=G_CODE_DIGITS,
            )
        )
    return code


def clean_person_id(value: object) -> tuple[IdType, str]:
    """Clean a cell that holds a national ID or a G-code; return its type and value."""
    if isinstance(value, str) and normalize_text(value)[:1] in ("G", "g"):
        return "g_code", clean_g_code(value)
    return "national_id", clean_national_id(value)

"""Thai phone numbers and e-mail addresses as they arrive from forms and spreadsheets."""

from __future__ import annotations

import numbers
import re

import phonenumbers

from thai.digits import to_arabic_digits
from thai.messages import message
from thai.text import is_blank, normalize_text

REGION = "TH"
_INVALID = "หมายเลขโทรศัพท์ %(shown)s ไม่ถูกต้อง เช่น 02-123-4567 หรือ 081-234-5678"

# Office numbers often carry an extension: "02-123-4567 ต่อ 12", "... ext. 12", "... #12".
_EXTENSION = re.compile(r"\s*(?:ต่อ|ext\.?|x|#)\s*(\d{1,6})$", re.IGNORECASE)
# Characters people put inside a number for readability.
_PHONE_PUNCTUATION = re.compile(r"[\s\-.()\u2010-\u2015]")
_SEVERAL = re.compile(r"[,;/]|\s(?:หรือ|or)\s", re.IGNORECASE)

_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$"
)


def _phone_text(value: object) -> str:
    """Return the typed phone number as text with Arabic digits."""
    if isinstance(value, bool):
        raise ValueError(message("หมายเลขโทรศัพท์ไม่ถูกต้อง เช่น 02-123-4567 หรือ 081-234-5678"))
    if isinstance(value, numbers.Real):
        number = float(value)
        if not number.is_integer() or number < 0:
            raise ValueError(message(_INVALID, shown=f'"{value}"'))
        return str(int(number))
    return normalize_text(to_arabic_digits(str(value))).lstrip("'")  # Excel's text marker


# The shapes most cells have once punctuation is gone: a mobile (061-066, 08x, 09x + 7 digits)
# or a Bangkok landline (02 + 7 digits), valid by phonenumbers' own Thai patterns as they
# stand; every other shape goes through phonenumbers.
_COMMON_PHONE = re.compile(r"0(?:6[1-6]|[89]\d)\d{7}|02\d{7}")
_COMMON_PUNCTUATION = str.maketrans("", "", " -.()")


def clean_phone(value: object) -> str:
    """Return a Thai number as digits ("0812345678", "021234567"), or raise ValueError.

    An extension is kept as " ต่อ 12"; a valid foreign number comes back as +E.164.
    """
    if type(value) is str and value.isascii():
        quick = value.translate(_COMMON_PUNCTUATION)
        if _COMMON_PHONE.fullmatch(quick):
            return quick
    if is_blank(value):
        raise ValueError(message("ไม่ได้ระบุหมายเลขโทรศัพท์"))
    text = _phone_text(value)
    shown = f'"{text}"'
    extension = ""
    m = _EXTENSION.search(text)
    if m:
        extension, text = m.group(1), text[: m.start()]
    if _SEVERAL.search(text):
        raise ValueError(message("กรุณาระบุหมายเลขโทรศัพท์เพียงหมายเลขเดียว (พบ %(shown)s)", shown=shown))
    digits = _PHONE_PUNCTUATION.sub("", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]  # international call prefix
    if not re.fullmatch(r"\+?\d+", digits):
        raise ValueError(
            message(
                "หมายเลขโทรศัพท์ %(shown)s มีตัวอักษรที่ไม่ใช่ตัวเลข เช่น 02-123-4567 หรือ 081-234-5678",
                shown=shown,
            )
        )
    # phonenumbers itself reads "812345678" (Excel dropped the leading 0 of a number cell)
    # and "66812345678" (country code without "+") as Thai numbers.
    try:
        parsed = phonenumbers.parse(digits, REGION)
    except phonenumbers.NumberParseException:
        raise ValueError(message(_INVALID, shown=shown)) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(
            message(
                "หมายเลขโทรศัพท์ %(shown)s ไม่ถูกต้อง (โทรศัพท์บ้านมี 9 หลัก มือถือมี 10 หลัก) "
                "เช่น 02-123-4567 หรือ 081-234-5678",
                shown=shown,
            )
        )
    if phonenumbers.region_code_for_number(parsed) == REGION:
        result = "0" + str(parsed.national_number)
    else:
        result = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return f"{result} ต่อ {extension}" if extension else result


def format_phone(value: object) -> str:
    """Show a phone number for people ("081-234-5678", "02-123-4567"); never raises."""
    if is_blank(value):
        return ""
    try:
        cleaned = clean_phone(value)
    except ValueError:
        return normalize_text(value)
    number, _, extension = cleaned.partition(" ต่อ ")
    parsed = phonenumbers.parse(number, REGION)
    if phonenumbers.region_code_for_number(parsed) == REGION:
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        shown = national.replace(" ", "-")
    else:
        shown = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"{shown} ต่อ {extension}" if extension else shown


def clean_email(value: object) -> str:
    """Return an e-mail address trimmed and in lower case, or raise ValueError."""
    if type(value) is str and value.isascii():
        quick = value.strip().lower()
        if _EMAIL.match(quick) and len(quick) <= 254:
            return quick
    if is_blank(value):
        raise ValueError(message("ไม่ได้ระบุอีเมล"))
    text = normalize_text(value)
    address = re.sub(r"^mailto:", "", text, flags=re.IGNORECASE).strip("<> ")
    address = re.sub(r"\s*@\s*", "@", address).lower()
    if address.count("@") > 1 and re.search(r"[\s,;]", address):
        raise ValueError(message('กรุณาระบุอีเมลเพียงที่อยู่เดียว (พบ "%(text)s")', text=text))
    if len(address) > 254 or not _EMAIL.match(address):
        raise ValueError(message('อีเมล "%(text)s" ไม่ถูกต้อง เช่น somchai@example.com', text=text))
    return address

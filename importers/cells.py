"""Cell parsers: one raw cell in, one clean value out, or a ValueError in the reader's language.

Each parser is a pure function of the cell; the engine parses each distinct cell once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from thai.dates import parse_be_year, parse_date, parse_datetime
from thai.digits import to_arabic_digits
from thai.names import normalize_prefix, split_name
from thai.nid import clean_national_id, clean_person_id
from thai.phone import clean_email, clean_phone
from thai.text import is_blank, normalize_text

LEVEL = re.compile(r"^(?:ระดับ|ชั้น|level)?\s*([1-8])$", re.IGNORECASE)
YES = {"ใช่", "yes", "y", "true", "1", "มี", "x", "✓", "/"}
NO = {"ไม่ใช่", "no", "n", "false", "0", "ไม่มี", "-"}
URL = re.compile(r"^https?://\S+$", re.IGNORECASE)

Parser = Callable[[Any], Any]


def text(value: Any) -> str | None:
    """Clean text; blank gives None."""
    cleaned = normalize_text(value)
    return cleaned or None


def multiline(value: Any) -> str | None:
    """Clean text that keeps its line breaks (lists of parties, scopes)."""
    cleaned = normalize_text(value, keep_newlines=True)
    return cleaned or None


def code(value: Any) -> str | None:
    """A code stored as given: trimmed, Thai digits made Arabic, never a number."""
    cleaned = normalize_text(to_arabic_digits(str(value))) if not is_blank(value) else ""
    if isinstance(value, float) and value.is_integer():
        cleaned = str(int(value))
    return cleaned or None


def date(value: Any) -> dt.date | None:
    if is_blank(value):
        return None
    return parse_date(value)


def timestamp(value: Any) -> dt.datetime | None:
    if is_blank(value):
        return None
    return parse_datetime(value)


def national_id(value: Any) -> str | None:
    if is_blank(value):
        return None
    return clean_national_id(value)


def person_id(value: Any) -> tuple[str, str] | None:
    """A national ID or a G-code, as (identifier type, value)."""
    if is_blank(value):
        return None
    return clean_person_id(value)


def prefix(value: Any) -> str | None:
    if is_blank(value):
        return None
    return normalize_prefix(value) or None


def full_name(value: Any) -> tuple[str, str, str] | None:
    """A name with its prefix glued on: (prefix, given name, surname)."""
    if is_blank(value):
        return None
    return split_name(value)


def phone(value: Any) -> str | None:
    if is_blank(value):
        return None
    return clean_phone(value)


def email(value: Any) -> str | None:
    if is_blank(value):
        return None
    return clean_email(value)


def link(what: str) -> Parser:
    """A parser of a web link (http or https); `what` names the link in its message."""

    def parse(value: Any) -> str | None:
        cleaned = text(value)
        if cleaned is None:
            return None
        if not URL.match(cleaned):
            raise ValueError(
                _(
                    'The %(what)s "%(value)s" is not valid: it starts with http:// or https://',
                    what=what,
                    value=cleaned,
                )
            )
        return cleaned

    return parse


def level(value: Any) -> int | None:
    """A qualification level 1–8, written "4", "ระดับ 4", "ชั้น ๔"."""
    if is_blank(value):
        return None
    cleaned = normalize_text(to_arabic_digits(str(value)))
    if isinstance(value, float) and value.is_integer():
        cleaned = str(int(value))
    match = LEVEL.match(cleaned)
    if not match:
        raise ValueError(
            _(
                'The level "%(value)s" is not valid: it is a number from 1 to 8, e.g. "4" or '
                '"ระดับ 4"',
                value=cleaned,
            )
        )
    return int(match.group(1))


def whole_number(value: Any) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and value >= 0:
            return int(value)
    cleaned = normalize_text(to_arabic_digits(str(value))).replace(",", "")
    if not cleaned.isdigit():
        raise ValueError(_('"%(value)s" is not a whole number of 0 or more', value=cleaned))
    return int(cleaned)


def be_year(value: Any) -> int | None:
    """A Buddhist Era year such as 2566 ("66", "ปีการศึกษา 2566" and CE years are accepted)."""
    if is_blank(value):
        return None
    return parse_be_year(value)


def yes_no(value: Any) -> bool | None:
    if is_blank(value):
        return None
    cleaned = normalize_text(value).lower()
    if cleaned in YES:
        return True
    if cleaned in NO:
        return False
    raise ValueError(_('The value "%(value)s" is not valid: give "ใช่" or "ไม่ใช่"', value=cleaned))


def choice(
    labels: dict[str, str],
    what: str,
    *,
    key: Callable[[Any], str] | None = None,
    shown: tuple[str, ...] | None = None,
    codes_too: bool = False,
) -> Parser:
    """Map Thai or English labels (any case and spacing, or as `key` compares them) to stored
    codes, and the codes themselves with codes_too; a refusal lists `shown` (by default the
    Thai labels)."""
    key = key or key_text
    lookup = {key(label): code for label, code in labels.items()}
    if codes_too:
        lookup.update({key(code): code for code in labels.values()})
    listed = ", ".join(shown or dict.fromkeys(label for label in labels if not label.isascii()))

    def parse(value: Any) -> str | None:
        if is_blank(value):
            return None
        found = lookup.get(key(value))
        if found is None:
            raise ValueError(
                _(
                    'The %(what)s "%(value)s" is not valid; use: %(listed)s',
                    what=what,
                    value=normalize_text(value),
                    listed=listed,
                )
            )
        return found

    return parse


def key_text(value: Any) -> str:
    """Text for matching names and labels: clean, lower-case, no spaces."""
    return normalize_text(value).lower().replace(" ", "")

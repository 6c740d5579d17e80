"""Record ids as a user's request gives them: the one bound on what the database can hold.

Every table's id is an INTEGER, which PostgreSQL keeps in 32 bits (SQLite in 64): a larger
number in a URL or a form can name no record, and handed to the database it is an error
("integer out of range", or OverflowError in SQLite's driver). Anything that reads an id
from a request checks it here first.
"""

from __future__ import annotations

from collections.abc import Iterable

from thai.digits import to_arabic_digits

MAX_KEY = 2**31 - 1


def is_key(value: int) -> bool:
    """Whether a whole number can be a record's id (1 to MAX_KEY)."""
    return 0 < value <= MAX_KEY


def record_id(value: object) -> int | None:
    """The record id a request's text names (Arabic or Thai digits), or None."""
    text = to_arabic_digits(str(value if value is not None else "")).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_KEY)):
        return None
    number = int(text)
    return number if is_key(number) else None


def record_ids(values: Iterable[object]) -> list[int]:
    """The record ids among values (each may hold several, comma-separated), in order, once
    each; anything that cannot be an id is left out."""
    ids: dict[int, None] = {}
    for value in values:
        for part in str(value if value is not None else "").split(","):
            number = record_id(part)
            if number is not None:
                ids[number] = None
    return list(ids)

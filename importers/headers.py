"""Matching header cells to columns the way senders write them, and saying what is missing.

Senders decorate headers: a required-field star ("ชื่อ *", "(*) ชื่อ"), a hint in brackets
("วันเกิด (วว/ดด/ปปปป)", "งบประมาณ (บาท)"), a hint after a colon or a spaced dash
("วันเกิด: วว/ดด/ปปปป", "Email - required"), a hint on a second line of the cell
("วันเกิด\\nพ.ศ."). Some aliases hold the same punctuation themselves ("ชื่อ - นามสกุล",
"วัน/เดือน/ปีเกิด", "e-mail"), so a header is first compared whole, and a hint is cut off
only when what remains names a column.

Pure functions: no database, no pandas. Anything with `name` and `headers` (aliases, the
template's title first) is a column here; importers/columns.py's Column is one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from flask_babel import gettext

from thai.text import normalize_text


def N_(text: str) -> str:
    """Mark a text for the catalogue (pybabel reads N_); it is translated where it is used."""
    return text


# The import template's sheets and its instructions sheet's header row (importers/templates.py
# writes them; that module imports every importer, so it cannot be imported from here — a
# test checks that these stay equal).
DATA_SHEET = "ข้อมูล"
HELP_SHEET = "คำอธิบาย"
HELP_HEADERS = ("คอลัมน์", "ต้องกรอก", "คำอธิบาย", "ค่าที่ใช้ได้", "ชื่อหัวคอลัมน์อื่นที่รับได้", "ตัวอย่าง")
# The same row in English (its msgids: the Thai catalogue gives HELP_HEADERS back). A template
# downloaded from the English screen has it; both are recognised as an instructions sheet.
HELP_HEADERS_EN = (
    N_("Column"),
    N_("Required?"),
    N_("Description"),
    N_("Values"),
    N_("Other accepted headers"),
    N_("Example"),
)


# How far down an instructions sheet its column table starts (below the title and the notes).
HELP_SEARCH_ROWS = 60

INSTRUCTIONS_SHEET_MESSAGE = (
    f'ไฟล์นี้เป็นแผ่นงาน "{HELP_SHEET}" ของแม่แบบ ไม่ใช่แผ่นงาน "{DATA_SHEET}" '
    "(เมื่อบันทึกเป็น CSV โปรแกรมตารางคำนวณจะบันทึกเฉพาะแผ่นงานที่เปิดอยู่) "
    f'กรุณาเปิดแผ่นงาน "{DATA_SHEET}" แล้วบันทึกหรือส่งออกเป็น CSV ใหม่ '
    "หรือส่งไฟล์แม่แบบ .xlsx ทั้งไฟล์"
)

# Spaces a cell may hold that str.split() might not treat as one, and line separators.
_SPACES = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u200b": " ",
        "\u200c": " ",
        "\u200d": " ",
        "\u2060": " ",
        "\ufeff": " ",
        "\r": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
        "\u000b": "\n",
        "\u0085": "\n",
    }
)
_OPENING = "([{（［｛"
_BRACKETED = re.compile(
    r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}|（[^（）]*）|［[^［］]*］|｛[^｛｝]*｝"
)
_COLON = re.compile("[:：]")
# A hyphen with a space on either side ("Email - required", "Email -required"), or an
# en/em dash or minus sign anywhere ("Email – required").
_DASH = re.compile(r"\s-|-\s|[\u2012\u2013\u2014\u2015\u2212]")


class Named(Protocol):
    """A column as far as matching goes: its name and its accepted headers (title first)."""

    @property
    def name(self) -> str: ...

    @property
    def headers(self) -> tuple[str, ...]: ...


def _clean(value: Any) -> str:
    """A cell as text: NFC, Thai spelling repaired, odd spaces as spaces, lines kept."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else normalize_text(value)
    return normalize_text(text.translate(_SPACES), keep_newlines=True)


def header_key(value: Any) -> str:
    """The whole header for comparison: case, spaces, punctuation and stars ignored.

    Keeps letters, digits and (Thai) combining marks only, so "E-mail *" and "email", or
    "ชื่อ - นามสกุล" and "ชื่อ-นามสกุล", have the same key. Hints are not cut here: see
    header_candidates().
    """
    cleaned = _clean(value).casefold()
    return "".join(ch for ch in cleaned if unicodedata.category(ch)[0] in "LNM")


def _without_brackets(text: str) -> str:
    """Drop bracketed parts (innermost first), and an unclosed bracket with what follows."""
    while True:
        shorter = _BRACKETED.sub(" ", text)
        if shorter == text:
            break
        text = shorter
    cut = min((text.find(ch) for ch in _OPENING if ch in text), default=-1)
    return text[:cut] if cut >= 0 else text


def _prefixes(text: str, separator: re.Pattern[str]) -> list[str]:
    """What comes before each separator, the longest first."""
    return [text[: match.start()] for match in reversed(list(separator.finditer(text)))]


def _stripped(text: str) -> list[str]:
    """Every way of cutting a hint off the text once."""
    found = [_without_brackets(text)]
    found += _prefixes(text, _COLON)
    found += _prefixes(text, _DASH)
    if "\n" in text:
        found.append(text.split("\n", 1)[0])
    return found


def header_candidates(value: Any) -> list[str]:
    """The keys a header may stand for: the whole header first, then with hints cut off.

    Hints are brackets, what follows a colon or a spaced dash, and the lines after the
    first, in any combination ("วันเกิด (พ.ศ.): วว/ดด/ปปปป"). Candidates that keep more of
    the header come first, so "ชื่อ - นามสกุล\\nพ.ศ." stands for ชื่อ - นามสกุล, not ชื่อ.
    """
    text = _clean(value)
    seen = {text}
    pending = [text]
    while pending:
        for shorter in _stripped(pending.pop()):
            if shorter not in seen:
                seen.add(shorter)
                pending.append(shorter)
    whole = header_key(text)
    keys = {header_key(candidate) for candidate in seen} - {"", whole}
    return [whole, *sorted(keys, key=lambda key: (-len(key), key))] if whole else []


@lru_cache(maxsize=64)
def _index(columns: tuple[Named, ...]) -> dict[str, tuple[str, ...]]:
    """Each alias key with the names of the columns that accept it."""
    names: dict[str, list[str]] = {}
    for column in columns:
        for alias in column.headers:
            owners = names.setdefault(header_key(alias), [])
            if column.name not in owners:
                owners.append(column.name)
    return {key: tuple(owners) for key, owners in names.items()}


def _lookup(columns: Sequence[Named]) -> dict[str, tuple[str, ...]]:
    try:
        return _index(tuple(columns))
    except TypeError:  # columns that cannot be hashed: index them each time
        return _index.__wrapped__(tuple(columns))


def _match(value: Any, index: dict[str, tuple[str, ...]]) -> tuple[str, bool] | None:
    """(column name, whether the whole header matched) of the first candidate naming one."""
    for number, key in enumerate(header_candidates(value)):
        owners = index.get(key, ())
        if len(owners) == 1:
            return owners[0], number == 0
    return None


def match_header(header: Any, columns: Sequence[Named]) -> Named | None:
    """The one column a header names, trying the whole header before cutting hints off."""
    found = _match(header, _lookup(columns))
    if found is None:
        return None
    return next(column for column in columns if column.name == found[0])


@dataclass
class HeaderMap:
    """Which header cell holds each column, and the headers that name no column."""

    positions: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)


def map_headers(header_cells: Sequence[Any], columns: Sequence[Named]) -> HeaderMap:
    """Map header cells to columns: one column per header and one header per column.

    Headers that match whole are placed first, so "ชื่อ" keeps the ชื่อ column even when a
    decorated "ชื่อ (ภาษาอังกฤษ)" comes before it; otherwise the first header naming a
    column keeps it and a later one is unknown. Blank cells are neither; unknown headers
    are listed as written (spaces tidied), in file order.
    """
    index = _lookup(columns)
    matches: dict[int, tuple[str, bool] | None] = {}
    written: dict[int, str] = {}
    for position, cell in enumerate(header_cells):
        header = normalize_text(cell)
        if header:
            written[position] = header
            matches[position] = _match(cell, index)
    positions: dict[str, int] = {}
    for whole in (True, False):
        for position, found in matches.items():
            if found is not None and found[1] is whole and found[0] not in positions:
                positions[found[0]] = position
    taken = set(positions.values())
    unknown = [header for position, header in written.items() if position not in taken]
    return HeaderMap(dict(sorted(positions.items(), key=lambda item: item[1])), unknown)


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def missing_columns_message(
    missing: Sequence[Sequence[Named]],
    found_headers: Sequence[str],
    present: Collection[str] = (),
) -> str:
    """Say in Thai which required column is missing, what the file has, and what would do.

    `missing` holds the alternatives, each a group of columns that together satisfy the
    requirement ("ชื่อ" + "นามสกุล" or "ชื่อ-สกุล"); `found_headers` the header cells as
    written; `present` the names of columns the file does have (their accepted names are
    not repeated).
    """
    wanted = " หรือ ".join(
        " + ".join(f'"{column.headers[0]}"' for column in group) for group in missing
    )
    lines = [f"ไฟล์ไม่มีคอลัมน์ {wanted} ซึ่งจำเป็นต้องมี"]
    found = [header for header in found_headers if header and header.strip()]
    if found:
        lines.append(f"หัวคอลัมน์ที่พบในไฟล์: {_quoted(found)}")
    else:
        lines.append("ไม่พบหัวคอลัมน์ในไฟล์")
    absent: list[Named] = []
    for group in missing:
        for column in group:
            if column.name not in present and column not in absent:
                absent.append(column)
    if len(absent) == 1:
        lines.append(f"ชื่อหัวคอลัมน์ที่ใช้ได้: {_quoted(absent[0].headers)}")
    elif absent:
        accepted = "; ".join(f"{c.headers[0]} = {_quoted(c.headers)}" for c in absent)
        lines.append(f"ชื่อหัวคอลัมน์ที่ใช้ได้: {accepted}")
    return " ".join(lines)


def help_headers() -> tuple[str, ...]:
    """The instructions sheet's column-table headers in the reader's language."""
    return tuple(gettext(header) for header in HELP_HEADERS_EN)


def _is_help_header_row(row: Sequence[Any]) -> bool:
    keys = {header_key(cell) for cell in row}
    return any(_is_header_row_of(keys, headers) for headers in (HELP_HEADERS, HELP_HEADERS_EN))


def _is_header_row_of(keys: set[str], headers: Sequence[str]) -> bool:
    wanted = {header_key(header) for header in headers}
    # The first column and the aliases column are the template's own words; with two more
    # of its headers the row is that table, not a sender's data.
    first, aliases = header_key(headers[0]), header_key(headers[4])
    return first in keys and aliases in keys and len(keys & wanted) >= 4


def looks_like_instructions(rows: Sequence[Sequence[Any]]) -> bool:
    """Whether a sheet is an import template's instructions sheet (คำอธิบาย), not data."""
    return any(_is_help_header_row(row) for row in rows[:HELP_SEARCH_ROWS])

"""Columns: a field of an import with its Thai and English headers and its cell parser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from importers import cells
from importers.cells import Parser, text
from importers.headers import header_key

# A check of a parsed value: None, or a Thai message naming the value as the sender wrote it.
Check = Callable[[str, Any, Any], "str | None"]


@dataclass(frozen=True)
class Column:
    """A field of an import: its headers, its cell parser, and whether a value is required."""

    name: str
    headers: tuple[str, ...]
    parse: Parser = text
    required: bool = False
    help: str | LazyString = ""
    choices: tuple[str, ...] = ()
    example: str = ""
    # A plausibility check run on each distinct value: check(written, value, importer).
    check: Check | None = None

    @property
    def title(self) -> str:
        """The header a template writes: the first (Thai) alias."""
        return self.headers[0]

    def keys(self) -> set[str]:
        return {header_key(h) for h in self.headers}


def person_name_columns(prefix: str, first: str, last: str) -> tuple[Column, ...]:
    """Prefix, given name and surname columns, or one full name with the prefix glued on."""
    return (
        Column(
            "prefix",
            ("คำนำหน้า", "คำนำหน้าชื่อ", "prefix", "title"),
            cells.prefix,
            help=_l("นาย, นาง, นางสาว, ว่าที่ร้อยตรี, ดร. and so on"),
            example=prefix,
        ),
        Column("first_name", ("ชื่อ", "first_name"), cells.text, example=first),
        Column("last_name", ("นามสกุล", "สกุล", "last_name"), cells.text, example=last),
        Column(
            "full_name",
            ("ชื่อ-สกุล", "ชื่อ - นามสกุล", "ชื่อ-นามสกุล", "full_name"),
            cells.full_name,
            help=_l(
                "Instead of the คำนำหน้า, ชื่อ and นามสกุล columns, e.g. %(example)s",
                example=f"{prefix}{first} {last}",
            ),
        ),
    )

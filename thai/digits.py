"""Thai digits (๐–๙) and their Arabic counterparts."""

from __future__ import annotations

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ARABIC_DIGITS = "0123456789"

_TO_ARABIC = str.maketrans(THAI_DIGITS, ARABIC_DIGITS)
_TO_THAI = str.maketrans(ARABIC_DIGITS, THAI_DIGITS)


def to_arabic_digits(s: str) -> str:
    """Replace Thai digits with Arabic digits, leaving everything else as is."""
    # Most cells are plain ASCII; skipping translate there saves a microsecond per cell.
    return s if s.isascii() else s.translate(_TO_ARABIC)


def to_thai_digits(s: str) -> str:
    """Replace Arabic digits with Thai digits, leaving everything else as is."""
    return s.translate(_TO_THAI)

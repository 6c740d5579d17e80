"""Clean up text as it arrives from forms, spreadsheets and copy-paste."""

from __future__ import annotations

import math
import re
import unicodedata

# Invisible characters are deleted rather than turned into spaces: the user never saw a
# gap there, and Thai word-breaking tools put ZWSP *inside* names ("สม\u200bชาย").
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
# Every character str.split() treats as a space, plus the invisible ones, for a fast strip.
_BLANK_CHARS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + _INVISIBLE

# Two quick searches tell whether an invisible character or one of the (rare) Thai
# mis-encodings is present, so clean strings — nearly all of them — skip the fixes below.
# Measured: str.translate costs ~3 µs per Thai cell, one regex with alternatives ~2.5 µs,
# these two plain character-class searches ~1 µs together.
_SUSPECT_CHAR = re.compile(f"[{_INVISIBLE}\u0e4d]")  # nikhahit: half of a split sara am
# Deliberately broad (a mark followed by a mark or vowel that never follows it in correct
# spelling): a false alarm only costs the exact substitutions in _fix_thai.
_SUSPECT_PAIR = re.compile(
    "[\u0e40\u0e48-\u0e4c\u0e30\u0e32\u0e33][\u0e40\u0e31\u0e34-\u0e3a\u0e47\u0e48-\u0e4b]"
)
_NIKHAHIT_AA = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_TONE_BEFORE_VOWEL = re.compile("([\u0e48-\u0e4c]+)([\u0e31\u0e34-\u0e3a\u0e47])")
_TONE_AFTER_VOWEL = re.compile("([\u0e30\u0e32\u0e33])([\u0e48-\u0e4b]+)")


def is_blank(value: object) -> bool:
    """Return True for None, NaN, pandas NA/NaT and strings holding only spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip(_BLANK_CHARS)
    if isinstance(value, float):
        return math.isnan(value)
    # pandas' missing-value markers; named, not imported, to keep pandas optional.
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)  # NaN-like values (Decimal NaN, numpy NaT)
    except (TypeError, ValueError):
        return False


def _fix_thai(s: str) -> str:
    """Drop invisible characters; repair Thai that looks right but compares differently."""
    s = _INVISIBLE_RE.sub("", s)
    s = _NIKHAHIT_AA.sub("\\1\u0e33", s)  # "ํา" → "ำ", keeping a tone mark in between
    s = s.replace("\u0e40\u0e40", "\u0e41")  # "เเ" → "แ"
    s = _TONE_BEFORE_VOWEL.sub(r"\2\1", s)  # "ก่ี" → "กี่"
    return _TONE_AFTER_VOWEL.sub(r"\2\1", s)  # "นำ้" → "น้ำ"


def _to_str(value: object) -> str:
    """Turn a non-string cell value into text."""
    # pandas and Excel turn whole numbers into floats (3.0); show them as typed (3).
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalize_text(value: object, *, keep_newlines: bool = False) -> str:
    """Return value as clean NFC text with single spaces; blanks (None, NaN) give ""."""
    if isinstance(value, str):
        s = value
    elif is_blank(value):
        return ""
    else:
        s = _to_str(value)
    if not s.isascii():
        s = unicodedata.normalize("NFC", s)
        if _SUSPECT_CHAR.search(s) or _SUSPECT_PAIR.search(s):
            s = _fix_thai(s)
    if keep_newlines:
        lines = (" ".join(line.split()) for line in s.splitlines())
        return "\n".join(line for line in lines if line)
    # str.split() without arguments splits on every Unicode space, NBSP included.
    return " ".join(s.split())


_TONE_MARKS = re.compile("[\u0e47-\u0e4c]")
_LEADING_VOWEL = re.compile("([\u0e40-\u0e44])([\u0e01-\u0e2e])")


def thai_sort_key(text: str) -> str:
    """Return a key that sorts Thai names in dictionary order (เชียงใหม่ under ช)."""
    # Unicode puts the leading vowels เ แ โ ใ ไ first; a dictionary files a word under its
    # consonant, and tone marks decide only between otherwise equal words.
    plain = _LEADING_VOWEL.sub(r"\2\1", _TONE_MARKS.sub("", text))
    return plain + "".join(_TONE_MARKS.findall(text))

"""Tests for thai.text, thai.digits and thai.phone, and for the package's exports."""

import math
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import thai
from thai import (
    THAI_DIGITS,
    clean_email,
    clean_phone,
    format_phone,
    is_blank,
    normalize_text,
    to_arabic_digits,
    to_thai_digits,
)

FAST = settings(max_examples=100, deadline=None, database=None)


def test_package_exports_everything_it_lists() -> None:
    for name in thai.__all__:
        assert getattr(thai, name) is not None, name


def test_importing_thai_does_not_import_pythainlp_or_pandas() -> None:
    import subprocess
    import sys

    code = "import sys, thai; print('pythainlp' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run(  # noqa: S603 - fixed command, our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


# --- digits ----------------------------------------------------------------------------


def test_digits() -> None:
    assert THAI_DIGITS == "๐๑๒๓๔๕๖๗๘๙"
    assert to_arabic_digits("ศธ ๐๖๐๕/๑๕๓๐") == "ศธ 0605/1530"
    assert to_thai_digits("24 ม.ค. 2568") == "๒๔ ม.ค. ๒๕๖๘"


@FAST
@given(st.text())
def test_digit_conversions_invert_each_other(s: str) -> None:
    arabic = to_arabic_digits(s)
    assert not any(ch in THAI_DIGITS for ch in arabic)
    assert to_arabic_digits(to_thai_digits(arabic)) == arabic


# --- normalize_text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("น\u0e4d\u0e32", "น\u0e33"),  # "ํา" → "ำ"
        ("น\u0e49\u0e4d\u0e32", "น\u0e49\u0e33"),  # tone mark between nikhahit and sara aa
        ("น\u0e4d\u0e49\u0e32", "น\u0e49\u0e33"),  # tone mark typed after nikhahit
        ("ก\u0e33\u0e49", "ก\u0e49\u0e33"),  # tone mark typed after sara am
        ("\u0e40\u0e40ก", "\u0e41ก"),  # two sara e for sara ae
        ("ก\u0e48\u0e35", "ก\u0e35\u0e48"),  # tone mark typed before sara ii
        ("  สวัสดี \u00a0\tครับ\n", "สวัสดี ครับ"),
        ("a\u2007b\u202fc\u3000d", "a b c d"),
        ("สม\u200bชาย", "สมชาย"),  # invisible characters are dropped, not made visible
        ("\ufeffรหัส", "รหัส"),  # byte-order mark at the start of a CSV header
        ("e\u0301", "é"),  # NFC
        ("วิทยาลัยสารพัดช่างลำปาง", "วิทยาลัยสารพัดช่างลำปาง"),
        (None, ""),
        (math.nan, ""),
        (float("nan"), ""),
        (Decimal("NaN"), ""),
        ("\u200b \u00a0", ""),
        (3.0, "3"),
        (2.5, "2.5"),
        (42, "42"),
    ],
)
def test_normalize_text(raw: object, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_text_keep_newlines() -> None:
    raw = " สอศ.  \r\n\n  สคช.\u00a0 \n"
    assert normalize_text(raw, keep_newlines=True) == "สอศ.\nสคช."
    assert normalize_text(raw) == "สอศ. สคช."


def test_is_blank() -> None:
    for blank in (None, "", "  ", "\u00a0", "\u200b", math.nan):
        assert is_blank(blank), repr(blank)
    for value in ("0", 0, 0.0, "ก", False):
        assert not is_blank(value), repr(value)


@FAST
@given(st.text())
def test_normalize_text_is_idempotent_and_tidy(s: str) -> None:
    once = normalize_text(s)
    assert normalize_text(once) == once
    assert once == once.strip() and "  " not in once and "\u0e4d\u0e32" not in once


# --- phones ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("02-123-4567", "021234567"),
        ("(02) 123 4567", "021234567"),
        ("081 234 5678", "0812345678"),
        ("081-234-5678", "0812345678"),
        ("+66812345678", "0812345678"),
        ("+66 (0) 81 234 5678", "0812345678"),
        ("66812345678", "0812345678"),
        ("0066812345678", "0812345678"),
        ("๐๘๑-๒๓๔-๕๖๗๘", "0812345678"),
        (812345678, "0812345678"),  # Excel stored it as a number and dropped the 0
        (812345678.0, "0812345678"),
        ("812345678", "0812345678"),
        (21234567, "021234567"),
        ("053-123456", "053123456"),
        ("'0812345678", "0812345678"),
        ("02-123-4567 ต่อ 12", "021234567 ต่อ 12"),
        ("02-123-4567 ext. 12", "021234567 ต่อ 12"),
        ("+1 650-253-0000", "+16502530000"),
    ],
)
def test_clean_phone(raw: object, expected: str) -> None:
    assert clean_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "abc",
        "1669",
        "02-123-456",
        "0712345678",
        "02-123-4567-8",
        "081-234-5678, 02-123-4567",
        "081-234-5678 หรือ 089-999-9999",
        8123.5,
        True,
    ],
)
def test_clean_phone_rejects(raw: object) -> None:
    with pytest.raises(ValueError) as exc:
        clean_phone(raw)
    assert re.search("[ก-๙]", str(exc.value))


@pytest.mark.parametrize("raw", ["081-234-5678, 02-123-4567", "081-234-5678 / 089-999-9999"])
def test_clean_phone_asks_for_one_number(raw: str) -> None:
    with pytest.raises(ValueError, match="เพียงหมายเลขเดียว"):
        clean_phone(raw)


def test_format_phone() -> None:
    assert format_phone("0812345678") == "081-234-5678"
    assert format_phone(21234567) == "02-123-4567"
    assert format_phone("053123456") == "053-123-456"
    assert format_phone("02-123-4567 ต่อ 12") == "02-123-4567 ต่อ 12"
    assert format_phone("1669") == "1669"  # display helpers never raise
    assert format_phone(None) == ""


# --- e-mail ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Somchai.S@Example.AC.TH ", "somchai.s@example.ac.th"),
        ("mailto:a@b.co", "a@b.co"),
        ("<a@b.co>", "a@b.co"),
        ("somchai @ gmail.com", "somchai@gmail.com"),
        ("first+tag@sub.example.com", "first+tag@sub.example.com"),
    ],
)
def test_clean_email(raw: str, expected: str) -> None:
    assert clean_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "a@b",
        "somchai.gmail.com",
        "a..b@x.com",
        "a@x,com",
        "ฟหก@gmail.com",
        "a@b.com, c@d.com",
    ],
)
def test_clean_email_rejects(raw: object) -> None:
    with pytest.raises(ValueError) as exc:
        clean_email(raw)
    assert re.search("[ก-๙]", str(exc.value))

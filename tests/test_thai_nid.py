"""Tests for thai.nid: national IDs and G-codes."""

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thai import (
    THAI_DIGITS,
    clean_g_code,
    clean_national_id,
    clean_person_id,
    format_national_id,
    is_valid_national_id,
    make_national_id,
    mask_national_id,
)

FAST = settings(max_examples=100, deadline=None, database=None)
VALID = "3100600445635"  # python-stdnum's own example of a valid PIN
NID = "เลขประจำตัวประชาชน"


def check_digit(first12: str) -> str:
    """Compute the check digit with the formula in DOMAIN.md, independently of the code."""
    total = sum(int(d) * (14 - i) for i, d in enumerate(first12, start=1))
    return str((11 - total % 11) % 10)


def test_reference_formula_agrees_with_known_id() -> None:
    assert check_digit(VALID[:12]) == VALID[12]


@pytest.mark.parametrize(
    "value",
    [
        VALID,
        "3-1006-00445-63-5",
        " 3 1006 00445 63 5 ",
        "3\u00a01006\u00a000445\u00a063\u00a05",
        "3–1006–00445–63–5",  # en dashes from Word
        "๓๑๐๐๖๐๐๔๔๕๖๓๕",
        "๓-๑๐๐๖-๐๐๔๔๕-๖๓-๕",
        "'3100600445635",  # Excel's "store as text" marker leaked into a CSV
        "3100600445635.0",
        "3.100600445635E+12",  # scientific notation that still holds every digit
        3100600445635,
        3100600445635.0,
    ],
)
def test_clean_national_id_accepts(value: object) -> None:
    assert clean_national_id(value) == VALID


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("310060044563", f"{NID}ต้องมี 13 หลัก (พบ 12 หลัก)"),
        ("31006004456351", f"{NID}ต้องมี 13 หลัก (พบ 14 หลัก)"),
        ("3100600445636", f"{NID}ไม่ถูกต้อง (เลขตรวจสอบไม่ตรง)"),
        ("31006OO445635", f'{NID}ต้องเป็นตัวเลขเท่านั้น (พบ "O")'),
        ("0100600445635", f"{NID}ไม่ถูกต้อง (หลักแรกต้องเป็นเลข 1–8)"),
        ("", f"ไม่ได้ระบุ{NID}"),
        (None, f"ไม่ได้ระบุ{NID}"),
    ],
)
def test_clean_national_id_error_messages(value: object, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        clean_national_id(value)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    "value",
    [
        "3.1006E+12",  # Excel's display of a number column: digits are gone
        3.1006e12,  # the same after pandas read the CSV
        3100600445635.5,
    ],
)
def test_clean_national_id_rejects_numbers_that_lost_digits(value: object) -> None:
    with pytest.raises(ValueError) as exc:
        clean_national_id(value)
    assert "Excel" in str(exc.value)  # tells the worker why, not just "wrong check digit"


@pytest.mark.parametrize("value", [float("nan"), True, [3100600445635]])
def test_clean_national_id_rejects_other_values(value: object) -> None:
    with pytest.raises(ValueError) as exc:
        clean_national_id(value)
    assert re.search("[ก-๙]", str(exc.value))


def test_error_messages_do_not_echo_the_id() -> None:
    # Messages end up in logs and import reports; a national ID is personal data.
    with pytest.raises(ValueError) as exc:
        clean_national_id("3100600445636")
    assert "310060044563" not in str(exc.value)


def test_is_valid_national_id() -> None:
    assert is_valid_national_id("3-1006-00445-63-5")
    assert not is_valid_national_id("3-1006-00445-63-6")
    assert not is_valid_national_id(None)


def test_format_and_mask() -> None:
    assert format_national_id(VALID) == "3-1006-00445-63-5"
    assert format_national_id("๓๑๐๐๖๐๐๔๔๕๖๓๕") == "3-1006-00445-63-5"
    assert format_national_id("12 34") == "12 34"  # display helpers never raise
    assert format_national_id(None) == ""
    assert mask_national_id(VALID) == "3-xxxx-xxxxx-xx-5"
    assert mask_national_id("3-1006-00445-63-5") == "3-xxxx-xxxxx-xx-5"
    assert mask_national_id("12345") == "1xxx5"
    assert mask_national_id("G644200000001") == "Gxxxxxxxxxxx1"
    assert mask_national_id("12") == "xx"
    assert mask_national_id(None) == ""


def test_make_national_id() -> None:
    assert make_national_id("310060044563") == VALID
    assert make_national_id("๓-๑๐๐๖-๐๐๔๔๕-๖๓") == VALID
    for bad in ("31006004456", "3100600445635", "31006004456x", "010060044563"):
        with pytest.raises(ValueError):
            make_national_id(bad)


def test_g_codes() -> None:
    assert clean_g_code("G644200000001") == "G644200000001"
    assert clean_g_code(" g 6442-0000-0001 ") == "G644200000001"
    assert clean_g_code("G๖๔๔๒๐๐๐๐๐๐๐๑") == "G644200000001"
    for bad in ("G64420000001", "644200000001", "X644200000001", "G6442000000011", ""):
        with pytest.raises(ValueError) as exc:
            clean_g_code(bad)
        assert re.search("[ก-๙]", str(exc.value))


def test_clean_person_id() -> None:
    assert clean_person_id("g644200000001") == ("g_code", "G644200000001")
    assert clean_person_id("3-1006-00445-63-5") == ("national_id", VALID)
    with pytest.raises(ValueError):
        clean_person_id("G123")


def test_third_digit_is_not_covered_by_the_check_digit() -> None:
    # The official weights are 13..2; the third digit's weight is 11 ≡ 0 (mod 11), so
    # changing it keeps the check digit. Record this blind spot of the scheme itself.
    changed = VALID[:2] + "9" + VALID[3:]
    assert changed != VALID and is_valid_national_id(changed)


# --- properties -------------------------------------------------------------------------

# Twelve digits whose first is 1–8, drawn as one integer to keep the test fast.
FIRST12 = st.integers(10**11, 9 * 10**11 - 1).map(str)


@FAST
@given(FIRST12)
def test_make_national_id_is_accepted(first12: str) -> None:
    nid = make_national_id(first12)
    assert nid == first12 + check_digit(first12)
    assert clean_national_id(nid) == nid


@FAST
@given(FIRST12, st.integers(0, 12), st.integers(1, 9))
def test_single_digit_changes(first12: str, position: int, delta: int) -> None:
    nid = make_national_id(first12)
    digit = (int(nid[position]) + delta) % 10
    changed = nid[:position] + str(digit) + nid[position + 1 :]
    expected = changed[0] in "12345678" and check_digit(changed[:12]) == changed[12]
    assert is_valid_national_id(changed) is expected
    # Every change is caught except in the third digit (weight 11) and when the weighted
    # sums differ only between residues 0 and 10, which share the check digit 1.
    weighted = [
        sum(int(d) * (14 - i) for i, d in enumerate(x[:12], 1)) % 11 for x in (nid, changed)
    ]
    if position != 2 and sorted(weighted) != [0, 10]:
        assert not is_valid_national_id(changed)
    if position == 12:
        with pytest.raises(ValueError, match="เลขตรวจสอบไม่ตรง"):
            clean_national_id(changed)


SEPARATORS = ["", "", "-", " ", "  ", "\u00a0", " - "]


@FAST
@given(FIRST12, st.randoms(use_true_random=False))
def test_clean_ignores_separators_and_thai_digits(first12: str, rnd: random.Random) -> None:
    nid = make_national_id(first12)
    messy = rnd.choice(["", " "]) + "".join(
        (THAI_DIGITS[int(ch)] if rnd.random() < 0.5 else ch) + rnd.choice(SEPARATORS) for ch in nid
    )
    assert clean_national_id(messy) == nid
    assert format_national_id(messy) == f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}"


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_fast_path_agrees_with_stdnum(digits: str) -> None:
    """The quick check of clean 13-digit cells accepts exactly what python-stdnum accepts."""
    from stdnum.th import pin

    assert is_valid_national_id(digits) == pin.is_valid(digits)

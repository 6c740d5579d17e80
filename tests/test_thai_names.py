"""Tests for thai.names: prefixes, splitting and joining Thai names."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from thai import PREFIXES, full_name, normalize_prefix, normalize_text, split_name

FAST = settings(max_examples=100, deadline=None, database=None)


@pytest.mark.parametrize(
    "prefix",
    [
        "นาย",
        "นาง",
        "นางสาว",
        "น.ส.",
        "ด.ช.",
        "ด.ญ.",
        "เด็กชาย",
        "เด็กหญิง",
        "ดร.",
        "ผศ.",
        "รศ.",
        "ศ.",
        "ผศ.ดร.",
        "รศ.ดร.",
        "ศ.ดร.",
        "ว่าที่ร้อยตรี",
        "ว่าที่ ร.ต.",
        "ว่าที่ร้อยตรีหญิง",
        "ร้อยตรี",
        "ร้อยโท",
        "ร้อยเอก",
        "พันตรี",
        "พันโท",
        "พันเอก",
        "จ่าสิบเอก",
        "สิบเอก",
        "เรืออากาศตรี",
        "เรืออากาศโท",
        "เรืออากาศเอก",
        "เรือตรี",
        "เรือโท",
        "เรือเอก",
        "นาวาอากาศเอก",
        "พ.ต.อ.",
        "ร.ต.อ.",
        "Mr.",
        "Mrs.",
        "Ms.",
        "Miss",
    ],
)
def test_required_prefixes_are_known(prefix: str) -> None:
    assert prefix in PREFIXES


def test_prefixes_are_unique_even_ignoring_spaces() -> None:
    keys = ["".join(p.split()) for p in PREFIXES]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("นายศานนท์ ศรีสุข", ("นาย", "ศานนท์", "ศรีสุข")),
        ("นางสาวจุลลดา มีสุข", ("นางสาว", "จุลลดา", "มีสุข")),
        ("ว่าที่ร้อยตรีธนุ แก้วมา", ("ว่าที่ร้อยตรี", "ธนุ", "แก้วมา")),
        ("ว่าที่ร้อยตรีหญิงสมศรี ดีงาม", ("ว่าที่ร้อยตรีหญิง", "สมศรี", "ดีงาม")),
        ("เรืออากาศโทสมพร ใจดี", ("เรืออากาศโท", "สมพร", "ใจดี")),
        ("ดร.นิติ สุขใจ", ("ดร.", "นิติ", "สุขใจ")),
        ("ผศ.ดร.สมชาย ใจดี", ("ผศ.ดร.", "สมชาย", "ใจดี")),
        ("รศ.ดร.สมหญิง ใจดี", ("รศ.ดร.", "สมหญิง", "ใจดี")),
        ("พ.ต.อ.สมชาย ใจดี", ("พ.ต.อ.", "สมชาย", "ใจดี")),
        ("ร.ต.อ.หญิงสมศรี ดี", ("ร.ต.อ.หญิง", "สมศรี", "ดี")),
        # surnames with spaces
        ("นายศานนท์ ศรีสุข ณ อยุธยา", ("นาย", "ศานนท์", "ศรีสุข ณ อยุธยา")),
        ("ม.ล.ปิ่น มาลากุล", ("ม.ล.", "ปิ่น", "มาลากุล")),
        ("หม่อมหลวงปิ่น มาลากุล", ("หม่อมหลวง", "ปิ่น", "มาลากุล")),
        # spaces and variants people type
        ("นาย ศานนท์  ศรีสุข", ("นาย", "ศานนท์", "ศรีสุข")),
        ("  น. ส. จุลลดา\u00a0มีสุข ", ("น.ส.", "จุลลดา", "มีสุข")),
        ("ว่าที่ร.ต.ธนุ แก้วมา", ("ว่าที่ ร.ต.", "ธนุ", "แก้วมา")),
        ("ว่าที่ ร.ต. ธนุ แก้วมา", ("ว่าที่ ร.ต.", "ธนุ", "แก้วมา")),
        ("น\u0e4d\u0e32ฝน ใจดี", ("", "นำฝน", "ใจดี")),
        # a title after a rank
        ("ว่าที่ร้อยตรีดร.ธนุ แก้วมา", ("ว่าที่ร้อยตรี ดร.", "ธนุ", "แก้วมา")),
        ("ว่าที่ร้อยตรี ดร.ธนุ แก้วมา", ("ว่าที่ร้อยตรี ดร.", "ธนุ", "แก้วมา")),
        ("พ.ต.อ.ดร.สมชาย ใจดี", ("พ.ต.อ.ดร.", "สมชาย", "ใจดี")),
        # no prefix
        ("ศานนท์ ศรีสุข", ("", "ศานนท์", "ศรีสุข")),
        # the longest prefix must not cut a syllable in half
        ("นางสาวิตรี ใจดี", ("นาง", "สาวิตรี", "ใจดี")),
        ("นายิกา ใจดี", ("", "นายิกา", "ใจดี")),
        ("นางสาวสาวิตรี ใจดี", ("นางสาว", "สาวิตรี", "ใจดี")),
        # English
        ("Mr. John Smith", ("Mr.", "John", "Smith")),
        ("MRS JANE DOE", ("Mrs.", "JANE", "DOE")),
        ("Miss Jane Doe", ("Miss", "Jane", "Doe")),
        ("Missy Elliott", ("", "Missy", "Elliott")),
    ],
)
def test_split_name(full: str, expected: tuple[str, str, str]) -> None:
    assert split_name(full) == expected


@pytest.mark.parametrize(
    ("full", "message"),
    [
        ("", "ไม่ได้ระบุชื่อ-สกุล"),
        (None, "ไม่ได้ระบุชื่อ-สกุล"),
        ("นาย", 'ชื่อ-สกุล "นาย" ไม่มีชื่อ มีแต่คำนำหน้าชื่อ'),
        (
            "นายศานนท์",
            'ชื่อ-สกุล "นายศานนท์" ไม่มีนามสกุล (ต้องเว้นวรรคหนึ่งครั้งระหว่างชื่อกับนามสกุล)',
        ),
    ],
)
def test_split_name_errors(full: object, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        split_name(full)
    assert str(exc.value) == message


def test_full_name() -> None:
    assert full_name("นาย", "ศานนท์", "ศรีสุข") == "นายศานนท์ ศรีสุข"
    assert full_name("ดร.", "นิติ", "สุขใจ") == "ดร.นิติ สุขใจ"
    assert full_name(" นาย ", " ศานนท์ ", "ศรีสุข  ณ อยุธยา") == "นายศานนท์ ศรีสุข ณ อยุธยา"
    assert full_name("Mr.", "John", "Smith") == "Mr. John Smith"
    assert full_name(None, "ศานนท์", "ศรีสุข") == "ศานนท์ ศรีสุข"
    assert full_name("นาย", "ศานนท์", None) == "นายศานนท์"


def test_normalize_prefix() -> None:
    assert normalize_prefix("น. ส.") == "น.ส."
    assert normalize_prefix(" นางสาว ") == "นางสาว"
    assert normalize_prefix("ว่าที่ร.ต.") == "ว่าที่ ร.ต."
    assert normalize_prefix("mr") == "Mr."
    assert normalize_prefix("พระครู") == "พระครู"  # unknown prefixes are kept as typed
    assert normalize_prefix("นายสมชาย") == "นายสมชาย"  # not a bare prefix


# --- properties -------------------------------------------------------------------------

CONSONANTS = "กขคงจฉชซญดตถทธนบปผพฟภมยรลวศษสหอฮ"
# Syllables in standard spelling order (lead vowel, consonant, vowel, tone, final), built
# once so that each draw is a single choice and the test stays fast.
SYLLABLES = tuple(
    lead + consonant + vowel + tone + tail
    for lead in ("", "เ", "แ", "โ", "ไ")
    for consonant in CONSONANTS
    for vowel in ("", "ิ", "ี", "ุ", "ู")
    for tone in ("", "่", "้")
    for tail in ("", "า", "น", "ม", "ง", "ย", "ร")
    if not (lead and vowel)
)
WORD = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=4).map("".join)
SURNAME = st.lists(WORD, min_size=1, max_size=3).map(" ".join)


@FAST
@given(st.sampled_from(("",) + PREFIXES), WORD, SURNAME)
def test_split_name_inverts_full_name(prefix: str, first: str, last: str) -> None:
    assume(normalize_text(first) == first and normalize_text(last) == last)
    # A given name that completes a longer prefix ("นาง" + "สาวน้อย") is ambiguous in
    # writing itself; the longest-prefix rule then rightly reads it the other way.
    glued = prefix + first
    assume(not any(len(q) > len(prefix) and glued.startswith(q) for q in PREFIXES))
    assert split_name(full_name(prefix, first, last)) == (prefix, first, last)


def test_ambiguous_glued_name_takes_the_longest_prefix() -> None:
    assert split_name(full_name("นาง", "สาวน้อย", "ใจดี")) == ("นางสาว", "น้อย", "ใจดี")

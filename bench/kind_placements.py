"""Benchmark input for placement applications: an online-form export of `count` valid rows.

`build` writes the form's sheet as Google Sheets exports it (xlsx, one header row), in the
style of tests/data/samples/placements_form.csv: timestamps "26/2/2568, 20:59:59" (some as
real date cells), e-mails, national IDs of teachers on record, names (a few differing from
the record: noted, not refused), colleges by name or code or blank (the teacher's own),
establishments by name, code or abbreviation, their provinces (a few branches elsewhere:
noted), one to three units "CODE title, CODE title", BE planned dates and a plan link.
Some applications come after the round's deadline: imported all the same, counted late.

`setup` puts in the database what the file refers to: the colleges, the establishments,
the units and one teacher per row (the round, fiscal year 2568, is in the reference data).
It makes as many teachers as the last file `build` wrote (20,000 if none), so that every
row finds its teacher.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import xlsxwriter
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import Agency, AgencyKind, CompetencyUnit, PlacementRound, Province, Teacher
from thai.dates import MONTHS_ABBR
from thai.nid import make_national_id

FISCAL_YEAR = 2568
SEED = 2568
HEADERS = (
    "ประทับเวลา",
    "ที่อยู่อีเมล",
    "เลขประจำตัวประชาชน",
    "ชื่อ-สกุล",
    "สถานศึกษา",
    "สถานประกอบการ",
    "จังหวัดของสถานประกอบการ",
    "สมรรถนะที่จะฝึก",
    "วันเริ่มฝึก",
    "วันสิ้นสุดการฝึก",
    "ลิงก์แผนพัฒนา",
)
PREFIXES = ("นาย", "นาง", "นางสาว", "", "")
FIRST = ("ศานนท์", "จุลลดา", "ธนุ", "สมพร", "นิติ", "วิชรุติ", "อภิสิทธิ์", "กาญจนา", "ลัดดา", "ชุติมา")
LAST = ("ศรีสุข", "ณ อยุธยา", "ทองประเสริฐ", "ใจดี", "แก้วมณี", "สีจันดา", "ปานดำ", "นาชิต")
# (code, Thai name, abbreviation): the four colleges bench_app makes, and two more.
COLLEGES = (
    ("C5001", "วิทยาลัยเทคนิคเชียงใหม่", "วท.เชียงใหม่"),
    ("C5101", "วิทยาลัยเทคนิคลำพูน", "วท.ลำพูน"),
    ("C4101", "วิทยาลัยเทคนิคอุดรธานี", "วท.อุดรธานี"),
    ("C1301", "วิทยาลัยเทคนิคปทุมธานี", "วท.ปทุมธานี"),
    ("C5202", "วิทยาลัยการอาชีพเกาะคา", "วก.เกาะคา"),
    ("C2001", "วิทยาลัยเทคนิคชลบุรี", "วท.ชลบุรี"),
)
# How an establishment's name is made from its word, and its abbreviation.
HOST_KINDS = (
    ("บริษัท {} จำกัด", "บ.{}"),
    ("บริษัท {} จำกัด (มหาชน)", "บมจ.{}"),
    ("ห้างหุ้นส่วนจำกัด {}", "หจก.{}"),
    ("โรงแรม{}", "รร.{}"),
)
HOST_WORDS = (
    "ไทยออโตพาร์ท",
    "สยามอิเล็กทรอนิกส์",
    "ลำปางริเวอร์ไซด์",
    "ช่างไทยการช่าง",
    "เชียงใหม่มอเตอร์",
    "อุดรเครื่องกล",
    "ปทุมพลาสติก",
    "ชลบุรีโลหะกิจ",
    "ล้านนาอาหาร",
    "อีสานไอที",
)
PROVINCES = ("เชียงใหม่", "ลำพูน", "ลำปาง", "อุดรธานี", "ปทุมธานี", "ชลบุรี", "กรุงเทพมหานคร")
SECTORS = ("AUT-MEC", "PRT-PRS", "ECM-ZZZ", "FOD-CKG", "DG-WPJL", "ICT-QLIP", "RAI-JFJU")
ACTIONS = ("ตรวจสอบ", "วิเคราะห์ข้อขัดข้อง", "ซ่อมบำรุง", "ติดตั้ง", "ควบคุมการทำงานของ")
OBJECTS = (
    "เครื่องยนต์ดีเซล",
    "ระบบไฟฟ้าอุตสาหกรรม",
    "ระบบขับเคลื่อน",
    "ระบบเครือข่าย",
    "ชิ้นงานกลึง",
    "ระบบปรับอากาศ",
    "ระบบควบคุมอัตโนมัติ",
    "ระบบเบรก",
)
DEADLINE = dt.date(2025, 2, 27)
DEFAULT_TEACHERS = 20_000
_built: dict[str, int] = {}


def national_id(i: int) -> str:
    return make_national_id(f"{3 + i % 5}{i:011d}")


def hosts() -> list[tuple[str, str, str, str]]:
    """(code, Thai name, abbreviation, province) of each establishment."""
    found = []
    for i, word in enumerate(HOST_WORDS):
        for j, (name, abbreviation) in enumerate(HOST_KINDS):
            province = PROVINCES[(i + j) % len(PROVINCES)]
            found.append((f"E{i:02d}{j}", name.format(word), abbreviation.format(word), province))
    return found


def units() -> list[tuple[str, str]]:
    """(code, title) of each unit of competence, codes and titles unique as TPQI's are."""
    found = []
    for i, sector in enumerate(SECTORS):
        for j, action in enumerate(ACTIONS):
            for k in range(4):
                code = f"{sector}-{3 + (i + j) % 3}-{100 + 10 * j + k:03d}{'AB'[k % 2]}"
                thing = OBJECTS[(i + k) % len(OBJECTS)]
                found.append((code, f"{action}{thing} ({sector.split('-')[0]} {j}{k})"))
    return found


def teacher_names(i: int) -> tuple[str, str, str]:
    rng = random.Random(SEED * 1_000_003 + i)  # noqa: S311 - benchmark data
    return rng.choice(PREFIXES), rng.choice(FIRST), rng.choice(LAST)


def setup(session: Session) -> dict[str, Any]:
    """Colleges, establishments, units and teachers the file names; the round's options."""
    if (
        session.scalar(select(PlacementRound.id).where(PlacementRound.fiscal_year == FISCAL_YEAR))
        is None
    ):
        session.add(
            PlacementRound(
                fiscal_year=FISCAL_YEAR, title="รอบปีงบประมาณ 2568", application_deadline=DEADLINE
            )
        )
    provinces = dict(session.execute(select(Province.name_th, Province.id)).all())
    existing = set(session.scalars(select(Agency.code)))
    for code, name, abbreviation in COLLEGES:
        if code not in existing:
            session.add(
                Agency(
                    code=code,
                    name_th=name,
                    abbreviation=abbreviation,
                    kind=AgencyKind.COLLEGE.value,
                )
            )
    for code, name, abbreviation, province in hosts():
        session.add(
            Agency(
                code=code,
                name_th=name,
                abbreviation=abbreviation,
                kind=AgencyKind.ESTABLISHMENT.value,
                province_id=provinces.get(province),
            )
        )
    session.add_all(CompetencyUnit(code=code, title=title) for code, title in units())
    session.flush()
    colleges = [
        session.scalar(select(Agency.id).where(Agency.code == code)) for code, _n, _a in COLLEGES
    ]
    teachers = []
    for i in range(_built.get("count", DEFAULT_TEACHERS)):
        prefix, first, last = teacher_names(i)
        teachers.append(
            {
                "national_id": national_id(i),
                "prefix": prefix or None,
                "first_name": first,
                "last_name": last,
                "college_id": colleges[i % len(colleges)],
            }
        )
    session.execute(insert(Teacher), teachers)
    session.flush()
    return {"round": FISCAL_YEAR}


def form_rows(count: int) -> list[list[Any]]:
    """The form's rows; dates are text, or a datetime where the export wrote a date cell."""
    rng = random.Random(SEED)  # noqa: S311 - benchmark data, not security
    establishment = hosts()
    listed = units()
    rows = []
    for i in range(count):
        prefix, first, last = teacher_names(i)
        if i % 50 == 7:
            first = rng.choice(FIRST)  # typed differently from the record: only noted
        name = f"{prefix}{first} {last}"
        college_code, college_name, _abbreviation = COLLEGES[i % len(COLLEGES)]
        college = ("", college_name, college_name, college_code, college_name)[i % 5]
        code, host_name, host_abbreviation, host_province = rng.choice(establishment)
        host = (host_name, host_name, code, host_abbreviation)[rng.randrange(4)]
        province = host_province if i % 25 else rng.choice(PROVINCES)  # a branch elsewhere
        chosen = rng.sample(listed, rng.randint(1, 3))
        unit_text = ", ".join(f"{unit_code} {title}" for unit_code, title in chosen)
        # Sent between 10 Feb and 1 Mar 2568; the deadline is 27 Feb (the rest are late).
        stamp = dt.datetime(2025, 2, 10, 8) + dt.timedelta(seconds=rng.randrange(19 * 86400))
        start = dt.date(2025, 3, 1) + dt.timedelta(days=rng.randrange(31))
        end = start + dt.timedelta(days=rng.randint(20, 60))
        rows.append(
            [
                stamp if i % 3 == 0 else f"{stamp.day}/{stamp.month}/2568, {stamp:%H:%M:%S}",
                f"p{i}@example.ac.th",
                national_id(i),
                name,
                college,
                host,
                province,
                unit_text,
                *(date_cell(day, i) for day in (start, end)),
                f"https://drive.google.com/open?id=PLAN{i:06d}",
            ]
        )
    return rows


def date_cell(day: dt.date, i: int) -> Any:
    """A planned date as senders write it: a date cell, dd/mm/BE, or "8 มี.ค. 68"."""
    shape = i % 4
    if shape == 0:
        return dt.datetime(day.year, day.month, day.day)
    if shape == 3:
        return f"{day.day} {MONTHS_ABBR[day.month]} {(day.year + 543) % 100}"
    return f"{day:%d/%m}/{day.year + 543}"


def build(count: int, path: str) -> None:
    """Write an .xlsx of `count` valid applications; setup then makes their teachers."""
    _built["count"] = count
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("การตอบแบบฟอร์ม 1")
    stamps = book.add_format({"num_format": "d/m/yyyy, hh:mm:ss"})
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADERS)
    for number, row in enumerate(form_rows(count), start=1):
        for column, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(number, column, value, stamps if column == 0 else dates)
            else:
                sheet.write_string(number, column, value)
    book.close()

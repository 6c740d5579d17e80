"""Benchmark input for MOUs: colleges' MOUs with establishments, as the office's register
holds them (parties by code, abbreviation or name; dates typed every way senders type them).

setup() adds the establishments the parties name; bench_app already holds the reference
organisations and four colleges.
"""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from bench.sheet import write_sheet
from models import Agency, AgencyKind
from thai.dates import MONTHS_ABBR, MONTHS_FULL

COLLEGES = (
    ("C5001", "วิทยาลัยเทคนิคเชียงใหม่"),
    ("C5101", "วิทยาลัยเทคนิคลำพูน"),
    ("C4101", "วิทยาลัยเทคนิคอุดรธานี"),
    ("C1301", "วิทยาลัยเทคนิคปทุมธานี"),
)
TRADES = ("ไทยออโตพาร์ท", "สยามอิเล็กทรอนิกส์", "เชียงใหม่ฟู้ดส์", "อุดรเมคคานิค", "ลำพูนพลาสติก")
ESTABLISHMENTS = tuple(
    (f"E{i:04d}", f"บริษัท {TRADES[i % len(TRADES)]} {i} จำกัด") for i in range(1, 61)
)
NATIONAL = (("OVEC", "สอศ."), ("TPQI", "สคช."), ("EEF", "กสศ."), ("BMA", "กทม."))
SCOPES = (
    "ฝึกประสบการณ์ในสถานประกอบการ",
    "ระบบทวิภาคี และพัฒนาครูในสถานประกอบการ",
    "เชื่อมโยงหลักสูตรกับมาตรฐานอาชีพ",
    "",
)
HEADERS = ("ลำดับ", "เลขที่", "ชื่อบันทึกข้อตกลง", "คู่ภาคี", "วันที่ลงนาม", "วันสิ้นสุด", "ขอบเขตความร่วมมือ")


def setup(session: Session) -> dict:
    for code, name in ESTABLISHMENTS:
        session.add(Agency(code=code, name_th=name, kind=AgencyKind.ESTABLISHMENT.value))
    session.flush()
    return {}


def typed(day: int, month: int, year: int, style: int) -> str:
    """A BE date as senders type it: 17/8/2567, 04/02/2567, 7 ก.ค. 66, 14 กันยายน 2565."""
    if style == 0:
        return f"{day}/{month}/{year}"
    if style == 1:
        return f"{day:02d}/{month:02d}/{year}"
    if style == 2:
        return f"{day} {MONTHS_ABBR[month]} {year % 100:02d}"
    return f"{day} {MONTHS_FULL[month]} {year}"


def rows(count: int, seed: int = 2568) -> list[list[object]]:
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    out: list[list[object]] = []
    for i in range(count):
        college_code, college = COLLEGES[i % len(COLLEGES)]
        firm_code, firm = rng.choice(ESTABLISHMENTS)
        shape = i % 4
        if shape == 0:
            parties = f"{college}\n{firm}"
        elif shape == 1:
            parties = f"{college_code}; {firm_code}"
        elif shape == 2:
            national, abbreviation = rng.choice(NATIONAL)
            parties = f"{abbreviation}, {college_code}, {firm}"
            firm = f"{firm} และ{national}"
        else:
            parties = f"{college_code}, {firm_code}"
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2560, 2567)
        signed = typed(day, month, year, rng.randrange(4))
        ends = "" if i % 7 == 0 else typed(day, month, year + rng.randint(2, 5), rng.randrange(4))
        out.append(
            [
                i + 1,
                f"MOU-{year}-{i + 1:05d}",
                f"ความร่วมมือการฝึกประสบการณ์ครูและนักศึกษา {college} กับ {firm}",
                parties,
                signed,
                ends,
                rng.choice(SCOPES),
            ]
        )
    return out


def build(count: int, path: str) -> None:
    write_sheet(
        path, "MOU", ["ทะเบียนบันทึกข้อตกลงความร่วมมือ ปีงบประมาณ พ.ศ. ๒๕๖๘"], HEADERS, rows(count), "ฉบับ"
    )

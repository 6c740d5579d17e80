"""Benchmark input for scholarships: awards of the four reference programmes.

Students have a national ID (some a G-code), a college by name or by agency code, and one
award; every fifth student has a second award, of a later year, in another programme (the
later year's level is the one kept). Years run 2560–2568, statuses and levels as colleges
write them ("ปวส.", "ปวส. 2", "ปวช"), special needs with the special-needs programme.
"""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.sheet import write_sheet
from models import Agency, AgencyKind
from thai.nid import make_national_id

COLLEGES = (
    ("C5001", "วิทยาลัยเทคนิคเชียงใหม่"),
    ("C5101", "วิทยาลัยเทคนิคลำพูน"),
    ("C4101", "วิทยาลัยเทคนิคอุดรธานี"),
    ("C1301", "วิทยาลัยเทคนิคปทุมธานี"),
    ("C3001", "วิทยาลัยเทคนิคนครราชสีมา"),
    ("C8001", "วิทยาลัยอาชีวศึกษานครศรีธรรมราช"),
)
PROGRAMMES = (
    "ทุนนวัตกรรมสายอาชีพชั้นสูง",
    "ทุนพระกนิษฐาสัมมาชีพ",
    "ทุนนวัตกรรมสายอาชีพชั้นสูง สำหรับสถานศึกษานวัตกรรม",
)
SPECIAL = "ทุนนวัตกรรมสายอาชีพชั้นสูงสำหรับผู้มีความต้องการจำเป็นพิเศษ"
PREFIXES = ("นาย", "นางสาว", "น.ส.", "นาง")
FIRST = ("สุนิสา", "นภัสสร", "วราภรณ์", "อภิสิทธิ์", "ธนากร", "กิตติพงษ์", "ชุติมา", "ปิยะพงษ์")
LAST = ("พึ่งพาณิชย์กุล", "วงษ์จินดา", "รุ่งเรืองศรี", "สุวรรณรัตน์", "ใจดี", "แก้วมณี", "ทองดี")
FIELDS = ("ช่างยนต์", "การโรงแรม", "ช่างเชื่อมโลหะ", "ช่างอิเล็กทรอนิกส์", "การบัญชี", "ช่างไฟฟ้ากำลัง")
LEVELS = ("ปวช.", "ปวช", "ปวส.", "ปวส. 1", "ปวส. 2")
STATUSES = ("กำลังศึกษา", "กำลังศึกษา", "สำเร็จการศึกษา", "ออกกลางคัน", "พักการศึกษา")
HEADERS = (
    "เลขประจำตัวประชาชน",
    "คำนำหน้า",
    "ชื่อ",
    "นามสกุล",
    "สถานศึกษา",
    "ทุน",
    "ปีการศึกษา",
    "ระดับ",
    "สาขาวิชา",
    "สถานะ",
    "ผู้มีความต้องการจำเป็นพิเศษ",
)


def setup(session: Session) -> dict:
    """The colleges the file names (the programmes are the reference data's)."""
    stored = set(session.scalars(select(Agency.code)))
    for code, name in COLLEGES:
        if code not in stored:
            session.add(Agency(code=code, name_th=name, kind=AgencyKind.COLLEGE.value))
    session.flush()
    return {}


def award_rows(count: int, seed: int = 2568) -> list[list[str]]:
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    rows: list[list[str]] = []
    student = 0
    while len(rows) < count:
        if student % 10 == 3:
            person = f"G64{student:010d}"
        else:
            person = make_national_id(f"{1 + student % 8}{student:011d}")
        code, name = COLLEGES[student % len(COLLEGES)]
        college = code if student % 4 == 0 else name
        special = student % 25 == 0
        name_cells = [rng.choice(PREFIXES), rng.choice(FIRST), rng.choice(LAST)]
        field = rng.choice(FIELDS)
        year = rng.randint(2560, 2566)
        awards = [(SPECIAL if special else PROGRAMMES[student % len(PROGRAMMES)], year)]
        if student % 5 == 0:
            other = PROGRAMMES[(student + 1) % len(PROGRAMMES)]
            awards.append((other, year + rng.randint(1, 2)))
        for programme, start in awards:
            if len(rows) == count:
                break
            rows.append(
                [
                    person,
                    *name_cells,
                    college,
                    programme,
                    str(start),
                    rng.choice(LEVELS),
                    field,
                    rng.choice(STATUSES),
                    "ใช่" if special else "ไม่ใช่",
                ]
            )
        student += 1
    return rows


def build(count: int, path: str) -> None:
    """Write `count` valid rows under two title rows, as the programmes' offices send them."""
    write_sheet(
        path,
        "ผู้รับทุน",
        ["รายชื่อผู้รับทุนการศึกษา ปีการศึกษา ๒๕๖๐–๒๕๖๘", "ข้อมูล ณ วันที่ 3 ก.พ. 2568"],
        HEADERS,
        award_rows(count),
        "ราย",
    )

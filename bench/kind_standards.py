"""Benchmark input for standards: a TPQI list of qualifications, one row per unit.

Each qualification has eight rows: seven units of its own and one of a few dozen units that
many qualifications share (as "ใช้เครื่องมือดิจิทัลในการทำงาน" is in the sample), under a
sector and an occupation; the level is written as TPQI lists write it ("ระดับ 4", "ชั้น 4",
"4"), and some rows leave the qualification's title and level blank after its first row.
"""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from bench.sheet import write_sheet

SECTORS = (
    ("ยานยนต์", ("ช่างเครื่องยนต์ดีเซล", "ช่างซ่อมบำรุงรถยนต์", "ช่างสีรถยนต์")),
    ("ไฟฟ้า", ("ช่างไฟฟ้าอุตสาหกรรม", "ช่างไฟฟ้าภายในอาคาร")),
    ("ICT", ("ช่างเทคนิคระบบเครือข่าย", "นักพัฒนาซอฟต์แวร์")),
    ("การท่องเที่ยวและการโรงแรม", ("พนักงานต้อนรับส่วนหน้า", "พนักงานบริการอาหารและเครื่องดื่ม")),
    ("อาหาร", ("ผู้ประกอบอาหารไทย", "ผู้ประกอบขนมอบ")),
    ("ระบบราง", ("ช่างซ่อมบำรุงระบบราง",)),
    ("ดิจิทัล", ("นักวิเคราะห์ข้อมูล", "ผู้ดูแลระบบคลาวด์")),
)
SHARED = 40  # units many qualifications share
OWN_UNITS = 7  # units of a qualification's own
VERBS = ("ติดตั้ง", "บำรุงรักษา", "ตรวจสอบ", "วิเคราะห์", "วางแผน", "ควบคุม", "ประเมิน")
OBJECTS = ("ระบบไฟฟ้า", "เครื่องยนต์", "ระบบเครือข่าย", "งานบริการ", "วัตถุดิบ", "เอกสาร", "อุปกรณ์")
HEADERS = ("สาขาวิชาชีพ", "อาชีพ", "รหัสคุณวุฒิ", "ชื่อคุณวุฒิ", "ระดับ", "รหัสหน่วยสมรรถนะ", "ชื่อหน่วยสมรรถนะ")


def setup(session: Session) -> dict:
    """Standards refer to nothing: sectors and occupations are made as the file names them."""
    return {}


def shared_units() -> list[tuple[str, str]]:
    return [(f"DG-WPJL-{index:03d}", f"ใช้เครื่องมือดิจิทัลในการทำงาน {index}") for index in range(SHARED)]


def standard_rows(count: int, seed: int = 2568) -> list[list[str]]:
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    common = shared_units()
    rows: list[list[str]] = []
    number = 0
    while len(rows) < count:
        sector, occupations = SECTORS[number % len(SECTORS)]
        occupation = occupations[(number // len(SECTORS)) % len(occupations)]
        level = 2 + number % 5
        code = f"Q-{number:05d}-{level}"
        title = f"{occupation} ระดับ {level}"
        written = rng.choice((f"ระดับ {level}", f"ชั้น {level}", str(level)))
        units = [
            (
                f"U{number:05d}-{level}-{index:02d}{'AB'[index % 2]}",
                f"{rng.choice(VERBS)}{rng.choice(OBJECTS)} {number}-{index}",
            )
            for index in range(OWN_UNITS)
        ]
        units.insert(rng.randrange(OWN_UNITS + 1), common[number % SHARED])
        for index, (unit_code, unit_title) in enumerate(units):
            if len(rows) == count:
                break
            # After a qualification's first row some senders leave its title and level blank.
            repeat = index == 0 or number % 3
            rows.append(
                [
                    sector,
                    occupation,
                    code,
                    title if repeat else "",
                    written if repeat else "",
                    unit_code,
                    unit_title,
                ]
            )
        number += 1
    return rows


def build(count: int, path: str) -> None:
    """Write `count` valid rows under a title row, as TPQI's lists come."""
    write_sheet(
        path,
        "มาตรฐานอาชีพ",
        ["รายการคุณวุฒิวิชาชีพและหน่วยสมรรถนะ (สถาบันคุณวุฒิวิชาชีพ)"],
        HEADERS,
        standard_rows(count),
    )

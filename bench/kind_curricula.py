"""Benchmark input for curricula: the credit bank's list of curricula, owners by code,
abbreviation or Thai name, kinds with or without their BE edition.

Every owner is in bench_app's database already (the reference organisations, four colleges).
"""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from bench.sheet import write_sheet

OWNERS = (
    "BPCD",
    "สอศ.",
    "สำนักงานคณะกรรมการการอาชีวศึกษา",
    "กทม.",
    "TPQI",
    "C5001",
    "วิทยาลัยเทคนิคลำพูน",
    "C4101",
)
KINDS = (
    ("TD", "หลักสูตรพัฒนาครู", "หลักสูตรระยะสั้นและการศึกษาตลอดชีวิต"),
    ("VC", "ปวช. 2562", "มัธยมศึกษาตอนปลาย/ปวช."),
    ("HV", "หลักสูตรประกาศนียบัตรวิชาชีพชั้นสูง พุทธศักราช 2563", "ปวส./อนุปริญญา"),
    ("TS", "หลักสูตรโรงเรียนฝึกอาชีพ", ""),
    ("SC", "หลักสูตรระยะสั้น", "หลักสูตรระยะสั้นและการศึกษาตลอดชีวิต"),
)
FIELDS = (
    ("AUTO", "ช่างยนต์"),
    ("ICT", "เทคโนโลยีสารสนเทศ"),
    ("ELEC", "ช่างไฟฟ้ากำลัง"),
    ("COOK", "อาหารและโภชนาการ"),
    ("HOTEL", "การโรงแรม"),
    ("EV", "ยานยนต์สมัยใหม่"),
)
TOPICS = ("พื้นฐาน", "ขั้นสูง", "สำหรับครู", "เชิงปฏิบัติการ", "ในสถานประกอบการ")
HEADERS = ("รหัสหลักสูตร", "ชื่อหลักสูตร", "หน่วยงานเจ้าของ", "ประเภท", "ระดับ", "สาขาวิชา", "จำนวนชั่วโมง")


def setup(session: Session) -> dict:
    return {}


def rows(count: int, seed: int = 2568) -> list[list[object]]:
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    out: list[list[object]] = []
    for i in range(count):
        prefix, kind, level = KINDS[i % len(KINDS)]
        short, field = rng.choice(FIELDS)
        hours = {"VC": "3600", "HV": "2400"}.get(prefix, str(rng.choice((12, 18, 30, 60, 90))))
        out.append(
            [
                f"{prefix}-{short}-{i + 1:05d}",
                f"{field} {rng.choice(TOPICS)} รุ่นที่ {i % 50 + 1}",
                rng.choice(OWNERS),
                kind,
                level,
                field,
                hours,
            ]
        )
    return out


def build(count: int, path: str) -> None:
    write_sheet(path, "หลักสูตร", ["ทะเบียนหลักสูตรธนาคารหน่วยกิต"], HEADERS, rows(count), "หลักสูตร")

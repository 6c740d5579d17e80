"""Benchmark input for agencies: establishments and colleges as partners' lists send them
(kinds as Thai labels, provinces by name, parents by code — some of them rows earlier in
the same file).

setup() adds nothing: the reference data holds the provinces and the national offices
the parents name.
"""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from bench.sheet import write_sheet

PROVINCES = ("เชียงใหม่", "ลำพูน", "อุดรธานี", "ปทุมธานี", "กรุงเทพมหานคร", "ชลบุรี", "ขอนแก่น")
TRADES = ("ไทยออโตพาร์ท", "สยามอิเล็กทรอนิกส์", "เชียงใหม่ฟู้ดส์", "อุดรเมคคานิค", "ลำพูนพลาสติก")
HEADERS = ("รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ชื่อย่อ", "ประเภท", "สังกัด", "จังหวัด", "โทรศัพท์", "อีเมล")


def setup(session: Session) -> dict:
    return {}


def rows(count: int, seed: int = 2568) -> list[list[str]]:
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    out = []
    for i in range(count):
        if i % 10 == 0:
            # A group's head office; the next rows name it as their parent.
            code, name, kind, parent = f"G{i:05d}", f"กลุ่มบริษัท {TRADES[i % 5]} {i}", "บริษัท", ""
        elif i % 25 == 1:
            code, name, kind, parent = f"C{i:05d}", f"วิทยาลัยเทคนิคทดสอบ {i}", "สถานศึกษา", "OVEC"
        else:
            head = f"G{i // 10 * 10:05d}"
            code, name, kind, parent = (
                f"E{i:05d}",
                f"บริษัท {TRADES[i % 5]} สาขา {i} จำกัด",
                "สถานประกอบการ",
                head,
            )
        out.append(
            [
                code,
                name,
                f"บ.{i}",
                kind,
                parent,
                rng.choice(PROVINCES),
                f"02-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
                if i % 2
                else f"08{rng.randint(1, 9)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                f"contact{i}@example.co.th",
            ]
        )
    return out


def build(count: int, path: str) -> None:
    write_sheet(path, "หน่วยงาน", ["รายชื่อหน่วยงานความร่วมมือ"], HEADERS, rows(count))

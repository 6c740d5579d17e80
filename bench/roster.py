"""Generate teacher rosters in the style of the office's samples, for benchmarks."""

from __future__ import annotations

import random

from bench.sheet import write_sheet
from thai.nid import make_national_id

PREFIXES = ("นาย", "นาง", "นางสาว", "ว่าที่ร้อยตรี", "ดร.", "น.ส.")
FIRST = ("ศานนท์", "จุลลดา", "ธนุ", "สมพร", "นิติ", "วิชรุติ", "อภิสิทธิ์", "กาญจนา", "ลัดดา", "ชุติมา")
LAST = ("ศรีสุข", "ณ อยุธยา", "ทองประเสริฐ", "ใจดี", "แก้วมณี", "สีจันดา", "ปานดำ", "นาชิต")
COLLEGES = (
    "วิทยาลัยเทคนิคเชียงใหม่",
    "วิทยาลัยเทคนิคลำพูน",
    "C4101",
    "วิทยาลัยเทคนิคปทุมธานี",
    "วิทยาลัยสารพัดช่างลำปาง",
)
DEPARTMENTS = ("ช่างยนต์", "ช่างไฟฟ้ากำลัง", "การบัญชี", "การโรงแรม", "เทคโนโลยีสารสนเทศ")
POSITIONS = ("ครู", "ครูผู้ช่วย", "ครูอัตราจ้าง", "พนักงานราชการ (ครู)")
STANDINGS = ("", "ชำนาญการ", "ชำนาญการพิเศษ", "เชี่ยวชาญ")
MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.")
HEADERS = (
    "เลขประจำตัวประชาชน",
    "คำนำหน้า",
    "ชื่อ",
    "นามสกุล",
    "สถานศึกษา",
    "แผนกวิชา",
    "ตำแหน่ง",
    "วิทยฐานะ",
    "วัน/เดือน/ปีเกิด",
    "อีเมล",
    "โทรศัพท์",
)


def roster_rows(count: int, seed: int = 2568, changed_every: int = 0) -> list[list[str]]:
    """Return roster rows; with changed_every=2, every second teacher has a new department."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    rows = []
    for i in range(count):
        nid = make_national_id(f"{1 + i % 8}{i:011d}")
        department = rng.choice(DEPARTMENTS)
        if changed_every and i % changed_every == 0:
            department = department + " (ใหม่)"
        day, month, year = rng.randint(1, 28), rng.randint(1, 10), rng.randint(2508, 2541)
        short = f"{day} {MONTHS[month - 1]} {year % 100:02d}"
        birth = f"{day:02d}/{month:02d}/{year}" if i % 3 else short
        rows.append(
            [
                nid,
                rng.choice(PREFIXES),
                rng.choice(FIRST),
                rng.choice(LAST),
                rng.choice(COLLEGES),
                department,
                rng.choice(POSITIONS),
                rng.choice(STANDINGS),
                birth,
                f"t{i}@example.ac.th",
                f"08{rng.randint(0, 9)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            ]
        )
    return rows


def write_roster(path: str, rows: list[list[str]]) -> None:
    """Write rows under two title rows, as colleges send them, with a totals line."""
    titles = ["บัญชีรายชื่อครู ปีงบประมาณ พ.ศ. ๒๕๖๘", "ข้อมูล ณ วันที่ 3 ก.พ. 2568"]
    write_sheet(path, "รายชื่อครู", titles, HEADERS, rows, "คน")

"""Benchmark input for curriculum alignment: which units of competence each curriculum covers.

setup() adds CURRICULA curricula and UNITS units of competence (as the curricula and standards
imports would have), enough for CURRICULA × UNITS distinct alignment rows; build() pairs them,
codes sometimes written in another case, coverage in Thai or English.
"""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.sheet import write_sheet
from models import Agency, CompetencyUnit, Curriculum, CurriculumKind

CURRICULA = 400
UNITS = 250
SECTORS = ("AUT-MEC", "ICT-QLIP", "ECM-ZZZ", "TOU-HTL", "FOD-CKG", "PRT-PRS", "RAI-JFJU")
COVERAGE = ("เต็ม", "บางส่วน", "เต็ม", "full", "partial", "เต็มหน่วย")
NOTES = ("", "", "", "สอนเฉพาะภาคทฤษฎี", "ฝึกปฏิบัติในสถานประกอบการ")
HEADERS = ("รหัสหลักสูตร", "รหัสหน่วยสมรรถนะ", "การเทียบเคียง", "หมายเหตุ")


def curriculum_code(index: int) -> str:
    return f"TD-BENCH-{index:03d}"


def unit_code(index: int) -> str:
    sector = SECTORS[index % len(SECTORS)]
    return f"{sector}-{index % 6 + 2}-{index:03d}B"


def setup(session: Session) -> dict:
    owner = session.scalar(select(Agency.id).where(Agency.code == "BPCD"))
    for index in range(CURRICULA):
        session.add(
            Curriculum(
                code=curriculum_code(index),
                title=f"หลักสูตรพัฒนาครู ชุดที่ {index + 1}",
                owner_id=owner,
                kind=CurriculumKind.TEACHER_DEVELOPMENT.value,
                hours=30,
            )
        )
    for index in range(UNITS):
        session.add(CompetencyUnit(code=unit_code(index), title=f"หน่วยสมรรถนะที่ {index + 1}"))
    session.flush()
    return {}


def rows(count: int, seed: int = 2568) -> list[list[str]]:
    if count > CURRICULA * UNITS:
        raise ValueError(f"at most {CURRICULA * UNITS} distinct alignment rows")
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    out = []
    for i in range(count):
        # Row by row through the curricula, each next row a curriculum's next unit.
        curriculum, unit = curriculum_code(i % CURRICULA), unit_code(i // CURRICULA)
        if i % 9 == 0:
            curriculum = curriculum.lower()
        out.append([curriculum, unit, rng.choice(COVERAGE), rng.choice(NOTES)])
    return out


def build(count: int, path: str) -> None:
    write_sheet(path, "เทียบเคียง", ["ผลการเทียบเคียงหลักสูตรกับหน่วยสมรรถนะ"], HEADERS, rows(count))

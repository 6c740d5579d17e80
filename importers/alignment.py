"""Curriculum alignment: which units of competence a curriculum covers, fully or partly."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from importers import cells
from importers.cells import key_text
from importers.columns import Column
from importers.core import NEW, Importer, Row
from models import CompetencyUnit, Coverage, Curriculum, CurriculumUnit

COVERAGE_LABELS = {
    "เต็ม": Coverage.FULL.value,
    "เต็มหน่วย": Coverage.FULL.value,
    "ครบ": Coverage.FULL.value,
    "ทั้งหมด": Coverage.FULL.value,
    "บางส่วน": Coverage.PARTIAL.value,
    "ไม่ครบ": Coverage.PARTIAL.value,
    "full": Coverage.FULL.value,
    "partial": Coverage.PARTIAL.value,
}
FIELDS = ("coverage", "notes")


class CodeIndex:
    """Records by code: as written first, else ignoring case and spaces."""

    def __init__(self, pairs: Iterable[tuple[str, int]]) -> None:
        self.exact = {code: record_id for code, record_id in pairs}
        self.loose = {key_text(code): record_id for code, record_id in self.exact.items()}

    def find(self, code: Any) -> int | None:
        if code in self.exact:
            return self.exact[code]
        return self.loose.get(key_text(code))


class AlignmentImporter(Importer):
    kind = "alignment"
    label = "การเทียบเคียงหลักสูตรกับหน่วยสมรรถนะ"
    key_column = "unit_code"
    columns = (
        Column(
            "curriculum_code",
            ("รหัสหลักสูตร", "curriculum_code"),
            cells.code,
            required=True,
            help="หลักสูตรที่มีในระบบแล้ว",
            example="TD-AUTO-01",
        ),
        Column(
            "unit_code",
            ("รหัสหน่วยสมรรถนะ", "unit_code"),
            cells.code,
            required=True,
            help="หน่วยสมรรถนะที่มีในระบบแล้ว (นำเข้ามาตรฐานอาชีพก่อน)",
            example="AUT-MEC-4-220B",
        ),
        Column(
            "coverage",
            ("การเทียบเคียง", "coverage", "ผลการเทียบเคียง"),
            cells.choice(COVERAGE_LABELS, "การเทียบเคียง"),
            required=True,
            choices=("เต็ม", "บางส่วน"),
            example="เต็ม",
        ),
        Column("notes", ("หมายเหตุ", "notes"), cells.multiline),
    )
    required_columns = ((("curriculum_code",),), (("unit_code",),), (("coverage",),))
    instructions = "หลักสูตรและหน่วยสมรรถนะต้องมีในระบบก่อน (นำเข้าหลักสูตรและมาตรฐานอาชีพก่อน)"

    def prepare(self, rows: list[Row]) -> None:
        self.curricula = CodeIndex(self.session.execute(select(Curriculum.code, Curriculum.id)))
        self.units = CodeIndex(self.session.execute(select(CompetencyUnit.code, CompetencyUnit.id)))
        super().prepare(rows)

    def prepare_row(self, row: Row) -> None:
        values = row.values
        self.require(row, "curriculum_code", "unit_code", "coverage")
        curriculum, unit = values.get("curriculum_code"), values.get("unit_code")
        curriculum_id = unit_id = None
        if curriculum is not None:
            curriculum_id = self.curricula.find(curriculum)
            if curriculum_id is None:
                self.problem(
                    row,
                    "curriculum_code",
                    f'ไม่พบหลักสูตรรหัส "{curriculum}" ในระบบ (นำเข้าหลักสูตรก่อนการเทียบเคียง)',
                )
        if unit is not None:
            unit_id = self.units.find(unit)
            if unit_id is None:
                self.problem(
                    row,
                    "unit_code",
                    f'ไม่พบหน่วยสมรรถนะรหัส "{unit}" ในระบบ (นำเข้ามาตรฐานอาชีพก่อนการเทียบเคียง)',
                )
        if curriculum_id is not None and unit_id is not None:
            row.key = (curriculum_id, unit_id)

    def compare(self, rows: list[Row]) -> None:
        curriculum_ids = {row.key[0] for row in rows}
        existing = {
            (link.curriculum_id, link.unit_id): link
            for link in self.session.scalars(
                select(CurriculumUnit).where(CurriculumUnit.curriculum_id.in_(curriculum_ids))
            )
        }
        for row in rows:
            link = existing.get(row.key)
            if link is None:
                row.outcome = NEW
                continue
            row.record_id = link.id
            self.diff(row, {name: getattr(link, name) for name in FIELDS}, FIELDS)

    def write(self, rows: list[Row]) -> None:
        for row in rows:
            if row.record_id is None:
                curriculum_id, unit_id = row.key
                link = CurriculumUnit(curriculum_id=curriculum_id, unit_id=unit_id)
                self.session.add(link)
            else:
                link = self.session.get_one(CurriculumUnit, row.record_id)
            for name in FIELDS:
                value = row.values.get(name)
                if value is not None:
                    setattr(link, name, value)
        self.session.flush()

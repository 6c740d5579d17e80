"""Curriculum alignment: which units of competence a curriculum covers, fully or partly."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from importers import cells
from importers.cells import key_text
from importers.columns import Column
from importers.importer import Importer, distinct_map
from importers.results import RowTable
from importers.store import in_chunks, write_new_and_changed
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
    record_model = CurriculumUnit
    label = _l("Curriculum alignment with competency units")
    key_column = "unit_code"
    columns = (
        Column(
            "curriculum_code",
            ("รหัสหลักสูตร", "curriculum_code"),
            cells.code,
            required=True,
            help=_l("A curriculum already in the system"),
            example="TD-AUTO-01",
        ),
        Column(
            "unit_code",
            ("รหัสหน่วยสมรรถนะ", "unit_code"),
            cells.code,
            required=True,
            help=_l(
                "A competency unit already in the system (import the occupational standards first)"
            ),
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
    instructions = _l(
        "Curricula and competency units must be in the system first (import curricula and "
        "occupational standards first)"
    )

    def prepare(self, rows: RowTable) -> None:
        curricula = CodeIndex(self.session.execute(select(Curriculum.code, Curriculum.id)))
        units = CodeIndex(self.session.execute(select(CompetencyUnit.code, CompetencyUnit.id)))
        self.require(rows, "curriculum_code", "unit_code", "coverage")
        # The codes stay in the row's values (the preview shows them); each distinct code
        # is looked up once.
        codes, unit_codes = rows.get("curriculum_code"), rows.get("unit_code")
        curriculum_ids = distinct_map(codes, curricula.find)
        unit_ids = distinct_map(unit_codes, units.find)
        for position in np.flatnonzero(np.not_equal(codes, None) & np.equal(curriculum_ids, None)):
            self.problem(
                rows,
                position,
                "curriculum_code",
                f'ไม่พบหลักสูตรรหัส "{codes[position]}" ในระบบ (นำเข้าหลักสูตรก่อนการเทียบเคียง)',
            )
        for position in np.flatnonzero(np.not_equal(unit_codes, None) & np.equal(unit_ids, None)):
            self.problem(
                rows,
                position,
                "unit_code",
                f'ไม่พบหน่วยสมรรถนะรหัส "{unit_codes[position]}" ในระบบ '
                "(นำเข้ามาตรฐานอาชีพก่อนการเทียบเคียง)",
            )
        for position in np.flatnonzero(
            np.not_equal(curriculum_ids, None) & np.not_equal(unit_ids, None)
        ):
            rows.key[position] = (curriculum_ids[position], unit_ids[position])

    def compare(self, rows: RowTable, positions: np.ndarray) -> None:
        # Plain columns, not ORM objects: only the links that change are loaded to be written.
        keys = rows.key[positions]
        link = CurriculumUnit
        query = select(link.curriculum_id, link.unit_id, link.id, link.coverage, link.notes)
        found: dict[tuple[int, int], Any] = {}
        for chunk in in_chunks(key[0] for key in keys):
            found.update(
                ((record.curriculum_id, record.unit_id), record)
                for record in self.session.execute(query.where(link.curriculum_id.in_(chunk)))
            )
        self.match_stored(rows, positions, found, FIELDS)

    def write(self, rows: RowTable, positions: np.ndarray) -> None:
        write_new_and_changed(
            self.session,
            CurriculumUnit.__table__,
            ("curriculum_id", "unit_id"),
            FIELDS,
            rows,
            positions,
            self.progress,
        )

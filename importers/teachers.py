"""Teacher rosters, keyed by national ID; written in bulk (rosters run to 100,000 rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from flask_babel import lazy_gettext as _l

from importers import cells, plausible
from importers.columns import Column, person_name_columns
from importers.importer import COLLEGE_MISSING, Importer
from importers.lookups import AgencyIndex
from importers.results import NEW, RowTable
from importers.store import WRITE_CHUNK, BulkTable, write_new_and_changed
from models import Teacher

KEY = "national_id"

FIELDS = (
    "prefix",
    "first_name",
    "last_name",
    "college_id",
    "department",
    "position",
    "academic_standing",
    "birth_date",
    "email",
    "phone",
)


class TeacherImporter(Importer):
    kind = "teachers"
    record_model = Teacher
    label = _l("Teachers")
    key_column = "national_id"
    columns = (
        Column(
            "national_id",
            ("เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "national_id", "citizen id"),
            cells.national_id,
            required=True,
            help=_l("13 digits, with or without dashes (format the cells as text)"),
            example="3100100000006",
        ),
        *person_name_columns("นาย", "ศานนท์", "ศรีสุข"),
        Column(
            "college",
            ("สถานศึกษา", "วิทยาลัย", "institution"),
            cells.text,
            help=_l("The name or agency code of a college already in the system"),
            example="วิทยาลัยเทคนิคเชียงใหม่",
        ),
        Column(
            "department",
            ("แผนกวิชา", "สาขาวิชา", "department"),
            cells.text,
            example="ช่างยนต์",
        ),
        Column("position", ("ตำแหน่ง", "position"), cells.text, example="ครู"),
        Column(
            "academic_standing",
            ("วิทยฐานะ", "academic_standing"),
            cells.text,
            example="ชำนาญการ",
        ),
        Column(
            "birth_date",
            ("วันเกิด", "วัน/เดือน/ปีเกิด", "birth_date"),
            cells.date,
            help=_l("Day/month/BE year, e.g. 24/01/2528 or 24 ม.ค. 28"),
            example="24/01/2528",
            check=lambda raw, value, importer: plausible.birth_date(raw, value, importer.today),
        ),
        Column("email", ("อีเมล", "e-mail", "email"), cells.email, example="sanon@example.ac.th"),
        Column("phone", ("โทรศัพท์", "เบอร์โทร", "phone"), cells.phone, example="081-234-5678"),
    )
    required_columns = ((("national_id",),), (("first_name", "last_name"), ("full_name",)))
    instructions = _l("Colleges must be in the system first (import agencies before teachers)")

    def prepare(self, rows: RowTable) -> None:
        self.take_person_name(rows)
        self.require(rows, "national_id")
        agencies = AgencyIndex.load(self.session)
        found = self.resolve(rows, "college", agencies.find, COLLEGE_MISSING)
        rows.set("college_id", [None if ref is None else ref.id for ref in found])
        rows.key[:] = rows.get("national_id")

    def compare(self, rows: RowTable, positions: np.ndarray) -> None:
        bulk = BulkTable(self.session, Teacher.__table__)
        # A chunk of the roster at a time: only that much of the stored table is held.
        for start in range(0, len(positions), WRITE_CHUNK):
            part = positions[start : start + WRITE_CHUNK]
            keys = rows.key[part]
            stored = bulk.fetch(("id", *FIELDS), KEY, keys)
            found = stored.index.get_indexer(pd.Index(keys, dtype=object))
            rows.outcome[part[found < 0]] = NEW
            known = part[found >= 0]
            matched = stored.iloc[found[found >= 0]]
            rows.record_id[known] = matched["id"].to_numpy(dtype=object)
            values = {name: matched[name].to_numpy(dtype=object) for name in FIELDS}
            self.diff(rows, known, values, FIELDS)

    def write(self, rows: RowTable, positions: np.ndarray) -> None:
        write_new_and_changed(
            self.session, Teacher.__table__, KEY, FIELDS, rows, positions, self.progress
        )

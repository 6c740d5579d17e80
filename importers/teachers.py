"""Teacher rosters, keyed by national ID; written in bulk (rosters run to 100,000 rows)."""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any

import audit
from importers import cells
from importers.bulk import BulkTable
from importers.columns import Column, person_name_columns
from importers.core import COLLEGE_MISSING, NEW, Importer, Row
from importers.lookups import AgencyIndex
from models import Teacher

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
    label = "ครู"
    key_column = "national_id"
    columns = (
        Column(
            "national_id",
            ("เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "national_id", "citizen id"),
            cells.national_id,
            required=True,
            help="13 หลัก พิมพ์ติดกันหรือมีขีดก็ได้ (จัดรูปแบบเซลล์เป็นข้อความ)",
            example="3100100000006",
        ),
        *person_name_columns("นาย", "ศานนท์", "ศรีสุข"),
        Column(
            "college",
            ("สถานศึกษา", "วิทยาลัย", "institution"),
            cells.text,
            help="ชื่อสถานศึกษาหรือรหัสหน่วยงาน ที่มีอยู่ในระบบแล้ว",
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
            help="วัน/เดือน/ปี พ.ศ. เช่น 24/01/2528 หรือ 24 ม.ค. 28",
            example="24/01/2528",
        ),
        Column("email", ("อีเมล", "e-mail", "email"), cells.email, example="sanon@example.ac.th"),
        Column("phone", ("โทรศัพท์", "เบอร์โทร", "phone"), cells.phone, example="081-234-5678"),
    )
    required_columns = ((("national_id",),), (("first_name", "last_name"), ("full_name",)))
    instructions = "สถานศึกษาต้องมีอยู่ในระบบก่อน (นำเข้าหน่วยงานก่อนครู)"

    parallel = True

    def load_lookups(self) -> None:
        self.agencies = AgencyIndex.load(self.session)

    def prepare(self, rows: list[Row]) -> None:
        self.load_lookups()
        super().prepare(rows)

    def prepare_row(self, row: Row) -> None:
        values = row.values
        self.take_person_name(row)
        self.require(row, "national_id")
        self.take_agency(row, "college", "college_id", COLLEGE_MISSING)
        row.key = values.get("national_id")

    def compare(self, rows: list[Row]) -> None:
        existing = self.load_existing([row.key for row in rows])
        for row in rows:
            current = existing.get(row.key)
            if current is None:
                row.outcome = NEW
            else:
                row.record_id = current["id"]
                self.diff(row, current, FIELDS)

    def load_existing(self, keys: list[Any]) -> dict[str, dict[str, Any]]:
        bulk = BulkTable(self.session, Teacher.__table__)
        return bulk.fetch(("id", *FIELDS), "national_id", keys)

    def write(self, rows: list[Row]) -> None:
        now = dt.datetime.now()
        bulk = BulkTable(self.session, Teacher.__table__)
        stamps = {"created_at": now, "updated_at": now, "is_active": True}
        new = sorted((row for row in rows if row.outcome == NEW), key=attrgetter("key"))
        # In key order the unique index grows at its end instead of everywhere at once.
        columns = {"national_id": [row.key for row in new]}
        for name in FIELDS:
            columns[name] = [row.values.get(name) for row in new]
        for name, value in stamps.items():
            columns[name] = [value] * len(new)
        changed = [
            {"id": row.record_id, "updated_at": now, **{f: v[1] for f, v in row.changes.items()}}
            for row in rows
            if row.outcome != NEW
        ]
        self.progress("write", 0, len(new) + len(changed))
        bulk.insert(columns)
        self.progress("write", len(new), len(new) + len(changed))
        bulk.update(changed)
        self.progress("write", len(new) + len(changed), len(new) + len(changed))
        # The rows went around the ORM, so its change-log hook never saw them: log them here
        # as it would have ({field: value} for a new teacher, {field: [old, new]} for a change).
        actor, batch_id = audit.current(self.session)
        if new:
            ids = bulk.fetch(("id",), "national_id", columns["national_id"])
            plain = audit.plain
            created = []
            for row in new:
                values = {"id": ids[row.key]["id"], "national_id": row.key}
                for name in FIELDS:
                    value = row.values.get(name)
                    if value is not None:
                        values[name] = plain(value)
                values["is_active"] = True
                created.append(values)
            record_ids = [values["id"] for values in created]
            audit.log_bulk(
                self.session,
                "teacher",
                "create",
                record_ids,
                created,
                actor=actor,
                batch_id=batch_id,
            )
        if changed:
            updates = [row for row in rows if row.outcome != NEW]
            audit.log_bulk(
                self.session,
                "teacher",
                "update",
                [row.record_id for row in updates],
                [
                    {
                        name: [audit.plain(before), audit.plain(after)]
                        for name, (before, after) in row.changes.items()
                    }
                    for row in updates
                ],
                actor=actor,
                batch_id=batch_id,
            )

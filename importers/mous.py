"""MOUs, keyed by reference number; their parties are agencies that already exist."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from importers import cells
from importers.columns import Column
from importers.core import NEW, UNCHANGED, UPDATED, Importer, Row
from importers.lookups import AgencyIndex, AgencyRef
from models import Mou, MouParty
from thai.dates import format_be

FIELDS = ("title", "signed_on", "expires_on", "scope")
# Parties are listed one a line, or separated by "," or ";".
LINES = re.compile(r"[;\n]")


class MouImporter(Importer):
    kind = "mous"
    label = "บันทึกข้อตกลงความร่วมมือ (MOU)"
    key_column = "ref_no"
    columns = (
        Column(
            "ref_no",
            ("เลขที่", "ref_no", "เลขที่บันทึกข้อตกลง", "เลขที่ MOU", "reference number"),
            cells.code,
            required=True,
            help="เลขที่ไม่ซ้ำกัน ใช้จับคู่กับบันทึกข้อตกลงที่มีในระบบแล้ว",
            example="MOU-2565-014",
        ),
        Column(
            "title",
            ("ชื่อบันทึกข้อตกลง", "title", "ชื่อ MOU", "เรื่อง"),
            cells.text,
            required=True,
            example="ความร่วมมือ E-Workforce Ecosystem Platform (EWE)",
        ),
        Column(
            "parties",
            ("คู่ภาคี", "parties", "หน่วยงานที่ลงนาม"),
            cells.multiline,
            required=True,
            help=(
                "อย่างน้อย 2 หน่วยงาน ที่มีในระบบแล้ว ระบุรหัส ชื่อย่อ หรือชื่อหน่วยงาน "
                'คั่นด้วย "," หรือ ";" หรือขึ้นบรรทัดใหม่'
            ),
            example="BMA; TPQI",
        ),
        Column(
            "signed_on",
            ("วันที่ลงนาม", "signed_on", "วันลงนาม"),
            cells.date,
            required=True,
            help="วัน/เดือน/ปี พ.ศ. เช่น 14/09/2565 หรือ 14 ก.ย. 2565",
            example="14/09/2565",
        ),
        Column(
            "expires_on",
            ("วันสิ้นสุด", "expires_on", "วันหมดอายุ"),
            cells.date,
            help="เว้นว่างถ้าไม่มีวันสิ้นสุด (ถ้ามีในระบบแล้ว ช่องว่างจะคงวันที่เดิมไว้)",
            example="13/09/2570",
        ),
        Column(
            "scope",
            ("ขอบเขตความร่วมมือ", "scope", "ขอบเขต"),
            cells.multiline,
            example="เชื่อมโยงหลักสูตรกับมาตรฐานอาชีพ",
        ),
    )
    required_columns = (
        (("ref_no",),),
        (("title",),),
        (("parties",),),
        (("signed_on",),),
    )
    instructions = "คู่ภาคีทุกหน่วยงานต้องมีในระบบก่อน (นำเข้าหน่วยงานก่อนบันทึกข้อตกลง)"

    def prepare(self, rows: list[Row]) -> None:
        self.agencies = AgencyIndex.load(self.session)
        super().prepare(rows)

    def prepare_row(self, row: Row) -> None:
        values = row.values
        self.require(row, "ref_no", "title", "parties", "signed_on")
        row.key = values.get("ref_no")
        parties = values.pop("parties", None)
        if parties is not None:
            found = self.find_parties(row, parties)
            if found is not None:
                row.flags["parties"] = found
        signed, ends = values.get("signed_on"), values.get("expires_on")
        if signed is not None and ends is not None and ends < signed:
            self.end_before_start(row, signed, ends)

    def find_parties(self, row: Row, cell: str) -> dict[int, str] | None:
        """Return {agency id: code} for the parties named in a cell, or report why not."""
        names = split_parties(cell, self.agencies)
        found: dict[int, str] = {}
        unknown: list[str] = []
        for name, ref in names:
            if ref is None or ref.id is None:
                unknown.append(name)
            else:
                found.setdefault(ref.id, ref.code)
        if unknown:
            listed = ", ".join(f'"{name}"' for name in unknown)
            self.problem(
                row,
                "parties",
                f"ไม่พบคู่ภาคี {listed} ในระบบ กรุณาตรวจสอบชื่อ "
                "หรือใช้รหัส ชื่อย่อ หรือชื่อหน่วยงานที่มีในระบบ (นำเข้าหน่วยงานก่อน)",
            )
        if len(names) < 2:
            self.problem(
                row,
                "parties",
                f'ต้องมีคู่ภาคีอย่างน้อย 2 หน่วยงาน แต่ระบุไว้ {len(names)} หน่วยงาน ("{cell}") '
                'ใส่รหัส ชื่อย่อ หรือชื่อหน่วยงานคั่นด้วย "," หรือ ";" หรือขึ้นบรรทัดใหม่',
            )
        elif not unknown and len(found) < 2:
            listed = ", ".join(f'"{name}"' for name, _ref in names)
            self.problem(
                row,
                "parties",
                f"คู่ภาคี {listed} เป็นหน่วยงานเดียวกัน ({', '.join(found.values())}) "
                "ต้องมีคู่ภาคีอย่างน้อย 2 หน่วยงานที่ต่างกัน",
            )
        return None if unknown or len(found) < 2 else found

    def end_before_start(self, row: Row, signed: Any, ends: Any) -> None:
        self.problem(
            row,
            "expires_on",
            f"{self.header('expires_on')} ({format_be(ends)}) อยู่ก่อน{self.header('signed_on')} "
            f"({format_be(signed)}) กรุณาตรวจสอบวันที่และปี พ.ศ. "
            "(ถ้าไม่มีวันสิ้นสุดให้เว้นว่าง)",
        )

    def compare(self, rows: list[Row]) -> None:
        refs = [row.key for row in rows]
        existing = {
            mou.ref_no: mou
            for mou in self.session.scalars(
                select(Mou)
                .where(Mou.ref_no.in_(refs))
                .options(selectinload(Mou.parties).selectinload(MouParty.agency))
            )
        }
        for row in rows:
            mou = existing.get(row.key)
            if mou is None:
                row.outcome = NEW
                continue
            row.record_id = mou.id
            # Blank cells keep what is stored: check the dates the record will end up with.
            signed = row.values.get("signed_on") or mou.signed_on
            ends = row.values.get("expires_on") or mou.expires_on
            if ends is not None and ends < signed:
                self.end_before_start(row, signed, ends)
                continue
            self.diff(row, {name: getattr(mou, name) for name in FIELDS}, FIELDS)
            wanted = row.flags.get("parties")
            stored = {party.agency_id: party.agency.code for party in mou.parties}
            if wanted is not None and set(wanted) != set(stored):
                row.changes["parties"] = (party_list(stored), party_list(wanted))
            row.outcome = UPDATED if row.changes else UNCHANGED

    def write(self, rows: list[Row]) -> None:
        for row in rows:
            if row.record_id is None:
                mou = Mou(ref_no=row.key)
                self.session.add(mou)
            else:
                mou = self.session.get_one(Mou, row.record_id)
            for name in FIELDS:
                value = row.values.get(name)
                if value is not None:
                    setattr(mou, name, value)
            wanted = row.flags.get("parties")
            if wanted is not None:
                # Keep the parties that stay (and their signatories); drop and add the rest.
                mou.parties = [party for party in mou.parties if party.agency_id in wanted]
                have = {party.agency_id for party in mou.parties}
                for agency_id in wanted:
                    if agency_id not in have:
                        mou.parties.append(MouParty(agency_id=agency_id))
        self.session.flush()


def split_parties(cell: str, agencies: AgencyIndex) -> list[tuple[str, AgencyRef | None]]:
    """Split a parties cell into names, each with the agency it names (or None).

    Lines and ";" always separate parties. A "," separates them too, except inside a name
    that holds commas itself ("Ministry of Higher Education, Science, Research and
    Innovation"): the longest run of comma-separated pieces that names an agency wins.
    """
    found: list[tuple[str, AgencyRef | None]] = []
    for line in LINES.split(cell):
        pieces = [piece.strip() for piece in line.split(",")]
        pieces = [piece for piece in pieces if piece]
        start = 0
        while start < len(pieces):
            for end in range(len(pieces), start, -1):
                name = ", ".join(pieces[start:end])
                ref = agencies.find(name)
                if ref is not None or end == start + 1:
                    found.append((name, ref))
                    start = end
                    break
    return found


def party_list(parties: dict[int, str]) -> str:
    return ", ".join(sorted(parties.values()))

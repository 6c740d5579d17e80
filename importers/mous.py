"""MOUs, keyed by reference number; their parties are agencies that already exist."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from importers import cells, plausible
from importers.columns import Column
from importers.importer import Importer, distinct_map
from importers.lookups import AgencyIndex, AgencyRef
from importers.results import UPDATED, RowTable
from importers.store import in_chunks
from models import Agency, Mou, MouParty
from thai.dates import thai_date

FIELDS = ("title", "signed_on", "expires_on", "scope")
# Parties are listed one a line, or separated by "," or ";".
LINES = re.compile(r"[;\n]")
# Rows written between two flushes: the session holds a chunk's records at a time.
FLUSH_EVERY = 1000


def plausible_mou_date(written: str, value: dt.date | None, importer: Importer) -> str | None:
    """วันที่ลงนาม and วันสิ้นสุด: from 1 Jan 2500 BE to 20 years after the day of the import."""
    return plausible.mou_date(written, value, importer.today)


@dataclass(frozen=True)
class Parties:
    """What one distinct parties cell names: {agency id: code} if usable, and what is wrong."""

    found: dict[int, str] | None
    messages: tuple[str, ...]


class MouImporter(Importer):
    kind = "mous"
    record_model = Mou
    label = _l("Memoranda of understanding (MOU)")
    key_column = "ref_no"
    columns = (
        Column(
            "ref_no",
            ("เลขที่", "ref_no", "เลขที่บันทึกข้อตกลง", "เลขที่ MOU", "reference number"),
            cells.code,
            required=True,
            help=_l("A unique number, used to match a memorandum already in the system"),
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
                _l(
                    "At least 2 agencies already in the system, by code, short name or name, "
                    'separated by ",", ";" or a line break'
                )
            ),
            example="BMA; TPQI",
        ),
        Column(
            "signed_on",
            ("วันที่ลงนาม", "signed_on", "วันลงนาม"),
            cells.date,
            required=True,
            help=_l("Day/month/BE year, e.g. 14/09/2565 or 14 ก.ย. 2565"),
            example="14/09/2565",
            check=plausible_mou_date,
        ),
        Column(
            "expires_on",
            ("วันสิ้นสุด", "expires_on", "วันหมดอายุ"),
            cells.date,
            help=_l(
                "Leave blank if it has no end date (for a memorandum already in the system, a "
                "blank keeps the stored date)"
            ),
            example="13/09/2570",
            check=plausible_mou_date,
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
    instructions = _l("Every party must be in the system first (import agencies before memoranda)")

    def prepare(self, rows: RowTable) -> None:
        self.agencies = AgencyIndex.load(self.session)
        self.require(rows, "ref_no", "title", "parties", "signed_on")
        rows.key[:] = rows.get("ref_no")
        # Each distinct parties cell is split and looked up once.
        named = distinct_map(rows.drop("parties"), self.find_parties)
        wanted = rows.flag("parties")
        header = self.header("parties")
        for position in np.flatnonzero(np.not_equal(named, None)):
            parties = named[position]
            for message in parties.messages:
                rows.add_problem(position, header, message)
            if parties.found is not None:
                wanted[position] = parties.found
        signed, ends = rows.get("signed_on"), rows.get("expires_on")
        both = np.flatnonzero(np.not_equal(signed, None) & np.not_equal(ends, None))
        for position in both[ends[both] < signed[both]]:
            # An implausible date already says what is wrong with it.
            if self.has_problem(rows, position, "signed_on"):
                continue
            if self.has_problem(rows, position, "expires_on"):
                continue
            self.end_before_start(rows, position, signed[position], ends[position])

    def find_parties(self, cell: str) -> Parties:
        """The parties named in a cell as {agency id: code}, or the problems that stop it."""
        names = split_parties(cell, self.agencies)
        found: dict[int, str] = {}
        unknown: list[str] = []
        messages: list[str] = []
        for name, ref in names:
            if ref is None or ref.id is None:
                unknown.append(name)
            else:
                found.setdefault(ref.id, ref.code)
        if unknown:
            listed = ", ".join(f'"{name}"' for name in unknown)
            messages.append(
                f"ไม่พบคู่ภาคี {listed} ในระบบ กรุณาตรวจสอบชื่อ "
                "หรือใช้รหัส ชื่อย่อ หรือชื่อหน่วยงานที่มีในระบบ (นำเข้าหน่วยงานก่อน)"
            )
        if len(names) < 2:
            messages.append(
                f'ต้องมีคู่ภาคีอย่างน้อย 2 หน่วยงาน แต่ระบุไว้ {len(names)} หน่วยงาน ("{cell}") '
                'ใส่รหัส ชื่อย่อ หรือชื่อหน่วยงานคั่นด้วย "," หรือ ";" หรือขึ้นบรรทัดใหม่'
            )
        elif not unknown and len(found) < 2:
            listed = ", ".join(f'"{name}"' for name, _ref in names)
            messages.append(
                f"คู่ภาคี {listed} เป็นหน่วยงานเดียวกัน ({', '.join(found.values())}) "
                "ต้องมีคู่ภาคีอย่างน้อย 2 หน่วยงานที่ต่างกัน"
            )
        usable = None if unknown or len(found) < 2 else found
        return Parties(usable, tuple(messages))

    def end_before_start(self, rows: RowTable, position: int, signed: Any, ends: Any) -> None:
        self.problem(
            rows,
            position,
            "expires_on",
            f"{self.header('expires_on')} ({thai_date(ends)}) อยู่ก่อน{self.header('signed_on')} "
            f"({thai_date(signed)}) กรุณาตรวจสอบวันที่และปี พ.ศ. "
            "(ถ้าไม่มีวันสิ้นสุดให้เว้นว่าง)",
        )

    def compare(self, rows: RowTable, positions: np.ndarray) -> None:
        # Plain columns, not ORM objects: a register sent again is mostly unchanged rows,
        # and only the records that change are loaded to be written.
        found: dict[str, Any] = {}
        query = select(Mou.ref_no, Mou.id, *(getattr(Mou, name) for name in FIELDS))
        for chunk in in_chunks(rows.key[positions].tolist()):
            found.update(
                (record.ref_no, record)
                for record in self.session.execute(query.where(Mou.ref_no.in_(chunk)))
            )
        have: dict[int, dict[int, str]] = {}
        parties = select(MouParty.mou_id, MouParty.agency_id, Agency.code).join(
            Agency, MouParty.agency_id == Agency.id
        )
        for chunk in in_chunks(record.id for record in found.values()):
            for mou_id, agency_id, code in self.session.execute(
                parties.where(MouParty.mou_id.in_(chunk))
            ):
                have.setdefault(mou_id, {})[agency_id] = code
        signed, ends = rows.get("signed_on"), rows.get("expires_on")

        def dates_agree(position: int, record: Any) -> bool:
            # Blank cells keep what is stored: check the dates the record will end up with.
            starts = signed[position] or record.signed_on
            until = ends[position] or record.expires_on
            if until is not None and until < starts:
                self.end_before_start(rows, position, starts, until)
                return False
            return True

        at = self.match_stored(rows, positions, found, FIELDS, dates_agree)
        wanted = rows.flag("parties")
        for position in at:
            parties = have.get(rows.record_id[position], {})
            if wanted[position] is not None and set(wanted[position]) != set(parties):
                change = (party_list(parties), party_list(wanted[position]))
                rows.changes.setdefault(int(position), {})["parties"] = change
                rows.outcome[position] = UPDATED

    def write(self, rows: RowTable, positions: np.ndarray) -> None:
        ids = rows.record_id[positions[rows.outcome[positions] == UPDATED]]
        stored: dict[int, Mou] = {}
        query = select(Mou).options(selectinload(Mou.parties))
        for chunk in in_chunks(ids):
            stored.update(
                (mou.id, mou) for mou in self.session.scalars(query.where(Mou.id.in_(chunk)))
            )
        values = {name: rows.get(name) for name in FIELDS}
        wanted = rows.flag("parties")
        total = len(positions)
        chunk: list[Mou] = []
        for done, position in enumerate(positions, start=1):
            if rows.record_id[position] is None:
                mou = Mou(ref_no=rows.key[position])
                self.session.add(mou)
            else:
                mou = stored.pop(rows.record_id[position])
            chunk.append(mou)
            for name, column in values.items():
                value = column[position]
                if value is not None:
                    setattr(mou, name, value)
            parties = wanted[position]
            if parties is not None:
                # Keep the parties that stay (and their signatories); drop and add the rest.
                mou.parties = [party for party in mou.parties if party.agency_id in parties]
                kept = {party.agency_id for party in mou.parties}
                for agency_id in parties:
                    if agency_id not in kept:
                        mou.parties.append(MouParty(agency_id=agency_id))
            if done % FLUSH_EVERY == 0 or done == total:
                self.session.flush()
                # Written and logged: let the session forget them (with their parties), so
                # that it holds a chunk's records, not the whole file's.
                for written in chunk:
                    self.session.expunge(written)
                chunk.clear()
                self.progress("write", done, total)


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

"""Placement applications from the online form, keyed by (round, national ID).

The file is a Google Forms export; the round it goes into is chosen by fiscal year
(option ``round``). The teacher, the college, the establishment and the units must already
exist. An application stamped after the round's deadline is imported all the same and
counted as late.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from importers import cells
from importers.columns import Column, Table
from importers.core import COLLEGE_MISSING, NEW, Importer, ImportResult, Row
from importers.lookups import AgencyIndex, ProvinceIndex
from importers.reading import ReadError
from models import Agency, CompetencyUnit, Placement, PlacementRound, PlacementStep, Teacher
from thai.dates import format_be, parse_be_year
from thai.names import split_name
from thai.text import normalize_text

FIELDS = (
    "applied_at",
    "applicant_email",
    "college_id",
    "host_id",
    "planned_start",
    "planned_end",
    "plan_url",
    "unit_ids",
)
# Units are listed "CODE title, CODE title"; new lines and semicolons separate them too.
UNIT_SEPARATORS = re.compile(r"[,;\n]")
LEADING_CODE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._/\-]*)(?=[\s:(]|$)")
CODE_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/\-]*")
URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


def looks_like_code(token: str) -> bool:
    """Unit codes mix letters, digits and hyphens (ECM-ZZZ-5-011ZA, 10201); words do not."""
    return any(ch.isdigit() for ch in token)


@dataclass
class UnitIndex:
    """Every unit of competence by code, and by title where the title is unique."""

    by_code: dict[str, tuple[int, str]] = field(default_factory=dict)
    by_title: dict[str, int | None] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Any) -> UnitIndex:
        index = cls()
        query = select(CompetencyUnit.id, CompetencyUnit.code, CompetencyUnit.title)
        for unit_id, code, title in session.execute(query):
            index.by_code[cells.key_text(code)] = (unit_id, code)
            key = cells.key_text(title)
            # A title shared by two units names neither.
            index.by_title[key] = None if key in index.by_title else unit_id
            index.titles[unit_id] = title
        return index

    def find_code(self, token: str) -> int | None:
        found = self.by_code.get(cells.key_text(token))
        return found[0] if found else None

    def parse(self, value: str) -> tuple[list[int], list[str]]:
        """Return the units a cell lists, and a Thai message for each part not understood.

        Each part is a code with its title; a part that has no code but is the rest of the
        previous unit's title (titles may hold commas) belongs to that unit.
        """
        units: list[int] = []
        messages: list[str] = []
        pending = ""  # the title text read so far after the last unit's code
        for raw in UNIT_SEPARATORS.split(value):
            part = normalize_text(raw)
            if not part:
                continue
            leading = LEADING_CODE.match(part)
            code = leading.group(1) if leading and looks_like_code(leading.group(1)) else None
            unit_id = self.find_code(code) if code else None
            if unit_id is None and code is None:
                tokens = [t for t in CODE_TOKEN.findall(part) if looks_like_code(t)]
                unit_id = next((u for t in tokens if (u := self.find_code(t))), None)
            if unit_id is None and code is None:
                unit_id = self.by_title.get(cells.key_text(part))
            if unit_id is not None:
                if unit_id not in units:
                    units.append(unit_id)
                pending = part[len(code) :] if code else ""
                continue
            if units and self.continues_title(units[-1], pending, part):
                pending = f"{pending},{part}"
                continue
            if code:
                messages.append(f'ไม่พบหน่วยสมรรถนะรหัส "{code}" ในระบบ (นำเข้ามาตรฐานอาชีพก่อน)')
            else:
                messages.append(f'ไม่พบรหัสหน่วยสมรรถนะใน "{part}" (ระบุเป็น รหัส ชื่อหน่วย คั่นด้วย ",")')
        return units, messages

    def continues_title(self, unit_id: int, pending: str, part: str) -> bool:
        """Whether part is the rest of a unit title cut at a comma."""
        title = cells.key_text(self.titles.get(unit_id, ""))
        so_far = cells.key_text(f"{pending},{part}")
        return bool(title) and bool(cells.key_text(pending)) and title.startswith(so_far)


def plan_link(value: Any) -> str | None:
    """A web link to the signed plan (http or https)."""
    cleaned = cells.text(value)
    if cleaned is None:
        return None
    if not URL.match(cleaned):
        raise ValueError(f'ลิงก์ "{cleaned}" ไม่ถูกต้อง ต้องขึ้นต้นด้วย http:// หรือ https://')
    return cleaned


class PlacementImporter(Importer):
    kind = "placements"
    label = "ใบสมัครฝึกประสบการณ์ในสถานประกอบการ"
    key_column = "national_id"
    columns = (
        Column(
            "applied_at",
            ("ประทับเวลา", "timestamp", "วันเวลาที่ส่ง", "applied_at"),
            cells.timestamp,
            help="วันเวลาที่ส่งแบบฟอร์ม เช่น 27/2/2568, 16:45:12",
            example="20/2/2568, 10:30:00",
        ),
        Column(
            "applicant_email",
            ("ที่อยู่อีเมล", "email address", "อีเมล", "email", "e-mail"),
            cells.email,
            example="sanon@example.ac.th",
        ),
        Column(
            "national_id",
            ("เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "national_id", "citizen id"),
            cells.national_id,
            required=True,
            help="ของครูที่มีอยู่ในระบบแล้ว",
            example="3100100000006",
        ),
        Column(
            "full_name",
            ("ชื่อ-สกุล", "ชื่อ - นามสกุล", "ชื่อ-นามสกุล", "full_name"),
            cells.text,
            help="ใช้ตรวจทานเท่านั้น ครูระบุด้วยเลขประจำตัวประชาชน",
            example="นายศานนท์ ศรีสุข",
        ),
        Column(
            "college",
            ("สถานศึกษา", "วิทยาลัย", "institution", "college"),
            cells.text,
            help="ชื่อหรือรหัสสถานศึกษา เว้นว่างได้ (ใช้สถานศึกษาของครู)",
            example="วิทยาลัยสารพัดช่างลำปาง",
        ),
        Column(
            "host",
            ("สถานประกอบการ", "ชื่อสถานประกอบการ", "establishment", "host"),
            cells.text,
            required=True,
            help="ชื่อ ชื่อย่อ หรือรหัสหน่วยงาน ที่มีอยู่ในระบบแล้ว",
            example="บริษัท ไทยออโตพาร์ท จำกัด",
        ),
        Column(
            "province",
            ("จังหวัดของสถานประกอบการ", "จังหวัดสถานประกอบการ", "host_province"),
            cells.text,
            example="ชลบุรี",
        ),
        Column(
            "units",
            ("สมรรถนะที่จะฝึก", "หน่วยสมรรถนะที่จะฝึก", "หน่วยสมรรถนะ", "units", "unit_codes"),
            cells.multiline,
            required=True,
            help='รหัสและชื่อหน่วยสมรรถนะ คั่นด้วย "," เช่น DG-WPJL-028 ใช้เครื่องมือดิจิทัลในการทำงาน',
            example="DG-WPJL-028 ใช้เครื่องมือดิจิทัลในการทำงาน",
        ),
        Column(
            "planned_start",
            ("วันเริ่มฝึก", "วันที่เริ่มฝึก", "planned_start", "start date"),
            cells.date,
            example="03/03/2568",
        ),
        Column(
            "planned_end",
            ("วันสิ้นสุดการฝึก", "วันที่สิ้นสุดการฝึก", "planned_end", "end date"),
            cells.date,
            example="30/04/2568",
        ),
        Column(
            "plan_url",
            ("ลิงก์แผนพัฒนา", "ลิงก์แผนพัฒนารายบุคคล", "แผนพัฒนา", "plan_url"),
            plan_link,
            help="ลิงก์ไฟล์ PDF แผนพัฒนาที่ผู้อำนวยการลงนามแล้ว",
            example="https://drive.google.com/open?id=...",
        ),
    )
    required_columns = ((("national_id",),), (("host",),), (("units",),))
    instructions = (
        "เลือกรอบ (ปีงบประมาณ) ที่จะนำเข้า ครู สถานศึกษา สถานประกอบการ และหน่วยสมรรถนะ "
        "ต้องมีอยู่ในระบบก่อน (นำเข้าหน่วยงาน ครู และมาตรฐานอาชีพก่อน)"
    )

    # ------------------------------------------------------------------ the round

    def run(self, table: Table, filename: str, **kwargs: Any) -> ImportResult:
        self.round = self.find_round()
        self.extra["late"] = 0
        return super().run(table, filename, **kwargs)

    def find_round(self) -> PlacementRound:
        """The round named by the option ``round`` (a fiscal year), or ReadError."""
        wanted = self.options.get("round")
        if wanted is None or (isinstance(wanted, str) and not wanted.strip()):
            raise ReadError("ไม่ได้ระบุรอบการฝึกประสบการณ์ (ปีงบประมาณ) ที่จะนำเข้า เช่น 2568")
        if isinstance(wanted, PlacementRound):
            return wanted
        try:
            fiscal_year = parse_be_year(wanted)
        except ValueError as error:
            raise ReadError(f'ปีงบประมาณของรอบ "{wanted}" ไม่ถูกต้อง เช่น 2568') from error
        found = self.session.scalar(
            select(PlacementRound).where(PlacementRound.fiscal_year == fiscal_year)
        )
        if found is None:
            known = self.session.scalars(
                select(PlacementRound.fiscal_year).order_by(PlacementRound.fiscal_year)
            ).all()
            have = f" (มีรอบปีงบประมาณ {', '.join(map(str, known))})" if known else ""
            raise ReadError(
                f"ไม่พบรอบการฝึกประสบการณ์ปีงบประมาณ {fiscal_year} ในระบบ{have} "
                "กรุณาสร้างรอบก่อนนำเข้าใบสมัคร"
            )
        return found

    # ------------------------------------------------------------------ rows

    def prepare(self, rows: list[Row]) -> None:
        self.agencies = AgencyIndex.load(self.session)
        self.provinces = ProvinceIndex.load(self.session)
        self.units = UnitIndex.load(self.session)
        self.host_provinces = {
            agency_id: province_id
            for agency_id, province_id in self.session.execute(
                select(Agency.id, Agency.province_id)
            )
        }
        ids = {row.values.get("national_id") for row in rows} - {None}
        self.teachers = {
            teacher.national_id: teacher
            for teacher in self.session.execute(
                select(
                    Teacher.id,
                    Teacher.national_id,
                    Teacher.first_name,
                    Teacher.last_name,
                    Teacher.college_id,
                ).where(Teacher.national_id.in_(ids))
            )
        }
        super().prepare(rows)

    def prepare_row(self, row: Row) -> None:
        values = row.values
        self.require(row, "national_id", "host", "units")
        national_id = values.get("national_id")
        row.key = national_id
        teacher = self.teachers.get(national_id) if national_id else None
        if national_id and teacher is None:
            self.problem(
                row,
                "national_id",
                f"ไม่พบครูเลขประจำตัวประชาชน {national_id} ในระบบ (นำเข้าข้อมูลครูก่อน)",
            )
        if teacher is not None:
            values["teacher_id"] = teacher.id
            row.flags["teacher_college_id"] = teacher.college_id
            self.check_name(row, teacher)

        self.take_agency(row, "college", "college_id", COLLEGE_MISSING)

        host = self.take_agency(
            row, "host", "host_id", 'ไม่พบสถานประกอบการ "{name}" ในระบบ (นำเข้าหน่วยงานก่อน)'
        )
        host_id = host.id if host else None

        province = values.pop("province", None)
        if province is not None:
            province_id = self.provinces.find(province)
            if province_id is None:
                self.problem(row, "province", f'ไม่พบจังหวัด "{province}"')
            elif host_id is not None:
                stored = self.host_provinces.get(host_id)
                # A host may train at a branch elsewhere: noted, not refused.
                if stored is not None and stored != province_id:
                    row.flags["province_mismatch"] = True

        listed = values.pop("units", None)
        if listed is not None:
            unit_ids, messages = self.units.parse(listed)
            for message in messages:
                self.problem(row, "units", message)
            if not unit_ids and not messages:
                self.require(row, "units")
            values["unit_ids"] = tuple(sorted(unit_ids))

        start, end = values.get("planned_start"), values.get("planned_end")
        if start and end and end < start:
            self.problem(
                row,
                "planned_end",
                f"วันสิ้นสุดการฝึก ({format_be(end)}) ต้องไม่ก่อนวันเริ่มฝึก ({format_be(start)})",
            )

        applied_at = values.get("applied_at")
        if applied_at is not None and applied_at.date() > self.round.application_deadline:
            row.flags["late"] = True

    def check_name(self, row: Row, teacher: Any) -> None:
        """Note a name that differs from the stored teacher's; the ID decides, not the name."""
        written = row.values.pop("full_name", None)
        if written is None:
            return
        try:
            _prefix, first, last = split_name(written)
        except ValueError:
            first, last = written, ""
        same = cells.key_text(first) == cells.key_text(teacher.first_name) and cells.key_text(
            last
        ) == cells.key_text(teacher.last_name)
        if not same:
            row.flags["name_mismatch"] = f"{teacher.first_name} {teacher.last_name}"

    def compare(self, rows: list[Row]) -> None:
        self.extra["late"] = sum(1 for row in rows if row.flags.get("late"))
        teacher_ids = [row.values["teacher_id"] for row in rows]
        existing = {
            placement.teacher_id: placement
            for placement in self.session.scalars(
                select(Placement).where(
                    Placement.round_id == self.round.id, Placement.teacher_id.in_(teacher_ids)
                )
            )
        }
        for row in rows:
            placement = existing.get(row.values["teacher_id"])
            if placement is None:
                row.outcome = NEW
                continue
            row.record_id = placement.id
            current = {name: getattr(placement, name, None) for name in FIELDS}
            current["unit_ids"] = tuple(sorted(unit.id for unit in placement.units))
            self.diff(row, current, FIELDS)

    def write(self, rows: list[Row]) -> None:
        wanted = {unit_id for row in rows for unit_id in row.values.get("unit_ids") or ()}
        units = {
            unit.id: unit
            for unit in self.session.scalars(
                select(CompetencyUnit).where(CompetencyUnit.id.in_(wanted))
            )
        }
        for row in rows:
            values = row.values
            if row.outcome == NEW:
                placement = Placement(
                    round_id=self.round.id,
                    teacher_id=values["teacher_id"],
                    status=PlacementStep.APPLIED.value,
                    college_id=values.get("college_id") or row.flags.get("teacher_college_id"),
                )
                changed = {name: values.get(name) for name in FIELDS if name != "college_id"}
                self.session.add(placement)
            else:
                placement = self.session.get(Placement, row.record_id)
                changed = {name: new for name, (_old, new) in row.changes.items()}
            for name, value in changed.items():
                if value is None:
                    continue
                if name == "unit_ids":
                    placement.units = [units[unit_id] for unit_id in value]
                else:
                    setattr(placement, name, value)

"""Agencies, keyed by agency code; a parent may be an agency earlier in the same file."""

from __future__ import annotations

from sqlalchemy import select

from importers import cells
from importers.columns import Column
from importers.core import NEW, Importer, Row
from importers.lookups import AgencyIndex, AgencyRef, ProvinceIndex
from models import Agency, AgencyKind

KIND_LABELS = {
    "กระทรวง": AgencyKind.MINISTRY,
    "ส่วนราชการ": AgencyKind.GOVERNMENT_OFFICE,
    "หน่วยงานราชการ": AgencyKind.GOVERNMENT_OFFICE,
    "สำนัก": AgencyKind.BUREAU,
    "องค์การมหาชน": AgencyKind.PUBLIC_ORGANISATION,
    "องค์กรปกครองส่วนท้องถิ่น": AgencyKind.LOCAL_GOVERNMENT,
    "กองทุน": AgencyKind.FUND,
    "องค์การระหว่างประเทศ": AgencyKind.INTERNATIONAL,
    "สถานศึกษา": AgencyKind.COLLEGE,
    "วิทยาลัย": AgencyKind.COLLEGE,
    "โรงเรียนฝึกอาชีพ": AgencyKind.TRAINING_SCHOOL,
    "สำนักงานศึกษาธิการจังหวัด": AgencyKind.PROVINCIAL_OFFICE,
    "ศูนย์ธนาคารหน่วยกิต": AgencyKind.CREDIT_BANK_CENTRE,
    "สถานประกอบการ": AgencyKind.ESTABLISHMENT,
    "บริษัท": AgencyKind.ESTABLISHMENT,
    "คณะกรรมการ": AgencyKind.COMMITTEE,
    "คณะอนุกรรมการ": AgencyKind.COMMITTEE,
}
ENGLISH_KINDS = {
    "ministry": AgencyKind.MINISTRY,
    "government office": AgencyKind.GOVERNMENT_OFFICE,
    "bureau": AgencyKind.BUREAU,
    "public organisation": AgencyKind.PUBLIC_ORGANISATION,
    "public organization": AgencyKind.PUBLIC_ORGANISATION,
    "local government": AgencyKind.LOCAL_GOVERNMENT,
    "fund": AgencyKind.FUND,
    "international organisation": AgencyKind.INTERNATIONAL,
    "international organization": AgencyKind.INTERNATIONAL,
    "college": AgencyKind.COLLEGE,
    "institution": AgencyKind.COLLEGE,
    "training school": AgencyKind.TRAINING_SCHOOL,
    "provincial office": AgencyKind.PROVINCIAL_OFFICE,
    "credit-bank centre": AgencyKind.CREDIT_BANK_CENTRE,
    "credit bank centre": AgencyKind.CREDIT_BANK_CENTRE,
    "establishment": AgencyKind.ESTABLISHMENT,
    "company": AgencyKind.ESTABLISHMENT,
    "committee": AgencyKind.COMMITTEE,
}
ALL_KINDS = {**{k: v.value for k, v in KIND_LABELS.items()}}
ALL_KINDS.update({k: v.value for k, v in ENGLISH_KINDS.items()})
ALL_KINDS.update({kind.value: kind.value for kind in AgencyKind})
FIELDS = (
    "name_th",
    "abbreviation",
    "name_en",
    "kind",
    "parent_id",
    "province_id",
    "phone",
    "email",
    "website",
)


class AgencyImporter(Importer):
    kind = "agencies"
    label = "หน่วยงาน"
    key_column = "code"
    columns = (
        Column(
            "code",
            ("รหัสหน่วยงาน", "code", "รหัส"),
            cells.code,
            required=True,
            help="รหัสไม่ซ้ำกัน เช่น OVEC, C5201",
            example="C5201",
        ),
        Column(
            "name_th",
            ("ชื่อหน่วยงาน", "name_th", "ชื่อภาษาไทย"),
            cells.text,
            required=True,
            example="วิทยาลัยสารพัดช่างลำปาง",
        ),
        Column("abbreviation", ("ชื่อย่อ", "abbreviation"), cells.text, example="วพ.ลำปาง"),
        Column(
            "name_en",
            ("ชื่อภาษาอังกฤษ", "name_en"),
            cells.text,
            example="Lampang Polytechnic College",
        ),
        Column(
            "kind",
            ("ประเภท", "kind"),
            cells.choice(ALL_KINDS, "ประเภทหน่วยงาน"),
            required=True,
            choices=tuple(KIND_LABELS),
            example="สถานศึกษา",
        ),
        Column(
            "parent",
            ("สังกัด", "parent"),
            cells.text,
            help="รหัส ชื่อย่อ หรือชื่อหน่วยงานต้นสังกัด (มีในระบบแล้วหรืออยู่แถวก่อนหน้าในไฟล์)",
            example="OVEC",
        ),
        Column(
            "province",
            ("จังหวัด", "province"),
            cells.text,
            help="ชื่อจังหวัดภาษาไทยหรืออังกฤษ หรือรหัสจังหวัด",
            example="ลำปาง",
        ),
        Column("phone", ("โทรศัพท์", "phone", "เบอร์โทร"), cells.phone, example="054 217 129"),
        Column("email", ("อีเมล", "email", "e-mail"), cells.email, example="info@example.ac.th"),
        Column("website", ("เว็บไซต์", "website"), cells.text),
    )
    required_columns = ((("code",),), (("name_th",),), (("kind",),))
    instructions = "หน่วยงานต้นสังกัดต้องมีในระบบแล้ว หรืออยู่ในแถวก่อนหน้าของไฟล์เดียวกัน"

    def prepare(self, rows: list[Row]) -> None:
        self.agencies = AgencyIndex.load(self.session)
        self.provinces = ProvinceIndex.load(self.session)
        super().prepare(rows)

    def prepare_row(self, row: Row) -> None:
        values = row.values
        self.require(row, "code", "name_th", "kind")
        code = values.get("code")
        row.key = code
        name = values.get("name_th")
        if name and code:
            holder = self.agencies.by_name.get(cells.key_text(name))
            if holder is not None and holder.code != code:
                self.problem(
                    row,
                    "name_th",
                    f'ชื่อหน่วยงาน "{name}" มีอยู่แล้วในรหัส {holder.code} (ชื่อซ้ำกันไม่ได้)',
                )
        parent = values.pop("parent", None)
        if parent is not None:
            found = self.agencies.find(parent)
            if found is None:
                self.problem(row, "parent", f'ไม่พบหน่วยงานต้นสังกัด "{parent}" ในระบบหรือในแถวก่อนหน้า')
            elif found.code == code:
                self.problem(row, "parent", "หน่วยงานสังกัดตัวเองไม่ได้")
            else:
                row.flags["parent_code"] = found.code
                values["parent_id"] = found.id
        province = values.pop("province", None)
        if province is not None:
            values["province_id"] = self.provinces.find(province)
            if values["province_id"] is None:
                self.problem(row, "province", f'ไม่พบจังหวัด "{province}"')
        if row.ok and code and name:
            # Later rows may name this agency as their parent.
            known = self.agencies.by_code.get(cells.key_text(code))
            ref = AgencyRef(known.id if known else None, code, name, values.get("kind") or "")
            self.agencies.add(ref, values.get("abbreviation"), values.get("name_en"))

    def compare(self, rows: list[Row]) -> None:
        codes = [row.key for row in rows]
        existing = {
            agency.code: agency
            for agency in self.session.scalars(select(Agency).where(Agency.code.in_(codes)))
        }
        for row in rows:
            agency = existing.get(row.key)
            if agency is None:
                row.outcome = NEW
                continue
            row.record_id = agency.id
            current = {name: getattr(agency, name) for name in FIELDS}
            if "parent_code" in row.flags and row.values.get("parent_id") is None:
                # The parent is new in this file: compare by code.
                current["parent_id"] = agency.parent.code if agency.parent else None
                row.values["parent_id"] = row.flags["parent_code"]
            self.diff(row, current, FIELDS)

    def write(self, rows: list[Row]) -> None:
        by_code: dict[str, Agency] = {}
        for row in rows:
            agency = (
                self.session.get(Agency, row.record_id) if row.record_id else Agency(code=row.key)
            )
            for name in FIELDS:
                if name == "parent_id":
                    continue
                value = row.values.get(name)
                if value is not None:
                    setattr(agency, name, value)
            parent_code = row.flags.get("parent_code")
            if parent_code is not None:
                agency.parent = by_code.get(parent_code) or self.session.scalar(
                    select(Agency).where(Agency.code == parent_code)
                )
            if agency.id is None:
                self.session.add(agency)
            by_code[row.key] = agency
        self.session.flush()

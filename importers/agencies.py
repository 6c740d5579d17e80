"""Agencies, keyed by agency code; a parent may be an agency earlier in the same file."""

from __future__ import annotations

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from importers import cells
from importers.columns import Column
from importers.importer import Importer, distinct_map
from importers.lookups import AgencyIndex, AgencyRef, ProvinceIndex
from importers.results import NEW, RowTable, nones, objects
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
    record_model = Agency
    label = _l("Agencies")
    key_column = "code"
    columns = (
        Column(
            "code",
            ("รหัสหน่วยงาน", "code", "รหัส"),
            cells.code,
            required=True,
            help=_l("A unique code, e.g. OVEC, C5201"),
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
            help=_l(
                "The parent agency's code, short name or name (already in the system or in an "
                "earlier row of the file)"
            ),
            example="OVEC",
        ),
        Column(
            "province",
            ("จังหวัด", "province"),
            cells.text,
            help=_l("The province's name in Thai or English, or its code"),
            example="ลำปาง",
        ),
        Column("phone", ("โทรศัพท์", "phone", "เบอร์โทร"), cells.phone, example="054 217 129"),
        Column("email", ("อีเมล", "email", "e-mail"), cells.email, example="info@example.ac.th"),
        Column("website", ("เว็บไซต์", "website"), cells.text),
    )
    required_columns = ((("code",),), (("name_th",),), (("kind",),))
    instructions = _l(
        "Parent agencies must already be in the system, or in an earlier row of the same file"
    )

    def prepare(self, rows: RowTable) -> None:
        self.agencies = AgencyIndex.load(self.session)
        provinces = ProvinceIndex.load(self.session)
        self.require(rows, "code", "name_th", "kind")
        codes, names, kinds = rows.get("code"), rows.get("name_th"), rows.get("kind")
        abbreviations, names_en = rows.get("abbreviation"), rows.get("name_en")
        parents, province_names = rows.drop("parent"), rows.drop("province")
        province_ids = distinct_map(province_names, provinces.find)
        parent_ids, parent_codes = nones(len(rows)), rows.flag("parent_code")
        rows.key[:] = codes
        # In file order: a later row may name an agency of an earlier row as its parent.
        for position in range(len(rows)):
            code, name = codes[position], names[position]
            if name and code:
                holder = self.agencies.by_name.get(cells.key_text(name))
                if holder is not None and holder.code != code:
                    self.problem(
                        rows,
                        position,
                        "name_th",
                        f'ชื่อหน่วยงาน "{name}" มีอยู่แล้วในรหัส {holder.code} (ชื่อซ้ำกันไม่ได้)',
                    )
            parent = parents[position]
            if parent is not None:
                found = self.agencies.find(parent)
                if found is None:
                    message = f'ไม่พบหน่วยงานต้นสังกัด "{parent}" ในระบบหรือในแถวก่อนหน้า'
                    self.problem(rows, position, "parent", message)
                elif found.code == code:
                    self.problem(rows, position, "parent", "หน่วยงานสังกัดตัวเองไม่ได้")
                else:
                    parent_codes[position] = found.code
                    parent_ids[position] = found.id
            if province_names[position] is not None and province_ids[position] is None:
                message = f'ไม่พบจังหวัด "{province_names[position]}"'
                self.problem(rows, position, "province", message)
            if not rows.rejected[position] and code and name:
                # Later rows may name this agency as their parent.
                known = self.agencies.by_code.get(cells.key_text(code))
                ref = AgencyRef(known.id if known else None, code, name, kinds[position] or "")
                self.agencies.add(ref, abbreviations[position], names_en[position])
        rows.set("parent_id", parent_ids)
        rows.set("province_id", province_ids)

    def compare(self, rows: RowTable, positions: np.ndarray) -> None:
        codes = rows.key[positions].tolist()
        existing = {
            agency.code: agency
            for agency in self.session.scalars(select(Agency).where(Agency.code.in_(codes)))
        }
        self.stored = existing
        known, stored = [], {name: [] for name in FIELDS}
        parent_ids, parent_codes = rows.get("parent_id"), rows.flag("parent_code")
        for position in positions:
            agency = existing.get(rows.key[position])
            if agency is None:
                rows.outcome[position] = NEW
                continue
            rows.record_id[position] = agency.id
            known.append(position)
            for name in FIELDS:
                stored[name].append(getattr(agency, name))
            if parent_codes[position] is not None and parent_ids[position] is None:
                # The parent is new in this file: compare by code.
                stored["parent_id"][-1] = agency.parent.code if agency.parent else None
                parent_ids[position] = parent_codes[position]
        rows.set("parent_id", parent_ids)
        arrays = {name: objects(values) for name, values in stored.items()}
        self.diff(rows, np.asarray(known, dtype=np.int64), arrays, FIELDS)

    def write(self, rows: RowTable, positions: np.ndarray) -> None:
        by_code: dict[str, Agency] = {}
        values = {name: rows.get(name) for name in FIELDS if name != "parent_id"}
        parent_codes = rows.flag("parent_code")
        for position in positions:
            code = rows.key[position]
            agency = self.stored.get(code) or Agency(code=code)
            for name, column in values.items():
                value = column[position]
                if value is not None:
                    setattr(agency, name, value)
            parent_code = parent_codes[position]
            if parent_code is not None:
                agency.parent = by_code.get(parent_code) or self.session.scalar(
                    select(Agency).where(Agency.code == parent_code)
                )
            if agency.id is None:
                self.session.add(agency)
            by_code[code] = agency
        self.session.flush()

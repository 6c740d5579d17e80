"""Load the reference data a real installation starts from; safe to run again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import geothai
from sqlalchemy import select

from models import (
    Agency,
    AgencyKind,
    ExcellenceField,
    PlacementRound,
    PlacementStep,
    Province,
    Region,
    RoundStep,
    ScholarshipAllocation,
    ScholarshipProgramme,
    db,
)
from seed.letters import load_letter_defaults
from seed.regions import REGIONS

# (code, Thai name, abbreviation, English name, kind, parent code, province code)
ORGANISATIONS = (
    ("MOE", "กระทรวงศึกษาธิการ", "ศธ.", "Ministry of Education", AgencyKind.MINISTRY, None, "10"),
    (
        "OVEC",
        "สำนักงานคณะกรรมการการอาชีวศึกษา",
        "สอศ.",
        "Office of the Vocational Education Commission",
        AgencyKind.GOVERNMENT_OFFICE,
        "MOE",
        "10",
    ),
    (
        "BPCD",
        "สำนักพัฒนาสมรรถนะครูและบุคลากรอาชีวศึกษา",
        "สพค.",
        "Bureau of Vocational Teacher and Personnel Competency Development",
        AgencyKind.BUREAU,
        "OVEC",
        "10",
    ),
    (
        "BVEPP",
        "สำนักนโยบายและแผนการอาชีวศึกษา",
        None,
        "Bureau of Vocational Education Policy and Planning",
        AgencyKind.BUREAU,
        "OVEC",
        "10",
    ),
    (
        "VEPPC",
        "คณะอนุกรรมการร่วมภาครัฐและเอกชนเพื่อพัฒนากำลังคนอาชีวศึกษา",
        "อ.กรอ.อศ.",
        "Joint public-private sub-committee for vocational manpower",
        AgencyKind.COMMITTEE,
        "OVEC",
        "10",
    ),
    (
        "C5201",
        "วิทยาลัยสารพัดช่างลำปาง",
        None,
        "Lampang Polytechnic College",
        AgencyKind.COLLEGE,
        "OVEC",
        "52",
    ),
    (
        "TPQI",
        "สถาบันคุณวุฒิวิชาชีพ (องค์การมหาชน)",
        "สคช.",
        "Thailand Professional Qualification Institute",
        AgencyKind.PUBLIC_ORGANISATION,
        None,
        "10",
    ),
    (
        "BMA",
        "กรุงเทพมหานคร",
        "กทม.",
        "Bangkok Metropolitan Administration",
        AgencyKind.LOCAL_GOVERNMENT,
        None,
        "10",
    ),
    (
        "UNICEF",
        "องค์การทุนเพื่อเด็กแห่งสหประชาชาติ",
        "UNICEF",
        "UNICEF",
        AgencyKind.INTERNATIONAL,
        None,
        "10",
    ),
    (
        "OEC",
        "สำนักงานเลขาธิการสภาการศึกษา",
        "สกศ.",
        "Office of the Education Council",
        AgencyKind.GOVERNMENT_OFFICE,
        "MOE",
        "10",
    ),
    (
        "EEF",
        "กองทุนเพื่อความเสมอภาคทางการศึกษา",
        "กสศ.",
        "Equitable Education Fund",
        AgencyKind.FUND,
        None,
        "10",
    ),
    (
        "MHESI",
        "กระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม",
        "อว.",
        "Ministry of Higher Education, Science, Research and Innovation",
        AgencyKind.MINISTRY,
        None,
        "10",
    ),
)

# (code, Thai name, English name) — OVEC's excellence fields (assumed set, editable in the admin)
EXCELLENCE_FIELDS = (
    ("EF-AUTO", "ยานยนต์สมัยใหม่", "Next-generation automotive"),
    ("EF-ROBOT", "หุ่นยนต์และระบบอัตโนมัติ", "Robotics and automation"),
    ("EF-DIGI", "ดิจิทัล", "Digital"),
    ("EF-ELEC", "อิเล็กทรอนิกส์อัจฉริยะ", "Smart electronics"),
    (
        "EF-TOUR",
        "การท่องเที่ยวกลุ่มรายได้ดีและการท่องเที่ยวเชิงสุขภาพ",
        "Affluent, medical and wellness tourism",
    ),
    ("EF-FOOD", "การแปรรูปอาหารเพื่ออนาคต", "Food for the future"),
    ("EF-LOGI", "โลจิสติกส์", "Logistics"),
    ("EF-AVIA", "การบิน", "Aviation"),
)

# The FY2568 round: letter ศธ ๐๖๐๕/๑๕๓๐ of 24 Jan 2568. Dates are CE.
ROUND_2568 = {
    "fiscal_year": 2568,
    "title": "โครงการพัฒนาครูอาชีวศึกษาด้วยการฝึกประสบการณ์ในสถานประกอบการ ปีงบประมาณ 2568",
    "letter_ref": "ศธ ๐๖๐๕/๑๕๓๐ ลงวันที่ 24 มกราคม 2568",
    "application_deadline": dt.date(2025, 2, 27),
    "budget": Decimal("3000000.00"),
}
ROUND_2568_STEPS = (
    (PlacementStep.APPLIED, "ส่งแผนพัฒนารายบุคคลผ่านแบบฟอร์มออนไลน์", (2025, 1, 24), (2025, 2, 27)),
    (PlacementStep.ELIGIBLE, "ประกาศรายชื่อครูผู้มีคุณสมบัติ", (2025, 3, 1), (2025, 3, 15)),
    (PlacementStep.ORIENTED, "ปฐมนิเทศออนไลน์", (2025, 3, 16), (2025, 3, 31)),
    (None, "จัดสรรงบประมาณ", (2025, 3, 1), (2025, 4, 30)),
    (
        PlacementStep.IN_PLACEMENT,
        "ฝึกประสบการณ์ในสถานประกอบการ (บันทึกการฝึก)",
        (2025, 3, 1),
        (2025, 5, 31),
    ),
    (PlacementStep.TESTED, "ทดสอบสมรรถนะตามมาตรฐานอาชีพ", (2025, 3, 1), (2025, 6, 30)),
    (None, "ส่งคลิปวีดิทัศน์ไม่เกิน 5 นาที", (2025, 3, 1), (2025, 5, 31)),
    (PlacementStep.COLLEGE_REPORT, "สถานศึกษารายงานผลและส่งสมุดบันทึก", (2025, 6, 1), (2025, 6, 30)),
    (PlacementStep.LESSONS_LEARNED, "เวทีถอดบทเรียน", (2025, 7, 1), (2025, 9, 30)),
    (PlacementStep.POST_REPORT, "ครูรายงานผลหลังการพัฒนา", (2025, 11, 1), (2025, 12, 31)),
)

# (code, Thai name as the records use it, English name, level, years, target group, AY2566 quota)
PROGRAMMES = (
    (
        "SCH-PKS",
        "ทุนพระกนิษฐาสัมมาชีพ",
        "Phra Kanittha Sammachip Scholarship",
        "ผู้สำเร็จ ปวช./ปวส.",
        2,
        "ผู้สำเร็จการศึกษาระดับ ปวช./ปวส. ที่มีศักยภาพเต็มขั้น",
        None,
    ),
    (
        "SCH-HVI",
        "ทุนนวัตกรรมสายอาชีพชั้นสูง",
        "High Vocational Innovation Scholarship",
        "ปวส. 2 ปี, ปวช.-ปวส. 5 ปี",
        2,
        "นักศึกษาในสถานศึกษาทั่วไป",
        1265,
    ),
    (
        "SCH-HVI-IC",
        "ทุนนวัตกรรมสายอาชีพชั้นสูง สำหรับสถานศึกษานวัตกรรม",
        "High Vocational Innovation Scholarship (innovative colleges)",
        "ปวส. 2 ปี, ปวช.-ปวส. 5 ปี",
        2,
        "นักศึกษาในสถานศึกษานวัตกรรม",
        275,
    ),
    (
        "SCH-HVI-SN",
        "ทุนนวัตกรรมสายอาชีพชั้นสูงสำหรับผู้มีความต้องการจำเป็นพิเศษ",
        "High Vocational Innovation Scholarship (students with special needs)",
        "ปวส. 2 ปี, ปวช.-ปวส. 5 ปี",
        2,
        "ผู้มีความต้องการจำเป็นพิเศษ",
        140,
    ),
)


def get_or_create(model: type, key: dict[str, Any], **values: Any) -> tuple[Any, bool]:
    """Find a row by its natural key or add it; existing rows keep what staff changed."""
    query = select(model).filter_by(**key)
    row = db.session.scalar(query)
    if row is not None:
        return row, False
    row = model(**key, **values)
    db.session.add(row)
    db.session.flush()
    return row, True


def load_regions_and_provinces() -> dict[str, Province]:
    """Load the 6 regions and the 77 provinces (names and codes from geothai)."""
    region_of: dict[str, Region] = {}
    for code, name_th, name_en, provinces in REGIONS:
        region, _ = get_or_create(Region, {"code": code}, name_th=name_th, name_en=name_en)
        for province_code in provinces:
            region_of[province_code] = region
    by_code: dict[str, Province] = {}
    for item in geothai.provinces():
        province, _ = get_or_create(
            Province,
            {"code": item.code},
            name_th=item.name_th,
            name_en=item.name_en,
            region=region_of[item.code],
        )
        by_code[item.code] = province
    return by_code


def load_organisations(provinces: dict[str, Province]) -> dict[str, Agency]:
    """Load the well-known organisations under their fixed codes."""
    agencies: dict[str, Agency] = {}
    for code, name_th, abbr, name_en, kind, parent, province in ORGANISATIONS:
        agency, _ = get_or_create(
            Agency,
            {"code": code},
            name_th=name_th,
            abbreviation=abbr,
            name_en=name_en,
            kind=kind.value,
            parent=agencies.get(parent) if parent else None,
            province=provinces[province],
        )
        agencies[code] = agency
    return agencies


def load_excellence_fields() -> None:
    for code, name_th, name_en in EXCELLENCE_FIELDS:
        get_or_create(ExcellenceField, {"code": code}, name_th=name_th, name_en=name_en)


def load_round_2568() -> PlacementRound:
    values = dict(ROUND_2568)
    fiscal_year = values.pop("fiscal_year")
    placement_round, created = get_or_create(PlacementRound, {"fiscal_year": fiscal_year}, **values)
    if created:
        for position, (step, title, starts, ends) in enumerate(ROUND_2568_STEPS, start=1):
            placement_round.steps.append(
                RoundStep(
                    position=position,
                    step=step.value if step else None,
                    title=title,
                    starts_on=dt.date(*starts),
                    ends_on=dt.date(*ends),
                )
            )
    return placement_round


def load_programmes(agencies: dict[str, Agency]) -> None:
    for code, name_th, name_en, level, years, target, quota in PROGRAMMES:
        programme, created = get_or_create(
            ScholarshipProgramme,
            {"code": code},
            name_th=name_th,
            name_en=name_en,
            funder=agencies["EEF"],
            level=level,
            duration_years=years,
            target_group=target,
        )
        if created and quota is not None:
            programme.allocations.append(ScholarshipAllocation(academic_year=2566, quota=quota))


def load_reference_data() -> None:
    """Load everything a real installation starts from, in one transaction."""
    provinces = load_regions_and_provinces()
    agencies = load_organisations(provinces)
    load_excellence_fields()
    load_round_2568()
    load_programmes(agencies)
    # The office's own particulars and the wording of its letters (staff edit both).
    load_letter_defaults(db.session)
    db.session.commit()

"""A generated demonstration on top of the reference data: deterministic and safe to run twice.

Every value comes from one ``random.Random(2568)`` drawn in a fixed order that never depends
on what the database holds, so each run produces the same records; rows are then looked up
by their natural keys and only the missing ones are added. The only thing read from the clock
is today's date, for the end dates of the college–establishment MOUs, so that the register
shows active, expiring and expired agreements whenever the demo is loaded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import string
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from models import (
    PLACEMENT_PROGRESS,
    Agency,
    AgencyContact,
    AgencyKind,
    AwardStatus,
    CollegeFieldGroup,
    CompetencyUnit,
    Coverage,
    Curriculum,
    CurriculumUnit,
    ExamResult,
    ExcellenceField,
    ExcellenceGroup,
    IdentifierType,
    Mou,
    MouParty,
    MouStatus,
    Occupation,
    Placement,
    PlacementRound,
    PlacementStep,
    Province,
    Qualification,
    RoundStep,
    ScholarshipAllocation,
    ScholarshipAward,
    ScholarshipProgramme,
    Sector,
    Student,
    StudentLevel,
    SupervisionVisit,
    Teacher,
    TeacherCertificate,
    TeacherUnit,
    Training,
    TrainingAttendance,
    UnitElement,
    UnitSource,
    db,
)
from processes import calendar, placement_flow
from seed import demo_names as words
from seed.awards import add_award_events
from seed.reference import get_or_create
from seed.regions import REGIONS
from thai.dates import bangkok_now, be_year, ce_year
from thai.nid import make_national_id

SEED = 2568
COORDINATOR_ROLE = "การฝึกประสบการณ์ครูในสถานประกอบการ"
TEACHERS = 400
STEP = PlacementStep

REGION_OF = {province: region for region, _, _, provinces in REGIONS for province in provinces}

# FY2568 placements per step (150) and FY2567 ones (40, mostly finished).
STEPS_2568 = {
    STEP.APPLIED: 10,
    STEP.ELIGIBLE: 8,
    STEP.NOT_ELIGIBLE: 8,
    STEP.ORIENTED: 8,
    STEP.IN_PLACEMENT: 14,
    STEP.TESTED: 24,
    STEP.COLLEGE_REPORT: 14,
    STEP.LESSONS_LEARNED: 16,
    STEP.POST_REPORT: 34,
    STEP.WITHDRAWN: 7,
    STEP.REJECTED: 7,
}
STEPS_2567 = {
    STEP.POST_REPORT: 32,
    STEP.COLLEGE_REPORT: 2,
    STEP.TESTED: 1,
    STEP.NOT_ELIGIBLE: 2,
    STEP.WITHDRAWN: 2,
    STEP.REJECTED: 1,
}

ROUND_2567 = {
    "title": "โครงการพัฒนาครูอาชีวศึกษาด้วยการฝึกประสบการณ์ในสถานประกอบการ ปีงบประมาณ 2567",
    "letter_ref": "ศธ ๐๖๐๕/๑๒๔๗ ลงวันที่ 26 มกราคม 2567 (ตัวอย่าง)",
    "application_deadline": dt.date(2024, 2, 28),
    "budget": Decimal("1500000.00"),
}
ROUND_2567_STEPS = (
    (STEP.APPLIED, "ส่งแผนพัฒนารายบุคคล", dt.date(2024, 1, 26), dt.date(2024, 2, 28)),
    (STEP.ELIGIBLE, "ประกาศรายชื่อครูผู้มีคุณสมบัติ", dt.date(2024, 3, 1), dt.date(2024, 3, 8)),
    (STEP.IN_PLACEMENT, "ฝึกประสบการณ์ในสถานประกอบการ", dt.date(2024, 3, 11), dt.date(2024, 5, 31)),
    (STEP.TESTED, "ทดสอบสมรรถนะ", dt.date(2024, 4, 1), dt.date(2024, 6, 15)),
    (STEP.COLLEGE_REPORT, "สถานศึกษารายงานผล", dt.date(2024, 6, 1), dt.date(2024, 6, 30)),
    (STEP.POST_REPORT, "ครูรายงานผลหลังการพัฒนา", dt.date(2024, 8, 1), dt.date(2024, 9, 30)),
)

# (fiscal year, opening of applications, deadline, steps, late applications)
ROUNDS = (
    (2567, dt.date(2024, 1, 26), dt.date(2024, 2, 28), STEPS_2567, 2),
    (2568, dt.date(2025, 1, 24), dt.date(2025, 2, 27), STEPS_2568, 10),
)

VISIT_NOTES = (
    "ครูปฏิบัติงานตามแผนพัฒนา บันทึกการฝึกครบถ้วน",
    "สถานประกอบการให้ความร่วมมือดี มีพี่เลี้ยงดูแลใกล้ชิด",
    "แนะนำให้เพิ่มรายละเอียดผลการฝึกในสมุดบันทึก",
    "ครูได้ฝึกกับเครื่องมือจริงในสายการผลิต",
)
NOT_ELIGIBLE_NOTES = (
    "ไม่ได้แนบแผนพัฒนาที่ผู้อำนวยการลงนาม",
    "สถานประกอบการยังไม่มีความร่วมมือกับสถานศึกษา",
    "สมรรถนะที่จะฝึกไม่ตรงกับสาขาที่สอน",
)
WITHDRAWN_NOTES = (
    "ขอถอนตัวเนื่องจากติดภารกิจของสถานศึกษา",
    "ขอถอนตัวด้วยเหตุผลด้านสุขภาพ",
    "สถานประกอบการไม่สามารถรับครูในช่วงเวลาดังกล่าว",
)
COORDINATOR_POSITIONS = ("รองผู้อำนวยการฝ่ายวิชาการ", "หัวหน้างานความร่วมมือ", "ครู")
NO_COOPERATION = NOT_ELIGIBLE_NOTES[1]
EXCEPTION_REASONS = (
    "สถานประกอบการร่วมจัดการอาชีวศึกษาระบบทวิภาคีกับสถานศึกษา อยู่ระหว่างจัดทำบันทึกข้อตกลง",
    "สถานประกอบการร่วมพัฒนาหลักสูตรฐานสมรรถนะกับสถานศึกษาตั้งแต่ปีการศึกษา 2566",
    "ศูนย์ฝึกของสถานประกอบการร่วมพัฒนาครูกับเครือข่ายสถานศึกษาในจังหวัด",
)
# The demo's staff (seed.cli's demo users) who move placements along.
STAFF = ("editor@samatta.local", "editor@samatta.local", "admin@samatta.local")
# How a placement stands to the MOU rule.
COVERED, NO_MOU, EXCEPTED = "covered", "no_mou", "excepted"


@dataclass(frozen=True)
class Person:
    prefix: str
    first: str
    last: str
    first_roman: str
    last_roman: str

    @property
    def full_name(self) -> str:
        return f"{self.prefix}{self.first} {self.last}"


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _token(rng: random.Random, length: int) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits + "-_", k=length))


def _keys(query: Any) -> set[tuple]:
    """Return the natural keys a query selects, as tuples."""
    return {tuple(row) for row in db.session.execute(query)}


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@dataclass
class History:
    """The moves that bring a demo placement to its step: (step, when, by whom, note)."""

    applied_at: dt.datetime
    by: str
    moves: list[tuple[PlacementStep, dt.datetime, str, str | None]] = dataclasses.field(
        default_factory=list
    )
    test_result: str | None = None
    tested_on: dt.date | None = None


@dataclass(frozen=True)
class TeacherInfo:
    """What the generator decided about a teacher (the record may since have changed)."""

    college: str
    department: str
    person: Person
    email: str


class _Demo:
    """Holds the generator and what exists, section by section."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - demonstration data, not secrets
        self.today = bangkok_now().date()
        self.provinces = {p.code: p for p in db.session.scalars(select(Province))}
        self.agencies = {a.code: a for a in db.session.scalars(select(Agency))}
        self.agency_names = {a.name_th: a for a in self.agencies.values()}
        self.fields = {f.code: f for f in db.session.scalars(select(ExcellenceField))}
        self.used_ids: set[str] = set()
        self.used_emails: set[str] = set()

    # ------------------------------------------------------------------ small generators

    def mobile(self) -> str:
        head = self.rng.choice(("06", "08", "08", "09"))
        second = self.rng.choice("123456" if head == "06" else "123456789")
        return head + second + "".join(self.rng.choices(string.digits, k=7))

    def landline(self, province: str) -> str:
        area = words.AREA_CODES.get(province, "2")
        return "0" + area + "".join(self.rng.choices(string.digits, k=9 - 1 - len(area)))

    def person(self, female: bool | None = None, *, teacher: bool = False) -> Person:
        rng = self.rng
        if female is None:
            female = rng.random() < 0.5
        if teacher and female:
            prefix = rng.choices(("นาง", "นางสาว", "ดร."), (45, 47, 8))[0]
        elif teacher:
            prefix = rng.choices(("นาย", "ว่าที่ร้อยตรี", "ดร."), (80, 13, 7))[0]
        else:
            prefix = "นางสาว" if female else "นาย"
        first, first_roman = rng.choice(words.FEMALE_NAMES if female else words.MALE_NAMES)
        surnames = words.NOBLE_SURNAMES if rng.random() < 0.015 else words.SURNAMES
        last, last_roman = rng.choice(surnames)
        return Person(prefix, first, last, first_roman, last_roman)

    def email(self, person: Person, domain: str | None) -> str:
        if domain:
            local = f"{person.first_roman}.{person.last_roman}"
        else:
            local = f"{person.first_roman}.{person.last_roman[:3]}{self.rng.randint(10, 99)}"
            domain = "gmail.com"
        address, n = f"{local}@{domain}", 1
        while address in self.used_emails:
            n += 1
            address = f"{local}{n}@{domain}"
        self.used_emails.add(address)
        return address

    def national_id(self, born: int, province: str) -> str:
        """Return a valid, unused ID: 3 for people registered before 1984, else 1."""
        first = "3" if born < 1984 else "1"
        while True:
            digits = (
                first
                + province
                + f"{self.rng.randint(1, 18):02d}"
                + "".join(self.rng.choices(string.digits, k=7))
            )
            nid = make_national_id(digits)
            if nid not in self.used_ids:
                self.used_ids.add(nid)
                return nid

    # ------------------------------------------------------------------ agencies

    def agency(self, code: str, name: str, kind: AgencyKind, **values: Any) -> Agency:
        """Return the agency with this code (or this name), adding it when missing."""
        found = self.agencies.get(code) or self.agency_names.get(name)
        if found is None:
            found = Agency(code=code, name_th=name, kind=kind.value, **values)
            db.session.add(found)
            self.agency_names[name] = found
        self.agencies[code] = found
        return found

    def load_agencies(self) -> None:
        ovec, bma, moe = self.agencies["OVEC"], self.agencies["BMA"], self.agencies["MOE"]
        self.colleges: list[str] = []
        self.college_domain: dict[str, str] = {}
        self.college_province: dict[str, str] = {}
        for code, name, province, domain in words.COLLEGES:
            abbreviation = next(
                (
                    short + name[len(long) :]
                    for long, short in words.COLLEGE_ABBREVIATIONS
                    if name.startswith(long)
                ),
                None,
            )
            self.agency(
                code,
                name,
                AgencyKind.COLLEGE,
                abbreviation=abbreviation,
                parent=ovec,
                province=self.provinces[province],
                phone=self.landline(province),
                email=f"saraban@{domain}",
                website=f"https://www.{domain}",
            )
            self.colleges.append(code)
            self.college_domain[code] = domain
            self.college_province[code] = province
        for code, name in words.TRAINING_SCHOOLS:
            self.agency(
                code,
                name,
                AgencyKind.TRAINING_SCHOOL,
                parent=bma,
                province=self.provinces["10"],
                phone=self.landline("10"),
            )
        for province in words.PROVINCIAL_OFFICES:
            place = self.provinces[province].name_th
            office = self.agency(
                f"PEO-{province}",
                f"สำนักงานศึกษาธิการจังหวัด{place}",
                AgencyKind.PROVINCIAL_OFFICE,
                abbreviation=f"ศธจ.{place}",
                parent=moe,
                province=self.provinces[province],
                phone=self.landline(province),
            )
            self.agency(
                f"CBC-{province}",
                f"ศูนย์ธนาคารหน่วยกิตระดับจังหวัด{place}",
                AgencyKind.CREDIT_BANK_CENTRE,
                parent=office,
                province=self.provinces[province],
            )
        self.establishments: list[str] = []
        self.establishment_province: dict[str, str] = {}
        for code, name, province, domain in words.ESTABLISHMENTS:
            self.agency(
                code,
                name,
                AgencyKind.ESTABLISHMENT,
                province=self.provinces[province],
                phone=self.landline(province),
                email=f"hr@{domain}",
                website=f"https://www.{domain}",
            )
            self.establishments.append(code)
            self.establishment_province[code] = province
        self.load_coordinators()

    def load_coordinators(self) -> None:
        """One coordinator of teacher placements per college."""
        have = set(
            db.session.scalars(
                select(Agency.code)
                .join(AgencyContact, AgencyContact.agency_id == Agency.id)
                .where(AgencyContact.coordinator_for == COORDINATOR_ROLE)
            )
        )
        self.coordinators: dict[str, str] = {}
        for code in self.colleges:
            who = self.person(teacher=True)
            self.coordinators[code] = who.full_name
            contact = AgencyContact(
                name=who.full_name,
                position=self.rng.choice(COORDINATOR_POSITIONS),
                phone=self.mobile(),
                email=self.email(who, self.college_domain[code]),
                coordinator_for=COORDINATOR_ROLE,
            )
            if code not in have:
                contact.agency = self.agencies[code]
                db.session.add(contact)

    # ------------------------------------------------------------------ MOUs

    def end_date(self, status: str, signed: dt.date) -> dt.date | None:
        """Draw an end date that gives the MOU this status as seen today."""
        days = {
            MouStatus.ACTIVE: self.rng.randint(150, 1400),
            MouStatus.EXPIRING: self.rng.randint(7, 80),
            MouStatus.EXPIRED: -self.rng.randint(20, 600),
        }.get(status)
        if days is None:
            return None
        return max(self.today + dt.timedelta(days=days), signed)

    def mou(
        self,
        ref_no: str,
        title: str,
        signed: dt.date,
        expires: dt.date | None,
        scope: str,
        parties: list[str],
        status: str | None = None,
    ) -> None:
        # What placements may lean on, as drawn (the same on every run, whatever is stored).
        codes = list(dict.fromkeys(parties))
        for college in codes:
            for host in codes:
                if host != college:
                    self.mou_pairs.setdefault(college, set()).add(host)
                    if status != MouStatus.EXPIRED:
                        self.covering.setdefault(college, []).append((host, signed, expires))
        if ref_no in self.mous:
            return
        mou = Mou(ref_no=ref_no, title=title, signed_on=signed, expires_on=expires, scope=scope)
        mou.parties = [MouParty(agency=self.agencies[code]) for code in dict.fromkeys(parties)]
        db.session.add(mou)
        self.mous[ref_no] = mou

    def load_mous(self) -> None:
        rng = self.rng
        self.mous = {m.ref_no: m for m in db.session.scalars(select(Mou))}
        # college -> every agency it shares an MOU with; college -> (host, signed, expires)
        # of the MOUs not drawn as expired, which placements are hosted under.
        self.mou_pairs: dict[str, set[str]] = {}
        self.covering: dict[str, list[tuple[str, dt.date, dt.date | None]]] = {}
        self.placement_mous = 300
        self.mou(
            "MOU-2565-014",
            "ความร่วมมือ E-Workforce Ecosystem Platform (EWE)",
            dt.date(2022, 9, 14),
            None,
            "เชื่อมโยงหลักสูตรโรงเรียนฝึกอาชีพกับมาตรฐานอาชีพ และ Digital Competency Bank",
            ["BMA", "TPQI"],
        )
        self.mou(
            "MOU-2566-003",
            "ความร่วมมือการพัฒนาและรับรองสมรรถนะครูอาชีวศึกษาตามมาตรฐานอาชีพ",
            dt.date(2023, 3, 20),
            dt.date(2028, 3, 19),
            "การทดสอบและรับรองสมรรถนะครูและผู้เรียนอาชีวศึกษาตามมาตรฐานอาชีพ",
            ["OVEC", "TPQI"],
        )
        self.mou(
            "MOU-2565-021",
            "ความร่วมมือโครงการทุนนวัตกรรมสายอาชีพชั้นสูง",
            dt.date(2022, 5, 9),
            dt.date(2027, 5, 8),
            "การจัดสรรทุนและติดตามผู้รับทุนนวัตกรรมสายอาชีพชั้นสูง",
            ["OVEC", "EEF"],
        )
        # College–establishment MOUs: a mix of statuses as seen today.
        statuses = (
            [MouStatus.ACTIVE] * 22
            + [MouStatus.EXPIRING] * 6
            + [MouStatus.EXPIRED] * 8
            + [MouStatus.OPEN_ENDED] * 4
        )
        rng.shuffle(statuses)
        signers = [c for c in self.colleges if c not in words.COLLEGES_WITHOUT_MOU]
        signers += rng.sample(signers, len(statuses) - len(signers))
        self.mou_partners: dict[str, list[str]] = {}
        for number, (college, status) in enumerate(zip(signers, statuses, strict=True), 101):
            partners = self.mou_partners.setdefault(college, [])
            host = self.pick_establishment(self.college_province[college], exclude=partners)
            partners.append(host)
            if status == MouStatus.EXPIRED:
                signed = _between(rng, dt.date(2019, 1, 1), dt.date(2021, 12, 31))
            else:
                signed = _between(rng, dt.date(2021, 1, 1), dt.date(2024, 12, 31))
            scopes = rng.sample(words.MOU_SCOPES, 2)
            self.mou(
                f"MOU-{be_year(signed.year)}-{number}",
                f"ความร่วมมือการพัฒนากำลังคนอาชีวศึกษา ระหว่าง"
                f"{self.agencies[college].name_th}กับ{self.agencies[host].name_th}",
                signed,
                self.end_date(status, signed),
                " และ".join(scopes),
                [college, host],
                status,
            )
        # Provincial credit-bank centres with local partners.
        centre_statuses = (
            MouStatus.ACTIVE,
            MouStatus.OPEN_ENDED,
            MouStatus.EXPIRING,
            MouStatus.ACTIVE,
            MouStatus.EXPIRED,
        )
        for number, (province, status) in enumerate(
            zip(words.PROVINCIAL_OFFICES, centre_statuses, strict=False), 201
        ):
            college = next(c for c in self.colleges if self.college_province[c] == province)
            host = self.pick_establishment(province, exclude=[])
            signed = _between(rng, dt.date(2022, 6, 1), dt.date(2024, 6, 30))
            place = self.provinces[province].name_th
            self.mou(
                f"MOU-{be_year(signed.year)}-{number}",
                f"ความร่วมมือการเทียบโอนผลการเรียนรู้ด้วยระบบธนาคารหน่วยกิต จังหวัด{place}",
                signed,
                self.end_date(status, signed),
                "การสะสมและเทียบโอนหน่วยกิตจากการศึกษา การฝึกอบรม และประสบการณ์การทำงาน",
                [f"CBC-{province}", college, host],
                status,
            )

    def pick_establishment(self, province: str, exclude: list[str]) -> str:
        """An establishment in the province, else the region, else anywhere."""
        choices = [e for e in self.establishments if e not in exclude]
        same = [e for e in choices if self.establishment_province[e] == province]
        region = [
            e for e in choices if REGION_OF[self.establishment_province[e]] == REGION_OF[province]
        ]
        if same and self.rng.random() < 0.6:
            return self.rng.choice(same)
        return self.rng.choice(region or choices)

    # ------------------------------------------------------------------ standards

    def load_standards(self) -> None:
        self.units = {u.code: u for u in db.session.scalars(select(CompetencyUnit))}
        for code, title in words.UNITS.items():
            if code in self.units:
                continue
            unit = CompetencyUnit(code=code, title=title)
            for number, (element, criteria) in enumerate(words.ELEMENTS.get(code, ()), 1):
                unit.elements.append(
                    UnitElement(
                        code=f"{code}.{number:02d}", title=element, performance_criteria=criteria
                    )
                )
            db.session.add(unit)
            self.units[code] = unit
        self.qualifications = {q.code: q for q in db.session.scalars(select(Qualification))}
        self.qualification_units: dict[str, tuple[str, ...]] = {}
        for (sector_th, sector_en), occupations in words.STANDARDS:
            sector, _ = get_or_create(Sector, {"name_th": sector_th}, name_en=sector_en)
            for occupation_th, qualifications in occupations:
                occupation, _ = get_or_create(
                    Occupation, {"sector_id": sector.id, "name_th": occupation_th}
                )
                for code, level, title, unit_codes in qualifications:
                    self.qualification_units[code] = unit_codes
                    if code in self.qualifications:
                        continue
                    self.qualifications[code] = Qualification(
                        code=code,
                        title=title,
                        level=level,
                        occupation=occupation,
                        units=[self.units[u] for u in unit_codes],
                    )
                    db.session.add(self.qualifications[code])
        self.department_units = {
            name: list(dict.fromkeys(u for q in quals for u in self.qualification_units[q]))
            for name, _, quals, *_ in words.DEPARTMENTS
        }

    # ------------------------------------------------------------------ excellence fields

    def load_field_groups(self) -> None:
        rng = self.rng
        have = _keys(
            select(ExcellenceField.code, Agency.code)
            .join(CollegeFieldGroup, CollegeFieldGroup.field_id == ExcellenceField.id)
            .join(Agency, Agency.id == CollegeFieldGroup.college_id)
        )
        tiers = (
            ExcellenceGroup.EXCELLENCE_CENTER,
            ExcellenceGroup.EXPERT,
            ExcellenceGroup.STANDARD,
        )
        self.field_colleges: dict[str, list[str]] = {}
        for field_code, hub in words.FIELD_HUBS.items():
            field = self.fields[field_code]
            if field.hub_college is None:
                field.hub_college = self.agencies[hub]
            others = rng.sample([c for c in self.colleges if c != hub], rng.randint(5, 14))
            members = [(hub, ExcellenceGroup.EXCELLENCE_CENTER)] + [
                (c, rng.choices(tiers, (1, 3, 5))[0]) for c in others
            ]
            self.field_colleges[field_code] = [c for c, _ in members]
            for college, tier in members:
                if (field_code, college) not in have:
                    field.college_groups.append(
                        CollegeFieldGroup(college=self.agencies[college], tier=tier.value)
                    )

    # ------------------------------------------------------------------ curricula

    def load_curricula(self) -> None:
        rng = self.rng
        self.curricula = {c.code: c for c in db.session.scalars(select(Curriculum))}
        for (
            code,
            title,
            owner,
            kind,
            level_group,
            field,
            excellence,
            hours,
            credits,
            edition,
            qualification,
        ) in words.CURRICULA:
            coverage: list[tuple[str, str]] = []
            if qualification:
                units = list(self.qualification_units[qualification])
                uncovered = set(rng.sample(units, min(rng.randint(1, 2), len(units) - 1)))
                coverage = [
                    (u, Coverage.FULL if rng.random() < 0.7 else Coverage.PARTIAL)
                    for u in units
                    if u not in uncovered
                ]
            if code in self.curricula:
                continue
            curriculum = Curriculum(
                code=code,
                title=title,
                owner=self.agencies[owner],
                kind=kind,
                level_group=level_group,
                field=field,
                excellence_field=self.fields[excellence] if excellence else None,
                hours=hours,
                credits=credits,
                edition_year=edition,
            )
            curriculum.alignments = [
                CurriculumUnit(
                    unit=self.units[u],
                    coverage=c.value,
                    notes="ครอบคลุมบางสมรรถนะย่อย" if c == Coverage.PARTIAL else None,
                )
                for u, c in coverage
            ]
            db.session.add(curriculum)
            self.curricula[code] = curriculum

    # ------------------------------------------------------------------ teachers

    def department_for(self, college_name: str) -> str:
        if college_name.startswith("วิทยาลัยเทคนิค"):
            column = 3
        elif college_name.startswith("วิทยาลัยอาชีวศึกษา"):
            column = 4
        else:
            column = 5
        weights = [d[column] for d in words.DEPARTMENTS]
        return self.rng.choices([d[0] for d in words.DEPARTMENTS], weights)[0]

    def load_teachers(self) -> None:
        rng = self.rng
        existing = {t.national_id: t for t in db.session.scalars(select(Teacher))}
        weights = [
            3 if code in ("C5201", "C5001", "C1301", "C1001", "C3001") else 2
            for code in self.colleges
        ]
        self.teachers: list[Teacher] = []
        self.active: list[Teacher] = []
        self.info: dict[str, TeacherInfo] = {}
        for _ in range(TEACHERS):
            college = rng.choices(self.colleges, weights)[0]
            department = self.department_for(self.agencies[college].name_th)
            born = _between(rng, dt.date(1965, 1, 1), dt.date(1998, 12, 31))
            who = self.person(teacher=True)
            position, standing = self.position(born.year)
            nid = self.national_id(born.year, self.college_province[college])
            domain = self.college_domain[college] if rng.random() < 0.5 else None
            info = TeacherInfo(college, department, who, self.email(who, domain))
            active = rng.random() >= 0.03
            teacher = existing.get(nid)
            if teacher is None:
                teacher = Teacher(
                    national_id=nid,
                    prefix=who.prefix,
                    first_name=who.first,
                    last_name=who.last,
                    college=self.agencies[college],
                    department=department,
                    position=position,
                    academic_standing=standing,
                    birth_date=born,
                    email=info.email,
                    phone=self.mobile(),
                    is_active=active,
                )
                db.session.add(teacher)
            else:
                self.mobile()  # keep the draws in step with the first run
            self.teachers.append(teacher)
            if active:
                self.active.append(teacher)
            self.info[nid] = info

    def position(self, born: int) -> tuple[str, str | None]:
        """Return a position and academic standing plausible for the birth year."""
        rng = self.rng
        if born >= 1993 and rng.random() < 0.6:
            return "ครูผู้ช่วย", None
        if born <= 1975:
            options = (("ชำนาญการพิเศษ", 50), ("เชี่ยวชาญ", 20), ("ชำนาญการ", 25), (None, 5))
        elif born <= 1985:
            options = (("ชำนาญการ", 50), ("ชำนาญการพิเศษ", 30), (None, 20))
        else:
            options = (("ชำนาญการ", 45), (None, 55))
        return "ครู", rng.choices([o[0] for o in options], [o[1] for o in options])[0]

    def load_competencies(self, from_placements: dict[tuple[str, str], tuple]) -> None:
        """Units in each teacher's competency bank, and qualification certificates.

        from_placements names the (teacher, unit) pairs passed tests earned: the competency
        bank (processes.bank) wrote those when the test was recorded.
        """
        rng = self.rng
        have = _keys(
            select(Teacher.national_id, CompetencyUnit.code)
            .join(TeacherUnit, TeacherUnit.teacher_id == Teacher.id)
            .join(CompetencyUnit, CompetencyUnit.id == TeacherUnit.unit_id)
        )
        planned: dict[tuple[str, str], tuple] = {}
        sources = (
            (UnitSource.TEST, 35, "หนังสือรับรองสมรรถนะ สคช."),
            (UnitSource.TRAINING, 20, "ผ่านการฝึกอบรมและประเมินตามมาตรฐานอาชีพ"),
            (UnitSource.RECOGNITION, 15, "เทียบโอนประสบการณ์การทำงาน"),
            (UnitSource.CURRICULUM, 10, "สำเร็จหลักสูตรที่เทียบเคียงมาตรฐานอาชีพ"),
            (UnitSource.PLACEMENT, 20, "ฝึกประสบการณ์ในสถานประกอบการ"),
        )
        for teacher in self.teachers:
            if rng.random() >= 0.25:  # placements add more, so about 40% hold units
                continue
            nid = teacher.national_id
            pool = self.department_units[self.info[nid].department]
            for unit in rng.sample(pool, min(len(pool), rng.randint(1, 4))):
                achieved = _between(rng, dt.date(2023, 1, 1), dt.date(2025, 12, 31))
                source, _, evidence = rng.choices(sources, [s[1] for s in sources])[0]
                if (nid, unit) not in from_placements:
                    planned.setdefault((nid, unit), (achieved, source, evidence))
        by_nid = {t.national_id: t for t in self.teachers}
        for (nid, unit), (achieved, source, evidence) in planned.items():
            if (nid, unit) not in have:
                db.session.add(
                    TeacherUnit(
                        teacher=by_nid[nid],
                        unit=self.units[unit],
                        achieved_on=achieved,
                        source=source.value,
                        evidence=evidence,
                    )
                )
        have_certificates = set(db.session.scalars(select(TeacherCertificate.certificate_no)))
        numbers: set[str] = set()
        for teacher in rng.sample(self.teachers, 60):
            department = self.info[teacher.national_id].department
            quals = next(d[2] for d in words.DEPARTMENTS if d[0] == department)
            issued = _between(rng, dt.date(2021, 6, 1), dt.date(2025, 10, 31))
            number = f"TPQI-{be_year(issued.year) % 100}-{rng.randint(1, 999999):06d}"
            while number in numbers:
                number = f"TPQI-{be_year(issued.year) % 100}-{rng.randint(1, 999999):06d}"
            numbers.add(number)
            expires = issued.replace(year=issued.year + 5) if rng.random() < 0.6 else None
            qualification = rng.choice(quals)
            if number not in have_certificates:
                db.session.add(
                    TeacherCertificate(
                        teacher=teacher,
                        qualification=self.qualifications[qualification],
                        certificate_no=number,
                        issued_on=issued,
                        expires_on=expires,
                    )
                )

    # ------------------------------------------------------------------ trainings

    def load_trainings(self) -> None:
        rng = self.rng
        existing = {(t.title, t.start_on): t for t in db.session.scalars(select(Training))}
        have = _keys(
            select(Training.title, Training.start_on, Teacher.national_id)
            .join(TrainingAttendance, TrainingAttendance.training_id == Training.id)
            .join(Teacher, Teacher.id == TrainingAttendance.teacher_id)
        )
        field_of = {d[0]: d[1] for d in words.DEPARTMENTS}
        for title, field, provider, curriculum, start, days, hours, size in words.TRAININGS:
            start_on = dt.date(*start)
            pool = [
                t for t in self.active if field_of[self.info[t.national_id].department] == field
            ]
            if len(pool) < size:
                members = self.field_colleges[field]
                pool += [
                    t
                    for t in self.active
                    if t not in pool and self.info[t.national_id].college in members
                ]
            attendees = rng.sample(pool, min(size, len(pool)))
            completed = [rng.random() >= 0.05 for _ in attendees]
            training = existing.get((title, start_on))
            if training is None:
                training = Training(
                    title=title,
                    provider=self.agencies[provider],
                    excellence_field=self.fields[field],
                    curriculum=self.curricula[curriculum] if curriculum else None,
                    start_on=start_on,
                    end_on=start_on + dt.timedelta(days=days - 1),
                    hours=hours,
                )
                db.session.add(training)
            for teacher, done in zip(attendees, completed, strict=True):
                if (title, start_on, teacher.national_id) not in have:
                    db.session.add(
                        TrainingAttendance(training=training, teacher=teacher, completed=done)
                    )

    # ------------------------------------------------------------------ placements

    def load_rounds(self) -> dict[int, PlacementRound]:
        round_2567, created = get_or_create(PlacementRound, {"fiscal_year": 2567}, **ROUND_2567)
        if created:
            round_2567.steps = [
                RoundStep(position=n, step=step.value, title=title, starts_on=start, ends_on=end)
                for n, (step, title, start, end) in enumerate(ROUND_2567_STEPS, 1)
            ]
        rounds = {r.fiscal_year: r for r in db.session.scalars(select(PlacementRound))}
        return rounds

    def load_placements(self) -> dict[tuple[str, str], tuple]:
        """Both rounds' placements, each moved to its step through placement_flow with a
        dated history; return the (teacher, unit) pairs that passed tests earned."""
        rng = self.rng
        rounds = self.load_rounds()
        db.session.flush()  # the agencies and MOUs have ids for the MOU rule
        have = _keys(
            select(PlacementRound.fiscal_year, Teacher.national_id)
            .join(Placement, Placement.round_id == PlacementRound.id)
            .join(Teacher, Teacher.id == Placement.teacher_id)
        )
        earned: dict[tuple[str, str], tuple] = {}
        for fiscal_year, opens, deadline, step_counts, late_count in ROUNDS:
            statuses = [step for step, n in step_counts.items() for _ in range(n)]
            rng.shuffle(statuses)
            teachers = rng.sample(self.active, len(statuses))
            rejected = [i for i, s in enumerate(statuses) if s == STEP.REJECTED]
            others = [i for i, s in enumerate(statuses) if s != STEP.REJECTED]
            late_rejected = rejected[: (late_count + 1) // 2]
            late = set(late_rejected + rng.sample(others, late_count - len(late_rejected)))
            cover = self.mou_cover(statuses, exceptions=3 if fiscal_year == 2568 else 1)
            for i, (teacher, status) in enumerate(zip(teachers, statuses, strict=True)):
                placement, history = self.placement(
                    teacher,
                    status,
                    rounds[fiscal_year],
                    opens,
                    deadline,
                    late=i in late,
                    cover=cover.get(i, COVERED),
                )
                if history.test_result == ExamResult.PASSED.value:
                    for unit in placement.units:
                        earned.setdefault((teacher.national_id, unit.code), ())
                if (fiscal_year, teacher.national_id) not in have:
                    placement.round = rounds[fiscal_year]
                    placement.teacher = teacher
                    self.run_history(placement, history)
        return earned

    def mou_cover(self, statuses: list[PlacementStep], exceptions: int) -> dict[int, str]:
        """Which placements have no MOU behind them: a few applications (the list warns), a
        few with the joint-education exception; the rest are hosted under an MOU."""
        applied = [i for i, s in enumerate(statuses) if s == STEP.APPLIED]
        announced = [
            i
            for i, s in enumerate(statuses)
            if s in (STEP.ELIGIBLE, STEP.IN_PLACEMENT, STEP.TESTED, STEP.POST_REPORT)
        ]
        cover = dict.fromkeys(self.rng.sample(applied, min(3, len(applied))), NO_MOU)
        excepted = self.rng.sample(announced, min(exceptions, len(announced)))
        cover.update(dict.fromkeys(excepted, EXCEPTED))
        return cover

    def host_under_mou(self, college: str, start: dt.date, end: dt.date) -> str:
        """A host whose MOU with the college is in force over the dates; when the college
        has none, a new agreement with a nearby establishment, signed before the start."""
        rng = self.rng
        hosts = sorted(
            {
                host
                for host, signed, expires in self.covering.get(college, ())
                if host in self.establishment_province
                and signed <= start
                and (expires is None or expires >= end)
            }
        )
        if hosts:
            return rng.choice(hosts)
        host = self.pick_establishment(
            self.college_province[college], exclude=sorted(self.mou_pairs.get(college, ()))
        )
        signed = start - dt.timedelta(days=rng.randint(90, 900))
        expires = None if rng.random() < 0.3 else signed.replace(year=signed.year + 5)
        self.placement_mous += 1
        self.mou(
            f"MOU-{be_year(signed.year)}-{self.placement_mous}",
            f"ความร่วมมือการฝึกประสบการณ์วิชาชีพครูในสถานประกอบการ ระหว่าง"
            f"{self.agencies[college].name_th}กับ{self.agencies[host].name_th}",
            signed,
            expires,
            "การฝึกประสบการณ์ของครูและนักศึกษาในสถานประกอบการ และการร่วมพัฒนาหลักสูตร",
            [college, host],
            MouStatus.ACTIVE,
        )
        return host

    def host_without_mou(self, college: str) -> str:
        return self.pick_establishment(
            self.college_province[college], exclude=sorted(self.mou_pairs.get(college, ()))
        )

    def placement(
        self,
        teacher: Teacher,
        status: PlacementStep,
        placement_round: PlacementRound,
        opens: dt.date,
        deadline: dt.date,
        *,
        late: bool,
        cover: str,
    ) -> tuple[Placement, History]:
        """Build (not add) one placement with the fields its step calls for, and the dated
        moves that bring it there (dates inside the round's calendar windows)."""
        rng = self.rng
        nid = teacher.national_id
        info = self.info[nid]
        college, who = info.college, info.person
        if late:
            day = deadline + dt.timedelta(days=rng.randint(1, 8))
        else:
            day = deadline - dt.timedelta(days=int(rng.triangular(0, (deadline - opens).days, 0)))
        applied_at = dt.datetime.combine(day, dt.time(rng.randint(7, 23), rng.randint(0, 59)))
        pool = self.department_units[self.info[nid].department]
        units = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        start, end = self.planned_dates(placement_round)
        reached = PLACEMENT_PROGRESS.index(status) if status in PLACEMENT_PROGRESS else -1
        passed = rng.random() < 0.88
        note = None
        if status == STEP.NOT_ELIGIBLE:
            note = rng.choice(NOT_ELIGIBLE_NOTES)
            if note == NO_COOPERATION:
                cover = NO_MOU
        elif status == STEP.WITHDRAWN:
            note = rng.choice(WITHDRAWN_NOTES)
        elif status == STEP.REJECTED:
            note = "ส่งใบสมัครหลังวันปิดรับ" if late else "ข้อมูลในแบบฟอร์มไม่ครบถ้วน"
        if cover == COVERED:
            host = self.host_under_mou(college, start, end)
        else:
            host = self.host_without_mou(college)
        # The teacher is linked only when the placement is added: a backref would add it.
        placement = Placement(
            college=self.agencies[college],
            host=self.agencies[host],
            applied_at=applied_at,
            applicant_email=info.email,
            planned_start=start,
            planned_end=end,
            plan_url=f"https://drive.google.com/file/d/{_token(rng, 33)}/view?usp=sharing",
            units=[self.units[u] for u in units],
            notes=note,
        )
        if cover == EXCEPTED:
            placement.mou_exception = True
            placement.mou_exception_reason = rng.choice(EXCEPTION_REASONS)
        history = self.history(placement_round, status, applied_at, start, end, note)
        if reached >= 1 or status == STEP.WITHDRAWN:
            placement.budget = Decimal(rng.randrange(5000, 20001, 500))
        if reached >= PLACEMENT_PROGRESS.index(STEP.TESTED):
            history.test_result = (ExamResult.PASSED if passed else ExamResult.FAILED).value
        if reached > PLACEMENT_PROGRESS.index(STEP.TESTED) or (
            reached == PLACEMENT_PROGRESS.index(STEP.TESTED) and rng.random() < 0.5
        ):
            placement.clip_url = f"https://youtu.be/{_token(rng, 11)}"
            placement.clip_title = f"{who.first} {who.last} ({words.UNITS[units[0]]})"
            placement.clip_duration = rng.randint(150, 300)
        placement.logbook_received = reached >= PLACEMENT_PROGRESS.index(STEP.COLLEGE_REPORT)
        # Most placements are visited; some of those still at the host are not (flagged).
        visited = reached > PLACEMENT_PROGRESS.index(STEP.IN_PLACEMENT) or (
            status == STEP.IN_PLACEMENT and rng.random() < 0.6
        )
        if visited:
            for _ in range(rng.randint(1, 2)):
                visitor = rng.choice(words.SUPERVISORS)
                if rng.random() < 0.4:
                    visitor = f"{self.coordinators[college]} (ผู้ประสานงานสถานศึกษา)"
                placement.visits.append(
                    SupervisionVisit(
                        visited_on=_between(rng, start, end),
                        visitor=visitor,
                        notes=rng.choice(VISIT_NOTES),
                    )
                )
        return placement, history

    def planned_dates(self, placement_round: PlacementRound) -> tuple[dt.date, dt.date]:
        """A start after the orientation (or the announcement) inside the placement window,
        and an end two to six weeks later within it."""
        rng = self.rng
        window = calendar.window(placement_round, STEP.IN_PLACEMENT)
        before = calendar.window(placement_round, STEP.ORIENTED) or calendar.window(
            placement_round, STEP.ELIGIBLE
        )
        first = max(window.starts_on, before.ends_on + dt.timedelta(days=1))
        start = first + dt.timedelta(days=rng.randint(0, 30))
        end = min(start + dt.timedelta(days=rng.randint(14, 45)), window.ends_on)
        return start, max(end, start + dt.timedelta(days=7))

    def history(
        self,
        placement_round: PlacementRound,
        status: PlacementStep,
        applied_at: dt.datetime,
        start: dt.date,
        end: dt.date,
        note: str | None,
    ) -> History:
        """The moves from applied to the placement's step, each dated inside its step's
        window of the round's calendar (after the one before), by a member of staff."""
        rng = self.rng
        main = PLACEMENT_PROGRESS[1:]
        if status in (STEP.NOT_ELIGIBLE, STEP.REJECTED):
            path = [status]
        elif status == STEP.WITHDRAWN:
            gave_up = rng.choice(PLACEMENT_PROGRESS[:4])  # applied … in placement
            path = [*main[: PLACEMENT_PROGRESS.index(gave_up)], STEP.WITHDRAWN]
        else:
            path = main[: PLACEMENT_PROGRESS.index(status)]
        history = History(applied_at=applied_at, by=rng.choice(STAFF))
        day = applied_at.date()
        for step in path:
            if step == STEP.IN_PLACEMENT:
                day = start
            elif step == STEP.TESTED:
                lo = max(day + dt.timedelta(days=7), self.window_start(placement_round, step, day))
                hi = min(end + dt.timedelta(days=14), self.window_end(placement_round, step, lo))
                day = _between(rng, lo, max(lo, hi))
                history.tested_on = day
            else:
                # Not eligible and rejected are announced with the eligible ones.
                window_of = STEP.ELIGIBLE if step in (STEP.NOT_ELIGIBLE, STEP.REJECTED) else step
                lo = max(
                    day + dt.timedelta(days=1), self.window_start(placement_round, window_of, day)
                )
                if step == STEP.WITHDRAWN:
                    hi = lo + dt.timedelta(days=20)
                else:
                    hi = self.window_end(placement_round, window_of, lo)
                if step in (STEP.ELIGIBLE, STEP.ORIENTED):  # before the placement starts
                    hi = min(hi, start - dt.timedelta(days=1))
                day = _between(rng, lo, max(lo, hi))
            at = dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.choice((0, 15, 30, 45))))
            moved_note = (
                note if step in (STEP.NOT_ELIGIBLE, STEP.WITHDRAWN, STEP.REJECTED) else None
            )
            history.moves.append((step, at, rng.choice(STAFF), moved_note))
        return history

    @staticmethod
    def window_start(placement_round: PlacementRound, step: str, after: dt.date) -> dt.date:
        row = calendar.window(placement_round, step)
        return row.starts_on if row is not None and row.starts_on else after

    @staticmethod
    def window_end(placement_round: PlacementRound, step: str, lo: dt.date) -> dt.date:
        """The window's last day; a step the calendar has no window for takes two weeks."""
        row = calendar.window(placement_round, step)
        if row is not None and row.ends_on is not None:
            return row.ends_on
        return lo + dt.timedelta(days=14)

    @staticmethod
    def run_history(placement: Placement, history: History) -> None:
        """Start the placement and make its moves through placement_flow (so every rule
        holds for the demo too); a pass earns the units through the competency bank."""
        session = db.session
        placement_flow.start(session, placement, by=history.by, at=history.applied_at)
        for step, at, by, note in history.moves:
            if step == STEP.TESTED:
                placement_flow.record_test(
                    session, placement, history.test_result, history.tested_on, by=by, at=at
                )
            else:
                placement_flow.move(session, placement, step.value, by=by, at=at, note=note)

    # ------------------------------------------------------------------ scholarships

    def load_scholarships(self) -> None:
        rng = self.rng
        programmes = {p.code: p for p in db.session.scalars(select(ScholarshipProgramme))}
        have_quota = _keys(
            select(
                ScholarshipProgramme.code,
                ScholarshipAllocation.academic_year,
                Agency.code,
            )
            .select_from(ScholarshipAllocation)
            .join(ScholarshipAllocation.programme)
            .join(ScholarshipAllocation.college)
        )
        quota_range = {"SCH-HVI": (10, 45), "SCH-HVI-IC": (20, 40), "SCH-HVI-SN": (4, 12)}
        for code, colleges in words.ALLOCATION_COLLEGES_2567.items():
            for college in colleges:
                quota = rng.randint(*quota_range[code])
                if (code, 2567, college) not in have_quota:
                    programmes[code].allocations.append(
                        ScholarshipAllocation(
                            academic_year=2567, college=self.agencies[college], quota=quota
                        )
                    )
        students = {(s.id_type, s.id_value): s for s in db.session.scalars(select(Student))}
        have_awards = _keys(
            select(
                ScholarshipProgramme.code,
                Student.id_type,
                Student.id_value,
                ScholarshipAward.start_year,
            )
            .select_from(ScholarshipAward)
            .join(ScholarshipAward.programme)
            .join(ScholarshipAward.student)
        )
        plan = (("SCH-PKS", 12), ("SCH-HVI", 210), ("SCH-HVI-IC", 62), ("SCH-HVI-SN", 14))
        g_numbers: set[str] = set()
        for code, count in plan:
            for n in range(count):
                student, start_year, award = self.scholar(code, n, g_numbers)
                key = (student.id_type, student.id_value)
                if key in students:
                    student = students[key]
                else:
                    db.session.add(student)
                    students[key] = student
                if (code, *key, start_year) not in have_awards:
                    award.programme = programmes[code]
                    award.student = student
                    db.session.add(award)

    def scholar(self, code: str, n: int, g_numbers: set[str]) -> tuple[Student, int, Any]:
        """Build one student and their award (not added)."""
        rng = self.rng
        allocated = words.ALLOCATION_COLLEGES_2567.get(code, ())
        college = (
            rng.choice(allocated) if allocated and rng.random() < 0.8 else rng.choice(self.colleges)
        )
        if code == "SCH-PKS":
            start_year = rng.choice((2564, 2565, 2566, 2567))
            level = StudentLevel.HIGHER_VOCATIONAL
        else:
            start_year = rng.choices((2564, 2565, 2566, 2567), (20, 25, 28, 27))[0]
            five_year = start_year >= 2566 and rng.random() < 0.3
            level = StudentLevel.VOCATIONAL if five_year else StudentLevel.HIGHER_VOCATIONAL
        special = code == "SCH-HVI-SN" or (code == "SCH-HVI" and n % 100 == 7)
        who = self.person()
        if rng.random() < 0.15:
            id_type = IdentifierType.G_CODE
            id_value = f"G{start_year % 100}{rng.randint(1000, 9999)}{rng.randint(1, 999999):06d}"
            while id_value in g_numbers:
                id_value = (
                    f"G{start_year % 100}{rng.randint(1000, 9999)}{rng.randint(1, 999999):06d}"
                )
            g_numbers.add(id_value)
        else:
            id_type = IdentifierType.NATIONAL_ID
            id_value = self.national_id(2003 + rng.randint(0, 5), self.college_province[college])
        student = Student(
            id_type=id_type.value,
            id_value=id_value,
            prefix=who.prefix,
            first_name=who.first,
            last_name=who.last,
            college=self.agencies[college],
            level=level.value,
            field=rng.choice(words.STUDENT_FIELDS),
            special_needs=special,
        )
        status_weights = {
            2564: (5, 80, 12, 3),
            2565: (15, 70, 10, 5),
            2566: (50, 35, 10, 5),
            2567: (85, 0, 8, 7),
        }[start_year]
        if level == StudentLevel.VOCATIONAL:  # the 5-year track has not finished yet
            status_weights = (85, 0, 8, 7)
        statuses = (
            AwardStatus.STUDYING,
            AwardStatus.GRADUATED,
            AwardStatus.DROPPED_OUT,
            AwardStatus.SUSPENDED,
        )
        status = rng.choices(statuses, status_weights)[0]
        started = dt.date(ce_year(start_year), 5, 16)
        ended = None
        notes = None
        if status == AwardStatus.GRADUATED:
            ended = dt.date(ce_year(start_year) + 2, 3, 31)
        elif status == AwardStatus.DROPPED_OUT:
            ended = started + dt.timedelta(days=rng.randint(60, 500))
            notes = rng.choice(("ย้ายสถานศึกษา", "ออกไปทำงานช่วยครอบครัว", "ไม่ผ่านเกณฑ์การศึกษา"))
        elif status == AwardStatus.SUSPENDED:
            notes = "พักการศึกษา 1 ภาคเรียน"
        award = ScholarshipAward(
            start_year=start_year,
            status=status.value,
            started_on=started,
            ended_on=ended,
            notes=notes,
        )
        return student, start_year, award

    # ------------------------------------------------------------------ summary

    @staticmethod
    def summary() -> dict[str, int]:
        def kind(k: AgencyKind) -> int:
            query = select(func.count()).select_from(Agency).where(Agency.kind == k.value)
            return db.session.scalar(query) or 0

        return {
            "หน่วยงาน": _count(Agency),
            "วิทยาลัย": kind(AgencyKind.COLLEGE),
            "สถานประกอบการ": kind(AgencyKind.ESTABLISHMENT),
            "บันทึกข้อตกลง": _count(Mou),
            "คุณวุฒิวิชาชีพ": _count(Qualification),
            "หน่วยสมรรถนะ": _count(CompetencyUnit),
            "หลักสูตร": _count(Curriculum),
            "ครู": _count(Teacher),
            "สมรรถนะของครู": _count(TeacherUnit),
            "ประกาศนียบัตรคุณวุฒิวิชาชีพ": _count(TeacherCertificate),
            "การฝึกอบรม": _count(Training),
            "ผู้เข้าอบรม": _count(TrainingAttendance),
            "การฝึกประสบการณ์": _count(Placement),
            "นักเรียนทุน": _count(Student),
            "ผู้ได้รับทุน": _count(ScholarshipAward),
        }


def load_demo() -> dict[str, int]:
    """Add the demonstration on top of the reference data; commit once; return counts."""
    demo = _Demo()
    demo.load_agencies()
    demo.load_mous()
    demo.load_standards()
    demo.load_field_groups()
    demo.load_curricula()
    demo.load_teachers()
    demo.load_trainings()
    earned = demo.load_placements()
    demo.load_competencies(earned)
    demo.load_scholarships()
    add_award_events(db.session)
    db.session.commit()
    return demo.summary()

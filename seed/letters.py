"""The office's letter settings and the announcement letter's wording, for a new database.

load_letter_defaults adds what is missing and leaves alone what staff have changed, so it
is safe to run again. The wording follows the FY2568 round (letter ศธ ๐๖๐๕/๑๕๓๐); the
signatory and the contact lines are made up for the demonstration.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import LetterTemplate, OfficeSettings
from processes.letters import ANNOUNCEMENT

OFFICE = {
    "name": "สำนักพัฒนาสมรรถนะครูและบุคลากรอาชีวศึกษา",
    "address": "สำนักงานคณะกรรมการการอาชีวศึกษา\nถนนราชดำเนินนอก เขตดุสิต\nกรุงเทพฯ ๑๐๓๐๐",
    "letter_prefix": "ศธ ๐๖๐๕",
    "signatory_name": "นายวรวุฒิ ศรีพัฒนากุล",
    "signatory_position": (
        "ผู้อำนวยการสำนักพัฒนาสมรรถนะครูและบุคลากรอาชีวศึกษา\nปฏิบัติราชการแทน เลขาธิการคณะกรรมการการอาชีวศึกษา"
    ),
    "contact_unit": "กลุ่มพัฒนาครูและบุคลากรอาชีวศึกษา",
    "contact_phone": "๐ ๒๒๘๒ ๑๐๐๐ ต่อ ๕๑๓๒",
    "contact_email": "teacher.placement@example.go.th",
}

ANNOUNCEMENT_TEMPLATE = {
    "code": ANNOUNCEMENT,
    "name": "แจ้งรายชื่อครูผู้มีคุณสมบัติ (ฝึกประสบการณ์ในสถานประกอบการ)",
    "subject": (
        "แจ้งรายชื่อครูผู้มีคุณสมบัติเข้าร่วมโครงการพัฒนาครูอาชีวศึกษา"
        "ด้วยการฝึกประสบการณ์ในสถานประกอบการ ประจำปีงบประมาณ พ.ศ. {fiscal_year}"
    ),
    "addressee": "ผู้อำนวยการ{college}",
    "reference": "หนังสือสำนักงานคณะกรรมการการอาชีวศึกษา ที่ {letter_ref}",
    "enclosure": "บัญชีรายชื่อครูผู้มีคุณสมบัติเข้าร่วมโครงการ จำนวน ๑ ฉบับ",
    "body": (
        "ตามหนังสือที่อ้างถึง สำนักงานคณะกรรมการการอาชีวศึกษา โดย{office} "
        "ได้แจ้งประชาสัมพันธ์{round_title} และขอให้สถานศึกษาจัดส่งแผนพัฒนาตนเองรายบุคคล"
        "ของครูผู้สนใจเข้าร่วมโครงการ ที่ผู้บริหารสถานศึกษาลงนามแล้ว ผ่านแบบฟอร์มออนไลน์ "
        "ภายในวันที่ {deadline} นั้น\n"
        "{office} ได้พิจารณาคุณสมบัติของครูผู้สมัครตามหลักเกณฑ์ของโครงการแล้ว "
        "ปรากฏว่า{college} มีครูผู้มีคุณสมบัติเข้าร่วมโครงการ จำนวน {count} ราย "
        "ตามบัญชีรายชื่อที่ส่งมาด้วย ในการนี้ ขอให้สถานศึกษาแจ้งครูผู้มีรายชื่อ"
        "เข้ารับการปฐมนิเทศแบบออนไลน์ ระหว่างวันที่ {orientation} "
        "และเข้ารับการฝึกประสบการณ์ในสถานประกอบการตามแผนพัฒนาตนเองรายบุคคล "
        "ระหว่างวันที่ {placement_period} โดยบันทึกการฝึกประสบการณ์ในสมุดบันทึกทุกวัน "
        "และให้สถานศึกษารายงานผลการดำเนินงานพร้อมส่งสมุดบันทึกการฝึกประสบการณ์ "
        "ภายในวันที่ {report_due}\n"
        "จึงเรียนมาเพื่อโปรดทราบและแจ้งครูผู้มีรายชื่อดำเนินการต่อไป"
    ),
    "closing": "ขอแสดงความนับถือ",
}


def load_letter_defaults(session: Session) -> None:
    """Add the office settings and the announcement template when they are missing."""
    if session.scalar(select(OfficeSettings.id).limit(1)) is None:
        session.add(OfficeSettings(**OFFICE))
    code = ANNOUNCEMENT_TEMPLATE["code"]
    if session.scalar(select(LetterTemplate.id).where(LetterTemplate.code == code)) is None:
        session.add(LetterTemplate(**ANNOUNCEMENT_TEMPLATE))
    session.flush()

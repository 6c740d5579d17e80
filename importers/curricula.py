"""Curricula, keyed by curriculum code; the owner is an agency that already exists."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from importers import cells
from importers.columns import Column
from importers.importer import Importer
from importers.lookups import AgencyIndex
from importers.results import RowTable, nones
from importers.store import in_chunks, write_new_and_changed
from models import CreditBankLevel, Curriculum, CurriculumKind
from thai.digits import to_arabic_digits
from thai.text import is_blank, normalize_text

K = CurriculumKind
KIND_LABELS = {
    "ปวช.": K.VOCATIONAL_CERTIFICATE,
    "ประกาศนียบัตรวิชาชีพ": K.VOCATIONAL_CERTIFICATE,
    "หลักสูตรประกาศนียบัตรวิชาชีพ": K.VOCATIONAL_CERTIFICATE,
    "หลักสูตรประกาศนียบัตรวิชาชีพ (ปวช.)": K.VOCATIONAL_CERTIFICATE,
    "ปวส.": K.HIGHER_VOCATIONAL,
    "ประกาศนียบัตรวิชาชีพชั้นสูง": K.HIGHER_VOCATIONAL,
    "หลักสูตรประกาศนียบัตรวิชาชีพชั้นสูง": K.HIGHER_VOCATIONAL,
    "หลักสูตรประกาศนียบัตรวิชาชีพชั้นสูง (ปวส.)": K.HIGHER_VOCATIONAL,
    "หลักสูตรโรงเรียนฝึกอาชีพ": K.TRAINING_SCHOOL,
    "โรงเรียนฝึกอาชีพ": K.TRAINING_SCHOOL,
    "หลักสูตรโรงเรียนฝึกอาชีพกรุงเทพมหานคร": K.TRAINING_SCHOOL,
    "หลักสูตรระยะสั้น": K.SHORT_COURSE,
    "ระยะสั้น": K.SHORT_COURSE,
    "หลักสูตรพัฒนาครู": K.TEACHER_DEVELOPMENT,
    "พัฒนาครู": K.TEACHER_DEVELOPMENT,
    "หลักสูตรพัฒนาครูอาชีวศึกษา": K.TEACHER_DEVELOPMENT,
    "vocational certificate": K.VOCATIONAL_CERTIFICATE,
    "por wor chor": K.VOCATIONAL_CERTIFICATE,
    "higher vocational certificate": K.HIGHER_VOCATIONAL,
    "higher vocational": K.HIGHER_VOCATIONAL,
    "por wor sor": K.HIGHER_VOCATIONAL,
    "training school": K.TRAINING_SCHOOL,
    "training-school course": K.TRAINING_SCHOOL,
    "short course": K.SHORT_COURSE,
    "teacher development": K.TEACHER_DEVELOPMENT,
    "teacher-development curriculum": K.TEACHER_DEVELOPMENT,
}
L = CreditBankLevel
LEVEL_LABELS = {
    "มัธยมศึกษาตอนต้น": L.LOWER_SECONDARY,
    "ม.ต้น": L.LOWER_SECONDARY,
    "มัธยมศึกษาตอนปลาย/ปวช.": L.UPPER_SECONDARY,
    "มัธยมศึกษาตอนปลาย": L.UPPER_SECONDARY,
    "ม.ปลาย": L.UPPER_SECONDARY,
    "ปวช.": L.UPPER_SECONDARY,
    "ปวส./อนุปริญญา": L.ASSOCIATE,
    "ปวส.": L.ASSOCIATE,
    "อนุปริญญา": L.ASSOCIATE,
    "หลักสูตรระยะสั้นและการศึกษาตลอดชีวิต": L.SHORT_LIFELONG,
    "ระยะสั้นและการศึกษาตลอดชีวิต": L.SHORT_LIFELONG,
    "การศึกษาตลอดชีวิต": L.SHORT_LIFELONG,
    "หลักสูตรระยะสั้น": L.SHORT_LIFELONG,
    "lower secondary": L.LOWER_SECONDARY,
    "upper secondary": L.UPPER_SECONDARY,
    "upper secondary / por wor chor": L.UPPER_SECONDARY,
    "associate degree": L.ASSOCIATE,
    "por wor sor / associate degree": L.ASSOCIATE,
    "short courses and lifelong learning": L.SHORT_LIFELONG,
    "lifelong learning": L.SHORT_LIFELONG,
}
FIELDS = ("title", "owner_id", "kind", "edition_year", "level_group", "field", "hours")
# A kind may carry its edition: "ปวช. 2562", "หลักสูตร ปวส. พุทธศักราช 2563".
EDITION = re.compile(r"^(?P<label>.*?)\s*(?:พ\.?\s*ศ\.?|พุทธศักราช)?\s*(?P<year>25\d\d)$")


def label_key(value: Any) -> str:
    """Labels compare on their letters and digits only: "ปวช." is "ปวช", "ม. ต้น" is "ม.ต้น"."""
    cleaned = normalize_text(to_arabic_digits(str(value))).lower()
    return "".join(ch for ch in cleaned if unicodedata.category(ch)[0] in "LNM")


def labels_parser(labels: dict[str, str], what: str, shown: tuple[str, ...]) -> cells.Parser:
    """Map Thai or English labels, or the stored codes, to stored codes."""
    codes = {label: str(code) for label, code in labels.items()}
    return cells.choice(codes, what, key=label_key, shown=shown, codes_too=True)


KINDS_SHOWN = ("ปวช.", "ปวส.", "หลักสูตรโรงเรียนฝึกอาชีพ", "หลักสูตรระยะสั้น", "หลักสูตรพัฒนาครู")
LEVELS_SHOWN = (
    "มัธยมศึกษาตอนต้น",
    "มัธยมศึกษาตอนปลาย/ปวช.",
    "ปวส./อนุปริญญา",
    "หลักสูตรระยะสั้นและการศึกษาตลอดชีวิต",
)
OWNER_MISSING = _l(
    'The agency "%(name)s" is not in the system: use the code, short name or name of an agency '
    "in the system (import agencies first)"
)
kind_label = labels_parser(KIND_LABELS, "ประเภทหลักสูตร", KINDS_SHOWN)
level_group = labels_parser(LEVEL_LABELS, "ระดับ", LEVELS_SHOWN)


def curriculum_kind(value: Any) -> tuple[str, int | None] | None:
    """Return a curriculum kind with the BE edition it may carry: "ปวช. 2562" is (kind, 2562)."""
    if is_blank(value):
        return None
    text = normalize_text(to_arabic_digits(str(value)))
    match = EDITION.match(text)
    if match and match["label"]:
        return kind_label(match["label"]), int(match["year"])
    return kind_label(text), None


class CurriculumImporter(Importer):
    kind = "curricula"
    record_model = Curriculum
    label = _l("Curricula")
    key_column = "code"
    columns = (
        Column(
            "code",
            ("รหัสหลักสูตร", "code", "curriculum_code"),
            cells.code,
            required=True,
            example="TD-AUTO-01",
        ),
        Column(
            "title",
            ("ชื่อหลักสูตร", "title"),
            cells.text,
            required=True,
            example="การบำรุงรักษารถยนต์ไฟฟ้าสำหรับครู",
        ),
        Column(
            "owner",
            ("หน่วยงานเจ้าของ", "owner", "หน่วยงานเจ้าของหลักสูตร", "เจ้าของหลักสูตร"),
            cells.text,
            help=_l("The code, short name or name of an agency already in the system"),
            example="BPCD",
        ),
        Column(
            "kind",
            ("ประเภท", "kind", "ประเภทหลักสูตร"),
            curriculum_kind,
            required=True,
            help=_l('May end with the curriculum\'s BE year, e.g. "ปวช. 2562"'),
            choices=KINDS_SHOWN,
            example="หลักสูตรพัฒนาครู",
        ),
        Column(
            "level_group",
            ("ระดับ", "level", "level_group", "ระดับธนาคารหน่วยกิต"),
            level_group,
            help=_l("The credit bank level"),
            choices=LEVELS_SHOWN,
            example="หลักสูตรระยะสั้นและการศึกษาตลอดชีวิต",
        ),
        Column("field", ("สาขาวิชา", "field"), cells.text, example="ช่างยนต์"),
        Column(
            "hours",
            ("จำนวนชั่วโมง", "hours", "ชั่วโมง"),
            cells.whole_number,
            example="30",
        ),
    )
    required_columns = ((("code",),), (("title",),), (("kind",),))
    instructions = _l(
        "The agency owning each curriculum must be in the system first (import agencies before "
        "curricula)"
    )

    def prepare(self, rows: RowTable) -> None:
        agencies = AgencyIndex.load(self.session)
        self.require(rows, "code", "title", "kind")
        rows.key[:] = rows.get("code")
        kinds = rows.drop("kind")
        given = np.not_equal(kinds, None)
        kind, edition = nones(len(rows)), nones(len(rows))
        kind[given] = [pair[0] for pair in kinds[given]]
        edition[given] = [pair[1] for pair in kinds[given]]
        rows.set("kind", kind)
        rows.set("edition_year", edition)
        found = self.resolve(
            rows,
            "owner",
            agencies.find,
            OWNER_MISSING,
        )
        rows.set("owner_id", [None if ref is None else ref.id for ref in found])

    def compare(self, rows: RowTable, positions: np.ndarray) -> None:
        # Plain columns, not ORM objects: only the records that change are loaded to be written.
        found: dict[str, Any] = {}
        query = select(Curriculum.code, Curriculum.id, *(getattr(Curriculum, f) for f in FIELDS))
        for chunk in in_chunks(rows.key[positions].tolist()):
            found.update(
                (record.code, record)
                for record in self.session.execute(query.where(Curriculum.code.in_(chunk)))
            )
        self.match_stored(rows, positions, found, FIELDS)

    def write(self, rows: RowTable, positions: np.ndarray) -> None:
        write_new_and_changed(
            self.session, Curriculum.__table__, "code", FIELDS, rows, positions, self.progress
        )

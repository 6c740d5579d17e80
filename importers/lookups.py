"""Find the records a file refers to: agencies by code, abbreviation or Thai name, provinces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.cells import key_text
from models import Agency, Province

# Ways people write provinces that are not their official names.
PROVINCE_ALIASES = {"กรุงเทพฯ": "10", "กทม": "10", "กทม.": "10", "bkk": "10"}


@dataclass
class AgencyRef:
    id: int | None
    code: str
    name_th: str
    kind: str


@dataclass
class AgencyIndex:
    """Every agency by code, abbreviation and Thai or English name, loaded once."""

    by_key: dict[str, AgencyRef] = field(default_factory=dict)
    by_code: dict[str, AgencyRef] = field(default_factory=dict)
    by_name: dict[str, AgencyRef] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> AgencyIndex:
        index = cls()
        query = select(
            Agency.id, Agency.code, Agency.name_th, Agency.abbreviation, Agency.name_en, Agency.kind
        )
        for agency_id, code, name_th, abbreviation, name_en, kind in session.execute(query):
            index.add(AgencyRef(agency_id, code, name_th, kind), abbreviation, name_en)
        return index

    def add(self, ref: AgencyRef, abbreviation: str | None = None, name_en: str | None = None):
        """Index an agency; codes and Thai names win over abbreviations that collide."""
        self.by_code[key_text(ref.code)] = ref
        self.by_name[key_text(ref.name_th)] = ref
        for alias in (name_en, abbreviation):
            if alias:
                self.by_key.setdefault(key_text(alias), ref)
        self.by_key[key_text(ref.name_th)] = ref
        self.by_key[key_text(ref.code)] = ref

    def find(self, value: Any) -> AgencyRef | None:
        """Find an agency by code, abbreviation, Thai or English name."""
        if value is None:
            return None
        return self.by_key.get(key_text(value))


@dataclass
class ProvinceIndex:
    by_key: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> ProvinceIndex:
        index = cls()
        codes: dict[str, int] = {}
        for province_id, code, name_th, name_en in session.execute(
            select(Province.id, Province.code, Province.name_th, Province.name_en)
        ):
            codes[code] = province_id
            for alias in (code, name_th, name_en, f"จังหวัด{name_th}", f"จ.{name_th}"):
                index.by_key[key_text(alias)] = province_id
        for alias, code in PROVINCE_ALIASES.items():
            if code in codes:
                index.by_key[key_text(alias)] = codes[code]
        return index

    def find(self, value: Any) -> int | None:
        if value is None:
            return None
        return self.by_key.get(key_text(value))

"""The one person search of the teacher and student lists (and lists of their records).

- Names (and a teacher's e-mail) are found through an index: every word typed must appear in
  a name; three letters or more match anywhere in it (FTS5 trigram on SQLite, pg_trgm on
  PostgreSQL, search_index.py), one or two letters match the start of a name.
- A complete, valid national ID (or G-code), plain, dashed or spaced, finds exactly its
  person: in a list for everyone, in a picker (admin/pickers.py) only for users who may see
  personal data, since a picker answers as fast as one types and must be no oracle either.
- Part of an ID (digits that are not a complete valid ID) is searched only for users who may
  see personal data (pdpa.sees_personal_data). For anyone else it matches nothing: a search
  that answered "someone's ID contains 31" would rebuild a masked ID digit by digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    and_,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy import table as sql_table

import search_index
from models import Student, Teacher, db
from thai.digits import to_arabic_digits
from thai.names import match_prefix
from thai.nid import clean_g_code, clean_national_id
from thai.text import normalize_text

# Shorter words cannot use a trigram index: they match the start of a name instead.
TRIGRAM = 3
# Digits with the separators people type between the groups of an ID.
_ID_TERM = re.compile(r"[Gg]?[\d\-_.\u2010-\u2015\u2212]*\d[\d\-_.\u2010-\u2015\u2212]*")
_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015\u2212]")


def may_see_personal_data() -> bool:
    """Whether the current user may see (and so search) full IDs."""
    try:
        from pdpa import sees_personal_data
    except ImportError:  # pragma: no cover - pdpa.py is part of the same release
        from flask_login import current_user

        return bool(getattr(current_user, "sees_personal_data", False))
    return bool(sees_personal_data())


def _without_prefix(term: str) -> str:
    """The name in a word typed with its title glued on, as Thai users write it ("นายวิทยา").

    A word that is only a title ("นาย") leaves "" and is no constraint: every listed person has
    some title, so it narrows nothing a user means, and it must not make the search match nobody.
    """
    _prefix, end = match_prefix(term)
    return term[end:]


def like_escape(term: str) -> str:
    """A term for LIKE with its wildcards (and the escape character) taken literally."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _phrase(term: str) -> str:
    """An FTS5 phrase: the term in double quotes (a quote inside doubled)."""
    return '"' + term.replace('"', '""') + '"'


def _next_prefix(term: str) -> str:
    """The smallest text greater than every text starting with term (for a range scan)."""
    return term[:-1] + chr(ord(term[-1]) + 1)


@dataclass(frozen=True)
class PersonSearch:
    """How to search one person table: its model, name columns and ID column."""

    model: Any
    g_codes: bool = False
    placeholder: Any = None

    @property
    def table(self) -> str:
        return self.model.__tablename__

    @property
    def name_columns(self) -> tuple[str, ...]:
        return search_index.SEARCHED[self.table][0]

    @property
    def id_column(self) -> str:
        return search_index.SEARCHED[self.table][1]

    # ----------------------------------------------------------------- the condition

    def condition(
        self,
        text: str | None,
        sees_personal_data: bool,
        dialect: str,
        whole_ids_for_everyone: bool = True,
    ) -> ColumnElement[bool]:
        """The SQL condition on the person model for what a user typed in the search box.

        whole_ids_for_everyone False: a complete ID, too, is searched only for those who may
        see personal data (the pickers); for anyone else it is part of an ID and finds nobody.
        """
        typed = normalize_text(text or "")
        if not typed:
            return true()
        exact = self.exact_id(typed)
        if exact is not None and (sees_personal_data or whole_ids_for_everyone):
            return getattr(self.model, self.id_column) == exact
        name_terms: list[str] = []
        id_terms: list[str] = []
        for term in typed.split():
            digits = to_arabic_digits(term)
            if _ID_TERM.fullmatch(digits):
                if not sees_personal_data:
                    # Part of an ID is no search for those who may not see IDs.
                    return false()
                id_terms.append(_SEPARATORS.sub("", digits).upper())
            elif rest := _without_prefix(term):
                name_terms.append(rest)
        if dialect == "sqlite":
            return self._sqlite(name_terms, id_terms)
        return self._generic(name_terms, id_terms, dialect)

    def exact_id(self, typed: str) -> str | None:
        """The ID a search names completely (plain, dashed or spaced), or None."""
        try:
            return clean_national_id(typed)
        except ValueError:
            pass
        if self.g_codes:
            try:
                return clean_g_code(typed)
            except ValueError:
                pass
        return None

    def _ids_where(self, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
        return self.model.id.in_(select(self.model.id).where(*conditions))

    def _prefix(self, column: str, term: str) -> ColumnElement[bool]:
        attribute = getattr(self.model, column)
        return and_(attribute >= term, attribute < _next_prefix(term))

    def _sqlite(self, name_terms: list[str], id_terms: list[str]) -> ColumnElement[bool]:
        phrases: list[str] = []
        conditions: list[ColumnElement[bool]] = []
        names = " ".join(self.name_columns)
        for term in name_terms:
            if len(term) >= TRIGRAM:
                phrases.append(f"{{{names}}} : {_phrase(term)}")
            else:
                starts = [self._prefix(c, term) for c in self.name_columns]
                starts += [self._prefix(c, term.lower()) for c in self.name_columns if c == "email"]
                conditions.append(or_(*starts))
        for term in id_terms:
            if len(term) >= TRIGRAM:
                phrases.append(f"{{{self.id_column}}} : {_phrase(term)}")
            else:
                conditions.append(self._prefix(self.id_column, term))
        if phrases:
            conditions.insert(0, self.model.id.in_(self._matches(phrases)))
        return and_(*conditions) if conditions else true()

    def _matches(self, phrases: list[str]) -> Any:
        """The rowids the FTS5 table gives for phrases that must all match."""
        fts = search_index.fts_table(self.table)
        return (
            select(literal_column("rowid"))
            .select_from(sql_table(fts))
            .where(literal_column(fts).op("MATCH")(literal(" AND ".join(phrases))))
        )

    def index_count(self, text: str | None, sees_personal_data: bool, limit: int) -> int | None:
        """Count a search's people in the FTS5 index alone, up to limit + 1 (SQLite).

        Counting through the person table reads a row per match; the index alone answers as
        long as every word has three letters or more. None when it cannot answer.
        """
        typed = normalize_text(text or "")
        if not typed or self.exact_id(typed) is not None:
            return None
        names = " ".join(self.name_columns)
        phrases = []
        for term in typed.split():
            digits = to_arabic_digits(term)
            if not _ID_TERM.fullmatch(digits):
                term = _without_prefix(term)
                if not term:
                    continue
            if len(term) < TRIGRAM:
                return None
            if _ID_TERM.fullmatch(digits):
                if not sees_personal_data:
                    return 0
                phrases.append(
                    f"{{{self.id_column}}} : {_phrase(_SEPARATORS.sub('', digits).upper())}"
                )
            else:
                phrases.append(f"{{{names}}} : {_phrase(term)}")
        if not phrases:
            return None
        rows = self._matches(phrases).limit(limit + 1).subquery()
        return db.session.scalar(select(func.count()).select_from(rows))

    def _generic(
        self, name_terms: list[str], id_terms: list[str], dialect: str
    ) -> ColumnElement[bool]:
        # PostgreSQL: the same expression as the trigram index, so the index answers it.
        names = literal_column(search_index.name_expression(self.table, qualified=True))
        id_column = getattr(self.model, self.id_column)
        conditions: list[ColumnElement[bool]] = []
        for term in name_terms:
            escaped = like_escape(term)
            pattern = f"%{escaped}%" if len(term) >= TRIGRAM else f"% {escaped}%"
            conditions.append(names.ilike(pattern, escape="\\"))
        for term in id_terms:
            escaped = like_escape(term)
            pattern = f"%{escaped}%" if len(term) >= TRIGRAM else f"{escaped}%"
            conditions.append(id_column.like(pattern, escape="\\"))
        return and_(*conditions) if conditions else true()


TEACHER_SEARCH = PersonSearch(
    Teacher, placeholder=_l("Name, surname, e-mail or the full 13-digit national ID")
)
STUDENT_SEARCH = PersonSearch(
    Student, g_codes=True, placeholder=_l("Name, surname or the full ID (13 digits or G-code)")
)


def person_condition(
    search: PersonSearch, text: str | None, whole_ids_for_everyone: bool = True
) -> ColumnElement[bool]:
    """The condition on search's people for what the current user typed (lists and pickers)."""
    dialect = db.session.get_bind().dialect.name
    return search.condition(text, may_see_personal_data(), dialect, whole_ids_for_everyone)


class PersonSearchMixin:
    """A list whose search box is the person search (before SecureModelView in the bases).

    person_key names this view's column holding the person's id ("student_id" for awards);
    None when the view lists the people themselves.
    """

    person_search: PersonSearch
    person_key: str | None = None

    def person_condition(self, text: str | None) -> ColumnElement[bool]:
        condition = person_condition(self.person_search, text)
        if self.person_key is None:
            return condition
        person = self.person_search.model
        return getattr(self.model, self.person_key).in_(select(person.id).where(condition))

    def count_from_index(self, search: str | None, filters: Any, limit: int) -> int | None:
        """A search of the people alone is counted in the name index (ListingMixin asks)."""
        if not search or filters or self.person_key is not None:
            return None
        if db.session.get_bind().dialect.name != "sqlite":
            return None
        return self.person_search.index_count(search, may_see_personal_data(), limit)

    def _apply_search(self, query, count_query, joins, count_joins, search):
        condition = self.person_condition(search)
        query = query.filter(condition)
        if count_query is not None:
            count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins

    def search_placeholder(self) -> str | None:
        if self.person_search.placeholder is not None:
            return str(self.person_search.placeholder)
        return super().search_placeholder()

"""The search-as-you-type pickers: one loader for every picker, searching as the lists do.

A picker's options (admin/refs.py) name either a person search (admin/search.py's, so the
picker finds people through the same name index as the lists, glued title prefixes and Thai
digits included) or the fields to search; an optional label tells a result apart from its
namesakes. PickerViewMixin makes every ajax ref of a view, inline forms' too, this loader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.form import InlineModelConverter
from flask_admin.contrib.sqla.tools import is_relationship
from flask_admin.model.ajax import DEFAULT_PAGE_SIZE
from sqlalchemy import String, and_, cast, or_, text, true

from admin.search import PersonSearch, like_escape, person_condition
from thai.digits import to_arabic_digits
from thai.text import normalize_text


class PickerLoader(QueryAjaxModelLoader):
    """Flask-Admin's loader, searching a person index or every typed word in the fields.

    Options beyond Flask-Admin's: person (a PersonSearch: its index answers, and IDs are
    searched only for users who may see them), label (model -> the text a result shows) and
    load (loader options for the query, e.g. joinedload of what the label shows).
    """

    def __init__(self, name: str, session: Any, model: Any, **options: Any) -> None:
        self.person: PersonSearch | None = options.get("person")
        self.label: Callable[[Any], str] | None = options.get("label")
        self.load: tuple[Any, ...] = tuple(options.get("load", ()))
        if self.person is not None:
            options = {"fields": self.person.name_columns, **options}
        super().__init__(name, session, model, **options)

    def format(self, model: Any) -> tuple[Any, str] | None:
        if not model or self.label is None:
            return super().format(model)
        return getattr(model, self.pk), self.label(model)

    def get_query(self) -> Any:
        query = super().get_query()
        return query.options(*self.load) if self.load else query

    def get_list(self, term: str, offset: int = 0, limit: int = DEFAULT_PAGE_SIZE) -> Any:
        query = self.get_query().filter(self.condition(term))
        if self.filters:
            table = self.model.__tablename__.lower()
            query = query.filter(and_(*(text(f"{table}.{value}") for value in self.filters)))
        if self.order_by:
            query = query.order_by(self.order_by)
        return query.offset(offset).limit(limit).all()

    def condition(self, term: str | None) -> Any:
        if self.person is not None:
            return person_condition(self.person, term, whole_ids_for_everyone=False)
        # Every word typed must be in some field; Thai digits find the codes' Arabic ones.
        conditions = []
        for word in normalize_text(term or "").split():
            variants = {word, to_arabic_digits(word)}
            conditions.append(
                or_(
                    *(
                        cast(field, String).ilike(f"%{like_escape(variant)}%", escape="\\")
                        for field in self._cached_fields
                        for variant in variants
                    )
                )
            )
        return and_(*conditions) if conditions else true()


def picker_loader(model: Any, session: Any, name: str, field: str, options: dict) -> PickerLoader:
    """The loader of model's relationship field, as Flask-Admin's create_ajax_loader makes it."""
    attribute = getattr(model, field, None)
    if attribute is None or not is_relationship(attribute):
        raise ValueError(f"{model}.{field} is not a relation.")
    return PickerLoader(name, session, attribute.prop.mapper.class_, **options)


class PickerInlineConverter(InlineModelConverter):
    """Inline forms' ajax refs given as options become PickerLoaders too."""

    def process_ajax_refs(self, info: Any) -> dict[Any, Any]:
        refs = getattr(info, "form_ajax_refs", None) or {}
        info.form_ajax_refs = {
            name: picker_loader(info.model, self.session, name, name, opts)
            if isinstance(opts, dict)
            else opts
            for name, opts in refs.items()
        }
        return super().process_ajax_refs(info)


class PickerViewMixin:
    """A model view whose pickers (form_ajax_refs, inline ones too) are PickerLoaders."""

    inline_model_form_converter = PickerInlineConverter

    def _create_ajax_loader(self, name: str, options: dict[str, Any]) -> PickerLoader:
        return picker_loader(self.model, self.session, name, name, options)

"""Lists that stay fast at a million rows: counts that don't scan, seek pagination.

- Counting stops at COUNT_LIMIT rows (config LIST_COUNT_LIMIT): a list with more says
  "more than 10,000" (or, unfiltered, "about 1,000,000" from the database's own statistics)
  and pages with previous/next instead of numbered pages.
- A list ordered by its key (the teacher list's default) pages by seeking: the pager's
  "next" link carries the last row's id (?after=), "previous" the first row's (?before=), so a
  page deep in the list reads its 50 rows from the index instead of skipping 500,000.
  A page number without a key (a typed or bookmarked URL) still works, by OFFSET.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as url_quote

from flask import current_app, g, request
from flask_admin.babel import gettext as admin_gettext
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import joinedload

from keys import MAX_KEY
from models import db

COUNT_LIMIT = 10_000
KEYSET_ARGS = ("after", "before")
# Stands for the row's id in a link built once for a whole page (row_url).
ROW_ID = "SAMATTA-ROW-ID"
# Filters no row without the related record passes: their joins may be inner joins, which
# lets the database start from the related table (one province → its colleges → their
# teachers) instead of reading every teacher.
MATCHING_FILTERS = frozenset(
    getattr(sqla_filters, name)
    for name in (
        "FilterEqual",
        "FilterLike",
        "FilterInList",
        "FilterGreater",
        "FilterSmaller",
        "BooleanEqualFilter",
        "IntEqualFilter",
        "IntGreaterFilter",
        "IntSmallerFilter",
        "IntInListFilter",
        "FloatEqualFilter",
        "FloatGreaterFilter",
        "FloatSmallerFilter",
        "FloatInListFilter",
        "DateEqualFilter",
        "DateGreaterFilter",
        "DateSmallerFilter",
        "DateBetweenFilter",
        "DateTimeEqualFilter",
        "DateTimeGreaterFilter",
        "DateTimeSmallerFilter",
        "DateTimeBetweenFilter",
        "EnumEqualFilter",
    )
)


def count_limit() -> int:
    return int(current_app.config.get("LIST_COUNT_LIMIT", COUNT_LIMIT))


def capped_count(session: Any, query: Any, model: Any, limit: int) -> int:
    """How many rows a query of a model gives, counting no further than limit + 1."""
    key = sa_inspect(model).primary_key
    rows = query.with_entities(*key).order_by(None).limit(limit + 1).subquery()
    return session.scalar(select(func.count()).select_from(rows)) or 0


def estimated_rows(session: Any, model: Any) -> int:
    """A table's size from the database's statistics, without reading its rows."""
    table = model.__table__.name
    if session.get_bind().dialect.name == "postgresql":
        estimate = session.scalar(
            text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:table)"),
            {"table": table},
        )
        if estimate is not None and estimate > 0:
            return int(estimate)
    # The largest key: the size as long as little was deleted (an index lookup).
    key = sa_inspect(model).primary_key[0]
    return int(session.scalar(select(func.max(key))) or 0)


def table_size_text(session: Any, model: Any) -> str:
    """How many rows a table holds, for people: exact up to the count limit, beyond it
    "about N" from the database's statistics (a million rows are not counted one by one)."""
    limit = count_limit()
    total = capped_count(session, session.query(model), model, limit)
    if total <= limit:
        return format_decimal(total)
    estimate = max(estimated_rows(session, model), total)
    return _("about %(count)s", count=format_decimal(estimate))


def _key_arg(name: str) -> int | None:
    value = request.args.get(name, type=int)
    if value is None or not -MAX_KEY <= value <= MAX_KEY:
        return None
    return value


class ListingMixin:
    """get_list with capped counts and seek pagination (in SecureModelView's bases)."""

    # ----------------------------------------------------------------- the order

    def keyset_order(self, sort_column: Any, sort_desc: bool) -> tuple[Any, bool] | None:
        """(key column, descending) when the list is ordered by its key alone, else None."""
        key = sa_inspect(self.model).primary_key
        if len(key) != 1:
            return None
        column = key[0]
        if sort_column is not None:
            field = self._sortable_columns.get(sort_column)
            if field is not None and getattr(field, "key", None) == column.key:
                return column, bool(sort_desc)
            return None
        order = list(self._get_default_order() or [])
        if len(order) == 1:
            attr, joins, descending = order[0]
            if not joins and getattr(attr, "key", None) == column.key:
                return column, bool(descending)
        return None

    # ----------------------------------------------------------------- the list

    def _get_list_extra_args(self) -> Any:
        view_args = super()._get_list_extra_args()
        for name in KEYSET_ARGS:
            view_args.extra_args.pop(name, None)
        g.list_view_args = view_args
        return view_args

    def get_list(
        self,
        page: int | None,
        sort_column: Any,
        sort_desc: bool,
        search: str | None,
        filters: Any,
        execute: bool = True,
        page_size: int | None = None,
    ) -> tuple[int | None, Any]:
        joins: dict[Any, Any] = {}
        count_joins: dict[Any, Any] = {}
        query = self.get_query()
        if self._search_supported and search:
            query, _c, joins, count_joins = self._apply_search(
                query, None, joins, count_joins, search
            )
        if filters and self._filters:
            query, _c, joins, count_joins = self._apply_filters(
                query, None, joins, count_joins, filters
            )
        counted = query
        for join in self._auto_joins:
            query = query.options(joinedload(join))
        size = self.page_size if page_size is None else page_size
        seek = self.seek_request(page, sort_column, sort_desc, size)
        if seek is not None:
            query, backwards = self.apply_seek(query, *seek, size)
        else:
            backwards = False
            query, joins = self._apply_sorting(query, joins, sort_column, sort_desc)
            query = self._apply_pagination(query, page, page_size)
        if not execute:
            return self.count_of(counted, search, filters), query
        rows = query.all()
        if backwards:
            rows.reverse()
        self.remember_keys(page, sort_column, sort_desc, rows)
        if not page and seek is None and size and len(rows) < size:
            # The whole list fits on its first page: its rows are its count (most searches
            # and filters), and the database need not find them a second time.
            g.list_count_text = None
            return (None if self.simple_list_pager else len(rows)), rows
        return self.count_of(counted, search, filters), rows

    def count_of(self, query: Any, search: str | None, filters: Any) -> int | None:
        return None if self.simple_list_pager else self.list_count(query, search, filters)

    def _apply_filters(self, query, count_query, joins, count_joins, filters):
        for index, _name, value in filters:
            flt = self._filters[index]
            alias = None
            if isinstance(flt, sqla_filters.BaseSQLAFilter):
                path = self._filter_joins.get(flt.key_name or flt.column, [])
                inner = type(flt) in MATCHING_FILTERS
                query, joins, alias = self._apply_path_joins(query, joins, path, inner_join=inner)
            try:
                query = flt.apply(query, flt.clean(value), alias)
            except TypeError:  # a filter of the old kind, without the alias argument
                query = flt.apply(query, flt.clean(value))
        return query, count_query, joins, count_joins

    def list_count(self, query: Any, search: str | None, filters: Any) -> int | None:
        """The exact count up to the limit; beyond it None (a previous/next pager)."""
        limit = count_limit()
        total = self.count_from_index(search, filters, limit)
        if total is None:
            total = capped_count(db.session, query, self.model, limit)
        if total <= limit:
            g.list_count_text = None
            return total
        if not search and not filters:
            estimate = max(estimated_rows(db.session, self.model), total)
            g.list_count_text = _("about %(count)s", count=format_decimal(estimate))
        else:
            g.list_count_text = _("more than %(count)s", count=format_decimal(limit))
        return None

    def count_from_index(self, search: str | None, filters: Any, limit: int) -> int | None:
        """A count an index gives without reading rows (admin/search.py), or None."""
        return None

    # ----------------------------------------------------------------- seeking

    def seek_request(self, page: int | None, sort_column: Any, sort_desc: bool, size: int) -> Any:
        """(order, key, forwards) when this request names a key to seek from, else None."""
        if not page or not size or not request.endpoint or ".index_view" not in request.endpoint:
            return None
        order = self.keyset_order(sort_column, sort_desc)
        if order is None:
            return None
        after, before = _key_arg("after"), _key_arg("before")
        if after is not None:
            return order, after, True
        if before is not None:
            return order, before, False
        return None

    def apply_seek(self, query: Any, order: Any, key: int, forwards: bool, size: int):
        column, descending = order
        # Reading backwards (the previous page) runs the order the other way, then flips.
        ascending = forwards != descending
        condition = column > key if ascending else column < key
        query = query.filter(condition).order_by(column.asc() if ascending else column.desc())
        return query.limit(size), not forwards

    def remember_keys(
        self, page: int | None, sort_column: Any, sort_desc: bool, rows: list[Any]
    ) -> None:
        if not rows or self.keyset_order(sort_column, sort_desc) is None:
            g.list_keys = None
            return
        key = sa_inspect(self.model).primary_key[0].key
        g.list_keys = (page or 0, getattr(rows[0], key), getattr(rows[-1], key))

    def _get_list_url(self, view_args: Any) -> str:
        keys = g.get("list_keys")
        current = g.get("list_view_args")
        if keys and current is not None and self._same_list(view_args, current):
            page, first, last = keys
            target = view_args.page or 0
            extra = dict(view_args.extra_args)
            if target == page + 1:
                extra["after"] = last
            elif target == page - 1 and target > 0:
                extra["before"] = first
            elif target == page and target > 0:
                for name in KEYSET_ARGS:
                    if _key_arg(name) is not None:
                        extra[name] = _key_arg(name)
            view_args = view_args.clone(extra_args=extra)
        return super()._get_list_url(view_args)

    @staticmethod
    def _same_list(view_args: Any, current: Any) -> bool:
        return (
            view_args.sort == current.sort
            and bool(view_args.sort_desc) == bool(current.sort_desc)
            and view_args.search == current.search
            and list(view_args.filters or []) == list(current.filters or [])
            and (view_args.page_size or 0) == (current.page_size or 0)
        )

    # ----------------------------------------------------------------- the page

    def row_text(self, text: Any) -> str:
        """A row action's words, translated once per page: a lazy title (an action's) or one
        of Flask-Admin's own messages. Seven translations a row were a sixth of a page's time.
        """
        done = g.setdefault("row_texts", {})
        key = text if isinstance(text, str) else id(text)
        if key not in done:
            done[key] = admin_gettext(text) if isinstance(text, str) else str(text or "")
        return done[key]

    def row_url(self, endpoint: str, row_id: Any = None, return_url: str | None = None) -> str:
        """url_for(endpoint, id=row_id, url=return_url), built once per page and endpoint
        (without a row id: the endpoint's plain URL, as a row's delete form posts to).

        A list of 50 rows asks for 100 such links (see, edit): building each through the
        URL map was a fifth of the page's time at a million teachers. The row's id is the
        only part that changes, so it is put into the URL built for a placeholder.
        """
        built = g.setdefault("row_urls", {})
        if row_id is None:
            if endpoint not in built:
                built[endpoint] = self.get_url(endpoint)
            return built[endpoint]
        pattern = built.get((endpoint, return_url))
        if pattern is None:
            pattern = built[(endpoint, return_url)] = self.get_url(
                endpoint, id=ROW_ID, url=return_url
            )
        return pattern.replace(ROW_ID, url_quote(str(row_id), safe=""))

    def render(self, template: str, **kwargs: Any) -> Any:
        if template == self.list_template and g.get("list_count_text"):
            kwargs["count"] = g.list_count_text
        return super().render(template, **kwargs)


__all__ = ["ListingMixin", "capped_count", "estimated_rows", "table_size_text"]

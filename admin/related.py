"""A record's related records on its details page: a small table with a link per row.

Flask-Admin shows a list relation as its items' names joined by commas; a clerk reading a
unit's qualifications or a training's participants wants them one per line, with what
tells them apart (a code, a date, a college) and a way to open each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape


@dataclass(frozen=True)
class Cell:
    """One column of the table: its heading, the text of an item, and where it links."""

    title: Any
    text: Callable[[Any], Any]
    # The endpoint of the details page the cell links to, and the id of the record to open.
    link: tuple[str, Callable[[Any], Any]] | None = None
    nowrap: bool = False


def cell_html(cell: Cell, item: Any) -> Markup:
    text = cell.text(item)
    shown = escape("—" if text in (None, "") else text)
    if cell.link is not None:
        endpoint, record = cell.link
        key = record(item)
        if key is not None:
            shown = Markup('<a href="{}">{}</a>').format(url_for(endpoint, id=key), shown)
    if cell.nowrap:
        return Markup('<td class="text-nowrap">{}</td>').format(shown)
    return Markup("<td>{}</td>").format(shown)


def related_table(items: Iterable[Any], cells: Sequence[Cell], empty: Any) -> Markup:
    """The items as a small table (or the empty text when there are none)."""
    items = list(items)
    if not items:
        return Markup('<span class="text-muted">{}</span>').format(empty)
    head = Markup("").join(Markup("<th>{}</th>").format(cell.title) for cell in cells)
    rows = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(cell_html(cell, item) for cell in cells))
        for item in items
    )
    count = Markup('<p class="small text-muted mb-0">{}</p>').format(
        _("%(count)s in all", count=f"{len(items):,}")
    )
    return Markup(
        '<table class="table table-sm table-bordered related-table mb-1">'
        '<thead class="thead-light"><tr>{}</tr></thead><tbody>{}</tbody></table>{}'
    ).format(head, rows, count)


def related(
    relation: str, cells: Sequence[Cell], empty: Any, order: Callable[[Any], Any] | None = None
) -> Callable[..., Markup]:
    """A column_formatters_detail entry drawing the record's `relation` as a table."""

    def formatter(view: Any, context: Any, model: Any, name: str) -> Markup:
        items = list(getattr(model, relation))
        if order is not None:
            items.sort(key=order)
        return related_table(items, cells, empty)

    return formatter

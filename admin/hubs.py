"""A record's page as a hub: short tables of what ties to the record, linked to full lists.

A Section is one such table (its first rows, how many there are, and the URL of the full
list filtered on the record); filtered_list_url builds that URL the way the list's own
filter form would. The agency and teacher pages (admin/agencies.py, admin/teachers.py)
gather their sections with these and render them with templates/admin/hubs/_macros.html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_admin.model.filters import BaseFilter
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import Select, func, select

from admin.base import choice_label
from admin.mous import status_formatter
from admin.registry import model_view
from models import Agency, AgencyKind, ExcellenceGroup, PlacementStep, db
from thai.dates import fiscal_year_label

# A hub section shows this many rows, then links to the full list.
HUB_ROWS = 10


# --------------------------------------------------------------------------- sections


@dataclass
class Section:
    """One table of a hub: its first rows, how many there are, and the full list."""

    rows: list[Any]
    total: int
    more_url: str | None = None

    @classmethod
    def of(cls, rows: Any) -> Section:
        """A section that shows all its rows."""
        rows = list(rows)
        return cls(rows, len(rows))

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def section(query: Select, more_url: str | None = None, limit: int = HUB_ROWS) -> Section:
    """Count a query's rows and load the first few (two queries, however many rows)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(db.session.scalars(query.limit(limit)).unique()) if total else []
    return Section(rows, total or 0, more_url if (total or 0) > len(rows) else None)


# --------------------------------------------------------------------------- links to full lists


def filtered_list_url(endpoint: str, match: Callable[[BaseFilter], bool], value: str) -> str | None:
    """Return the URL of a list filtered as its own filter form writes it, or None.

    The argument's name comes from the list's view, so the link follows that view's
    filters. None when the filter is missing, or when its name is shared with another
    filter or changes with the language (Flask-Admin's default for Thai labels): the list
    would then apply another filter, or none.
    """
    view = model_view(endpoint)
    filters = list(getattr(view, "_filters", None) or ())
    found = [index for index, flt in enumerate(filters) if match(flt)]
    if not found:
        return None
    index = found[0]
    names = [view.get_filter_arg(i, flt) for i, flt in enumerate(filters)]
    with force_locale("en"):
        stable = view.get_filter_arg(index, filters[index]) == names[index]
    if not stable or names.count(names[index]) != 1:
        return None
    return url_for(f"{endpoint}.index_view", **{f"flt0_{names[index]}": value})


def equals_on(path: str) -> Callable[[BaseFilter], bool]:
    """Match the "equals" filter Flask-Admin makes from a column path such as college.name_th."""
    *relations, column = path.split(".")

    def match(flt: BaseFilter) -> bool:
        # Flask-Admin keys a related column's filter as <relations>.<table>.<column>.
        parts = (getattr(flt, "key_name", None) or "").split(".")
        return type(flt) is FilterEqual and parts[:-2] == relations and parts[-1] == column

    return match


# --------------------------------------------------------------------------- the templates' helpers


def agency_link(agency: Agency | None) -> Any:
    """An agency's name linked to its page."""
    if agency is None:
        return ""
    url = url_for("agency.details_view", id=agency.id)
    return Markup('<a href="{}">{}</a>').format(url, agency.name_th)


def agency_link_formatter(view: Any, context: Any, model: Any, name: str) -> Any:
    return agency_link(getattr(model, name, None))


HUB_HELPERS = {
    "agency_link": agency_link,
    "mou_status": lambda mou: status_formatter(None, None, mou, "status"),
    "step_label": lambda value: choice_label(PlacementStep, value),
    "tier_label": lambda value: choice_label(ExcellenceGroup, value),
    "kind_label": lambda value: choice_label(AgencyKind, value),
    "fiscal_year_label": fiscal_year_label,
}

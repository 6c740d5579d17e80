"""The placement list's filters on fixed URL names, and its "needs attention" links.

Each filter is one condition of processes.placement_rules; the home page and the list's
quick links name them in URLs (?flt_mou=0), so the names are a contract.
"""

from __future__ import annotations

from typing import Any

from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, not_, select

from admin.base import db_options
from models import Placement, PlacementRound, PlacementStep, db, today
from processes import placement_rules as rules
from thai.dates import fiscal_year_label


class NamedFilter(BaseSQLAFilter):
    """A list filter whose URL argument has a fixed name (flt_<url_name>=value).

    Flask-Admin reads any `flt<position>_<name>` argument, the position being optional, so
    `?flt_mou=0` (the home page's links) and `?flt0_mou=0` (the list's own links) both work.
    Each filter is one condition of processes.placement_rules.
    """

    url_name = ""
    values: Any = (("1", _l("Yes")),)

    def __init__(self, name: Any) -> None:
        super().__init__(Placement.id, name, options=self.values)

    def operation(self) -> Any:
        return _l("equals")

    def validate(self, value: Any) -> bool:
        return value in {code for code, _label in self.get_options(None) or ()}

    def clean(self, value: Any) -> Any:
        return value

    def condition(self, value: str) -> Any:
        raise NotImplementedError

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(self.condition(value))


class MouFilter(NamedFilter):
    url_name = "mou"
    values = (("0", _l("No valid MOU")), ("1", _l("Valid MOU or exception")))

    def condition(self, value: str) -> Any:
        valid = rules.valid_mou_clause()
        return valid if value == "1" else not_(valid)


class OpenFilter(NamedFilter):
    """Open placements (still on their way) or closed ones (completed or off the line)."""

    url_name = "open"
    values = (("1", _l("Open")), ("0", _l("Closed")))

    def condition(self, value: str) -> Any:
        is_open = Placement.status.in_(rules.OPEN_STEPS)
        return is_open if value == "1" else not_(is_open)


class LateFilter(NamedFilter):
    url_name = "late"
    values = (("1", _l("Late")), ("0", _l("On time")))

    def condition(self, value: str) -> Any:
        late = rules.late_clause()
        return late if value == "1" else not_(late)


class OverdueFilter(NamedFilter):
    url_name = "overdue"

    def condition(self, value: str) -> Any:
        return rules.overdue_clause(today())


class NoVisitFilter(NamedFilter):
    url_name = "novisit"

    def condition(self, value: str) -> Any:
        return rules.no_visit_clause(today())


class PostDueFilter(NamedFilter):
    url_name = "postdue"

    def condition(self, value: str) -> Any:
        return rules.post_report_due_clause()


def fiscal_year_options() -> list[tuple[str, str]]:
    years = db.session.scalars(
        select(PlacementRound.fiscal_year).order_by(PlacementRound.fiscal_year.desc())
    )
    return [(str(year), fiscal_year_label(year)) for year in years]


class FiscalYearFilter(NamedFilter):
    url_name = "fy"
    values = staticmethod(db_options(fiscal_year_options))

    def validate(self, value: Any) -> bool:
        text = str(value).strip()
        return text.isdigit() and len(text) == 4

    def condition(self, value: str) -> Any:
        rounds = select(PlacementRound.id).where(PlacementRound.fiscal_year == int(value))
        return Placement.round_id.in_(rounds)


class StepFilter(NamedFilter):
    url_name = "step"
    values = PlacementStep.choices

    def condition(self, value: str) -> Any:
        return Placement.status == value


# The list's "needs attention" links: (filter URL name, value, label).
QUICK_LINKS = (
    ("mou", "0", _l("No valid MOU")),
    ("late", "1", _l("Late applications")),
    ("overdue", "1", _l("Overdue by the calendar")),
    ("novisit", "1", _l("No visit for 30 days")),
    ("postdue", "1", _l("Post report due")),
)


def quick_link_counts(filters: Any) -> list[tuple[str, str, str, int]]:
    """The "needs attention" links above the list: (name, value, label, how many)."""
    named = {getattr(f, "url_name", ""): f for f in filters or ()}
    links = []
    for name, value, label in QUICK_LINKS:
        condition = named[name].condition(value)
        number = db.session.scalar(select(func.count(Placement.id)).where(condition))
        links.append((name, value, str(label), number or 0))
    return links

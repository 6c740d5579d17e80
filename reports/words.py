"""The words of the reports: written here in Thai, printed in the printout's language.

A report is printed in Thai unless its form asks for English; the admin page and the CLI
build and draw it inside flask_babel.force_locale(language), and every word a report
prints goes through t() (or lt() where it is written at import time, as column titles
are). The English is in translations/en/LC_MESSAGES/reports.po, keyed by the Thai, so the
Thai printout is the Thai written here, word for word.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from flask_babel import Domain, LazyString

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = Domain(str(TRANSLATIONS), domain="reports")


def t(thai: str, **values: Any) -> str:
    """The words in the printout's language, named values filled in ("%(name)s")."""
    text = DOMAIN.gettext(thai)
    return text % values if values else text


def lt(thai: str, **values: Any) -> LazyString:
    """t(), asked when the words are read (for words written at import time)."""
    return LazyString(t, thai, **values)


def settle(value: Any) -> Any:
    """Return a copy of a built report (or any part of it) with its lazy words made plain
    text in the current language, so the renderers draw strings. A copy: the report's
    columns are often the module's own, which must stay lazy for the next printout."""
    if isinstance(value, LazyString):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: settle(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [settle(item) for item in value]
    if isinstance(value, tuple):
        return tuple(settle(item) for item in value)
    if isinstance(value, dict):
        return {settle(key): settle(item) for key, item in value.items()}
    return value

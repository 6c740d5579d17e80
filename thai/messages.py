"""The words of this library's error messages: Thai, unless the application translates them.

Each message is written here in Thai with named values ("%(value)s"); `message` fills them
in after passing the Thai through the installed translator. Without one (scripts, tests of
this library) the messages stay Thai; an application that speaks other languages installs
its own (i18n.py gives the English screen translations/en/LC_MESSAGES/thai.po).
"""

from __future__ import annotations

from collections.abc import Callable

Translator = Callable[[str], str]
# The language dates are shown in ("th", "en"), asked each time one is formatted.
Language = Callable[[], str]


def _unchanged(text: str) -> str:
    return text


def _thai() -> str:
    return "th"


_translate: Translator = _unchanged
_language: Language = _thai


def install(translator: Translator, language: Language = _thai) -> None:
    """Translate this library's messages with `translator` (Thai text in, a message out)
    and show dates in the language `language()` names."""
    global _translate, _language
    _translate = translator
    _language = language


def language() -> str:
    """The language the reader reads: "th" unless the application says otherwise."""
    return _language()


def message(thai: str, **values: object) -> str:
    """A message in the installed language, its named values filled in."""
    text = _translate(thai)
    return text % values if values else text

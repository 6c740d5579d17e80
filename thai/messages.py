"""The words of this library's error messages: Thai, unless the application translates them.

Each message is written here in Thai with named values ("%(value)s"); `message` fills them
in after passing the Thai through the installed translator. Without one (scripts, tests of
this library) the messages stay Thai; an application that speaks other languages installs
its own (i18n.py gives the English screen translations/en/LC_MESSAGES/thai.po).
"""

from __future__ import annotations

from collections.abc import Callable

Translator = Callable[[str], str]


def _unchanged(text: str) -> str:
    return text


_translate: Translator = _unchanged


def install(translator: Translator) -> None:
    """Translate this library's messages with `translator` (Thai text in, a message out)."""
    global _translate
    _translate = translator


def message(thai: str, **values: object) -> str:
    """A message in the installed language, its named values filled in."""
    text = _translate(thai)
    return text % values if values else text

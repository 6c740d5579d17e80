"""Break Thai text into lines that fit a width: at word boundaries, never inside a cluster.

Thai has no spaces between words, so a line may only break where pythainlp's newmm
tokenizer sees a word boundary (its dictionary ships in the wheel and works offline). A
word wider than the whole line is cut between character clusters, never between a
consonant and its vowels or tone marks. A person's name breaks only between given name and
surname, and a code never breaks at all unless it cannot fit.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import unicodedata
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth

# pythainlp keeps its data folder under the home directory unless told otherwise; the
# tokenizer needs nothing from it, but the folder must be writable.
os.environ.setdefault("PYTHAINLP_DATA", os.path.join(tempfile.gettempdir(), "pythainlp-data"))

THAI = re.compile("[\u0e00-\u0e7f]")
# Leading vowels (เ แ โ ใ ไ) belong to the consonant after them.
LEADING = set("\u0e40\u0e41\u0e42\u0e43\u0e44")
# Following vowels that are spacing characters yet must never start a line: ะ า ำ ๅ.
FOLLOWING = set("\u0e30\u0e32\u0e33\u0e45")
SPACE = re.compile(r"(\s+)")

_tokenizer_lock = threading.Lock()


def has_thai(text: str) -> bool:
    return THAI.search(text) is not None


def clusters(text: str) -> list[str]:
    """Split text into clusters that a line may break between."""
    out: list[str] = []
    attach = False  # the previous character was a leading vowel
    for char in text:
        joins = unicodedata.category(char) in ("Mn", "Me") or char in FOLLOWING
        if out and (attach or joins):
            out[-1] += char
        else:
            out.append(char)
        attach = char in LEADING
    return out


# Words of the trades that pythainlp's dictionary lacks, so that newmm cuts them into
# syllables ("ไฮ|ดร|อลิกส์") and a line could break inside them.
TRADE_WORDS = frozenset({"ไฮดรอลิกส์", "นิวแมติกส์", "นิวเมติกส์", "เมคคาทรอนิกส์", "เมคาทรอนิกส์", "ออโตเมชัน"})


@lru_cache(maxsize=1)
def dictionary():
    """pythainlp's dictionary with the trades' words, as newmm's trie (built once)."""
    from pythainlp.corpus import thai_words as dictionary_words
    from pythainlp.util import dict_trie

    return dict_trie(dictionary_words() | TRADE_WORDS)


@lru_cache(maxsize=65536)
def thai_words(text: str) -> tuple[str, ...]:
    """Words and spaces of a text (whitespace kept as its own pieces)."""
    if not has_thai(text):
        return tuple(piece for piece in SPACE.split(text) if piece)
    from pythainlp.tokenize import word_tokenize

    with _tokenizer_lock:  # the dictionary's trie is built once, on first use
        trie = dictionary()
        words = word_tokenize(text, custom_dict=trie, engine="newmm", keep_whitespace=True)
    return tuple(words)


OPENING = set("([{\u201c\u2018")
CLOSING = set(")]}\u201d\u2019,.;:!?%")


def glued(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words with brackets kept on them: "(" joins the word after, ")" the word before."""
    out: list[str] = []
    carry = ""
    for word in words:
        if word and all(char in OPENING for char in word):
            carry += word
        elif out and word and all(char in CLOSING for char in word) and not carry:
            out[-1] += word
        else:
            out.append(carry + word)
            carry = ""
    if carry:
        out.append(carry)
    return tuple(out)


def name_parts(text: str) -> tuple[str, ...]:
    """A full name as two unbreakable pieces: prefix and given name, then the surname."""
    given, space, surname = text.strip().partition(" ")
    return (given, space, surname) if space else (given,)


def pieces(text: str, kind: str = "text") -> tuple[str, ...]:
    """The pieces of a text that wrapping never cuts (unless one is wider than the page)."""
    text = " ".join(text.split())
    if kind == "code":
        return (text,) if text else ()
    if kind == "name":
        return name_parts(text)[::2] if text else ()
    out: list[str] = []
    for chunk in text.split(" "):
        out.extend(glued(thai_words(chunk)) if has_thai(chunk) else (chunk,))
    return tuple(piece for piece in out if piece.strip())


@lru_cache(maxsize=65536)
def wrap(text: str, font: str, size: float, width: float, kind: str = "text") -> tuple[str, ...]:
    """Lines of text no wider than width (explicit line breaks are kept)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(wrap_paragraph(paragraph, font, size, width, kind))
    return tuple(lines)


def wrap_paragraph(text: str, font: str, size: float, width: float, kind: str) -> list[str]:
    text = " ".join(text.split())
    if stringWidth(text, font, size) <= width:
        return [text]
    if kind == "name":
        chunks: tuple[str, ...] = name_parts(text)[::2]
    elif kind == "code":
        chunks = (text,)
    else:
        chunks = tuple(text.split(" "))
    lines: list[str] = []
    line = ""
    for chunk in chunks:
        # Whole space-separated chunks first; a chunk is cut into words (newmm) only
        # where a line ends inside it, so most cells never reach the tokenizer.
        joined = f"{line} {chunk}" if line else chunk
        if stringWidth(joined, font, size) <= width:
            line = joined
            continue
        words = glued(thai_words(chunk)) if kind == "text" and has_thai(chunk) else (chunk,)
        for index, word in enumerate(words):
            gap = " " if line and index == 0 else ""
            if stringWidth(line + gap + word, font, size) <= width:
                line += gap + word
                continue
            if line:
                lines.append(line)
                line = ""
            if stringWidth(word, font, size) <= width:
                line = word
                continue
            # A word wider than the line: cut it between clusters.
            for cluster in glued(tuple(clusters(word))):
                if line and stringWidth(line + cluster, font, size) > width:
                    lines.append(line)
                    line = ""
                line += cluster
    if line:
        lines.append(line)
    return lines or [""]

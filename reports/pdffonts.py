"""Sarabun for ReportLab: registered once, shaped by HarfBuzz, and readable back as text.

ReportLab 5 shapes TrueType text through HarfBuzz (uharfbuzz), which puts Thai tone marks
above upper vowels and keeps lower vowels clear of descenders. Shaping selects glyphs that
have no character of their own (a lowered tone mark, ฐ without its tail); ReportLab gives
each a private-use code, and its ToUnicode map then sends copy/paste and pdftotext to the
private-use area. make_to_unicode_cmap maps those codes back to the characters the glyphs
stand for (named in the font: uni0E48.small is U+0E48, yoYingthai.less is ญ), and every
drawn run also carries its original text as /ActualText (see pdfdraw.py).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import fontpkg_sarabun
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

FONT_FOLDER = Path(fontpkg_sarabun.ROOT) / "files"
REGULAR, BOLD = "Sarabun", "Sarabun-Bold"
FILES = {REGULAR: "Sarabun-Regular.ttf", BOLD: "Sarabun-Bold.ttf"}
UNI_NAME = re.compile(r"^(?:uni(?:[0-9A-F]{4})+|u[0-9A-F]{4,6})$")

# The Adobe Glyph List's names of the Thai consonants, U+0E01 to U+0E2E in order; fonts name
# their alternate forms after them (thoThanthai.less, yoYingthai.less, doChadathai.short).
THAI_GLYPH_NAMES = {
    name: 0x0E01 + index
    for index, name in enumerate(
        """kokaithai khokhaithai khokhuatthai khokhwaithai khokhonthai khorakhangthai
        ngonguthai chochanthai chochingthai chochangthai sosothai chochoethai yoyingthai
        dochadathai topatakthai thothanthai thonangmonthothai thophuthaothai nonenthai
        dodekthai totaothai thothungthai thothahanthai thothongthai nonuthai bobaimaithai
        poplathai phophungthai fofathai phophanthai fofanthai phosamphaothai momathai
        yoyakthai roruathai ruthai lolingthai luthai wowaenthai sosalathai sorusithai
        sosuathai hohipthai lochulathai oangthai honokhukthai""".split()
    )
}

_lock = threading.Lock()
_fonts: dict[str, TTFont] = {}


def register_fonts() -> None:
    """Register Sarabun regular and bold with ReportLab (once per process)."""
    with _lock:
        if _fonts:
            return
        for name, filename in FILES.items():
            font = TTFont(name, str(FONT_FOLDER / filename), shapable=True)
            pdfmetrics.registerFont(font)
            _fonts[name] = font
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
        if ttfonts.makeToUnicodeCMap is not make_to_unicode_cmap:
            ttfonts.makeToUnicodeCMap = make_to_unicode_cmap


def font(name: str) -> TTFont:
    register_fonts()
    return _fonts[name]


def glyph_text(font: TTFont, glyph_name: str) -> str:
    """The characters a glyph stands for, from its name ("uni0E48.small" -> U+0E48)."""
    base = glyph_name.split(".", 1)[0]
    if UNI_NAME.match(base):
        digits = base[3:] if base.startswith("uni") else base[1:]
        if base.startswith("uni"):
            return "".join(chr(int(digits[i : i + 4], 16)) for i in range(0, len(digits), 4))
        return chr(int(digits, 16))
    # A glyph named as in the Adobe Glyph List ("yoYingthai.less" is ญ without its tail).
    if base.lower() in THAI_GLYPH_NAMES:
        return chr(THAI_GLYPH_NAMES[base.lower()])
    hb_font = font.hbFont(10)
    gid = hb_font.get_glyph_from_name(base)
    chars = [c for c in font.face.glyphToChar.get(gid, []) if not 0xE000 <= c <= 0xF8FF]
    return chr(chars[0]) if chars else ""


def private_texts(font: TTFont) -> dict[int, str]:
    """{private-use code: characters} for the glyphs shaping gave private codes in a font."""
    names: dict[str, int] = getattr(font, "_TTFont__hbUnis", {}) or {}
    return {code: glyph_text(font, name) for name, code in names.items()}


def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with shaped glyphs mapped to their real characters."""
    face = fontname.split("+", 1)[-1]
    texts: dict[int, str] = {}
    for registered in _fonts.values():
        if registered.face.name.decode("latin-1") == face:
            texts = private_texts(registered)
            break
    entries = []
    for index, code in enumerate(subset):
        text = texts.get(code) or chr(code)
        target = "".join(f"{unit:04X}" for unit in utf16_units(text))
        entries.append(f"<{index:02X}> <{target}>")
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *entries,
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(cmap)


def utf16_units(text: str) -> list[int]:
    data = text.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]

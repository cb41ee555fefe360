"""The fonts the workbench draws with, bundled so that every machine prints the same.

DejaVu Sans (regular and bold, Bitstream Vera licence, ``assets/fonts/LICENSE.txt``) covers
the letters of German and Norwegian (ä ö ü ß æ ø å), the typographic marks of the catalogues
(„“ ‚‘ – • … €), Greek, Cyrillic, Hebrew and Arabic. :func:`printable` makes any text —
persona names typed by a user, category names from an upload — safe to draw with it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_DIR = Path(__file__).parent / "assets" / "fonts"
FONT_FILES: dict[str, Path] = {
    "regular": FONT_DIR / "DejaVuSans.ttf",
    "bold": FONT_DIR / "DejaVuSans-Bold.ttf",
}
REPLACEMENT = "\ufffd"
"""Drawn in place of a character the fonts have no glyph for (the Unicode replacement mark)."""

_INVISIBLE = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))  # control, format, surrogate, private
_SPACES = re.compile(r"[^\S\u00a0\u2007\u202f]+")  # white space, but not the no-break ones


@cache
def glyphs() -> frozenset[int]:
    """The code points that both bundled faces can draw (read once from their cmap tables)."""
    maps = [set(TTFont(path, lazy=True)["cmap"].getBestCmap()) for path in FONT_FILES.values()]
    return frozenset(set.intersection(*maps))


@cache
def advances(face: str) -> dict[int, float]:
    """Advance width of every character of ``face`` (``regular``, ``bold``) in em, to measure
    text without a renderer: a string's width is the sum of its characters' advances times the
    font size (no kerning, as fpdf2 and Pillow set it without text shaping)."""
    font = TTFont(FONT_FILES[face], lazy=True)
    metrics = font["hmtx"].metrics
    em = font["head"].unitsPerEm
    return {code: metrics[glyph][0] / em for code, glyph in font["cmap"].getBestCmap().items()}


def printable(text: str) -> str:
    """``text`` as one line the bundled fonts can draw.

    NFC-normalised (a decomposed ``a`` + combining diaeresis becomes ``ä``), runs of white space
    (new lines, tabs) become one space, as in HTML, except the no-break spaces that keep
    ``57 %`` and ``1 234`` together; control, format and private-use characters
    and lone surrogates are dropped (a NUL, a right-to-left mark); any other character without a
    glyph becomes :data:`REPLACEMENT`.
    """
    drawable = glyphs()
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()
    return "".join(
        char if ord(char) in drawable else REPLACEMENT
        for char in text
        if char == " " or unicodedata.category(char) not in _INVISIBLE
    )

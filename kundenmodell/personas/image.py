"""A persona card as a PNG image, drawn with Pillow (already a dependency of the workbench).

Text is set in the bundled DejaVu Sans (:mod:`kundenmodell.fonts`: umlauts, æøå, typographic
quotes on every machine), the quote in DejaVu Sans Oblique when the system has it. The
printable PDF of all cards is vector (:mod:`kundenmodell.personas.pdf`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from kundenmodell.fonts import FONT_FILES, printable
from kundenmodell.i18n import t
from kundenmodell.personas.profile import colour_rgb
from kundenmodell.personas.text import Sheet

WIDTH = 900
MARGIN = 44
AVATAR = 96
INK = (31, 41, 51)
MUTED = (82, 96, 109)
RULE = (217, 221, 227)
OBLIQUE = "DejaVuSans-Oblique.ttf"


@cache
def _font(style: str, size: int) -> ImageFont.FreeTypeFont:
    """A bundled face (``regular``, ``bold``); ``italic`` is the system's DejaVu Sans Oblique,
    or the regular face where it is not installed."""
    if style == "italic":
        try:
            return ImageFont.truetype(OBLIQUE, size)
        except OSError:
            style = "regular"
    return ImageFont.truetype(str(FONT_FILES[style]), size)


@dataclass
class _Line:
    text: str
    style: str
    size: int
    colour: tuple[int, int, int]
    indent: int = 0
    gap_before: int = 0


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Greedy word wrap of ``text`` to ``width`` pixels (a word longer than a line is cut), made
    :func:`~kundenmodell.fonts.printable` first."""
    lines: list[str] = []
    current = ""
    for word in printable(text).split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while draw.textlength(word, font=font) > width and len(word) > 1:
            cut = len(word)
            while cut > 1 and draw.textlength(word[:cut], font=font) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


def _body(sheet: Sheet, lang: str) -> list[_Line]:
    quote = t("persona_traits.quote_format", lang, quote=sheet.quote)
    lines = [
        _Line(quote, "italic", 22, INK, gap_before=18),
        _Line(sheet.description, "regular", 18, INK, gap_before=10),
    ]
    sections: list[tuple[str, Sequence[str]]] = [
        ("personas.card.traits", [f"• {item}" for item in sheet.traits]),
        ("personas.card.typical", [f"{label}: {value}" for label, value in sheet.facts]),
        ("personas.card.goals", [f"• {item}" for item in sheet.goals]),
        ("personas.card.pains", [f"• {item}" for item in sheet.pains]),
        ("personas.card.approach", [f"{label}: {value}" for label, value in sheet.approach]),
        ("personas.card.how_sure", [f"{label}: {value}" for label, value in sheet.how_sure]),
    ]
    for key, items in sections:
        lines.append(_Line(t(key, lang).upper(), "bold", 15, MUTED, gap_before=20))
        lines += [_Line(item, "regular", 17, INK, indent=0, gap_before=4) for item in items]
    return lines


def card_image(sheet: Sheet, lang: str) -> Image.Image:
    """The persona's profile sheet drawn as a card (white, the persona's colour on top)."""
    scratch = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    text_width = WIDTH - 2 * MARGIN
    laid: list[tuple[int, str, object, tuple[int, int, int]]] = []
    y = MARGIN + 10 + AVATAR + 8
    for line in _body(sheet, lang):
        font = _font(line.style, line.size)
        y += line.gap_before
        for part in _wrap(scratch, line.text, font, text_width - line.indent):
            laid.append((y, part, font, line.colour))
            y += int(line.size * 1.35)
    height = y + MARGIN
    colour = colour_rgb(sheet.colour)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 10], fill=colour)
    draw.rectangle([0, 0, WIDTH - 1, height - 1], outline=RULE)
    top = MARGIN + 6
    draw.ellipse([MARGIN, top, MARGIN + AVATAR, top + AVATAR], fill=colour)
    draw.text(
        (MARGIN + AVATAR / 2, top + AVATAR / 2),
        printable(sheet.initials),
        font=_font("bold", 36),
        fill="white",
        anchor="mm",
    )
    left = MARGIN + AVATAR + 22
    name_lines = _wrap(draw, sheet.name, _font("bold", 34), WIDTH - left - MARGIN)
    draw.text((left, top + 8), name_lines[0], font=_font("bold", 34), fill=INK)
    draw.text((left, top + 56), sheet.headline, font=_font("regular", 17), fill=MUTED)
    for y_pos, text, font, fill in laid:
        draw.text((MARGIN, y_pos), text, font=font, fill=fill)
    return image


def card_png(sheet: Sheet, lang: str) -> bytes:
    """:func:`card_image` as PNG bytes. Not size-optimised: the page makes one per card each
    time a card changes, and ``optimize`` would triple the time for a few percent."""
    buffer = io.BytesIO()
    card_image(sheet, lang).save(buffer, format="PNG")
    return buffer.getvalue()

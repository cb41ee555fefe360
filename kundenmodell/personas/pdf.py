"""Persona cards as a vector PDF: one A4 page per persona, its text selectable and searchable.

Drawn with fpdf2. The page shows the same profile sheet as the card on screen
(:func:`~kundenmodell.personas.text.sheet`, so user edits are in it) in the same order: the
persona's colour band, avatar and name, the quote, the description, then four key figures as
bars (share of buyers, share of revenue, stability with its 75 % mark, certainty), the traits
and typical purchase beside goals, pain points and how sure, and the recommended approach.
Bars, band and avatar are vector shapes; text is set in the bundled DejaVu Sans
(:mod:`kundenmodell.fonts`), of which fpdf2 embeds only the glyphs used, so five cards weigh
about 60 KiB instead of the 900 KiB of the former 150-dpi page images.

A card is always exactly one page, whatever a user typed: all text passes
:func:`~kundenmodell.fonts.printable`, lines wrap at spaces, a word longer than its line is cut,
every block has a line limit and ends in "…" beyond it, and a card still too long for the page
is set smaller step by step (:data:`SCALES`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fpdf import FPDF

from kundenmodell.fonts import FONT_FILES, advances, printable
from kundenmodell.i18n import BABEL_LOCALES, format_date, format_percent, t
from kundenmodell.personas.persona_set import PersonaSet
from kundenmodell.personas.profile import Persona, colour_rgb
from kundenmodell.personas.quality import STABLE_PERSONA
from kundenmodell.personas.text import Sheet, sheet

RGB = tuple[int, int, int]
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4 in mm
MARGIN = 16.0
BOTTOM = PAGE_HEIGHT - 17.0  # where the card ends and the footer begins
GUTTER = 8.0
POINT = 25.4 / 72  # mm per typographic point
LEADING = 1.25
SCALES = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6)
FAMILY = "DejaVu"
ELLIPSIS = "…"
INK: RGB = (31, 41, 51)
MUTED: RGB = (82, 96, 109)
RULE: RGB = (217, 221, 227)
TRACK: RGB = (230, 234, 238)
WHITE: RGB = (255, 255, 255)


@dataclass(frozen=True)
class _Style:
    """A text style: size in points at scale 1, weight, colour and the most lines a block of it
    may take before it is cut with an ellipsis."""

    size: float
    bold: bool = False
    colour: RGB = INK
    lines: int = 4


NAME = _Style(20, bold=True, lines=2)
HEADLINE = _Style(9.5, colour=MUTED, lines=2)
INITIALS = _Style(17, bold=True, colour=WHITE, lines=1)
QUOTE = _Style(12, lines=4)
BODY = _Style(9.5, lines=10)
HEADING = _Style(8.5, bold=True, colour=MUTED, lines=2)
ITEM = _Style(9, lines=4)
LABEL = _Style(8, colour=MUTED, lines=3)
FIGURE_LABEL = _Style(7.5, bold=True, colour=MUTED, lines=2)
FIGURE = _Style(16, bold=True, lines=1)
SMALL = _Style(7.5, colour=MUTED, lines=1)


@dataclass(frozen=True)
class _Figure:
    """One key figure: label, the number as text, and the share (0–1, NaN: no bar) it draws."""

    label: str
    value: str
    share: float
    mark: float | None = None
    caption: str = ""


def _figures(persona: Persona, lang: str) -> tuple[_Figure, ...]:
    def percent(share: float) -> str:
        return "–" if math.isnan(share) else format_percent(share, lang)

    return (
        _Figure(t("personas_pdf.share", lang), percent(persona.share), persona.share),
        _Figure(
            t("personas_pdf.revenue", lang), percent(persona.revenue_share), persona.revenue_share
        ),
        _Figure(
            t("personas.metric.stability", lang),
            percent(persona.stability),
            persona.stability,
            mark=STABLE_PERSONA,
            caption=t(
                "personas_pdf.stable_from", lang, threshold=format_percent(STABLE_PERSONA, lang)
            ),
        ),
        _Figure(
            t("personas.metric.certainty", lang), percent(persona.certainty), persona.certainty
        ),
    )


def _tint(colour: RGB, amount: float) -> RGB:
    """``colour`` mixed with white: ``amount`` 0 is white, 1 the colour itself."""
    red, green, blue = (round(255 - (255 - part) * amount) for part in colour)
    return red, green, blue


def _longest_prefix(word: str, width: float, measure: Callable[[str], float]) -> int:
    """How many characters of ``word`` fit in ``width`` (at least one; binary search)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


class _Card:
    """One persona page laid out at ``scale``. With ``draw`` False it only measures, so the
    caller can find the largest scale at which the card fits above :data:`BOTTOM`."""

    def __init__(self, pdf: FPDF, colour: RGB, scale: float, *, draw: bool) -> None:
        self.pdf = pdf
        self.colour = colour
        self.scale = scale
        self.draw = draw

    def _use(self, style: _Style) -> float:
        """Set ``style`` as the current font; the height of one of its lines in mm."""
        self.pdf.set_font(FAMILY, "B" if style.bold else "", style.size * self.scale)
        self.pdf.set_text_color(*style.colour)
        return style.size * self.scale * POINT * LEADING

    def lines(self, text: str, width: float, style: _Style) -> list[str]:
        """``text`` wrapped to ``width`` mm in ``style`` (greedy, at spaces; a word longer than
        the line is cut), at most ``style.lines`` lines: the last one then ends in "…"."""
        advance = advances("bold" if style.bold else "regular")
        size = style.size * self.scale * POINT

        def measure(part: str) -> float:
            return sum(advance.get(ord(char), 0.0) for char in part) * size

        space = measure(" ")
        lines: list[str] = []
        current, current_width = "", 0.0
        for word in text.split(" "):
            word_width = measure(word)
            if current and current_width + space + word_width <= width:
                current, current_width = f"{current} {word}", current_width + space + word_width
                continue
            if current:
                lines.append(current)
            while word_width > width and len(word) > 1 and len(lines) <= style.lines:
                cut = _longest_prefix(word, width, measure)
                lines.append(word[:cut])
                word = word[cut:]
                word_width = measure(word)
            current, current_width = word, word_width
            if len(lines) > style.lines:
                break
        if current:
            lines.append(current)
        if len(lines) <= style.lines:
            return lines or [""]
        last = lines[style.lines - 1]
        while last and measure(last + ELLIPSIS) > width:
            last = last[:-1]
        return [*lines[: style.lines - 1], last.rstrip() + ELLIPSIS]

    def text(self, x: float, y: float, width: float, text: str, style: _Style) -> float:
        """Draw ``text`` wrapped in a column; the y below it."""
        lines = self.lines(printable(text), width, style)
        height = self._use(style)
        if self.draw:
            for number, line in enumerate(lines):
                self.pdf.set_xy(x, y + number * height)
                self.pdf.cell(width, height, line)
        return y + len(lines) * height

    def heading(self, x: float, y: float, width: float, text: str) -> float:
        """A section heading in capitals over a thin rule with a stroke of the persona colour."""
        y = self.text(x, y, width, text.upper(), HEADING) + 0.8 * self.scale
        if self.draw:
            self.pdf.set_fill_color(*RULE)
            self.pdf.rect(x, y, width, 0.3, style="F")
            self.pdf.set_fill_color(*self.colour)
            self.pdf.rect(x, y - 0.25, 12 * self.scale, 0.8, style="F")
        return y + 2.5 * self.scale

    def bullets(self, x: float, y: float, width: float, items: Sequence[str]) -> float:
        """A list with round bullets in the persona colour and hanging lines."""
        indent = 4.2 * self.scale
        for item in items:
            if self.draw:
                line = self._use(ITEM)
                radius = 0.75 * self.scale
                self.pdf.set_fill_color(*self.colour)
                self.pdf.circle(x + radius, y + line / 2, radius, style="F")
            y = self.text(x + indent, y, width - indent, item, ITEM) + 1.2 * self.scale
        return y

    def pairs(
        self,
        x: float,
        y: float,
        width: float,
        rows: Sequence[tuple[str, str]],
        label_share: float = 0.36,
    ) -> float:
        """Label and value side by side, the label muted in a column of ``label_share`` of the
        width (a small table)."""
        label_width = width * label_share
        gap = 2.5 * self.scale
        for label, value in rows:
            below_label = self.text(x, y + 0.3 * self.scale, label_width, label, LABEL)
            below_value = self.text(
                x + label_width + gap, y, width - label_width - gap, value, ITEM
            )
            y = max(below_label, below_value) + 1.4 * self.scale
        return y

    def figures(self, x: float, y: float, width: float, figures: Sequence[_Figure]) -> float:
        """The key figures as framed tiles in a row: label, number, bar (and its mark)."""
        gap = 4 * self.scale
        pad = 3.2 * self.scale
        tile = (width - gap * (len(figures) - 1)) / len(figures)
        inner = tile - 2 * pad
        bar = 2.2 * self.scale
        label_height = 2 * self._use(FIGURE_LABEL)
        bottoms = []
        for number, figure in enumerate(figures):
            left = x + number * (tile + gap) + pad
            below = self.text(left, y + pad, inner, figure.label, FIGURE_LABEL)
            top = max(below, y + pad + label_height) + 0.8 * self.scale
            below = self.text(left, top, inner, figure.value, FIGURE) + 1.2 * self.scale
            if self.draw:
                self._bar(left, below, inner, bar, figure)
            below += bar + 1.2 * self.scale
            if figure.caption:
                below = self.text(left, below, inner, figure.caption, SMALL)
            bottoms.append(below)
        height = max(bottoms) + pad - y
        if self.draw:
            self.pdf.set_draw_color(*RULE)
            self.pdf.set_line_width(0.3)
            for number in range(len(figures)):
                self.pdf.rect(
                    x + number * (tile + gap),
                    y,
                    tile,
                    height,
                    round_corners=True,
                    corner_radius=2 * self.scale,
                )
        return y + height

    def _bar(self, x: float, y: float, width: float, height: float, figure: _Figure) -> None:
        self.pdf.set_fill_color(*TRACK)
        self.pdf.rect(x, y, width, height, style="F")
        if not math.isnan(figure.share):
            self.pdf.set_fill_color(*self.colour)
            self.pdf.rect(x, y, width * min(max(figure.share, 0.0), 1.0), height, style="F")
        if figure.mark is not None:
            self.pdf.set_fill_color(*INK)
            self.pdf.rect(x + width * figure.mark - 0.2, y - 0.8, 0.4, height + 1.6, style="F")

    def render(self, card: Sheet, figures: Sequence[_Figure], lang: str) -> float:
        """Lay out (and with ``draw`` draw) the whole card; the y where it ends."""
        pdf, scale = self.pdf, self.scale
        width = PAGE_WIDTH - 2 * MARGIN
        if self.draw:
            pdf.set_fill_color(*self.colour)
            pdf.rect(0, 0, PAGE_WIDTH, 9, style="F")
        top = 15.0
        avatar = 22 * scale
        if self.draw:
            pdf.circle(MARGIN + avatar / 2, top + avatar / 2, avatar / 2, style="F")
            self._use(INITIALS)
            pdf.set_xy(MARGIN, top)
            pdf.cell(avatar, avatar, printable(card.initials), align="C")
        left = MARGIN + avatar + 6 * scale
        y = self.text(left, top + 1.5 * scale, PAGE_WIDTH - MARGIN - left, card.name, NAME)
        y = self.text(left, y + 0.8 * scale, PAGE_WIDTH - MARGIN - left, card.headline, HEADLINE)
        y = max(y, top + avatar) + 6 * scale

        quote = t("persona_traits.quote_format", lang, quote=card.quote)
        pad = 4 * scale
        height = len(self.lines(printable(quote), width - 3 * pad, QUOTE)) * self._use(QUOTE)
        if self.draw:
            pdf.set_fill_color(*_tint(self.colour, 0.1))
            pdf.rect(MARGIN, y, width, height + 2 * pad, style="F")
            pdf.set_fill_color(*self.colour)
            pdf.rect(MARGIN, y, 1.6 * scale, height + 2 * pad, style="F")
        self.text(MARGIN + 2 * pad, y + pad, width - 3 * pad, quote, QUOTE)
        y += height + 2 * pad + 5 * scale
        y = self.text(MARGIN, y, width, card.description, BODY) + 5 * scale
        y = self.figures(MARGIN, y, width, figures) + 6.5 * scale

        column = (width - GUTTER) / 2
        right = MARGIN + column + GUTTER
        below_left = self.heading(MARGIN, y, column, t("personas.card.traits", lang))
        below_left = self.bullets(MARGIN, below_left, column, card.traits) + 3 * scale
        below_left = self.heading(MARGIN, below_left, column, t("personas.card.typical", lang))
        below_left = self.pairs(MARGIN, below_left, column, card.facts)
        below_right = self.heading(right, y, column, t("personas.card.goals", lang))
        below_right = self.bullets(right, below_right, column, card.goals) + 3 * scale
        below_right = self.heading(right, below_right, column, t("personas.card.pains", lang))
        below_right = self.bullets(right, below_right, column, card.pains) + 3 * scale
        below_right = self.heading(right, below_right, column, t("personas.card.how_sure", lang))
        below_right = self.pairs(right, below_right, column, card.how_sure)
        y = max(below_left, below_right) + 4 * scale
        y = self.heading(MARGIN, y, width, t("personas.card.approach", lang))
        return self.pairs(MARGIN, y, width, card.approach, label_share=0.22)


def _footer(pdf: FPDF, text: str, page: str) -> None:
    pdf.set_fill_color(*RULE)
    pdf.rect(MARGIN, BOTTOM + 5, PAGE_WIDTH - 2 * MARGIN, 0.3, style="F")
    pdf.set_font(FAMILY, "", SMALL.size)
    pdf.set_text_color(*SMALL.colour)
    pdf.set_xy(MARGIN, BOTTOM + 6.5)
    pdf.cell((PAGE_WIDTH - 2 * MARGIN) * 0.75, 5, printable(text))
    pdf.set_xy(MARGIN, BOTTOM + 6.5)
    pdf.cell(PAGE_WIDTH - 2 * MARGIN, 5, page, align="R")


def _document(lang: str, title: str, created: dt.datetime) -> FPDF:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.c_margin = 0
    pdf.add_font(FAMILY, "", FONT_FILES["regular"])
    pdf.add_font(FAMILY, "B", FONT_FILES["bold"])
    pdf.set_title(title)
    pdf.set_creator("Kundenmodell Workbench")
    pdf.set_lang(BABEL_LOCALES[lang].replace("_", "-"))
    pdf.set_creation_date(created)
    return pdf


def cards_pdf(personas: PersonaSet, lang: str, *, created: dt.datetime | None = None) -> bytes:
    """The persona set as a printable PDF in ``lang``: one A4 page per persona, each footed
    with the title, the date ``created`` (default: now) in the language's form and the page.

    Each card is laid out at the largest of :data:`SCALES` at which it ends above the footer
    (measured without drawing, then drawn at that scale).
    """
    created = created or dt.datetime.now().astimezone()
    title = t("personas.md.title", lang)
    pdf = _document(lang, title, created)
    footer = t("personas_pdf.footer", lang, title=title, date=format_date(created, lang))
    count = len(personas.personas)
    for number, persona in enumerate(personas.personas, start=1):
        card = sheet(persona, lang, personas.currency)
        figures = _figures(persona, lang)
        colour = colour_rgb(persona.colour)
        pdf.add_page()
        scale = next(
            (
                scale
                for scale in SCALES
                if _Card(pdf, colour, scale, draw=False).render(card, figures, lang) <= BOTTOM
            ),
            SCALES[-1],
        )
        _Card(pdf, colour, scale, draw=True).render(card, figures, lang)
        _footer(pdf, footer, t("personas_pdf.page", lang, page=number, pages=count))
    return bytes(pdf.output())

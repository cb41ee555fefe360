"""The printable persona PDF, read back with pypdf: real text (selectable, searchable) in three
languages, one page per persona, small, and unbreakable by what a user types as a name."""

import dataclasses
import datetime as dt
import io
import math
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader

from kundenmodell.fonts import FONT_DIR, REPLACEMENT, glyphs, printable
from kundenmodell.i18n import LANGUAGES, format_date, format_number, format_percent, t
from kundenmodell.personas import build
from kundenmodell.personas.pdf import BOTTOM, PAGE_HEIGHT, cards_pdf
from tests.data.personas import webshop

ROOT = Path(__file__).resolve().parents[2]
CREATED = dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.UTC)
SPECIAL = "Kjærø Ståhl-Strauß"  # æ ø å ß in a name a user typed
QUOTE = "Für 5 € ins Geschäft"
MM = 72 / 25.4  # PDF points per mm
HOSTILE_HEAD = "<script>alert('x')</script> \u202eשלום مرحبا\x00 😀👩‍👩‍👧 \x07\ud800 中文 "
HOSTILE = HOSTILE_HEAD + "W" * (2_000 - len(HOSTILE_HEAD))


@pytest.fixture(scope="module")
def personas():
    """Five personas of the webshop family (not made by kundenmodell.synth), the first one
    renamed by the user."""
    result = build(webshop.generate(3_000, seed=3), k=5, seed=0)
    return result.with_edits({0: {"name": SPECIAL, "quote": QUOTE}})


def _flat(text: str) -> str:
    """Extracted text with every run of white space (line ends, no-break spaces) as one space."""
    return " ".join(text.split())


def _read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    return reader, _flat("\n".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_text_figures_and_marks_are_real_text(personas, lang):
    pdf = cards_pdf(personas, lang, created=CREATED)
    reader, text = _read(pdf)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(reader.pages) == personas.k == 5
    assert len(pdf) < 150 * 1024, len(pdf)
    for persona in personas.personas:
        assert persona.name in text
        figures = [
            format_percent(persona.share, lang),
            format_percent(persona.revenue_share, lang),
            format_percent(persona.stability, lang),
            format_percent(persona.certainty, lang),
            format_number(persona.size, lang),
        ]
        for figure in figures:
            assert _flat(figure) in text, (persona.name, figure)
    for char in "æøåß€":
        assert char in text
    assert _flat(t("persona_traits.quote_format", lang, quote=QUOTE)) in text
    assert t("personas_pdf.share", lang) in text
    assert _flat(format_date(CREATED, lang)) in text
    assert t("personas_pdf.page", lang, page=5, pages=5) in text
    assert reader.metadata.title == t("personas.md.title", lang)


def test_german_quotes_and_numbers_are_german(personas):
    _, text = _read(cards_pdf(personas, "de", created=CREATED))
    assert f"„{QUOTE}“" in text
    assert "14.03.2026" in text
    stability = format_percent(personas.personas[0].stability, "de")
    assert stability.endswith("\xa0%")  # the German form, read back as "NN %"
    _, english = _read(cards_pdf(personas, "en", created=CREATED))
    assert "Mar 14, 2026" in english and "„" not in english


def _assert_within_card_area(pdf: bytes, lang: str) -> None:
    """Every piece of text lies on the page, and below the card's bottom line there is only the
    footer: a card that overflowed would put its last lines there or off the page."""
    reader = PdfReader(io.BytesIO(pdf))
    title = t("personas.md.title", lang)
    footer = t("personas_pdf.footer", lang, title=title, date=format_date(CREATED, lang))
    bottom = (PAGE_HEIGHT - BOTTOM) * MM
    for number, page in enumerate(reader.pages, start=1):
        below: list[str] = []
        outside: list[str] = []

        def visit(text, cm, tm, font, size, page=page, below=below, outside=outside):
            x, y = tm[4], tm[5]
            if not text.strip():
                return
            if not (0 <= x < float(page.mediabox.width) and 0 < y < float(page.mediabox.height)):
                outside.append(text)
            if y < bottom:
                below.append(_flat(text))

        page.extract_text(visitor_text=visit)
        assert not outside, outside
        expected = {
            _flat(footer),
            t("personas_pdf.page", lang, page=number, pages=len(reader.pages)),
        }
        assert set(below) == expected, below


def test_every_card_keeps_within_its_page(personas):
    _assert_within_card_area(cards_pdf(personas, "nb", created=CREATED), "nb")


@pytest.mark.parametrize("field", ["name", "description", "quote"])
def test_hostile_text_gives_a_valid_pdf(personas, field):
    """2,000 characters with markup, RTL text, NUL, a bell, a lone surrogate, emoji and CJK
    (which DejaVu lacks) in one field still make one readable page per persona, within it."""
    hostile = personas.with_edits({1: {field: HOSTILE}})
    pdf = cards_pdf(hostile, "de", created=CREATED)
    reader, text = _read(pdf)
    assert len(reader.pages) == personas.k
    assert len(pdf) < 150 * 1024
    assert "<script>alert('x')</script>" in text
    assert "\x00" not in text and "\x07" not in text
    assert "…" in text  # cut where the field's lines end (two for a name, ten for a description)
    if field != "name":
        assert "W" * 40 in text  # the 1,950-letter word is cut into lines
    assert personas.personas[2].name in text  # the next card is untouched
    _assert_within_card_area(pdf, "de")


def test_printable_keeps_letters_and_drops_what_cannot_be_drawn():
    assert printable("a\u0308") == "ä"
    assert printable("  zwei\n\tZeilen \r\n ") == "zwei Zeilen"
    assert printable("57\xa0%") == "57\xa0%"  # no-break space stays: the number keeps its sign
    assert printable("a\x00b\u200fc\ufeffd\ud800e") == "abcde"
    assert printable("中") == REPLACEMENT
    assert printable("„Grüße“ – • € æ ø å ß") == "„Grüße“ – • € æ ø å ß"


def test_bundled_fonts_cover_the_marks_and_ship_as_package_data():
    assert set(map(ord, "„“‚‘”«»–—•…€æøåÆØÅßäöüÄÖÜ")) <= glyphs()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["kundenmodell"]
    package = ROOT / "kundenmodell"
    shipped = {path for pattern in patterns for path in package.glob(pattern)}
    assert {path for path in FONT_DIR.iterdir() if path.is_file()} <= shipped
    assert {path.name for path in shipped} >= {
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "LICENSE.txt",
    }


def test_missing_figures_show_a_dash_and_no_bar(personas):
    """Purchases without amounts give no revenue share: the tile says "–" instead of "nan %"."""
    without = dataclasses.replace(
        personas,
        personas=tuple(
            dataclasses.replace(persona, revenue_share=math.nan) for persona in personas.personas
        ),
    )
    reader, text = _read(cards_pdf(without, "en", created=CREATED))
    assert len(reader.pages) == personas.k
    assert f"{t('personas_pdf.revenue', 'en')} –" in text
    assert "nan" not in text.lower()

"""Translations and locale-aware formatting for de, en and nb.

Each language is one TOML catalogue beside this file (``de.toml``, ``en.toml``, ``nb.toml``);
its tables nest keys, so ``[nav] data = "Daten"`` is the key ``nav.data``. The catalogues are
data only; this module is the one piece of code that reads them. Numbers, money and dates are
formatted with Babel's CLDR data, so German gets ``1.234,56 €`` and bokmål ``1 234,56 kr``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.numbers import format_compact_currency as _babel_format_compact_currency
from babel.numbers import format_compact_decimal as _babel_format_compact_decimal
from babel.numbers import format_currency as _babel_format_currency
from babel.numbers import format_decimal as _babel_format_decimal
from babel.numbers import format_percent as _babel_format_percent
from babel.numbers import get_currency_symbol

from kundenmodell.i18n.numbers import (
    BABEL_LOCALES,
    DEFAULT_CURRENCIES,
    DEFAULT_LANGUAGE,
    LANGUAGE_FACTS,
    currency_for,
    significant_decimals,
)

__all__ = [
    "BABEL_LOCALES",
    "DATE_INPUT_FORMATS",
    "DEFAULT_CURRENCIES",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_FACTS",
    "LANGUAGE_NAMES",
    "Formats",
    "catalogue",
    "currency_for",
    "currency_symbol",
    "format_date",
    "format_money",
    "format_money_short",
    "format_month",
    "format_number",
    "format_number_short",
    "format_percent",
    "has_key",
    "normalise_language",
    "t",
    "terminal_language",
    "value_label",
]

LANGUAGES: tuple[str, ...] = tuple(LANGUAGE_FACTS)
LANGUAGE_NAMES: dict[str, str] = {lang: facts.name for lang, facts in LANGUAGE_FACTS.items()}
DATE_INPUT_FORMATS: dict[str, str] = {
    lang: fact.date_input for lang, fact in LANGUAGE_FACTS.items()
}
"""How a date field shows its date in each language (the forms Streamlit's date input knows)."""

_CATALOGUE_DIR = Path(__file__).parent


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{full}."))
        else:
            flat[full] = str(value)
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All keys of one language as a flat ``{"nav.data": "Daten", ...}`` mapping."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    with (_CATALOGUE_DIR / f"{lang}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def normalise_language(lang: str | None) -> str:
    """Map user input such as ``"EN"``, ``"nb-NO"`` or ``"no"`` to a supported language code."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    if code in ("no", "nn"):
        code = "nb"
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Where a terminal says its language, in the order GNU gettext reads them."""
TERMINAL_FALLBACK = "en"


def terminal_language(environ: Mapping[str, str]) -> str:
    """The language of the command-line messages: the first supported language among
    :data:`LOCALE_VARIABLES` (``LANGUAGE`` may list several, ``de:en``), else English.

    A terminal that names no language (unset, ``C`` or ``POSIX``, as containers and CI
    machines run) gets English, the usual language of a terminal that did not choose, not
    the workbench's German default; a named language the workbench lacks (``fr_FR``) falls
    through to the next variable."""
    for variable in LOCALE_VARIABLES:
        for entry in environ.get(variable, "").split(":"):
            code = entry.strip().lower().replace("_", "-").split("-")[0].split(".")[0]
            code = "nb" if code in ("no", "nn") else code
            if code in LANGUAGES:
                return code
    return TERMINAL_FALLBACK


def t(key: str, lang: str, /, **params: Any) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled from ``params``.

    A key missing from the catalogue raises ``KeyError``: the catalogue test keeps all three
    languages complete, so a miss is a bug that should surface, not a blank label.
    """
    text = catalogue(lang)[key]
    return text.format(**params) if params else text


def has_key(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    """Whether ``key`` exists in the catalogue of ``lang``."""
    return key in catalogue(lang)


def value_label(column: str, value: object, lang: str) -> str:
    """The translated label of a coded value (``value_label("channel", "online", "de")`` →
    ``Onlineshop``); values without a catalogue entry, as in uploaded data, stay as they are."""
    key = f"{column}.{value}"
    return t(key, lang) if has_key(key, lang) else str(value)


def _pattern(kind: str, lang: str, decimals: int) -> str:
    """The locale's CLDR pattern for ``kind`` (decimal, currency, percent) with ``decimals`` digits.

    The locale pattern keeps its spacing and symbol position (``#,##0 %`` in de, ``¤#,##0.00``
    in en); only the fraction part is rewritten.
    """
    formats = getattr(Locale.parse(BABEL_LOCALES[lang]), f"{kind}_formats")
    pattern = formats["standard" if kind == "currency" else None].pattern.split(";")[0]
    fraction = "." + "0" * decimals if decimals else ""
    return re.sub(r"#,##0(\.[0#]+)?", "#,##0" + fraction, pattern, count=1)


def format_number(value: float, lang: str, *, decimals: int = 0) -> str:
    """``1234.5`` → ``1.234,5`` (de), ``1,234.5`` (en), ``1 234,5`` (nb)."""
    return _babel_format_decimal(
        value, format=_pattern("decimal", lang, decimals), locale=BABEL_LOCALES[lang]
    )


def format_money(value: float, currency: str, lang: str, *, decimals: int = 2) -> str:
    """``1234.56`` EUR → ``1.234,56 €`` (de), ``€1,234.56`` (en); NOK in nb → ``1 234,56 kr``."""
    return _babel_format_currency(
        value,
        currency,
        format=_pattern("currency", lang, decimals),
        locale=BABEL_LOCALES[lang],
        currency_digits=False,
    )


SHORT_MONEY_FROM = 10_000_000
"""From this amount on, :func:`format_money_short` writes millions and billions."""


def format_money_short(value: float, currency: str, lang: str) -> str:
    """A headline amount that fits a key-figure tile: whole units below
    :data:`SHORT_MONEY_FROM` (``1.234.567 €``), above it millions and billions with two
    decimals as the language abbreviates them (``1,96 Mrd. €``, ``$1.96B``, ``kr 1,96 mrd.``)."""
    if abs(value) < SHORT_MONEY_FROM:
        return format_money(value, currency, lang, decimals=0)
    return _babel_format_compact_currency(
        value, currency, locale=BABEL_LOCALES[lang], fraction_digits=2
    )


SHORT_NUMBER_FROM = 1_000_000
"""From this count on, :func:`format_number_short` writes millions and billions."""


def format_number_short(value: float, lang: str) -> str:
    """A headline count that fits a key-figure tile next to its unit: whole numbers below
    :data:`SHORT_NUMBER_FROM` (``774.628``), above it millions and billions with two decimals
    as the language abbreviates them (``1,77 Mio.``, ``1.77M``, ``1,77 mill.``)."""
    if abs(value) < SHORT_NUMBER_FROM:
        return format_number(value, lang)
    return _babel_format_compact_decimal(value, locale=BABEL_LOCALES[lang], fraction_digits=2)


def format_percent(share: float, lang: str, *, decimals: int = 0) -> str:
    """A share ``0.183`` as ``18 %`` (de), ``18%`` (en), ``18 %`` (nb)."""
    return _babel_format_percent(
        share, format=_pattern("percent", lang, decimals), locale=BABEL_LOCALES[lang]
    )


def format_date(value: dt.date | dt.datetime, lang: str) -> str:
    """A date in the locale's medium form: ``31.12.2024`` (de), ``Dec 31, 2024`` (en)."""
    return _babel_format_date(value, format="medium", locale=BABEL_LOCALES[lang])


def format_month(value: dt.date | dt.datetime, lang: str) -> str:
    """A month with its year, as the locale writes it: ``Dez. 2024`` (de), ``Dec 2024`` (en),
    ``des. 2024`` (nb)."""
    pattern = Locale.parse(BABEL_LOCALES[lang]).datetime_skeletons["yMMM"].pattern
    return _babel_format_date(value, format=pattern, locale=BABEL_LOCALES[lang])


def currency_symbol(currency: str, lang: str) -> str:
    """How ``lang`` writes the sign of ``currency`` (``€``, ``$``, ``kr``) for a field label."""
    return get_currency_symbol(currency, locale=BABEL_LOCALES[lang])


@dataclass(frozen=True)
class Formats:
    """Numbers, money, shares and dates in one language and currency, for code that writes many
    of them (a page, a report): ``Formats("de", "EUR").money(1234.4)`` → ``1.234 €``.

    Missing values (None, NaN) are written as ``–`` by :meth:`money` and :meth:`percent`.
    :meth:`of` picks the currency by the rule of :func:`currency_for`.
    """

    lang: str
    currency: str

    @classmethod
    def of(cls, lang: str, dataset_currency: str | None = None) -> Formats:
        """The formats of ``lang`` for a data set in ``dataset_currency`` (None: no data set)."""
        return cls(lang, currency_for(lang, dataset_currency))

    @property
    def symbol(self) -> str:
        """The currency's sign as this language writes it."""
        return currency_symbol(self.currency, self.lang)

    def number(self, value: float, decimals: int = 0) -> str:
        return format_number(value, self.lang, decimals=decimals)

    def number_short(self, value: float) -> str:
        """:func:`format_number_short`."""
        return format_number_short(value, self.lang)

    def money(self, value: float | None, decimals: int = 0) -> str:
        if value is None or not math.isfinite(value):
            return "–"
        return format_money(value, self.currency, self.lang, decimals=decimals)

    def money_short(self, value: float | None) -> str:
        """:func:`format_money_short`; ``–`` for missing values."""
        if value is None or not math.isfinite(value):
            return "–"
        return format_money_short(value, self.currency, self.lang)

    def percent(self, share: float | None, decimals: int = 0) -> str:
        if share is None or not math.isfinite(share):
            return "–"
        return format_percent(share, self.lang, decimals=decimals)

    def date(self, value: dt.date | dt.datetime) -> str:
        return format_date(value, self.lang)

    def significant(self, value: float, digits: int = 4) -> str:
        """``value`` with ``digits`` significant digits (model parameters such as ``0.01235``
        or ``1.235``): ``digits − 1 − floor(log10 |value|)`` decimals, never fewer than 0;
        ``–`` for missing values."""
        if value is None or not math.isfinite(value):
            return "–"
        return self.number(value, significant_decimals(value, digits))

    @property
    def percent_printf(self) -> str:
        """A printf pattern for whole percentages 0–100 as this language writes them
        (``%.0f %%`` with a no-break space in German and Norwegian, ``%.0f%%`` in English), for
        table columns that format numbers themselves (Streamlit's progress columns)."""
        return format_percent(0.0, self.lang).replace("%", "%%").replace("0", "%.0f")

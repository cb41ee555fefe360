"""The facts of each language's locale, and numbers as people type them.

:data:`LANGUAGE_FACTS` is the one table of what a language implies: its Babel/CLDR locale, its
default currency, its decimal mark and thousands separators. Everything else (the mapping of an
upload, the role examples, the scenario page, the number fields) reads it from here.

**Currency rule.** An amount is shown in the data set's own currency whenever there is a data
set (an upload names it, or the reader found it in the file; the synthetic generator sets its
locale's); only without a data set, or for a figure that belongs to none, the language's default
currency applies: EUR for German, USD for English (the workbench's English locale is ``en_US``,
and the English sample and synthetic data are in dollars), NOK for bokmål.
:func:`currency_for` is that rule.

:func:`parse_number` reads what a person typed into a number field in the page's language and
refuses what it cannot read without guessing: ``6.5`` in German is not six and a half (the
German decimal mark is the comma, and ``6.5`` is no valid thousands grouping either), so it is
rejected with a message that shows the right way to write it. Groupings are accepted only where
they are well formed (``1.234,5`` de, ``1 234,5`` nb, ``1,234.5`` en), a currency sign or a
percent sign around the number is ignored (the field's label says the unit).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from kundenmodell.errors import DataError


@dataclass(frozen=True)
class LanguageFacts:
    """What a language implies: its ``name`` in itself, ``locale`` (Babel/CLDR, also the
    synthetic generator's), the default ``currency`` (ISO 4217, see the module's currency
    rule), the ``decimal_mark``, the ``group_separator`` it writes between thousands (CLDR),
    the ``group_marks`` it accepts when reading typed numbers, an ``example`` of 1234.5 and the
    ``date_input`` form a date field shows (one Streamlit's date input knows)."""

    name: str
    locale: str
    currency: str
    decimal_mark: str
    group_separator: str
    group_marks: str
    example: str
    date_input: str


LANGUAGE_FACTS: dict[str, LanguageFacts] = {
    "de": LanguageFacts("Deutsch", "de_DE", "EUR", ",", ".", ".", "1.234,5", "DD.MM.YYYY"),
    "en": LanguageFacts("English", "en_US", "USD", ".", ",", ",", "1,234.5", "MM/DD/YYYY"),
    # bokmål groups with a no-break space; people also type a plain or narrow space, or a point
    "nb": LanguageFacts(
        "Norsk bokmål", "nb_NO", "NOK", ",", "\u00a0", " \u00a0\u202f.", "1 234,5", "DD.MM.YYYY"
    ),
}
"""The one table of locale facts per workbench language."""
DEFAULT_LANGUAGE = "de"
DEFAULT_FACTS = LANGUAGE_FACTS[DEFAULT_LANGUAGE]
"""The facts of the default language (German): a data set that names no currency or locale
is in euros and ``de_DE``."""

BABEL_LOCALES: dict[str, str] = {lang: fact.locale for lang, fact in LANGUAGE_FACTS.items()}
"""Language → Babel/CLDR locale (``de`` → ``de_DE``)."""
DEFAULT_CURRENCIES: dict[str, str] = {lang: fact.currency for lang, fact in LANGUAGE_FACTS.items()}
"""Language → the currency used when no data set says otherwise."""
DECIMAL_MARKS: dict[str, str] = {lang: fact.decimal_mark for lang, fact in LANGUAGE_FACTS.items()}
"""The decimal mark of each language, as CLDR has it."""
GROUP_MARKS: dict[str, str] = {lang: fact.group_marks for lang, fact in LANGUAGE_FACTS.items()}
"""Thousands separators accepted per language when reading what a person typed."""


def currency_for(lang: str, dataset_currency: str | None = None) -> str:
    """The currency to show amounts in: the data set's currency when it is known, else the
    default of ``lang`` (EUR de, USD en, NOK nb). Blank text counts as unknown."""
    known = (dataset_currency or "").strip().upper()
    return known or LANGUAGE_FACTS[lang].currency


_UNIT = r"(?:€|\$|£|kr\.?|nok|eur|usd|%)"
_UNITS = re.compile(rf"^\s*{_UNIT}?\s*(.*?)\s*{_UNIT}?\s*$", re.IGNORECASE)


@cache
def _grammar(lang: str) -> re.Pattern[str]:
    decimal = re.escape(DECIMAL_MARKS[lang])
    group = "[" + re.escape(GROUP_MARKS[lang]) + "]"
    return re.compile(rf"^[+-]?(?:\d{{1,3}}(?:{group}\d{{3}})+|\d+)(?:{decimal}\d+)?$")


def parse_number(text: str, lang: str) -> float:
    """The number a person wrote in ``lang``, or ``DataError("error.number.unreadable")``.

    ``"6,5"`` → 6.5 (de, nb); ``"1.234,5"`` → 1234.5 (de); ``"1 234,5"`` → 1234.5 (nb);
    ``"1,234.5"`` → 1234.5 (en); ``"−3"`` (typographic minus) → -3. Blank text raises
    ``error.number.empty``.
    """
    cleaned = text.replace("\u2212", "-").strip()
    if not cleaned:
        raise DataError("error.number.empty")
    match = _UNITS.match(cleaned)
    number = match.group(1) if match else cleaned
    if _grammar(lang).fullmatch(number) is None:
        raise DataError("error.number.unreadable", text=text.strip(), example=example(lang))
    groups = "[" + re.escape(GROUP_MARKS[lang]) + "]"
    plain = re.sub(groups, "", number).replace(DECIMAL_MARKS[lang], ".")
    value = float(plain)
    if not math.isfinite(value):
        raise DataError("error.number.unreadable", text=text.strip(), example=example(lang))
    return value


def example(lang: str) -> str:
    """How to write one thousand two hundred and thirty-four and a half in ``lang``."""
    return LANGUAGE_FACTS[lang].example


def check_range(
    value: float, lang: str, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    """``value`` if it lies in ``[minimum, maximum]``, else ``DataError("error.number.range")``
    with both bounds written in ``lang``."""
    from kundenmodell.i18n import format_number

    low = -math.inf if minimum is None else minimum
    high = math.inf if maximum is None else maximum
    if low <= value <= high:
        return value

    def shown(bound: float | None) -> str:
        return "–" if bound is None else format_number(bound, lang, decimals=_decimals(bound))

    if maximum is None:
        raise DataError("error.number.too_small", minimum=shown(minimum))
    if minimum is None:
        raise DataError("error.number.too_large", maximum=shown(maximum))
    raise DataError("error.number.range", minimum=shown(minimum), maximum=shown(maximum))


def _decimals(value: float) -> int:
    """Digits after the mark needed to show ``value`` exactly (at most 6)."""
    for digits in range(7):
        if round(value, digits) == value:
            return digits
    return 6


def format_numbers(
    values: Sequence[float] | np.ndarray, lang: str, *, decimals: int = 0
) -> list[str]:
    """Many numbers written in ``lang`` at once (a table column): ``1234.5`` → ``1.234,50`` (de)
    for ``decimals=2``; missing values become ``""``. The same text as
    :func:`kundenmodell.i18n.format_number` gives one by one (CLDR's separators), but written
    by Python's own ``{:,.2f}`` and one character translation instead of a Babel call per cell.
    """
    facts = LANGUAGE_FACTS[lang]
    group, decimal = facts.group_separator, facts.decimal_mark
    table = str.maketrans({",": group, ".": decimal})
    numbers = np.asarray(values, dtype="float64")
    pattern = f"{{:,.{decimals}f}}"
    return [
        "" if not math.isfinite(number) else pattern.format(number).translate(table)
        for number in numbers.tolist()
    ]


def significant_decimals(value: float, digits: int = 4) -> int:
    """Decimals that show ``value`` with ``digits`` significant digits (never negative):
    ``digits − 1 − floor(log10 |value|)``; 0 for 0 and non-finite values.
    ``significant_decimals(0.012345)`` → 5 (``0.01235``), ``significant_decimals(1234.5)`` → 0."""
    if not np.isfinite(value) or value == 0:
        return 0
    return max(digits - 1 - int(np.floor(np.log10(abs(value)))), 0)

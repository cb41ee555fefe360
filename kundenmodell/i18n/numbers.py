"""Numbers as people type them: ``6,5`` in German and bokmål, ``6.5`` in English.

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
from functools import cache

import numpy as np

from kundenmodell.errors import DataError

DECIMAL_MARKS: dict[str, str] = {"de": ",", "en": ".", "nb": ","}
"""The decimal mark of each language, as CLDR has it."""
GROUP_MARKS: dict[str, str] = {"de": ".", "en": ",", "nb": " \u00a0\u202f."}
"""Thousands separators accepted per language (bokmål writes a (narrow) space, some a point)."""

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
    return {"de": "1.234,5", "en": "1,234.5", "nb": "1 234,5"}[lang]


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


_SEPARATORS: dict[str, tuple[str, str]] = {
    "de": (".", ","),
    "en": (",", "."),
    "nb": ("\u00a0", ","),
}
"""Thousands separator and decimal mark each language writes (CLDR; bokmål groups with a
no-break space)."""


def format_numbers(
    values: Sequence[float] | np.ndarray, lang: str, *, decimals: int = 0
) -> list[str]:
    """Many numbers written in ``lang`` at once (a table column): ``1234.5`` → ``1.234,50`` (de)
    for ``decimals=2``; missing values become ``""``. The same text as
    :func:`kundenmodell.i18n.format_number` gives one by one (CLDR's separators), but written
    by Python's own ``{:,.2f}`` and one character translation instead of a Babel call per cell.
    """
    group, decimal = _SEPARATORS[lang]
    table = str.maketrans({",": group, ".": decimal})
    numbers = np.asarray(values, dtype="float64")
    pattern = f"{{:,.{decimals}f}}"
    return [
        "" if not math.isfinite(number) else pattern.format(number).translate(table)
        for number in numbers.tolist()
    ]

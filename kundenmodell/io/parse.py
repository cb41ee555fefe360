"""Typed values out of spreadsheet text: numbers, dates and Excel serial days, per column.

A column's format is decided from a sample of its values (the first rows and a strided sample
of the rest), then the whole column is converted with vectorised Arrow kernels:

* numbers with a decimal comma or point and any thousands mark (``1.234,56``, ``1,234.56``,
  ``1 234,56``, ``1'234.56``) and a currency sign or code before or after (``12,50 €``);
  where both readings fit every value (``1.234``) the file's hint decides (``;``-separated files
  use the decimal comma), and the columns that are unambiguous vote first;
* dates ``31.12.2024``, ISO ``2024-12-31`` (with time and a zone offset, which is dropped to keep
  the wall-clock time), ``12/31/2024`` or ``31/12/2024`` — day first when a first part exceeds
  12, month first when a second part does, otherwise the file's hint;
* Excel serial day numbers (days since 1899-12-30) and ``20241231`` only when the target is known
  to be a date (:func:`to_dates`), because a plain number column could be anything;
* accounting negatives ``(12,50)`` and ``12,50-`` (SAP, DATEV) as ``-12,50``.

Nothing is changed on the way: a column becomes integers only if every value is an integer that
reads back as written (no leading zero, no ``+``, no ``-0``, below 2**53 so that float64 keeps
it), otherwise ids and codes stay text, as do whole numbers written two ways (``1``, ``1.0``);
infinity and overflow (``1e309``) never become numbers;
a two-digit year is put in its century by a pivot like Excel's (00-29 → 20xx, 30-99 → 19xx); a
date column that mixes unambiguous forms (ISO and ``dd.mm.yyyy``) reads each value by its own.

Two modes: *lossless* (:func:`convert_lossless`, used when a file is read) converts a column only
if every value parses, so nothing the user wrote is lost; *coercing* (:func:`to_numbers`,
:func:`to_dates`, used when a column is mapped onto a canonical one) turns what does not parse
into missing values and returns a mask of those rows for the validation report.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Kind = Literal["text", "integer", "number", "date"]

SAMPLE_HEAD = 500
SAMPLE_STRIDES = 25
SAMPLE_STRIDE = 20
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
EXCEL_MAX_SERIAL = 2_958_465  # 9999-12-31
TIMESTAMP = pa.timestamp("us")
MISSING_MARKERS = ("#N/A", "#NV", "NULL", "null", "N/A", "n/a", "NaN", "nan", "None", "-")
"""Texts that spreadsheets and databases write for "no value"; a number or date column may
contain them and still be a number or date column."""

CURRENCIES: dict[str, str] = {
    "€": "EUR",
    "eur": "EUR",
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "chf": "CHF",
    "fr.": "CHF",
    "kr": "NOK",
    "kr.": "NOK",
    "nok": "NOK",
    "sek": "SEK",
    "dkk": "DKK",
}
_CURRENCY = r"(?:€|US\$|\$|£|EUR|USD|GBP|CHF|NOK|SEK|DKK|kr\.?|Fr\.)"
_MONEY = re.compile(
    rf"^\s*(?P<sign>[+-]?)\s*(?P<pre>{_CURRENCY})?\s*(?P<num>.*?)\s*(?P<post>{_CURRENCY})?\s*$",
    re.IGNORECASE,
)
_MONEY_RE2 = rf"(?i)^\s*([+-]?)\s*{_CURRENCY}?\s*(.*?)\s*{_CURRENCY}?\s*$"
_SPACES = "[ \u00a0\u202f']"
_SPACES_RE2 = r"[ \x{00a0}\x{202f}']"
_COMMA_DECIMAL = r"^[+-]?(?:\d{1,3}(?:(?:\.|SP)\d{3})+|\d+)(?:,\d+)?(?:[eE][+-]?\d+)?$"
_POINT_DECIMAL = r"^[+-]?(?:\d{1,3}(?:(?:,|SP)\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?$"
_NUMBER_PATTERNS = {
    ",": (
        re.compile(_COMMA_DECIMAL.replace("SP", _SPACES)),
        _COMMA_DECIMAL.replace("SP", _SPACES_RE2),
    ),
    ".": (
        re.compile(_POINT_DECIMAL.replace("SP", _SPACES)),
        _POINT_DECIMAL.replace("SP", _SPACES_RE2),
    ),
}
_LEADING_ZERO = re.compile(r"^[+-]?0\d")
SAFE_INTEGER = 2**53
"""Integers at or beyond this lose digits in float64 (where pandas puts numbers): such ids stay
text."""
YEAR_PIVOT = 29
"""Two-digit years up to this are 20xx, above it 19xx (Excel's rule)."""
_BRACKETED = r"^\s*\((.*)\)\s*$"
_TRAILING_MINUS = r"^\s*([^-\s].*\S)\s*-\s*$"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)?"
_DATE_FAMILIES = {
    "dotted": re.compile(rf"^(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}|\d{{2}}){_TIME}$"),
    "iso": re.compile(rf"^\d{{4}}-\d{{1,2}}-\d{{1,2}}{_TIME}\s*(?:Z|UTC|[+-]\d{{2}}:?\d{{2}})?$"),
    "slash": re.compile(rf"^(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}|\d{{2}}){_TIME}$"),
    "dash": re.compile(rf"^(\d{{1,2}})-(\d{{1,2}})-(\d{{4}}){_TIME}$"),
    "ymd_slash": re.compile(rf"^\d{{4}}/\d{{1,2}}/\d{{1,2}}{_TIME}$"),
}
_ZONE_RE2 = r"\s*(?:Z|UTC|[+-]\d{2}:?\d{2})$"
_SLASH_PARTS = r"^\s*(?P<first>\d{1,2})[/-](?P<second>\d{1,2})[/-]"
_SEPARATORS = {"dotted": ".", "slash": "/", "dash": "-"}
_DIGIT_PLACES = np.array([0, 1, 3, 4, 6, 7, 8, 9])  # of dd.mm.yyyy / mm/dd/yyyy
_PARALLEL_ROWS = 200_000  # per thread: below this, one slice
_DAY_PATTERNS = {
    ("dotted", None): r"^\s*(?P<day>\d{1,2})\.",
    ("slash", True): r"^\s*(?P<day>\d{1,2})/",
    ("slash", False): r"^\s*\d{1,2}/(?P<day>\d{1,2})/",
    ("dash", True): r"^\s*(?P<day>\d{1,2})-",
    ("dash", False): r"^\s*\d{1,2}-(?P<day>\d{1,2})-",
    ("ymd_slash", None): r"^\s*\d{4}/\d{1,2}/(?P<day>\d{1,2})",
}


@dataclass(frozen=True)
class Hints:
    """What a file as a whole suggests where a column's values alone are ambiguous."""

    decimal: str | None = None
    dayfirst: bool | None = None


@dataclass(frozen=True)
class ColumnFormat:
    """How one column's text is to be read.

    ``certain`` is True when the decimal mark or day order follows from the values themselves
    (``12,5`` can only be a decimal comma), False when a hint had to decide. A date column's
    ``date_format`` is the strptime format of its date part (``"ISO"`` for ISO 8601, which
    Arrow casts directly), ``times`` the time parts found (``""`` for none): a column may mix
    ``01.03.2024`` and ``01.03.2024 12:30``. ``codes`` marks numbers written with a leading
    zero (postcodes, phone numbers): read losslessly they stay text. ``pivot`` is the last
    two-digit year read as 20xx (``%y`` formats); ``alternatives`` are the formats of the other
    date forms a column mixes in (ISO beside ``dd.mm.yyyy``), each value read by its own form.
    """

    kind: Kind
    decimal: str | None = None
    currency: str | None = None
    date_format: str | None = None
    times: tuple[str, ...] = ("",)
    family: str | None = None
    dayfirst: bool | None = None
    certain: bool = True
    codes: bool = False
    pivot: int = YEAR_PIVOT
    alternatives: tuple[ColumnFormat, ...] = ()

    @property
    def formats(self) -> tuple[str, ...]:
        """The full strptime formats of a (non-ISO) date column."""
        return tuple(f"{self.date_format}{time}" for time in self.times)


TEXT = ColumnFormat("text")
NO_HINTS = Hints()


def sample(values: pa.ChunkedArray | pa.Array) -> list[str]:
    """Up to 1,000 non-blank values of a string column: its head and 25 runs spread over the
    rest (contiguous slices are cheap in Arrow, single-row takes are not)."""
    n = len(values)
    picked = values.slice(0, SAMPLE_HEAD).to_pylist()
    step = max((n - SAMPLE_HEAD) // SAMPLE_STRIDES, 1)
    for start in range(SAMPLE_HEAD, n, step):
        picked += values.slice(start, SAMPLE_STRIDE).to_pylist()
    stripped = (value.strip() for value in picked if value is not None)
    return [value for value in stripped if value and value not in MISSING_MARKERS]


def infer_format(values: list[str], hints: Hints = NO_HINTS) -> ColumnFormat:
    """The format that reads every value of the sample, preferring numbers, then dates."""
    if not values:
        return TEXT
    values = list(dict.fromkeys(values))  # each distinct value once; the verdict is the same
    return _number_format(values, hints) or _date_format(values, hints) or TEXT


_BRACKETED_RE = re.compile(_BRACKETED)
_TRAILING_MINUS_RE = re.compile(_TRAILING_MINUS)


def _accounting(value: str) -> str:
    """``(12,50)`` and ``12,50-`` (accounting negatives) as ``-12,50``; other text unchanged."""
    if "(" not in value and "-" not in value:  # the common case, without a regex
        return value
    return _TRAILING_MINUS_RE.sub(r"-\1", _BRACKETED_RE.sub(r"-\1", value))


def _split_money(value: str) -> tuple[str, str | None]:
    match = _MONEY.match(_accounting(value))
    if match is None:
        return value, None
    symbol = match["pre"] or match["post"]
    return match["sign"] + match["num"], CURRENCIES[symbol.lower()] if symbol else None


def _number_format(values: list[str], hints: Hints) -> ColumnFormat | None:
    fits = {",": True, ".": True}
    currencies: set[str] = set()
    has_comma = has_point = exponent = False
    numbers = []
    for value in values:
        number, currency = _split_money(value)
        numbers.append(number)
        for mark, (pattern, _) in _NUMBER_PATTERNS.items():
            fits[mark] = fits[mark] and pattern.match(number) is not None
        if not (fits[","] or fits["."]):
            return None
        if currency:
            currencies.add(currency)
        has_comma = has_comma or "," in number
        has_point = has_point or "." in number
        exponent = exponent or "e" in number or "E" in number
    certain = True
    if fits[","] and fits["."]:
        if has_comma or has_point:
            decimal, certain = hints.decimal or ".", False
        else:
            decimal = None
    else:
        decimal = "," if fits[","] else "."
    fraction = (decimal == "," and has_comma) or (decimal == "." and has_point)
    kind: Kind = "number" if fraction or exponent else "integer"
    return ColumnFormat(
        kind,
        decimal=decimal,
        currency=currencies.pop() if len(currencies) == 1 else None,
        certain=certain,
        codes=any(_LEADING_ZERO.match(number) for number in numbers),
    )


def _date_format(values: list[str], hints: Hints) -> ColumnFormat | None:
    """The date format of the values, or None when one of them is no date.

    Values of several forms (ISO beside ``dd.mm.yyyy``) give the format of the most common form
    with the others as ``alternatives``; day and month order is decided once for all ``d/m``
    values of the column.
    """
    forms: dict[str, list[re.Match[str]]] = {}
    for value in values:
        for family, pattern in _DATE_FAMILIES.items():
            match = pattern.match(value)
            if match is not None:
                forms.setdefault(family, []).append(match)
                break
        else:
            return None
    ordered = sorted(forms, key=lambda family: -len(forms[family]))
    main, *others = [_family_format(family, forms[family], hints) for family in ordered]
    return replace(main, alternatives=tuple(others))


def _family_format(family: str, matches: list[re.Match[str]], hints: Hints) -> ColumnFormat:
    """The format of values that all match ``family``'s pattern."""
    times = _time_forms([match.string for match in matches])
    if family == "iso":
        return ColumnFormat("date", date_format="ISO", family=family)
    if family == "ymd_slash":
        return ColumnFormat("date", date_format="%Y/%m/%d", times=times, family=family)
    year = "%Y" if all(len(match.group(3)) == 4 for match in matches) else "%y"
    if family == "dotted":
        return ColumnFormat("date", date_format=f"%d.%m.{year}", times=times, family=family)
    days_first = sum(int(match.group(1)) > 12 for match in matches)
    days_second = sum(int(match.group(2)) > 12 for match in matches)
    certain = bool(days_first or days_second)
    # Values that contradict each other (25/12 and 12/25): the order most of them show, the
    # others are no dates. Without evidence in the values or the file, day first: only the US
    # writes the month first.
    dayfirst = days_first >= days_second if certain else hints.dayfirst is not False
    return ColumnFormat(
        "date",
        date_format=_day_order(family, dayfirst) + year,
        times=times,
        family=family,
        dayfirst=dayfirst,
        certain=certain,
    )


def _day_order(family: str, dayfirst: bool) -> str:
    separator = "/" if family == "slash" else "-"
    return separator.join(("%d", "%m", "") if dayfirst else ("%m", "%d", ""))


def guessed_day_order(
    values: pa.ChunkedArray, dates: pa.ChunkedArray
) -> tuple[np.ndarray, dict[str, int | str]] | None:
    """Where reading ``d/m/y`` text as ``dates`` had to guess the day order: the positions of
    the values that would read differently the other way round (``03/04/2024``, not
    ``03/03/2024``) and the example for the note (``03/04/2024`` read as day 3, month 4, 2024).
    None when a value of the column decides the order (``25/12/2024``) or none is ambiguous.
    """
    parts = pc.extract_regex(values, _SLASH_PARTS)
    first = pc.cast(pc.struct_field(parts, "first"), pa.int64())
    second = pc.cast(pc.struct_field(parts, "second"), pa.int64())
    if pc.any(pc.or_(pc.greater(first, 12), pc.greater(second, 12))).as_py():
        return None
    ambiguous = pc.and_(pc.not_equal(first, second), pc.is_valid(dates))
    positions = pc.indices_nonzero(pc.fill_null(ambiguous, False)).to_numpy()
    if not len(positions):
        return None
    when = dates[int(positions[0])].as_py()
    example = values[int(positions[0])].as_py().strip()
    return positions, {"example": example, "day": when.day, "month": when.month, "year": when.year}


def flip_day_order(fmt: ColumnFormat) -> ColumnFormat:
    """The same ``d/m`` or ``m/d`` format with day and month swapped."""
    assert fmt.family in ("slash", "dash") and fmt.date_format is not None
    dayfirst = not fmt.dayfirst
    date_format = _day_order(fmt.family, dayfirst) + fmt.date_format[-2:]
    return replace(fmt, dayfirst=dayfirst, date_format=date_format)


def _time_forms(values: list[str]) -> tuple[str, ...]:
    """The time parts the values have (``""`` for a date alone), as strptime suffixes."""
    forms = set()
    for value in values:
        match = re.search(r"[ T](\d{1,2}:\d{2}(:\d{2})?)(\s*[AaPp][Mm])?$", value)
        if match is None:
            forms.add("")
        else:
            clock = "%H:%M:%S" if match.group(2) else "%H:%M"
            forms.add(" " + (clock.replace("%H", "%I") + " %p" if match.group(3) else clock))
    return tuple(sorted(forms))


def with_hints(fmt: ColumnFormat, values: list[str], hints: Hints) -> ColumnFormat:
    """Re-decide an uncertain format with the file's hints (certain ones stay)."""
    if fmt.kind == "text" or (fmt.certain and all(alt.certain for alt in fmt.alternatives)):
        return fmt
    return replace(infer_format(values, hints), certain=False)


# --- conversion -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Converted:
    """A converted column and the rows whose value was given but did not parse."""

    values: pa.ChunkedArray
    bad: np.ndarray

    @property
    def n_bad(self) -> int:
        return int(self.bad.sum())


def _chunked(values: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])


def _bad_mask(original: pa.ChunkedArray, parsed: pa.ChunkedArray) -> np.ndarray:
    """Rows with a value (not blank, not a missing marker) that did not parse."""
    given = pc.and_(pc.is_valid(_without_markers(original)), pc.is_valid(original))
    failed = pc.and_(given, pc.is_null(parsed))
    return np.asarray(failed.to_numpy(zero_copy_only=False), dtype=bool)


def _without_markers(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Trimmed text with blanks and :data:`MISSING_MARKERS` as nulls."""
    text = pc.utf8_trim_whitespace(values)
    missing = pc.or_(pc.equal(text, ""), pc.is_in(text, value_set=pa.array(MISSING_MARKERS)))
    return pc.if_else(missing, pa.scalar(None, text.type), text)


def convert_lossless(values: pa.ChunkedArray, fmt: ColumnFormat) -> pa.ChunkedArray | None:
    """``values`` converted to ``fmt``'s kind, or None when a single value would be lost.

    A fast path casts the text as it is; only when that fails are blanks, missing markers,
    currency signs and thousands marks dealt with. Lost also counts: numbers with a leading zero
    (postcodes, phone and article numbers), integers that do not read back as written (see
    :func:`_reads_back`), whole numbers written two ways (``1`` and ``1.0``) or with an exponent
    (:func:`_looks_like_ids`), and infinity or overflow (``1e309``).
    """
    if fmt.kind == "text":
        return None
    if fmt.kind == "date":
        fast = _dates_fast(values, fmt)
        if fast is not None:
            return fast
        converted = _dates(values, fmt)
        if converted.n_bad and fmt.family in ("slash", "dash") and not fmt.certain:
            converted = _dates(values, flip_day_order(fmt))
        return None if converted.n_bad else converted.values
    if fmt.codes or _has_leading_zero(values):
        return None
    fast = _numbers_fast(values, fmt)
    if fast is None:
        converted = _numbers(values, fmt)
        if converted.n_bad:
            return None
        fast = converted.values
        if fmt.kind == "integer":
            fast = _as_integers(values, fast)
            if fast is None:
                return None
    if pa.types.is_floating(fast.type) and _looks_like_ids(values, fast):
        return None
    return fast


def _has_leading_zero(values: pa.ChunkedArray) -> bool:
    """True when a value starts with ``0`` and a digit (``007``, ``01234``), looked up in the
    bytes of each chunk: the first two bytes of every value, no string kernel."""
    return any(_leading_zero_chunk(chunk) for chunk in values.chunks)


def _leading_zero_chunk(chunk: pa.Array) -> bool:
    if not pa.types.is_large_string(chunk.type):
        starts = pc.and_(pc.starts_with(chunk, "0"), pc.greater(pc.utf8_length(chunk), 1))
        return bool(pc.any(pc.match_substring_regex(chunk.filter(starts), r"^0\d")).as_py())
    n = len(chunk)
    offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[chunk.offset : chunk.offset + n + 1]
    if not n or offsets[-1] == offsets[0]:
        return False
    data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)
    # The first byte of every value (an empty last value points past the end: clipped), then
    # only the few values starting with "0" are looked at further.
    zero = np.flatnonzero(np.take(data, offsets[:-1], mode="clip") == ord("0"))
    zero = zero[(offsets[zero + 1] - offsets[zero] >= 2) & _validity(chunk)[zero]]
    return bool((data[offsets[zero] + 1] - np.uint8(ord("0")) <= 9).any())


def _numbers_fast(values: pa.ChunkedArray, fmt: ColumnFormat) -> pa.ChunkedArray | None:
    """Arrow's own cast where the text is already in its form (the common case), if every
    number is finite and every integer reads back as written."""
    if fmt.currency is not None:
        return None
    text = values
    if fmt.decimal == ",":
        if pc.any(pc.match_substring(values, ".")).as_py():
            return None
        text = pc.replace_substring(values, ",", ".")
    try:
        numbers = pc.cast(text, pa.int64() if fmt.kind == "integer" else pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if fmt.kind == "integer":
        return numbers if _reads_back(values, numbers) else None
    # Arrow reads "inf", "nan" and "1e309" as floats that are no amounts: the slow path decides.
    return numbers if pc.all(pc.is_finite(numbers)).as_py() is not False else None


def _reads_back(values: pa.ChunkedArray, numbers: pa.ChunkedArray) -> bool:
    """True when the integers ``numbers`` read from ``values`` give each text back: none at
    or beyond :data:`SAFE_INTEGER` (float64 would change it) and no ``-0`` (which would merge
    with ``0``). Leading zeros are ruled out before, a ``+`` by Arrow's cast or
    :func:`_as_integers`."""
    bounds = pc.min_max(numbers)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if low is None:
        return True
    if low <= -SAFE_INTEGER or high >= SAFE_INTEGER:
        return False
    if low > 0 or high < 0:
        return True
    zeros = pc.fill_null(pc.equal(numbers, 0), False)
    return not pc.any(pc.match_substring(values.filter(zeros), "-")).as_py()


def _looks_like_ids(values: pa.ChunkedArray, numbers: pa.ChunkedArray) -> bool:
    """True when every number is whole and either two texts gave the same one (``1`` and
    ``1.0``, ``0`` and ``-0``: as floats they would merge) or one has 16 digits or more
    (``1,23457E+16``: a long id that Excel shortened to its 15 digits; no amount is that
    large). Such a column holds ids or codes. Amounts have cents somewhere and skip the
    checks."""
    if pc.all(pc.equal(pc.floor(numbers), numbers)).as_py() is False:
        return False
    largest = pc.max(pc.abs(numbers)).as_py()
    if largest is not None and largest >= 10**15:
        return True
    texts = pc.count_distinct(_without_markers(values)).as_py()
    return pc.count_distinct(numbers).as_py() < texts  # -0.0 counts apart from 0.0


def _numbers(values: pa.ChunkedArray, fmt: ColumnFormat) -> Converted:
    """Every value that reads as a finite number in ``fmt``'s marks; the others become
    missing. Accounting negatives ``(12,50)`` and ``12,50-`` read as ``-12,50``."""
    decimal = fmt.decimal or "."
    text = _without_markers(values)
    if pc.any(pc.match_substring(text, "(")).as_py():
        text = pc.replace_substring_regex(text, _BRACKETED, r"-\1")
    if pc.any(pc.ends_with(text, "-")).as_py():
        text = pc.replace_substring_regex(text, _TRAILING_MINUS, r"-\1")
    text = pc.replace_substring_regex(text, _MONEY_RE2, r"\1\2")
    valid = pc.match_substring_regex(text, _NUMBER_PATTERNS[decimal][1])
    text = pc.replace_substring_regex(text, _SPACES_RE2, "")
    text = pc.replace_substring_regex(text, "[.]" if decimal == "," else "[,]", "")
    if decimal == ",":
        text = pc.replace_substring(text, ",", ".")
    text = pc.replace_substring_regex(text, r"^\+", "")
    parsed = pc.cast(pc.if_else(valid, text, pa.scalar(None, text.type)), pa.float64())
    parsed = pc.if_else(pc.is_finite(parsed), parsed, pa.scalar(None, pa.float64()))
    return Converted(_chunked(parsed), _bad_mask(values, parsed))


def _as_integers(values: pa.ChunkedArray, numbers: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """Whole ``numbers`` (read from ``values``) as int64, or None when one of them would not
    read back as written (:func:`_reads_back`; ``+7`` would become ``7``)."""
    if pc.any(pc.match_substring_regex(values, r"^\s*\+")).as_py():
        return None
    try:
        integers = pc.cast(numbers, pa.int64())
    except pa.ArrowInvalid:
        return None
    return integers if _reads_back(values, integers) else None


def _dates_fast(values: pa.ChunkedArray, fmt: ColumnFormat) -> pa.ChunkedArray | None:
    """Arrow's ISO cast or strptime on the text as it is, if no value is lost."""
    try:
        if fmt.date_format == "ISO":
            return pc.cast(values, TIMESTAMP)
        fixed = _fixed_width_dates(values, fmt)
        if fixed is not None:
            return fixed
        parsed = _strptime(values, fmt)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pc.cast(parsed, TIMESTAMP) if parsed.null_count == values.null_count else None


def _fixed_width_dates(values: pa.ChunkedArray, fmt: ColumnFormat) -> pa.ChunkedArray | None:
    """``31.12.2024`` (and ``12/31/2024``) as Excel writes them, always ten characters, read
    straight from the bytes with numpy: digits at fixed places, impossible dates (month 13, the
    30th of February) rejected. Several times faster than strptime per value; None when the
    column is not in that form (the caller then uses strptime).

    The CSV reader's many small chunks are joined and the column is read in one slice per core
    (numpy releases the GIL on slices this large).
    """
    if fmt.family not in _SEPARATORS or fmt.times != ("",) or not fmt.date_format:
        return None
    if not fmt.date_format.endswith("%Y") or not pa.types.is_large_string(values.type):
        return None
    dayfirst = fmt.date_format.startswith("%d")
    separator = ord(_SEPARATORS[fmt.family])
    whole = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    parts = max(min(pa.cpu_count(), len(whole) // _PARALLEL_ROWS), 1)
    bounds = np.linspace(0, len(whole), parts + 1).astype(int)
    slices = [whole.slice(start, stop - start) for start, stop in pairwise(bounds)]
    if parts == 1:
        dates = [_fixed_width_chunk(slices[0], separator, dayfirst)]
    else:
        with ThreadPoolExecutor(max_workers=parts) as pool:
            dates = list(
                pool.map(lambda part: _fixed_width_chunk(part, separator, dayfirst), slices)
            )
    if any(part is None for part in dates):
        return None
    return pa.chunked_array(dates, TIMESTAMP)


def _fixed_width_chunk(chunk: pa.Array, separator: int, dayfirst: bool) -> pa.Array | None:
    n = len(chunk)
    valid = _validity(chunk)
    offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[chunk.offset : chunk.offset + n + 1]
    starts = offsets[:-1][valid]
    if not len(starts):
        return pa.nulls(n, TIMESTAMP)
    if not (offsets[1:][valid] - starts == 10).all():
        return None
    data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)
    if valid.all() and offsets[-1] - offsets[0] == 10 * n:  # back to back: a free 2-D view
        cells = data[offsets[0] : offsets[-1]].reshape(n, 10)
    else:
        cells = np.stack([data[starts + place] for place in range(10)], axis=1)
    if not ((cells[:, 2] == separator) & (cells[:, 5] == separator)).all():
        return None
    digits = cells[:, _DIGIT_PLACES] - np.uint8(ord("0"))  # wraps below "0"
    if (digits > 9).any():
        return None
    digits = digits.astype(np.int32)
    first = digits[:, 0] * 10 + digits[:, 1]
    second = digits[:, 2] * 10 + digits[:, 3]
    year = digits[:, 4] * 1000 + digits[:, 5] * 100 + digits[:, 6] * 10 + digits[:, 7]
    day, month = (first, second) if dayfirst else (second, first)
    if ((month < 1) | (month > 12) | (day < 1)).any():
        return None
    month_starts, month_lengths, first_year = _month_table(int(year.min()), int(year.max()))
    index = (year - first_year) * 12 + (month - 1)
    if (day > month_lengths[index]).any():
        return None
    micros = np.zeros(n, dtype=np.int64)
    micros[valid] = (month_starts[index] + day - 1).astype(np.int64) * 86_400_000_000
    return pa.array(micros, pa.int64(), mask=None if valid.all() else ~valid).view(TIMESTAMP)


def _month_table(first_year: int, last_year: int) -> tuple[np.ndarray, np.ndarray, int]:
    """For every month from January ``first_year`` to December ``last_year``: the day number
    (since 1970-01-01) of its first day and its length in days, indexed by
    ``(year - first_year) * 12 + month - 1``. A lookup per date instead of calendar arithmetic."""
    years = np.repeat(np.arange(first_year, last_year + 2), 12)
    months = np.tile(np.arange(1, 13), last_year - first_year + 2)
    starts = _days_from_civil(years, months, np.ones_like(years))
    return starts[:-12], np.diff(starts)[: len(starts) - 12], first_year


def _validity(chunk: pa.Array) -> np.ndarray:
    """The chunk's validity as booleans, straight from its bitmap."""
    if chunk.null_count == 0:
        return np.ones(len(chunk), dtype=bool)
    bits = np.unpackbits(np.frombuffer(chunk.buffers()[0], dtype=np.uint8), bitorder="little")
    return bits[chunk.offset : chunk.offset + len(chunk)].astype(bool)


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil):
    ``y = year - (month <= 2)``, ``doy = (153 (month ± 9/−3) + 2) div 5 + day − 1``,
    ``days = 146097 era + 365 yoe + yoe div 4 − yoe div 100 + doy − 719468``."""
    shifted = year - (month <= 2)
    era = shifted // 400
    year_of_era = shifted - era * 400
    day_of_year = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def _strptime(values: pa.ChunkedArray, fmt: ColumnFormat) -> pa.ChunkedArray:
    """Each value read with the first of ``fmt``'s formats that fits it.

    The C library's strptime accepts a 30th of February and rolls it over into March; such a
    date is no date, so the day read back must be the day written.
    """
    parsed = [pc.strptime(values, form, "s", error_is_null=True) for form in fmt.formats]
    if "%y" in (fmt.date_format or ""):
        parsed = [_pivot_years(_chunked(dates), fmt.pivot) for dates in parsed]
    parsed = parsed[0] if len(parsed) == 1 else pc.coalesce(*parsed)
    suspect = pc.less_equal(pc.day(parsed), 3)  # a rolled-over 29th-31st lands on day 1-3
    positions = pc.indices_nonzero(pc.fill_null(suspect, False)).to_numpy()
    if not len(positions):
        return parsed
    pattern = _DAY_PATTERNS[(fmt.family, fmt.dayfirst)]
    written = pc.extract_regex(values.take(positions), pattern)
    day = pc.cast(pc.struct_field(written, "day"), pa.int64())
    rolled = pc.fill_null(pc.not_equal(pc.day(parsed.take(positions)), day), False).to_numpy()
    if not rolled.any():
        return parsed
    mask = np.zeros(len(parsed), dtype=bool)
    mask[positions[rolled]] = True
    return pc.if_else(pa.array(mask), pa.scalar(None, parsed.type), parsed)


def _pivot_years(dates: pa.ChunkedArray, pivot: int) -> pa.ChunkedArray:
    """Dates read from two-digit years moved into the century of ``pivot``: ``yy`` up to it
    is 20yy, above it 19yy (strptime's own rule, 69, would make a 1950 birthday 2050)."""
    years = pc.fill_null(pc.year(dates), 2000).to_numpy()
    short = years % 100
    wanted = np.where(short <= pivot, 2000, 1900) + short
    if (wanted == years).all():
        return dates
    months = pc.fill_null(pc.month(dates), 1).to_numpy()
    days = pc.fill_null(pc.day(dates), 1).to_numpy()
    shift = _days_from_civil(wanted, months, days) - _days_from_civil(years, months, days)
    seconds = pc.fill_null(pc.cast(dates, pa.int64()), 0).to_numpy() + shift * 86_400
    valid = pc.is_valid(dates).to_numpy(zero_copy_only=False)
    return _chunked(pa.array(seconds, pa.int64(), mask=~valid).cast(dates.type))


_ANY_TIME = ("", " %H:%M", " %H:%M:%S")
_UNAMBIGUOUS: tuple[tuple[str, ColumnFormat], ...] = (
    (_DATE_FAMILIES["iso"].pattern, ColumnFormat("date", date_format="ISO", family="iso")),
    (
        r"^\d{1,2}\.\d{1,2}\.\d{4}\b",
        ColumnFormat("date", date_format="%d.%m.%Y", times=_ANY_TIME, family="dotted"),
    ),
    (
        r"^\d{1,2}\.\d{1,2}\.\d{2}\b",
        ColumnFormat("date", date_format="%d.%m.%y", times=_ANY_TIME, family="dotted"),
    ),
    (
        _DATE_FAMILIES["ymd_slash"].pattern,
        ColumnFormat("date", date_format="%Y/%m/%d", times=_ANY_TIME, family="ymd_slash"),
    ),
)
"""Date forms that tell day and month apart by themselves, with the pattern of their values:
a value of one of them among dates of another form is read by its own."""


def _dates(values: pa.ChunkedArray, fmt: ColumnFormat) -> Converted:
    """Every value that reads as a date in ``fmt``, in one of its ``alternatives`` or in a form
    that is unambiguous by itself (:data:`_UNAMBIGUOUS`); the others become missing."""
    text = _without_markers(values)
    parsed = _chunked(_dates_in(text, fmt))
    unread = pc.and_(pc.is_valid(text), pc.is_null(parsed))
    if pc.any(unread).as_py():
        parsed = _other_forms(text, parsed, unread, fmt)
    return Converted(parsed, _bad_mask(values, parsed))


def _dates_in(text: pa.ChunkedArray, fmt: ColumnFormat) -> pa.ChunkedArray | pa.Array:
    """``text`` (trimmed, markers removed) read in ``fmt`` alone."""
    if fmt.date_format != "ISO":
        return pc.cast(_strptime(text, fmt), TIMESTAMP)
    text = pc.replace_substring_regex(text, _ZONE_RE2, "")  # the wall-clock time is kept
    text = pc.replace_substring(text, "T", " ")
    try:
        return pc.cast(text, TIMESTAMP)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    iso = pc.match_substring_regex(text, _DATE_FAMILIES["iso"].pattern)
    text = pc.if_else(iso, text, pa.scalar(None, text.type))  # a dotted date among ISO ones
    try:
        return pc.cast(text, TIMESTAMP)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        series = pd.to_datetime(
            pd.Series(text.to_pylist(), dtype="str"), format="ISO8601", errors="coerce"
        )
        return pa.array(series.astype("datetime64[us]"), TIMESTAMP, from_pandas=True)


def _other_forms(
    text: pa.ChunkedArray, parsed: pa.ChunkedArray, unread: pa.ChunkedArray, fmt: ColumnFormat
) -> pa.ChunkedArray:
    """``parsed`` with the ``unread`` values read by the first other form they match."""
    rest = text.filter(unread)
    filled = pa.chunked_array([pa.nulls(len(rest), TIMESTAMP)])
    forms = [(_DATE_FAMILIES[alt.family or "iso"].pattern, alt) for alt in fmt.alternatives]
    if fmt.family in _SEPARATORS and fmt.date_format:  # 03/04/45 beside 03/04/2045
        year = "%Y" if fmt.date_format.endswith("%y") else "%y"
        other = replace(fmt, date_format=fmt.date_format[:-2] + year, alternatives=())
        forms.insert(0, (_DATE_FAMILIES[fmt.family].pattern, other))
    forms += [(pattern, replace(form, pivot=fmt.pivot)) for pattern, form in _UNAMBIGUOUS]
    for pattern, form in forms:
        if form.date_format == fmt.date_format:
            continue
        matching = pc.and_(pc.is_null(filled), pc.match_substring_regex(rest, pattern))
        if not pc.any(matching).as_py():
            continue
        candidates = pc.if_else(matching, rest, pa.scalar(None, rest.type))
        filled = pc.coalesce(filled, _chunked(_dates_in(candidates, form)))
    mask = unread.combine_chunks()
    whole = parsed.combine_chunks()
    return _chunked(pc.replace_with_mask(whole, mask, filled.combine_chunks()))


# --- coercion to a canonical kind --------------------------------------------------------------


def _strings(series: pd.Series) -> pa.ChunkedArray:
    text = series.astype("str").where(series.notna(), None)
    return _chunked(pa.array(text, pa.string(), from_pandas=True))


def to_numbers(series: pd.Series, hints: Hints = NO_HINTS) -> tuple[pd.Series, np.ndarray]:
    """``series`` as float64, reading text with :func:`infer_format`; and the unreadable rows.

    Infinity (from a file's ``inf`` or an overflowing ``1e309``) is no number: it becomes
    missing and its rows are returned as unreadable.
    """
    if pd.api.types.is_bool_dtype(series):
        return series.astype("float64"), np.zeros(len(series), dtype=bool)
    if pd.api.types.is_numeric_dtype(series):
        numbers = series.astype("float64")
        infinite = np.isinf(numbers.to_numpy())
        return numbers.mask(infinite), infinite
    values = _strings(series)
    fmt = infer_format(_numeric_candidates(sample(values)), hints)
    if fmt.kind not in ("integer", "number"):
        fmt = ColumnFormat("number", decimal=hints.decimal)
    converted = _numbers(values, fmt)
    numbers = converted.values.to_pandas().astype("float64")
    numbers.index = series.index
    return numbers, converted.bad


def _numeric_candidates(values: list[str]) -> list[str]:
    """The sample values that look numeric at all, so that a few bad ones do not hide the
    format of the rest."""
    return [
        value
        for value in values
        if any(pattern.match(_split_money(value)[0]) for pattern, _ in _NUMBER_PATTERNS.values())
    ]


def to_dates(
    series: pd.Series, hints: Hints = NO_HINTS, pivot: int = YEAR_PIVOT
) -> tuple[pd.Series, np.ndarray]:
    """``series`` as ``datetime64[us]`` days; and the rows whose value is not a date.

    Numbers are read as ``20241231`` when every value fits that form, otherwise as Excel
    serial days (``45657`` is 2024-12-31). Times of day are dropped: canonical dates are days.
    Two-digit years up to ``pivot`` are 20xx, the others 19xx. Values in another form than the
    sample's are read by their own form where it is unambiguous (ISO, ``dd.mm.yyyy``).
    """
    index = series.index
    if pd.api.types.is_datetime64_any_dtype(series):
        dates = series.dt.tz_localize(None) if series.dt.tz is not None else series
        return dates.astype("datetime64[us]").dt.normalize(), np.zeros(len(series), dtype=bool)
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return _dates_from_numbers(series.astype("float64"))
    values = _strings(series)
    fmt = infer_format(_date_candidates(sample(values)), hints)
    if fmt.kind in ("integer", "number"):
        numbers, bad = to_numbers(series, hints)
        dates, bad_dates = _dates_from_numbers(numbers)
        return dates, bad | bad_dates
    if fmt.kind != "date":
        empty = pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
        return empty, _bad_mask(values, pa.chunked_array([pa.nulls(len(values), TIMESTAMP)]))
    fmt = replace(
        fmt, pivot=pivot, alternatives=tuple(replace(alt, pivot=pivot) for alt in fmt.alternatives)
    )
    converted = _dates(values, fmt)
    if fmt.family in ("slash", "dash") and not fmt.certain and converted.n_bad:
        other = _dates(values, flip_day_order(fmt))
        if other.n_bad < converted.n_bad:
            converted = other
    dates = converted.values.to_pandas().astype("datetime64[us]").dt.normalize()
    dates.index = index
    return dates, converted.bad


def _date_candidates(values: list[str]) -> list[str]:
    """The sample values written as dates, or as numbers (serial days) where those are more:
    a stray number or word does not hide the form of the rest."""
    dated = [value for value in values if any(p.match(value) for p in _DATE_FAMILIES.values())]
    numbers = [value for value in values if re.fullmatch(r"\d+(?:[.,]\d+)?", value)]
    return dated if len(dated) >= len(numbers) else numbers


def _dates_from_numbers(numbers: pd.Series) -> tuple[pd.Series, np.ndarray]:
    given = numbers.notna().to_numpy()
    present = numbers[given]
    if len(present) and present.between(19_000_101, 21_001_231).all():
        text = present.round().astype("int64").astype("str")
        parsed = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
    else:
        serial = present.where(present.between(1, EXCEL_MAX_SERIAL))
        parsed = EXCEL_EPOCH + pd.to_timedelta(np.floor(serial), unit="D")
    dates = pd.Series(pd.NaT, index=numbers.index, dtype="datetime64[us]")
    dates[given] = parsed.astype("datetime64[us]").to_numpy()
    bad = given & dates.isna().to_numpy()
    return dates, bad

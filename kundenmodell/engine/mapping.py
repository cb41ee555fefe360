"""A column mapping applied in the engine: select, rename and cast as Ibis expressions.

The upload path converts a file's columns in pandas (:func:`kundenmodell.io.map_table`); a
database table or Parquet folder is converted where it lives, so that only the canonical
columns travel. Each mapped column becomes its canonical kind:

- ids, text and categories: text, trimmed, with blanks and missing markers (``NULL``,
  ``#N/A``) missing; whole numbers written without ``.0``, dates as ``YYYY-MM-DD``; categories
  translated through the value synonyms (``Firmenkunde`` → ``b2b``) for the values in the sample;
- dates: timestamps; text is parsed with the one format (of :data:`DATE_FORMATS`) that reads
  most of the sample's values (``31.01.2024`` → ``%d.%m.%Y``);
- numbers: float64; text with the decimal mark the mapping names or the sample shows
  (``1.234,50``), currency signs and spaces removed; integers must be whole.

A value that does not convert becomes missing and is flagged in a column
``FAILED + target`` (true: the source had a value that could not be read), so that the
validation report can name it like an upload's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from kundenmodell.engine.connection import backend_of
from kundenmodell.io.mapping import Mapping, normalise, value_map
from kundenmodell.io.parse import MISSING_MARKERS, SAFE_INTEGER
from kundenmodell.schema import TableSchema

FAILED = "__failed__"
"""Prefix of the flag columns that mark values which did not convert."""
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%Y/%m/%d",
    "%d-%m-%Y",
    "%Y%m%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
)
"""Text date formats tried on the sample, in order of preference on a tie (day first)."""
_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%Y %H:%M")
_NOT_NUMBER = r"[^0-9,.+\-eE]"
_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$")
_POINT_DECIMAL = re.compile(r"^[+-]?\d{1,3}(,\d{3})*\.\d+$|^[+-]?\d+\.\d+$")


@ibis.udf.scalar.builtin
def try_strptime(value: str, format: str) -> dt.datetime:
    """DuckDB's ``try_strptime``: the text as a timestamp, NULL where it does not fit."""


@dataclass(frozen=True)
class Planned:
    """One canonical column: its expression over the source table and, when the conversion
    can fail, the expression that is true where it did."""

    target: str
    source: str
    value: ir.Value
    failed: ir.BooleanValue | None = None


def plan(
    table: ibis.Table, mapping: Mapping, schema: TableSchema, sample: pd.DataFrame
) -> list[Planned]:
    """The canonical columns of ``schema`` that ``mapping`` fills, as expressions over
    ``table``; ``sample`` (a few thousand rows of it) decides date formats, the decimal mark
    and the category spellings."""
    strict_dates = backend_of(table).name != "duckdb"
    planned = []
    for column in schema.columns:
        source = mapping.targets.get(column.name)
        if source is None or source not in table.columns:
            continue
        values = table[source]
        examples = sample[source] if source in sample.columns else pd.Series(dtype="object")
        if column.kind in ("id", "text", "category"):
            text = as_text(values)
            if column.kind == "category":
                text = _canonical_categories(text, column.name, examples)
            planned.append(Planned(column.name, source, text))
        elif column.kind == "date":
            value, failed = as_timestamp(values, examples, mapping.dayfirst, strict=strict_dates)
            planned.append(Planned(column.name, source, value, failed))
        else:
            number, failed = as_number(values, examples, mapping.decimal)
            if column.kind == "integer":
                whole = _whole(number)
                not_whole = number.notnull() & ~whole
                failed = not_whole if failed is None else failed | not_whole
                number = ibis.ifelse(whole, number.cast("int64"), ibis.null("int64"))
            planned.append(Planned(column.name, source, number, failed))
    return planned


def mapped_table(planned: list[Planned], table: ibis.Table) -> ibis.Table:
    """The canonical columns of ``planned`` plus a ``FAILED + target`` flag for every
    conversion that can fail."""
    columns = {p.target: p.value for p in planned}
    flags = {FAILED + p.target: p.failed for p in planned if p.failed is not None}
    return table.select(**columns, **flags)


def as_text(values: ir.Value) -> ir.StringValue:
    """Any column as trimmed text; whole numbers without ``.0``, dates as ``YYYY-MM-DD``,
    blanks and missing markers as missing."""
    kind = values.type()
    if kind.is_string():
        text = values.strip()
    elif kind.is_integer():
        text = values.cast("string")
    elif kind.is_floating() or kind.is_decimal():
        whole = _whole(values)
        text = ibis.ifelse(whole, values.cast("int64").cast("string"), values.cast("string"))
    elif kind.is_temporal():
        text = values.cast("timestamp").strftime("%Y-%m-%d")
    else:
        text = values.cast("string").strip()
    # An array literal's ``contains``, not ``isin``: DuckDB runs a long IN list as a join that
    # stays in the plan even when the column is not used, so every mapped text column of a
    # table cost a join in every query (6× slower counts over a mapped customer table)
    missing = ibis.literal(["", *MISSING_MARKERS], type="array<string>").contains(text)
    return ibis.ifelse(missing, ibis.null("string"), text)


def as_timestamp(
    values: ir.Value, sample: pd.Series, dayfirst: bool | None = None, *, strict: bool = False
) -> tuple[ir.TimestampValue, ir.BooleanValue | None]:
    """A date column as timestamps and the flag of values that are no date.

    Dates and timestamps are cast (a time zone is dropped); text is parsed with
    :func:`date_format` of the sample (DuckDB's ``try_strptime``; ``strict`` backends use
    ``strptime``, which fails on the first bad value)."""
    kind = values.type()
    if kind.is_timestamp() or kind.is_date():
        return values.cast("timestamp"), None
    text = as_text(values)
    fmt = date_format(sample, dayfirst)
    if fmt is None:
        parsed = ibis.null("timestamp")
    elif strict:
        parsed = text.as_timestamp(fmt)
    else:
        parsed = try_strptime(text, fmt).cast("timestamp")
    return parsed, text.notnull() & parsed.isnull()


def date_format(sample: pd.Series, dayfirst: bool | None = None) -> str | None:
    """The format of :data:`DATE_FORMATS` that reads most of the sample's non-empty values
    (None: none reads any). On a tie day-first formats win unless ``dayfirst`` is False."""
    text = pd.Series(sample.dropna().astype("str").str.strip().unique())
    text = text[(text != "") & ~text.isin(MISSING_MARKERS)]
    if text.empty:
        return DATE_FORMATS[0]
    order = list(DATE_FORMATS)
    if dayfirst is False:
        order = [*_MONTH_FIRST, *(fmt for fmt in order if fmt not in _MONTH_FIRST)]
    counts = {
        fmt: int(pd.to_datetime(text, format=fmt, errors="coerce").notna().sum()) for fmt in order
    }
    best = max(order, key=lambda fmt: counts[fmt])  # the first of the best on a tie
    return best if counts[best] else None


def as_number(
    values: ir.Value, sample: pd.Series, decimal: str | None = None
) -> tuple[ir.FloatingValue, ir.BooleanValue | None]:
    """A number column as float64 and the flag of values that are no number.

    Numbers and decimals are cast; text loses currency signs and spaces, and its thousands
    separators, with the decimal mark ``decimal`` or the one :func:`decimal_mark` sees."""
    kind = values.type()
    if kind.is_numeric() or kind.is_boolean():
        return values.cast("float64"), None
    text = as_text(values)
    mark = decimal or decimal_mark(sample)
    digits = text.re_replace(_NOT_NUMBER, "")
    thousands = "." if mark == "," else ","
    digits = digits.replace(thousands, "").replace(mark, ".")
    number = digits.try_cast("float64")
    return number, text.notnull() & number.isnull()


def decimal_mark(sample: pd.Series) -> str:
    """``","`` when more of the sample's values are written with a decimal comma
    (``1.234,50``, ``12,5``) than with a decimal point, else ``"."``."""
    text = sample.dropna().astype("str").str.replace(_NOT_NUMBER, "", regex=True)
    commas = int(text.str.match(_COMMA_DECIMAL).sum())
    points = int(text.str.match(_POINT_DECIMAL).sum())
    return "," if commas > points else "."


def _whole(values: ir.NumericValue) -> ir.BooleanValue:
    """Whole numbers that int64 holds exactly (Ibis' ``floor`` casts to int64 itself, which
    fails on 1e20, so the test is ``x % 1 == 0`` below 2**53)."""
    return (values.abs() < SAFE_INTEGER) & (values % 1 == 0)


def _canonical_categories(text: ir.StringValue, name: str, sample: pd.Series) -> ir.StringValue:
    """Category values the sample shows in another spelling, in their canonical one."""
    known = value_map(name)
    if not known:
        return text
    seen = sample.dropna().astype("str").str.strip().unique()
    spelled = {value: known[normalise(value)] for value in seen if normalise(value) in known}
    spelled = {value: canonical for value, canonical in spelled.items() if value != canonical}
    return text.substitute(spelled) if spelled else text

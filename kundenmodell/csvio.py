"""Canonical tables to and from CSV in the spreadsheet dialect of a language, safely.

German and Norwegian Excel expect ``;`` between fields, a decimal comma and ``31.12.2024``
dates; English Excel expects ``,``, a decimal point and ISO dates. Headers are the translated
column labels, so the file reads naturally in the user's spreadsheet. Text cells that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) are prefixed with an apostrophe (OWASP "CSV injection" advice). Cells that already
start with an apostrophe get one too, so :func:`unprotect` can remove exactly the added prefix
when :func:`read_canonical_csv` reads such a file back.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pandas as pd

from kundenmodell.i18n import catalogue, has_key, t
from kundenmodell.schema import TABLES

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_GUARDED_PREFIXES = (*FORMULA_PREFIXES, "'")
# Signed numbers and phone numbers ("+49 151 1234567", "-12,5") cannot call a function, so they
# stay as they are; anything else starting with a formula character is guarded.
_PLAIN_NUMBER = r"[+\-][\d\s()./,+\-]*"


@dataclass(frozen=True)
class CsvDialect:
    """How one spreadsheet culture writes CSV."""

    separator: str
    decimal: str
    date_format: str
    encoding: str


DIALECTS: dict[str, CsvDialect] = {
    "de": CsvDialect(";", ",", "%d.%m.%Y", "utf-8-sig"),
    "nb": CsvDialect(";", ",", "%d.%m.%Y", "utf-8-sig"),
    "en": CsvDialect(",", ".", "%Y-%m-%d", "utf-8"),
}


def neutralise_formulas(values: pd.Series) -> pd.Series:
    """Prefix text cells that a spreadsheet would evaluate as a formula with ``'``.

    Plain signed numbers and phone numbers are left alone: without letters or ``=``/``@`` they
    cannot invoke a function, and a CRM export full of ``'+49 …`` would be a nuisance.
    """
    text = values.astype("string")
    starts = text.str.startswith(_GUARDED_PREFIXES).fillna(False)
    if not starts.any():  # the common case: one vectorised scan, no regex per cell
        return text
    candidates = text[starts]
    dangerous = ~candidates.str.fullmatch(_PLAIN_NUMBER).fillna(False).to_numpy()
    guarded = text.copy()
    guarded.iloc[np.flatnonzero(starts.to_numpy())[dangerous]] = ("'" + candidates[dangerous]).array
    return guarded


def unprotect(values: pd.Series) -> pd.Series:
    """Undo :func:`neutralise_formulas`: drop an apostrophe that guards a formula character."""
    text = values.astype("string")
    guarded = text.str.match(r"^'[=+\-@\t\r']").fillna(False)
    return text.where(~guarded, text.str.slice(1))


def to_csv_bytes(frame: pd.DataFrame, lang: str) -> bytes:
    """A canonical table as CSV bytes for a spreadsheet in ``lang``'s culture.

    Date columns are written in the dialect's date format, text columns are neutralised
    against formula injection, headers become the translated labels (``column.<name>``);
    columns outside the canonical schema keep their own name.
    """
    return _csv_text(frame, lang, header=True).encode(DIALECTS[lang].encoding)


def write_csv(chunks: Iterable[pd.DataFrame], lang: str, out: BinaryIO) -> None:
    """The ``chunks`` of one table (the same columns) written to ``out`` one after the other
    as one CSV file of :func:`to_csv_bytes`: header and byte-order mark once. For tables too
    large to hold as one text: only a chunk's text is in memory at a time."""
    encoding = DIALECTS[lang].encoding
    for number, chunk in enumerate(chunks):
        text = _csv_text(chunk, lang, header=number == 0)
        out.write(text.encode(encoding if number == 0 else encoding.removesuffix("-sig")))


def _csv_text(frame: pd.DataFrame, lang: str, *, header: bool) -> str:
    dialect = DIALECTS[lang]
    out = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[name] = values.dt.strftime(dialect.date_format)
        elif pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            out[name] = values
        else:
            out[name] = neutralise_formulas(values)
    out.columns = [header_label(str(name), lang) for name in frame.columns]
    return out.to_csv(
        index=False,
        header=header,
        sep=dialect.separator,
        decimal=dialect.decimal,
        lineterminator="\n",
    )


def header_label(name: str, lang: str) -> str:
    """The translated label of a canonical column (``column.<name>``), else the name itself."""
    key = f"column.{name}"
    return t(key, lang) if has_key(key, lang) else name


def read_canonical_csv(data: bytes, lang: str, table: str) -> pd.DataFrame:
    """Read a file written by :func:`to_csv_bytes` back into canonical columns and dtypes.

    The inverse of the export, not a general reader: headers must be ``lang``'s labels of
    ``table``'s columns (unknown headers are kept as they are). Dates become ``datetime64``,
    integers nullable ``Int64``, numbers ``float64``, everything else ``string`` with the
    formula guard removed.
    """
    dialect = DIALECTS[lang]
    raw = pd.read_csv(io.BytesIO(data), sep=dialect.separator, dtype=str, encoding=dialect.encoding)
    labels = {
        text: key.removeprefix("column.")
        for key, text in catalogue(lang).items()
        if key.startswith("column.")
    }
    raw.columns = [labels.get(str(header), str(header)) for header in raw.columns]
    schema = TABLES[table]
    out = pd.DataFrame(index=raw.index)
    for name in raw.columns:
        values = raw[name]
        kind = schema.column(name).kind if name in schema.names else "text"
        if kind == "date":
            out[name] = pd.to_datetime(values, format=dialect.date_format)
        elif kind in ("integer", "number"):
            numbers = pd.to_numeric(values.str.replace(dialect.decimal, ".", regex=False))
            out[name] = numbers.astype("Int64") if kind == "integer" else numbers.astype(float)
        else:
            out[name] = unprotect(values)
    return out
